import { createDecipheriv } from "node:crypto";
import type { HashName } from "./hkdf.js";
import { HASH_LENGTH, hkdfExpandLabel } from "./hkdf.js";
import type { TlsRecord } from "./record.js";
import { CodecError } from "./codec-error.js";

/** An AEAD suite of TLS 1.3 (RFC 8446 §B.4, RFC 8998 excluded). */
export interface Tls13Suite {
  readonly code: number;
  readonly name: string;
  /** node:crypto cipher name. */
  readonly cipher: "aes-128-gcm" | "aes-256-gcm" | "chacha20-poly1305" | "aes-128-ccm";
  readonly keyLength: number;
  readonly tagLength: number;
  readonly hash: HashName;
}

export const TLS13_SUITES: Readonly<Record<number, Tls13Suite>> = {
  0x1301: {
    code: 0x1301,
    name: "TLS_AES_128_GCM_SHA256",
    cipher: "aes-128-gcm",
    keyLength: 16,
    tagLength: 16,
    hash: "sha256",
  },
  0x1302: {
    code: 0x1302,
    name: "TLS_AES_256_GCM_SHA384",
    cipher: "aes-256-gcm",
    keyLength: 32,
    tagLength: 16,
    hash: "sha384",
  },
  0x1303: {
    code: 0x1303,
    name: "TLS_CHACHA20_POLY1305_SHA256",
    cipher: "chacha20-poly1305",
    keyLength: 32,
    tagLength: 16,
    hash: "sha256",
  },
  0x1304: {
    code: 0x1304,
    name: "TLS_AES_128_CCM_SHA256",
    cipher: "aes-128-ccm",
    keyLength: 16,
    tagLength: 16,
    hash: "sha256",
  },
  0x1305: {
    code: 0x1305,
    name: "TLS_AES_128_CCM_8_SHA256",
    cipher: "aes-128-ccm",
    keyLength: 16,
    tagLength: 8,
    hash: "sha256",
  },
};

/** TLS 1.3 AEAD nonces are 12 bytes for every suite (RFC 8446 §5.3: max(8, N_MIN)). */
export const TLS13_IV_LENGTH = 12;
/** RFC 8446 §5.4: TLSInnerPlaintext is at most 2^14 + 1 bytes. */
export const MAX_INNER_PLAINTEXT = 2 ** 14 + 1;

export interface TrafficKeys {
  readonly suite: Tls13Suite;
  readonly secret: Uint8Array;
  readonly key: Uint8Array;
  readonly iv: Uint8Array;
}

/**
 * RFC 8446 §7.3:
 *
 * ```
 * [sender]_write_key = HKDF-Expand-Label(Secret, "key", "", key_length)
 * [sender]_write_iv  = HKDF-Expand-Label(Secret, "iv", "", iv_length)
 * ```
 */
export function deriveTrafficKeys(suite: Tls13Suite, secret: Uint8Array): TrafficKeys {
  const empty = new Uint8Array(0);
  return {
    suite,
    secret,
    key: hkdfExpandLabel(suite.hash, secret, "key", empty, suite.keyLength),
    iv: hkdfExpandLabel(suite.hash, secret, "iv", empty, TLS13_IV_LENGTH),
  };
}

/**
 * RFC 8446 §7.2, after a KeyUpdate:
 * `application_traffic_secret_N+1 = HKDF-Expand-Label(application_traffic_secret_N, "traffic upd", "", Hash.length)`
 */
export function nextTrafficSecret(suite: Tls13Suite, secret: Uint8Array): Uint8Array {
  return hkdfExpandLabel(
    suite.hash,
    secret,
    "traffic upd",
    new Uint8Array(0),
    HASH_LENGTH[suite.hash],
  );
}

