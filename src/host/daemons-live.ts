/**
 * The live half of the TLS daemon check: what only the running host can
 * tell — which process holds each listening socket (/proc/PID/fd), what it
 * has mapped (/proc/PID/maps), its root, namespaces and loader environment.
 * The result is plain JSON: `tlsdoctor collect` stores it, since a snapshot
 * cannot read /proc/PID later. daemons.ts analyses it.
 */
import { HostView } from "../core/index.js";
import { readProcess } from "../elf/index.js";
import {
  listListeners,
  processSockets,
  viewProcNetByteOrder,
  type NetListener,
  type ProcNetByteOrder,
} from "./proc-net.js";

/** The key of these facts in a snapshot's facts.json. */
export const DAEMONS_FACTS_KEY = "daemons";

export interface DaemonSkipped {
  readonly check: string;
  readonly reason: string;
}

/** A listener and the processes holding its socket. */
export interface DaemonListener extends NetListener {
  /** The network namespace ("net:[N]") when not the gathering process's own. */
  readonly netns?: string;
  readonly pids: readonly number[];
}

/** What /proc told about one process that holds a listening socket. */
export interface DaemonProcessFacts {
  readonly pid: number;
  readonly comm: string;
  /** /proc/PID/exe, without " (deleted)". */
  readonly exe: string;
  readonly exeDeleted: boolean;
  readonly argv0: string;
  /** /proc/PID/root: "/" unless chrooted. */
  readonly root: string;
  /** Effective uid (/proc/PID/status). */
  readonly uid?: number;
  readonly startedAt?: string;
  /** false when it runs in another mount namespace (a container): its paths are relative to that. */
  readonly sameMountNamespace: boolean;
  readonly ldPreload?: string;
  readonly ldLibraryPath?: string;
  /** Shared objects mapped, in address order ("(deleted)" stripped into `deleted`). */
  readonly mapped: readonly { readonly path: string; readonly deleted: boolean }[];
  /** Why the process could not be read fully (it exited, or not root). */
  readonly error?: string;
}

export interface DaemonsLiveFacts {
  readonly version: 1;
  readonly gatheredAt: string;
  /** Byte order the /proc/net addresses were printed in. */
  readonly byteOrder: ProcNetByteOrder;
  /** Effective uid of the gathering process (-1 when unknown). */
  readonly euid: number;
  readonly listeners: readonly DaemonListener[];
  readonly processes: readonly DaemonProcessFacts[];
  readonly skipped: readonly DaemonSkipped[];
  readonly notes: readonly string[];
  /** Set when gathering failed as a whole. */
  readonly error?: string;
}

export interface GatherOptions {
  /** Examine only these processes (default: every one, up to maxProcesses). */
  readonly pids?: ReadonlySet<number>;
  readonly maxProcesses?: number;
  /** File descriptors read per process, lowest first. */
  readonly maxFds?: number;
  /** Foreign network namespaces (containers) whose sockets are listed. */
  readonly maxNamespaces?: number;
}

const msg = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const errnoOf = (e: unknown): string | undefined => {
  const d = (e as { details?: { errno?: unknown } }).details?.errno;
  return typeof d === "string" ? d : undefined;
};

/**
 * USER_HZ: /proc/PID/stat counts start time in these ticks; 100 on every
 * architecture Debian ships (include/asm-generic/param.h; only alpha differs).
 */
const USER_HZ = 100;

function startTime(view: HostView, pid: number, btime: number | undefined): string | undefined {
  if (btime === undefined) return undefined;
  try {
    const stat = view.readText(`/proc/${pid}/stat`, 64 * 1024);
    // comm is in parentheses and may hold spaces or ')': fields resume after the last ')'.
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(f[19]); // field 22, starttime, minus pid and comm
    return Number.isFinite(ticks)
      ? new Date((btime + ticks / USER_HZ) * 1000).toISOString()
      : undefined;
  } catch {
    return undefined;
  }
}

