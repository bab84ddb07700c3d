import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Finding } from "../core/index.js";
import type { ExtraRoot, MissingRoot, RootRef, TrustAudit } from "../pki/index.js";
import { STALE_MISSING_COUNT, trustFindings, trustSections } from "./host-trust.js";

const root = (name: string, over: Partial<RootRef> = {}): RootRef => ({
  name,
  subject: `CN=${name}`,
  sha256: `AA:${name.length.toString(16).padStart(2, "0")}`,
  notBefore: "2015-01-01T00:00:00.000Z",
  notAfter: "2035-01-01T00:00:00.000Z",
  ...over,
});
const missing = (name: string, widelyUsed = false): MissingRoot => ({ ...root(name), widelyUsed });
const extra = (name: string, over: Partial<ExtraRoot> = {}): ExtraRoot => ({
  ...root(name),
  origin: "local",
  distrusted: null,
  file: null,
  ...over,
});

/** A healthy Debian store; each test changes one thing. */
function audit(over: Partial<TrustAudit> = {}): TrustAudit {
  return {
    at: "2026-06-01T00:00:00.000Z",
    distribution: "Debian GNU/Linux 12 (bookworm)",
    family: "debian",
    reason: "Debian family",
    bundle: {
      path: "/etc/ssl/certs/ca-certificates.crt",
      bytes: 220_000,
      mtime: "2026-05-01T00:00:00.000Z",
      blocks: 146,
      certificates: 146,
      problems: [],
    },
    hashDir: { path: "/etc/ssl/certs", entries: 300, hashLinks: 146, problems: [], unlinked: [] },
    roots: 146,
    reference: { name: "mozilla (node 20)", roots: 144 },
    missing: [],
    expired: [],
    notYetValid: [],
    extra: [],
    newestRoot: root("TrustAsia TLS RSA Root CA"),
    package: { manager: "dpkg", name: "ca-certificates", version: "20250419", date: "2025-04-19" },
    skipped: [],
    ...over,
  };
}
const sev = (fs: readonly Finding[]): string[][] => fs.map((f) => [f.id, f.severity]);

