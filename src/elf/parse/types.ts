/**
 * What {@link parseElf} returns: plain data and no I/O (the one object with
 * methods, the symbol table, only decodes what it holds). Field names
 * follow the ELF gABI and the glibc/GNU extensions (the names in <elf.h>) so
 * that readelf output and this model can be compared field by field.
 */

export type ElfClass = 32 | 64;
export type ElfEndian = "little" | "big";

export interface ElfProgramHeader {
  /** p_type (PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_GNU_STACK = 0x6474e551 …). */
  readonly type: number;
  /** p_flags: PF_X 1, PF_W 2, PF_R 4. */
  readonly flags: number;
  readonly offset: number;
  readonly vaddr: number;
  readonly filesz: number;
  readonly memsz: number;
  readonly align: number;
}

export interface ElfSection {
  /** From .shstrtab; "" when the file has no usable section name table. */
  readonly name: string;
  readonly type: number;
  readonly flags: number;
  readonly addr: number;
  readonly offset: number;
  readonly size: number;
  readonly link: number;
  readonly info: number;
  readonly entsize: number;
}

export interface ElfDynamicEntry {
  readonly tag: number;
  /** d_val / d_ptr; a bigint only when it does not fit a safe integer. */
  readonly value: number | bigint;
}

export interface ElfDynamic {
  /** Every entry up to DT_NULL, in file order. */
  readonly entries: readonly ElfDynamicEntry[];
  /** DT_NEEDED names, in order. */
  readonly needed: readonly string[];
  readonly soname?: string | undefined;
  /** DT_RPATH, unexpanded (`$ORIGIN/../lib:/opt/x`). */
  readonly rpath?: string | undefined;
  /** DT_RUNPATH, unexpanded. */
  readonly runpath?: string | undefined;
  /** DT_FLAGS (DF_ORIGIN 1, DF_SYMBOLIC 2, DF_TEXTREL 4, DF_BIND_NOW 8, DF_STATIC_TLS 0x10). */
  readonly flags: number;
  /** DT_FLAGS_1 (DF_1_NOW 1, DF_1_GLOBAL 2, DF_1_NODELETE 8, DF_1_INITFIRST 0x20, DF_1_PIE 0x08000000 …). */
  readonly flags1: number;
  /** DT_BIND_NOW present, or DF_BIND_NOW, or DF_1_NOW. */
  readonly bindNow: boolean;
  /** DT_TEXTREL or DF_TEXTREL. */
  readonly textrel: boolean;
  /** DT_SYMBOLIC or DF_SYMBOLIC: the object's own definitions are searched first. */
  readonly symbolic: boolean;
  /** DT_FILTER / DT_AUXILIARY names (filters; rare). */
  readonly filters: readonly string[];
  readonly auxiliary: readonly string[];
}

/** ELF symbol bindings (st_info >> 4). */
export const STB = { LOCAL: 0, GLOBAL: 1, WEAK: 2, GNU_UNIQUE: 10 } as const;
/** ELF symbol types (st_info & 0xf). */
export const STT = {
  NOTYPE: 0,
  OBJECT: 1,
  FUNC: 2,
  SECTION: 3,
  FILE: 4,
  COMMON: 5,
  TLS: 6,
  GNU_IFUNC: 10,
} as const;
/** Symbol visibility (st_other & 3). */
export const STV = { DEFAULT: 0, INTERNAL: 1, HIDDEN: 2, PROTECTED: 3 } as const;
export const SHN_UNDEF = 0;
export const SHN_ABS = 0xfff1;
export const SHN_COMMON = 0xfff2;

/** The version a dynamic symbol carries (from .gnu.version and verdef/verneed). */
export interface ElfSymbolVersion {
  /** The versym index: 0 local, 1 global (base/unversioned), 2+ a verdef or vernaux. */
  readonly index: number;
  /** The version name (`GLIBC_2.34`, `OPENSSL_3.0.0`); absent for index 0 and 1. */
  readonly name?: string | undefined;
  /** Bit 15 of the versym: a non-default version (`sym@V`, not `sym@@V`). */
  readonly hidden: boolean;
  /** For an undefined symbol: the file the version is needed from (vn_file). */
  readonly file?: string | undefined;
  /** For an undefined symbol: VER_FLG_WEAK on the vernaux. */
  readonly weak?: boolean | undefined;
}

