/**
 * Sockets as the kernel lists them in /proc/net/{tcp,tcp6,udp,udp6}, and
 * which process holds each (its /proc/PID/fd links "socket:[INODE]").
 *
 * The line formats, from the kernel (Linux 6.1):
 *   net/ipv4/tcp_ipv4.c get_tcp4_sock():
 *     "%4d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu …"
 *     sl, saddr, sport, daddr, dport, state, tx:rx queue, timer, retrnsmt, uid, timeout, inode
 *   net/ipv6/tcp_ipv6.c get_tcp6_sock(): the same with "%08X%08X%08X%08X" per address,
 *     one %08X per s6_addr32 word;
 *   net/ipv4/udp.c udp4_format_sock() / net/ipv6/datagram.c __ip6_dgram_sock_seq_show().
 * An address word is a __be32 printed with %08X, i.e. read as a native
 * integer: on a little-endian host 127.0.0.1 prints as 0100007F, on a
 * big-endian one as 7F000001. Ports go through ntohs() first, so they read
 * the same everywhere. State 0A is TCP_LISTEN (include/net/tcp_states.h); an
 * unconnected UDP socket is TCP_CLOSE (07) with a zero remote port.
 */
import { endianness } from "node:os";
import type { HostView } from "../core/index.js";

export type SocketProto = "tcp" | "tcp6" | "udp" | "udp6";
export type ProcNetByteOrder = "le" | "be";

export const PROC_NET_FILES: readonly SocketProto[] = ["tcp", "tcp6", "udp", "udp6"];

/** include/net/tcp_states.h */
export const TCP_STATES: Readonly<Record<number, string>> = {
  0x01: "ESTABLISHED",
  0x02: "SYN_SENT",
  0x03: "SYN_RECV",
  0x04: "FIN_WAIT1",
  0x05: "FIN_WAIT2",
  0x06: "TIME_WAIT",
  0x07: "CLOSE",
  0x08: "CLOSE_WAIT",
  0x09: "LAST_ACK",
  0x0a: "LISTEN",
  0x0b: "CLOSING",
  0x0c: "NEW_SYN_RECV",
};
export const TCP_LISTEN = 0x0a;
export const TCP_CLOSE = 0x07;

/** One line of /proc/net/PROTO. */
export interface ProcNetSocket {
  readonly proto: SocketProto;
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** The TCP state number (0x0A = LISTEN); UDP uses the same numbers. */
  readonly state: number;
  /** The socket's owner as the reading namespace maps it. */
  readonly uid: number;
  /** 0 for time-wait and request sockets, which no file descriptor holds. */
  readonly inode: number;
}

export interface ProcNetParse {
  readonly sockets: ProcNetSocket[];
  /** Lines that did not parse: "line N: why" (at most {@link PROC_NET_MAX_PROBLEMS}). */
  readonly problems: string[];
}

/** A listening TCP socket or a bound, unconnected UDP one. */
export interface NetListener {
  readonly proto: SocketProto;
  readonly address: string;
  readonly port: number;
  readonly inode: number;
  readonly uid: number;
}

export const PROC_NET_MAX_PROBLEMS = 20;
/** Longer lines are not the kernel's (a tcp6 line is about 180 characters). */
const MAX_LINE = 4096;
/** /proc/net/tcp on a busy host is big; a copy under --root could be anything. */
export const MAX_PROC_NET_BYTES = 512 * 1024 * 1024;

const HEX_WORD = /^[0-9A-Fa-f]{8}$/;

/** Decodes one %08X word of a __be32 printed in `order` into its four network-order bytes. */
function wordBytes(word: string, order: ProcNetByteOrder): number[] {
  const b = [0, 2, 4, 6].map((i) => parseInt(word.slice(i, i + 2), 16));
  return order === "le" ? b.reverse() : b;
}

/** RFC 5952 text of 16 address bytes: lower case, the longest run of 2+ zero groups as "::". */
export function formatIpv6(bytes: readonly number[]): string {
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  // ::ffff:a.b.c.d — IPv4-mapped (RFC 4291 2.5.5.2), printed in the mixed form RFC 5952 5 asks for.
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    return `::ffff:${bytes.slice(12, 16).join(".")}`;
  }
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}