describe("trustFindings", () => {
  test("a healthy store: no finding, and the section still says what was looked at", () => {
    assert.deepEqual(trustFindings(audit()), []);
    const [fields, notes] = trustSections(audit());
    assert.equal(fields?.kind, "fields");
    assert.ok(notes?.kind === "text" && notes.lines[0]?.startsWith("store chosen: Debian family"));
  });

  test("ISRG Root X1 missing: TRUST_STORE_STALE error, named first, with the package date", () => {
    const fs = trustFindings(
      audit({ missing: [missing("ISRG Root X1", true), missing("Certainly Root R1")] }),
    );
    assert.deepEqual(sev(fs), [["TRUST_STORE_STALE", "error"]]);
    assert.match(fs[0]!.title, /among them ISRG Root X1/);
    assert.match(fs[0]!.detail, /Let's Encrypt.*\n?/);
    assert.match(fs[0]!.detail, /list of 2025-04-19/);
    assert.equal(fs[0]!.evidence[0]?.value, "ISRG Root X1 (widely used), SHA-256 AA:0c");
    assert.match(fs[0]!.fix, /apt-get install --only-upgrade ca-certificates/);
  });

  test(`only lesser roots missing: ${STALE_MISSING_COUNT} or more is TRUST_STORE_STALE (warning), fewer is TRUST_STORE_BEHIND_REFERENCE (info)`, () => {
    const some = (n: number): MissingRoot[] =>
      Array.from({ length: n }, (_, i) => missing(`Root ${i}`));
    assert.deepEqual(sev(trustFindings(audit({ missing: some(STALE_MISSING_COUNT) }))), [
      ["TRUST_STORE_STALE", "warning"],
    ]);
    const behind = trustFindings(audit({ missing: some(STALE_MISSING_COUNT - 1) }));
    assert.deepEqual(sev(behind), [["TRUST_STORE_BEHIND_REFERENCE", "info"]]);
    assert.equal(behind[0]!.evidence.filter((e) => e.label === "missing").length, 9);
    // Evidence is capped, and says how many more there are.
    const many = trustFindings(audit({ missing: some(80) }))[0]!;
    const lines = many.evidence.filter((e) => e.label === "missing");
    assert.equal(lines.length, 61);
    assert.match(lines[60]!.value, /… 20 more/);
  });

  test("no store: TRUST_STORE_MISSING error; only a hashed directory: warning", () => {
    const none = audit({ bundle: null, hashDir: null, roots: 0 });
    assert.deepEqual(sev(trustFindings(none)), [["TRUST_STORE_MISSING", "error"]]);
    const dirOnly = audit({ bundle: null });
    assert.deepEqual(sev(trustFindings(dirOnly)), [["TRUST_STORE_MISSING", "warning"]]);
    const empty = audit({
      bundle: { ...audit().bundle!, blocks: 0, certificates: 0 },
      hashDir: { ...audit().hashDir!, hashLinks: 0 },
    });
    assert.deepEqual(sev(trustFindings(empty)), [["TRUST_STORE_MISSING", "error"]]);
  });

  test("a block OpenSSL cannot read: TRUST_STORE_CORRUPT error; one only tlsdoctor cannot read: no finding", () => {
    const p = { file: "/etc/ssl/certs/ca-certificates.crt", index: 7, message: "bad base64" };
    const bad = audit({ bundle: { ...audit().bundle!, problems: [{ ...p, breaksFile: true }] } });
    assert.deepEqual(sev(trustFindings(bad)), [["TRUST_STORE_CORRUPT", "error"]]);
    assert.deepEqual(trustFindings(bad)[0]!.evidence[0], { label: "block 7", value: "bad base64" });
    const ours = audit({ bundle: { ...audit().bundle!, problems: [{ ...p, breaksFile: false }] } });
    assert.deepEqual(trustFindings(ours), []);
    const notes = trustSections(ours).find((s) => s.kind === "text");
    assert.ok(notes?.kind === "text" && notes.lines.some((l) => l.includes("OpenSSL reads it")));
  });

  test("removed roots: distrusted is a warning naming who, retired a notice", () => {
    const distrusted = trustFindings(
      audit({
        extra: [
          extra("TrustCor RootCert CA-1", { origin: "removed", distrusted: "TrustCor, 2022" }),
          extra("GlobalSign Root CA", { origin: "removed" }),
        ],
      }),
    );
    assert.deepEqual(sev(distrusted), [["TRUST_STORE_REMOVED_ROOT", "warning"]]);
    assert.match(distrusted[0]!.detail, /^TrustCor RootCert CA-1 was distrusted/);
    assert.match(distrusted[0]!.evidence[0]!.value, /\(distrusted: TrustCor, 2022\)/);
    const retired = trustFindings(
      audit({ extra: [extra("GlobalSign Root CA", { origin: "removed" })] }),
    );
    assert.deepEqual(sev(retired), [["TRUST_STORE_REMOVED_ROOT", "notice"]]);
  });

  test("expired roots are a notice; a root not valid yet a warning (clock or wrong certificate)", () => {
    const old = root("Baltimore CyberTrust Root", { notAfter: "2025-05-12T23:59:00.000Z" });
    assert.deepEqual(sev(trustFindings(audit({ expired: [old] }))), [
      ["TRUST_STORE_EXPIRED_ROOT", "notice"],
    ]);
    const both = trustFindings(audit({ expired: [old], notYetValid: [root("Future")] }))[0]!;
    assert.equal(both.severity, "warning");
    assert.match(
      both.title,
      /1 expired root \(Baltimore CyberTrust Root\) and 1 root not yet valid \(Future\)/,
    );
    assert.match(both.detail, /clock is behind/);
  });

  test("hash links: broken ones a warning, only unlinked roots a notice", () => {
    const dir = audit().hashDir!;
    const broken = audit({
      hashDir: {
        ...dir,
        problems: [
          {
            entry: "/etc/ssl/certs/4042bcee.0",
            kind: "dangling",
            target: "ISRG_Root_X1.pem",
            expected: null,
            subject: null,
          },
        ],
      },
    });
    const f = trustFindings(broken)[0]!;
    assert.deepEqual([f.id, f.severity], ["TRUST_STORE_BROKEN_LINK", "warning"]);
    assert.deepEqual(f.evidence[0], {
      label: "/etc/ssl/certs/4042bcee.0",
      value: "points nowhere (-> ISRG_Root_X1.pem)",
    });
    assert.match(f.fix, /update-ca-certificates --fresh/);
    const unlinked = audit({ hashDir: { ...dir, unlinked: [root("ISRG Root X1")] } });
    assert.deepEqual(sev(trustFindings(unlinked)), [["TRUST_STORE_BROKEN_LINK", "notice"]]);
  });

  test("local roots: TRUST_STORE_EXTRA_ROOT info with the file; RHEL fixes use RHEL's tools", () => {
    const fs = trustFindings(
      audit({
        family: "rhel",
        extra: [extra("Corp CA", { file: "/etc/pki/ca-trust/source/anchors/corp.pem" })],
        missing: [missing("ISRG Root X1", true)],
      }),
    );
    assert.deepEqual(sev(fs), [
      ["TRUST_STORE_STALE", "error"],
      ["TRUST_STORE_EXTRA_ROOT", "info"],
    ]);
    assert.match(
      fs[1]!.evidence[0]!.value,
      /added locally \(\/etc\/pki\/ca-trust\/source\/anchors\/corp\.pem\)/,
    );
    assert.match(fs[0]!.fix, /dnf upgrade ca-certificates && update-ca-trust/);
    assert.match(fs[1]!.fix, /\/etc\/pki\/ca-trust\/source\/blocklist\//);
  });
});
