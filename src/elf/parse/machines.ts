/** e_machine values tlsdoctor names (gABI and the psABI supplements). */
export const EM = {
  SPARC: 2,
  I386: 3,
  M68K: 4,
  MIPS: 8,
  PARISC: 15,
  SPARC32PLUS: 18,
  PPC: 20,
  PPC64: 21,
  S390: 22,
  ARM: 40,
  SH: 42,
  SPARCV9: 43,
  IA_64: 50,
  X86_64: 62,
  AARCH64: 183,
  RISCV: 243,
  LOONGARCH: 258,
  ALPHA: 0x9026,
} as const;

const NAMES: Readonly<Record<number, string>> = {
  [EM.SPARC]: "SPARC",
  [EM.I386]: "Intel 80386",
  [EM.M68K]: "MC68000",
  [EM.MIPS]: "MIPS R3000",
  [EM.PARISC]: "HPPA",
  [EM.SPARC32PLUS]: "Sparc v8+",
  [EM.PPC]: "PowerPC",
  [EM.PPC64]: "PowerPC64",
  [EM.S390]: "IBM S/390",
  [EM.ARM]: "ARM",
  [EM.SH]: "Renesas / SuperH SH",
  [EM.SPARCV9]: "Sparc v9",
  [EM.IA_64]: "Intel IA-64",
  [EM.X86_64]: "Advanced Micro Devices X86-64",
  [EM.AARCH64]: "AArch64",
  [EM.RISCV]: "RISC-V",
  [EM.LOONGARCH]: "LoongArch",
  [EM.ALPHA]: "Alpha",
};

/** readelf's name for e_machine, or `EM_<n>`. */
export function machineName(machine: number): string {
  return NAMES[machine] ?? `EM_${machine}`;
}

/**
 * The SysV hash table's entry size: 4 bytes, except 8 on 64-bit s390 and
 * Alpha (glibc's `ELF_MACHINE_HASH_ENTRY`… in their dl-machine headers; the
 * gABI says Elf_Word, those two ABIs say Elf64_Xword).
 */
export function sysvHashEntrySize(machine: number, elfClass: 32 | 64): 4 | 8 {
  return elfClass === 64 && (machine === EM.S390 || machine === EM.ALPHA) ? 8 : 4;
}
