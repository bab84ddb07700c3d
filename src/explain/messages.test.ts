import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { matchMessage, messageRecognisers, MAX_MESSAGE_CHARS } from "./messages.js";
import { explainKey } from "./knowledge.js";

// [recogniser id, the line as people paste it, the key expected, where the form comes from]
const LINES: readonly [string, string, string, string][] = [
  [
    "java-pkix",
    "javax.net.ssl.SSLHandshakeException: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target",
    "java:pkix",
    "JDK sun.security.validator.PKIXValidator",
  ],
  [
    "java-alert-received",
    "javax.net.ssl.SSLHandshakeException: Received fatal alert: handshake_failure",
    "alert:40",
    "JDK sun.security.ssl.Alert (TLS 1.2 era)",
  ],
  [
    "java-no-protocol",
    "javax.net.ssl.SSLHandshakeException: No appropriate protocol (protocol is disabled or cipher suites are inappropriate)",
    "java:no-protocol",
    "JDK sun.security.ssl.HandshakeContext",
  ],
  [
    "java-no-san",
    "java.security.cert.CertificateException: No subject alternative names matching IP address 10.0.0.5 found",
    "java:no-san",
    "JDK sun.security.util.HostnameChecker",
  ],
  [
    "java-no-san",
    "java.security.cert.CertificateException: No subject alternative names present",
    "java:no-san",
    "JDK HostnameChecker, certificate without SAN",
  ],
  [
    "java-expired",
    "sun.security.validator.ValidatorException: PKIX path validation failed: java.security.cert.CertPathValidatorException: validity check failed; java.security.cert.CertificateExpiredException: NotAfter: Sat Mar 02 12:00:00 UTC 2024",
    "x509:10",
    "JDK sun.security.x509.CertificateValidity",
  ],
  [
    "java-not-yet-valid",
    "java.security.cert.CertificateNotYetValidException: NotBefore: Mon Jan 01 00:00:00 UTC 2035",
    "x509:9",
    "JDK CertificateValidity",
  ],
  [
    "java-remote-closed",
    "javax.net.ssl.SSLHandshakeException: Remote host terminated the handshake",
    "openssl:SSL_R_UNEXPECTED_EOF_WHILE_READING",
    "JDK 11+ SSLSocketImpl",
  ],
  [
    "java-unrecognized-ssl",
    "javax.net.ssl.SSLException: Unsupported or unrecognized SSL message",
    "openssl:SSL_R_WRONG_VERSION_NUMBER",
    "JDK 11+ SSLSocketInputRecord",
  ],
  [
    "java-no-cipher",
    "javax.net.ssl.SSLHandshakeException: No negotiable cipher suite",
    "openssl:SSL_R_NO_SHARED_CIPHER",
    "JDK ServerHello",
  ],
  [
    "java-empty-chain",
    "javax.net.ssl.SSLHandshakeException: Empty client certificate chain",
    "openssl:SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE",
    "JDK CertificateMessage",
  ],
  [
    "java-constraints",
    "java.security.cert.CertificateException: Certificates do not conform to algorithm constraints",
    "x509:68",
    "JDK AlgorithmChecker",
  ],
  [
    "java-sni-alert",
    "javax.net.ssl.SSLProtocolException: handshake alert:  unrecognized_name",
    "alert:112",
    "JDK 7/8 ClientHandshaker (two spaces)",
  ],
  [
    "go-unknown-authority",
    'Get "https://internal.example/": x509: certificate signed by unknown authority',
    "x509:20",
    "Go crypto/x509 UnknownAuthorityError.Error",
  ],
  [
    "go-valid-for",
    'Get "https://10.0.0.5/": x509: certificate is valid for example.com, www.example.com, not api.example.com',
    "x509:62",
    "Go crypto/x509 HostnameError.Error",
  ],
  [
    "go-no-names",
    "x509: certificate is not valid for any names, but wanted to match db.internal",
    "x509:62",
    "Go crypto/x509 HostnameError.Error (no SANs)",
  ],
  [
    "go-ip-sans",
    "x509: cannot validate certificate for 10.0.0.5 because it doesn't contain any IP SANs",
    "x509:64",
    "Go crypto/x509 HostnameError.Error",
  ],
  [
    "go-common-name",
    "x509: certificate relies on legacy Common Name field, use SANs instead",
    "x509:62",
    "Go 1.15+ crypto/x509 HostnameError",
  ],
  [
    "go-expired",
    "x509: certificate has expired or is not yet valid: current time 2024-03-03T10:00:00Z is after 2024-03-02T12:00:00Z",
    "x509:10",
    "Go crypto/x509 CertificateInvalidError (Expired)",
  ],
  [
    "go-insecure-alg",
    "x509: cannot verify signature: insecure algorithm SHA1-RSA (temporarily override with GODEBUG=x509sha1=1)",
    "x509:68",
    "Go 1.18+ crypto/x509 InsecureAlgorithmError",
  ],
  [
    "go-first-record",
    "http: server gave HTTP response to HTTPS client; tls: first record does not look like a TLS handshake",
    "go:not-tls",
    "Go crypto/tls conn.go readRecordOrCCS",
  ],
  [
    "go-remote-error",
    "remote error: tls: unknown certificate authority",
    "alert:48",
    "Go crypto/tls alert.go alertText",
  ],
  [
    "go-remote-error",
    "http: TLS handshake error from 192.0.2.4:5555: remote error: tls: bad certificate",
    "alert:42",
    "Go net/http server log",
  ],
  [
    "go-local-error",
    "local error: tls: bad record MAC",
    "alert:20",
    "Go crypto/tls alert.go (local side)",
  ],
  [
    "go-failed-verify",
    "tls: failed to verify certificate: x509: certificate signed by unknown authority",
    "openssl:SSL_R_CERTIFICATE_VERIFY_FAILED",
    "Go 1.20+ crypto/tls CertificateVerificationError",
  ],
  [
    "go-no-cipher",
    "tls: no cipher suite supported by both client and server",
    "openssl:SSL_R_NO_SHARED_CIPHER",
    "Go crypto/tls handshake_server.go",
  ],
  [
    "go-versions",
    "tls: client offered only unsupported versions: [301 302]",
    "openssl:SSL_R_UNSUPPORTED_PROTOCOL",
    "Go crypto/tls handshake_server.go",
  ],
  [
    "go-handshake-eof",
    "http: TLS handshake error from 10.1.2.3:41234: EOF",
    "openssl:SSL_R_UNEXPECTED_EOF_WHILE_READING",
    "Go net/http server log (health checks)",
  ],
  [
    "rustls-invalid-cert",
    "invalid peer certificate: UnknownIssuer",
    "x509:20",
    "rustls 0.21-0.23 Error Display (Debug of CertificateError)",
  ],
  [
    "rustls-invalid-cert",
    "error trying to connect: invalid peer certificate: NotValidForName",
    "x509:62",
    "hyper-rustls via reqwest",
  ],
  [
    "rustls-invalid-cert",
    'invalid peer certificate: certificate not valid for name "db.internal"; certificate is only valid for DnsName("x")',
    "x509:62",
    "rustls 0.23.x CertificateError Display",
  ],
  [
    "rustls-alert",
    "received fatal alert: BadCertificate",
    "alert:42",
    "rustls Error::AlertReceived Display",
  ],
  ["rustls-alert", "received fatal alert: UnknownCA", "alert:48", "rustls AlertDescription Debug"],
  [
    "rustls-incompatible",
    "peer is incompatible: NoCipherSuitesInCommon",
    "openssl:SSL_R_NO_SHARED_CIPHER",
    "rustls PeerIncompatible",
  ],
  [
    "rustls-corrupt",
    "received corrupt message of type InvalidContentType",
    "openssl:SSL_R_WRONG_VERSION_NUMBER",
    "rustls InvalidMessage (plaintext peer)",
  ],
  [
    "dotnet-invalid-cert",
    "System.Security.Authentication.AuthenticationException: The remote certificate is invalid according to the validation procedure.",
    "schannel:untrusted-root",
    ".NET Framework/Core SslStream",
  ],
  [
    "dotnet-invalid-cert",
    "The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot",
    "schannel:untrusted-root",
    ".NET 5+ SslStream",
  ],
  [
    "dotnet-name-mismatch",
    "The remote certificate is invalid according to the validation procedure: RemoteCertificateNameMismatch",
    "x509:62",
    ".NET 6+ SslStream",
  ],
  [
    "dotnet-chain-errors",
    "SslPolicyErrors: RemoteCertificateChainErrors",
    "schannel:untrusted-root",
    ".NET RemoteCertificateValidationCallback logging",
  ],
  [
    "dotnet-alert",
    "Authentication failed because the remote party sent a TLS alert: 'HandshakeFailure'.",
    "alert:40",
    ".NET 7+ SslStream (TlsAlertMessage)",
  ],
  [
    "dotnet-closed",
    "System.IO.IOException: Authentication failed because the remote party has closed the transport stream.",
    "openssl:SSL_R_UNEXPECTED_EOF_WHILE_READING",
    ".NET SslStream",
  ],
  [
    "schannel-untrusted-root",
    "Win32Exception (0x80090325): The certificate chain was issued by an authority that is not trusted.",
    "schannel:untrusted-root",
    "Windows winerror.h SEC_E_UNTRUSTED_ROOT, SqlClient",
  ],
  [
    "schannel-illegal-message",
    "System.ComponentModel.Win32Exception (0x80090326): The message received was unexpected or badly formatted.",
    "schannel:SEC_E_ILLEGAL_MESSAGE",
    "winerror.h SEC_E_ILLEGAL_MESSAGE",
  ],
  [
    "schannel-algorithm-mismatch",
    "Win32Exception (0x80090331): The client and server cannot communicate, because they do not possess a common algorithm.",
    "schannel:SEC_E_ALGORITHM_MISMATCH",
    "winerror.h SEC_E_ALGORITHM_MISMATCH",
  ],
  [
    "schannel-wrong-principal",
    "Win32Exception (0x80090322): The target principal name is incorrect.",
    "schannel:SEC_E_WRONG_PRINCIPAL",
    "winerror.h SEC_E_WRONG_PRINCIPAL",
  ],
  [
    "schannel-invalid-token",
    "Win32Exception (0x80090308): The token supplied to the function is invalid",
    "schannel:SEC_E_INVALID_TOKEN",
    "winerror.h SEC_E_INVALID_TOKEN",
  ],
  [
    "schannel-internal",
    "curl: (35) schannel: next InitializeSecurityContext failed: SEC_E_INTERNAL_ERROR (0x80090304) - The Local Security Authority cannot be contacted",
    "schannel:SEC_E_INTERNAL_ERROR",
    "curl lib/vtls/schannel.c",
  ],
  [
    "schannel-expired",
    "schannel: next InitializeSecurityContext failed: SEC_E_CERT_EXPIRED (0x80090328) - The received certificate has expired.",
    "x509:10",
    "curl lib/vtls/schannel.c",
  ],
  [
    "nss-unknown-issuer",
    "Error code: SEC_ERROR_UNKNOWN_ISSUER",
    "nss:SEC_ERROR_UNKNOWN_ISSUER",
    "Firefox error page",
  ],
  [
    "nss-no-cypher",
    "Error code: SSL_ERROR_NO_CYPHER_OVERLAP",
    "nss:SSL_ERROR_NO_CYPHER_OVERLAP",
    "Firefox error page",
  ],
  [
    "nss-bad-cert-domain",
    "Error code: SSL_ERROR_BAD_CERT_DOMAIN",
    "nss:SSL_ERROR_BAD_CERT_DOMAIN",
    "Firefox error page",
  ],
  [
    "nss-expired",
    "Error code: SEC_ERROR_EXPIRED_CERTIFICATE",
    "nss:SEC_ERROR_EXPIRED_CERTIFICATE",
    "Firefox error page",
  ],
  [
    "nss-version",
    "Error code: SSL_ERROR_PROTOCOL_VERSION_ALERT",
    "nss:SSL_ERROR_PROTOCOL_VERSION_ALERT",
    "Firefox error page",
  ],
  [
    "nss-bad-cert-alert",
    "NSS error -12284 (SSL_ERROR_BAD_CERT_ALERT)",
    "alert:42",
    "curl-nss / 389-ds logs",
  ],
  [
    "nss-handshake-alert",
    "SSL_ERROR_HANDSHAKE_FAILURE_ALERT",
    "alert:40",
    "Thunderbird error console",
  ],
  [
    "nss-self-signed",
    "Error code: MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT",
    "x509:18",
    "Firefox error page",
  ],
  [
    "nss-untrusted-issuer",
    "Peer's certificate issuer has been marked as not trusted by the user. (SEC_ERROR_UNTRUSTED_ISSUER)",
    "x509:19",
    "NSS secerr.h",
  ],
  [
    "nss-record-too-long",
    "Error code: SSL_ERROR_RX_RECORD_TOO_LONG",
    "openssl:SSL_R_PACKET_LENGTH_TOO_LONG",
    "Firefox against HTTP on 443",
  ],
  [
    "curl-60",
    "curl: (60) SSL certificate problem: unable to get local issuer certificate",
    "curl:60",
    "curl 7.x/8.x lib/vtls/openssl.c",
  ],
  [
    "curl-35",
    "curl: (35) error:0A000410:SSL routines::sslv3 alert handshake failure",
    "curl:35",
    "curl 7.88 (Debian 12) with OpenSSL 3",
  ],
  [
    "curl-51",
    "curl: (51) SSL: no alternative certificate subject name matches target host name 'example.net'",
    "curl:51",
    "curl lib/vtls/openssl.c verifyhost",
  ],
  [
    "curl-77",
    "curl: (77) error setting certificate verify locations:  CAfile: /etc/ssl/certs/ca-certificates.crt CApath: none",
    "curl:77",
    "curl lib/vtls/openssl.c",
  ],
  ["curl-6", "curl: (6) Could not resolve host: mx.example.invalid", "curl:6", "curl lib/hostip.c"],
  [
    "gnutls-premature",
    "2024-01-02 10:00:00 TLS error on connection from [192.0.2.9] (recv): The TLS connection was non-properly terminated.",
    "gnutls:GNUTLS_E_PREMATURE_TERMINATION",
    "Exim src/tls-gnu.c + gnutls_strerror",
  ],
  [
    "gnutls-fatal-alert",
    "TLS error on connection to mx.example.com [192.0.2.1] (gnutls_handshake): A TLS fatal alert has been received.",
    "gnutls:GNUTLS_E_FATAL_ALERT_RECEIVED",
    "Exim src/tls-gnu.c",
  ],
  [
    "gnutls-alert-name",
    "TLS error on connection from (client) [192.0.2.9] (recv): A TLS fatal alert has been received.: Certificate is bad",
    "alert:42",
    "Exim tls-gnu.c appends gnutls_alert_get_name",
  ],
  [
    "gnutls-push",
    "TLS error on connection to mx.example.com [192.0.2.1] (send): Error in the push function.",
    "gnutls:GNUTLS_E_PUSH_ERROR",
    "Exim src/tls-gnu.c",
  ],
  [
    "gnutls-pull",
    "TLS error on connection from [192.0.2.9] (recv): Error in the pull function.",
    "gnutls:GNUTLS_E_PULL_ERROR",
    "Exim src/tls-gnu.c",
  ],
  [
    "gnutls-key-usage",
    "TLS error on connection to mx.example.com [192.0.2.1] (gnutls_handshake): Key usage violation in certificate has been detected.",
    "gnutls:GNUTLS_E_KEY_USAGE_VIOLATION",
    "Exim src/tls-gnu.c",
  ],
  [
    "gnutls-unexpected-packet",
    "*** Fatal error: An unexpected TLS packet was received.",
    "gnutls:GNUTLS_E_UNEXPECTED_PACKET",
    "gnutls-cli src/cli.c",
  ],
  [
    "gnutls-version",
    "*** Fatal error: A packet with illegal or unsupported version was received.",
    "gnutls:GNUTLS_E_UNSUPPORTED_VERSION_PACKET",
    "gnutls-cli",
  ],
  [
    "gnutls-no-cipher",
    "TLS error on connection from [192.0.2.9] (gnutls_handshake): Could not negotiate a supported cipher suite.",
    "gnutls:GNUTLS_E_NO_CIPHER_SUITES",
    "Exim src/tls-gnu.c",
  ],
  [
    "gnutls-credentials",
    "TLS error on connection from [192.0.2.9] (gnutls_handshake): Insufficient credentials for that request.",
    "gnutls:GNUTLS_E_INSUFFICIENT_CREDENTIALS",
    "Exim src/tls-gnu.c",
  ],
  [
    "gnutls-verify",
    "*** Verifying server certificate failed... Error in the certificate verification.",
    "gnutls:GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR",
    "gnutls-cli",
  ],
  [
    "gnutls-dh-prime",
    "TLS error on connection to mx.example.com (gnutls_handshake): The Diffie-Hellman prime sent by the server is not acceptable (not long enough).",
    "gnutls:GNUTLS_E_DH_PRIME_UNACCEPTABLE",
    "Exim src/tls-gnu.c",
  ],
  [
    "gnutls-alpn",
    "TLS error on connection from [192.0.2.9] (gnutls_handshake): No supported application protocol could be negotiated",
    "gnutls:GNUTLS_E_NO_APPLICATION_PROTOCOL",
    "Exim 4.95+ tls-gnu.c",
  ],
  [
    "openssl-reason",
    "error:1408F10B:SSL routines:ssl3_get_record:wrong version number",
    "openssl:SSL_R_WRONG_VERSION_NUMBER",
    "OpenSSL 1.1 ERR_error_string_n",
  ],
  [
    "openssl-reason",
    "error:0A000086:SSL routines::certificate verify failed",
    "openssl:SSL_R_CERTIFICATE_VERIFY_FAILED",
    "OpenSSL 3 ERR_error_string_n",
  ],
  [
    "openssl-reason",
    "error:0A00018A:SSL routines::dh key too small",
    "openssl:SSL_R_DH_KEY_TOO_SMALL",
    "OpenSSL 3",
  ],
  [
    "openssl-reason",
    "SSL_read: error:0A000126:SSL routines::unexpected eof while reading",
    "openssl:SSL_R_UNEXPECTED_EOF_WHILE_READING",
    "OpenSSL 3, apps and daemons",
  ],
  [
    "openssl-alert-text",
    "error:0A000438:SSL routines::tlsv1 alert internal error",
    "alert:80",
    "seeds/000 (swaks against Exim)",
  ],
  [
    "openssl-alert-text",
    "error:0A000126:SSL routines::ssl/tls alert bad certificate",
    "alert:42",
    "OpenSSL 3.2+ wording (ssl/tls alert …)",
  ],
  [
    "openssl-alert-text",
    "error:14094418:SSL routines:ssl3_read_bytes:tlsv1 alert unknown ca",
    "alert:48",
    "OpenSSL 1.1",
  ],
  [
    "openssl-alert-number",
    "../ssl/record/rec_layer_s3.c:1543: SSL alert number 42",
    "alert:42",
    "seeds/003 (ERR_add_error_data in ssl3_read_bytes)",
  ],
  [
    "openssl-unrecognized-name",
    "error:14094458:SSL routines:ssl3_read_bytes:tlsv1 unrecognized name",
    "alert:112",
    "OpenSSL 1.1 ssl_err.c",
  ],
  [
    "openssl-verify-num",
    "verify error:num=20:unable to get local issuer certificate",
    "x509:20",
    "openssl s_client apps/lib/s_cb.c verify_callback",
  ],
  [
    "openssl-verify-return",
    "Verify return code: 21 (unable to verify the first certificate)",
    "x509:21",
    "openssl s_client print_stuff",
  ],
  [
    "openssl-verify-cmd",
    "error 10 at 0 depth lookup: certificate has expired",
    "x509:10",
    "openssl verify apps/verify.c cb",
  ],
  [
    "python-ssl",
    "ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)",
    "openssl:SSL_R_CERTIFICATE_VERIFY_FAILED",
    "CPython Modules/_ssl.c fill_and_set_sslerror",
  ],
  [
    "x509-local-issuer",
    "SSL certificate problem: unable to get local issuer certificate",
    "x509:20",
    "X509_verify_cert_error_string",
  ],
  [
    "x509-issuer",
    "verify error: unable to get issuer certificate",
    "x509:2",
    "X509_verify_cert_error_string",
  ],
  [
    "x509-first-cert",
    "unable to verify the first certificate",
    "x509:21",
    "X509_verify_cert_error_string",
  ],
  [
    "x509-expired",
    "SSL certificate problem: certificate has expired",
    "x509:10",
    "curl (60) detail",
  ],
  ["x509-not-yet-valid", "certificate is not yet valid", "x509:9", "X509_verify_cert_error_string"],
  [
    "x509-self-signed-chain",
    "SSL certificate problem: self signed certificate in certificate chain",
    "x509:19",
    "OpenSSL 1.1 wording",
  ],
  [
    "x509-self-signed",
    "SSL certificate problem: self-signed certificate",
    "x509:18",
    "OpenSSL 3 wording",
  ],
  [
    "x509-hostname",
    "verify error:num=62:hostname mismatch",
    "x509:62",
    "OpenSSL 1.1+ (X509_V_ERR_HOSTNAME_MISMATCH)",
  ],
  [
    "x509-purpose",
    "unsuitable certificate purpose",
    "x509:26",
    "OpenSSL 3 wording (1.1: unsupported certificate purpose)",
  ],
  ["x509-ee-weak", "EE certificate key too weak", "x509:66", "X509_verify_cert_error_string"],
  ["x509-ca-weak", "CA certificate key too weak", "x509:67", "X509_verify_cert_error_string"],
  [
    "x509-ca-md",
    "CA signature digest algorithm too weak",
    "x509:68",
    "X509_verify_cert_error_string",
  ],
  ["x509-invalid-ca", "invalid CA certificate", "x509:79", "X509_verify_cert_error_string"],
  ["x509-signature", "certificate signature failure", "x509:7", "X509_verify_cert_error_string"],
  ["x509-revoked", "verify error: certificate revoked", "x509:23", "X509_verify_cert_error_string"],
  [
    "eai-noname",
    "ssh: Could not resolve hostname foo.invalid: Name or service not known",
    "eai:-2",
    "OpenSSH + gai_strerror",
  ],
  [
    "eai-again",
    "warning: hostname mail.example.com does not resolve: Temporary failure in name resolution",
    "eai:-3",
    "Postfix + gai_strerror",
  ],
  ["eai-fail", "getaddrinfo: Non-recoverable failure in name resolution", "eai:-4", "gai_strerror"],
  [
    "eai-nodata",
    "getaddrinfo: No address associated with hostname",
    "eai:-5",
    "gai_strerror (seeds/004)",
  ],
  ["eai-service", "getaddrinfo: Servname not supported for ai_socktype", "eai:-8", "gai_strerror"],
  ["eai-addrfamily", "Address family for hostname not supported", "eai:-9", "gai_strerror"],
  ["eai-name", "Error: getaddrinfo ENOTFOUND db.internal", "eai:-2", "Node.js dns errors"],
  ["eai-name", "Error: getaddrinfo EAI_AGAIN registry.npmjs.org", "eai:-3", "Node.js dns errors"],
  [
    "glibc-arc4random",
    "Fatal glibc error: cannot get entropy for arc4random",
    "glibc:arc4random",
    "seeds/003 (glibc 2.36 stdlib/arc4random.c)",
  ],
  [
    "kernel-alloc-transform",
    "device-mapper: table: 253:0: crypt: Error allocating crypto tfm; Failed to allocate transformation for 'xts(aes)': -2",
    "kernel:alloc-transform",
    "seeds/001 (crypto/api)",
  ],
  [
    "kernel-selftest",
    'alg: skcipher: xts-aes-vmx encryption test failed (wrong result) on test vector 0, cfg="in-place"',
    "kernel:selftest",
    "Linux crypto/testmgr.c (5.x)",
  ],
  [
    "crash-signal",
    "postfix/master[1042]: warning: process /usr/lib/postfix/sbin/smtp pid 31337 killed by signal 11",
    "crash:segv-tls",
    "seeds/002 (Postfix master)",
  ],
  [
    "crash-segfault",
    "kernel: smtp[31337]: segfault at 0 ip 00007f3c2a1b2c3d sp 00007ffd12345678 error 4 in libcrypto.so.1.0.0[7f3c2a000000+1d4000]",
    "crash:segv-tls",
    "Linux arch/x86/mm/fault.c show_signal_msg",
  ],
  [
    "crash-anom-abend",
    'type=ANOM_ABEND msg=audit(1391032884.818:1967129): auid=809400027 uid=0 gid=0 ses=221308 pid=31826 comm="haproxy" sig=6',
    "crash:abort-resolver",
    "seeds/004 (audit log)",
  ],
];

