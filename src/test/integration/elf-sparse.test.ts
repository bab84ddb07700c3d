// A large ELF file is read sparsely (headers, dynamic tables, notes; not the
// code; neighbouring ranges merged into one read). The parse must be exactly
// the whole-file parse: checked on every ELF file a sweep reads sparsely
// (over SPARSE_ABOVE) in /usr/bin, /usr/sbin and /usr/lib/x86_64-linux-gnu,
// alone and through a reused buffer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { HostView } from "../../core/index.js";
import {
  listFiles,
  parseElf,
  readElfBytes,
  ScratchBuffer,
  SPARSE_ABOVE,
  type ElfFile,
} from "../../elf/index.js";

/** The model, its records and each symbol's hash key (read from the GNU hash chains). */
function digest(elf: ElfFile): unknown {
  const t = elf.symbolTable;
  return { ...elf, hashKeys: Array.from({ length: t.count }, (_, i) => t.hashKeyAt(i)) };
}

test("a sparse read parses exactly as the whole file does", () => {
  const view = new HostView("/");
  const dirs = ["/usr/bin", "/usr/sbin", "/usr/lib/x86_64-linux-gnu"].filter(
    (d) => view.kind(d) === "dir",
  );
  // As a sweep does: every file read into one reused buffer. Each parse is
  // checked after the next file's read, so a model that kept a window into
  // the buffer, or a buffer not cleared between files, shows.
  const scratch = new ScratchBuffer();
  let previous: { path: string; parsed: ElfFile; expected: unknown } | undefined;
  let compared = 0;
  for (const path of listFiles(view, dirs, 20_000)) {
    const st = view.stat(path);
    if (!st || st.size <= SPARSE_ABOVE) continue;
    const whole = view.readBytes(path);
    if (whole[0] !== 0x7f || whole[1] !== 0x45 || whole[2] !== 0x4c || whole[3] !== 0x46) continue;
    let expected: unknown;
    try {
      expected = digest(parseElf(whole, { file: path }));
    } catch {
      assert.throws(() => parseElf(readElfBytes(view, path, 0), { file: path }), path);
      continue;
    }
    assert.deepEqual(digest(parseElf(readElfBytes(view, path, 0), { file: path })), expected, path);
    const parsed = parseElf(readElfBytes(view, path, 0, scratch), { file: path });
    if (previous) assert.deepEqual(digest(previous.parsed), previous.expected, previous.path);
    previous = { path, parsed, expected };
    compared++;
  }
  if (previous) assert.deepEqual(digest(previous.parsed), previous.expected, previous.path);
  assert.ok(compared > 50, `${compared} files compared`);
});
