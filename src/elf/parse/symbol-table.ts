import { Buffer } from "node:buffer";
import type { ElfSymbol, ElfSymbolTable, ElfSymbolVersion } from "./types.js";

/** The fields of .dynsym, one typed array each, as {@link SymbolTable} holds them. */
export interface SymbolColumns {
  readonly nameOffsets: Uint32Array;
  readonly info: Uint8Array;
  readonly other: Uint8Array;
  readonly shndx: Uint16Array;
  readonly value: Float64Array;
  readonly size: Float64Array;
  /**
   * When the file has .gnu.version: per symbol, the index in `distinct` of
   * its version (one record per distinct .gnu.version value).
   */
  readonly versions:
    { readonly ids: Uint16Array; readonly distinct: readonly ElfSymbolVersion[] } | undefined;
  /** The GNU hash chains' values for symbols `from` on, when the file has DT_GNU_HASH. */
  readonly chainHashes: { readonly from: number; readonly values: Uint32Array } | undefined;
}

/**
 * The {@link ElfSymbolTable} parseElf makes: the fields in typed arrays
 * and a copy of .dynstr, with a symbol's name and {@link ElfSymbol} record
 * made when first asked for. Node or GCC's lto-dump export tens of
 * thousands of symbols of which a linkage analysis asks about a few dozen;
 * a record and a name for each, made at parse time, were the largest share
 * of the garbage a sweep made.
 *
 * Every name offset is checked when the table is made (parseElf throws as
 * it would for an eager read), so no accessor throws.
 */
export class SymbolTable implements ElfSymbolTable {
  readonly count: number;
  readonly #c: SymbolColumns;
  /** .dynstr, copied: the table keeps no window into the file's bytes. */
  readonly #strs: Buffer;
  #names: (string | undefined)[] | undefined;
  #records: (ElfSymbol | undefined)[] | undefined;
  #all: readonly ElfSymbol[] | undefined;

  constructor(columns: SymbolColumns, strings: Uint8Array) {
    this.count = columns.nameOffsets.length;
    this.#c = columns;
    // Buffer.from(a Uint8Array) copies element by element; set() is one memcpy.
    const copy = Buffer.allocUnsafe(strings.length);
    copy.set(strings);
    this.#strs = copy;
  }

  static readonly EMPTY = new SymbolTable(
    {
      nameOffsets: new Uint32Array(0),
      info: new Uint8Array(0),
      other: new Uint8Array(0),
      shndx: new Uint16Array(0),
      value: new Float64Array(0),
      size: new Float64Array(0),
      versions: undefined,
      chainHashes: undefined,
    },
    new Uint8Array(0),
  );