for (const [id, line, key, source] of LINES) {
  test(`${id}: ${source}`, () => {
    const found = matchMessage(line);
    const m = found.find((x) => x.key === key);
    assert.ok(m, `${key} in ${JSON.stringify(found.map((x) => [x.pattern, x.key]))}`);
    assert.equal(m.known, true, `${key} has an entry`);
    assert.equal(line.slice(m.start, m.end), m.text);
    assert.ok(explainKey(key), key);
  });
}

test("at least 60 recognisers, each exercised by a real-form line above", () => {
  const ids = messageRecognisers().map((r) => r.id);
  assert.ok(ids.length >= 60, `${ids.length}`);
  assert.equal(new Set(ids).size, ids.length, "unique ids");
  const tested = new Set(LINES.map((l) => l[0]));
  assert.deepEqual(
    ids.filter((id) => !tested.has(id)),
    [],
  );
});

test("each line is matched by the recogniser it is listed under", () => {
  for (const [id, line, key] of LINES) {
    const mine = matchMessage(line, { all: true }).filter((x) => x.pattern === id);
    assert.ok(
      mine.some((x) => x.key === key),
      `${id}: ${JSON.stringify(mine)}`,
    );
  }
});

test("a received alert is not mistaken for a local verify result", () => {
  const keys = matchMessage(
    "error:14094414:SSL routines:ssl3_read_bytes:sslv3 alert certificate revoked",
  ).map((m) => m.key);
  assert.ok(keys.includes("alert:44"));
  assert.ok(!keys.includes("x509:23"));
});

