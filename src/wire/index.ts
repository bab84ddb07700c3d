// wire: bytes on the wire — targets, STARTTLS dialects, the probe and its repetitions.
export * from "./target.js";
export * from "./probe.js";
export * from "./repeat.js";
export * from "./stats.js";
export * from "./failure.js";
export type { TlsClientOptions, TlsVersionName } from "./handshake.js";
export { TLS_VERSIONS, defaultCipherList } from "./handshake.js";
export { Transcript, printable, hex } from "./transcript.js";
export type { WireChunk } from "./tap.js";
export * from "./starttls/index.js";
export type { HandshakeCapture } from "./capture/index.js";
export * from "./scan/index.js";
// The TLS codec (records, handshake messages, builders) for tools and tests.
export * as codec from "./codec/index.js";
export * as registry from "./registry/index.js";
