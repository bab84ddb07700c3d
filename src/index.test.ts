// The package's public face: what other programs import from "tlsdoctor".
import { test } from "node:test";
import assert from "node:assert/strict";
import * as api from "./index.js";

test("the library exports probe() and friends", () => {
  for (const name of [
    "probe",
    "repeatProbe",
    "parseTarget",
    "diagnoseProbe",
    "diagnoseRepeat",
    "loadStores",
    "verifyAgainstStores",
    "describeCertificate",
    "referenceStore",
    "findSystemStore",
    "renderText",
    "renderJson",
    "makeReport",
    "decodeOpenSsl3",
    "alertInfo",
    "wilsonInterval",
  ] as const) {
    assert.equal(typeof (api as Record<string, unknown>)[name], "function", name);
  }
  assert.equal(api.REPORT_SCHEMA_VERSION, 1);
  assert.ok(api.TlsDoctorError.prototype instanceof Error);
});

test("parseTarget + probe are usable without the CLI", async () => {
  const r = await api.probe(api.parseTarget("127.0.0.1:1"), { timeoutMs: 2000 });
  assert.equal(r.ok, false);
  assert.ok(["refused", "connect"].includes(r.failure?.class ?? ""), r.failure?.class);
});
