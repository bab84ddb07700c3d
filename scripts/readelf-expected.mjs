#!/usr/bin/env node
// Records readelf's view of every ELF fixture under src/elf/parse/fixtures/<arch>/
// as <file>.readelf.json, the ground truth cross-arch.test.ts compares the
// parser (src/elf/parse) with. No dependencies; needs binutils' readelf (the
// cross <triplet>-readelf when installed, else plain `readelf`, which reads
// every ELF machine the same way).
//
//   node scripts/readelf-expected.mjs [arch/file ...]   (default: every fixture)
//
// readelf runs as separate invocations, all with -W (no truncated names) and
// LC_ALL=C: -h, -l, -t (section details: flags in hex), -d, --dyn-syms (or
// -D -s when the file has no section headers), -V, -n.
//
// JSON conventions (the field names are those of src/elf/parse/types.ts):
//   - null means readelf shows there is none (no PT_INTERP, no DT_SONAME, no
//     build-id note, …): the parser must leave that field undefined.
//   - a key that is left out means readelf's text could not be mapped to the
//     model reliably; the test does not compare it. Left out:
//       * dynamic `flags` / `flags1` (and `bindNow`) when readelf prints a
//         bit it has no name for;
//       * without section headers (libfix-noshdr.so.1): readelf -V prints
//         nothing, as it finds the version tables through the sections only,
//         so versionDefinitions / versionNeeds are left out, and each
//         symbol's version comes from the suffix readelf -D -s prints:
//         `@V (n)` for a needed version (`hidden` false: readelf does not
//         show the bit there; ld never sets it on references), `@V` / `@@V`
//         for a defined one; a symbol without a suffix (versym 0 or 1, or a
//         verdef's own ABS symbol, which readelf prints bare) gets no
//         `version` key;
//       * abiTag when readelf prints an OS name not in ABI_OS;
//       * gnuProperties other than x86Feature1, x86IsaNeeded and
//         aarch64Feature1 (`x86 ISA used`, `x86 feature used`, stack size …
//         have no field in the model), and any of those three whose value
//         readelf prints as a name not in the tables below.
//   - never recorded, as readelf does not print them: vd_hash / vna_hash
//     (types.ts `hash`); and fields of the model readelf has no mappable view
//     of: dynamic.entries, textrel, symbolic, filters, auxiliary; gnuHash,
//     sysvHash; notes; machineName; relocations; warnings.
//   - mapped with care:
//       * section flags come from readelf -t, which prints sh_flags in hex
//         (the -S letters lose bits: x, o, p);
//       * types (PT_*, SHT_*, STT_*, STB_*, STV_*, e_machine, e_type) are
//         mapped from readelf's names by the tables below; an unknown name
//         stops the script rather than guess;
//       * with section headers a symbol's version comes from the -V versym
//         table (`2h(FIX_1.0)`: index, name, hidden bit), and the `@`/`@@`
//         suffix readelf appends to the name is checked against it and cut;
//       * readelf prints an STT_SECTION symbol with st_name 0 under its
//         section's name; such a symbol's name is "" here (see parseDynSyms).
//
// Afterwards the JSON is formatted with the repository's prettier when
// node_modules/.bin/prettier exists (so `prettier --check .` passes).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const fixtures = join(root, "src/elf/parse/fixtures");

const TRIPLETS = {
  x86_64: "x86_64-linux-gnu",
  i386: "i686-linux-gnu",
  aarch64: "aarch64-linux-gnu",
  armhf: "arm-linux-gnueabihf",
  ppc64: "powerpc64-linux-gnu",
  ppc64le: "powerpc64le-linux-gnu",
  s390x: "s390x-linux-gnu",
  riscv64: "riscv64-linux-gnu",
};

function hasCommand(cmd) {
  return spawnSync(cmd, ["--version"], { stdio: "ignore" }).status === 0;
}

function readelfFor(arch) {
  const t = TRIPLETS[arch];
  if (t && hasCommand(`${t}-readelf`)) return `${t}-readelf`;
  if (hasCommand("readelf")) return "readelf";
  throw new Error(`no readelf for ${arch} (apt-get install binutils or binutils-${t})`);
}

