import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { isTlsDoctorError } from "../core/index.js";
import { TEST_PKI_NOW, makeTempTestPki, opensslOut } from "../test/harness/test-pki.js";
import type { TestCert, TestPki } from "../test/harness/test-pki.js";
import { loadCaStore } from "./store.js";
import type { TrustStore } from "./store.js";
import { verifyChain } from "./verify.js";
import type { ChainProblemKind, ChainVerdict } from "./verify.js";

let pki: TestPki;
let cleanup: () => void;
let rootStore: TrustStore;
let staleStore: TrustStore;
before(async () => {
  ({ pki, cleanup } = await makeTempTestPki());
  rootStore = loadCaStore(pki.root.cert);
  staleStore = loadCaStore(pki.staleStore);
});
after(() => cleanup());

const at = TEST_PKI_NOW;
const kinds = (v: ChainVerdict): ChainProblemKind[] => v.problems.map((p) => p.kind);
const verify = (certs: readonly TestCert[], store: TrustStore, host?: string): ChainVerdict =>
  verifyChain(
    certs.map((c) => c.der),
    store,
    { at, ...(host === undefined ? {} : { host }) },
  );

describe("verifyChain", () => {
  test("leaf + intermediate against the root: trusted, path of 3, anchor = root", () => {
    const v = verify([pki.leaf, pki.int], rootStore, "localhost");
    assert.equal(v.trusted, true);
    assert.equal(v.anchored, true);
    assert.deepEqual(kinds(v), []);
    assert.deepEqual(
      v.path.map((p) => [p.info.subjectCN, p.source, p.sentIndex]),
      [
        ["localhost", "sent", 0],
        ["tlsdoctor Test Intermediate CA", "sent", 1],
        ["tlsdoctor Test Root CA", "store", null],
      ],
    );
    assert.equal(v.anchor?.subjectCN, "tlsdoctor Test Root CA");
    assert.equal(v.summary, "trusted (anchor: tlsdoctor Test Root CA)");
  });

  test("names: IP SAN, wildcard one label deep, case-insensitive", () => {
    for (const host of ["127.0.0.1", "a.test.invalid", "LOCALHOST", "localhost."]) {
      assert.equal(verify([pki.leafEc, pki.int], rootStore, host).trusted, true, host);
    }
    for (const host of ["test.invalid", "a.b.test.invalid", "127.0.0.2", "::1"]) {
      const v = verify([pki.leaf, pki.int], rootStore, host);
      assert.deepEqual(kinds(v), ["hostname-mismatch"], host);
    }
    const v = verify([pki.wrongName, pki.int], rootStore, "localhost");
    assert.deepEqual(v.problems, [
      { kind: "hostname-mismatch", host: "localhost", names: ["wrong.example"] },
    ]);
  });

  test("the root sent along is the anchor, not an extra certificate", () => {
    const v = verify([pki.leaf, pki.int, pki.root], rootStore);
    assert.equal(v.trusted, true);
    assert.deepEqual(kinds(v), []);
  });

  test("leaf only, leaf has AIA caIssuers: missing-intermediate", () => {
    const v = verify([pki.leaf], rootStore);
    assert.equal(v.trusted, false);
    assert.deepEqual(v.problems, [
      {
        kind: "missing-intermediate",
        issuer: "CN=tlsdoctor Test Intermediate CA,O=tlsdoctor test,C=XX",
        issuerCN: "tlsdoctor Test Intermediate CA",
        caIssuers: ["http://ca.test.invalid/int.crt"],
      },
    ]);
  });

  test("leaf without AIA from an unknown CA: unknown-issuer, not missing-intermediate", () => {
    const v = verify([pki.privateLeaf], rootStore);
    assert.deepEqual(kinds(v), ["unknown-issuer"]);
    assert.deepEqual(v.problems[0], {
      kind: "unknown-issuer",
      index: 0,
      subject: "CN=localhost,O=other test",
      issuer: "CN=tlsdoctor Other Root CA,O=other test,C=XX",
      issuerCN: "tlsdoctor Other Root CA",
      hasAia: false,
      caIssuers: [],
    });
  });

  test("stale store: intermediate's issuer unknown; it carries AIA", () => {
    const v = verify([pki.leaf, pki.int], staleStore);
    assert.equal(v.anchored, false);
    assert.deepEqual(kinds(v), ["unknown-issuer"]);
    const p = v.problems[0];
    assert.ok(p?.kind === "unknown-issuer");
    assert.equal(p.index, 1);
    assert.equal(p.issuerCN, "tlsdoctor Test Root CA");
    assert.equal(p.hasAia, true);
  });

  test("server sends its root, store lacks it: untrusted-root", () => {
    const v = verify([pki.leaf, pki.int, pki.root], staleStore);
    assert.deepEqual(kinds(v), ["untrusted-root"]);
  });

  test("expired, not yet valid, self-signed, weak key, SHA-1", () => {
    assert.deepEqual(verify([pki.expired, pki.int], rootStore).problems, [
      {
        kind: "expired",
        index: 0,
        subject: "CN=localhost,O=tlsdoctor test,C=XX",
        notAfter: "2024-06-01T00:00:00.000Z",
      },
    ]);
    assert.deepEqual(kinds(verify([pki.notYetValid, pki.int], rootStore)), ["not-yet-valid"]);
    assert.deepEqual(kinds(verify([pki.selfSigned], rootStore)), ["self-signed-leaf"]);
    assert.deepEqual(verify([pki.weak, pki.int], rootStore).problems, [
      {
        kind: "weak-key",
        index: 0,
        subject: "CN=localhost,O=tlsdoctor test,C=XX",
        keyType: "RSA",
        bits: 1024,
        minimum: 2048,
      },
    ]);
    assert.deepEqual(kinds(verify([pki.sha1, pki.int], rootStore)), ["sha1-signature"]);
  });

  test("a self-signed leaf in the store is trusted (pinning with --ca)", () => {
    const v = verify([pki.selfSigned], loadCaStore(pki.selfSigned.cert));
    assert.equal(v.trusted, true);
  });

  test("wrong order and extra certificates are informational", () => {
    const v = verify([pki.leaf, pki.root2, pki.int], rootStore);
    assert.equal(v.trusted, true);
    assert.deepEqual(v.problems, [
      { kind: "wrong-order", sentOrder: [0, 2] },
      {
        kind: "extra-certs",
        sentIndexes: [1],
        subjects: ["CN=tlsdoctor Other Root CA,O=other test,C=XX"],
      },
    ]);
  });

  test("an issuer with the right name but another key: bad-signature", async () => {
    // A CA certificate with the intermediate's name but the leaf's key, issued by the root.
    writeFileSync(join(pki.dir, "serial"), "3000\n");
    const steps = [
      [
        "req",
        "-new",
        "-config",
        "ca.cnf",
        "-key",
        "leaf.key",
        "-subj",
        "/C=XX/O=tlsdoctor test/CN=tlsdoctor Test Intermediate CA",
        "-out",
        "fake.csr",
      ],
      [
        "ca",
        "-batch",
        "-preserveDN",
        "-config",
        "ca.cnf",
        "-notext",
        "-cert",
        "root.pem",
        "-keyfile",
        "root.key",
        "-in",
        "fake.csr",
        "-out",
        "fake-int.pem",
        "-extensions",
        "int_ext",
        "-startdate",
        "20240101000000Z",
        "-enddate",
        "20340101000000Z",
      ],
    ];
    for (const args of steps) {
      const r = await opensslOut(args, pki.dir);
      assert.equal(r.status, 0, r.stderr);
    }
    const fake = loadCaStore(join(pki.dir, "fake-int.pem")).anchors[0];
    assert.ok(fake);
    const v = verifyChain([pki.leaf.der, fake.der], rootStore, { at });
    assert.equal(v.trusted, false);
    assert.deepEqual(v.problems, [
      {
        kind: "bad-signature",
        index: 0,
        subject: "CN=localhost,O=tlsdoctor test,C=XX",
        issuer: "CN=tlsdoctor Test Intermediate CA,O=tlsdoctor test,C=XX",
      },
      {
        kind: "extra-certs",
        sentIndexes: [1],
        subjects: ["CN=tlsdoctor Test Intermediate CA,O=tlsdoctor test,C=XX"],
      },
    ]);
  });

  test("unparseable intermediate: a problem, not an exception; unparseable leaf: TLSD_PARSE", () => {
    const v = verifyChain([pki.leaf.der, new Uint8Array([1, 2, 3])], rootStore, { at });
    assert.ok(kinds(v).includes("unparseable"));
    assert.equal(v.trusted, false);
    assert.throws(
      () => verifyChain([new Uint8Array([0x30, 0x03, 1])], rootStore, { at }),
      (e: unknown) => isTlsDoctorError(e) && e.code === "TLSD_PARSE",
    );
    assert.throws(
      () => verifyChain([], rootStore, { at }),
      (e: unknown) => isTlsDoctorError(e) && e.code === "TLSD_PROTOCOL",
    );
  });
});

