/**
 * glibc and the kernel under it: the glibc version and minimum kernel read
 * from libc.so.6 itself, getrandom(2) (a real syscall on the live host, the
 * kernel release on a snapshot), /dev/urandom and /dev/random, and the
 * programs that call arc4random — which in glibc >= 2.36 aborts with
 * "Fatal glibc error: cannot get entropy for arc4random" when it has
 * neither getrandom nor a /dev/urandom it can open (seeds/003: sshd on a
 * 3.2 kernel under Debian 12).
 *
 * glibc 2.36 stdlib/arc4random.c (__arc4random_buf): getrandom(p, n, 0);
 * on ENOSYS only, poll /dev/random once, then read /dev/urandom; any other
 * failure, or a failed open, calls __libc_fatal.
 */
import type { HostView } from "../core/index.js";
import { isTlsDoctorError, messageOf, TlsDoctorError } from "../core/index.js";
import { ElfCache, loadProcess, parseElf, readGlibcVersion, type ElfFile } from "../elf/index.js";
import {
  scanArc4randomUsers,
  type Arc4randomScan,
  type Arc4randomScanOptions,
} from "./arc4random.js";
import { dpkgPackage } from "./dpkg.js";
import { kernelAtLeast, runningKernel, type KernelCheckSkip } from "./kernel.js";
import type { DeviceProbe, GetrandomProbe, KernelLiveFacts } from "./kernel-live.js";

export interface GlibcFacts {
  /** libc.so.6 as ld.so would open it. */
  readonly path: string;
  /** How it was found: `ld.so search for /bin/sh`, or `multiarch path`. */
  readonly foundVia: string;
  /** "2.36": from the banner, else the highest GLIBC_2.x version definition. */
  readonly version?: string;
  /** `GNU C Library (Debian GLIBC 2.36-9+deb12u4) stable release version 2.36.` */
  readonly banner?: string;
  readonly highestSymbolVersion?: string;
  /** NT_GNU_ABI_TAG: the oldest kernel this glibc was built for. */
  readonly minKernel?: readonly [number, number, number];
  /** libc.so.6 defines arc4random (glibc >= 2.36). */
  readonly definesArc4random: boolean;
  readonly machine: string;
  readonly packageVersion?: string;
}

const LIBC_PROBES = ["/usr/sbin/sshd", "/bin/sh", "/usr/bin/env", "/bin/ls"];
const LIBC_PATHS = [
  ...[
    "x86_64-linux-gnu",
    "aarch64-linux-gnu",
    "i386-linux-gnu",
    "arm-linux-gnueabihf",
    "powerpc64le-linux-gnu",
    "s390x-linux-gnu",
    "riscv64-linux-gnu",
  ].flatMap((t) => [`/lib/${t}/libc.so.6`, `/usr/lib/${t}/libc.so.6`]),
  "/lib64/libc.so.6",
  "/usr/lib64/libc.so.6",
  "/lib/libc.so.6",
  "/usr/lib/libc.so.6",
];

/**
 * libc.so.6 as the dynamic loader finds it for the system's own programs
 * (the elf layer's ld.so emulation on sshd, /bin/sh …), else the first of
 * the standard multiarch and lib64 paths.
 */
export function findLibc(view: HostView): { path: string; foundVia: string } | undefined {
  const files = new ElfCache(view);
  for (const prog of LIBC_PROBES) {
    try {
      if (files.get(prog)?.ok !== true) continue;
      const load = loadProcess({ files }, prog, { etcPreload: false });
      const libc = load.objects.find(
        (o) => o.elf.dynamic?.soname === "libc.so.6" || o.names.has("libc.so.6"),
      );
      if (libc) return { path: libc.path, foundVia: `ld.so search for ${prog}` };
    } catch {
      // a broken program: try the next
    }
  }
  const path = LIBC_PATHS.find((p) => view.kind(p) === "file");
  return path ? { path, foundVia: "multiarch path" } : undefined;
}

type Version = readonly [number, number, number];
const parseVersion = (v: string): Version | undefined => {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
};
const cmp = (a: Version, b: Version): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** version >= min ("2.36" >= [2, 36]); undefined when unknown. */
export function glibcAtLeast(
  version: string | undefined,
  min: readonly [number, number],
): boolean | undefined {
  const v = version === undefined ? undefined : parseVersion(version);
  return v === undefined ? undefined : cmp(v, [min[0], min[1], 0]) >= 0;
}

