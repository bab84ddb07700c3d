/**
 * Recognisers for TLS and crypto failures in daemons' logs. Each takes the
 * program name (syslog tag) and the message after the header, and returns
 * what the line says: which daemon, a stable cause key, the peer, our side
 * of the connection when the wording tells it, and the text to decode.
 *
 * Cause keys (stable; `explain` joins on them):
 *   openssl:XXXXXXXX          the first OpenSSL error item's packed code, as printed
 *   openssl:syscall:<errno>   SSL_ERROR_SYSCALL with the strerror text (slug)
 *   gnutls:<name>             a GnuTLS error string (gnutls_strerror), see GNUTLS_KEYS
 *   alert:N                   the peer sent TLS alert N (the daemon logged only its name)
 *   x509:N                    an X509_V_ERR verify code
 *   <daemon>:<event>          a daemon's own wording without a library code
 *   ssh:<event>, kernel:<event>, glibc:arc4random-entropy
 *   crash:segv|abort|bus|ill|fpe|trap|sys   a process died of that signal
 */
import { GNUTLS_ALERTS } from "./messages.js";

export type LogSourceKind =
  | "postfix"
  | "exim"
  | "dovecot"
  | "openssh"
  | "nginx"
  | "apache"
  | "haproxy"
  | "kernel"
  | "glibc"
  | "audit"
  | "systemd"
  | "openssl"
  | "other";

export type TlsRole = "server" | "client";

export interface LogMatch {
  readonly source: LogSourceKind;
  readonly cause: string;
  /** The peer's address (or host name when no address is written). */
  readonly peer: string | undefined;
  /** The peer's host name when the line gives one besides the address. */
  readonly peerName: string | undefined;
  /** Our side of the connection, when the wording tells it. */
  readonly role: TlsRole | undefined;
  /** The part of the line to decode (an error item, a library string, the kernel's words). */
  readonly errorText: string;
  /** For crashes and process-level failures: the program that failed. */
  readonly subject: string | undefined;
}

/**
 * Words at least one of which every recognised line contains (case-sensitive):
 * the scanner searches raw bytes for these before running any pattern.
 */
export const LOG_CUES: readonly string[] = [
  "SSL", // SSL_accept/SSL_connect/SSL_do_handshake, "SSL routines", "SSL handshake failure", "SSL Library Error"
  "TLS error", // Exim
  "TLS library", // Postfix
  "TLS handshak", // Dovecot
  "TLS session", // Exim deliveries
  "after STARTTLS", // Postfix smtpd
  "ertificate verif", // Postfix
  "Certificate Verification", // Apache AH02039
  "routines:", // OpenSSL error items of non-SSL libraries
  "signal", // "killed by signal" (Postfix), "killed with signal" (Dovecot)
  "segfault", // kernel
  "traps:", // kernel
  "alg:", // kernel crypto self-tests
  "transformation", // kernel crypto drivers
  "crypt:", // dm-crypt
  "ANOM_ABEND", // audit
  "arc4random", // glibc
  "code=dumped", // systemd
  "Unable to negotiate", // OpenSSH
  "fatal:", // OpenSSH
];

/** OpenSSL error items "error:XXXXXXXX:lib:func:reason" (crypto/err/err_prn.c, ERR_error_string_n). */
const OPENSSL_ITEM = /error:([0-9A-Fa-f]{8}):[^\s:]*(?: [^\s:]+)*:[^:]*:[^:\n]*/;
const PEER_BRACKET = /(?:^|\s)([^\s[\]()]*)\[([0-9A-Fa-f:.]+)\](?::(\d{1,5}))?/;

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
}

/**
 * GnuTLS error strings as gnutls_strerror() returns them (lib/errors.c,
 * GnuTLS 3.7), for the ones mail servers log most; others get a slug of
 * their text, which is just as stable.
 */
