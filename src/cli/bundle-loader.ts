import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { Script } from "node:vm";

// The installed binary is a small ESM launcher (launch.ts, bundled to
// dist/tlsdoctor.mjs) and the CLI bundled as one CommonJS script
// (dist/tlsdoctor.cjs), compiled here with the V8 code cache the build
// made beside it (dist/tlsdoctor.cjs.cache). Node 20 caches no code of its
// own for ES modules: without the cache, V8 parses the whole bundle at every
// start, about a fifth of a `tlsdoctor --version`.

/** Where the build puts the code cache of bundle `file`. */
export const codeCachePath = (file: string): string => `${file}.cache`;

/** What became of the code cache when compiling a bundle. */
export type CodeCacheUse = "accepted" | "rejected" | "none";

export interface CompiledBundle {
  readonly script: Script;
  readonly file: string;
  /** `rejected`: made by another Node or V8 flags, or damaged; V8 compiled from source instead. */
  readonly cache: CodeCacheUse;
}

/**
 * Compiles the CommonJS bundle `file` as Node would load it (wrapped in a
 * module function), with `cachedData` when given. V8 checks the cache
 * against its version, its flags and the source, and compiles from source
 * when it does not fit: a stale cache costs time, never correctness.
 */
export function compileBundle(file: string, cachedData?: Buffer): CompiledBundle {
  let source = readFileSync(file, "utf8");
  // A shebang is not valid inside the wrapper function: keep the line, as a comment.
  if (source.startsWith("#!")) source = `//${source.slice(2)}`;
  const script = new Script(
    `(function (exports, require, module, __filename, __dirname) {${source}\n})`,
    { filename: file, ...(cachedData === undefined ? {} : { cachedData }) },
  );
  const cache: CodeCacheUse =
    cachedData === undefined
      ? "none"
      : script.cachedDataRejected === true
        ? "rejected"
        : "accepted";
  return { script, file, cache };
}

/** Reads the code cache beside `file`, if the build made one. */
export function readCodeCache(file: string): Buffer | undefined {
  try {
    return readFileSync(codeCachePath(file));
  } catch {
    return undefined;
  }
}

/** Runs a compiled bundle as the main module: its top level starts the CLI. */
export function runBundle(b: CompiledBundle): void {
  const module = { exports: {} };
  const run = b.script.runInThisContext() as (
    exports: object,
    require: NodeJS.Require,
    module: object,
    filename: string,
    dirname: string,
  ) => void;
  run(module.exports, createRequire(b.file), module, b.file, dirname(b.file));
}
