/**
 * Facts about one certificate, from its DER bytes:
 *
 * ```asn1
 * Certificate ::= SEQUENCE {
 *   tbsCertificate       TBSCertificate,
 *   signatureAlgorithm   AlgorithmIdentifier,
 *   signatureValue       BIT STRING }
 * ```
 *
 * `parseCertificate` also keeps Node's X509Certificate for signature checks
 * and host-name matching; `describeCertificate` returns plain data only.
 */
import { X509Certificate, createHash } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";
import { RsaSaPssParams } from "@peculiar/asn1-rsa";
import { TlsDoctorError, messageOf } from "../core/index.js";
import { colonHex, decodeExtensions } from "./extensions.js";
import type { ExtensionFacts } from "./extensions.js";
import { describeKey } from "./key-info.js";
import type { KeyInfo } from "./key-info.js";
import { commonName, formatName, nameKey } from "./name.js";
import { HASH_ALGORITHMS, OID_RSASSA_PSS, SIGNATURE_ALGORITHMS } from "./oids.js";

/** Larger than any real certificate; bounds work on hostile input. */
export const MAX_CERT_BYTES = 256 * 1024;

export interface CertificateInfo extends ExtensionFacts {
  /** RFC 4514, e.g. "CN=localhost,O=Example,C=DE". */
  readonly subject: string;
  readonly subjectCN: string | null;
  readonly issuer: string;
  readonly issuerCN: string | null;
  /** Uppercase hex without leading zero bytes, like `openssl x509 -serial`. */
  readonly serial: string;
  /** ISO 8601, UTC. */
  readonly notBefore: string;
  readonly notAfter: string;
  readonly key: KeyInfo;
  /** OpenSSL's name: sha256WithRSAEncryption, ecdsa-with-SHA384, rsassaPss, ED25519 … */
  readonly signatureAlgorithm: string;
  /** The hash the signature uses (sha256 …), null for Ed25519/Ed448 or unknown. */
  readonly signatureHash: string | null;
  /** Colon hex, uppercase, like `openssl x509 -fingerprint -sha256`. */
  readonly sha256: string;
  readonly sha1: string;
  /** Subject name equals issuer name. */
  readonly selfIssued: boolean;
  /** Self-issued and the signature verifies with its own key. */
  readonly selfSigned: boolean;
}

export interface ParsedCertificate {
  readonly der: Uint8Array;
  /** SHA-256 fingerprint, colon hex (the same as info.sha256, without decoding). */
  readonly sha256: string;
  readonly info: CertificateInfo;
  /** Node's view, for verify(), checkHost(), checkIP(). */
  readonly x509: X509Certificate;
  /** Canonical name keys (see nameKey) for issuer matching. */
  readonly subjectKey: string;
  readonly issuerKey: string;
}

function parseError(what: string, cause?: unknown): TlsDoctorError {
  return new TlsDoctorError("TLSD_PARSE", `Cannot parse certificate: ${what}`, {
    ...(cause === undefined ? {} : { cause }),
    details: { structure: "Certificate" },
  });
}

/** Checks the outer SEQUENCE header covers exactly `der` (no truncation, no trailing bytes). */
export function checkOuter(der: Uint8Array): void {
  if (der.length === 0) throw parseError("0 bytes");
  if (der.length > MAX_CERT_BYTES)
    throw parseError(`${der.length} bytes exceed the ${MAX_CERT_BYTES}-byte limit`);
  if (der[0] !== 0x30)
    throw parseError(`offset 0: tag 0x${(der[0] ?? 0).toString(16)} is not a SEQUENCE`);
  const first = der[1];
  if (first === undefined) throw parseError("offset 1: truncated length");
  let len = first;
  let off = 2;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n === 0 || n > 3) throw parseError(`offset 1: length of ${n} bytes is not allowed`);
    if (der.length < 2 + n) throw parseError("offset 2: truncated length");
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (der[2 + i] ?? 0);
    off = 2 + n;
  }
  if (off + len > der.length)
    throw parseError(`offset ${off}: SEQUENCE of ${len} bytes, only ${der.length - off} present`);
  if (off + len < der.length)
    throw parseError(`offset ${off + len}: ${der.length - off - len} trailing bytes`);
}

function serialHex(buf: ArrayBuffer): string {
  const b = new Uint8Array(buf);
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return Buffer.from(b.subarray(i)).toString("hex").toUpperCase();
}

