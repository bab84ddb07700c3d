import { ElfError } from "./errors.js";
import { PT, SHT, type ElfHeader } from "./header.js";
import type { ElfDynamic, ElfDynamicEntry, ElfProgramHeader, ElfSection } from "./types.js";
import type { ElfView } from "./view.js";

/** Dynamic tags (gABI "Dynamic Section", GNU extensions from <elf.h>). */
export const DT = {
  NULL: 0,
  NEEDED: 1,
  PLTRELSZ: 2,
  HASH: 4,
  STRTAB: 5,
  SYMTAB: 6,
  RELA: 7,
  RELASZ: 8,
  RELAENT: 9,
  STRSZ: 10,
  SYMENT: 11,
  SONAME: 14,
  RPATH: 15,
  SYMBOLIC: 16,
  REL: 17,
  RELSZ: 18,
  RELENT: 19,
  PLTREL: 20,
  DEBUG: 21,
  TEXTREL: 22,
  JMPREL: 23,
  BIND_NOW: 24,
  RUNPATH: 29,
  FLAGS: 30,
  GNU_HASH: 0x6ffffef5,
  VERSYM: 0x6ffffff0,
  RELACOUNT: 0x6ffffff9,
  RELCOUNT: 0x6ffffffa,
  FLAGS_1: 0x6ffffffb,
  VERDEF: 0x6ffffffc,
  VERDEFNUM: 0x6ffffffd,
  VERNEED: 0x6ffffffe,
  VERNEEDNUM: 0x6fffffff,
  AUXILIARY: 0x7ffffffd,
  FILTER: 0x7fffffff,
} as const;

export const DF = { ORIGIN: 1, SYMBOLIC: 2, TEXTREL: 4, BIND_NOW: 8, STATIC_TLS: 0x10 } as const;
export const DF_1 = { NOW: 1, GLOBAL: 2, NODELETE: 8, INITFIRST: 0x20, PIE: 0x08000000 } as const;

/**
 * Maps a virtual address to a file offset through the PT_LOAD segments, as
 * the loader's mapping would place it; `undefined` when no segment holds it.
 */
export type AddressMapper = (vaddr: number) => number | undefined;

export function addressMapper(phdrs: readonly ElfProgramHeader[]): AddressMapper {
  const loads = phdrs.filter((p) => p.type === PT.LOAD);
  return (vaddr) => {
    for (const p of loads) {
      if (vaddr >= p.vaddr && vaddr < p.vaddr + p.filesz) return vaddr - p.vaddr + p.offset;
    }
    return undefined;
  };
}

/** Where the dynamic array is: PT_DYNAMIC, as ld.so reads it; else the SHT_DYNAMIC section. */
function dynamicRange(
  phdrs: readonly ElfProgramHeader[],
  sections: readonly ElfSection[],
): { offset: number; size: number; what: string } | undefined {
  const p = phdrs.find((x) => x.type === PT.DYNAMIC);
  if (p) return { offset: p.offset, size: p.filesz, what: "PT_DYNAMIC" };
  const s = sections.find((x) => x.type === SHT.DYNAMIC);
  if (s) return { offset: s.offset, size: s.size, what: ".dynamic" };
  return undefined;
}

/**
 * The dynamic array up to DT_NULL:
 *
 * ```
 * typedef struct { Elf_Sxword d_tag; union { Elf_Xword d_val; Elf_Addr d_ptr; } d_un; } Elf_Dyn;
 * ```
 * Returns the raw entries; string-valued tags are resolved by {@link resolveDynamic}
 * once DT_STRTAB is known.
 */