describe("verifyChain agrees with openssl verify", () => {
  interface Case {
    readonly name: string;
    readonly chain: readonly TestCert[];
    readonly store: () => string;
    readonly host?: string;
    /** OpenSSL's error number, 0 for OK. */
    readonly opensslError: number;
    readonly ours: readonly ChainProblemKind[];
  }
  const cases: Case[] = [
    { name: "full chain", chain: [], store: () => pki.root.cert, opensslError: 0, ours: [] },
    { name: "EC leaf", chain: [], store: () => pki.root.cert, opensslError: 0, ours: [] },
    {
      name: "leaf only",
      chain: [],
      store: () => pki.root.cert,
      opensslError: 20,
      ours: ["missing-intermediate"],
    },
    { name: "expired", chain: [], store: () => pki.root.cert, opensslError: 10, ours: ["expired"] },
    {
      name: "not yet valid",
      chain: [],
      store: () => pki.root.cert,
      opensslError: 9,
      ours: ["not-yet-valid"],
    },
    {
      name: "wrong name",
      chain: [],
      store: () => pki.root.cert,
      host: "localhost",
      opensslError: 62,
      ours: ["hostname-mismatch"],
    },
    {
      name: "self-signed",
      chain: [],
      store: () => pki.root.cert,
      opensslError: 18,
      ours: ["self-signed-leaf"],
    },
    {
      name: "weak key",
      chain: [],
      store: () => pki.root.cert,
      opensslError: 66,
      ours: ["weak-key"],
    },
    {
      name: "SHA-1",
      chain: [],
      store: () => pki.root.cert,
      opensslError: 68,
      ours: ["sha1-signature"],
    },
    {
      name: "stale store",
      chain: [],
      store: () => pki.staleStore,
      opensslError: 20,
      ours: ["unknown-issuer"],
    },
    {
      name: "private CA leaf",
      chain: [],
      store: () => pki.root.cert,
      opensslError: 20,
      ours: ["unknown-issuer"],
    },
  ];
  const chains = (): Record<string, readonly TestCert[]> => ({
    "full chain": [pki.leaf, pki.int],
    "EC leaf": [pki.leafEc, pki.int],
    "leaf only": [pki.leaf],
    expired: [pki.expired, pki.int],
    "not yet valid": [pki.notYetValid, pki.int],
    "wrong name": [pki.wrongName, pki.int],
    "self-signed": [pki.selfSigned],
    "weak key": [pki.weak, pki.int],
    "SHA-1": [pki.sha1, pki.int],
    "stale store": [pki.leaf, pki.int],
    "private CA leaf": [pki.privateLeaf],
  });

  for (const c of cases) {
    test(c.name, async () => {
      const chain = chains()[c.name] ?? [];
      const [leaf, ...rest] = chain;
      assert.ok(leaf);
      const args = [
        "verify",
        "-auth_level",
        "2",
        "-attime",
        String(at.getTime() / 1000),
        "-CAfile",
        c.store(),
      ];
      if (rest.length > 0) {
        const untrusted = join(pki.dir, `untrusted-${c.name.replace(/\W/g, "_")}.pem`);
        writeFileSync(
          untrusted,
          rest
            .map((r) => r.der)
            .map(derToPem)
            .join(""),
        );
        args.push("-untrusted", untrusted);
      }
      if (c.host) args.push("-verify_hostname", c.host);
      args.push(leaf.cert);
      const r = await opensslOut(args, pki.dir);
      const m = /error (\d+) at/.exec(r.stdout + r.stderr);
      assert.equal(m ? Number(m[1]) : 0, c.opensslError, r.stdout + r.stderr);
      const v = verify(chain, loadCaStore(c.store()), c.host);
      // Same verdict as OpenSSL at security level 2 (-auth_level 2).
      assert.equal(v.trusted, c.opensslError === 0);
      // Where OpenSSL says 20 "unable to get local issuer certificate" we say why.
      assert.deepEqual(kinds(v), c.ours);
    });
  }
});

function derToPem(der: Uint8Array): string {
  const b64 = Buffer.from(der)
    .toString("base64")
    .replace(/(.{64})/g, "$1\n");
  return `-----BEGIN CERTIFICATE-----\n${b64.replace(/\n$/, "")}\n-----END CERTIFICATE-----\n`;
}
