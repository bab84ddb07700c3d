// Keeps docs/ in step with the code: every finding id the source can emit
// has an entry in docs/findings.md, and every error code is in docs/errors.md.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { ERROR_CODES } from "../../core/index.js";

const root = new URL("../../../", import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return n === "test" ? [] : sources(p);
    return n.endsWith(".ts") && !n.endsWith(".test.ts") ? [p] : [];
  });
}

test("every finding id in src/ is documented in docs/findings.md", () => {
  const doc = readFileSync(join(root, "docs/findings.md"), "utf8");
  const documented = new Set([...doc.matchAll(/^## ([A-Z][A-Z0-9_]+)$/gm)].map((m) => m[1]));
  const used = new Set<string>();
  for (const file of sources(join(root, "src"))) {
    for (const m of readFileSync(file, "utf8").matchAll(
      /\bid: "([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)"/g,
    )) {
      used.add(m[1]!);
    }
  }
  assert.ok(used.size >= 10, `expected to find finding ids in src/, found ${used.size}`);
  const missing = [...used].filter((id) => !documented.has(id)).sort();
  assert.deepEqual(
    missing,
    [],
    `finding ids without an entry in docs/findings.md: ${missing.join(", ")}`,
  );
});

test("every error code is documented in docs/errors.md", () => {
  const doc = readFileSync(join(root, "docs/errors.md"), "utf8");
  const missing = Object.keys(ERROR_CODES).filter((c) => !doc.includes(`\`${c}\``));
  assert.deepEqual(missing, []);
});
