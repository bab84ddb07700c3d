import type { ElfFile, ElfSymbol } from "../parse/index.js";
import { closureOf, type LoadedObject, type LoadResult } from "./load.js";
import { matchIn, REF, type RefTable, type WantedVersion } from "./lookup.js";
import { DirectBindings, type ObjectBindings } from "./object-bindings.js";
import { SymbolIndex, type IndexedScope, type MainDefinitions } from "./symbol-index.js";

export { definitionsOf, elfHash, REF, type RefTable } from "./lookup.js";
export { ObjectBindings, type BindingGroups } from "./object-bindings.js";

/** One symbol reference and the definition glibc binds it to. */
export interface Binding {
  /** Referencing object (index in LoadResult.objects). */
  readonly from: number;
  readonly symbol: string;
  /** The version the reference asks for (`OPENSSL_3.0.0`), if any. */
  readonly version?: string | undefined;
  /** The file that version is needed from (vn_file), if any. */
  readonly versionFile?: string | undefined;
  /** Defining object, or undefined when nothing defines it. */
  readonly to: number | undefined;
  /** The definition's own version and whether it is unversioned (versym 0/1 or no .gnu.version). */
  readonly toVersion?: string | undefined;
  readonly weakRef: boolean;
  /** Where a COPY relocation asked for it (the executable skipped). */
  readonly copy: boolean;
  /** A lookup ld.so makes for itself (its malloc family), shown as the main program's. */
  readonly rtld?: boolean | undefined;
}

export interface VersionProblem {
  readonly object: number;
  readonly file: string;
  readonly version: string;
  readonly weak: boolean;
  /** Index of the loaded object that should define it. */
  readonly provider: number;
}

/**
 * Every binding of one process, compact: per object, the answer to each of
 * its references; `rtld` holds ld.so's own lookups. {@link toBindings}
 * gives them as {@link Binding} records.
 */
export interface ProcessBindings {
  readonly objects: readonly ObjectBindings[];
  readonly rtld: readonly Binding[];
  /** Number of bindings (references of every object, plus rtld's). */
  readonly count: number;
}

const indexes = new WeakMap<object, SymbolIndex>();

/** How {@link bindProcess} finds each definition. */
export interface BindOptions {
  /** Shares parsed references and the symbol index across processes (a sweep passes its ElfCache). */
  readonly memoHost?: object;
  /**
   * Walk the scope object by object, as ld.so does, instead of asking the
   * symbol index: slower, and the reference the index is tested against.
   */
  readonly walk?: boolean;
}

/**
 * Every symbol binding ld.so makes at start-up with LD_BIND_NOW: for each
 * dynamic relocation naming a symbol, the definition _dl_lookup_symbol_x
 * returns, searching the global scope (plus, for a --dlopen'ed library, its
 * local scope; DT_SYMBOLIC objects search themselves first). One binding is
 * kept per (object, symbol, version, class).
 */
