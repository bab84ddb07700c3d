// bindProcess reuses a library's lookups across programs with the same scope
// (a sweep's memo). The answer must be exactly the one computed afresh, on
// every program in /usr/bin and /usr/sbin of this machine.
import { test } from "node:test";
import assert from "node:assert/strict";
import { HostView } from "../../core/index.js";
import { bindProcess, ElfCache, listFiles, loadProcess, type LoadResult } from "../../elf/index.js";

test("memoised bindings equal fresh ones on every dynamically linked program here", () => {
  const view = new HostView("/");
  const ctx = { files: new ElfCache(view) };
  const loads: LoadResult[] = [];
  for (const f of listFiles(view, ["/usr/bin", "/usr/sbin"])) {
    const e = ctx.files.get(f);
    if (!e?.ok || e.elf.dynamic === undefined || (e.elf.type !== 2 && e.elf.type !== 3)) continue;
    loads.push(loadProcess(ctx, f, {}));
  }
  assert.ok(loads.length > 100, `${loads.length} programs`);
  const memo = {};
  let bindings = 0;
  let reused = 0;
  for (const l of loads) {
    const fresh = bindProcess(l);
    const memoised = bindProcess(l, memo);
    bindings += fresh.length;
    assert.deepEqual(memoised, fresh, l.main.path);
    // Twice with one memo: the second call takes every library's lookups from it.
    const again = bindProcess(l, memo);
    reused += again.filter((b, i) => b === memoised[i]).length;
  }
  assert.ok(reused > bindings / 2, `${reused} of ${bindings} bindings reused`);
});
