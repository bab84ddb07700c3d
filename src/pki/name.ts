/**
 * Distinguished names: RFC 4514 strings, the common name, and a canonical
 * key for comparing an issuer name with a subject name.
 *
 * ```asn1
 * Name ::= CHOICE { rdnSequence RDNSequence }
 * RDNSequence ::= SEQUENCE OF RelativeDistinguishedName
 * RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue
 * ```
 */
import type { AttributeValue, Name } from "@peculiar/asn1-x509";
import { NAME_ATTRIBUTES } from "./oids.js";

function hex(buf: ArrayBuffer): string {
  return Buffer.from(buf).toString("hex");
}

/** The value as text, or undefined when it is not a string type. */
function valueText(v: AttributeValue): string | undefined {
  return (
    v.utf8String ??
    v.printableString ??
    v.ia5String ??
    v.bmpString ??
    v.universalString ??
    v.teletexString
  );
}

/** RFC 4514 §2.4 escaping of an attribute value. */
export function escapeRfc4514(value: string): string {
  let out = value.replace(/[\\"+,;<>]/g, (c) => `\\${c}`).replace(/\0/g, "\\00");
  if (out.startsWith("#") || out.startsWith(" ")) out = `\\${out}`;
  if (out.endsWith(" ") && !out.endsWith("\\ ")) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/**
 * RFC 4514 string: the last RDN first, comma-separated, multi-valued RDNs
 * joined by "+"; values that are not strings as "#" and the DER in hex.
 * Same as `openssl x509 -noout -subject -nameopt RFC2253` for ASCII names.
 */
export function formatName(name: Name): string {
  return [...name]
    .reverse()
    .map((rdn) =>
      [...rdn]
        .map((atv) => {
          const type = NAME_ATTRIBUTES[atv.type] ?? atv.type;
          const text = valueText(atv.value);
          if (text !== undefined) return `${type}=${escapeRfc4514(text)}`;
          return `${type}=#${atv.value.anyValue ? hex(atv.value.anyValue) : ""}`;
        })
        .join("+"),
    )
    .join(",");
}

/** The last (most specific) commonName, or null. */
export function commonName(name: Name): string | null {
  let cn: string | null = null;
  for (const rdn of name) {
    for (const atv of rdn) {
      if (atv.type === "2.5.4.3") cn = valueText(atv.value) ?? cn;
    }
  }
  return cn;
}

/**
 * A key under which two names compare equal when RFC 5280 §7.1 says they
 * match: same attribute types in the same order, string values compared
 * case-insensitively with inner whitespace collapsed (as OpenSSL's canonical
 * encoding does). Multi-valued RDNs are sorted.
 */
export function nameKey(name: Name): string {
  const rdns = [...name].map((rdn) =>
    [...rdn]
      .map((atv) => {
        const text = valueText(atv.value);
        const v =
          text === undefined
            ? `#${atv.value.anyValue ? hex(atv.value.anyValue) : ""}`
            : text.trim().replace(/\s+/g, " ").toLowerCase();
        return `${atv.type}=${v}`;
      })
      .sort(),
  );
  return JSON.stringify(rdns);
}