export interface ElfSymbol {
  /** Index in .dynsym. */
  readonly index: number;
  readonly name: string;
  readonly value: number;
  readonly size: number;
  /** st_info >> 4: see {@link STB}. */
  readonly bind: number;
  /** st_info & 0xf: see {@link STT}. */
  readonly type: number;
  /** st_other & 3: see {@link STV}. */
  readonly visibility: number;
  /** st_shndx (SHN_UNDEF 0 = undefined; SHN_ABS, SHN_COMMON …). */
  readonly shndx: number;
  /** Absent when the object has no .gnu.version (DT_VERSYM). */
  readonly version?: ElfSymbolVersion | undefined;
}

/** One Elf_Verdef with its names (the first is the version itself, others its parents). */
export interface ElfVersionDefinition {
  /** vd_ndx, the versym index that refers to it. */
  readonly index: number;
  /** vd_flags: VER_FLG_BASE 1 (the file's own name), VER_FLG_WEAK 2. */
  readonly flags: number;
  readonly hash: number;
  readonly name: string;
  readonly parents: readonly string[];
}

export interface ElfVersionNeedAux {
  /** vna_other, the versym index that refers to it. */
  readonly index: number;
  readonly name: string;
  readonly hash: number;
  /** vna_flags: VER_FLG_WEAK 2. */
  readonly flags: number;
}

/** One Elf_Verneed: a file and the versions needed from it. */
export interface ElfVersionNeed {
  readonly file: string;
  readonly versions: readonly ElfVersionNeedAux[];
}

export interface ElfNote {
  /** The section it came from, or `PT_NOTE` when read from a program header. */
  readonly source: string;
  readonly name: string;
  readonly type: number;
  readonly desc: Uint8Array;
}

/** GNU property note (NT_GNU_PROPERTY_TYPE_0) bits tlsdoctor reads. */
export interface ElfGnuProperties {
  /** GNU_PROPERTY_X86_FEATURE_1_AND bits: IBT 1, SHSTK 2. */
  readonly x86Feature1?: number;
  /** GNU_PROPERTY_AARCH64_FEATURE_1_AND bits: BTI 1, PAC 2. */
  readonly aarch64Feature1?: number;
  /** GNU_PROPERTY_X86_ISA_1_NEEDED (x86-64-v2 … levels). */
  readonly x86IsaNeeded?: number;
}

export interface ElfAbiTag {
  /** 0 Linux, 1 GNU Hurd, 2 Solaris, 3 FreeBSD. */
  readonly os: number;
  /** The minimum kernel version, e.g. [3, 2, 0]. */
  readonly kernel: readonly [number, number, number];
}

export interface ElfGnuHash {
  readonly nbuckets: number;
  readonly symoffset: number;
  readonly bloomSize: number;
  readonly bloomShift: number;
  /** How many dynamic symbols the table implies (the highest chain end + 1). */
  readonly symbolCount: number;
}

export interface ElfSysvHash {
  readonly nbucket: number;
  /** nchain, which equals the number of dynamic symbols. */
  readonly nchain: number;
}

/** Dynamic relocations that name a symbol: parallel arrays, one entry per relocation. */
export interface ElfRelocations {
  /** The .dynsym index each relocation names. */
  readonly symbols: Uint32Array;
  /** The machine-specific relocation type (R_X86_64_JUMP_SLOT 7, R_X86_64_COPY 5 …). */
  readonly types: Uint32Array;
}

/**
 * .dynsym held compactly: names and {@link ElfSymbol} records are made
 * when first asked for. Accessors take a symbol index below `count` and
 * never throw (parseElf checked every name).
 */
