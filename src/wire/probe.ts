import type { Socket } from "node:net";
import { X509Certificate } from "node:crypto";
import { deadlineSignal, messageOf } from "../core/index.js";
import type { TranscriptLine } from "../core/index.js";
import { analyzeCapture, type HandshakeCapture } from "./capture/index.js";
import { Conn } from "./conn.js";
import { resolveHost, tcpConnect } from "./connect.js";
import { classifyFailure, type ProbeFailure } from "./failure.js";
import { settle, startTls, type StartedTls, type TlsClientOptions } from "./handshake.js";
import { dialectFor, type StartTlsOutcome, type StartTlsProtocol } from "./starttls/index.js";
import type { Target } from "./target.js";
import type { WireChunk } from "./tap.js";
import { printable, Transcript } from "./transcript.js";

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

const ms = (t: number): number => Math.round((performance.now() - t) * 100) / 100;

/**
 * One probe of a target: DNS, TCP, STARTTLS if the target's scheme says so,
 * the TLS handshake (through a wire tap), the protocol's short exchange over
 * TLS, and a resumption attempt. Never throws for anything the network or
 * the peer does: failures are classified into `result.failure`, and all that
 * was learned before the failure is kept.
 */
export async function probe(target: Target, options: ProbeOptions = {}): Promise<ProbeResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const signal = deadlineSignal(timeoutMs, options.signal);
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const transcript = new Transcript(t0);
  const timings: { -readonly [K in keyof ProbeTimings]?: ProbeTimings[K] } = {};
  let phase = "DNS lookup";
  let address: string | undefined;
  let socket: Socket | undefined;
  let started: StartedTls | undefined;
  let starttls: ProbeResult["starttls"];
  let tls: NegotiatedTls | undefined;
  let failure: ProbeFailure | undefined;
  let tap: StartedTls["tap"] | undefined;
  let keylog: readonly string[] = [];
  const servername = options.sni === false ? undefined : (options.sni ?? target.serverName);

  try {
    let t = performance.now();
    if (options.connectTo !== undefined) {
      address = options.connectTo;
    } else {
      const r = await resolveHost(target.host, signal);
      address = r.address;
      timings.dnsMs = r.ms;
    }
    phase = "TCP connect";
    t = performance.now();
    transcript.info(`Trying ${address}:${target.port}…`);
    socket = await tcpConnect(address, target.port, signal);
    timings.connectMs = ms(t);
    transcript.info(`Connected to ${target.host}.`);

    if (target.starttls !== undefined) {
      phase = `STARTTLS (${target.starttls})`;
      t = performance.now();
      const dialect = dialectFor(target.starttls);
      const conn = new Conn(socket, transcript, { tls: false });
      const outcome = await dialect.negotiate(conn, {
        serverName: servername ?? target.host,
        clientName: options.clientName ?? "tlsdoctor.invalid",
        signal,
      });
      const early = conn.detach();
      starttls = { ...outcome, protocol: target.starttls, earlyBytes: early.length };
      if (early.length > 0) {
        transcript.error(
          `Server sent ${early.length} bytes before TLS started (they were discarded)`,
        );
      }
      timings.starttlsMs = ms(t);
    }

    phase = "TLS handshake";
    t = performance.now();
    started = await startTls(
      socket,
      {
        ...tlsOptionsOf(options),
        t0,
        ...(servername === undefined ? {} : { servername }),
        ...(options.session ? { session: Buffer.from(options.session) } : {}),
      },
      signal,
    );
    tap = started.tap;
    keylog = started.keylog;
    timings.handshakeMs = ms(t);
    const s = started.socket;
    // Read the session's facts now: a server may close right after the handshake.
    tls = negotiated(started, servername, options.session !== undefined);
    // A TLS 1.3 server sends its tickets, or rejects our client certificate,
    // only after the handshake. A protocol exchange over TLS (EHLO again …)
    // reveals both by itself; without one, wait briefly when it matters.
    const exchange =
      target.starttls !== undefined &&
      options.afterTls !== false &&
      dialectFor(target.starttls).afterTls !== undefined;
    if (!exchange && (options.resumption !== false || certificateRequested(started, keylog))) {
      const late = await settle(started, SETTLE_MS);
      if (late) throw late;
    }
    transcript.info(`TLS started with cipher ${tls.protocol}:${tls.cipher.iana}`);

    if (target.starttls !== undefined && options.afterTls !== false) {
      phase = `after TLS (${target.starttls})`;
      const dialect = dialectFor(target.starttls);
      if (dialect.afterTls) {
        const conn = new Conn(s, transcript, { tls: true });
        await dialect.afterTls(conn, {
          serverName: servername ?? target.host,
          clientName: options.clientName ?? "tlsdoctor.invalid",
          signal,
        });
        conn.detach();
      }
    }
  } catch (e) {
    const capTap = tap ?? tapOf(e);
    failure = classifyFailure(e, { phase, tlsBytesSent: capTap?.sentBytes ?? 0 });
    if (failure.class === "timeout")
      failure = { ...failure, message: `${failure.message} (deadline ${timeoutMs} ms)` };
    if (!tap && capTap) {
      tap = capTap;
      keylog = keylogOf(e) ?? [];
    }
    transcript.error(failure.message);
  } finally {
    started?.socket.destroy();
    socket?.destroy();
  }

  const capture = tap ? safeAnalyze(tap, keylog) : undefined;
  const plaintextReply = tap ? nonTlsReply(tap.chunks) : undefined;
  if (failure && failure.class !== "alert-received" && capture) {
    const fatal = capture.alerts.find((a) => a.dir === "s2c" && a.level === "fatal");
    if (fatal)
      failure = classifyFailure(new Error(failure.message), {
        phase: failure.phase,
        wireAlert: fatal.description,
      });
  }
  let certificates: readonly Uint8Array[] = capture?.certificates ?? [];
  let chainSource: ProbeResult["chainSource"] = certificates.length > 0 ? "wire" : "none";
  if (certificates.length === 0 && started) {
    certificates = nodeChain(started);
    if (certificates.length > 0) chainSource = "node";
  }

  if (tls && options.resumption !== false && started && failure === undefined) {
    tls = { ...tls, resumption: await tryResume(target, options, started, address, servername) };
  }

  const ocsp = capture?.ocspResponse ?? started?.ocsp ?? undefined;
  if (tls)
    tls = { ...tls, ocsp: ocsp ? { stapled: true, bytes: ocsp.length } : { stapled: false } };
  timings.totalMs = ms(t0);
  return {
    target,
    ...(address === undefined ? {} : { address }),
    ok: failure === undefined,
    startedAt,
    timings: timings as ProbeTimings,
    ...(starttls ? { starttls } : {}),
    ...(tls ? { tls } : {}),
    certificates,
    chainSource,
    ...(ocsp ? { ocspResponse: ocsp } : {}),
    ...(failure ? { failure } : {}),
    transcript: transcript.lines,
    ...(capture ? { capture } : {}),
    ...(plaintextReply === undefined ? {} : { plaintextReply }),
  };
}

