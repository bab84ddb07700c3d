import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { TEST_PKI_NOW, makeTempTestPki } from "../test/harness/test-pki.js";
import type { TestCert, TestPki } from "../test/harness/test-pki.js";
import { describeCertificate } from "./cert-info.js";
import { verifyAgainstStores } from "./compare.js";
import type { StoresVerdict } from "./compare.js";
import { loadCaStore, loadNamedStore } from "./store.js";
import type { TrustStore } from "./store.js";

let pki: TestPki;
let cleanup: () => void;
let current: TrustStore;
let stale: TrustStore;
before(async () => {
  ({ pki, cleanup } = await makeTempTestPki());
  current = { ...loadCaStore(pki.fullStore), name: "reference", origin: "reference" };
  stale = { ...loadCaStore(pki.staleStore), name: "system", origin: "system" };
});
after(() => cleanup());

const run = (
  certs: readonly TestCert[],
  system: TrustStore,
  extra: TrustStore[] = [],
): StoresVerdict =>
  verifyAgainstStores(
    certs.map((c) => c.der),
    { system, reference: current, extra },
    { at: TEST_PKI_NOW, host: "localhost" },
  );

describe("verifyAgainstStores", () => {
  test("seed 003: the reference trusts, the system store lacks the root: named with CN and SHA-256", () => {
    const v = run([pki.leaf, pki.int], stale);
    assert.deepEqual(v.trustedBy, ["reference"]);
    assert.equal(v.trust.kind, "stale-store");
    assert.ok(v.trust.kind === "stale-store");
    assert.equal(v.trust.store, "system");
    assert.equal(v.trust.reference, "reference");
    assert.equal(v.trust.missingRoot.subjectCN, "tlsdoctor Test Root CA");
    assert.equal(v.trust.missingRoot.sha256, describeCertificate(pki.root.der).sha256);
    assert.equal(v.trust.storeHasSameSubject, false);
    assert.equal(v.primary.store, "reference");
    assert.deepEqual(
      v.stores.map((s) => [s.name, s.role, s.verdict.trusted]),
      [
        ["system", "system", false],
        ["reference", "reference", true],
      ],
    );
    assert.equal(v.sent.length, 2);
  });

  test("also when the server sends the root itself", () => {
    const v = run([pki.leaf, pki.int, pki.root], stale);
    assert.equal(v.trust.kind, "stale-store");
  });

  test("both trust: anchored by both, no diagnosis needed", () => {
    const v = run([pki.leaf, pki.int], { ...current, name: "system", origin: "system" });
    assert.deepEqual(v.trust, { kind: "anchored", stores: ["system", "reference"] });
    assert.deepEqual(v.trustedBy, ["system", "reference"]);
  });

  test("leaf only: missing intermediate with the AIA URL", () => {
    const v = run([pki.leaf], stale);
    assert.deepEqual(v.trust, {
      kind: "missing-intermediate",
      issuer: "CN=tlsdoctor Test Intermediate CA,O=tlsdoctor test,C=XX",
      issuerCN: "tlsdoctor Test Intermediate CA",
      caIssuers: ["http://ca.test.invalid/int.crt"],
    });
  });

  test("private CA: no store knows it; an extra store that does makes it anchored-elsewhere", () => {
    const onlyRoot = {
      ...loadCaStore(pki.root.cert),
      name: "reference",
      origin: "reference" as const,
    };
    const v = verifyAgainstStores(
      [pki.privateLeaf.der],
      { system: onlyRoot, reference: onlyRoot },
      { at: TEST_PKI_NOW },
    );
    assert.equal(v.trust.kind, "private-ca");
    assert.ok(v.trust.kind === "private-ca");
    assert.equal(v.trust.issuerCN, "tlsdoctor Other Root CA");
    const corp = loadNamedStore(`corp=${pki.staleStore}`);
    const w = verifyAgainstStores(
      [pki.privateLeaf.der],
      { system: onlyRoot, reference: onlyRoot, extra: [corp] },
      { at: TEST_PKI_NOW },
    );
    assert.deepEqual(w.trust, { kind: "anchored-elsewhere", stores: ["corp"] });
    assert.deepEqual(w.trustedBy, ["corp"]);
    assert.equal(w.primary.store, "corp");
  });

  test("self-signed leaf", () => {
    const v = run([pki.selfSigned], stale);
    assert.equal(v.trust.kind, "self-signed");
  });
});
