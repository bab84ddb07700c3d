import {
  createECDH,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  type KeyObject,
} from "node:crypto";

/**
 * One ephemeral key pair for a TLS 1.3 key_share (RFC 8446 §4.2.8.2,
 * §7.4.2): x25519 and x448 as raw 32/56-byte strings (RFC 7748), the NIST
 * curves as uncompressed points. The private half stays here so the shared
 * secret, and with it the server's encrypted flight, can be recovered.
 */
export interface KeyShare {
  readonly group: number;
  readonly publicKey: Uint8Array;
  /** The ECDHE shared secret with the server's key_exchange; throws on a bad point. */
  sharedSecret(serverKey: Uint8Array): Uint8Array;
}

/** Groups a key share can be generated for, with node:crypto's name. */
export const KEY_SHARE_GROUPS = {
  23: "prime256v1",
  24: "secp384r1",
  25: "secp521r1",
  29: "x25519",
  30: "x448",
} as const satisfies Record<number, string>;

// SPKI DER prefixes (RFC 8410 §4): SEQUENCE { SEQUENCE { OID }, BIT STRING }.
const SPKI_PREFIX: Readonly<Record<string, Uint8Array>> = {
  x25519: Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00]),
  x448: Uint8Array.from([0x30, 0x42, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6f, 0x03, 0x39, 0x00]),
};

export function canMakeKeyShare(group: number): boolean {
  return Object.hasOwn(KEY_SHARE_GROUPS, group);
}

export function makeKeyShare(group: number): KeyShare {
  const name = (KEY_SHARE_GROUPS as Readonly<Record<number, string>>)[group];
  if (name === undefined) throw new RangeError(`No key share generator for group ${group}`);
  if (name === "x25519" || name === "x448") return montgomery(group, name);
  const ecdh = createECDH(name);
  const publicKey = new Uint8Array(ecdh.generateKeys());
  return {
    group,
    publicKey,
    sharedSecret: (serverKey) => new Uint8Array(ecdh.computeSecret(serverKey)),
  };
}

function montgomery(group: number, name: "x25519" | "x448"): KeyShare {
  const { publicKey, privateKey } =
    name === "x25519" ? generateKeyPairSync("x25519") : generateKeyPairSync("x448");
  const prefix = SPKI_PREFIX[name] as Uint8Array;
  const spki = new Uint8Array(publicKey.export({ format: "der", type: "spki" }));
  const raw = spki.subarray(prefix.length);
  return {
    group,
    publicKey: raw,
    sharedSecret(serverKey: Uint8Array): Uint8Array {
      if (serverKey.length !== raw.length) {
        throw new RangeError(
          `${name} key_exchange is ${serverKey.length} bytes, not ${raw.length}`,
        );
      }
      const der = new Uint8Array(prefix.length + serverKey.length);
      der.set(prefix);
      der.set(serverKey, prefix.length);
      const peer: KeyObject = createPublicKey({
        key: Buffer.from(der),
        format: "der",
        type: "spki",
      });
      return new Uint8Array(diffieHellman({ privateKey, publicKey: peer }));
    },
  };
}
