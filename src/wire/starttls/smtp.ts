import type { Conn } from "../conn.js";
import type { DialectOptions, StartTlsDialect, StartTlsOutcome } from "./dialect.js";
import { readNumericReply, sessionRefused, starttlsError, type NumericReply } from "./_reply.js";

/**
 * SMTP STARTTLS (RFC 3207) and LMTP (RFC 2033, LHLO instead of EHLO):
 *
 *   S: 220 mx.example.org ESMTP
 *   C: EHLO client.example.org
 *   S: 250-mx.example.org Hello
 *   S: 250 STARTTLS
 *   C: STARTTLS
 *   S: 220 Ready to start TLS
 *   ... TLS handshake ...
 *   C: EHLO client.example.org        (RFC 3207 §4.2: the client MUST discard what it knew)
 *   C: QUIT
 */
function smtpLike(
  protocol: "smtp" | "lmtp",
  hello: "EHLO" | "LHLO",
  defaultPort: number,
): StartTlsDialect {
  const name = protocol.toUpperCase();
  const capsOf = (r: NumericReply): string[] =>
    r.lines
      .slice(1)
      .map((l) => l.trim())
      .filter(Boolean);
  return {
    protocol,
    defaultPort,
    async negotiate(conn: Conn, o: DialectOptions): Promise<StartTlsOutcome> {
      const greet = await readNumericReply(conn, o.signal, `${name} greeting`);
      if (greet.code !== 220) {
        throw sessionRefused(
          `${name} greeting`,
          greet.raw,
          `Server refused the session with ${greet.code}: ${greet.lines.join(" ")}`,
        );
      }
      conn.writeLine(`${hello} ${o.clientName}`);
      const ehlo = await readNumericReply(conn, o.signal, `${name} ${hello} reply`);
      if (ehlo.code !== 250) {
        throw starttlsError(
          `${name} ${hello} reply`,
          false,
          ehlo.raw,
          `Server rejected ${hello} with ${ehlo.code}: ${ehlo.lines.join(" ")}`,
        );
      }
      const capabilities = capsOf(ehlo);
      const banner = greet.lines[0] ?? "";
      if (!capabilities.some((c) => /^STARTTLS\b/i.test(c))) {
        conn.writeLine("QUIT");
        throw starttlsError(
          `${name} ${hello} reply`,
          false,
          ehlo.raw,
          `Server does not offer STARTTLS: its ${hello} reply lists ${capabilities.join(", ") || "no extensions"}`,
        );
      }
      conn.writeLine("STARTTLS");
      const go = await readNumericReply(conn, o.signal, `${name} STARTTLS reply`);
      if (go.code !== 220) {
        throw starttlsError(
          `${name} STARTTLS reply`,
          true,
          go.raw,
          `Server refused STARTTLS with ${go.code}: ${go.lines.join(" ")}`,
        );
      }
      return { banner, capabilities, facts: {} };
    },
    async afterTls(conn: Conn, o: DialectOptions): Promise<void> {
      conn.writeLine(`${hello} ${o.clientName}`);
      await readNumericReply(conn, o.signal, `${name} ${hello} over TLS`);
      conn.writeLine("QUIT");
      await readNumericReply(conn, o.signal, `${name} QUIT reply`);
    },
  };
}

export const smtp = smtpLike("smtp", "EHLO", 25);
export const lmtp = smtpLike("lmtp", "LHLO", 24);
