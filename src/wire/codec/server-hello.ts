import { ByteReader } from "./byte-reader.js";
import type { Extension } from "./extensions.js";
import {
  ExtensionType,
  findExtension,
  parseAlpn,
  parseKeyShareServerEntry,
  parseSupportedVersionSelected,
  readExtensions,
} from "./extensions.js";

/** RFC 8446 §4.1.3: the `random` of a HelloRetryRequest, SHA-256("HelloRetryRequest"). */
export const HELLO_RETRY_REQUEST_RANDOM = Uint8Array.from([
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
  0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
]);

/** RFC 8446 §4.1.3 downgrade sentinels: "DOWNGRD" then 01 (TLS 1.2) or 00 (≤ 1.1). */
const DOWNGRD = [0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44];

export interface ServerHello {
  readonly legacyVersion: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cipherSuite: number;
  readonly compressionMethod: number;
  readonly extensions: readonly Extension[];
  /** The random is {@link HELLO_RETRY_REQUEST_RANDOM}. */
  readonly isHelloRetryRequest: boolean;
  /** supported_versions if present, else `legacyVersion`. */
  readonly selectedVersion: number;
  /** key_share: the server's group (or the group an HRR asks for). */
  readonly keyShareGroup?: number;
  /** key_share: the server's key_exchange (absent in a HelloRetryRequest). */
  readonly keyShareKey?: Uint8Array;
  /** ALPN selected in the ServerHello (TLS ≤ 1.2; TLS 1.3 puts it in EncryptedExtensions). */
  readonly alpn?: string;
  /** A TLS 1.3 server negotiating lower says so in the last 8 random bytes. */
  readonly downgradeSentinel?: "TLSv1.2" | "TLSv1.1-or-below";
}

/**
 * RFC 8446 §4.1.3 (the TLS ≤ 1.2 form, RFC 5246 §7.4.1.3, may omit extensions):
 *
 * ```
 * struct {
 *     ProtocolVersion legacy_version = 0x0303;    // TLS v1.2
 *     Random random;
 *     opaque legacy_session_id_echo<0..32>;
 *     CipherSuite cipher_suite;
 *     uint8 legacy_compression_method = 0;
 *     Extension extensions<6..2^16-1>;
 * } ServerHello;
 * ```
 */
export function parseServerHello(body: Uint8Array, baseOffset = 0): ServerHello {
  const r = new ByteReader(body, { path: "ServerHello", baseOffset });
  const legacyVersion = r.u16("legacy_version");
  const random = r.bytes(32, "random");
  const sidAt = r.offset;
  const sessionId = r.vector8("legacy_session_id_echo");
  if (sessionId.length > 32) {
    throw r.error(
      "legacy_session_id_echo",
      `length ${sessionId.length} at offset ${sidAt} exceeds 32`,
      sidAt,
    );
  }
  const cipherSuite = r.u16("cipher_suite");
  const compressionMethod = r.u8("legacy_compression_method");
  const extensions = r.done ? [] : readExtensions(r);
  r.end();

  const isHelloRetryRequest = equalBytes(random, HELLO_RETRY_REQUEST_RANDOM);
  const name = isHelloRetryRequest ? "HelloRetryRequest" : "ServerHello";
  const sv = findExtension(extensions, ExtensionType.supported_versions);
  const selectedVersion = sv
    ? parseSupportedVersionSelected(sv, `${name}.supported_versions`)
    : legacyVersion;
  const ks = findExtension(extensions, ExtensionType.key_share);
  const alpnExt = findExtension(extensions, ExtensionType.application_layer_protocol_negotiation);
  const alpn = alpnExt ? parseAlpn(alpnExt, `${name}.alpn`)[0] : undefined;
  const share = ks
    ? parseKeyShareServerEntry(ks, `${name}.key_share`, isHelloRetryRequest)
    : undefined;
  const sentinel = downgradeSentinel(random);
  return {
    legacyVersion,
    random,
    sessionId,
    cipherSuite,
    compressionMethod,
    extensions,
    isHelloRetryRequest,
    selectedVersion,
    ...(share === undefined ? {} : { keyShareGroup: share.group }),
    ...(share?.key === undefined ? {} : { keyShareKey: share.key }),
    ...(alpn === undefined ? {} : { alpn }),
    ...(sentinel === undefined ? {} : { downgradeSentinel: sentinel }),
  };
}

function downgradeSentinel(random: Uint8Array): ServerHello["downgradeSentinel"] {
  for (let i = 0; i < DOWNGRD.length; i++) if (random[24 + i] !== DOWNGRD[i]) return undefined;
  const last = random[31];
  return last === 1 ? "TLSv1.2" : last === 0 ? "TLSv1.1-or-below" : undefined;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
