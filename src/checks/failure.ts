import { finding, type Finding, type Side } from "../core/index.js";
import { alertInfo } from "../explain/index.js";
import type { ProbeFailure, ProbeResult } from "../wire/index.js";

const sideOfAlert = (code: number): Side => {
  const look = alertInfo(code).lookAt;
  return look === "peer" ? "server" : look === "our-side" ? "client" : "unknown";
};

/** First bytes the server sent on a direct-TLS attempt, when they look like a plaintext greeting. */
function plaintextGreeting(r: ProbeResult): string | undefined {
  return r.plaintextReply;
}

const STARTTLS_HINT: readonly [RegExp, string][] = [
  [/^220[ -].*(SMTP|ESMTP|mail)/i, "smtp"],
  [/^220[ -]/, "ftp"],
  [/^\* OK/i, "imap"],
  [/^\+OK/, "pop3"],
  [/^20[01] /, "nntp"],
  [/^"IMPLEMENTATION"|^"SIEVE"/i, "sieve"],
  [/<stream:stream|<\?xml/i, "xmpp"],
];

/** Findings for a probe that did not complete. */
export function failureFindings(r: ProbeResult): Finding[] {
  const f = r.failure;
  if (!f) return [];
  const where = r.target.display;
  const base = { message: f.message, phase: f.phase };
  switch (f.class) {
    case "dns":
      return [
        finding({
          id: "CONNECT_DNS_FAILED",
          severity: "error",
          side: "network",
          title: `The name ${r.target.host} does not resolve`,
          detail: f.message,
          evidence: { ...base, ...(f.errno ? { errno: f.errno } : {}) },
          fix: "Check the name for typos and check the resolver (/etc/resolv.conf, getent hosts NAME); use --connect-to ADDR to test a known address.",
        }),
      ];
    case "refused":
      return [
        finding({
          id: "CONNECT_REFUSED",
          severity: "error",
          side: "server",
          title: `Nothing listens on ${where}`,
          detail:
            "The host answered, but no process accepts connections on that port (TCP RST on SYN).",
          evidence: base,
          fix: "Start the service, or check the port (the scheme sets the default port: smtp 25, submission 587, imaps 993 …).",
        }),
      ];
    case "connect":
      return [
        finding({
          id: "CONNECT_FAILED",
          severity: "error",
          side: "network",
          title: `Cannot reach ${where}`,
          detail: f.message,
          evidence: { ...base, ...(f.errno ? { errno: f.errno } : {}) },
          fix: "Check routing and firewalls between this host and the target (ip route get ADDR; nc -vz HOST PORT).",
        }),
      ];
    case "timeout":
      return [timeoutFinding(r, f)];
    case "reset":
      return [resetFinding(r, f)];
    case "closed":
    case "protocol":
    case "limit":
      return [
        finding({
          id: "PEER_PROTOCOL_ERROR",
          severity: "error",
          side: "server",
          title: `The server broke the protocol during ${f.phase}`,
          detail: f.message,
          evidence: base,
          fix: "Check that the scheme matches the service on this port (smtp:// for port 25 STARTTLS, smtps:// for 465 …), and read the server's log for the same moment.",
        }),
      ];
    case "session-refused":
      return [
        finding({
          id: "SESSION_REFUSED",
          severity: "error",
          side: "server",
          title: `${where} refused the session before STARTTLS: ${f.reply ?? f.message}`,
          detail:
            "The server turned the connection away at its greeting, so TLS was never reached. A temporary refusal (SMTP 421, FTP 421) is usually a limit: too many concurrent connections overall or from this address, or a server shedding load; a permanent one (554, IMAP BYE) is access control.",
          evidence: { ...base, ...(f.reply ? { "server said": f.reply } : {}) },
          fix: /^4\d\d|too many/i.test(f.reply ?? "")
            ? "Raise the server's connection limits (Exim: smtp_accept_max, smtp_accept_max_per_host; Postfix: default_process_limit, smtpd_client_connection_count_limit) or lower --concurrency."
            : "Check the server's access rules for this client address (host lists, tcp wrappers, RBLs) and its log for the refusal.",
        }),
      ];
    case "starttls-not-offered":
      return [
        finding({
          id: "STARTTLS_NOT_OFFERED",
          severity: "error",
          side: "server",
          title: `${where} does not offer STARTTLS`,
          detail:
            "The server's capabilities do not include STARTTLS (or its equivalent), so a client that requires TLS must give up and one that does not sends in clear text.",
          evidence: { ...base, ...(f.reply ? { "server said": f.reply } : {}) },
          fix: "Enable TLS in the server (Exim: tls_advertise_hosts = * with tls_certificate/tls_privatekey; Postfix: smtpd_tls_security_level = may; Dovecot: ssl = yes; PostgreSQL: ssl = on) and check it loads its certificate at start-up.",
        }),
      ];
    case "starttls-refused":
      return [
        finding({
          id: "STARTTLS_REFUSED",
          severity: "error",
          side: "server",
          title: `${where} refused to start TLS`,
          detail:
            "The server advertised STARTTLS but answered the command with an error — often it cannot read its certificate or key, or TLS is restricted to some clients.",
          evidence: { ...base, ...(f.reply ? { "server said": f.reply } : {}) },
          fix: "Read the server's log at this moment: it usually names the file or setting it failed on.",
        }),
      ];
    case "alert-received":
      return [alertFinding(r, f)];
    case "tls-local":
      return [localFinding(r, f)];
    case "aborted":
      return [];
    case "internal":
      return [
        finding({
          id: "TLSDOCTOR_INTERNAL_ERROR",
          severity: "error",
          side: "unknown",
          title: "tlsdoctor failed unexpectedly",
          detail: f.message,
          evidence: base,
          fix: "This is a bug in tlsdoctor: please report it with the command line and --json output.",
        }),
      ];
  }
}

