import { TlsDoctorError } from "../core/index.js";
import {
  DF_1,
  DT,
  EM,
  hashKey,
  PT,
  SHN_UNDEF,
  SHT,
  type ElfFile,
  type ElfSymbolTable,
} from "./parse/index.js";

/**
 * The exploit mitigations an ELF object was built with, in the terms of
 * checksec(1) (slimm609's checksec.sh, Debian's 2.6.0) but read from
 * tlsdoctor's own ELF model. Where the answers differ from checksec's, the
 * field's comment says how; src/test/integration/elf-checksec.test.ts
 * measures the differences on /usr/bin and /usr/sbin.
 *
 * Symbols come from .dynsym only (tlsdoctor does not read .symtab). checksec
 * greps `readelf -s`, which prints .symtab too; for a dynamically linked
 * object that changes nothing (every import is in .dynsym), but for a static
 * executable with a .symtab checksec sees libc's own definitions.
 */

export type RelroLevel = "none" | "partial" | "full";
export type PieKind = "pie" | "no-pie" | "dso" | "rel" | "static-pie";

export interface Hardening {
  /**
   * - `no-pie`: ET_EXEC.
   * - `pie`: ET_DYN with DF_1_PIE (binutils ≥ 2.26, gold, lld, mold) or, for
   *   older linkers, DT_DEBUG (which ld only gives executables), and a
   *   PT_INTERP.
   * - `static-pie`: the same without PT_INTERP (`gcc -static-pie`; glibc's
   *   `_dl_relocate_static_pie` relocates it).
   * - `dso`: any other ET_DYN (a shared library, even one with a PT_INTERP
   *   that runs as a program, like libc.so.6).
   * - `rel`: ET_REL (an object file).
   *
   * checksec: ET_DYN is "PIE enabled" if and only if `readelf -d` prints the
   * word DEBUG anywhere, so it calls a PIE without DT_DEBUG a DSO, and a
   * static PIE "PIE enabled".
   */
  readonly pie: PieKind;
  /**
   * `none` without PT_GNU_RELRO; `full` with it and {@link bindNow} (ld
   * then puts .got.plt inside the RELRO segment, and ld.so resolves every
   * symbol before it mprotects the segment); `partial` otherwise. A static
   * executable (no PT_DYNAMIC) with PT_GNU_RELRO is `partial`: glibc does
   * protect it (`_dl_non_dynamic_init`), but without `-z now` ld leaves
   * .got.plt (the IRELATIVE slots) outside it, and with `-z now` there is no
   * dynamic section to say so — checksec answers the same.
   */
  readonly relro: RelroLevel;
  /**
   * DT_BIND_NOW, DF_BIND_NOW or DF_1_NOW: ld.so honours all three (glibc's
   * get-dynamic-info.h turns DF_1_NOW into DT_BIND_NOW). checksec greps
   * `readelf -d` for "BIND_NOW" and so misses an object with only DF_1_NOW
   * (readelf prints "Flags: NOW"), calling its RELRO partial.
   */
  readonly bindNow: boolean;
  /**
   * PT_GNU_STACK present and without PF_X. When it is absent the answer is
   * false, as checksec's: glibc's ld.so then takes the object to need an
   * executable stack on most architectures (DEFAULT_STACK_PERMS includes
   * PF_X on x86 and x86-64, ARM, PowerPC, s390 …; AArch64, ARC and Nios II
   * default to non-executable) and makes the thread stacks executable when
   * it loads such a library. The kernel differs by architecture: since Linux
   * 5.8 an x86-64 program without PT_GNU_STACK gets a non-executable initial
   * stack, a 32-bit x86 one READ_IMPLIES_EXEC. An ET_REL object has no
   * program headers, so false (ld reads its .note.GNU-stack section). checksec
   * looks for "RWE" in readelf's flags, so it calls a stack with flags `R E`
   * (no PF_W) non-executable; here PF_X alone decides, as in the kernel.
   */
  readonly nxStack: boolean;
  /**
   * A dynamic symbol (imported, or for libc itself defined) named
   * `__stack_chk_fail`, `__stack_chk_guard` (the canary on architectures
   * that keep it in a global, or with `-mstack-protector-guard=global`) or
   * `__intel_security_cookie` (icc). checksec matches those as substrings in
   * `.dynsym` and `.symtab`, so a static binary that still has its
   * `.symtab` shows libc's `__stack_chk_fail` there and is "Canary found"
   * even when only libc was built with the protector.
   */
  readonly stackProtector: boolean;
  /**
   * Imported (undefined) dynamic symbols. `fortified`: the `__X_chk` names
   * with X in {@link FORTIFIABLE}; `fortifiable`: the plain names X (and
   * `_longjmp`, `siglongjmp`, which fortification also turns into
   * `__longjmp_chk`). Both sorted, without duplicates. A fortified build
   * still imports plain `memcpy` wherever GCC could prove the size, so
   * "fortifiable" is not "unprotected". checksec counts the names of every
   * .dynsym entry (defined ones too, after stripping leading underscores
   * and the version, with duplicates), its "Fortifiable" being fortified +
   * plain, from the `_chk` list of the host's libc.
   */
  readonly fortify: {
    readonly fortified: readonly string[];
    readonly fortifiable: readonly string[];
  };
  /** GNU_PROPERTY_X86_FEATURE_1_AND (IBT 1, SHSTK 2); false on other machines. */
  readonly cet: { readonly ibt: boolean; readonly shstk: boolean };
  /** AArch64 only: GNU_PROPERTY_AARCH64_FEATURE_1_AND BTI (bit 0). */
  readonly bti?: boolean;
  /** AArch64 only: GNU_PROPERTY_AARCH64_FEATURE_1_AND PAC (bit 1). */
  readonly pac?: boolean;
  /**
   * DT_RPATH split at `:`, unexpanded (`$ORIGIN` kept). Empty elements are
   * kept: ld.so searches the current directory for them. An empty DT_RPATH
   * string is `[""]` (one element, the current directory); checksec says
   * "No RPATH" for it.
   */
  readonly rpath: readonly string[];
  /** DT_RUNPATH, split as {@link rpath}. */
  readonly runpath: readonly string[];
  /** DT_TEXTREL or DF_TEXTREL: relocations against read-only segments. */
  readonly textrel: boolean;
  /** Whether a SHT_SYMTAB section exists (checksec: `readelf -s` names `.symtab`). */
  readonly symbols: "stripped" | "symbols";
}

