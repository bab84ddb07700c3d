/** The public key of a certificate: type, curve and size, as OpenSSL reports them. */
import type { KeyObject } from "node:crypto";
import { CURVE_NAMES } from "./oids.js";

export type KeyType = "RSA" | "RSA-PSS" | "EC" | "Ed25519" | "Ed448" | "DSA" | "unknown";

export interface KeyInfo {
  readonly type: KeyType;
  /** Size in bits: modulus for RSA/DSA, field size for EC, 256/456 for Ed25519/Ed448. */
  readonly bits: number;
  /** EC only: NIST name when there is one (P-256), else OpenSSL's (secp256k1). */
  readonly curve?: string;
  /** The SubjectPublicKeyInfo algorithm OID when the type is unknown. */
  readonly oid?: string;
}

function curveBits(curve: string): number {
  const m = /(\d{3})/.exec(curve);
  return m?.[1] ? Number(m[1]) : 0;
}

/** Describes the key `getKey` returns (it may throw for unsupported types); `oid` is the SPKI algorithm, used when Node cannot say. */
export function describeKey(getKey: () => KeyObject, oid: string): KeyInfo {
  let key: KeyObject;
  try {
    key = getKey();
  } catch {
    return { type: "unknown", bits: 0, oid };
  }
  const d = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case "rsa":
      return { type: "RSA", bits: d.modulusLength ?? 0 };
    case "rsa-pss":
      return { type: "RSA-PSS", bits: d.modulusLength ?? 0 };
    case "dsa":
      return { type: "DSA", bits: d.modulusLength ?? 0 };
    case "ec": {
      const raw = d.namedCurve ?? "unknown";
      const curve = CURVE_NAMES[raw] ?? raw;
      return { type: "EC", bits: curveBits(raw), curve };
    }
    case "ed25519":
      return { type: "Ed25519", bits: 256 };
    case "ed448":
      return { type: "Ed448", bits: 456 };
    case "x25519":
    case "x448":
    case undefined:
    default:
      return { type: "unknown", bits: 0, oid };
  }
}