function run(readelf, args, file) {
  return execFileSync(readelf, ["-W", ...args, file], {
    encoding: "latin1",
    env: { ...process.env, LC_ALL: "C" },
    maxBuffer: 64 << 20,
  });
}

class Unmapped extends Error {}

function fail(what, text) {
  throw new Error(`cannot map readelf ${what}: ${JSON.stringify(text)}`);
}

const hex = (s) => {
  const n = Number.parseInt(s.replace(/^0x/, ""), 16);
  if (!Number.isSafeInteger(n)) fail("number", s);
  return n;
};
const dec = (s) => {
  const n = Number.parseInt(s, 10);
  if (!Number.isSafeInteger(n)) fail("number", s);
  return n;
};
/** readelf prints sizes in decimal, or in hex with 0x when large. */
const num = (s) => (s.startsWith("0x") ? hex(s) : dec(s));

// ---------------------------------------------------------------- -h

const MACHINES = {
  "Advanced Micro Devices X86-64": 62,
  "Intel 80386": 3,
  AArch64: 183,
  ARM: 40,
  PowerPC64: 21,
  PowerPC: 20,
  "IBM S/390": 22,
  "RISC-V": 243,
  LoongArch: 258,
  "MIPS R3000": 8,
  "Sparc v9": 43,
};
const ELF_TYPES = { NONE: 0, REL: 1, EXEC: 2, DYN: 3, CORE: 4 };

function parseHeader(text) {
  const field = (label) => {
    const m = text.match(new RegExp(`^\\s*${label}:\\s*(.*?)\\s*$`, "m"));
    if (!m) fail(`header field ${label}`, text);
    return m[1];
  };
  // e_ident from the Magic line: exact class, data, osabi and abiversion bytes.
  const magic = field("Magic").split(/\s+/).map(hex);
  if (magic[0] !== 0x7f || magic[1] !== 0x45) fail("Magic", magic);
  const cls = magic[4] === 2 ? 64 : magic[4] === 1 ? 32 : fail("EI_CLASS", magic[4]);
  const endian = magic[5] === 1 ? "little" : magic[5] === 2 ? "big" : fail("EI_DATA", magic[5]);
  const typeWord = field("Type").split(" ")[0];
  const type = ELF_TYPES[typeWord] ?? fail("Type", typeWord);
  const machineText = field("Machine");
  const machine = MACHINES[machineText] ?? fail("Machine (add it to MACHINES)", machineText);
  const flagsText = field("Flags");
  const flags = hex(flagsText.split(",")[0]);
  const entry = hex(field("Entry point address"));
  return { class: cls, endian, osabi: magic[7], abiVersion: magic[8], type, machine, flags, entry };
}

// ---------------------------------------------------------------- -l

const PT_TYPES = {
  NULL: 0,
  LOAD: 1,
  DYNAMIC: 2,
  INTERP: 3,
  NOTE: 4,
  SHLIB: 5,
  PHDR: 6,
  TLS: 7,
  GNU_EH_FRAME: 0x6474e550,
  GNU_STACK: 0x6474e551,
  GNU_RELRO: 0x6474e552,
  GNU_PROPERTY: 0x6474e553,
  GNU_SFRAME: 0x6474e554,
  GNU_MBIND: 0x6474e555, // readelf prints GNU_MBIND+0x… for the range; only the base is mapped
  SUNW_UNWIND: 0x6464e550,
  // processor-specific ones readelf names on the machines here
  EXIDX: 0x70000001, // PT_ARM_EXIDX
  RISCV_ATTRIBUT: 0x70000003, // PT_RISCV_ATTRIBUTES, truncated by readelf itself
  AARCH64_MEMTAG_MTE: 0x70000002,
  // (PT_S390_PGSTE is printed as S390_PGSTE)
  S390_PGSTE: 0x70000000,
};
const RANGES = { LOOS: 0x60000000, LOPROC: 0x70000000, HIOS: 0x6fffffff };

function ptType(s) {
  if (s in PT_TYPES) return PT_TYPES[s];
  const m = s.match(/^(LOOS|LOPROC)\+0x([0-9a-f]+)$/);
  if (m) return RANGES[m[1]] + hex(m[2]);
  const raw = s.match(/^<unknown>: ?(0x[0-9a-f]+|\d+)$/) ?? s.match(/^(0x[0-9a-f]+)$/);
  if (raw) return num(raw[1]);
  return fail("program header type (add it to PT_TYPES)", s);
}