const GNUTLS_KEYS: Readonly<Record<string, string>> = {
  "A TLS fatal alert has been received.": "gnutls:fatal-alert",
  "A TLS warning alert has been received.": "gnutls:warning-alert",
  "Decryption has failed.": "gnutls:decryption-failed",
  "The TLS connection was non-properly terminated.": "gnutls:premature-termination",
  "No common application protocol could be negotiated.": "gnutls:no-application-protocol",
  "Could not negotiate a supported cipher suite.": "gnutls:unknown-cipher-suite",
  "No supported cipher suites have been found.": "gnutls:no-cipher-suites",
  "A packet with illegal or unsupported version was received.": "gnutls:unsupported-version",
  "An unexpected TLS packet was received.": "gnutls:unexpected-packet",
  "An unexpected TLS handshake packet was received.": "gnutls:unexpected-handshake-packet",
  "Error in the push function.": "gnutls:push-error",
  "Error in the pull function.": "gnutls:pull-error",
  "The peer did not send any certificate.": "gnutls:no-certificate",
  "The certificate is not yet activated.": "gnutls:cert-not-activated",
  "The certificate has expired.": "gnutls:cert-expired",
  "Insufficient credentials for that request.": "gnutls:insufficient-credentials",
  "The signature algorithm is not supported.": "gnutls:unsupported-signature",
  "An illegal parameter has been received.": "gnutls:illegal-parameter",
  "Key usage violation in certificate has been detected.": "gnutls:key-usage-violation",
};

function gnutlsKey(text: string): string {
  const t = text.trim();
  const alert = GNUTLS_ALERTS[t];
  if (alert !== undefined) return `alert:${alert}`;
  return GNUTLS_KEYS[t] ?? `gnutls:${slug(t)}`;
}

/** The cause of a library error text: an OpenSSL item if there is one, else `fallback`. */
function causeOf(text: string, fallback: string): { cause: string; errorText: string } {
  const m = OPENSSL_ITEM.exec(text);
  if (m)
    return {
      cause: `openssl:${(m[1] as string).toUpperCase()}`,
      errorText: text.slice(m.index).trim(),
    };
  return { cause: fallback, errorText: text.trim() };
}

const SIGNALS: Readonly<Record<number, string>> = {
  4: "crash:ill",
  5: "crash:trap",
  6: "crash:abort",
  7: "crash:bus",
  8: "crash:fpe",
  11: "crash:segv",
  31: "crash:sys",
};
const SIGNAL_NAMES: Readonly<Record<string, number>> = {
  ILL: 4,
  TRAP: 5,
  ABRT: 6,
  BUS: 7,
  FPE: 8,
  SEGV: 11,
  SYS: 31,
};

function basename(p: string): string {
  const i = p.lastIndexOf("/");
  return i < 0 ? p : p.slice(i + 1);
}

function match(
  source: LogSourceKind,
  cause: string,
  errorText: string,
  o: {
    peer?: string | undefined;
    peerName?: string | undefined;
    role?: TlsRole | undefined;
    subject?: string | undefined;
  } = {},
): LogMatch {
  return {
    source,
    cause,
    peer: o.peer,
    peerName: o.peerName,
    role: o.role,
    errorText,
    subject: o.subject,
  };
}

/** "name[1.2.3.4]" / "unknown[1.2.3.4]:25" → address and name ("unknown" dropped). */
function bracketPeer(s: string): { peer?: string; peerName?: string } {
  const m = PEER_BRACKET.exec(s);
  if (!m) return {};
  const name = m[1] ?? "";
  return {
    peer: m[2] as string,
    ...(name === "" || name === "unknown" ? {} : { peerName: name }),
  };
}

// ---------------------------------------------------------------------------
// Postfix (src/tls/tls_misc.c, tls_server.c, tls_client.c, tls_verify.c;
// src/smtpd/smtpd.c; src/master/master_spawn.c). Syslog tag "postfix/SERVICE".

function postfixRole(ident: string): TlsRole | undefined {
  const svc = ident.slice(ident.indexOf("/") + 1);
  if (svc === "smtpd" || svc === "tlsproxy" || svc === "postscreen") return "server";
  if (svc === "smtp" || svc === "lmtp") return "client";
  return undefined;
}