/** RFC 8446 §5.3: the per-record nonce is the IV XOR the 64-bit sequence number, left-padded. */
export function recordNonce(iv: Uint8Array, seq: bigint): Uint8Array {
  const nonce = Uint8Array.from(iv);
  let s = seq;
  for (let i = nonce.length - 1; i >= nonce.length - 8; i--) {
    nonce[i] = (nonce[i] as number) ^ Number(s & 0xffn);
    s >>= 8n;
  }
  return nonce;
}

/**
 * RFC 8446 §5.2/§5.4:
 *
 * ```
 * struct {
 *     opaque content[TLSPlaintext.length];
 *     ContentType type;
 *     uint8 zeros[length_of_padding];
 * } TLSInnerPlaintext;
 * ```
 */
export interface InnerPlaintext {
  readonly contentType: number;
  readonly content: Uint8Array;
  readonly paddingLength: number;
}

export type OpenResult =
  | { readonly ok: true; readonly inner: InnerPlaintext }
  | { readonly ok: false; readonly reason: string };

/**
 * Decrypt one TLSCiphertext with `keys` at sequence number `seq`: the
 * additional data is the 5-byte record header. Authentication failure (the
 * wrong key or sequence number) is a value; a record that decrypts but is
 * malformed (too long, all padding) throws a {@link CodecError}.
 */
export function openRecord(keys: TrafficKeys, seq: bigint, record: TlsRecord): OpenResult {
  const { suite } = keys;
  const fragment = record.fragment;
  if (fragment.length < suite.tagLength + 1) {
    return {
      ok: false,
      reason: `record of ${fragment.length} bytes is shorter than the ${suite.tagLength}-byte tag plus a content type`,
    };
  }
  const ct = fragment.subarray(0, fragment.length - suite.tagLength);
  const tag = fragment.subarray(fragment.length - suite.tagLength);
  let plain: Uint8Array;
  try {
    plain = aeadOpen(keys, recordNonce(keys.iv, seq), record.header, ct, tag);
  } catch (e: unknown) {
    return {
      ok: false,
      reason: `authentication failed at sequence number ${seq} (${e instanceof Error ? e.message : String(e)})`,
    };
  }
  if (plain.length > MAX_INNER_PLAINTEXT) {
    throw new CodecError(
      "TLSInnerPlaintext",
      record.offset,
      `${plain.length} bytes exceed 2^14 + 1`,
    );
  }
  let end = plain.length;
  while (end > 0 && plain[end - 1] === 0) end--;
  if (end === 0) {
    throw new CodecError(
      "TLSInnerPlaintext.type",
      record.offset,
      `record at offset ${record.offset} is all padding, with no content type`,
    );
  }
  return {
    ok: true,
    inner: {
      contentType: plain[end - 1] as number,
      content: plain.subarray(0, end - 1),
      paddingLength: plain.length - end,
    },
  };
}

function aeadOpen(
  keys: TrafficKeys,
  nonce: Uint8Array,
  aad: Uint8Array,
  ct: Uint8Array,
  tag: Uint8Array,
): Uint8Array {
  const { suite } = keys;
  if (suite.cipher === "aes-128-ccm") {
    const d = createDecipheriv(suite.cipher, keys.key, nonce, { authTagLength: suite.tagLength });
    d.setAuthTag(tag);
    d.setAAD(aad, { plaintextLength: ct.length });
    const out = d.update(ct);
    d.final();
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  }
  // Two identical calls: @types/node types GCM and ChaCha20 with separate overloads.
  const d =
    suite.cipher === "chacha20-poly1305"
      ? createDecipheriv(suite.cipher, keys.key, nonce, { authTagLength: suite.tagLength })
      : createDecipheriv(suite.cipher, keys.key, nonce, { authTagLength: suite.tagLength });
  d.setAAD(aad, { plaintextLength: ct.length });
  d.setAuthTag(tag);
  const a = d.update(ct);
  const b = d.final();
  if (b.length === 0) return new Uint8Array(a.buffer, a.byteOffset, a.length);
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