function parseProgramHeaders(text) {
  const out = [];
  let interpreter = null;
  let inTable = false;
  for (const line of text.split("\n")) {
    if (/^\s+Type\s+Offset\s+VirtAddr/.test(line)) {
      inTable = true;
      continue;
    }
    if (!inTable) continue;
    if (line.trim() === "" || /Section to Segment/.test(line)) break;
    const interp = line.match(/^\s+\[Requesting program interpreter: (.*)\]$/);
    if (interp) {
      interpreter = interp[1];
      continue;
    }
    const m = line.match(
      /^\s+(\S+)\s+0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) (.{3}) (0x[0-9a-f]+|0)$/,
    );
    if (!m) fail("program header line", line);
    const f = m[7];
    if (!/^[R ][W ][E ]$/.test(f)) fail("program header flags", f);
    out.push({
      type: ptType(m[1]),
      flags: (f[0] === "R" ? 4 : 0) | (f[1] === "W" ? 2 : 0) | (f[2] === "E" ? 1 : 0),
      offset: hex(m[2]),
      vaddr: hex(m[3]),
      filesz: hex(m[5]),
      memsz: hex(m[6]),
      align: hex(m[8]),
    });
  }
  if (!inTable && !/There are no program headers/.test(text)) fail("program headers", text);
  return { programHeaders: out, interpreter };
}

// ---------------------------------------------------------------- -t

const SHT_TYPES = {
  NULL: 0,
  PROGBITS: 1,
  SYMTAB: 2,
  STRTAB: 3,
  RELA: 4,
  HASH: 5,
  DYNAMIC: 6,
  NOTE: 7,
  NOBITS: 8,
  REL: 9,
  SHLIB: 10,
  DYNSYM: 11,
  INIT_ARRAY: 14,
  FINI_ARRAY: 15,
  PREINIT_ARRAY: 16,
  GROUP: 17,
  SYMTAB_SHNDX: 18,
  RELR: 19,
  GNU_ATTRIBUTES: 0x6ffffff5,
  GNU_HASH: 0x6ffffff6,
  GNU_LIBLIST: 0x6ffffff7,
  VERDEF: 0x6ffffffd,
  VERNEED: 0x6ffffffe,
  VERSYM: 0x6fffffff,
  ARM_EXIDX: 0x70000001,
  ARM_PREEMPTMAP: 0x70000002,
  ARM_ATTRIBUTES: 0x70000003,
  RISCV_ATTRIBUTES: 0x70000003,
  X86_64_UNWIND: 0x70000001,
  AARCH64_ATTRIBUTES: 0x70000003,
};

function shtType(s) {
  if (s in SHT_TYPES) return SHT_TYPES[s];
  const m = s.match(/^(LOOS|LOPROC)\+0x([0-9a-f]+)$/);
  if (m) return RANGES[m[1]] + hex(m[2]);
  if (/^0x[0-9a-f]+$/.test(s)) return hex(s);
  return fail("section type (add it to SHT_TYPES)", s);
}

/**
 * readelf -t prints each section on three lines:
 *   [ 1] .note.gnu.build-id
 *        NOTE            0000000000000270 000270 000024 00   0   0  4
 *        [0000000000000002]: ALLOC
 */
function parseSections(text) {
  if (/There are no sections in this file/.test(text)) return [];
  const lines = text.split("\n");
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const head = lines[i].match(/^\s+\[\s*(\d+)\] (.*)$/);
    if (!head || head[1] === "Nr") continue;
    const body = lines[i + 1] ?? "";
    const flagsLine = lines[i + 2] ?? "";
    const b = body.match(
      /^\s+(\S+)\s+([0-9a-f]+) ([0-9a-f]+) ([0-9a-f]+) ([0-9a-f]+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$/,
    );
    if (!b) fail("section line", body);
    const f = flagsLine.match(/^\s+\[([0-9a-f]+)\]: ?(.*)$/);
    if (!f) fail("section flags line", flagsLine);
    if (dec(head[1]) !== out.length) fail("section numbering", lines[i]);
    out.push({
      name: head[2].trimEnd(),
      type: shtType(b[1]),
      flags: hex(f[1]), // -t prints the raw sh_flags in hex
      addr: hex(b[2]),
      offset: hex(b[3]),
      size: hex(b[4]),
      link: dec(b[6]),
      info: dec(b[7]),
      entsize: hex(b[5]),
    });
    i += 2;
  }
  if (out.length === 0) fail("section table", text);
  return out;
}

