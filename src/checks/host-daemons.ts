import { finding, type Finding, type Section } from "../core/index.js";
import type { Daemon, DaemonAnalysis, DaemonListener, StaleMapping } from "../host/index.js";
import type { ElfAnalysis } from "../elf/index.js";
import { elfFindings } from "./elf.js";

const base = (p: string): string => p.slice(p.lastIndexOf("/") + 1);
const list = (xs: readonly (string | number)[], max = 6): string =>
  xs.length <= max ? xs.join(", ") : `${xs.slice(0, max).join(", ")} … (${xs.length} in all)`;
const endpoint = (l: { address: string; port: number; proto: string }): string =>
  `${l.address.includes(":") ? `[${l.address}]` : l.address}:${l.port}/${l.proto.replace("6", "")}`;

/** Daemons that share an executable and a problem, reported once with every pid. */
function groupBy<T>(
  ds: readonly Daemon[],
  key: (d: Daemon) => string | undefined,
  f: (g: Daemon[]) => T,
): T[] {
  const groups = new Map<string, Daemon[]>();
  for (const d of ds) {
    const k = key(d);
    if (k === undefined) continue;
    groups.set(k, [...(groups.get(k) ?? []), d]);
  }
  return [...groups.values()].map(f);
}

function who(g: readonly Daemon[]): string {
  const first = g[0] as Daemon;
  const pids = g.map((d) => d.pid);
  return `${first.comm || base(first.exe)} (pid ${list(pids, 4)})`;
}

function daemonEvidence(g: readonly Daemon[]): { label: string; value: string }[] {
  const first = g[0] as Daemon;
  const listens = [...new Set(g.flatMap((d) => d.listens.map(endpoint)))];
  return [
    { label: "process", value: `${who(g)} ${first.exe}${first.exeDeleted ? " (deleted)" : ""}` },
    ...(listens.length ? [{ label: "listens on", value: list(listens) }] : []),
    ...(first.startedAt ? [{ label: "started", value: first.startedAt }] : []),
    ...(first.chrooted ? [{ label: "root", value: first.root }] : []),
  ];
}

function staleEvidence(s: StaleMapping, d: Daemon): { label: string; value: string } {
  const pkg = s.package
    ? `; ${s.package} changed ${s.packageChangedAt ?? "?"}${
        s.packageChangedAt && d.startedAt && s.packageChangedAt > d.startedAt
          ? ", after the process started"
          : ""
      }`
    : "";
  return { label: "mapped, deleted on disk", value: `${s.path}${pkg}` };
}

/** Findings of the daemon analysis: stale libraries, chroots, and each TLS daemon's linkage. */
export function daemonFindings(a: DaemonAnalysis): Finding[] {
  const out: Finding[] = [];
  const tls = a.daemons.filter((d) => d.tls);
  const cryptoStale = (d: Daemon): StaleMapping[] => d.stale.filter((s) => s.family !== undefined);

  out.push(
    ...groupBy(
      tls,
      (d) =>
        cryptoStale(d).length
          ? JSON.stringify([d.exe, cryptoStale(d).map((s) => s.path)])
          : undefined,
      (g) => {
        const d = g[0] as Daemon;
        const stale = cryptoStale(d);
        // libssl and libcrypto are one project: a new libssl on an old libcrypto mixes versions too.
        const project = (f: string | undefined): string =>
          f?.startsWith("OpenSSL") ? "OpenSSL" : (f ?? "");
        const fresh = d.crypto.filter(
          (c) => !c.deleted && stale.some((s) => project(s.family) === project(c.family)),
        );
        return finding({
          id: "DAEMON_STALE_LIBRARY",
          severity: "warning",
          side: "host",
          title: `${who(g)} still runs a replaced ${list(stale.map((s) => base(s.path)))}: restart it`,
          detail: `The library file was replaced on disk (a package upgrade unlinks the old file and renames the new one into place) while the process kept the old copy mapped: /proc/PID/maps shows it as "(deleted)". Until the daemon restarts it runs the old code, so the fixes of the upgrade (often security fixes) do not apply to it, and tools that read the file on disk (openssl version, tlsdoctor elf) describe a library it does not run.${
            fresh.length
              ? ` It also maps the current ${list(fresh.map((c) => base(c.path)))}: old and new code of one crypto library mix in one process.`
              : ""
          }`,
          evidence: [...daemonEvidence(g), ...stale.map((s) => staleEvidence(s, d))],
          fix: `Restart the service (systemctl restart UNIT; 'systemctl status ${d.pid}' names the unit). needrestart (or checkrestart from debian-goodies) lists every process in this state after an upgrade.`,
          refs: ["proc(5) /proc/PID/maps", "needrestart(1)"],
        });
      },
    ),
  );

  out.push(
    ...groupBy(
      tls,
      (d) => {
        const other = d.stale.filter((s) => s.family === undefined).map((s) => s.path);
        return d.exeDeleted || other.length
          ? JSON.stringify([d.exe, d.exeDeleted, other])
          : undefined;
      },
      (g) => {
        const d = g[0] as Daemon;
        const other = d.stale.filter((s) => s.family === undefined);
        const what = [
          ...(d.exeDeleted ? [`its executable ${base(d.exe)}`] : []),
          ...other.map((s) => base(s.path)),
        ];
        return finding({
          id: "DAEMON_STALE_PROGRAM",
          severity: "notice",
          side: "host",
          title: `${who(g)} runs replaced code (${list(what, 4)}): restart it`,
          detail:
            'The daemon\'s executable or a non-crypto library it maps was replaced on disk after it started (shown "(deleted)" in /proc/PID/maps). It keeps running the old code until restarted; anything tlsdoctor reads from the file on disk describes the new one.',
          evidence: [
            ...daemonEvidence(g),
            ...(d.exeDeleted ? [{ label: "executable, deleted on disk", value: d.exe }] : []),
            ...other.map((s) => staleEvidence(s, d)),
          ],
          fix: "Restart the service at a convenient time (needrestart lists such processes).",
          refs: ["proc(5) /proc/PID/maps"],
        });
      },
    ),
  );

  out.push(
    ...groupBy(
      tls,
      (d) => (d.chrooted ? JSON.stringify([d.exe, d.root]) : undefined),
      (g) => {
        const d = g[0] as Daemon;
        return finding({
          id: "DAEMON_CHROOTED",
          severity: "info",
          side: "host",
          title: `${who(g)} runs chrooted in ${d.root}`,
          detail:
            "Code that runs after the chroot (NSS lookups, OpenSSL's Kerberos or certificate code, libraries dlopen()ed late) sees only the files inside it: a missing resolv.conf, nsswitch.conf, CA bundle or /dev/urandom there fails there only (seeds/004: haproxy aborted inside krb5 because getaddrinfo failed in its chroot).",
          evidence: daemonEvidence(g),
          fix: `Audit the chroot: tlsdoctor chroot --pid ${d.pid}`,
          refs: ["seeds/004"],
        });
      },
    ),
  );

  // The elf layer's findings, once per distinct analysis (workers share their master's).
  const seen = new Map<ElfAnalysis, Daemon[]>();
  for (const d of tls) {
    const an = d.linkage?.analysis;
    if (an) seen.set(an, [...(seen.get(an) ?? []), d]);
  }
  for (const [an, g] of seen) {
    for (const f of elfFindings(an)) {
      out.push({
        ...f,
        evidence: [
          {
            label: "daemon",
            value: `${who(g)} on ${list([...new Set(g.flatMap((d) => d.listens.map(endpoint)))], 3)}`,
          },
          ...f.evidence,
        ],
      });
    }
  }
  return out;
}

