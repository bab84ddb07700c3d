import { EM, STB, STT, STV, type ElfFile, type ElfSymbol } from "../parse/index.js";
import { closureOf, type LoadedObject, type LoadResult } from "./load.js";

/** One symbol reference and the definition glibc binds it to. */
export interface Binding {
  /** Referencing object (index in LoadResult.objects). */
  readonly from: number;
  readonly symbol: string;
  /** The version the reference asks for (`OPENSSL_3.0.0`), if any. */
  readonly version?: string;
  /** The file that version is needed from (vn_file), if any. */
  readonly versionFile?: string;
  /** Defining object, or undefined when nothing defines it. */
  readonly to: number | undefined;
  /** The definition's own version and whether it is unversioned (versym 0/1 or no .gnu.version). */
  readonly toVersion?: string;
  readonly weakRef: boolean;
  /** Where a COPY relocation asked for it (the executable skipped). */
  readonly copy: boolean;
  /** A lookup ld.so makes for itself (its malloc family), shown as the main program's. */
  readonly rtld?: boolean;
}

export interface VersionProblem {
  readonly object: number;
  readonly file: string;
  readonly version: string;
  readonly weak: boolean;
  /** Index of the loaded object that should define it. */
  readonly provider: number;
}

const ALLOWED_TYPES = new Set<number>([
  STT.NOTYPE,
  STT.OBJECT,
  STT.FUNC,
  STT.COMMON,
  STT.TLS,
  STT.GNU_IFUNC,
]);

/** Machine-specific relocation classes (elf_machine_type_class in each dl-machine.h). */
function relocClass(machine: number, type: number): { plt: boolean; copy: boolean } {
  switch (machine) {
    case EM.X86_64:
      return { plt: [7, 16, 17, 18, 36].includes(type), copy: type === 5 };
    case EM.I386:
      return { plt: [7, 35, 36, 37, 14, 41].includes(type), copy: type === 5 };
    case EM.AARCH64:
      return { plt: [1026, 1028, 1029, 1030, 1031].includes(type), copy: type === 1024 };
    case EM.ARM:
      return { plt: [22, 17, 18, 19, 13].includes(type), copy: type === 20 };
    case EM.PPC64:
      return { plt: type === 21, copy: type === 19 };
    case EM.S390:
      return { plt: type === 11, copy: type === 9 };
    case EM.RISCV:
      return { plt: type === 5, copy: type === 4 };
    default:
      return { plt: false, copy: false };
  }
}

