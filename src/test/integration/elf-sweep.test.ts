// sweepEach shares one parse cache and one symbol index across the files it
// analyses, and drops each program from the cache once analysed unless a
// process loaded it as a library. Whatever the order — a library swept as a
// file before, after and between the programs that load it — each file's
// analysis must be the one a fresh cache gives.
import { test } from "node:test";
import assert from "node:assert/strict";
import { realpathSync } from "node:fs";
import { HostView } from "../../core/index.js";
import {
  analyseProcess,
  ElfCache,
  listFiles,
  sweepEach,
  type ElfAnalysis,
  type SweepItem,
} from "../../elf/index.js";

const LIB = "/usr/lib/x86_64-linux-gnu";

function digest(a: ElfAnalysis): unknown {
  return {
    objects: a.load.objects.map((o) => o.path),
    bindings: a.bindings,
    interpositions: a.interpositions,
    duplicates: a.duplicates,
    undefinedSymbols: a.undefinedSymbols,
    versionProblems: a.versionProblems,
  };
}

test("a sweep's shared cache and index give each file the analysis a fresh cache gives", () => {
  const view = new HostView("/");
  const lib = (name: string): string => realpathSync(`${LIB}/${name}`);
  const programs = listFiles(view, ["/usr/bin"]).filter((_, i) => i % 12 === 0);
  // Libraries before the programs that load them, between them, and after.
  const files = [
    lib("libcrypto.so.3"),
    "/usr/bin/openssl",
    lib("libssl.so.3"),
    ...programs,
    lib("libgnutls.so.30"),
    lib("libc.so.6"),
  ];
  const items: SweepItem[] = [];
  sweepEach(view, files, (i) => items.push(i));
  const analysed = items.filter((i) => i.analysis !== undefined);
  assert.ok(analysed.length >= 40, `${analysed.length} files analysed`);
  for (const item of analysed) {
    const fresh = analyseProcess({ files: new ElfCache(view) }, item.path, {});
    assert.deepEqual(digest(item.analysis as ElfAnalysis), digest(fresh), item.path);
  }
});
