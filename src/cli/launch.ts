#!/usr/bin/env node
// The `tlsdoctor` binary once bundled (scripts/bundle.mjs): dist/tlsdoctor.mjs
// runs the CLI bundle beside it, dist/tlsdoctor.cjs, with its V8 code cache
// (bundle-loader.ts). Meaningful only there: dist/cli/launch.js finds no bundle.
import { fileURLToPath } from "node:url";
import { compileBundle, readCodeCache, runBundle } from "./bundle-loader.js";

const file = fileURLToPath(new URL("./tlsdoctor.cjs", import.meta.url));
runBundle(compileBundle(file, readCodeCache(file)));
