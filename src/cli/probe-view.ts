import type { Field, Section } from "../core/index.js";
import type { Diagnosis } from "../checks/index.js";
import { describeCertificate, type CertificateInfo } from "../pki/index.js";
import type { ProbeResult, RepeatResult } from "../wire/index.js";

const fmtMs = (v: number | undefined): string => (v === undefined ? "–" : `${v.toFixed(1)} ms`);
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

function connectionFields(r: ProbeResult): Field[] {
  const t = r.timings;
  const f: Field[] = [
    {
      label: "target",
      value: `${r.target.display}${r.target.starttls ? ` (STARTTLS ${r.target.starttls})` : " (direct TLS)"}`,
    },
  ];
  if (r.address) f.push({ label: "address", value: r.address });
  const parts = [
    t.dnsMs !== undefined ? `dns ${fmtMs(t.dnsMs)}` : undefined,
    t.connectMs !== undefined ? `connect ${fmtMs(t.connectMs)}` : undefined,
    t.starttlsMs !== undefined ? `starttls ${fmtMs(t.starttlsMs)}` : undefined,
    t.handshakeMs !== undefined ? `handshake ${fmtMs(t.handshakeMs)}` : undefined,
    `total ${fmtMs(t.totalMs)}`,
  ].filter((x): x is string => x !== undefined);
  f.push({ label: "timings", value: parts.join(" · ") });
  if (r.starttls) {
    if (r.starttls.banner) f.push({ label: "banner", value: r.starttls.banner });
    if (r.starttls.capabilities.length > 0)
      f.push({ label: "capabilities", value: r.starttls.capabilities.join(" ") });
    for (const [k, v] of Object.entries(r.starttls.facts)) f.push({ label: k, value: v });
  }
  return f;
}

function tlsFields(r: ProbeResult): Field[] {
  const t = r.tls;
  if (!t) return [];
  const legacy = t.protocol === "TLSv1" || t.protocol === "TLSv1.1";
  return [
    { label: "protocol", value: t.protocol, tone: legacy ? "warn" : "good" },
    {
      label: "cipher suite",
      value:
        t.cipher.iana === t.cipher.openssl
          ? t.cipher.iana
          : `${t.cipher.iana} (OpenSSL: ${t.cipher.openssl})`,
    },
    {
      label: "key exchange",
      value: t.group ? `${t.group.name}${t.group.bits ? ` (${t.group.bits} bits)` : ""}` : "–",
    },
    { label: "ALPN", value: t.alpn ?? "none" },
    { label: "SNI sent", value: t.sni ?? "none" },
    { label: "resumption", value: t.resumption, tone: t.resumption === "resumed" ? "good" : "dim" },
    { label: "OCSP staple", value: t.ocsp.stapled ? `yes (${t.ocsp.bytes ?? 0} bytes)` : "no" },
  ];
}

function certFields(c: CertificateInfo, i: number): Field[] {
  const now = Date.now();
  const expired = Date.parse(c.notAfter) < now;
  const notYet = Date.parse(c.notBefore) > now;
  return [
    { label: `#${i} subject`, value: c.subject },
    { label: "issuer", value: c.issuer },
    ...(c.dnsNames.length + c.ipAddresses.length > 0
      ? [{ label: "names", value: [...c.dnsNames, ...c.ipAddresses].join(", ") }]
      : []),
    {
      label: "valid",
      value: `${c.notBefore} → ${c.notAfter}`,
      tone: expired || notYet ? "bad" : "plain",
    },
    {
      label: "key",
      value: `${c.key.type}${c.key.curve ? ` ${c.key.curve}` : ""} ${c.key.bits} bits`,
      tone: weakKey(c) ? "bad" : "plain",
    },
    {
      label: "signature",
      value: c.signatureAlgorithm,
      tone: /sha1|md5/i.test(c.signatureAlgorithm) ? "bad" : "plain",
    },
    { label: "sha256", value: c.sha256, tone: "dim" },
  ];
}

