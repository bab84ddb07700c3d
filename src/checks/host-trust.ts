/**
 * Trust-store findings: what the audit of the host's CA store (pki's
 * auditTrustStore) means for the programs on it, with the distribution's own
 * commands to fix it. seeds/003: a Postfix that rejected Mailgun with alert 42
 * because ca-certificates was two years old.
 */
import { finding } from "../core/index.js";
import type { Evidence, Field, Finding, Section, Severity, Tone } from "../core/index.js";
import type {
  DistroFamily,
  ExtraRoot,
  LinkProblemKind,
  RootRef,
  TrustAudit,
} from "../pki/index.js";

/**
 * Mozilla adds a handful of roots a year and distributions ship its list
 * within months, so a few missing roots are the usual lag; this many means
 * the store is a year or more behind.
 */
export const STALE_MISSING_COUNT = 10;
/** Evidence lines per finding before "… N more". */
const MAX_EVIDENCE = 60;

/** Per family: upgrade the package; rebuild bundle and links; where local anchors go; how to drop a root. */
const TOOLS: Readonly<Record<DistroFamily, readonly [string, string, string, string]>> = {
  debian: [
    "apt-get update && apt-get install --only-upgrade ca-certificates",
    "update-ca-certificates --fresh",
    "/usr/local/share/ca-certificates/NAME.crt (PEM)",
    'put "!" before its line (mozilla/NAME.crt) in /etc/ca-certificates.conf, or delete it from /usr/local/share/ca-certificates',
  ],
  alpine: [
    "apk upgrade ca-certificates",
    "update-ca-certificates",
    "/usr/local/share/ca-certificates/NAME.crt (PEM)",
    'put "!" before its line in /etc/ca-certificates.conf, or delete it from /usr/local/share/ca-certificates',
  ],
  rhel: [
    "dnf upgrade ca-certificates",
    "update-ca-trust",
    "/etc/pki/ca-trust/source/anchors/",
    "copy it to /etc/pki/ca-trust/source/blocklist/",
  ],
  suse: [
    "zypper update ca-certificates",
    "update-ca-certificates",
    "/etc/pki/trust/anchors/",
    "copy it to /etc/pki/trust/blacklist/",
  ],
  arch: [
    "pacman -Syu ca-certificates-mozilla",
    "update-ca-trust",
    "/etc/ca-certificates/trust-source/anchors/",
    "copy it to /etc/ca-certificates/trust-source/blocklist/",
  ],
  unknown: [
    "upgrade the distribution's CA certificates package",
    "openssl rehash DIR",
    "the system bundle",
    "remove it from the system bundle",
  ],
};
const UPDATE = (f: DistroFamily): string => `${TOOLS[f][0]} && ${TOOLS[f][1]}`;
const REHASH = (f: DistroFamily): string => TOOLS[f][1];
const ADD = (f: DistroFamily): string => `copy it to ${TOOLS[f][2]} and run ${TOOLS[f][1]}`;
const DISTRUST = (f: DistroFamily): string => `${TOOLS[f][3]}, then run ${TOOLS[f][1]}`;

const REFS = ["seeds/003", "https://wiki.mozilla.org/CA/Removed_Certificates"];

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const only = (cond: unknown, ...xs: string[]): string[] => (cond ? xs : []);
const names = (rs: readonly { name: string }[], max = 5): string => {
  const shown = rs.slice(0, max).map((r) => r.name);
  return rs.length <= max ? shown.join(", ") : `${shown.join(", ")} and ${rs.length - max} more`;
};

/** One evidence line per root, capped. */
function rootLines<R extends RootRef>(
  label: string,
  rs: readonly R[],
  value: (r: R) => string = (r) => `${r.name}, SHA-256 ${r.sha256}`,
): Evidence[] {
  const out = rs.slice(0, MAX_EVIDENCE).map((r) => ({ label, value: value(r) }));
  if (rs.length > MAX_EVIDENCE)
    out.push({ label, value: `… ${rs.length - MAX_EVIDENCE} more (see the report section)` });
  return out;
}

