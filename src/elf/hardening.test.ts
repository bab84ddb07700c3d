// hardeningOf on small programs that gcc builds here, one per hardening flag:
// every field of the answer is asserted. Needs gcc (Debian 12: gcc 12, binutils
// 2.40, glibc 2.36); the AArch64 case needs gcc-aarch64-linux-gnu and is
// skipped without it.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isTlsDoctorError } from "../core/index.js";
import { FORTIFIABLE, hardeningOf, type Hardening } from "./hardening.js";
import { parseElf, PT, type ElfFile } from "./parse/index.js";

// A stack buffer (for -fstack-protector-strong) and three calls that
// _FORTIFY_SOURCE=2 turns into __memcpy_chk, __printf_chk and __read_chk.
const PROG = `#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv) {
  char buf[16];
  memcpy(buf, argv[0], (size_t)argc);
  buf[15] = 0;
  printf("%s %d\\n", buf, argc);
  char b2[8];
  if (read(0, b2, (size_t)argc) < 0) return 1;
  return b2[0];
}
`;
const LIB = `#include <string.h>
int copy(char *d, const char *s, unsigned n) { memcpy(d, s, n); return 0; }
`;
const TINY = `int g(int x) { return x + 1; }\n`;
// An absolute address in .text: R_X86_64_64 there needs a text relocation.
const TEXTREL_S = `.text
.globl f
f:
  movabs $f, %rax
  ret
.section .note.GNU-stack,"",@progbits
`;

/** What a gcc-built PIE without extra flags gives on Debian 12. */
const BASE: Hardening = {
  pie: "pie",
  relro: "partial",
  bindNow: false,
  nxStack: true,
  stackProtector: false,
  fortify: { fortified: [], fortifiable: [] },
  cet: { ibt: false, shstk: false },
  rpath: [],
  runpath: [],
  textrel: false,
  symbols: "symbols",
};
const PLAIN_CALLS = { fortified: [], fortifiable: ["memcpy", "printf", "read"] };
const CHECKED_CALLS = {
  fortified: ["__memcpy_chk", "__printf_chk", "__read_chk"],
  fortifiable: [],
};
/** dpkg-buildflags on Debian 12 (dpkg 1.21), CFLAGS + CPPFLAGS + LDFLAGS. */
const DEBIAN_FLAGS = [
  "-g",
  "-O2",
  "-fstack-protector-strong",
  "-Wformat",
  "-Werror=format-security",
  "-Wdate-time",
  "-D_FORTIFY_SOURCE=2",
  "-Wl,-z,relro",
];

const hasTool = (cmd: string): boolean => spawnSync(cmd, ["--version"]).status === 0;
const HAVE_GCC = hasTool("gcc");
const AARCH64_GCC = ["aarch64-linux-gnu-gcc", "aarch64-linux-gnu-gcc-12"].find(hasTool);

