/**
 * What an error means, who produced it, its usual causes (most common first),
 * the tlsdoctor command that tells them apart, and the findings it relates to.
 *
 * Keys are stable and join with the decoders:
 *   alert:N                      TLS alert N (IANA TLS Alerts registry, alerts.ts)
 *   openssl:SSL_R_… / X509_R_…   OpenSSL reason macros as in include/openssl/*err.h
 *                                (reason 1000+N macros, SSL_R_SSLV3_ALERT_…, resolve to alert:N)
 *   x509:N                       X509_V_ERR_* verify codes (include/openssl/x509_vfy.h)
 *   eai:N                        getaddrinfo codes with glibc's values (resolv/netdb.h)
 *   gnutls:GNUTLS_E_…            GnuTLS error codes (lib/includes/gnutls/gnutls.h.in, lib/errors.c)
 *   java:, go:, rustls:, schannel:, nss:, curl:N, glibc:, kernel:  messages of those stacks
 * The `text` of an entry is what the library itself prints (OpenSSL 3.0 reason
 * string, X509_verify_cert_error_string, gnutls_strerror, gai_strerror); tests
 * check it against the installed libraries.
 */
import { allAlerts, alertByName, alertInfo } from "./alerts.js";
import { eventSide, type Direction, type Role } from "./direction.js";

export type ProducedBy = "peer" | "local" | "either" | "system";

export interface KnowledgeEntry {
  readonly key: string;
  readonly title: string;
  readonly meaning: string;
  /** peer: an alert or refusal the other side sent; local: our own library decided; system: OS/libc/kernel. */
  readonly producedBy: ProducedBy;
  /** What it means when the event (for an alert: its receipt) happened on the server, or on the client. */
  readonly readings?: { readonly server: string; readonly client: string };
  /** Usual causes, most common first, one concrete line each. */
  readonly causes: readonly string[];
  /** tlsdoctor commands that tell the causes apart. */
  readonly confirm: readonly string[];
  /** Finding ids (docs/findings.md). */
  readonly findings: readonly string[];
  /** The library's own wording, when it has one. */
  readonly text?: string;
  /** Other wordings of the same error across versions. */
  readonly aka?: readonly string[];
}

export interface Reading {
  readonly side: "server" | "client";
  readonly text: string;
}

export interface Explanation {
  readonly entry: KnowledgeEntry;
  /** The side the event happened on, when the direction says. */
  readonly side: Role;
  /** One reading when the side is known, both when it is not (never guess). */
  readonly readings: readonly Reading[];
  /** Who produced the error, in a sentence. */
  readonly producedBy: string;
  readonly direction?: Direction;
}

function alertEntry(code: number): KnowledgeEntry {
  const a = alertInfo(code);
  const n = ALERT_NOTES[code];
  const other = (side: string, peer: string): string =>
    `The ${side} received ${a.name} (${code}) from the ${peer}: ${a.received}`;
  return {
    key: `alert:${code}`,
    title: `TLS alert ${code} ${a.name}`,
    meaning: `${a.received} The alert names what its sender disliked; the side that logs it received it.`,
    producedBy: "peer",
    readings: {
      server: n?.server ?? other("server", "client"),
      client: n?.client ?? other("client", "server"),
    },
    causes: n?.causes ?? [a.received],
    confirm: n?.confirm ?? ["tlsdoctor probe HOST:PORT"],
    findings: n?.findings ?? ["TLS_ALERT_RECEIVED"],
    text: a.name,
    aka: [a.name.replace(/_/g, " ")],
  };
}

// Built on first use: the data tables sit at the end of this file.
let table: Map<string, KnowledgeEntry> | undefined;
function TABLE(): Map<string, KnowledgeEntry> {
  if (!table) {
    table = new Map();
    for (const a of allAlerts()) table.set(`alert:${a.code}`, alertEntry(a.code));
    for (const e of [...ENTRIES, ...MORE]) {
      if (table.has(e.key)) throw new Error(`Duplicate knowledge key ${e.key}`);
      table.set(e.key, e);
    }
  }
  return table;
}

/**
 * Normalises a key: alert names (`alert:bad_certificate`), OpenSSL's
 * received-alert macros (`openssl:SSL_R_SSLV3_ALERT_BAD_CERTIFICATE`,
 * `SSL_R_TLSV1_UNRECOGNIZED_NAME`, reason 1000+N in ssl/ssl_err.c) and
 * bare macros without the `openssl:` prefix.
 */
export function resolveKey(key: string): string | undefined {
  const k = key.trim();
  if (TABLE().has(k)) return k;
  // OpenSSL spells alert 90 "USER_CANCELLED" (SSL_R_TLSV1_ALERT_USER_CANCELLED), the RFC "user_canceled".
  if (/CANCELLED$/.test(k)) return resolveKey(k.replace(/CANCELLED$/, "CANCELED"));
  const name = /^alert:([a-z_]+)$/.exec(k)?.[1];
  if (name !== undefined) {
    const a = alertByName(name);
    return a ? `alert:${a.code}` : undefined;
  }
  const macro = /^(?:openssl:)?SSL_R_(?:SSLV3|TLSV1|TLSV13)_(?:ALERT_)?([A-Z0-9_]+)$/.exec(k)?.[1];
  if (macro !== undefined) {
    const a = alertByName(macro.toLowerCase());
    if (a) return `alert:${a.code}`;
  }
  if (/^(?:SSL|X509|X509V3|EVP|PEM)_R_/.test(k) && TABLE().has(`openssl:${k}`))
    return `openssl:${k}`;
  return undefined;
}

export function knowledgeEntry(key: string): KnowledgeEntry | undefined {
  const k = resolveKey(key);
  return k === undefined ? undefined : TABLE().get(k);
}

export function allKnowledge(): readonly KnowledgeEntry[] {
  return [...TABLE().values()];
}

const PRODUCED: Record<ProducedBy, string> = {
  peer: "Sent by the other side of the connection: the side that logs it received it.",
  local: "Decided by the TLS library of the side that logs it.",
  either: "Either side's TLS library can raise it; the text around it says which.",
  system: "Raised by the operating system or the C library, not by TLS.",
};

/**
 * Explains a key. With a direction, picks the reading of the side the event
 * happened on (an alert: the receiver); without one, or when the side is
 * unknown, returns both readings.
 */
export function explainKey(key: string, direction?: Direction): Explanation | undefined {
  const entry = knowledgeEntry(key);
  if (!entry) return undefined;
  const isAlert = entry.key.startsWith("alert:");
  const side = direction ? eventSide(direction, isAlert) : "unknown";
  const both: Reading[] = entry.readings
    ? [
        { side: "server", text: entry.readings.server },
        { side: "client", text: entry.readings.client },
      ]
    : [];
  const readings = side === "unknown" ? both : both.filter((r) => r.side === side);
  return {
    entry,
    side,
    readings,
    producedBy: PRODUCED[entry.producedBy],
    ...(direction ? { direction } : {}),
  };
}

// ---------------------------------------------------------------------------
// Alerts: per-direction readings and causes for the alerts people meet.
// Alerts not listed here get the registry's text (alerts.ts) for both sides.

interface AlertNote {
  readonly server: string;
  readonly client: string;
  readonly causes: readonly string[];
  readonly confirm: readonly string[];
  readonly findings: readonly string[];
}

const PROBE = "tlsdoctor probe HOST:PORT";
const TRUST = "tlsdoctor host --only trustStore";
const CONFIG = "tlsdoctor host --only tlsConfig";