function storeEvidence(a: TrustAudit): Evidence[] {
  const [b, p, n] = [a.bundle, a.package, a.newestRoot];
  const rows: [string, string | null][] = [
    ["distribution", a.distribution],
    [
      "bundle",
      b &&
        `${b.path} (${b.certificates} certificates${b.mtime ? `, modified ${b.mtime.slice(0, 10)}` : ""})`,
    ],
    ["package", p && `${p.name} ${p.version}${p.date ? ` (Mozilla list of ${p.date})` : ""}`],
    ["newest root", n && `${n.name}, valid from ${n.notBefore.slice(0, 10)}`],
    ["reference", `${a.reference.name}: ${a.reference.roots} roots`],
  ];
  return rows.flatMap(([label, value]) => (value ? [{ label, value }] : []));
}

function missingStore(a: TrustAudit): Finding[] {
  const inBundle = a.bundle?.certificates ?? 0;
  const inDir = a.hashDir?.hashLinks ?? 0;
  const unread = a.bundle?.problems.some((p) => p.index < 0) ?? false; // reported as skipped
  if (inBundle === 0 && inDir === 0 && !unread) {
    return [
      finding({
        id: "TRUST_STORE_MISSING",
        severity: "error",
        side: "host",
        title: `No trusted certificates: ${a.bundle ? `${a.bundle.path} holds none` : "no CA bundle found"}${a.hashDir ? `, ${a.hashDir.path} has no hash links` : ""}`,
        detail:
          'Programs that verify peers with the system store (OpenSSL, GnuTLS, curl, Python, Postfix, Exim …) trust nothing: every TLS connection that checks certificates fails with "unable to get local issuer certificate" (OpenSSL error 20), and a server checking client certificates rejects them all.',
        evidence: [
          { label: "searched", value: a.reason },
          ...storeEvidence(a).filter((e) => e.label === "distribution" || e.label === "package"),
        ],
        fix: `Install (or reinstall) the distribution's CA certificates package, then run ${REHASH(a.family)}.`,
        refs: ["seeds/003"],
      }),
    ];
  }
  if (a.bundle === null) {
    return [
      finding({
        id: "TRUST_STORE_MISSING",
        severity: "warning",
        side: "host",
        title: `No CA bundle file; only the hashed directory ${a.hashDir?.path ?? ""} (${inDir} links)`,
        detail:
          "OpenSSL finds roots in the hashed directory, but programs that read only the bundle file (GnuTLS, curl and libraries built with a CA file path, Go, Java's keystore generation) trust nothing.",
        evidence: [{ label: "searched", value: a.reason }],
        fix: `Regenerate the bundle: ${REHASH(a.family)}.`,
        refs: ["seeds/003"],
      }),
    ];
  }
  return [];
}

function corrupt(a: TrustAudit): Finding[] {
  const bad = a.bundle?.problems.filter((p) => p.breaksFile) ?? [];
  if (a.bundle === null || bad.length === 0) return [];
  return [
    finding({
      id: "TRUST_STORE_CORRUPT",
      severity: "error",
      side: "host",
      title: `${a.bundle.path} has ${plural(bad.length, "entry", "entries")} OpenSSL cannot read: it refuses the whole file`,
      detail:
        'OpenSSL\'s X509_load_cert_crl_file stops at the first certificate block it cannot decode and fails for the whole file, so SSL_CTX_load_verify_locations and `openssl verify -CAfile` load none of its roots (checked with OpenSSL 3.0: "Error loading file"). Clients that go on without the file fail every verification with "unable to get local issuer certificate".',
      evidence: [
        ...bad.slice(0, MAX_EVIDENCE).map((p) => ({ label: `block ${p.index}`, value: p.message })),
        ...storeEvidence(a),
      ],
      fix: `Regenerate the bundle from its sources (${REHASH(a.family)}); if a hand-added certificate is the broken one, fix or remove it first (${a.family === "debian" || a.family === "alpine" ? "/usr/local/share/ca-certificates" : "the local anchors directory"}).`,
      refs: ["OpenSSL crypto/x509/by_file.c (X509_load_cert_crl_file_ex)", "seeds/003"],
    }),
  ];
}

