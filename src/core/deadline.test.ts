import { test } from "node:test";
import assert from "node:assert/strict";
import { deadlineSignal, isTimeoutReason } from "./deadline.js";

test("the caller's abort wins before the deadline", () => {
  const parent = new AbortController();
  const signal = deadlineSignal(10_000, parent.signal);
  parent.abort(new Error("stop"));
  assert.equal(signal.aborted, true);
  assert.equal(isTimeoutReason(signal.reason), false);
});

test("without a caller's signal the deadline alone fires, as a TimeoutError", async () => {
  const signal = deadlineSignal(20);
  await new Promise((r) => setTimeout(r, 80));
  assert.equal(signal.aborted, true);
  assert.ok(isTimeoutReason(signal.reason));
});
