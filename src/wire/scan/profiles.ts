import type { CipherSuite } from "../registry/index.js";
import { CIPHER_SUITES } from "../registry/index.js";
import type { Offer } from "./offer.js";

export const ALERT_HANDSHAKE_FAILURE = 40;
export const ALERT_INTERNAL_ERROR = 80;
export const ALERT_INAPPROPRIATE_FALLBACK = 86;
export const ALERT_NO_APPLICATION_PROTOCOL = 120;

/** TLS 1.3 suites of RFC 8446 §B.4. */
export const TLS13_SUITE_CODES: readonly number[] = [0x1301, 0x1302, 0x1303, 0x1304, 0x1305];

const modern = (s: CipherSuite): boolean =>
  !s.export &&
  !s.scsv &&
  s.protocols.includes("TLSv1.2") &&
  ["ECDH", "DH", "RSA"].includes(s.kx) &&
  ["RSA", "ECDSA", "DSS"].includes(s.au) &&
  /^(AESGCM|AES|ChaCha20|3DES|AESCCM|CAMELLIA)/.test(s.enc);

/**
 * The suites a current browser-like client offers, plus the CBC and 3DES
 * suites old servers need: what the canary and the tolerance probes send.
 * Kept under 128 suites on purpose (more is a tolerance test of its own).
 */
export const MODERN_SUITES: readonly number[] = [
  ...TLS13_SUITE_CODES.slice(0, 3),
  ...CIPHER_SUITES.filter(modern)
    .map((s) => s.code)
    .slice(0, 100),
];

/** Groups a modern client lists, x25519 first. */
export const MODERN_GROUPS: readonly number[] = [29, 23, 24, 25, 30, 256, 257, 258, 259, 260];

/** Signature schemes a modern client lists. */
export const MODERN_SIGALGS: readonly number[] = [
  0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b, 0x0401,
  0x0501, 0x0601, 0x0303, 0x0301, 0x0302, 0x0402, 0x0502, 0x0602, 0x0203, 0x0201, 0x0202,
];

/** A plain modern hello that any working server answers: the canary. */
export function modernOffer(serverName: string | undefined, extra: Partial<Offer> = {}): Offer {
  return {
    protocol: "TLSv1.3",
    versions: [0x0304, 0x0303, 0x0302, 0x0301],
    suites: MODERN_SUITES,
    groups: MODERN_GROUPS,
    keyShares: [29, 23],
    sigalgs: MODERN_SIGALGS,
    ...(serverName === undefined ? {} : { serverName }),
    ...extra,
  };
}