export function bindProcessCompact(load: LoadResult, options: BindOptions = {}): ProcessBindings {
  const { objects } = load;
  let index: SymbolIndex;
  if (options.memoHost === undefined) index = new SymbolIndex();
  else {
    const known = indexes.get(options.memoHost);
    if (known) index = known;
    else indexes.set(options.memoHost, (index = new SymbolIndex()));
  }
  const globalScope = objects.filter((o) => !o.dlopened).map((o) => o.index);
  const localScopeOf = new Map<number, readonly number[]>();
  for (const scope of load.dlopenScopes.values()) {
    for (const i of scope) if (!localScopeOf.has(i)) localScopeOf.set(i, scope);
  }
  for (const o of objects) if (o.index !== 0) index.addLibrary(o.elf);
  for (const o of objects) index.refsOf(o.elf);
  const mainDefs = index.mainDefinitions((objects[0] as LoadedObject).elf);
  const out: ObjectBindings[] = [];
  let count = 0;
  const bindIn = (o: LoadedObject, order: readonly number[]): void => {
    const scope: IndexedScope = { order, main: mainDefs };
    const b = keepProtected(
      objects,
      o,
      order,
      options.walk
        ? bindByWalk(objects, o, index.refsOf(o.elf).table, order)
        : o.index === 0 || o.dlopened
          ? index.bindDirect(o, scope)
          : index.bindLibrary(o, scope),
    );
    out.push(b);
    count += b.refs.count;
  };
  index.setScope(objects, globalScope);
  for (const o of objects) if (!o.dlopened) bindIn(o, globalScope);
  for (const o of objects) {
    if (!o.dlopened) continue;
    const order = [...globalScope, ...(localScopeOf.get(o.index) ?? closureOf(objects, o.index))];
    index.setScope(objects, order);
    bindIn(o, order);
  }
  out.sort((a, b) => a.from - b.from);
  const rtld = rtldBindings(load, globalScope, mainDefs);
  return { objects: out, rtld, count: count + rtld.length };
}

/**
 * _dl_lookup_symbol_x's STV_PROTECTED case, for references that name the
 * object's own protected definition: a PLT relocation keeps the object's
 * own unless the lookup found nothing; any other looks the name up again as
 * a PLT relocation would (canonical PLT entries skipped) and keeps the
 * object's own if that finds another object. Rare (no file on this
 * machine has one), so the answers are copied only where one occurs.
 */
function keepProtected(
  objects: readonly LoadedObject[],
  o: LoadedObject,
  scope: readonly number[],
  b: ObjectBindings,
): ObjectBindings {
  const t = b.refs;
  if (t.protectedSyms.size === 0) return b;
  const to = new Int32Array(t.count);
  const defs = new Array<ElfSymbol | undefined>(t.count);
  for (let k = 0; k < t.count; k++) {
    to[k] = b.targetOf(k);
    defs[k] = b.definitionOf(k);
  }
  t.protectedSyms.forEach((own, k) => {
    const f = t.flags[k] as number;
    let other: boolean;
    if (f & REF.PLT) other = (to[k] as number) >= 0 && to[k] !== o.index;
    else {
      const name = t.nameOf(k);
      const found = scope.find(
        (i) =>
          !(i === 0 && f & REF.COPY) &&
          matchIn((objects[i] as LoadedObject).elf, name, t.wants[k], true) !== undefined,
      );
      other = found !== undefined && found !== o.index;
    }
    if (other) {
      to[k] = o.index;
      defs[k] = own;
    }
  });
  return new DirectBindings(o.index, t, b.nameIds, to, defs);
}

/** ld.so's walk: each object of the scope in order, the first match wins. */
function bindByWalk(
  objects: readonly LoadedObject[],
  o: LoadedObject,
  t: RefTable,
  scope: readonly number[],
): ObjectBindings {
  const to = new Int32Array(t.count).fill(-1);
  const defs = new Array<ElfSymbol | undefined>(t.count).fill(undefined);
  for (let k = 0; k < t.count; k++) {
    const name = t.nameOf(k);
    const want = t.wants[k];
    const f = t.flags[k] as number;
    const plt = (f & REF.PLT) !== 0;
    if (f & REF.OWN_FIRST) {
      const def = matchIn(o.elf, name, want, plt && o.index === 0);
      if (def) {
        to[k] = o.index;
        defs[k] = def;
        continue;
      }
    }
    for (const i of scope) {
      if (i === 0 && f & REF.COPY) continue;
      const def = matchIn((objects[i] as LoadedObject).elf, name, want, plt && i === 0);
      if (def) {
        to[k] = i;
        defs[k] = def;
        break;
      }
    }
  }
  return new DirectBindings(o.index, t, undefined, to, defs);
}

/**
 * ld.so replaces its own minimal malloc once relocation is done
 * (__rtld_malloc_init_real): it looks up the malloc family from the main
 * program with libc's oldest version, and LD_DEBUG prints those as bindings
 * of the main program.
 */
