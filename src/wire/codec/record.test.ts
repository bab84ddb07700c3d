import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { CodecError } from "./codec-error.js";
import { MAX_RECORD_LENGTH, readRecord, versionLabel } from "./record.js";

const h = (s: string): Uint8Array =>
  Uint8Array.from(s.replace(/\s+/g, "").match(/../g) ?? [], (x) => parseInt(x, 16));

// An alert record (fatal handshake_failure) then a CCS record.
const TWO = h("15 0303 0002 0228  14 0303 0001 01");

test("frames records with exact fields and the next offset", () => {
  const a = readRecord(TWO, 0);
  assert.equal(a.kind, "record");
  if (a.kind !== "record") return;
  assert.equal(a.record.contentType, 21);
  assert.equal(a.record.version, 0x0303);
  assert.equal(a.record.offset, 0);
  assert.deepEqual(a.record.header, h("15 0303 0002"));
  assert.deepEqual(a.record.fragment, h("0228"));
  assert.equal(a.next, 7);
  const b = readRecord(TWO, a.next);
  assert.equal(b.kind, "record");
  if (b.kind === "record") {
    assert.equal(b.record.contentType, 20);
    assert.equal(b.next, TWO.length);
  }
  assert.deepEqual(readRecord(TWO, TWO.length), { kind: "need-more", needed: 1 });
});

test("every truncation of a record is need-more with the missing count known so far", () => {
  const rec = h("16 0301 0004 01000000");
  for (let n = 0; n < rec.length; n++) {
    const r = readRecord(rec.subarray(0, n), 0);
    assert.equal(r.kind, "need-more", `prefix ${n}`);
    if (r.kind === "need-more")
      assert.equal(r.needed, n === 0 ? 1 : n < 5 ? 5 - n : rec.length - n, `prefix ${n}`);
  }
});

test("an unknown content type throws naming the offset", () => {
  const buf = h("16 0303 0000  48 54 54 50"); // an empty handshake record, then "HTTP"
  assert.throws(
    () => readRecord(buf, 5, { baseOffset: 1000 }),
    (e: unknown) =>
      e instanceof CodecError &&
      e.offset === 1005 &&
      e.message ===
        "Cannot parse TLSPlaintext.type: content type 72 at offset 1005 is not a TLS record type",
  );
});

test("a major version other than 3 throws; a length over 2^14+256 throws before waiting for it", () => {
  assert.throws(() => readRecord(h("16 04 01"), 0), /major version 4 at offset 1 is not 3/);
  const over = MAX_RECORD_LENGTH + 1;
  const hdr = Uint8Array.of(0x17, 3, 3, over >> 8, over & 0xff);
  assert.throws(() => readRecord(hdr, 0), /length 16641 at offset 3 exceeds the limit of 16640/);
  assert.equal(readRecord(Uint8Array.of(0x17, 3, 3, 0x41, 0x00), 0).kind, "need-more");
});

test("an SSLv2 record is recognised, not rejected", () => {
  // SSLv2-compatible ClientHello header: length 0x2e, msg_type 1 (CLIENT-HELLO).
  const buf = new Uint8Array(2 + 0x2e);
  buf.set([0x80, 0x2e, 0x01, 0x03, 0x01]);
  const r = readRecord(buf, 0);
  assert.equal(r.kind, "sslv2");
  if (r.kind === "sslv2") {
    assert.equal(r.record.length, 0x2e);
    assert.equal(r.record.messageType, 1);
    assert.equal(r.next, buf.length);
  }
  assert.deepEqual(readRecord(buf.subarray(0, 10), 0), { kind: "need-more", needed: 38 });
  assert.throws(() => readRecord(buf, 0, { allowSslv2: false }), CodecError);
});

test("version labels follow Node's getProtocol() names", () => {
  assert.equal(versionLabel(0x0304), "TLSv1.3");
  assert.equal(versionLabel(0x0301), "TLSv1");
  assert.equal(versionLabel(0x0a0a), "0x0a0a");
});

test("property: random bytes give a record, sslv2, need-more, or a CodecError — nothing else", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      try {
        const r = readRecord(bytes, 0);
        if (r.kind === "need-more") assert.ok(r.needed > 0);
        else assert.ok(r.next <= bytes.length);
      } catch (e: unknown) {
        assert.ok(e instanceof CodecError, String(e));
      }
    }),
  );
});
