// The library API of tlsdoctor. Everything exported here is public and typed:
// probe() and friends from wire/, diagnosis from checks/, trust stores and
// certificates from pki/, ELF and ld.so emulation from elf/, decoders from
// explain/, renderers from report/.
export * from "./core/index.js";
export * from "./report/index.js";
export * from "./explain/index.js";
export * from "./pki/index.js";
export * from "./wire/index.js";
export * from "./checks/index.js";
export * from "./elf/index.js";
