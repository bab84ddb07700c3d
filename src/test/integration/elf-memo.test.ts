// bindProcess answers each lookup from a symbol index shared by a sweep,
// with each library's answers kept per arrangement of its definers (the
// memo). The answer must be exactly the one ld.so's own walk over the scope
// gives, on every program in /usr/bin and /usr/sbin of this machine.
import { test } from "node:test";
import assert from "node:assert/strict";
import { HostView } from "../../core/index.js";
import { bindProcess, ElfCache, listFiles, loadProcess, type LoadResult } from "../../elf/index.js";

test("indexed, memoised bindings equal ld.so's scope walk on every program here", () => {
  const view = new HostView("/");
  const ctx = { files: new ElfCache(view) };
  const loads: LoadResult[] = [];
  for (const f of listFiles(view, ["/usr/bin", "/usr/sbin"])) {
    const e = ctx.files.get(f);
    if (!e?.ok || e.elf.dynamic === undefined || (e.elf.type !== 2 && e.elf.type !== 3)) continue;
    loads.push(loadProcess(ctx, f, {}));
  }
  assert.ok(loads.length > 100, `${loads.length} programs`);
  const memoHost = {};
  let bindings = 0;
  let resolved = 0;
  for (const l of loads) {
    const walked = bindProcess(l, { walk: true });
    const indexed = bindProcess(l, { memoHost });
    bindings += walked.length;
    resolved += walked.filter((b) => b.to !== undefined).length;
    assert.deepEqual(indexed, walked, l.main.path);
  }
  // Twice over with the same index and memo: libraries indexed after a
  // program was first bound must not change its answers.
  for (const l of loads)
    assert.deepEqual(bindProcess(l, { memoHost }), bindProcess(l, { walk: true }), l.main.path);
  assert.ok(resolved > bindings / 2, `${resolved} of ${bindings} bindings resolved`);
});
