import { ByteReader } from "./byte-reader.js";
import type { CodecError } from "./codec-error.js";
import { isCodecError } from "./codec-error.js";

/** The ECDHE form of a TLS ≤ 1.2 ServerKeyExchange. */
export interface EcdheServerKeyExchange {
  readonly kind: "ecdhe";
  /** 3 named_curve; 1 and 2 (explicit curves) are reported, not parsed. */
  readonly curveType: number;
  /** NamedCurve / NamedGroup (23 secp256r1, 29 x25519 …); undefined for explicit curves. */
  readonly namedCurve?: number;
  readonly publicKey?: Uint8Array;
  /** TLS 1.2 SignatureAndHashAlgorithm; undefined for TLS 1.0/1.1 or explicit curves. */
  readonly signatureAlgorithm?: number;
}

/** The finite-field DHE form. */
export interface DheServerKeyExchange {
  readonly kind: "dhe";
  readonly p: Uint8Array;
  readonly g: Uint8Array;
  readonly ys: Uint8Array;
  /** Bit length of the prime p (leading zero bits not counted). */
  readonly primeBits: number;
  readonly signatureAlgorithm?: number;
}

/**
 * RFC 8422 §5.4 (ECDHE) with RFC 5246 §7.4.3 signatures:
 *
 * ```
 * enum { explicit_prime (1), explicit_char2 (2), named_curve (3), (255) } ECCurveType;
 * struct {
 *     ECCurveType curve_type;
 *     select (curve_type) { case named_curve: NamedCurve namedcurve; };
 * } ECParameters;
 * struct { opaque point <1..2^8-1>; } ECPoint;
 * struct { ECParameters curve_params; ECPoint public; } ServerECDHParams;
 * struct {
 *     ServerECDHParams params;
 *     digitally-signed struct { ... } signed_params;  // TLS 1.2: SignatureAndHashAlgorithm algorithm; opaque signature<0..2^16-1>;
 * } ServerKeyExchange;
 * ```
 */
export function parseEcdheServerKeyExchange(
  body: Uint8Array,
  version: number,
  baseOffset = 0,
): EcdheServerKeyExchange {
  const r = new ByteReader(body, { path: "ServerKeyExchange", baseOffset });
  const curveType = r.u8("curve_params.curve_type");
  if (curveType !== 3) return { kind: "ecdhe", curveType };
  const namedCurve = r.u16("curve_params.namedcurve");
  const publicKey = r.vector8("public");
  const signatureAlgorithm = readSignature(r, version);
  return {
    kind: "ecdhe",
    curveType,
    namedCurve,
    publicKey,
    ...(signatureAlgorithm === undefined ? {} : { signatureAlgorithm }),
  };
}

/**
 * RFC 5246 §7.4.3 (DHE):
 *
 * ```
 * struct {
 *     opaque dh_p<1..2^16-1>;
 *     opaque dh_g<1..2^16-1>;
 *     opaque dh_Ys<1..2^16-1>;
 * } ServerDHParams;
 * ```
 * followed by the signature as for ECDHE.
 */
export function parseDheServerKeyExchange(
  body: Uint8Array,
  version: number,
  baseOffset = 0,
): DheServerKeyExchange {
  const r = new ByteReader(body, { path: "ServerKeyExchange", baseOffset });
  const p = r.vector16("params.dh_p");
  const g = r.vector16("params.dh_g");
  const ys = r.vector16("params.dh_Ys");
  const signatureAlgorithm = readSignature(r, version);
  return {
    kind: "dhe",
    p,
    g,
    ys,
    primeBits: bitLength(p),
    ...(signatureAlgorithm === undefined ? {} : { signatureAlgorithm }),
  };
}

/**
 * Without the cipher suite's key exchange at hand: ECDHE if the body parses
 * completely as ECDHE with a named curve, else DHE if it parses completely as
 * DHE, else an explicit-curve ECDHE, else the ECDHE error.
 */
export function parseServerKeyExchange(
  body: Uint8Array,
  version: number,
  baseOffset = 0,
): EcdheServerKeyExchange | DheServerKeyExchange {
  let ecError: CodecError | undefined;
  try {
    const ec = parseEcdheServerKeyExchange(body, version, baseOffset);
    if (ec.curveType === 3) return ec;
  } catch (e: unknown) {
    if (!isCodecError(e)) throw e;
    ecError = e;
  }
  try {
    return parseDheServerKeyExchange(body, version, baseOffset);
  } catch {
    if (ecError !== undefined) throw ecError;
    // An explicit-curve ECDHE message: report the curve type only.
    return parseEcdheServerKeyExchange(body, version, baseOffset);
  }
}

function readSignature(r: ByteReader, version: number): number | undefined {
  const algorithm = version >= 0x0303 ? r.u16("signed_params.algorithm") : undefined;
  r.vector16("signed_params.signature");
  r.end();
  return algorithm;
}

function bitLength(n: Uint8Array): number {
  for (let i = 0; i < n.length; i++) {
    const b = n[i] as number;
    if (b !== 0) return (n.length - i - 1) * 8 + (32 - Math.clz32(b));
  }
  return 0;
}
