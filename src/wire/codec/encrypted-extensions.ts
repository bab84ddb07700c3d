import { ByteReader } from "./byte-reader.js";
import type { Extension } from "./extensions.js";
import { ExtensionType, findExtension, parseAlpn, readExtensions } from "./extensions.js";

export interface EncryptedExtensions {
  readonly extensions: readonly Extension[];
  /** The ALPN protocol the server selected. */
  readonly alpn?: string;
  /** The server acknowledged the client's server_name (an empty extension). */
  readonly serverNameAcknowledged: boolean;
}

/**
 * RFC 8446 §4.3.1:
 *
 * ```
 * struct {
 *     Extension extensions<0..2^16-1>;
 * } EncryptedExtensions;
 * ```
 */
export function parseEncryptedExtensions(body: Uint8Array, baseOffset = 0): EncryptedExtensions {
  const r = new ByteReader(body, { path: "EncryptedExtensions", baseOffset });
  const extensions = readExtensions(r);
  r.end();
  const alpnExt = findExtension(extensions, ExtensionType.application_layer_protocol_negotiation);
  const list = alpnExt ? parseAlpn(alpnExt, "EncryptedExtensions.alpn") : [];
  if (list.length > 1) {
    throw r.error("alpn", `server selected ${list.length} protocols, not one`, alpnExt?.offset);
  }
  const alpn = list[0];
  return {
    extensions,
    ...(alpn === undefined ? {} : { alpn }),
    serverNameAcknowledged: findExtension(extensions, ExtensionType.server_name) !== undefined,
  };
}