// ---------------------------------------------------------------- -d

const DF = { ORIGIN: 1, SYMBOLIC: 2, TEXTREL: 4, BIND_NOW: 8, STATIC_TLS: 0x10 };
const DF_1 = {
  NOW: 0x1,
  GLOBAL: 0x2,
  GROUP: 0x4,
  NODELETE: 0x8,
  LOADFLTR: 0x10,
  INITFIRST: 0x20,
  NOOPEN: 0x40,
  ORIGIN: 0x80,
  DIRECT: 0x100,
  TRANS: 0x200,
  INTERPOSE: 0x400,
  NODEFLIB: 0x800,
  NODUMP: 0x1000,
  CONFALT: 0x2000,
  ENDFILTEE: 0x4000,
  DISPRELDNE: 0x8000,
  DISPRELPND: 0x10000,
  NODIRECT: 0x20000,
  IGNMULDEF: 0x40000,
  NOKSYMS: 0x80000,
  NOHDR: 0x100000,
  EDITED: 0x200000,
  NORELOC: 0x400000,
  SYMINTPOSE: 0x800000,
  GLOBAUDIT: 0x1000000,
  SINGLETON: 0x2000000,
  STUB: 0x4000000,
  PIE: 0x8000000,
  KMOD: 0x10000000,
  WEAKFILTER: 0x20000000,
  NOCOMMON: 0x40000000,
};

function bits(words, table) {
  let v = 0;
  for (const w of words) {
    if (!(w in table)) throw new Unmapped(w);
    v |= table[w];
  }
  return v >>> 0;
}

function parseDynamic(text) {
  if (/There is no dynamic section/.test(text) || text.trim() === "") return null;
  const d = { needed: [], soname: null, rpath: null, runpath: null, flags: 0, flags1: 0 };
  let bindNowTag = false;
  let flagsOk = true;
  let flags1Ok = true;
  let hasVersym = false;
  let seen = false;
  for (const line of text.split("\n")) {
    const m = line.match(/^\s*0x[0-9a-f]+ \((\S+)\)\s+(.*?)\s*$/);
    if (!m) continue;
    seen = true;
    const [, tag, val] = m;
    const bracket = () => val.match(/\[(.*)\]$/)?.[1] ?? fail(`${tag} value`, val);
    switch (tag) {
      case "NEEDED":
        d.needed.push(bracket());
        break;
      case "SONAME":
        d.soname = bracket();
        break;
      case "RPATH":
        d.rpath = bracket();
        break;
      case "RUNPATH":
        d.runpath = bracket();
        break;
      case "BIND_NOW":
        bindNowTag = true;
        break;
      case "VERSYM":
        hasVersym = true;
        break;
      case "FLAGS":
        try {
          d.flags = bits(val.split(/\s+/).filter(Boolean), DF);
        } catch (e) {
          if (!(e instanceof Unmapped)) throw e;
          flagsOk = false;
        }
        break;
      case "FLAGS_1":
        try {
          d.flags1 = bits(
            val
              .replace(/^Flags:/, "")
              .split(/\s+/)
              .filter(Boolean),
            DF_1,
          );
        } catch (e) {
          if (!(e instanceof Unmapped)) throw e;
          flags1Ok = false;
        }
        break;
      default:
        break;
    }
  }
  if (!seen) fail("dynamic section", text);
  if (flagsOk && flags1Ok) {
    d.bindNow = bindNowTag || (d.flags & DF.BIND_NOW) !== 0 || (d.flags1 & DF_1.NOW) !== 0;
  }
  if (!flagsOk) delete d.flags;
  if (!flags1Ok) delete d.flags1;
  return { dynamic: d, hasVersym };
}

// ---------------------------------------------------------------- -V