/**
 * Decodes the hex address column: 8 digits (IPv4) or 32 (IPv6, four words),
 * each word a __be32 printed as a native integer of a host with `order`.
 * Returns undefined for anything else.
 */
export function decodeProcNetAddress(hex: string, order: ProcNetByteOrder): string | undefined {
  if (hex.length !== 8 && hex.length !== 32) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < hex.length; i += 8) {
    const w = hex.slice(i, i + 8);
    if (!HEX_WORD.test(w)) return undefined;
    bytes.push(...wordBytes(w, order));
  }
  return bytes.length === 4 ? bytes.join(".") : formatIpv6(bytes);
}

const DEC = /^\d{1,20}$/;

/** One data line, or the reason it is not one. */
function parseLine(
  line: string,
  proto: SocketProto,
  order: ProcNetByteOrder,
): ProcNetSocket | string {
  if (line.length > MAX_LINE) return `longer than ${MAX_LINE} characters`;
  const f = line.trim().split(/\s+/);
  // sl local rem st tx:rx tr:when retrnsmt uid timeout inode …
  if (f.length < 10) return `${f.length} fields, expected at least 10`;
  if (!/^\d+:$/.test(f[0] ?? "")) return `slot ${JSON.stringify(f[0])} is not "N:"`;
  const ends = [f[1] ?? "", f[2] ?? ""].map((x) => {
    const m = /^([0-9A-Fa-f]+):([0-9A-Fa-f]{4})$/.exec(x);
    const addr = m ? decodeProcNetAddress(m[1] ?? "", order) : undefined;
    return m && addr !== undefined ? { addr, port: parseInt(m[2] ?? "", 16) } : undefined;
  });
  const [local, remote] = ends;
  if (!local || !remote) return `address ${JSON.stringify(local ? f[2] : f[1])} is not HEX:PORT`;
  const v6 = proto === "tcp6" || proto === "udp6";
  if (local.addr.includes(":") !== v6 || remote.addr.includes(":") !== v6) {
    return `address ${f[1]} is not ${v6 ? "IPv6" : "IPv4"}`;
  }
  if (!/^[0-9A-Fa-f]{2}$/.test(f[3] ?? ""))
    return `state ${JSON.stringify(f[3])} is not 2 hex digits`;
  const uid = f[7] ?? "";
  const inode = f[9] ?? "";
  if (!DEC.test(uid) || !DEC.test(inode)) return `uid ${uid} or inode ${inode} is not a number`;
  const nUid = Number(uid);
  const nInode = Number(inode);
  if (nUid > 0xffffffff || !Number.isSafeInteger(nInode))
    return `uid ${uid} or inode ${inode} out of range`;
  return {
    proto,
    localAddress: local.addr,
    localPort: local.port,
    remoteAddress: remote.addr,
    remotePort: remote.port,
    state: parseInt(f[3] ?? "", 16),
    uid: nUid,
    inode: nInode,
  };
}

/**
 * Parses the text of /proc/net/PROTO. The header line is skipped; a line
 * that does not parse is recorded in `problems`, never thrown.
 */
export function parseProcNet(
  text: string,
  proto: SocketProto,
  order: ProcNetByteOrder,
): ProcNetParse {
  const sockets: ProcNetSocket[] = [];
  const problems: string[] = [];
  let n = 0;
  let bad = 0;
  for (let at = 0; at < text.length;) {
    let end = text.indexOf("\n", at);
    if (end < 0) end = text.length;
    const line = text.slice(at, Math.min(end, at + MAX_LINE + 1));
    at = end + 1;
    n++;
    if (line.trim() === "" || (n === 1 && /^\s*sl\s/.test(line))) continue;
    const s = parseLine(line, proto, order);
    if (typeof s === "string") {
      if (++bad <= PROC_NET_MAX_PROBLEMS) problems.push(`line ${n}: ${s}`);
    } else sockets.push(s);
  }
  if (bad > PROC_NET_MAX_PROBLEMS)
    problems.push(`… ${bad - PROC_NET_MAX_PROBLEMS} more lines did not parse`);
  return { sockets, problems };
}