/**
 * The glibc functions with a `_chk` variant: every `__X_chk` that glibc
 * 2.36 (Debian 12's libc6 2.36-9+deb12u14, x86_64) exports with a default
 * version, with `_chk` removed: 79 names, as listed by checksec's own
 * extraction (with `|` for its `/`):
 *
 *     readelf -W --dyn-syms /lib/x86_64-linux-gnu/libc.so.6 |
 *       sed -ne 's|.*__\(.*_chk\)@@.*|\1|p'
 *
 * `fdelt` has no plain function (`__fdelt_chk` checks FD_SET's argument);
 * `longjmp` becomes `__longjmp_chk`. Later glibc adds e.g. `strlcpy` and
 * `strlcat` (2.38).
 */
export const FORTIFIABLE: ReadonlySet<string> = new Set([
  "asprintf",
  "confstr",
  "dprintf",
  "explicit_bzero",
  "fdelt",
  "fgets",
  "fgets_unlocked",
  "fgetws",
  "fgetws_unlocked",
  "fprintf",
  "fread",
  "fread_unlocked",
  "fwprintf",
  "getcwd",
  "getdomainname",
  "getgroups",
  "gethostname",
  "getlogin_r",
  "gets",
  "getwd",
  "longjmp",
  "mbsnrtowcs",
  "mbsrtowcs",
  "mbstowcs",
  "memcpy",
  "memmove",
  "mempcpy",
  "memset",
  "obstack_printf",
  "obstack_vprintf",
  "poll",
  "ppoll",
  "pread64",
  "pread",
  "printf",
  "ptsname_r",
  "read",
  "readlink",
  "readlinkat",
  "realpath",
  "recv",
  "recvfrom",
  "snprintf",
  "sprintf",
  "stpcpy",
  "stpncpy",
  "strcat",
  "strcpy",
  "strncat",
  "strncpy",
  "swprintf",
  "syslog",
  "ttyname_r",
  "vasprintf",
  "vdprintf",
  "vfprintf",
  "vfwprintf",
  "vprintf",
  "vsnprintf",
  "vsprintf",
  "vswprintf",
  "vsyslog",
  "vwprintf",
  "wcpcpy",
  "wcpncpy",
  "wcrtomb",
  "wcscat",
  "wcscpy",
  "wcsncat",
  "wcsncpy",
  "wcsnrtombs",
  "wcsrtombs",
  "wcstombs",
  "wctomb",
  "wmemcpy",
  "wmemmove",
  "wmempcpy",
  "wmemset",
  "wprintf",
]);

