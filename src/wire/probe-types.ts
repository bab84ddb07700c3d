import type { TranscriptLine } from "../core/index.js";
import type { HandshakeCapture } from "./capture/index.js";
import type { ProbeFailure } from "./failure.js";
import type { TlsClientOptions } from "./handshake.js";
import type { StartTlsOutcome, StartTlsProtocol } from "./starttls/index.js";
import type { Target } from "./target.js";

/** Default deadline of one probe attempt, all phases together. */
export const DEFAULT_PROBE_TIMEOUT_MS = 10_000;
/** How long to wait after a TLS 1.3 handshake for tickets or a late alert. */
export const SETTLE_MS = 300;

export interface ProbeOptions extends TlsClientOptions {
  readonly timeoutMs?: number;
  /** Connect to this address instead of resolving the target's host (keep the name for SNI). */
  readonly connectTo?: string;
  /** Try a second handshake resuming the first one's session. Default true. */
  readonly resumption?: boolean;
  /** Run the protocol's short exchange over TLS (EHLO again, CAPABILITY …). Default true. */
  readonly afterTls?: boolean;
  /** Our name in EHLO/LHLO. */
  readonly clientName?: string;
  readonly signal?: AbortSignal;
  /** A session (ticket) from an earlier probe to resume. */
  readonly session?: Uint8Array;
}

export interface NegotiatedTls {
  readonly protocol: string;
  readonly cipher: { readonly openssl: string; readonly iana: string };
  readonly group?: { readonly name: string; readonly bits: number; readonly type: string };
  readonly alpn: string | null;
  readonly sni: string | null;
  readonly resumption: "resumed" | "not-resumed" | "no-session" | "not-tried" | "failed";
  readonly ocsp: { readonly stapled: boolean; readonly bytes?: number };
}

export interface ProbeTimings {
  readonly dnsMs?: number;
  readonly connectMs?: number;
  readonly starttlsMs?: number;
  readonly handshakeMs?: number;
  readonly totalMs: number;
}

export interface ProbeResult {
  readonly target: Target;
  readonly address?: string;
  readonly ok: boolean;
  readonly startedAt: string;
  readonly timings: ProbeTimings;
  readonly starttls?: StartTlsOutcome & {
    readonly protocol: StartTlsProtocol;
    readonly earlyBytes: number;
  };
  readonly tls?: NegotiatedTls;
  /** DER certificates exactly as the server sent them, leaf first. */
  readonly certificates: readonly Uint8Array[];
  /** Where the chain came from: the wire capture, or Node's rebuilt view as a fallback. */
  readonly chainSource: "wire" | "node" | "none";
  readonly ocspResponse?: Uint8Array;
  readonly failure?: ProbeFailure;
  readonly transcript: readonly TranscriptLine[];
  readonly capture?: HandshakeCapture;
  /**
   * When the server answered our ClientHello with bytes that are not a TLS
   * record, the start of what it sent, made printable ("220 mx ESMTP …").
   */
  readonly plaintextReply?: string;
}