function postfix(ident: string, msg: string): LogMatch | undefined {
  const role = postfixRole(ident);
  // tls_misc.c tls_print_errors(): msg_warn("TLS library problem: %s", ...) per queued error;
  // 2.x-3.5 prefix the thread id: "TLS library problem: 4123:error:14094412:…".
  const i = msg.indexOf("TLS library problem: ");
  if (i >= 0) {
    const text = msg.slice(i + 21);
    const c = causeOf(text, "postfix:tls-library-problem");
    return match("postfix", c.cause, c.errorText, { role });
  }
  // tls_server.c: "SSL_accept error from %s: %d" / ": lost connection" / ": %m";
  // tls_client.c: "SSL_connect error to %s: …".
  const acc = /^SSL_(accept|connect) error (?:from|to) (\S+): (.*)$/.exec(msg);
  if (acc) {
    const server = acc[1] === "accept";
    const why = (acc[3] as string).trim();
    const cause = `postfix:ssl-${acc[1]}:${/^-?\d+$/.test(why) ? "error" : slug(why)}`;
    return match("postfix", cause, why, {
      role: server ? "server" : "client",
      ...bracketPeer(acc[2] as string),
    });
  }
  // smtpd.c: "%s after %s from %s" (lost connection / timeout after STARTTLS).
  const after = /^(lost connection|timeout) after STARTTLS from (.*)$/.exec(msg);
  if (after) {
    return match("postfix", `postfix:${slug(after[1] as string)}-after-starttls`, msg, {
      role: "server",
      ...bracketPeer(after[2] as string),
    });
  }
  // tls_verify.c tls_log_verify_error(): "[server|client] certificate verification failed for
  // %s: num=%d:%s", or ": untrusted issuer %s" / ": certificate has expired" …
  const ver = /(?:(server|client) )?certificate verification failed for (\S+): (.*)$/.exec(msg);
  if (ver) {
    const why = ver[3] as string;
    const num = /^num=(\d+):/.exec(why);
    const cause = num ? `x509:${num[1]}` : `postfix:verify:${slug(why.replace(/\s*\/.*$/, ""))}`;
    const r: TlsRole | undefined =
      ver[1] === "server" ? "client" : ver[1] === "client" ? "server" : role;
    return match("postfix", cause, why, { role: r, ...bracketPeer(ver[2] as string) });
  }
  // master_spawn.c: "process %s pid %d killed by signal %d".
  const sig = /process (\S+) pid \d+ killed by signal (\d+)/.exec(msg);
  if (sig) {
    const cause = SIGNALS[Number(sig[2])];
    if (cause) return match("postfix", cause, msg, { subject: basename(sig[1] as string) });
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Exim (src/tls-openssl.c and src/tls-gnu.c, tls_error(): "TLS error on %s (%s)%s%s" with
// "connection from %s" / "connection to %s"; deliveries: "TLS session: (%s): %s").

function exim(msg: string): LogMatch | undefined {
  const m = /TLS error on connection (from|to) (.*?) \(([^()]+)\): (.*)$/.exec(msg);
  const s = m ? undefined : /H=(\S+ \[[^\]]+\])[^:]*: TLS session: \(([^()]+)\): (.*)$/.exec(msg);
  if (!m && !s) return undefined;
  const where = m ? (m[2] as string) : ((s as RegExpExecArray)[1] as string);
  const fn = m ? (m[3] as string) : ((s as RegExpExecArray)[2] as string);
  const text = m ? (m[4] as string) : ((s as RegExpExecArray)[3] as string);
  const role: TlsRole = m ? (m[1] === "from" ? "server" : "client") : "client";
  // "name (helo) [ip]:port" or "(helo) [ip]"
  const addr = /\[([0-9A-Fa-f:.]+)\]/.exec(where);
  const name = /^([^\s()[\]]+) /.exec(where);
  const fallback =
    fn.startsWith("gnutls_") || !/SSL/.test(fn) ? gnutlsKey(text) : `exim:${slug(text)}`;
  const c = causeOf(text, fallback);
  return match("exim", c.cause, c.errorText, {
    role,
    peer: addr?.[1],
    peerName: name?.[1],
  });
}

// ---------------------------------------------------------------------------
// Dovecot 2.3 (src/login-common/ssl-proxy-openssl.c: "SSL_accept() failed: %s",
// "SSL_accept() syscall failed: %s"; client-common.c: "TLS handshaking: %s" and
// "TLS handshaking failed: %s" in the disconnect reason; "rip=%s" login_log_format).

function dovecot(msg: string): LogMatch | undefined {
  const m =
    /(?:TLS handshaking: |TLS handshaking failed: |^|: )(SSL_(accept|connect)\(\) (syscall )?failed: |TLS handshaking failed: )(.*?)(?:, session=<|(?: \(no auth attempts| \(auth failed| \(disconnected)|$)/.exec(
      msg,
    );
  if (!m) return undefined;
  const text = (m[4] as string).trim();
  const role: TlsRole | undefined =
    m[2] === "connect" ? "client" : m[2] === "accept" ? "server" : "server";
  const cause = m[3]
    ? `openssl:syscall:${slug(text)}`
    : causeOf(text, `dovecot:${slug(text)}`).cause;
  const rip = /rip=([0-9A-Fa-f:.]+)/.exec(msg);
  return match("dovecot", cause, causeOf(text, "").errorText, { role, peer: rip?.[1] });
}

// ---------------------------------------------------------------------------
// OpenSSH (kex.c / dispatch.c sshpkt_fatal(): "Unable to negotiate with %s: no matching %s
// found. Their offer: %s"; entropy.c: "OpenSSL version mismatch. Built against %lx, you have %lx";
// ssherr.c SSH_ERR_LIBCRYPTO_ERROR "error in libcrypto").

function openssh(ident: string, msg: string): LogMatch | undefined {
  const role: TlsRole = ident === "ssh" ? "client" : "server";
  const neg = /Unable to negotiate with ([0-9A-Fa-f:.]+) port \d+: no matching (.+?) found/.exec(
    msg,
  );
  if (neg) {
    return match("openssh", `ssh:no-matching-${slug(neg[2] as string)}`, msg, {
      role,
      peer: neg[1],
    });
  }
  if (!msg.includes("fatal:")) return undefined;
  const peer = /(?:from|with|Connection from) ([0-9A-Fa-f:.]+) port/.exec(msg)?.[1];
  if (msg.includes("OpenSSL version mismatch"))
    return match("openssh", "ssh:openssl-version-mismatch", msg, { role });
  if (msg.includes("error in libcrypto"))
    return match("openssh", "ssh:libcrypto", msg, { role, peer });
  if (/libcrypto|cipher|RNG|random|entropy|key|crypto/i.test(msg))
    return match("openssh", "ssh:fatal", msg.slice(msg.indexOf("fatal:")), { role, peer });
  return undefined;
}

// ---------------------------------------------------------------------------
// nginx (src/event/ngx_event_openssl.c ngx_ssl_connection_error() / ngx_ssl_error():
// "%s() failed (SSL: %s)" and "peer closed connection in SSL handshake"; the log
// context "while SSL handshaking[ to upstream], client: %V, … upstream: \"%V\"").

function nginx(msg: string): LogMatch | undefined {
  const m = /(SSL_\w+)\(\) failed(?: \((SSL: )?(.*?)\))? while ([^,]+)/.exec(msg);
  const closed = m
    ? undefined
    : /peer closed connection in SSL handshake(?: \(([^)]*)\))? while ([^,]+)/.exec(msg);
  if (!m && !closed) return undefined;
  const ctx = (m ? m[4] : (closed as RegExpExecArray)[2]) as string;
  const upstream = ctx.includes("upstream");
  const client = /client: ([0-9A-Fa-f:.]+)/.exec(msg)?.[1];
  const up = /upstream: "[a-z]+:\/\/\[?([0-9A-Fa-f:.]+?)\]?(?::\d+)?[/"]/.exec(msg)?.[1];
  const role: TlsRole = upstream ? "client" : "server";
  const peer = upstream ? up : client;
  if (closed) return match("nginx", "nginx:peer-closed-in-handshake", closed[0], { role, peer });
  const text = (m as RegExpExecArray)[3] ?? "";
  const c = causeOf(text, `nginx:${slug((m as RegExpExecArray)[1] as string)}-failed`);
  return match("nginx", c.cause, c.errorText || (m as RegExpExecArray)[0], { role, peer });
}

// ---------------------------------------------------------------------------
// Apache httpd 2.4 mod_ssl (modules/ssl/ssl_engine_io.c: AH02008 "SSL library error %d in
// handshake (server %s)"; ssl_engine_kernel.c: AH02039 "Certificate Verification: Error
// (%d): %s", AH02261 "Re-negotiation handshake failed"; ssl_engine_log.c
// ssl_log_ssl_error(): "SSL Library Error: %s"). The "[client IP:port]" field is core's.

function apache(msg: string): LogMatch | undefined {
  if (!msg.includes("ssl") && !msg.includes("SSL") && !msg.includes("AH02039")) return undefined;
  const cl = /\[client ([0-9A-Fa-f:.]+?|\[[0-9A-Fa-f:]+\]):\d+\]/
    .exec(msg)?.[1]
    ?.replace(/^\[|\]$/g, "");
  const proxy = msg.includes("[remote ");
  const remote = /\[remote ([0-9A-Fa-f:.]+?):\d+\]/.exec(msg)?.[1];
  const role: TlsRole = proxy ? "client" : "server";
  const peer = proxy ? remote : cl;
  let m = /AH02039: Certificate Verification: Error \((\d+)\): (.*)$/.exec(msg);
  if (m) return match("apache", `x509:${m[1]}`, m[0].slice(8), { role, peer });
  const lib = msg.indexOf("SSL Library Error: ");
  if (lib >= 0) {
    const c = causeOf(msg.slice(lib + 19), "apache:ssl-library-error");
    return match("apache", c.cause, c.errorText, { role, peer });
  }
  m = /AH02008: (SSL library error \d+ in handshake)/.exec(msg);
  if (m) return match("apache", "apache:handshake-error", m[1] as string, { role, peer });
  if (msg.includes("AH02261: Re-negotiation handshake failed"))
    return match("apache", "apache:renegotiation-failed", "Re-negotiation handshake failed", {
      role,
      peer,
    });
  return undefined;
}

// ---------------------------------------------------------------------------
// haproxy (src/connection.c conn_err_code_str(): CO_ER_SSL_* "SSL handshake failure",
// "SSL client CA chain cannot be verified" …; the log line is
// "IP:PORT [DATE] FRONTEND/BIND: <error>", src/log.c sess_log_embryonic).

function haproxy(msg: string): LogMatch | undefined {
  const m =
    /^([0-9A-Fa-f:.]+?):\d+ \[[^\]]+\] \S+: ((?:SSL|Server presented|Stopped a TLSv1)[^(]*?)(?: \((.*)\))?$/.exec(
      msg,
    );
  if (!m) return undefined;
  const what = (m[2] as string).trim();
  const c = causeOf(m[3] ?? "", `haproxy:${slug(what)}`);
  return match("haproxy", c.cause, c.errorText || what, { role: "server", peer: m[1] });
}

// ---------------------------------------------------------------------------
// Kernel (drivers/crypto/vmx/aes_xts.c and friends: "Failed to allocate transformation for
// '%s': %ld"; crypto/testmgr.c: "alg: %s: … test failed …", "alg: self-tests for %s (%s)
// failed (rc=%d)"; drivers/md/dm-crypt.c DMERR "device-mapper: crypt: …" and ti->error via
// dm-table "device-mapper: table: MAJ:MIN: crypt: …"; arch/x86/mm/fault.c
// show_signal_msg(): "%s[%d]: segfault at %lx ip %px sp %px error %lx in %s[…]";
// arch/x86/kernel/traps.c: "traps: %s[%d] general protection fault …").

function kernel(msg: string): LogMatch | undefined {
  let m = /Failed to allocate transformation for '([^']+)': (-?\d+)/.exec(msg);
  if (m) return match("kernel", "kernel:afalg-alloc", m[0], { subject: m[1] });
  m = /^alg: (?:self-tests for (\S+) .*failed.*|(\w+): (?:.*? )?(\S+)? ?.*test failed.*)$/.exec(
    msg,
  );
  if (m) {
    const alg = m[1] ?? /for (\S+)/.exec(msg)?.[1] ?? /^alg: \w+: (\S+)/.exec(msg)?.[1];
    return match("kernel", "kernel:selftest-failed", msg, { subject: alg });
  }
  m = /device-mapper: (?:table: \S+ )?crypt: (?:dm-\d+: )?(.*)$/.exec(msg);
  if (m) {
    const what = m[1] as string;
    const key = /allocating crypto tfm/i.test(what)
      ? "tfm-alloc"
      : /AEAD ERROR/.test(what)
        ? "integrity"
        : /setting key|key/i.test(what)
          ? "key"
          : "error";
    return match("kernel", `kernel:dm-crypt:${key}`, m[0]);
  }
  m = /(\S+)\[\d+\]: segfault at \S+ ip \S+ sp \S+ error \S+(?: in ([^\s[]+))?/.exec(msg);
  if (m)
    return match("kernel", "crash:segv", m[0], { subject: m[2] ? `${m[1]} in ${m[2]}` : m[1] });
  m =
    /traps: (\S+)\[\d+\] (general protection fault|trap invalid opcode|trap divide error)(?:.* in ([^\s[]+))?/.exec(
      msg,
    );
  if (m) {
    const cause =
      m[2] === "trap invalid opcode"
        ? "crash:ill"
        : m[2] === "trap divide error"
          ? "crash:fpe"
          : "crash:segv";
    return match("kernel", cause, m[0], { subject: m[3] ? `${m[1]} in ${m[3]}` : m[1] });
  }
  return undefined;
}

// ---------------------------------------------------------------------------

/**
 * What a line says, or undefined when it is not a TLS/crypto failure.
 * `ident` is the syslog tag ("postfix/smtpd", "sshd", "kernel" …) when known.
 */
export function recogniseLogLine(ident: string | undefined, msg: string): LogMatch | undefined {
  const id = ident ?? "";
  // glibc stdlib/arc4random.c: __libc_fatal ("Fatal glibc error: cannot get entropy for arc4random\n")
  if (msg.includes("cannot get entropy for arc4random"))
    return match(
      "glibc",
      "glibc:arc4random-entropy",
      "Fatal glibc error: cannot get entropy for arc4random",
      {
        subject: id || undefined,
      },
    );
  // audit kernel/auditsc.c audit_core_dumps(): "… pid=%d comm=%s exe=%s sig=%ld res=1"
  if (msg.includes("type=ANOM_ABEND")) {
    const sig = /\bsig=(\d+)/.exec(msg);
    const cause = sig ? (SIGNALS[Number(sig[1])] ?? `crash:sig${sig[1]}`) : "crash:abend";
    const comm = /comm="([^"]*)"/.exec(msg)?.[1];
    return match("audit", cause, msg.slice(msg.indexOf("type=ANOM_ABEND")), { subject: comm });
  }
  if (id.startsWith("postfix")) {
    const r = postfix(id, msg);
    if (r) return r;
  }
  if (id === "kernel" || msg.includes("segfault at") || msg.includes("traps: ")) {
    const r = kernel(msg);
    if (r) return r;
  }
  if (id === "sshd" || id === "ssh" || id === "sshd-session") {
    const r = openssh(id, msg);
    if (r) return r;
  }
  if (msg.includes("TLS error on connection") || msg.includes("TLS session: (")) {
    const r = exim(msg);
    if (r) return r;
  }
  if (
    msg.includes("SSL_accept() ") ||
    msg.includes("SSL_connect() ") ||
    msg.includes("TLS handshaking failed")
  ) {
    const r = dovecot(msg);
    if (r) return r;
  }
  if (id === "nginx" || msg.includes("while SSL handshaking") || msg.includes("() failed (SSL:")) {
    const r = nginx(msg);
    if (r) return r;
  }
  if (id === "apache" || msg.includes("AH020") || msg.includes("SSL Library Error")) {
    const r = apache(msg);
    if (r) return r;
  }
  if (id.startsWith("haproxy") || /^[0-9A-Fa-f:.]+:\d+ \[/.test(msg)) {
    const r = haproxy(msg);
    if (r) return r;
  }
  // Dovecot master (src/master/service-process.c): "service(%s): child %s killed with signal %d".
  let m = /service\(([^)]+)\): child \d+ killed with signal (\d+)/.exec(msg);
  if (m && SIGNALS[Number(m[2])])
    return match("dovecot", SIGNALS[Number(m[2])] as string, m[0], { subject: m[1] });
  // systemd src/core/service.c: "%s: Main process exited, code=%s, status=%i/%s".
  m = /^(\S+?): Main process exited, code=dumped, status=\d+\/([A-Z]+)/.exec(msg);
  if (m && SIGNAL_NAMES[m[2] as string] !== undefined)
    return match("systemd", SIGNALS[SIGNAL_NAMES[m[2] as string] as number] as string, m[0], {
      subject: m[1],
    });
  // Any other "killed by signal N" of a crash signal.
  m = /(\S+)(?: pid \d+)? killed by signal (\d+)/.exec(msg);
  if (m && SIGNALS[Number(m[2])])
    return match("other", SIGNALS[Number(m[2])] as string, m[0], {
      subject: basename(m[1] as string),
    });
  // Any OpenSSL error item elsewhere; the function names tell the side.
  const item = OPENSSL_ITEM.exec(msg);
  if (item) {
    const role: TlsRole | undefined = /SSL_accept|accept/.test(msg)
      ? "server"
      : /SSL_connect|connect/.test(msg)
        ? "client"
        : undefined;
    return match("openssl", `openssl:${(item[1] as string).toUpperCase()}`, item[0].trim(), {
      role,
      ...bracketPeer(msg),
    });
  }
  return undefined;
}
