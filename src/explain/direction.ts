/**
 * Which side of a TLS connection wrote a log line, and whether the alert it
 * mentions came from the peer. The same alert means opposite things to the
 * two sides (seeds/003: `SSL_accept … alert bad certificate` is the *client*
 * rejecting the server's certificate, not the server asking for one), so
 * every explanation is read through this.
 *
 * Cues come from the daemons' own wording: OpenSSL's SSL_accept/SSL_connect
 * (ssl/statem/statem.c), Postfix's smtpd/smtp/lmtp process names, Exim's
 * "TLS error on connection from|to" (src/tls-openssl.c, src/tls-gnu.c),
 * Dovecot's *-login processes, nginx's "while SSL handshaking [to upstream]"
 * (src/event/ngx_event_openssl.c, src/http/ngx_http_upstream.c), haproxy's
 * frontend vs server-check messages, Go's net/http "TLS handshake error from".
 */
export type Role = "server" | "client" | "unknown";

export interface Direction {
  /** The role of the program that wrote the text. */
  readonly ourRole: Role;
  /** true: the alert was received from the peer; false: we sent it; absent: no alert or cannot tell. */
  readonly alertSentByPeer?: boolean;
  /** The cue(s) the answer rests on, quoted, or why there is none. */
  readonly evidence: string;
}

interface Cue {
  readonly re: RegExp;
  readonly role: "server" | "client";
  readonly why: string;
}

// Strong cues name the TLS entry point or the daemon's role outright.
const STRONG: readonly Cue[] = [
  { re: /\bSSL_accept\b/, role: "server", why: "SSL_accept is the server's handshake" },
  { re: /\bSSL_connect\b/, role: "client", why: "SSL_connect is the client's handshake" },
  {
    re: /\bpostfix[^/\s]*\/(?:smtpd|postscreen|submission\/smtpd)\[/,
    role: "server",
    why: "Postfix smtpd receives mail (server)",
  },
  {
    re: /\bpostfix[^/\s]*\/(?:smtp|lmtp)\[/,
    role: "client",
    why: "Postfix smtp/lmtp delivers mail (client)",
  },
  {
    re: /\bTLS error on connection from\b/,
    role: "server",
    why: "Exim: a connection from a client (we are server)",
  },
  {
    re: /\bTLS error on connection to\b/,
    role: "client",
    why: "Exim: a connection to a server (we are client)",
  },
  {
    re: /\b(?:imap|pop3|submission|managesieve|lmtp)-login\b/,
    role: "server",
    why: "Dovecot login process (server)",
  },
  {
    re: /\bwhile SSL handshaking to upstream\b|\bupstream SSL certificate\b/,
    role: "client",
    why: "nginx talking to an upstream (client)",
  },
  {
    re: /\bwhile SSL handshaking(?! to upstream)\b/,
    role: "server",
    why: "nginx handshaking with a client (server)",
  },
  {
    re: /\bServer \S+\/\S+ is DOWN\b|\bHealth check for server\b/,
    role: "client",
    why: "haproxy server check (client)",
  },
  {
    re: /\bhaproxy\[\d+\]: [0-9a-fA-F.:[\]]{2,60}:\d{1,5} \[[^\]\n]{1,40}\] \S+: SSL handshake failure/,
    role: "server",
    why: "haproxy frontend handshake (server)",
  },
  { re: /\bTLS handshake error from\b/, role: "server", why: "Go net/http server log" },
  { re: /\bs_server\b/, role: "server", why: "openssl s_server" },
  { re: /\bs_client\b|\bcurl: \(\d+\)/, role: "client", why: "a client tool (s_client, curl)" },
  {
    re: /\b(?:Get|Post|Put|Head|Patch|Delete) "https?:\/\//,
    role: "client",
    why: "Go net/http client request",
  },
  {
    re: /\bSSL Proxy\b|\bAH0(?:0957|1084|2005)\b/,
    role: "client",
    why: "Apache mod_ssl as a proxy (client)",
  },
];

// Weak cues: generic words that usually, not always, say who we are.
const WEAK: readonly Cue[] = [
  {
    re: /\bconnect(?:ion)? from\b|\blost connection after STARTTLS from\b|\bclient: \S|\bfrom client\b|\brip=/,
    role: "server",
    why: "a connection from a client",
  },
  {
    re: /\bconnect(?:ion)? to\b|\bupstream\b|\bto server\b/,
    role: "client",
    why: "a connection to a server",
  },
];

// An alert the peer sent (OpenSSL reason 1000+N is always a received alert,
// ssl/record/rec_layer_s3.c; Go "remote error", rustls "received fatal alert",
// Java "Received fatal alert", GnuTLS GNUTLS_E_FATAL_ALERT_RECEIVED).
const RECEIVED =
  /\balert read\b|\breceived (?:a |an )?(?:fatal |warning )?alert\b|\balert received\b|\bremote error: tls:|\bSSL alert number \d+|\b(?:sslv3|tlsv1|tlsv13|ssl\/tls|tls) alert [a-z]|\bTLS fatal alert has been received\b|\bpeer (?:sent|rejected)\b|\bAlertReceived\b|\bSSL_ERROR_[A-Z_]+_ALERT\b/i;
// An alert we sent (s_client/s_server "SSL3 alert write", Go "local error",
// rustls "Sending fatal alert", Java "Sending alert"/"Fatal (…)" debug lines).
const SENT =
  /\balert write\b|\bsen(?:t|ding) (?:a |an )?(?:fatal |warning )?alert\b|\blocal error: tls:|\bAlertSent\b/i;

function firstHits(
  cues: readonly Cue[],
  text: string,
): { role: "server" | "client"; quote: string; why: string }[] {
  const hits: { role: "server" | "client"; quote: string; why: string }[] = [];
  for (const c of cues) {
    const m = c.re.exec(text);
    if (m) hits.push({ role: c.role, quote: m[0], why: c.why });
  }
  return hits;
}

/** Finds which side wrote `text` and whether its alert came from the peer. */
export function detectDirection(text: string): Direction {
  // Bound the work on hostile input: cues sit near the start of a log line.
  const t = text.length > 8192 ? text.slice(0, 8192) : text;
  const alert = alertDirection(t);
  for (const tier of [STRONG, WEAK]) {
    const hits = firstHits(tier, t);
    if (hits.length === 0) continue;
    const roles = new Set(hits.map((h) => h.role));
    const evidence = hits.map((h) => `"${h.quote}" (${h.why})`).join("; ");
    if (roles.size > 1) {
      return { ourRole: "unknown", ...alert, evidence: `Conflicting cues: ${evidence}` };
    }
    return { ourRole: hits[0]!.role, ...alert, evidence };
  }
  return { ourRole: "unknown", ...alert, evidence: "No cue in the text says which side wrote it" };
}

function alertDirection(t: string): { alertSentByPeer?: boolean } {
  const r = RECEIVED.test(t);
  const s = SENT.test(t);
  if (r === s) return {};
  return { alertSentByPeer: r };
}

/**
 * The side on which the event an entry describes happened. For an alert this
 * is the receiver: the writer itself when the peer sent it, else the peer.
 */
export function eventSide(d: Direction, isAlert: boolean): Role {
  if (d.ourRole === "unknown") return "unknown";
  if (!isAlert || d.alertSentByPeer !== false) return d.ourRole;
  return d.ourRole === "server" ? "client" : "server";
}
