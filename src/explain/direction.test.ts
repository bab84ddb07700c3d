import { test } from "node:test";
import assert from "node:assert/strict";
import { detectDirection, eventSide } from "./direction.js";

// Each line: the role of its writer, whether the alert came from the peer, and
// where the form of the line comes from.
const CASES: readonly [string, "server" | "client" | "unknown", boolean | undefined, string][] = [
  [
    "postfix/smtpd[1141504]: SSL_accept error from m206-43.eu.mailgun.net: -1 postfix/smtpd[1141504]: warning: TLS library problem: error:14094412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:../ssl/record/rec_layer_s3.c:1543: SSL alert number 42:",
    "server",
    true,
    "seeds/003 (Postfix smtpd, OpenSSL 1.1)",
  ],
  [
    "postfix/smtp[2211]: SSL_connect error to mx.example.net[192.0.2.1]:25: -1",
    "client",
    undefined,
    "Postfix src/tls/tls_client.c: 'SSL_connect error to %s: %d'",
  ],
  [
    "postfix/lmtp[77]: warning: TLS library problem: error:0A000086:SSL routines::certificate verify failed",
    "client",
    undefined,
    "Postfix lmtp delivery agent (same client TLS code as smtp)",
  ],
  [
    "2024-01-02 10:00:00 TLS error on connection from mail.example.org [192.0.2.7] (SSL_accept): error:0A000418:SSL routines::tlsv1 alert unknown ca",
    "server",
    true,
    "Exim src/tls-openssl.c tls_error(): 'TLS error on connection from %s (%s)'",
  ],
  [
    "2024-01-02 10:00:00 1rAbCd-000123-XY TLS error on connection to mx.example.com [192.0.2.1] (SSL_connect): error:0A000086:SSL routines::certificate verify failed",
    "client",
    undefined,
    "Exim src/tls-openssl.c, outbound (smtp transport)",
  ],
  [
    "2024-01-02 10:00:00 TLS error on connection from (client.example) [192.0.2.9] (recv): A TLS fatal alert has been received.: Certificate is bad",
    "server",
    true,
    "Exim src/tls-gnu.c with GnuTLS: tls_error() + gnutls_alert_get_name()",
  ],
  [
    "dovecot: imap-login: Disconnected: Connection closed: SSL_accept() failed: error:0A000418:SSL routines::tlsv1 alert unknown ca: SSL alert number 48 (no auth attempts in 0 secs): user=<>, rip=192.0.2.3, lip=192.0.2.2, TLS handshaking: SSL_accept() failed",
    "server",
    true,
    "Dovecot src/login-common (2.3.x 'TLS handshaking: SSL_accept() failed')",
  ],
  [
    "2024/01/02 10:00:00 [info] 123#123: *45 SSL_do_handshake() failed (SSL: error:0A00006C:SSL routines::bad key share) while SSL handshaking, client: 192.0.2.5, server: 0.0.0.0:443",
    "server",
    undefined,
    "nginx src/event/ngx_event_openssl.c ngx_ssl_handshake + ngx_http_log_error",
  ],
  [
    '2024/01/02 10:00:00 [error] 123#123: *46 SSL_do_handshake() failed (SSL: error:0A000086:SSL routines::certificate verify failed) while SSL handshaking to upstream, client: 192.0.2.5, server: example.org, request: "GET / HTTP/1.1", upstream: "https://10.0.0.2:443/"',
    "client",
    undefined,
    "nginx src/http/ngx_http_upstream.c (proxy_ssl to upstream)",
  ],
  [
    "haproxy[1234]: 192.0.2.8:51234 [02/Jan/2024:10:00:00.000] fe_https/1: SSL handshake failure",
    "server",
    undefined,
    "haproxy src/ssl_sock.c frontend connection error log",
  ],
  [
    'haproxy[1234]: Server be_app/app1 is DOWN, reason: Layer6 invalid response, info: "SSL handshake failure", check duration: 3ms.',
    "client",
    undefined,
    "haproxy src/check.c server health check",
  ],
  [
    "http: TLS handshake error from 192.0.2.4:55555: remote error: tls: bad certificate",
    "server",
    true,
    "Go net/http server.go: 'http: TLS handshake error from %s: %v'",
  ],
  [
    'Get "https://api.example.com/v1": local error: tls: bad record MAC',
    "client",
    false,
    "Go net/http client error wrapping a crypto/tls local alert",
  ],
  [
    "SSL3 alert write:fatal:bad certificate",
    "unknown",
    false,
    "openssl s_client/s_server -state info callback (apps/lib/s_cb.c apps_ssl_info_callback)",
  ],
  [
    "SSL3 alert read:fatal:unknown CA",
    "unknown",
    true,
    "openssl apps/lib/s_cb.c apps_ssl_info_callback",
  ],
  [
    "error:0A000412:SSL routines::sslv3 alert bad certificate",
    "unknown",
    true,
    "bare OpenSSL 3 error string (Node.js, Python) with no daemon context",
  ],
  [
    "Dec  1 10:00:00 host sshd[99]: Connection closed by 192.0.2.1 port 2222",
    "unknown",
    undefined,
    "OpenSSH: no TLS cue at all",
  ],
];

for (const [line, role, peer, source] of CASES) {
  test(`direction: ${source}`, () => {
    const d = detectDirection(line);
    assert.equal(d.ourRole, role, d.evidence);
    assert.equal(d.alertSentByPeer, peer);
    assert.ok(d.evidence.length > 0);
  });
}

test("conflicting strong cues give unknown and quote both", () => {
  const d = detectDirection("SSL_accept failed … later SSL_connect failed");
  assert.equal(d.ourRole, "unknown");
  assert.match(d.evidence, /SSL_accept.*SSL_connect/);
});

test("a strong cue outranks a weak one", () => {
  // nginx upstream lines also say "client: …"; the upstream cue must win.
  const d = detectDirection("while SSL handshaking to upstream, client: 192.0.2.1");
  assert.equal(d.ourRole, "client");
});

test("eventSide: an alert we sent happened on the peer's side", () => {
  assert.equal(
    eventSide({ ourRole: "server", alertSentByPeer: true, evidence: "" }, true),
    "server",
  );
  assert.equal(
    eventSide({ ourRole: "server", alertSentByPeer: false, evidence: "" }, true),
    "client",
  );
  assert.equal(
    eventSide({ ourRole: "client", alertSentByPeer: false, evidence: "" }, true),
    "server",
  );
  assert.equal(
    eventSide({ ourRole: "client", alertSentByPeer: false, evidence: "" }, false),
    "client",
  );
  assert.equal(eventSide({ ourRole: "unknown", evidence: "" }, true), "unknown");
});

test("huge and binary input is bounded and does not throw", () => {
  const junk = "\u0000\uFFFD\uD800".repeat(2_000_000) + " SSL_accept";
  const t0 = process.hrtime.bigint();
  const d = detectDirection(junk);
  assert.ok(Number(process.hrtime.bigint() - t0) / 1e6 < 1000);
  // The cue lies beyond the examined prefix.
  assert.equal(d.ourRole, "unknown");
});
