import { ByteReader } from "./byte-reader.js";
import { ExtensionType, findExtension, readExtensions, readU16List } from "./extensions.js";

/** What a server asks of a client certificate. */
export interface CertificateRequest {
  /** TLS ≤ 1.2 ClientCertificateType values (1 rsa_sign, 64 ecdsa_sign …); empty in TLS 1.3. */
  readonly certificateTypes: readonly number[];
  /** signature_algorithms (TLS 1.2 field, TLS 1.3 extension); empty before TLS 1.2. */
  readonly signatureSchemes: readonly number[];
  /** DER DistinguishedNames of the CAs it accepts (certificate_authorities in TLS 1.3). */
  readonly authorities: readonly Uint8Array[];
  /** TLS 1.3 certificate_request_context. */
  readonly context?: Uint8Array;
}

/**
 * RFC 5246 §7.4.4 (TLS 1.0/1.1 lack `supported_signature_algorithms`):
 *
 * ```
 * struct {
 *     ClientCertificateType certificate_types<1..2^8-1>;
 *     SignatureAndHashAlgorithm supported_signature_algorithms<2^16-1>;
 *     DistinguishedName certificate_authorities<0..2^16-1>;
 * } CertificateRequest;
 * opaque DistinguishedName<1..2^16-1>;
 * ```
 *
 * RFC 8446 §4.3.2:
 *
 * ```
 * struct {
 *     opaque certificate_request_context<0..2^8-1>;
 *     Extension extensions<2..2^16-1>;
 * } CertificateRequest;
 * ```
 */
export function parseCertificateRequest(
  body: Uint8Array,
  version: number,
  baseOffset = 0,
): CertificateRequest {
  const r = new ByteReader(body, { path: "CertificateRequest", baseOffset });
  if (version >= 0x0304) {
    const context = r.vector8("certificate_request_context");
    const exts = readExtensions(r);
    r.end();
    const sig = findExtension(exts, ExtensionType.signature_algorithms);
    const cas = findExtension(exts, 47);
    let signatureSchemes: number[] = [];
    if (sig) {
      const e = new ByteReader(sig.data, { path: "CertificateRequest", baseOffset: sig.offset });
      signatureSchemes = readU16List(e.sub16("supported_signature_algorithms"));
      e.end();
    }
    let authorities: Uint8Array[] = [];
    if (cas) {
      const e = new ByteReader(cas.data, { path: "CertificateRequest", baseOffset: cas.offset });
      authorities = names(e);
      e.end();
    }
    return { certificateTypes: [], signatureSchemes, authorities, context };
  }
  const certificateTypes = [...r.vector8("certificate_types")];
  const signatureSchemes =
    version >= 0x0303 ? readU16List(r.sub16("supported_signature_algorithms")) : [];
  const authorities = names(r);
  r.end();
  return { certificateTypes, signatureSchemes, authorities };
}

function names(r: ByteReader): Uint8Array[] {
  const list = r.sub16("certificate_authorities");
  const out: Uint8Array[] = [];
  for (let i = 0; !list.done; i++) {
    const at = list.offset;
    const dn = list.vector16(`[${i}]`);
    if (dn.length === 0) throw list.error(`[${i}]`, `empty DistinguishedName at offset ${at}`, at);
    out.push(dn);
  }
  return out;
}
