import { createHash } from "node:crypto";
import type { HashName } from "./hkdf.js";
import { HASH_LENGTH, hkdfExpandLabel, hkdfExtract } from "./hkdf.js";

/**
 * RFC 8446 §7.1, the part of the key schedule a client needs to read the
 * server's encrypted handshake flight after a full (non-PSK) handshake:
 *
 * ```
 *              0
 *              |
 *    0 ->  HKDF-Extract = Early Secret
 *              |
 *        Derive-Secret(., "derived", "")
 *              |
 * (EC)DHE -> HKDF-Extract = Handshake Secret
 *              |
 *              +-----> Derive-Secret(., "s hs traffic", ClientHello...ServerHello)
 *              |                     = server_handshake_traffic_secret
 * ```
 *
 * `transcript` is the concatenated handshake messages ClientHello and
 * ServerHello exactly as sent (headers included, no record framing).
 */
export function serverHandshakeTrafficSecret(
  hash: HashName,
  sharedSecret: Uint8Array,
  transcript: readonly Uint8Array[],
): Uint8Array {
  const len = HASH_LENGTH[hash];
  const zeros = new Uint8Array(len);
  const early = hkdfExtract(hash, zeros, zeros);
  const derived = deriveSecret(hash, early, "derived", []);
  const handshake = hkdfExtract(hash, derived, sharedSecret);
  return deriveSecret(hash, handshake, "s hs traffic", transcript);
}

/** Derive-Secret(Secret, Label, Messages) = HKDF-Expand-Label(Secret, Label, Hash(Messages), Hash.length). */
export function deriveSecret(
  hash: HashName,
  secret: Uint8Array,
  label: string,
  messages: readonly Uint8Array[],
): Uint8Array {
  const h = createHash(hash);
  for (const m of messages) h.update(m);
  return hkdfExpandLabel(hash, secret, label, new Uint8Array(h.digest()), HASH_LENGTH[hash]);
}
