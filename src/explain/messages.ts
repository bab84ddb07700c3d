/**
 * Recognisers for the TLS and crypto error messages people paste: Java,
 * Go crypto/tls, rustls, .NET/Schannel, NSS, curl, GnuTLS (as Exim and
 * Postfix log it), OpenSSL (reason strings, verify strings, s_client lines,
 * Python's `[SSL: MACRO]`), getaddrinfo, glibc, the kernel and crash lines.
 * Each maps to a knowledge key (knowledge.ts). Regexes are compiled once at
 * load, use only bounded or linear quantifiers, and run only when their
 * lowercase literal cue occurs in the line, so a log scanner can afford them.
 */
import { alertByName } from "./alerts.js";
import { knowledgeEntry } from "./knowledge.js";

export type MessageSource =
  | "java"
  | "go"
  | "rustls"
  | "dotnet"
  | "nss"
  | "curl"
  | "gnutls"
  | "openssl"
  | "python"
  | "libc"
  | "kernel"
  | "crash";

export interface MessageMatch {
  /** Recogniser id. */
  readonly pattern: string;
  readonly stack: MessageSource;
  /** Knowledge key (explainKey resolves it). */
  readonly key: string;
  /** Whether the knowledge base has an entry for the key. */
  readonly known: boolean;
  /** UTF-16 offsets of the match in the input. */
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly groups: Readonly<Record<string, string>>;
}

interface Recogniser {
  readonly id: string;
  readonly stack: MessageSource;
  /** Lowercase literals, one of which must occur in the lowercased text for `re` to run. */
  readonly cue: string | readonly string[];
  readonly re: RegExp;
  readonly key: string | ((g: Record<string, string>) => string | undefined);
}

/** Longest text examined per call; longer input is cut (logs can hold megabyte lines). */
export const MAX_MESSAGE_CHARS = 65536;

const alertKey = (name: string | undefined): string | undefined => {
  if (name === undefined) return undefined;
  const a = alertByName(name);
  return a ? `alert:${a.code}` : undefined;
};

/** OpenSSL wording: "bad certificate", "user cancelled" (ssl/ssl_err.c); tries the longest word prefix. */
function opensslAlertKey(words: string | undefined): string | undefined {
  if (words === undefined) return undefined;
  const parts = words.trim().toLowerCase().split(/\s+/);
  for (let n = parts.length; n > 0; n--) {
    const name = parts.slice(0, n).join("_").replace("cancelled", "canceled");
    const k = alertKey(name);
    if (k) return k;
  }
  return undefined;
}

/** rustls and .NET name alerts in CamelCase: BadCertificate, UnknownCA. */
const camelAlertKey = (s: string | undefined): string | undefined =>
  s === undefined ? undefined : alertKey(s.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase());

// Go crypto/tls alert.go alertText: the wording of `remote error: tls: …`.
const GO_ALERTS: Readonly<Record<string, number>> = {
  "close notify": 0,
  "unexpected message": 10,
  "bad record MAC": 20,
  "decryption failed": 21,
  "record overflow": 22,
  "decompression failure": 30,
  "handshake failure": 40,
  "bad certificate": 42,
  "unsupported certificate": 43,
  "revoked certificate": 44,
  "expired certificate": 45,
  "unknown certificate": 46,
  "illegal parameter": 47,
  "unknown certificate authority": 48,
  "access denied": 49,
  "error decoding message": 50,
  "error decrypting message": 51,
  "export restriction": 60,
  "protocol version not supported": 70,
  "insufficient security level": 71,
  "internal error": 80,
  "inappropriate fallback": 86,
  "user canceled": 90,
  "no renegotiation": 100,
  "missing extension": 109,
  "unsupported extension": 110,
  "certificate unobtainable": 111,
  "unrecognized name": 112,
  "bad certificate status response": 113,
  "bad certificate hash value": 114,
  "unknown PSK identity": 115,
  "certificate required": 116,
  "no application protocol": 120,
  "encrypted client hello required": 121,
};

