import { ByteReader } from "./byte-reader.js";

/**
 * RFC 5246 §7.4.5:
 *
 * ```
 * struct { } ServerHelloDone;
 * ```
 * The body must be empty; any byte in it is a CodecError naming the first one.
 */
export function parseServerHelloDone(body: Uint8Array, baseOffset = 0): void {
  new ByteReader(body, { path: "ServerHelloDone", baseOffset }).end();
}
