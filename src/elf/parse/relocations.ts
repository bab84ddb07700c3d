import type { AddressMapper } from "./dynamic.js";
import { DT, dynValue } from "./dynamic.js";
import { ElfError } from "./errors.js";
import type { ElfClass, ElfDynamicEntry, ElfRelocations } from "./types.js";
import type { ElfView } from "./view.js";

/** Elf32/64_Rel(a)'s size, for a file without DT_RELENT / DT_RELAENT. */
export const relocationEntrySize = (cls: ElfClass, rela: boolean): number =>
  cls === 64 ? (rela ? 24 : 16) : rela ? 12 : 8;

/**
 * The dynamic relocations that name a symbol, as ld.so processes them at
 * start-up with LD_BIND_NOW (DT_REL/DT_RELA, then DT_JMPREL):
 *
 * ```
 * Elf32_Rel  { Elf32_Addr r_offset; Elf32_Word r_info; }              sym = info >> 8,  type = info & 0xff
 * Elf32_Rela { Elf32_Addr r_offset; Elf32_Word r_info; Elf32_Sword r_addend; }
 * Elf64_Rel  { Elf64_Addr r_offset; Elf64_Xword r_info; }             sym = info >> 32, type = info & 0xffffffff
 * Elf64_Rela { Elf64_Addr r_offset; Elf64_Xword r_info; Elf64_Sxword r_addend; }
 * ```
 * Relocations with symbol 0 (RELATIVE and the like) need no lookup and are
 * left out; DT_RELR holds only those. A DT_JMPREL range inside the
 * DT_RELA/DT_REL range (some linkers overlap them) is read once.
 *
 * The first DT_RELACOUNT (DT_RELCOUNT) entries of DT_RELA (DT_REL) are not
 * read at all: ld.so applies them as R_*_RELATIVE whatever they hold
 * (elf/do-rel.h skips min(count, entries) before any symbol lookup), and
 * they are most of a PIE's or a library's relocations — tens of megabytes
 * in a sweep; the sparse reader (loader/sparse-read.ts) leaves them unread.
 */
export function readRelocations(
  v: ElfView,
  cls: ElfClass,
  entries: readonly ElfDynamicEntry[],
  map: AddressMapper,
  maxEntries: number,
): ElfRelocations {
  interface Range {
    at: number;
    size: number;
    rela: boolean;
    what: string;
    /** Leading entries ld.so takes as relative. */
    relative: number;
    /** The range this one directly follows and is processed with (DT_JMPREL only). */
    after?: Range;
  }
  const ranges: Range[] = [];
  const add = (
    addrTag: number,
    sizeTag: number,
    rela: boolean,
    what: string,
    countTag?: number,
  ): Range | undefined => {
    const addr = dynValue(entries, addrTag);
    const size = dynValue(entries, sizeTag);
    if (addr === undefined || !size) return undefined;
    const at = map(addr);
    if (at === undefined) {
      throw new ElfError(what, 0, `address 0x${addr.toString(16)} is in no PT_LOAD segment`);
    }
    const relative = countTag === undefined ? 0 : (dynValue(entries, countTag) ?? 0);
    const r: Range = { at, size, rela, what, relative };
    ranges.push(r);
    return r;
  };
  const rela = add(DT.RELA, DT.RELASZ, true, "DT_RELA", DT.RELACOUNT);
  const rel = add(DT.REL, DT.RELSZ, false, "DT_REL", DT.RELCOUNT);
  const pltRela = dynValue(entries, DT.PLTREL) === DT.RELA;
  const jmp = dynValue(entries, DT.JMPREL);
  const jmpAt = jmp === undefined ? undefined : map(jmp);
  const inside = jmpAt !== undefined && ranges.some((r) => jmpAt >= r.at && jmpAt < r.at + r.size);
  if (!inside) {
    const plt = add(DT.JMPREL, DT.PLTRELSZ, pltRela, "DT_JMPREL");
    // With LD_BIND_NOW ld.so processes a DT_JMPREL that directly follows
    // DT_RELA (DT_REL) as one range with it: a count of relative entries
    // beyond the first range runs on into the second.
    const before = pltRela ? rela : rel;
    if (plt && before && before.at + before.size === plt.at) plt.after = before;
  }

  let total = 0;
  /** Per range, the relative entries its count leaves beyond its end. */
  const beyond = new Map<Range, number>();
  const plan: { at: number; n: number; ent: number }[] = [];
  for (const r of ranges) {
    const ent =
      (r.rela ? dynValue(entries, DT.RELAENT) : dynValue(entries, DT.RELENT)) ??
      relocationEntrySize(cls, r.rela);
    const min = cls === 64 ? 16 : 8;
    if (ent < min) throw new ElfError(r.what, r.at, `relocation entry size ${ent} is below ${min}`);
    const all = Math.floor(r.size / ent);
    if (all > maxEntries)
      throw new ElfError(r.what, r.at, `${all} relocations exceed the limit of ${maxEntries}`);
    const relative = r.after ? (beyond.get(r.after) ?? 0) : r.relative;
    const skip = Math.min(relative, all);
    beyond.set(r, relative - skip);
    const at = r.at + skip * ent;
    const n = all - skip;
    v.need(
      at,
      n * ent,
      `${r.what} (${n} relocations of ${ent} bytes at offset ${at}, after ${skip} relative)`,
    );
    plan.push({ at, n, ent });
    total += n;
  }
  // Each range is checked whole above; r_info is read unchecked.
  const syms = new Uint32Array(total);
  const types = new Uint32Array(total);
  let k = 0;
  for (const { at, n, ent } of plan) {
    for (let i = 0; i < n; i++) {
      const o = at + i * ent + (cls === 64 ? 8 : 4);
      let sym: number;
      let type: number;
      if (cls === 64) {
        sym = v.u64HighAt(o);
        type = v.u64LowAt(o);
      } else {
        const info = v.u32At(o);
        sym = info >>> 8;
        type = info & 0xff;
      }
      if (sym !== 0) {
        syms[k] = sym;
        types[k] = type;
        k++;
      }
    }
  }
  return { symbols: syms.slice(0, k), types: types.slice(0, k) };
}
