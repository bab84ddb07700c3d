import type { Socket } from "node:net";
import { deadlineSignal } from "../core/index.js";
import { Conn } from "./conn.js";
import { resolveHost, tcpConnect } from "./connect.js";
import { classifyFailure, type ProbeFailure } from "./failure.js";
import { settle, startTls, type StartedTls } from "./handshake.js";
import {
  certificateRequested,
  keylogOf,
  negotiated,
  nodeChain,
  nonTlsReply,
  safeAnalyze,
  tapOf,
  tlsOptionsOf,
} from "./probe-facts.js";
import {
  SETTLE_MS,
  DEFAULT_PROBE_TIMEOUT_MS,
  type NegotiatedTls,
  type ProbeOptions,
  type ProbeResult,
  type ProbeTimings,
} from "./probe-types.js";
import { dialectFor } from "./starttls/index.js";
import type { Target } from "./target.js";
import { Transcript } from "./transcript.js";

export * from "./probe-types.js";

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
