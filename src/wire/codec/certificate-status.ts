import { ByteReader } from "./byte-reader.js";

export interface CertificateStatus {
  /** 1 ocsp (RFC 6066), 2 ocsp_multi (RFC 6961). */
  readonly statusType: number;
  /** DER OCSPResponse(s), exactly as sent; for ocsp_multi an entry may be empty. */
  readonly responses: readonly Uint8Array[];
}

/**
 * RFC 6066 §8 (and RFC 6961 §2.2 for ocsp_multi):
 *
 * ```
 * struct {
 *     CertificateStatusType status_type;     // ocsp(1), ocsp_multi(2)
 *     select (status_type) {
 *         case ocsp: OCSPResponse;
 *         case ocsp_multi: OCSPResponseList;
 *     } response;
 * } CertificateStatus;
 *
 * opaque OCSPResponse<1..2^24-1>;
 * struct { OCSPResponse ocsp_response_list<1..2^24-1>; } OCSPResponseList;
 * ```
 * The TLS ≤ 1.2 CertificateStatus handshake message and the body of a TLS
 * 1.3 CertificateEntry status_request extension share this structure.
 */
export function parseCertificateStatus(body: Uint8Array, baseOffset = 0): CertificateStatus {
  return readCertificateStatus(new ByteReader(body, { path: "CertificateStatus", baseOffset }));
}

export function readCertificateStatus(r: ByteReader): CertificateStatus {
  const typeAt = r.offset;
  const statusType = r.u8("status_type");
  if (statusType === 1) {
    const response = r.vector24("response");
    r.end();
    return { statusType, responses: [response] };
  }
  if (statusType === 2) {
    const list = r.sub24("ocsp_response_list");
    r.end();
    const responses: Uint8Array[] = [];
    for (let i = 0; !list.done; i++) responses.push(list.vector24(`[${i}]`));
    return { statusType, responses };
  }
  throw r.error(
    "status_type",
    `status type ${statusType} at offset ${typeAt} is not ocsp (1) or ocsp_multi (2)`,
    typeAt,
  );
}
