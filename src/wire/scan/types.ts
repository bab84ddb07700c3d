import type { ProtocolName } from "../codec/index.js";

export const SCAN_PARTS = [
  "protocols",
  "suites",
  "groups",
  "sigalgs",
  "alpn",
  "features",
  "certificates",
  "tolerance",
] as const;
export type ScanPart = (typeof SCAN_PARTS)[number];

export const SCAN_PROTOCOLS: readonly ProtocolName[] = [
  "SSLv2",
  "SSLv3",
  "TLSv1",
  "TLSv1.1",
  "TLSv1.2",
  "TLSv1.3",
];

/** How a probe ended, short: `hello TLSv1.2 0xc02f`, `alert handshake_failure`, `reset` … */
export type OutcomeText = string;

export interface AcceptedSuite {
  readonly code: number;
  /** "0xC02F" */
  readonly hex: string;
  readonly name: string;
  readonly openssl?: string;
  readonly bits: number;
  readonly kx: string;
  readonly au: string;
  /** The key exchange the server used: `x25519`, `DHE 2048`, `RSA` … */
  readonly keyExchange?: string;
}

export interface ProtocolScan {
  readonly protocol: ProtocolName;
  /** undefined: not tested (--only) or the probe failed without an answer. */
  readonly supported: boolean | undefined;
  /** How the last probe of this protocol ended (why the list stops). */
  readonly ended: OutcomeText;
  readonly accepted: readonly AcceptedSuite[];
  /** Every accepted suite is listed (false with --only protocols: just the first one). */
  readonly complete: boolean;
  /** "server": the server picks by its own order (the list is in that order). */
  readonly order: "server" | "client" | "unknown";
}

export interface GroupScan {
  readonly protocol: ProtocolName;
  readonly supported: readonly { code: number; name: string }[];
  /** The group the server picks when offered all of them. */
  readonly preferred?: { code: number; name: string };
}

export interface SigalgScan {
  readonly protocol: ProtocolName;
  readonly supported: readonly { code: number; name: string }[];
  readonly note?: string;
}

export interface AlpnScan {
  readonly protocol?: ProtocolName;
  /** Protocols the server selected, in its order of preference. */
  readonly supported: readonly string[];
  /** The server refused with no_application_protocol (alert 120) once none was acceptable. */
  readonly refusesUnknown: boolean;
  /** It refuses a list that mixes protocols it speaks with others (Exim ≥ 4.95). */
  readonly refusesMixedList: boolean;
  /** The server ignores ALPN (never selects one, never refuses). */
  readonly ignored: boolean;
  readonly tested: readonly string[];
}

export type Tri = boolean | undefined;

export interface FeatureScan {
  readonly fallbackScsv: Tri;
  readonly secureRenegotiation: Tri;
  readonly compression: Tri;
  readonly heartbeat: Tri;
  readonly sessionTicket: Tri;
  readonly extendedMasterSecret: Tri;
  readonly ocspStapling: Tri;
  readonly encryptThenMac: Tri;
  /** The server asks for a client certificate (CertificateRequest in the first flight). */
  readonly clientCertificateRequested?: Tri;
  /** A client that kept the session (ticket or id) resumed it on a second connection. */
  readonly resumption?: Tri;
  /** Why a feature could not be tested. */
  readonly notes: readonly string[];
}

export interface CertificateScan {
  readonly keyType: "RSA" | "ECDSA" | "EdDSA" | "DSA" | "other";
  readonly protocol: ProtocolName;
  /** DER certificates as sent, leaf first. */
  readonly chain: readonly Uint8Array[];
  readonly ocspStapled: boolean;
}

export interface ToleranceScan {
  readonly test: string;
  readonly description: string;
  /** undefined: not applicable to this server. */
  readonly tolerant: Tri;
  readonly outcome: OutcomeText;
}

export interface KilledScan {
  /** Where the killing hello was saved. */
  readonly file?: string;
  readonly label: string;
  readonly helloHex: string;
  readonly decoded: DecodedHello;
  readonly outcome: OutcomeText;
  /** How the canary after it went (why the server counts as dead). */
  readonly canary: OutcomeText;
  /** Hellos that ended badly as the server died (all replayed to find the killer). */
  readonly suspects: number;
  /** Replayed after the server came back, this hello killed it again. */
  readonly reproduced?: boolean;
  /** The server answered the canary again within the wait. */
  readonly revived: boolean;
  readonly narrowed?: NarrowedHello;
}

export interface DecodedHello {
  readonly version: string;
  readonly suites: readonly { code: number; name: string }[];
  readonly extensions: readonly { type: number; name: string; length: number }[];
}

export interface NarrowedHello {
  readonly suites: readonly { code: number; name: string }[];
  readonly extensions: readonly { type: number; name: string }[];
  /** The smallest hello that still killed the server, hex. */
  readonly helloHex: string;
  readonly file?: string;
  readonly kills: number;
  readonly tests: number;
  /** The culprit could not be narrowed below what is listed (the server did not come back). */
  readonly incomplete?: string;
}

export interface ScanResult {
  readonly target: string;
  readonly address: string;
  readonly starttls?: string;
  readonly startedAt: string;
  readonly ms: number;
  /** TCP connections opened, canaries included. */
  readonly connections: number;
  /** How the first canary went; if it failed, nothing else was tried. */
  readonly reachable: boolean;
  readonly baseline: OutcomeText;
  readonly protocols: readonly ProtocolScan[];
  readonly groups: readonly GroupScan[];
  readonly sigalgs: readonly SigalgScan[];
  readonly alpn?: AlpnScan;
  readonly features?: FeatureScan;
  readonly certificates: readonly CertificateScan[];
  readonly tolerance: readonly ToleranceScan[];
  readonly killed?: KilledScan;
  /** Parts not run and why. */
  readonly skipped: readonly string[];
}
