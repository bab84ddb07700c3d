import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { HostView } from "../core/index.js";
import { readCaPackage } from "./ca-package.js";
import { splitPem } from "./pem.js";
import { REMOVED_ROOTS, WIDELY_USED_ROOTS } from "./root-lists.js";
import { referenceStore } from "./reference-store.js";
import { canonicalName, subjectHashes } from "./subject-hash.js";
import { auditTrustStore } from "./trust-audit.js";

const run = promisify(execFile);
const LIVE_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
const liveRoots = splitPem(readFileSync(LIVE_BUNDLE, "latin1")).blobs;
const pem = (der: Uint8Array): string =>
  `-----BEGIN CERTIFICATE-----\n${(
    Buffer.from(der)
      .toString("base64")
      .match(/.{1,64}/g) ?? []
  ).join("\n")}\n-----END CERTIFICATE-----\n`;

let tmp: string;
before(() => {
  tmp = mkdtempSync(join(tmpdir(), "tlsdoctor-trust-"));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Writes files under a fresh sysroot; "->target" makes a symlink. */
function sysroot(name: string, files: Record<string, string>): string {
  const root = join(tmp, name);
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    if (content.startsWith("->")) symlinkSync(content.slice(2), join(root, p));
    else writeFileSync(join(root, p), content);
  }
  return root;
}

/** A self-signed CA made by openssl with the given subject and string mask. */
async function makeRoot(
  name: string,
  subj: string,
  opts: { mask?: string; multivalue?: boolean; utf8?: boolean } = {},
): Promise<string> {
  const dir = join(tmp, `gen-${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "req.cnf"),
    `[req]\ndistinguished_name=dn\nstring_mask=${opts.mask ?? "utf8only"}\n[dn]\n[ext]\nbasicConstraints=critical,CA:TRUE\n`,
  );
  const out = join(dir, "root.pem");
  await run("openssl", [
    "req",
    "-x509",
    "-new",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    join(dir, "key.pem"),
    "-config",
    join(dir, "req.cnf"),
    "-extensions",
    "ext",
    "-days",
    "30",
    "-subj",
    subj,
    "-out",
    out,
    ...(opts.multivalue ? ["-multivalue-rdn"] : []),
    ...(opts.utf8 ? ["-utf8"] : []),
  ]);
  return out;
}

describe("subject hash", () => {
  test(`equals openssl x509 -subject_hash and -subject_hash_old for all ${liveRoots.length} roots of ${LIVE_BUNDLE}`, async () => {
    assert.ok(liveRoots.length > 100, `only ${liveRoots.length} roots in ${LIVE_BUNDLE}`);
    const files = liveRoots.map((b, i) => {
      const f = join(tmp, `live-${i}.pem`);
      writeFileSync(f, pem(b.der));
      return f;
    });
    const theirs: string[] = [];
    for (let i = 0; i < files.length; i += 32) {
      const batch = files.slice(i, i + 32).map(async (f) => {
        const r = await run("openssl", [
          "x509",
          "-noout",
          "-subject_hash",
          "-subject_hash_old",
          "-in",
          f,
        ]);
        return r.stdout.trim().split("\n").join(" ");
      });
      theirs.push(...(await Promise.all(batch)));
    }
    const ours = liveRoots.map((b) => {
      const h = subjectHashes(b.der);
      return `${h.hash} ${h.old}`;
    });
    assert.deepEqual(ours, theirs);
  });

  test("names openssl encodes differently: case, spaces, multi-valued RDNs, UTF-8, T61, BMP, IA5", async () => {
    const cases = await Promise.all([
      makeRoot("spaces", "/O=  Example   Trust  Services /CN=Mixed  CASE\tRoot  "),
      makeRoot("multi", "/C=DE/O=Beispiel+OU=Zertifikate+CN=Wurzel 1", { multivalue: true }),
      makeRoot("utf8", "/C=FR/O=Société Générale/CN=Racine Été ÜBER", { utf8: true }),
      makeRoot("t61", "/C=DE/O=Müller GmbH/CN=ROOT  X", { mask: "nombstr", utf8: true }),
      makeRoot("bmp", "/CN=Ünïcödé Root/O=BMP Corp", { mask: "MASK:0x800", utf8: true }),
      makeRoot("ia5", "/emailAddress=CA@Example.ORG/CN=Mail Root", { mask: "default" }),
      makeRoot("empty-ish", "/CN= /O=x"),
    ]);
    for (const f of cases) {
      const der = splitPem(readFileSync(f, "latin1")).blobs[0]!.der;
      const r = await run("openssl", [
        "x509",
        "-noout",
        "-subject_hash",
        "-subject_hash_old",
        "-in",
        f,
      ]);
      const h = subjectHashes(der);
      assert.equal(`${h.hash} ${h.old}`, r.stdout.trim().split("\n").join(" "), f);
    }
    // The T61 case is really T61String and the BMP case BMPString, so the conversions ran.
    const tag = (f: string, text: string): string =>
      execFileSync("openssl", ["asn1parse", "-in", f], { encoding: "utf8" })
        .split("\n")
        .filter((l) => l.includes(text))
        .join("");
    assert.match(tag(cases[3], "T61STRING"), /T61STRING/);
    assert.match(tag(cases[4], "BMPSTRING"), /BMPSTRING/);
  });

  test("canonical form: white space collapsed and ASCII lowercased, so these subjects are one", () => {
    // SEQUENCE { SET { SEQUENCE { OID 2.5.4.3, PrintableString " Foo   BAR " } } }
    const name = (s: string, tag = 0x13): Uint8Array => {
      const v = Buffer.from(s, "latin1");
      const atv = Buffer.concat([Buffer.from([0x06, 0x03, 0x55, 0x04, 0x03, tag, v.length]), v]);
      const set = Buffer.concat([Buffer.from([0x30, atv.length]), atv]);
      const rdn = Buffer.concat([Buffer.from([0x31, set.length]), set]);
      return new Uint8Array(Buffer.concat([Buffer.from([0x30, rdn.length]), rdn]));
    };
    const a = Buffer.from(canonicalName(name(" Foo   BAR "))).toString("hex");
    assert.equal(a, Buffer.from(canonicalName(name("foo bar", 0x0c))).toString("hex"));
    // SET { SEQUENCE { OID, UTF8String "foo bar" } } without the outer SEQUENCE
    assert.equal(a, "3110300e06035504030c07666f6f20626172");
    assert.throws(() => canonicalName(name("\xff\xfe", 0x0c)), TypeError); // not UTF-8
    assert.throws(() => canonicalName(name("x").subarray(0, 8)), RangeError);
    // OpenSSL's ASN1_mbstring_copy refuses these too: odd BMPString, lone surrogate.
    assert.throws(() => canonicalName(name("abc", 0x1e)), /BMPString of 3 bytes/);
    assert.throws(() => canonicalName(name("\xd8\x00", 0x1e)), /surrogate/);
    assert.equal(
      Buffer.from(canonicalName(name("\x00A\x00 \x00B", 0x1e))).toString("hex"),
      Buffer.from(canonicalName(name("a b", 0x0c))).toString("hex"),
    );
  });
});

describe("root lists", () => {
  const ref = new Set(referenceStore().anchors.map((a) => a.sha256));
  test(`every one of the ${WIDELY_USED_ROOTS.size} widely used roots is in the reference, under its name`, () => {
    for (const [fp, name] of WIDELY_USED_ROOTS) {
      const a = referenceStore().anchors.find((x) => x.sha256 === fp);
      assert.ok(a, `${name} ${fp} not in ${referenceStore().name}`);
      assert.ok(
        a.info.subject.includes(name.replace("GlobalSign Root CA - R3", "GlobalSign")),
        name,
      );
    }
  });
  test(`none of the ${REMOVED_ROOTS.size} removed roots is in the reference`, () => {
    assert.deepEqual(
      [...REMOVED_ROOTS.keys()].filter((fp) => ref.has(fp)),
      [],
    );
  });
});

describe("ca-certificates package", () => {
  test("dpkg status: the installed stanza's Version; config-files does not count", () => {
    const status = [
      "Package: ca-certificates-java\nStatus: install ok installed\nVersion: 20230710",
      "Package: ca-certificates\nStatus: install ok installed\nPriority: standard\nArchitecture: all\nDescription: Common CA certificates\n Contains the certificate authorities shipped with Mozilla's browser\nVersion: 20210119",
    ].join("\n\n");
    const view = (name: string, text: string): HostView =>
      new HostView(sysroot(name, { "/var/lib/dpkg/status": text }));
    assert.deepEqual(readCaPackage(view("dpkg", status), "debian").pkg, {
      manager: "dpkg",
      name: "ca-certificates",
      version: "20210119",
      date: "2021-01-19",
    });
    const removed = status.replace(
      "install ok installed\nPriority",
      "deinstall ok config-files\nPriority",
    );
    assert.match(readCaPackage(view("dpkg-rc", removed), "debian").skipped ?? "", /not installed/);
    assert.match(
      readCaPackage(view("dpkg-junk", "garbage\n\n\0\0"), "debian").skipped ?? "",
      /not installed/,
    );
  });

  test("Alpine apk database, Arch pacman directory, RHEL skipped with a reason", () => {
    const alpine = sysroot("apk", {
      "/lib/apk/db/installed":
        "C:Q1abc\nP:ca-certificates-bundle\nV:20230506-r0\n\nC:Q1def\nP:ca-certificates\nV:20240226-r0\nA:x86_64\n\n",
    });
    assert.deepEqual(readCaPackage(new HostView(alpine), "alpine").pkg, {
      manager: "apk",
      name: "ca-certificates",
      version: "20240226-r0",
      date: "2024-02-26",
    });
    const arch = sysroot("pacman", {
      "/var/lib/pacman/local/ca-certificates-mozilla-3.101-1/desc": "x",
    });
    assert.equal(readCaPackage(new HostView(arch), "arch").pkg?.version, "3.101-1");
    assert.match(readCaPackage(new HostView(arch), "rhel").skipped ?? "", /rpm database/);
    assert.match(
      readCaPackage(new HostView(join(tmp, "nothing")), "debian").skipped ?? "",
      /dpkg\/status does not exist/,
    );
  });
});

describe("auditTrustStore on small sysroots", () => {
  const [a, b, c] = referenceStore().anchors;
  const DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 11 (bullseye)"\nID=debian\n';

  test("no store at all: nothing parsed, each part skipped with a reason", () => {
    const root = sysroot("empty", { "/etc/os-release": DEBIAN });
    const r = auditTrustStore(new HostView(root));
    assert.equal(r.family, "debian");
    assert.equal(r.bundle, null);
    assert.equal(r.roots, 0);
    assert.deepEqual(r.missing, []);
    assert.deepEqual(
      r.skipped.map((s) => s.check),
      ["bundle", "hash-links", "package"],
    );
  });

  test("a corrupt block and an unterminated one: OpenSSL refuses the file, and the audit says so", async () => {
    const good = pem(a!.der);
    const bad = pem(b!.der).replace(/\n[A-Za-z0-9+/]{10}/, "\n!!!!!!!!!!");
    const unterminated = pem(c!.der).split("-----END")[0]!;
    const root = sysroot("corrupt", {
      "/etc/os-release": DEBIAN,
      "/etc/ssl/certs/ca-certificates.crt": good + bad + good + unterminated,
    });
    const r = auditTrustStore(new HostView(root));
    assert.equal(r.bundle?.blocks, 4);
    assert.equal(r.bundle?.certificates, 1);
    assert.deepEqual(
      r.bundle?.problems.map((p) => [p.index, p.breaksFile]),
      [
        [1, true],
        [3, true],
      ],
    );
    // The oracle: openssl refuses the same file.
    const e = await run("openssl", [
      "verify",
      "-CAfile",
      join(root, "etc/ssl/certs/ca-certificates.crt"),
      join(root, "etc/ssl/certs/ca-certificates.crt"),
    ]).then(
      () => "",
      (x: { stderr: string }) => x.stderr,
    );
    assert.match(e, /Error loading file/);
  });

  test("hostile bundles: binary junk, a bundle cut mid-certificate, a 40 MB file, a directory loop", () => {
    const junk = sysroot("junk", {
      "/etc/os-release": DEBIAN,
      "/etc/ssl/certs/ca-certificates.crt": "\x30\x82\xff\xff" + "\u0000\u00ff".repeat(5000),
    });
    const j = auditTrustStore(new HostView(junk));
    assert.equal(j.bundle?.certificates, 0);
    assert.equal(j.bundle?.problems[0]?.breaksFile, true);
    const cut = pem(a!.der) + pem(b!.der);
    const truncated = sysroot("truncated", {
      "/etc/os-release": DEBIAN,
      "/etc/ssl/certs/ca-certificates.crt": cut.slice(0, cut.length - 300),
    });
    const t = auditTrustStore(new HostView(truncated));
    assert.deepEqual(
      [t.bundle?.certificates, t.bundle?.problems.map((p) => p.breaksFile)],
      [1, [true]],
    );
    const big = sysroot("big", { "/etc/os-release": DEBIAN, "/etc/ssl/certs/x": "" });
    execFileSync("truncate", ["-s", "40M", join(big, "etc/ssl/certs/ca-certificates.crt")]);
    symlinkSync(".", join(big, "etc/ssl/certs/loop"));
    symlinkSync("deadbeef.0", join(big, "etc/ssl/certs/deadbeef.0"));
    const g = auditTrustStore(new HostView(big));
    assert.equal(g.bundle?.problems[0]?.index, -1);
    assert.match(g.skipped.find((x) => x.check === "bundle")?.reason ?? "", /exceed/);
    assert.deepEqual(
      g.hashDir?.problems.map((p) => [p.entry, p.kind]),
      [["/etc/ssl/certs/deadbeef.0", "dangling"]],
    );
  });

  test("RHEL layout: the extracted bundle, no hashed directory (skipped, not failed)", () => {
    const root = sysroot("rhel", {
      "/etc/os-release": 'ID="rocky"\nID_LIKE="rhel centos fedora"\n',
      "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem": pem(a!.der) + pem(b!.der),
      "/etc/pki/tls/certs/ca-bundle.crt": "->/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
      "/etc/pki/ca-trust/source/anchors/corp.pem": pem(liveRoots[0]!.der),
    });
    const r = auditTrustStore(new HostView(root), { now: new Date("2026-01-01T00:00:00Z") });
    assert.equal(r.family, "rhel");
    assert.equal(r.bundle?.path, "/etc/pki/tls/certs/ca-bundle.crt");
    assert.equal(r.bundle?.certificates, 2);
    assert.equal(r.missing.length, referenceStore().anchors.length - 2);
    assert.ok(r.skipped.some((s) => s.check === "hash-links"));
    assert.ok(r.skipped.some((s) => s.check === "package" && /rpm/.test(s.reason)));
  });

  test("hashed directory: dangling, wrong hash, old MD5 hash, a gap and a non-certificate, each named", () => {
    const hashOf = (der: Uint8Array): { hash: string; old: string } => subjectHashes(der);
    const [ha, hb, hc] = [hashOf(a!.der), hashOf(b!.der), hashOf(c!.der)];
    const root = sysroot("links", {
      "/etc/os-release": DEBIAN,
      "/etc/ssl/certs/ca-certificates.crt": pem(a!.der) + pem(b!.der) + pem(c!.der),
      "/usr/share/ca-certificates/mozilla/A.crt": pem(a!.der),
      "/usr/share/ca-certificates/mozilla/B.crt": pem(b!.der),
      "/etc/ssl/certs/A.pem": "->/usr/share/ca-certificates/mozilla/A.crt",
      "/etc/ssl/certs/B.pem": "->/usr/share/ca-certificates/mozilla/B.crt",
      "/etc/ssl/certs/Gone.pem": "->/usr/share/ca-certificates/mozilla/Gone.crt",
      [`/etc/ssl/certs/${ha.hash}.0`]: "->A.pem",
      [`/etc/ssl/certs/${hb.old}.0`]: "->B.pem",
      "/etc/ssl/certs/0badc0de.0": "->Gone.pem",
      "/etc/ssl/certs/12345678.0": "not a certificate\n",
      "/etc/ssl/certs/deadbeef.0": "->A.pem",
      [`/etc/ssl/certs/${hc.hash}.1`]: pem(c!.der),
    });
    const r = auditTrustStore(new HostView(root));
    const probs = r.hashDir?.problems.map((p) => [
      p.entry.replace("/etc/ssl/certs/", ""),
      p.kind,
      p.expected,
    ]);
    assert.deepEqual(
      probs?.sort(),
      [
        ["0badc0de.0", "dangling", null],
        ["12345678.0", "not-a-certificate", null],
        ["Gone.pem", "dangling", null],
        [`${hb.old}.0`, "old-hash", `${hb.hash}.0`],
        ["deadbeef.0", "wrong-hash", `${ha.hash}.0`],
        [`${hc.hash}.1`, "gap", `${hc.hash}.0`],
      ].sort(),
    );
    assert.equal(r.hashDir?.hashLinks, 6);
    // b is linked, under the wrong name, and c under HASH.1: all three count as linked.
    assert.deepEqual(r.hashDir?.unlinked, []);
  });
});
