import type { Conn } from "../conn.js";
import type { DialectOptions, StartTlsDialect, StartTlsOutcome } from "./dialect.js";
import { readUntil, sessionRefused, starttlsError } from "./_reply.js";

/**
 * POP3 STLS (RFC 2595 §4, CAPA from RFC 2449):
 *
 *   S: +OK POP3 server ready
 *   C: CAPA
 *   S: +OK
 *   S: STLS
 *   S: .
 *   C: STLS
 *   S: +OK Begin TLS negotiation
 */
async function capa(conn: Conn, o: DialectOptions, phase: string): Promise<string[] | undefined> {
  conn.writeLine("CAPA");
  const first = await conn.readLine(o.signal, phase);
  if (!first.startsWith("+OK")) return undefined;
  const lines = await readUntil(conn, (l) => l === ".", o.signal, phase);
  return lines.slice(0, -1);
}

export const pop3: StartTlsDialect = {
  protocol: "pop3",
  defaultPort: 110,
  async negotiate(conn: Conn, o: DialectOptions): Promise<StartTlsOutcome> {
    const greeting = await conn.readLine(o.signal, "POP3 greeting");
    if (!greeting.startsWith("+OK"))
      throw sessionRefused("POP3 greeting", greeting, `Server refused the session: ${greeting}`);
    const caps = (await capa(conn, o, "POP3 CAPA reply")) ?? [];
    if (!caps.some((c) => /^STLS\b/i.test(c))) {
      conn.writeLine("QUIT");
      throw starttlsError(
        "POP3 CAPA reply",
        false,
        caps.join(" "),
        `Server does not offer STLS: CAPA lists ${caps.join(", ") || "nothing"}`,
      );
    }
    conn.writeLine("STLS");
    const go = await conn.readLine(o.signal, "POP3 STLS reply");
    if (!go.startsWith("+OK"))
      throw starttlsError("POP3 STLS reply", true, go, `Server refused STLS: ${go}`);
    return { banner: greeting, capabilities: caps, facts: {} };
  },
  async afterTls(conn: Conn, o: DialectOptions): Promise<void> {
    await capa(conn, o, "POP3 CAPA over TLS");
    conn.writeLine("QUIT");
    await conn.readLine(o.signal, "POP3 QUIT reply");
  },
};