function rtldBindings(
  load: LoadResult,
  globalScope: readonly number[],
  mainDefs: MainDefinitions,
): Binding[] {
  const { objects } = load;
  const out: Binding[] = [];
  const libc = objects.find((x) => x.elf.dynamic?.soname === "libc.so.6" && !x.dlopened);
  const base = libc?.elf.versionDefinitions.find((d) => d.index === 2)?.name;
  if (!libc || !base || load.main.elf.interpreter === undefined) return out;
  for (const name of ["calloc", "free", "malloc", "realloc"]) {
    const want: WantedVersion = { name: base, hidden: false, file: undefined };
    let to: number | undefined;
    let def: ElfSymbol | undefined;
    for (const i of globalScope) {
      if (i === 0) {
        def = mainDefs.matchName(name, want, false);
      } else def = matchIn((objects[i] as LoadedObject).elf, name, want, false);
      if (def) {
        to = i;
        break;
      }
    }
    out.push({
      from: 0,
      symbol: name,
      version: base,
      versionFile: undefined,
      to,
      toVersion: toVersionOf(def),
      weakRef: false,
      copy: false,
      rtld: true,
    });
  }
  return out;
}

const toVersionOf = (def: ElfSymbol | undefined): string | undefined => {
  const tv = def?.version;
  return tv?.name === undefined || tv.index <= 1 ? undefined : tv.name;
};

/** Binding `k` of `b` as a record. */
export function bindingAt(b: ObjectBindings, k: number): Binding {
  const t = b.refs;
  const want = t.wants[k];
  const f = t.flags[k] as number;
  const to = b.targetOf(k);
  return {
    from: b.from,
    symbol: t.nameOf(k),
    // Every key present (undefined where absent): one shape for every record.
    version: want?.name,
    versionFile: want?.file,
    to: to < 0 ? undefined : to,
    toVersion: toVersionOf(b.definitionOf(k)),
    weakRef: (f & REF.WEAK) !== 0,
    copy: (f & REF.COPY) !== 0,
    rtld: undefined,
  };
}

/** Every binding as a record, object by object in load order, then ld.so's own. */
export function toBindings(p: ProcessBindings): Binding[] {
  const out: Binding[] = [];
  for (const b of p.objects) for (let k = 0; k < b.refs.count; k++) out.push(bindingAt(b, k));
  out.push(...p.rtld);
  return out;
}

/** {@link bindProcessCompact} as {@link Binding} records. */
export function bindProcess(load: LoadResult, options: BindOptions = {}): Binding[] {
  return toBindings(bindProcessCompact(load, options));
}

/** The version names a file defines (once per file: a sweep asks for libc's in every process). */
const versionNames = new WeakMap<ElfFile, ReadonlySet<string>>();
function definedVersions(elf: ElfFile): ReadonlySet<string> {
  let names = versionNames.get(elf);
  if (!names) versionNames.set(elf, (names = new Set(elf.versionDefinitions.map((d) => d.name))));
  return names;
}

/**
 * dl-version.c: every version an object needs from a loaded file must be
 * defined there; a missing non-weak one stops the program ("version `X' not
 * found (required by Y)").
 */
export function checkVersions(load: LoadResult): VersionProblem[] {
  const out: VersionProblem[] = [];
  for (const o of load.objects) {
    for (const need of o.elf.versionNeeds) {
      const provider = load.objects.find(
        (p) => p.names.has(need.file) || p.elf.dynamic?.soname === need.file,
      );
      if (!provider) continue;
      const defined = definedVersions(provider.elf);
      for (const v of need.versions) {
        if (!defined.has(v.name)) {
          out.push({
            object: o.index,
            file: need.file,
            version: v.name,
            weak: (v.flags & 2) !== 0,
            provider: provider.index,
          });
        }
      }
    }
  }
  return out;
}