function readProcessFacts(
  view: HostView,
  pid: number,
  selfMnt: string | undefined,
  btime: number | undefined,
): DaemonProcessFacts {
  const dir = `/proc/${pid}`;
  const text = (p: string, max = 1024 * 1024): string => {
    try {
      return view.readText(`${dir}/${p}`, max);
    } catch {
      return "";
    }
  };
  const comm = text("comm", 4096).replace(/\n$/, "");
  const argv0 = text("cmdline").split("\0")[0] ?? "";
  const uidLine = /^Uid:\s+(\d+)\s+(\d+)/m.exec(text("status"));
  const exeLink = view.readlink(`${dir}/exe`) ?? "";
  const mnt = view.readlink(`${dir}/ns/mnt`);
  const startedAt = startTime(view, pid, btime);
  const base = {
    pid,
    comm,
    exe: exeLink.replace(/ \(deleted\)$/, ""),
    exeDeleted: exeLink.endsWith(" (deleted)"),
    argv0,
    root: view.readlink(`${dir}/root`) ?? "/",
    ...(uidLine ? { uid: Number(uidLine[2]) } : {}),
    ...(startedAt === undefined ? {} : { startedAt }),
    sameMountNamespace: mnt === undefined || selfMnt === undefined || mnt === selfMnt,
  };
  try {
    const img = readProcess(view, pid);
    return {
      ...base,
      ...(img.ldPreload === undefined ? {} : { ldPreload: img.ldPreload }),
      ...(img.ldLibraryPath === undefined ? {} : { ldLibraryPath: img.ldLibraryPath }),
      mapped: img.mapped.map((m) => ({ path: m.path, deleted: m.deleted })),
    };
  } catch (e) {
    return { ...base, mapped: [], error: msg(e) };
  }
}

/**
 * Reads the listener → process table of the host `view` shows (which must
 * be live: /proc of the running kernel). Never throws.
 */
