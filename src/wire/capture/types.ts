import type { ProtocolName } from "../codec/index.js";

export type Direction = "c2s" | "s2c";

/** One chunk as the tap saw it, in capture order. */
export interface CaptureChunk {
  readonly dir: Direction;
  /** Milliseconds since the capture began. */
  readonly atMs: number;
  readonly bytes: Uint8Array;
}

export interface CaptureInput {
  readonly chunks: readonly CaptureChunk[];
  /** NSS key log lines from Node's `keylog` event (newlines allowed). */
  readonly keylog: readonly string[];
}

export interface CaptureOptions {
  /** Bytes analysed per direction; the rest is ignored and `truncated` set. Default 4 MiB. */
  readonly maxBytesPerDirection?: number;
  /** Records analysed in all; default 20 000. */
  readonly maxRecords?: number;
}

export interface CapturedRecord {
  readonly dir: Direction;
  /** When the chunk that completed the record arrived. */
  readonly atMs: number;
  /** Offset of the record header in its direction's byte stream. */
  readonly offset: number;
  /** The outer content type (23 for every TLS 1.3 protected record; 0 for SSLv2). */
  readonly contentType: number;
  readonly version: number;
  readonly length: number;
  readonly encrypted: boolean;
  /** The content type recovered by decryption (TLS 1.3). */
  readonly innerContentType?: number;
  /** One line for a transcript, e.g. `Handshake: Certificate, CertificateVerify`. */
  readonly summary: string;
}

export interface CapturedMessage {
  readonly dir: Direction;
  readonly atMs: number;
  readonly type: number;
  readonly name: string;
  readonly length: number;
  readonly encrypted: boolean;
}

export interface CapturedAlert {
  readonly dir: Direction;
  readonly level: "warning" | "fatal" | number;
  readonly description: number;
  readonly name: string;
  readonly encrypted: boolean;
  readonly atMs: number;
}

export interface ClientHelloSummary {
  readonly legacyVersion: string;
  readonly offeredVersions: readonly string[];
  readonly cipherSuiteCount: number;
  readonly cipherSuites: readonly number[];
  readonly serverName?: string;
  readonly alpn: readonly string[];
  readonly groups: readonly number[];
  readonly keyShareGroups: readonly number[];
  /** Hex; keys the key log. */
  readonly random: string;
}

export interface ServerHelloSummary {
  readonly version: string;
  readonly cipherSuite: number;
  readonly cipherSuiteName?: string;
  readonly sessionIdLength: number;
  readonly compressionMethod: number;
  readonly extensions: readonly number[];
  readonly helloRetryRequest: boolean;
  readonly keyShareGroup?: number;
  readonly alpn?: string;
  readonly downgradeSentinel?: "TLSv1.2" | "TLSv1.1-or-below";
}

export interface ServerKeyExchangeSummary {
  readonly kind: "ecdhe" | "dhe";
  /** ECDHE NamedGroup (23 secp256r1, 29 x25519 …). */
  readonly namedCurve?: number;
  /** DHE prime size. */
  readonly primeBits?: number;
  readonly signatureAlgorithm?: number;
}

/** What a captured handshake shows, as the peers sent it. */
export interface HandshakeCapture {
  readonly records: readonly CapturedRecord[];
  readonly messages: readonly CapturedMessage[];
  readonly clientHello?: ClientHelloSummary;
  readonly helloRetryRequest?: ServerHelloSummary;
  readonly serverHello?: ServerHelloSummary;
  readonly negotiatedVersion?: ProtocolName;
  readonly cipherSuite?: number;
  /** The server's certificates (DER), exactly as sent, in order. */
  readonly certificates?: readonly Uint8Array[];
  /** The stapled OCSP response (DER). */
  readonly ocspResponse?: Uint8Array;
  readonly alpn?: string;
  readonly serverKeyExchange?: ServerKeyExchangeSummary;
  /** The server sent a CertificateRequest. */
  readonly certificateRequested: boolean;
  /** The client's certificates, when it sent a Certificate message (possibly empty). */
  readonly clientCertificates?: readonly Uint8Array[];
  readonly alerts: readonly CapturedAlert[];
  /** Whether each direction's protected records could be read. */
  readonly decrypted: { readonly c2s: boolean; readonly s2c: boolean };
  readonly notes: readonly string[];
  /** The capture ended inside a record or message, or a limit was hit. */
  readonly truncated: boolean;
}
