import type { Section } from "../core/index.js";
import { describeCertificate } from "../pki/index.js";
import type { ScanResult } from "../wire/index.js";

const yn = (v: boolean | undefined, yes = "yes", no = "no"): string =>
  v === undefined ? "not tested" : v ? yes : no;

/** Text sections of a scan, in the order an engineer reads them. */
export function scanSections(r: ScanResult): Section[] {
  const out: Section[] = [];
  out.push({
    kind: "fields",
    title: "Target",
    fields: [
      { label: "target", value: r.target },
      { label: "address", value: r.address },
      ...(r.starttls ? [{ label: "starttls", value: r.starttls }] : []),
      { label: "canary", value: r.baseline, tone: r.reachable ? "good" : "bad" },
      { label: "connections", value: `${r.connections} in ${(r.ms / 1000).toFixed(2)} s` },
    ],
  });
  if (r.killed) {
    const k = r.killed;
    const n = k.narrowed;
    out.push({
      kind: "text",
      title: "Killing hello",
      lines: [
        `probe: ${k.label} → ${k.outcome}`,
        `canary after it: ${k.canary}`,
        ...(k.file ? [`saved: ${k.file}`] : []),
        `offered: ${k.decoded.version}, ${k.decoded.suites.length} suites, extensions: ${k.decoded.extensions.map((e) => e.name).join(" ") || "none"}`,
        `came back: ${k.revived ? "yes" : "no"}${k.reproduced === undefined ? "" : k.reproduced ? "; replayed, it killed the server again" : "; replayed, it did not kill again"}`,
        ...(n
          ? [
              `narrowed (${n.tests} hellos, ${n.kills} kills): ${
                [
                  ...n.suites.map((s) => `${s.name} (0x${s.code.toString(16).padStart(4, "0")})`),
                  ...n.extensions.map((e) => `extension ${e.name} (${e.type})`),
                ].join(", ") || "nothing smaller"
              }${n.incomplete ? ` — ${n.incomplete}` : ""}`,
              ...(n.file ? [`smallest: ${n.file}`] : []),
            ]
          : []),
      ],
    });
  }
  if (r.protocols.length > 0) {
    out.push({
      kind: "table",
      title: "Protocols",
      columns: ["protocol", "offered", "suites", "order", "last answer"],
      rows: r.protocols.map((p) => [
        p.protocol,
        yn(p.supported),
        p.complete ? String(p.accepted.length) : p.supported ? "not listed" : "0",
        p.accepted.length > 1 ? p.order : "",
        p.ended,
      ]),
    });
    const rows = r.protocols
      .filter((p) => p.complete)
      .flatMap((p) =>
        p.accepted.map((a) => [
          p.protocol,
          a.hex,
          a.name,
          a.openssl ?? "",
          String(a.bits),
          a.keyExchange ?? "",
        ]),
      );
    if (rows.length > 0) {
      out.push({
        kind: "table",
        title: "Accepted cipher suites (in the server's order where it has one)",
        columns: ["protocol", "code", "IANA name", "OpenSSL name", "bits", "key exchange"],
        rows,
      });
    }
  }
  for (const g of r.groups) {
    out.push({
      kind: "fields",
      title: `Groups (${g.protocol})`,
      fields: [
        { label: "supported", value: g.supported.map((x) => x.name).join(" ") || "none" },
        ...(g.preferred ? [{ label: "preferred", value: g.preferred.name }] : []),
      ],
    });
  }
  for (const s of r.sigalgs) {
    out.push({
      kind: "fields",
      title: `Signature schemes (${s.protocol})`,
      fields: [
        { label: "supported", value: s.supported.map((x) => x.name).join(" ") || "none" },
        ...(s.note ? [{ label: "note", value: s.note, tone: "dim" as const }] : []),
      ],
    });
  }
  if (r.alpn) {
    const a = r.alpn;
    out.push({
      kind: "fields",
      title: "ALPN",
      fields: [
        { label: "selected", value: a.supported.join(" ") || "none" },
        {
          label: "unknown protocols",
          value: a.refusesUnknown
            ? "refused (alert 120)"
            : a.ignored
              ? "ALPN ignored"
              : "answered without ALPN",
        },
        ...(a.protocol ? [{ label: "tested over", value: a.protocol }] : []),
      ],
    });
  }
  if (r.features) {
    const f = r.features;
    out.push({
      kind: "fields",
      title: "Features",
      fields: [
        {
          label: "TLS_FALLBACK_SCSV",
          value: yn(f.fallbackScsv, "honoured", "ignored"),
          tone: f.fallbackScsv === false ? "warn" : "plain",
        },
        {
          label: "secure renegotiation",
          value: yn(f.secureRenegotiation),
          tone: f.secureRenegotiation === false ? "bad" : "plain",
        },
        {
          label: "compression",
          value: yn(f.compression, "enabled", "off"),
          tone: f.compression ? "bad" : "plain",
        },
        { label: "heartbeat", value: yn(f.heartbeat, "enabled", "off") },
        { label: "session tickets", value: yn(f.sessionTicket) },
        { label: "resumption", value: yn(f.resumption, "resumed", "not resumed") },
        {
          label: "extended master secret",
          value: yn(f.extendedMasterSecret),
          tone: f.extendedMasterSecret === false ? "warn" : "plain",
        },
        { label: "encrypt-then-MAC", value: yn(f.encryptThenMac) },
        { label: "OCSP stapling", value: yn(f.ocspStapling) },
        {
          label: "client certificate",
          value: yn(f.clientCertificateRequested, "requested", "not requested"),
        },
        ...f.notes.map((n) => ({ label: "note", value: n, tone: "dim" as const })),
      ],
    });
  }
  for (const c of r.certificates) {
    const leaf = c.chain[0];
    let lines: string[] = [];
    try {
      const i = leaf ? describeCertificate(leaf) : undefined;
      if (i)
        lines = [
          `subject: ${i.subject}`,
          `issuer: ${i.issuer}`,
          `valid: ${i.notBefore} … ${i.notAfter}`,
          `key: ${i.key.type} ${i.key.bits ?? ""}`.trim(),
          `sha256: ${i.sha256}`,
        ];
    } catch (e) {
      lines = [`unparseable leaf: ${(e as Error).message}`];
    }
    out.push({
      kind: "text",
      title: `Certificate (${c.keyType}, ${c.protocol}, ${c.chain.length} in chain${c.ocspStapled ? ", OCSP stapled" : ""})`,
      lines,
    });
  }
  if (r.tolerance.length > 0) {
    out.push({
      kind: "table",
      title: "Tolerance",
      columns: ["test", "result", "answer"],
      rows: r.tolerance.map((t) => [
        t.test,
        t.tolerant === undefined ? "n/a" : t.tolerant ? "ok" : "FAILS",
        t.outcome,
      ]),
    });
  }
  if (r.skipped.length > 0) out.push({ kind: "text", title: "Skipped", lines: [...r.skipped] });
  return out;
}
