import type { Socket } from "node:net";
import { TlsDoctorError, deadlineSignal, errnoCode } from "../../core/index.js";
import type { KeyShare } from "../codec/index.js";
import { isCodecError } from "../codec/index.js";
import { tcpConnect } from "../connect.js";
import { Conn } from "../conn.js";
import { dialectFor } from "../starttls/index.js";
import type { Target } from "../target.js";
import { Transcript } from "../transcript.js";
import type { Flight } from "./flight.js";
import { FlightReader } from "./flight.js";

/** Where to send hellos: a target with its address resolved once. */
export interface Endpoint {
  readonly target: Target;
  readonly address: string;
  /** SNI and the STARTTLS name; absent for IP literals with no --sni. */
  readonly serverName?: string;
  /** Deadline of one exchange (connect, STARTTLS, hello, flight). */
  readonly timeoutMs: number;
}

/** A ClientHello ready to send: its records, the message itself, and our secrets. */
export interface PreparedHello {
  readonly records: Uint8Array;
  /** The handshake message (header included), for the TLS 1.3 transcript. */
  readonly message: Uint8Array;
  readonly keyShares: readonly KeyShare[];
  /** Read a TLS 1.3 server's encrypted flight (needs a key share for its group). */
  readonly decrypt: boolean;
}

/**
 * How one exchange ended. `hello`: a ServerHello or HelloRetryRequest came
 * (the flight says what else); `sslv2`: an SSL 2.0 SERVER-HELLO or ERROR;
 * `alert`: an alert before any ServerHello; `closed`: the server closed
 * without a word; `reset`: the connection was reset; `timeout`: nothing
 * complete before the deadline; `malformed`: bytes that are not TLS;
 * `connect-failed` / `starttls-failed`: we never got to send the hello.
 */
export type OutcomeKind =
  | "hello"
  | "sslv2"
  | "alert"
  | "closed"
  | "reset"
  | "timeout"
  | "malformed"
  | "connect-failed"
  | "starttls-failed";

export interface HelloResult {
  readonly kind: OutcomeKind;
  readonly flight: Flight;
  /** What went wrong, for the failure kinds: errno, the codec's message … */
  readonly reason?: string;
  readonly ms: number;
}

/** Opens TCP and, for STARTTLS targets, speaks the dialect up to the TLS start. */
export async function openRaw(ep: Endpoint, signal: AbortSignal): Promise<Socket> {
  const socket = await tcpConnect(ep.address, ep.target.port, signal);
  if (ep.target.starttls === undefined) return socket;
  try {
    const conn = new Conn(socket, new Transcript(performance.now()), { tls: false });
    await dialectFor(ep.target.starttls).negotiate(conn, {
      serverName: ep.serverName ?? ep.target.host,
      clientName: "tlsdoctor.invalid",
      signal,
    });
    conn.detach();
    return socket;
  } catch (e) {
    socket.destroy();
    throw e;
  }
}

/** Sends one hello on a fresh connection and reads the server's first flight. */
export async function sendHello(
  ep: Endpoint,
  hello: PreparedHello,
  parent?: AbortSignal,
): Promise<HelloResult> {
  const t0 = performance.now();
  const signal = deadlineSignal(ep.timeoutMs, parent);
  const reader = new FlightReader({
    clientHello: hello.message,
    keyShares: hello.keyShares,
    decrypt: hello.decrypt,
  });
  const done = (kind: OutcomeKind, reason?: string): HelloResult => ({
    kind,
    flight: reader.flight,
    ...(reason === undefined ? {} : { reason }),
    ms: performance.now() - t0,
  });
  let socket: Socket;
  try {
    socket = await openRaw(ep, signal);
  } catch (e) {
    const starttls = e instanceof TlsDoctorError && e.code === "TLSD_STARTTLS";
    const reason = e instanceof Error ? e.message : String(e);
    if (signal.aborted && parent?.aborted !== true) return done("timeout", reason);
    return done(starttls ? "starttls-failed" : "connect-failed", reason);
  }
  try {
    return await new Promise<HelloResult>((resolve) => {
      const finish = (r: HelloResult): void => {
        socket.removeAllListeners("data");
        signal.removeEventListener("abort", onAbort);
        resolve(r);
      };
      const settle = (eofKind: OutcomeKind, reason?: string): void => {
        const f = reader.flight;
        if (f.serverHello !== undefined) finish(done("hello"));
        else if (f.sslv2 !== undefined || f.sslv2Error !== undefined) finish(done("sslv2"));
        else if (f.alert !== undefined) finish(done("alert"));
        else finish(done(eofKind, reason));
      };
      const onAbort = (): void => settle("timeout", `no complete answer in ${ep.timeoutMs} ms`);
      signal.addEventListener("abort", onAbort, { once: true });
      socket.on("data", (chunk: Buffer) => {
        try {
          if (reader.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length))) {
            settle(
              "malformed",
              reader.flight.unexpected ?? "the flight ended without a ServerHello",
            );
          }
        } catch (e) {
          if (isCodecError(e) || e instanceof RangeError) settle("malformed", e.message);
          else settle("malformed", String(e));
        }
      });
      socket.on("end", () => settle("closed", "the server closed the connection"));
      socket.on("error", (e) => {
        const code = errnoCode(e) ?? e.message;
        settle(code === "ECONNRESET" || code === "EPIPE" ? "reset" : "closed", code);
      });
      // A STARTTLS dialogue leaves the socket paused (Conn.detach): resume it.
      socket.resume();
      socket.write(hello.records);
    });
  } finally {
    socket.destroy();
  }
}
