import type { Conn } from "../conn.js";
import type { DialectOptions, StartTlsDialect, StartTlsOutcome } from "./dialect.js";
import { readUntil, sessionRefused, starttlsError } from "./_reply.js";

/**
 * ManageSieve STARTTLS (RFC 5804 §1.7, §2.2):
 *
 *   S: "IMPLEMENTATION" "Dovecot Pigeonhole"
 *   S: "SIEVE" "fileinto reject"
 *   S: "STARTTLS"
 *   S: OK "ready"
 *   C: STARTTLS
 *   S: OK "Begin TLS negotiation now"
 *   ... TLS ...  the server sends its capabilities again, unprompted (§2.2)
 *   C: LOGOUT
 */
const isEnd = (l: string): boolean => /^(OK|NO|BYE)\b/i.test(l);

function caps(lines: readonly string[]): string[] {
  return lines.filter((l) => l.startsWith('"')).map((l) => l.replace(/^"([^"]*)".*$/, "$1"));
}

export const sieve: StartTlsDialect = {
  protocol: "sieve",
  defaultPort: 4190,
  async negotiate(conn: Conn, o: DialectOptions): Promise<StartTlsOutcome> {
    const greeting = await readUntil(conn, isEnd, o.signal, "ManageSieve greeting");
    const last = greeting.at(-1) ?? "";
    if (!/^OK/i.test(last))
      throw sessionRefused("ManageSieve greeting", last, `Server refused the session: ${last}`);
    const capabilities = caps(greeting);
    const impl = greeting
      .find((l) => /^"IMPLEMENTATION"/i.test(l))
      ?.replace(/^"IMPLEMENTATION"\s*/i, "")
      .replace(/"/g, "");
    if (!capabilities.some((c) => c.toUpperCase() === "STARTTLS")) {
      conn.writeLine("LOGOUT");
      throw starttlsError(
        "ManageSieve greeting",
        false,
        greeting.join("\n"),
        `Server does not offer STARTTLS: capabilities are ${capabilities.join(", ")}`,
      );
    }
    conn.writeLine("STARTTLS");
    const go = await conn.readLine(o.signal, "ManageSieve STARTTLS reply");
    if (!/^OK/i.test(go))
      throw starttlsError("ManageSieve STARTTLS reply", true, go, `Server refused STARTTLS: ${go}`);
    return { banner: last, capabilities, facts: impl ? { implementation: impl } : {} };
  },
  async afterTls(conn: Conn, o: DialectOptions): Promise<void> {
    await readUntil(conn, isEnd, o.signal, "ManageSieve capabilities over TLS");
    conn.writeLine("LOGOUT");
    await conn.readLine(o.signal, "ManageSieve LOGOUT reply");
  },
};
