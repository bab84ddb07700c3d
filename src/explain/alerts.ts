/**
 * TLS alert descriptions (IANA "TLS Alerts" registry, RFC 8446 §6, RFC 5246
 * §7.2, RFC 7301, RFC 8701 …) and what each one means to the side that
 * *received* it. An alert names what the sender disliked; the receiver
 * usually has to look at the sender's logs or at what it sent itself.
 */
export interface AlertInfo {
  readonly code: number;
  readonly name: string;
  /** What it means when our side received it from the peer. */
  readonly received: string;
  /** Where to look next. */
  readonly lookAt: "peer" | "our-side" | "both" | "none";
}

const A = (
  code: number,
  name: string,
  lookAt: AlertInfo["lookAt"],
  received: string,
): AlertInfo => ({
  code,
  name,
  received,
  lookAt,
});

const TABLE: readonly AlertInfo[] = [
  A(0, "close_notify", "none", "The peer closed the TLS session cleanly."),
  A(
    10,
    "unexpected_message",
    "both",
    "The peer got a message it did not expect at that point: a protocol bug on one side, or a middlebox mangling the stream.",
  ),
  A(
    20,
    "bad_record_mac",
    "both",
    "A record failed its integrity check: corruption in transit, a broken middlebox, or a cipher implementation bug (seen with hardware offload).",
  ),
  A(21, "decryption_failed", "both", "Historic (SSLv3/TLS 1.0): a record could not be decrypted."),
  A(
    22,
    "record_overflow",
    "both",
    "The peer received a record longer than allowed, or one that decrypted to more than 2^14 bytes.",
  ),
  A(30, "decompression_failure", "both", "Historic: TLS compression failed."),
  A(
    40,
    "handshake_failure",
    "both",
    "The peer found no acceptable set of parameters: no cipher suite, group or signature algorithm in common, or it refused something in the hello.",
  ),
  A(41, "no_certificate", "peer", "SSLv3 only: no certificate was sent."),
  A(
    42,
    "bad_certificate",
    "peer",
    "The peer rejected a certificate: if we are the server, the client rejected our certificate (untrusted chain, stale CA store, missing intermediate); if we are the client, the server rejected our client certificate.",
  ),
  A(
    43,
    "unsupported_certificate",
    "peer",
    "The peer cannot use the certificate's type or key usage.",
  ),
  A(44, "certificate_revoked", "peer", "The peer considers a certificate revoked."),
  A(
    45,
    "certificate_expired",
    "peer",
    "The peer considers a certificate expired (or its clock is wrong).",
  ),
  A(
    46,
    "certificate_unknown",
    "peer",
    "The peer rejected a certificate for some other reason, often an unknown or untrusted issuer.",
  ),
  A(
    47,
    "illegal_parameter",
    "both",
    "A handshake field was out of range or inconsistent with other fields.",
  ),
  A(
    48,
    "unknown_ca",
    "peer",
    "The peer could not chain a certificate to a CA it trusts: its trust store lacks the root, or the chain misses an intermediate.",
  ),
  A(
    49,
    "access_denied",
    "peer",
    "The certificate was fine, but the peer's access control refused to go on.",
  ),
  A(
    50,
    "decode_error",
    "both",
    "A message could not be decoded: a field length was wrong. Usually a bug or an incompatible extension.",
  ),
  A(
    51,
    "decrypt_error",
    "both",
    "A handshake cryptographic operation failed: a signature did not verify, or Finished did not match (wrong key for the certificate, broken middlebox, or a mis-set PSK).",
  ),
  A(
    52,
    "too_many_cids_requested",
    "both",
    "DTLS connection IDs (RFC 9146): the peer was asked for more connection IDs than it will issue.",
  ),
  A(60, "export_restriction", "both", "Historic: an export restriction was violated."),
  A(
    70,
    "protocol_version",
    "both",
    "The peer does not support the protocol version offered, or it refuses it by policy (e.g. MinProtocol = TLSv1.2).",
  ),
  A(
    71,
    "insufficient_security",
    "both",
    "The peer requires stronger ciphers than offered (e.g. a high security level).",
  ),
  A(
    80,
    "internal_error",
    "peer",
    "The peer itself failed, for a reason unrelated to the protocol (memory, a crashing callback, a misbuilt binary). Look at the peer's logs; nothing we sent is necessarily wrong.",
  ),
  A(
    86,
    "inappropriate_fallback",
    "our-side",
    "We retried with a lower version and the peer (TLS_FALLBACK_SCSV) saw it as a downgrade attack.",
  ),
  A(90, "user_canceled", "peer", "The peer cancelled the handshake."),
  A(100, "no_renegotiation", "both", "The peer refused renegotiation."),
  A(109, "missing_extension", "both", "A mandatory extension was missing (TLS 1.3)."),
  A(
    110,
    "unsupported_extension",
    "both",
    "We sent or answered with an extension the peer did not ask for or cannot handle.",
  ),
  A(
    111,
    "certificate_unobtainable",
    "peer",
    "Historic: the peer could not fetch a certificate from a URL.",
  ),
  A(
    112,
    "unrecognized_name",
    "our-side",
    "The server does not host the name we sent in SNI: check the name (and --sni).",
  ),
  A(113, "bad_certificate_status_response", "peer", "The peer rejected an OCSP staple as invalid."),
  A(114, "bad_certificate_hash_value", "peer", "Historic."),
  A(115, "unknown_psk_identity", "both", "The peer does not know the PSK identity offered."),
  A(
    116,
    "certificate_required",
    "our-side",
    "The server requires a client certificate and we sent none: pass --cert/--key.",
  ),
  A(
    120,
    "no_application_protocol",
    "our-side",
    "The server refused every ALPN protocol we offered (Exim since 4.95 refuses non-smtp ALPN).",
  ),
  A(121, "ech_required", "our-side", "The server requires Encrypted Client Hello."),
];

const BY_CODE = new Map(TABLE.map((a) => [a.code, a]));
const BY_NAME = new Map(TABLE.map((a) => [a.name, a]));

/** The alert with this description number, or an "unknown_alert_N" entry. */
export function alertInfo(code: number): AlertInfo {
  return (
    BY_CODE.get(code) ?? {
      code,
      name: `unknown_alert_${code}`,
      received: `Alert ${code} is not in the IANA registry: the peer is non-standard or the bytes are not TLS.`,
      lookAt: "both",
    }
  );
}

export function alertByName(name: string): AlertInfo | undefined {
  return BY_NAME.get(name);
}

export function allAlerts(): readonly AlertInfo[] {
  return TABLE;
}
