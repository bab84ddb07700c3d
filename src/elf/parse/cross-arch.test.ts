// parseElf against readelf on small real binaries for eight architectures
// (ELF32/ELF64, little and big endian), and its behaviour on truncated and
// mutated copies. The fixtures and the readelf JSON are committed; they were
// made by scripts/make-elf-fixtures.sh and scripts/readelf-expected.mjs (see
// fixtures/README.md). In the JSON, null means readelf shows none (the parser
// must leave the field undefined) and a missing key means readelf's text could
// not be mapped (not compared).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import fc from "fast-check";
import { parseElf } from "./index.js";
import { ElfError } from "./errors.js";
import type { ElfFile } from "./types.js";

// The compiled test runs from dist/elf/parse/; the fixtures stay in src/.
const FIXTURES = new URL("../../../src/elf/parse/fixtures/", import.meta.url);

const ARCHES = ["x86_64", "i386", "aarch64", "armhf", "ppc64", "ppc64le", "s390x", "riscv64"];
const FILES = ["libfix.so.1", "fixprog", "fixprog-rpath"];
const EXTRA: Readonly<Record<string, readonly string[]>> = { x86_64: ["libfix-noshdr.so.1"] };

interface ExpectedSymbol {
  index: number;
  name: string;
  value: number;
  size: number;
  bind: number;
  type: number;
  visibility: number;
  shndx: number;
  version?: { name?: string; hidden: boolean } | null;
}

interface Expected {
  class: number;
  endian: string;
  osabi: number;
  abiVersion: number;
  type: number;
  machine: number;
  flags: number;
  entry: number;
  interpreter: string | null;
  programHeaders: Record<string, number>[];
  sections: Record<string, number | string>[];
  dynamic: Record<string, unknown> | null;
  dynamicSymbols: ExpectedSymbol[];
  versionDefinitions?: { index: number; flags: number; name: string; parents: string[] }[];
  versionNeeds?: { file: string; versions: { index: number; name: string; flags: number }[] }[];
  buildId: string | null;
  abiTag?: { os: number; kernel: number[] } | null;
  gnuProperties: Record<string, number>;
}

function fixtureBytes(arch: string, file: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`${arch}/${file}`, FIXTURES)));
}

function expectedFor(arch: string, file: string): Expected {
  const text = readFileSync(new URL(`${arch}/${file}.readelf.json`, FIXTURES), "utf8");
  return JSON.parse(text) as Expected;
}

/** `obj` restricted to the keys `shape` has (readelf's unmapped fields are left out there). */
function pick<T extends object>(obj: T, shape: object): Partial<T> {
  const out: Partial<T> = {};
  for (const k of Object.keys(shape) as (keyof T)[]) {
    if (k in obj) out[k] = obj[k];
  }
  return out;
}

function projectSymbol(
  s: ElfFile["dynamicSymbols"][number],
  e: ExpectedSymbol | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    index: s.index,
    name: s.name,
    value: s.value,
    size: s.size,
    bind: s.bind,
    type: s.type,
    visibility: s.visibility,
    shndx: s.shndx,
  };
  if (e === undefined || "version" in e) {
    out.version =
      s.version === undefined
        ? null
        : {
            ...(s.version.name === undefined ? {} : { name: s.version.name }),
            hidden: s.version.hidden,
          };
  }
  return out;
}

