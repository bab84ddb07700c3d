import { ByteReader } from "./byte-reader.js";

/** SSL 2.0 message types a server sends in the clear. */
export const Sslv2MessageType = { error: 0, server_hello: 4 } as const;

/** draft-hickman-netscape-ssl-00, "Error Messages". */
export const SSLV2_ERROR_NAMES: Readonly<Record<number, string>> = {
  0x0001: "NO-CIPHER-ERROR",
  0x0002: "NO-CERTIFICATE-ERROR",
  0x0004: "BAD-CERTIFICATE-ERROR",
  0x0006: "UNSUPPORTED-CERTIFICATE-TYPE-ERROR",
};

/** `NO-CIPHER-ERROR` … or `ERROR(0x0009)`. */
export function sslv2ErrorName(code: number): string {
  return SSLV2_ERROR_NAMES[code] ?? `ERROR(0x${code.toString(16).padStart(4, "0")})`;
}

/** A parsed SSL 2.0 SERVER-HELLO. */
export interface Sslv2ServerHello {
  readonly sessionIdHit: number;
  readonly certificateType: number;
  readonly version: number;
  readonly certificate: Uint8Array;
  /** 3-byte cipher kinds, e.g. 0x0700C0 (SSL_CK_DES_192_EDE3_CBC_WITH_MD5). */
  readonly cipherKinds: readonly number[];
  readonly connectionId: Uint8Array;
}

/** Splits CIPHER-SPECS-DATA (a multiple of 3 bytes, checked by the caller) into kinds. */
export function sslv2CipherKinds(specs: Uint8Array): number[] {
  const kinds: number[] = [];
  for (let i = 0; i + 2 < specs.length; i += 3) {
    kinds.push(
      ((specs[i] as number) << 16) | ((specs[i + 1] as number) << 8) | (specs[i + 2] as number),
    );
  }
  return kinds;
}

/**
 * SSL 2.0 SERVER-HELLO (draft-hickman-netscape-ssl-00, "SERVER-HELLO (Phase 1;
 * Sent in the clear)"). `body` is an SSLv2 record's body as {@link readRecord}
 * gives it, so its first byte is the message type, which must be 4:
 *
 * ```
 * char MSG-SERVER-HELLO            (4)
 * char SESSION-ID-HIT
 * char CERTIFICATE-TYPE
 * char SERVER-VERSION-MSB, SERVER-VERSION-LSB
 * char CERTIFICATE-LENGTH-MSB, -LSB
 * char CIPHER-SPECS-LENGTH-MSB, -LSB
 * char CONNECTION-ID-LENGTH-MSB, -LSB
 * char CERTIFICATE-DATA[MSB<<8|LSB]
 * char CIPHER-SPECS-DATA[MSB<<8|LSB]     3 bytes each
 * char CONNECTION-ID-DATA[MSB<<8|LSB]
 * ```
 * Error paths are those of `parseSslv2Message` (`SSLv2.SERVER-HELLO.…`);
 * offsets are absolute (`baseOffset` + position in `body`).
 */
export function parseSslv2ServerHello(body: Uint8Array, baseOffset = 0): Sslv2ServerHello {
  const r = new ByteReader(body, { path: "SSLv2", baseOffset });
  const typeAt = r.offset;
  const type = r.u8("msg_type");
  if (type !== Sslv2MessageType.server_hello) {
    throw r.error(
      "msg_type",
      `message type ${type} at offset ${typeAt} is not SERVER-HELLO (4)`,
      typeAt,
    );
  }
  const sessionIdHit = r.u8("SERVER-HELLO.session_id_hit");
  const certificateType = r.u8("SERVER-HELLO.certificate_type");
  const version = r.u16("SERVER-HELLO.server_version");
  const certLen = r.u16("SERVER-HELLO.certificate_length");
  const specsAt = r.offset;
  const specsLen = r.u16("SERVER-HELLO.cipher_specs_length");
  const idLen = r.u16("SERVER-HELLO.connection_id_length");
  if (specsLen % 3 !== 0) {
    throw r.error(
      "SERVER-HELLO.cipher_specs_length",
      `cipher specs length ${specsLen} at offset ${specsAt} is not a multiple of 3`,
      specsAt,
    );
  }
  const certificate = r.bytes(certLen, "SERVER-HELLO.certificate");
  const specs = r.bytes(specsLen, "SERVER-HELLO.cipher_specs");
  const connectionId = r.bytes(idLen, "SERVER-HELLO.connection_id");
  r.end();
  const cipherKinds = sslv2CipherKinds(specs);
  return { sessionIdHit, certificateType, version, certificate, cipherKinds, connectionId };
}
