import type { Conn } from "../conn.js";
import type { DialectOptions, StartTlsDialect, StartTlsOutcome } from "./dialect.js";
import { readUntil, sessionRefused, starttlsError } from "./_reply.js";

/**
 * IMAP STARTTLS (RFC 3501 §6.2.1, RFC 2595 §3.1):
 *
 *   S: * OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready
 *   C: a001 CAPABILITY                 (skipped when the greeting carried it)
 *   S: * CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED
 *   S: a001 OK done
 *   C: a002 STARTTLS
 *   S: a002 OK Begin TLS negotiation now
 *   ... TLS ...
 *   C: a003 CAPABILITY / a004 LOGOUT
 */
function capsFrom(line: string): string[] | undefined {
  const m = /(?:^\* CAPABILITY |\[CAPABILITY )([^\]]*)/i.exec(line);
  return m?.[1]?.trim().split(/\s+/);
}

export const imap: StartTlsDialect = {
  protocol: "imap",
  defaultPort: 143,
  async negotiate(conn: Conn, o: DialectOptions): Promise<StartTlsOutcome> {
    const greeting = await conn.readLine(o.signal, "IMAP greeting");
    if (/^\* BYE/i.test(greeting) || !/^\* (OK|PREAUTH)/i.test(greeting)) {
      throw sessionRefused("IMAP greeting", greeting, `Server refused the session: ${greeting}`);
    }
    if (/^\* PREAUTH/i.test(greeting)) {
      throw starttlsError(
        "IMAP greeting",
        false,
        greeting,
        "Server greeted with PREAUTH: STARTTLS is not allowed in the authenticated state (RFC 3501 §6.2.1)",
      );
    }
    let caps = capsFrom(greeting);
    if (!caps) {
      conn.writeLine("a001 CAPABILITY");
      const lines = await readUntil(
        conn,
        (l) => /^a001 /i.test(l),
        o.signal,
        "IMAP CAPABILITY reply",
      );
      caps = lines.map(capsFrom).find((c) => c !== undefined) ?? [];
    }
    if (!caps.some((c) => c.toUpperCase() === "STARTTLS")) {
      conn.writeLine("a002 LOGOUT");
      throw starttlsError(
        "IMAP CAPABILITY reply",
        false,
        caps.join(" "),
        `Server does not offer STARTTLS: CAPABILITY lists ${caps.join(" ")}`,
      );
    }
    conn.writeLine("a002 STARTTLS");
    const lines = await readUntil(conn, (l) => /^a002 /i.test(l), o.signal, "IMAP STARTTLS reply");
    const last = lines.at(-1) ?? "";
    if (!/^a002 OK/i.test(last))
      throw starttlsError("IMAP STARTTLS reply", true, last, `Server refused STARTTLS: ${last}`);
    return { banner: greeting, capabilities: caps, facts: {} };
  },
  async afterTls(conn: Conn, o: DialectOptions): Promise<void> {
    conn.writeLine("a003 CAPABILITY");
    await readUntil(conn, (l) => /^a003 /i.test(l), o.signal, "IMAP CAPABILITY over TLS");
    conn.writeLine("a004 LOGOUT");
    await readUntil(conn, (l) => /^a004 /i.test(l), o.signal, "IMAP LOGOUT reply");
  },
};
