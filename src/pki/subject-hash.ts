/**
 * OpenSSL's subject hashes (the HASH in /etc/ssl/certs/HASH.0) and a
 * subject-and-key identity for comparing roots across stores. Pure: DER in.
 */
import { createHash } from "node:crypto";

interface Tlv {
  readonly tag: number;
  /** Offset of the element's first byte, of its content, and just past it. */
  readonly off: number;
  readonly start: number;
  readonly end: number;
}

/** One DER element at `off`, inside [off, limit). Throws RangeError on truncation. */
function tlv(b: Uint8Array, off: number, limit: number): Tlv {
  const tag = b[off];
  const first = b[off + 1];
  if (tag === undefined || first === undefined || off + 2 > limit)
    throw new RangeError(`offset ${off}: truncated DER header`);
  if ((tag & 0x1f) === 0x1f)
    throw new RangeError(`offset ${off}: multi-byte tags are not used in names`);
  let start = off + 2;
  let len = first;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n === 0 || n > 4) throw new RangeError(`offset ${off + 1}: length of ${n} bytes`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (b[start + i] ?? 0);
    start += n;
  }
  if (start + len > limit)
    throw new RangeError(`offset ${off}: ${len} bytes announced, ${limit - start} present`);
  return { tag, off, start, end: start + len };
}

function children(b: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = parent.start; p < parent.end; p = out[out.length - 1]?.end ?? parent.end)
    out.push(tlv(b, p, parent.end));
  return out;
}

/** The subject Name and SubjectPublicKeyInfo elements of a DER certificate (RFC 5280 §4.1). */
function certParts(der: Uint8Array): { subject: Uint8Array; spki: Uint8Array } {
  const tbs = children(der, tlv(der, 0, der.length))[0];
  if (tbs === undefined) throw new RangeError("no tbsCertificate");
  const f = children(der, tbs);
  const i = f[0]?.tag === 0xa0 ? 1 : 0; // [0] EXPLICIT version is optional
  const subject = f[i + 4];
  const spki = f[i + 5];
  if (subject === undefined || spki === undefined) throw new RangeError("tbsCertificate too short");
  return {
    subject: der.subarray(subject.off, subject.end),
    spki: der.subarray(spki.off, spki.end),
  };
}

function derHeader(tag: number, len: number): number[] {
  if (len < 0x80) return [tag, len];
  const bytes: number[] = [];
  for (let n = len; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return [tag, 0x80 | bytes.length, ...bytes];
}

function concat(parts: readonly (Uint8Array | readonly number[])[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts.map((p) => Uint8Array.from(p))));
}

/**
 * Code points (BMPString: UCS-2 units; UniversalString: UCS-4) as UTF-8. Like
 * OpenSSL 3's UTF8_putc (crypto/asn1/a_utf8.c), surrogates and values past
 * U+10FFFF are refused, so the conversion, and the hash, fail.
 */
function utf8Of(units: readonly number[]): number[] {
  const out: number[] = [];
  for (const c of units) {
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c >= 0xd800 && c <= 0xdfff)
      throw new RangeError(`surrogate 0x${c.toString(16)} in a name`);
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else if (c <= 0x10ffff)
      out.push(
        0xf0 | (c >> 18),
        0x80 | ((c >> 12) & 0x3f),
        0x80 | ((c >> 6) & 0x3f),
        0x80 | (c & 0x3f),
      );
    else throw new RangeError(`code point 0x${c.toString(16)} is out of range`);
  }
  return out;
}

/** Big-endian units of `width` bytes; OpenSSL refuses a length that is not a multiple. */
function units(c: Uint8Array, width: 2 | 4): number[] {
  if (c.length % width !== 0)
    throw new RangeError(`${width === 2 ? "BMPString" : "UniversalString"} of ${c.length} bytes`);
  const view = new DataView(c.buffer, c.byteOffset, c.byteLength);
  return Array.from({ length: c.length / width }, (_, i) =>
    width === 2 ? view.getUint16(2 * i) : view.getUint32(4 * i),
  );
}

