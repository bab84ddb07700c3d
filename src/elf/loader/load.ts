import { TlsDoctorError } from "../../core/index.js";
import type { ElfFile } from "../parse/index.js";
import type { ElfCache } from "./elf-cache.js";
import { parseLdSoCache, type LdCache, type LdCacheEntry } from "./ld-so-cache.js";
import { loaderPlatform, type LoaderPlatform } from "./platform.js";
import { expandSearchPath, originOf } from "./search-path.js";

const DF_1_NODEFLIB = 0x800;

/** How ld.so found an object. */
export type FoundVia =
  "main" | "path" | "rpath" | "ld_library_path" | "runpath" | "ld.so.cache" | "default" | "preload";

export interface LoadedObject {
  /** Position in the global scope (0 = the main program). */
  readonly index: number;
  /** The name ld.so gives it (l_name): the path it opened, as LD_DEBUG prints it. */
  readonly path: string;
  readonly elf: ElfFile;
  /** The names it answers to: those it was requested by, and its soname. */
  readonly names: Set<string>;
  readonly via: FoundVia;
  /** The object whose DT_NEEDED first brought it in (l_loader), by index. */
  readonly loader: number | undefined;
  /** Indices of its own DT_NEEDED objects, resolved, in order. */
  readonly needed: number[];
  /** Loaded by LD_PRELOAD or /etc/ld.so.preload. */
  readonly preloaded: boolean;
  /** Loaded by --dlopen (RTLD_LOCAL: not in the global scope). */
  readonly dlopened: boolean;
  readonly dev: number;
  readonly ino: number;
}

export interface MissingLibrary {
  readonly name: string;
  readonly neededBy: string;
  /** Every file ld.so would have tried, in order. */
  readonly tried: readonly string[];
  /** Files skipped because they are for another class or machine. */
  readonly wrongClass: readonly string[];
  /** Why an existing candidate was refused (not ELF, malformed). */
  readonly errors: readonly string[];
}

export interface LoadOptions {
  /** LD_LIBRARY_PATH (default: none). */
  readonly ldLibraryPath?: string;
  /** LD_PRELOAD (space or colon separated). */
  readonly ldPreload?: string;
  /** Read /etc/ld.so.preload (default true). */
  readonly etcPreload?: boolean;
  /** Libraries dlopen()ed after start-up, RTLD_LOCAL. */
  readonly dlopen?: readonly string[];
}

export interface LoadResult {
  readonly main: LoadedObject;
  /** Every object, in load order; the global scope is those with !dlopened. */
  readonly objects: readonly LoadedObject[];
  readonly missing: readonly MissingLibrary[];
  readonly platform: LoaderPlatform;
  readonly cache?: LdCache;
  /** The local scope of each --dlopen'ed library (its own breadth-first closure), by index. */
  readonly dlopenScopes: ReadonlyMap<number, readonly number[]>;
  readonly notes: readonly string[];
}

/** Shared state of a sweep: parsed files, the parsed ld.so.cache, /etc/ld.so.preload. */
export interface LoaderContext {
  readonly files: ElfCache;
  cache?: LdCache | null;
  /** The names /etc/ld.so.preload lists, read on first use. */
  etcPreload?: readonly string[];
}

