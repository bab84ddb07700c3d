import { CodecError } from "./codec-error.js";

/**
 * TLS record content types (IANA "TLS ContentType" registry).
 *
 * ```
 * enum {
 *     invalid(0), change_cipher_spec(20), alert(21), handshake(22),
 *     application_data(23), heartbeat(24), tls12_cid(25), (255)
 * } ContentType;
 * ```
 */
export const ContentType = {
  change_cipher_spec: 20,
  alert: 21,
  handshake: 22,
  application_data: 23,
  heartbeat: 24,
  tls12_cid: 25,
} as const;

const CONTENT_TYPE_NAMES: Readonly<Record<number, string>> = {
  20: "ChangeCipherSpec",
  21: "Alert",
  22: "Handshake",
  23: "ApplicationData",
  24: "Heartbeat",
  25: "Tls12Cid",
};

/** `Handshake`, `Alert` … or `ContentType(99)`. */
export function contentTypeName(type: number): string {
  return CONTENT_TYPE_NAMES[type] ?? `ContentType(${type})`;
}

/** The TLSPlaintext header is 5 bytes: type, version, length. */
export const RECORD_HEADER_LENGTH = 5;
/** RFC 8446 §5.2: a TLSCiphertext fragment is at most 2^14 + 256 bytes. */
export const MAX_RECORD_LENGTH = 2 ** 14 + 256;

/**
 * One record as framed on the wire (RFC 8446 §5.1, RFC 5246 §6.2.1).
 *
 * ```
 * struct {
 *     ContentType type;
 *     ProtocolVersion legacy_record_version;
 *     uint16 length;
 *     opaque fragment[TLSPlaintext.length];
 * } TLSPlaintext;
 * ```
 */
export interface TlsRecord {
  readonly contentType: number;
  /** `legacy_record_version`, e.g. 0x0303. */
  readonly version: number;
  /** Offset of the header: in `buf`, plus `baseOffset` when one was given. */
  readonly offset: number;
  /** The 5 header bytes (the TLS 1.3 AEAD additional data). */
  readonly header: Uint8Array;
  readonly fragment: Uint8Array;
}

/**
 * An SSL 2.0 record with a 2-byte header (high bit set), as sent by SSLv2
 * or SSLv2-compatible client hellos (RFC 6101 appendix E.2):
 * `length = ((b0 & 0x7f) << 8) | b1`, then `msg_type` as the first body byte.
 */
export interface Sslv2Record {
  readonly offset: number;
  readonly length: number;
  /** 1 CLIENT-HELLO, 4 SERVER-HELLO …; undefined when the body is empty. */
  readonly messageType: number | undefined;
  readonly body: Uint8Array;
}

export type RecordRead =
  | { readonly kind: "record"; readonly record: TlsRecord; readonly next: number }
  | { readonly kind: "sslv2"; readonly record: Sslv2Record; readonly next: number }
  /**
   * At least `needed` more bytes (beyond the end of the buffer) are required:
   * exact once the header is complete, a lower bound before.
   */
  | { readonly kind: "need-more"; readonly needed: number };

export interface ReadRecordOptions {
  /** Largest fragment accepted; defaults to {@link MAX_RECORD_LENGTH}. */
  readonly maxLength?: number;
  /** Accept SSLv2-format records (high bit of the first byte set). Default true. */
  readonly allowSslv2?: boolean;
  /**
   * Stream offset of `buf[0]`, added to the offsets in records and errors, for
   * callers that keep only the unconsumed tail of a stream. Default 0.
   */
  readonly baseOffset?: number;
}

/**
 * Frame one record at `offset` (`next` is the offset after it, in `buf`).
 * An incomplete record is the value
 * `need-more`; a malformed header (unknown content type, a version that is
 * not 3.x, a length over the limit) throws a {@link CodecError}. Nothing is
 * copied: the record's fields are views into `buf`.
 */
export function readRecord(
  buf: Uint8Array,
  offset: number,
  options: ReadRecordOptions = {},
): RecordRead {
  const maxLength = options.maxLength ?? MAX_RECORD_LENGTH;
  const base = options.baseOffset ?? 0;
  const at = base + offset;
  const left = buf.length - offset;
  if (left < 1) return { kind: "need-more", needed: 1 - left };
  const b0 = buf[offset] as number;
  if ((b0 & 0x80) !== 0 && options.allowSslv2 !== false) return readSslv2(buf, offset, base);
  if (CONTENT_TYPE_NAMES[b0] === undefined) {
    throw new CodecError(
      "TLSPlaintext.type",
      at,
      `content type ${b0} at offset ${at} is not a TLS record type`,
    );
  }
  if (left >= 2 && buf[offset + 1] !== 3) {
    throw new CodecError(
      "TLSPlaintext.legacy_record_version",
      at + 1,
      `major version ${buf[offset + 1]} at offset ${at + 1} is not 3`,
    );
  }
  if (left < RECORD_HEADER_LENGTH)
    return { kind: "need-more", needed: RECORD_HEADER_LENGTH - left };
  const version = ((buf[offset + 1] as number) << 8) | (buf[offset + 2] as number);
  const length = ((buf[offset + 3] as number) << 8) | (buf[offset + 4] as number);
  if (length > maxLength) {
    throw new CodecError(
      "TLSPlaintext.length",
      at + 3,
      `length ${length} at offset ${at + 3} exceeds the limit of ${maxLength}`,
    );
  }
  const end = offset + RECORD_HEADER_LENGTH + length;
  if (end > buf.length) return { kind: "need-more", needed: end - buf.length };
  return {
    kind: "record",
    record: {
      contentType: b0,
      version,
      offset: at,
      header: buf.subarray(offset, offset + RECORD_HEADER_LENGTH),
      fragment: buf.subarray(offset + RECORD_HEADER_LENGTH, end),
    },
    next: end,
  };
}

function readSslv2(buf: Uint8Array, offset: number, base: number): RecordRead {
  const left = buf.length - offset;
  if (left < 2) return { kind: "need-more", needed: 2 - left };
  const length = (((buf[offset] as number) & 0x7f) << 8) | (buf[offset + 1] as number);
  const end = offset + 2 + length;
  if (end > buf.length) return { kind: "need-more", needed: end - buf.length };
  const body = buf.subarray(offset + 2, end);
  return {
    kind: "sslv2",
    record: { offset: base + offset, length, messageType: body[0], body },
    next: end,
  };
}

/** Names as Node's `getProtocol()` gives them: `TLSv1.3`, `TLSv1`, `SSLv3` … */
export type ProtocolName = "SSLv2" | "SSLv3" | "TLSv1" | "TLSv1.1" | "TLSv1.2" | "TLSv1.3";

const VERSION_NAMES: Readonly<Record<number, ProtocolName>> = {
  0x0002: "SSLv2",
  0x0300: "SSLv3",
  0x0301: "TLSv1",
  0x0302: "TLSv1.1",
  0x0303: "TLSv1.2",
  0x0304: "TLSv1.3",
};

/** The protocol name of a wire version, or undefined (GREASE, drafts, DTLS). */
export function protocolName(version: number): ProtocolName | undefined {
  return VERSION_NAMES[version];
}

/** `TLSv1.2`, or `0x7f1c` for versions without a name. */
export function versionLabel(version: number): string {
  return protocolName(version) ?? `0x${version.toString(16).padStart(4, "0")}`;
}
