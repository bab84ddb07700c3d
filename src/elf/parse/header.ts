import { ElfError } from "./errors.js";
import type { ElfClass, ElfProgramHeader, ElfSection } from "./types.js";
import { ElfView } from "./view.js";

/** The ELF header fields the rest of the reader needs. */
export interface ElfHeader {
  readonly class: ElfClass;
  readonly littleEndian: boolean;
  readonly osabi: number;
  readonly abiVersion: number;
  readonly type: number;
  readonly machine: number;
  readonly flags: number;
  readonly entry: number;
  readonly phoff: number;
  readonly phentsize: number;
  readonly phnum: number;
  readonly shoff: number;
  readonly shentsize: number;
  readonly shnum: number;
  readonly shstrndx: number;
}

export const PT = {
  NULL: 0,
  LOAD: 1,
  DYNAMIC: 2,
  INTERP: 3,
  NOTE: 4,
  PHDR: 6,
  TLS: 7,
  GNU_EH_FRAME: 0x6474e550,
  GNU_STACK: 0x6474e551,
  GNU_RELRO: 0x6474e552,
  GNU_PROPERTY: 0x6474e553,
} as const;

export const SHT = {
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
  DYNSYM: 11,
  GNU_HASH: 0x6ffffff6,
  GNU_VERDEF: 0x6ffffffd,
  GNU_VERNEED: 0x6ffffffe,
  GNU_VERSYM: 0x6fffffff,
} as const;

const PN_XNUM = 0xffff;
const SHN_XINDEX = 0xffff;

/**
 * e_ident and the ELF header (gABI "ELF Header"):
 *
 * ```
 * unsigned char e_ident[16];  // 7f 'E' 'L' 'F', class, data, version, osabi, abiversion
 * Elf_Half  e_type, e_machine;  Elf_Word e_version;
 * Elf_Addr  e_entry;  Elf_Off e_phoff, e_shoff;  Elf_Word e_flags;
 * Elf_Half  e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
 * ```
 * Extended numbering: e_phnum PN_XNUM, e_shnum 0 and e_shstrndx SHN_XINDEX
 * defer to section header 0's sh_info, sh_size and sh_link.
 */
export function readHeader(bytes: Uint8Array): { header: ElfHeader; view: ElfView } {
  if (bytes.length < 16) {
    throw new ElfError("e_ident", 0, `file is ${bytes.length} bytes, shorter than e_ident (16)`);
  }
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new ElfError("e_ident.magic", 0, "not an ELF file (no \\x7fELF magic)");
  }
  const cls = bytes[4];
  if (cls !== 1 && cls !== 2)
    throw new ElfError("e_ident.EI_CLASS", 4, `class ${cls} is neither 1 (ELF32) nor 2 (ELF64)`);
  const data = bytes[5];
  if (data !== 1 && data !== 2)
    throw new ElfError(
      "e_ident.EI_DATA",
      5,
      `data encoding ${data} is neither 1 (LSB) nor 2 (MSB)`,
    );
  const elfClass: ElfClass = cls === 2 ? 64 : 32;
  const v = new ElfView(bytes, data === 1);
  const is64 = elfClass === 64;
  const ehsize = is64 ? 64 : 52;
  v.need(0, ehsize, "ELF header");
  const addr = (o: number, f: string): number => (is64 ? v.u64(o, f) : v.u32(o, f));
  const h = {
    class: elfClass,
    littleEndian: data === 1,
    osabi: bytes[7] as number,
    abiVersion: bytes[8] as number,
    type: v.u16(16, "e_type"),
    machine: v.u16(18, "e_machine"),
    entry: addr(24, "e_entry"),
    phoff: addr(is64 ? 32 : 28, "e_phoff"),
    shoff: addr(is64 ? 40 : 32, "e_shoff"),
    flags: v.u32(is64 ? 48 : 36, "e_flags"),
    phentsize: v.u16(is64 ? 54 : 42, "e_phentsize"),
    phnum: v.u16(is64 ? 56 : 44, "e_phnum"),
    shentsize: v.u16(is64 ? 58 : 46, "e_shentsize"),
    shnum: v.u16(is64 ? 60 : 48, "e_shnum"),
    shstrndx: v.u16(is64 ? 62 : 50, "e_shstrndx"),
  };
  // Extended numbering lives in section header 0, when there is one to read.
  if ((h.phnum === PN_XNUM || h.shnum === 0 || h.shstrndx === SHN_XINDEX) && h.shoff !== 0) {
    const s0 = sectionHeaderAt(v, elfClass, h.shoff, 0);
    if (h.phnum === PN_XNUM) h.phnum = s0.info;
    if (h.shnum === 0) h.shnum = s0.size;
    if (h.shstrndx === SHN_XINDEX) h.shstrndx = s0.link;
  }
  return { header: h, view: v };
}

/**
 * Program headers (gABI "Program Header"). ELF64 puts p_flags second;
 * ELF32 puts it after p_memsz.
 */
