import type { ElfFile, ElfSymbol, ElfSymbolTable } from "../parse/index.js";
import type { LoadedObject } from "./load.js";
import {
  buildRefTable,
  matchIn,
  matchSyms,
  ONLY_IF_ALONE,
  REF,
  TAKE,
  verdictAt,
  type RefTable,
  type WantedVersion,
} from "./lookup.js";
import { grow, NameTable, PairLists } from "./name-table.js";
import {
  DirectBindings,
  MemoBindings,
  NONE,
  OWN,
  versionlessAnswer,
  type MemoEntry,
  type ObjectBindings,
} from "./object-bindings.js";

/** Per file: its references with their names' ids, what matched them so far, and the library memo. */
interface IndexedRefs {
  readonly table: RefTable;
  /** Per reference, its name's id in the index's {@link NameTable}. */
  readonly nameIds: Int32Array;
  /** Per reference, the last definition node matched against it (-1: none yet). */
  readonly cursor: Int32Array;
  /** Per reference, the matching definitions (check_match) found so far: (file id, symbol index). */
  readonly cands: PairLists;
  /** The index generation the candidates were last brought up to. */
  syncedGen: number;
  /** Every file that answers some reference (the union of the candidates), in the order found. */
  readonly answering: Set<number>;
  readonly memo: Map<string, MemoEntry>;
}

/**
 * The executable's definitions of the latest {@link SymbolIndex.mainDefinitions},
 * by name id: `stamps[id]` is the call's number where it defines the name,
 * `head[id]` its first such symbol, and `next[i]` the next one after symbol
 * `i` (-1: none), in symbol-table order. Arrays reused from call to call.
 */
interface MainMarks {
  stamps: Int32Array;
  head: Int32Array;
  next: Int32Array;
  gen: number;
}

/**
 * The executable's definitions of the names the index knows, by name id,
 * as symbol indices: a record is made only for a definition that answers.
 */
export class MainDefinitions {
  /** How many of the executable's definitions the index knows the names of. */
  readonly size: number;
  readonly #table: ElfSymbolTable;
  readonly #names: NameTable;
  readonly #marks: MainMarks;
  readonly #gen: number;

  constructor(
    table: ElfSymbolTable,
    size: number,
    names: NameTable,
    marks: MainMarks,
    gen: number,
  ) {
    this.#table = table;
    this.size = size;
    this.#names = names;
    this.#marks = marks;
    this.#gen = gen;
  }

