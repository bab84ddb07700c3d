import { createServer, type Socket } from "node:net";
import { TLSSocket, createSecureContext } from "node:tls";

/**
 * Scripted STARTTLS peers. NNTP: inn2's postinst fails on these machines
 * (FQDN check), so no real server runs. IRC: a scripted peer pins the IRCv3
 * transcript; the real-server test runs InspIRCd (inspircd.ts). Each peer
 * follows its spec's transcript line by line, then speaks TLS with node:tls.
 */
export interface ScriptedPeer {
  readonly port: number;
  /** Lines the peer received, in order (plaintext and over TLS). */
  readonly received: string[];
  stop(): Promise<void>;
}

type Step = (line: string, send: (s: string) => void, startTls: () => void, inTls: boolean) => void;

async function peer(
  greeting: string,
  onLine: Step,
  tls: { cert: string; key: string },
): Promise<ScriptedPeer> {
  const received: string[] = [];
  const sockets = new Set<Socket>();
  const context = createSecureContext({ cert: tls.cert, key: tls.key });
  const server = createServer((raw) => {
    sockets.add(raw);
    raw.on("error", () => undefined);
    let stream: Socket | TLSSocket = raw;
    let inTls = false;
    let buf = "";
    const send = (s: string): void => {
      stream.write(s);
    };
    const onData = (d: Buffer): void => {
      buf += d.toString("latin1");
      for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
        const line = buf.slice(0, nl).replace(/\r$/, "");
        buf = buf.slice(nl + 1);
        received.push(line);
        onLine(line, send, startTls, inTls);
      }
    };
    const startTls = (): void => {
      raw.off("data", onData);
      const t = new TLSSocket(raw, { isServer: true, secureContext: context });
      t.on("error", () => undefined);
      t.on("data", onData);
      stream = t;
      inTls = true;
    };
    raw.on("data", onData);
    raw.write(greeting);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  return {
    port: addr && typeof addr === "object" ? addr.port : 0,
    received,
    stop: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** NNTP per RFC 4642 §2 and RFC 3977 §5.2. */
export function startNntpPeer(tls: { cert: string; key: string }): Promise<ScriptedPeer> {
  const caps = "101 Capability list:\r\nVERSION 2\r\nREADER\r\nSTARTTLS\r\n.\r\n";
  return peer(
    "200 news.test.invalid InterNetNews NNRP server ready (posting ok)\r\n",
    (line, send, startTls, inTls) => {
      // After TLS, STARTTLS is no longer advertised (RFC 4642 §2.2.2).
      if (/^CAPABILITIES$/i.test(line)) send(inTls ? caps.replace("STARTTLS\r\n", "") : caps);
      else if (/^STARTTLS$/i.test(line)) {
        send("382 Continue with TLS negotiation\r\n");
        startTls();
      } else if (/^QUIT$/i.test(line)) send("205 Bye!\r\n");
      else send("500 What?\r\n");
    },
    tls,
  );
}

/** IRC per the IRCv3 "tls" extension: CAP LS lists tls; STARTTLS → 670. */
export function startIrcPeer(tls: { cert: string; key: string }): Promise<ScriptedPeer> {
  return peer(
    ":irc.test.invalid NOTICE * :*** Looking up your hostname...\r\n",
    (line, send, startTls) => {
      if (/^CAP LS/i.test(line)) send(":irc.test.invalid CAP * LS :multi-prefix tls sasl\r\n");
      else if (/^STARTTLS$/i.test(line)) {
        send(":irc.test.invalid 670 * :STARTTLS successful, go ahead with TLS handshake\r\n");
        startTls();
      }
    },
    tls,
  );
}
