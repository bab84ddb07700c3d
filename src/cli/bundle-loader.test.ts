// The code cache of the CLI bundle (scripts/bundle.mjs makes both): the
// launcher dist/tlsdoctor.mjs compiles dist/tlsdoctor.cjs with it.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compileBundle, readCodeCache } from "./bundle-loader.js";

const cjs = fileURLToPath(new URL("../tlsdoctor.cjs", import.meta.url));
const loader = fileURLToPath(new URL("./bundle-loader.js", import.meta.url));
const pkg = JSON.parse(
  readFileSync(fileURLToPath(new URL("../../package.json", import.meta.url)), "utf8"),
) as { version: string };

describe("the CLI bundle's code cache", () => {
  it("is made by the build, and this Node accepts it", () => {
    const cache = readCodeCache(cjs);
    assert.ok(cache && cache.length > 100_000, "dist/tlsdoctor.cjs.cache is missing or small");
    assert.equal(compileBundle(cjs, cache).cache, "accepted");
    assert.equal(compileBundle(cjs).cache, "none");
  });

  it("is set aside when it does not fit (another Node, or damaged): the CLI runs from source", () => {
    // The launcher's steps with a damaged cache, in a process of its own.
    const script = [
      `import { compileBundle, runBundle } from ${JSON.stringify(loader)};`,
      `const b = compileBundle(${JSON.stringify(cjs)}, Buffer.alloc(4096, 0x5a));`,
      `process.stderr.write("cache " + b.cache + "\\n");`,
      `process.argv = [process.argv[0], ${JSON.stringify(cjs)}, "--version"];`,
      `runBundle(b);`,
    ].join("\n");
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^cache rejected$/m);
    assert.equal(r.stdout.trim(), pkg.version);
  });
});
