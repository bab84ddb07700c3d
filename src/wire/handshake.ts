import type { Socket } from "node:net";
import {
  connect as tlsConnect,
  DEFAULT_CIPHERS,
  type ConnectionOptions,
  type TLSSocket,
} from "node:tls";
import { withSignal } from "../core/index.js";
import { WireTap } from "./tap.js";

export type TlsVersionName = "TLSv1" | "TLSv1.1" | "TLSv1.2" | "TLSv1.3";
export const TLS_VERSIONS: readonly TlsVersionName[] = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];

/** Client-side TLS settings of a probe (the flags of `tlsdoctor probe`). */
export interface TlsClientOptions {
  /** SNI to send; `false` sends none. Defaults to the target's host name. */
  readonly sni?: string | false;
  readonly alpn?: readonly string[];
  readonly tlsMin?: TlsVersionName;
  readonly tlsMax?: TlsVersionName;
  /** TLS 1.2-and-below cipher list, OpenSSL syntax. */
  readonly ciphers?: string;
  /** TLS 1.3 suites, OpenSSL syntax (TLS_AES_128_GCM_SHA256:…). */
  readonly ciphersuites?: string;
  /** Key-exchange groups, colon-separated (X25519:P-256). */
  readonly groups?: string;
  /** Client certificate and key, PEM. */
  readonly cert?: string;
  readonly key?: string;
}

/**
 * The cipher list the probe offers when the user names none: Node's default
 * plus security level 0, so a server with a 1024-bit key or a SHA-1 chain
 * still completes the handshake and tlsdoctor can *report* the weakness
 * instead of failing on it. TLS 1.0/1.1 need level 0 in OpenSSL 3 too.
 */
export function defaultCipherList(): string {
  return `${DEFAULT_CIPHERS}:@SECLEVEL=0`;
}

/** Builds the cipher string Node expects: TLS 1.3 suites and ≤1.2 ciphers in one list. */
export function cipherString(o: TlsClientOptions): string {
  const tls13 = o.ciphersuites;
  const tls12 = o.ciphers;
  if (tls13 === undefined && tls12 === undefined) return defaultCipherList();
  const defaults = DEFAULT_CIPHERS.split(":");
  const d13 = defaults.filter((c) => c.startsWith("TLS_")).join(":");
  const d12 = defaults.filter((c) => !c.startsWith("TLS_")).join(":") + ":@SECLEVEL=0";
  return [tls13 ?? d13, tls12 ?? d12].filter((s) => s !== "").join(":");
}

export interface StartedTls {
  readonly socket: TLSSocket;
  readonly tap: WireTap;
  readonly keylog: string[];
  /** The OCSP response the server stapled, once the handshake is done (null: none). */
  ocsp: Uint8Array | null | undefined;
  /** Session tickets / sessions received, for resumption. */
  readonly sessions: Buffer[];
}

/**
 * Starts TLS over an open TCP socket, through a WireTap, and waits for the
 * handshake to finish under `signal`. Never verifies: tlsdoctor verifies the
 * chain itself against several stores (pki/), so it can say *why* it fails.
 */
export async function startTls(
  raw: Socket,
  o: TlsClientOptions & {
    readonly t0: number;
    readonly servername?: string;
    readonly session?: Buffer;
  },
  signal: AbortSignal,
): Promise<StartedTls> {
  const tap = new WireTap(raw, o.t0);
  // requestOCSP is passed through by tls.connect to the TLSSocket, though the
  // typings only list it on TLSSocketOptions.
  const opts: ConnectionOptions & { requestOCSP: boolean } = {
    socket: tap,
    rejectUnauthorized: false,
    requestOCSP: true,
    ciphers: cipherString(o),
    ...(o.servername === undefined ? {} : { servername: o.servername }),
    ...(o.alpn && o.alpn.length > 0 ? { ALPNProtocols: [...o.alpn] } : {}),
    ...(o.tlsMin ? { minVersion: o.tlsMin } : { minVersion: "TLSv1" }),
    ...(o.tlsMax ? { maxVersion: o.tlsMax } : {}),
    ...(o.groups ? { ecdhCurve: o.groups } : {}),
    ...(o.cert ? { cert: o.cert } : {}),
    ...(o.key ? { key: o.key } : {}),
    ...(o.session ? { session: o.session } : {}),
  };
  const socket = tlsConnect(opts);
  const started: StartedTls = { socket, tap, keylog: [], ocsp: undefined, sessions: [] };
  socket.on("keylog", (line: Buffer) => started.keylog.push(line.toString("latin1").trim()));
  socket.on("OCSPResponse", (resp: Buffer | null) => {
    started.ocsp = resp ? new Uint8Array(resp) : null;
  });
  socket.on("session", (s: Buffer) => started.sessions.push(s));
  try {
    await withSignal(
      new Promise<void>((resolve, reject) => {
        socket.once("secureConnect", resolve);
        socket.once("error", reject);
        socket.once("close", () =>
          reject(
            Object.assign(new Error("socket closed during handshake"), { code: "ECONNRESET" }),
          ),
        );
      }),
      signal,
      "TLS handshake",
      () => socket.destroy(),
    );
  } catch (e) {
    socket.destroy();
    throw Object.assign(e instanceof Error ? e : new Error(String(e)), {
      tlsdTap: tap,
      tlsdKeylog: started.keylog,
    });
  }
  socket.removeAllListeners("close");
  return started;
}

/**
 * After the handshake, a TLS 1.3 server sends its session tickets — or, if
 * it rejects our client certificate, an alert. Waits for the first of these
 * (or `ms`). Returns the error if an alert arrived.
 */
export async function settle(s: StartedTls, ms: number): Promise<Error | undefined> {
  if (s.socket.getProtocol() !== "TLSv1.3" || s.sessions.length > 0) return undefined;
  return new Promise((resolve) => {
    const done = (e?: Error): void => {
      clearTimeout(t);
      s.socket.off("session", onSession);
      s.socket.off("error", onError);
      s.socket.off("end", onEnd);
      s.socket.off("close", onEnd);
      resolve(e);
    };
    const onSession = (): void => done();
    const onError = (e: Error): void => done(e);
    const onEnd = (): void => done();
    const t = setTimeout(() => done(), ms);
    s.socket.on("session", onSession);
    s.socket.on("error", onError);
    s.socket.once("end", onEnd);
    s.socket.once("close", onEnd);
  });
}
