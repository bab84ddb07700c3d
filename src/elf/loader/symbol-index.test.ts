// MainDefinitions keeps its answers in arrays the symbol index reuses for
// the next executable: one made earlier must still answer for its own
// executable (by finding its definitions again), not read the next one's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseElf } from "../parse/index.js";
import { SymbolIndex } from "./symbol-index.js";

const fixture = (name: string) =>
  parseElf(
    readFileSync(new URL(`../../../src/elf/parse/fixtures/x86_64/${name}`, import.meta.url)),
    { file: name },
  );

const FIX_1 = { name: "FIX_1.0", hidden: false, file: "libfix.so.1" };
const FIX_2 = { name: "FIX_2.0", hidden: false, file: "libfix.so.1" };

test("the executable's definitions answer by name id, and still do once the index moves on", () => {
  const prog = fixture("fixprog");
  const lib = fixture("libfix.so.1");
  const index = new SymbolIndex();
  index.addLibrary(lib);
  index.refsOf(prog);
  const progDefs = index.mainDefinitions(prog);
  // fixprog defines fix_data (its COPY of libfix's) and nothing else the index knows.
  assert.equal(progDefs.size, 1);
  const data = progDefs.matchName("fix_data", FIX_1, false);
  assert.equal(
    data,
    prog.symbolTable.all().find((s) => s.name === "fix_data" && s.shndx !== 0),
  );
  assert.equal(progDefs.matchName("fix_call", FIX_2, false), undefined);

  // The index's arrays now hold libfix's definitions …
  const libDefs = index.mainDefinitions(lib);
  assert.equal(libDefs.matchName("fix_call", FIX_2, false)?.version?.name, "FIX_2.0");
  assert.equal(libDefs.matchName("fix_call", FIX_1, false)?.version?.name, "FIX_1.0");
  const libData = libDefs.matchName("fix_data", FIX_1, false);
  assert.ok(libData && libData !== data);
  // … and fixprog's answers are fixprog's still.
  assert.equal(progDefs.matchName("fix_data", FIX_1, false), data);
  assert.equal(progDefs.matchName("fix_call", FIX_2, false), undefined);
  // A reference with no version takes the only definition.
  assert.equal(progDefs.matchName("fix_data", undefined, false), data);
});
