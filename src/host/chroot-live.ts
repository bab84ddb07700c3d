/**
 * The live half of `tlsdoctor chroot`: a real getaddrinfo(3) of the host's
 * name in a child chrooted into DIR (resolve-child.ts) and the same call
 * outside; the glibc the chrooted program runs; the process behind --pid.
 * {@link gatherChrootLive} never throws: what could not run is recorded in
 * `skipped`, so a check never passes silently.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { constants, hostname as osHostname } from "node:os";
import { fileURLToPath } from "node:url";
import { HostView, TlsDoctorError, errnoCode, messageOf } from "../core/index.js";
import { readGlibcVersion } from "../elf/index.js";
import { eaiCode } from "../explain/index.js";
import type { ChildReply } from "./resolve-child.js";

/** A check that could not run, and why (never a silent pass). */
export interface ChrootSkipped {
  readonly check: string;
  readonly reason: string;
}

/** One getaddrinfo(3) call, as the child saw it. */
export interface GaiResult {
  readonly name: string;
  /** Whether it ran chrooted (the directory) or not. */
  readonly chroot?: string;
  readonly status: "resolved" | "failed" | "timeout" | "error";
  /** getaddrinfo's return value: 0 or a negative EAI_* code (glibc's values). */
  readonly rc?: number;
  /** Its <netdb.h> name (EAI_NODATA …). */
  readonly eai?: string;
  /** gai_strerror(rc). */
  readonly message?: string;
  /** errno with EAI_SYSTEM. */
  readonly errno?: string;
  readonly canonname?: string;
  readonly addresses: readonly string[];
  readonly elapsedMs: number;
  /** Why the child gave no answer (status "error" or "timeout"). */
  readonly error?: string;
}

/** A glibc version and where it was read. */
export interface GlibcVersion {
  readonly version: string;
  readonly path: string;
  readonly source: "release-string" | "verdef";
}

/** The process behind `--pid`. */
export interface ChrootProcess {
  readonly pid: number;
  readonly comm: string;
  readonly exe?: string;
  /** readlink /proc/PID/root. */
  readonly root: string;
  /** TLS and Kerberos libraries it maps (krb5 is what aborted in seeds/004). */
  readonly libraries: readonly string[];
  readonly mapsKrb5: boolean;
  /** Same mount namespace as tlsdoctor: its root is then a path here, else only /proc/PID/root reaches it. */
  readonly sameMountNamespace: boolean;
}

/** The key of {@link ChrootLiveFacts} in a snapshot's facts.json. */
export const CHROOT_FACTS_KEY = "chroot";

/** Facts only a live host gives (one per directory; key {@link CHROOT_FACTS_KEY}). */
export interface ChrootLiveFacts {
  /** The directory chrooted into, as a path on this host. */
  readonly dir: string;
  /** The kernel's node name (uname -n): what gethostname() returns inside a chroot too. */
  readonly hostname: string;
  readonly euid: number;
  /** The glibc the chrooted program runs: the host's, or the one the process maps. */
  readonly glibc?: GlibcVersion;
  readonly process?: ChrootProcess;
  readonly outside?: GaiResult;
  readonly inside?: GaiResult;
  /** libnss_*.so.2 files in the host's library directories: a module missing there too is not the chroot's fault. */
  readonly hostNssModules: readonly string[];
  readonly skipped: readonly ChrootSkipped[];
}

const ERRNO_NAMES = new Map<number, string>(
  Object.entries(constants.errno).map(([k, v]) => [v, k] as [number, string]),
);
const errnoName = (n: number): string => ERRNO_NAMES.get(n) ?? `errno ${n}`;

/** How long the child may take before it is killed: a stuck resolver must not stall tlsdoctor. */
export const RESOLVE_DEADLINE_MS = 10_000;

