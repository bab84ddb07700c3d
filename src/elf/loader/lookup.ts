import {
  EM,
  hashKey,
  STB,
  STT,
  STV,
  type ElfFile,
  type ElfSymbol,
  type ElfSymbolTable,
  type ElfSymbolVersion,
} from "../parse/index.js";

// glibc's symbol lookup rules (elf/dl-lookup.c) and the references an
// object makes (its relocations), shared by the scope walk and the index.

/** check_match's allowed symbol types, a bit per STT value. */
const ALLOWED_TYPES =
  (1 << STT.NOTYPE) |
  (1 << STT.OBJECT) |
  (1 << STT.FUNC) |
  (1 << STT.COMMON) |
  (1 << STT.TLS) |
  (1 << STT.GNU_IFUNC);

/** A relocation's class (elf_machine_type_class in each dl-machine.h): 1 PLT, 2 COPY, 0 neither. */
function relocClass(machine: number, type: number): 0 | 1 | 2 {
  let plt = false;
  let copy = false;
  switch (machine) {
    case EM.X86_64:
      plt = type === 7 || type === 16 || type === 17 || type === 18 || type === 36;
      copy = type === 5;
      break;
    case EM.I386:
      plt = type === 7 || type === 35 || type === 36 || type === 37 || type === 14 || type === 41;
      copy = type === 5;
      break;
    case EM.AARCH64:
      plt = type === 1026 || (type >= 1028 && type <= 1031);
      copy = type === 1024;
      break;
    case EM.ARM:
      plt = type === 22 || type === 17 || type === 18 || type === 19 || type === 13;
      copy = type === 20;
      break;
    case EM.PPC64:
      plt = type === 21;
      copy = type === 19;
      break;
    case EM.S390:
      plt = type === 11;
      copy = type === 9;
      break;
    case EM.RISCV:
      plt = type === 5;
      copy = type === 4;
      break;
  }
  return copy ? 2 : plt ? 1 : 0;
}

/**
 * Per file, its definitions (what a hash table holds for lookups) by
 * hashKey(): open addressing over symbol indices + 1, built on first use
 * from the keys the GNU hash chains hold, no name decoded.
 */
const definitionSlots = new WeakMap<ElfFile, Int32Array>();

function slotsOf(elf: ElfFile): Int32Array {
  let slots = definitionSlots.get(elf);
  if (slots) return slots;
  const t = elf.symbolTable;
  let size = 16;
  while (size < 2 * t.count) size *= 2;
  slots = new Int32Array(size);
  const mask = size - 1;
  for (let i = 0; i < t.count; i++) {
    if (!t.isDefinitionAt(i)) continue;
    let s = t.hashKeyAt(i) & mask;
    while (slots[s] !== 0) s = (s + 1) & mask;
    slots[s] = i + 1;
  }
  definitionSlots.set(elf, slots);
  return slots;
}

const NO_SYMBOLS: readonly ElfSymbol[] = [];

/** `elf`'s exported definitions of `name`, in symbol-table order (the work of its hash table). */
export function definitionsOf(elf: ElfFile, name: string): readonly ElfSymbol[] {
  const slots = slotsOf(elf);
  const t = elf.symbolTable;
  const key = hashKey(name);
  const mask = slots.length - 1;
  let out: ElfSymbol[] | undefined;
  // A name's definitions share its home slot, so the probe meets them in insertion (table) order.
  for (let s = key & mask; slots[s] !== 0; s = (s + 1) & mask) {
    const i = (slots[s] as number) - 1;
    if (t.hashKeyAt(i) === key && t.nameIs(i, name)) (out ??= []).push(t.at(i));
  }
  return out ?? NO_SYMBOLS;
}

/** The version hash of the ELF gABI (the one verdef/vernaux store). */
export function elfHash(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) {
    h = ((h << 4) + name.charCodeAt(i)) >>> 0;
    const g = h & 0xf0000000;
    if (g !== 0) h ^= g >>> 24;
    h &= ~g >>> 0;
  }
  return h >>> 0;
}

export interface WantedVersion {
  readonly name: string;
  readonly hidden: boolean;
  readonly file: string | undefined;
}

/** {@link verdict}: not this one. */
const SKIP = 0;
/** {@link verdict}: the answer. */
export const TAKE = 1;
/** {@link verdict}: a versioned definition an unversioned reference takes if it is the only one. */
export const ONLY_IF_ALONE = 2;