function versionFlags(s) {
  // readelf's get_ver_flags: "none", or BASE / WEAK / INFO joined by " | ".
  if (s === "none") return 0;
  const table = { BASE: 1, WEAK: 2, INFO: 4 };
  return bits(
    s.split("|").map((w) => w.trim()),
    table,
  );
}

function parseVersions(text) {
  const versym = []; // [{index, name|null, hidden}]
  const defs = [];
  const needs = [];
  let mode = "";
  for (const line of text.split("\n")) {
    if (/^Version symbols section/.test(line)) mode = "sym";
    else if (/^Version definition section/.test(line)) mode = "def";
    else if (/^Version needs section/.test(line)) mode = "need";
    else if (mode === "sym") {
      const m = line.match(/^\s+[0-9a-f]+:\s+(.*)$/);
      if (!m) continue;
      for (const e of m[1].matchAll(/(\d+)(h?)\s*\(([^)]*)\)/g)) {
        const index = dec(e[1]);
        versym.push({ index, name: index <= 1 ? null : e[3], hidden: e[2] === "h" });
      }
    } else if (mode === "def") {
      const m = line.match(
        /^\s+(?:0x)?[0-9a-f]+: Rev: (\d+)\s+Flags: (.*?)\s+Index: (\d+)\s+Cnt: (\d+)\s+Name: (.*)$/,
      );
      const p = line.match(/^\s+(?:0x)?[0-9a-f]+: Parent (\d+): (.*)$/);
      if (m) {
        defs.push({ index: dec(m[3]), flags: versionFlags(m[2]), name: m[5], parents: [] });
      } else if (p) {
        const last = defs.at(-1) ?? fail("verdef parent", line);
        last.parents.push(p[2]);
      }
    } else if (mode === "need") {
      const f = line.match(/^\s+(?:0x)?[0-9a-f]+: Version: (\d+)\s+File: (.*?)\s+Cnt: (\d+)$/);
      const a = line.match(/^\s+(?:0x)?[0-9a-f]+:\s+Name: (.*?)\s+Flags: (.*?)\s+Version: (\d+)$/);
      if (f) needs.push({ file: f[2], versions: [] });
      else if (a) {
        const last = needs.at(-1) ?? fail("vernaux", line);
        last.versions.push({ index: dec(a[3]), name: a[1], flags: versionFlags(a[2]) });
      }
    }
  }
  return { versym, defs, needs };
}

// ---------------------------------------------------------------- --dyn-syms

const STT = {
  NOTYPE: 0,
  OBJECT: 1,
  FUNC: 2,
  SECTION: 3,
  FILE: 4,
  COMMON: 5,
  TLS: 6,
  IFUNC: 10,
};
const STB = { LOCAL: 0, GLOBAL: 1, WEAK: 2, UNIQUE: 10 };
const STV = { DEFAULT: 0, INTERNAL: 1, HIDDEN: 2, PROTECTED: 3 };

function shndx(s) {
  if (s === "UND") return 0;
  if (s === "ABS") return 0xfff1;
  if (s === "COM") return 0xfff2;
  if (/^\d+$/.test(s)) return dec(s);
  return fail("symbol section index", s);
}

/** Splits `name@VER (n)`, `name@@VER`, `name@VER` into the name and the version. */
function splitVersion(raw) {
  const m = raw.match(/^(.*?)(@@?)([^@ ]+)(?: \((\d+)\))?$/);
  if (!m) return { name: raw };
  return { name: m[1], at: m[2], version: m[3], index: m[4] === undefined ? undefined : dec(m[4]) };
}

