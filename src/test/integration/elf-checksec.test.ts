// Differential: hardeningOf(parseElf(file)) against Debian's checksec 2.6.0
// (`checksec --output=json --file=F`) on every ELF regular file under
// /usr/bin and /usr/sbin (what `checksec --dir` would check: `find -type f`,
// symlinks not followed). RELRO, STACK CANARY, NX, PIE, RPATH, RUNPATH and
// Symbols must agree file by file unless a named exception below explains the
// difference and its condition holds for that file; FORTIFY's two counts are
// first reproduced from tlsdoctor's .dynsym (they are: checksec reads
// `readelf --dyn-syms`), then the differences from hardeningOf's lists are
// accounted for entry by entry.
//
// checksec costs ~90 ms of CPU per file (~25 readelf/grep/sed processes, and
// libc's symbol table re-read each time), so it runs CPUs-at-a-time under a
// budget (TLSD_CHECKSEC_BUDGET_MS, default 20 s; 0 = none): the files whose
// answers are unusual (no PIE, no RELRO, R?PATH, executable stack, static,
// TEXTREL, not stripped …) go first, the rest in a fixed pseudo-random order.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { execFileSync, spawnSync } from "node:child_process";
import {
  closeSync,
  lstatSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DF, DF_1, DT, PT, SHN_UNDEF, parseElf, type ElfFile } from "../../elf/index.js";
import { FORTIFIABLE, hardeningOf, type Hardening } from "../../elf/index.js";
import {
  checksecAvailable,
  checksecLibcChkNames,
  checksecVersion,
  runChecksecFiles,
  type ChecksecResult,
} from "../harness/checksec.js";

const DIRS = ["/usr/bin", "/usr/sbin"];
const BUDGET_MS = Number(process.env.TLSD_CHECKSEC_BUDGET_MS ?? 20_000);
const PF_X = 1;

type Prop = "relro" | "canary" | "nx" | "pie" | "rpath" | "runpath" | "symbols";
const PROPS: readonly Prop[] = ["relro", "canary", "nx", "pie", "rpath", "runpath", "symbols"];

/** hardeningOf's answer in checksec's words. */
function asChecksec(h: Hardening): Record<Prop, string> {
  const pie = { pie: "yes", "static-pie": "yes", "no-pie": "no", dso: "dso", rel: "rel" } as const;
  return {
    relro: h.relro === "none" ? "no" : h.relro,
    canary: h.stackProtector ? "yes" : "no",
    nx: h.nxStack ? "yes" : "no",
    pie: pie[h.pie],
    rpath: h.rpath.length > 0 ? "yes" : "no",
    runpath: h.runpath.length > 0 ? "yes" : "no",
    symbols: h.symbols === "symbols" ? "yes" : "no",
  };
}

interface Facts {
  readonly elf: ElfFile;
  readonly ours: Hardening;
  readonly cs: ChecksecResult;
}

const dynStrings = (e: ElfFile): string[] => {
  const d = e.dynamic;
  if (!d) return [];
  return [
    ...d.needed,
    d.soname ?? "",
    d.rpath ?? "",
    d.runpath ?? "",
    ...d.filters,
    ...d.auxiliary,
  ];
};
const hasTag = (e: ElfFile, tag: number): boolean =>
  e.dynamic?.entries.some((x) => x.tag === tag) ?? false;
const CANARY_RE = /__stack_chk_fail|__stack_chk_guard|__intel_security_cookie/;

/**
 * The known differences: each names the property, says why checksec answers
 * otherwise, and holds only when its condition, read from the ELF file, does.
 */
