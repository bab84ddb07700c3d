import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isTlsDoctorError } from "../core/index.js";
import { makeTempTestPki, opensslOut } from "../test/harness/test-pki.js";
import type { TestPki } from "../test/harness/test-pki.js";
import { describeCertificate } from "./cert-info.js";
import { loadCaStore, loadNamedStore, loadStore } from "./store.js";
import { splitPem } from "./pem.js";

let pki: TestPki;
let cleanup: () => void;
before(async () => {
  ({ pki, cleanup } = await makeTempTestPki());
});
after(() => cleanup());

const pem = (f: string): string => readFileSync(f, "utf8");
const cns = (s: {
  anchors: readonly { info: { subjectCN: string | null } }[];
}): (string | null)[] => s.anchors.map((a) => a.info.subjectCN);

describe("splitPem", () => {
  test("blocks in order, TRUSTED CERTIFICATE trimmed to the certificate, junk between blocks ignored", () => {
    const trusted = pem(pki.root.cert).replace(/CERTIFICATE-----/g, "TRUSTED CERTIFICATE-----");
    const r = splitPem(`# comment\n${pem(pki.leaf.cert)}junk\n${trusted}`);
    assert.deepEqual(r.problems, []);
    assert.equal(r.blobs.length, 2);
    assert.deepEqual(r.blobs[1]?.der, pki.root.der);
  });
  test("a block that is not base64 is a problem with its index", () => {
    const r = splitPem(
      `${pem(pki.leaf.cert)}-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n`,
    );
    assert.equal(r.blobs.length, 1);
    assert.deepEqual(r.problems, [
      { index: 1, message: "Cannot decode certificate 1: PEM body is not base64" },
    ]);
  });
});

describe("loadStore", () => {
  test("a PEM bundle: anchors deduplicated by SHA-256", () => {
    const f = join(pki.dir, "dup.pem");
    writeFileSync(f, pem(pki.root.cert) + pem(pki.root2.cert) + pem(pki.root.cert));
    const s = loadStore({ name: "t", origin: "file", reason: "test", files: [f] });
    assert.deepEqual(cns(s), ["tlsdoctor Test Root CA", "tlsdoctor Other Root CA"]);
    assert.deepEqual(s.problems, []);
    assert.deepEqual(s.source, { files: [f], dirs: [] });
  });

  test("a corrupt entry among good ones: the good ones load, the bad one is a problem with file and index", () => {
    const f = join(pki.dir, "corrupt.pem");
    const broken = Buffer.from(pki.int.der.subarray(0, 200)).toString("base64");
    writeFileSync(
      f,
      `${pem(pki.root.cert)}-----BEGIN CERTIFICATE-----\n${broken}\n-----END CERTIFICATE-----\n${pem(pki.root2.cert)}`,
    );
    const s = loadCaStore(f);
    assert.deepEqual(cns(s), ["tlsdoctor Test Root CA", "tlsdoctor Other Root CA"]);
    assert.equal(s.problems.length, 1);
    assert.match(
      s.problems[0] ?? "",
      new RegExp(
        `^${f} #1: Cannot parse certificate: offset 4: SEQUENCE of \\d+ bytes, only 196 present$`,
      ),
    );
  });

  test("an empty bundle: no anchors, one problem", () => {
    const f = join(pki.dir, "empty.pem");
    writeFileSync(f, "");
    const s = loadCaStore(f);
    assert.equal(s.anchors.length, 0);
    assert.deepEqual(s.problems, [`${f}: no certificates found`]);
  });

  test("a c_rehash directory with symlinks, a plain *.crt (DER), and a bundle plus dir together", async () => {
    const dir = join(pki.dir, "hashed");
    mkdirSync(dir);
    const hash = (
      await opensslOut(["x509", "-noout", "-hash", "-in", pki.root.cert], pki.dir)
    ).stdout.trim();
    symlinkSync(pki.root.cert, join(dir, `${hash}.0`));
    writeFileSync(join(dir, "other.crt"), pki.root2.der);
    writeFileSync(join(dir, "README"), "not a certificate");
    const s = loadCaStore(dir);
    assert.equal(s.name, `ca (${dir})`);
    assert.deepEqual(s.source, { files: [], dirs: [dir] });
    assert.deepEqual(cns(s), ["tlsdoctor Test Root CA", "tlsdoctor Other Root CA"]);
    assert.deepEqual(s.problems, []);
    const both = loadStore({
      name: "both",
      origin: "system",
      reason: "t",
      files: [pki.fullStore],
      dirs: [dir],
    });
    assert.equal(both.anchors.length, 2);
  });

  test("unreadable paths are problems, not errors", () => {
    const s = loadStore({
      name: "t",
      origin: "file",
      reason: "t",
      files: ["/nonexistent/x.pem"],
      dirs: ["/nonexistent/d"],
    });
    assert.equal(s.anchors.length, 0);
    assert.equal(s.problems.length, 2);
    assert.match(
      s.problems[0] ?? "",
      /^Cannot read \/nonexistent\/x\.pem: no such file or directory/,
    );
  });
});

describe("loadCaStore / loadNamedStore", () => {
  test("--ca on a missing path is TLSD_FILE", () => {
    assert.throws(
      () => loadCaStore("/nonexistent/ca.pem"),
      (e: unknown) => isTlsDoctorError(e) && e.code === "TLSD_FILE",
    );
  });
  test("--store NAME=FILE", () => {
    const s = loadNamedStore(`corp=${pki.root.cert}`);
    assert.equal(s.name, "corp");
    assert.equal(s.origin, "file");
    assert.equal(s.anchors[0]?.info.sha256, describeCertificate(pki.root.der).sha256);
    for (const bad of ["corp", "=x", "corp="]) {
      assert.throws(
        () => loadNamedStore(bad),
        (e: unknown) => isTlsDoctorError(e) && e.code === "TLSD_USAGE",
      );
    }
  });
});
