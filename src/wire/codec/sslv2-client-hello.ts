import { ByteReader } from "./byte-reader.js";
import { sslv2CipherKinds } from "./sslv2-server-hello.js";

/** An SSL 2.0 CLIENT-HELLO, or the SSLv2-compatible hello of SSLv3/TLS clients. */
export interface Sslv2ClientHello {
  /** 0x0002 for SSL 2.0; 0x0300 and above for an SSLv2-compatible hello. */
  readonly version: number;
  /** 3-byte cipher kinds; TLS suites appear as 0x00XXXX. */
  readonly cipherKinds: readonly number[];
  readonly sessionId: Uint8Array;
  readonly challenge: Uint8Array;
}

/**
 * SSL 2.0 CLIENT-HELLO (draft-hickman-netscape-ssl-00; RFC 5246 §E.2 for the
 * SSLv2-compatible form). `body` is an SSLv2 record's body as `readRecord`
 * gives it, so its first byte is the message type, which must be 1:
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
 * Lengths are checked as the draft requires: specs a multiple of 3, a
 * session id of 0 or 16 bytes, a challenge of 16 to 32 bytes.
 */
export function parseSslv2ClientHello(body: Uint8Array, baseOffset = 0): Sslv2ClientHello {
  const r = new ByteReader(body, { path: "SSLv2", baseOffset });
  const typeAt = r.offset;
  const type = r.u8("msg_type");
  if (type !== 1) {
    throw r.error(
      "msg_type",
      `message type ${type} at offset ${typeAt} is not CLIENT-HELLO (1)`,
      typeAt,
    );
  }
  const version = r.u16("CLIENT-HELLO.client_version");
  const specsAt = r.offset;
  const specsLen = r.u16("CLIENT-HELLO.cipher_specs_length");
  const sidAt = r.offset;
  const sidLen = r.u16("CLIENT-HELLO.session_id_length");
  const chAt = r.offset;
  const chLen = r.u16("CLIENT-HELLO.challenge_length");
  if (specsLen % 3 !== 0) {
    throw r.error(
      "CLIENT-HELLO.cipher_specs_length",
      `cipher specs length ${specsLen} at offset ${specsAt} is not a multiple of 3`,
      specsAt,
    );
  }
  if (sidLen !== 0 && sidLen !== 16) {
    throw r.error(
      "CLIENT-HELLO.session_id_length",
      `session id length ${sidLen} at offset ${sidAt} is neither 0 nor 16`,
      sidAt,
    );
  }
  if (chLen < 16 || chLen > 32) {
    throw r.error(
      "CLIENT-HELLO.challenge_length",
      `challenge length ${chLen} at offset ${chAt} is not 16 to 32`,
      chAt,
    );
  }
  const specs = r.bytes(specsLen, "CLIENT-HELLO.cipher_specs");
  const sessionId = r.bytes(sidLen, "CLIENT-HELLO.session_id");
  const challenge = r.bytes(chLen, "CLIENT-HELLO.challenge");
  r.end();
  return { version, cipherKinds: sslv2CipherKinds(specs), sessionId, challenge };
}