describe("hardeningOf (programs built by gcc)", { skip: HAVE_GCC ? false : "no gcc" }, () => {
  let dir = "";
  let n = 0;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "tlsd-hardening-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function build(source: string, args: readonly string[], ext = "c", cc = "gcc"): ElfFile {
    n += 1;
    const src = join(dir, `p${n}.${ext}`);
    const out = join(dir, `p${n}.out`);
    writeFileSync(src, source);
    execFileSync(cc, [...args, src, "-o", out], { stdio: ["ignore", "ignore", "pipe"] });
    return parseElf(readFileSync(out), { file: out });
  }
  const check = (elf: ElfFile, expected: Partial<Hardening>): void =>
    assert.deepEqual(hardeningOf(elf), { ...BASE, ...expected });

  it("gcc defaults: PIE, partial RELRO, non-executable stack, nothing else", () => {
    check(build(PROG, []), { fortify: PLAIN_CALLS });
  });

  it("Debian's dpkg-buildflags: canary and fortified calls, partial RELRO", () => {
    check(build(PROG, DEBIAN_FLAGS), { stackProtector: true, fortify: CHECKED_CALLS });
  });

  it("dpkg-buildflags with hardening=+all (adds -z now): full RELRO", () => {
    check(build(PROG, [...DEBIAN_FLAGS, "-Wl,-z,now"]), {
      relro: "full",
      bindNow: true,
      stackProtector: true,
      fortify: CHECKED_CALLS,
    });
  });

  it("-no-pie -z norelro -z execstack -fno-stack-protector: nothing", () => {
    const elf = build(PROG, [
      "-no-pie",
      "-z",
      "norelro",
      "-z",
      "execstack",
      "-fno-stack-protector",
    ]);
    check(elf, { pie: "no-pie", relro: "none", nxStack: false, fortify: PLAIN_CALLS });
  });

  it("-z now: full RELRO and BIND_NOW", () => {
    check(build(PROG, ["-Wl,-z,now"]), { relro: "full", bindNow: true, fortify: PLAIN_CALLS });
  });

  it("-fstack-protector-strong with a stack buffer: __stack_chk_fail", () => {
    check(build(PROG, ["-fstack-protector-strong"]), {
      stackProtector: true,
      fortify: PLAIN_CALLS,
    });
  });

  it("-O2 -D_FORTIFY_SOURCE=2: memcpy, printf and read become _chk calls", () => {
    check(build(PROG, ["-O2", "-D_FORTIFY_SOURCE=2"]), { fortify: CHECKED_CALLS });
  });

  it("-fcf-protection=full on a whole program: no CET, the startup files lack the property", () => {
    // ld ANDs GNU_PROPERTY_X86_FEATURE_1_AND over every input; Debian 12's
    // Scrt1.o/crti.o carry none, so the program has none (as readelf -n shows).
    check(build(PROG, ["-fcf-protection=full"]), { fortify: PLAIN_CALLS });
  });

  it("-fcf-protection on an object of our code only: IBT and SHSTK as asked", () => {
    const so = (cf: string): ElfFile => build(TINY, ["-shared", "-fPIC", "-nostdlib", cf]);
    check(so("-fcf-protection=full"), { pie: "dso", cet: { ibt: true, shstk: true } });
    check(so("-fcf-protection=branch"), { pie: "dso", cet: { ibt: true, shstk: false } });
    check(so("-fcf-protection=return"), { pie: "dso", cet: { ibt: false, shstk: true } });
    check(so("-fcf-protection=none"), { pie: "dso" });
  });

  it("-shared: a DSO", () => {
    check(build(LIB, ["-shared", "-fPIC"]), {
      pie: "dso",
      fortify: { fortified: [], fortifiable: ["memcpy"] },
    });
  });

  it("-static-pie: a static PIE (no PT_INTERP), no dynamic imports", (t) => {
    let elf: ElfFile;
    try {
      elf = build(PROG, ["-static-pie"]);
    } catch (e) {
      t.skip(`this toolchain cannot link -static-pie: ${String(e)}`);
      return;
    }
    check(elf, { pie: "static-pie" });
  });

  it("-static: no PIE, RELRO partial (no dynamic section to say BIND_NOW), no .dynsym", () => {
    // checksec says "Canary found" here: it reads .symtab, where static libc
    // defines __stack_chk_fail. We read only .dynsym, which a static file lacks.
    check(build(PROG, ["-static"]), { pie: "no-pie" });
  });

  it("-Wl,-rpath: RUNPATH with ld's default new dtags, RPATH with --disable-new-dtags", () => {
    check(build(PROG, ["-Wl,-rpath,/tmp/x"]), { runpath: ["/tmp/x"], fortify: PLAIN_CALLS });
    check(build(PROG, ["-Wl,--disable-new-dtags", "-Wl,-rpath,/tmp/x"]), {
      rpath: ["/tmp/x"],
      fortify: PLAIN_CALLS,
    });
    check(build(PROG, ["-Wl,-rpath,$ORIGIN/../lib:/tmp/x"]), {
      runpath: ["$ORIGIN/../lib", "/tmp/x"],
      fortify: PLAIN_CALLS,
    });
  });

  it("-s: stripped (no .symtab)", () => {
    check(build(PROG, ["-s"]), { symbols: "stripped", fortify: PLAIN_CALLS });
  });

  it("-c: a relocatable object (no program headers, so no PT_GNU_STACK)", () => {
    check(build(PROG, ["-c"]), { pie: "rel", relro: "none", nxStack: false });
  });

  it("-z notext with an absolute address in .text: TEXTREL", () => {
    check(build(TEXTREL_S, ["-shared", "-nostdlib", "-Wl,-z,notext"], "s"), {
      pie: "dso",
      textrel: true,
    });
  });

  it(
    "AArch64 -mbranch-protection=standard: BTI and PAC",
    { skip: AARCH64_GCC ? false : "no aarch64-linux-gnu-gcc" },
    () => {
      const so = (bp: string[]): ElfFile =>
        build(TINY, ["-shared", "-fPIC", "-nostdlib", ...bp], "c", AARCH64_GCC);
      check(so(["-mbranch-protection=standard"]), { pie: "dso", bti: true, pac: true });
      check(so(["-mbranch-protection=bti"]), { pie: "dso", bti: true, pac: false });
      check(so([]), { pie: "dso", bti: false, pac: false });
    },
  );

  it("model edge cases: DF_1_NOW alone, no PT_GNU_STACK, GNU_STACK R E, ET_CORE", () => {
    const elf = build(PROG, ["-Wl,-z,now"]);
    const dyn = elf.dynamic!;
    // Only DF_1_NOW (checksec, grepping for BIND_NOW, would say partial).
    const onlyFlags1: ElfFile = { ...elf, dynamic: { ...dyn, flags: 0, bindNow: true } };
    assert.equal(hardeningOf(onlyFlags1).relro, "full");
    const noStack: ElfFile = {
      ...elf,
      programHeaders: elf.programHeaders.filter((p) => p.type !== PT.GNU_STACK),
    };
    assert.equal(hardeningOf(noStack).nxStack, false);
    const rxStack: ElfFile = {
      ...elf,
      programHeaders: elf.programHeaders.map((p) =>
        p.type === PT.GNU_STACK ? { ...p, flags: 5 } : p,
      ),
    };
    assert.equal(hardeningOf(rxStack).nxStack, false);
    const emptyRpath: ElfFile = { ...elf, dynamic: { ...dyn, rpath: "" } };
    assert.deepEqual(hardeningOf(emptyRpath).rpath, [""]);
    assert.throws(
      () => hardeningOf({ ...elf, type: 4 }),
      (e: unknown) => isTlsDoctorError(e) && e.code === "TLSD_PARSE",
    );
  });
});

describe("FORTIFIABLE", () => {
  it("holds glibc 2.36's 79 names, plain (no __ prefix, no _chk suffix)", () => {
    assert.equal(FORTIFIABLE.size, 79);
    for (const f of FORTIFIABLE) assert.match(f, /^[a-z][a-z0-9_]*[a-z0-9]$/);
    for (const f of ["memcpy", "printf", "read", "longjmp", "wmemset"])
      assert.ok(FORTIFIABLE.has(f), f);
  });
});
