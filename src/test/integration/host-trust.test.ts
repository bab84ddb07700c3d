// The trust-store audit on the seeds/003 host, built as a sysroot the way
// Debian's update-ca-certificates lays it out (bundle, /usr/share/ca-certificates,
// /etc/ssl/certs with links made by `openssl rehash`), and on this machine.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { X509Certificate } from "node:crypto";
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { STALE_MISSING_COUNT, trustFindings, trustSections } from "../../checks/index.js";
import { HostView } from "../../core/index.js";
import type { Finding } from "../../core/index.js";
import { auditTrustStore, referenceStore, subjectHashes } from "../../pki/index.js";
import type { TrustAudit } from "../../pki/index.js";

const run = promisify(execFile);

/**
 * DST Root CA X3, the root Let's Encrypt's old chain crossed to; expired
 * 2021-09-30. Mozilla's copy as shipped in certifi's cacert.pem (and
 * testssl.sh's etc/"DST Root CA X3.txt"); SHA-256 06:87:26:03:…:07:39.
 */
const DST_ROOT_CA_X3 = `-----BEGIN CERTIFICATE-----
MIIDSjCCAjKgAwIBAgIQRK+wgNajJ7qJMDmGLvhAazANBgkqhkiG9w0BAQUFADA/
MSQwIgYDVQQKExtEaWdpdGFsIFNpZ25hdHVyZSBUcnVzdCBDby4xFzAVBgNVBAMT
DkRTVCBSb290IENBIFgzMB4XDTAwMDkzMDIxMTIxOVoXDTIxMDkzMDE0MDExNVow
PzEkMCIGA1UEChMbRGlnaXRhbCBTaWduYXR1cmUgVHJ1c3QgQ28uMRcwFQYDVQQD
Ew5EU1QgUm9vdCBDQSBYMzCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEB
AN+v6ZdQCINXtMxiZfaQguzH0yxrMMpb7NnDfcdAwRgUi+DoM3ZJKuM/IUmTrE4O
rz5Iy2Xu/NMhD2XSKtkyj4zl93ewEnu1lcCJo6m67XMuegwGMoOifooUMM0RoOEq
OLl5CjH9UL2AZd+3UWODyOKIYepLYYHsUmu5ouJLGiifSKOeDNoJjj4XLh7dIN9b
xiqKqy69cK3FCxolkHRyxXtqqzTWMIn/5WgTe1QLyNau7Fqckh49ZLOMxt+/yUFw
7BZy1SbsOFU5Q9D8/RhcQPGX69Wam40dutolucbY38EVAjqr2m7xPi71XAicPNaD
aeQQmxkqtilX4+U9m5/wAl0CAwEAAaNCMEAwDwYDVR0TAQH/BAUwAwEB/zAOBgNV
HQ8BAf8EBAMCAQYwHQYDVR0OBBYEFMSnsaR7LHH62+FLkHX/xBVghYkQMA0GCSqG
SIb3DQEBBQUAA4IBAQCjGiybFwBcqR7uKGY3Or+Dxz9LwwmglSBd49lZRNI+DT69
ikugdB/OEIKcdBodfpga3csTS7MgROSR6cz8faXbauX+5v3gTt23ADq1cEmv8uXr
AvHRAosZy5Q6XkjEGB5YGV8eAlrwDPGxrancWYaLbumR9YbK+rlmM6pZW87ipxZz
R8srzJmwN0jP41ZL9c8PDHIyh8bwRLtTcm1D9SZImlJnt1ir/md2cXjbDaJWFBM5
JDGFoqgCWjBH4d1QB7wCCZAA62RjYJsWvIjJEubSfZGL+T0yjWW06XyxV3bqxbYo
Ob8VZRzI9neWagqNdwvYkQsEjgfbKbYK7p2CNTUQ
-----END CERTIFICATE-----
`;

const CA_CNF = `[ca]
default_ca = CA_default
[CA_default]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = policy_any
unique_subject = no
[policy_any]
commonName = supplied
[req]
distinguished_name = dn
[dn]
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
`;