/** Reads the glibc facts of one libc.so.6 (TLSD_FILE or TLSD_PARSE on a bad file). */
export function readGlibc(view: HostView, path: string, foundVia = "given"): GlibcFacts {
  const bytes = view.readBytes(path, 64 * 1024 * 1024);
  let elf: ElfFile;
  try {
    elf = parseElf(bytes, { file: path });
  } catch (e) {
    if (isTlsDoctorError(e)) throw e;
    throw new TlsDoctorError("TLSD_PARSE", `Cannot parse ${path}: ${messageOf(e)}`, { cause: e });
  }
  const { version, banner, highestSymbolVersion } = readGlibcVersion(bytes, elf);
  const pkg = dpkgPackage(view, "libc6");
  return {
    path,
    foundVia,
    ...(version === undefined ? {} : { version }),
    ...(banner === undefined ? {} : { banner }),
    ...(highestSymbolVersion === undefined ? {} : { highestSymbolVersion }),
    ...(elf.abiTag && elf.abiTag.os === 0 ? { minKernel: elf.abiTag.kernel } : {}),
    definesArc4random: elf.dynamicSymbols.some((s) => s.name === "arc4random" && s.shndx !== 0),
    machine: elf.machineName,
    ...(pkg?.version === undefined ? {} : { packageVersion: pkg.version }),
  };
}

/** /dev/urandom or /dev/random as the checks see it. */
export interface EntropyDevice {
  readonly path: string;
  /**
   * ok: a character device (1:9 or 1:8 where the number is known);
   * missing; wrong: another kind or number; unusable: it would not open;
   * not-captured: a snapshot without device nodes.
   */
  readonly state: "ok" | "missing" | "wrong" | "unusable" | "not-captured";
  readonly kind: DeviceProbe["kind"];
  readonly major?: number;
  readonly minor?: number;
  readonly source: "live" | "view";
  readonly detail: string;
}

const S_IFMT = 0o170000;
const DEVICE_KINDS: Readonly<Record<number, DeviceProbe["kind"]>> = {
  0o020000: "char",
  0o060000: "block",
  0o100000: "file",
  0o040000: "dir",
};

function entropyDevice(
  view: HostView,
  path: string,
  minor: number,
  probe?: DeviceProbe,
): EntropyDevice {
  const want = `1:${minor}`;
  if (probe) {
    const num = probe.major === undefined ? "" : ` ${probe.major}:${probe.minor ?? "?"}`;
    const base = { path, kind: probe.kind, source: "live" as const };
    const dev = probe.major === undefined ? {} : { major: probe.major, minor: probe.minor ?? 0 };
    if (probe.kind === "missing")
      return { ...base, state: "missing", detail: `${path} does not exist` };
    if (probe.kind !== "char" || probe.major !== 1 || probe.minor !== minor)
      return {
        ...base,
        ...dev,
        state: "wrong",
        detail: `${path} is a ${probe.kind}${num}, not the character device ${want}`,
      };
    if (probe.usable === false)
      return {
        ...base,
        ...dev,
        state: "unusable",
        detail: `${path} ${want} does not open: ${probe.error ?? "?"}`,
      };
    return {
      ...base,
      ...dev,
      state: "ok",
      detail: `${path} is the character device ${want} and reads`,
    };
  }
  const st = view.lstat(path);
  if (!st) {
    return view.live
      ? {
          path,
          kind: "missing",
          source: "view",
          state: "missing",
          detail: `${path} does not exist`,
        }
      : {
          path,
          kind: "missing",
          source: "view",
          state: "not-captured",
          detail: `${path} is not in the snapshot (device nodes are usually not captured)`,
        };
  }
  const kind = DEVICE_KINDS[st.mode & S_IFMT] ?? "other";
  return kind === "char"
    ? {
        path,
        kind,
        source: "view",
        state: "ok",
        detail: `${path} is a character device (its number is a live fact, not checked)`,
      }
    : {
        path,
        kind,
        source: "view",
        state: "wrong",
        detail: `${path} is a ${kind}, not a character device`,
      };
}

export interface GetrandomStatus {
  /** undefined: unknown (no probe, no kernel release). */
  readonly available?: boolean;
  readonly source: "probe" | "kernel release" | "unknown";
  readonly probe?: GetrandomProbe;
  readonly detail: string;
}

export interface LibcAnalysis {
  readonly glibc?: GlibcFacts;
  readonly kernelRelease?: string;
  /** The running kernel is older than libc.so.6's NT_GNU_ABI_TAG minimum. */
  readonly kernelTooOld?: boolean;
  readonly getrandom: GetrandomStatus;
  /** glibc >= 2.36: arc4random needs getrandom, or /dev/random and /dev/urandom as fallback. */
  readonly arc4randomNeedsGetrandom: boolean;
  readonly arc4random?: Arc4randomScan;
  readonly urandom: EntropyDevice;
  readonly random: EntropyDevice;
  readonly notes: readonly string[];
  readonly skipped: readonly KernelCheckSkip[];
}

