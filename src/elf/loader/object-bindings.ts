import type { ElfSymbol, ElfSymbolTable, ElfSymbolVersion } from "../parse/index.js";
import type { RefTable, WantedVersion } from "./lookup.js";

// The answers of one object's references in one process, as the symbol
// index (symbol-index.ts) and the scope walk (bind.ts) give them.

/** How one object's references were answered in one process, grouped. */
export interface BindingGroups {
  /**
   * Calls `fn` with answering objects (index in the process) and the
   * references each answers, every answered reference once; an object may
   * come more than once (the memo's lists are shared and not merged).
   * With `only`, just the objects it accepts: the lists of the others are
   * not made (an analysis wants the few answers from outside a closure).
   */
  forEachTarget(
    fn: (to: number, ks: readonly number[]) => void,
    only?: (to: number) => boolean,
  ): void;
  /** References nothing in scope defines. */
  readonly unresolved: readonly number[];
  /** Versioned references (with a vn_file) answered by an unversioned definition. */
  readonly unversioned: readonly number[];
}

/** One object's bindings in one process: the answer to each reference of its {@link RefTable}. */
export abstract class ObjectBindings {
  /** The referencing object (index in LoadResult.objects). */
  readonly from: number;
  readonly refs: RefTable;
  /**
   * Per reference, its name's id in the symbol index that bound it (equal
   * names, equal ids, across the objects of one process); undefined for
   * the scope walk.
   */
  readonly nameIds: Int32Array | undefined;

  constructor(from: number, refs: RefTable, nameIds: Int32Array | undefined) {
    this.from = from;
    this.refs = refs;
    this.nameIds = nameIds;
  }

  /** The defining object of reference `k`, or -1 when nothing defines it. */
  abstract targetOf(k: number): number;
  /** The definition reference `k` binds to. */
  abstract definitionOf(k: number): ElfSymbol | undefined;
  /** The references grouped by answer: what an analysis walks instead of every binding. */
  abstract groups(): BindingGroups;
}

/** A versioned reference (one with a vn_file) answered by a definition of version `v`, which is none. */
export const versionlessAnswer = (
  want: WantedVersion | undefined,
  v: ElfSymbolVersion | undefined,
): boolean => want?.file !== undefined && v?.name === undefined;

export const answeredUnversioned = (want: WantedVersion | undefined, def: ElfSymbol | undefined) =>
  def !== undefined && versionlessAnswer(want, def.version);

/** Bindings held as one answer per reference (the executable, dlopen'ed objects, the scope walk). */
export class DirectBindings extends ObjectBindings {
  readonly #to: Int32Array;
  readonly #defs: readonly (ElfSymbol | undefined)[];
  #groups: BindingGroups | undefined;

  constructor(
    from: number,
    refs: RefTable,
    nameIds: Int32Array | undefined,
    to: Int32Array,
    defs: (ElfSymbol | undefined)[],
  ) {
    super(from, refs, nameIds);
    this.#to = to;
    this.#defs = defs;
  }

  targetOf(k: number): number {
    return this.#to[k] as number;
  }

  definitionOf(k: number): ElfSymbol | undefined {
    return this.#defs[k];
  }