function stale(a: TrustAudit): Finding[] {
  if (a.missing.length === 0) return [];
  const wide = a.missing.filter((m) => m.widelyUsed);
  const wideIds = new Set(wide.map((m) => m.sha256));
  const isrg = wide.some((m) => m.name === "ISRG Root X1");
  const evidence = [
    ...rootLines(
      "missing",
      a.missing,
      (r) => `${r.name}${wideIds.has(r.sha256) ? " (widely used)" : ""}, SHA-256 ${r.sha256}`,
    ),
    ...storeEvidence(a),
  ];
  if (wide.length === 0 && a.missing.length < STALE_MISSING_COUNT) {
    return [
      finding({
        id: "TRUST_STORE_BEHIND_REFERENCE",
        severity: "info",
        side: "host",
        title: `Trust store lacks ${plural(a.missing.length, "root")} of ${a.reference.name}: ${names(a.missing)}`,
        detail: `The reference has ${plural(a.missing.length, "root")} that this store has not (yet): the usual lag between Mozilla's list and a distribution's package. None of them is among the roots most public sites chain to; sites certified by these CAs fail here with "unable to get local issuer certificate".`,
        evidence,
        fix: `Nothing urgent; the next ca-certificates update brings them (${UPDATE(a.family)}).`,
        refs: REFS,
      }),
    ];
  }
  const severity: Severity = wide.length > 0 ? "error" : "warning";
  return [
    finding({
      id: "TRUST_STORE_STALE",
      severity,
      side: "host",
      title: `Trust store is stale: ${plural(a.missing.length, "root")} of ${a.reference.name} missing${wide.length > 0 ? `, among them ${names(wide)}` : ""}`,
      detail:
        `This host's CA store lacks roots that the current Mozilla list has${a.package?.date ? ` (its ca-certificates carries the list of ${a.package.date})` : ""}. Every program here that verifies with the system store rejects peers whose chain ends at one of them: OpenSSL says "unable to get local issuer certificate" (error 20), a server verifying client certificates answers with alert 42 bad_certificate or 48 unknown_ca (seeds/003: Postfix rejecting Mailgun). ` +
        (isrg
          ? "ISRG Root X1 is Let's Encrypt's root: most certificates on the public Internet chain to it, so most sites and mail servers fail. "
          : wide.length > 0
            ? `${names(wide)} ${wide.length === 1 ? "is" : "are"} behind a large share of public sites. `
            : "") +
        "The peers are fine; this host's list is out of date.",
      evidence,
      fix:
        `Update the CA bundle: ${UPDATE(a.family)}. ` +
        `If the release has no newer package, upgrade the distribution, or add the missing roots by hand (Mozilla's PEM from https://ccadb.org or a current system): ${ADD(a.family)}.`,
      refs: [...REFS, "https://letsencrypt.org/certificates/"],
    }),
  ];
}

const EXPIRED_TEXT =
  'An expired root anchors nothing. OpenSSL ≥ 1.1.0 and current GnuTLS then look for another path, but OpenSSL 1.0.x, older GnuTLS and some embedded or Java clients build the chain through the expired root and fail with "certificate has expired" although a valid path exists: the Let\'s Encrypt breakage of 30 September 2021, when DST Root CA X3 expired. A bundle that still carries expired roots predates their removal.';
const FUTURE_TEXT =
  "A root that is not valid yet anchors nothing until that date: either this host's clock is behind (check timedatectl) or a wrong certificate was added.";

function expired(a: TrustAudit): Finding[] {
  const [old, future] = [a.expired, a.notYetValid];
  if (old.length === 0 && future.length === 0) return [];
  const what = [
    ...only(old.length, `${plural(old.length, "expired root")} (${names(old)})`),
    ...only(future.length, `${plural(future.length, "root")} not yet valid (${names(future)})`),
  ];
  return [
    finding({
      id: "TRUST_STORE_EXPIRED_ROOT",
      // Harmless to current OpenSSL and GnuTLS, which try another path; a root
      // from the future fails every chain to it (and often means a wrong clock).
      severity: future.length > 0 ? "warning" : "notice",
      side: "host",
      title: `Trust store holds ${what.join(" and ")}`,
      detail: [...only(old.length, EXPIRED_TEXT), ...only(future.length, FUTURE_TEXT)].join(" "),
      evidence: [
        ...rootLines(
          "expired",
          old,
          (r) => `${r.name}, expired ${r.notAfter.slice(0, 10)}, SHA-256 ${r.sha256}`,
        ),
        ...rootLines(
          "not yet valid",
          future,
          (r) => `${r.name}, valid from ${r.notBefore}, SHA-256 ${r.sha256}`,
        ),
        { label: "checked at", value: a.at },
      ],
      fix: `Update the CA bundle (${UPDATE(a.family)}), which drops expired roots; to remove one now, ${DISTRUST(a.family)}.`,
      refs: [...REFS, "https://letsencrypt.org/docs/dst-root-ca-x3-expiration-september-2021/"],
    }),
  ];
}