describe("parseElf agrees with readelf on every fixture", () => {
  test("the fixture set is complete", () => {
    const archDirs = readdirSync(FIXTURES, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    assert.deepEqual(archDirs, [...ARCHES].sort(), "fixture directories");
    for (const arch of ARCHES) {
      const names = readdirSync(new URL(`${arch}/`, FIXTURES));
      for (const f of [...FILES, ...(EXTRA[arch] ?? [])]) {
        assert.ok(names.includes(f), `${arch}/${f} is missing`);
        assert.ok(names.includes(`${f}.readelf.json`), `${arch}/${f}.readelf.json is missing`);
      }
    }
  });

  for (const arch of ARCHES) {
    for (const file of [...FILES, ...(EXTRA[arch] ?? [])]) {
      const where = `${arch}/${file}`;
      test(where, async (t) => {
        const exp = expectedFor(arch, file);
        const got = parseElf(fixtureBytes(arch, file), { file: where });

        await t.test("ELF header", () => {
          for (const k of [
            "class",
            "endian",
            "osabi",
            "abiVersion",
            "type",
            "machine",
            "flags",
            "entry",
          ] as const) {
            assert.equal(got[k], exp[k], `${where}: ${k}`);
          }
        });
        await t.test("interpreter", () => {
          assert.equal(got.interpreter ?? null, exp.interpreter, `${where}: interpreter`);
        });
        await t.test("programHeaders", () => {
          assert.deepEqual(
            got.programHeaders.map((p) => ({ ...p })),
            exp.programHeaders,
            `${where}: programHeaders`,
          );
        });
        await t.test("sections", () => {
          assert.equal(got.sections.length, exp.sections.length, `${where}: sections.length`);
          got.sections.forEach((s, i) => {
            const e = exp.sections[i] ?? {};
            assert.deepEqual(pick(s, e), e, `${where}: sections[${i}] (${String(e.name)})`);
          });
        });
        await t.test("dynamic", () => {
          if (exp.dynamic === null) {
            assert.equal(got.dynamic, undefined, `${where}: dynamic`);
            return;
          }
          assert.ok(got.dynamic, `${where}: dynamic is missing`);
          const d = got.dynamic;
          const actual: Record<string, unknown> = {
            needed: [...d.needed],
            soname: d.soname ?? null,
            rpath: d.rpath ?? null,
            runpath: d.runpath ?? null,
            flags: d.flags,
            flags1: d.flags1,
            bindNow: d.bindNow,
          };
          assert.deepEqual(pick(actual, exp.dynamic), exp.dynamic, `${where}: dynamic`);
        });
        await t.test("dynamicSymbols", () => {
          assert.equal(
            got.dynamicSymbols.length,
            exp.dynamicSymbols.length,
            `${where}: dynamicSymbols.length`,
          );
          got.dynamicSymbols.forEach((s, i) => {
            const e = exp.dynamicSymbols[i];
            assert.deepEqual(
              projectSymbol(s, e),
              e,
              `${where}: dynamicSymbols[${i}] (${e?.name ?? "?"})`,
            );
          });
        });
        await t.test("hash tables count the dynamic symbols", () => {
          const n = exp.dynamicSymbols.length;
          const hasSection = (type: number): boolean => exp.sections.some((s) => s.type === type);
          if (exp.sections.length > 0) {
            assert.equal(got.sysvHash !== undefined, hasSection(5), `${where}: sysvHash present`);
            assert.equal(
              got.gnuHash !== undefined,
              hasSection(0x6ffffff6),
              `${where}: gnuHash present`,
            );
          }
          if (got.sysvHash) assert.equal(got.sysvHash.nchain, n, `${where}: sysvHash.nchain`);
          if (got.gnuHash) {
            // The GNU table only implies a count when it hashes something
            // (a defined global or weak symbol); an executable exporting
            // nothing has empty buckets, and then only symoffset is known.
            const hashes = exp.dynamicSymbols.some((s) => s.shndx !== 0 && s.bind !== 0);
            if (hashes) {
              assert.equal(got.gnuHash.symbolCount, n, `${where}: gnuHash.symbolCount`);
            } else {
              assert.equal(
                got.gnuHash.symbolCount,
                got.gnuHash.symoffset,
                `${where}: gnuHash.symbolCount of an empty table`,
              );
              assert.ok(got.gnuHash.symoffset <= n, `${where}: gnuHash.symoffset <= ${n}`);
            }
          }
        });
        if (exp.versionDefinitions) {
          const want = exp.versionDefinitions;
          await t.test("versionDefinitions", () => {
            assert.deepEqual(
              got.versionDefinitions.map((d) => ({
                index: d.index,
                flags: d.flags,
                name: d.name,
                parents: [...d.parents],
              })),
              want,
              `${where}: versionDefinitions`,
            );
          });
        }
        if (exp.versionNeeds) {
          const want = exp.versionNeeds;
          await t.test("versionNeeds", () => {
            assert.deepEqual(
              got.versionNeeds.map((n) => ({
                file: n.file,
                versions: n.versions.map((a) => ({ index: a.index, name: a.name, flags: a.flags })),
              })),
              want,
              `${where}: versionNeeds`,
            );
          });
        }
        await t.test("notes", () => {
          assert.equal(got.buildId ?? null, exp.buildId, `${where}: buildId`);
          if (exp.abiTag !== undefined) {
            assert.deepEqual(
              got.abiTag === undefined
                ? null
                : { os: got.abiTag.os, kernel: [...got.abiTag.kernel] },
              exp.abiTag,
              `${where}: abiTag`,
            );
          }
          const props: Record<string, number> = {};
          for (const k of ["x86Feature1", "aarch64Feature1", "x86IsaNeeded"] as const) {
            const v = got.gnuProperties[k];
            if (v !== undefined) props[k] = v;
          }
          assert.deepEqual(props, exp.gnuProperties, `${where}: gnuProperties`);
        });
      });
    }
  }

  test("x86_64/libfix-noshdr.so.1 reads as libfix.so.1 does, without sections", () => {
    const full = parseElf(fixtureBytes("x86_64", "libfix.so.1"));
    const bare = parseElf(fixtureBytes("x86_64", "libfix-noshdr.so.1"));
    assert.deepEqual(bare.sections, [], "noshdr: sections");
    for (const k of [
      "programHeaders",
      "interpreter",
      "dynamic",
      "dynamicSymbols",
      "versionDefinitions",
      "versionNeeds",
      "gnuHash",
      "sysvHash",
      "buildId",
      "abiTag",
      "gnuProperties",
    ] as const) {
      assert.deepEqual(bare[k], full[k], `noshdr vs libfix.so.1: ${k}`);
    }
  });
});

// ------------------------------------------------------------- robustness

type Outcome =
  | { kind: "file" }
  | { kind: "elf-error"; offset: number; message: string }
  | { kind: "other"; detail: string };

function outcome(bytes: Uint8Array, label: string): Outcome {
  try {
    const r = parseElf(bytes, { file: label });
    return typeof r === "object"
      ? { kind: "file" }
      : { kind: "other", detail: `returned ${typeof r}` };
  } catch (e) {
    if (e instanceof ElfError) return { kind: "elf-error", offset: e.offset, message: e.message };
    return { kind: "other", detail: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
}

/** Never anything but an ElfFile or an ElfError. */
function noForeignException(bytes: Uint8Array, label: string): string | undefined {
  const o = outcome(bytes, label);
  return o.kind === "other" ? `${label}: ${o.detail}` : undefined;
}

/** An ElfError's offset lies in the input given to parseElf (0 … its length). */
function offsetInInput(bytes: Uint8Array, label: string): string | undefined {
  const o = outcome(bytes, label);
  if (o.kind !== "elf-error") return undefined;
  const ok = Number.isSafeInteger(o.offset) && o.offset >= 0 && o.offset <= bytes.length;
  return ok
    ? undefined
    : `${label}: ElfError offset ${o.offset} is outside the ${bytes.length}-byte input (${o.message})`;
}

/** Every length below 128, then ~200 lengths spread evenly over the rest of the file. */
function truncationLengths(size: number): number[] {
  const out = new Set<number>();
  for (let n = 0; n < Math.min(128, size); n++) out.add(n);
  const steps = 200;
  for (let i = 0; i < steps; i++) out.add(128 + Math.floor(((size - 128) * i) / steps));
  out.add(size - 1);
  return [...out].filter((n) => n >= 0 && n < size).sort((a, b) => a - b);
}

function assertNone(problems: (string | undefined)[], what: string): void {
  const bad = problems.filter((p): p is string => p !== undefined);
  assert.equal(
    bad.length,
    0,
    `${bad.length} ${what}:\n${bad.slice(0, 12).join("\n")}${bad.length > 12 ? "\n…" : ""}`,
  );
}

// x86_64: ELF64 little endian; s390x: ELF64 big endian with 8-byte .hash
// entries; ppc64: big-endian ELFv1 (function descriptors in .opd).
const ROBUST = ["x86_64", "s390x", "ppc64"];

describe("parseElf on damaged libfix.so.1: an ElfFile or an ElfError, never another exception", () => {
  for (const arch of ROBUST) {
    const whole = fixtureBytes(arch, "libfix.so.1");
    const truncated = truncationLengths(whole.length).map((n) => ({
      bytes: whole.slice(0, n),
      label: `${arch}/libfix.so.1[0:${n}]`,
    }));
    // Half the mutations land in the first 2 KiB (headers, hash tables,
    // .dynsym, versions), half anywhere in the file.
    // (The property gets [position, xor] so a counterexample prints short.)
    const position = fc.oneof(
      fc.nat({ max: whole.length - 1 }),
      fc.nat({ max: Math.min(whole.length, 2048) - 1 }),
    );
    const xor = fc.integer({ min: 1, max: 255 });
    const mutated = (pos: number, x: number): { bytes: Uint8Array; label: string } => {
      const bytes = whole.slice();
      bytes[pos] = (bytes[pos] ?? 0) ^ x;
      return { bytes, label: `${arch}/libfix.so.1 with byte ${pos} ^= 0x${x.toString(16)}` };
    };

    test(`${arch}: every truncation gives an ElfFile or an ElfError`, () => {
      assertNone(
        truncated.map((c) => noForeignException(c.bytes, c.label)),
        "truncations threw something else",
      );
    });
    test(`${arch}: every truncation's ElfError offset is within the input`, () => {
      assertNone(
        truncated.map((c) => offsetInInput(c.bytes, c.label)),
        "truncations gave an offset outside the input",
      );
    });
    test(`${arch}: one-byte mutations give an ElfFile or an ElfError`, () => {
      fc.assert(
        fc.property(position, xor, (pos, x) => {
          const c = mutated(pos, x);
          const p = noForeignException(c.bytes, c.label);
          assert.equal(p, undefined, p);
        }),
        { numRuns: 300, includeErrorInReport: true },
      );
    });
    test(`${arch}: one-byte mutations' ElfError offset is within the input`, () => {
      fc.assert(
        fc.property(position, xor, (pos, x) => {
          const c = mutated(pos, x);
          const p = offsetInInput(c.bytes, c.label);
          assert.equal(p, undefined, p);
        }),
        { numRuns: 300, includeErrorInReport: true },
      );
    });
  }
});