export function gatherDaemons(view: HostView, options: GatherOptions = {}): DaemonsLiveFacts {
  const skipped: DaemonSkipped[] = [];
  const notes: string[] = [];
  const euid = typeof process.geteuid === "function" ? process.geteuid() : -1;
  const { order } = viewProcNetByteOrder(view);
  const base = {
    version: 1 as const,
    gatheredAt: new Date().toISOString(),
    byteOrder: order,
    euid,
  };
  try {
    const maxProcesses = options.maxProcesses ?? 32768;
    let pids = view
      .listDir("/proc")
      .filter((n) => /^\d+$/.test(n))
      .map(Number)
      .filter((p) => options.pids?.has(p) ?? true)
      .sort((a, b) => a - b);
    if (pids.length > maxProcesses) {
      notes.push(`${pids.length} processes; only the first ${maxProcesses} were examined`);
      pids = pids.slice(0, maxProcesses);
    }
    const selfNet = view.readlink("/proc/self/ns/net");
    const selfMnt = view.readlink("/proc/self/ns/mnt");
    const holders = new Map<number, number[]>();
    const netnsPid = new Map<string, number>();
    const unreadable = new Map<string, number>();
    for (const pid of pids) {
      let socks;
      try {
        socks = processSockets(view, pid, options.maxFds);
      } catch (e) {
        const why = errnoOf(e) ?? "error";
        // ENOENT: the process exited meanwhile; nothing to report.
        if (why !== "ENOENT") unreadable.set(why, (unreadable.get(why) ?? 0) + 1);
        continue;
      }
      if (socks.truncated)
        notes.push(
          `process ${pid} has ${socks.fds} file descriptors; the lowest ${options.maxFds ?? 16384} were read`,
        );
      if (socks.inodes.length === 0) continue;
      for (const ino of socks.inodes) holders.set(ino, [...(holders.get(ino) ?? []), pid]);
      const ns = view.readlink(`/proc/${pid}/ns/net`);
      if (ns !== undefined && ns !== selfNet && !netnsPid.has(ns)) netnsPid.set(ns, pid);
    }
    for (const [why, n] of unreadable) {
      skipped.push({
        check: "daemons: process sockets",
        reason:
          why === "EACCES" && euid !== 0
            ? `not root: the file descriptors of ${n} processes (other users') cannot be read, so their listeners show no process; run as root`
            : `the file descriptors of ${n} processes cannot be read (${why}; /proc mounted with hidepid, or a security module)`,
      });
    }
    // Sockets of other network namespaces (containers) are in /proc/PID/net of a member.
    const sources: { dir: string; netns?: string }[] = [{ dir: "/proc/net" }];
    const maxNs = options.maxNamespaces ?? 64;
    for (const [ns, pid] of [...netnsPid].slice(0, maxNs))
      sources.push({ dir: `/proc/${pid}/net`, netns: ns });
    if (netnsPid.size > maxNs)
      notes.push(`${netnsPid.size} network namespaces; sockets of ${maxNs} were listed`);
    const listeners: DaemonListener[] = [];
    for (const src of sources) {
      const l = listListeners(view, { dir: src.dir, order });
      notes.push(...l.problems.filter((p) => !/tcp6|udp6/.test(p) || !/no such file/.test(p)));
      for (const x of l.listeners) {
        listeners.push({
          ...x,
          ...(src.netns ? { netns: src.netns } : {}),
          pids: holders.get(x.inode) ?? [],
        });
      }
    }
    const orphans = listeners.filter((l) => l.pids.length === 0);
    if (
      options.pids === undefined &&
      orphans.length > 0 &&
      euid !== 0 &&
      !unreadable.has("EACCES")
    ) {
      // hidepid=1/2 hides other users' processes entirely: no EACCES to count.
      skipped.push({
        check: "daemons: process sockets",
        reason: `not root: ${orphans.length} listening sockets belong to no process this user can see; run as root`,
      });
    } else if (options.pids === undefined && orphans.length > 0) {
      const where = orphans.slice(0, 8).map((l) => `${l.address}:${l.port}/${l.proto}`);
      notes.push(
        `${orphans.length} listening sockets are held by no process visible here (a process in another PID namespace, a kernel socket, or one whose descriptors could not be read): ${where.join(", ")}${orphans.length > 8 ? " …" : ""}`,
      );
    }
    let btime: number | undefined;
    try {
      const m = /^btime (\d+)$/m.exec(view.readText("/proc/stat", 16 * 1024 * 1024));
      btime = m ? Number(m[1]) : undefined;
    } catch {
      btime = undefined;
    }
    const daemonPids = [...new Set(listeners.flatMap((l) => l.pids))].sort((a, b) => a - b);
    const processes = daemonPids.map((pid) => readProcessFacts(view, pid, selfMnt, btime));
    return { ...base, listeners, processes, skipped, notes };
  } catch (e) {
    return { ...base, listeners: [], processes: [], skipped, notes, error: msg(e) };
  }
}

/** The facts `tlsdoctor collect` stores under {@link DAEMONS_FACTS_KEY}. */
export function gatherDaemonsLive(options: GatherOptions = {}): DaemonsLiveFacts {
  return gatherDaemons(new HostView("/"), options);
}

/** Files the analysis reads for linkage: what `collect` should copy into a snapshot. */
export function daemonFiles(facts: DaemonsLiveFacts): string[] {
  // The loader's configuration, and the user names of the table.
  const out = new Set<string>(["/etc/ld.so.cache", "/etc/ld.so.preload", "/etc/passwd"]);
  for (const p of facts.processes) {
    if (p.sameMountNamespace && p.root !== "/" && p.exe.startsWith(`${p.root}/`))
      out.add(`${p.root}/etc/ld.so.cache`);
    if (!p.sameMountNamespace) continue;
    if (p.exe && !p.exeDeleted) out.add(p.exe);
    for (const m of p.mapped) if (!m.deleted) out.add(m.path);
  }
  return [...out].sort();
}