function removed(a: TrustAudit): Finding[] {
  const rs = a.extra.filter((e) => e.origin === "removed");
  if (rs.length === 0) return [];
  const distrusted = rs.filter((e) => e.distrusted !== null);
  return [
    finding({
      id: "TRUST_STORE_REMOVED_ROOT",
      severity: distrusted.length > 0 ? "warning" : "notice",
      side: "host",
      title: `Trust store still trusts ${plural(rs.length, "root")} Mozilla removed: ${names(rs)}`,
      detail:
        (distrusted.length > 0
          ? `${names(distrusted)} ${distrusted.length === 1 ? "was" : "were"} distrusted after security incidents: certificates they issue are rejected by browsers but accepted by every program on this host. `
          : "") +
        "Roots retired by Mozilla (for age, weak keys, expiry or at the CA's request) no longer belong in a TLS trust list; their presence says the bundle predates the removal.",
      evidence: rootLines("removed", rs, (e) => {
        return `${e.name}${e.distrusted ? ` (distrusted: ${e.distrusted})` : ""}${Date.parse(e.notAfter) < Date.parse(a.at) ? `, expired ${e.notAfter.slice(0, 10)}` : ""}, SHA-256 ${e.sha256}`;
      }),
      fix: `Update the CA bundle (${UPDATE(a.family)}); to drop one now, ${DISTRUST(a.family)}.`,
      refs: REFS,
    }),
  ];
}

const LOCAL_TEXT =
  "Private or corporate CAs, or a TLS-inspecting proxy's CA, added on purpose: every program here trusts the certificates they issue, for any name. Check each is expected.";
const DISTRO_TEXT =
  "Roots the distribution ships that the reference lacks: Mozilla added them after the reference's list was made, or removed them after the package was built.";

function extra(a: TrustAudit): Finding[] {
  const rs = a.extra.filter((e) => e.origin !== "removed");
  if (rs.length === 0) return [];
  const origin = (e: ExtraRoot): string =>
    e.origin === "local"
      ? `added locally (${e.file ?? "?"})`
      : e.origin === "distribution"
        ? `shipped by the distribution (${e.file ?? "?"}): newer than the reference, or removed upstream since`
        : "origin unknown";
  return [
    finding({
      id: "TRUST_STORE_EXTRA_ROOT",
      severity: "info",
      side: "host",
      title: `${plural(rs.length, "root")} in the trust store ${rs.length === 1 ? "is" : "are"} not in ${a.reference.name}: ${names(rs)}`,
      detail: [
        ...only(
          rs.some((e) => e.origin !== "distribution"),
          LOCAL_TEXT,
        ),
        ...only(
          rs.some((e) => e.origin === "distribution"),
          DISTRO_TEXT,
        ),
      ].join(" "),
      evidence: rootLines("root", rs, (r) => `${r.name}: ${origin(r)}, SHA-256 ${r.sha256}`),
      fix: `Nothing if they are yours. To remove one, ${DISTRUST(a.family)}.`,
      refs: ["seeds/003"],
    }),
  ];
}

function links(a: TrustAudit): Finding[] {
  const d = a.hashDir;
  if (d === null || (d.problems.length === 0 && d.unlinked.length === 0)) return [];
  const why: Record<LinkProblemKind, string> = {
    dangling: "points nowhere",
    "wrong-hash": "named by another subject hash",
    "old-hash": "named by the pre-1.0 MD5 hash (subject_hash_old)",
    "not-a-certificate": "holds no readable certificate",
    unhashable: "OpenSSL cannot hash its subject",
    gap: "follows a missing lower number; OpenSSL stops at the gap",
  };
  return [
    finding({
      id: "TRUST_STORE_BROKEN_LINK",
      severity: d.problems.length > 0 ? "warning" : "notice",
      side: "host",
      title:
        d.problems.length > 0
          ? `${plural(d.problems.length, "broken entry", "broken entries")} in ${d.path}${d.unlinked.length ? `; ${plural(d.unlinked.length, "bundle root")} without a hash link` : ""}`
          : `${plural(d.unlinked.length, "bundle root")} ${d.unlinked.length === 1 ? "has" : "have"} no hash link in ${d.path}`,
      detail:
        "Programs that use the directory (OpenSSL's CApath: -CApath, SSL_CERT_DIR, smtp_tls_CApath …) look a root up as HASH.0, HASH.1 … where HASH is `openssl x509 -subject_hash`, and stop at the first missing number. A link that points nowhere, carries another hash or is numbered past a gap hides its root from them, while the bundle still has it: the same peer verifies in one program and fails in another.",
      evidence: [
        ...d.problems.slice(0, MAX_EVIDENCE).map((p) => ({
          label: p.entry,
          value: `${why[p.kind]}${p.target ? ` (-> ${p.target})` : ""}${p.expected ? `; expected name ${p.expected}` : ""}${p.subject ? `; ${p.subject}` : ""}`,
        })),
        ...rootLines("no hash link", d.unlinked),
      ],
      fix: `Rebuild the links: ${REHASH(a.family)} (or openssl rehash ${d.path}).`,
      refs: ["openssl-rehash(1)", "OpenSSL crypto/x509/by_dir.c (get_cert_by_subject)"],
    }),
  ];
}