test("binary junk, invalid UTF-16 and huge lines are bounded and never throw", () => {
  assert.deepEqual(matchMessage("\u0000\u0001\uD800\uDFFF\uFFFD"), []);
  const huge = "A".repeat(5_000_000) + " certificate has expired";
  const t0 = process.hrtime.bigint();
  assert.deepEqual(matchMessage(huge), []); // beyond MAX_MESSAGE_CHARS
  const near =
    "x ".repeat((MAX_MESSAGE_CHARS - 100) / 2) + "unable to get local issuer certificate";
  assert.equal(matchMessage(near)[0]?.key, "x509:20");
  // A worst case for the lazy quantifiers: many partial cues in one line.
  matchMessage("x509: certificate is valid for ".repeat(3000) + "alg: skcipher: ".repeat(3000));
  assert.ok(Number(process.hrtime.bigint() - t0) / 1e6 < 2000);
});

// Real output of the installed OpenSSL 3.0: `openssl verify` and an s_server/s_client pair
// where the client does not trust the server's self-signed certificate.
test("real openssl verify and s_server/s_client output is recognised", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tlsd-kb-"));
  try {
    const ossl = (...args: string[]): string =>
      execFileSync("openssl", args, {
        cwd: dir,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
    ossl(
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
      "-days",
      "2",
      "-subj",
      "/CN=kb test CA",
    );
    ossl(
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      "leaf.key",
      "-out",
      "leaf.csr",
      "-subj",
      "/CN=leaf.test",
    );
    writeFileSync(join(dir, "ext"), "subjectAltName=DNS:leaf.test\n");
    ossl(
      "x509",
      "-req",
      "-in",
      "leaf.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      "leaf.pem",
      "-days",
      "2",
      "-extfile",
      "ext",
    );
    const verify = (...args: string[]): string => {
      try {
        return ossl("verify", ...args);
      } catch (e) {
        const x = e as { stdout?: string; stderr?: string };
        return `${x.stdout ?? ""}${x.stderr ?? ""}`;
      }
    };
    const keysOf = (s: string): string[] => matchMessage(s).map((m) => m.key);
    assert.ok(keysOf(verify(...NO_STORE, "ca.pem")).includes("x509:18"));
    assert.ok(keysOf(verify(...NO_STORE, "leaf.pem")).includes("x509:20"));
    assert.ok(
      keysOf(verify("-CAfile", "ca.pem", "-verify_hostname", "other.test", "leaf.pem")).includes(
        "x509:62",
      ),
    );

    // s_server logs the alert the client sends when it rejects the certificate.
    const port = await freePort();
    const server = execFile(
      "openssl",
      [
        "s_server",
        "-accept",
        `127.0.0.1:${port}`,
        "-cert",
        "leaf.pem",
        "-key",
        "leaf.key",
        "-naccept",
        "1",
      ],
      { cwd: dir },
    );
    let serverOut = "";
    server.stdout?.on("data", (d: Buffer) => (serverOut += d.toString()));
    server.stderr?.on("data", (d: Buffer) => (serverOut += d.toString()));
    await waitFor(() => serverOut.includes("ACCEPT"), 5000);
    const client = await promisify(execFile)(
      "openssl",
      ["s_client", "-connect", `127.0.0.1:${port}`, "-verify_return_error", ...NO_STORE],
      { cwd: dir, timeout: 10000 },
    ).catch((e: { stdout?: string; stderr?: string }) => e);
    await waitFor(() => /alert/.test(serverOut) || server.exitCode !== null, 5000);
    server.kill();
    const clientOut = `${client.stdout ?? ""}${client.stderr ?? ""}`;
    assert.ok(
      keysOf(clientOut).includes("x509:20") || keysOf(clientOut).includes("x509:21"),
      clientOut,
    );
    assert.ok(keysOf(serverOut).includes("alert:48"), serverOut);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const NO_STORE = ["-no-CAfile", "-no-CApath", "-no-CAstore"];

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
}
