// checks: diagnosis rules — read the layers below, emit Findings.
export * from "./probe.js";
export * from "./failure.js";
export * from "./repeat.js";
export * from "./chain.js";
export * from "./scan.js";
export * from "./elf.js";
export * from "./host-daemons.js";
export * from "./host-chroot.js";
export * from "./host-kernel.js";
export * from "./host-kernel-crypto.js";
export * from "./host-trust.js";
export * from "./host-kernel-sections.js";
export * from "./host-tls-config.js";
export * from "./host.js";
export * from "./host-list.js";
