// checks: diagnosis rules — read the layers below, emit Findings.
export * from "./probe.js";
export * from "./failure.js";
export * from "./repeat.js";
export * from "./chain.js";
export * from "./scan.js";
export * from "./elf.js";
