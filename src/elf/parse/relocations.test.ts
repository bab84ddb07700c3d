// The relocations parseElf reads — those ld.so looks a symbol up for —
// against readelf on the fixtures of eight architectures, and ld.so's rule
// for DT_RELACOUNT / DT_RELCOUNT on copies with the count changed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseElf } from "./index.js";

// The compiled test runs from dist/elf/parse/; the fixtures stay in src/.
const FIXTURES = new URL("../../../src/elf/parse/fixtures/", import.meta.url);
const ARCHES = ["x86_64", "i386", "aarch64", "armhf", "ppc64", "ppc64le", "s390x", "riscv64"];
const DT_RELACOUNT = 0x6ffffff9;
const DT_RELCOUNT = 0x6ffffffa;

/** (symbol, type) of every relocation with a symbol, section by section, as `readelf -rW` lists them. */
function readelfRelocations(path: string, is64: boolean): [number, number][] {
  const r = spawnSync("readelf", ["-rW", path], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const out: [number, number][] = [];
  for (const line of r.stdout.split("\n")) {
    const m = /^\s*[0-9a-f]+\s+([0-9a-f]+)\s+R_/.exec(line);
    if (!m) continue;
    const info = BigInt(`0x${m[1]}`);
    const sym = Number(is64 ? info >> 32n : info >> 8n);
    const type = Number(is64 ? info & 0xffffffffn : info & 0xffn);
    if (sym !== 0) out.push([sym, type]);
  }
  return out;
}

const pairs = (r: { symbols: Uint32Array; types: Uint32Array }): [number, number][] =>
  [...r.symbols].map((s, i) => [s, r.types[i] as number]);

test("relocations with a symbol equal readelf's, on every fixture", () => {
  let checked = 0;
  for (const arch of ARCHES) {
    for (const file of ["libfix.so.1", "fixprog"]) {
      const url = new URL(`${arch}/${file}`, FIXTURES);
      const elf = parseElf(readFileSync(url), { file });
      const want = readelfRelocations(fileURLToPath(url), elf.class === 64);
      assert.ok(want.length > 0, `${arch}/${file}: readelf lists none`);
      assert.deepEqual(pairs(elf.relocations), want, `${arch}/${file}`);
      checked++;
    }
  }
  assert.equal(checked, ARCHES.length * 2);
});

/** A copy of `bytes` with the value of dynamic tag `tag` set to `value` (64-bit little endian file). */
function withDynamicValue(bytes: Uint8Array, tag: number, value: number): Uint8Array {
  const elf = parseElf(bytes);
  const dyn = elf.programHeaders.find((p) => p.type === 2);
  assert.ok(dyn);
  const copy = Uint8Array.from(bytes);
  const dv = new DataView(copy.buffer);
  for (let o = dyn.offset; o + 16 <= dyn.offset + dyn.filesz; o += 16) {
    if (Number(dv.getBigInt64(o, true)) === tag) {
      dv.setBigUint64(o + 8, BigInt(value), true);
      return copy;
    }
  }
  throw new Error(`no dynamic tag ${tag}`);
}

test("the first DT_RELACOUNT relocations are relative whatever they hold, as ld.so takes them", () => {
  // x86_64 libfix.so.1: .rela.dyn has 3 relative entries then 7 with a
  // symbol (DT_RELACOUNT 3); .rela.plt (2, puts and __tls_get_addr) follows it directly.
  const bytes = readFileSync(new URL("x86_64/libfix.so.1", FIXTURES));
  const elf = parseElf(bytes);
  assert.equal(elf.dynamic?.entries.find((e) => e.tag === DT_RELACOUNT)?.value, 3);
  const all = pairs(elf.relocations);
  assert.equal(all.length, 9);
  const names = (r: [number, number][]) => r.map(([s]) => elf.symbolTable.nameAt(s));
  // One more than the relative ones: the first GLOB_DAT is never looked up.
  const four = pairs(parseElf(withDynamicValue(bytes, DT_RELACOUNT, 4)).relocations);
  assert.deepEqual(four, all.slice(1));
  assert.equal(names(all.slice(0, 1))[0], "_ITM_deregisterTMCloneTable");
  // Past .rela.dyn's ten: with LD_BIND_NOW ld.so runs .rela.plt on as one range.
  const eleven = pairs(parseElf(withDynamicValue(bytes, DT_RELACOUNT, 11)).relocations);
  assert.deepEqual(names(eleven), ["__tls_get_addr"]);
  // A count larger than everything leaves nothing to look up, and is no error.
  const huge = parseElf(withDynamicValue(bytes, DT_RELACOUNT, 2 ** 40)).relocations;
  assert.equal(huge.symbols.length, 0);
  // Zero: every entry read, as without the tag.
  assert.deepEqual(pairs(parseElf(withDynamicValue(bytes, DT_RELACOUNT, 0)).relocations), all);
});

test("DT_RELCOUNT does the same for DT_REL (i386)", () => {
  const bytes = readFileSync(new URL("i386/libfix.so.1", FIXTURES));
  const elf = parseElf(bytes);
  assert.equal(elf.dynamic?.entries.find((e) => e.tag === DT_RELCOUNT)?.value, 3);
  const dyn = elf.programHeaders.find((p) => p.type === 2);
  assert.ok(dyn);
  const copy = Uint8Array.from(bytes);
  const dv = new DataView(copy.buffer);
  for (let o = dyn.offset; o + 8 <= dyn.offset + dyn.filesz; o += 8)
    if (dv.getUint32(o, true) === DT_RELCOUNT) dv.setUint32(o + 4, 5, true);
  const all = pairs(elf.relocations);
  assert.deepEqual(pairs(parseElf(copy).relocations), all.slice(2));
});