const ALERT_NOTES: Readonly<Record<number, AlertNote>> = {
  10: {
    server:
      "The client received a message it did not expect from our server (the client logged it as sent; we read it as received): a state-machine bug or a middlebox rewrote the stream.",
    client:
      "The server got a message it did not expect from us: our client broke the handshake order, or a middlebox mangled it.",
    causes: [
      "A middlebox (TLS-inspecting proxy, IPS) altering handshake messages",
      "Early data or a renegotiation the peer does not support",
      "An implementation bug in one of the two stacks",
    ],
    confirm: ["tlsdoctor probe HOST:PORT --repeat 50", "tlsdoctor scan HOST:PORT --only tolerance"],
    findings: ["TLS_ALERT_RECEIVED", "TLS_INTOLERANCE", "STARTTLS_EARLY_DATA"],
  },
  20: {
    server:
      "The client says a record from our server failed its MAC check: corruption between us, or a cipher bug on one side.",
    client:
      "The server says a record from us failed its MAC check: corruption in transit, or a cipher bug on one side.",
    causes: [
      "A middlebox or NIC offload corrupting records",
      "A broken crypto implementation (hardware engine, kernel TLS, misbuilt library)",
      "Symbol interposition replacing libcrypto functions with dummies",
    ],
    confirm: ["tlsdoctor probe HOST:PORT --repeat 100", "tlsdoctor elf --pid N"],
    findings: ["TLS_ALERT_RECEIVED", "TLS_INTERMITTENT", "ELF_FOREIGN_INTERPOSITION"],
  },
  40: {
    server:
      "The client found nothing acceptable in what our server chose or offered: no common protocol, suite, group or signature algorithm, or it disliked our certificate type.",
    client:
      "The server found nothing acceptable in our hello: no common cipher suite, group, signature algorithm or version; or it wanted a client certificate.",
    causes: [
      "No cipher suite in common (one side allows only modern AEAD suites, the other only legacy ones)",
      "No common protocol version (peer policy MinProtocol = TLSv1.2 vs an old client)",
      "No common signature algorithm (SHA-1 forbidden at security level 1+ in OpenSSL 3)",
      "No common key-exchange group (curve list mismatch)",
      "Server requires a client certificate (older stacks send 40 rather than 116)",
    ],
    confirm: ["tlsdoctor scan HOST:PORT --only protocols,suites,groups,sigalgs", CONFIG],
    findings: [
      "TLS_ALERT_RECEIVED",
      "CIPHER_SUITES_LEGACY",
      "TLS_CONFIG_FORBIDS_SHA1",
      "TLS_CONFIG_FORBIDS_TLS10",
      "CRYPTO_POLICY_NOT_APPLIED",
    ],
  },
  42: {
    server:
      "The CLIENT rejected OUR SERVER's certificate (seeds/003): it could not verify our chain — most often its CA store lacks our root, or we send no intermediate.",
    client:
      "The SERVER rejected OUR client certificate, or wanted one and we sent none (older stacks send bad_certificate rather than certificate_required).",
    causes: [
      "Server side: the client's trust store lacks the root of our chain (stale ca-certificates)",
      "Server side: our chain misses an intermediate",
      "Client side: the server requires a client certificate and we sent none",
      "Client side: our client certificate is expired, or not issued by a CA the server accepts",
      "Either: a certificate with a key or signature the peer refuses (SHA-1, RSA < 2048)",
    ],
    confirm: [
      "tlsdoctor probe HOST:PORT",
      TRUST,
      "tlsdoctor probe HOST:PORT --cert FILE --key FILE",
    ],
    findings: [
      "TLS_ALERT_RECEIVED",
      "TRUST_STORE_STALE",
      "CHAIN_INCOMPLETE",
      "CERT_EXPIRED",
      "CERT_PRIVATE_CA",
    ],
  },
  43: {
    server: "The client cannot use our server certificate's type or key usage.",
    client:
      "The server cannot use our client certificate's type or key usage (e.g. no clientAuth extended key usage).",
    causes: [
      "Extended key usage lacks serverAuth/clientAuth for the role it is used in",
      "Key type the peer does not support (Ed448, DSA, a GOST key)",
      "keyUsage without digitalSignature for an ECDHE_RSA/TLS 1.3 handshake",
    ],
    confirm: ["tlsdoctor probe HOST:PORT"],
    findings: ["TLS_ALERT_RECEIVED", "CERT_MALFORMED"],
  },
  44: {
    server: "The client says our server certificate is revoked (by CRL or OCSP).",
    client: "The server says our client certificate is revoked.",
    causes: [
      "The certificate really was revoked (key compromise, reissue) and is still deployed",
      "A stale OCSP staple or CRL at the peer",
    ],
    confirm: ["tlsdoctor probe HOST:PORT"],
    findings: ["TLS_ALERT_RECEIVED"],
  },
  45: {
    server:
      "The client says our server certificate (or one in our chain) has expired — or the client's clock is wrong.",
    client: "The server says our client certificate has expired — or the server's clock is wrong.",
    causes: [
      "The leaf certificate expired and renewal did not reload the daemon",
      "An expired intermediate still sent in the chain (e.g. a cross-signed root)",
      "The peer's clock is wrong",
    ],
    confirm: ["tlsdoctor probe HOST:PORT", "tlsdoctor host --only daemons"],
    findings: [
      "TLS_ALERT_RECEIVED",
      "CERT_EXPIRED",
      "TRUST_STORE_EXPIRED_ROOT",
      "DAEMON_STALE_PROGRAM",
    ],
  },
  46: {
    server:
      "The client rejected our server certificate for an unspecified reason, usually an untrusted issuer or a name mismatch.",
    client:
      "The server rejected our client certificate for an unspecified reason, usually an issuer it does not trust.",
    causes: [
      "The peer does not trust the issuing CA (private CA, stale store)",
      "Chain incomplete (missing intermediate)",
      "Java and Go clients send 46 for a hostname mismatch",
    ],
    confirm: ["tlsdoctor probe HOST:PORT", TRUST],
    findings: [
      "TLS_ALERT_RECEIVED",
      "TRUST_STORE_STALE",
      "CHAIN_INCOMPLETE",
      "CERT_HOSTNAME_MISMATCH",
    ],
  },
  47: {
    server: "The client found a field in our server's handshake out of range or inconsistent.",
    client: "The server found a field in our hello out of range or inconsistent.",
    causes: [
      "A key share for a group the other side did not offer",
      "A middlebox rewriting extensions",
      "An implementation bug (often with a new extension or TLS 1.3)",
    ],
    confirm: ["tlsdoctor scan HOST:PORT --only tolerance,groups"],
    findings: ["TLS_ALERT_RECEIVED", "TLS_INTOLERANCE"],
  },
  48: {
    server:
      "The CLIENT could not chain OUR SERVER certificate to a CA it trusts: its store lacks our root or we send no intermediate.",
    client:
      "The SERVER could not chain OUR client certificate to a CA it accepts for client authentication.",
    causes: [
      "Server side: our chain misses an intermediate the client cannot fetch",
      "Server side: the client's CA store is stale or lacks our (private) root",
      "Client side: our client certificate is issued by a CA outside the server's client-CA list",
    ],
    confirm: ["tlsdoctor probe HOST:PORT", TRUST],
    findings: ["TLS_ALERT_RECEIVED", "CHAIN_INCOMPLETE", "TRUST_STORE_STALE", "CERT_PRIVATE_CA"],
  },
  49: {
    server: "The client verified our certificate but its policy refused to continue.",
    client:
      "The server accepted our certificate but its access control refused us (not in its allowed list).",
    causes: [
      "Client certificate valid but not authorised (subject not in an allow list)",
      "Peer policy: pinning, IP allow list applied at the TLS layer",
    ],
    confirm: ["tlsdoctor probe HOST:PORT --cert FILE --key FILE"],
    findings: ["TLS_ALERT_RECEIVED"],
  },
  50: {
    server: "The client could not decode a handshake message from our server.",
    client: "The server could not decode a message from us: a length field was wrong.",
    causes: [
      "A middlebox truncating or rewriting handshake messages",
      "An implementation bug, often with a large hello (post-quantum key shares > 1 packet)",
      "Plaintext protocol bytes reaching the TLS parser (STARTTLS pipelining)",
    ],
    confirm: ["tlsdoctor scan HOST:PORT --only tolerance"],
    findings: ["TLS_ALERT_RECEIVED", "TLS_INTOLERANCE", "PEER_PROTOCOL_ERROR"],
  },
  51: {
    server:
      "The client could not verify our server's signature or Finished: our private key may not match our certificate, or a middlebox broke the handshake.",
    client: "The server could not verify our signature or Finished message.",
    causes: [
      "Private key does not match the certificate (after a partial renewal)",
      "A crypto implementation producing wrong results (hardware engine, interposed libcrypto symbols)",
      "Middlebox altering the handshake",
      "Wrong pre-shared key",
    ],
    confirm: ["tlsdoctor probe HOST:PORT --repeat 50", "tlsdoctor elf --pid N"],
    findings: ["TLS_ALERT_RECEIVED", "CERT_BAD_SIGNATURE", "ELF_FOREIGN_INTERPOSITION"],
  },
  70: {
    server:
      "The client refused the protocol version our server chose (it requires a newer, or an older, one).",
    client:
      "The server does not accept any protocol version we offered: it requires TLS 1.2+ (or we offered only 1.3 to an old server).",
    causes: [
      "Peer policy forbids TLS 1.0/1.1 (OpenSSL 3 security level, crypto-policies DEFAULT)",
      "An old peer supporting only SSLv3/TLS 1.0",
      "Our own MinProtocol/MaxProtocol set too narrow",
    ],
    confirm: ["tlsdoctor scan HOST:PORT --only protocols", CONFIG],
    findings: [
      "TLS_ALERT_RECEIVED",
      "TLS_CONFIG_FORBIDS_TLS10",
      "TLS_LEGACY_VERSION",
      "PROTOCOL_TLS13_MISSING",
    ],
  },
  71: {
    server: "The client requires stronger parameters than our server offers (suites, DH size).",
    client: "The server requires stronger ciphers than we offered.",
    causes: [
      "A client offering only weak (EXPORT/LOW/RC4) suites to a hardened server",
      "A server with a weak DH group or only legacy suites meeting a strict client",
    ],
    confirm: ["tlsdoctor scan HOST:PORT --only suites,groups"],
    findings: ["TLS_ALERT_RECEIVED", "CIPHER_SUITES_INSECURE", "DHE_GROUP_WEAK"],
  },
  80: {
    server:
      "The client failed internally while handshaking with us; look at the client, not at our configuration.",
    client:
      "The SERVER failed internally (seeds/000: Exim's ALPN callback on a PIE build); nothing we sent is necessarily wrong — look at the server's logs and build.",
    causes: [
      "A callback in the peer failing (ALPN, SNI, certificate selection, session tickets)",
      "Peer out of memory, file descriptors or entropy",
      "A misbuilt or mislinked peer binary (symbol interposition, wrong library)",
      "Peer could not read its key or certificate",
    ],
    confirm: [
      "tlsdoctor probe HOST:PORT --repeat 200",
      "tlsdoctor scan HOST:PORT --only alpn",
      "tlsdoctor elf PROG",
    ],
    findings: [
      "TLS_ALERT_RECEIVED",
      "TLS_INTERMITTENT",
      "ELF_FOREIGN_INTERPOSITION",
      "ELF_WEAK_HARDENING",
      "LIMIT_NOFILE_NEAR",
    ],
  },
  86: {
    server: "Servers send inappropriate_fallback; a server receiving it points at a broken client.",
    client:
      "The server saw our retry at a lower version as a downgrade (TLS_FALLBACK_SCSV): our first, higher-version attempt failed for another reason.",
    causes: [
      "A client fallback retry after a transient failure of the first attempt",
      "A middlebox breaking the higher-version handshake",
    ],
    confirm: ["tlsdoctor scan HOST:PORT --only protocols,features"],
    findings: ["TLS_ALERT_RECEIVED", "TLS_INTOLERANCE"],
  },
  100: {
    server: "The client refused renegotiation our server asked for.",
    client:
      "The server refused a renegotiation (client-initiated renegotiation is disabled on most servers).",
    causes: [
      "Client-initiated renegotiation disabled (the default in modern servers)",
      "Secure renegotiation (RFC 5746) unsupported by one side",
    ],
    confirm: ["tlsdoctor scan HOST:PORT --only features"],
    findings: [
      "TLS_ALERT_RECEIVED",
      "RENEGOTIATION_INSECURE",
      "TLS_CONFIG_REFUSES_LEGACY_RENEGOTIATION",
    ],
  },
  109: {
    server: "The client says our server omitted a mandatory TLS 1.3 extension.",
    client:
      "The server says our hello lacks a mandatory extension (supported_versions, key_share, signature_algorithms).",
    causes: [
      "A hand-built or old client offering TLS 1.3 without its mandatory extensions",
      "A middlebox stripping extensions",
    ],
    confirm: ["tlsdoctor scan HOST:PORT --only tolerance"],
    findings: ["TLS_ALERT_RECEIVED", "TLS_INTOLERANCE"],
  },
  110: {
    server: "The client received an extension from our server that it never offered.",
    client: "The server could not handle an extension we sent or answered.",
    causes: [
      "Extension intolerance in an old peer",
      "A middlebox injecting or stripping extensions",
    ],
    confirm: ["tlsdoctor scan HOST:PORT --only tolerance"],
    findings: ["TLS_ALERT_RECEIVED", "TLS_INTOLERANCE"],
  },
  112: {
    server: "The client complains about our SNI answer — unusual; normally the server sends this.",
    client: "The server does not host the name we sent in SNI (or wants SNI and got none).",
    causes: [
      "Wrong host name or a name the server has no virtual host for",
      "No SNI sent (IP address as target, very old client)",
      "Server's default vhost set to refuse unknown names",
    ],
    confirm: ["tlsdoctor probe HOST:PORT --sni NAME"],
    findings: ["TLS_ALERT_RECEIVED", "CERT_HOSTNAME_MISMATCH"],
  },
  113: {
    server: "The client rejected our server's stapled OCSP response.",
    client: "The server rejected our OCSP response (rare).",
    causes: [
      "A stale OCSP staple served after it expired",
      "A staple for the wrong certificate after a renewal",
    ],
    confirm: ["tlsdoctor probe HOST:PORT"],
    findings: ["TLS_ALERT_RECEIVED"],
  },
  115: {
    server: "The client does not know the PSK identity our server chose.",
    client: "The server does not know the PSK identity we offered.",
    causes: ["PSK identity or key not provisioned on the server", "Typo in the identity hint"],
    confirm: ["tlsdoctor probe HOST:PORT"],
    findings: ["TLS_ALERT_RECEIVED"],
  },
  116: {
    server:
      "The client says a certificate is required — servers send this, so the log side is probably wrong.",
    client: "The SERVER requires a client certificate and we sent none (TLS 1.3).",
    causes: [
      "mTLS endpoint and the client has no certificate configured",
      "Client certificate configured but none matches the CA list the server sent",
    ],
    confirm: ["tlsdoctor probe HOST:PORT --cert FILE --key FILE"],
    findings: ["TLS_ALERT_RECEIVED"],
  },
  120: {
    server: "The client refused the ALPN protocol our server picked.",
    client:
      "The server refused every ALPN protocol we offered (Exim since 4.95 refuses ALPN other than smtp).",
    causes: [
      "Client offers h2/http/1.1 to a mail server that checks ALPN (Exim 4.95+)",
      "Server restricted to h2 only and the client offers http/1.1",
      "A buggy ALPN callback (seeds/000)",
    ],
    confirm: ["tlsdoctor scan HOST:PORT --only alpn", "tlsdoctor probe HOST:PORT --alpn LIST"],
    findings: ["TLS_ALERT_RECEIVED", "TLS_INTERMITTENT"],
  },
};

