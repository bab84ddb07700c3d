import { randomBytes } from "node:crypto";
import { ByteWriter } from "./byte-writer.js";
import type { ExtensionSpec } from "./extension-build.js";
import { paddingExt } from "./extension-build.js";
import { HandshakeType } from "./handshake.js";
import { ContentType, MAX_RECORD_LENGTH } from "./record.js";

/** What a ClientHello says; every field the RFC lets a client choose. */
export interface ClientHelloSpec {
  /** `legacy_version` (`client_version` before TLS 1.3). */
  readonly version: number;
  /** 32 bytes; random when absent. */
  readonly random?: Uint8Array;
  /** 0–32 bytes; empty when absent. */
  readonly sessionId?: Uint8Array;
  readonly suites: readonly number[];
  /** Default `[0]` (null compression only). */
  readonly compression?: readonly number[];
  /** Absent: no extensions block at all, as an SSLv3 client sends. */
  readonly extensions?: readonly ExtensionSpec[];
}

/**
 * RFC 8446 §4.1.2 / RFC 5246 §7.4.1.2, framed as a handshake message:
 *
 * ```
 * struct {
 *     ProtocolVersion legacy_version;
 *     Random random;
 *     opaque legacy_session_id<0..32>;
 *     CipherSuite cipher_suites<2..2^16-2>;
 *     opaque legacy_compression_methods<1..2^8-1>;
 *     Extension extensions<8..2^16-1>;
 * } ClientHello;
 * struct { HandshakeType msg_type; uint24 length; ClientHello body; } Handshake;
 * ```
 */
export function buildClientHello(spec: ClientHelloSpec): Uint8Array {
  const random = spec.random ?? randomBytes(32);
  if (random.length !== 32)
    throw new RangeError(`Cannot build ClientHello: random is ${random.length} bytes, not 32`);
  const sid = spec.sessionId ?? new Uint8Array(0);
  if (sid.length > 32)
    throw new RangeError(`Cannot build ClientHello: session id is ${sid.length} bytes`);
  const w = new ByteWriter(512);
  w.u8(HandshakeType.client_hello);
  w.vector(
    3,
    (b) => {
      b.u16(spec.version).bytes(random).vector8(sid, "legacy_session_id");
      b.vector(
        2,
        (s) => {
          for (const c of spec.suites) s.u16(c);
        },
        "cipher_suites",
      );
      b.vector8(spec.compression ?? [0], "legacy_compression_methods");
      if (spec.extensions !== undefined) {
        const exts = spec.extensions;
        b.vector(
          2,
          (e) => {
            for (const x of exts) e.u16(x.type).vector16(x.data, "extension_data");
          },
          "extensions",
        );
      }
    },
    "ClientHello",
  );
  return w.finish();
}

/**
 * The spec with a padding extension (RFC 7685) sized so the handshake message
 * (header included) is exactly `length` bytes. Needs room for the padding
 * extension's own 4-byte header; throws RangeError when the hello is already
 * too long or too close to the target.
 */
export function padClientHello(spec: ClientHelloSpec, length: number): ClientHelloSpec {
  const base: ClientHelloSpec = { ...spec, extensions: spec.extensions ?? [] };
  const without = buildClientHello(base).length;
  const gap = length - without;
  if (gap < 4) {
    throw new RangeError(`Cannot pad ClientHello to ${length} bytes: it is already ${without}`);
  }
  const exts = [...(base.extensions ?? [])];
  // Keep an empty extension last if there is one (that is what is being tested).
  const last = exts.at(-1);
  const keepLast = last !== undefined && last.data.length === 0;
  const pad = paddingExt(gap - 4);
  if (keepLast) exts.splice(exts.length - 1, 0, pad);
  else exts.push(pad);
  return { ...base, extensions: exts };
}

export interface FrameOptions {
  /** `legacy_record_version`; default 0x0301, which every server since SSLv3 reads. */
  readonly recordVersion?: number;
  readonly contentType?: number;
  /**
   * Sizes of the fragments to cut the message into, in order; what remains
   * goes in records of at most 2^14 bytes. `[1]` sends the first byte alone.
   */
  readonly fragments?: readonly number[];
}

/**
 * RFC 8446 §5.1: wraps a message in TLSPlaintext records.
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
export function frameRecords(message: Uint8Array, options: FrameOptions = {}): Uint8Array {
  const version = options.recordVersion ?? 0x0301;
  const type = options.contentType ?? ContentType.handshake;
  const max = 2 ** 14;
  const cuts: number[] = [];
  let left = message.length;
  for (const f of options.fragments ?? []) {
    if (left <= 0) break;
    if (!Number.isInteger(f) || f < 1 || f > max)
      throw new RangeError(`Cannot frame records: fragment size ${f} is not in 1..${max}`);
    const n = Math.min(f, left);
    cuts.push(n);
    left -= n;
  }
  while (left > 0) {
    const n = Math.min(max, left);
    cuts.push(n);
    left -= n;
  }
  if (cuts.length === 0) cuts.push(0);
  const w = new ByteWriter(message.length + 5 * cuts.length);
  let at = 0;
  for (const n of cuts) {
    if (n > MAX_RECORD_LENGTH) throw new RangeError(`record of ${n} bytes`);
    w.u8(type)
      .u16(version)
      .u16(n)
      .bytes(message.subarray(at, at + n));
    at += n;
  }
  return w.finish();
}