/**
 * do_lookup_x's test of one definition (elf/dl-lookup.c: check_match and
 * the versioned/unversioned rules). `pltClass`: a PLT-class lookup, for
 * which undefined symbols with a value (an executable's canonical PLT
 * addresses) do not count.
 */
export function verdict(
  value: number,
  shndx: number,
  type: number,
  bind: number,
  v: ElfSymbolVersion | undefined,
  want: WantedVersion | undefined,
  pltClass: boolean,
): number {
  if (value === 0 && shndx !== 0xfff1 && type !== STT.TLS) return SKIP;
  if (pltClass && shndx === 0) return SKIP;
  if (((ALLOWED_TYPES >>> type) & 1) === 0) return SKIP;
  if (bind !== STB.GLOBAL && bind !== STB.WEAK && bind !== STB.GNU_UNIQUE) return SKIP;
  if (want) {
    if (v !== undefined) {
      // A different version is refused unless the definition is the base/unversioned one and neither side is hidden.
      const defHash = v.index <= 1 ? 0 : 1;
      const same = v.name === want.name;
      if (!same && (want.hidden || defHash !== 0 || v.hidden)) return SKIP;
    }
    return TAKE;
  }
  if (v !== undefined && v.index >= 3) return v.hidden ? SKIP : ONLY_IF_ALONE;
  return TAKE;
}

/** {@link verdict} of symbol `s` of table `t`, read from its columns. */
export function verdictAt(
  t: ElfSymbolTable,
  s: number,
  want: WantedVersion | undefined,
  pltClass: boolean,
): number {
  return verdict(
    t.valueAt(s),
    t.shndxAt(s),
    t.typeAt(s),
    t.bindAt(s),
    t.versionAt(s),
    want,
    pltClass,
  );
}

/**
 * do_lookup_x's test of one object over that object's definitions of one
 * name (`cands`): the matching symbol ({@link verdict}), or undefined.
 */
export function matchSyms(
  cands: readonly ElfSymbol[],
  want: WantedVersion | undefined,
  pltClass: boolean,
): ElfSymbol | undefined {
  let versioned: ElfSymbol | undefined;
  let numVersions = 0;
  for (const sym of cands) {
    const w = verdict(sym.value, sym.shndx, sym.type, sym.bind, sym.version, want, pltClass);
    if (w === TAKE) return sym;
    if (w === ONLY_IF_ALONE && numVersions++ === 0) versioned = sym;
  }
  return numVersions === 1 ? versioned : undefined;
}

export function matchIn(
  elf: ElfFile,
  name: string,
  want: WantedVersion | undefined,
  pltClass: boolean,
): ElfSymbol | undefined {
  return matchSyms(definitionsOf(elf, name), want, pltClass);
}

/** The version a relocation's symbol asks for (l_versions[ndx] with a non-zero hash). */
function wantedVersion(v: ElfSymbolVersion): WantedVersion | undefined {
  if (v.index <= 1 || v.name === undefined) return undefined;
  return { name: v.name, hidden: v.hidden, file: v.file };
}

/** Flags of one reference in a {@link RefTable}. */
export const REF = {
  /** A PLT-class relocation (elf_machine_type_class). */
  PLT: 1,
  /** A COPY relocation: the executable is skipped. */
  COPY: 2,
  /** A weak reference (STB_WEAK): unresolved is not an error. */
  WEAK: 4,
  /** The object's own definition is tried before the scope (DT_SYMBOLIC). */
  OWN_FIRST: 8,
} as const;

/**
 * One object's symbol references, deduplicated by (name, version, class):
 * what ld.so looks up for it at start-up with LD_BIND_NOW. It depends on
 * the file only, so a sweep builds it once per file.
 */
export interface RefTable {
  readonly count: number;
  /**
   * Reference `k`'s symbol name. Decoded when asked for: lookups go by
   * the names' hash keys and bytes, and an analysis reads the names of the
   * few references it reports (a sweep's 580,000 references would
   * otherwise each be a string, most of them kept with their library).
   */
  nameOf(k: number): string;
  /** The .dynsym index of each reference's symbol. */
  readonly syms: Int32Array;
  readonly wants: readonly (WantedVersion | undefined)[];
  /** {@link REF} bits per reference. */
  readonly flags: Uint8Array;
  /**
   * References naming the object's own STV_PROTECTED definition, with that
   * definition: looked up like any other, then kept for the object unless
   * the lookup found the object itself (_dl_lookup_symbol_x's protected case).
   */
  readonly protectedSyms: ReadonlyMap<number, ElfSymbol>;
}

