import { ElfError, isElfError } from "../parse/errors.js";
import { ElfView } from "../parse/view.js";

/**
 * A pure, bounded reader for glibc's /etc/ld.so.cache (all three layouts
 * ldconfig writes: old, new, and old-with-new-inside "compat"), in either
 * byte order. Every count is checked against the file size before it is
 * used; every malformed input ends in an {@link ElfError}.
 */

export interface LdCacheEntry {
  readonly key: string;
  readonly value: string;
  readonly flags: number;
  /** ldconfig -p's label, e.g. "libc6,x86-64". */
  readonly arch: string;
  /** 0n for old-format entries. */
  readonly hwcap: bigint;
  /** e.g. "x86-64-v3": the entry is for `glibc-hwcaps/<name>/`. */
  readonly hwcapsSubdir?: string;
  readonly osVersion: number;
}

export interface LdCache {
  readonly format: "old" | "new" | "compat";
  readonly endian: "little" | "big";
  /** In file order (ldconfig sorts them; ld.so binary-searches that order). */
  readonly entries: readonly LdCacheEntry[];
  readonly generator?: string;
  readonly hwcapsSubdirs: readonly string[];
}

type Endian = LdCache["endian"];

const OLD_MAGIC = "ld.so-1.7.0";
const NEW_MAGIC = "glibc-ld.so.cache1.1";
const OLD_HEADER = 16;
const OLD_ENTRY = 12;
const NEW_HEADER = 48;
const NEW_ENTRY = 24;
const EXT_MAGIC = 0xeaa42174;
const EXT_SECTION = 16;
const TAG_GENERATOR = 0;
const TAG_GLIBC_HWCAPS = 1;
/** DL_CACHE_HWCAP_EXTENSION: the low 32 bits index the glibc-hwcaps array. */
const HWCAP_EXTENSION = 1n << 62n;

/** flags & FLAG_TYPE_MASK (0x00ff), as ldconfig -p names it. */
const TYPE_LABELS = ["libc4", "ELF", "libc5", "libc6"];
/** flags & FLAG_REQUIRED_MASK (0xff00): glibc's ldconfig.h FLAG_* values. */
const REQUIRED_LABELS: ReadonlyMap<number, string> = new Map([
  [0x0100, ",64bit"], // FLAG_SPARC_LIB64
  [0x0200, ",IA-64"], // FLAG_IA64_LIB64
  [0x0300, ",x86-64"], // FLAG_X8664_LIB64
  [0x0400, ",64bit"], // FLAG_S390_LIB64
  [0x0500, ",64bit"], // FLAG_POWERPC_LIB64
  [0x0600, ",N32"], // FLAG_MIPS64_LIBN32
  [0x0700, ",64bit"], // FLAG_MIPS64_LIBN64
  [0x0800, ",x32"], // FLAG_X8664_LIBX32
  [0x0900, ",hard-float"], // FLAG_ARM_LIBHF
  [0x0a00, ",AArch64"], // FLAG_AARCH64_LIB64
  [0x0b00, ",soft-float"], // FLAG_ARM_LIBSF
  [0x0c00, ",nan2008"], // FLAG_MIPS_LIB32_NAN2008
  [0x0d00, ",N32,nan2008"], // FLAG_MIPS64_LIBN32_NAN2008
  [0x0e00, ",64bit,nan2008"], // FLAG_MIPS64_LIBN64_NAN2008
  [0x0f00, ",soft-float"], // FLAG_RISCV_FLOAT_ABI_SOFT
  [0x1000, ",double-float"], // FLAG_RISCV_FLOAT_ABI_DOUBLE
  // FLAG_LARCH_FLOAT_ABI_SOFT (0x1100) and _DOUBLE (0x1200) have no case in
  // ldconfig's print_entry (2.36 prints ",4352" and ",4608"); nor here.
]);

function archLabel(flags: number): string {
  const required = flags & 0xff00;
  const suffix = required === 0 ? "" : (REQUIRED_LABELS.get(required) ?? `,${required}`);
  return (TYPE_LABELS[flags & 0xff] ?? "unknown") + suffix;
}