export interface AnalyseLibcOptions {
  /** Scan for arc4random users: "auto" (default) only when getrandom is not known to work. */
  readonly scanArc4random?: "auto" | "always" | "never";
  readonly scan?: Arc4randomScanOptions;
}

function getrandomStatus(
  release: string | undefined,
  probe: GetrandomProbe | undefined,
): GetrandomStatus {
  if (probe && probe.result !== "unavailable") {
    const base = { source: "probe" as const, probe };
    switch (probe.result) {
      case "ok":
        return {
          ...base,
          available: true,
          detail: `getrandom(2) works (syscall ${probe.syscall ?? "?"} returned ${probe.bytes ?? 0} bytes)`,
        };
      case "EAGAIN":
        return {
          ...base,
          available: true,
          detail:
            "getrandom(2) exists but the entropy pool is not initialised yet (EAGAIN with GRND_NONBLOCK): callers that block wait",
        };
      case "ENOSYS":
        return {
          ...base,
          available: false,
          detail: "the kernel has no getrandom(2): the syscall returns ENOSYS",
        };
      case "error":
        return {
          ...base,
          available: false,
          detail:
            probe.errno === 1
              ? "getrandom(2) is refused with EPERM: a seccomp filter (an old container runtime's default profile) blocks it, and glibc's arc4random aborts on any error but ENOSYS without trying /dev/urandom"
              : `getrandom(2) fails with errno ${probe.errno ?? "?"}`,
        };
    }
  }
  const why = probe?.reason === undefined ? "" : ` (the probe could not run: ${probe.reason})`;
  const has = release === undefined ? undefined : kernelAtLeast(release, [3, 17, 0]);
  if (has === undefined)
    return { source: "unknown", detail: `not probed and the kernel release is unknown${why}` };
  return {
    source: "kernel release",
    available: has,
    detail: has
      ? `kernel ${release} >= 3.17 has getrandom(2) (inferred from the release, not probed)${why}`
      : `kernel ${release} < 3.17 has no getrandom(2), added in Linux 3.17 (inferred from the release; an enterprise kernel may have it backported)${why}`,
  };
}

/**
 * glibc against the running kernel: its version and minimum kernel, whether
 * getrandom exists, the /dev/urandom fallback, and the programs that abort
 * when both fail.
 */
export function analyseLibc(
  view: HostView,
  live?: KernelLiveFacts,
  options: AnalyseLibcOptions = {},
): LibcAnalysis {
  const notes: string[] = [];
  const skipped: KernelCheckSkip[] = [];
  const kernelRelease = runningKernel(view, live).release;
  let glibc: GlibcFacts | undefined;
  const found = findLibc(view);
  if (!found) {
    skipped.push({
      check: "glibc version",
      reason: `no libc.so.6 found under ${view.root} (not a glibc system?)`,
    });
  } else {
    try {
      glibc = readGlibc(view, found.path, found.foundVia);
    } catch (e) {
      skipped.push({ check: "glibc version", reason: messageOf(e) });
    }
  }
  const min = glibc?.minKernel;
  const tooOld =
    min && kernelRelease !== undefined ? kernelAtLeast(kernelRelease, min) === false : undefined;
  const getrandom = getrandomStatus(kernelRelease, live?.getrandom);
  const needs = glibcAtLeast(glibc?.version, [2, 36]) ?? glibc?.definesArc4random ?? false;
  const mode = options.scanArc4random ?? "auto";
  let arc4random: Arc4randomScan | undefined;
  if (mode === "always" || (mode === "auto" && getrandom.available !== true && needs)) {
    arc4random = scanArc4randomUsers(view, options.scan);
  } else if (mode === "auto") {
    notes.push(
      getrandom.available === true
        ? "arc4random users not scanned: getrandom works"
        : "arc4random users not scanned: this glibc has no arc4random (< 2.36)",
    );
  }
  const urandom = entropyDevice(view, "/dev/urandom", 9, live?.urandom);
  const random = entropyDevice(view, "/dev/random", 8, live?.random);
  if (urandom.state === "not-captured") {
    skipped.push({ check: "/dev/urandom", reason: urandom.detail });
  }
  return {
    ...(glibc === undefined ? {} : { glibc }),
    ...(kernelRelease === undefined ? {} : { kernelRelease }),
    ...(tooOld === undefined ? {} : { kernelTooOld: tooOld }),
    getrandom,
    arc4randomNeedsGetrandom: needs,
    ...(arc4random === undefined ? {} : { arc4random }),
    urandom,
    random,
    notes,
    skipped,
  };
}
