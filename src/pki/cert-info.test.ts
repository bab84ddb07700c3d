import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import fc from "fast-check";
import { isTlsDoctorError } from "../core/index.js";
import { makeTempTestPki, opensslOut, pemToDer } from "../test/harness/test-pki.js";
import type { TestPki } from "../test/harness/test-pki.js";
import { readFileSync } from "node:fs";
import { describeCertificate, parseCertificate } from "./cert-info.js";

let pki: TestPki;
let cleanup: () => void;
before(async () => {
  ({ pki, cleanup } = await makeTempTestPki());
});
after(() => cleanup());

async function opensslField(cert: string, ...args: string[]): Promise<string> {
  const r = await opensslOut(["x509", "-in", cert, "-noout", ...args], pki.dir);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

function assertParseError(der: Uint8Array, re: RegExp): void {
  assert.throws(
    () => describeCertificate(der),
    (e: unknown) => isTlsDoctorError(e) && e.code === "TLSD_PARSE" && re.test(e.message),
  );
}

describe("describeCertificate", () => {
  test("RSA leaf: exact facts", () => {
    const i = describeCertificate(pki.leaf.der);
    assert.equal(i.subject, "CN=localhost,O=tlsdoctor test,C=XX");
    assert.equal(i.subjectCN, "localhost");
    assert.equal(i.issuer, "CN=tlsdoctor Test Intermediate CA,O=tlsdoctor test,C=XX");
    assert.equal(i.issuerCN, "tlsdoctor Test Intermediate CA");
    assert.equal(i.serial, "1002");
    assert.equal(i.notBefore, "2024-01-01T00:00:00.000Z");
    assert.equal(i.notAfter, "2034-01-01T00:00:00.000Z");
    assert.deepEqual(i.key, { type: "RSA", bits: 2048 });
    assert.equal(i.signatureAlgorithm, "sha256WithRSAEncryption");
    assert.equal(i.signatureHash, "sha256");
    assert.deepEqual(i.dnsNames, ["localhost", "*.test.invalid"]);
    assert.deepEqual(i.ipAddresses, ["127.0.0.1"]);
    assert.equal(i.isCA, false);
    assert.equal(i.pathLen, null);
    assert.deepEqual(i.keyUsage, ["digitalSignature", "keyEncipherment"]);
    assert.deepEqual(i.extKeyUsage, ["serverAuth", "clientAuth"]);
    assert.deepEqual(i.caIssuers, ["http://ca.test.invalid/int.crt"]);
    assert.deepEqual(i.ocsp, ["http://ocsp.test.invalid"]);
    assert.deepEqual(i.crlDistributionPoints, ["http://ca.test.invalid/int.crl"]);
    assert.equal(i.selfIssued, false);
    assert.equal(i.selfSigned, false);
    assert.deepEqual(i.unknownCritical, []);
  });

  test("subject, serial and fingerprints agree with openssl x509", async () => {
    for (const c of [pki.leaf, pki.int, pki.root, pki.leafEc, pki.sha1]) {
      const i = describeCertificate(c.der);
      assert.equal(
        `subject=${i.subject}`,
        await opensslField(c.cert, "-subject", "-nameopt", "RFC2253"),
      );
      assert.equal(`serial=${i.serial}`, await opensslField(c.cert, "-serial"));
      assert.equal(
        `sha256 Fingerprint=${i.sha256}`,
        await opensslField(c.cert, "-fingerprint", "-sha256"),
      );
      assert.equal(
        `sha1 Fingerprint=${i.sha1}`,
        await opensslField(c.cert, "-fingerprint", "-sha1"),
      );
    }
  });

  test("key ids agree with openssl and chain: leaf AKI = int SKI", async () => {
    const leaf = describeCertificate(pki.leaf.der);
    const int = describeCertificate(pki.int.der);
    assert.equal(leaf.authorityKeyId, int.subjectKeyId);
    const text = await opensslField(pki.int.cert, "-ext", "subjectKeyIdentifier");
    assert.ok(text.includes(int.subjectKeyId ?? "?"), text);
  });

  test("CA certificates: isCA, pathLen, key usage, self-signed root", () => {
    const root = describeCertificate(pki.root.der);
    assert.equal(root.isCA, true);
    assert.equal(root.pathLen, null);
    assert.deepEqual(root.keyUsage, ["keyCertSign", "cRLSign"]);
    assert.equal(root.selfIssued, true);
    assert.equal(root.selfSigned, true);
    assert.equal(root.authorityKeyId, null);
    const int = describeCertificate(pki.int.der);
    assert.equal(int.isCA, true);
    assert.equal(int.pathLen, 0);
    assert.deepEqual(int.caIssuers, ["http://ca.test.invalid/root.crt"]);
    assert.deepEqual(int.crlDistributionPoints, ["http://ca.test.invalid/root.crl"]);
  });

  test("EC P-256, RSA 1024, SHA-1 and self-signed leaves", () => {
    assert.deepEqual(describeCertificate(pki.leafEc.der).key, {
      type: "EC",
      bits: 256,
      curve: "P-256",
    });
    assert.equal(describeCertificate(pki.leafEc.der).signatureAlgorithm, "sha256WithRSAEncryption");
    assert.deepEqual(describeCertificate(pki.weak.der).key, { type: "RSA", bits: 1024 });
    const sha1 = describeCertificate(pki.sha1.der);
    assert.equal(sha1.signatureAlgorithm, "sha1WithRSAEncryption");
    assert.equal(sha1.signatureHash, "sha1");
    const self = describeCertificate(pki.selfSigned.der);
    assert.equal(self.selfSigned, true);
    assert.equal(self.subject, self.issuer);
  });

  test("Ed25519, Ed448, EC P-384 with ecdsa-with-SHA384, RSA-PSS", async () => {
    const make = async (
      name: string,
      keyArgs: string[],
      extra: string[] = [],
    ): Promise<Uint8Array> => {
      const key = join(pki.dir, `${name}.key`);
      const cert = join(pki.dir, `${name}.pem`);
      let r = await opensslOut(["genpkey", ...keyArgs, "-out", key], pki.dir);
      assert.equal(r.status, 0, r.stderr);
      r = await opensslOut(
        [
          "req",
          "-x509",
          "-new",
          "-config",
          "ca.cnf",
          "-key",
          key,
          "-subj",
          `/CN=${name}`,
          "-days",
          "1",
          "-out",
          cert,
          ...extra,
        ],
        pki.dir,
      );
      assert.equal(r.status, 0, r.stderr);
      return pemToDer(readFileSync(cert, "utf8"));
    };
    const ed = describeCertificate(await make("ed25519", ["-algorithm", "ED25519"]));
    assert.deepEqual(ed.key, { type: "Ed25519", bits: 256 });
    assert.equal(ed.signatureAlgorithm, "ED25519");
    assert.equal(ed.signatureHash, null);
    assert.equal(ed.selfSigned, true);
    const ed448 = describeCertificate(await make("ed448", ["-algorithm", "ED448"]));
    assert.deepEqual(ed448.key, { type: "Ed448", bits: 456 });
    const p384 = describeCertificate(
      await make("p384", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"], ["-sha384"]),
    );
    assert.deepEqual(p384.key, { type: "EC", bits: 384, curve: "P-384" });
    assert.equal(p384.signatureAlgorithm, "ecdsa-with-SHA384");
    const pss = describeCertificate(
      await make(
        "pss",
        ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"],
        ["-sha384", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:-1"],
      ),
    );
    assert.equal(pss.signatureAlgorithm, "rsassaPss");
    assert.equal(pss.signatureHash, "sha384");
    assert.equal(pss.selfSigned, true);
  });
});

describe("describeCertificate on hostile input", () => {
  test("empty, garbage, wrong tag", () => {
    assertParseError(new Uint8Array(0), /0 bytes/);
    assertParseError(new Uint8Array([0x04, 0x01, 0x00]), /offset 0: tag 0x4 is not a SEQUENCE/);
    assertParseError(new TextEncoder().encode("hello, not a certificate"), /offset 0/);
  });

  test("every truncation is a TLSD_PARSE error naming the shortfall", () => {
    const der = pki.leaf.der;
    for (const n of [1, 2, 3, 4, 10, 100, der.length - 1]) {
      assertParseError(der.subarray(0, n), /Cannot parse certificate: /);
    }
    assertParseError(der.subarray(0, der.length - 1), /only \d+ present/);
  });

  test("trailing bytes are named with their offset", () => {
    const der = new Uint8Array([...pki.leaf.der, 0, 0]);
    assertParseError(der, new RegExp(`offset ${pki.leaf.der.length}: 2 trailing bytes`));
  });

  test("a corrupt inner structure with a valid outer header", () => {
    const der = new Uint8Array(pki.leaf.der);
    der[4] = 0x05; // the TBSCertificate tag becomes NULL
    assertParseError(der, /Cannot parse certificate/);
  });

  test("fuzz: random bytes and bit flips never throw anything but TLSD_PARSE", () => {
    const ok = (der: Uint8Array): boolean => {
      try {
        parseCertificate(der);
        return true;
      } catch (e) {
        return isTlsDoctorError(e) && e.code === "TLSD_PARSE";
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), ok), { numRuns: 300, seed: 42 });
    const base = pki.leaf.der;
    fc.assert(
      fc.property(fc.nat(base.length - 1), fc.integer({ min: 1, max: 255 }), (pos, x) => {
        const d = new Uint8Array(base);
        d[pos] = (d[pos] ?? 0) ^ x;
        return ok(d);
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
