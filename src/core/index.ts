// core: the types every layer shares. No I/O beyond timers.
export * from "./severity.js";
export * from "./finding.js";
export * from "./report.js";
export * from "./errors.js";
export * from "./deadline.js";
export * from "./version.js";
export * from "./host-view.js";
