#!/usr/bin/env node
// Bundles the compiled CLI (dist/cli/main.js) and its dependencies into one
// ESM file, dist/tlsdoctor.mjs, the `tlsdoctor` binary. One file loads in
// about half the time of ~200 modules (Node resolves and compiles each one):
// that is most of a probe's or a scan's wall time (BENCHMARKS.md).
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
await build({
  absWorkingDir: root,
  entryPoints: ["dist/cli/main.js"],
  outfile: "dist/tlsdoctor.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // The CommonJS dependencies (commander, cli-progress, asn1js …) call require().
  banner: {
    js: "import { createRequire as __tlsdCreateRequire } from 'node:module';\nconst require = __tlsdCreateRequire(import.meta.url);",
  },
  // koffi loads its prebuilt native module from node_modules at run time.
  external: ["koffi"],
  legalComments: "none",
  logLevel: "warning",
});
