#!/usr/bin/env node
// Makes the V8 code cache of the CLI bundle: `node scripts/code-cache.mjs
// dist/tlsdoctor.cjs` writes dist/tlsdoctor.cjs.cache. It runs the bundle as
// `tlsdoctor --version` (which reads package.json and prints a line, nothing
// else), so the cache holds the code that every start runs, then saves
// what V8 compiled. Run by scripts/bundle.mjs.
import { writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const file = resolve(process.argv[2] ?? "dist/tlsdoctor.cjs");
const { codeCachePath, compileBundle, runBundle } = await import(
  pathToFileURL(`${dirname(file)}/cli/bundle-loader.js`).href
);
const bundle = compileBundle(file);
process.argv = [process.argv[0], file, "--version"];
process.on("exit", () => writeFileSync(codeCachePath(file), bundle.script.createCachedData()));
runBundle(bundle);
