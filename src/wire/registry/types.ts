import type { ProtocolName } from "../codec/index.js";

/** One cipher suite (or SSLv2 cipher kind), as testssl.sh and IANA name it. */
export interface CipherSuite {
  /** 0xC02F; for SSLv2 kinds the 3-byte value 0x0700C0. */
  readonly code: number;
  /** "0xC0,0x2F", exactly as testssl and `openssl ciphers -V` write it. */
  readonly hex: string;
  /** The IANA name; testssl's name where IANA assigns none (iana: false). */
  readonly name: string;
  readonly iana: boolean;
  /** OpenSSL's name, absent where OpenSSL has none. */
  readonly openssl?: string;
  /** Every protocol it can be negotiated in. */
  readonly protocols: readonly ProtocolName[];
  readonly kx: string;
  readonly au: string;
  readonly enc: string;
  readonly bits: number;
  readonly mac: string;
  readonly export: boolean;
  /** A signalling value (TLS_EMPTY_RENEGOTIATION_INFO_SCSV, TLS_FALLBACK_SCSV), not a suite. */
  readonly scsv: boolean;
}

export interface Group {
  readonly code: number;
  readonly name: string;
  /** OpenSSL's group name where it differs (P-256 …). */
  readonly openssl?: string;
  readonly kind: "ecdhe" | "ffdhe" | "hybrid" | "grease";
  /** Field or modulus size in bits (255 for x25519, 2048 for ffdhe2048). */
  readonly bits: number;
  /** node:crypto's curve name, where it can make a key share. */
  readonly nodeCurve?: string;
}

export interface SignatureScheme {
  readonly code: number;
  readonly name: string;
  /** A TLS 1.2 hash/signature pair with no TLS 1.3 use (SHA-1, SHA-224, MD5, DSA). */
  readonly legacy: boolean;
}

export interface ExtensionInfo {
  readonly code: number;
  readonly name: string;
}
