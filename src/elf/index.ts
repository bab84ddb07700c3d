// elf: ELF reading, ld.so emulation and hardening — which library really answers each call.
export * from "./parse/index.js";
export { parseLdSoCache } from "./loader/ld-so-cache.js";
export type { LdCache, LdCacheEntry } from "./loader/ld-so-cache.js";
export { ElfCache } from "./loader/elf-cache.js";
export type { CachedElf } from "./loader/elf-cache.js";
export { loadProcess, closureOf } from "./loader/load.js";
export type {
  FoundVia,
  LoadedObject,
  LoadOptions,
  LoadResult,
  LoaderContext,
  MissingLibrary,
} from "./loader/load.js";
export { bindProcess, checkVersions, elfHash } from "./loader/bind.js";
export type { Binding, VersionProblem } from "./loader/bind.js";
export type { LoaderPlatform } from "./loader/platform.js";
export { analyseProcess, GLIBC_LIBRARY } from "./analyse.js";
export type {
  CryptoLibraryCopy,
  ElfAnalysis,
  Interposition,
  UndefinedReference,
} from "./analyse.js";
export { sweep, sweepEach, sweepFiles, listFiles } from "./sweep.js";
export type { SweepItem, SweepOptions } from "./sweep.js";
export { readProcess, parseMaps } from "./process.js";
export type { ProcessImage } from "./process.js";
export { hardeningOf, FORTIFIABLE } from "./hardening.js";
export type { Hardening, PieKind, RelroLevel } from "./hardening.js";
export { bindingKey, parseLdDebugBindings } from "./loader/ld-debug.js";
export { searchPathRisks } from "./search-path-risk.js";
export type { SearchPathProblem, SearchPathRisk } from "./search-path-risk.js";
export { expandSearchPath, originOf } from "./loader/search-path.js";
export type { SearchEntry } from "./loader/search-path.js";
export { readElfBytes, ScratchBuffer, SPARSE_ABOVE } from "./loader/sparse-read.js";
export { readGlibcVersion } from "./glibc-version.js";
export type { GlibcVersionReading } from "./glibc-version.js";