/** /etc/ld.so.preload's names (whitespace or colon separated, `#` comments), once per sweep. */
function etcPreloadNames(ctx: LoaderContext): readonly string[] {
  if (ctx.etcPreload === undefined) {
    const view = ctx.files.view;
    ctx.etcPreload =
      view.kind("/etc/ld.so.preload") === "file"
        ? view
            .readText("/etc/ld.so.preload", 1024 * 1024)
            .replace(/#.*$/gm, "")
            .split(/[\s:]+/)
            .filter(Boolean)
        : [];
  }
  return ctx.etcPreload;
}

function readLdCache(ctx: LoaderContext, notes: string[]): LdCache | undefined {
  if (ctx.cache === undefined) {
    try {
      ctx.cache = parseLdSoCache(ctx.files.view.readBytes("/etc/ld.so.cache", 256 * 1024 * 1024), {
        file: "/etc/ld.so.cache",
      });
    } catch (e) {
      ctx.cache = null;
      notes.push(`/etc/ld.so.cache not used: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return ctx.cache ?? undefined;
}

/**
 * Derived once per sweep, not once per program: the platform (it reads
 * libc.so.6 and /proc/cpuinfo) per ABI, and the cache entries by soname.
 */
const platforms = new WeakMap<ElfCache, Map<string, LoaderPlatform>>();
const cacheIndexes = new WeakMap<LdCache, Map<string, LdCacheEntry[]>>();

function platformFor(files: ElfCache, main: ElfFile): LoaderPlatform {
  let byAbi = platforms.get(files);
  if (!byAbi) {
    byAbi = new Map();
    platforms.set(files, byAbi);
  }
  const key = `${main.class}/${main.endian}/${main.machine}/${main.flags}/${main.interpreter ?? ""}`;
  let p = byAbi.get(key);
  if (!p) {
    p = loaderPlatform(files.view, main);
    byAbi.set(key, p);
  }
  return p;
}

function cacheEntries(cache: LdCache, name: string): readonly LdCacheEntry[] {
  let index = cacheIndexes.get(cache);
  if (!index) {
    index = new Map();
    for (const e of cache.entries) {
      const list = index.get(e.key);
      if (list) list.push(e);
      else index.set(e.key, [e]);
    }
    cacheIndexes.set(cache, index);
  }
  return index.get(name) ?? [];
}

/** Per cache and platform, the file ld.so.cache gives for each name asked (null: none). */
const cachedPaths = new WeakMap<LdCache, WeakMap<LoaderPlatform, Map<string, string | null>>>();

/**
 * The file _dl_load_cache_lookup picks for `name`: entries of this ABI
 * (or any), the glibc-hwcaps subdirectories in the platform's order
 * first, then entries without hwcaps. Once per name and platform.
 */
function cachedPath(cache: LdCache, platform: LoaderPlatform, name: string): string | undefined {
  let byPlatform = cachedPaths.get(cache);
  if (!byPlatform) cachedPaths.set(cache, (byPlatform = new WeakMap()));
  let byName = byPlatform.get(platform);
  if (!byName) byPlatform.set(platform, (byName = new Map<string, string | null>()));
  let file = byName.get(name);
  if (file === undefined) {
    const candidates = cacheEntries(cache, name).filter(
      (e) => e.flags === platform.cacheFlags || e.flags === 1,
    );
    const best =
      platform.hwcaps
        .map((h) => candidates.find((e) => e.hwcapsSubdir === h))
        .find((e) => e !== undefined) ??
      candidates.find((e) => e.hwcapsSubdir === undefined && e.hwcap === 0n);
    file = best?.value ?? null;
    byName.set(name, file);
  }
  return file ?? undefined;
}

const sameAbi = (a: ElfFile, b: ElfFile): boolean =>
  a.class === b.class && a.machine === b.machine && a.endian === b.endian;

/**
 * Emulates glibc's ld.so starting `mainPath` (elf/rtld.c, elf/dl-load.c,
 * elf/dl-deps.c): the main program, LD_PRELOAD then /etc/ld.so.preload, then
 * every DT_NEEDED breadth first; each name searched as _dl_map_object does.
 * Nothing is executed.
 */
export function loadProcess(
  ctx: LoaderContext,
  mainPath: string,
  options: LoadOptions = {},
): LoadResult {
  const view = ctx.files.view;
  const mainEntry = ctx.files.get(mainPath);
  if (mainEntry === null) {
    throw new TlsDoctorError("TLSD_FILE", `Cannot analyse ${mainPath}: no such file`, {
      details: { path: mainPath },
    });
  }
  if (!mainEntry.ok) throw mainEntry.error;
  const notes: string[] = [];
  const platform = platformFor(ctx.files, mainEntry.elf);
  notes.push(...platform.notes);
  const cache = readLdCache(ctx, notes);
  const objects: LoadedObject[] = [];
  const missing: MissingLibrary[] = [];

  const add = (
    path: string,
    entry: { elf: ElfFile; dev: number; ino: number },
    via: FoundVia,
    loader: number | undefined,
    name: string,
    flags: { preloaded?: boolean; dlopened?: boolean } = {},
  ): LoadedObject => {
    const o: LoadedObject = {
      index: objects.length,
      path,
      elf: entry.elf,
      names: new Set([name]),
      via,
      loader,
      needed: [],
      preloaded: flags.preloaded ?? false,
      dlopened: flags.dlopened ?? false,
      dev: entry.dev,
      ino: entry.ino,
    };
    objects.push(o);
    return o;
  };

  // The executable's $ORIGIN comes from /proc/self/exe: symlinks resolved.
  const main = add(mainPath, mainEntry, "main", undefined, mainPath);
  // Empty elements (the current directory) and unexpandable ones are not
  // searched here: tlsdoctor does not know the process's working directory.
  // searchPathRisks reports them.
  // The object's $ORIGIN only for a list that names it: the executable's
  // is its path with symlinks resolved, a realpath per process.
  const expand = (list: string, o: LoadedObject | undefined): string[] =>
    expandSearchPath(
      list,
      o === undefined || !list.includes("ORIGIN") ? undefined : originOf(view, o),
      platform,
    ).flatMap((e) => (e.dir === undefined || e.dir === "" ? [] : [e.dir]));

  /** The subdirectories ld.so tries in each search directory, most specific first. */
  const subdirs = [
    ...platform.hwcaps.map((h) => `glibc-hwcaps/${h}`),
    ...platform.legacySubdirs,
    "",
  ];

  // ld.so itself is loaded before anything else, under the name in PT_INTERP;
  // it enters the search list where a DT_NEEDED first names it, else at the end.
  let rtld: { elf: ElfFile; dev: number; ino: number } | undefined;
  let rtldObject: LoadedObject | undefined;
  if (main.elf.interpreter !== undefined) {
    const e = ctx.files.get(main.elf.interpreter);
    if (e?.ok) rtld = e;
    else
      notes.push(
        `the interpreter ${main.elf.interpreter} is ${e === null ? "missing" : "unreadable"}`,
      );
  }
  const interp = main.elf.interpreter;
  const matchLoaded = (name: string, loader: LoadedObject): LoadedObject | undefined => {
    const hit = objects.find(
      (o) => o.names.has(name) || o.path === name || o.elf.dynamic?.soname === name,
    );
    if (hit) return hit;
    if (
      rtld &&
      !rtldObject &&
      interp !== undefined &&
      (name === interp || rtld.elf.dynamic?.soname === name)
    ) {
      rtldObject = add(interp, rtld, "main", loader.index, name);
      return rtldObject;
    }
    return undefined;
  };

  interface Attempt {
    tried: string[];
    wrongClass: string[];
    errors: string[];
  }
  /** open_verify on one candidate file: the entry, or undefined to keep searching. */
  const tryFile = (
    file: string,
    a: Attempt,
  ): { elf: ElfFile; dev: number; ino: number } | undefined => {
    a.tried.push(file);
    const e = ctx.files.get(file);
    if (e === null) return undefined;
    if (!e.ok) {
      a.errors.push(`${file}: ${e.error.message}`);
      return undefined;
    }
    if (!sameAbi(e.elf, main.elf)) {
      a.wrongClass.push(file);
      return undefined;
    }
    return e;
  };
  const searchDirs = (name: string, dirs: readonly string[], a: Attempt) => {
    for (const d of dirs) {
      for (const s of subdirs) {
        const file = s === "" ? `${d}/${name}` : `${d}/${s}/${name}`;
        const hit = tryFile(file.replace(/^\/\//, "/"), a);
        if (hit) return { file: file.replace(/^\/\//, "/"), hit };
      }
    }
    return undefined;
  };
  const fromCache = (name: string, a: Attempt) => {
    if (!cache) return undefined;
    const file = cachedPath(cache, platform, name);
    if (file === undefined) return undefined;
    const hit = tryFile(file, a);
    return hit ? { file, hit } : undefined;
  };

  const ldLibraryPath = expand(options.ldLibraryPath ?? "", undefined);

  /** _dl_map_object: find `name` for `loader`; undefined when it cannot be found. */
  const mapObject = (
    name: string,
    loader: LoadedObject,
    flags: { preloaded?: boolean; dlopened?: boolean } = {},
  ): LoadedObject | undefined => {
    const already = matchLoaded(name, loader);
    if (already) {
      already.names.add(name);
      return already;
    }
    const a: Attempt = { tried: [], wrongClass: [], errors: [] };
    let found: { file: string; hit: { elf: ElfFile; dev: number; ino: number } } | undefined;
    let via: FoundVia = "path";
    if (name.includes("/")) {
      const [file = name] = expand(name, loader);
      const hit = tryFile(file, a);
      if (hit) found = { file, hit };
    } else {
      if (loader.elf.dynamic?.runpath === undefined) {
        // DT_RPATH of the loader, then of its loaders, then of the executable.
        for (
          let l: LoadedObject | undefined = loader;
          l && !found;
          l = l.loader === undefined ? undefined : objects[l.loader]
        ) {
          if (l.elf.dynamic?.rpath !== undefined)
            found = searchDirs(name, expand(l.elf.dynamic.rpath, l), a);
        }
        if (!found && main.elf.dynamic?.rpath !== undefined && loader !== main) {
          found = searchDirs(name, expand(main.elf.dynamic.rpath, main), a);
        }
        if (found) via = "rpath";
      }
      if (!found && ldLibraryPath.length > 0) {
        found = searchDirs(name, ldLibraryPath, a);
        if (found) via = "ld_library_path";
      }
      if (!found && loader.elf.dynamic?.runpath !== undefined) {
        found = searchDirs(name, expand(loader.elf.dynamic.runpath, loader), a);
        if (found) via = "runpath";
      }
      const nodeflib = ((loader.elf.dynamic?.flags1 ?? 0) & DF_1_NODEFLIB) !== 0;
      if (!found && !nodeflib) {
        found = fromCache(name, a);
        if (found) via = "ld.so.cache";
      }
      if (!found && !nodeflib) {
        found = searchDirs(name, platform.systemDirs, a);
        if (found) via = "default";
      }
    }
    if (!found) {
      missing.push({
        name,
        neededBy: loader.path,
        tried: a.tried,
        wrongClass: a.wrongClass,
        errors: a.errors,
      });
      return undefined;
    }
    // The same file under another name is the same object (st_dev/st_ino).
    if (
      rtld &&
      !rtldObject &&
      interp !== undefined &&
      rtld.dev === found.hit.dev &&
      rtld.ino === found.hit.ino
    ) {
      rtldObject = add(interp, rtld, "main", loader.index, name);
      return rtldObject;
    }
    const same = objects.find((o) => o.dev === found.hit.dev && o.ino === found.hit.ino);
    if (same) {
      same.names.add(name);
      return same;
    }
    return add(found.file, found.hit, flags.preloaded ? "preload" : via, loader.index, name, flags);
  };

  // Preloads: LD_PRELOAD, then /etc/ld.so.preload (whitespace or colon separated).
  const preloadNames = (options.ldPreload ?? "").split(/[\s:]+/).filter(Boolean);
  if (options.etcPreload !== false) preloadNames.push(...etcPreloadNames(ctx));
  for (const p of preloadNames) mapObject(p, main, { preloaded: true });

  // Breadth first over DT_NEEDED, starting from the main program and the preloads.
  const bfs = (start: number): void => {
    for (let i = start; i < objects.length; i++) {
      const o = objects[i] as LoadedObject;
      for (const n of o.elf.dynamic?.needed ?? []) {
        const dep = mapObject(n, o, o.dlopened ? { dlopened: true } : {});
        if (dep && !o.needed.includes(dep.index)) o.needed.push(dep.index);
      }
    }
  };
  bfs(0);
  if (rtld && !rtldObject && interp !== undefined) {
    rtldObject = add(interp, rtld, "main", undefined, interp);
  }
  const dlopenScopes = new Map<number, number[]>();
  for (const lib of options.dlopen ?? []) {
    const before = objects.length;
    const o = mapObject(lib, main, { dlopened: true });
    if (!o) continue;
    bfs(before);
    dlopenScopes.set(o.index, closureOf(objects, o.index));
  }
  return {
    main,
    objects,
    missing,
    platform,
    ...(cache === undefined ? {} : { cache }),
    dlopenScopes,
    notes,
  };
}

/** An object and its DT_NEEDED closure, breadth first (its local scope). */
export function closureOf(objects: readonly LoadedObject[], start: number): number[] {
  const seen = new Set<number>([start]);
  const order = [start];
  for (let i = 0; i < order.length; i++) {
    for (const n of objects[order[i] as number]?.needed ?? []) {
      if (!seen.has(n)) {
        seen.add(n);
        order.push(n);
      }
    }
  }
  return order;
}