export function parseLdSoCache(bytes: Uint8Array, options: { file?: string } = {}): LdCache {
  try {
    return parse(bytes);
  } catch (e) {
    const err = isElfError(e)
      ? e
      : new ElfError("ld.so.cache", 0, `unexpected failure: ${String(e)}`, { cause: e });
    throw options.file === undefined ? err : err.withFile(options.file);
  }
}

function hasMagic(bytes: Uint8Array, at: number, magic: string): boolean {
  if (at + magic.length > bytes.length) return false;
  for (let i = 0; i < magic.length; i++) {
    if (bytes[at + i] !== magic.charCodeAt(i)) return false;
  }
  return true;
}

function view(bytes: Uint8Array, endian: Endian): ElfView {
  return new ElfView(bytes, endian === "little");
}

function fail(path: string, at: number, problem: string): never {
  throw new ElfError(path, at, problem);
}

/** Throws unless `count` (read at `at`) records of `size` bytes fit from `start` to the end. */
function checkCount(
  v: ElfView,
  count: number,
  size: number,
  start: number,
  path: string,
  at: number,
): void {
  if (start > v.length || (v.length - start) / size < count) {
    fail(
      path,
      at,
      `${count} records of ${size} bytes from offset ${start} exceed the ${v.length}-byte file`,
    );
  }
}

/**
 * Without an endianness marker, the order whose counts and first entries are
 * plausible wins (a byte-swapped count or offset is nearly always far larger
 * than the file); a tie (an empty cache) goes to little-endian.
 */
function guessEndian(bytes: Uint8Array, plausible: (v: ElfView) => number): Endian {
  return plausible(view(bytes, "big")) > plausible(view(bytes, "little")) ? "big" : "little";
}

/** 1 + the number of sane flags/key/value fields in the first entries, or 0 if `n` cannot fit. */
function plausibility(v: ElfView, n: number, first: number, size: number, strBase: number): number {
  if (first > v.length || (v.length - first) / size < n) return 0;
  let score = 1;
  for (let i = 0, at = first; i < Math.min(n, 8); i++, at += size) {
    if (v.u32(at, "") <= 0xffff) score++;
    if (strBase + v.u32(at + 4, "") < v.length) score++;
    if (strBase + v.u32(at + 8, "") < v.length) score++;
  }
  return score;
}

/** Reads `n` entries of `size` (12: file_entry, 24: file_entry_new) from `first`. */
function readEntries(
  v: ElfView,
  n: number,
  first: number,
  size: number,
  strBase: number,
  hwcaps: readonly string[],
): LdCacheEntry[] {
  const entries: LdCacheEntry[] = [];
  for (let i = 0, at = first; i < n; i++, at += size) {
    const path = `ld.so.cache.entries[${i}]`;
    const flags = v.i32(at, `${path}.flags`);
    const key = v.cstring(strBase + v.u32(at + 4, `${path}.key`), v.length, `${path}.key`);
    const value = v.cstring(strBase + v.u32(at + 8, `${path}.value`), v.length, `${path}.value`);
    const osVersion = size === NEW_ENTRY ? v.u32(at + 12, `${path}.osversion`) : 0;
    const hwcap = size === NEW_ENTRY ? v.u64big(at + 16, `${path}.hwcap`) : 0n;
    // An index past the hwcaps array is ignored, as ld.so and ldconfig -p do.
    const subdir =
      (hwcap & HWCAP_EXTENSION) !== 0n ? hwcaps[Number(hwcap & 0xffffffffn)] : undefined;
    const entry = { key, value, flags, arch: archLabel(flags), hwcap, osVersion };
    entries.push(subdir === undefined ? entry : { ...entry, hwcapsSubdir: subdir });
  }
  return entries;
}

