import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Finding } from "../core/index.js";
import { loadCaStore, verifyAgainstStores } from "../pki/index.js";
import type { TrustStore } from "../pki/index.js";
import { TEST_PKI_NOW, makeTempTestPki } from "../test/harness/test-pki.js";
import type { TestCert, TestPki } from "../test/harness/test-pki.js";
import { chainFindings } from "./chain.js";

let pki: TestPki;
let cleanup: () => void;
let current: TrustStore;
let system: TrustStore;
let stale: TrustStore;
before(async () => {
  ({ pki, cleanup } = await makeTempTestPki());
  current = { ...loadCaStore(pki.fullStore), name: "mozilla (test)", origin: "reference" };
  system = { ...loadCaStore(pki.root.cert), name: "system", origin: "system" };
  stale = { ...loadCaStore(pki.staleStore), name: "system", origin: "system" };
});
after(() => cleanup());

function findings(
  certs: readonly TestCert[],
  opts: { store?: TrustStore; reference?: TrustStore; host?: string; at?: Date } = {},
): Finding[] {
  const v = verifyAgainstStores(
    certs.map((c) => c.der),
    { system: opts.store ?? system, reference: opts.reference ?? current },
    { at: opts.at ?? TEST_PKI_NOW, host: opts.host ?? "localhost" },
  );
  return chainFindings(v);
}
const idsAndSides = (fs: readonly Finding[]): [string, string | undefined, string][] =>
  fs.map((f) => [f.id, f.side, f.severity]);
const ev = (f: Finding | undefined, label: string): string | undefined =>
  f?.evidence.find((e) => e.label === label)?.value;

describe("chainFindings", () => {
  test("a good chain: no finding at all", () => {
    assert.deepEqual(findings([pki.leaf, pki.int]), []);
    assert.deepEqual(findings([pki.leafEc, pki.int], { host: "127.0.0.1" }), []);
  });

  test("TRUST_STORE_STALE: client side, names the missing root and its SHA-256", () => {
    const fs = findings([pki.leaf, pki.int], { store: stale });
    assert.deepEqual(idsAndSides(fs), [["TRUST_STORE_STALE", "client", "error"]]);
    const f = fs[0];
    assert.match(
      f?.title ?? "",
      /lacks the root "tlsdoctor Test Root CA" that mozilla \(test\) has/,
    );
    assert.equal(ev(f, "missing root"), "CN=tlsdoctor Test Root CA,O=tlsdoctor test,C=XX");
    assert.equal(ev(f, "missing root sha256"), loadCaStore(pki.root.cert).anchors[0]?.info.sha256);
    assert.match(ev(f, "store system") ?? "", /^not trusted: unknown issuer/);
    assert.match(f?.fix ?? "", /update-ca-certificates/);
  });

  test("CHAIN_INCOMPLETE: server side, names the issuer and the AIA URL", () => {
    const fs = findings([pki.leaf]);
    assert.deepEqual(idsAndSides(fs), [["CHAIN_INCOMPLETE", "server", "error"]]);
    assert.match(
      fs[0]?.fix ?? "",
      /"tlsdoctor Test Intermediate CA" \(download it from http:\/\/ca\.test\.invalid\/int\.crt/,
    );
    assert.equal(ev(fs[0], "AIA caIssuers"), "http://ca.test.invalid/int.crt");
  });

  test("CERT_PRIVATE_CA: client side, when no store knows the CA", () => {
    const fs = findings([pki.privateLeaf], { store: system, reference: system });
    assert.deepEqual(idsAndSides(fs), [["CERT_PRIVATE_CA", "client", "error"]]);
    assert.match(fs[0]?.title ?? "", /"tlsdoctor Other Root CA"/);
    assert.match(fs[0]?.fix ?? "", /--ca FILE/);
  });

  test("CERT_EXPIRED and CERT_NOT_YET_VALID (clock skew within two days is the client's)", () => {
    const e = findings([pki.expired, pki.int]);
    assert.deepEqual(idsAndSides(e), [["CERT_EXPIRED", "server", "error"]]);
    assert.equal(ev(e[0], "valid"), "2024-01-01T00:00:00.000Z .. 2024-06-01T00:00:00.000Z");
    assert.deepEqual(idsAndSides(findings([pki.notYetValid, pki.int])), [
      ["CERT_NOT_YET_VALID", "unknown", "error"],
    ]);
    const skew = findings([pki.notYetValid, pki.int], { at: new Date("2032-12-31T12:00:00Z") });
    assert.deepEqual(idsAndSides(skew), [["CERT_NOT_YET_VALID", "client", "error"]]);
    assert.match(skew[0]?.detail ?? "", /clock skew/);
  });

  test("CERT_HOSTNAME_MISMATCH, CERT_SELF_SIGNED, CERT_WEAK_KEY, CERT_SHA1_SIGNATURE: server side", () => {
    assert.deepEqual(idsAndSides(findings([pki.wrongName, pki.int])), [
      ["CERT_HOSTNAME_MISMATCH", "server", "error"],
    ]);
    assert.deepEqual(idsAndSides(findings([pki.selfSigned])), [
      ["CERT_SELF_SIGNED", "server", "error"],
    ]);
    assert.deepEqual(idsAndSides(findings([pki.weak, pki.int])), [
      ["CERT_WEAK_KEY", "server", "error"],
    ]);
    assert.deepEqual(idsAndSides(findings([pki.sha1, pki.int])), [
      ["CERT_SHA1_SIGNATURE", "server", "error"],
    ]);
  });

  test("CHAIN_ORDER: info, server", () => {
    assert.deepEqual(idsAndSides(findings([pki.leaf, pki.root2, pki.int])), [
      ["CHAIN_ORDER", "server", "info"],
    ]);
  });

  test("several problems at once: stale store and expired leaf", () => {
    const ids = findings([pki.expired, pki.int], { store: stale }).map((f) => f.id);
    assert.deepEqual(ids, ["TRUST_STORE_STALE", "CERT_EXPIRED"]);
  });

  test("a malformed intermediate: CERT_MALFORMED", () => {
    const v = verifyAgainstStores(
      [pki.leaf.der, new Uint8Array([0x30, 0])],
      { system, reference: current },
      { at: TEST_PKI_NOW },
    );
    assert.ok(chainFindings(v).some((f) => f.id === "CERT_MALFORMED" && f.side === "server"));
  });
});
