// wire/capture: what a recorded handshake shows, from a tap's chunks and the key log.
export { DEFAULT_MAX_BYTES_PER_DIRECTION, DEFAULT_MAX_RECORDS, analyzeCapture } from "./analyze.js";
export { parseKeyLog, secretsFor } from "./keylog.js";
export type { KeyLog } from "./keylog.js";
export type {
  CaptureChunk,
  CaptureInput,
  CaptureOptions,
  CapturedAlert,
  CapturedMessage,
  CapturedRecord,
  ClientHelloSummary,
  Direction,
  HandshakeCapture,
  ServerHelloSummary,
  ServerKeyExchangeSummary,
} from "./types.js";