function signatureOf(cert: Certificate): { name: string; hash: string | null } {
  const alg = cert.signatureAlgorithm;
  const known = SIGNATURE_ALGORITHMS[alg.algorithm];
  if (known === undefined) return { name: alg.algorithm, hash: null };
  if (alg.algorithm !== OID_RSASSA_PSS || !alg.parameters) return known;
  try {
    const params = AsnConvert.parse(alg.parameters, RsaSaPssParams);
    const oid = params.hashAlgorithm.algorithm;
    return { name: known.name, hash: HASH_ALGORITHMS[oid] ?? oid };
  } catch (e) {
    throw parseError(`RSASSA-PSS parameters: ${messageOf(e)}`, e);
  }
}

function fingerprint(der: Uint8Array, alg: "sha256" | "sha1"): string {
  return colonHex(createHash(alg).update(der).digest());
}

/**
 * Parsed certificates by DER (base64), so a root that is in both the system
 * store and the reference store is decoded once per process. Bounded: a
 * store of hostile size cannot grow it past this many entries.
 */
const PARSED = new Map<string, ParsedCertificate>();
const MAX_PARSED_CACHE = 4096;

/** Parses DER into facts plus Node's X509Certificate. Throws TLSD_PARSE, never anything else. */
export function parseCertificate(der: Uint8Array): ParsedCertificate {
  const key = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString("base64");
  const hit = PARSED.get(key);
  if (hit !== undefined) return hit;
  const parsed = parseUncached(der);
  if (PARSED.size < MAX_PARSED_CACHE) PARSED.set(key, parsed);
  return parsed;
}

function parseUncached(der: Uint8Array): ParsedCertificate {
  checkOuter(der);
  let cert: Certificate;
  try {
    cert = AsnConvert.parse(der, Certificate);
  } catch (e) {
    throw parseError(`ASN.1 structure: ${messageOf(e)}`, e);
  }
  // Node's X509Certificate and the self-signature check are the costly part
  // of parsing a store of 150 roots, and most anchors are never looked at:
  // both are computed on first use. OpenSSL must still accept the DER, so a
  // certificate only Node rejects fails when it is used, as TLSD_PARSE.
  let x509Cache: X509Certificate | undefined;
  const x509 = (): X509Certificate => {
    if (x509Cache === undefined) {
      try {
        x509Cache = new X509Certificate(der);
      } catch (e) {
        throw parseError(`OpenSSL rejects it: ${messageOf(e)}`, e);
      }
    }
    return x509Cache;
  };
  const tbs = cert.tbsCertificate;
  const sig = signatureOf(cert);
  const subjectKey = nameKey(tbs.subject);
  const issuerKey = nameKey(tbs.issuer);
  const selfIssued = subjectKey === issuerKey;
  let selfSignedCache: boolean | undefined;
  let keyCache: KeyInfo | undefined;
  const selfSigned = (): boolean => {
    if (selfSignedCache === undefined) {
      try {
        selfSignedCache = selfIssued && x509().verify(x509().publicKey);
      } catch {
        selfSignedCache = false;
      }
    }
    return selfSignedCache;
  };
  let notBefore: string;
  let notAfter: string;
  try {
    notBefore = tbs.validity.notBefore.getTime().toISOString();
    notAfter = tbs.validity.notAfter.getTime().toISOString();
  } catch (e) {
    throw parseError(`validity: ${messageOf(e)}`, e);
  }
  const info: CertificateInfo = {
    subject: formatName(tbs.subject),
    subjectCN: commonName(tbs.subject),
    issuer: formatName(tbs.issuer),
    issuerCN: commonName(tbs.issuer),
    serial: serialHex(tbs.serialNumber),
    notBefore,
    notAfter,
    get key(): KeyInfo {
      keyCache ??= describeKey(
        () => x509().publicKey,
        tbs.subjectPublicKeyInfo.algorithm.algorithm,
      );
      return keyCache;
    },
    signatureAlgorithm: sig.name,
    signatureHash: sig.hash,
    sha256: fingerprint(der, "sha256"),
    sha1: fingerprint(der, "sha1"),
    selfIssued,
    get selfSigned(): boolean {
      return selfSigned();
    },
    ...decodeExtensions(tbs.extensions ?? []),
  };
  return {
    der,
    sha256: info.sha256,
    info,
    get x509(): X509Certificate {
      return x509();
    },
    subjectKey,
    issuerKey,
  };
}

/** Plain facts about one DER certificate. Throws TlsDoctorError("TLSD_PARSE") on malformed input. */
export function describeCertificate(der: Uint8Array): CertificateInfo {
  return parseCertificate(der).info;
}