// ---------------------------------------------------------------------------
// Everything else. E(key, title, producedBy, meaning, causes, confirm, findings, more).

const E = (
  key: string,
  title: string,
  producedBy: ProducedBy,
  meaning: string,
  causes: readonly string[],
  confirm: readonly string[],
  findings: readonly string[],
  more: Partial<Pick<KnowledgeEntry, "readings" | "text" | "aka">> = {},
): KnowledgeEntry => ({ key, title, producedBy, meaning, causes, confirm, findings, ...more });

/** Readings of a local certificate-verification failure: the verifier is the side that logged it. */
const VERIFY = (what: string): { server: string; client: string } => ({
  server: `Our server could not verify the CLIENT's certificate (mutual TLS): ${what}`,
  client: `Our client could not verify the SERVER's certificate: ${what}`,
});

const CHAIN_CAUSES = [
  "The server does not send its intermediate certificate(s)",
  "The verifier's CA store is stale or lacks the root (old ca-certificates, a chroot without a CA bundle)",
  "A private/internal CA not added to the verifier's store",
  "A TLS-inspecting proxy re-signing with its own CA",
];
const CHAIN_CONFIRM = ["tlsdoctor probe HOST:PORT", TRUST, "tlsdoctor chroot --pid N"];
const CHAIN_FINDINGS = [
  "CHAIN_INCOMPLETE",
  "TRUST_STORE_STALE",
  "CERT_PRIVATE_CA",
  "CHROOT_CA_BUNDLE_MISSING",
];

