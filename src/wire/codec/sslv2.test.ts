import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { buildSslv2ClientHello, parseSslv2Message } from "./sslv2.js";
import { CodecError } from "./codec-error.js";
import { readRecord } from "./record.js";

// SERVER-HELLO: hit 0, cert type 1 (X.509), version 0x0002, a 3-byte
// "certificate", two cipher kinds, a 16-byte connection id.
const serverHello = Uint8Array.from([
  4,
  0,
  1,
  0x00,
  0x02,
  0,
  3,
  0,
  6,
  0,
  16,
  0x30,
  0x01,
  0x00,
  0x07,
  0x00,
  0xc0,
  0x01,
  0x00,
  0x80,
  ...new Array<number>(16).fill(0xaa),
]);

test("SSLv2 SERVER-HELLO: every field", () => {
  const m = parseSslv2Message(serverHello);
  assert.equal(m.kind, "server-hello");
  if (m.kind !== "server-hello") return;
  assert.equal(m.hello.version, 2);
  assert.equal(m.hello.certificateType, 1);
  assert.deepEqual([...m.hello.certificate], [0x30, 0x01, 0x00]);
  assert.deepEqual(m.hello.cipherKinds, [0x0700c0, 0x010080]);
  assert.equal(m.hello.connectionId.length, 16);
});

test("SSLv2 ERROR and other message types", () => {
  assert.deepEqual(parseSslv2Message(Uint8Array.of(0, 0, 1)), { kind: "error", code: 1 });
  assert.deepEqual(parseSslv2Message(Uint8Array.of(5, 1, 2)), { kind: "other", type: 5 });
});

test("every truncation of a SERVER-HELLO is a CodecError within the input", () => {
  for (let n = 0; n < serverHello.length; n++) {
    assert.throws(
      () => parseSslv2Message(serverHello.subarray(0, n)),
      (e: unknown) => e instanceof CodecError && e.offset <= n,
      `cut at ${n}`,
    );
  }
});

test("cipher specs must come in threes", () => {
  const bad = Uint8Array.from(serverHello);
  bad[8] = 7; // cipher_specs_length 7
  assert.throws(() => parseSslv2Message(bad), /is not a multiple of 3/);
});

test("CLIENT-HELLO: a 2-byte-header record that readRecord frames as SSLv2", () => {
  const rec = buildSslv2ClientHello({
    cipherKinds: [0x0700c0, 0x00002f],
    challenge: new Uint8Array(16),
  });
  const r = readRecord(rec, 0);
  assert.equal(r.kind, "sslv2");
  if (r.kind !== "sslv2") return;
  assert.equal(r.next, rec.length);
  const b = r.record.body;
  assert.deepEqual([...b.subarray(0, 9)], [1, 0, 2, 0, 6, 0, 0, 0, 16]);
  assert.deepEqual([...b.subarray(9, 15)], [0x07, 0x00, 0xc0, 0x00, 0x00, 0x2f]);
  assert.throws(
    () => buildSslv2ClientHello({ cipherKinds: [], challenge: new Uint8Array(8) }),
    RangeError,
  );
});

test("property: arbitrary bytes give a message or a CodecError", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
      try {
        parseSslv2Message(bytes);
      } catch (e) {
        assert.ok(e instanceof CodecError, String(e));
      }
    }),
  );
});