const EXCEPTIONS: readonly {
  readonly name: string;
  readonly prop: Prop;
  readonly why: string;
  readonly applies: (f: Facts) => boolean;
}[] = [
  {
    name: "DF_1_NOW without DF_BIND_NOW",
    prop: "relro",
    why: "ld.so binds immediately for DT_FLAGS_1 NOW too; checksec greps `readelf -d` for BIND_NOW and readelf prints that flag as 'NOW'",
    applies: ({ elf, ours, cs }) =>
      ours.relro === "full" &&
      cs.relro === "partial" &&
      ((elf.dynamic?.flags1 ?? 0) & DF_1.NOW) !== 0 &&
      !hasTag(elf, DT.BIND_NOW) &&
      ((elf.dynamic?.flags ?? 0) & DF.BIND_NOW) === 0,
  },
  {
    name: "BIND_NOW in a dynamic string",
    prop: "relro",
    why: "checksec matches BIND_NOW anywhere in `readelf -d`, library names and paths included",
    applies: ({ elf, cs }) =>
      cs.relro === "full" && dynStrings(elf).some((s) => s.includes("BIND_NOW")),
  },
  {
    name: "canary symbol only in .symtab",
    prop: "canary",
    why: "checksec greps `readelf -s`, which prints .symtab too: a static program that kept its symbols shows libc's own __stack_chk_fail, a dynamic one __stack_chk_fail_local; we read .dynsym only",
    applies: ({ elf, ours, cs }) =>
      cs.canary === "yes" &&
      ours.symbols === "symbols" &&
      !elf.dynamicSymbols.some((s) => CANARY_RE.test(s.name)),
  },
  {
    name: "canary name as a substring",
    prop: "canary",
    why: "checksec's grep -E matches __stack_chk_fail inside longer names (__stack_chk_fail_local …); we want the exact names",
    applies: ({ elf, cs }) =>
      cs.canary === "yes" && elf.dynamicSymbols.some((s) => CANARY_RE.test(s.name)),
  },
  {
    name: "PT_GNU_STACK executable but not writable",
    prop: "nx",
    why: "checksec looks for 'RWE' in readelf's flags; the kernel maps the stack executable for PF_X alone",
    applies: ({ elf, cs }) =>
      cs.nx === "yes" &&
      elf.programHeaders.some((p) => p.type === PT.GNU_STACK && (p.flags & PF_X) !== 0),
  },
  {
    name: "PIE without DT_DEBUG",
    prop: "pie",
    why: "checksec calls ET_DYN a PIE only if `readelf -d` says DEBUG; DF_1_PIE is the linker's own mark of a PIE",
    applies: ({ elf, cs }) =>
      cs.pie === "dso" && ((elf.dynamic?.flags1 ?? 0) & DF_1.PIE) !== 0 && !hasTag(elf, DT.DEBUG),
  },
  {
    name: "DEBUG in a dynamic string",
    prop: "pie",
    why: "checksec matches DEBUG anywhere in `readelf -d`: a library whose SONAME, NEEDED or RUNPATH contains DEBUG is 'PIE enabled'",
    applies: ({ elf, cs }) => cs.pie === "yes" && dynStrings(elf).some((s) => s.includes("DEBUG")),
  },
  {
    name: "empty DT_RPATH",
    prop: "rpath",
    why: "ld.so reads an empty path element as the current directory; checksec's `read -a` makes no element of an empty string",
    applies: ({ elf, cs }) => cs.rpath === "no" && elf.dynamic?.rpath === "",
  },
  {
    name: "empty DT_RUNPATH",
    prop: "runpath",
    why: "as for DT_RPATH",
    applies: ({ elf, cs }) => cs.runpath === "no" && elf.dynamic?.runpath === "",
  },
];

/** checksec's FORTIFY counts, redone from our .dynsym with checksec's rules and libc list. */
function checksecFortify(elf: ElfFile, chk: ReadonlySet<string>, plain: ReadonlySet<string>) {
  let fortified = 0;
  let unchecked = 0;
  let any = false;
  for (const s of elf.dynamicSymbols) {
    if (s.name === "") continue;
    const n = s.name.replace(/^_+/, "");
    if (chk.has(n)) fortified += 1;
    if (plain.has(n)) unchecked += 1;
    if (n.endsWith("_chk")) any = true;
  }
  return { fortified, fortifiable: fortified + unchecked, fortifySource: any ? "yes" : "no" };
}

/**
 * Why one .dynsym entry counts for checksec and not for us, or the reverse
 * (kind: which count). `undefined`: no reason known, the test fails.
 */
const FORTIFY_REASONS = {
  duplicate: "the same name twice in .dynsym: checksec counts lines, we count names",
  defined:
    "a definition, not an import: checksec counts every .dynsym name (a library exporting read, libc's own __memcpy_chk)",
  underscores:
    "checksec strips all leading underscores: glibc's own tools import __stpcpy and __mempcpy, internal aliases no header fortifies",
  setjmp:
    "bits/setjmp2.h turns siglongjmp, like longjmp and _longjmp, into __longjmp_chk; checksec knows only names equal to a _chk name minus _chk",
  hostList: "the host libc's _chk list differs from FORTIFIABLE (glibc 2.36)",
} as const;
type FortifyReason = keyof typeof FORTIFY_REASONS;