/**
 * Imports that _FORTIFY_SOURCE replaces with a `_chk` function of another
 * name: glibc's bits/setjmp2.h redirects `_longjmp` and `siglongjmp`, like
 * `longjmp`, to `__longjmp_chk`. They count as fortifiable under their own
 * names.
 */
const FORTIFY_ALIASES: ReadonlySet<string> = new Set(["_longjmp", "siglongjmp"]);

const ET_REL = 1;
const ET_EXEC = 2;
const ET_DYN = 3;
const PF_X = 1;
const CANARY_SYMBOLS: ReadonlySet<string> = new Set([
  "__stack_chk_fail",
  "__stack_chk_guard",
  "__intel_security_cookie",
]);
const [CANARY_KEY_1, CANARY_KEY_2, CANARY_KEY_3] = [...CANARY_SYMBOLS].map(hashKey) as [
  number,
  number,
  number,
];
/**
 * The imports that count without a `__` prefix (the fortifiable names and
 * their aliases; the canaries and `__…_chk` functions start with `__`): by
 * first byte, then by hash key, so any other name is decided undecoded.
 */
const PLAIN_IMPORTS = [...FORTIFIABLE, ...FORTIFY_ALIASES];
const PLAIN_FIRST_BYTES = new Uint8Array(256);
for (const n of PLAIN_IMPORTS) PLAIN_FIRST_BYTES[n.charCodeAt(0)] = 1;
const PLAIN_IMPORT_KEYS: ReadonlySet<number> = new Set(PLAIN_IMPORTS.map(hashKey));

/**
 * The hardening facts of one parsed ELF object. Pure. Throws a
 * TlsDoctorError (TLSD_PARSE) for an e_type that is not an object
 * (ET_CORE, ET_NONE, OS- or processor-specific types).
 */
export function hardeningOf(elf: ElfFile): Hardening {
  let h = memo.get(elf);
  if (h === undefined) {
    h = computeHardening(elf);
    memo.set(elf, h);
  }
  return h;
}

/** One answer per parsed file: a sweep asks about each library once per program that loads it. */
const memo = new WeakMap<ElfFile, Hardening>();