/** Each object's exported definitions by name (the work of its hash table). */
const definitionIndex = new WeakMap<ElfFile, Map<string, ElfSymbol[]>>();
export function definitions(elf: ElfFile): Map<string, ElfSymbol[]> {
  let m = definitionIndex.get(elf);
  if (m) return m;
  m = new Map();
  for (const s of elf.dynamicSymbols) {
    if (s.shndx === 0 && s.value === 0) continue;
    const list = m.get(s.name);
    if (list) list.push(s);
    else m.set(s.name, [s]);
  }
  definitionIndex.set(elf, m);
  return m;
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

interface WantedVersion {
  readonly name: string;
  readonly hidden: boolean;
  readonly file?: string;
}

/**
 * do_lookup_x's test of one object (elf/dl-lookup.c: check_match and the
 * versioned/unversioned rules): the matching symbol, or undefined.
 */
function matchIn(
  elf: ElfFile,
  name: string,
  want: WantedVersion | undefined,
  pltClass: boolean,
): ElfSymbol | undefined {
  const cands = definitions(elf).get(name);
  if (!cands) return undefined;
  let versioned: ElfSymbol | undefined;
  let numVersions = 0;
  for (const sym of cands) {
    if (sym.value === 0 && sym.shndx !== 0xfff1 && sym.type !== STT.TLS) continue;
    if (pltClass && sym.shndx === 0) continue;
    if (!ALLOWED_TYPES.has(sym.type)) continue;
    if (sym.bind !== STB.GLOBAL && sym.bind !== STB.WEAK && sym.bind !== STB.GNU_UNIQUE) continue;
    const v = sym.version;
    if (want) {
      if (v !== undefined) {
        // A different version is refused unless the definition is the base/unversioned one and neither side is hidden.
        const defHash = v.index <= 1 ? 0 : 1;
        const same = v.name === want.name;
        if (!same && (want.hidden || defHash !== 0 || v.hidden)) continue;
      }
      return sym;
    }
    if (v !== undefined && v.index >= 3) {
      if (!v.hidden && numVersions++ === 0) versioned = sym;
      continue;
    }
    return sym;
  }
  return numVersions === 1 ? versioned : undefined;
}

/** The version a relocation's symbol asks for (l_versions[ndx] with a non-zero hash). */
function wantedVersion(sym: ElfSymbol): WantedVersion | undefined {
  const v = sym.version;
  if (!v || v.index <= 1 || v.name === undefined) return undefined;
  return { name: v.name, hidden: v.hidden, ...(v.file === undefined ? {} : { file: v.file }) };
}

const bindsLocally = (s: ElfSymbol): boolean =>
  s.bind === STB.LOCAL ||
  s.visibility === STV.HIDDEN ||
  s.visibility === STV.INTERNAL ||
  s.visibility === STV.PROTECTED;

/** A relocation's lookup, as {@link bindProcess} memoises it. */
interface Reference {
  /** The binding; when not `own`, made without looking at the executable. */
  readonly binding: Binding;
  readonly want: WantedVersion | undefined;
  readonly plt: boolean;
  readonly copy: boolean;
  /** Answered by the object itself before the scope (DT_SYMBOLIC, protected). */
  readonly own: boolean;
}

/** `b`, answered by the executable's definition `def` instead. */
function answeredByMain(b: Binding, def: ElfSymbol): Binding {
  return {
    from: b.from,
    symbol: b.symbol,
    ...(b.version === undefined ? {} : { version: b.version }),
    ...(b.versionFile === undefined ? {} : { versionFile: b.versionFile }),
    to: 0,
    ...toVersionOf(def),
    weakRef: b.weakRef,
    copy: b.copy,
  };
}

const memos = new WeakMap<object, Map<string, readonly Reference[]>>();

const toVersionOf = (def: ElfSymbol | undefined): { toVersion?: string } => {
  const tv = def?.version;
  return tv?.name === undefined || tv.index <= 1 ? {} : { toVersion: tv.name };
};

/**
 * Every symbol reference of `o` looked up in `scope` (DT_SYMBOLIC objects
 * and protected definitions: the object itself first). Without
 * `withMain` the executable (index 0) is left out of the search, for the
 * caller to try first.
 */
function references(
  objects: readonly LoadedObject[],
  o: LoadedObject,
  scope: readonly number[],
  withMain: boolean,
): Reference[] {
  const elf = o.elf;
  const out: Reference[] = [];
  const seen = new Set<string>();
  const { symbols, types } = elf.relocations;
  for (let r = 0; r < symbols.length; r++) {
    const sym = elf.dynamicSymbols[symbols[r] as number];
    if (!sym || sym.name === "") continue;
    if (bindsLocally(sym)) continue;
    const cls = relocClass(elf.machine, types[r] as number);
    const want = wantedVersion(sym);
    const key = `${sym.name}@${want?.name ?? ""}${cls.copy ? "#copy" : cls.plt ? "#plt" : ""}`;
    if (seen.has(key)) continue;
    seen.add(key);
    let to: number | undefined;
    let def: ElfSymbol | undefined;
    let own = false;
    // A protected definition is looked up (LD_DEBUG shows it) but the
    // object keeps its own (_dl_lookup_symbol_x's STV_PROTECTED case).
    const ownProtected = sym.visibility === STV.PROTECTED && sym.shndx !== 0 && !cls.copy;
    if (elf.dynamic?.symbolic || ownProtected) {
      def = matchIn(elf, sym.name, want, cls.plt && o.index === 0);
      if (def) {
        to = o.index;
        own = true;
      }
    }
    if (!own) {
      for (const i of scope) {
        if (i === 0 && (cls.copy || !withMain)) continue;
        def = matchIn((objects[i] as LoadedObject).elf, sym.name, want, cls.plt && i === 0);
        if (def) {
          to = i;
          break;
        }
      }
    }
    out.push({
      binding: {
        from: o.index,
        symbol: sym.name,
        ...(want ? { version: want.name } : {}),
        ...(want?.file === undefined ? {} : { versionFile: want.file }),
        to,
        ...toVersionOf(def),
        weakRef: sym.bind === STB.WEAK,
        copy: cls.copy,
      },
      want,
      plt: cls.plt,
      copy: cls.copy,
      own,
    });
  }
  return out;
}

/**
 * Every symbol binding ld.so makes at start-up with LD_BIND_NOW: for each
 * dynamic relocation naming a symbol, the definition _dl_lookup_symbol_x
 * returns, searching the global scope (plus, for a --dlopen'ed library, its
 * local scope; DT_SYMBOLIC objects search themselves first). One binding is
 * kept per (object, symbol, version).
 */
export function bindProcess(load: LoadResult, memoHost?: object): Binding[] {
  const { objects } = load;
  const globalScope = objects.filter((o) => !o.dlopened).map((o) => o.index);
  const localScopeOf = new Map<number, readonly number[]>();
  for (const scope of load.dlopenScopes.values()) {
    for (const i of scope) if (!localScopeOf.has(i)) localScopeOf.set(i, scope);
  }
  // A library's references resolve the same way in every program whose
  // global scope after the executable is the same list of files: only the
  // executable (first in scope) can answer differently. A sweep reuses them.
  let memo: Map<string, readonly Reference[]> | undefined;
  let scopeKey = "";
  if (memoHost !== undefined) {
    memo = memos.get(memoHost);
    if (!memo) memos.set(memoHost, (memo = new Map<string, readonly Reference[]>()));
    scopeKey = globalScope
      .slice(1)
      .map((i) => `${(objects[i] as LoadedObject).dev}:${(objects[i] as LoadedObject).ino}`)
      .join(",");
  }
  const main = objects[0] as LoadedObject;
  const out: Binding[] = [];
  for (const o of objects) {
    if (o.index === 0 || o.dlopened || memo === undefined) {
      const scope = o.dlopened
        ? [...globalScope, ...(localScopeOf.get(o.index) ?? closureOf(objects, o.index))]
        : globalScope;
      for (const r of references(objects, o, scope, true)) out.push(r.binding);
      continue;
    }
    const key = `${scopeKey}#${o.index}`;
    let refs = memo.get(key);
    if (!refs) {
      refs = references(objects, o, globalScope, false);
      memo.set(key, refs);
    }
    for (const r of refs) {
      const m = r.own || r.copy ? undefined : matchIn(main.elf, r.binding.symbol, r.want, r.plt);
      out.push(m ? answeredByMain(r.binding, m) : r.binding);
    }
  }
  // ld.so replaces its own minimal malloc once relocation is done
  // (__rtld_malloc_init_real): it looks up the malloc family from the main
  // program with libc's oldest version, and LD_DEBUG prints those as bindings
  // of the main program.
  const libc = objects.find((x) => x.elf.dynamic?.soname === "libc.so.6" && !x.dlopened);
  const base = libc?.elf.versionDefinitions.find((d) => d.index === 2)?.name;
  if (libc && base && load.main.elf.interpreter !== undefined) {
    for (const name of ["calloc", "free", "malloc", "realloc"]) {
      const want: WantedVersion = { name: base, hidden: false };
      let to: number | undefined;
      let def: ElfSymbol | undefined;
      for (const i of globalScope) {
        def = matchIn((objects[i] as LoadedObject).elf, name, want, false);
        if (def) {
          to = i;
          break;
        }
      }
      out.push({
        from: 0,
        symbol: name,
        version: base,
        to,
        ...(def?.version?.name === undefined || def.version.index <= 1
          ? {}
          : { toVersion: def.version.name }),
        weakRef: false,
        copy: false,
        rtld: true,
      });
    }
  }
  return out;
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
      const defined = new Set(provider.elf.versionDefinitions.map((d) => d.name));
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