function parse(bytes: Uint8Array): LdCache {
  if (hasMagic(bytes, 0, NEW_MAGIC)) return parseNew(bytes, 0, "new");
  if (!hasMagic(bytes, 0, OLD_MAGIC)) {
    fail("ld.so.cache.magic", 0, `neither "${OLD_MAGIC}" nor "${NEW_MAGIC}"`);
  }
  // compat: the new cache sits where the old string table starts, aligned to
  // 8 (4 on ABIs where uint64_t is 4-aligned; ldconfig pads the old count to
  // an even number so both agree). Either byte order may have written it.
  if (bytes.length >= OLD_HEADER) {
    for (const endian of ["little", "big"] as const) {
      const n = view(bytes, endian).u32(12, "ld.so.cache.nlibs");
      if ((bytes.length - OLD_HEADER) / OLD_ENTRY < n) continue;
      const end = OLD_HEADER + n * OLD_ENTRY;
      for (const at of [Math.ceil(end / 8) * 8, end]) {
        if (hasMagic(bytes, at, NEW_MAGIC)) return parseNew(bytes, at, "compat");
      }
    }
  }
  return parseOld(bytes);
}

/**
 * The old format (libc5, glibc 2.0/2.1), all fields in the writer's order:
 *
 *   struct cache_file { char magic[11] = "ld.so-1.7.0"; uint32 nlibs;   // at 12
 *                       struct file_entry libs[nlibs]; }               // at 16
 *   struct file_entry { int32 flags; uint32 key, value; }
 *
 * then the string table; key/value are offsets from its start (the end of
 * libs[]). Strings are NUL-terminated and may run to the end of the file.
 */
function parseOld(bytes: Uint8Array): LdCache {
  new ElfView(bytes, true).need(0, OLD_HEADER, "ld.so.cache.header");
  const endian = guessEndian(bytes, (v) => {
    const n = v.u32(12, "");
    return plausibility(v, n, OLD_HEADER, OLD_ENTRY, OLD_HEADER + n * OLD_ENTRY);
  });
  const v = view(bytes, endian);
  const n = v.u32(12, "ld.so.cache.nlibs");
  checkCount(v, n, OLD_ENTRY, OLD_HEADER, "ld.so.cache.nlibs", 12);
  const entries = readEntries(v, n, OLD_HEADER, OLD_ENTRY, OLD_HEADER + n * OLD_ENTRY, []);
  return { format: "old", endian, entries, hwcapsSubdirs: [] };
}

/**
 * The new format (glibc >= 2.2), at `base` (0, or after the old cache in
 * the compat layout):
 *
 *   struct cache_file_new {
 *     char magic[17] = "glibc-ld.so.cache"; char version[3] = "1.1";
 *     uint32 nlibs;              // at 20
 *     uint32 len_strings;        // at 24
 *     uint8  flags;              // at 28: & 3 = 0 unset, 1 invalid, 2 little, 3 big (glibc >= 2.33)
 *     uint8  padding[3];
 *     uint32 extension_offset;   // at 32: from the start of the FILE; 0 = none
 *     uint32 unused[3];
 *     struct file_entry_new libs[nlibs];   // at 48, then len_strings bytes of strings
 *   };
 *   struct file_entry_new { int32 flags; uint32 key, value; uint32 osversion_unused; uint64 hwcap; };
 *
 * key/value are offsets from `base`.
 */