  nameAt(i: number): string {
    const names = (this.#names ??= new Array<string | undefined>(this.count));
    let name = names[i];
    if (name === undefined) {
      const start = this.#start(i);
      name = start < 0 ? "" : this.#strs.toString("latin1", start, this.#end(start));
      names[i] = name;
    }
    return name;
  }

  /** The first byte of symbol `i`'s name (0 for an empty name), without decoding it. */
  firstByteAt(i: number): number {
    const start = this.#start(i);
    return start < 0 ? 0 : (this.#strs[start] as number);
  }

  /**
   * The GNU hash (dl_new_hash) of symbol `i`'s name, from its bytes: equal
   * to {@link gnuHash} of {@link nameAt}, without decoding the name.
   */
  nameHashAt(i: number): number {
    const b = this.#strs;
    let h = 5381;
    const start = this.#start(i);
    if (start < 0) return h;
    for (let p = start; ; p++) {
      const c = b[p] as number;
      if (c === 0) return h;
      h = (h * 33 + c) >>> 0;
    }
  }

  /**
   * {@link hashKey} of symbol `i`'s name: from the GNU hash chains where
   * they hold it (as ld.so reads them), else from the name's bytes.
   */
  hashKeyAt(i: number): number {
    const chains = this.#c.chainHashes;
    if (chains !== undefined && i >= chains.from) {
      const h = chains.values[i - chains.from];
      if (h !== undefined) return (h | 1) & HASH_KEY_MASK;
    }
    return (this.nameHashAt(i) | 1) & HASH_KEY_MASK;
  }

  nameIs(i: number, name: string): boolean {
    const b = this.#strs;
    const start = this.#start(i);
    if (start < 0) return name === "";
    const n = name.length;
    if (start + n >= b.length || b[start + n] !== 0) return false;
    for (let p = 0; p < n; p++) if (b[start + p] !== name.charCodeAt(p)) return false;
    return true;
  }

  nameStartsWith(i: number, prefix: string): boolean {
    const b = this.#strs;
    const start = this.#start(i);
    if (start < 0) return prefix === "";
    const n = prefix.length;
    // The name ends at a NUL before .dynstr's end (parseElf checked), and
    // no prefix character is NUL: a shorter name mismatches at its NUL.
    if (start + n > b.length) return false;
    for (let p = 0; p < n; p++) if (b[start + p] !== prefix.charCodeAt(p)) return false;
    return true;
  }

  sameName(i: number, other: ElfSymbolTable, j: number): boolean {
    if (!(other instanceof SymbolTable)) return this.nameAt(i) === other.nameAt(j);
    const a = this.#strs;
    const b = other.#strs;
    let p = this.#start(i);
    let q = other.#start(j);
    // The null symbol's name is empty whatever its offset points at.
    if (p < 0 || q < 0) return (p < 0 ? 0 : a[p]) === 0 && (q < 0 ? 0 : b[q]) === 0;
    for (; ; p++, q++) {
      const c = a[p] as number;
      if (c !== b[q]) return false;
      if (c === 0) return true;
    }
  }

  shndxAt(i: number): number {
    return this.#c.shndx[i] as number;
  }

  valueAt(i: number): number {
    return this.#c.value[i] as number;
  }

  /** st_info & 0xf: see STT. */
  typeAt(i: number): number {
    return (this.#c.info[i] as number) & 0xf;
  }

  /** st_info >> 4: see STB. */
  bindAt(i: number): number {
    return (this.#c.info[i] as number) >> 4;
  }

  /** st_other & 3: see STV. */
  visibilityAt(i: number): number {
    return (this.#c.other[i] as number) & 3;
  }

  versionAt(i: number): ElfSymbolVersion | undefined {
    const v = this.#c.versions;
    return v === undefined ? undefined : v.distinct[v.ids[i] as number];
  }

  /** What a hash table holds for lookups: all but undefined symbols without a value. */
  isDefinitionAt(i: number): boolean {
    return !(this.#c.shndx[i] === 0 && this.#c.value[i] === 0);
  }

  /** Symbol `i` as a record; the same object every time. */
  at(i: number): ElfSymbol {
    const records = (this.#records ??= new Array<ElfSymbol | undefined>(this.count));
    let sym = records[i];
    if (sym === undefined) {
      const c = this.#c;
      const info = c.info[i] as number;
      const s: { -readonly [K in keyof ElfSymbol]: ElfSymbol[K] } = {
        index: i,
        name: this.nameAt(i),
        value: c.value[i] as number,
        size: c.size[i] as number,
        bind: info >> 4,
        type: info & 0xf,
        visibility: (c.other[i] as number) & 3,
        shndx: c.shndx[i] as number,
        version: this.versionAt(i),
      };
      records[i] = sym = s;
    }
    return sym;
  }

  /** Every symbol as a record (made once). */
  all(): readonly ElfSymbol[] {
    if (this.#all) return this.#all;
    const out = new Array<ElfSymbol>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.at(i);
    return (this.#all = out);
  }

  /**
   * Where symbol `i`'s name starts in .dynstr, or -1 for the null symbol's
   * empty name (offset 0 at index 0, read as "" whatever .dynstr holds).
   */
  #start(i: number): number {
    const start = this.#c.nameOffsets[i] as number;
    return i === 0 && start === 0 ? -1 : start;
  }

  /** End of the name at `start`: its NUL (the constructor's caller checked there is one). */
  #end(start: number): number {
    return this.#strs.indexOf(0, start);
  }
}

/** The GNU hash (dl_new_hash) of a name whose characters are bytes (latin1). */
export function gnuHash(name: string): number {
  let h = 5381;
  for (let i = 0; i < name.length; i++) h = (h * 33 + name.charCodeAt(i)) >>> 0;
  return h;
}

const HASH_KEY_MASK = 0x3fffffff;

/**
 * A name's GNU hash reduced to what the hash chains keep of it (bit 0 is
 * their end-of-chain mark) and to a small integer, which sets hold without
 * boxing: equal names have equal keys.
 */
export function hashKey(name: string): number {
  return (gnuHash(name) | 1) & HASH_KEY_MASK;
}