const NO_PROTECTED: ReadonlyMap<number, ElfSymbol> = new Map();

const classOf = (flags: number): 0 | 1 | 2 => (flags & REF.COPY ? 2 : flags & REF.PLT ? 1 : 0);

/**
 * buildRefTable's working arrays, reused from file to file (it runs
 * synchronously): a sweep builds 1,200 tables, and these were a fifth of
 * the garbage it made.
 */
const scratch = {
  seen: new Uint8Array(1024),
  slots: new Int32Array(1024),
  keys: new Int32Array(1024),
  syms: new Int32Array(1024),
  flags: new Uint8Array(1024),
};

export function buildRefTable(elf: ElfFile): RefTable {
  const wants: (WantedVersion | undefined)[] = [];
  const t = elf.symbolTable;
  // At most one reference per relocation, and per symbol and class.
  const most = Math.min(elf.relocations.symbols.length, 3 * t.count);
  if (scratch.seen.length < t.count) scratch.seen = new Uint8Array(2 * t.count);
  if (scratch.syms.length < most) {
    scratch.keys = new Int32Array(2 * most);
    scratch.syms = new Int32Array(2 * most);
    scratch.flags = new Uint8Array(2 * most);
  }
  const { keys, syms, flags } = scratch;
  // One reference per (symbol, class): a bit per class for each symbol.
  const seenSym = scratch.seen;
  seenSym.fill(0, 0, t.count);
  // Two symbols with one name and version (rare) are one reference too:
  // the references so far, by the hash keys of their names (open
  // addressing: k + 1 per slot), compared by name bytes where keys agree.
  let size = 16;
  // Never full: at least twice the references there can be.
  while (size < 2 * most) size *= 2;
  if (scratch.slots.length < size) scratch.slots = new Int32Array(size);
  const slots = scratch.slots;
  slots.fill(0, 0, size);
  const mask = size - 1;
  let n = 0;
  const wantOf = new Map<ElfSymbolVersion, WantedVersion | undefined>();
  const symbolic = elf.dynamic?.symbolic === true;
  let protectedSyms: Map<number, ElfSymbol> | undefined;
  const { symbols, types } = elf.relocations;
  for (let r = 0; r < symbols.length; r++) {
    const si = symbols[r] as number;
    if (si >= t.count) continue;
    const cls = relocClass(elf.machine, types[r] as number);
    const bit = 1 << cls;
    if ((seenSym[si] as number) & bit) continue;
    seenSym[si] = (seenSym[si] as number) | bit;
    if (t.firstByteAt(si) === 0) continue;
    const bind = t.bindAt(si);
    const visibility = t.visibilityAt(si);
    // dl_symbol_visibility_binds_local_p: no lookup for these.
    if (bind === STB.LOCAL || visibility === STV.HIDDEN || visibility === STV.INTERNAL) continue;
    const isProtected = visibility === STV.PROTECTED && t.shndxAt(si) !== 0;
    const version = t.versionAt(si);
    let want: WantedVersion | undefined;
    if (version !== undefined) {
      if (wantOf.has(version)) want = wantOf.get(version);
      else wantOf.set(version, (want = wantedVersion(version)));
    }
    const key = t.hashKeyAt(si);
    let slot = key & mask;
    let dup = false;
    for (let v = slots[slot] as number; v !== 0; v = slots[slot] as number) {
      const j = v - 1;
      if (
        keys[j] === key &&
        wants[j]?.name === want?.name &&
        classOf(flags[j] as number) === cls &&
        t.sameName(si, t, syms[j] as number)
      ) {
        dup = true;
        break;
      }
      slot = (slot + 1) & mask;
    }
    if (dup) continue;
    const k = n++;
    slots[slot] = k + 1;
    keys[k] = key;
    if (isProtected) (protectedSyms ??= new Map()).set(k, t.at(si));
    syms[k] = si;
    wants.push(want);
    flags[k] =
      (cls === 1 ? REF.PLT : 0) |
      (cls === 2 ? REF.COPY : 0) |
      (bind === STB.WEAK ? REF.WEAK : 0) |
      (symbolic ? REF.OWN_FIRST : 0);
  }
  const symIndex = syms.slice(0, n);
  return {
    count: symIndex.length,
    nameOf: (k) => t.nameAt(symIndex[k] as number),
    syms: symIndex,
    wants,
    flags: flags.slice(0, n),
    protectedSyms: protectedSyms ?? NO_PROTECTED,
  };
}
