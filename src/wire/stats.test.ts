import { test } from "node:test";
import assert from "node:assert/strict";
import { longestStreak, percentile, runsTest, wilsonInterval } from "./stats.js";

const close = (a: number, b: number, eps = 1e-4): void =>
  assert.ok(Math.abs(a - b) < eps, `${a} ≉ ${b}`);

test("Wilson interval matches published values", () => {
  // 7 of 10: 0.3968–0.8922 (Newcombe 1998, method 3).
  const a = wilsonInterval(7, 10);
  close(a.low, 0.3968);
  close(a.high, 0.8922);
  // 0 of 20: upper bound 0.1611.
  const b = wilsonInterval(0, 20);
  close(b.low, 0);
  close(b.high, 0.1611);
  assert.deepEqual(wilsonInterval(0, 0), { low: 0, high: 1 });
});

test("longest streak", () => {
  assert.equal(longestStreak([true, true, false, true, true, true, false]), 3);
  assert.equal(longestStreak([]), 0);
});

test("runs test flags bursts and not alternation", () => {
  const bursty = Array.from({ length: 20 }, (_, i) => i < 10);
  assert.equal(runsTest(bursty)?.clustered, true);
  const alternating = Array.from({ length: 20 }, (_, i) => i % 2 === 0);
  assert.equal(runsTest(alternating)?.clustered, false);
  assert.equal(runsTest([true, true, true]), undefined);
});

test("percentiles, nearest rank", () => {
  const v = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(v, 50), 50);
  assert.equal(percentile(v, 95), 95);
  assert.equal(percentile(v, 99), 99);
  assert.equal(percentile([], 50), undefined);
});