function libraryCell(d: Daemon): string {
  const libs = [
    ...new Set(
      d.crypto
        .filter((c) => c.family !== "Nettle" && c.family !== "libgcrypt")
        .map((c) => base(c.path)),
    ),
  ];
  return libs.length ? libs.join(" ") : "—";
}

function restartCell(d: Daemon): string {
  const what = [...(d.exeDeleted ? [base(d.exe)] : []), ...d.stale.map((s) => base(s.path))];
  return what.length ? `yes: ${list(what, 3)} deleted` : "no";
}

/** A table of listeners and their daemons, and what could not be examined. */
export function daemonSections(a: DaemonAnalysis): Section[] {
  const byPid = new Map(a.daemons.map((d) => [d.pid, d]));
  const rows: string[][] = [];
  const sorted = [...a.listeners].sort((x, y) => x.port - y.port || x.proto.localeCompare(y.proto));
  const procOf = (l: DaemonListener): Daemon | undefined =>
    l.pids.map((p) => byPid.get(p)).find((d) => d !== undefined);
  for (const l of sorted.slice(0, 200)) {
    const d = procOf(l);
    rows.push([
      `${l.port}/${l.proto}`,
      l.address + (l.netns ? ` (${l.netns})` : ""),
      d ? d.comm || base(d.exe) : "?",
      l.pids.length ? list(l.pids, 3) : "?",
      d ? libraryCell(d) : "?",
      d ? (d.chrooted ? d.root : "—") : "?",
      d ? restartCell(d) : "?",
    ]);
  }
  const sections: Section[] = [
    {
      kind: "table",
      title: `Listening sockets (${a.listeners.length}; ${a.daemons.filter((d) => d.tls).length} TLS daemons)`,
      columns: ["port", "address", "process", "pid", "TLS library", "chroot", "restart needed"],
      rows,
    },
  ];
  const lines = [
    ...(a.listeners.length > rows.length
      ? [`${a.listeners.length - rows.length} more listeners not shown`]
      : []),
    ...a.daemons
      .filter((d) => d.linkage && d.linkage.error === undefined)
      .map((d) => {
        const k = d.linkage as NonNullable<Daemon["linkage"]>;
        return `${d.comm} (${d.pid}): ${k.objects} objects load${k.dlopened.length ? `, ${k.dlopened.length} dlopen()ed (${list(k.dlopened.map(base), 4)})` : ""}${k.missing.length ? `, missing ${list(k.missing)}` : ""}`;
      }),
    ...a.skipped.map((s) => `skipped ${s.check}: ${s.reason}`),
    ...a.notes,
  ];
  if (lines.length) sections.push({ kind: "text", title: "Daemons: notes", lines });
  return sections;
}
