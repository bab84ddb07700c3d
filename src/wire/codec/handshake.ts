import { CodecError } from "./codec-error.js";

/** RFC 8446 §4 HandshakeType, plus the TLS ≤ 1.2 and extension-defined values. */
export const HandshakeType = {
  hello_request: 0,
  client_hello: 1,
  server_hello: 2,
  hello_verify_request: 3,
  new_session_ticket: 4,
  end_of_early_data: 5,
  encrypted_extensions: 8,
  certificate: 11,
  server_key_exchange: 12,
  certificate_request: 13,
  server_hello_done: 14,
  certificate_verify: 15,
  client_key_exchange: 16,
  finished: 20,
  certificate_url: 21,
  certificate_status: 22,
  supplemental_data: 23,
  key_update: 24,
  compressed_certificate: 25,
  message_hash: 254,
} as const;

const NAMES: Readonly<Record<number, string>> = {
  0: "HelloRequest",
  1: "ClientHello",
  2: "ServerHello",
  3: "HelloVerifyRequest",
  4: "NewSessionTicket",
  5: "EndOfEarlyData",
  6: "HelloRetryRequest",
  8: "EncryptedExtensions",
  11: "Certificate",
  12: "ServerKeyExchange",
  13: "CertificateRequest",
  14: "ServerHelloDone",
  15: "CertificateVerify",
  16: "ClientKeyExchange",
  20: "Finished",
  21: "CertificateUrl",
  22: "CertificateStatus",
  23: "SupplementalData",
  24: "KeyUpdate",
  25: "CompressedCertificate",
  26: "EktKey",
  254: "MessageHash",
};

/** `ServerHello`, `Certificate` … or `HandshakeType(99)`. */
export function handshakeTypeName(type: number): string {
  return NAMES[type] ?? `HandshakeType(${type})`;
}

/**
 * One complete handshake message (RFC 8446 §4, RFC 5246 §7.4):
 *
 * ```
 * struct {
 *     HandshakeType msg_type;    // handshake type
 *     uint24 length;             // remaining bytes in message
 *     select (Handshake.msg_type) { ... };
 * } Handshake;
 * ```
 */
export interface HandshakeMessage {
  readonly type: number;
  readonly name: string;
  /** The message body (after the 4-byte header). */
  readonly body: Uint8Array;
  /** Header and body, as hashed into the transcript. */
  readonly raw: Uint8Array;
}

export const HANDSHAKE_HEADER_LENGTH = 4;
/** Default limit on one message: 256 KiB is far above any real chain. */
export const DEFAULT_MAX_HANDSHAKE_MESSAGE = 256 * 1024;

export interface HandshakeReassemblerOptions {
  /** Largest message body accepted; default {@link DEFAULT_MAX_HANDSHAKE_MESSAGE}. */
  readonly maxMessageLength?: number;
  /** Path used in error messages; default `Handshake`. */
  readonly path?: string;
}

/**
 * Reassembles handshake messages from the fragments of successive handshake
 * records: a message may span several records, a record may hold several
 * messages. Complete messages are returned by {@link push}; an incomplete
 * tail waits for the next fragment. A declared length over the limit throws
 * before the message buffer is allocated.
 */
export class HandshakeReassembler {
  readonly #max: number;
  readonly #path: string;
  /**
   * Fragments of an incomplete message, copied (the caller may reuse its
   * buffers) and joined only once the message is complete, so a message sent
   * in many tiny records costs linear, not quadratic, time.
   */
  #chunks: Uint8Array[] = [];
  #pendingLength = 0;
  /** Total bytes pushed so far, so errors can name the message's position. */
  #consumed = 0;

  constructor(options: HandshakeReassemblerOptions = {}) {
    this.#max = options.maxMessageLength ?? DEFAULT_MAX_HANDSHAKE_MESSAGE;
    this.#path = options.path ?? "Handshake";
  }

  /** Bytes of an incomplete message waiting for more fragments. */
  get pending(): number {
    return this.#pendingLength;
  }

  /** Feed one record's fragment; returns the messages it completed, in order. */
  push(fragment: Uint8Array): HandshakeMessage[] {
    const base = this.#consumed - this.#pendingLength;
    this.#consumed += fragment.length;
    let buf: Uint8Array;
    if (this.#pendingLength === 0) {
      buf = fragment;
    } else {
      this.#chunks.push(fragment.slice());
      this.#pendingLength += fragment.length;
      const needed = this.#pendingNeeded(base);
      if (needed === undefined || this.#pendingLength < needed) return [];
      buf = new Uint8Array(this.#pendingLength);
      let at = 0;
      for (const c of this.#chunks) {
        buf.set(c, at);
        at += c.length;
      }
    }
    const out: HandshakeMessage[] = [];
    let pos = 0;
    while (buf.length - pos >= HANDSHAKE_HEADER_LENGTH) {
      const type = buf[pos] as number;
      const length =
        ((buf[pos + 1] as number) << 16) |
        ((buf[pos + 2] as number) << 8) |
        (buf[pos + 3] as number);
      this.#checkLength(length, base + pos);
      const end = pos + HANDSHAKE_HEADER_LENGTH + length;
      if (end > buf.length) break;
      const raw = buf.subarray(pos, end);
      out.push({
        type,
        name: handshakeTypeName(type),
        raw,
        body: raw.subarray(HANDSHAKE_HEADER_LENGTH),
      });
      pos = end;
    }
    // Copy the tail: the caller's fragment may be a view into a buffer it reuses.
    this.#chunks = pos < buf.length ? [buf.slice(pos)] : [];
    this.#pendingLength = buf.length - pos;
    return out;
  }

  /**
   * Bytes the pending message needs in all (header included), once its
   * header has arrived; its declared length is checked before anything is
   * joined. `undefined` while the header itself is incomplete.
   */
  #pendingNeeded(base: number): number | undefined {
    if (this.#pendingLength < HANDSHAKE_HEADER_LENGTH) return undefined;
    const header: number[] = [];
    for (const c of this.#chunks) {
      for (const b of c) {
        header.push(b);
        if (header.length === HANDSHAKE_HEADER_LENGTH) break;
      }
      if (header.length === HANDSHAKE_HEADER_LENGTH) break;
    }
    const length =
      ((header[1] as number) << 16) | ((header[2] as number) << 8) | (header[3] as number);
    this.#checkLength(length, base);
    return HANDSHAKE_HEADER_LENGTH + length;
  }

  #checkLength(length: number, at: number): void {
    if (length > this.#max) {
      throw new CodecError(
        `${this.#path}.length`,
        at + 1,
        `message length ${length} at offset ${at + 1} of the handshake stream exceeds the limit of ${this.#max}`,
      );
    }
  }
}