function fortifyDifferences(
  elf: ElfFile,
  ours: Hardening,
  chk: ReadonlySet<string>,
  plain: ReadonlySet<string>,
): { reasons: Map<FortifyReason, number>; unexplained: string[] } {
  const reasons = new Map<FortifyReason, number>();
  const unexplained: string[] = [];
  const seen = new Set<string>();
  const oursF = new Set(ours.fortify.fortified);
  const oursP = new Set(ours.fortify.fortifiable);
  for (const s of elf.dynamicSymbols) {
    if (s.name === "") continue;
    const n = s.name.replace(/^_+/, "");
    const csCounts = chk.has(n) || plain.has(n);
    const first = !seen.has(s.name);
    seen.add(s.name);
    const weCount = first && s.shndx === SHN_UNDEF && (oursF.has(s.name) || oursP.has(s.name));
    if (csCounts === weCount) continue;
    let r: FortifyReason | undefined;
    if (csCounts && !first) r = "duplicate";
    else if (csCounts && s.shndx !== SHN_UNDEF) r = "defined";
    else if (csCounts && /^_+/.test(s.name) && !(chk.has(n) && s.name === `__${n}`)) {
      r =
        FORTIFIABLE.has(n) || FORTIFIABLE.has(n.replace(/_chk$/, "")) ? "underscores" : "hostList";
    } else if (!csCounts && (s.name === "siglongjmp" || s.name === "_longjmp")) r = "setjmp";
    else if (csCounts !== (FORTIFIABLE.has(n) || FORTIFIABLE.has(n.replace(/_chk$/, ""))))
      r = "hostList";
    if (r) reasons.set(r, (reasons.get(r) ?? 0) + 1);
    else unexplained.push(s.name);
  }
  return { reasons, unexplained };
}

function regularFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) out.push(...regularFiles(p));
    else if (st.isFile()) out.push(p);
  }
  return out;
}

function isElf(file: string): boolean {
  const fd = openSync(file, "r");
  try {
    const b = Buffer.alloc(4);
    return readSync(fd, b, 0, 4, 0) === 4 && b.toString("latin1") === "\x7fELF";
  } finally {
    closeSync(fd);
  }
}

/** Ours differs from the common case: checksec is run on these first. */
const unusual = (h: Hardening): boolean =>
  h.pie !== "pie" ||
  h.relro === "none" ||
  !h.nxStack ||
  h.rpath.length + h.runpath.length > 0 ||
  h.textrel ||
  h.symbols === "symbols";
const hashOrder = (f: string): string => createHash("sha256").update(f).digest("hex");

interface Comparison {
  readonly agree: number;
  readonly total: number;
  readonly perProp: ReadonlyMap<Prop, boolean>;
  readonly problems: readonly string[];
  /** Names of the EXCEPTIONS that excused a difference. */
  readonly exceptions: readonly string[];
  readonly fortifyReasons: readonly FortifyReason[];
  readonly fortifyCountsEqual: boolean;
}

interface ChkLists {
  readonly chk: ReadonlySet<string>;
  readonly plain: ReadonlySet<string>;
}

