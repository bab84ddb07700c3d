import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { CodecError } from "./codec-error.js";
import { readRecord } from "./record.js";
import { buildSslv2ClientHello } from "./sslv2.js";
import { parseSslv2ClientHello } from "./sslv2-client-hello.js";

const h = (s: string): Uint8Array =>
  Uint8Array.from(s.replace(/\s+/g, "").match(/../g) ?? [], (x) => parseInt(x, 16));

// Written from the draft's layout: SSL 2.0, two kinds (DES-CBC3-MD5, RC4-MD5),
// no session id, a 16-byte challenge.
const HELLO = h(`
  01 0002 0006 0000 0010
  0700c0 010080
  f0e0d0c0b0a090807060504030201000`);

/** Build a record and take its body back out through readRecord. */
function bodyOf(record: Uint8Array): Uint8Array {
  const r = readRecord(record, 0);
  assert.equal(r.kind, "sslv2");
  assert.equal(r.kind === "sslv2" && r.next, record.length);
  return r.kind === "sslv2" ? r.record.body : new Uint8Array(0);
}

test("CLIENT-HELLO: every field, exactly", () => {
  assert.deepEqual(parseSslv2ClientHello(HELLO), {
    version: 2,
    cipherKinds: [0x0700c0, 0x010080],
    sessionId: new Uint8Array(0),
    challenge: h("f0e0d0c0b0a090807060504030201000"),
  });
});

test("the builder's record is exactly the fixture behind a 2-byte header", () => {
  const rec = buildSslv2ClientHello({
    cipherKinds: [0x0700c0, 0x010080],
    challenge: h("f0e0d0c0b0a090807060504030201000"),
  });
  assert.deepEqual(rec, Uint8Array.from([0x80, HELLO.length, ...HELLO]));
});

test("an SSLv2-compatible TLS 1.0 hello carries 2-byte suites as 0x00XXXX", () => {
  const rec = buildSslv2ClientHello({
    cipherKinds: [0x00002f, 0x0000ff],
    challenge: new Uint8Array(32).fill(7),
    version: 0x0301,
  });
  const m = parseSslv2ClientHello(bodyOf(rec), 2);
  assert.equal(m.version, 0x0301);
  assert.deepEqual(m.cipherKinds, [0x2f, 0xff]);
  assert.equal(m.challenge.length, 32);
});

test("every truncation is a CodecError within the input", () => {
  for (let n = 0; n < HELLO.length; n++) {
    assert.throws(
      () => parseSslv2ClientHello(HELLO.subarray(0, n), 2),
      (e: unknown) => e instanceof CodecError && e.offset >= 2 && e.offset <= 2 + n,
      `cut at ${n}`,
    );
  }
});

test("lying lengths and the draft's bounds are CodecErrors naming the field", () => {
  const with16 = (at: number, v: number): Uint8Array => {
    const b = Uint8Array.from(HELLO);
    b[at] = v >>> 8;
    b[at + 1] = v & 0xff;
    return b;
  };
  const cases: [Uint8Array, RegExp][] = [
    [with16(3, 0xffff), /cipher_specs: need 65535 bytes at offset 9, 22 left/],
    [with16(3, 7), /cipher specs length 7 at offset 3 is not a multiple of 3/],
    [with16(3, 0xfffc), /cipher_specs: need 65532 bytes at offset 9, 22 left/],
    [with16(5, 16), /challenge: need 16 bytes at offset 31, 0 left/],
    [with16(5, 8), /session id length 8 at offset 5 is neither 0 nor 16/],
    [with16(7, 15), /challenge length 15 at offset 7 is not 16 to 32/],
    [with16(7, 33), /challenge length 33 at offset 7 is not 16 to 32/],
    [with16(7, 32), /challenge: need 32 bytes at offset 15, 16 left/],
    [Uint8Array.from([...HELLO, 0]), /1 unexpected trailing byte at offset 31/],
    [h("04 0002"), /message type 4 at offset 0 is not CLIENT-HELLO \(1\)/],
  ];
  for (const [bytes, re] of cases) {
    assert.throws(
      () => parseSslv2ClientHello(bytes),
      (e: unknown) => e instanceof CodecError && re.test(e.message),
      re.source,
    );
  }
});

test("the builder refuses challenges outside 16..32 and bodies over 0x7fff", () => {
  for (const n of [0, 15, 33]) {
    assert.throws(
      () => buildSslv2ClientHello({ cipherKinds: [0x010080], challenge: new Uint8Array(n) }),
      RangeError,
    );
  }
  const kinds = new Array<number>(10_920).fill(0x010080); // 9 + 32760 + 16 bytes > 0x7fff
  assert.throws(
    () => buildSslv2ClientHello({ cipherKinds: kinds, challenge: new Uint8Array(16) }),
    /Cannot build SSLv2 CLIENT-HELLO: 32785 bytes/,
  );
});

test("property: build then parse gives back the version, kinds and challenge", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 0xffffff }), { maxLength: 64 }),
      fc.uint8Array({ minLength: 16, maxLength: 32 }),
      fc.constantFrom(undefined, 0x0002, 0x0300, 0x0301, 0x0303),
      (cipherKinds, challenge, version) => {
        const rec = buildSslv2ClientHello({
          cipherKinds,
          challenge,
          ...(version === undefined ? {} : { version }),
        });
        assert.deepEqual(parseSslv2ClientHello(bodyOf(rec), 2), {
          version: version ?? 0x0002,
          cipherKinds,
          sessionId: new Uint8Array(0),
          challenge,
        });
      },
    ),
  );
});

test("property: arbitrary bytes give a hello or a CodecError within them", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), fc.boolean(), (tail, one) => {
      const bytes = one ? Uint8Array.from([1, ...tail]) : tail;
      try {
        parseSslv2ClientHello(bytes, 2);
      } catch (e) {
        assert.ok(e instanceof CodecError, String(e));
        assert.ok(e.offset >= 2 && e.offset <= 2 + bytes.length, e.message);
      }
    }),
  );
});
