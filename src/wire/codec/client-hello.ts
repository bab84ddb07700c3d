import { ByteReader } from "./byte-reader.js";
import type { Extension } from "./extensions.js";
import {
  ExtensionType,
  findExtension,
  parseAlpn,
  parseKeyShareClient,
  parseServerName,
  parseSupportedGroups,
  parseSupportedVersionsOffered,
  readExtensions,
} from "./extensions.js";

export interface ClientHello {
  readonly legacyVersion: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cipherSuites: readonly number[];
  readonly compressionMethods: Uint8Array;
  readonly extensions: readonly Extension[];
  /** supported_versions if present, else `[legacyVersion]`. */
  readonly offeredVersions: readonly number[];
  readonly serverName?: string;
  readonly alpn: readonly string[];
  readonly groups: readonly number[];
  readonly keyShareGroups: readonly number[];
}

/**
 * RFC 8446 §4.1.2 (RFC 5246 §7.4.1.2 allows the extensions to be absent):
 *
 * ```
 * struct {
 *     ProtocolVersion legacy_version = 0x0303;    // TLS v1.2
 *     Random random;
 *     opaque legacy_session_id<0..32>;
 *     CipherSuite cipher_suites<2..2^16-2>;
 *     opaque legacy_compression_methods<1..2^8-1>;
 *     Extension extensions<8..2^16-1>;
 * } ClientHello;
 * ```
 */
export function parseClientHello(body: Uint8Array, baseOffset = 0): ClientHello {
  const r = new ByteReader(body, { path: "ClientHello", baseOffset });
  const legacyVersion = r.u16("legacy_version");
  const random = r.bytes(32, "random");
  const sidAt = r.offset;
  const sessionId = r.vector8("legacy_session_id");
  if (sessionId.length > 32) {
    throw r.error(
      "legacy_session_id",
      `length ${sessionId.length} at offset ${sidAt} exceeds 32`,
      sidAt,
    );
  }
  const suites = r.sub16("cipher_suites");
  if (suites.remaining % 2 !== 0) {
    throw suites.error(
      "",
      `cipher suite list length ${suites.remaining} at offset ${suites.offset} is odd`,
    );
  }
  const cipherSuites: number[] = [];
  for (let i = 0; !suites.done; i++) cipherSuites.push(suites.u16(`[${i}]`));
  const compressionMethods = r.vector8("legacy_compression_methods");
  const extensions = r.done ? [] : readExtensions(r);
  r.end();

  const get = (type: number): Extension | undefined => findExtension(extensions, type);
  const sv = get(ExtensionType.supported_versions);
  const sni = get(ExtensionType.server_name);
  const alpn = get(ExtensionType.application_layer_protocol_negotiation);
  const groups = get(ExtensionType.supported_groups);
  const ks = get(ExtensionType.key_share);
  const serverName = sni ? parseServerName(sni, "ClientHello.server_name") : undefined;
  return {
    legacyVersion,
    random,
    sessionId,
    cipherSuites,
    compressionMethods,
    extensions,
    offeredVersions: sv
      ? parseSupportedVersionsOffered(sv, "ClientHello.supported_versions")
      : [legacyVersion],
    ...(serverName === undefined ? {} : { serverName }),
    alpn: alpn ? parseAlpn(alpn, "ClientHello.alpn") : [],
    groups: groups ? parseSupportedGroups(groups, "ClientHello.supported_groups") : [],
    keyShareGroups: ks ? parseKeyShareClient(ks, "ClientHello.key_share") : [],
  };
}