/** The server's first bytes, printable, if they cannot start a TLS record. */
function nonTlsReply(chunks: readonly WireChunk[]): string | undefined {
  const first = chunks.find((c) => c.dir === "s2c" && c.bytes.length > 0);
  const b0 = first?.bytes[0];
  if (!first || b0 === undefined) return undefined;
  const tlsStart = (b0 >= 20 && b0 <= 24) || (b0 & 0x80) !== 0;
  if (tlsStart) return undefined;
  return printable(first.bytes.subarray(0, 120))
    .replace(/\\x0d\\x0a|\\x0a/g, " ")
    .trim();
}

/** The TLS settings part of the probe options. */
function tlsOptionsOf(o: ProbeOptions): TlsClientOptions {
  const { alpn, tlsMin, tlsMax, ciphers, ciphersuites, groups, cert, key } = o;
  return {
    ...(alpn ? { alpn } : {}),
    ...(tlsMin ? { tlsMin } : {}),
    ...(tlsMax ? { tlsMax } : {}),
    ...(ciphers ? { ciphers } : {}),
    ...(ciphersuites ? { ciphersuites } : {}),
    ...(groups ? { groups } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
  };
}

function negotiated(
  s: StartedTls,
  servername: string | undefined,
  resuming: boolean,
): NegotiatedTls {
  const sock = s.socket;
  const c = sock.getCipher() as ReturnType<typeof sock.getCipher> | null;
  const eph = sock.getEphemeralKeyInfo();
  const group =
    eph && typeof eph === "object" && "name" in eph && typeof eph.name === "string"
      ? {
          name: eph.name,
          bits: typeof eph.size === "number" ? eph.size : 0,
          type: String(eph.type ?? ""),
        }
      : undefined;
  return {
    protocol: sock.getProtocol() ?? "unknown",
    cipher: c
      ? { openssl: c.name, iana: c.standardName ?? c.name }
      : { openssl: "unknown", iana: "unknown" },
    ...(group ? { group } : {}),
    alpn: typeof sock.alpnProtocol === "string" ? sock.alpnProtocol : null,
    sni: servername ?? null,
    resumption: resuming ? (sock.isSessionReused() ? "resumed" : "not-resumed") : "not-tried",
    ocsp: { stapled: false },
  };
}

/** Did the server ask for a client certificate (CertificateRequest, decrypted in TLS 1.3)? */
function certificateRequested(s: StartedTls, keylog: readonly string[]): boolean {
  return safeAnalyze(s.tap, keylog)?.certificateRequested ?? true;
}

function safeAnalyze(
  tap: StartedTls["tap"],
  keylog: readonly string[],
): HandshakeCapture | undefined {
  try {
    return analyzeCapture({ chunks: tap.chunks, keylog });
  } catch (e) {
    // analyzeCapture is total by contract; a throw here is a bug, but must not sink the probe.
    process.emitWarning(`tlsdoctor: capture analysis failed: ${messageOf(e)}`);
    return undefined;
  }
}

function nodeChain(s: StartedTls): Uint8Array[] {
  const out: Uint8Array[] = [];
  let c = s.socket.getPeerCertificate(true);
  const seen = new Set<string>();
  while (c && c.raw && !seen.has(c.fingerprint256)) {
    seen.add(c.fingerprint256);
    out.push(new Uint8Array(c.raw));
    const next = c.issuerCertificate;
    if (!next || next === c) break;
    c = next;
  }
  // Node appends the root from its own store when it finds one; keep only what the server plausibly sent.
  return out.filter(
    (der, i) => i === 0 || !new X509Certificate(der).verify(new X509Certificate(der).publicKey),
  );
}

async function tryResume(
  target: Target,
  options: ProbeOptions,
  first: StartedTls,
  address: string | undefined,
  servername: string | undefined,
): Promise<NegotiatedTls["resumption"]> {
  const session = first.sessions.at(-1);
  if (!session || address === undefined) return "no-session";
  const again = await probe(target, {
    ...options,
    connectTo: address,
    resumption: false,
    afterTls: false,
    ...(servername === undefined ? { sni: false } : { sni: servername }),
    session: new Uint8Array(session),
  });
  if (!again.ok) return "failed";
  return again.tls?.resumption === "resumed" ? "resumed" : "not-resumed";
}

function tapOf(e: unknown): StartedTls["tap"] | undefined {
  if (typeof e === "object" && e !== null && "tlsdTap" in e)
    return (e as { tlsdTap: StartedTls["tap"] }).tlsdTap;
  return undefined;
}
function keylogOf(e: unknown): string[] | undefined {
  if (typeof e === "object" && e !== null && "tlsdKeylog" in e)
    return (e as { tlsdKeylog: string[] }).tlsdKeylog;
  return undefined;
}
