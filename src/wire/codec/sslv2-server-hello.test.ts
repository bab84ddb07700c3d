import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { CodecError } from "./codec-error.js";
import { readRecord } from "./record.js";
import { parseSslv2Message } from "./sslv2.js";
import type { Sslv2ServerHello } from "./sslv2.js";
import { parseSslv2ServerHello, sslv2ErrorName } from "./sslv2-server-hello.js";

const h = (s: string): Uint8Array =>
  Uint8Array.from(s.replace(/\s+/g, "").match(/../g) ?? [], (x) => parseInt(x, 16));

/** The seven SSL 2.0 cipher kinds, in draft-hickman order. */
const ALL_KINDS = [0x010080, 0x020080, 0x030080, 0x040080, 0x050080, 0x060040, 0x0700c0];

// Written from the draft's layout: no session hit, X.509 (1), version 0x0002,
// a 4-byte "certificate", all seven kinds (21 bytes), a 16-byte connection id.
const HELLO = h(`
  04 00 01 0002 0004 0015 0010
  30 02 05 00
  010080 020080 030080 040080 050080 060040 0700c0
  000102030405060708090a0b0c0d0e0f`);

/** Encode a SERVER-HELLO body from its fields (lengths from the data). */
function encode(m: Sslv2ServerHello): Uint8Array {
  const specs = m.cipherKinds.flatMap((k) => [k >>> 16, (k >>> 8) & 0xff, k & 0xff]);
  const n = (v: number): number[] => [v >>> 8, v & 0xff];
  return Uint8Array.from([
    4,
    m.sessionIdHit,
    m.certificateType,
    ...n(m.version),
    ...n(m.certificate.length),
    ...n(specs.length),
    ...n(m.connectionId.length),
    ...m.certificate,
    ...specs,
    ...m.connectionId,
  ]);
}

/** Throws a CodecError whose offset lies in [base, base + length]. */
function throwsWithin(f: () => unknown, base: number, length: number, msg: string): void {
  assert.throws(
    f,
    (e: unknown) => e instanceof CodecError && e.offset >= base && e.offset <= base + length,
    msg,
  );
}

test("SERVER-HELLO: every field, exactly", () => {
  const m = parseSslv2ServerHello(HELLO);
  assert.equal(m.sessionIdHit, 0);
  assert.equal(m.certificateType, 1);
  assert.equal(m.version, 0x0002);
  assert.deepEqual(m.certificate, h("30020500"));
  assert.deepEqual(m.cipherKinds, ALL_KINDS);
  assert.deepEqual(m.connectionId, h("000102030405060708090a0b0c0d0e0f"));
  assert.deepEqual({ kind: "server-hello", hello: m }, parseSslv2Message(HELLO));
});

test("SERVER-HELLO framed by readRecord: the record body parses, offsets are absolute", () => {
  const rec = Uint8Array.from([0x80, HELLO.length, ...HELLO]);
  const stream = Uint8Array.from([...new Uint8Array(100), ...rec]);
  const r = readRecord(stream, 100, { baseOffset: 900 });
  assert.equal(r.kind, "sslv2");
  if (r.kind !== "sslv2") return;
  assert.equal(r.record.messageType, 4);
  const base = r.record.offset + 2;
  assert.equal(base, 1002);
  assert.deepEqual(parseSslv2ServerHello(r.record.body, base).cipherKinds, ALL_KINDS);
  const bad = Uint8Array.from(r.record.body);
  bad[8] = 0x16; // cipher_specs_length 22
  assert.throws(
    () => parseSslv2ServerHello(bad, base),
    (e: unknown) =>
      e instanceof CodecError &&
      e.offset === 1009 &&
      e.message ===
        "Cannot parse SSLv2.SERVER-HELLO.cipher_specs_length: cipher specs length 22 at offset 1009 is not a multiple of 3",
  );
});

test("another message type is a CodecError naming it", () => {
  assert.throws(
    () => parseSslv2ServerHello(h("00 0001"), 10),
    (e: unknown) =>
      e instanceof CodecError &&
      e.offset === 10 &&
      e.message ===
        "Cannot parse SSLv2.msg_type: message type 0 at offset 10 is not SERVER-HELLO (4)",
  );
});

test("every truncation is a CodecError within the input", () => {
  for (let n = 0; n < HELLO.length; n++) {
    throwsWithin(() => parseSslv2ServerHello(HELLO.subarray(0, n), 500), 500, n, `cut at ${n}`);
    throwsWithin(() => parseSslv2Message(HELLO.subarray(0, n)), 0, n, `message cut at ${n}`);
  }
});

