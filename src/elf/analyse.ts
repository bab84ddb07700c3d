import {
  bindingAt,
  type ObjectBindings,
  bindProcessCompact,
  checkVersions,
  definitionsOf,
  REF,
  toBindings,
  type Binding,
  type ProcessBindings,
  type VersionProblem,
} from "./loader/bind.js";
import {
  closureOf,
  loadProcess,
  type LoadedObject,
  type LoadOptions,
  type LoadResult,
  type LoaderContext,
} from "./loader/load.js";
import { STT, type ElfFile, type ElfSymbolTable } from "./parse/index.js";
import { searchPathRisks, type SearchPathRisk } from "./search-path-risk.js";

/** A reference that binds outside its object's own dependency closure although the closure defines it. */
export interface Interposition {
  readonly symbol: string;
  readonly version?: string;
  /** Who references it. */
  readonly from: string;
  /** Who answers (the winner). */
  readonly winner: string;
  /** Who should have answered: the definitions inside the referencing object's closure, or the versioned provider. */
  readonly losers: readonly string[];
  /** "closure": winner outside the closure; "version": a versioned reference answered by an unversioned definition in another file. */
  readonly kind: "closure" | "version";
  /** crypto: an OpenSSL/GnuTLS/NSS… symbol; allocator: malloc family; preload: the winner is an LD_PRELOAD object; other. */
  readonly category: "crypto" | "allocator" | "preload" | "other";
  /** The definition's symbol type: a function or a data object (hooks such as obstack_alloc_failed_handler). */
  readonly symbolType: "function" | "object" | "other";
}

export interface CryptoLibraryCopy {
  readonly family: string;
  readonly objects: readonly string[];
  /** For "exports OpenSSL names": the object and some of the names. */
  readonly exported?: readonly string[];
  readonly kind: "copies" | "exports-openssl-names";
}

export interface UndefinedReference {
  readonly symbol: string;
  readonly version?: string;
  readonly from: string;
}

export interface ElfAnalysis {
  readonly load: LoadResult;
  /** Every binding as a record (made on first use from {@link compactBindings}). */
  readonly bindings: readonly Binding[];
  /** The same bindings as ld.so's answers per object and reference. */
  readonly compactBindings: ProcessBindings;
  readonly bindingCount: number;
  readonly interpositions: readonly Interposition[];
  readonly duplicates: readonly CryptoLibraryCopy[];
  readonly undefinedSymbols: readonly UndefinedReference[];
  readonly versionProblems: readonly VersionProblem[];
  /** DT_RPATH/DT_RUNPATH elements of the loaded objects that others could write to. */
  readonly searchPathRisks: readonly SearchPathRisk[];
}

const CRYPTO_PREFIX =
  /^(EVP_|CRYPTO_|SSL_|SSLv|TLS_|TLSv|DTLS|OPENSSL_|ERR_|BIO_|X509|PEM_|RSA_|DSA_|DH_|EC_|ECDSA_|ECDH_|BN_|RAND_|HMAC|CMAC_|SHA\d|MD5|MD4|AES_|DES_|ASN1_|PKCS\d|d2i_|i2d_|OBJ_|ENGINE_|OSSL_|gnutls_|nettle_|gcry_|PK11_|NSS_|SEC_|mbedtls_|wolfSSL|br_ssl)/;
/** Prefixes of OpenSSL's API names: a library exporting functions so named carries or mimics OpenSSL. */
const OPENSSL_API_PREFIXES = [
  "EVP_",
  "CRYPTO_",
  "SSL_",
  "OPENSSL_",
  "X509_",
  "BIO_",
  "PEM_",
  "RSA_",
  "EC_KEY_",
  "BN_",
  "RAND_",
  "HMAC_",
  "d2i_",
  "i2d_",
  "ERR_get_error",
  "ERR_error_string",
];
const ALLOCATOR =
  /^(malloc|free|calloc|realloc|memalign|posix_memalign|aligned_alloc|valloc|pvalloc|malloc_usable_size|mallopt|mallinfo2?|_Znwm|_Znam|_ZdlPv|_ZdaPv|_ZnwmRKSt9nothrow_t|_ZnamRKSt9nothrow_t|_ZdlPvm|_ZdaPvm)$/;