/** Listening TCP (state LISTEN) and bound, unconnected UDP (CLOSE, remote port 0) sockets. */
export function isListening(s: ProcNetSocket): boolean {
  return s.proto.startsWith("tcp")
    ? s.state === TCP_LISTEN
    : s.state === TCP_CLOSE && s.remotePort === 0 && s.localPort !== 0;
}

/**
 * The byte order the view's /proc/net files were printed in: this machine's
 * when live; for a snapshot or sysroot, that of its /bin/sh (ELF e_ident
 * EI_DATA: 1 little, 2 big); little-endian when that cannot be read.
 */
export function viewProcNetByteOrder(view: HostView): { order: ProcNetByteOrder; how: string } {
  if (view.live) return { order: endianness() === "LE" ? "le" : "be", how: "this machine" };
  for (const p of ["/bin/sh", "/usr/bin/env", "/sbin/init"]) {
    try {
      const b = view.readBytes(p, 64 * 1024 * 1024);
      if (b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46) {
        if (b[5] === 1 || b[5] === 2)
          return { order: b[5] === 1 ? "le" : "be", how: `ELF data encoding of ${p}` };
      }
    } catch {
      // try the next one
    }
  }
  return { order: "le", how: "assumed (no readable ELF program in the view)" };
}

export interface NetListenerList {
  readonly listeners: NetListener[];
  /** Per file: a missing file, or lines that did not parse. */
  readonly problems: string[];
  /** Files that were read. */
  readonly read: string[];
}

/**
 * Every listening socket in the files `dir`/{tcp,tcp6,udp,udp6} (default
 * /proc/net: the reading process's network namespace; /proc/PID/net for
 * another's). A missing file is a problem, not an error: IPv6 may be off.
 */
export function listListeners(
  view: HostView,
  options: { dir?: string; order?: ProcNetByteOrder; protos?: readonly SocketProto[] } = {},
): NetListenerList {
  const dir = options.dir ?? "/proc/net";
  const order = options.order ?? viewProcNetByteOrder(view).order;
  const listeners: NetListener[] = [];
  const problems: string[] = [];
  const read: string[] = [];
  for (const proto of options.protos ?? PROC_NET_FILES) {
    const path = `${dir}/${proto}`;
    let text: string;
    try {
      text = view.readText(path, MAX_PROC_NET_BYTES);
    } catch (e) {
      problems.push(e instanceof Error ? e.message : String(e));
      continue;
    }
    read.push(path);
    const p = parseProcNet(text, proto, order);
    problems.push(...p.problems.map((x) => `${path} ${x}`));
    for (const s of p.sockets) {
      if (!isListening(s)) continue;
      listeners.push({
        proto,
        address: s.localAddress,
        port: s.localPort,
        inode: s.inode,
        uid: s.uid,
      });
    }
  }
  return { listeners, problems, read };
}

/** The inode in a /proc/PID/fd link "socket:[INODE]", or undefined. */
export function socketInode(link: string): number | undefined {
  const m = /^socket:\[(\d{1,19})\]$/.exec(link);
  const n = m ? Number(m[1]) : NaN;
  return Number.isSafeInteger(n) ? n : undefined;
}

export interface ProcessSockets {
  readonly inodes: number[];
  /** File descriptors the process has; only the lowest `maxFds` were read. */
  readonly fds: number;
  readonly truncated: boolean;
}

/**
 * The socket inodes a process holds (/proc/PID/fd/N → "socket:[INODE]"),
 * reading at most `maxFds` descriptors, lowest first: daemons open their
 * listening sockets at start-up, so they have low numbers. Throws TLSD_FILE
 * when /proc/PID/fd cannot be listed (another user's process, not root).
 */
export function processSockets(view: HostView, pid: number, maxFds = 16384): ProcessSockets {
  const names = view
    .listDir(`/proc/${pid}/fd`)
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .sort((a, b) => a - b);
  const inodes: number[] = [];
  for (const fd of names.slice(0, maxFds)) {
    const link = view.readlink(`/proc/${pid}/fd/${fd}`);
    const ino = link === undefined ? undefined : socketInode(link);
    if (ino !== undefined) inodes.push(ino);
  }
  return { inodes, fds: names.length, truncated: names.length > maxFds };
}
