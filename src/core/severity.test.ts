import { test } from "node:test";
import assert from "node:assert/strict";
import { atOrAbove, isSeverity, severityRank } from "./severity.js";

test("severities are ordered info < notice < warning < error < critical", () => {
  assert.ok(severityRank("info") < severityRank("notice"));
  assert.ok(severityRank("warning") < severityRank("error"));
  assert.ok(severityRank("error") < severityRank("critical"));
  assert.equal(atOrAbove("error", "error"), true);
  assert.equal(atOrAbove("warning", "error"), false);
  assert.equal(isSeverity("fatal"), false);
});
