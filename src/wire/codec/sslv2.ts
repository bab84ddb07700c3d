import { ByteReader } from "./byte-reader.js";
import { ByteWriter } from "./byte-writer.js";

/**
 * SSL 2.0 SERVER-HELLO (draft-hickman-netscape-ssl-00, "SERVER-HELLO (Phase 1;
 * Sent in the clear)"):
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
 */
export interface Sslv2ServerHello {
  readonly sessionIdHit: number;
  readonly certificateType: number;
  readonly version: number;
  readonly certificate: Uint8Array;
  /** 3-byte cipher kinds, e.g. 0x0700C0 (SSL_CK_DES_192_EDE3_CBC_WITH_MD5). */
  readonly cipherKinds: readonly number[];
  readonly connectionId: Uint8Array;
}

/** An SSL 2.0 message from a server: its hello, an ERROR (0x0001 NO-CIPHER …), or another type. */
export type Sslv2Message =
  | { readonly kind: "server-hello"; readonly hello: Sslv2ServerHello }
  | { readonly kind: "error"; readonly code: number }
  | { readonly kind: "other"; readonly type: number };

/** Parses the body of an SSLv2 record (its first byte is the message type). */
export function parseSslv2Message(body: Uint8Array, baseOffset = 0): Sslv2Message {
  const r = new ByteReader(body, { path: "SSLv2", baseOffset });
  const type = r.u8("msg_type");
  if (type === 0) {
    const code = r.u16("ERROR.error_code");
    r.end();
    return { kind: "error", code };
  }
  if (type !== 4) return { kind: "other", type };
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
      `cipher specs length ${specsLen} at offset ${baseOffset + specsAt} is not a multiple of 3`,
      baseOffset + specsAt,
    );
  }
  const certificate = r.bytes(certLen, "SERVER-HELLO.certificate");
  const specs = r.bytes(specsLen, "SERVER-HELLO.cipher_specs");
  const connectionId = r.bytes(idLen, "SERVER-HELLO.connection_id");
  r.end();
  const cipherKinds: number[] = [];
  for (let i = 0; i < specs.length; i += 3) {
    cipherKinds.push(
      ((specs[i] as number) << 16) | ((specs[i + 1] as number) << 8) | (specs[i + 2] as number),
    );
  }
  return {
    kind: "server-hello",
    hello: { sessionIdHit, certificateType, version, certificate, cipherKinds, connectionId },
  };
}

/**
 * The SSL 2.0 CLIENT-HELLO in its 2-byte-header record:
 *
 * ```
 * char MSG-CLIENT-HELLO            (1)
 * char CLIENT-VERSION-MSB, -LSB
 * char CIPHER-SPECS-LENGTH-MSB, -LSB
 * char SESSION-ID-LENGTH-MSB, -LSB
 * char CHALLENGE-LENGTH-MSB, -LSB
 * char CIPHER-SPECS-DATA[]         3 bytes each
 * char SESSION-ID-DATA[]
 * char CHALLENGE-DATA[]            16 to 32 bytes
 * ```
 * With `version` 0x0301 or above this is the SSLv2-compatible hello that
 * SSLv3/TLS servers accept (RFC 5246 §E.2); 2-byte suites are `0x00XXXX`.
 */
export function buildSslv2ClientHello(opts: {
  readonly cipherKinds: readonly number[];
  readonly challenge: Uint8Array;
  readonly version?: number;
}): Uint8Array {
  if (opts.challenge.length < 16 || opts.challenge.length > 32) {
    throw new RangeError(
      `Cannot build SSLv2 CLIENT-HELLO: challenge is ${opts.challenge.length} bytes, not 16–32`,
    );
  }
  const body = new ByteWriter();
  body
    .u8(1)
    .u16(opts.version ?? 0x0002)
    .u16(opts.cipherKinds.length * 3)
    .u16(0)
    .u16(opts.challenge.length);
  for (const k of opts.cipherKinds) body.u8((k >>> 16) & 0xff).u16(k & 0xffff);
  body.bytes(opts.challenge);
  const b = body.finish();
  if (b.length > 0x7fff) throw new RangeError(`Cannot build SSLv2 CLIENT-HELLO: ${b.length} bytes`);
  return new ByteWriter(b.length + 2)
    .u16(0x8000 | b.length)
    .bytes(b)
    .finish();
}
