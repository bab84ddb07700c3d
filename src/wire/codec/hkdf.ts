import { createHmac } from "node:crypto";

/** The hashes TLS 1.3 cipher suites use. */
export type HashName = "sha256" | "sha384";

export const HASH_LENGTH: Readonly<Record<HashName, number>> = { sha256: 32, sha384: 48 };

/** RFC 5869 §2.2: HKDF-Extract(salt, IKM) = HMAC-Hash(salt, IKM). */
export function hkdfExtract(hash: HashName, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac(hash, salt).update(ikm).digest());
}

/**
 * RFC 5869 §2.3:
 *
 * ```
 * N = ceil(L/HashLen)
 * T = T(1) | T(2) | T(3) | ... | T(N)
 * T(0) = empty string (zero length)
 * T(i) = HMAC-Hash(PRK, T(i-1) | info | i)
 * OKM = first L octets of T
 * ```
 */
export function hkdfExpand(
  hash: HashName,
  prk: Uint8Array,
  info: Uint8Array,
  length: number,
): Uint8Array {
  const hashLength = HASH_LENGTH[hash];
  if (!Number.isInteger(length) || length < 0 || length > 255 * hashLength) {
    throw new RangeError(`Cannot expand HKDF: length ${length} is outside 0..${255 * hashLength}`);
  }
  const out = new Uint8Array(length);
  let t = new Uint8Array(0);
  for (let i = 1, done = 0; done < length; i++) {
    const h = createHmac(hash, prk);
    h.update(t);
    h.update(info);
    h.update(Uint8Array.of(i));
    t = new Uint8Array(h.digest());
    out.set(t.subarray(0, Math.min(t.length, length - done)), done);
    done += t.length;
  }
  return out;
}

/**
 * RFC 8446 §7.1:
 *
 * ```
 * HKDF-Expand-Label(Secret, Label, Context, Length) =
 *      HKDF-Expand(Secret, HkdfLabel, Length)
 *
 * struct {
 *     uint16 length = Length;
 *     opaque label<7..255> = "tls13 " + Label;
 *     opaque context<0..255> = Context;
 * } HkdfLabel;
 * ```
 */
export function hkdfExpandLabel(
  hash: HashName,
  secret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
): Uint8Array {
  const fullLabel = new TextEncoder().encode(`tls13 ${label}`);
  if (fullLabel.length > 255 || context.length > 255) {
    throw new RangeError(`Cannot build HkdfLabel: label or context longer than 255 bytes`);
  }
  const info = new Uint8Array(2 + 1 + fullLabel.length + 1 + context.length);
  info[0] = (length >> 8) & 0xff;
  info[1] = length & 0xff;
  info[2] = fullLabel.length;
  info.set(fullLabel, 3);
  info[3 + fullLabel.length] = context.length;
  info.set(context, 4 + fullLabel.length);
  return hkdfExpand(hash, secret, info, length);
}
