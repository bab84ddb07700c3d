/**
 * The X.509v3 extensions tlsdoctor reports (RFC 5280 §4.2), decoded into
 * plain data. A malformed extension is an error naming the extension.
 */
import { AsnConvert } from "@peculiar/asn1-schema";
import {
  AuthorityInfoAccessSyntax,
  AuthorityKeyIdentifier,
  BasicConstraints,
  CRLDistributionPoints,
  ExtendedKeyUsage,
  KeyUsage,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
} from "@peculiar/asn1-x509";
import type { Extension, GeneralName } from "@peculiar/asn1-x509";
import { TlsDoctorError, messageOf } from "../core/index.js";
import { AD_CA_ISSUERS, AD_OCSP, EXT, EXTENDED_KEY_USAGES } from "./oids.js";

export interface ExtensionFacts {
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  readonly isCA: boolean;
  /** basicConstraints pathLenConstraint; null when absent. */
  readonly pathLen: number | null;
  /** RFC 5280 names (digitalSignature, keyCertSign …); null when the extension is absent. */
  readonly keyUsage: readonly string[] | null;
  /** OpenSSL short names (serverAuth …) or dotted OIDs; null when absent. */
  readonly extKeyUsage: readonly string[] | null;
  /** Colon hex, uppercase; null when absent. */
  readonly subjectKeyId: string | null;
  readonly authorityKeyId: string | null;
  readonly caIssuers: readonly string[];
  readonly ocsp: readonly string[];
  readonly crlDistributionPoints: readonly string[];
  /** Critical extensions this module does not understand (dotted OIDs). */
  readonly unknownCritical: readonly string[];
}

const KNOWN: ReadonlySet<string> = new Set<string>([
  ...Object.values(EXT),
  "2.5.29.30",
  "2.5.29.36",
  "2.5.29.54",
]);

const KEY_USAGE_BITS = [
  "digitalSignature",
  "nonRepudiation",
  "keyEncipherment",
  "dataEncipherment",
  "keyAgreement",
  "keyCertSign",
  "cRLSign",
  "encipherOnly",
  "decipherOnly",
] as const;

/** Colon-separated uppercase hex, like OpenSSL prints fingerprints and key ids. */
export function colonHex(bytes: ArrayBuffer | Uint8Array): string {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return Array.from(b, (x) => x.toString(16).padStart(2, "0").toUpperCase()).join(":");
}

function uris(names: readonly GeneralName[] | undefined): string[] {
  return (names ?? []).flatMap((n) =>
    n.uniformResourceIdentifier === undefined ? [] : [n.uniformResourceIdentifier],
  );
}

/** Decodes `extensions`; throws TLSD_PARSE naming the first malformed one. */
export function decodeExtensions(extensions: readonly Extension[]): ExtensionFacts {
  const facts = {
    dnsNames: [] as string[],
    ipAddresses: [] as string[],
    isCA: false,
    pathLen: null as number | null,
    keyUsage: null as string[] | null,
    extKeyUsage: null as string[] | null,
    subjectKeyId: null as string | null,
    authorityKeyId: null as string | null,
    caIssuers: [] as string[],
    ocsp: [] as string[],
    crlDistributionPoints: [] as string[],
    unknownCritical: [] as string[],
  };
  for (const ext of extensions) {
    const value = ext.extnValue.buffer;
    try {
      switch (ext.extnID) {
        case EXT.subjectAltName: {
          for (const n of AsnConvert.parse(value, SubjectAlternativeName)) {
            if (n.dNSName !== undefined) facts.dnsNames.push(n.dNSName);
            if (n.iPAddress !== undefined) facts.ipAddresses.push(n.iPAddress);
          }
          break;
        }
        case EXT.basicConstraints: {
          const bc = AsnConvert.parse(value, BasicConstraints);
          facts.isCA = bc.cA;
          facts.pathLen = bc.pathLenConstraint ?? null;
          break;
        }
        case EXT.keyUsage: {
          const ku = AsnConvert.parse(value, KeyUsage);
          const flags = ku.toNumber();
          facts.keyUsage = KEY_USAGE_BITS.filter((_, i) => (flags & (1 << i)) !== 0);
          break;
        }
        case EXT.extKeyUsage:
          facts.extKeyUsage = Array.from(
            AsnConvert.parse(value, ExtendedKeyUsage),
            (oid) => EXTENDED_KEY_USAGES[oid] ?? oid,
          );
          break;
        case EXT.subjectKeyIdentifier:
          facts.subjectKeyId = colonHex(AsnConvert.parse(value, SubjectKeyIdentifier).buffer);
          break;
        case EXT.authorityKeyIdentifier: {
          const aki = AsnConvert.parse(value, AuthorityKeyIdentifier);
          facts.authorityKeyId = aki.keyIdentifier ? colonHex(aki.keyIdentifier.buffer) : null;
          break;
        }
        case EXT.authorityInfoAccess:
          for (const ad of AsnConvert.parse(value, AuthorityInfoAccessSyntax)) {
            const uri = ad.accessLocation.uniformResourceIdentifier;
            if (uri === undefined) continue;
            if (ad.accessMethod === AD_CA_ISSUERS) facts.caIssuers.push(uri);
            else if (ad.accessMethod === AD_OCSP) facts.ocsp.push(uri);
          }
          break;
        case EXT.crlDistributionPoints:
          for (const dp of AsnConvert.parse(value, CRLDistributionPoints)) {
            facts.crlDistributionPoints.push(...uris(dp.distributionPoint?.fullName));
          }
          break;
        default:
          if (ext.critical && !KNOWN.has(ext.extnID)) facts.unknownCritical.push(ext.extnID);
      }
    } catch (e) {
      throw new TlsDoctorError(
        "TLSD_PARSE",
        `Cannot parse certificate extension ${ext.extnID}: ${messageOf(e)}`,
        {
          cause: e,
          details: { structure: `extension ${ext.extnID}` },
        },
      );
    }
  }
  return facts;
}