const isSpace = (c: number | undefined): boolean =>
  c === 0x20 || (c !== undefined && c >= 0x09 && c <= 0x0d);

/**
 * One attribute value as OpenSSL's asn1_string_canon (crypto/x509/x_name.c)
 * writes it: the string types it knows become UTF8String, with leading and
 * trailing white space dropped, inner runs collapsed to one space and ASCII
 * lowercased; any other type is copied as it is.
 */
function canonValue(b: Uint8Array, v: Tlv): Uint8Array {
  const c = b.subarray(v.start, v.end);
  let utf8: number[];
  switch (v.tag) {
    case 0x0c: // UTF8String: must be valid UTF-8 (ASN1_STRING_to_UTF8 fails otherwise)
      new TextDecoder("utf-8", { fatal: true }).decode(c);
      utf8 = [...c];
      break;
    case 0x13: // PrintableString
    case 0x14: // T61String, read as Latin-1 like OpenSSL
    case 0x16: // IA5String
    case 0x1a: // VisibleString
      utf8 = utf8Of([...c]);
      break;
    case 0x1e: // BMPString
      utf8 = utf8Of(units(c, 2));
      break;
    case 0x1c: // UniversalString
      utf8 = utf8Of(units(c, 4));
      break;
    default:
      return b.subarray(v.off, v.end);
  }
  let from = 0;
  let to = utf8.length;
  while (from < to && isSpace(utf8[from])) from++;
  while (to > from && isSpace(utf8[to - 1])) to--;
  const out: number[] = [];
  for (let i = from; i < to; i++) {
    const ch = utf8[i] ?? 0;
    if (isSpace(ch)) {
      out.push(0x20);
      while (isSpace(utf8[i + 1])) i++;
    } else out.push(ch >= 0x41 && ch <= 0x5a ? ch + 0x20 : ch);
  }
  return concat([derHeader(0x0c, out.length), out]);
}

function compareDer(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b); // memcmp, then the shorter first: OpenSSL's der_cmp
}

/**
 * OpenSSL's canonical encoding of a Name (x509_name_canon): every RDN as a
 * DER SET OF canonical AttributeTypeAndValue, concatenated, without the
 * outer SEQUENCE header.
 */
export function canonicalName(subjectDer: Uint8Array): Uint8Array {
  const name = tlv(subjectDer, 0, subjectDer.length);
  const sets = children(subjectDer, name).map((rdn) => {
    const entries = children(subjectDer, rdn).map((atv) => {
      const [oid, value] = children(subjectDer, atv);
      if (oid === undefined || value === undefined)
        throw new RangeError(`offset ${atv.off}: attribute without a value`);
      const body = concat([subjectDer.subarray(oid.off, oid.end), canonValue(subjectDer, value)]);
      return concat([derHeader(0x30, body.length), body]);
    });
    entries.sort(compareDer);
    const body = concat(entries);
    return concat([derHeader(0x31, body.length), body]);
  });
  return concat(sets);
}

/**
 * `openssl x509 -subject_hash` and `-subject_hash_old` of a DER certificate:
 * the first four bytes, little-endian, of SHA-1 over the canonical subject
 * (X509_NAME_hash_ex) and of MD5 over the subject's DER (X509_NAME_hash_old,
 * OpenSSL < 1.0). Throws RangeError/TypeError on a malformed subject.
 */
export function subjectHashes(der: Uint8Array): { hash: string; old: string } {
  const { subject } = certParts(der);
  const le = (d: Buffer): string => d.readUInt32LE(0).toString(16).padStart(8, "0");
  return {
    hash: le(createHash("sha1").update(canonicalName(subject)).digest()),
    old: le(createHash("md5").update(subject).digest()),
  };
}

/** Same root for trust purposes: same canonical subject and same public key (RFC 5280 §6.1 anchors). */
export function certIdentity(der: Uint8Array): string {
  try {
    const { subject, spki } = certParts(der);
    const h = (x: Uint8Array): string => createHash("sha256").update(x).digest("hex");
    return `${h(spki)}:${h(canonicalName(subject))}`;
  } catch {
    return `der:${createHash("sha256").update(der).digest("hex")}`;
  }
}