// GnuTLS lib/alert.c: gnutls_alert_get_name() wording, which Exim appends.
export const GNUTLS_ALERTS: Readonly<Record<string, number>> = {
  "Close notify": 0,
  "Unexpected message": 10,
  "Bad record MAC": 20,
  "Decryption failed": 21,
  "Record overflow": 22,
  "Decompression failed": 30,
  "Handshake failed": 40,
  "No certificate (SSL 3.0)": 41,
  "Certificate is bad": 42,
  "Certificate is not supported": 43,
  "Certificate was revoked": 44,
  "Certificate is expired": 45,
  "Unknown certificate": 46,
  "Illegal parameter": 47,
  "CA is unknown": 48,
  "Access was denied": 49,
  "Decode error": 50,
  "Decrypt error": 51,
  "Export restriction": 60,
  "Error in protocol version": 70,
  "Insufficient security": 71,
  "Internal error": 80,
  "Inappropriate fallback": 86,
  "User canceled": 90,
  "No renegotiation is allowed": 100,
  "An extension was expected but was not seen": 109,
  "An unsupported extension was sent": 110,
  "Could not retrieve the specified certificate": 111,
  "The server name sent was not recognized": 112,
  "The SRP/PSK username is missing or not known": 115,
  "Certificate is required": 116,
  "No supported application protocol could be negotiated": 120,
};
const GNUTLS_ALERT_RE = Object.keys(GNUTLS_ALERTS)
  .sort((a, b) => b.length - a.length)
  .map((s) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"))
  .join("|");

const RUSTLS_CERT: Readonly<Record<string, string>> = {
  UnknownIssuer: "x509:20",
  NotValidForName: "x509:62",
  NotValidForNameContext: "x509:62",
  Expired: "x509:10",
  ExpiredContext: "x509:10",
  NotValidYet: "x509:9",
  NotValidYetContext: "x509:9",
  BadSignature: "x509:7",
  Revoked: "x509:23",
  InvalidPurpose: "x509:26",
  UnsupportedSignatureAlgorithm: "x509:68",
  BadEncoding: "openssl:SSL_R_CERTIFICATE_VERIFY_FAILED",
  "unknown issuer": "x509:20",
  "certificate not valid for name": "x509:62",
  "certificate expired": "x509:10",
  "certificate not valid yet": "x509:9",
};

const RUSTLS_INCOMPATIBLE: Readonly<Record<string, string>> = {
  NoCipherSuitesInCommon: "openssl:SSL_R_NO_SHARED_CIPHER",
  NoKxGroupsInCommon: "openssl:SSL_R_NO_SHARED_GROUPS",
  NoSignatureSchemesInCommon: "openssl:SSL_R_NO_SHARED_SIGNATURE_ALGORITHMS",
  Tls12NotOffered: "openssl:SSL_R_UNSUPPORTED_PROTOCOL",
  Tls12NotOfferedOrEnabled: "openssl:SSL_R_UNSUPPORTED_PROTOCOL",
  Tls13RequiredForQuic: "openssl:SSL_R_UNSUPPORTED_PROTOCOL",
  SupportedVersionsExtensionRequired: "openssl:SSL_R_UNSUPPORTED_PROTOCOL",
  ServerDoesNotSupportTls12Or13: "openssl:SSL_R_UNSUPPORTED_PROTOCOL",
};

const EAI_NAMES: Readonly<Record<string, string>> = {
  ENOTFOUND: "eai:-2",
  NONAME: "eai:-2",
  AGAIN: "eai:-3",
  FAIL: "eai:-4",
  NODATA: "eai:-5",
  SERVICE: "eai:-8",
  ADDRFAMILY: "eai:-9",
  MEMORY: "eai:-10",
  SYSTEM: "eai:-11",
};

// Reason strings of the openssl: entries, so "routines:FUNC:REASON" finds its macro.
let reasonIndex: Map<string, string> | undefined;
function reasonKey(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (!reasonIndex) {
    reasonIndex = new Map();
    for (const m of REASON_MACROS) {
      const e = knowledgeEntry(`openssl:${m}`);
      if (e?.text !== undefined) reasonIndex.set(e.text, e.key);
    }
  }
  const t = text.trim().toLowerCase();
  return (
    reasonIndex.get(t) ??
    opensslAlertKey(/^(?:sslv3|tlsv1|tlsv13|ssl\/tls|tls) (?:alert )?(.+)$/.exec(t)?.[1])
  );
}
const REASON_MACROS = [
  "SSL_R_CERTIFICATE_VERIFY_FAILED",
  "SSL_R_WRONG_VERSION_NUMBER",
  "SSL_R_UNSUPPORTED_PROTOCOL",
  "SSL_R_NO_SHARED_CIPHER",
  "SSL_R_NO_CIPHERS_AVAILABLE",
  "SSL_R_NO_PROTOCOLS_AVAILABLE",
  "SSL_R_DH_KEY_TOO_SMALL",
  "SSL_R_EE_KEY_TOO_SMALL",
  "SSL_R_CA_KEY_TOO_SMALL",
  "SSL_R_CA_MD_TOO_WEAK",
  "SSL_R_UNEXPECTED_EOF_WHILE_READING",
  "SSL_R_HTTP_REQUEST",
  "SSL_R_HTTPS_PROXY_REQUEST",
  "SSL_R_PACKET_LENGTH_TOO_LONG",
  "SSL_R_UNKNOWN_PROTOCOL",
  "SSL_R_LEGACY_SIGALG_DISALLOWED_OR_UNSUPPORTED",
  "SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM",
  "SSL_R_NO_SHARED_SIGNATURE_ALGORITHMS",
  "SSL_R_NO_SHARED_GROUPS",
  "SSL_R_NO_SUITABLE_KEY_SHARE",
  "SSL_R_BAD_KEY_SHARE",
  "SSL_R_VERSION_TOO_LOW",
  "SSL_R_VERSION_TOO_HIGH",
  "SSL_R_UNSUPPORTED_SSL_VERSION",
  "SSL_R_INAPPROPRIATE_FALLBACK",
  "SSL_R_UNSAFE_LEGACY_RENEGOTIATION_DISABLED",
  "SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE",
  "SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC",
  "SSL_R_BAD_SIGNATURE",
  "SSL_R_NO_APPLICATION_PROTOCOL",
  "SSL_R_NO_CERTIFICATE_ASSIGNED",
  "SSL_R_NO_PRIVATE_KEY_ASSIGNED",
  "SSL_R_SHUTDOWN_WHILE_IN_INIT",
  "SSL_R_PROTOCOL_IS_SHUTDOWN",
  "SSL_R_CERT_CB_ERROR",
  "SSL_R_WRONG_SIGNATURE_TYPE",
  "SSL_R_DIGEST_CHECK_FAILED",
  "SSL_R_BAD_PACKET_LENGTH",
  "SSL_R_EXCESSIVE_MESSAGE_SIZE",
  "SSL_R_SSL_HANDSHAKE_FAILURE",
  "SSL_R_UNSUPPORTED_ELLIPTIC_CURVE",
  "SSL_R_WRONG_CURVE",
  "SSL_R_BAD_DH_VALUE",
  "SSL_R_BAD_ECPOINT",
  "X509_R_KEY_VALUES_MISMATCH",
  "X509_R_CERT_ALREADY_IN_HASH_TABLE",
  "PEM_R_NO_START_LINE",
  "EVP_R_UNSUPPORTED_ALGORITHM",
];

// Schannel codes appear by name (SEC_E_…, CERT_E_…) or as HRESULT hex (0x8009…, 0x800B…).
const SCHANNEL_CUES = ["sec_e_", "cert_e_", "0x8009", "0x800b"];

const R = (
  id: string,
  stack: MessageSource,
  cue: Recogniser["cue"],
  re: RegExp,
  key: Recogniser["key"],
): Recogniser => ({ id, stack, cue, re, key });

const RECOGNISERS: readonly Recogniser[] = [
  // Java: sun.security.validator / sun.security.ssl messages.
  R(
    "java-pkix",
    "java",
    "certification path",
    /PKIX path building failed|unable to find valid certification path to requested target/,
    "java:pkix",
  ),
  R(
    "java-alert-received",
    "java",
    "received fatal alert",
    /Received fatal alert: (?<alert>[a-z_]+)/,
    (m) => alertKey(m.alert),
  ),
  R(
    "java-no-protocol",
    "java",
    "no appropriate protocol",
    /No appropriate protocol \(protocol is disabled or cipher suites are inappropriate\)/,
    "java:no-protocol",
  ),
  R(
    "java-no-san",
    "java",
    "no subject alternative",
    /No subject alternative (?:DNS )?names?(?: matching (?:IP address|DNS name) (?<name>\S+) found| present)/,
    "java:no-san",
  ),
  R(
    "java-expired",
    "java",
    "certificateexpiredexception",
    /CertificateExpiredException: NotAfter: (?<notAfter>[^\n]{1,64})/,
    "x509:10",
  ),
  R(
    "java-not-yet-valid",
    "java",
    "certificatenotyetvalidexception",
    /CertificateNotYetValidException: NotBefore: (?<notBefore>[^\n]{1,64})/,
    "x509:9",
  ),
  R(
    "java-remote-closed",
    "java",
    "remote host",
    /Remote host (?:closed connection during handshake|terminated the handshake)/,
    "openssl:SSL_R_UNEXPECTED_EOF_WHILE_READING",
  ),
  R(
    "java-unrecognized-ssl",
    "java",
    "unrecognized ssl message",
    /Unsupported or unrecognized SSL message|Unrecognized SSL message, plaintext connection\?/,
    "openssl:SSL_R_WRONG_VERSION_NUMBER",
  ),
  R(
    "java-no-cipher",
    "java",
    "no negotiable cipher suite",
    /No negotiable cipher suite/,
    "openssl:SSL_R_NO_SHARED_CIPHER",
  ),
  R(
    "java-empty-chain",
    "java",
    "empty ",
    /Empty (?:client|server) certificate chain/,
    "openssl:SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE",
  ),
  R(
    "java-constraints",
    "java",
    "algorithm constraints",
    /Certificates do not conform to algorithm constraints/,
    "x509:68",
  ),
  R(
    "java-sni-alert",
    "java",
    "unrecognized_name",
    /handshake alert: {1,2}unrecognized_name/,
    "alert:112",
  ),
  // Go crypto/x509 verify.go and crypto/tls.
  R(
    "go-unknown-authority",
    "go",
    "x509: certificate signed by unknown authority",
    /x509: certificate signed by unknown authority/,
    "x509:20",
  ),
  R(
    "go-valid-for",
    "go",
    "x509: certificate is valid for",
    /x509: certificate is valid for (?<valid>[^\n]{1,400}?), not (?<name>[^\s,"]+)/,
    "x509:62",
  ),
  R(
    "go-no-names",
    "go",
    "not valid for any names",
    /x509: certificate is not valid for any names, but wanted to match (?<name>\S+)/,
    "x509:62",
  ),
  R(
    "go-ip-sans",
    "go",
    "ip sans",
    /x509: cannot validate certificate for (?<ip>\S+) because it doesn't contain any IP SANs/,
    "x509:64",
  ),
  R(
    "go-common-name",
    "go",
    "legacy common name",
    /x509: certificate relies on legacy Common Name field, use SANs instead/,
    "x509:62",
  ),
  R(
    "go-expired",
    "go",
    "x509: certificate has expired",
    /x509: certificate has expired or is not yet valid/,
    "x509:10",
  ),
  R(
    "go-insecure-alg",
    "go",
    "insecure algorithm",
    /x509: cannot verify signature: insecure algorithm (?<alg>[\w-]+)/,
    "x509:68",
  ),
  R(
    "go-first-record",
    "go",
    "first record does not look like a tls handshake",
    /tls: first record does not look like a TLS handshake/,
    "go:not-tls",
  ),
  R(
    "go-remote-error",
    "go",
    "remote error: tls: ",
    /remote error: tls: (?<alert>[A-Za-z ]{3,40}[A-Za-z])/,
    (m) => goAlertKey(m.alert),
  ),
  R(
    "go-local-error",
    "go",
    "local error: tls: ",
    /local error: tls: (?<alert>[A-Za-z ]{3,40}[A-Za-z])/,
    (m) => goAlertKey(m.alert),
  ),
  R(
    "go-failed-verify",
    "go",
    "tls: failed to verify certificate",
    /tls: failed to verify certificate/,
    "openssl:SSL_R_CERTIFICATE_VERIFY_FAILED",
  ),
  R(
    "go-no-cipher",
    "go",
    "no cipher suite supported by both",
    /tls: no cipher suite supported by both client and server/,
    "openssl:SSL_R_NO_SHARED_CIPHER",
  ),
  R(
    "go-versions",
    "go",
    "unsupported",
    /tls: (?:client offered only unsupported versions: \[(?<offered>[^\]\n]{0,80})\]|server selected unsupported protocol version (?<version>\w+))/,
    "openssl:SSL_R_UNSUPPORTED_PROTOCOL",
  ),
  R(
    "go-handshake-eof",
    "go",
    "tls handshake error from",
    /TLS handshake error from (?<peer>\S+): EOF/,
    "openssl:SSL_R_UNEXPECTED_EOF_WHILE_READING",
  ),
  // rustls Error / CertificateError / PeerIncompatible (Debug and Display forms).
  R(
    "rustls-invalid-cert",
    "rustls",
    "invalid peer certificate: ",
    /invalid peer certificate: (?<kind>[A-Z][A-Za-z]+|unknown issuer|certificate not valid for name|certificate expired|certificate not valid yet)/,
    (m) => RUSTLS_CERT[m.kind ?? ""] ?? "openssl:SSL_R_CERTIFICATE_VERIFY_FAILED",
  ),
  R(
    "rustls-alert",
    "rustls",
    "received fatal alert: ",
    /received fatal alert: (?<alert>[A-Z][A-Za-z]+)/,
    (m) => camelAlertKey(m.alert),
  ),
  R(
    "rustls-incompatible",
    "rustls",
    "peer is incompatible: ",
    /peer is incompatible: (?<what>[A-Z][A-Za-z0-9]+)/,
    (m) => RUSTLS_INCOMPATIBLE[m.what ?? ""] ?? "openssl:SSL_R_SSL_HANDSHAKE_FAILURE",
  ),
  R(
    "rustls-corrupt",
    "rustls",
    "received corrupt message",
    /received corrupt message(?: of type (?<type>\w+))?/,
    "openssl:SSL_R_WRONG_VERSION_NUMBER",
  ),
  // .NET System.Net.Security and Windows Schannel (winerror.h codes).
  R(
    "dotnet-invalid-cert",
    "dotnet",
    "the remote certificate is invalid",
    /The remote certificate is invalid (?:according to the validation procedure|because of errors in the certificate chain: (?<status>\w+))/,
    "schannel:untrusted-root",
  ),
  R(
    "dotnet-name-mismatch",
    "dotnet",
    "remotecertificatenamemismatch",
    /RemoteCertificateNameMismatch/,
    "x509:62",
  ),
  R(
    "dotnet-chain-errors",
    "dotnet",
    "remotecertificatechainerrors",
    /RemoteCertificateChainErrors/,
    "schannel:untrusted-root",
  ),
  R(
    "dotnet-alert",
    "dotnet",
    "sent a tls alert",
    /Authentication failed because the remote party sent a TLS alert: '(?<alert>\w+)'/,
    (m) => camelAlertKey(m.alert),
  ),
  R(
    "dotnet-closed",
    "dotnet",
    "closed the transport stream",
    /Authentication failed because the remote party has closed the transport stream/,
    "openssl:SSL_R_UNEXPECTED_EOF_WHILE_READING",
  ),
  R(
    "schannel-untrusted-root",
    "dotnet",
    SCHANNEL_CUES,
    /SEC_E_UNTRUSTED_ROOT|CERT_E_UNTRUSTEDROOT|0x80090325|0x800B0109/i,
    "schannel:untrusted-root",
  ),
  R(
    "schannel-illegal-message",
    "dotnet",
    SCHANNEL_CUES,
    /SEC_E_ILLEGAL_MESSAGE|0x80090326/i,
    "schannel:SEC_E_ILLEGAL_MESSAGE",
  ),
  R(
    "schannel-algorithm-mismatch",
    "dotnet",
    SCHANNEL_CUES,
    /SEC_E_ALGORITHM_MISMATCH|0x80090331/i,
    "schannel:SEC_E_ALGORITHM_MISMATCH",
  ),
  R(
    "schannel-wrong-principal",
    "dotnet",
    SCHANNEL_CUES,
    /SEC_E_WRONG_PRINCIPAL|CERT_E_CN_NO_MATCH|0x80090322|0x800B010F/i,
    "schannel:SEC_E_WRONG_PRINCIPAL",
  ),
  R(
    "schannel-invalid-token",
    "dotnet",
    SCHANNEL_CUES,
    /SEC_E_INVALID_TOKEN|0x80090308/i,
    "schannel:SEC_E_INVALID_TOKEN",
  ),
  R(
    "schannel-internal",
    "dotnet",
    SCHANNEL_CUES,
    /SEC_E_INTERNAL_ERROR|0x80090304/i,
    "schannel:SEC_E_INTERNAL_ERROR",
  ),
  R(
    "schannel-expired",
    "dotnet",
    SCHANNEL_CUES,
    /SEC_E_CERT_EXPIRED|CERT_E_EXPIRED|0x80090328|0x800B0101/i,
    "x509:10",
  ),
  // NSS (lib/ssl/sslerr.h, lib/util/secerr.h; mozilla::pkix).
  R(
    "nss-unknown-issuer",
    "nss",
    "sec_error_unknown_issuer",
    /SEC_ERROR_UNKNOWN_ISSUER/,
    "nss:SEC_ERROR_UNKNOWN_ISSUER",
  ),
  R(
    "nss-no-cypher",
    "nss",
    "ssl_error_no_cypher_overlap",
    /SSL_ERROR_NO_CYPHER_OVERLAP/,
    "nss:SSL_ERROR_NO_CYPHER_OVERLAP",
  ),
  R(
    "nss-bad-cert-domain",
    "nss",
    "ssl_error_bad_cert_domain",
    /SSL_ERROR_BAD_CERT_DOMAIN/,
    "nss:SSL_ERROR_BAD_CERT_DOMAIN",
  ),
  R(
    "nss-expired",
    "nss",
    "sec_error_expired_certificate",
    /SEC_ERROR_EXPIRED_CERTIFICATE/,
    "nss:SEC_ERROR_EXPIRED_CERTIFICATE",
  ),
  R(
    "nss-version",
    "nss",
    "ssl_error_",
    /SSL_ERROR_(?:PROTOCOL_VERSION_ALERT|UNSUPPORTED_VERSION)/,
    "nss:SSL_ERROR_PROTOCOL_VERSION_ALERT",
  ),
  R(
    "nss-bad-cert-alert",
    "nss",
    "ssl_error_bad_cert_alert",
    /SSL_ERROR_BAD_CERT_ALERT/,
    "alert:42",
  ),
  R(
    "nss-handshake-alert",
    "nss",
    "ssl_error_handshake_failure_alert",
    /SSL_ERROR_HANDSHAKE_FAILURE_ALERT/,
    "alert:40",
  ),
  R("nss-self-signed", "nss", "self_signed_cert", /MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT/, "x509:18"),
  R(
    "nss-untrusted-issuer",
    "nss",
    "sec_error_untrusted_issuer",
    /SEC_ERROR_UNTRUSTED_ISSUER/,
    "x509:19",
  ),
  R(
    "nss-record-too-long",
    "nss",
    "ssl_error_rx_record_too_long",
    /SSL_ERROR_RX_RECORD_TOO_LONG/,
    "openssl:SSL_R_PACKET_LENGTH_TOO_LONG",
  ),
  // curl (include/curl/curl.h CURLcode; lib/strerror.c).
  R("curl-60", "curl", "curl: (60)", /curl: \(60\) (?<detail>[^\n]{0,300})/, "curl:60"),
  R("curl-35", "curl", "curl: (35)", /curl: \(35\) (?<detail>[^\n]{0,300})/, "curl:35"),
  R("curl-51", "curl", "curl: (51)", /curl: \(51\) (?<detail>[^\n]{0,300})/, "curl:51"),
  R("curl-77", "curl", "curl: (77)", /curl: \(77\) (?<detail>[^\n]{0,300})/, "curl:77"),
  R("curl-6", "curl", "curl: (6)", /curl: \(6\) Could not resolve host: (?<host>\S+)/, "curl:6"),
  // GnuTLS lib/errors.c, as Exim logs them ("TLS error on connection from … (recv): …").
  R(
    "gnutls-premature",
    "gnutls",
    "non-properly terminated",
    /The TLS connection was non-properly terminated/,
    "gnutls:GNUTLS_E_PREMATURE_TERMINATION",
  ),
  R(
    "gnutls-fatal-alert",
    "gnutls",
    "a tls fatal alert has been received",
    /A TLS fatal alert has been received/,
    "gnutls:GNUTLS_E_FATAL_ALERT_RECEIVED",
  ),
  R(
    "gnutls-alert-name",
    "gnutls",
    "a tls fatal alert has been received",
    new RegExp(`A TLS fatal alert has been received\\.?:? ?(?<alert>${GNUTLS_ALERT_RE})`),
    (m) => gnutlsAlertKey(m.alert),
  ),
  R(
    "gnutls-push",
    "gnutls",
    "error in the push function",
    /Error in the push function/,
    "gnutls:GNUTLS_E_PUSH_ERROR",
  ),
  R(
    "gnutls-pull",
    "gnutls",
    "error in the pull function",
    /Error in the pull function/,
    "gnutls:GNUTLS_E_PULL_ERROR",
  ),
  R(
    "gnutls-key-usage",
    "gnutls",
    "key usage violation",
    /Key usage violation in certificate has been detected/,
    "gnutls:GNUTLS_E_KEY_USAGE_VIOLATION",
  ),
  R(
    "gnutls-unexpected-packet",
    "gnutls",
    "an unexpected tls packet",
    /An unexpected TLS packet was received/,
    "gnutls:GNUTLS_E_UNEXPECTED_PACKET",
  ),
  R(
    "gnutls-version",
    "gnutls",
    "illegal or unsupported version",
    /A packet with illegal or unsupported version was received/,
    "gnutls:GNUTLS_E_UNSUPPORTED_VERSION_PACKET",
  ),
  R(
    "gnutls-no-cipher",
    "gnutls",
    "could not negotiate a supported cipher suite",
    /Could not negotiate a supported cipher suite/,
    "gnutls:GNUTLS_E_NO_CIPHER_SUITES",
  ),
  R(
    "gnutls-credentials",
    "gnutls",
    "insufficient credentials",
    /Insufficient credentials for that request/,
    "gnutls:GNUTLS_E_INSUFFICIENT_CREDENTIALS",
  ),
  R(
    "gnutls-verify",
    "gnutls",
    "error in the certificate verification",
    /Error in the certificate verification/,
    "gnutls:GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR",
  ),
  R(
    "gnutls-dh-prime",
    "gnutls",
    "diffie-hellman prime",
    /The Diffie-Hellman prime sent by the server is not acceptable/,
    "gnutls:GNUTLS_E_DH_PRIME_UNACCEPTABLE",
  ),
  R(
    "gnutls-alpn",
    "gnutls",
    "no supported application protocol",
    /(?<!alert has been received\.?:? ?)No supported application protocol could be negotiated/,
    "gnutls:GNUTLS_E_NO_APPLICATION_PROTOCOL",
  ),
  // OpenSSL: error queue text (1.x "routines:FUNC:reason", 3.x "routines::reason"), alerts, verify output.
  R(
    "openssl-reason",
    "openssl",
    "routines:",
    /routines:[A-Za-z0-9_]*:(?<reason>[a-z0-9/ ]{3,80}[a-z0-9])/,
    (m) => reasonKey(m.reason),
  ),
  R(
    "openssl-alert-text",
    "openssl",
    "alert ",
    /\b(?:sslv3|tlsv1|tlsv13|ssl\/tls|tls) alert (?<alert>[a-z]+(?: [a-z]+){0,4})/,
    (m) => opensslAlertKey(m.alert),
  ),
  R(
    "openssl-alert-number",
    "openssl",
    "ssl alert number",
    /SSL alert number (?<n>\d{1,3})/,
    (m) => `alert:${Number(m.n)}`,
  ),
  R(
    "openssl-unrecognized-name",
    "openssl",
    "tlsv1 unrecognized name",
    /tlsv1 unrecognized name/,
    "alert:112",
  ),
  R(
    "openssl-verify-num",
    "openssl",
    "verify error:num=",
    /verify error:num=(?<n>\d{1,3}):(?<text>[^\n]{0,120})/,
    (m) => `x509:${Number(m.n)}`,
  ),
  R(
    "openssl-verify-return",
    "openssl",
    "verify return code: ",
    /Verify return code: (?<n>\d{1,3}) \((?<text>[^)\n]{0,120})\)/,
    (m) => (m.n === "0" ? undefined : `x509:${Number(m.n)}`),
  ),
  R(
    "openssl-verify-cmd",
    "openssl",
    " depth lookup",
    /error (?<n>\d{1,3}) at (?<depth>\d{1,3}) depth lookup: ?(?<text>[^\n]{0,120})/,
    (m) => `x509:${Number(m.n)}`,
  ),
  R(
    "python-ssl",
    "python",
    "[ssl: ",
    /\[SSL: (?<macro>[A-Z0-9_]{3,80})\]/,
    (m) => `openssl:SSL_R_${m.macro}`,
  ),
  R(
    "x509-local-issuer",
    "openssl",
    "unable to get local issuer certificate",
    /unable to get local issuer certificate/,
    "x509:20",
  ),
  R(
    "x509-issuer",
    "openssl",
    "unable to get issuer certificate",
    /unable to get issuer certificate/,
    "x509:2",
  ),
  R(
    "x509-first-cert",
    "openssl",
    "unable to verify the first certificate",
    /unable to verify the first certificate/,
    "x509:21",
  ),
  R(
    "x509-expired",
    "openssl",
    "certificate has expired",
    /certificate has expired(?! or is not yet valid)/,
    "x509:10",
  ),
  R(
    "x509-not-yet-valid",
    "openssl",
    "certificate is not yet valid",
    /certificate is not yet valid/,
    "x509:9",
  ),
  R(
    "x509-self-signed-chain",
    "openssl",
    "signed certificate in certificate chain",
    /self[- ]signed certificate in certificate chain/,
    "x509:19",
  ),
  R(
    "x509-self-signed",
    "openssl",
    "signed certificate",
    /self[- ]signed certificate(?! in certificate chain)/,
    "x509:18",
  ),
  R("x509-hostname", "openssl", "hostname mismatch", /hostname mismatch/, "x509:62"),
  R(
    "x509-purpose",
    "openssl",
    "certificate purpose",
    /(?:unsuitable|unsupported) certificate purpose/,
    "x509:26",
  ),
  R(
    "x509-ee-weak",
    "openssl",
    "ee certificate key too weak",
    /EE certificate key too weak/,
    "x509:66",
  ),
  R(
    "x509-ca-weak",
    "openssl",
    "ca certificate key too weak",
    /CA certificate key too weak/,
    "x509:67",
  ),
  R(
    "x509-ca-md",
    "openssl",
    "ca signature digest algorithm too weak",
    /CA signature digest algorithm too weak/,
    "x509:68",
  ),
  R("x509-invalid-ca", "openssl", "invalid ca certificate", /invalid CA certificate/, "x509:79"),
  R(
    "x509-signature",
    "openssl",
    "certificate signature failure",
    /certificate signature failure/,
    "x509:7",
  ),
  R("x509-revoked", "openssl", "certificate revoked", /(?<!alert )certificate revoked/, "x509:23"),
  // getaddrinfo: gai_strerror texts (glibc sysdeps/posix/gai_strerror-strs.h) and code names.
  R("eai-noname", "libc", "name or service not known", /Name or service not known/, "eai:-2"),
  R(
    "eai-again",
    "libc",
    "temporary failure in name resolution",
    /Temporary failure in name resolution/,
    "eai:-3",
  ),
  R(
    "eai-fail",
    "libc",
    "non-recoverable failure in name resolution",
    /Non-recoverable failure in name resolution/,
    "eai:-4",
  ),
  R(
    "eai-nodata",
    "libc",
    "no address associated with hostname",
    /No address associated with hostname/,
    "eai:-5",
  ),
  R(
    "eai-service",
    "libc",
    "servname not supported",
    /Servname not supported for ai_socktype/,
    "eai:-8",
  ),
  R(
    "eai-addrfamily",
    "libc",
    "address family for hostname not supported",
    /Address family for hostname not supported/,
    "eai:-9",
  ),
  R(
    "eai-name",
    "libc",
    ["getaddrinfo enotfound", "eai_"],
    /\b(?:getaddrinfo (?<node>ENOTFOUND)|EAI_(?<eai>NONAME|AGAIN|FAIL|NODATA|SERVICE|ADDRFAMILY|MEMORY|SYSTEM)\b)/,
    (m) => EAI_NAMES[m.node ?? m.eai ?? ""],
  ),
  // glibc, kernel, crashes.
  R(
    "glibc-arc4random",
    "libc",
    "cannot get entropy for arc4random",
    /(?:Fatal glibc error: )?cannot get entropy for arc4random/,
    "glibc:arc4random",
  ),
  R(
    "kernel-alloc-transform",
    "kernel",
    "failed to allocate transformation for",
    /Failed to allocate transformation for '(?<alg>[^'\n]{1,64})': (?<errno>-\d{1,4})/,
    "kernel:alloc-transform",
  ),
  R(
    "kernel-selftest",
    "kernel",
    "alg: ",
    /\balg: (?<type>[a-z]{2,16}): (?<detail>[^\n]{0,200}?)(?:test failed|Test \d{1,4} failed)/,
    "kernel:selftest",
  ),
  R("crash-signal", "crash", "killed by signal", /killed by signal (?<sig>11|6)\b/, (m) =>
    m.sig === "11" ? "crash:segv-tls" : "crash:abort-resolver",
  ),
  R(
    "crash-segfault",
    "crash",
    "segfault at",
    /segfault at [0-9a-f]{1,16} ip [0-9a-f]{1,16} sp [0-9a-f]{1,16} error \d{1,3} in (?<lib>lib(?:ssl|crypto|gnutls|nss3|krb5)[^\s[]{0,40})/,
    "crash:segv-tls",
  ),
  R(
    "crash-anom-abend",
    "crash",
    "anom_abend",
    /type=ANOM_ABEND [^\n]{0,400}?\bsig=6\b/,
    "crash:abort-resolver",
  ),
];