function chainSections(r: ProbeResult, d: Diagnosis): Section[] {
  if (r.certificates.length === 0) return [];
  const infos: Field[] = [];
  r.certificates.forEach((der, i) => {
    try {
      infos.push(...certFields(describeCertificate(der), i));
    } catch (e) {
      infos.push({
        label: `#${i}`,
        value: `unparseable certificate: ${(e as Error).message}`,
        tone: "bad",
      });
    }
  });
  const out: Section[] = [
    {
      kind: "fields",
      title: `Certificate chain as sent (${r.certificates.length} certificate${r.certificates.length > 1 ? "s" : ""}${r.chainSource === "node" ? ", rebuilt by Node: the wire capture had none" : ""})`,
      fields: infos,
    },
  ];
  if (d.verification) {
    out.push({
      kind: "fields",
      title: "Verification",
      fields: d.verification.stores.map((s) => ({
        label: s.name,
        value: s.verdict.summary.replace(/^not trusted/, "NOT trusted"),
        tone: s.verdict.trusted ? "good" : "bad",
      })),
    });
  }
  return out;
}

function weakKey(c: CertificateInfo): boolean {
  return (
    ((c.key.type === "RSA" || c.key.type === "DSA") && c.key.bits < 2048) ||
    (c.key.type === "EC" && c.key.bits < 224)
  );
}

/** The text view of one probe. */
export function probeSections(r: ProbeResult, d: Diagnosis): Section[] {
  const out: Section[] = [
    { kind: "fields", title: "Connection", fields: connectionFields(r) },
    { kind: "transcript", title: "Transcript", lines: r.transcript },
  ];
  if (r.tls) out.push({ kind: "fields", title: "TLS", fields: tlsFields(r) });
  out.push(...chainSections(r, d));
  return out;
}

/** The text view of a --repeat run. */
export function repeatSections(r: RepeatResult, d: Diagnosis): Section[] {
  const ci = r.failureRateCi95;
  const fields: Field[] = [
    { label: "target", value: r.target.display },
    { label: "attempts", value: String(r.attempts) },
    { label: "failures", value: String(r.failures), tone: r.failures > 0 ? "bad" : "good" },
    {
      label: "failure rate",
      value: `${pct(r.failureRate)} (95% Wilson interval ${pct(ci.low)}–${pct(ci.high)})`,
      tone: r.failures > 0 ? "bad" : "good",
    },
    { label: "longest fail streak", value: String(r.longestFailureStreak) },
    {
      label: "clustering",
      value: r.clustering
        ? `${r.clustering.runs} runs vs ${r.clustering.expected.toFixed(1)} expected (z = ${r.clustering.z.toFixed(2)})${r.clustering.clustered ? ": failures come in bursts" : ": no clustering"}`
        : "not applicable (needs ≥ 10 attempts with both outcomes)",
    },
    {
      label: "latency",
      value: `p50 ${fmtMs(r.latencyMs.p50)} · p95 ${fmtMs(r.latencyMs.p95)} · p99 ${fmtMs(r.latencyMs.p99)}`,
    },
    {
      label: "handshake",
      value: `p50 ${fmtMs(r.handshakeMs.p50)} · p95 ${fmtMs(r.handshakeMs.p95)} · p99 ${fmtMs(r.handshakeMs.p99)}`,
    },
    { label: "wall time", value: fmtMs(r.wallMs) },
  ];
  const out: Section[] = [
    { kind: "fields", title: "Repeated probe", fields },
    {
      kind: "table",
      title: "Outcomes",
      columns: ["outcome", "count", "share", "first seen"],
      rows: r.outcomes.map((o) => [o.outcome, String(o.count), pct(o.share), o.example]),
    },
  ];
  const shown = r.firstFailure ?? r.firstSuccess;
  if (shown) {
    out.push({
      kind: "transcript",
      title: `Transcript of ${r.firstFailure ? "the first failed" : "the first"} attempt`,
      lines: shown.transcript,
    });
  }
  if (r.firstSuccess?.tls)
    out.push({
      kind: "fields",
      title: "TLS (first successful attempt)",
      fields: tlsFields(r.firstSuccess),
    });
  if (r.firstSuccess) out.push(...chainSections(r.firstSuccess, d));
  return out;
}