function computeHardening(elf: ElfFile): Hardening {
  const dyn = elf.dynamic;
  const has = (type: number): boolean => elf.programHeaders.some((p) => p.type === type);
  const stack = elf.programHeaders.find((p) => p.type === PT.GNU_STACK);
  const bindNow = dyn?.bindNow ?? false;

  const { stackProtector, fortified, fortifiable } = importFacts(elf.symbolTable);

  const x86 = elf.machine === EM.X86_64 || elf.machine === EM.I386;
  const x86f = x86 ? (elf.gnuProperties.x86Feature1 ?? 0) : 0;
  const aarch64 = elf.machine === EM.AARCH64;
  const a64f = elf.gnuProperties.aarch64Feature1 ?? 0;

  return {
    pie: pieKind(elf),
    relro: has(PT.GNU_RELRO) ? (bindNow ? "full" : "partial") : "none",
    bindNow,
    nxStack: stack !== undefined && (stack.flags & PF_X) === 0,
    stackProtector,
    fortify: { fortified, fortifiable },
    cet: { ibt: (x86f & 1) !== 0, shstk: (x86f & 2) !== 0 },
    ...(aarch64 ? { bti: (a64f & 1) !== 0, pac: (a64f & 2) !== 0 } : {}),
    rpath: splitPath(dyn?.rpath),
    runpath: splitPath(dyn?.runpath),
    textrel: dyn?.textrel ?? false,
    symbols: elf.sections.some((s) => s.type === SHT.SYMTAB) ? "symbols" : "stripped",
  };
}

/**
 * The stack protector and FORTIFY facts of a symbol table. A function of
 * its own: V8 compiles its loop on the fly (OSR) while the first large
 * table is scanned, and code compiled so would otherwise also hold the
 * rest of computeHardening, whose first mismatch there (a file without
 * sections) threw the code away on every later call, the OSR'd loop being
 * entered again each time (hundreds of deopts in a sweep of /usr/bin and
 * /usr/sbin, BENCHMARKS.md).
 */
function importFacts(t: ElfSymbolTable): {
  stackProtector: boolean;
  fortified: string[];
  fortifiable: string[];
} {
  const fortified = new Set<string>();
  const fortifiable = new Set<string>();
  let stackProtector = false;
  for (let i = 0; i < t.count; i++) {
    // Only imports and the canary names matter. The exports (418,000 in
    // node) are ruled out by the hash key the GNU hash chains hold, read in
    // order; an import by its first bytes (and then its hash key) unless it
    // can count: undecoded either way.
    const undef = t.shndxAt(i) === SHN_UNDEF;
    if (!undef) {
      const key = t.hashKeyAt(i);
      if (key !== CANARY_KEY_1 && key !== CANARY_KEY_2 && key !== CANARY_KEY_3) continue;
    } else if (!t.nameStartsWith(i, "__")) {
      if (PLAIN_FIRST_BYTES[t.firstByteAt(i)] === 0) continue;
      if (!PLAIN_IMPORT_KEYS.has(t.hashKeyAt(i))) continue;
    }
    const name = t.nameAt(i);
    if (CANARY_SYMBOLS.has(name)) stackProtector = true;
    if (!undef || name === "") continue;
    if (FORTIFIABLE.has(name) || FORTIFY_ALIASES.has(name)) fortifiable.add(name);
    else if (name.startsWith("__") && name.endsWith("_chk")) {
      if (FORTIFIABLE.has(name.slice(2, -4))) fortified.add(name);
    }
  }

  return {
    stackProtector,
    fortified: [...fortified].sort(),
    fortifiable: [...fortifiable].sort(),
  };
}

function pieKind(elf: ElfFile): PieKind {
  switch (elf.type) {
    case ET_REL:
      return "rel";
    case ET_EXEC:
      return "no-pie";
    case ET_DYN: {
      const dyn = elf.dynamic;
      const executable =
        dyn !== undefined &&
        ((dyn.flags1 & DF_1.PIE) !== 0 || dyn.entries.some((e) => e.tag === DT.DEBUG));
      if (!executable) return "dso";
      return elf.interpreter === undefined ? "static-pie" : "pie";
    }
    default:
      throw new TlsDoctorError(
        "TLSD_PARSE",
        `e_type ${elf.type} is not a relocatable, executable or shared object`,
        { details: { structure: "e_type", type: elf.type } },
      );
  }
}

function splitPath(s: string | undefined): readonly string[] {
  return s === undefined ? [] : s.split(":");
}
