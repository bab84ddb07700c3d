// elf/parse: a pure, bounded ELF reader (ELF32/ELF64, either byte order).
export { parseElf } from "./parse.js";
export { ElfError, isElfError } from "./errors.js";
export { ElfView } from "./view.js";
export { gnuHash, hashKey } from "./symbol-table.js";
export { EM, machineName } from "./machines.js";
export { PT, SHT } from "./header.js";
export { DT, DF, DF_1 } from "./dynamic.js";
export { relocationEntrySize } from "./relocations.js";
export { NT_GNU_ABI_TAG, NT_GNU_BUILD_ID, NT_GNU_PROPERTY_TYPE_0 } from "./notes.js";
export * from "./types.js";