/** OPENSSL_API_PREFIXES by their first byte: an array read rules out most names. */
const OPENSSL_PREFIXES: readonly (readonly string[] | undefined)[] = (() => {
  const byByte = new Array<string[] | undefined>(256).fill(undefined);
  for (const p of OPENSSL_API_PREFIXES) (byByte[p.charCodeAt(0)] ??= []).push(p);
  return byByte;
})();

/** OpenSSL-named exports that make a library "a bundled copy" when OpenSSL itself is not loaded. */
const BUNDLED_COPY_MIN = 16;

/** glibc's own libraries, by file name or soname. */
export const GLIBC_LIBRARY =
  /^(libc|libm|libpthread|libdl|librt|libresolv|libutil|libanl|libnsl|libmvec|ld-linux[^/]*)\.so/;

const FAMILIES: readonly [string, RegExp][] = [
  ["OpenSSL libcrypto", /^libcrypto\.so(\.|$)/],
  ["OpenSSL libssl", /^libssl\.so(\.|$)/],
  ["GnuTLS", /^libgnutls\.so(\.|$)/],
  ["NSS", /^libnss3\.so(\.|$)/],
  ["mbed TLS", /^libmbedcrypto\.so(\.|$)/],
  ["wolfSSL", /^libwolfssl\.so(\.|$)/],
  ["libgcrypt", /^libgcrypt\.so(\.|$)/],
  ["Nettle", /^libnettle\.so(\.|$)/],
];

const base = (p: string): string => p.slice(p.lastIndexOf("/") + 1);
const nameOf = (o: LoadedObject): string => o.elf.dynamic?.soname ?? base(o.path);

function categoryOf(symbol: string, winner: LoadedObject): Interposition["category"] {
  if (CRYPTO_PREFIX.test(symbol)) return "crypto";
  if (winner.preloaded) return "preload";
  if (ALLOCATOR.test(symbol)) return "allocator";
  return "other";
}

function typeOfDefinition(elf: ElfFile, symbol: string): Interposition["symbolType"] {
  const s = definitionsOf(elf, symbol).find((x) => x.shndx !== 0);
  if (!s) return "other";
  return s.type === STT.FUNC || s.type === STT.GNU_IFUNC
    ? "function"
    : s.type === STT.OBJECT
      ? "object"
      : "other";
}

/** Does `elf` define `symbol` (any version) as an exported, callable or data definition? */
function defines(elf: ElfFile, symbol: string, version: string | undefined): boolean {
  return definitionsOf(elf, symbol).some(
    (s) =>
      s.shndx !== 0 &&
      (s.bind === 1 || s.bind === 2 || s.bind === 10) &&
      (version === undefined ||
        s.version === undefined ||
        s.version.index <= 1 ||
        s.version.name === version),
  );
}

/**
 * Does symbol `i`'s name start with one of `prefixes`? A loop, not
 * `prefixes.some(…)`: a closure over the loop's `i` would make a context
 * per symbol scanned (24 MB of garbage in a sweep of /usr/bin and /usr/sbin).
 */
function startsWithAny(t: ElfSymbolTable, i: number, prefixes: readonly string[]): boolean {
  for (const p of prefixes) if (t.nameStartsWith(i, p)) return true;
  return false;
}

/** The functions a file exports under OpenSSL API names (once per file: a sweep asks for each process). */
const openSslNamed = new WeakMap<ElfFile, readonly string[]>();
function openSslNamedExports(elf: ElfFile): readonly string[] {
  let names = openSslNamed.get(elf);
  if (!names) {
    const t = elf.symbolTable;
    const found: string[] = [];
    for (let i = 0; i < t.count; i++) {
      // The prefixes compared as bytes: only matching names are decoded.
      const prefixes = OPENSSL_PREFIXES[t.firstByteAt(i)];
      if (prefixes === undefined) continue;
      if (t.shndxAt(i) === 0 || t.typeAt(i) !== STT.FUNC) continue;
      const bind = t.bindAt(i);
      if (bind !== 1 && bind !== 2) continue;
      if (startsWithAny(t, i, prefixes)) found.push(t.nameAt(i));
    }
    names = found;
    openSslNamed.set(elf, names);
  }
  return names;
}