/** A self-signed CA valid from `start` to `end` (YYYYMMDDHHMMSSZ), made with `openssl ca -selfsign`. */
async function dated(dir: string, cn: string, start: string, end: string): Promise<string> {
  const d = join(dir, cn.replace(/\W+/g, "_"));
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, "ca.cnf"), CA_CNF);
  writeFileSync(join(d, "index.txt"), "");
  writeFileSync(join(d, "serial"), "01\n");
  const o = { cwd: d };
  await run(
    "openssl",
    [
      "req",
      "-new",
      "-config",
      "ca.cnf",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      "key.pem",
      "-subj",
      `/CN=${cn}`,
      "-out",
      "req.csr",
    ],
    o,
  );
  await run(
    "openssl",
    [
      "ca",
      "-batch",
      "-config",
      "ca.cnf",
      "-selfsign",
      "-keyfile",
      "key.pem",
      "-in",
      "req.csr",
      "-startdate",
      start,
      "-enddate",
      end,
      "-extensions",
      "v3_ca",
      "-notext",
      "-out",
      "cert.pem",
    ],
    o,
  );
  return readFileSync(join(d, "cert.pem"), "latin1");
}

const pemOf = (der: Uint8Array): string =>
  `-----BEGIN CERTIFICATE-----\n${(
    Buffer.from(der)
      .toString("base64")
      .match(/.{1,64}/g) ?? []
  ).join("\n")}\n-----END CERTIFICATE-----\n`;
const fileName = (cn: string): string => `${cn.replace(/[^A-Za-z0-9.-]+/g, "_")}.crt`;
const byId = (fs: readonly Finding[], id: string): Finding | undefined =>
  fs.find((f) => f.id === id);
const NOW = new Date("2023-11-09T12:00:00Z"); // seeds/003: "Good thing Nov 9th wasn't a workday"

