#!/usr/bin/env node
// Benchmark: linkage and hardening of every ELF file in /usr/bin and /usr/sbin,
// one run per tool, on this machine.
//
//   tlsdoctor elf --sweep     closure (ld.so emulation) + every binding + hardening, one process
//   ldd loop                  `for f in FILES; do ldd "$f"; done`: closure only (runs ld.so per file)
//   ldd -r loop               the same with relocation processing (undefined symbols)
//   checksec --listfile       hardening only (Debian's checksec 2.6.0, over the same list)
//   libtree loop              closure as a tree (libtree stops at the first file with a
//                             missing library, so one call per file), for scale
//
// The file list is tlsdoctor's own (regular files, each inode once, ELF magic),
// handed to every tool, so all of them look at the same files; the page
// cache is warmed with them and their libraries before anything is timed.
//
// Usage: npm run bench:elf   (needs `npm run build`; libtree and checksec installed)
import { Buffer } from "node:buffer";
import { spawn, spawnSync } from "node:child_process";
import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = join(root, "dist/tlsdoctor.mjs");
const { HostView, listFiles, sweepEach } = await import(join(root, "dist/index.js"));
const DIRS = ["/usr/bin", "/usr/sbin"];

function isElf(path) {
  const fd = openSync(path, "r");
  try {
    const b = Buffer.alloc(4);
    return readSync(fd, b, 0, 4, 0) === 4 && b.toString("latin1") === "\x7fELF";
  } finally {
    closeSync(fd);
  }
}

const files = listFiles(new HostView("/"), DIRS).filter(isElf);
const tmp = mkdtempSync(join(tmpdir(), "tlsd-bench-elf-"));
const listFile = join(tmp, "files.txt");
writeFileSync(listFile, files.join("\n") + "\n");

function run(cmd, args, env = {}) {
  return new Promise((resolve) => {
    const t = performance.now();
    const p = spawn(cmd, args, {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1", ...env },
    });
    let bytes = 0;
    let tail = "";
    const eat = (d) => {
      bytes += d.length;
      tail = (tail + d.toString()).slice(-400);
    };
    p.stdout.on("data", eat);
    p.stderr.on("data", eat);
    p.on("close", (code) => resolve({ ms: performance.now() - t, code, bytes, tail }));
  });
}

const have = (tool) => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;
const loop = (cmd) => ["-c", `for f in "$@"; do ${cmd} "$f"; done`, "sh", ...files];

const rows = [];
process.stderr.write(`elf bench: ${files.length} ELF files under ${DIRS.join(" ")}\n`);

// Every tool reads the same programs and the libraries they load, and the
// first one timed would otherwise pay for reading them from disk (straight
// after the test suite, about half a second: BENCHMARKS.md). So the page
// cache is warmed first, untimed: the files are read whole, with the
// libraries listed by a sweep in a child process (this one's JIT stays
// cold for the in-process figure).
process.stderr.write("  warming the page cache (untimed) …\n");
const listed = spawnSync(
  process.execPath,
  [
    "--input-type=module",
    "-e",
    `const { HostView, sweepEach } = await import(${JSON.stringify(join(root, "dist/index.js"))});
     const files = JSON.parse(process.argv[1]);
     const seen = new Set(files);
     sweepEach(new HostView("/"), files, (i) => { for (const o of i.analysis?.load.objects ?? []) seen.add(o.path); });
     process.stdout.write([...seen].join("\\n"));`,
    JSON.stringify(files),
  ],
  { maxBuffer: 64 * 1024 * 1024, encoding: "utf8" },
);
if (listed.status !== 0) throw new Error(`warming the page cache failed: ${listed.stderr}`);
let warmBytes = 0;
for (const path of listed.stdout.split("\n")) {
  try {
    warmBytes += readFileSync(path).length;
  } catch {
    // Gone or unreadable: no tool will read it either.
  }
}
process.stderr.write(`    ${(warmBytes / 1e6).toFixed(0)} MB read\n`);

process.stderr.write("  tlsdoctor elf --sweep …\n");
const td = await run(process.execPath, [bin, "elf", "--sweep", ...DIRS, "--json", "--no-progress"]);
rows.push(["tlsdoctor elf --sweep (closure + bindings + hardening)", td]);

// The same work in-process, without Node's start-up, findings and JSON
// output: the sweep the CLI runs in one thread, each item dropped once seen.
const t0 = performance.now();
let bindings = 0;
const inView = new HostView("/");
sweepEach(inView, listFiles(inView, DIRS), (i) => (bindings += i.analysis?.bindingCount ?? 0));
const inproc = { ms: performance.now() - t0, code: 0 };
rows.push([
  `  of which the sweep itself, in-process (${bindings.toLocaleString("en")} bindings)`,
  inproc,
]);

process.stderr.write("  ldd loop …\n");
rows.push(["ldd loop (closure)", await run("sh", loop("ldd"))]);
process.stderr.write("  ldd -r loop …\n");
rows.push(["ldd -r loop (closure + undefined symbols)", await run("sh", loop("ldd -r"))]);
if (have("checksec")) {
  process.stderr.write("  checksec --listfile …\n");
  rows.push(["checksec --listfile (hardening)", await run("checksec", [`--listfile=${listFile}`])]);
} else rows.push(["checksec: not installed (apt-get install checksec)", undefined]);
if (have("libtree")) {
  process.stderr.write("  libtree …\n");
  // libtree stops at the first file with a missing dependency: one call per file.
  rows.push(["libtree loop (closure)", await run("sh", loop("libtree"))]);
} else rows.push(["libtree: not installed (apt-get install libtree)", undefined]);
rmSync(tmp, { recursive: true, force: true });

const sec = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const lddMs = rows.find(([n]) => n.startsWith("ldd loop"))[1].ms;
const lddRMs = rows.find(([n]) => n.startsWith("ldd -r"))[1].ms;
const checksecRow = rows.find(([n]) => n.startsWith("checksec --listfile"));
console.log(
  `\n${files.length} ELF files in ${DIRS.join(" ")}, one run each, ${new Date().toISOString().slice(0, 10)}\n`,
);
console.log("| tool | wall time | exit | tlsdoctor ÷ tool |");
console.log("| --- | --- | --- | --- |");
for (const [name, r] of rows) {
  if (!r) {
    console.log(`| ${name} | — | — | — |`);
    continue;
  }
  const ratio =
    name.startsWith("tlsdoctor") || name.startsWith("  of which") ? "—" : (td.ms / r.ms).toFixed(3);
  console.log(`| ${name} | ${sec(r.ms)} | ${r.code} | ${ratio} |`);
}
const both = lddMs + (checksecRow?.[1]?.ms ?? 0);
console.log(
  `\ntlsdoctor ÷ ldd loop = ${(td.ms / lddMs).toFixed(3)} (goal ≤ 0.200); ÷ ldd -r loop = ${(td.ms / lddRMs).toFixed(3)};` +
    (checksecRow?.[1] ? ` ÷ (ldd loop + checksec) = ${(td.ms / both).toFixed(3)}` : ""),
);
if (td.code !== 0 && td.code !== 1) console.log(`tlsdoctor failed: ${td.tail}`);
