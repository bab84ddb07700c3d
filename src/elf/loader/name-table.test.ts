// The symbol index's name interning: ids are equal exactly when names are,
// whatever the hash keys do (collisions, growth), on fake tables and on the
// committed fixtures of eight architectures.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { hashKey, parseElf, type ElfSymbolTable } from "../parse/index.js";
import { definitionsOf } from "./lookup.js";
import { NameTable, PairLists } from "./name-table.js";

const FIXTURES = new URL("../../../src/elf/parse/fixtures/", import.meta.url);
const ARCHES = ["x86_64", "i386", "aarch64", "armhf", "ppc64", "ppc64le", "s390x", "riscv64"];

/** A table of `names` whose hash keys come from `key` (to force collisions). */
function fakeTable(names: readonly string[], key: (name: string) => number): ElfSymbolTable {
  const t = {
    count: names.length,
    nameAt: (i: number) => names[i] as string,
    hashKeyAt: (i: number) => key(names[i] as string),
    sameName: (i: number, other: ElfSymbolTable, j: number) => names[i] === other.nameAt(j),
  };
  return t as unknown as ElfSymbolTable;
}

test("ids are equal exactly when names are, through collisions and growth", () => {
  // 20,000 names (the table starts with room for 8,192), a third of them on one key.
  const names = Array.from({ length: 20_000 }, (_, i) => `sym_${i}`);
  const key = (n: string): number => (Number(n.slice(4)) % 3 === 0 ? 12345 : hashKey(n));
  const a = fakeTable(names, key);
  const b = fakeTable([...names].reverse(), key);
  const table = new NameTable();
  const ids = names.map((_, i) => table.intern(a, i, a.hashKeyAt(i)));
  assert.equal(new Set(ids).size, names.length, "distinct names, distinct ids");
  assert.equal(table.count, names.length);
  for (let j = 0; j < names.length; j++) {
    const i = names.length - 1 - j;
    assert.equal(table.find(b, j, b.hashKeyAt(j)), ids[i], names[i]);
    assert.equal(table.intern(b, j, b.hashKeyAt(j)), ids[i], "interning again adds nothing");
  }
  assert.equal(table.count, names.length);
  // findName keys by hashKey(), as real tables do: names whose key was not forced.
  for (const i of [1, 2, 4, 10_000, 19_999]) {
    assert.equal(table.findName(names[i] as string), ids[i]);
    assert.equal(table.nameOf(ids[i] as number), names[i]);
  }
  assert.equal(table.findName("sym_20000"), -1);
  assert.equal(
    table.find(
      fakeTable(["sym_x"], () => 12345),
      0,
      12345,
    ),
    -1,
    "a key shared, a name not",
  );
});

test("sameName compares .dynstr bytes as nameAt's strings compare, across files", () => {
  let pairs = 0;
  for (const arch of ARCHES) {
    const [lib, prog] = ["libfix.so.1", "fixprog"].map(
      (file) => parseElf(readFileSync(new URL(`${arch}/${file}`, FIXTURES)), { file }).symbolTable,
    ) as [ElfSymbolTable, ElfSymbolTable];
    for (let i = 0; i < lib.count; i++) {
      for (let j = 0; j < prog.count; j++) {
        const equal = lib.nameAt(i) === prog.nameAt(j);
        assert.equal(
          lib.sameName(i, prog, j),
          equal,
          `${arch} ${lib.nameAt(i)} ~ ${prog.nameAt(j)}`,
        );
        assert.equal(prog.sameName(j, lib, i), equal);
        pairs++;
      }
    }
    // The null symbol's name is empty, and equal only to empty names.
    assert.equal(lib.sameName(0, prog, 0), true);
    assert.equal(lib.sameName(0, prog, prog.count - 1), prog.nameAt(prog.count - 1) === "");
  }
  assert.ok(pairs > 1000, `${pairs} pairs compared`);
});

test("interning every fixture's symbols gives one id per distinct name", () => {
  const table = new NameTable();
  const byName = new Map<string, number>();
  for (const arch of ARCHES) {
    for (const file of ["libfix.so.1", "fixprog"]) {
      const t = parseElf(readFileSync(new URL(`${arch}/${file}`, FIXTURES)), { file }).symbolTable;
      for (let i = 0; i < t.count; i++) {
        const id = table.intern(t, i, t.hashKeyAt(i));
        const name = t.nameAt(i);
        const seen = byName.get(name);
        if (seen === undefined) byName.set(name, id);
        else assert.equal(id, seen, `${arch}/${file}: ${name}`);
        assert.equal(table.nameOf(id), name);
      }
    }
  }
  assert.equal(table.count, byName.size);
});

test("nameIs, nameStartsWith and definitionsOf answer as decoded names would, on every fixture", () => {
  let asked = 0;
  for (const arch of ARCHES) {
    for (const file of ["libfix.so.1", "fixprog"]) {
      const elf = parseElf(readFileSync(new URL(`${arch}/${file}`, FIXTURES)), { file });
      const t = elf.symbolTable;
      const names = new Set<string>();
      for (let i = 0; i < t.count; i++) {
        const name = t.nameAt(i);
        names.add(name);
        for (const other of [name, `${name}x`, name.slice(0, -1), `x${name}`, ""]) {
          assert.equal(
            t.nameIs(i, other),
            other === name,
            `${arch}/${file}[${i}] ${name} ~ ${other}`,
          );
        }
        // Every prefix of the name, the name itself, and one character too long.
        for (let n = 0; n <= name.length + 1; n++) {
          for (const prefix of [name.slice(0, n), `${name.slice(0, n)}x`, `x${name.slice(0, n)}`])
            assert.equal(
              t.nameStartsWith(i, prefix),
              name.startsWith(prefix),
              `${arch}/${file}[${i}] ${name} starts with ${prefix}?`,
            );
        }
      }
      for (const name of [...names, "no_such_symbol"]) {
        const expected = elf.dynamicSymbols.filter(
          (s, i) => s.name === name && t.isDefinitionAt(i),
        );
        assert.deepEqual(definitionsOf(elf, name), expected, `${arch}/${file}: ${name}`);
        asked++;
      }
    }
  }
  assert.ok(asked > 100, `${asked} names asked`);
});

test("PairLists keep each list's pairs in the order appended, through growth", () => {
  // Starts with room for 16 lists and 16 nodes: 3,000 pairs over 300 lists grow both.
  const lists = new PairLists(0, 0);
  const expected = new Map<number, [number, number][]>();
  for (let i = 0; i < 3000; i++) {
    const list = (i * 7) % 300;
    lists.append(list, i, 10_000 + i);
    expected.set(list, [...(expected.get(list) ?? []), [i, 10_000 + i]]);
  }
  for (let list = 0; list < 300; list++) {
    const got: [number, number][] = [];
    for (let n = lists.first(list); n >= 0; n = lists.next(n))
      got.push([lists.firstOf(n), lists.secondOf(n)]);
    assert.deepEqual(got, expected.get(list), `list ${list}`);
  }
  assert.equal(lists.first(300), -1, "a list never appended to is empty");
  assert.equal(lists.first(1_000_000), -1);
});
