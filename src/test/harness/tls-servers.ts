import { createServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer, type TlsOptions } from "node:tls";
import { freePort, spawnServer, type RunningServer } from "./process.js";

/** Options for a real `openssl s_server` on loopback. */
export interface OpenSslServerOptions {
  readonly cert: string;
  readonly key: string;
  /** Intermediates to send after the leaf (PEM file). */
  readonly chain?: string;
  readonly tls12Only?: boolean;
  readonly tls13Only?: boolean;
  /** Require a client certificate issued by this CA file. */
  readonly requireClientCert?: string;
  /** DER OCSP response to staple. */
  readonly ocspFile?: string;
  readonly alpn?: string;
  readonly extraArgs?: readonly string[];
  /** Listen address: 127.0.0.1 (default) or ::1. */
  readonly host?: "127.0.0.1" | "::1";
}

/** Starts `openssl s_server` on 127.0.0.1 and waits until it accepts connections. */
export async function startOpenSslServer(o: OpenSslServerOptions): Promise<RunningServer> {
  const host = o.host ?? "127.0.0.1";
  const port = await freePort(host);
  const args = [
    "s_server",
    "-accept",
    host === "::1" ? `[::1]:${port}` : `127.0.0.1:${port}`,
    "-cert",
    o.cert,
    "-key",
    o.key,
    "-quiet",
    "-naccept",
    "100000",
  ];
  if (o.chain) args.push("-cert_chain", o.chain);
  if (o.tls12Only) args.push("-tls1_2");
  if (o.tls13Only) args.push("-tls1_3");
  if (o.requireClientCert) args.push("-Verify", "1", "-CAfile", o.requireClientCert);
  if (o.ocspFile) args.push("-status_file", o.ocspFile);
  if (o.alpn) args.push("-alpn", o.alpn);
  args.push(...(o.extraArgs ?? []));
  return spawnServer({
    name: "openssl s_server",
    command: "openssl",
    args,
    port,
    host,
    keepStdinOpen: true,
  });
}

/** Starts `gnutls-serv` (GnuTLS's test server) on a free port. */
export async function startGnuTlsServer(o: {
  cert: string;
  key: string;
  priority?: string;
  /** Serve HTTP (gnutls-serv's default) instead of echoing (--echo, our default). */
  http?: boolean;
}): Promise<RunningServer> {
  const port = await freePort();
  const args = ["--port", String(port), "--x509certfile", o.cert, "--x509keyfile", o.key];
  if (o.http !== true) args.push("--echo");
  if (o.priority) args.push("--priority", o.priority);
  return spawnServer({
    name: "gnutls-serv",
    command: "gnutls-serv",
    args,
    port,
    keepStdinOpen: true,
  });
}

/** A small in-process server for failure classes no real daemon produces on demand. */
export interface ScriptedServer {
  readonly host: string;
  readonly port: number;
  /** Connections accepted so far. */
  connections(): number;
  stop(): Promise<void>;
}

async function listen(server: Server, sockets: Set<Socket>): Promise<ScriptedServer> {
  let count = 0;
  server.on("connection", (s) => {
    count++;
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  const port = addr && typeof addr === "object" ? addr.port : 0;
  return {
    host: "127.0.0.1",
    port,
    connections: () => count,
    stop: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** Accepts TCP and never says a word. */
export async function startSilentServer(): Promise<ScriptedServer> {
  const sockets = new Set<Socket>();
  return listen(createServer(), sockets);
}

/** Accepts TCP, reads the ClientHello, then resets the connection (RST). */
export async function startResetAfterHelloServer(): Promise<ScriptedServer> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => s.once("data", () => s.resetAndDestroy()));
  return listen(server, sockets);
}

/** TLS alert record: content type 21, TLS 1.2 record version, length 2, level fatal, description. */
export function alertRecord(description: number): Uint8Array {
  return Uint8Array.of(21, 3, 3, 0, 2, 2, description);
}

/** Answers the ClientHello with a fatal alert. */
export async function startAlertServer(description: number): Promise<ScriptedServer> {
  const sockets = new Set<Socket>();
  const server = createServer((s) =>
    s.once("data", () => {
      s.end(alertRecord(description));
    }),
  );
  return listen(server, sockets);
}

/** Writes a plaintext greeting at once, like an SMTP server probed with direct TLS. */
export async function startPlaintextServer(greeting: string): Promise<ScriptedServer> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => s.write(greeting));
  return listen(server, sockets);
}

/**
 * A real TLS server (node:tls) that fails a known share of handshakes with
 * alert 80 internal_error, chosen by a deterministic schedule: connection i
 * fails when `failWhen(i)` is true. The --repeat test measures it.
 */
export async function startFlakyServer(
  tls: TlsOptions,
  failWhen: (i: number) => boolean,
): Promise<ScriptedServer> {
  const sockets = new Set<Socket>();
  const tlsServer = createTlsServer(tls, (s) => {
    s.on("error", () => undefined);
    s.end();
  });
  tlsServer.on("tlsClientError", () => undefined);
  let i = 0;
  const server = createServer((s) => {
    const mine = i++;
    if (failWhen(mine)) {
      s.once("data", () => s.end(alertRecord(80)));
    } else {
      tlsServer.emit("connection", s);
    }
  });
  return listen(server, sockets);
}
