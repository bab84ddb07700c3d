import { finding, type Finding } from "../core/index.js";
import type { ReplayResult, ScanResult } from "../wire/index.js";

/** Findings from the yes/no features. */
export function featureFindings(r: ScanResult): Finding[] {
  const f = r.features;
  if (f === undefined) return [];
  const where = r.target;
  const out: Finding[] = [];
  if (f.fallbackScsv === false) {
    out.push(
      finding({
        id: "FALLBACK_SCSV_MISSING",
        severity: "warning",
        side: "server",
        title: `${where} ignores TLS_FALLBACK_SCSV`,
        detail:
          "A hello for a lower version carrying TLS_FALLBACK_SCSV was answered instead of refused with inappropriate_fallback (86), so a man in the middle can push a retrying client down to an older protocol.",
        fix: "Upgrade the TLS library (OpenSSL ≥ 1.0.1j honours it) or disable the older protocols.",
        refs: ["RFC 7507"],
      }),
    );
  }
  if (f.secureRenegotiation === false) {
    out.push(
      finding({
        id: "RENEGOTIATION_INSECURE",
        severity: "error",
        side: "server",
        title: `${where} does not support secure renegotiation`,
        detail:
          "The ServerHello carries no renegotiation_info extension: the server predates RFC 5746 and is open to the renegotiation prefix attack (CVE-2009-3555); current clients refuse it.",
        fix: "Upgrade the server's TLS library.",
        refs: ["RFC 5746", "CVE-2009-3555"],
      }),
    );
  }
  if (f.compression === true) {
    out.push(
      finding({
        id: "TLS_COMPRESSION_ENABLED",
        severity: "error",
        side: "server",
        title: `${where} accepts TLS compression`,
        detail:
          "The server chose DEFLATE when offered: secrets in compressed traffic leak through its length (CRIME).",
        fix: "Disable compression (OpenSSL: Options = -Compression, or SSL_OP_NO_COMPRESSION).",
        refs: ["CVE-2012-4929"],
      }),
    );
  }
  if (f.heartbeat === true) {
    out.push(
      finding({
        id: "HEARTBEAT_ENABLED",
        severity: "info",
        side: "server",
        title: `${where} enables the TLS heartbeat extension`,
        detail:
          "Nothing needs TLS heartbeats; the extension was the door for Heartbleed (CVE-2014-0160). This scan does not send a malformed heartbeat.",
        fix: "Build or configure the TLS library without heartbeats (OpenSSL ≥ 1.1.1 removed them).",
        refs: ["RFC 6520", "CVE-2014-0160"],
      }),
    );
  }
  if (f.extendedMasterSecret === false) {
    out.push(
      finding({
        id: "EXTENDED_MASTER_SECRET_MISSING",
        severity: "warning",
        side: "server",
        title: `${where} does not support the extended master secret`,
        detail:
          "Without RFC 7627 a TLS ≤ 1.2 session can be synchronised between two connections (triple handshake); FIPS 140-3 clients require it.",
        fix: "Upgrade the TLS library (OpenSSL ≥ 1.1.0, GnuTLS ≥ 3.4.0 support it).",
        refs: ["RFC 7627"],
      }),
    );
  }
  return out;
}

/** One finding per failed tolerance test. */
export function toleranceFindings(r: ScanResult): Finding[] {
  const failed = r.tolerance.filter((t) => t.tolerant === false);
  if (failed.length === 0) return [];
  return [
    finding({
      id: "TLS_INTOLERANCE",
      severity: "warning",
      side: "server",
      title: `${r.target} fails ${failed.length} hello${failed.length === 1 ? "" : "s"} a correct server answers`,
      detail: `Clients that send these hellos cannot connect (or fall back to older protocols): ${failed.map((t) => t.test).join(", ")}.`,
      evidence: failed.map((t) => ({ label: t.test, value: `${t.description}: ${t.outcome}` })),
      fix: "Upgrade the server or the middlebox in front of it; each test names the hello that it mishandles.",
      refs: ["RFC 8446 §4.1.2", "RFC 8701", "RFC 7685"],
    }),
  ];
}

/** SERVER_KILLED_BY_HELLO, with the saved hello and what narrowing found. */
export function killedFinding(r: ScanResult): Finding {
  const k = r.killed;
  if (k === undefined) throw new TypeError("killedFinding needs a scan with killed set");
  const n = k.narrowed;
  const culprit =
    n === undefined
      ? "It was not narrowed down (the server did not come back, or --no-narrow)."
      : n.suites.length + n.extensions.length === 0
        ? `Narrowing failed: ${n.incomplete ?? "no smaller hello killed it"}.`
        : `The smallest killing hello offers ${[
            ...n.suites.map((s) => `suite ${s.name}`),
            ...n.extensions.map((e) => `extension ${e.name}`),
          ].join(", ")}${n.incomplete ? ` (incomplete: ${n.incomplete})` : ""}.`;
  const evidence = [
    { label: "killing probe", value: k.label },
    { label: "its outcome", value: k.outcome },
    { label: "canary after it", value: k.canary },
    ...(k.file ? [{ label: "hello saved to", value: k.file }] : []),
    {
      label: "offered",
      value: `${k.decoded.version}; ${k.decoded.suites.length} suites; extensions ${k.decoded.extensions.map((e) => e.name).join(", ") || "none"}`,
    },
    { label: "came back", value: k.revived ? "yes (restarted?)" : "not within the wait" },
    ...(k.reproduced === undefined
      ? []
      : [
          {
            label: "reproduced",
            value: k.reproduced
              ? "yes: replayed, it killed the server again"
              : `no (of ${k.suspects} hellos in flight)`,
          },
        ]),
    ...(n?.file ? [{ label: "smallest hello saved to", value: n.file }] : []),
    ...(n ? [{ label: "narrowing", value: `${n.tests} hellos, ${n.kills} kills` }] : []),
  ];
  return finding({
    id: "SERVER_KILLED_BY_HELLO",
    severity: "critical",
    side: "server",
    title: `${r.target} stopped answering after one of our hellos`,
    detail: `After the probe "${k.label}" the server no longer answered a plain modern hello, so that hello killed it (or the process serving TLS). Any client sending such a hello can take the service down. ${culprit}`,
    evidence,
    fix: "Look at the server's log and core dump at the time of the scan (journalctl, coredumpctl); reproduce with `tlsdoctor replay FILE TARGET`. Until fixed, remove the named suites or extension from the server's configuration.",
    refs: ["CWE-617"],
  });
}

/** A replayed hello that kills the server is the same finding, reproduced. */
export function diagnoseReplay(r: ReplayResult, file: string): Finding[] {
  if (!r.aliveBefore || r.aliveAfter) return [];
  return [
    finding({
      id: "SERVER_KILLED_BY_HELLO",
      severity: "critical",
      side: "server",
      title: `${r.target} stopped answering after the replayed hello`,
      detail: `The server answered the canary before the replay, got the hello from ${file} (${r.outcome}), and then no longer answered the canary (${r.after}). The hello kills it, reproducibly.`,
      evidence: [
        {
          label: "hello",
          value: `${r.decoded.version}; suites ${r.decoded.suites.map((x) => x.name).join(", ")}`,
        },
        { label: "answer", value: r.outcome },
        { label: "canary after", value: r.after },
        ...(r.revived === undefined
          ? []
          : [{ label: "came back", value: r.revived ? "yes" : "no" }]),
      ],
      fix: "Look at the server's log and core dump at this moment; remove the hello's suites or extension from the server's configuration until the crash is fixed.",
      refs: ["CWE-617"],
    }),
  ];
}
