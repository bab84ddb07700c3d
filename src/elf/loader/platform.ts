import { readGlibcVersion } from "../glibc-version.js";
import type { HostView } from "../../core/index.js";
import { EM, type ElfFile } from "../parse/index.js";

/**
 * What ld.so's search depends on besides the objects themselves: the
 * system directories, $LIB and $PLATFORM, the glibc-hwcaps subdirectories
 * this CPU supports, and (glibc < 2.37) the legacy hwcap subdirectories.
 */
export interface LoaderPlatform {
  readonly systemDirs: readonly string[];
  readonly lib: string;
  readonly platform: string;
  /** glibc-hwcaps names, highest priority first (x86-64-v4 …). */
  readonly hwcaps: readonly string[];
  /** Legacy subdirectories (tls/haswell/…), most specific first; empty from glibc 2.37. */
  readonly legacySubdirs: readonly string[];
  /** ld.so.cache flags this process accepts (FLAG_ELF_LIBC6 | the arch bits). */
  readonly cacheFlags: number;
  /** glibc version read from libc.so.6 ("2.36"), when found. */
  readonly glibcVersion?: string;
  /** Assumptions made where the view could not tell (no /proc/cpuinfo …). */
  readonly notes: readonly string[];
}

const TRIPLETS: Readonly<Record<string, string>> = {
  "62/64": "x86_64-linux-gnu",
  "3/32": "i386-linux-gnu",
  "183/64": "aarch64-linux-gnu",
  "40/32": "arm-linux-gnueabihf",
  "21/64": "powerpc64-linux-gnu",
  "21/64/le": "powerpc64le-linux-gnu",
  "22/64": "s390x-linux-gnu",
  "243/64": "riscv64-linux-gnu",
};

/** Debian's multiarch triplet for an object's machine, class and byte order. */
export function multiarchTriplet(elf: ElfFile): string | undefined {
  const key = `${elf.machine}/${elf.class}`;
  if (elf.machine === EM.PPC64 && elf.endian === "little") return TRIPLETS[`${key}/le`];
  return TRIPLETS[key];
}

/** glibc's _DL_CACHE_DEFAULT_ID per ABI (sysdeps/…/dl-cache.h). */
function cacheFlagsFor(elf: ElfFile): number {
  const LIBC6 = 3;
  switch (elf.machine) {
    case EM.X86_64:
      return elf.class === 64 ? LIBC6 | 0x0300 : LIBC6 | 0x0800;
    case EM.AARCH64:
      return LIBC6 | 0x0a00;
    case EM.PPC64:
      return LIBC6 | 0x0500;
    case EM.S390:
      return elf.class === 64 ? LIBC6 | 0x0400 : LIBC6;
    case EM.ARM:
      return LIBC6 | ((elf.flags & 0x400) !== 0 ? 0x0900 : 0x0b00);
    case EM.RISCV:
      return LIBC6 | ((elf.flags & 0x6) === 0x4 ? 0x1000 : 0x0f00);
    default:
      return LIBC6;
  }
}

const X86_V2 = ["cx16", "lahf_lm", "popcnt", "sse4_1", "sse4_2", "ssse3"];
const X86_V3 = ["avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave"];
const X86_V4 = ["avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"];
const HASWELL = ["avx2", "bmi1", "bmi2", "abm", "movbe", "popcnt"];

/** Every non-empty subset of `parts`, in glibc's order: a binary count down, first part highest. */
function legacyCombinations(parts: readonly string[]): string[] {
  const out: string[] = [];
  const n = parts.length;
  for (let mask = (1 << n) - 1; mask > 0; mask--) {
    out.push(parts.filter((_, i) => (mask & (1 << (n - 1 - i))) !== 0).join("/"));
  }
  return out;
}

function glibcVersionOf(view: HostView, dirs: readonly string[]): string | undefined {
  for (const d of dirs) {
    try {
      const v = readGlibcVersion(view.readBytes(`${d}/libc.so.6`, 64 * 1024 * 1024)).version;
      if (v !== undefined) return v;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

const versionBelow = (v: string | undefined, major: number, minor: number): boolean => {
  if (v === undefined) return false;
  const [a = 0, b = 0] = v.split(".").map(Number);
  return a < major || (a === major && b < minor);
};

/** The platform of the process that `main` would start, as seen in `view`. */
export function loaderPlatform(view: HostView, main: ElfFile): LoaderPlatform {
  const notes: string[] = [];
  const triplet = multiarchTriplet(main);
  let systemDirs: string[];
  let lib: string;
  if (triplet !== undefined && view.kind(`/lib/${triplet}`) === "dir") {
    systemDirs = [`/lib/${triplet}`, `/usr/lib/${triplet}`, "/lib", "/usr/lib"];
    lib = `lib/${triplet}`;
  } else if (main.class === 64 && (main.interpreter ?? "").includes("/lib64/")) {
    systemDirs = ["/lib64", "/usr/lib64"];
    lib = "lib64";
  } else {
    systemDirs = ["/lib", "/usr/lib"];
    lib = "lib";
  }
  const glibcVersion = glibcVersionOf(view, systemDirs);
  let platform = "";
  let hwcaps: string[] = [];
  let legacyParts: string[] = ["tls"];
  const x86 = main.machine === EM.X86_64 && main.class === 64;
  let flags: Set<string> | undefined;
  try {
    const cpuinfo = view.readText("/proc/cpuinfo", 16 * 1024 * 1024);
    const line = /^flags\s*:\s*(.*)$/m.exec(cpuinfo);
    if (line?.[1]) flags = new Set(line[1].split(/\s+/));
  } catch {
    // no /proc/cpuinfo in a snapshot: assumptions below
  }
  if (x86) {
    platform = "x86_64";
    if (flags) {
      const has = (l: readonly string[]): boolean => l.every((f) => flags?.has(f));
      if (has(X86_V2)) hwcaps = ["x86-64-v2"];
      if (has(X86_V2) && has(X86_V3)) hwcaps = ["x86-64-v3", "x86-64-v2"];
      if (has(X86_V2) && has(X86_V3) && has(X86_V4))
        hwcaps = ["x86-64-v4", "x86-64-v3", "x86-64-v2"];
      legacyParts = [
        "tls",
        ...(has(HASWELL) ? ["haswell"] : []),
        ...(has(X86_V4) ? ["avx512_1"] : []),
        "x86_64",
      ];
    } else {
      hwcaps = ["x86-64-v4", "x86-64-v3", "x86-64-v2"];
      legacyParts = ["tls", "x86_64"];
      notes.push("no /proc/cpuinfo: every x86-64 glibc-hwcaps level is assumed supported");
    }
  } else {
    notes.push(
      `glibc-hwcaps subdirectories are not searched for ${main.machineName}: tlsdoctor models them for x86-64 only`,
    );
  }
  const legacySubdirs = versionBelow(glibcVersion ?? "2.36", 2, 37)
    ? legacyCombinations(legacyParts)
    : [];
  if (glibcVersion === undefined)
    notes.push(
      "glibc version unknown (no libc.so.6 in the system directories): legacy hwcap subdirectories searched as in 2.36",
    );
  return {
    systemDirs,
    lib,
    platform,
    hwcaps,
    legacySubdirs,
    cacheFlags: cacheFlagsFor(main),
    ...(glibcVersion === undefined ? {} : { glibcVersion }),
    notes,
  };
}
