#!/usr/bin/env node
// Bundles the compiled CLI (dist/cli/main.js) and its dependencies into one
// ESM file, dist/tlsdoctor.mjs, the `tlsdoctor` binary. One file loads in
// about half the time of ~200 modules (Node resolves and compiles each one):
// that is most of a probe's or a scan's wall time (BENCHMARKS.md).
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
// TLSD_DIST=DIR bundles the tree compiled into DIR (as run-tests.mjs runs it).
const dist = process.env.TLSD_DIST ?? "dist";
const common = {
  absWorkingDir: root,
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
};
await build({ ...common, entryPoints: [`${dist}/cli/main.js`], outfile: `${dist}/tlsdoctor.mjs` });
// The child `tlsdoctor chroot` starts to chroot and call getaddrinfo: a script of its own,
// beside the bundle, where host/chroot.ts looks for it (new URL("./resolve-child.mjs", import.meta.url)).
await build({
  ...common,
  entryPoints: [`${dist}/host/resolve-child.js`],
  outfile: `${dist}/resolve-child.mjs`,
});
// The worker threads of a parallel `elf --sweep`: beside the bundle, where
// cli/elf-sweep.ts looks for it (new URL("./elf-sweep-worker.mjs", import.meta.url)).
await build({
  ...common,
  entryPoints: [`${dist}/cli/elf-sweep-worker.js`],
  outfile: `${dist}/elf-sweep-worker.mjs`,
});
