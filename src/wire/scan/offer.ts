import { randomBytes } from "node:crypto";
import type { ExtensionSpec, KeyShare, ProtocolName } from "../codec/index.js";
import {
  alpnExt,
  buildClientHello,
  buildSslv2ClientHello,
  canMakeKeyShare,
  ecPointFormatsExt,
  encryptThenMacExt,
  extendedMasterSecretExt,
  frameRecords,
  heartbeatExt,
  keyShareExt,
  makeKeyShare,
  padClientHello,
  pskKeyExchangeModesExt,
  renegotiationInfoExt,
  serverNameExt,
  sessionTicketExt,
  signatureAlgorithmsExt,
  statusRequestExt,
  supportedGroupsExt,
  supportedVersionsExt,
} from "../codec/index.js";
import { GROUPS, SIGNATURE_SCHEMES, SSLV2_CIPHER_KINDS, suitesFor } from "../registry/index.js";
import type { PreparedHello } from "./exchange.js";

/** Wire versions of the protocols a scan offers. */
export const WIRE_VERSION: Readonly<Record<ProtocolName, number>> = {
  SSLv2: 0x0002,
  SSLv3: 0x0300,
  TLSv1: 0x0301,
  "TLSv1.1": 0x0302,
  "TLSv1.2": 0x0303,
  "TLSv1.3": 0x0304,
};

export const TLS_FALLBACK_SCSV = 0x5600;
export const EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff;

/** Every named group worth offering (no GREASE), in registry order. */
export const ALL_GROUPS: readonly number[] = GROUPS.filter((g) => g.kind !== "grease").map(
  (g) => g.code,
);
/** Every signature scheme, modern first, then the TLS 1.2 hash/signature pairs. */
export const ALL_SIGALGS: readonly number[] = [
  ...SIGNATURE_SCHEMES.filter((s) => !s.legacy).map((s) => s.code),
  ...SIGNATURE_SCHEMES.filter((s) => s.legacy).map((s) => s.code),
];

/** What one ClientHello offers. Absent fields take the defaults of its protocol. */
export interface Offer {
  /** The highest protocol offered (TLS 1.3 via supported_versions). */
  readonly protocol: ProtocolName;
  readonly suites: readonly number[];
  /** supported_versions for TLS 1.3 hellos; default [protocol]. */
  readonly versions?: readonly number[];
  /** legacy_version; default the protocol's (0x0303 for TLS 1.3). */
  readonly legacyVersion?: number;
  readonly groups?: readonly number[];
  /** TLS 1.3 key shares; default [x25519]; `[]` sends an empty key_share. */
  readonly keyShares?: readonly number[];
  readonly sigalgs?: readonly number[];
  readonly alpn?: readonly string[];
  readonly serverName?: string;
  readonly compression?: readonly number[];
  readonly heartbeat?: boolean;
  /** No extensions block at all (the SSLv3 default). */
  readonly noExtensions?: boolean;
  /** Extensions appended after the standard ones (unknown types, GREASE …). */
  readonly extraExtensions?: readonly ExtensionSpec[];
  /** Exactly these extensions instead of the standard ones (narrowing a killer). */
  readonly exactExtensions?: readonly ExtensionSpec[];
  /** Standard extensions to leave out, by type. */
  readonly omitExtensions?: readonly number[];
  /** Pad the handshake message to exactly this many bytes. */
  readonly padTo?: number;
  /** Record fragment sizes (a hello split across records). */
  readonly fragments?: readonly number[];
  readonly recordVersion?: number;
  /** Read a TLS 1.3 server's encrypted flight. */
  readonly decrypt?: boolean;
}

/** The standard extensions for an offer, in the order modern clients send them. */
export function offerExtensions(offer: Offer, shares: readonly KeyShare[]): ExtensionSpec[] {
  if (offer.exactExtensions !== undefined) return [...offer.exactExtensions];
  const p = offer.protocol;
  const exts: ExtensionSpec[] = [];
  if (offer.serverName !== undefined) exts.push(serverNameExt(offer.serverName));
  exts.push(renegotiationInfoExt());
  exts.push(supportedGroupsExt(offer.groups ?? ALL_GROUPS));
  exts.push(ecPointFormatsExt([0, 1, 2]));
  exts.push(sessionTicketExt());
  if (offer.alpn !== undefined && offer.alpn.length > 0) exts.push(alpnExt(offer.alpn));
  exts.push(statusRequestExt());
  if (p === "TLSv1.2" || p === "TLSv1.3")
    exts.push(signatureAlgorithmsExt(offer.sigalgs ?? ALL_SIGALGS));
  if (p !== "TLSv1.3") exts.push(encryptThenMacExt());
  exts.push(extendedMasterSecretExt());
  if (offer.heartbeat === true) exts.push(heartbeatExt());
  if (p === "TLSv1.3") {
    exts.push(keyShareExt(shares.map((s) => ({ group: s.group, keyExchange: s.publicKey }))));
    exts.push(pskKeyExchangeModesExt());
    exts.push(supportedVersionsExt(offer.versions ?? [0x0304]));
  }
  const omit = new Set(offer.omitExtensions ?? []);
  return [...exts.filter((e) => !omit.has(e.type)), ...(offer.extraExtensions ?? [])];
}

/** Key pairs are cheap but not free: one per group per scan is plenty. */
const shareCache = new Map<number, KeyShare>();
function shareFor(group: number): KeyShare {
  let s = shareCache.get(group);
  if (s === undefined) {
    s = makeKeyShare(group);
    shareCache.set(group, s);
  }
  return s;
}

/** Builds the ClientHello an offer describes, ready for {@link sendHello}. */
export function prepare(offer: Offer): PreparedHello {
  if (offer.protocol === "SSLv2") {
    const records = buildSslv2ClientHello({
      cipherKinds: offer.suites.length > 0 ? offer.suites : SSLV2_CIPHER_KINDS.map((c) => c.code),
      challenge: randomBytes(16),
    });
    return { records, message: records.subarray(2), keyShares: [], decrypt: false };
  }
  const tls13 = offer.protocol === "TLSv1.3";
  const shares = tls13 ? (offer.keyShares ?? [29]).filter(canMakeKeyShare).map(shareFor) : [];
  const version = offer.legacyVersion ?? (tls13 ? 0x0303 : WIRE_VERSION[offer.protocol]);
  let spec = {
    version,
    suites: offer.suites,
    compression: offer.compression ?? [0],
    ...(tls13 ? { sessionId: randomBytes(32) } : {}),
    ...(offer.noExtensions === true ? {} : { extensions: offerExtensions(offer, shares) }),
  };
  if (offer.padTo !== undefined) spec = { ...padClientHello(spec, offer.padTo) } as typeof spec;
  const message = buildClientHello(spec);
  const recordVersion = offer.recordVersion ?? (offer.protocol === "SSLv3" ? 0x0300 : 0x0301);
  return {
    records: frameRecords(message, {
      recordVersion,
      ...(offer.fragments === undefined ? {} : { fragments: offer.fragments }),
    }),
    message,
    keyShares: shares,
    decrypt: offer.decrypt === true,
  };
}

/** The suites worth offering for a protocol: the registry's, SCSVs excluded. */
export function suitesOf(protocol: ProtocolName): number[] {
  return suitesFor(protocol).map((s) => s.code);
}