/**
 * One binding outside the common case: an interposition (a definition from
 * outside the referencing object's closure winning over one inside it, or a
 * versioned reference answered by another file's unversioned definition),
 * or undefined when it is normal linking. `own`: the referencing object's
 * dependency closure.
 */
function judge(
  load: LoadResult,
  b: Binding,
  mainTarget: () => number | undefined,
  own: readonly number[],
): Interposition | undefined {
  const { objects } = load;
  if (b.to === undefined) return undefined;
  const from = objects[b.from] as LoadedObject;
  const winner = objects[b.to] as LoadedObject;
  if (b.to === 0) {
    const mainTo = mainTarget();
    if (mainTo !== undefined && mainTo !== 0) return undefined;
  }
  let kind: Interposition["kind"] | undefined;
  let losers: string[] = [];
  if (!own.includes(b.to)) {
    losers = own
      .filter((i) => i !== b.to && defines((objects[i] as LoadedObject).elf, b.symbol, b.version))
      .map((i) => (objects[i] as LoadedObject).path);
    if (losers.length > 0) kind = "closure";
  }
  if (
    !kind &&
    b.versionFile !== undefined &&
    b.toVersion === undefined &&
    !winner.names.has(b.versionFile) &&
    nameOf(winner) !== b.versionFile
  ) {
    const provider = objects.find(
      (o) => o.names.has(b.versionFile ?? "") || nameOf(o) === b.versionFile,
    );
    if (provider && defines(provider.elf, b.symbol, b.version)) {
      kind = "version";
      losers = [provider.path];
    }
  }
  if (!kind) return undefined;
  const category = categoryOf(b.symbol, winner);
  // Executables interpose by ELF's design (their definitions come first),
  // and C++ vague-linkage definitions (typeinfo, vtables, template
  // instances) are merged across objects on purpose: only crypto symbols
  // answered by the executable are worth a finding.
  if (b.to === 0 && category !== "crypto") return undefined;
  if (b.symbol.startsWith("_Z") && category === "other") return undefined;
  // glibc's own libraries (libc, libm …) define some functions twice on purpose.
  if (GLIBC_LIBRARY.test(base(winner.path)) && losers.every((l) => GLIBC_LIBRARY.test(base(l))))
    return undefined;
  return {
    symbol: b.symbol,
    ...(b.version === undefined ? {} : { version: b.version }),
    from: from.path,
    winner: winner.path,
    losers,
    kind,
    category,
    symbolType: typeOfDefinition(winner.elf, b.symbol),
  };
}

/**
 * Loads `path` as ld.so would, binds every reference, and finds what the
 * seeds taught us to look for: foreign interposition, two crypto libraries
 * in one process, missing libraries, undefined symbols and missing versions.
 */
