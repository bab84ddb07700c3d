import { hashKey, type ElfFile, type ElfSymbol } from "../parse/index.js";
import type { LoadedObject } from "./load.js";
import { buildRefTable, matchIn, matchSyms, REF, type RefTable } from "./lookup.js";
import {
  answeredUnversioned,
  DirectBindings,
  MemoBindings,
  NONE,
  OWN,
  type MemoEntry,
  type ObjectBindings,
} from "./object-bindings.js";

/** A definition of one name in one file, as the symbol index holds it. */
interface Definer {
  readonly id: number;
  readonly syms: ElfSymbol[];
}

/** A library's definition matching a reference (check_match). */
interface Candidate {
  readonly id: number;
  readonly def: ElfSymbol;
}

const NO_CANDIDATES: Candidate[] = [];

/** Per file: its references, each with the definers of its name, and the library memo. */
interface IndexedRefs {
  readonly table: RefTable;
  readonly definers: Definer[][];
  /** Per reference, the matching definers (NO_CANDIDATES until one matches). */
  readonly candidates: Candidate[][];
  /** How many of definers[k] have been matched into candidates[k]. */
  readonly matched: Uint32Array;
  /** The index generation the candidates were last brought up to. */
  syncedGen: number;
  /** Every file that answers some reference (the union of the candidates), in the order found. */
  readonly answering: Set<number>;
  readonly memo: Map<string, MemoEntry>;
  byName?: Map<string, number[]>;
}

/** The scope of one process as the index sees it. */
export interface IndexedScope {
  /** Object indices in search order. */
  readonly order: readonly number[];
  /** The executable's definitions by name. */
  readonly mainDefs: ReadonlyMap<string, readonly ElfSymbol[]>;
}

/**
 * Every definition of every library a sweep has loaded, by name. A lookup
 * asks only the files that define the name and takes the one earliest in
 * the scope — the answer ld.so's walk over the scope gives, without the
 * walk. Files get small ids; a scope is a position per id. A library's
 * answers are kept per arrangement of the files that define its names
 * (most processes that load libc arrange them alike), so a sweep looks each
 * up once per arrangement, not once per program.
 */
export class SymbolIndex {
  readonly #ids = new WeakMap<ElfFile, number>();
  readonly #byName = new Map<string, Definer[]>();
  /**
   * A bit per hashKey() (its low 24 bits) of every name in #byName: one
   * array read rules a name out. 2 MiB; a few percent of bits are set.
   */
  readonly #hashBits = new Uint32Array(1 << 19);
  readonly #refs = new WeakMap<ElfFile, IndexedRefs>();
  readonly #indexed = new WeakSet<ElfFile>();
  #posGen: Int32Array = new Int32Array(256);
  #pos: Int32Array = new Int32Array(256);
  #gen = 0;
  #next = 0;
  /** Bumped whenever a library is added: candidates may have grown. */
  #libGen = 0;

  idOf(elf: ElfFile): number {
    let id = this.#ids.get(elf);
    if (id !== undefined) return id;
    id = this.#next++;
    this.#ids.set(elf, id);
    if (id >= this.#pos.length) {
      const grow = (a: Int32Array): Int32Array => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.#pos = grow(this.#pos);
      this.#posGen = grow(this.#posGen);
    }
    return id;
  }

  /**
   * Adds a library's definitions (once). Executables are left out: each
   * is first in its own scope and asked directly, and their COPY-relocated
   * data (stdout, optarg …) would give every library's lookup of those
   * names hundreds of definers to weigh.
   */
  addLibrary(elf: ElfFile): void {
    if (this.#indexed.has(elf)) return;
    this.#indexed.add(elf);
    this.#libGen++;
    const id = this.idOf(elf);
    const t = elf.symbolTable;
    for (let i = 0; i < t.count; i++) {
      if (!t.isDefinitionAt(i)) continue;
      const s = t.at(i);
      const list = this.#definersOf(s.name);
      // A file's definitions are added together: its entry, if any, is last.
      const last = list[list.length - 1];
      if (last !== undefined && last.id === id) last.syms.push(s);
      else list.push({ id, syms: [s] });
    }
  }

  #definersOf(name: string): Definer[] {
    let list = this.#byName.get(name);
    if (!list) {
      this.#byName.set(name, (list = []));
      const k = hashKey(name) & 0xffffff;
      this.#hashBits[k >>> 5] = (this.#hashBits[k >>> 5] as number) | (1 << (k & 31));
    }
    return list;
  }