describe("trust store of the seeds/003 host (a sysroot built by the test)", () => {
  let tmp: string;
  let root: string;
  let audit: TrustAudit;
  let findings: Finding[];
  const removedFromStore: string[] = [];
  let brokenHash = "";

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), "tlsdoctor-seed003-"));
    root = join(tmp, "root");
    const share = join(root, "usr/share/ca-certificates/mozilla");
    const certs = join(root, "etc/ssl/certs");
    const local = join(root, "usr/local/share/ca-certificates/corp");
    for (const d of [share, certs, local, join(root, "var/lib/dpkg")])
      mkdirSync(d, { recursive: true });
    writeFileSync(
      join(root, "etc/os-release"),
      'PRETTY_NAME="Debian GNU/Linux 11 (bullseye)"\nNAME="Debian GNU/Linux"\nVERSION_ID="11"\nID=debian\n',
    );
    writeFileSync(
      join(root, "var/lib/dpkg/status"),
      "Package: openssl\nStatus: install ok installed\nVersion: 1.1.1w-0+deb11u1\n\nPackage: ca-certificates\nStatus: install ok installed\nPriority: standard\nArchitecture: all\nVersion: 20210119\nDescription: Common CA certificates\n\n",
    );

    // The Mozilla list as of ca-certificates 20210119: today's reference
    // without the roots issued since, and without ISRG Root X1 (the seed's
    // Bullseye store as issue 5 describes it).
    const [expired, future, corp] = await Promise.all([
      dated(tmp, "Old Corp Root 2010", "20100101000000Z", "20200101000000Z"),
      dated(tmp, "Clock Skew Root", "20990101000000Z", "21000101000000Z"),
      dated(tmp, "Example Corp Internal CA", "20200101000000Z", "20400101000000Z"),
    ]);
    const shipped: { cn: string; pem: string }[] = [];
    for (const a of referenceStore().anchors) {
      const cn = a.info.subjectCN ?? a.sha256;
      if (cn === "ISRG Root X1" || a.info.notBefore >= "2021-01-19") {
        removedFromStore.push(cn);
        continue;
      }
      shipped.push({ cn: `${cn} ${a.sha256.slice(0, 5)}`, pem: pemOf(a.der) });
    }
    shipped.push(
      { cn: "DST Root CA X3", pem: DST_ROOT_CA_X3 },
      { cn: "Old Corp Root 2010", pem: expired },
    );
    writeFileSync(join(local, "corp-root.crt"), corp);
    writeFileSync(join(local, "clock-skew.crt"), future);
    for (const s of shipped) {
      writeFileSync(join(share, fileName(s.cn)), s.pem);
      symlinkSync(
        `../../../usr/share/ca-certificates/mozilla/${fileName(s.cn)}`,
        join(certs, fileName(s.cn).replace(/\.crt$/, ".pem")),
      );
    }
    symlinkSync(
      "../../../usr/local/share/ca-certificates/corp/corp-root.crt",
      join(certs, "corp-root.pem"),
    );
    symlinkSync(
      "../../../usr/local/share/ca-certificates/corp/clock-skew.crt",
      join(certs, "clock-skew.pem"),
    );
    writeFileSync(
      join(certs, "ca-certificates.crt"),
      [...shipped.map((s) => s.pem), corp, future].join(""),
    );
    // update-ca-certificates runs `openssl rehash`; so do we, then break two links:
    // a package file removed under a link, and a link renamed to another hash.
    await run("openssl", ["rehash", certs]);
    rmSync(join(share, fileName(shipped[0]!.cn)));
    // The victim's hash must be its own (several roots share a subject, e.g. "GlobalSign").
    const hashes = shipped.map((s) => subjectHashes(new X509Certificate(s.pem).raw).hash);
    const victim = hashes.find((h, i) => i > 0 && hashes.indexOf(h) === hashes.lastIndexOf(h));
    brokenHash = "0badc0de.0";
    renameSync(join(certs, `${victim}.0`), join(certs, brokenHash));

    audit = auditTrustStore(new HostView(root), { now: NOW });
    findings = trustFindings(audit);
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it("finds the Debian store, its package and its age", () => {
    assert.equal(audit.family, "debian");
    assert.equal(audit.bundle?.path, "/etc/ssl/certs/ca-certificates.crt");
    assert.deepEqual(audit.bundle?.problems, []);
    assert.deepEqual(audit.package, {
      manager: "dpkg",
      name: "ca-certificates",
      version: "20210119",
      date: "2021-01-19",
    });
    assert.ok((audit.newestRoot?.notBefore ?? "") < "2021-01-19", audit.newestRoot?.name);
  });

  it("TRUST_STORE_STALE (error) names ISRG Root X1 first, and every root removed from the store", () => {
    const f = byId(findings, "TRUST_STORE_STALE");
    assert.equal(f?.severity, "error");
    assert.match(f?.title ?? "", /ISRG Root X1/);
    assert.match(f?.detail ?? "", /Let's Encrypt/);
    const missing = f?.evidence.filter((e) => e.label === "missing").map((e) => e.value) ?? [];
    assert.match(missing[0] ?? "", /^ISRG Root X1 \(widely used\), SHA-256 96:BC:EC:06/);
    assert.deepEqual(audit.missing.map((m) => m.name).sort(), [...removedFromStore].sort());
    assert.ok(removedFromStore.length >= STALE_MISSING_COUNT, `${removedFromStore.length} removed`);
    assert.ok(f?.evidence.some((e) => e.label === "package" && e.value.includes("20210119")));
  });

  it("TRUST_STORE_EXPIRED_ROOT names DST Root CA X3 and the generated expired and future roots", () => {
    const f = byId(findings, "TRUST_STORE_EXPIRED_ROOT");
    assert.equal(f?.severity, "warning");
    assert.deepEqual(audit.expired.map((r) => r.name).sort(), [
      "DST Root CA X3",
      "Old Corp Root 2010",
    ]);
    assert.deepEqual(
      audit.notYetValid.map((r) => r.name),
      ["Clock Skew Root"],
    );
    assert.ok(f?.evidence.some((e) => e.value.startsWith("DST Root CA X3, expired 2021-09-30")));
  });

  it("TRUST_STORE_REMOVED_ROOT: DST Root CA X3 is a known formerly-Mozilla root (retired: notice)", () => {
    const f = byId(findings, "TRUST_STORE_REMOVED_ROOT");
    assert.equal(f?.severity, "notice");
    assert.deepEqual(
      audit.extra.filter((e) => e.origin === "removed").map((e) => e.name),
      ["DST Root CA X3"],
    );
  });

  it("TRUST_STORE_EXTRA_ROOT (info): the local CAs by file, the unknown distribution root by origin", () => {
    const f = byId(findings, "TRUST_STORE_EXTRA_ROOT");
    assert.equal(f?.severity, "info");
    assert.deepEqual(
      audit.extra.filter((e) => e.origin !== "removed").map((e) => [e.name, e.origin, e.file]),
      [
        [
          "Old Corp Root 2010",
          "distribution",
          `/usr/share/ca-certificates/mozilla/${fileName("Old Corp Root 2010")}`,
        ],
        ["Clock Skew Root", "local", "/usr/local/share/ca-certificates/corp/clock-skew.crt"],
        [
          "Example Corp Internal CA",
          "local",
          "/usr/local/share/ca-certificates/corp/corp-root.crt",
        ],
      ],
    );
  });

  it("TRUST_STORE_BROKEN_LINK: the dangling pair and the renamed link; their roots are unlinked", () => {
    const f = byId(findings, "TRUST_STORE_BROKEN_LINK");
    assert.equal(f?.severity, "warning");
    const kinds = audit.hashDir?.problems
      .map((p) => `${p.entry.replace("/etc/ssl/certs/", "")} ${p.kind}`)
      .sort();
    assert.equal(kinds?.length, 3, JSON.stringify(kinds));
    assert.ok(kinds?.includes(`${brokenHash} wrong-hash`));
    assert.equal(kinds?.filter((k) => k.endsWith(" dangling")).length, 2, JSON.stringify(kinds));
    assert.equal(audit.hashDir?.unlinked.length, 1); // the dangling one; the renamed one is still linked
  });

  it("no other finding, and the sections list the missing roots", () => {
    assert.deepEqual(findings.map((f) => f.id).sort(), [
      "TRUST_STORE_BROKEN_LINK",
      "TRUST_STORE_EXPIRED_ROOT",
      "TRUST_STORE_EXTRA_ROOT",
      "TRUST_STORE_REMOVED_ROOT",
      "TRUST_STORE_STALE",
    ]);
    const table = trustSections(audit).find(
      (s) => s.kind === "table" && s.title.startsWith("Roots missing"),
    );
    assert.ok(
      table?.kind === "table" && table.rows.some((r) => r[0] === "ISRG Root X1" && r[1] === "yes"),
    );
  });
});

