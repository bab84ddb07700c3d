import type { Extension } from "./extensions.js";
import { extensionReader, readU16List } from "./extensions.js";

/**
 * RFC 5746 §3.2:
 *
 * ```
 * struct {
 *     opaque renegotiated_connection<0..255>;
 * } RenegotiationInfo;
 * ```
 * Empty on an initial handshake; on a renegotiation the client's verify_data
 * (ClientHello) or client's then server's verify_data (ServerHello).
 */
export function parseRenegotiationInfo(ext: Extension, path = "renegotiation_info"): Uint8Array {
  const r = extensionReader(ext, path);
  const v = r.vector8("renegotiated_connection");
  r.end();
  return v;
}

/**
 * RFC 8422 §5.1.2:
 *
 * ```
 * enum {
 *     uncompressed (0),
 *     deprecated (1..2),
 *     reserved (248..255)
 * } ECPointFormat;
 * struct {
 *     ECPointFormat ec_point_format_list<1..2^8-1>
 * } ECPointFormatList;
 * ```
 */
export function parseEcPointFormats(ext: Extension, path = "ec_point_formats"): number[] {
  const r = extensionReader(ext, path);
  const at = r.offset;
  const list = r.vector8("ec_point_format_list");
  r.end();
  if (list.length === 0) {
    throw r.error("ec_point_format_list", `empty list at offset ${at}`, at);
  }
  return [...list];
}

/**
 * RFC 8446 §4.2.3 (RFC 5246 §7.4.1.4.1 in TLS 1.2, as hash and signature
 * bytes); signature_algorithms_cert (50) has the same form:
 *
 * ```
 * struct {
 *     SignatureScheme supported_signature_algorithms<2..2^16-2>;
 * } SignatureSchemeList;
 * ```
 */
export function parseSignatureAlgorithms(ext: Extension, path = "signature_algorithms"): number[] {
  const r = extensionReader(ext, path);
  const at = r.offset;
  const list = r.sub16("supported_signature_algorithms");
  r.end();
  if (list.remaining === 0) {
    throw list.error("", `empty list at offset ${at}`, at);
  }
  return readU16List(list);
}
