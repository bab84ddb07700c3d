#!/usr/bin/env node
// Runs the compiled tests with node's own test runner.
//   unit:        dist/**/*.test.js outside dist/test/integration
//   integration: dist/test/integration/**/*.test.js (real servers on loopback)
//   all:         both
// TLSD_DIST=DIR runs the tests compiled into DIR instead of dist/.
// Extra arguments are passed to `node --test` (e.g. --test-name-pattern=probe).
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { spawnSync } from "node:child_process";

const [kind = "all", ...rest] = process.argv.slice(2);
if (!["unit", "integration", "all"].includes(kind)) {
  console.error(`run-tests: unknown kind ${JSON.stringify(kind)} (unit, integration, all)`);
  process.exit(2);
}

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith(".test.js")) out.push(p);
  }
  return out;
}

const dist = process.env.TLSD_DIST ?? "dist";
const all = walk(dist).sort();
const isIntegration = (f) => relative(dist, f).startsWith(join("test", "integration"));
const files = all.filter((f) =>
  kind === "all" ? true : kind === "integration" ? isIntegration(f) : !isIntegration(f),
);
if (files.length === 0) {
  console.error(`run-tests: no ${kind} test files under ${dist}/ (did the build run?)`);
  process.exit(1);
}
const r = spawnSync(process.execPath, ["--test", ...rest, ...files], { stdio: "inherit" });
process.exit(r.status ?? 1);
