import type { Conn } from "../conn.js";
import type { DialectOptions, StartTlsDialect, StartTlsOutcome } from "./dialect.js";
import { readNumericReply, readUntil, sessionRefused, starttlsError } from "./_reply.js";

/**
 * NNTP STARTTLS (RFC 4642 §2, CAPABILITIES from RFC 3977 §5.2):
 *
 *   S: 200 news.example.org ready
 *   C: CAPABILITIES
 *   S: 101 Capability list:
 *   S: VERSION 2
 *   S: STARTTLS
 *   S: .
 *   C: STARTTLS
 *   S: 382 Continue with TLS negotiation
 */
async function capabilities(conn: Conn, o: DialectOptions, phase: string): Promise<string[]> {
  conn.writeLine("CAPABILITIES");
  const r = await readNumericReply(conn, o.signal, phase);
  if (r.code !== 101) return [];
  return (await readUntil(conn, (l) => l === ".", o.signal, phase)).slice(0, -1);
}

export const nntp: StartTlsDialect = {
  protocol: "nntp",
  defaultPort: 119,
  async negotiate(conn: Conn, o: DialectOptions): Promise<StartTlsOutcome> {
    const greet = await readNumericReply(conn, o.signal, "NNTP greeting");
    if (greet.code !== 200 && greet.code !== 201)
      throw sessionRefused(
        "NNTP greeting",
        greet.raw,
        `Server refused the session with ${greet.code}: ${greet.lines.join(" ")}`,
      );
    const caps = await capabilities(conn, o, "NNTP CAPABILITIES reply");
    if (!caps.some((c) => /^STARTTLS\b/i.test(c))) {
      conn.writeLine("QUIT");
      throw starttlsError(
        "NNTP CAPABILITIES reply",
        false,
        caps.join("\n"),
        `Server does not offer STARTTLS: CAPABILITIES lists ${caps.join(", ") || "nothing"}`,
      );
    }
    conn.writeLine("STARTTLS");
    const go = await readNumericReply(conn, o.signal, "NNTP STARTTLS reply");
    if (go.code !== 382)
      throw starttlsError(
        "NNTP STARTTLS reply",
        true,
        go.raw,
        `Server refused STARTTLS with ${go.code}: ${go.lines.join(" ")}`,
      );
    return { banner: greet.lines[0] ?? "", capabilities: caps, facts: {} };
  },
  async afterTls(conn: Conn, o: DialectOptions): Promise<void> {
    await capabilities(conn, o, "NNTP CAPABILITIES over TLS");
    conn.writeLine("QUIT");
    await readNumericReply(conn, o.signal, "NNTP QUIT reply");
  },
};
