#!/usr/bin/env node
// Bundles the compiled CLI (dist/cli/main.js) and its dependencies into one
// script, dist/tlsdoctor.cjs, run by the `tlsdoctor` binary dist/tlsdoctor.mjs
// (dist/cli/launch.js bundled) with a V8 code cache made here,
// dist/tlsdoctor.cjs.cache. One file loads in about half the time of ~200
// modules (Node resolves and compiles each one), and the code cache spares
// V8 parsing it: start-up is most of a probe's or a scan's wall time
// (BENCHMARKS.md).
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
// TLSD_DIST=DIR bundles the tree compiled into DIR (as run-tests.mjs runs it).
const dist = process.env.TLSD_DIST ?? "dist";
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: "node",
  target: "node20",
  // koffi loads its prebuilt native module from node_modules at run time.
  external: ["koffi"],
  legalComments: "none",
  logLevel: "warning",
};
// ESM scripts of their own: the CommonJS dependencies (commander,
// cli-progress, asn1js …) call require().
const esm = {
  ...common,
  format: "esm",
  banner: {
    js: "import { createRequire as __tlsdCreateRequire } from 'node:module';\nconst require = __tlsdCreateRequire(import.meta.url);",
  },
};
// The CLI as CommonJS, which V8 can cache compiled: strict as the ES
// modules it is made of, and import.meta.url (the bundle's own URL, from
// which the CLI finds package.json and the scripts beside it) from __filename.
// Whitespace and comments go (names stay, for stack traces): 2.1 MB of
// source becomes 1.7 MB of ASCII, which every start reads and V8 hashes to
// check the code cache; `tlsdoctor --version` 96 ms to 92 ms.
await build({
  ...common,
  minifyWhitespace: true,
  format: "cjs",
  define: { "import.meta.url": "__tlsdImportMetaUrl" },
  banner: {
    js: '"use strict";\nconst __tlsdImportMetaUrl = require("node:url").pathToFileURL(__filename).href;',
  },
  entryPoints: [`${dist}/cli/main.js`],
  outfile: `${dist}/tlsdoctor.cjs`,
});
await build({
  ...common,
  format: "esm",
  entryPoints: [`${dist}/cli/launch.js`],
  outfile: `${dist}/tlsdoctor.mjs`,
});
// The child `tlsdoctor chroot` starts to chroot and call getaddrinfo: a script of its own,
// beside the bundle, where host/chroot.ts looks for it (new URL("./resolve-child.mjs", import.meta.url)).
await build({
  ...esm,
  entryPoints: [`${dist}/host/resolve-child.js`],
  outfile: `${dist}/resolve-child.mjs`,
});
// The worker threads of a parallel `elf --sweep`: beside the bundle, where
// cli/elf-sweep.ts looks for it (new URL("./elf-sweep-worker.mjs", import.meta.url)).
await build({
  ...esm,
  entryPoints: [`${dist}/cli/elf-sweep-worker.js`],
  outfile: `${dist}/elf-sweep-worker.mjs`,
});
// The code cache, made by this Node (V8 rejects a cache from another
// version or other flags, and then compiles from source).
const made = spawnSync(
  process.execPath,
  [fileURLToPath(new URL("./code-cache.mjs", import.meta.url)), `${dist}/tlsdoctor.cjs`],
  { cwd: root, stdio: ["ignore", "ignore", "inherit"] },
);
if (made.status !== 0 || !existsSync(`${root}/${dist}/tlsdoctor.cjs.cache`)) {
  console.error(`bundle: making the code cache failed (exit ${made.status})`);
  process.exit(1);
}