function goAlertKey(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  // The capture may run into following words ("bad certificate from …"): try word prefixes.
  const words = s.split(" ");
  for (let n = words.length; n > 0; n--) {
    const code = GO_ALERTS[words.slice(0, n).join(" ")];
    if (code !== undefined) return `alert:${code}`;
  }
  return undefined;
}

function gnutlsAlertKey(s: string | undefined): string | undefined {
  const code = s === undefined ? undefined : GNUTLS_ALERTS[s];
  return code === undefined ? undefined : `alert:${code}`;
}

/** The recognisers, for documentation and tests. */
export function messageRecognisers(): readonly {
  id: string;
  stack: MessageSource;
  source: string;
}[] {
  return RECOGNISERS.map((r) => ({ id: r.id, stack: r.stack, source: r.re.source }));
}

/**
 * Every recognised message in `text`, sorted by position. Each recogniser
 * reports its first match; a key found by several recognisers is reported
 * once (by the first in table order, the more specific one). Input beyond
 * MAX_MESSAGE_CHARS is not examined. Never throws on any string.
 * `all: true` keeps every recogniser's match, duplicates included.
 */
export function matchMessage(
  text: string,
  options: { readonly all?: boolean } = {},
): MessageMatch[] {
  const t = text.length > MAX_MESSAGE_CHARS ? text.slice(0, MAX_MESSAGE_CHARS) : text;
  const lower = t.toLowerCase();
  const out: MessageMatch[] = [];
  const seen = new Set<string>();
  for (const r of RECOGNISERS) {
    if (typeof r.cue === "string" ? !lower.includes(r.cue) : !r.cue.some((c) => lower.includes(c)))
      continue;
    const m = r.re.exec(t);
    if (!m) continue;
    const groups: Record<string, string> = {};
    for (const [k, v] of Object.entries(m.groups ?? {})) if (v !== undefined) groups[k] = v;
    const key = typeof r.key === "string" ? r.key : r.key(groups);
    if (key === undefined || (seen.has(key) && options.all !== true)) continue;
    seen.add(key);
    out.push({
      pattern: r.id,
      stack: r.stack,
      key,
      known: knowledgeEntry(key) !== undefined,
      start: m.index,
      end: m.index + m[0].length,
      text: m[0],
      groups,
    });
  }
  return out.sort((a, b) => a.start - b.start || b.end - a.end);
}
