/**
 * Trust anchors parsed on demand. A system store holds ~150 roots and a
 * verification looks at two or three of them: decoding every one in full
 * (ASN.1, extensions, Node's X509Certificate) cost ~150 ms a run. A lazy
 * anchor reads only the subject and issuer names up front — a short walk
 * over the DER — and decodes the rest the first time it is asked for.
 */
import { createHash } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Name } from "@peculiar/asn1-x509";
import { TlsDoctorError, messageOf } from "../core/index.js";
import { checkOuter, parseCertificate, type ParsedCertificate } from "./cert-info.js";
import { colonHex } from "./extensions.js";
import { nameKey } from "./name.js";

interface Tlv {
  readonly tag: number;
  /** Offset of the value. */
  readonly start: number;
  /** Offset just past the value. */
  readonly end: number;
}

function fail(why: string, offset: number): TlsDoctorError {
  return new TlsDoctorError("TLSD_PARSE", `Cannot parse certificate: ${why} at offset ${offset}`, {
    details: { structure: "Certificate", offset },
  });
}

/** One DER TLV at `at`, bounded by `limit`. */
function tlv(der: Uint8Array, at: number, limit: number): Tlv {
  if (at + 2 > limit) throw fail("truncated element", at);
  const tag = der[at] as number;
  const first = der[at + 1] as number;
  let len = first;
  let start = at + 2;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n === 0 || n > 3 || start + n > limit) throw fail(`bad length of ${n} bytes`, at + 1);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (der[start + i] as number);
    start += n;
  }
  if (start + len > limit) throw fail(`element of ${len} bytes overruns its container`, at);
  return { tag, start, end: start + len };
}

/** The issuer and subject Name elements (whole TLVs) of a DER certificate. */
export function rawNames(der: Uint8Array): { issuer: Uint8Array; subject: Uint8Array } {
  const cert = tlv(der, 0, der.length);
  if (cert.tag !== 0x30 || cert.end !== der.length) throw fail("not one SEQUENCE", 0);
  const tbs = tlv(der, cert.start, cert.end);
  if (tbs.tag !== 0x30) throw fail("tbsCertificate is not a SEQUENCE", cert.start);
  let at = tbs.start;
  let el = tlv(der, at, tbs.end);
  if (el.tag === 0xa0) el = tlv(der, (at = el.end), tbs.end); // [0] version
  el = tlv(der, (at = el.end), tbs.end); // signature AlgorithmIdentifier (after serial)
  const issuer = tlv(der, (at = el.end), tbs.end);
  const validity = tlv(der, (at = issuer.end), tbs.end);
  const subject = tlv(der, (at = validity.end), tbs.end);
  if (issuer.tag !== 0x30 || subject.tag !== 0x30)
    throw fail("issuer or subject is not a SEQUENCE", at);
  const whole = (t: Tlv, from: number): Uint8Array => der.subarray(from, t.end);
  return { issuer: whole(issuer, el.end), subject: whole(subject, validity.end) };
}

function keyOf(bytes: Uint8Array): string {
  try {
    return nameKey(AsnConvert.parse(bytes, Name));
  } catch (e) {
    throw new TlsDoctorError("TLSD_PARSE", `Cannot parse certificate name: ${messageOf(e)}`, {
      cause: e,
    });
  }
}

/**
 * A ParsedCertificate whose names and fingerprint are ready and whose
 * `info` and `x509` are decoded on first access (through the shared cache,
 * so a root used by two stores is decoded once). Throws TLSD_PARSE here only
 * for DER whose outer structure or names are broken.
 */
export function lazyCertificate(der: Uint8Array): ParsedCertificate {
  checkOuter(der);
  const names = rawNames(der);
  const subjectKey = keyOf(names.subject);
  const issuerKey = keyOf(names.issuer);
  const sha256 = colonHex(createHash("sha256").update(der).digest());
  let full: ParsedCertificate | undefined;
  const parsed = (): ParsedCertificate => (full ??= parseCertificate(der));
  return {
    der,
    sha256,
    subjectKey,
    issuerKey,
    get info() {
      return parsed().info;
    },
    get x509() {
      return parsed().x509;
    },
  };
}