  refsOf(elf: ElfFile): IndexedRefs {
    let r = this.#refs.get(elf);
    if (r) return r;
    const table = buildRefTable(elf);
    const definers: Definer[][] = [];
    for (const name of table.names) {
      // Kept even when empty: files indexed later add to the same list.
      definers.push(this.#definersOf(name));
    }
    r = {
      table,
      definers,
      candidates: new Array<Candidate[]>(table.count).fill(NO_CANDIDATES),
      matched: new Uint32Array(table.count),
      syncedGen: -1,
      answering: new Set(),
      memo: new Map(),
    };
    this.#refs.set(elf, r);
    return r;
  }

  /**
   * The executable's definitions of the names anything indexed refers to
   * or defines: all a lookup can ask it for once the process's references
   * are known ({@link refsOf} for every object first). Node or GCC's
   * lto-dump export tens of thousands of symbols no library asks for.
   */
  mainDefinitions(main: ElfFile): Map<string, ElfSymbol[]> {
    const m = new Map<string, ElfSymbol[]>();
    const t = main.symbolTable;
    const bits = this.#hashBits;
    for (let i = 0; i < t.count; i++) {
      // The name's hash (the GNU hash chains hold it) rules out most names undecoded.
      if (!t.isDefinitionAt(i)) continue;
      const k = t.hashKeyAt(i) & 0xffffff;
      if (((bits[k >>> 5] as number) & (1 << (k & 31))) === 0) continue;
      const name = t.nameAt(i);
      if (!this.#byName.has(name)) continue;
      const s = t.at(i);
      const list = m.get(name);
      if (list) list.push(s);
      else m.set(name, [s]);
    }
    return m;
  }

  /** Makes `order` (object indices, in search order) the current scope. */
  setScope(objects: readonly LoadedObject[], order: readonly number[]): void {
    const gen = ++this.#gen;
    for (let p = 0; p < order.length; p++) {
      const id = this.idOf((objects[order[p] as number] as LoadedObject).elf);
      if (this.#posGen[id] !== gen) {
        this.#posGen[id] = gen;
        this.#pos[id] = p;
      }
    }
  }

  /** Position of file `id` in the current scope, or -1. */
  position(id: number): number {
    return this.#posGen[id] === this.#gen ? (this.#pos[id] as number) : -1;
  }

  /** Matches reference `k` against definers indexed since it was last asked. */
  #sync(r: IndexedRefs, k: number): void {
    const definers = r.definers[k] as Definer[];
    for (let d = r.matched[k] as number; d < definers.length; d++) {
      const e = definers[d] as Definer;
      const def = matchSyms(e.syms, r.table.wants[k], false);
      if (def) {
        if (r.candidates[k] === NO_CANDIDATES) r.candidates[k] = [];
        (r.candidates[k] as Candidate[]).push({ id: e.id, def });
        r.answering.add(e.id);
      }
    }
    r.matched[k] = definers.length;
  }

  /** The library definer of reference `k` earliest in the current scope (the executable aside). */
  #best(r: IndexedRefs, k: number): Candidate | undefined {
    let best = -1;
    let found: Candidate | undefined;
    for (const c of r.candidates[k] as Candidate[]) {
      const p = this.position(c.id);
      // Position 0 (the executable, as a library elsewhere) is asked first, apart.
      if (p <= 0 || (best >= 0 && p >= best)) continue;
      best = p;
      found = c;
    }
    return found;
  }

  /** Every reference of `o` answered in the current scope, one by one. */
  bindDirect(o: LoadedObject, scope: IndexedScope): ObjectBindings {
    const r = this.refsOf(o.elf);
    const t = r.table;
    const to = new Int32Array(t.count).fill(-1);
    const defs = new Array<ElfSymbol | undefined>(t.count).fill(undefined);
    for (let k = 0; k < t.count; k++) {
      const f = t.flags[k] as number;
      const want = t.wants[k];
      const name = t.names[k] as string;
      if (f & REF.OWN_FIRST) {
        const def = matchIn(o.elf, name, want, (f & REF.PLT) !== 0 && o.index === 0);
        if (def) {
          to[k] = o.index;
          defs[k] = def;
          continue;
        }
      }
      // The executable comes first in every scope (but not for COPY relocations).
      if (!(f & REF.COPY)) {
        const mine = scope.mainDefs.get(name);
        const def = mine === undefined ? undefined : matchSyms(mine, want, (f & REF.PLT) !== 0);
        if (def) {
          to[k] = 0;
          defs[k] = def;
          continue;
        }
      }
      this.#sync(r, k);
      const c = this.#best(r, k);
      if (c) {
        to[k] = scope.order[this.position(c.id)] as number;
        defs[k] = c.def;
      }
    }
    return new DirectBindings(o.index, t, to, defs);
  }