describe("trust store of this machine", () => {
  const audit = auditTrustStore(new HostView("/"));
  const findings = trustFindings(audit);

  it(`audits ${audit.bundle?.path ?? "no bundle"} (${audit.roots} roots, ${audit.missing.length} missing, ${audit.extra.length} not in the reference): no TRUST_STORE_STALE`, () => {
    assert.ok(
      audit.bundle !== null && audit.bundle.certificates > 100,
      JSON.stringify(audit.bundle),
    );
    assert.equal(
      byId(findings, "TRUST_STORE_STALE"),
      undefined,
      JSON.stringify(byId(findings, "TRUST_STORE_STALE")?.evidence),
    );
    assert.equal(byId(findings, "TRUST_STORE_MISSING"), undefined);
    assert.equal(byId(findings, "TRUST_STORE_CORRUPT"), undefined);
    for (const f of findings) assert.match(f.id, /^TRUST_STORE_/);
  });

  it("missing roots agree with a comparison by Node's own X509Certificate (public key + subject)", () => {
    const key = (c: X509Certificate): string =>
      `${c.publicKey.export({ type: "spki", format: "der" }).toString("hex")}|${c.subject}`;
    const ours = new Set(
      (
        readFileSync(audit.bundle?.path ?? "", "latin1").match(
          /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g,
        ) ?? []
      ).map((p) => key(new X509Certificate(p))),
    );
    const expected = referenceStore()
      .anchors.map((a) => new X509Certificate(a.der))
      .filter((c) => !ours.has(key(c)))
      .map((c) => c.fingerprint256)
      .sort();
    assert.deepEqual(audit.missing.map((m) => m.sha256).sort(), expected);
  });

  it("every hash link on this machine carries the subject hash openssl gave it", () => {
    const wrong = audit.hashDir?.problems.filter(
      (p) => p.kind === "wrong-hash" || p.kind === "old-hash",
    );
    assert.deepEqual(wrong, []);
    assert.ok(
      (audit.hashDir?.hashLinks ?? 0) >=
        (audit.bundle?.certificates ?? 0) - (audit.hashDir?.unlinked.length ?? 0),
    );
  });
});