export function analyseProcess(
  ctx: LoaderContext,
  path: string,
  options: LoadOptions = {},
): ElfAnalysis {
  const load = loadProcess(ctx, path, options);
  const compact = bindProcessCompact(load, { memoHost: ctx.files });
  const { objects } = load;
  // What the main program's own references bind to: a library's reference
  // bound to the executable's copy (COPY relocation, canonical PLT address)
  // of a symbol the executable itself takes from that library is normal
  // linking. Asked only for a suspect the executable answers: by name id
  // where the symbol index bound both, else by the names' bytes.
  const mainObs = compact.objects.filter((ob) => ob.from === 0);
  const mainTargetOf = (ob: ObjectBindings, k: number): number | undefined => {
    const st = (objects[0] as LoadedObject).elf.symbolTable;
    const id = ob.nameIds?.[k];
    // Decoded only where an object has no name ids (the scope walk's bindings).
    let name: string | undefined;
    let found: number | undefined;
    for (const m of mainObs) {
      const ids = m.nameIds;
      const syms = m.refs.syms;
      for (let j = 0; j < syms.length; j++) {
        const same =
          id !== undefined && ids !== undefined
            ? ids[j] === id
            : st.nameIs(syms[j] as number, (name ??= ob.refs.nameOf(k)));
        if (!same) continue;
        const to = m.targetOf(j);
        // The last answered reference of that name, as a map set in order would keep.
        if (to >= 0) found = to;
      }
    }
    return found;
  };

  const interpositions: Interposition[] = [];
  const undefinedSymbols: UndefinedReference[] = [];
  // Per object, the from + 1 of the referencing object whose closure it was last found in.
  const inClosure = new Int32Array(objects.length);
  for (const ob of compact.objects) {
    const from = objects[ob.from] as LoadedObject;
    const { wants, flags } = ob.refs;
    const g = ob.groups();
    for (const k of g.unresolved) {
      if ((flags[k] as number) & REF.WEAK) continue;
      const version = wants[k]?.name;
      undefinedSymbols.push({
        symbol: ob.refs.nameOf(k),
        ...(version === undefined ? {} : { version }),
        from: from.path,
      });
    }
    // ld.so and libc share GLIBC_PRIVATE symbols by design.
    if (from.path === load.main.elf.interpreter) continue;
    // Worth judging: answers from outside the object's own closure, and
    // versioned references answered by an unversioned definition. An
    // object's answers to itself never are.
    const closure = closureOf(objects, ob.from);
    const stamp = ob.from + 1;
    for (const i of closure) inClosure[i] = stamp;
    const suspects: number[] = [];
    g.forEachTarget(
      (_to, ks) => {
        for (const k of ks) suspects.push(k);
      },
      (to) => to !== ob.from && inClosure[to] !== stamp,
    );
    for (const k of g.unversioned) {
      const to = ob.targetOf(k);
      if (to !== ob.from && inClosure[to] === stamp) suspects.push(k);
    }
    suspects.sort((a, b) => a - b);
    for (const k of suspects) {
      if (wants[k]?.name === "GLIBC_PRIVATE") continue;
      const found = judge(load, bindingAt(ob, k), () => mainTargetOf(ob, k), closure);
      if (found) interpositions.push(found);
    }
  }

  const duplicates: CryptoLibraryCopy[] = [];
  for (const [family, re] of FAMILIES) {
    const hits = objects.filter((o) => re.test(nameOf(o)) || re.test(base(o.path)));
    const distinct = new Set(hits.map((o) => `${o.dev}:${o.ino}`));
    if (distinct.size >= 2)
      duplicates.push({ family, objects: hits.map((o) => o.path), kind: "copies" });
  }
  // A library that defines OpenSSL's names: where OpenSSL is in the process
  // too, the names both define are the collision; without it, only a
  // sizeable set (a bundled copy) is worth saying — haproxy's own
  // SSL_CTX_keylog helper is not OpenSSL's.
  const openssl = objects.filter((o) => /^lib(crypto|ssl)\.so/.test(nameOf(o)));
  for (const o of objects) {
    const n = nameOf(o);
    if (/^lib(crypto|ssl)\.so/.test(n)) continue;
    const names = openSslNamedExports(o.elf).filter(
      (name) => openssl.length === 0 || openssl.some((x) => defines(x.elf, name, undefined)),
    );
    if (names.length >= (openssl.length === 0 ? BUNDLED_COPY_MIN : 1)) {
      duplicates.push({
        family: "OpenSSL API",
        objects: [o.path],
        exported: names,
        kind: "exports-openssl-names",
      });
    }
  }
  let records: Binding[] | undefined;
  return {
    load,
    get bindings(): readonly Binding[] {
      return (records ??= toBindings(compact));
    },
    compactBindings: compact,
    bindingCount: compact.count,
    interpositions,
    duplicates,
    undefinedSymbols,
    versionProblems: checkVersions(load),
    searchPathRisks: searchPathRisks(ctx.files.view, objects, load.platform),
  };
}