function parseDynSyms(text, versions, hasVersym, sections) {
  const out = [];
  for (const line of text.split("\n")) {
    // Vis may be followed by a bracketed st_other note: ppc64 ELFv2
    // "[<localentry>: 8]", aarch64 "[VARIANT_PCS]", riscv "[VARIANT_CC]".
    const m = line.match(
      /^\s*(\d+): ([0-9a-f]+)\s+(0x[0-9a-f]+|\d+) (\S+)\s+(\S+)\s+(\S+)(?: \[[^\]]*\])?\s+(\S+) ?(.*)$/,
    );
    if (!m) continue;
    const index = dec(m[1]);
    if (index !== out.length) fail("symbol numbering", line);
    const s = {
      index,
      name: m[8],
      value: hex(m[2]),
      size: num(m[3]),
      bind: STB[m[5]] ?? fail("symbol binding", m[5]),
      type: STT[m[4]] ?? fail("symbol type", m[4]),
      visibility: STV[m[6]] ?? fail("symbol visibility", m[6]),
      shndx: shndx(m[7]),
    };
    // readelf prints an STT_SECTION symbol with st_name 0 under its
    // section's name; the symbol's own name is "". (ld gives section
    // symbols st_name 0; one whose real name equals its section's name would
    // be mapped wrongly here, and none of the fixtures has one.)
    if (s.type === STT.SECTION && s.name !== "" && sections[s.shndx]?.name === s.name) s.name = "";
    if (hasVersym) {
      const v = versions?.versym[index];
      const split = splitVersion(s.name);
      if (v) {
        // -V is the authority; the suffix on the name must agree with it.
        if (v.name !== null) {
          // A version from a vernaux (a reference, or a copy-relocated
          // definition in an executable) prints as `@V (n)`; from a verdef,
          // `@V` when hidden, else `@@V`.
          const needed = versions.needs.some((n) => n.versions.some((a) => a.index === v.index));
          // readelf prints no suffix on a version's own symbol (FIX_1.0 in
          // FIX_1.0, the ABS symbol ld emits for each verdef).
          const want = needed ? `@${v.name} (${v.index})` : `${v.hidden ? "@" : "@@"}${v.name}`;
          if (s.name.endsWith(want)) s.name = s.name.slice(0, -want.length);
          else if (needed || s.name !== v.name) fail(`version suffix ${want}`, line);
          s.version = { name: v.name, hidden: v.hidden };
        } else {
          if (split.version !== undefined) fail("unexpected version suffix", line);
          s.version = { hidden: v.hidden };
        }
      } else {
        // No -V table (no section headers): rely on the suffix readelf -D
        // prints. Without one, the versym may be 0, 1, or the symbol's own
        // version (a verdef's ABS symbol): not known, so `version` is left out.
        s.name = split.name;
        if (split.version !== undefined) {
          s.version = {
            name: split.version,
            hidden: split.index === undefined && split.at === "@",
          };
        }
      }
    } else {
      s.version = null;
    }
    out.push(s);
  }
  return out;
}

// ---------------------------------------------------------------- -n

const ABI_OS = { Linux: 0, Hurd: 1, Solaris: 2, FreeBSD: 3, NetBSD: 4, Syllable: 5, NaCl: 6 };
const X86_FEATURE_1 = { IBT: 1, SHSTK: 2, LAM_U48: 4, LAM_U57: 8 };
const X86_ISA = { "x86-64-baseline": 1, "x86-64-v2": 2, "x86-64-v3": 4, "x86-64-v4": 8 };
const AARCH64_FEATURE_1 = { BTI: 1, PAC: 2 };

function propertyBits(values, table) {
  let v = 0;
  for (const w of values) {
    if (w === "<None>") continue;
    const u = w.match(/^<unknown: ([0-9a-f]+)>$/);
    if (u) v |= hex(u[1]);
    else if (w in table) v |= table[w];
    else throw new Unmapped(w);
  }
  return v >>> 0;
}

function parseNotes(text) {
  let buildId = null;
  let abiTag = null;
  const gnuProperties = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const b = line.match(/Build ID: ([0-9a-f]+)\s*$/);
    if (b) buildId = b[1];
    const a = line.match(/OS: (\S+), ABI: (\d+)\.(\d+)\.(\d+)\s*$/);
    if (a) {
      abiTag =
        a[1] in ABI_OS
          ? { os: ABI_OS[a[1]], kernel: [dec(a[2]), dec(a[3]), dec(a[4])] }
          : undefined;
    }
    const p = line.match(/Properties: (.*)$/);
    if (p) {
      // One property after another, separated by ", " or a new line and a
      // tab; a property's own values are also separated by ", ".
      let body = p[1];
      while (lines[i + 1]?.startsWith("\t")) body += ", " + lines[++i].trim();
      const props = [];
      for (const tok of body.split(/, /)) {
        const head = tok.match(/^([A-Za-z0-9 ]+): (.*)$/);
        if (head && !tok.startsWith("<")) props.push({ head: head[1], values: [head[2]] });
        else if (props.length && !/^[a-z ]+$/.test(tok)) props.at(-1).values.push(tok);
        else props.push({ head: tok, values: [] });
      }
      for (const { head, values } of props) {
        try {
          if (head === "x86 feature")
            gnuProperties.x86Feature1 = propertyBits(values, X86_FEATURE_1);
          else if (head === "x86 ISA needed")
            gnuProperties.x86IsaNeeded = propertyBits(values, X86_ISA);
          else if (head === "AArch64 feature")
            gnuProperties.aarch64Feature1 = propertyBits(values, AARCH64_FEATURE_1);
          // Other properties have no field in the model.
        } catch (e) {
          if (!(e instanceof Unmapped)) throw e;
        }
      }
    }
  }
  return { buildId, abiTag, gnuProperties };
}