/** Findings of a trust-store audit, worst problems first within the store. */
export function trustFindings(a: TrustAudit): Finding[] {
  return [
    ...missingStore(a),
    ...corrupt(a),
    ...stale(a),
    ...expired(a),
    ...removed(a),
    ...links(a),
    ...extra(a),
  ];
}

/** A summary of the store and tables of the roots that differ from the reference. */
export function trustSections(a: TrustAudit): Section[] {
  const [b, d, p, n] = [a.bundle, a.hashDir, a.package, a.newestRoot];
  const field = (label: string, value: string, tone?: Tone): Field =>
    tone ? { label, value, tone } : { label, value };
  const mtime = b?.mtime ? `, modified ${b.mtime}` : "";
  const missingTone = a.missing.some((m) => m.widelyUsed)
    ? "bad"
    : a.missing.length
      ? "warn"
      : "good";
  const fields = [
    field("distribution", a.distribution),
    b
      ? field(
          "bundle",
          `${b.path}: ${b.certificates} certificates in ${b.blocks} blocks, ${b.bytes} bytes${mtime}`,
        )
      : field("bundle", "none", "bad"),
    d
      ? field(
          "hashed directory",
          `${d.path}: ${d.hashLinks} hash links, ${plural(d.problems.length, "problem")}`,
          d.problems.length ? "warn" : undefined,
        )
      : field("hashed directory", "none"),
    field("package", p ? `${p.name} ${p.version}` : "unknown"),
    field("newest root", n ? `${n.name} (${n.notBefore.slice(0, 10)})` : "—"),
    field("roots", String(a.roots)),
    field("reference", `${a.reference.name}: ${a.reference.roots} roots`),
    field("missing", String(a.missing.length), missingTone),
    field("expired", String(a.expired.length), a.expired.length ? "warn" : undefined),
    field("not in reference", String(a.extra.length)),
  ];
  const out: Section[] = [{ kind: "fields", title: "Trust store", fields }];
  if (a.missing.length)
    out.push({
      kind: "table",
      title: "Roots missing from the trust store",
      columns: ["root", "widely used", "SHA-256"],
      rows: a.missing.map((m) => [m.name, m.widelyUsed ? "yes" : "", m.sha256]),
    });
  const status = (e: ExtraRoot): string =>
    e.distrusted ? `removed (distrusted: ${e.distrusted})` : e.origin;
  const expiredOnly = a.expired.filter((x) => !a.extra.some((e) => e.sha256 === x.sha256));
  if (a.extra.length || a.expired.length)
    out.push({
      kind: "table",
      title: "Roots not in the reference, or expired",
      columns: ["root", "status", "valid until", "file"],
      rows: [
        ...a.extra.map((e) => [e.name, status(e), e.notAfter.slice(0, 10), e.file ?? ""]),
        ...expiredOnly.map((x) => [x.name, "expired", x.notAfter.slice(0, 10), ""]),
      ],
    });
  const refuses = (yes: boolean): string =>
    yes ? " (OpenSSL refuses the file)" : " (OpenSSL reads it; tlsdoctor could not)";
  const lines = [
    `store chosen: ${a.reason}`,
    ...(b?.problems.map((x) =>
      x.index < 0 ? x.message : `${x.file} block ${x.index}: ${x.message}${refuses(x.breaksFile)}`,
    ) ?? []),
    ...(d?.problems.map((x) => `${x.entry}: ${x.kind}${x.target ? ` -> ${x.target}` : ""}`) ?? []),
    ...a.skipped.map((x) => `skipped ${x.check}: ${x.reason}`),
  ];
  out.push({ kind: "text", title: "Trust store: notes", lines });
  return out;
}