const ENTRIES: readonly KnowledgeEntry[] = [
  // --- OpenSSL reasons (include/openssl/sslerr.h, ssl/ssl_err.c) ---
  E(
    "openssl:SSL_R_CERTIFICATE_VERIFY_FAILED",
    "certificate verify failed",
    "local",
    "Our TLS library could not verify the peer's certificate; the X509 verify code (verify error:num=N, or 'Verify return code') says why.",
    [
      "Issuer not in the local CA store (x509:20)",
      "Missing intermediate from the peer (x509:20/21)",
      "Expired certificate (x509:10)",
      "Self-signed or private CA (x509:18/19)",
      "Host name mismatch (x509:62)",
    ],
    CHAIN_CONFIRM,
    ["TLS_LOCAL_ERROR", ...CHAIN_FINDINGS, "CERT_EXPIRED", "CERT_HOSTNAME_MISMATCH"],
    {
      text: "certificate verify failed",
      readings: VERIFY("the verify code in the same log line says why."),
    },
  ),
  E(
    "openssl:SSL_R_WRONG_VERSION_NUMBER",
    "wrong version number",
    "local",
    "The bytes that arrived are not a TLS record of an acceptable version: usually not TLS at all.",
    [
      "Plain text where TLS was expected: TLS to a STARTTLS port (25/587/143) or plain HTTP to 443",
      "STARTTLS to an implicit-TLS port (465/993) or vice versa",
      "A proxy or captive portal answering in clear",
      "A very old peer speaking SSLv2/SSLv3",
    ],
    ["tlsdoctor probe smtp://HOST:25", "tlsdoctor probe smtps://HOST:465"],
    ["SERVER_NOT_TLS", "STARTTLS_NOT_OFFERED", "PROTOCOL_SSLV3_ENABLED"],
    {
      text: "wrong version number",
      readings: {
        server: "A client sent non-TLS bytes to our TLS port (plain HTTP/SMTP, or a scanner).",
        client:
          "The server answered with non-TLS bytes: wrong port or wrong TLS mode (implicit vs STARTTLS).",
      },
    },
  ),
  E(
    "openssl:SSL_R_UNSUPPORTED_PROTOCOL",
    "unsupported protocol",
    "local",
    "No protocol version allowed by both sides: our library refuses what the peer offers or chose.",
    [
      "The peer supports only TLS 1.0/1.1, which OpenSSL 3 refuses at security level 1+ (Debian 12 default: SECLEVEL=2)",
      "MinProtocol/MaxProtocol in openssl.cnf or the daemon's config too narrow",
      "A crypto-policy forbidding the version",
    ],
    ["tlsdoctor scan HOST:PORT --only protocols", CONFIG],
    ["TLS_CONFIG_FORBIDS_TLS10", "TLS_LEGACY_VERSION", "CRYPTO_POLICY_NOT_APPLIED"],
    { text: "unsupported protocol" },
  ),
  E(
    "openssl:SSL_R_NO_SHARED_CIPHER",
    "no shared cipher",
    "local",
    "Our server found no cipher suite in the client's list that it can use with its certificate and settings.",
    [
      "The client offers only suites our server's cipher list or security level excludes (RC4, 3DES, EXPORT, LOW)",
      "Our server has no certificate/key loaded for the key type the suites need (ECDSA-only suites with an RSA cert)",
      "A scanner probing with deliberately weak suites",
    ],
    ["tlsdoctor scan HOST:PORT --only suites", CONFIG],
    ["CIPHER_SUITES_LEGACY", "TLS_CONFIG_LEGACY_ALGORITHMS_UNAVAILABLE"],
    { text: "no shared cipher" },
  ),
  E(
    "openssl:SSL_R_NO_CIPHERS_AVAILABLE",
    "no ciphers available",
    "local",
    "Our own configuration leaves no usable cipher suite (before talking to the peer).",
    [
      "A cipher string that matches nothing at the current security level",
      "FIPS mode or a provider config removing the algorithms",
      "TLS 1.3 only with an empty ciphersuites list",
    ],
    [CONFIG],
    [
      "TLS_CONFIG_FIPS_ONLY",
      "TLS_CONFIG_DEFAULT_PROVIDER_NOT_LOADED",
      "TLS_CONFIG_INVALID_SETTING",
    ],
    { text: "no ciphers available" },
  ),
  E(
    "openssl:SSL_R_NO_PROTOCOLS_AVAILABLE",
    "no protocols available",
    "local",
    "Our own settings allow no protocol version at all.",
    [
      "MinProtocol above MaxProtocol (e.g. MinProtocol = TLSv1.2 with a client forced to TLSv1)",
      "An application disabling every version it knows (SSL_OP_NO_TLSv1_2 … in old code)",
      "Security level removing all versions",
    ],
    [CONFIG],
    ["TLS_CONFIG_INVALID_SETTING", "TLS_CONFIG_FORBIDS_TLS10"],
    { text: "no protocols available" },
  ),
  E(
    "openssl:SSL_R_DH_KEY_TOO_SMALL",
    "dh key too small",
    "local",
    "The server's Diffie-Hellman group is smaller than our security level allows (2048 bits at SECLEVEL=2).",
    [
      "A server with a 1024-bit (or 512-bit) DH group (old Postfix/Dovecot/Exim dhparams)",
      "Our security level raised by the distribution (Debian 12: SECLEVEL=2)",
    ],
    ["tlsdoctor scan HOST:PORT --only groups,suites", CONFIG],
    ["DHE_GROUP_WEAK", "TLS_CONFIG_FORBIDS_SMALL_KEYS"],
    { text: "dh key too small" },
  ),
  E(
    "openssl:SSL_R_EE_KEY_TOO_SMALL",
    "ee key too small",
    "local",
    "A leaf (end-entity) certificate key is too small for the security level: our own certificate when loading it, the peer's when verifying.",
    [
      "RSA key < 2048 bits with SECLEVEL=2 (Debian 12 default)",
      "An old self-made certificate reloaded after an OpenSSL upgrade",
    ],
    ["tlsdoctor probe HOST:PORT", CONFIG],
    ["CERT_WEAK_KEY", "TLS_CONFIG_FORBIDS_SMALL_KEYS"],
    { text: "ee key too small" },
  ),
  E(
    "openssl:SSL_R_CA_KEY_TOO_SMALL",
    "ca key too small",
    "local",
    "A CA certificate in the chain has a key smaller than the security level allows.",
    [
      "An old private CA with an RSA-1024 key",
      "A legacy cross-signed root still sent in the chain",
    ],
    ["tlsdoctor probe HOST:PORT", CONFIG],
    ["CERT_WEAK_KEY", "TLS_CONFIG_FORBIDS_SMALL_KEYS"],
    { text: "ca key too small" },
  ),
  E(
    "openssl:SSL_R_CA_MD_TOO_WEAK",
    "ca md too weak",
    "local",
    "A certificate in the chain is signed with a digest the security level forbids (MD5, SHA-1 at SECLEVEL=2 in OpenSSL 3).",
    [
      "A SHA-1-signed private CA or intermediate",
      "Our own certificate chain loaded by the daemon contains a SHA-1 certificate",
    ],
    ["tlsdoctor probe HOST:PORT", CONFIG],
    ["CERT_SHA1_SIGNATURE", "TLS_CONFIG_FORBIDS_SHA1"],
    { text: "ca md too weak" },
  ),
  E(
    "openssl:SSL_R_UNEXPECTED_EOF_WHILE_READING",
    "unexpected eof while reading",
    "either",
    "The peer closed the TCP connection without a TLS close_notify (OpenSSL 3 reports this as an error; 1.1 reported SSL_ERROR_SYSCALL with errno 0).",
    [
      "The peer dropped the connection: a timeout, a crash, or it rejected us without an alert",
      "A load balancer health check or port scanner connecting and leaving",
      "A peer that never sends close_notify (common with HTTP servers; OpenSSL 3 apps may need SSL_OP_IGNORE_UNEXPECTED_EOF)",
    ],
    ["tlsdoctor probe HOST:PORT --repeat 50", "tlsdoctor logs FILE"],
    ["CONNECTION_RESET", "TLS_RESET_AFTER_HELLO", "SERVER_KILLED_BY_HELLO"],
    { text: "unexpected eof while reading" },
  ),
  E(
    "openssl:SSL_R_HTTP_REQUEST",
    "http request",
    "local",
    "Our TLS server received a plain HTTP request (GET/POST) on its TLS port.",
    ["A client using http:// for an https port", "A proxy or health check configured without TLS"],
    ["tlsdoctor probe HOST:PORT"],
    ["SERVER_NOT_TLS"],
    { text: "http request" },
  ),
  E(
    "openssl:SSL_R_HTTPS_PROXY_REQUEST",
    "https proxy request",
    "local",
    "Our TLS server received a plain HTTP CONNECT request: a client treats it as a proxy.",
    ["A client configured to use this host as an HTTPS proxy", "Open-proxy scanners"],
    ["tlsdoctor logs FILE"],
    ["SERVER_NOT_TLS"],
    { text: "https proxy request" },
  ),
  E(
    "openssl:SSL_R_PACKET_LENGTH_TOO_LONG",
    "packet length too long",
    "local",
    "A record header announced a length over the limit: the bytes are not TLS (often a plaintext banner).",
    [
      "An SMTP/IMAP/FTP plaintext greeting read as a TLS record (implicit TLS to a STARTTLS port)",
      "A proxy answering in clear text",
    ],
    ["tlsdoctor probe smtp://HOST:25", "tlsdoctor probe HOST:PORT"],
    ["SERVER_NOT_TLS", "STARTTLS_NOT_OFFERED"],
    { text: "packet length too long" },
  ),
  E(
    "openssl:SSL_R_UNKNOWN_PROTOCOL",
    "unknown protocol",
    "local",
    "The first bytes are not a TLS or SSL hello: not TLS at all.",
    ["Plaintext to a TLS port or TLS to a plaintext port", "An SSLv2-only peer"],
    ["tlsdoctor probe HOST:PORT"],
    ["SERVER_NOT_TLS", "PROTOCOL_SSLV2_ENABLED"],
    { text: "unknown protocol" },
  ),
  E(
    "openssl:SSL_R_LEGACY_SIGALG_DISALLOWED_OR_UNSUPPORTED",
    "legacy sigalg disallowed or unsupported",
    "local",
    "The handshake needs a signature algorithm (MD5-SHA1 or SHA-1 for TLS 1.0/1.1) our settings no longer allow.",
    [
      "TLS 1.0/1.1 peer under OpenSSL 3 at SECLEVEL 1+ (SHA-1/MD5 signatures disabled)",
      "A FIPS provider without the legacy digests",
    ],
    ["tlsdoctor scan HOST:PORT --only protocols,sigalgs", CONFIG],
    ["TLS_CONFIG_FORBIDS_SHA1", "TLS_CONFIG_FORBIDS_TLS10", "TLS_LEGACY_VERSION"],
    { text: "legacy sigalg disallowed or unsupported" },
  ),
  E(
    "openssl:SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM",
    "no suitable signature algorithm",
    "local",
    "No signature algorithm both sides accept fits the certificate's key.",
    [
      "The peer offers only SHA-1/MD5 signature algorithms which our security level forbids",
      "An RSA-PSS-only or Ed25519 certificate with a peer that lacks it",
    ],
    ["tlsdoctor scan HOST:PORT --only sigalgs", CONFIG],
    ["TLS_CONFIG_FORBIDS_SHA1"],
    { text: "no suitable signature algorithm" },
  ),
  E(
    "openssl:SSL_R_NO_SHARED_SIGNATURE_ALGORITHMS",
    "no shared signature algorithms",
    "local",
    "The two signature_algorithms lists have nothing in common.",
    [
      "Our SignatureAlgorithms setting or security level excludes all the peer offers",
      "An old peer offering only SHA-1 based algorithms",
    ],
    ["tlsdoctor scan HOST:PORT --only sigalgs", CONFIG],
    ["TLS_CONFIG_FORBIDS_SHA1"],
    { text: "no shared signature algorithms" },
  ),
  E(
    "openssl:SSL_R_NO_SHARED_GROUPS",
    "no shared groups",
    "local",
    "No key-exchange group (curve or FFDHE group) in common.",
    [
      "A Groups/Curves setting too narrow on one side",
      "An old peer offering only curves OpenSSL 3 dropped (secp160…, brainpool in TLS 1.3)",
    ],
    ["tlsdoctor scan HOST:PORT --only groups", CONFIG],
    ["TLS_CONFIG_INVALID_SETTING"],
    { text: "no shared groups" },
  ),
  E(
    "openssl:SSL_R_NO_SUITABLE_KEY_SHARE",
    "no suitable key share",
    "local",
    "TLS 1.3: no key share our side can use and no group to retry with.",
    [
      "Group lists without overlap",
      "A hand-built client sending key shares for groups it did not list",
    ],
    ["tlsdoctor scan HOST:PORT --only groups"],
    ["TLS_INTOLERANCE"],
    { text: "no suitable key share" },
  ),
  E(
    "openssl:SSL_R_BAD_KEY_SHARE",
    "bad key share",
    "local",
    "The peer's key share is malformed or for a group we did not offer.",
    [
      "A middlebox or buggy peer altering the key share",
      "A post-quantum hybrid share the peer's library mis-encodes",
    ],
    ["tlsdoctor scan HOST:PORT --only groups,tolerance"],
    ["PEER_PROTOCOL_ERROR"],
    { text: "bad key share" },
  ),
  E(
    "openssl:SSL_R_VERSION_TOO_LOW",
    "version too low",
    "local",
    "The peer chose a protocol version below our minimum.",
    [
      "A TLS 1.0/1.1-only server or client against OpenSSL 3 defaults",
      "MinProtocol raised by crypto-policies or openssl.cnf",
    ],
    ["tlsdoctor scan HOST:PORT --only protocols", CONFIG],
    ["TLS_CONFIG_FORBIDS_TLS10", "TLS_LEGACY_VERSION"],
    { text: "version too low" },
  ),
  E(
    "openssl:SSL_R_VERSION_TOO_HIGH",
    "version too high",
    "local",
    "The peer chose a protocol version above our maximum.",
    [
      "MaxProtocol set (e.g. TLSv1.2) while the peer insists on TLS 1.3",
      "A broken middlebox rewriting the version",
    ],
    ["tlsdoctor scan HOST:PORT --only protocols", CONFIG],
    ["TLS_CONFIG_INVALID_SETTING"],
    { text: "version too high" },
  ),
  E(
    "openssl:SSL_R_UNSUPPORTED_SSL_VERSION",
    "unsupported ssl version",
    "local",
    "The record or hello carries an SSL/TLS version our library does not implement.",
    [
      "SSLv2/SSLv3 hello from an ancient client or scanner",
      "Non-TLS bytes that happen to look like a record",
    ],
    ["tlsdoctor scan HOST:PORT --only protocols"],
    ["PROTOCOL_SSLV3_ENABLED", "SERVER_NOT_TLS"],
    { text: "unsupported ssl version" },
  ),
  E(
    "openssl:SSL_R_INAPPROPRIATE_FALLBACK",
    "inappropriate fallback",
    "local",
    "Our server saw TLS_FALLBACK_SCSV in a hello below its best version: a client fell back after a failure.",
    [
      "A client retrying at a lower version after a transient failure (timeout, reset)",
      "A middlebox breaking the first attempt",
    ],
    ["tlsdoctor scan HOST:PORT --only protocols,features"],
    ["FALLBACK_SCSV_MISSING", "TLS_INTOLERANCE"],
    { text: "inappropriate fallback" },
  ),
  E(
    "openssl:SSL_R_UNSAFE_LEGACY_RENEGOTIATION_DISABLED",
    "unsafe legacy renegotiation disabled",
    "local",
    "The peer does not support secure renegotiation (RFC 5746) and OpenSSL 3 refuses to talk to it by default.",
    [
      "An old server (pre-2010 stack, some appliances) without the renegotiation_info extension",
      "Fix on our side: Options = UnsafeLegacyServerConnect for that peer only",
    ],
    ["tlsdoctor scan HOST:PORT --only features", CONFIG],
    ["RENEGOTIATION_INSECURE", "TLS_CONFIG_REFUSES_LEGACY_RENEGOTIATION"],
    { text: "unsafe legacy renegotiation disabled" },
  ),
  E(
    "openssl:SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE",
    "peer did not return a certificate",
    "local",
    "Our server requires a client certificate (verify mode FAIL_IF_NO_PEER_CERT) and the client sent none.",
    [
      "The client has no certificate configured",
      "The client's certificate matches none of the CA names our server sent",
    ],
    ["tlsdoctor probe HOST:PORT --cert FILE --key FILE"],
    ["TLS_LOCAL_ERROR"],
    { text: "peer did not return a certificate" },
  ),
  E(
    "openssl:SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC",
    "decryption failed or bad record mac",
    "local",
    "A received record failed decryption or its integrity check.",
    [
      "Corruption in transit (middlebox, faulty NIC offload)",
      "A cipher implementation giving wrong results (hardware engine, interposed libcrypto functions)",
      "A multi-threaded program sharing one SSL object across threads",
    ],
    ["tlsdoctor probe HOST:PORT --repeat 100", "tlsdoctor elf --pid N"],
    ["TLS_INTERMITTENT", "ELF_FOREIGN_INTERPOSITION"],
    { text: "decryption failed or bad record mac" },
  ),
  E(
    "openssl:SSL_R_BAD_SIGNATURE",
    "bad signature",
    "local",
    "The peer's handshake signature does not verify.",
    [
      "The peer's private key does not match its certificate",
      "A crypto implementation bug on one side",
      "A middlebox altering the handshake",
    ],
    ["tlsdoctor probe HOST:PORT"],
    ["CERT_BAD_SIGNATURE"],
    { text: "bad signature" },
  ),
  E(
    "openssl:SSL_R_NO_APPLICATION_PROTOCOL",
    "no application protocol",
    "local",
    "ALPN: no protocol in common (our server refused the client's list, or our client got a protocol it did not offer).",
    [
      "A client offering h2/http/1.1 to a server that accepts only its own protocol (Exim 4.95+: smtp)",
      "A server configured for h2 only",
    ],
    ["tlsdoctor scan HOST:PORT --only alpn"],
    ["TLS_LOCAL_ERROR"],
    { text: "no application protocol" },
  ),
  E(
    "openssl:SSL_R_NO_CERTIFICATE_ASSIGNED",
    "no certificate assigned",
    "local",
    "Our server has no certificate for this handshake.",
    [
      "The daemon's certificate path is wrong or unreadable (permissions, chroot)",
      "SNI selected a virtual host without a certificate",
    ],
    ["tlsdoctor chroot --pid N", "tlsdoctor probe HOST:PORT --sni NAME"],
    ["TLS_LOCAL_ERROR", "DAEMON_CHROOTED"],
    { text: "no certificate assigned" },
  ),
  E(
    "openssl:SSL_R_NO_PRIVATE_KEY_ASSIGNED",
    "no private key assigned",
    "local",
    "A certificate is loaded but its private key is not.",
    [
      "Key file path missing or unreadable",
      "Key and certificate in different files and only one is configured",
    ],
    ["tlsdoctor chroot --pid N"],
    ["TLS_LOCAL_ERROR"],
    { text: "no private key assigned" },
  ),
  E(
    "openssl:SSL_R_SHUTDOWN_WHILE_IN_INIT",
    "shutdown while in init",
    "local",
    "The application shut the connection down before the handshake finished.",
    [
      "A timeout in the application during the handshake",
      "An application bug calling SSL_shutdown early",
    ],
    ["tlsdoctor probe HOST:PORT --repeat 20"],
    ["TLS_HANDSHAKE_TIMEOUT"],
    { text: "shutdown while in init" },
  ),
  E(
    "openssl:SSL_R_PROTOCOL_IS_SHUTDOWN",
    "protocol is shutdown",
    "local",
    "The application wrote on a connection already shut down.",
    ["The peer closed first and the application kept writing", "An application bug"],
    ["tlsdoctor logs FILE"],
    ["CONNECTION_RESET"],
    { text: "protocol is shutdown" },
  ),
  E(
    "openssl:SSL_R_CERT_CB_ERROR",
    "cert cb error",
    "local",
    "The application's certificate callback failed (SNI/certificate selection).",
    ["The selected certificate could not be loaded", "A bug in the application's callback"],
    ["tlsdoctor probe HOST:PORT --sni NAME"],
    ["TLS_LOCAL_ERROR"],
    { text: "cert cb error" },
  ),
  E(
    "openssl:SSL_R_WRONG_SIGNATURE_TYPE",
    "wrong signature type",
    "local",
    "The peer signed with an algorithm it was not allowed to use.",
    [
      "A peer ignoring the signature_algorithms it was offered (often SHA-1 or RSA-PKCS1 in TLS 1.3)",
    ],
    ["tlsdoctor scan HOST:PORT --only sigalgs"],
    ["PEER_PROTOCOL_ERROR"],
    { text: "wrong signature type" },
  ),
  E(
    "openssl:SSL_R_DIGEST_CHECK_FAILED",
    "digest check failed",
    "local",
    "The Finished message did not match: the two sides computed different transcripts.",
    ["A middlebox altering the handshake", "A crypto implementation bug"],
    ["tlsdoctor probe HOST:PORT --repeat 50"],
    ["TLS_INTERMITTENT"],
    { text: "digest check failed" },
  ),
  E(
    "openssl:SSL_R_BAD_PACKET_LENGTH",
    "bad packet length",
    "local",
    "A record or message length is inconsistent: not TLS, or corrupted.",
    ["Plaintext bytes read as TLS", "A middlebox truncating records"],
    ["tlsdoctor probe HOST:PORT"],
    ["PEER_PROTOCOL_ERROR", "SERVER_NOT_TLS"],
    { text: "bad packet length" },
  ),
  E(
    "openssl:SSL_R_EXCESSIVE_MESSAGE_SIZE",
    "excessive message size",
    "local",
    "A handshake message is larger than our limit (e.g. a huge certificate chain or CA list).",
    [
      "A server sending an enormous chain or client-CA list",
      "A client-CA list built from a whole CA bundle",
    ],
    ["tlsdoctor probe HOST:PORT"],
    ["PEER_PROTOCOL_ERROR"],
    { text: "excessive message size" },
  ),
  E(
    "openssl:SSL_R_SSL_HANDSHAKE_FAILURE",
    "ssl handshake failure",
    "local",
    "A generic handshake failure; the error lines before it carry the real reason.",
    ["See the preceding error in the same log line"],
    [PROBE],
    ["TLS_LOCAL_ERROR"],
    { text: "ssl handshake failure" },
  ),
  E(
    "openssl:SSL_R_UNSUPPORTED_ELLIPTIC_CURVE",
    "unsupported elliptic curve",
    "local",
    "The peer picked a curve we do not support or did not offer.",
    ["Curve lists differ; an old peer choosing a curve OpenSSL 3 disabled"],
    ["tlsdoctor scan HOST:PORT --only groups"],
    ["TLS_CONFIG_INVALID_SETTING"],
    { text: "unsupported elliptic curve" },
  ),
  E(
    "openssl:SSL_R_WRONG_CURVE",
    "wrong curve",
    "local",
    "The peer used a curve that does not match what was negotiated.",
    ["A peer bug or a certificate whose key curve the peer did not advertise"],
    ["tlsdoctor scan HOST:PORT --only groups,certificates"],
    ["PEER_PROTOCOL_ERROR"],
    { text: "wrong curve" },
  ),
  E(
    "openssl:SSL_R_BAD_DH_VALUE",
    "bad dh value",
    "local",
    "The peer's Diffie-Hellman public value is invalid (out of range).",
    ["A peer bug", "A middlebox tampering with the key exchange"],
    ["tlsdoctor scan HOST:PORT --only groups"],
    ["PEER_PROTOCOL_ERROR"],
    { text: "bad dh value" },
  ),
  E(
    "openssl:SSL_R_BAD_ECPOINT",
    "bad ecpoint",
    "local",
    "The peer's elliptic-curve point is invalid.",
    ["A peer bug", "A middlebox tampering with the key exchange"],
    ["tlsdoctor scan HOST:PORT --only groups"],
    ["PEER_PROTOCOL_ERROR"],
    { text: "bad ecpoint" },
  ),
  E(
    "openssl:X509_R_KEY_VALUES_MISMATCH",
    "key values mismatch",
    "local",
    "The private key configured does not belong to the certificate configured (crypto/x509/x509_cmp.c).",
    [
      "Certificate renewed but the daemon still points at the old key (or vice versa)",
      "Certificate and key files swapped between virtual hosts",
    ],
    ["tlsdoctor probe HOST:PORT"],
    ["TLS_LOCAL_ERROR"],
    { text: "key values mismatch" },
  ),
  E(
    "openssl:X509_R_CERT_ALREADY_IN_HASH_TABLE",
    "cert already in hash table",
    "local",
    "The same CA certificate was added twice to a store. Harmless; logged by some daemons at load time.",
    [
      "A CA bundle and a CA directory holding the same root",
      "Duplicate entries in a concatenated bundle",
    ],
    [TRUST],
    ["TRUST_STORE_CORRUPT"],
    { text: "cert already in hash table" },
  ),
  E(
    "openssl:PEM_R_NO_START_LINE",
    "no start line",
    "local",
    "A file expected to be PEM has no '-----BEGIN' line (crypto/pem/pem_lib.c).",
    [
      "The file is DER, empty, or the wrong file (key and cert paths swapped)",
      "The daemon, inside a chroot, reads a different or empty file",
    ],
    ["tlsdoctor chroot --pid N", TRUST],
    ["TRUST_STORE_CORRUPT", "CHROOT_CA_BUNDLE_MISSING"],
    { text: "no start line" },
  ),
  E(
    "openssl:EVP_R_UNSUPPORTED_ALGORITHM",
    "unsupported algorithm",
    "local",
    "An algorithm is not available from any loaded provider.",
    [
      "The legacy provider (MD4, RC4, DES) is not loaded in OpenSSL 3",
      "FIPS-only configuration",
      "openssl.cnf replaced the default provider without loading it",
    ],
    [CONFIG],
    [
      "TLS_CONFIG_LEGACY_ALGORITHMS_UNAVAILABLE",
      "TLS_CONFIG_DEFAULT_PROVIDER_NOT_LOADED",
      "TLS_CONFIG_FIPS_ONLY",
    ],
    { text: "unsupported algorithm" },
  ),
];

