import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseLogHeader } from "./log-input.js";
import { LOG_CUES, recogniseLogLine, type LogMatch } from "./log-patterns.js";

const REF = Date.UTC(2026, 10, 24);

interface Case {
  /** Where the line's wording comes from. */
  readonly from: string;
  readonly line: string;
  readonly want: Partial<LogMatch> | undefined;
}

// Lines captured from real daemons here (the same runs logs-real.test.ts repeats) and lines
// written from the daemons' documented formats / source, each with its source named.
const CASES: Case[] = [
  {
    from: "captured: Exim 4.96 (Debian, GnuTLS), client without the CA",
    line: "2026-11-23 12:03:25 [7906] TLS error on connection from (mail.example.com) [127.0.0.1] (gnutls_handshake): Decryption has failed.",
    want: {
      source: "exim",
      cause: "gnutls:decryption-failed",
      role: "server",
      peer: "127.0.0.1",
      peerName: undefined,
    },
  },
  {
    from: "captured: Exim 4.96, client offering ALPN h2",
    line: "2026-11-23 12:03:26 [7927] TLS error on connection from (mail.example.com) [127.0.0.1] (gnutls_handshake): No common application protocol could be negotiated.",
    want: {
      source: "exim",
      cause: "gnutls:no-application-protocol",
      role: "server",
      peer: "127.0.0.1",
    },
  },
  {
    from: "captured: Exim 4.96, TLS 1.2 client without the CA (GnuTLS alert name)",
    line: "2026-11-23 12:10:16 [13255] TLS error on connection from (mail.example.com) [127.0.0.1] (gnutls_handshake): CA is unknown",
    want: {
      source: "exim",
      cause: "alert:48",
      role: "server",
      peer: "127.0.0.1",
      errorText: "CA is unknown",
    },
  },
  {
    from: "captured: Exim 4.96 with TLS 1.0/1.1 disabled, TLS 1.0-only client",
    line: "2026-11-23 12:09:19 [12604] TLS error on connection from (mail.example.com) [127.0.0.1] (gnutls_handshake): A packet with illegal or unsupported version was received.",
    want: {
      source: "exim",
      cause: "gnutls:unsupported-version",
      role: "server",
      peer: "127.0.0.1",
    },
  },
  {
    from: "exim src/tls-openssl.c tls_error(), OpenSSL build, outbound",
    line: "2026-11-23 12:03:26 TLS error on connection to mx.example.org [192.0.2.25] (SSL_connect): error:0A000086:SSL routines::certificate verify failed",
    want: {
      source: "exim",
      cause: "openssl:0A000086",
      role: "client",
      peer: "192.0.2.25",
      peerName: "mx.example.org",
    },
  },
  {
    from: "exim src/tls-gnu.c, inbound fatal alert",
    line: "2026-11-23 12:03:26 TLS error on connection from mail-ej1.example.net [198.51.100.4]:51234 (gnutls_handshake): A TLS fatal alert has been received.",
    want: {
      source: "exim",
      cause: "gnutls:fatal-alert",
      role: "server",
      peer: "198.51.100.4",
      peerName: "mail-ej1.example.net",
    },
  },
  {
    from: "exim deliver log: TLS session failure in a defer line",
    line: "2026-11-23 12:03:26 1kXyZ-000Abc-12 == bob@example.org R=dnslookup T=remote_smtp defer (-37) H=mx.example.org [192.0.2.25]: TLS session: (SSL_connect): error:0A000410:SSL routines::sslv3 alert handshake failure",
    want: { source: "exim", cause: "openssl:0A000410", role: "client", peer: "192.0.2.25" },
  },
  {
    from: "captured: Dovecot 2.3.19.1, client without the CA",
    line: "Nov 23 12:03:26 imap-login: Info: Disconnected: Connection closed: SSL_accept() failed: error:0A000418:SSL routines::tlsv1 alert unknown ca: SSL alert number 48 (no auth attempts in 0 secs): user=<>, rip=127.0.0.1, lip=127.0.0.1, TLS handshaking: SSL_accept() failed: error:0A000418:SSL routines::tlsv1 alert unknown ca: SSL alert number 48, session=<+gOfYfBgaqN/AAAB>",
    want: {
      source: "dovecot",
      cause: "openssl:0A000418",
      role: "server",
      peer: "127.0.0.1",
      errorText: "error:0A000418:SSL routines::tlsv1 alert unknown ca: SSL alert number 48",
    },
  },
  {
    from: "captured: Dovecot 2.3.19.1, TLS 1.0-only client",
    line: "Nov 23 12:03:26 imap-login: Info: Disconnected: Connection closed: SSL_accept() syscall failed: Invalid argument (no auth attempts in 0 secs): user=<>, rip=127.0.0.1, lip=127.0.0.1, TLS handshaking: SSL_accept() syscall failed: Invalid argument, session=<mXGfYfBggqN/AAAB>",
    want: {
      source: "dovecot",
      cause: "openssl:syscall:invalid-argument",
      role: "server",
      peer: "127.0.0.1",
    },
  },
  {
    from: "Dovecot 2.2 via syslog (1.x error layout)",
    line: "Nov 23 04:00:01 mx1 dovecot: imap-login: Disconnected (no auth attempts in 0 secs): user=<>, rip=203.0.113.5, lip=192.0.2.1, TLS handshaking: SSL_accept() failed: error:14209102:SSL routines:tls_early_post_process_client_hello:unsupported protocol, session=<abc>",
    want: { source: "dovecot", cause: "openssl:14209102", role: "server", peer: "203.0.113.5" },
  },
  {
    from: "Postfix tls_misc.c tls_print_errors(), 3.x with OpenSSL 3 (seeds/003)",
    line: "Nov 23 04:00:01 mx1 postfix/smtpd[812]: warning: TLS library problem: error:0A000412:SSL routines::sslv3 alert bad certificate:../ssl/record/rec_layer_s3.c:1584:SSL alert number 42:",
    want: { source: "postfix", cause: "openssl:0A000412", role: "server", peer: undefined },
  },
  {
    from: "Postfix 2.x, OpenSSL 1.0 (thread id before the item)",
    line: "Nov 23 04:00:01 mx1 postfix/smtp[900]: warning: TLS library problem: 900:error:14094412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:s3_pkt.c:1262:SSL alert number 42:",
    want: { source: "postfix", cause: "openssl:14094412", role: "client" },
  },
  {
    from: "Postfix tls_server.c",
    line: "Nov 23 04:00:01 mx1 postfix/smtpd[812]: SSL_accept error from unknown[203.0.113.9]: lost connection",
    want: {
      source: "postfix",
      cause: "postfix:ssl-accept:lost-connection",
      role: "server",
      peer: "203.0.113.9",
      peerName: undefined,
    },
  },
  {
    from: "Postfix tls_client.c",
    line: "Nov 23 04:00:01 mx1 postfix/smtp[901]: SSL_connect error to mx.example.org[192.0.2.25]:25: -1",
    want: {
      source: "postfix",
      cause: "postfix:ssl-connect:error",
      role: "client",
      peer: "192.0.2.25",
      peerName: "mx.example.org",
    },
  },
  {
    from: "Postfix smtpd.c",
    line: "Nov 23 04:00:01 mx1 postfix/smtpd[812]: lost connection after STARTTLS from mail.example.com[198.51.100.7]",
    want: {
      source: "postfix",
      cause: "postfix:lost-connection-after-starttls",
      role: "server",
      peer: "198.51.100.7",
      peerName: "mail.example.com",
    },
  },
  {
    from: "Postfix tls_verify.c",
    line: "Nov 23 04:00:01 mx1 postfix/smtp[901]: server certificate verification failed for mx.example.org[192.0.2.25]:25: num=20:unable to get local issuer certificate",
    want: { source: "postfix", cause: "x509:20", role: "client", peer: "192.0.2.25" },
  },
  {
    from: "Postfix master_spawn.c (seeds/002)",
    line: "Nov 23 04:00:01 mx1 postfix/master[700]: warning: process /usr/lib/postfix/sbin/smtp pid 4242 killed by signal 11",
    want: { source: "postfix", cause: "crash:segv", subject: "smtp" },
  },
  {
    from: "kernel arch/x86/mm/fault.c (seeds/002)",
    line: "Nov 23 04:00:01 mx1 kernel: [ 1234.567890] smtp[4242]: segfault at 0 ip 00007f3a1c2b4e10 sp 00007ffd5a0c1e88 error 4 in libmysqlclient.so.16.0.0[7f3a1c200000+2d0000]",
    want: { source: "kernel", cause: "crash:segv", subject: "smtp in libmysqlclient.so.16.0.0" },
  },
  {
    from: "kernel drivers/crypto/vmx/aes_xts.c (seeds/001)",
    line: "[   12.345678] Failed to allocate transformation for 'xts(aes)': -2",
    want: { source: "kernel", cause: "kernel:afalg-alloc", subject: "xts(aes)" },
  },
  {
    from: "kernel crypto/testmgr.c",
    line: '[    3.100000] alg: skcipher: xts-aes-vmx encryption test failed (wrong result) on test vector 0, cfg="in-place"',
    want: { source: "kernel", cause: "kernel:selftest-failed" },
  },
  {
    from: "kernel crypto/testmgr.c (6.x)",
    line: "[    3.100000] alg: self-tests for xts(aes) using xts-aes-vmx failed (rc=-22)",
    want: { source: "kernel", cause: "kernel:selftest-failed", subject: "xts(aes)" },
  },
  {
    from: "kernel drivers/md/dm-crypt.c via dm-table",
    line: "[   20.000000] device-mapper: table: 253:0: crypt: Error allocating crypto tfm (-ENOENT)",
    want: { source: "kernel", cause: "kernel:dm-crypt:tfm-alloc" },
  },
  {
    from: "glibc stdlib/arc4random.c (seeds/003)",
    line: "Nov 23 04:00:01 mx1 sshd[555]: Fatal glibc error: cannot get entropy for arc4random",
    want: { source: "glibc", cause: "glibc:arc4random-entropy", subject: "sshd" },
  },
  {
    from: "audit kernel/auditsc.c audit_core_dumps() (seeds/004)",
    line: 'type=ANOM_ABEND msg=audit(1795406401.123:456): auid=4294967295 uid=0 gid=0 ses=4294967295 subj=unconfined pid=1234 comm="haproxy" exe="/usr/sbin/haproxy" sig=6 res=1',
    want: { source: "audit", cause: "crash:abort", subject: "haproxy" },
  },
  {
    from: "OpenSSH kex.c",
    line: "Nov 23 04:00:01 h sshd[556]: Unable to negotiate with 203.0.113.50 port 40022: no matching host key type found. Their offer: ssh-rsa,ssh-dss [preauth]",
    want: {
      source: "openssh",
      cause: "ssh:no-matching-host-key-type",
      role: "server",
      peer: "203.0.113.50",
    },
  },
  {
    from: "OpenSSH ssherr.c SSH_ERR_LIBCRYPTO_ERROR",
    line: "Nov 23 04:00:01 h sshd[557]: fatal: ssh_dispatch_run_fatal: Connection from 203.0.113.51 port 40023: error in libcrypto [preauth]",
    want: { source: "openssh", cause: "ssh:libcrypto", peer: "203.0.113.51" },
  },
  {
    from: "nginx ngx_event_openssl.c",
    line: "2026/11/23 04:00:01 [crit] 1234#1234: *5 SSL_do_handshake() failed (SSL: error:0A00006C:SSL routines::bad key share) while SSL handshaking, client: 198.51.100.20, server: 0.0.0.0:443",
    want: { source: "nginx", cause: "openssl:0A00006C", role: "server", peer: "198.51.100.20" },
  },
  {
    from: "nginx, proxying to a TLS upstream",
    line: '2026/11/23 04:00:01 [error] 1234#1234: *9 SSL_do_handshake() failed (SSL: error:0A000086:SSL routines::certificate verify failed) while SSL handshaking to upstream, client: 198.51.100.20, server: example.org, request: "GET / HTTP/1.1", upstream: "https://10.0.0.8:8443/", host: "example.org"',
    want: { source: "nginx", cause: "openssl:0A000086", role: "client", peer: "10.0.0.8" },
  },
  {
    from: "nginx",
    line: "2026/11/23 04:00:01 [info] 1234#1234: *7 peer closed connection in SSL handshake (104: Connection reset by peer) while SSL handshaking, client: 198.51.100.21, server: 0.0.0.0:443",
    want: { source: "nginx", cause: "nginx:peer-closed-in-handshake", peer: "198.51.100.21" },
  },
  {
    from: "Apache mod_ssl ssl_engine_io.c AH02008",
    line: "[Mon Nov 23 04:00:01.123456 2026] [ssl:info] [pid 99:tid 140] [client 198.51.100.30:50000] AH02008: SSL library error 1 in handshake (server www.example.org:443)",
    want: {
      source: "apache",
      cause: "apache:handshake-error",
      role: "server",
      peer: "198.51.100.30",
    },
  },
  {
    from: "Apache mod_ssl ssl_engine_log.c ssl_log_ssl_error()",
    line: "[Mon Nov 23 04:00:01.123456 2026] [ssl:info] [pid 99:tid 140] SSL Library Error: error:0A000412:SSL routines::sslv3 alert bad certificate (SSL alert number 42)",
    want: { source: "apache", cause: "openssl:0A000412", role: "server" },
  },
  {
    from: "Apache mod_ssl ssl_engine_kernel.c AH02039",
    line: "[Mon Nov 23 04:00:01.123456 2026] [ssl:info] [pid 99:tid 140] [client 198.51.100.30:50000] AH02039: Certificate Verification: Error (20): unable to get local issuer certificate",
    want: { source: "apache", cause: "x509:20", role: "server", peer: "198.51.100.30" },
  },
  {
    from: "haproxy src/connection.c conn_err_code_str()",
    line: "Nov 23 04:00:01 lb1 haproxy[4242]: 198.51.100.40:51000 [23/Nov/2026:04:00:01.123] fe_https/1: SSL handshake failure",
    want: {
      source: "haproxy",
      cause: "haproxy:ssl-handshake-failure",
      role: "server",
      peer: "198.51.100.40",
    },
  },
  {
    from: "haproxy 2.8+ with the OpenSSL reason",
    line: "Nov 23 04:00:01 lb1 haproxy[4242]: 198.51.100.40:51000 [23/Nov/2026:04:00:01.123] fe_https/1: SSL handshake failure (error:0A000418:SSL routines::tlsv1 alert unknown ca)",
    want: { source: "haproxy", cause: "openssl:0A000418", peer: "198.51.100.40" },
  },
  {
    from: "systemd src/core/service.c",
    line: "Nov 23 04:00:01 lb1 systemd[1]: haproxy.service: Main process exited, code=dumped, status=6/ABRT",
    want: { source: "systemd", cause: "crash:abort", subject: "haproxy.service" },
  },
  {
    from: "Dovecot src/master/service-process.c",
    line: "Nov 23 04:00:01 master: Error: service(imap-login): child 4321 killed with signal 11 (core dumps disabled)",
    want: { source: "dovecot", cause: "crash:segv", subject: "imap-login" },
  },
  // Not failures:
  {
    from: "Postfix, a good TLS session",
    line: "Nov 23 04:00:01 mx1 postfix/smtpd[812]: Anonymous TLS connection established from x[192.0.2.1]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)",
    want: undefined,
  },
  {
    from: "systemd, a normal stop",
    line: "Nov 23 04:00:01 lb1 systemd[1]: haproxy.service: Main process exited, code=killed, status=15/TERM",
    want: undefined,
  },
  {
    from: "sshd, not crypto",
    line: "Nov 23 04:00:01 h sshd[1]: fatal: Timeout before authentication for 203.0.113.1 port 1",
    want: undefined,
  },
];

describe("recogniseLogLine", () => {
  for (const c of CASES) {
    it(`${c.from}: ${c.line.slice(0, 70)}…`, () => {
      const h = parseLogHeader(c.line, REF);
      const got = recogniseLogLine(h.ident, h.message);
      if (c.want === undefined) {
        assert.equal(got, undefined);
        return;
      }
      assert.ok(got, "not recognised");
      for (const [k, v] of Object.entries(c.want)) assert.deepEqual(got[k as keyof LogMatch], v, k);
      // the prefilter must let every recognised line through
      assert.ok(
        LOG_CUES.some((cue) => c.line.includes(cue)),
        "no cue word in the line",
      );
    });
  }
});
