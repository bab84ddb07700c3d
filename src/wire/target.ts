import { isIP } from "node:net";
import { TlsDoctorError } from "../core/index.js";
import { STARTTLS_PROTOCOLS, type StartTlsProtocol } from "./starttls/dialect.js";

/** How TLS starts on a scheme, and on which port by default. */
export interface SchemeInfo {
  readonly port: number;
  /** Absent: TLS from the first byte. */
  readonly starttls?: StartTlsProtocol;
  /** ALPN a real client of this scheme offers by default, if any. */
  readonly alpn?: readonly string[];
}

/** Schemes a TARGET may use (DESIGN.md). */
export const SCHEMES = {
  tls: { port: 443 },
  https: { port: 443, alpn: ["h2", "http/1.1"] },
  smtps: { port: 465 },
  submissions: { port: 465 },
  imaps: { port: 993 },
  pop3s: { port: 995 },
  ldaps: { port: 636 },
  ftps: { port: 990 },
  xmpps: { port: 5223 },
  ircs: { port: 6697 },
  nntps: { port: 563 },
  smtp: { port: 25, starttls: "smtp" },
  submission: { port: 587, starttls: "smtp" },
  lmtp: { port: 24, starttls: "lmtp" },
  imap: { port: 143, starttls: "imap" },
  pop3: { port: 110, starttls: "pop3" },
  ftp: { port: 21, starttls: "ftp" },
  xmpp: { port: 5222, starttls: "xmpp" },
  "xmpp-client": { port: 5222, starttls: "xmpp" },
  "xmpp-server": { port: 5269, starttls: "xmpp-server" },
  ldap: { port: 389, starttls: "ldap" },
  nntp: { port: 119, starttls: "nntp" },
  sieve: { port: 4190, starttls: "sieve" },
  postgres: { port: 5432, starttls: "postgres" },
  postgresql: { port: 5432, starttls: "postgres" },
  mysql: { port: 3306, starttls: "mysql" },
  irc: { port: 6667, starttls: "irc" },
} as const satisfies Record<string, SchemeInfo>;

export type Scheme = keyof typeof SCHEMES;

/** Default port of each STARTTLS protocol, for `--starttls P` on a bare host. */
export const STARTTLS_DEFAULT_PORT = {
  smtp: 25,
  lmtp: 24,
  imap: 143,
  pop3: 110,
  ftp: 21,
  xmpp: 5222,
  "xmpp-server": 5269,
  ldap: 389,
  nntp: 119,
  sieve: 4190,
  postgres: 5432,
  mysql: 3306,
  irc: 6667,
} as const satisfies Record<StartTlsProtocol, number>;

export interface Target {
  /** What the user typed. */
  readonly input: string;
  readonly scheme: Scheme;
  /** Host name or IP literal, without brackets. */
  readonly host: string;
  readonly port: number;
  readonly starttls?: StartTlsProtocol;
  /** The name sent as SNI and checked against the certificate; absent for IP literals. */
  readonly serverName?: string;
  /** `host:port`, with brackets around IPv6 literals. */
  readonly display: string;
}

export interface ParseTargetOptions {
  /** `--starttls PROTO`: overrides the scheme's way of starting TLS. */
  readonly starttls?: string;
}

export function isStartTlsProtocol(p: string): p is StartTlsProtocol {
  return (STARTTLS_PROTOCOLS as readonly string[]).includes(p);
}

function bad(input: string, why: string): TlsDoctorError {
  return new TlsDoctorError(
    "TLSD_BAD_TARGET",
    `Cannot parse target ${JSON.stringify(input)}: ${why}`,
    {
      details: { target: input },
    },
  );
}

function parsePort(input: string, text: string): number {
  if (!/^\d{1,5}$/.test(text)) throw bad(input, `port ${JSON.stringify(text)} is not a number`);
  const port = Number(text);
  if (port < 1 || port > 65535) throw bad(input, `port ${port} is outside 1-65535`);
  return port;
}

/** Splits `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 literal. */
function splitHostPort(input: string, hp: string): { host: string; port?: number } {
  if (hp.startsWith("[")) {
    const close = hp.indexOf("]");
    if (close < 0) throw bad(input, "missing ] after IPv6 address");
    const host = hp.slice(1, close);
    if (isIP(host) !== 6) throw bad(input, `${JSON.stringify(host)} is not an IPv6 address`);
    const rest = hp.slice(close + 1);
    if (rest === "") return { host };
    if (!rest.startsWith(":")) throw bad(input, `unexpected ${JSON.stringify(rest)} after ]`);
    return { host, port: parsePort(input, rest.slice(1)) };
  }
  if (isIP(hp) === 6) return { host: hp };
  const colon = hp.lastIndexOf(":");
  if (colon < 0) return { host: hp };
  if (hp.indexOf(":") !== colon)
    throw bad(input, "IPv6 addresses need brackets when a port is given: [::1]:443");
  return { host: hp.slice(0, colon), port: parsePort(input, hp.slice(colon + 1)) };
}

const HOST_RE =
  /^(?=.{1,253}$)([A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

/**
 * Parses a TARGET: `host[:port]` or `scheme://host[:port][/…]`. The scheme
 * picks direct TLS or a STARTTLS dialect and the default port (SCHEMES).
 */
export function parseTarget(input: string, options: ParseTargetOptions = {}): Target {
  const text = input.trim();
  if (text === "") throw bad(input, "it is empty");
  let scheme: Scheme = "tls";
  let rest = text;
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(.*)$/.exec(text);
  if (m) {
    const s = (m[1] ?? "").toLowerCase();
    if (!(s in SCHEMES)) {
      throw bad(
        input,
        `unknown scheme ${JSON.stringify(s)} (known: ${Object.keys(SCHEMES).join(", ")})`,
      );
    }
    scheme = s as Scheme;
    rest = m[2] ?? "";
  }
  // Drop user info, path, query and fragment: only the authority matters.
  rest = rest.replace(/[/?#].*$/, "");
  const at = rest.lastIndexOf("@");
  if (at >= 0) rest = rest.slice(at + 1);
  if (rest === "") throw bad(input, "no host");
  const { host, port } = splitHostPort(input, rest);
  if (isIP(host) === 0 && !HOST_RE.test(host))
    throw bad(input, `${JSON.stringify(host)} is not a valid host name`);

  const info: SchemeInfo = SCHEMES[scheme];
  let starttls = info.starttls;
  if (options.starttls !== undefined) {
    const p = options.starttls.toLowerCase();
    if (!isStartTlsProtocol(p)) {
      throw new TlsDoctorError(
        "TLSD_USAGE",
        `Cannot use --starttls ${JSON.stringify(options.starttls)}: known protocols are ${STARTTLS_PROTOCOLS.join(", ")}`,
      );
    }
    starttls = p;
  }
  const defaultPort =
    m === null && starttls !== undefined ? STARTTLS_DEFAULT_PORT[starttls] : info.port;
  const finalPort = port ?? defaultPort;
  const hostName = host.endsWith(".") ? host.slice(0, -1) : host;
  return {
    input,
    scheme,
    host: hostName,
    port: finalPort,
    ...(starttls === undefined ? {} : { starttls }),
    ...(isIP(hostName) === 0 ? { serverName: hostName.toLowerCase() } : {}),
    display: `${isIP(hostName) === 6 ? `[${hostName}]` : hostName}:${finalPort}`,
  };
}