  groups(): BindingGroups {
    if (this.#groups) return this.#groups;
    const byTarget = new Map<number, number[]>();
    const unresolved: number[] = [];
    const unversioned: number[] = [];
    for (let k = 0; k < this.refs.count; k++) {
      const to = this.#to[k] as number;
      if (to < 0) {
        unresolved.push(k);
        continue;
      }
      const list = byTarget.get(to);
      if (list) list.push(k);
      else byTarget.set(to, [k]);
      if (answeredUnversioned(this.refs.wants[k], this.#defs[k])) unversioned.push(k);
    }
    return (this.#groups = {
      forEachTarget: (fn, only) =>
        byTarget.forEach((ks, to) => {
          if (only === undefined || only(to)) fn(to, ks);
        }),
      unresolved,
      unversioned,
    });
  }
}

/** A rank in a library's memo: the answering file's place among its definers in scope. */
export const OWN = -2;
export const NONE = -1;

/**
 * A library's answers for one arrangement of its definers: which of them
 * (by rank in the arrangement) answers each reference. Every process that
 * loads the library with its definers in that order shares it.
 */
export interface MemoEntry {
  readonly rankTo: Int32Array;
  /** Per reference, the answering definition's index in its file's symbol table (-1: none). */
  readonly defSyms: Int32Array;
  /** The answering files' symbol tables, by rank, and the library's own. */
  readonly rankTables: readonly ElfSymbolTable[];
  readonly ownTable: ElfSymbolTable;
  readonly byRank: readonly (readonly number[])[];
  readonly own: readonly number[];
  readonly unresolved: readonly number[];
  readonly unversioned: readonly number[];
}

/**
 * A library's bindings in one process: a shared {@link MemoEntry}, its
 * ranks placed on this process's objects, and the references the
 * executable answers itself (it is first in every scope).
 */
export class MemoBindings extends ObjectBindings {
  readonly #entry: MemoEntry;
  readonly #rankObjects: Int32Array;
  readonly #patches: ReadonlyMap<number, ElfSymbol> | undefined;
  #groups: BindingGroups | undefined;

  constructor(
    from: number,
    refs: RefTable,
    nameIds: Int32Array,
    entry: MemoEntry,
    rankObjects: Int32Array,
    patches: ReadonlyMap<number, ElfSymbol> | undefined,
  ) {
    super(from, refs, nameIds);
    this.#entry = entry;
    this.#rankObjects = rankObjects;
    this.#patches = patches;
  }

  targetOf(k: number): number {
    if (this.#patches?.has(k)) return 0;
    const r = this.#entry.rankTo[k] as number;
    return r === OWN ? this.from : r === NONE ? -1 : (this.#rankObjects[r] as number);
  }

  definitionOf(k: number): ElfSymbol | undefined {
    const patch = this.#patches?.get(k);
    if (patch !== undefined) return patch;
    const e = this.#entry;
    const s = e.defSyms[k] as number;
    if (s < 0) return undefined;
    const r = e.rankTo[k] as number;
    return (r === OWN ? e.ownTable : (e.rankTables[r] as ElfSymbolTable)).at(s);
  }

  groups(): BindingGroups {
    if (this.#groups) return this.#groups;
    const e = this.#entry;
    const p = this.#patches;
    const keep = (ks: readonly number[]): readonly number[] =>
      p === undefined ? ks : ks.filter((k) => !p.has(k));
    // The memo's lists are shared, never changed: without patches from the
    // executable they are handed out as they are.
    const from = this.from;
    const rankObjects = this.#rankObjects;
    const forEachTarget = (
      fn: (to: number, ks: readonly number[]) => void,
      only?: (to: number) => boolean,
    ): void => {
      const visit = (to: number, ks: readonly number[]): void => {
        if (ks.length === 0 || (only !== undefined && !only(to))) return;
        const kept = keep(ks);
        if (kept.length > 0) fn(to, kept);
      };
      visit(from, e.own);
      for (let r = 0; r < e.byRank.length; r++)
        visit(rankObjects[r] as number, e.byRank[r] as readonly number[]);
      if (p !== undefined && (only === undefined || only(0)))
        fn(
          0,
          [...p.keys()].sort((a, b) => a - b),
        );
    };
    let unversioned = keep(e.unversioned);
    if (p !== undefined) {
      const extra = [...p].filter(([k, def]) => answeredUnversioned(this.refs.wants[k], def));
      if (extra.length > 0)
        unversioned = [...unversioned, ...extra.map(([k]) => k)].sort((a, b) => a - b);
    }
    return (this.#groups = { forEachTarget, unresolved: keep(e.unresolved), unversioned });
  }
}
