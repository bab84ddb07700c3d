/**
 * Facts only the live host can give the kernel, libc and limits checks:
 * uname, boot time, the command line, the FIPS flag, a real getrandom(2)
 * syscall, the /dev/urandom and /dev/random nodes with their device
 * numbers, and descriptor limits. `collect` stores them in facts.json under
 * {@link KERNEL_LIVE_FACTS_KEY}; `host --root DIR` hands them back.
 */
import { closeSync, constants as fsc, openSync, readSync, statSync } from "node:fs";
import { constants as osc, machine, release, type as osType, version as osVersion } from "node:os";
import { HostView as View, messageOf } from "../core/index.js";
import { tryFfi } from "./ffi.js";
import type { KernelBootFacts } from "./kernel.js";
import { gatherLimitsLive, type GatherLimitsOptions, type LimitsLiveFacts } from "./limits.js";

/** getrandom(2) called through syscall(2) with GRND_NONBLOCK on the live host. */
export interface GetrandomProbe {
  /**
   * ok: bytes came back; ENOSYS: the kernel has no getrandom (before 3.17);
   * EAGAIN: the pool is not initialised yet; error: another errno (EPERM:
   * a seccomp filter); unavailable: the probe could not run.
   */
  readonly result: "ok" | "ENOSYS" | "EAGAIN" | "error" | "unavailable";
  /** The syscall number used (__NR_getrandom of this architecture). */
  readonly syscall?: number;
  readonly errno?: number;
  readonly bytes?: number;
  readonly reason?: string;
}

/** A device node on the live host: stat with its device number, then an open. */
export interface DeviceProbe {
  readonly path: string;
  readonly kind: "char" | "block" | "file" | "dir" | "other" | "missing";
  readonly major?: number;
  readonly minor?: number;
  /** It opened (for /dev/urandom: and 16 bytes were read). */
  readonly usable?: boolean;
  readonly error?: string;
}

/**
 * Facts only the live host gives, stored by `collect` in facts.json under
 * {@link KERNEL_LIVE_FACTS_KEY} and handed back on `host --root DIR`.
 */
export interface KernelLiveFacts extends KernelBootFacts {
  readonly collectedAt: string;
  readonly getrandom: GetrandomProbe;
  readonly urandom: DeviceProbe;
  readonly random: DeviceProbe;
  readonly limits: LimitsLiveFacts;
  /** What could not be gathered. */
  readonly errors: readonly string[];
}

export const KERNEL_LIVE_FACTS_KEY = "kernel";

/**
 * __NR_getrandom per Node architecture (the kernel's syscall tables:
 * arch/x86/entry/syscalls/syscall_64.tbl 318, syscall_32.tbl 355, arm 384,
 * powerpc 359, s390 349; asm-generic/unistd.h 278 for arm64, riscv64, loong64).
 */
export const GETRANDOM_SYSCALL: Readonly<Record<string, number>> = {
  x64: 318,
  ia32: 355,
  arm64: 278,
  arm: 384,
  ppc64: 359,
  s390x: 349,
  riscv64: 278,
  loong64: 278,
};
const GRND_NONBLOCK = 1;

type SyscallFn = (nr: number, ...args: unknown[]) => number | bigint;
let syscallFn: SyscallFn | undefined;

/**
 * Calls getrandom(buf, 16, GRND_NONBLOCK) through syscall(2) — the raw
 * syscall, not glibc's wrapper, so the answer is the kernel's. `syscall`
 * overrides the number (tests use one no kernel has, to see ENOSYS).
 */
export function probeGetrandom(options: { readonly syscall?: number } = {}): GetrandomProbe {
  const nr = options.syscall ?? GETRANDOM_SYSCALL[process.arch];
  if (nr === undefined) {
    return {
      result: "unavailable",
      reason: `no getrandom syscall number known for ${process.arch}`,
    };
  }
  const f = tryFfi();
  if (f instanceof Error) return { result: "unavailable", syscall: nr, reason: f.message };
  try {
    syscallFn ??= f.libc.func("long syscall(long number, ...)") as SyscallFn;
    const buf = Buffer.alloc(16);
    f.koffi.errno(0);
    const r = Number(
      syscallFn(nr, "void *", buf, "size_t", buf.length, "unsigned int", GRND_NONBLOCK),
    );
    if (r >= 0) return { result: "ok", syscall: nr, bytes: r };
    const errno = f.errno();
    const result =
      errno === osc.errno.ENOSYS ? "ENOSYS" : errno === osc.errno.EAGAIN ? "EAGAIN" : "error";
    return { result, syscall: nr, errno };
  } catch (e) {
    return { result: "unavailable", syscall: nr, reason: messageOf(e) };
  }
}

/**
 * stat (with the device number, which HostView's PathStat does not carry)
 * and open a device node of the live host, read-only; for `read`, 16 bytes.
 */