export function readDynamicEntries(
  v: ElfView,
  h: ElfHeader,
  phdrs: readonly ElfProgramHeader[],
  sections: readonly ElfSection[],
): ElfDynamicEntry[] | undefined {
  const range = dynamicRange(phdrs, sections);
  if (!range) return undefined;
  const ent = h.class === 64 ? 16 : 8;
  v.need(range.offset, range.size, `${range.what} (${range.size} bytes at offset ${range.offset})`);
  const n = Math.floor(range.size / ent);
  const out: ElfDynamicEntry[] = [];
  for (let i = 0; i < n; i++) {
    const o = range.offset + i * ent;
    let tag: number;
    let value: number | bigint;
    // Inside the need() above: read unchecked, BigInt only for values past 2^32 / 2^53.
    if (h.class === 64) {
      if (v.u64HighAt(o) === 0) tag = v.u64LowAt(o);
      else tag = Number(BigInt.asIntN(64, v.u64big(o, `${range.what}[${i}].d_tag`)));
      const hi = v.u64HighAt(o + 8);
      // hi === 0 apart: a small value stays a small integer, not a heap double.
      value =
        hi === 0
          ? v.u64LowAt(o + 8)
          : hi <= 0x1fffff
            ? hi * 0x1_0000_0000 + v.u64LowAt(o + 8)
            : v.u64big(o + 8, `${range.what}[${i}].d_un`);
    } else {
      tag = v.u32At(o);
      value = v.u32At(o + 4);
    }
    if (tag === DT.NULL) return out;
    out.push({ tag, value });
  }
  return out;
}

/** The first value of `tag` as a number, if present. */
export function dynValue(entries: readonly ElfDynamicEntry[], tag: number): number | undefined {
  const e = entries.find((x) => x.tag === tag);
  if (!e) return undefined;
  return typeof e.value === "number" ? e.value : Number.MAX_SAFE_INTEGER;
}

/** DT_STRTAB as a file range, bounded by DT_STRSZ and the file. */
export interface DynStrings {
  readonly offset: number;
  readonly end: number;
  read(o: number, field: string): string;
}

export function dynamicStrings(
  v: ElfView,
  entries: readonly ElfDynamicEntry[],
  map: AddressMapper,
): DynStrings | undefined {
  const addr = dynValue(entries, DT.STRTAB);
  if (addr === undefined) return undefined;
  const offset = map(addr);
  if (offset === undefined) {
    throw new ElfError("DT_STRTAB", 0, `address 0x${addr.toString(16)} is in no PT_LOAD segment`);
  }
  const size = dynValue(entries, DT.STRSZ) ?? v.length - offset;
  const end = Math.min(v.length, offset + size);
  return {
    offset,
    end,
    read: (o, field) => v.cstring(offset + o, end, field),
  };
}

/** The named view of the dynamic array. */
export function resolveDynamic(
  entries: readonly ElfDynamicEntry[],
  strs: DynStrings | undefined,
): ElfDynamic {
  const str = (e: ElfDynamicEntry, what: string): string => {
    if (!strs) throw new ElfError(what, 0, `${what} present but the object has no DT_STRTAB`);
    if (typeof e.value !== "number")
      throw new ElfError(what, 0, `string offset ${e.value} is too large`);
    return strs.read(e.value, what);
  };
  const needed: string[] = [];
  const filters: string[] = [];
  const auxiliary: string[] = [];
  let soname: string | undefined;
  let rpath: string | undefined;
  let runpath: string | undefined;
  let flags = 0;
  let flags1 = 0;
  let bindNowTag = false;
  let textrelTag = false;
  let symbolicTag = false;
  for (const e of entries) {
    switch (e.tag) {
      case DT.NEEDED:
        needed.push(str(e, "DT_NEEDED"));
        break;
      case DT.SONAME:
        soname = str(e, "DT_SONAME");
        break;
      case DT.RPATH:
        rpath = str(e, "DT_RPATH");
        break;
      case DT.RUNPATH:
        runpath = str(e, "DT_RUNPATH");
        break;
      case DT.FILTER:
        filters.push(str(e, "DT_FILTER"));
        break;
      case DT.AUXILIARY:
        auxiliary.push(str(e, "DT_AUXILIARY"));
        break;
      case DT.FLAGS:
        flags = Number(e.value) >>> 0;
        break;
      case DT.FLAGS_1:
        flags1 = Number(e.value) >>> 0;
        break;
      case DT.BIND_NOW:
        bindNowTag = true;
        break;
      case DT.TEXTREL:
        textrelTag = true;
        break;
      case DT.SYMBOLIC:
        symbolicTag = true;
        break;
      default:
        break;
    }
  }
  return {
    entries,
    needed,
    soname,
    rpath,
    runpath,
    flags,
    flags1,
    bindNow: bindNowTag || (flags & DF.BIND_NOW) !== 0 || (flags1 & DF_1.NOW) !== 0,
    textrel: textrelTag || (flags & DF.TEXTREL) !== 0,
    symbolic: symbolicTag || (flags & DF.SYMBOLIC) !== 0,
    filters,
    auxiliary,
  };
}
