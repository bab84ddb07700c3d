// explain: decoders for the errors people paste — alerts, OpenSSL codes.
export * from "./alerts.js";
export * from "./openssl-error.js";
export * from "./finding-docs.js";
export * from "./tables.js";
export * from "./decode.js";
export * from "./direction.js";
export * from "./knowledge.js";
export * from "./messages.js";
export * from "./log-input.js";
export * from "./log-patterns.js";
export * from "./log-scan.js";
export * from "./explain.js";
