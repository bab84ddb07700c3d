/**
 * File descriptor limits: RLIMIT_NOFILE of this process and of the running
 * TLS daemons (/proc/PID/limits), how many descriptors each holds
 * (/proc/PID/fd), and the system-wide table (/proc/sys/fs/file-nr,
 * file-max, nr_open). A process at its limit cannot open anything — not
 * even /dev/urandom, the fallback glibc's arc4random and OpenSSL use when
 * getrandom(2) is missing (seeds/003: `openat("/dev/urandom") = EMFILE`,
 * then "Fatal glibc error: cannot get entropy for arc4random").
 */
import { opendirSync } from "node:fs";
import type { HostView } from "../core/index.js";
import { HostView as View, messageOf } from "../core/index.js";

/** A soft/hard pair; null is "unlimited". */
export interface LimitPair {
  readonly soft: number | null;
  readonly hard: number | null;
}

/**
 * Parses /proc/PID/limits (fs/proc/base.c proc_pid_limits): a header line,
 * then `Name   Soft   Hard   Units` with names that contain spaces, so the
 * columns are found from the right. Returns each limit by its name.
 */
export function parseProcLimits(text: string): Map<string, LimitPair> {
  const out = new Map<string, LimitPair>();
  const num = (s: string): number | null | undefined =>
    s === "unlimited" ? null : /^\d+$/.test(s) ? Number(s) : undefined;
  for (const line of text
    .slice(0, 64 * 1024)
    .split("\n")
    .slice(1)) {
    const m = /^(.+?)\s{2,}(\S+)\s+(\S+)(?:\s+\S+)?\s*$/.exec(line);
    if (!m?.[1] || m[2] === undefined || m[3] === undefined) continue;
    // "Max open files  1024  524288  files"; "Max nice priority  0  0" has no units.
    const soft = num(m[2]);
    const hard = num(m[3]);
    if (soft === undefined || hard === undefined) continue;
    const name = m[1];
    out.set(name.trim(), { soft, hard });
  }
  return out;
}

/** File descriptor use of one process. */
export interface ProcessFds {
  readonly pid: number;
  readonly comm: string;
  /** argv[0] from /proc/PID/cmdline. */
  readonly command?: string;
  readonly nofile?: LimitPair;
  /** Entries in /proc/PID/fd. */
  readonly openFds?: number;
  /** The count stopped at the cap: at least this many. */
  readonly fdCountCapped?: boolean;
  readonly error?: string;
}

export interface LimitsLiveFacts {
  readonly self: ProcessFds;
  readonly daemons: readonly ProcessFds[];
  /** More matching processes than the cap: the rest were not read. */
  readonly daemonsTruncated: boolean;
  /** /proc/sys/fs/file-nr: allocated, unused (always 0 since 2.6), max. */
  readonly fileNr?: readonly [number, number, number];
  readonly nrOpen?: number;
  readonly errors: readonly string[];
}

/**
 * The daemons whose limits matter for TLS, by /proc/PID/comm: they speak TLS
 * or use arc4random, and they run long enough to accumulate descriptors.
 * Postfix's `master` is accepted only when its command line says postfix.
 */
export const TLS_DAEMON_NAMES: readonly string[] = [
  "sshd",
  "sshd-session",
  "master",
  "smtpd",
  "smtp",
  "tlsmgr",
  "exim",
  "exim4",
  "dovecot",
  "imap-login",
  "pop3-login",
  "submission-logi",
  "nginx",
  "haproxy",
  "apache2",
  "httpd",
  "lighttpd",
  "caddy",
  "traefik",
  "envoy",
  "stunnel",
  "stunnel4",
  "slapd",
  "postgres",
  "mysqld",
  "mariadbd",
  "named",
  "unbound",
  "openvpn",
  "squid",
  "courier-imapd",
  "courierd",
  "sendmail",
  "opensmtpd",
];