/** One file: the seven properties, then FORTIFY (redone, then accounted for). */
function compare(
  file: string,
  elf: ElfFile,
  ours: Hardening,
  cs: ChecksecResult,
  l: ChkLists,
): Comparison {
  const mine = asChecksec(ours);
  const problems: string[] = [];
  const exceptions: string[] = [];
  const perProp = new Map<Prop, boolean>();
  let agree = 0;
  for (const p of PROPS) {
    perProp.set(p, mine[p] === cs[p]);
    if (mine[p] === cs[p]) {
      agree += 1;
      continue;
    }
    const ex = EXCEPTIONS.find((e) => e.prop === p && e.applies({ elf, ours, cs }));
    if (ex) exceptions.push(ex.name);
    else problems.push(`${file}: ${p} checksec=${cs[p]} tlsdoctor=${mine[p]}`);
  }
  // FORTIFY, step 1: checksec's numbers are reproducible from .dynsym.
  const redone = checksecFortify(elf, l.chk, l.plain);
  const got = {
    fortified: cs.fortified,
    fortifiable: cs.fortifiable,
    fortifySource: cs.fortifySource,
  };
  if (JSON.stringify(redone) !== JSON.stringify(got)) {
    problems.push(
      `${file}: FORTIFY checksec=${JSON.stringify(got)} redone=${JSON.stringify(redone)}`,
    );
  }
  // Step 2: every entry counted by one side only has a reason.
  const d = fortifyDifferences(elf, ours, l.chk, l.plain);
  for (const u of d.unexplained) problems.push(`${file}: FORTIFY counts ${u} on one side only`);
  const f = ours.fortify.fortified.length;
  return {
    agree,
    total: PROPS.length,
    perProp,
    problems,
    exceptions,
    fortifyReasons: [...d.reasons.keys()],
    fortifyCountsEqual:
      f === cs.fortified && f + ours.fortify.fortifiable.length === cs.fortifiable,
  };
}

function chkLists(t: { diagnostic(m: string): void }): ChkLists {
  const { libc, names } = checksecLibcChkNames();
  const chk = new Set(names);
  const plain = new Set(names.map((n) => n.replaceAll("_chk", "")));
  const same = plain.size === FORTIFIABLE.size && [...plain].every((n) => FORTIFIABLE.has(n));
  t.diagnostic(
    `checksec's _chk list: ${chk.size} names from ${libc}` +
      (same ? ", the same as FORTIFIABLE" : ", NOT the same as FORTIFIABLE"),
  );
  return { chk, plain };
}

const HAVE_CHECKSEC = checksecAvailable();
const SKIP = HAVE_CHECKSEC ? false : "checksec is not installed (apt-get install checksec)";

describe("hardeningOf against checksec on /usr/bin and /usr/sbin", { skip: SKIP }, () => {
  it("agrees file by file, up to the named exceptions", { timeout: 180_000 }, async (t) => {
    const files = DIRS.flatMap(regularFiles);
    let unreadable = 0;
    const elfFiles = files.filter((f) => {
      try {
        return isElf(f);
      } catch {
        unreadable += 1;
        return false;
      }
    });
    t.diagnostic(
      `checksec ${checksecVersion()}: ${files.length} regular files, ${elfFiles.length} ELF, ` +
        `${files.length - elfFiles.length - unreadable} not ELF (skipped), ${unreadable} unreadable`,
    );

    // Ours first: every ELF file must parse.
    const t0 = performance.now();
    const facts = new Map<string, { elf: ElfFile; ours: Hardening }>();
    for (const f of elfFiles) {
      const elf = parseElf(readFileSync(f), { file: f });
      facts.set(f, { elf, ours: hardeningOf(elf) });
    }
    t.diagnostic(
      `tlsdoctor: ${elfFiles.length} files parsed in ${(performance.now() - t0).toFixed(0)} ms`,
    );

    const order = [...elfFiles].sort((a, b) => {
      const ua = unusual(facts.get(a)!.ours) ? 0 : 1;
      const ub = unusual(facts.get(b)!.ours) ? 0 : 1;
      return ua - ub || hashOrder(a).localeCompare(hashOrder(b));
    });
    const nUnusual = elfFiles.filter((f) => unusual(facts.get(f)!.ours)).length;
    const run = await runChecksecFiles(order, { budgetMs: BUDGET_MS });
    t.diagnostic(
      `checksec: ${run.results.size} files in ${(run.elapsedMs / 1000).toFixed(1)} s, ` +
        `${run.concurrency} at a time, the ${nUnusual} unusual ones first` +
        (run.notRun.length > 0
          ? `; ${run.notRun.length} not run (budget ${BUDGET_MS} ms; TLSD_CHECKSEC_BUDGET_MS=0 for all)`
          : ""),
    );
    assert.deepEqual([...run.failures], [], "checksec failed on these files");

    const lists = chkLists(t);
    const problems: string[] = [];
    const excused = new Map<string, string[]>();
    const fortifyReasons = new Map<FortifyReason, string[]>();
    const perProp = new Map<Prop, number>(PROPS.map((p) => [p, 0]));
    let agree = 0;
    let total = 0;
    let fortifyAgree = 0;
    for (const [file, cs] of run.results) {
      const { elf, ours } = facts.get(file)!;
      const c = compare(file, elf, ours, cs, lists);
      agree += c.agree;
      total += c.total;
      for (const [p, ok] of c.perProp) if (ok) perProp.set(p, perProp.get(p)! + 1);
      problems.push(...c.problems);
      for (const e of c.exceptions) excused.set(e, [...(excused.get(e) ?? []), file]);
      for (const r of c.fortifyReasons)
        fortifyReasons.set(r, [...(fortifyReasons.get(r) ?? []), file]);
      if (c.fortifyCountsEqual) fortifyAgree += 1;
    }

    const n = run.results.size;
    t.diagnostic(
      `agreement: ${n} files compared, ${agree}/${total} properties agree ` +
        `(${((100 * agree) / Math.max(1, total)).toFixed(2)}%); ` +
        PROPS.map((p) => `${p} ${perProp.get(p)}/${n}`).join(", "),
    );
    t.diagnostic(
      `FORTIFY: checksec's counts redone from .dynsym; ours equal to them on ${fortifyAgree}/${n} files`,
    );
    for (const [name, fs] of excused) {
      const ex = EXCEPTIONS.find((e) => e.name === name)!;
      t.diagnostic(
        `exception "${name}" (${ex.prop}), ${fs.length} files, e.g. ${fs.slice(0, 3).join(" ")}: ${ex.why}`,
      );
    }
    for (const [r, fs] of fortifyReasons) {
      t.diagnostic(
        `FORTIFY "${r}", ${fs.length} files, e.g. ${fs.slice(0, 3).join(" ")}: ${FORTIFY_REASONS[r]}`,
      );
    }
    assert.deepEqual(problems, [], "differences no exception explains");
    assert.ok(n > 0, "checksec compared no file");
  });
});

