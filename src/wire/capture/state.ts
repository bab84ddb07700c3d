import type {
  ClientHello,
  HandshakeReassembler,
  ServerHello,
  Tls13Decryptor,
} from "../codec/index.js";
import type { RecordStream } from "./record-stream.js";
import type {
  CapturedAlert,
  CapturedMessage,
  CapturedRecord,
  Direction,
  ServerKeyExchangeSummary,
} from "./types.js";

/** One direction of the connection and how its records are read. */
export interface Side {
  readonly dir: Direction;
  readonly stream: RecordStream;
  /** plaintext until CCS (TLS ≤ 1.2) or the ServerHello (TLS 1.3). */
  mode: "plaintext" | "tls12-protected" | "tls13";
  /** Plaintext handshake reassembly; undefined once protected or broken. */
  reassembler: HandshakeReassembler | undefined;
  decryptor?: Tls13Decryptor;
  /** Protected records that could not be read. */
  undecrypted: number;
}

/** What the analysis has learned so far; turned into a HandshakeCapture at the end. */
export interface CaptureState {
  readonly records: CapturedRecord[];
  readonly messages: CapturedMessage[];
  readonly alerts: CapturedAlert[];
  readonly notes: string[];
  clientHello?: ClientHello;
  clientHelloCount: number;
  serverHello?: ServerHello;
  helloRetryRequest?: ServerHello;
  certificates?: Uint8Array[];
  ocspResponse?: Uint8Array;
  alpn?: string;
  serverKeyExchange?: ServerKeyExchangeSummary;
  certificateRequested: boolean;
  clientCertificates?: Uint8Array[];
  truncated: boolean;
}

export const MAX_NOTES = 100;

export function newState(): CaptureState {
  return {
    records: [],
    messages: [],
    alerts: [],
    notes: [],
    clientHelloCount: 0,
    certificateRequested: false,
    truncated: false,
  };
}

/** Add a note, keeping the list bounded. */
export function note(st: CaptureState, text: string): void {
  if (st.notes.length < MAX_NOTES) st.notes.push(text);
  else if (st.notes.length === MAX_NOTES) st.notes.push("further notes were dropped");
}