export interface GatherLimitsOptions {
  /** comm names to look for (default {@link TLS_DAEMON_NAMES}). */
  readonly names?: readonly string[];
  /** At most this many processes are read (default 64). */
  readonly maxProcesses?: number;
  /** Stop counting a process's descriptors here (default 1,048,576: Linux's default nr_open). */
  readonly maxFdCount?: number;
}

/**
 * Counts the entries of /proc/PID/fd without reading more than `cap`
 * names. HostView.listDir reads a directory whole; a process with a
 * million descriptors must not cost a million-entry array.
 */
function countFds(dir: string, cap: number): { count: number; capped: boolean } {
  const d = opendirSync(dir);
  try {
    let count = 0;
    while (d.readSync() !== null) {
      if (++count >= cap) return { count, capped: true };
    }
    return { count, capped: false };
  } finally {
    d.closeSync();
  }
}

function processFds(view: HostView, pid: number | "self", comm: string, cap: number): ProcessFds {
  const base = `/proc/${pid}`;
  const numericPid = pid === "self" ? process.pid : pid;
  const out: { -readonly [K in keyof ProcessFds]: ProcessFds[K] } = { pid: numericPid, comm };
  try {
    const cmd = view.readText(`${base}/cmdline`, 64 * 1024).split("\0")[0];
    if (cmd) out.command = cmd;
    const nofile = parseProcLimits(view.readText(`${base}/limits`, 64 * 1024)).get(
      "Max open files",
    );
    if (nofile) out.nofile = nofile;
    const { count, capped } = countFds(view.hostPath(`${base}/fd`), cap);
    out.openFds = pid === "self" ? Math.max(0, count - 1) : count; // our own opendir fd
    if (capped) out.fdCountCapped = true;
  } catch (e) {
    const code = typeof e === "object" && e !== null && "code" in e ? String(e.code) : "";
    out.error =
      code === "EACCES" || code === "EPERM"
        ? `${base}/fd: permission denied (run as root to read other users' processes)`
        : messageOf(e);
  }
  return out;
}

/**
 * The live host's descriptor limits: this process, the TLS daemons found in
 * /proc/&#42;/comm (bounded), and the system-wide figures. Never throws.
 */
export function gatherLimitsLive(options: GatherLimitsOptions = {}): LimitsLiveFacts {
  const view = new View("/");
  const names = new Set(options.names ?? TLS_DAEMON_NAMES);
  const maxProcesses = options.maxProcesses ?? 64;
  const cap = options.maxFdCount ?? 1_048_576;
  const errors: string[] = [];
  const self = processFds(view, "self", "self", cap);
  const daemons: ProcessFds[] = [];
  let daemonsTruncated = false;
  let pids: number[] = [];
  try {
    pids = view
      .listDir("/proc")
      .filter((n) => /^\d+$/.test(n))
      .map(Number)
      .sort((a, b) => a - b);
  } catch (e) {
    errors.push(messageOf(e));
  }
  for (const pid of pids) {
    let comm: string;
    try {
      comm = view.readText(`/proc/${pid}/comm`, 256).trim();
    } catch {
      continue; // exited meanwhile
    }
    if (!names.has(comm) || pid === process.pid) continue;
    if (comm === "master") {
      const cmd = (() => {
        try {
          return view.readText(`/proc/${pid}/cmdline`, 4096);
        } catch {
          return "";
        }
      })();
      if (!cmd.includes("postfix")) continue;
    }
    if (daemons.length >= maxProcesses) {
      daemonsTruncated = true;
      break;
    }
    daemons.push(processFds(view, pid, comm, cap));
  }
  let fileNr: [number, number, number] | undefined;
  let nrOpen: number | undefined;
  try {
    fileNr = parseFileNr(view.readText("/proc/sys/fs/file-nr", 4096));
    const n = Number(view.readText("/proc/sys/fs/nr_open", 4096).trim());
    if (Number.isSafeInteger(n)) nrOpen = n;
  } catch (e) {
    errors.push(messageOf(e));
  }
  return {
    self,
    daemons,
    daemonsTruncated,
    ...(fileNr === undefined ? {} : { fileNr }),
    ...(nrOpen === undefined ? {} : { nrOpen }),
    errors,
  };
}

