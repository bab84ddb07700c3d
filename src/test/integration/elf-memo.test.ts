// bindProcess answers each lookup from a symbol index shared by a sweep,
// with each library's answers kept per arrangement of its definers (the
// memo). The answer must be exactly the one ld.so's own walk over the scope
// gives, on every program in /usr/bin and /usr/sbin of this machine.
import { test } from "node:test";
import assert from "node:assert/strict";
import { HostView } from "../../core/index.js";
import {
  analyseProcess,
  bindProcess,
  ElfCache,
  listFiles,
  loadProcess,
  type LoadResult,
} from "../../elf/index.js";

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

test("each object's binding groups hold every answer once, under its target, with or without a filter", () => {
  const view = new HostView("/");
  const ctx = { files: new ElfCache(view) };
  let groups = 0;
  let patched = 0;
  for (const f of listFiles(view, ["/usr/bin", "/usr/sbin"])) {
    const e = ctx.files.get(f);
    if (!e?.ok || e.elf.dynamic === undefined || (e.elf.type !== 2 && e.elf.type !== 3)) continue;
    const a = analyseProcess(ctx, f, {});
    for (const ob of a.compactBindings.objects) {
      const g = ob.groups();
      groups++;
      const seen = new Map<number, number>();
      g.forEachTarget((to, ks) => {
        for (const k of ks) {
          assert.ok(!seen.has(k), `${f}: reference ${k} of object ${ob.from} given twice`);
          seen.set(k, to);
        }
      });
      const odd: [number, number][] = [];
      g.forEachTarget(
        (to, ks) => {
          for (const k of ks) odd.push([k, to]);
        },
        (to) => to % 2 === 1,
      );
      for (let k = 0; k < ob.refs.count; k++) {
        const to = ob.targetOf(k);
        if (to < 0) assert.ok(g.unresolved.includes(k) && !seen.has(k), `${f}: ${k} unresolved`);
        else assert.equal(seen.get(k), to, `${f}: reference ${k} of object ${ob.from}`);
        if (to === 0 && ob.from !== 0) patched++;
      }
      const wantOdd = [...seen].filter(([, to]) => to % 2 === 1);
      assert.deepEqual(
        odd.sort((x, y) => x[0] - y[0]),
        wantOdd.sort((x, y) => x[0] - y[0]),
        `${f}: object ${ob.from}, odd targets only`,
      );
    }
  }
  assert.ok(groups > 1000, `${groups} objects' groups`);
  // Libraries answered by the executable (COPY-relocated data such as stdout): the patched lists.
  assert.ok(patched > 100, `${patched} references answered by the executable`);
});
