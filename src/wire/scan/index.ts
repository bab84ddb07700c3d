// wire/scan: our own hellos against a server — protocols, suites, groups,
// signature schemes, ALPN, features, certificates, tolerance, robustness.
export * from "./types.js";
export {
  DEFAULT_PER_TARGET,
  DEFAULT_REVIVE_WAIT_MS,
  DEFAULT_SCAN_TIMEOUT_MS,
  scan,
} from "./scan.js";
export type { ScanOptions } from "./scan.js";
export { replay } from "./replay.js";
export type { ReplayOptions, ReplayResult } from "./replay.js";
export { HELLO_FILE_FORMAT, decodeHello, loadHello, saveHello } from "./hello-file.js";
export type { HelloFile } from "./hello-file.js";
export { TOLERANCE_TESTS } from "./tolerance.js";
export { ALPN_CANDIDATES } from "./features.js";