// --- checksec's known errors, provoked --------------------------------------
// /usr/bin gives none of them on Debian 12, so each exception is shown to fire
// on a file built (and for some, patched) here: checksec must answer as the
// exception says, and the comparison must excuse exactly that.

const HAVE_GCC = spawnSync("gcc", ["--version"]).status === 0;

/** 64-bit little-endian files only (what gcc builds here). */
function dynamicEntryOffset(bytes: Buffer, elf: ElfFile, tag: number): number {
  const dyn = elf.programHeaders.find((p) => p.type === PT.DYNAMIC)!;
  const i = elf.dynamic!.entries.findIndex((e) => e.tag === tag);
  assert.ok(i >= 0, `no dynamic tag ${tag}`);
  const off = dyn.offset + 16 * i;
  assert.equal(Number(bytes.readBigUInt64LE(off)), tag);
  return off;
}
const patchDynValue = (tag: number, value: number) => (b: Buffer, e: ElfFile) =>
  b.writeBigUInt64LE(BigInt(value), dynamicEntryOffset(b, e, tag) + 8);
const patchDynTag = (tag: number, to: number) => (b: Buffer, e: ElfFile) =>
  b.writeBigUInt64LE(BigInt(to), dynamicEntryOffset(b, e, tag));
const patchStackFlags = (flags: number) => (b: Buffer, e: ElfFile) => {
  const phoff = Number(b.readBigUInt64LE(0x20));
  const i = e.programHeaders.findIndex((p) => p.type === PT.GNU_STACK);
  b.writeUInt32LE(flags, phoff + b.readUInt16LE(0x36) * i + 4);
};

const PROG = `#include <stdio.h>
int main(int argc, char **argv) { printf("%s %d\\n", argv[0], argc); return 0; }
`;
const DT_CHECKSUM = 0x6ffffdf8;

