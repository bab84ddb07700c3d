import type { Conn } from "../conn.js";
import type { DialectOptions, StartTlsDialect, StartTlsOutcome } from "./dialect.js";
import { readNumericReply, sessionRefused, starttlsError } from "./_reply.js";

/**
 * FTP AUTH TLS (RFC 4217 §4, FEAT from RFC 2389):
 *
 *   S: 220 FTP server ready         (may be multi-line: 220-…)
 *   C: FEAT
 *   S: 211-Features:
 *   S:  AUTH TLS
 *   S: 211 End
 *   C: AUTH TLS
 *   S: 234 Proceed with negotiation.
 *   ... TLS ...
 *   C: PBSZ 0 / PROT P / QUIT
 */
export const ftp: StartTlsDialect = {
  protocol: "ftp",
  defaultPort: 21,
  async negotiate(conn: Conn, o: DialectOptions): Promise<StartTlsOutcome> {
    const greet = await readNumericReply(conn, o.signal, "FTP greeting");
    if (greet.code !== 220)
      throw sessionRefused(
        "FTP greeting",
        greet.raw,
        `Server refused the session with ${greet.code}: ${greet.lines.join(" ")}`,
      );
    conn.writeLine("FEAT");
    const feat = await readNumericReply(conn, o.signal, "FTP FEAT reply");
    const capabilities =
      feat.code === 211
        ? feat.lines
            .slice(1, -1)
            .map((l) => l.trim())
            .filter(Boolean)
        : [];
    conn.writeLine("AUTH TLS");
    const go = await readNumericReply(conn, o.signal, "FTP AUTH TLS reply");
    if (go.code !== 234) {
      const offered = capabilities.some((c) => /^AUTH\b.*\bTLS\b/i.test(c));
      throw starttlsError(
        "FTP AUTH TLS reply",
        offered,
        go.raw,
        `Server refused AUTH TLS with ${go.code}: ${go.lines.join(" ")}`,
      );
    }
    return { banner: greet.lines[0] ?? "", capabilities, facts: {} };
  },
  async afterTls(conn: Conn, o: DialectOptions): Promise<void> {
    conn.writeLine("PBSZ 0");
    await readNumericReply(conn, o.signal, "FTP PBSZ reply");
    conn.writeLine("PROT P");
    await readNumericReply(conn, o.signal, "FTP PROT reply");
    conn.writeLine("QUIT");
    await readNumericReply(conn, o.signal, "FTP QUIT reply");
  },
};
