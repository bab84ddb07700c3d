import {
  addressMapper,
  dynamicStrings,
  dynValue,
  DT,
  readDynamicEntries,
  resolveDynamic,
} from "./dynamic.js";
import { ElfError } from "./errors.js";
import { readGnuChainHashes, readGnuHash, readSysvHash } from "./hash.js";
import { PT, readHeader, readProgramHeaders, readSections, SHT } from "./header.js";
import { machineName, sysvHashEntrySize } from "./machines.js";
import { noteFacts, readNotes } from "./notes.js";
import { readRelocations } from "./relocations.js";
import { SymbolTable } from "./symbol-table.js";
import { readDynamicSymbols, readVerdef, readVerneed, versionResolver } from "./symbols.js";
import type {
  ElfFile,
  ElfGnuHash,
  ElfRelocations,
  ElfSysvHash,
  ElfVersionDefinition,
  ElfVersionNeed,
  ParseElfOptions,
} from "./types.js";

const DEFAULT_MAX_ENTRIES = 1_000_000;

/**
 * Reads an ELF file the way the dynamic loader sees it: the header, program
 * headers, the dynamic array, .dynsym with versions, the hash tables and the
 * notes, located through PT_DYNAMIC and the DT_* addresses (so a file without
 * section headers reads the same); section headers when present. Pure and
 * bounded: hostile input gives an {@link ElfError} naming the structure and
 * offset (and the file, when `options.file` is given).
 */
export function parseElf(bytes: Uint8Array, options: ParseElfOptions = {}): ElfFile {
  try {
    return parse(bytes, options.maxEntries ?? DEFAULT_MAX_ENTRIES);
  } catch (e) {
    if (e instanceof ElfError) {
      // Offsets name a place in the input: one computed past its end is clamped to the end.
      const clamped =
        e.offset > bytes.length
          ? new ElfError(e.path, bytes.length, e.problem, { cause: e.cause })
          : e;
      throw options.file === undefined ? clamped : clamped.withFile(options.file);
    }
    if (e instanceof RangeError) {
      throw new ElfError("file", 0, `too large to read (${e.message})`, {
        ...(options.file === undefined ? {} : { file: options.file }),
        cause: e,
      });
    }
    throw e;
  }
}

function parse(bytes: Uint8Array, maxEntries: number): ElfFile {
  const warnings: string[] = [];
  const { header: h, view: v } = readHeader(bytes);
  const programHeaders = readProgramHeaders(v, h);
  const sections = readSections(v, h, warnings);
  const limit = (n: number, what: string, at: number): number => {
    if (n > maxEntries)
      throw new ElfError(what, at, `${n} entries exceed the limit of ${maxEntries}`);
    return n;
  };

  const interp = programHeaders.find((p) => p.type === PT.INTERP);
  let interpreter: string | undefined;
  if (interp) {
    v.need(interp.offset, interp.filesz, "PT_INTERP");
    interpreter = v.cstring(interp.offset, interp.offset + interp.filesz, "PT_INTERP");
  }

  const map = addressMapper(programHeaders);
  const at = (tag: number, name: string): number | undefined => {
    const addr = dynValue(entries ?? [], tag);
    if (addr === undefined) return undefined;
    const off = map(addr);
    if (off === undefined) {
      throw new ElfError(name, 0, `address 0x${addr.toString(16)} is in no PT_LOAD segment`);
    }
    return off;
  };
  const entries = readDynamicEntries(v, h, programHeaders, sections);
  let symbolTable = SymbolTable.EMPTY;
  let versionDefinitions: ElfVersionDefinition[] = [];
  let versionNeeds: ElfVersionNeed[] = [];
  let relocations: ElfRelocations = { symbols: new Uint32Array(0), types: new Uint32Array(0) };
  let gnuHash: ElfGnuHash | undefined;
  let sysvHash: ElfSysvHash | undefined;
  let dynamic: ElfFile["dynamic"];
  if (entries) {
    const strs = dynamicStrings(v, entries, map);
    dynamic = resolveDynamic(entries, strs);
    const hashAt = at(DT.HASH, "DT_HASH");
    if (hashAt !== undefined)
      sysvHash = readSysvHash(v, hashAt, sysvHashEntrySize(h.machine, h.class));
    const gnuAt = at(DT.GNU_HASH, "DT_GNU_HASH");
    if (gnuAt !== undefined) gnuHash = readGnuHash(v, gnuAt, h.class);
    const symAt = at(DT.SYMTAB, "DT_SYMTAB");
    if (symAt !== undefined && strs) {
      // The count: .dynsym's size when sections exist, else the hash tables (as ld.so needs none).
      const sec = sections.find((s) => s.type === SHT.DYNSYM && s.offset === symAt);
      const symSize = h.class === 64 ? 24 : 16;
      const count =
        sec && sec.entsize === symSize
          ? sec.size / symSize
          : (sysvHash?.nchain ?? gnuHash?.symbolCount ?? 0);
      if (!sec && !sysvHash && !gnuHash) {
        warnings.push("DT_SYMTAB without a hash table or .dynsym section: symbol count unknown");
      }
      limit(count, "DT_SYMTAB", symAt);
      const verdefAt = at(DT.VERDEF, "DT_VERDEF");
      if (verdefAt !== undefined) {
        const n = limit(dynValue(entries, DT.VERDEFNUM) ?? 0, "DT_VERDEFNUM", verdefAt);
        versionDefinitions = readVerdef(v, verdefAt, n, strs);
      }
      const verneedAt = at(DT.VERNEED, "DT_VERNEED");
      if (verneedAt !== undefined) {
        const n = limit(dynValue(entries, DT.VERNEEDNUM) ?? 0, "DT_VERNEEDNUM", verneedAt);
        versionNeeds = readVerneed(v, verneedAt, n, strs);
      }
      const versions = versionResolver(
        v,
        at(DT.VERSYM, "DT_VERSYM"),
        count,
        versionDefinitions,
        versionNeeds,
        warnings,
      );
      const chains =
        gnuHash && gnuAt !== undefined
          ? readGnuChainHashes(v, gnuAt, h.class, gnuHash, count)
          : undefined;
      symbolTable = readDynamicSymbols(v, h.class, symAt, count, strs, versions, chains);
      relocations = readRelocations(v, h.class, entries, map, maxEntries);
    }
  }

  const notes = readNotes(v, sections, programHeaders, h.class, warnings);
  const facts = noteFacts(notes, h.machine, h.class, h.littleEndian, warnings);
  return {
    class: h.class,
    endian: h.littleEndian ? "little" : "big",
    osabi: h.osabi,
    abiVersion: h.abiVersion,
    type: h.type,
    machine: h.machine,
    machineName: machineName(h.machine),
    flags: h.flags,
    entry: h.entry,
    programHeaders,
    sections,
    interpreter,
    dynamic,
    symbolTable,
    get dynamicSymbols() {
      return symbolTable.all();
    },
    versionDefinitions,
    versionNeeds,
    relocations,
    gnuHash,
    sysvHash,
    notes,
    buildId: facts.buildId,
    abiTag: facts.abiTag,
    gnuProperties: facts.gnuProperties,
    warnings,
  };
}