const X = (
  n: number,
  macro: string,
  text: string,
  what: string,
  causes: readonly string[],
  findings: readonly string[],
  aka?: readonly string[],
): KnowledgeEntry =>
  E(
    `x509:${n}`,
    `X509 verify error ${n} ${macro}: ${text}`,
    "local",
    `${what} (X509_V_ERR_${macro}, include/openssl/x509_vfy.h; text from crypto/x509/x509_txt.c).`,
    causes,
    CHAIN_CONFIRM,
    findings,
    { text, readings: VERIFY(what), ...(aka ? { aka } : {}) },
  );

const EAI = (
  n: number,
  macro: string,
  text: string,
  meaning: string,
  causes: readonly string[],
): KnowledgeEntry =>
  E(
    `eai:${n}`,
    `getaddrinfo ${macro} (${n}): ${text}`,
    "system",
    `${meaning} (glibc resolv/netdb.h: ${macro} = ${n}; text from gai_strerror).`,
    causes,
    ["tlsdoctor chroot --pid N", "tlsdoctor probe HOST:PORT"],
    [
      "CONNECT_DNS_FAILED",
      "HOSTNAME_UNRESOLVABLE",
      "CHROOT_RESOLVER_BROKEN",
      "CHROOT_RESOLV_CONF_MISSING",
      "CHROOT_NSSWITCH_MISSING",
    ],
    { text },
  );

