import { ByteReader } from "./byte-reader.js";
import type { Extension } from "./extensions.js";
import { ExtensionType, extensionReader, findExtension, readExtensions } from "./extensions.js";
import { readCertificateStatus } from "./certificate-status.js";

export interface CertificateEntry {
  /** DER (X.509) or SubjectPublicKeyInfo (raw public key), exactly as sent. */
  readonly data: Uint8Array;
  /** Absolute offset of `data`. */
  readonly offset: number;
  /** TLS 1.3 per-entry extensions; empty for TLS ≤ 1.2. */
  readonly extensions: readonly Extension[];
  /** TLS 1.3 status_request extension: the DER OCSPResponse. */
  readonly ocspResponse?: Uint8Array;
  /** TLS 1.3 signed_certificate_timestamp extension: the SignedCertificateTimestampList. */
  readonly sctList?: Uint8Array;
}

export interface CertificateMessage {
  /** TLS 1.3 only; undefined for TLS ≤ 1.2. */
  readonly requestContext?: Uint8Array;
  readonly entries: readonly CertificateEntry[];
}

/**
 * TLS ≤ 1.2, RFC 5246 §7.4.2:
 *
 * ```
 * opaque ASN.1Cert<1..2^24-1>;
 * struct {
 *     ASN.1Cert certificate_list<0..2^24-1>;
 * } Certificate;
 * ```
 */
export function parseCertificate12(body: Uint8Array, baseOffset = 0): CertificateMessage {
  const r = new ByteReader(body, { path: "Certificate", baseOffset });
  const list = r.sub24("certificate_list");
  r.end();
  const entries: CertificateEntry[] = [];
  for (let i = 0; !list.done; i++) {
    const offset = list.offset + 3;
    const data = list.vector24(`[${i}]`);
    if (data.length === 0)
      throw list.error(`[${i}]`, `empty certificate at offset ${offset - 3}`, offset - 3);
    entries.push({ data, offset, extensions: [] });
  }
  return { entries };
}

/**
 * TLS 1.3, RFC 8446 §4.4.2:
 *
 * ```
 * struct {
 *     select (certificate_type) {
 *         case RawPublicKey:
 *           // From RFC 7250 ASN.1_subjectPublicKeyInfo
 *           opaque ASN1_subjectPublicKeyInfo<1..2^24-1>;
 *         case X509:
 *           opaque cert_data<1..2^24-1>;
 *     };
 *     Extension extensions<0..2^16-1>;
 * } CertificateEntry;
 *
 * struct {
 *     opaque certificate_request_context<0..2^8-1>;
 *     CertificateEntry certificate_list<0..2^24-1>;
 * } Certificate;
 * ```
 */
export function parseCertificate13(body: Uint8Array, baseOffset = 0): CertificateMessage {
  const r = new ByteReader(body, { path: "Certificate", baseOffset });
  const requestContext = r.vector8("certificate_request_context");
  const list = r.sub24("certificate_list");
  r.end();
  const entries: CertificateEntry[] = [];
  for (let i = 0; !list.done; i++) {
    const offset = list.offset + 3;
    const data = list.vector24(`[${i}].cert_data`);
    if (data.length === 0) {
      throw list.error(`[${i}].cert_data`, `empty certificate at offset ${offset - 3}`, offset - 3);
    }
    const extensions = readExtensions(list, `[${i}].extensions`);
    const path = `Certificate.certificate_list[${i}]`;
    const status = findExtension(extensions, ExtensionType.status_request);
    const sct = findExtension(extensions, ExtensionType.signed_certificate_timestamp);
    const ocsp = status
      ? readCertificateStatus(extensionReader(status, `${path}.status_request`)).responses[0]
      : undefined;
    entries.push({
      data,
      offset,
      extensions,
      ...(ocsp === undefined ? {} : { ocspResponse: ocsp }),
      ...(sct === undefined ? {} : { sctList: sct.data }),
    });
  }
  return { requestContext, entries };
}

/** Pick the right form by the negotiated version (0x0304 and above: TLS 1.3). */
export function parseCertificate(
  body: Uint8Array,
  version: number,
  baseOffset = 0,
): CertificateMessage {
  return version >= 0x0304
    ? parseCertificate13(body, baseOffset)
    : parseCertificate12(body, baseOffset);
}