function timeoutFinding(r: ProbeResult, f: ProbeFailure): Finding {
  const where = r.target.display;
  if (f.phase.startsWith("TCP connect")) {
    return finding({
      id: "CONNECT_TIMEOUT",
      severity: "error",
      side: "network",
      title: `No answer from ${where}`,
      detail:
        "The TCP handshake got no reply before the deadline: a firewall drops the packets, or the host is down.",
      evidence: { phase: f.phase, message: f.message },
      fix: "Check firewalls on the path and on the target (a REJECT rule gives a fast refusal; DROP gives this).",
    });
  }
  if (f.phase.startsWith("STARTTLS")) {
    return finding({
      id: "STARTTLS_TIMEOUT",
      severity: "error",
      side: "server",
      title: `The server stopped answering during ${f.phase}`,
      detail:
        "The TCP connection is up but the plaintext dialogue stalled: the service may not speak this protocol, may be overloaded, or may delay greetings on purpose (SMTP greet pause).",
      evidence: { phase: f.phase, message: f.message },
      fix: "Check the scheme or --starttls value matches the service, and try a larger --timeout.",
    });
  }
  const plain = plaintextGreeting(r);
  return finding({
    id: "TLS_HANDSHAKE_TIMEOUT",
    severity: "error",
    side: "server",
    title: `No TLS answer from ${where}`,
    detail:
      "The server accepted the connection but never answered our ClientHello." +
      (plain
        ? ` It greeted in clear text instead: ${JSON.stringify(plain)}.`
        : " A plaintext service waiting for a command, or a TLS server stuck, behaves like this."),
    evidence: { phase: f.phase, message: f.message },
    fix: plain
      ? "Use the STARTTLS scheme for this service (e.g. smtp://, imap://) or --starttls PROTO."
      : "Check the port speaks TLS from the first byte; if it is a STARTTLS service use its scheme (smtp://, imap://, …).",
  });
}

function resetFinding(r: ProbeResult, f: ProbeFailure): Finding {
  if (f.afterClientHello) {
    return finding({
      id: "TLS_RESET_AFTER_HELLO",
      severity: "error",
      side: "server",
      title: `${r.target.display} closed the connection on our ClientHello`,
      detail:
        "The server dropped the connection instead of answering or sending an alert. Causes: version or extension intolerance, a crash in the server's TLS code (seeds/004: haproxy aborted on a LOW-cipher hello), a load balancer or IPS killing the flow, or a port that does not speak TLS.",
      evidence: { phase: f.phase, message: f.message },
      fix: "Look at the server's log and crash reports at this moment; try --tls-max TLSv1.2 and fewer --ciphers to see which hello it tolerates.",
    });
  }
  return finding({
    id: "CONNECTION_RESET",
    severity: "error",
    side: "server",
    title: `${r.target.display} closed the connection during ${f.phase}`,
    detail: f.message,
    evidence: { phase: f.phase },
    fix: "Look at the server's log for this connection: access control (tcp wrappers, connection limits) or a crash.",
  });
}

