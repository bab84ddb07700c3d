import type { Conn } from "../conn.js";
import type { DialectOptions, StartTlsDialect, StartTlsOutcome } from "./dialect.js";
import { starttlsError } from "./_reply.js";

/** SSLRequest code: 1234 << 16 | 5679 (PostgreSQL protocol 3, §55.2.10). */
export const PG_SSL_REQUEST_CODE = 80877103;

/**
 * PostgreSQL SSLRequest (protocol docs, "SSL Session Encryption"):
 *
 *   C: Int32 length = 8, Int32 80877103
 *   S: 'S'  → start TLS now
 *   S: 'N'  → the server does not do SSL (ssl = off)
 *   S: 'E…' → an ErrorResponse: a pre-3.0 server or a refusal
 */
export function sslRequest(): Uint8Array {
  const b = new Uint8Array(8);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  v.setInt32(0, 8);
  v.setInt32(4, PG_SSL_REQUEST_CODE);
  return b;
}

export const postgres: StartTlsDialect = {
  protocol: "postgres",
  defaultPort: 5432,
  async negotiate(conn: Conn, o: DialectOptions): Promise<StartTlsOutcome> {
    conn.writeBytes(sslRequest(), "SSLRequest (Int32 8, Int32 80877103)");
    const [answer] = await conn.readBytes(1, o.signal, "PostgreSQL SSLRequest reply");
    if (answer === 0x53) {
      conn.transcript.recv("S (server agrees to SSL)");
      return { capabilities: ["SSL"], facts: {} };
    }
    if (answer === 0x4e) {
      conn.transcript.recv("N (server does not accept SSL)");
      throw starttlsError(
        "PostgreSQL SSLRequest reply",
        false,
        "N",
        "Server does not accept SSL: it answered N to SSLRequest (ssl = off in postgresql.conf)",
      );
    }
    const shown = answer === 0x45 ? "E (ErrorResponse)" : `0x${(answer ?? 0).toString(16)}`;
    conn.transcript.recv(shown);
    throw starttlsError(
      "PostgreSQL SSLRequest reply",
      false,
      shown,
      `Server answered SSLRequest with ${shown}, not S or N`,
    );
  },
};
