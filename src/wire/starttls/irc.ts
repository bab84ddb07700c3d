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
 *
 * A CAP LS reply without `tls` means no STARTTLS (the spec requires servers
 * that offer it to list it); a server without CAP answers 421 to it and is
 * judged by its answer to STARTTLS alone.
 */
export const irc: StartTlsDialect = {
  protocol: "irc",
  defaultPort: 6667,
  async negotiate(conn: Conn, o: DialectOptions): Promise<StartTlsOutcome> {
    conn.writeLine("CAP LS");
    conn.writeLine("STARTTLS");
    let capabilities: string[] = [];
    const listed: string[] = [];
    let banner = "";
    for (let i = 0; i < MAX_IRC_LINES; i++) {
      const line = await conn.readLine(o.signal, "IRC STARTTLS reply");
      if (banner === "") banner = line;
      const ping = /^PING (.*)$/.exec(line);
      if (ping) {
        conn.writeLine(`PONG ${ping[1] ?? ""}`);
        continue;
      }
      // CAP LS 302 may split the list: `CAP * LS * :a b` lines, then `CAP * LS :c`.
      const cap = /^:\S+ CAP \S+ LS (\* )?:?(.*)$/.exec(line);
      if (cap) {
        listed.push(
          ...(cap[2] ?? "")
            .trim()
            .split(/\s+/)
            .filter((c) => c !== ""),
        );
        capabilities = listed;
        // The tls extension: a server that does STARTTLS lists `tls`. Without it
        // a server may say nothing at all to STARTTLS (InspIRCd drops unknown
        // commands before registration), so stop here rather than wait.
        if (cap[1] === undefined && !listed.some((c) => c === "tls" || c.startsWith("tls="))) {
          throw starttlsError(
            "IRC CAP LS reply",
            false,
            line,
            `Server does not offer STARTTLS: CAP LS lists ${listed.join(" ") || "nothing"}, no tls`,
          );
        }
        continue;
      }
      const num = /^:\S+ (\d{3}) /.exec(line)?.[1];
      if (num === "670") return { banner, capabilities, facts: {} };
      if (num === "691")
        throw starttlsError("IRC STARTTLS reply", true, line, `Server failed STARTTLS: ${line}`);
      // 421 unknown command / 451 not registered count only when they name
      // STARTTLS: a server without CAP answers 421 to `CAP LS` first.
      const refusedStartTls =
        (num === "421" || num === "451") && /^:\S+ \d{3} \S+ STARTTLS\b/i.test(line);
      if (refusedStartTls || /^ERROR /.test(line)) {
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