/** /proc/sys/fs/file-nr: three numbers (fs/file_table.c proc_nr_files). */
export function parseFileNr(text: string): [number, number, number] | undefined {
  const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s*$/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** How close one process is to RLIMIT_NOFILE. */
export interface FdUse extends ProcessFds {
  /**
   * near: at least {@link NEAR_RATIO} of the soft limit in use; at: no
   * descriptor left; sandboxed: a soft limit of 0 or 1 set on purpose (OpenSSH's
   * pre-auth child: sandbox-seccomp-filter.c sets RLIMIT_NOFILE to 1,
   * sandbox-rlimit.c to 0), which leaves no room for /dev/urandom either.
   */
  readonly state: "ok" | "near" | "at" | "sandboxed" | "unknown";
  readonly ratio?: number;
}

export const NEAR_RATIO = 0.8;

export interface LimitsAnalysis {
  readonly self?: FdUse;
  readonly processes: readonly FdUse[];
  /** allocated, max from file-nr. */
  readonly fileNr?: readonly [number, number, number];
  readonly fileMax?: number;
  readonly nrOpen?: number;
  readonly notes: readonly string[];
  readonly skipped: readonly { readonly check: string; readonly reason: string }[];
}

export function fdUse(p: ProcessFds): FdUse {
  const soft = p.nofile?.soft;
  if (p.openFds === undefined || soft === undefined) return { ...p, state: "unknown" };
  if (soft === null) return { ...p, state: "ok" };
  if (soft <= 1) return { ...p, state: "sandboxed", ratio: soft === 0 ? 1 : p.openFds / soft };
  const ratio = p.openFds / soft;
  return { ...p, state: p.openFds >= soft ? "at" : ratio >= NEAR_RATIO ? "near" : "ok", ratio };
}

/**
 * Descriptor limits: per process from the live facts (a snapshot's /proc
 * has no running processes), system-wide from the live facts or the view's
 * /proc/sys/fs files.
 */
export function analyseLimits(view: HostView, live?: LimitsLiveFacts): LimitsAnalysis {
  const notes: string[] = [];
  const skipped: { check: string; reason: string }[] = [];
  const read = (p: string): string | undefined => {
    try {
      return view.readText(p, 4096);
    } catch {
      return undefined;
    }
  };
  const fileNr = live?.fileNr ?? parseFileNr(read("/proc/sys/fs/file-nr") ?? "");
  const nrOpenText = read("/proc/sys/fs/nr_open")?.trim();
  const nrOpen =
    live?.nrOpen ?? (nrOpenText && /^\d+$/.test(nrOpenText) ? Number(nrOpenText) : undefined);
  const fileMaxText = read("/proc/sys/fs/file-max")?.trim();
  const fileMax = fileMaxText && /^\d+$/.test(fileMaxText) ? Number(fileMaxText) : fileNr?.[2];
  if (fileNr === undefined) {
    skipped.push({
      check: "system file table",
      reason: `no /proc/sys/fs/file-nr under ${view.root} and no live facts`,
    });
  }
  let processes: FdUse[] = [];
  if (live) {
    processes = live.daemons.map(fdUse);
    for (const p of processes) {
      if (p.error !== undefined)
        skipped.push({ check: `fd use of ${p.comm} (pid ${p.pid})`, reason: p.error });
    }
    if (live.daemonsTruncated)
      notes.push(`only the first ${live.daemons.length} daemon processes were read`);
    notes.push(...live.errors);
  } else {
    skipped.push({
      check: "daemon descriptor limits",
      reason:
        "per-process limits are live facts: none were given (a snapshot without facts.json, or a sysroot)",
    });
  }
  return {
    ...(live ? { self: fdUse(live.self) } : {}),
    processes,
    ...(fileNr === undefined ? {} : { fileNr }),
    ...(fileMax === undefined ? {} : { fileMax }),
    ...(nrOpen === undefined ? {} : { nrOpen }),
    notes,
    skipped,
  };
}
