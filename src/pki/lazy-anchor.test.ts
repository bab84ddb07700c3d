import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { TlsDoctorError } from "../core/index.js";
import { makeTestPki, type TestPki } from "../test/harness/test-pki.js";
import { parseCertificate } from "./cert-info.js";
import { lazyCertificate, rawNames } from "./lazy-anchor.js";

describe("lazyCertificate", () => {
  let dir: string;
  let pki: TestPki;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "tlsd-lazy-"));
    pki = await makeTestPki(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("has the same names, fingerprint and facts as a full parse", () => {
    for (const c of [pki.root, pki.int, pki.leaf, pki.leafEc, pki.selfSigned]) {
      const lazy = lazyCertificate(c.der);
      const full = parseCertificate(c.der);
      assert.equal(lazy.subjectKey, full.subjectKey);
      assert.equal(lazy.issuerKey, full.issuerKey);
      assert.equal(lazy.sha256, full.info.sha256);
      assert.deepEqual(lazy.info, full.info);
    }
  });

  it("rawNames returns the issuer and subject TLVs", () => {
    const { issuer, subject } = rawNames(pki.int.der);
    assert.equal(issuer[0], 0x30);
    assert.equal(subject[0], 0x30);
    assert.match(Buffer.from(subject).toString("latin1"), /tlsdoctor Test Intermediate CA/);
    assert.match(Buffer.from(issuer).toString("latin1"), /tlsdoctor Test Root CA/);
  });

  it("truncated or random DER is TLSD_PARSE, never another exception", () => {
    for (let n = 0; n < pki.leaf.der.length; n += 7) {
      assert.throws(
        () => lazyCertificate(pki.leaf.der.subarray(0, n)),
        (e: unknown) => e instanceof TlsDoctorError && e.code === "TLSD_PARSE",
      );
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        try {
          lazyCertificate(bytes);
        } catch (e) {
          assert.ok(e instanceof TlsDoctorError, String(e));
        }
      }),
    );
  });
});