export interface ElfSymbolTable {
  readonly count: number;
  nameAt(i: number): string;
  /** The name's first byte (0 for an empty name), without decoding it. */
  firstByteAt(i: number): number;
  /** The GNU hash (dl_new_hash) of the name's bytes, without decoding it. */
  nameHashAt(i: number): number;
  /** hashKey() of the name: read from the GNU hash chains where they hold it, else from its bytes. */
  hashKeyAt(i: number): number;
  /** Whether symbol `i`'s name is `name` (its characters are bytes), compared without decoding it. */
  nameIs(i: number, name: string): boolean;
  /** Whether symbol `i`'s name begins with `prefix` (its characters are bytes), without decoding it. */
  nameStartsWith(i: number, prefix: string): boolean;
  /** Whether symbol `i`'s name equals symbol `j`'s of `other`, compared without decoding either. */
  sameName(i: number, other: ElfSymbolTable, j: number): boolean;
  shndxAt(i: number): number;
  valueAt(i: number): number;
  /** st_info & 0xf: see STT. */
  typeAt(i: number): number;
  /** st_info >> 4: see STB. */
  bindAt(i: number): number;
  /** st_other & 3: see STV. */
  visibilityAt(i: number): number;
  versionAt(i: number): ElfSymbolVersion | undefined;
  /** What a hash table holds for lookups: all but undefined symbols without a value. */
  isDefinitionAt(i: number): boolean;
  /** Symbol `i` as a record; the same object every time. */
  at(i: number): ElfSymbol;
  /** Every symbol as a record (made once). */
  all(): readonly ElfSymbol[];
}

export interface ElfFile {
  readonly class: ElfClass;
  readonly endian: ElfEndian;
  /** EI_OSABI (0 SYSV, 3 GNU/Linux …). */
  readonly osabi: number;
  readonly abiVersion: number;
  /** e_type: ET_REL 1, ET_EXEC 2, ET_DYN 3, ET_CORE 4. */
  readonly type: number;
  /** e_machine (EM_X86_64 62, EM_386 3, EM_AARCH64 183, EM_ARM 40, EM_PPC64 21, EM_S390 22, EM_RISCV 243 …). */
  readonly machine: number;
  /** A readable name for e_machine: `x86-64`, `AArch64`, `PowerPC64`, … */
  readonly machineName: string;
  /** e_flags (ppc64 ELFv1/v2 ABI, ARM EABI and float ABI, RISC-V float ABI …). */
  readonly flags: number;
  readonly entry: number;
  readonly programHeaders: readonly ElfProgramHeader[];
  readonly sections: readonly ElfSection[];
  /** PT_INTERP contents, without the NUL. */
  readonly interpreter?: string | undefined;
  /** Absent when the file has no PT_DYNAMIC (a static executable). */
  readonly dynamic?: ElfDynamic | undefined;
  /** .dynsym, index 0 (the null symbol) included: {@link symbolTable}'s records, made on first use. */
  readonly dynamicSymbols: readonly ElfSymbol[];
  /** .dynsym compactly, each name and record made when asked for (a sweep asks for few). */
  readonly symbolTable: ElfSymbolTable;
  readonly versionDefinitions: readonly ElfVersionDefinition[];
  readonly versionNeeds: readonly ElfVersionNeed[];
  /** The dynamic relocations that need a symbol lookup, in the order ld.so processes them. */
  readonly relocations: ElfRelocations;
  readonly gnuHash?: ElfGnuHash | undefined;
  readonly sysvHash?: ElfSysvHash | undefined;
  readonly notes: readonly ElfNote[];
  /** NT_GNU_BUILD_ID as lowercase hex. */
  readonly buildId?: string | undefined;
  readonly abiTag?: ElfAbiTag | undefined;
  readonly gnuProperties: ElfGnuProperties;
  /**
   * Where a table was unusable but the rest of the file was (a section
   * header table past the end of a stripped file, a note with a bad size),
   * what was skipped and why. Fatal problems throw instead.
   */
  readonly warnings: readonly string[];
}

export interface ParseElfOptions {
  /** File name for error messages. */
  readonly file?: string;
  /** Upper bound on any table's entry count (default 1,000,000). */
  readonly maxEntries?: number;
}