  /**
   * A library's references in the current (global) scope through its memo:
   * the arrangement of its definers in scope picks the shared answers, and
   * the executable's own definitions of its names are laid over them.
   */
  bindLibrary(o: LoadedObject, scope: IndexedScope): ObjectBindings {
    const r = this.refsOf(o.elf);
    const t = r.table;
    if (r.syncedGen !== this.#libGen) {
      for (let k = 0; k < t.count; k++) this.#sync(r, k);
      r.syncedGen = this.#libGen;
      // Entries already made stay right: a file indexed since was in no
      // scope then, so any scope it is in gives a new key.
    }
    // The files answering its references that are in scope, in scope order.
    const present: [position: number, id: number][] = [];
    for (const id of r.answering) {
      const p = this.position(id);
      if (p > 0) present.push([p, id]);
    }
    present.sort((a, b) => a[0] - b[0]);
    const rankObjects = Int32Array.from(present, ([p]) => scope.order[p] as number);
    const ids = present.map(([, id]) => id);
    const key = ids.join(",");
    let entry = r.memo.get(key);
    if (!entry) {
      entry = this.#memoEntry(r, o, ids);
      r.memo.set(key, entry);
    }
    return new MemoBindings(o.index, t, entry, rankObjects, this.#mainPatches(r, entry, scope));
  }

  #memoEntry(r: IndexedRefs, o: LoadedObject, ids: readonly number[]): MemoEntry {
    const t = r.table;
    const rankOf = new Map(ids.map((id, rank) => [id, rank]));
    const rankTo = new Int32Array(t.count).fill(NONE);
    const defs = new Array<ElfSymbol | undefined>(t.count).fill(undefined);
    const byRank: number[][] = ids.map(() => []);
    const own: number[] = [];
    const unresolved: number[] = [];
    const unversioned: number[] = [];
    for (let k = 0; k < t.count; k++) {
      const f = t.flags[k] as number;
      let def: ElfSymbol | undefined;
      if (f & REF.OWN_FIRST) def = matchIn(o.elf, t.names[k] as string, t.wants[k], false);
      if (def) {
        rankTo[k] = OWN;
        own.push(k);
      } else {
        const c = this.#best(r, k);
        if (c) {
          const rank = rankOf.get(c.id) as number;
          rankTo[k] = rank;
          (byRank[rank] as number[]).push(k);
          def = c.def;
        } else unresolved.push(k);
      }
      defs[k] = def;
      if (answeredUnversioned(t.wants[k], def)) unversioned.push(k);
    }
    return { rankTo, defs, byRank, own, unresolved, unversioned };
  }

  /** The references of `r` the executable answers (it precedes every library). */
  #mainPatches(
    r: IndexedRefs,
    entry: MemoEntry,
    scope: IndexedScope,
  ): Map<number, ElfSymbol> | undefined {
    const t = r.table;
    const main = scope.mainDefs;
    if (main.size === 0 || t.count === 0) return undefined;
    let patches: Map<number, ElfSymbol> | undefined;
    const tryRef = (k: number, syms: readonly ElfSymbol[]): void => {
      const f = t.flags[k] as number;
      if (f & REF.COPY || entry.rankTo[k] === OWN) return;
      const def = matchSyms(syms, t.wants[k], (f & REF.PLT) !== 0);
      if (def) (patches ??= new Map()).set(k, def);
    };
    if (main.size < t.count) {
      if (!r.byName) {
        r.byName = new Map();
        t.names.forEach((n, k) => {
          const list = r.byName?.get(n);
          if (list) list.push(k);
          else r.byName?.set(n, [k]);
        });
      }
      const byName = r.byName;
      main.forEach((syms, name) => {
        const ks = byName.get(name);
        if (ks) for (const k of ks) tryRef(k, syms);
      });
    } else {
      for (let k = 0; k < t.count; k++) {
        const syms = main.get(t.names[k] as string);
        if (syms) tryRef(k, syms);
      }
    }
    return patches;
  }
}