export function probeDevice(path: string, read: boolean): DeviceProbe {
  let st;
  try {
    st = statSync(path, { bigint: true });
  } catch (e) {
    const code = typeof e === "object" && e !== null && "code" in e ? String(e.code) : "";
    return code === "ENOENT"
      ? { path, kind: "missing" }
      : { path, kind: "other", error: messageOf(e) };
  }
  const kind = st.isCharacterDevice()
    ? "char"
    : st.isBlockDevice()
      ? "block"
      : st.isFile()
        ? "file"
        : st.isDirectory()
          ? "dir"
          : "other";
  // glibc's gnu_dev_major/gnu_dev_minor (sysdeps/unix/sysv/linux/sys/sysmacros.h).
  const major = Number(((st.rdev >> 8n) & 0xfffn) | ((st.rdev >> 32n) & 0xfffff000n));
  const minor = Number((st.rdev & 0xffn) | ((st.rdev >> 12n) & 0xffffff00n));
  const dev = kind === "char" || kind === "block" ? { major, minor } : {};
  let fd: number | undefined;
  try {
    fd = openSync(path, fsc.O_RDONLY | fsc.O_NONBLOCK | fsc.O_NOCTTY);
    if (read) {
      const n = readSync(fd, Buffer.alloc(16), 0, 16, null);
      if (n !== 16) return { path, kind, ...dev, usable: false, error: `read returned ${n} bytes` };
    }
    return { path, kind, ...dev, usable: true };
  } catch (e) {
    return { path, kind, ...dev, usable: false, error: messageOf(e) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Everything the kernel, libc and limits checks need from the live host. Never throws. */
export function gatherKernelLive(
  options: { readonly limits?: GatherLimitsOptions } = {},
): KernelLiveFacts {
  const view = new View("/");
  const errors: string[] = [];
  const text = (p: string): string | undefined => {
    try {
      return view.readText(p, 1024 * 1024);
    } catch (e) {
      errors.push(messageOf(e));
      return undefined;
    }
  };
  const btime = /^btime\s+(\d+)$/m.exec(text("/proc/stat") ?? "")?.[1];
  const cmdline = text("/proc/cmdline")?.trim();
  let fipsEnabled: boolean | undefined;
  if (view.kind("/proc/sys/crypto/fips_enabled") === "file") {
    const v = text("/proc/sys/crypto/fips_enabled")?.trim();
    if (v !== undefined && v !== "") fipsEnabled = v !== "0";
  }
  return {
    collectedAt: new Date().toISOString(),
    uname: { sysname: osType(), release: release(), version: osVersion(), machine: machine() },
    ...(btime === undefined ? {} : { bootTimeMs: Number(btime) * 1000 }),
    ...(cmdline === undefined ? {} : { cmdline }),
    ...(fipsEnabled === undefined ? {} : { fipsEnabled }),
    getrandom: probeGetrandom(),
    urandom: probeDevice("/dev/urandom", true),
    random: probeDevice("/dev/random", false),
    limits: gatherLimitsLive(options.limits),
    errors,
  };
}

const isObj = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x);
const optional = (x: unknown, type: "string" | "number" | "boolean"): boolean =>
  x === undefined || typeof x === type;
const RESULTS = new Set(["ok", "ENOSYS", "EAGAIN", "error", "unavailable"]);
const KINDS = new Set(["char", "block", "file", "dir", "other", "missing"]);
const isLimit = (x: unknown): boolean =>
  x === undefined ||
  (isObj(x) &&
    (x.soft === null || typeof x.soft === "number") &&
    (x.hard === null || typeof x.hard === "number"));
const isProcess = (x: unknown): boolean =>
  isObj(x) &&
  typeof x.pid === "number" &&
  typeof x.comm === "string" &&
  optional(x.openFds, "number") &&
  optional(x.error, "string") &&
  isLimit(x.nofile);
const isDevice = (x: unknown): boolean =>
  isObj(x) &&
  typeof x.path === "string" &&
  KINDS.has(String(x.kind)) &&
  optional(x.major, "number") &&
  optional(x.minor, "number");

/**
 * Checks that facts read back from a snapshot's facts.json (which anyone can
 * edit) have the shape {@link gatherKernelLive} writes; the analyses trust it.
 * Returns the reason it is refused, or undefined when it is usable.
 */
export function kernelLiveFactsProblem(x: unknown): string | undefined {
  if (!isObj(x)) return "not an object";
  const u = x.uname;
  if (
    !isObj(u) ||
    !["sysname", "release", "version", "machine"].every((k) => typeof u[k] === "string")
  )
    return "uname is missing or not four strings";
  if (
    !optional(x.bootTimeMs, "number") ||
    !optional(x.cmdline, "string") ||
    !optional(x.fipsEnabled, "boolean")
  )
    return "bootTimeMs, cmdline or fipsEnabled has the wrong type";
  if (!isObj(x.getrandom) || !RESULTS.has(String(x.getrandom.result)))
    return "getrandom.result is not a known result";
  if (!isDevice(x.urandom) || !isDevice(x.random)) return "urandom or random is not a device probe";
  const l = x.limits;
  if (!isObj(l) || !isProcess(l.self) || !Array.isArray(l.daemons) || !l.daemons.every(isProcess))
    return "limits.self or limits.daemons is malformed";
  if (
    l.fileNr !== undefined &&
    !(
      Array.isArray(l.fileNr) &&
      l.fileNr.length === 3 &&
      l.fileNr.every((n) => typeof n === "number")
    )
  )
    return "limits.fileNr is not three numbers";
  if (!Array.isArray(l.errors) || !Array.isArray(x.errors)) return "errors are not lists";
  return undefined;
}
