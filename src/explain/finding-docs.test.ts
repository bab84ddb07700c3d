import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { looksLikeFindingId, parseFindingDocs } from "./finding-docs.js";

const doc = readFileSync(new URL("../../docs/findings.md", import.meta.url), "utf8");

test("every ## ID entry of docs/findings.md parses with severity, side, layer, confirm and fix", () => {
  const docs = parseFindingDocs(doc);
  const headings = [...doc.matchAll(/^## ([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)$/gm)].map((m) => m[1]);
  assert.equal(docs.size, new Set(headings).size);
  for (const d of docs.values()) {
    assert.ok(d.severity !== "", `${d.id}: severity`);
    assert.ok(d.side !== "", `${d.id}: side`);
    assert.ok(d.text.length > 40, `${d.id}: text`);
  }
  // Two entries give per-case advice in a list instead of one Fix line.
  assert.deepEqual(
    [...docs.values()].filter((d) => d.fix === undefined).map((d) => d.id),
    ["TLS_ALERT_RECEIVED", "TLSDOCTOR_INTERNAL_ERROR"],
  );
  const stale = docs.get("ELF_FOREIGN_INTERPOSITION");
  assert.equal(stale?.group, "Linkage (`tlsdoctor elf`)");
  assert.equal(stale?.layer, "elf");
});

test("entries stop at the next heading; group headings are not ids", () => {
  const d = parseFindingDocs(
    "# Findings\n\n## Group A\n\n## ONE_ID\n\n**Severity:** error · **Side:** host · **Layer:** host\n\nMeans one.\nConfirm: `x`\nFix: y\n\n## Other group\n\n## TWO_ID\n\n**Severity:** info · **Side:** client · **Layer:** pki\n\nMeans two.\n",
  );
  assert.deepEqual([...d.keys()], ["ONE_ID", "TWO_ID"]);
  assert.equal(d.get("ONE_ID")?.text, "Means one.");
  assert.equal(d.get("ONE_ID")?.confirm, "`x`");
  assert.equal(d.get("TWO_ID")?.group, "Other group");
  assert.equal(d.get("TWO_ID")?.fix, undefined);
  assert.equal(looksLikeFindingId("TRUST_STORE_STALE"), true);
  assert.equal(looksLikeFindingId("0A000412"), false);
  assert.equal(looksLikeFindingId("ssl3_read_bytes"), false);
});
