// STARTTLS dialects, one file per protocol, keyed by protocol name.
import type { StartTlsDialect, StartTlsProtocol } from "./dialect.js";
import { ftp } from "./ftp.js";
import { imap } from "./imap.js";
import { irc } from "./irc.js";
import { ldap } from "./ldap.js";
import { mysql } from "./mysql.js";
import { nntp } from "./nntp.js";
import { pop3 } from "./pop3.js";
import { postgres } from "./postgres.js";
import { sieve } from "./sieve.js";
import { lmtp, smtp } from "./smtp.js";
import { xmpp, xmppServer } from "./xmpp.js";

export * from "./dialect.js";

export const DIALECTS = {
  smtp,
  lmtp,
  imap,
  pop3,
  ftp,
  xmpp,
  "xmpp-server": xmppServer,
  ldap,
  nntp,
  sieve,
  postgres,
  mysql,
  irc,
} as const satisfies Record<StartTlsProtocol, StartTlsDialect>;

export function dialectFor(protocol: StartTlsProtocol): StartTlsDialect {
  return DIALECTS[protocol];
}

// The byte-level messages the binary dialects send, for tools and tests.
export { sslRequest as postgresSslRequest } from "./postgres.js";
export { startTlsRequest as ldapStartTlsRequest } from "./ldap.js";