const PROVOKED: readonly {
  readonly name: string;
  readonly source: string;
  readonly args: readonly string[];
  readonly patch?: (b: Buffer, e: ElfFile) => void;
  /** The exceptions and FORTIFY reasons that must explain the differences. */
  readonly expect: readonly string[];
}[] = [
  {
    name: "static, not stripped",
    source: PROG,
    args: ["-static"],
    expect: ["canary symbol only in .symtab"],
  },
  {
    name: "-z now, DT_FLAGS patched to 0 (DF_1_NOW left)",
    source: PROG,
    args: ["-Wl,-z,now"],
    patch: patchDynValue(DT.FLAGS, 0),
    expect: ["DF_1_NOW without DF_BIND_NOW"],
  },
  {
    name: "a DSO named libBIND_NOW.so",
    source: "int g(int x) { return x; }\n",
    args: ["-shared", "-fPIC", "-Wl,-soname,libBIND_NOW.so"],
    expect: ["BIND_NOW in a dynamic string"],
  },
  {
    name: "a DSO exporting my__stack_chk_fail_hook",
    source: "void my__stack_chk_fail_hook(void) {}\n",
    args: ["-shared", "-fPIC"],
    expect: ["canary name as a substring"],
  },
  {
    name: "PT_GNU_STACK patched to R E",
    source: PROG,
    args: [],
    patch: patchStackFlags(5),
    expect: ["PT_GNU_STACK executable but not writable"],
  },
  {
    name: "PIE with DT_DEBUG patched to DT_CHECKSUM",
    source: PROG,
    args: [],
    patch: patchDynTag(DT.DEBUG, DT_CHECKSUM),
    expect: ["PIE without DT_DEBUG"],
  },
  {
    name: "a DSO named libDEBUG.so.1",
    source: "int g(int x) { return x; }\n",
    args: ["-shared", "-fPIC", "-Wl,-soname,libDEBUG.so.1"],
    expect: ["DEBUG in a dynamic string"],
  },
  {
    name: "empty DT_RPATH",
    source: PROG,
    args: ["-Wl,--disable-new-dtags", "-Wl,-rpath,"],
    expect: ["empty DT_RPATH"],
  },
  { name: "empty DT_RUNPATH", source: PROG, args: ["-Wl,-rpath,"], expect: ["empty DT_RUNPATH"] },
  {
    name: "a DSO defining strcpy",
    source: "char *strcpy(char *d, const char *s) { (void)s; return d; }\n",
    args: ["-shared", "-fPIC", "-fno-builtin"],
    expect: ["defined"],
  },
  {
    name: "a program importing __stpcpy",
    source:
      "extern char *__stpcpy(char *, const char *);\n" +
      "int main(int c, char **v) { return *__stpcpy(v[0], v[c - 1]); }\n",
    args: [],
    expect: ["underscores"],
  },
  {
    name: "a program calling siglongjmp",
    source:
      "#include <setjmp.h>\nstatic sigjmp_buf b;\n" +
      "int main(void) { if (sigsetjmp(b, 1)) return 0; siglongjmp(b, 1); }\n",
    args: [],
    expect: ["setjmp"],
  },
];

describe(
  "checksec's known errors, on files built here",
  { skip: SKIP || (HAVE_GCC ? false : "no gcc") },
  () => {
    let dir = "";
    before(() => {
      dir = mkdtempSync(join(tmpdir(), "tlsd-checksec-"));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it(
      "each exception fires where checksec errs, and only there",
      { timeout: 120_000 },
      async (t) => {
        const lists = chkLists(t);
        const built: string[] = [];
        for (const [i, c] of PROVOKED.entries()) {
          const src = join(dir, `p${i}.c`);
          const out = join(dir, `p${i}`);
          writeFileSync(src, c.source);
          execFileSync("gcc", [...c.args, src, "-o", out], { stdio: ["ignore", "ignore", "pipe"] });
          if (c.patch) {
            const b = readFileSync(out);
            c.patch(b, parseElf(b, { file: out }));
            writeFileSync(out, b);
          }
          built.push(out);
        }
        const run = await runChecksecFiles(built);
        assert.deepEqual([...run.failures], [], "checksec failed on these files");
        for (const [i, c] of PROVOKED.entries()) {
          const file = built[i]!;
          const elf = parseElf(readFileSync(file), { file });
          const r = compare(file, elf, hardeningOf(elf), run.results.get(file)!, lists);
          assert.deepEqual(r.problems, [], c.name);
          assert.deepEqual(
            [...r.exceptions, ...r.fortifyReasons].sort(),
            [...c.expect].sort(),
            c.name,
          );
          t.diagnostic(`${c.name}: ${c.expect.join(", ")}`);
        }
      },
    );
  },
);