const MORE: readonly KnowledgeEntry[] = [
  // --- X509 verify codes ---
  X(
    2,
    "UNABLE_TO_GET_ISSUER_CERT",
    "unable to get issuer certificate",
    "The issuer of a certificate in the chain is in neither the chain nor the store",
    CHAIN_CAUSES,
    CHAIN_FINDINGS,
  ),
  X(
    7,
    "CERT_SIGNATURE_FAILURE",
    "certificate signature failure",
    "A certificate's signature does not verify with its issuer's key",
    [
      "A wrong intermediate sent (same name, different key: an old and a new CA)",
      "A corrupted certificate",
    ],
    ["CERT_BAD_SIGNATURE", "CHAIN_ORDER"],
  ),
  X(
    9,
    "CERT_NOT_YET_VALID",
    "certificate is not yet valid",
    "A certificate's notBefore is in the future",
    [
      "The verifier's clock is behind (no NTP, a VM resumed from a snapshot)",
      "A certificate issued a moment ago with a clock-skewed notBefore",
    ],
    ["CERT_NOT_YET_VALID"],
  ),
  X(
    10,
    "CERT_HAS_EXPIRED",
    "certificate has expired",
    "A certificate in the chain is past its notAfter",
    [
      "The leaf expired: renewal failed or the daemon was not reloaded",
      "An expired intermediate or cross-sign still sent (e.g. the 2021 ISRG/DST Root CA X3 chain)",
      "The verifier's clock is ahead",
    ],
    ["CERT_EXPIRED", "TRUST_STORE_EXPIRED_ROOT", "DAEMON_STALE_PROGRAM"],
  ),
  X(
    18,
    "DEPTH_ZERO_SELF_SIGNED_CERT",
    "self-signed certificate",
    "The peer's own certificate is self-signed and not in the store",
    [
      "A default/snakeoil certificate still configured (Debian ssl-cert)",
      "A test certificate deployed to production",
    ],
    ["CERT_SELF_SIGNED"],
    ["self signed certificate"],
  ),
  X(
    19,
    "SELF_SIGNED_CERT_IN_CHAIN",
    "self-signed certificate in certificate chain",
    "The chain ends in a self-signed root the verifier does not trust",
    [
      "A private CA root not in the verifier's store",
      "A TLS-inspecting proxy's root",
      "A root removed from the store (distrusted)",
    ],
    ["CERT_PRIVATE_CA", "TRUST_STORE_REMOVED_ROOT", "TRUST_STORE_STALE"],
    ["self signed certificate in certificate chain"],
  ),
  X(
    20,
    "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
    "unable to get local issuer certificate",
    "The issuer of the last certificate in the chain is not in the local store",
    CHAIN_CAUSES,
    CHAIN_FINDINGS,
  ),
  X(
    21,
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "unable to verify the first certificate",
    "Only the leaf arrived and its issuer is unknown",
    ["The server sends only its leaf, not the intermediate", "A private CA"],
    ["CHAIN_INCOMPLETE", "CERT_PRIVATE_CA"],
  ),
  X(
    23,
    "CERT_REVOKED",
    "certificate revoked",
    "A certificate in the chain is revoked by a CRL",
    ["The certificate was revoked and is still deployed"],
    ["CERT_EXPIRED"],
  ),
  X(
    79,
    "INVALID_CA",
    "invalid CA certificate",
    "A certificate used as a CA lacks basicConstraints CA:TRUE or keyCertSign (OpenSSL 1.1 numbered this 24; in 3.0, 24 is X509_V_ERR_NO_ISSUER_PUBLIC_KEY)",
    [
      "A leaf certificate placed where an intermediate belongs (chain order)",
      "A badly made private CA",
    ],
    ["CHAIN_ORDER", "CERT_MALFORMED"],
  ),
  X(
    26,
    "INVALID_PURPOSE",
    "unsuitable certificate purpose",
    "The certificate's extended key usage does not allow this use",
    [
      "A server certificate without serverAuth, or a client certificate without clientAuth",
      "A code-signing or S/MIME certificate used for TLS",
    ],
    ["CERT_MALFORMED"],
    ["unsupported certificate purpose"],
  ),
  X(
    27,
    "CERT_UNTRUSTED",
    "certificate not trusted",
    "The root is present but not trusted for this purpose",
    [
      "A root with restricted trust settings (OpenSSL TRUSTED CERTIFICATE aux data)",
      "A distrusted root kept in the store",
    ],
    ["TRUST_STORE_REMOVED_ROOT", "TRUST_STORE_EXTRA_ROOT"],
  ),
  X(
    62,
    "HOSTNAME_MISMATCH",
    "hostname mismatch",
    "The certificate is not valid for the name we connected to",
    [
      "Connected by IP or an internal alias not in the subjectAltName",
      "Wrong virtual host chosen (no or wrong SNI)",
      "A certificate for the apex but not www (or the reverse)",
      "MX host name differs from the certificate's name",
    ],
    ["CERT_HOSTNAME_MISMATCH"],
  ),
  X(
    64,
    "IP_ADDRESS_MISMATCH",
    "IP address mismatch",
    "The certificate has no IP subjectAltName for the address we connected to",
    ["Connecting by IP to a certificate issued for names only"],
    ["CERT_HOSTNAME_MISMATCH"],
  ),
  X(
    66,
    "EE_KEY_TOO_SMALL",
    "EE certificate key too weak",
    "The leaf key is below the security level",
    ["RSA < 2048 at SECLEVEL=2 (Debian 12 default)"],
    ["CERT_WEAK_KEY", "TLS_CONFIG_FORBIDS_SMALL_KEYS"],
  ),
  X(
    67,
    "CA_KEY_TOO_SMALL",
    "CA certificate key too weak",
    "A CA key in the chain is below the security level",
    ["An old private CA with RSA-1024"],
    ["CERT_WEAK_KEY", "TLS_CONFIG_FORBIDS_SMALL_KEYS"],
  ),
  X(
    68,
    "CA_MD_TOO_WEAK",
    "CA signature digest algorithm too weak",
    "A certificate in the chain is signed with MD5 or SHA-1, forbidden at the security level",
    ["A SHA-1-signed private CA or intermediate"],
    ["CERT_SHA1_SIGNATURE", "TLS_CONFIG_FORBIDS_SHA1"],
  ),

  // --- getaddrinfo (seeds/004: EAI_NODATA in a chroot made krb5 abort) ---
  EAI(
    -2,
    "EAI_NONAME",
    "Name or service not known",
    "The name does not exist (NXDOMAIN) or no source could resolve it",
    [
      "A typo or a name that does not exist in DNS",
      "Inside a chroot: no /etc/hosts entry and no working resolver",
      "The service name is not in /etc/services",
    ],
  ),
  EAI(-3, "EAI_AGAIN", "Temporary failure in name resolution", "No DNS server answered in time", [
    "No nameserver reachable (network down, firewall)",
    "Inside a chroot: /etc/resolv.conf missing, so glibc tries 127.0.0.1 where nothing listens",
    "A resolver overloaded or SERVFAIL",
  ]),
  EAI(
    -4,
    "EAI_FAIL",
    "Non-recoverable failure in name resolution",
    "The resolver failed permanently",
    ["A DNS server refusing the query (REFUSED)", "A broken DNSSEC validation"],
  ),
  EAI(
    -5,
    "EAI_NODATA",
    "No address associated with hostname",
    "The name exists but has no address of the family asked for",
    [
      "Inside a chroot without resolv.conf/nsswitch.conf: the host's own name resolves to nothing (seeds/004: krb5 then abort()s)",
      "An AAAA-only or A-only name with AI_ADDRCONFIG",
      "The machine's own host name missing from /etc/hosts",
    ],
  ),
  EAI(
    -8,
    "EAI_SERVICE",
    "Servname not supported for ai_socktype",
    "The service (port name) is unknown for this socket type",
    ["A port name missing from /etc/services (or from the chroot's copy)"],
  ),
  EAI(
    -9,
    "EAI_ADDRFAMILY",
    "Address family for hostname not supported",
    "The name has no address in the requested family",
    ["IPv6 requested for an IPv4-only name"],
  ),
  EAI(-10, "EAI_MEMORY", "Memory allocation failure", "The resolver ran out of memory", [
    "Memory or address-space limits on the process",
  ]),
  EAI(-11, "EAI_SYSTEM", "System error", "A system call failed; errno says which", [
    "File descriptor limit reached (EMFILE)",
    "An NSS module could not be loaded inside a chroot",
  ]),

  // --- GnuTLS (lib/errors.c strings; Exim and others log them) ---
  E(
    "gnutls:GNUTLS_E_PREMATURE_TERMINATION",
    "GnuTLS -110: The TLS connection was non-properly terminated.",
    "either",
    "The peer closed the TCP connection without close_notify — the GnuTLS twin of OpenSSL's 'unexpected eof while reading'.",
    [
      "The peer rejected our certificate and hung up without an alert (many MTAs do)",
      "A scanner or health check that connects and leaves",
      "The peer crashed or timed out mid-handshake",
    ],
    ["tlsdoctor probe smtp://HOST:25", "tlsdoctor logs FILE"],
    ["CONNECTION_RESET", "TLS_RESET_AFTER_HELLO", "SERVER_KILLED_BY_HELLO"],
    { text: "The TLS connection was non-properly terminated." },
  ),
  E(
    "gnutls:GNUTLS_E_FATAL_ALERT_RECEIVED",
    "GnuTLS -12: A TLS fatal alert has been received.",
    "peer",
    'The peer sent a fatal alert; Exim appends its name ("…: Certificate is bad"), which names the alert to read.',
    [
      "See the alert named after the message (bad certificate, unknown CA, handshake failure, protocol version)",
    ],
    [PROBE],
    ["TLS_ALERT_RECEIVED"],
    { text: "A TLS fatal alert has been received." },
  ),
  E(
    "gnutls:GNUTLS_E_PUSH_ERROR",
    "GnuTLS -53: Error in the push function.",
    "system",
    "Writing to the socket failed: the peer closed or reset the connection while we were sending.",
    [
      "The peer reset the connection (it rejected something and hung up)",
      "A firewall or load balancer dropping the connection",
    ],
    ["tlsdoctor probe HOST:PORT --repeat 20"],
    ["CONNECTION_RESET"],
    { text: "Error in the push function." },
  ),
  E(
    "gnutls:GNUTLS_E_PULL_ERROR",
    "GnuTLS -54: Error in the pull function.",
    "system",
    "Reading from the socket failed (reset, timeout).",
    ["The peer reset the connection", "A read timeout in the application"],
    ["tlsdoctor probe HOST:PORT --repeat 20"],
    ["CONNECTION_RESET", "TLS_HANDSHAKE_TIMEOUT"],
    { text: "Error in the pull function." },
  ),
  E(
    "gnutls:GNUTLS_E_KEY_USAGE_VIOLATION",
    "GnuTLS -48: Key usage violation in certificate has been detected.",
    "local",
    "A certificate's keyUsage forbids the operation the handshake needs (e.g. digitalSignature missing for ECDHE-RSA).",
    [
      "The peer's certificate has keyUsage keyEncipherment only and the handshake is ECDHE/TLS 1.3",
      "A certificate made by hand with a minimal keyUsage",
    ],
    ["tlsdoctor probe HOST:PORT"],
    ["CERT_MALFORMED"],
    { text: "Key usage violation in certificate has been detected." },
  ),
  E(
    "gnutls:GNUTLS_E_UNEXPECTED_PACKET",
    "GnuTLS -15: An unexpected TLS packet was received.",
    "either",
    "A message arrived out of order.",
    ["Plaintext or pipelined SMTP commands after STARTTLS", "A middlebox altering the stream"],
    ["tlsdoctor probe smtp://HOST:25"],
    ["PEER_PROTOCOL_ERROR", "STARTTLS_EARLY_DATA"],
    { text: "An unexpected TLS packet was received." },
  ),
  E(
    "gnutls:GNUTLS_E_UNSUPPORTED_VERSION_PACKET",
    "GnuTLS -8: A packet with illegal or unsupported version was received.",
    "local",
    "No acceptable protocol version, or non-TLS bytes.",
    [
      "A TLS 1.0/1.1 peer against a priority string that excludes them",
      "Non-TLS bytes on the port",
    ],
    ["tlsdoctor scan HOST:PORT --only protocols", CONFIG],
    ["TLS_CONFIG_FORBIDS_TLS10", "SERVER_NOT_TLS"],
    { text: "A packet with illegal or unsupported version was received." },
  ),
  E(
    "gnutls:GNUTLS_E_NO_CIPHER_SUITES",
    "GnuTLS: Could not negotiate a supported cipher suite.",
    "local",
    "No cipher suite in common with the peer under the priority string.",
    [
      "The peer offers only suites the priority string excludes",
      "No certificate loaded for the key exchange the suites need",
    ],
    ["tlsdoctor scan HOST:PORT --only suites", CONFIG],
    ["CIPHER_SUITES_LEGACY"],
    { text: "Could not negotiate a supported cipher suite." },
  ),
  E(
    "gnutls:GNUTLS_E_INSUFFICIENT_CREDENTIALS",
    "GnuTLS -32: Insufficient credentials for that request.",
    "local",
    "No certificate/key suitable for what the peer asked (key type, signature algorithm).",
    [
      "Server certificate not loaded (wrong path, permissions)",
      "Only an RSA certificate while the peer allows only ECDSA, or the reverse",
    ],
    ["tlsdoctor probe HOST:PORT", "tlsdoctor chroot --pid N"],
    ["TLS_LOCAL_ERROR"],
    { text: "Insufficient credentials for that request." },
  ),
  E(
    "gnutls:GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR",
    "GnuTLS -348: Error in the certificate verification.",
    "local",
    "The peer's certificate did not verify (GnuTLS's 'certificate verify failed').",
    CHAIN_CAUSES,
    CHAIN_CONFIRM,
    CHAIN_FINDINGS,
    {
      text: "Error in the certificate verification.",
      readings: VERIFY("see the verification status GnuTLS logs with it."),
    },
  ),
  E(
    "gnutls:GNUTLS_E_DH_PRIME_UNACCEPTABLE",
    "GnuTLS -63: The Diffie-Hellman prime sent by the server is not acceptable (not long enough).",
    "local",
    "The server's DH group is too small for our priority string.",
    ["A server with a 1024-bit DH group"],
    ["tlsdoctor scan HOST:PORT --only groups"],
    ["DHE_GROUP_WEAK"],
    { text: "The Diffie-Hellman prime sent by the server is not acceptable (not long enough)." },
  ),
  E(
    "gnutls:GNUTLS_E_NO_APPLICATION_PROTOCOL",
    "GnuTLS -344: No supported application protocol could be negotiated",
    "either",
    "ALPN: no protocol in common.",
    ["Client offers protocols the server refuses (Exim 4.95+ accepts only smtp)"],
    ["tlsdoctor scan HOST:PORT --only alpn"],
    ["TLS_ALERT_RECEIVED"],
    { text: "No supported application protocol could be negotiated" },
  ),

  // --- Java (sun.security.*), Go, rustls, .NET, NSS, curl ---
  E(
    "java:pkix",
    "Java: PKIX path building failed / unable to find valid certification path to requested target",
    "local",
    "The JVM could not chain the peer's certificate to a root in ITS OWN trust store (cacerts), which is separate from the system store.",
    [
      "The JVM's cacerts lacks the root (old JDK, private CA not imported with keytool)",
      "The server sends no intermediate",
      "A TLS-inspecting proxy's root not in cacerts",
      "javax.net.ssl.trustStore pointing at another keystore",
    ],
    ["tlsdoctor probe HOST:PORT", TRUST],
    ["CHAIN_INCOMPLETE", "TRUST_STORE_STALE", "CERT_PRIVATE_CA"],
    { readings: VERIFY("no path to a root in the JVM's trust store.") },
  ),
  E(
    "java:no-san",
    "Java: No subject alternative names present / No subject alternative names matching …",
    "local",
    "The certificate does not carry the name (or IP address) Java connected to; Java ignores the CN.",
    [
      "Connecting by IP to a certificate without IP SANs",
      "An old certificate with the name only in the CN",
      "Wrong virtual host (no SNI)",
    ],
    ["tlsdoctor probe HOST:PORT --sni NAME"],
    ["CERT_HOSTNAME_MISMATCH"],
  ),
  E(
    "java:no-protocol",
    "Java: No appropriate protocol (protocol is disabled or cipher suites are inappropriate)",
    "local",
    "The JVM's jdk.tls.disabledAlgorithms (java.security) removed every protocol or suite the connection could use.",
    [
      "The peer supports only TLS 1.0/1.1, disabled by default since JDK 8u291/11.0.11",
      "A custom enabled-protocols list conflicting with java.security",
    ],
    ["tlsdoctor scan HOST:PORT --only protocols,suites"],
    ["TLS_LEGACY_VERSION", "PROTOCOL_TLS10_ENABLED"],
  ),
  E(
    "go:not-tls",
    "Go: tls: first record does not look like a TLS handshake",
    "local",
    "The first bytes are not TLS: the Go twin of OpenSSL's 'wrong version number'.",
    ["TLS to a plaintext port (HTTP, SMTP before STARTTLS)", "A proxy answering in clear"],
    ["tlsdoctor probe smtp://HOST:25", "tlsdoctor probe HOST:PORT"],
    ["SERVER_NOT_TLS", "STARTTLS_NOT_OFFERED"],
  ),
  E(
    "go:short-rsa",
    "Go: tls: server/client certificate uses an RSA key smaller than 1024 bits (or other weak key)",
    "local",
    "Go 1.24+ refuses RSA keys under 1024 bits.",
    ["An ancient self-made certificate"],
    ["tlsdoctor probe HOST:PORT"],
    ["CERT_WEAK_KEY"],
  ),
  E(
    "schannel:untrusted-root",
    ".NET/Schannel: the remote certificate is invalid according to the validation procedure (SEC_E_UNTRUSTED_ROOT 0x80090325)",
    "local",
    "Windows/.NET could not validate the peer's certificate: untrusted root, name mismatch or expiry (the SslPolicyErrors value says which).",
    [
      "Root not in the Windows/.NET store (or, on Linux, in /etc/ssl/certs)",
      "Missing intermediate",
      "Name mismatch (RemoteCertificateNameMismatch)",
      "Expired certificate",
    ],
    CHAIN_CONFIRM,
    [...CHAIN_FINDINGS, "CERT_HOSTNAME_MISMATCH", "CERT_EXPIRED"],
    { readings: VERIFY("SslPolicyErrors names the reason.") },
  ),
  E(
    "schannel:SEC_E_ILLEGAL_MESSAGE",
    "Schannel SEC_E_ILLEGAL_MESSAGE (0x80090326): the message received was unexpected or badly formatted",
    "either",
    "Usually the peer sent a fatal alert (often handshake_failure) or Schannel found no common parameters.",
    [
      "No common protocol/suite (Windows with TLS 1.0 only, or a server refusing Windows' suites)",
      "The server requires a client certificate",
    ],
    ["tlsdoctor scan HOST:PORT --only protocols,suites"],
    ["TLS_ALERT_RECEIVED", "CIPHER_SUITES_LEGACY"],
  ),
  E(
    "schannel:SEC_E_ALGORITHM_MISMATCH",
    "Schannel SEC_E_ALGORITHM_MISMATCH (0x80090331): the client and server cannot communicate, because they do not possess a common algorithm",
    "local",
    "No protocol version or cipher suite in common.",
    [
      "A Windows peer limited to TLS 1.0/1.1 or CBC suites",
      "A Linux server at SECLEVEL=2 refusing the Windows client's offer",
    ],
    ["tlsdoctor scan HOST:PORT --only protocols,suites"],
    ["TLS_LEGACY_VERSION", "CIPHER_SUITES_LEGACY"],
  ),
  E(
    "schannel:SEC_E_WRONG_PRINCIPAL",
    "Schannel SEC_E_WRONG_PRINCIPAL (0x80090322): the target principal name is incorrect",
    "local",
    "The server's certificate does not match the name connected to.",
    ["Connecting by IP or alias", "Wrong certificate bound to the port"],
    ["tlsdoctor probe HOST:PORT --sni NAME"],
    ["CERT_HOSTNAME_MISMATCH"],
  ),
  E(
    "schannel:SEC_E_INTERNAL_ERROR",
    "Schannel SEC_E_INTERNAL_ERROR (0x80090304)",
    "local",
    "Schannel failed internally, often because it cannot use the certificate's private key.",
    [
      "The service account cannot read the private key",
      "The key is in a CSP Schannel cannot use (CNG vs legacy)",
    ],
    [PROBE],
    ["TLS_LOCAL_ERROR"],
  ),
  E(
    "schannel:SEC_E_INVALID_TOKEN",
    "Schannel SEC_E_INVALID_TOKEN (0x80090308): the token supplied to the function is invalid",
    "local",
    "Schannel received bytes it cannot parse as a handshake: often no common protocol version, or non-TLS bytes.",
    [
      "The peer speaks only TLS 1.3 or only TLS 1.0 while Windows has the other disabled",
      "Plaintext where TLS was expected",
    ],
    ["tlsdoctor scan HOST:PORT --only protocols"],
    ["TLS_LEGACY_VERSION", "SERVER_NOT_TLS"],
  ),
  E(
    "nss:SEC_ERROR_UNKNOWN_ISSUER",
    "NSS SEC_ERROR_UNKNOWN_ISSUER: Peer's certificate issuer is not recognized",
    "local",
    "NSS (Firefox, Thunderbird, curl-nss, 389-ds) could not chain to a root in its NSS database.",
    CHAIN_CAUSES,
    CHAIN_CONFIRM,
    CHAIN_FINDINGS,
    { readings: VERIFY("the issuer is not in the NSS database.") },
  ),
  E(
    "nss:SSL_ERROR_NO_CYPHER_OVERLAP",
    "NSS SSL_ERROR_NO_CYPHER_OVERLAP: Cannot communicate securely with peer: no common encryption algorithm(s)",
    "local",
    "No cipher suite or version in common.",
    [
      "The server offers only legacy suites (RC4, 3DES, CBC-SHA1) or TLS 1.0",
      "A server with only a DSA or weak key",
    ],
    ["tlsdoctor scan HOST:PORT --only protocols,suites"],
    ["CIPHER_SUITES_LEGACY", "TLS_LEGACY_VERSION"],
  ),
  E(
    "nss:SSL_ERROR_BAD_CERT_DOMAIN",
    "NSS SSL_ERROR_BAD_CERT_DOMAIN: Unable to communicate securely with peer: requested domain name does not match the server's certificate",
    "local",
    "Host name mismatch.",
    ["Wrong name or missing SAN", "No or wrong SNI selected another certificate"],
    ["tlsdoctor probe HOST:PORT --sni NAME"],
    ["CERT_HOSTNAME_MISMATCH"],
  ),
  E(
    "nss:SEC_ERROR_EXPIRED_CERTIFICATE",
    "NSS SEC_ERROR_EXPIRED_CERTIFICATE: Peer's Certificate has expired",
    "local",
    "A certificate in the chain is expired (or the clock is wrong).",
    ["The certificate expired", "The local clock is ahead"],
    [PROBE],
    ["CERT_EXPIRED"],
  ),
  E(
    "nss:SSL_ERROR_PROTOCOL_VERSION_ALERT",
    "NSS SSL_ERROR_PROTOCOL_VERSION_ALERT: Peer reports incompatible or unsupported protocol version",
    "peer",
    "The peer refused every version we offered.",
    ["A server requiring TLS 1.2+ and a client limited to older versions, or the reverse"],
    ["tlsdoctor scan HOST:PORT --only protocols"],
    ["TLS_LEGACY_VERSION", "TLS_ALERT_RECEIVED"],
  ),
  E(
    "curl:6",
    "curl: (6) Could not resolve host",
    "system",
    "curl could not resolve the name.",
    ["A wrong name", "No working resolver (resolv.conf, container or chroot without DNS)"],
    ["tlsdoctor probe HOST:PORT", "tlsdoctor chroot DIR"],
    ["CONNECT_DNS_FAILED", "CHROOT_RESOLVER_BROKEN"],
  ),
  E(
    "curl:35",
    "curl: (35) SSL connect error",
    "either",
    "The TLS handshake failed; the OpenSSL or GnuTLS text after it says why (an alert, wrong version number, unexpected eof).",
    [
      "No common protocol or cipher (see the text after the code)",
      "The server requires a client certificate",
      "Non-TLS on the port",
    ],
    ["tlsdoctor probe HOST:PORT", "tlsdoctor scan HOST:PORT --only protocols,suites"],
    ["TLS_LOCAL_ERROR", "TLS_ALERT_RECEIVED", "SERVER_NOT_TLS"],
  ),
  E(
    "curl:51",
    "curl: (51) SSL: no alternative certificate subject name matches target host name",
    "local",
    'Host name mismatch (older curl: "SSL peer certificate or SSH remote key was not OK").',
    ["Wrong name, IP address, or missing SAN"],
    ["tlsdoctor probe HOST:PORT --sni NAME"],
    ["CERT_HOSTNAME_MISMATCH"],
  ),
  E(
    "curl:60",
    "curl: (60) SSL certificate problem",
    "local",
    "curl could not verify the server's certificate; the text after the colon is the OpenSSL verify string (unable to get local issuer certificate, certificate has expired, self-signed certificate …).",
    CHAIN_CAUSES,
    CHAIN_CONFIRM,
    [...CHAIN_FINDINGS, "CERT_EXPIRED", "CERT_SELF_SIGNED"],
  ),
  E(
    "curl:77",
    "curl: (77) error setting certificate verify locations / problem with the SSL CA cert (path? access rights?)",
    "local",
    "curl could not read its CA bundle or directory.",
    [
      "The CA file path does not exist (--cacert, CURL_CA_BUNDLE) or is unreadable",
      "ca-certificates not installed or a chroot/container without /etc/ssl/certs",
    ],
    [TRUST, "tlsdoctor chroot DIR"],
    ["TRUST_STORE_MISSING", "CHROOT_CA_BUNDLE_MISSING"],
  ),

  // --- glibc and kernel ---
  E(
    "glibc:arc4random",
    "Fatal glibc error: cannot get entropy for arc4random",
    "system",
    "glibc 2.36+ arc4random found neither getrandom() (ENOSYS: kernel < 3.17) nor a readable /dev/urandom; it aborts the process (seeds/003: sshd died).",
    [
      "An old kernel still booted after a distribution upgrade (bootloader outside the VM, no reboot)",
      "The process hit its open-file limit (EMFILE) so /dev/urandom could not be opened",
      "A chroot without /dev/urandom",
      "A seccomp filter denying getrandom",
    ],
    ["tlsdoctor host --only kernel", "tlsdoctor chroot --pid N"],
    [
      "GETRANDOM_UNAVAILABLE",
      "KERNEL_TOO_OLD_FOR_GLIBC",
      "KERNEL_RUNNING_NOT_INSTALLED",
      "KERNEL_NOT_BOOTED_LATEST",
      "LIMIT_NOFILE_NEAR",
      "CHROOT_URANDOM_MISSING",
    ],
    { text: "cannot get entropy for arc4random" },
  ),
  E(
    "kernel:alloc-transform",
    "kernel: Failed to allocate transformation for 'ALG': -ERRNO",
    "system",
    "The kernel crypto API could not instantiate the algorithm for a user (dm-crypt, AF_ALG); -2 is ENOENT (seeds/001).",
    [
      "No driver reachable through the requested API although /proc/crypto lists the algorithm (legacy blkcipher vs skcipher, POWER vmx_crypto on 4.10)",
      "The module is not loaded or not built",
      "FIPS mode forbids the algorithm",
    ],
    ["tlsdoctor host --only kernelCrypto"],
    ["KERNEL_CRYPTO_UNREACHABLE", "KERNEL_CRYPTO_ALGORITHM_MISSING", "KERNEL_FIPS_MODE"],
    { text: "Failed to allocate transformation for" },
  ),
  E(
    "kernel:selftest",
    "kernel: alg: … test failed / self-test failed",
    "system",
    "A kernel crypto driver failed its known-answer self-test and is not used (or, in FIPS mode, the kernel panics).",
    ["A buggy hardware driver or firmware", "A kernel build mismatch"],
    ["tlsdoctor host --only kernelCrypto"],
    ["KERNEL_CRYPTO_SELFTEST_FAILED", "KERNEL_CRYPTO_WRONG_RESULT"],
  ),
  E(
    "crash:segv-tls",
    "A TLS daemon killed by signal 11 / segfault in libssl or libcrypto",
    "system",
    "The process crashed inside TLS code.",
    [
      "Another library exporting libcrypto symbols that win the lookup (seeds/002: libmysqlclient's dummy CRYPTO_lock)",
      "Two libcrypto versions loaded in one process",
      "A binary still running against a replaced library after an upgrade",
    ],
    ["tlsdoctor elf --pid N", "tlsdoctor elf PROG", "tlsdoctor host --only daemons"],
    ["ELF_FOREIGN_INTERPOSITION", "ELF_DUPLICATE_CRYPTO_LIBRARY", "DAEMON_STALE_LIBRARY"],
  ),
  E(
    "crash:abort-resolver",
    "A TLS server aborted (SIGABRT, audit ANOM_ABEND sig=6) during a handshake",
    "system",
    "Something in the handshake path called abort(): seeds/004 was krb5 aborting on getaddrinfo's EAI_NODATA inside haproxy's chroot.",
    [
      "A library aborting on a resolver error inside a chroot (krb5 with LOW/KRB5 suites)",
      "glibc aborting: cannot get entropy for arc4random",
      "An assertion in a misbuilt library",
    ],
    ["tlsdoctor chroot --pid N", "tlsdoctor scan HOST:PORT --only tolerance"],
    [
      "SERVER_KILLED_BY_HELLO",
      "CHROOT_KRB5_NO_DEFAULT_REALM",
      "CHROOT_RESOLVER_BROKEN",
      "GETRANDOM_UNAVAILABLE",
    ],
  ),
];