test("lying lengths: past the end, 2^16-1, 3n+1 and 3n+2 specs, trailing bytes", () => {
  const with16 = (at: number, v: number): Uint8Array => {
    const b = Uint8Array.from(HELLO);
    b[at] = v >>> 8;
    b[at + 1] = v & 0xff;
    return b;
  };
  const cases: [string, Uint8Array, RegExp][] = [
    ["certificate_length 0xffff", with16(5, 0xffff), /certificate: need 65535 bytes/],
    ["certificate_length + 1", with16(5, 5), /connection_id: need 16 bytes at offset 37, 15 left/],
    ["cipher_specs_length 0xfffc", with16(7, 0xfffc), /cipher_specs: need 65532 bytes/],
    ["cipher_specs_length 3n+1", with16(7, 22), /length 22 at offset 7 is not a multiple of 3/],
    ["cipher_specs_length 3n+2", with16(7, 23), /length 23 at offset 7 is not a multiple of 3/],
    ["connection_id_length 0xffff", with16(9, 0xffff), /connection_id: need 65535 bytes/],
    ["connection_id_length - 1", with16(9, 15), /1 unexpected trailing byte at offset 51/],
    ["a trailing byte", Uint8Array.from([...HELLO, 0]), /1 unexpected trailing byte/],
  ];
  for (const [name, bytes, re] of cases) {
    assert.throws(() => parseSslv2ServerHello(bytes), re, name);
    throwsWithin(() => parseSslv2ServerHello(bytes, 7), 7, bytes.length, name);
  }
});

test("ERROR messages: the four codes, named; truncated or padded ones are errors", () => {
  const codes: [number, string][] = [
    [0x0001, "NO-CIPHER-ERROR"],
    [0x0002, "NO-CERTIFICATE-ERROR"],
    [0x0004, "BAD-CERTIFICATE-ERROR"],
    [0x0006, "UNSUPPORTED-CERTIFICATE-TYPE-ERROR"],
  ];
  for (const [code, name] of codes) {
    assert.deepEqual(parseSslv2Message(Uint8Array.of(0, 0, code)), { kind: "error", code });
    assert.equal(sslv2ErrorName(code), name);
  }
  assert.equal(sslv2ErrorName(9), "ERROR(0x0009)");
  assert.throws(() => parseSslv2Message(h("00 00")), CodecError);
  assert.throws(() => parseSslv2Message(h("00 0001 00")), /1 unexpected trailing byte at offset 3/);
});

test("parseSslv2Message: a cipher specs error with a baseOffset names the absolute offset", () => {
  const bad = Uint8Array.from(HELLO);
  bad[8] = 0x16;
  assert.throws(
    () => parseSslv2Message(bad, 1000),
    (e: unknown) => e instanceof CodecError && e.offset === 1007,
  );
});

const arbHello = fc.record({
  sessionIdHit: fc.integer({ min: 0, max: 255 }),
  certificateType: fc.integer({ min: 0, max: 255 }),
  version: fc.integer({ min: 0, max: 0xffff }),
  certificate: fc.uint8Array({ maxLength: 40 }),
  cipherKinds: fc.array(fc.integer({ min: 0, max: 0xffffff }), { maxLength: 12 }),
  connectionId: fc.uint8Array({ maxLength: 32 }),
});

test("property: encode then parse gives the fields back, as parseSslv2Message does", () => {
  fc.assert(
    fc.property(arbHello, (m) => {
      const bytes = encode(m);
      const got = parseSslv2ServerHello(bytes);
      assert.deepEqual(got, { ...m }); // fc.record objects have no prototype
      assert.deepEqual(parseSslv2Message(bytes), { kind: "server-hello", hello: got });
    }),
  );
});

test("property: arbitrary bytes (after a 4 or not) give a hello or a CodecError within them", () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 80 }),
      fc.boolean(),
      fc.nat(1 << 20),
      (tail, four, base) => {
        const bytes = four ? Uint8Array.from([4, ...tail]) : tail;
        for (const parse of [parseSslv2ServerHello, parseSslv2Message]) {
          try {
            parse(bytes, base);
          } catch (e) {
            assert.ok(e instanceof CodecError, String(e));
            if (parse === parseSslv2ServerHello) {
              assert.ok(e.offset >= base && e.offset <= base + bytes.length, e.message);
            }
          }
        }
      },
    ),
  );
});
