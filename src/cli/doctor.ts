import { HostView, type Attempt, type Finding, type Section } from "../core/index.js";
import {
  chrootFindings,
  diagnoseProbe,
  hostChecks,
  loadStores,
  runHostChecks,
} from "../checks/index.js";
import {
  analyseChroot,
  gatherChrootLive,
  processChroot,
  type DaemonAnalysis,
} from "../host/index.js";
import { parseTarget, probe } from "../wire/index.js";
import { scanLogs } from "../explain/index.js";
import { emitReport, type OutputOptions } from "./common.js";
import { hostReport, progressLine } from "./host.js";

/** Where TLS daemons, the kernel and glibc log on common distributions. */
const LOG_PLACES = [
  "/var/log/mail.log",
  "/var/log/mail.err",
  "/var/log/maillog",
  "/var/log/syslog",
  "/var/log/messages",
  "/var/log/kern.log",
  "/var/log/auth.log",
  "/var/log/secure",
  "/var/log/exim4/mainlog",
  "/var/log/exim4/paniclog",
  "/var/log/exim/main.log",
  "/var/log/dovecot.log",
  "/var/log/nginx/error.log",
  "/var/log/apache2/error.log",
  "/var/log/httpd/error_log",
  "/var/log/haproxy.log",
  "/var/log/audit/audit.log",
];

/** Local TLS listeners probed at most, and each probe's deadline. */
const MAX_PROBES = 16;
const PROBE_TIMEOUT_MS = 5_000;

/** A listener's address as something to connect to from this host. */
function localAddress(address: string): string {
  if (address === "0.0.0.0") return "127.0.0.1";
  if (address === "::" || address === "::ffff:0.0.0.0") return "[::1]";
  return address.includes(":") ? `[${address}]` : address;
}

export interface DoctorFlags extends OutputOptions {
  progress?: boolean;
}

/**
 * `tlsdoctor` with no command: every host check on this machine, then a
 * probe of each local TLS listener the daemons check found (on its own
 * address, over loopback for wildcard listeners), and the chroot audit of
 * every chrooted TLS daemon (seeds/004), and the TLS and crypto failures
 * of the last week in the usual log files — one report, worst first.
 */
export async function runDoctor(flags: DoctorFlags): Promise<number> {
  const startedAt = new Date();
  const view = new HostView("/");
  const line = progressLine(flags.progress !== false && !flags.json && !flags.quiet);
  const run = runHostChecks(view, hostChecks(), {
    live: true,
    onProgress: (done, total, id) =>
      line(done < total ? `tlsdoctor: ${id} (${done + 1}/${total})…` : undefined),
  });
  const extraFindings: Finding[] = [];
  const extraAttempts: Attempt[] = [];
  const extraSections: Section[] = [];
  const daemons = run.analyses.daemons as DaemonAnalysis | undefined;

  // Probe the local TLS listeners the daemons check found.
  const targets = new Map<string, string>();
  for (const d of daemons?.daemons ?? []) {
    for (const l of d.listens) {
      if (l.scheme === undefined || !l.proto.startsWith("tcp")) continue;
      const t = `${l.scheme}://${localAddress(l.address)}:${l.port}`;
      if (!targets.has(t)) targets.set(t, `${d.comm} (pid ${d.pid})`);
    }
  }
  const list = [...targets].slice(0, MAX_PROBES);
  if (targets.size > MAX_PROBES) {
    extraAttempts.push({
      id: "probe",
      status: "skipped",
      reason: `${targets.size - MAX_PROBES} more listeners not probed (limit ${MAX_PROBES}): use tlsdoctor probe`,
    });
  }
  if (list.length > 0) {
    const stores = loadStores({});
    const rows: string[][] = [];
    let done = 0;
    await Promise.all(
      list.map(async ([text, who]) => {
        try {
          const r = await probe(parseTarget(text), { timeoutMs: PROBE_TIMEOUT_MS });
          const d = diagnoseProbe(r, stores);
          extraFindings.push(...d.findings.map((f) => ({ ...f, title: `${text}: ${f.title}` })));
          rows.push([text, who, d.verdict.ok ? "ok" : "problem", d.verdict.summary]);
          extraAttempts.push({ id: `probe ${text}`, status: "ok" });
        } catch (e) {
          const why = e instanceof Error ? e.message : String(e);
          rows.push([text, who, "failed", why]);
          extraAttempts.push({ id: `probe ${text}`, status: "failed", reason: why });
        }
        line(`tlsdoctor: probed ${++done}/${list.length} local listeners…`);
      }),
    );
    line(undefined);
    extraSections.push({
      kind: "table",
      title: "Local TLS listeners, probed",
      columns: ["target", "daemon", "result", "summary"],
      rows: rows.sort((a, b) => (a[0] ?? "").localeCompare(b[0] ?? "")),
    });
  }

  // Chrooted TLS daemons: what their resolver and files look like from inside.
  const seenRoots = new Set<string>();
  for (const d of daemons?.daemons ?? []) {
    if (!d.tls || !d.chrooted || seenRoots.has(d.root)) continue;
    seenRoots.add(d.root);
    try {
      const proc = processChroot(d.pid);
      const live = gatherChrootLive(proc.dir, {
        process: proc.process,
        ...(proc.glibc === undefined ? {} : { glibc: proc.glibc }),
      });
      extraFindings.push(...chrootFindings(analyseChroot(new HostView(proc.dir), live)));
      extraAttempts.push({ id: `chroot ${d.root}`, status: "ok" });
    } catch (e) {
      extraAttempts.push({
        id: `chroot ${d.root}`,
        status: "failed",
        reason: e instanceof Error ? e.message : String(e),
      });
    }
  }
  // Recent logs in the usual places (the last week).
  const logs = LOG_PLACES.filter((p) => view.kind(p) === "file");
  if (logs.length === 0) {
    extraAttempts.push({
      id: "logs",
      status: "skipped",
      reason: `no log file in the usual places (${LOG_PLACES.slice(0, 4).join(", ")} …); for journald: journalctl -o json --since -7d | tlsdoctor logs -`,
    });
  } else {
    try {
      line("tlsdoctor: reading logs…");
      const r = await scanLogs(logs, { since: Date.now() - 7 * 864e5 });
      line(undefined);
      extraAttempts.push({ id: "logs", status: "ok" });
      extraSections.push({
        kind: "table",
        title:
          r.groups.length === 0
            ? `Logs of the last 7 days: no TLS or crypto failure in ${r.lines} lines (${logs.join(", ")})`
            : `TLS and crypto failures in logs of the last 7 days (${r.matched} lines in ${r.groups.length} groups; details: tlsdoctor logs ${logs.join(" ")})`,
        columns: ["count", "source", "cause", "peer", "our side", "last seen"],
        rows: r.groups
          .slice(0, 15)
          .map((g) => [
            String(g.count),
            g.source,
            g.cause,
            g.peer ?? "",
            g.role ?? "?",
            g.lastSeen === undefined ? "" : new Date(g.lastSeen).toISOString(),
          ]),
      });
    } catch (e) {
      extraAttempts.push({
        id: "logs",
        status: "failed",
        reason: e instanceof Error ? e.message : String(e),
      });
    }
  }

  const report = hostReport(
    {
      ...run,
      findings: [...run.findings, ...extraFindings],
      attempts: [...run.attempts, ...extraAttempts],
      sections: [...run.sections, ...extraSections],
    },
    { command: "doctor", target: "this host", startedAt },
  );
  return emitReport(report, flags);
}
