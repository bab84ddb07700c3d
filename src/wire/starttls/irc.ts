import type { Conn } from "../conn.js";
import type { DialectOptions, StartTlsDialect, StartTlsOutcome } from "./dialect.js";
import { starttlsError } from "./_reply.js";

/** Lines read while waiting for the server's answer to STARTTLS (NOTICEs, PINGs). */
const MAX_IRC_LINES = 200;

/**
 * IRC STARTTLS (IRCv3 "tls" extension; numerics 670 RPL_STARTTLS and 691
 * ERR_STARTTLS). Clients send it before registration; servers often send
 * NOTICE lines first and may PING, which we answer:
 *
 *   C: CAP LS
 *   S: :irc.example.org CAP * LS :multi-prefix tls
 *   C: STARTTLS
 *   S: :irc.example.org 670 * :STARTTLS successful, go ahead with TLS handshake
 */
export const irc: StartTlsDialect = {
  protocol: "irc",
  defaultPort: 6667,
  async negotiate(conn: Conn, o: DialectOptions): Promise<StartTlsOutcome> {
    conn.writeLine("CAP LS");
    conn.writeLine("STARTTLS");
    let capabilities: string[] = [];
    let banner = "";
    for (let i = 0; i < MAX_IRC_LINES; i++) {
      const line = await conn.readLine(o.signal, "IRC STARTTLS reply");
      if (banner === "") banner = line;
      const ping = /^PING (.*)$/.exec(line);
      if (ping) {
        conn.writeLine(`PONG ${ping[1] ?? ""}`);
        continue;
      }
      const cap = /^:\S+ CAP \S+ LS :?(.*)$/.exec(line);
      if (cap) capabilities = (cap[1] ?? "").trim().split(/\s+/);
      const num = /^:\S+ (\d{3}) /.exec(line)?.[1];
      if (num === "670") return { banner, capabilities, facts: {} };
      if (num === "691")
        throw starttlsError("IRC STARTTLS reply", true, line, `Server failed STARTTLS: ${line}`);
      if (num === "421" || num === "451" || /^ERROR /.test(line)) {
        throw starttlsError(
          "IRC STARTTLS reply",
          capabilities.includes("tls"),
          line,
          `Server does not support STARTTLS: ${line}`,
        );
      }
    }
    throw starttlsError(
      "IRC STARTTLS reply",
      false,
      "",
      `Server sent ${MAX_IRC_LINES} lines without answering STARTTLS`,
    );
  },
};