function alertFinding(r: ProbeResult, f: ProbeFailure): Finding {
  const a = f.alert ?? { code: 0, name: "unknown", meaning: "" };
  const info = alertInfo(a.code);
  const side = sideOfAlert(a.code);
  const fixes: Record<number, string> = {
    80: "The server failed internally: read its log for this moment. If it fails only some of the time, measure it with --repeat 200 (seeds/000: Exim 4.95 built as PIE on ppc64el failed 70% of handshakes).",
    40: "Nothing in common: compare what the server accepts (tlsdoctor scan) with what this client offers (--ciphers, --groups, --tls-max).",
    70: "The server refuses this protocol version: check its MinProtocol/MaxProtocol and ours (--tls-min/--tls-max).",
    42: "The server rejected our client certificate: check it chains to a CA the server trusts and has the clientAuth usage.",
    48: "The server does not trust the CA of our client certificate: add it to the server's client CA list.",
    116: "The server requires a client certificate: pass --cert FILE --key FILE.",
    120: "The server refused every ALPN protocol offered: offer one it supports (--alpn), or none (Exim since 4.95 rejects non-smtp ALPN).",
    112: "The server does not serve the SNI name sent: check --sni and the server's virtual hosts.",
  };
  return finding({
    id: "TLS_ALERT_RECEIVED",
    severity: "error",
    side,
    title: `${r.target.display} sent fatal alert ${a.code} ${a.name}`,
    detail: `${info.received}${f.openssl ? `\nOpenSSL reported it as error:${f.openssl.hex} (${f.openssl.reason}).` : ""}`,
    evidence: { alert: `${a.code} ${a.name}`, phase: f.phase, message: f.message },
    fix:
      fixes[a.code] ??
      "The alert names what the server disliked: read the server's log for the same moment.",
    refs: ["https://www.iana.org/assignments/tls-parameters/tls-parameters.xhtml#tls-parameters-6"],
  });
}

function localFinding(r: ProbeResult, f: ProbeFailure): Finding {
  const reason = f.openssl?.reason ?? f.message;
  if (
    /wrong version number|packet length too long|http request|record layer failure/i.test(reason)
  ) {
    const plain = plaintextGreeting(r);
    const hint = plain ? STARTTLS_HINT.find(([re]) => re.test(plain))?.[1] : undefined;
    return finding({
      id: "SERVER_NOT_TLS",
      severity: "error",
      side: "server",
      title: `${r.target.display} does not speak TLS from the first byte`,
      detail: `The bytes that came back are not a TLS record (${reason}).${plain ? ` The server sent: ${JSON.stringify(plain)}.` : ""}`,
      evidence: { phase: f.phase, openssl: reason },
      fix: hint
        ? `This looks like ${hint}: use ${hint}://${r.target.display} (STARTTLS) instead.`
        : "Use the scheme that matches the service (smtp://, imap://, … for STARTTLS) or the TLS port of the service.",
    });
  }
  return finding({
    id: "TLS_LOCAL_ERROR",
    severity: "error",
    side: "client",
    title: `Our TLS library refused the handshake: ${reason}`,
    detail: `OpenSSL on this side stopped the handshake${f.openssl ? ` (error:${f.openssl.hex})` : ""}: ${f.message}`,
    evidence: {
      phase: f.phase,
      ...(f.openssl ? { openssl: `${f.openssl.hex} ${f.openssl.reason}` } : {}),
    },
    fix: /unsupported protocol|no protocols available|version too low/i.test(reason)
      ? "The server offers only protocol versions this client refuses: allow them with --tls-min TLSv1 to diagnose, then upgrade the server."
      : "Relax the offending client option (--ciphers, --groups, --tls-min) to see what the server needs; `tlsdoctor explain` decodes the error.",
  });
}
