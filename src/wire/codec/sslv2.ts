import { ByteReader } from "./byte-reader.js";
import { ByteWriter } from "./byte-writer.js";
import { parseSslv2ServerHello, Sslv2MessageType } from "./sslv2-server-hello.js";
import type { Sslv2ServerHello } from "./sslv2-server-hello.js";

export type { Sslv2ServerHello };

/** An SSL 2.0 message from a server: its hello, an ERROR (0x0001 NO-CIPHER …), or another type. */
export type Sslv2Message =
  | { readonly kind: "server-hello"; readonly hello: Sslv2ServerHello }
  | { readonly kind: "error"; readonly code: number }
  | { readonly kind: "other"; readonly type: number };

/** Parses the body of an SSLv2 record (its first byte is the message type). */
export function parseSslv2Message(body: Uint8Array, baseOffset = 0): Sslv2Message {
  const r = new ByteReader(body, { path: "SSLv2", baseOffset });
  const type = r.u8("msg_type");
  if (type === Sslv2MessageType.error) {
    const code = r.u16("ERROR.error_code");
    r.end();
    return { kind: "error", code };
  }
  if (type !== Sslv2MessageType.server_hello) return { kind: "other", type };
  return { kind: "server-hello", hello: parseSslv2ServerHello(body, baseOffset) };
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
