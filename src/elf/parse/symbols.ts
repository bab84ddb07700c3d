import type { DynStrings } from "./dynamic.js";
import { ElfError } from "./errors.js";
import type {
  ElfClass,
  ElfSymbolVersion,
  ElfVersionDefinition,
  ElfVersionNeed,
  ElfVersionNeedAux,
} from "./types.js";
import { SymbolTable, type SymbolColumns } from "./symbol-table.js";
import type { ElfView } from "./view.js";

/**
 * Per .gnu.version value, the {@link readDynamicSymbols} call (by number)
 * that last met it and the slot it gave it: a table the size of the value
 * space, made once, instead of a map per file.
 */
const versionSeen = new Int32Array(0x10000);
const versionSlot = new Uint16Array(0x10000);
let versionGen = 0;

/**
 * .dynsym entries:
 *
 * ```
 * Elf32_Sym { Elf32_Word st_name; Elf32_Addr st_value; Elf32_Word st_size;
 *             unsigned char st_info, st_other; Elf32_Half st_shndx; }   // 16 bytes
 * Elf64_Sym { Elf64_Word st_name; unsigned char st_info, st_other;
 *             Elf64_Half st_shndx; Elf64_Addr st_value; Elf64_Xword st_size; }  // 24 bytes
 * ```
 */
export function readDynamicSymbols(
  v: ElfView,
  cls: ElfClass,
  offset: number,
  count: number,
  strs: DynStrings,
  versions: VersionResolver | undefined,
  chainHashes?: SymbolColumns["chainHashes"],
): SymbolTable {
  const size = cls === 64 ? 24 : 16;
  v.need(offset, count * size, `.dynsym (${count} symbols of ${size} bytes at offset ${offset})`);
  // One need() above covers the table: fields are read unchecked, and a
  // field name is built only for an error.
  const nameOffsets = new Uint32Array(count);
  const info = new Uint8Array(count);
  const other = new Uint8Array(count);
  const shndx = new Uint16Array(count);
  const value = new Float64Array(count);
  const sizes = new Float64Array(count);
  // Per symbol, which of the file's distinct .gnu.version values it has:
  // symbols share one version object per value.
  const versionIds = versions ? new Uint16Array(count) : undefined;
  const distinct: ElfSymbolVersion[] = [];
  const versym = versions?.versymOffset ?? -1;
  const gen = ++versionGen;
  // A name is readable when a NUL ends it inside .dynstr: when it starts
  // at or before the table's last NUL.
  const strings = v.bytes.subarray(Math.min(strs.offset, strs.end), strs.end);
  const lastNul = strings.lastIndexOf(0);
  for (let i = 0; i < count; i++) {
    const o = offset + i * size;
    const nameOff = v.u32At(o);
    let sh: number;
    if (cls === 64) {
      info[i] = v.bytes[o + 4] as number;
      other[i] = v.bytes[o + 5] as number;
      sh = v.u16At(o + 6);
      value[i] = v.u64LowBitsAt(o + 8);
      sizes[i] = v.u64LowBitsAt(o + 16);
    } else {
      value[i] = v.u32At(o + 4);
      sizes[i] = v.u32At(o + 8);
      info[i] = v.bytes[o + 12] as number;
      other[i] = v.bytes[o + 13] as number;
      sh = v.u16At(o + 14);
    }
    shndx[i] = sh;
    nameOffsets[i] = nameOff;
    // The eager read names the symbol and offset in its error.
    if (nameOff > lastNul && !(i === 0 && nameOff === 0))
      strs.read(nameOff, `.dynsym[${i}].st_name`);
    if (versionIds !== undefined) {
      const raw = v.u16At(versym + i * 2);
      if (versionSeen[raw] !== gen) {
        versionSeen[raw] = gen;
        versionSlot[raw] = distinct.length;
        distinct.push((versions as VersionResolver).resolve(raw, i));
      }
      versionIds[i] = versionSlot[raw] as number;
    }
  }
  return new SymbolTable(
    {
      nameOffsets,
      info,
      other,
      shndx,
      value,
      size: sizes,
      versions: versionIds === undefined ? undefined : { ids: versionIds, distinct },
      chainHashes,
    },
    strings,
  );
}

/**
 * Version definitions (DT_VERDEF, DT_VERDEFNUM entries; LSB "Symbol Versioning"):
 *
 * ```
 * Elf_Verdef  { Elf_Half vd_version, vd_flags, vd_ndx, vd_cnt; Elf_Word vd_hash, vd_aux, vd_next; }
 * Elf_Verdaux { Elf_Word vda_name, vda_next; }
 * ```
 * Chains are walked at most `count` (and vd_cnt) steps, so a cycle ends.
 */
