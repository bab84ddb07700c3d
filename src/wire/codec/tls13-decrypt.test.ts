import { test } from "node:test";
import assert from "node:assert/strict";
import { createCipheriv, hkdfSync } from "node:crypto";
import { CodecError } from "./codec-error.js";
import { hkdfExpand, hkdfExpandLabel, hkdfExtract } from "./hkdf.js";
import { readRecord } from "./record.js";
import type { TlsRecord } from "./record.js";
import { Tls13Decryptor } from "./tls13-decrypt.js";
import type { TrafficKeys } from "./tls13-keys.js";
import {
  TLS13_SUITES,
  deriveTrafficKeys,
  nextTrafficSecret,
  openRecord,
  recordNonce,
} from "./tls13-keys.js";

const h = (s: string): Uint8Array =>
  Uint8Array.from(s.replace(/\s+/g, "").match(/../g) ?? [], (x) => parseInt(x, 16));
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

test("HKDF: RFC 5869 test case 1, and node's hkdfSync as an oracle", () => {
  const ikm = new Uint8Array(22).fill(0x0b);
  const salt = h("000102030405060708090a0b0c");
  const info = h("f0f1f2f3f4f5f6f7f8f9");
  const prk = hkdfExtract("sha256", salt, ikm);
  assert.equal(hex(prk), "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
  const okm = hkdfExpand("sha256", prk, info, 42);
  assert.equal(
    hex(okm),
    "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
  );
  assert.deepEqual(okm, new Uint8Array(hkdfSync("sha256", ikm, salt, info, 42)));
  assert.throws(() => hkdfExpand("sha256", prk, info, 255 * 32 + 1), RangeError);
});

test("HKDF-Expand-Label: RFC 8448 §3 server handshake write key and iv", () => {
  const secret = h("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38");
  const empty = new Uint8Array(0);
  assert.equal(
    hex(hkdfExpandLabel("sha256", secret, "key", empty, 16)),
    "3fce516009c21727d0f2e4e86ee403bc",
  );
  assert.equal(hex(hkdfExpandLabel("sha256", secret, "iv", empty, 12)), "5d313eb2671276ee13000b30");
});

test("the record nonce is the iv XOR the left-padded sequence number", () => {
  assert.equal(
    hex(recordNonce(h("000000000000000000000000"), 0x0102n)),
    "000000000000000000000102",
  );
  assert.equal(hex(recordNonce(h("ffffffffffffffffffffffff"), 1n)), "fffffffffffffffffffffffe");
});

/** Seal content||type||padding as a TLS 1.3 record with `keys` at `seq`. */
function seal(
  keys: TrafficKeys,
  seq: bigint,
  type: number,
  content: Uint8Array,
  pad = 0,
): Uint8Array {
  const inner = new Uint8Array(content.length + 1 + pad);
  inner.set(content);
  inner[content.length] = type;
  const len = inner.length + keys.suite.tagLength;
  const header = Uint8Array.of(23, 3, 3, len >> 8, len & 0xff);
  const nonce = recordNonce(keys.iv, seq);
  const opts = { authTagLength: keys.suite.tagLength };
  const c =
    keys.suite.cipher === "aes-128-ccm"
      ? createCipheriv(keys.suite.cipher, keys.key, nonce, opts)
      : keys.suite.cipher === "chacha20-poly1305"
        ? createCipheriv(keys.suite.cipher, keys.key, nonce, opts)
        : createCipheriv(keys.suite.cipher, keys.key, nonce, opts);
  c.setAAD(header, { plaintextLength: inner.length });
  const ct = Buffer.concat([c.update(inner), c.final(), c.getAuthTag()]);
  return Uint8Array.from([...header, ...ct]);
}

function record(bytes: Uint8Array): TlsRecord {
  const r = readRecord(bytes, 0);
  assert.equal(r.kind, "record");
  return (r as { record: TlsRecord }).record;
}

const SECRET = h("11".repeat(32));
const SECRET_384 = h("22".repeat(48));

for (const suite of Object.values(TLS13_SUITES)) {
  test(`openRecord ${suite.name}: content, inner type and padding; wrong sequence fails as a value`, () => {
    const keys = deriveTrafficKeys(suite, suite.hash === "sha384" ? SECRET_384 : SECRET);
    const rec = record(seal(keys, 5n, 21, h("0274"), 7));
    const ok = openRecord(keys, 5n, rec);
    assert.deepEqual(ok, {
      ok: true,
      inner: { contentType: 21, content: h("0274"), paddingLength: 7 },
    });
    const bad = openRecord(keys, 4n, rec);
    assert.equal(bad.ok, false);
    assert.match(bad.ok ? "" : bad.reason, /authentication failed at sequence number 4/);
  });
}

test("openRecord: a record that is all padding is a CodecError", () => {
  const keys = deriveTrafficKeys(TLS13_SUITES[0x1301]!, SECRET);
  const rec = record(seal(keys, 0n, 0, new Uint8Array(0), 3));
  assert.throws(() => openRecord(keys, 0n, rec), CodecError);
});

test("Tls13Decryptor: handshake keys until Finished, then application keys, then KeyUpdate", () => {
  const suite = TLS13_SUITES[0x1303]!;
  const hsSecret = h("33".repeat(32));
  const appSecret = h("44".repeat(32));
  const hs = deriveTrafficKeys(suite, hsSecret);
  const app0 = deriveTrafficKeys(suite, appSecret);
  const app1 = deriveTrafficKeys(suite, nextTrafficSecret(suite, appSecret));
  const d = new Tls13Decryptor(0x1303, { handshake: hsSecret, application: appSecret });
  assert.deepEqual(d.process(record(h("140303000101"))), {
    kind: "change-cipher-spec",
    valid: true,
  });
  // EncryptedExtensions split across two records, then Finished.
  const ee = h("08 000002 0000");
  const r1 = d.process(record(seal(hs, 0n, 22, ee.subarray(0, 3))));
  assert.equal(r1.kind === "decrypted" && r1.messages.length, 0);
  assert.equal(d.pendingHandshakeBytes, 3);
  const r2 = d.process(
    record(seal(hs, 1n, 22, Uint8Array.from([...ee.subarray(3), 0x14, 0, 0, 1, 0xff]))),
  );
  assert.deepEqual(r2.kind === "decrypted" && r2.messages.map((m) => m.name), [
    "EncryptedExtensions",
    "Finished",
  ]);
  assert.equal(d.epoch, "application");
  // KeyUpdate (update_not_requested) under app0, then an alert under app1.
  const r3 = d.process(record(seal(app0, 0n, 22, h("18 000001 00"))));
  assert.equal(r3.kind === "decrypted" && r3.generation, 0);
  const r4 = d.process(record(seal(app1, 0n, 21, h("0100"))));
  assert.deepEqual(r4.kind === "decrypted" && [r4.generation, r4.alerts[0]?.name], [
    1,
    "close_notify",
  ]);
});

test("Tls13Decryptor: a missed Finished is recovered by trying the next keys", () => {
  const suite = TLS13_SUITES[0x1301]!;
  const hsSecret = h("55".repeat(32));
  const appSecret = h("66".repeat(32));
  const app0 = deriveTrafficKeys(suite, appSecret);
  const d = new Tls13Decryptor(0x1301, { handshake: hsSecret, application: appSecret });
  const r = d.process(record(seal(app0, 0n, 21, h("0228"))));
  assert.equal(r.kind, "decrypted");
  assert.deepEqual(r.kind === "decrypted" && [r.epoch, r.unannouncedKeyChange, r.alerts[0]?.name], [
    "application",
    true,
    "handshake_failure",
  ]);
});

test("Tls13Decryptor: without secrets or with a TLS 1.2 suite, records are undecryptable values", () => {
  const rec = record(h("170303000500000000ff"));
  assert.deepEqual(new Tls13Decryptor(0x1301, {}).process(rec), {
    kind: "undecryptable",
    reason: "no handshake traffic secret",
  });
  assert.equal(
    new Tls13Decryptor(0xc02f, { handshake: SECRET }).process(rec).kind,
    "undecryptable",
  );
  assert.deepEqual(new Tls13Decryptor(0x1301, {}).process(record(h("15030300020250"))), {
    kind: "plaintext-alert",
    alerts: [{ level: "fatal", description: 80, name: "internal_error" }],
  });
});