function parseNew(bytes: Uint8Array, base: number, format: "new" | "compat"): LdCache {
  new ElfView(bytes, true).need(base, NEW_HEADER, "ld.so.cache.header");
  const marker = (bytes[base + 28] ?? 0) & 3;
  if (marker === 1) fail("ld.so.cache.flags", base + 28, "the cache is marked invalid (endian 1)");
  const endian: Endian =
    marker === 2
      ? "little"
      : marker === 3
        ? "big"
        : guessEndian(bytes, (v) => {
            const n = v.u32(base + 20, "");
            const room = v.length - base - NEW_HEADER - n * NEW_ENTRY;
            const ext = v.u32(base + 32, "");
            const extOk = ext === 0 || (ext % 4 === 0 && ext + 8 <= v.length);
            if (room < v.u32(base + 24, "") || !extOk) return 0;
            return plausibility(v, n, base + NEW_HEADER, NEW_ENTRY, base);
          });
  const v = view(bytes, endian);
  const n = v.u32(base + 20, "ld.so.cache.nlibs");
  checkCount(v, n, NEW_ENTRY, base + NEW_HEADER, "ld.so.cache.nlibs", base + 20);
  const strings = base + NEW_HEADER + n * NEW_ENTRY;
  const lenStrings = v.u32(base + 24, "ld.so.cache.len_strings");
  if (lenStrings > v.length - strings) {
    fail(
      "ld.so.cache.len_strings",
      base + 24,
      `${lenStrings} bytes from ${strings} exceed the file`,
    );
  }
  const ext = readExtensions(v, v.u32(base + 32, "ld.so.cache.extension_offset"), base);
  const entries = readEntries(v, n, base + NEW_HEADER, NEW_ENTRY, base, ext.hwcapsSubdirs);
  return { format, endian, entries, ...ext };
}

/**
 * The extension directory (glibc >= 2.33), at extension_offset from the
 * start of the file, 4-aligned:
 *
 *   struct cache_extension { uint32 magic = 0xeaa42174; uint32 count;
 *                            struct cache_extension_section sections[count]; };
 *   struct cache_extension_section { uint32 tag, flags, offset, size; };  // offset from the file start
 *
 * Tag 0: the generator string (size bytes, no NUL). Tag 1: uint32 string
 * offsets of the glibc-hwcaps subdirectory names, sorted; 4-aligned, size a
 * non-zero multiple of 4, or ignored as ld.so does. ldconfig writes those
 * offsets relative to the new header (like key/value), which we follow;
 * glibc's readers add them to the file start, wrong in the compat layout.
 * Unknown tags are skipped; of a repeated tag the last one counts.
 */
function readExtensions(
  v: ElfView,
  offset: number,
  base: number,
): Pick<LdCache, "generator" | "hwcapsSubdirs"> {
  if (offset === 0) return { hwcapsSubdirs: [] };
  const field = "ld.so.cache.extension_offset";
  if (offset % 4 !== 0) fail(field, base + 32, `${offset} is not 4-aligned`);
  if (offset + 8 > v.length) fail(field, base + 32, `${offset} + 8 is past the end of the file`);
  const magic = v.u32(offset, "ld.so.cache.extension.magic");
  if (magic !== EXT_MAGIC) fail("ld.so.cache.extension.magic", offset, `0x${magic.toString(16)}`);
  const count = v.u32(offset + 4, "ld.so.cache.extension.count");
  checkCount(v, count, EXT_SECTION, offset + 8, "ld.so.cache.extension.count", offset + 4);
  let generator: string | undefined;
  let hwcapsSubdirs: string[] = [];
  for (let i = 0, at = offset + 8; i < count; i++, at += EXT_SECTION) {
    const path = `ld.so.cache.extension.sections[${i}]`;
    const tag = v.u32(at, `${path}.tag`);
    const start = v.u32(at + 8, `${path}.offset`);
    const size = v.u32(at + 12, `${path}.size`);
    if (start + size > v.length)
      fail(path, at, `data [${start}, ${start + size}) exceeds the file`);
    if (tag === TAG_GENERATOR) generator = latin1(v.bytes.subarray(start, start + size));
    if (tag !== TAG_GLIBC_HWCAPS) continue;
    hwcapsSubdirs = [];
    if (size === 0 || start % 4 !== 0 || size % 4 !== 0) continue;
    for (let j = 0; j < size / 4; j++) {
      const name = `ld.so.cache.hwcaps[${j}]`;
      hwcapsSubdirs.push(v.cstring(base + v.u32(start + 4 * j, name), v.length, name));
    }
  }
  return generator === undefined ? { hwcapsSubdirs } : { generator, hwcapsSubdirs };
}

function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode(...b.subarray(i, i + 4096));
  return s;
}