  /**
   * do_lookup_x over the executable for name id `id`: the definition a
   * reference wanting `want` takes ({@link matchSyms}' rules), if any.
   */
  match(id: number, want: WantedVersion | undefined, pltClass: boolean): ElfSymbol | undefined {
    if (this.size === 0) return undefined;
    const m = this.#marks;
    if (m.gen !== this.#gen) return this.#matchStale(id, want, pltClass);
    if (m.stamps[id] !== this.#gen) return undefined;
    const t = this.#table;
    let versioned = -1;
    let numVersions = 0;
    for (let s = m.head[id] as number; s >= 0; s = m.next[s] as number) {
      const w = verdictAt(t, s, want, pltClass);
      if (w === TAKE) return t.at(s);
      if (w === ONLY_IF_ALONE && numVersions++ === 0) versioned = s;
    }
    return numVersions === 1 ? t.at(versioned) : undefined;
  }

  /** {@link match} by name. */
  matchName(
    name: string,
    want: WantedVersion | undefined,
    pltClass: boolean,
  ): ElfSymbol | undefined {
    if (this.size === 0) return undefined;
    const id = this.#names.findName(name);
    return id < 0 ? undefined : this.match(id, want, pltClass);
  }

  /** {@link match} once the index has moved on to another executable: its definitions found again. */
  #matchStale(
    id: number,
    want: WantedVersion | undefined,
    pltClass: boolean,
  ): ElfSymbol | undefined {
    const t = this.#table;
    const syms: ElfSymbol[] = [];
    for (let i = 0; i < t.count; i++) {
      if (t.isDefinitionAt(i) && this.#names.find(t, i, t.hashKeyAt(i)) === id) syms.push(t.at(i));
    }
    return matchSyms(syms, want, pltClass);
  }
}

/** The scope of one process as the index sees it. */
export interface IndexedScope {
  /** Object indices in search order. */
  readonly order: readonly number[];
  readonly main: MainDefinitions;
}

/**
 * Every definition of every library a sweep has loaded, by name. A lookup
 * asks only the files that define the name and takes the one earliest in
 * the scope — the answer ld.so's walk over the scope gives, without the
 * walk. Files get small ids; a scope is a position per id. A library's
 * answers are kept per arrangement of the files that define its names
 * (most processes that load libc arrange them alike), so a sweep looks each
 * up once per arrangement, not once per program.
 *
 * Names are interned by a {@link NameTable}, and a definition is a pair
 * (file id, symbol index) in a list per name id (a file's definitions of
 * one name are neighbours, as a file is added at once): the index decodes
 * no library's exported names and makes no record for them until one is
 * bound.
 */
export class SymbolIndex {
  readonly #ids = new WeakMap<ElfFile, number>();
  /** Indexed libraries by id (executables get an id for scopes but are not held). */
  readonly #files: (ElfFile | undefined)[] = [];
  #next = 0;
  readonly #names = new NameTable();
  /** Per name id, its definitions: (file id, symbol index). */
  readonly #defs = new PairLists(4096, 4096);
  readonly #refs = new WeakMap<ElfFile, IndexedRefs>();
  readonly #mainMarks: MainMarks = {
    stamps: new Int32Array(0),
    head: new Int32Array(0),
    next: new Int32Array(0),
    gen: 0,
  };
  /** File id at each position of the current scope. */
  #idAt: Int32Array = new Int32Array(256);
  /** Scratch for {@link bindLibrary}: positions of a library's definers in scope. */
  #arranged: Int32Array = new Int32Array(256);
  #posGen: Int32Array = new Int32Array(256);
  #pos: Int32Array = new Int32Array(256);
  #gen = 0;
  /** Bumped whenever a library is added: candidates may have grown. */
  #libGen = 0;

  idOf(elf: ElfFile): number {
    let id = this.#ids.get(elf);
    if (id !== undefined) return id;
    id = this.#next++;
    this.#ids.set(elf, id);
    if (id >= this.#pos.length) {
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
    const file = this.idOf(elf);
    if (this.#files[file] !== undefined) return;
    this.#files[file] = elf;
    this.#libGen++;
    const t = elf.symbolTable;
    for (let i = 0; i < t.count; i++) {
      if (t.isDefinitionAt(i)) this.#defs.append(this.#names.intern(t, i, t.hashKeyAt(i)), file, i);
    }
  }

  refsOf(elf: ElfFile): IndexedRefs {
    let r = this.#refs.get(elf);
    if (r) return r;
    const table = buildRefTable(elf);
    const t = elf.symbolTable;
    // Names nothing defines yet are interned too: files indexed later may.
    const nameIds = new Int32Array(table.count);
    for (let k = 0; k < table.count; k++) {
      const si = table.syms[k] as number;
      nameIds[k] = this.#names.intern(t, si, t.hashKeyAt(si));
    }
    r = {
      table,
      nameIds,
      cursor: new Int32Array(table.count).fill(-1),
      cands: new PairLists(table.count, table.count),
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
  mainDefinitions(main: ElfFile): MainDefinitions {
    const marks = this.#mainMarks;
    const gen = ++marks.gen;
    // Ids made later are no name of the executable's: a read past the end is undefined.
    if (marks.stamps.length < this.#names.count) {
      marks.stamps = new Int32Array(Math.max(1024, 2 * this.#names.count));
      marks.head = new Int32Array(marks.stamps.length);
    }
    const t = main.symbolTable;
    if (marks.next.length < t.count) marks.next = new Int32Array(Math.max(1024, 2 * t.count));
    let size = 0;
    // Backwards, each definition put first: every list ends up in symbol-table order.
    for (let i = t.count - 1; i >= 0; i--) {
      // The name's hash key (the GNU hash chains hold it) rules out most names undecoded.
      if (!t.isDefinitionAt(i)) continue;
      const id = this.#names.find(t, i, t.hashKeyAt(i));
      if (id < 0) continue;
      size++;
      marks.next[i] = marks.stamps[id] === gen ? (marks.head[id] as number) : -1;
      marks.stamps[id] = gen;
      marks.head[id] = i;
    }
    return new MainDefinitions(t, size, this.#names, marks, gen);
  }

  /** Makes `order` (object indices, in search order) the current scope. */
  setScope(objects: readonly LoadedObject[], order: readonly number[]): void {
    const gen = ++this.#gen;
    if (this.#idAt.length < order.length) this.#idAt = new Int32Array(2 * order.length);
    if (this.#arranged.length < order.length) this.#arranged = new Int32Array(2 * order.length);
    for (let p = 0; p < order.length; p++) {
      const id = this.idOf((objects[order[p] as number] as LoadedObject).elf);
      this.#idAt[p] = id;
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

  /**
   * Matches reference `k` against the definitions of its name indexed
   * since it was last asked, a file's run of them at a time (do_lookup_x
   * over one object): each file's match becomes a candidate.
   */
  #sync(r: IndexedRefs, k: number): void {
    const defs = this.#defs;
    const want = r.table.wants[k];
    const cursor = r.cursor[k] as number;
    let n = cursor < 0 ? defs.first(r.nameIds[k] as number) : defs.next(cursor);
    while (n >= 0) {
      const file = defs.firstOf(n);
      const sym = matchRun((this.#files[file] as ElfFile).symbolTable, defs, n, want);
      if (sym >= 0) {
        r.cands.append(k, file, sym);
        r.answering.add(file);
      }
      r.cursor[k] = runEnd;
      n = defs.next(runEnd);
    }
  }

  /** The library candidate of reference `k` earliest in the current scope (the executable aside), or -1. */
  #best(r: IndexedRefs, k: number): number {
    const cands = r.cands;
    let best = -1;
    let found = -1;
    for (let c = cands.first(k); c >= 0; c = cands.next(c)) {
      const p = this.position(cands.firstOf(c));
      // Position 0 (the executable, as a library elsewhere) is asked first, apart.
      if (p <= 0 || (best >= 0 && p >= best)) continue;
      best = p;
      found = c;
    }
    return found;
  }

  /** The definition candidate `c` of `r` names, as a record. */
  #candidateSymbol(r: IndexedRefs, c: number): ElfSymbol {
    const file = this.#files[r.cands.firstOf(c)] as ElfFile;
    return file.symbolTable.at(r.cands.secondOf(c));
  }

  /** Every reference of `o` answered in the current scope, one by one. */
  bindDirect(o: LoadedObject, scope: IndexedScope): ObjectBindings {
    const r = this.refsOf(o.elf);
    const t = r.table;
    const main = scope.main;
    const to = new Int32Array(t.count).fill(-1);
    const defs = new Array<ElfSymbol | undefined>(t.count).fill(undefined);
    for (let k = 0; k < t.count; k++) {
      const f = t.flags[k] as number;
      const want = t.wants[k];
      if (f & REF.OWN_FIRST) {
        const def = matchIn(o.elf, t.nameOf(k), want, (f & REF.PLT) !== 0 && o.index === 0);
        if (def) {
          to[k] = o.index;
          defs[k] = def;
          continue;
        }
      }
      // The executable comes first in every scope (but not for COPY relocations).
      if (!(f & REF.COPY)) {
        const def = main.match(r.nameIds[k] as number, want, (f & REF.PLT) !== 0);
        if (def) {
          to[k] = 0;
          defs[k] = def;
          continue;
        }
      }
      this.#sync(r, k);
      const c = this.#best(r, k);
      if (c >= 0) {
        to[k] = scope.order[this.position(r.cands.firstOf(c))] as number;
        defs[k] = this.#candidateSymbol(r, c);
      }
    }
    return new DirectBindings(o.index, t, r.nameIds, to, defs);
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
    // The files answering its references that are in scope, in scope order
    // (positions sorted in a typed array: no pair per file).
    const arranged = this.#arranged;
    let n = 0;
    for (const id of r.answering) {
      const p = this.position(id);
      if (p > 0) arranged[n++] = p;
    }
    const positions = arranged.subarray(0, n).sort();
    const rankObjects = new Int32Array(n);
    let key = "";
    for (let j = 0; j < n; j++) {
      const p = positions[j] as number;
      rankObjects[j] = scope.order[p] as number;
      key += j === 0 ? `${this.#idAt[p]}` : `,${this.#idAt[p]}`;
    }
    let entry = r.memo.get(key);
    if (!entry) {
      const ids = Array.from(positions, (p) => this.#idAt[p] as number);
      entry = this.#memoEntry(r, o, ids);
      r.memo.set(key, entry);
    }
    return new MemoBindings(
      o.index,
      t,
      r.nameIds,
      entry,
      rankObjects,
      this.#mainPatches(r, entry, scope),
    );
  }

  #memoEntry(r: IndexedRefs, o: LoadedObject, ids: readonly number[]): MemoEntry {
    const t = r.table;
    const rankOf = new Map(ids.map((id, rank) => [id, rank]));
    const rankTables = ids.map((id) => (this.#files[id] as ElfFile).symbolTable);
    const rankTo = new Int32Array(t.count).fill(NONE);
    const defSyms = new Int32Array(t.count).fill(-1);
    const byRank: number[][] = ids.map(() => []);
    const own: number[] = [];
    const unresolved: number[] = [];
    const unversioned: number[] = [];
    for (let k = 0; k < t.count; k++) {
      const f = t.flags[k] as number;
      const want = t.wants[k];
      if (f & REF.OWN_FIRST) {
        const def = matchIn(o.elf, t.nameOf(k), want, false);
        if (def) {
          rankTo[k] = OWN;
          defSyms[k] = def.index;
          own.push(k);
          if (versionlessAnswer(want, def.version)) unversioned.push(k);
          continue;
        }
      }
      const c = this.#best(r, k);
      if (c < 0) {
        unresolved.push(k);
        continue;
      }
      const rank = rankOf.get(r.cands.firstOf(c)) as number;
      const sym = r.cands.secondOf(c);
      rankTo[k] = rank;
      defSyms[k] = sym;
      (byRank[rank] as number[]).push(k);
      if (versionlessAnswer(want, (rankTables[rank] as ElfSymbolTable).versionAt(sym)))
        unversioned.push(k);
    }
    return {
      rankTo,
      defSyms,
      rankTables,
      ownTable: o.elf.symbolTable,
      byRank,
      own,
      unresolved,
      unversioned,
    };
  }

  /** The references of `r` the executable answers (it precedes every library). */
  #mainPatches(
    r: IndexedRefs,
    entry: MemoEntry,
    scope: IndexedScope,
  ): Map<number, ElfSymbol> | undefined {
    const t = r.table;
    const main = scope.main;
    if (main.size === 0) return undefined;
    let patches: Map<number, ElfSymbol> | undefined;
    for (let k = 0; k < t.count; k++) {
      const f = t.flags[k] as number;
      if (f & REF.COPY || entry.rankTo[k] === OWN) continue;
      const def = main.match(r.nameIds[k] as number, t.wants[k], (f & REF.PLT) !== 0);
      if (def) (patches ??= new Map()).set(k, def);
    }
    return patches;
  }
}

/** Where {@link matchRun} leaves the last node of the run it tested. */
let runEnd = -1;

/**
 * do_lookup_x over one file: its definitions of one name, the run of
 * nodes of `defs` from `n` on with `n`'s file id, tested as
 * {@link matchSyms} tests records. Returns the matching symbol's index
 * (-1: none), and leaves the run's last node in runEnd.
 */
function matchRun(
  t: ElfSymbolTable,
  defs: PairLists,
  n: number,
  want: WantedVersion | undefined,
): number {
  const file = defs.firstOf(n);
  let versioned = -1;
  let numVersions = 0;
  let taken = -1;
  let last = n;
  for (let m = n; m >= 0 && defs.firstOf(m) === file; m = defs.next(m)) {
    last = m;
    if (taken >= 0) continue;
    const s = defs.secondOf(m);
    const w = verdictAt(t, s, want, false);
    if (w === TAKE) taken = s;
    else if (w === ONLY_IF_ALONE && numVersions++ === 0) versioned = s;
  }
  runEnd = last;
  return taken >= 0 ? taken : numVersions === 1 ? versioned : -1;
}
