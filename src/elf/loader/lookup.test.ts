// buildRefTable keeps one reference per (name, version, class): two .dynsym
// entries with one name (no file here has them, so the test makes them by
// giving one symbol another's name) are one reference only when the version
// and the relocation class agree too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseElf, type ElfFile, type ElfSymbolTable } from "../parse/index.js";
import { buildRefTable, type RefTable } from "./lookup.js";

const FIXPROG = new URL("../../../src/elf/parse/fixtures/x86_64/fixprog", import.meta.url);
const R_X86_64_GLOB_DAT = 6;

/** `elf` with symbol `from` named as symbol `to` (and relocation types replaced where given). */
function aliased(elf: ElfFile, from: number, to: number, types?: Uint32Array): ElfFile {
  const real = elf.symbolTable;
  const a = (i: number): number => (i === from ? to : i);
  const t: ElfSymbolTable = {
    count: real.count,
    nameAt: (i) => real.nameAt(a(i)),
    firstByteAt: (i) => real.firstByteAt(a(i)),
    nameHashAt: (i) => real.nameHashAt(a(i)),
    hashKeyAt: (i) => real.hashKeyAt(a(i)),
    nameIs: (i, name) => real.nameIs(a(i), name),
    nameStartsWith: (i, prefix) => real.nameStartsWith(a(i), prefix),
    sameName: (i, other, j) => real.nameAt(a(i)) === other.nameAt(j),
    shndxAt: (i) => real.shndxAt(i),
    valueAt: (i) => real.valueAt(i),
    typeAt: (i) => real.typeAt(i),
    bindAt: (i) => real.bindAt(i),
    visibilityAt: (i) => real.visibilityAt(i),
    versionAt: (i) => real.versionAt(i),
    isDefinitionAt: (i) => real.isDefinitionAt(i),
    at: (i) => ({ ...real.at(i), name: real.nameAt(a(i)) }),
    all: () => real.all(),
  };
  return {
    ...elf,
    symbolTable: t,
    relocations: { symbols: elf.relocations.symbols, types: types ?? elf.relocations.types },
  };
}

const symbolIndex = (elf: ElfFile, name: string): number =>
  elf.dynamicSymbols.findIndex((s) => s.name === name);

const namesOf = (refs: RefTable): string[] =>
  Array.from({ length: refs.count }, (_, k) => refs.nameOf(k));

test("two symbols with one name, version and class are one reference", () => {
  const elf = parseElf(readFileSync(FIXPROG), { file: "fixprog" });
  const base = buildRefTable(elf);
  const strcpy = symbolIndex(elf, "__strcpy_chk");
  const printf = symbolIndex(elf, "__printf_chk");
  // Both GLIBC_2.3.4, both R_X86_64_JUMP_SLOT in the fixture.
  assert.equal(elf.symbolTable.versionAt(strcpy)?.name, "GLIBC_2.3.4");
  assert.equal(elf.symbolTable.versionAt(printf)?.name, "GLIBC_2.3.4");
  const same = buildRefTable(aliased(elf, printf, strcpy));
  assert.equal(same.count, base.count - 1);
  assert.equal(namesOf(same).filter((n) => n === "__strcpy_chk").length, 1);
  assert.ok(!namesOf(same).includes("__printf_chk"));

  // Another class: a GLOB_DAT relocation of the aliased symbol is a reference of its own.
  const types = Uint32Array.from(elf.relocations.types);
  const r = elf.relocations.symbols.indexOf(printf);
  types[r] = R_X86_64_GLOB_DAT;
  const otherClass = buildRefTable(aliased(elf, printf, strcpy, types));
  assert.equal(otherClass.count, base.count);
  assert.equal(namesOf(otherClass).filter((n) => n === "__strcpy_chk").length, 2);
});

test("two symbols with one name and different versions are two references", () => {
  const elf = parseElf(readFileSync(FIXPROG), { file: "fixprog" });
  const base = buildRefTable(elf);
  const call = symbolIndex(elf, "fix_call");
  const say = symbolIndex(elf, "fix_say");
  assert.equal(elf.symbolTable.versionAt(call)?.name, "FIX_2.0");
  assert.equal(elf.symbolTable.versionAt(say)?.name, "FIX_1.0");
  const refs = buildRefTable(aliased(elf, say, call));
  assert.equal(refs.count, base.count);
  const versions = namesOf(refs).flatMap((n, k) => (n === "fix_call" ? [refs.wants[k]?.name] : []));
  assert.deepEqual(versions.sort(), ["FIX_1.0", "FIX_2.0"]);
});