/** The child script, beside this module (dist/host/) or beside the bundle (dist/). */
export function resolveChildPath(): string | undefined {
  for (const name of ["./resolve-child.js", "./resolve-child.mjs"]) {
    const p = fileURLToPath(new URL(name, import.meta.url));
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** Runs getaddrinfo(name) in a child, chrooted into `dir` when given; never throws. */
export function resolveInChild(
  name: string,
  dir: string | undefined,
  opts: { timeoutMs?: number; script?: string; uid?: number } = {},
): GaiResult {
  const timeoutMs = opts.timeoutMs ?? RESOLVE_DEADLINE_MS;
  const base = { name, ...(dir === undefined ? {} : { chroot: dir }), addresses: [] };
  const script = opts.script ?? resolveChildPath();
  const t0 = performance.now();
  const ms = (): number => Math.round(performance.now() - t0);
  if (script === undefined)
    return { ...base, status: "error", elapsedMs: 0, error: "resolve-child script not found" };
  // A clean environment: LOCALDOMAIN, RES_OPTIONS or HOSTALIASES of this shell would change the answer.
  const r = spawnSync(process.execPath, [script, name, ...(dir === undefined ? [] : [dir])], {
    encoding: "utf8",
    env: {},
    timeout: timeoutMs,
    killSignal: "SIGKILL",
    maxBuffer: 1 << 20,
    stdio: ["ignore", "pipe", "pipe"],
    ...(opts.uid === undefined ? {} : { uid: opts.uid, gid: opts.uid }),
  });
  if (errnoCode(r.error) === "ETIMEDOUT" || (r.signal === "SIGKILL" && ms() >= timeoutMs)) {
    return {
      ...base,
      status: "timeout",
      elapsedMs: ms(),
      error: `no answer within ${timeoutMs} ms`,
    };
  }
  let reply: ChildReply;
  try {
    const last = (r.stdout ?? "").trim().split("\n").at(-1) ?? "";
    reply = JSON.parse(last) as ChildReply;
  } catch {
    const why = r.error ? messageOf(r.error) : (r.stderr ?? "").trim().slice(-400);
    return {
      ...base,
      status: "error",
      elapsedMs: ms(),
      error: `the child gave no answer: ${why || `exit ${r.status}`}`,
    };
  }
  if (reply.stage !== "resolve") {
    const why = reply.errno === undefined ? (reply.error ?? "") : errnoName(reply.errno);
    return { ...base, status: "error", elapsedMs: ms(), error: `${reply.stage} failed: ${why}` };
  }
  const rc = reply.rc ?? 0;
  return {
    ...base,
    status: rc === 0 ? "resolved" : "failed",
    rc,
    ...(rc === 0 ? {} : { eai: eaiCode(rc)?.name ?? `EAI ${rc}` }),
    ...(rc === 0 || reply.message === undefined ? {} : { message: reply.message }),
    ...(reply.errno === undefined ? {} : { errno: errnoName(reply.errno) }),
    ...(reply.canonname === undefined ? {} : { canonname: reply.canonname }),
    addresses: reply.addresses ?? [],
    elapsedMs: ms(),
  };
}

// Debian's multiarch triplet for the running Node (the process a chrooted daemon would be).
const TRIPLET: Readonly<Record<string, string>> = {
  x64: "x86_64-linux-gnu",
  arm64: "aarch64-linux-gnu",
  ia32: "i386-linux-gnu",
  arm: "arm-linux-gnueabihf",
  ppc64: "powerpc64le-linux-gnu",
  s390x: "s390x-linux-gnu",
  riscv64: "riscv64-linux-gnu",
};
/** Where dlopen("libnss_X.so.2") looks after /etc/ld.so.cache: glibc's system dirs (Debian, then RHEL). */
export function nssLibraryDirs(): string[] {
  const t = TRIPLET[process.arch];
  return [...(t ? [`/lib/${t}`, `/usr/lib/${t}`] : []), "/lib64", "/usr/lib64", "/lib", "/usr/lib"];
}

/** glibc's version from a libc.so.6: its "release version X.Y" banner, else its highest GLIBC_X.Y verdef. */
export function libcVersionAt(view: HostView, path: string): GlibcVersion | undefined {
  let bytes: Uint8Array;
  try {
    bytes = view.readBytes(path, 64 * 1024 * 1024);
  } catch {
    return undefined;
  }
  const r = readGlibcVersion(bytes);
  return r.version !== undefined && r.source !== undefined
    ? { version: r.version, path, source: r.source }
    : undefined;
}

/** The first libc.so.6 in the view's library directories, with its version. */
export function findLibcVersion(view: HostView): GlibcVersion | undefined {
  for (const d of nssLibraryDirs()) {
    const g = libcVersionAt(view, `${d}/libc.so.6`);
    if (g) return g;
  }
  return undefined;
}

/** True from glibc 2.34, which builds the `files` and `dns` NSS services into libc.so.6. */
export function hasBuiltinFilesDns(version: string): boolean {
  const [a = 0, b = 0] = version.split(".").map(Number);
  return a > 2 || (a === 2 && b >= 34);
}

const TLS_LIBS = /\/lib(ssl|crypto|gnutls|krb5|gssapi_krb5|k5crypto)[^/]*\.so[^/]*$/;

/** The root of process `pid` (readlink /proc/PID/root) and the directory to audit. */
export function processChroot(
  pid: number,
  host: HostView = new HostView("/"),
): { process: ChrootProcess; dir: string; glibc?: GlibcVersion } {
  const proc = `/proc/${pid}`;
  if (host.kind(proc) !== "dir") {
    throw new TlsDoctorError("TLSD_FILE", `Cannot inspect process ${pid}: ${proc} does not exist`, {
      details: { pid },
    });
  }
  const root = host.readlink(`${proc}/root`);
  if (root === undefined) {
    throw new TlsDoctorError(
      "TLSD_FILE",
      `Cannot read ${proc}/root: permission denied or a kernel thread (run as root)`,
      { details: { pid } },
    );
  }
  let comm = "";
  let maps = "";
  try {
    comm = host.readText(`${proc}/comm`, 4096).trim();
    maps = host.readText(`${proc}/maps`, 64 * 1024 * 1024);
  } catch {
    // an exiting process: the root alone still names what to audit
  }
  const exe = host.readlink(`${proc}/exe`);
  const paths = [...new Set(maps.split("\n").map((l) => /\s(\/\S.*)$/.exec(l)?.[1] ?? ""))];
  const libraries = paths.filter((p) => TLS_LIBS.test(p));
  // The libc it runs was mapped before any chroot; /proc/PID/map_files opens that very file.
  let glibc: GlibcVersion | undefined;
  const libcLine = maps
    .split("\n")
    .find((l) => /\/libc(-[\d.]+)?\.so(\.6)?( \(deleted\))?$/.test(l));
  if (libcLine) {
    const range = libcLine.split(" ")[0] ?? "";
    const path = /\s(\/\S.*?)( \(deleted\))?$/.exec(libcLine)?.[1] ?? "";
    glibc = libcVersionAt(host, `${proc}/map_files/${range}`) ?? libcVersionAt(host, path);
    if (glibc) glibc = { ...glibc, path };
  }
  // Another mount namespace (a container) is seen through the magic link, never by its path.
  const sameNs = host.readlink(`${proc}/ns/mnt`) === host.readlink("/proc/self/ns/mnt");
  return {
    process: {
      pid,
      comm,
      ...(exe === undefined ? {} : { exe }),
      root,
      libraries,
      mapsKrb5: libraries.some((l) => /libkrb5|libgssapi_krb5/.test(l)),
      sameMountNamespace: sameNs,
    },
    dir: root === "/" && sameNs ? "/" : `${proc}/root`,
    ...(glibc === undefined ? {} : { glibc }),
  };
}

export interface ChrootGatherOptions {
  /** The name to resolve (default: this host's node name, as krb5 does). */
  readonly name?: string;
  readonly timeoutMs?: number;
  /** From {@link processChroot}, for `--pid`. */
  readonly process?: ChrootProcess;
  readonly glibc?: GlibcVersion;
  /** The lookup outside, when already made (one per host suffices). */
  readonly outside?: GaiResult;
}

/** The live facts for `dir`: the lookup outside and inside (as root), the running glibc. Never throws. */
export function gatherChrootLive(dir: string, opts: ChrootGatherOptions = {}): ChrootLiveFacts {
  const hostname = osHostname();
  const name = opts.name ?? hostname;
  const euid = process.geteuid?.() ?? -1;
  const skipped: ChrootSkipped[] = [];
  const glibc = opts.glibc ?? findLibcVersion(new HostView("/"));
  const t = opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs };
  const outside = opts.outside ?? resolveInChild(name, undefined, t);
  let inside: GaiResult | undefined;
  if (euid !== 0) {
    skipped.push({
      check: "getaddrinfo-inside",
      reason: `not root (euid ${euid}): chroot(2) needs CAP_SYS_CHROOT`,
    });
  } else {
    const r = resolveInChild(name, dir, t);
    if (r.status === "error") skipped.push({ check: "getaddrinfo-inside", reason: r.error ?? "" });
    else inside = r;
  }
  if (outside.status === "error")
    skipped.push({ check: "getaddrinfo-outside", reason: outside.error ?? "" });
  const host = new HostView("/");
  const hostNssModules = nssLibraryDirs().flatMap((d) => {
    try {
      return host.listDir(d).filter((f) => /^libnss_[\w-]+\.so\.2$/.test(f));
    } catch {
      return [];
    }
  });
  return {
    dir,
    hostname,
    euid,
    ...(glibc === undefined ? {} : { glibc }),
    ...(opts.process === undefined ? {} : { process: opts.process }),
    ...(outside.status === "error" ? {} : { outside }),
    ...(inside === undefined ? {} : { inside }),
    hostNssModules: [...new Set(hostNssModules)].sort(),
    skipped,
  };
}
