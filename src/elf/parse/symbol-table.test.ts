// ElfSymbolTable answers from its columns and .dynstr without making
// records; every answer must equal the record's, on the committed fixtures of
// eight architectures (ELF32/ELF64, both byte orders).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gnuHash, hashKey, parseElf } from "./index.js";

const FIXTURES = new URL("../../../src/elf/parse/fixtures/", import.meta.url);
const ARCHES = ["x86_64", "i386", "aarch64", "armhf", "ppc64", "ppc64le", "s390x", "riscv64"];

test("gnuHash is dl_new_hash (the values of the GNU hash write-ups)", () => {
  assert.equal(gnuHash(""), 0x1505);
  assert.equal(gnuHash("printf"), 0x156b2bb8);
  assert.equal(gnuHash("exit"), 0x7c967e3f);
  assert.equal(gnuHash("syscall"), 0xbac212a0);
});

test("each accessor equals the symbol's record, on every fixture", () => {
  let checked = 0;
  for (const arch of ARCHES) {
    for (const file of ["libfix.so.1", "fixprog"]) {
      const elf = parseElf(readFileSync(new URL(`${arch}/${file}`, FIXTURES)), { file });
      const t = elf.symbolTable;
      const where = `${arch}/${file}`;
      assert.equal(t.count, elf.dynamicSymbols.length, where);
      assert.ok(t.count > 3, `${where}: ${t.count} symbols`);
      for (let i = 0; i < t.count; i++) {
        const s = elf.dynamicSymbols[i];
        assert.ok(s, `${where}[${i}]`);
        assert.equal(t.at(i), s, `${where}[${i}]: one record`);
        assert.equal(t.nameAt(i), s.name);
        assert.equal(t.firstByteAt(i), s.name === "" ? 0 : s.name.charCodeAt(0));
        assert.equal(t.nameHashAt(i), gnuHash(s.name), `${where}: ${s.name}`);
        // From the file's GNU hash chains for hashed symbols, else from the bytes.
        assert.equal(t.hashKeyAt(i), hashKey(s.name), `${where}: ${s.name}`);
        assert.equal(t.shndxAt(i), s.shndx);
        assert.equal(t.valueAt(i), s.value);
        assert.equal(t.typeAt(i), s.type);
        assert.equal(t.bindAt(i), s.bind);
        assert.equal(t.isDefinitionAt(i), !(s.shndx === 0 && s.value === 0));
        checked++;
      }
    }
  }
  assert.ok(checked > 100, `${checked} symbols`);
});

test("hashKeyAt reads the GNU hash chains: a lying chain value changes the key, not the name", () => {
  const bytes = new Uint8Array(readFileSync(new URL("x86_64/libfix.so.1", FIXTURES)));
  const elf = parseElf(bytes);
  const gnu = elf.gnuHash;
  const sec = elf.sections.find((s) => s.type === 0x6ffffff6);
  assert.ok(gnu && sec);
  const i = gnu.symoffset;
  const chainAt = sec.offset + 16 + gnu.bloomSize * 8 + gnu.nbuckets * 4;
  const dv = new DataView(bytes.buffer, bytes.byteOffset);
  dv.setUint32(chainAt, dv.getUint32(chainAt, true) ^ 0x100, true);
  const lied = parseElf(bytes).symbolTable;
  assert.equal(lied.nameAt(i), elf.symbolTable.nameAt(i));
  assert.notEqual(lied.hashKeyAt(i), hashKey(lied.nameAt(i)));
});

test("a name offset past .dynstr's last NUL is a parse error naming the symbol", () => {
  const bytes = new Uint8Array(readFileSync(new URL("x86_64/libfix.so.1", FIXTURES)));
  const elf = parseElf(bytes);
  const dynsym = elf.sections.find((s) => s.type === 11);
  assert.ok(dynsym);
  // Symbol 1's st_name (the first 4 bytes of Elf64_Sym) points far away.
  const at = dynsym.offset + 24;
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(at, 0x7fff_fff0, true);
  assert.throws(
    () => parseElf(bytes, { file: "libfix.so.1" }),
    (e: Error) => /\.dynsym\[1\]\.st_name/.test(e.message) && /libfix\.so\.1/.test(e.message),
  );
});