// ---------------------------------------------------------------- driver

function expected(arch, file) {
  const readelf = readelfFor(arch);
  const header = parseHeader(run(readelf, ["-h"], file));
  const { programHeaders, interpreter } = parseProgramHeaders(run(readelf, ["-l"], file));
  const sections = parseSections(run(readelf, ["-t"], file));
  const dyn = parseDynamic(run(readelf, ["-d"], file));
  const noSections = sections.length === 0;
  const versions = noSections ? undefined : parseVersions(run(readelf, ["-V"], file));
  const symText = run(readelf, noSections ? ["-D", "-s"] : ["--dyn-syms"], file);
  const dynamicSymbols = parseDynSyms(symText, versions, dyn?.hasVersym ?? false, sections);
  const notes = parseNotes(run(readelf, ["-n"], file));
  const out = {
    ...header,
    interpreter,
    programHeaders,
    sections,
    dynamic: dyn ? dyn.dynamic : null,
    dynamicSymbols,
  };
  if (versions) {
    out.versionDefinitions = versions.defs;
    out.versionNeeds = versions.needs;
  }
  out.buildId = notes.buildId;
  if (notes.abiTag !== undefined) out.abiTag = notes.abiTag;
  out.gnuProperties = notes.gnuProperties;
  return out;
}

/** One line per table row, nested objects inline; prettier (if present) settles the rest. */
function format(value) {
  const inline = (v) => JSON.stringify(v);
  const lines = ["{"];
  const entries = Object.entries(value);
  entries.forEach(([k, v], i) => {
    const comma = i === entries.length - 1 ? "" : ",";
    if (Array.isArray(v) && v.length > 0 && typeof v[0] === "object") {
      lines.push(`  ${JSON.stringify(k)}: [`);
      v.forEach((row, j) => lines.push(`    ${inline(row)}${j === v.length - 1 ? "" : ","}`));
      lines.push(`  ]${comma}`);
    } else {
      lines.push(`  ${JSON.stringify(k)}: ${inline(v)}${comma}`);
    }
  });
  lines.push("}");
  return lines.join("\n") + "\n";
}

function isElf(path) {
  return (
    statSync(path).isFile() &&
    !path.endsWith(".json") &&
    !path.endsWith(".md") &&
    execFileSync("head", ["-c", "4", path], { encoding: "latin1" }) === "\x7fELF"
  );
}

const targets = [];
if (process.argv.length > 2) {
  for (const a of process.argv.slice(2)) targets.push(resolve(fixtures, a));
} else {
  for (const arch of readdirSync(fixtures).sort()) {
    const dir = join(fixtures, arch);
    if (!statSync(dir).isDirectory()) continue;
    for (const f of readdirSync(dir).sort()) {
      if (isElf(join(dir, f))) targets.push(join(dir, f));
    }
  }
}

const written = [];
for (const path of targets) {
  const arch = relative(fixtures, path).split("/")[0];
  const json = `${path}.readelf.json`;
  writeFileSync(json, format(expected(arch, path)));
  written.push(json);
  console.log(relative(root, json));
}

const prettier = join(root, "node_modules/.bin/prettier");
if (written.length && existsSync(prettier)) {
  execFileSync(prettier, ["--log-level", "warn", "--write", ...written], { stdio: "inherit" });
}