export function readProgramHeaders(v: ElfView, h: ElfHeader): ElfProgramHeader[] {
  if (h.phnum === 0 || h.phoff === 0) return [];
  const size = h.class === 64 ? 56 : 32;
  if (h.phentsize < size) {
    throw new ElfError(
      "e_phentsize",
      h.class === 64 ? 54 : 42,
      `program header size ${h.phentsize} is below ${size}`,
    );
  }
  v.need(
    h.phoff,
    h.phnum * h.phentsize,
    `program header table (${h.phnum} × ${h.phentsize} bytes at ${h.phoff})`,
  );
  // The table is checked whole above: fields are read unchecked.
  const out: ElfProgramHeader[] = [];
  for (let i = 0; i < h.phnum; i++) {
    const o = h.phoff + i * h.phentsize;
    if (h.class === 64) {
      out.push({
        type: v.u32At(o),
        flags: v.u32At(o + 4),
        offset: v.u64FieldAt(o + 8, PROGRAM_HEADER, i, "p_offset"),
        vaddr: v.u64FieldAt(o + 16, PROGRAM_HEADER, i, "p_vaddr"),
        filesz: v.u64FieldAt(o + 32, PROGRAM_HEADER, i, "p_filesz"),
        memsz: v.u64FieldAt(o + 40, PROGRAM_HEADER, i, "p_memsz"),
        align: v.u64FieldAt(o + 48, PROGRAM_HEADER, i, "p_align"),
      });
    } else {
      out.push({
        type: v.u32At(o),
        offset: v.u32At(o + 4),
        vaddr: v.u32At(o + 8),
        filesz: v.u32At(o + 16),
        memsz: v.u32At(o + 20),
        flags: v.u32At(o + 24),
        align: v.u32At(o + 28),
      });
    }
  }
  return out;
}

interface RawSection extends Omit<ElfSection, "name"> {
  readonly nameOffset: number;
}

const SECTION_HEADER = "section header";
const PROGRAM_HEADER = "program header";

/** Section header `i`, at `o`. */
function sectionHeaderAt(v: ElfView, cls: ElfClass, o: number, i: number): RawSection {
  if (o < 0 || o + (cls === 64 ? 64 : 40) > v.length)
    v.need(o, cls === 64 ? 64 : 40, `${SECTION_HEADER} [${i}]`);
  if (cls === 64) {
    return {
      nameOffset: v.u32At(o),
      type: v.u32At(o + 4),
      flags: v.u64FieldAt(o + 8, SECTION_HEADER, i, "sh_flags"),
      addr: v.u64FieldAt(o + 16, SECTION_HEADER, i, "sh_addr"),
      offset: v.u64FieldAt(o + 24, SECTION_HEADER, i, "sh_offset"),
      size: v.u64FieldAt(o + 32, SECTION_HEADER, i, "sh_size"),
      link: v.u32At(o + 40),
      info: v.u32At(o + 44),
      entsize: v.u64FieldAt(o + 56, SECTION_HEADER, i, "sh_entsize"),
    };
  }
  return {
    nameOffset: v.u32At(o),
    type: v.u32At(o + 4),
    flags: v.u32At(o + 8),
    addr: v.u32At(o + 12),
    offset: v.u32At(o + 16),
    size: v.u32At(o + 20),
    link: v.u32At(o + 24),
    info: v.u32At(o + 28),
    entsize: v.u32At(o + 36),
  };
}

/**
 * Section headers with their names. Sections are optional at run time (ld.so
 * never reads them), so a table that lies outside the file is not fatal: the
 * file is read from its program headers alone and a warning says why.
 */
export function readSections(v: ElfView, h: ElfHeader, warnings: string[]): ElfSection[] {
  if (h.shoff === 0 || h.shnum === 0) return [];
  const size = h.class === 64 ? 64 : 40;
  if (h.shentsize < size) {
    warnings.push(`section headers ignored: e_shentsize ${h.shentsize} is below ${size}`);
    return [];
  }
  if (h.shoff + h.shnum * h.shentsize > v.length) {
    warnings.push(
      `section headers ignored: ${h.shnum} × ${h.shentsize} bytes at offset ${h.shoff} run past the end of the file (${v.length} bytes)`,
    );
    return [];
  }
  const raw: RawSection[] = [];
  for (let i = 0; i < h.shnum; i++) {
    raw.push(sectionHeaderAt(v, h.class, h.shoff + i * h.shentsize, i));
  }
  const strtab = raw[h.shstrndx];
  let names: ((o: number) => string) | undefined;
  if (strtab && strtab.type !== SHT.NOBITS && strtab.offset + strtab.size <= v.length) {
    const end = strtab.offset + strtab.size;
    names = (o) => v.cstring(strtab.offset + o, end, "section name");
  } else if (h.shstrndx !== 0) {
    warnings.push(
      `section names unavailable: e_shstrndx ${h.shstrndx} is not a usable string table`,
    );
  }
  return raw.map((s, i) => {
    let name = "";
    if (names) {
      try {
        name = names(s.nameOffset);
      } catch {
        warnings.push(`section [${i}]: name offset ${s.nameOffset} is outside .shstrtab`);
      }
    }
    return {
      name,
      type: s.type,
      flags: s.flags,
      addr: s.addr,
      offset: s.offset,
      size: s.size,
      link: s.link,
      info: s.info,
      entsize: s.entsize,
    };
  });
}