export function readVerdef(
  v: ElfView,
  offset: number,
  count: number,
  strs: DynStrings,
): ElfVersionDefinition[] {
  const out: ElfVersionDefinition[] = [];
  let o = offset;
  for (let i = 0; i < count; i++) {
    const f = `.gnu.version_d[${i}]`;
    const version = v.u16(o, `${f}.vd_version`);
    if (version !== 1) throw new ElfError(`${f}.vd_version`, o, `version ${version} is not 1`);
    const flags = v.u16(o + 2, `${f}.vd_flags`);
    const index = v.u16(o + 4, `${f}.vd_ndx`);
    const cnt = v.u16(o + 6, `${f}.vd_cnt`);
    const hash = v.u32(o + 8, `${f}.vd_hash`);
    const aux = v.u32(o + 12, `${f}.vd_aux`);
    const next = v.u32(o + 16, `${f}.vd_next`);
    const names: string[] = [];
    let a = o + aux;
    for (let j = 0; j < cnt; j++) {
      names.push(strs.read(v.u32(a, `${f}.aux[${j}].vda_name`), `${f}.aux[${j}].vda_name`));
      const an = v.u32(a + 4, `${f}.aux[${j}].vda_next`);
      if (an === 0) break;
      a += an;
    }
    const [name = "", ...parents] = names;
    out.push({ index, flags, hash, name, parents });
    if (next === 0) break;
    o += next;
  }
  return out;
}

/**
 * Version needs (DT_VERNEED, DT_VERNEEDNUM entries):
 *
 * ```
 * Elf_Verneed { Elf_Half vn_version, vn_cnt; Elf_Word vn_file, vn_aux, vn_next; }
 * Elf_Vernaux { Elf_Word vna_hash; Elf_Half vna_flags, vna_other; Elf_Word vna_name, vna_next; }
 * ```
 */
export function readVerneed(
  v: ElfView,
  offset: number,
  count: number,
  strs: DynStrings,
): ElfVersionNeed[] {
  const out: ElfVersionNeed[] = [];
  let o = offset;
  for (let i = 0; i < count; i++) {
    const f = `.gnu.version_r[${i}]`;
    const version = v.u16(o, `${f}.vn_version`);
    if (version !== 1) throw new ElfError(`${f}.vn_version`, o, `version ${version} is not 1`);
    const cnt = v.u16(o + 2, `${f}.vn_cnt`);
    const file = strs.read(v.u32(o + 4, `${f}.vn_file`), `${f}.vn_file`);
    const aux = v.u32(o + 8, `${f}.vn_aux`);
    const next = v.u32(o + 12, `${f}.vn_next`);
    const versions: ElfVersionNeedAux[] = [];
    let a = o + aux;
    for (let j = 0; j < cnt; j++) {
      const g = `${f}.aux[${j}]`;
      versions.push({
        hash: v.u32(a, `${g}.vna_hash`),
        flags: v.u16(a + 4, `${g}.vna_flags`),
        index: v.u16(a + 6, `${g}.vna_other`),
        name: strs.read(v.u32(a + 8, `${g}.vna_name`), `${g}.vna_name`),
      });
      const an = v.u32(a + 12, `${g}.vna_next`);
      if (an === 0) break;
      a += an;
    }
    out.push({ file, versions });
    if (next === 0) break;
    o += next;
  }
  return out;
}

const VER_FLG_WEAK = 2;

/** Where .gnu.version is and what each of its values means. */
export interface VersionResolver {
  /** Offset of .gnu.version (checked to hold one entry per symbol). */
  readonly versymOffset: number;
  /** The version a .gnu.version value names; `i`: the first symbol with it, for a warning. */
  readonly resolve: (raw: number, i: number) => ElfSymbolVersion;
}

/**
 * A lookup from a .gnu.version entry to the version it names: verdef
 * indices for definitions, vernaux indices for references (one index space
 * per object, as ld.so's l_versions).
 */
export function versionResolver(
  v: ElfView,
  versymOffset: number | undefined,
  count: number,
  defs: readonly ElfVersionDefinition[],
  needs: readonly ElfVersionNeed[],
  warnings: string[],
): VersionResolver | undefined {
  if (versymOffset === undefined) return undefined;
  v.need(versymOffset, count * 2, `.gnu.version (${count} entries at offset ${versymOffset})`);
  const byIndex = new Map<
    number,
    { name: string; file: string | undefined; weak: boolean | undefined }
  >();
  for (const d of defs) byIndex.set(d.index, { name: d.name, file: undefined, weak: undefined });
  for (const n of needs) {
    for (const a of n.versions) {
      byIndex.set(a.index, { name: a.name, file: n.file, weak: (a.flags & VER_FLG_WEAK) !== 0 });
    }
  }
  return {
    versymOffset,
    resolve: (raw, i) => {
      const index = raw & 0x7fff;
      const hidden = (raw & 0x8000) !== 0;
      // Every version object has all five fields (undefined where absent):
      // one shape keeps the lookups that read them monomorphic.
      if (index <= 1) return { index, name: undefined, hidden, file: undefined, weak: undefined };
      const hit = byIndex.get(index);
      if (hit) return { index, name: hit.name, hidden, file: hit.file, weak: hit.weak };
      warnings.push(
        `.gnu.version[${i}]: version index ${index} is defined by no verdef or verneed`,
      );
      return { index, name: undefined, hidden, file: undefined, weak: undefined };
    },
  };
}
