import type { Conn } from "../conn.js";

/** Every plaintext protocol that can upgrade to TLS, by its URL scheme name. */
export const STARTTLS_PROTOCOLS = [
  "smtp",
  "lmtp",
  "imap",
  "pop3",
  "ftp",
  "xmpp",
  "xmpp-server",
  "ldap",
  "nntp",
  "sieve",
  "postgres",
  "mysql",
  "irc",
] as const;
export type StartTlsProtocol = (typeof STARTTLS_PROTOCOLS)[number];

export interface DialectOptions {
  /** The name we claim (EHLO argument) or address (XMPP `to`, HTTP Host). */
  readonly serverName: string;
  /** Our own name for EHLO/LHLO; defaults to "tlsdoctor.invalid". */
  readonly clientName: string;
  readonly signal: AbortSignal;
}

/** What the plaintext phase learned. */
export interface StartTlsOutcome {
  /** The server's greeting or banner, first line. */
  readonly banner?: string;
  /** Capabilities / features the server advertised before TLS. */
  readonly capabilities: readonly string[];
  /** Protocol-specific facts worth showing (server version, …). */
  readonly facts: Readonly<Record<string, string>>;
}

/**
 * One STARTTLS dialect, spoken the way real clients speak it. `negotiate`
 * runs from connect until the server agreed to start TLS and returns; it
 * throws TlsDoctorError TLSD_STARTTLS (with the server's reply in the
 * message) when the server does not offer or refuses TLS. `afterTls`, if
 * present, runs the short exchange a real client does over TLS (EHLO again,
 * CAPABILITY, QUIT …) so the transcript shows the server still talks.
 */
export interface StartTlsDialect {
  readonly protocol: StartTlsProtocol;
  readonly defaultPort: number;
  negotiate(conn: Conn, options: DialectOptions): Promise<StartTlsOutcome>;
  afterTls?(conn: Conn, options: DialectOptions): Promise<void>;
}
