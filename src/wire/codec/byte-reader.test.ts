import { test } from "node:test";
import assert from "node:assert/strict";
import { ByteReader } from "./byte-reader.js";
import { CodecError } from "./codec-error.js";
import { TlsDoctorError } from "../../core/index.js";

const h = (s: string): Uint8Array =>
  Uint8Array.from(s.replace(/\s+/g, "").match(/../g) ?? [], (x) => parseInt(x, 16));

test("reads big-endian integers and advances", () => {
  const r = new ByteReader(h("01 0203 040506 8708090a ff"));
  assert.equal(r.u8("a"), 1);
  assert.equal(r.u16("b"), 0x0203);
  assert.equal(r.u24("c"), 0x040506);
  assert.equal(r.u32("d"), 0x8708090a); // above 2^31: no sign
  assert.equal(r.offset, 10);
  assert.equal(r.remaining, 1);
  assert.equal(r.done, false);
});

test("vectors and bytes are views into the input, not copies", () => {
  const input = h("02 aabb 0001 cc 000002 ddee ff");
  const r = new ByteReader(input);
  const v8 = r.vector8("v8");
  assert.deepEqual(v8, h("aabb"));
  assert.equal(v8.buffer, input.buffer);
  assert.deepEqual(r.vector16("v16"), h("cc"));
  assert.deepEqual(r.vector24("v24"), h("ddee"));
  assert.deepEqual(r.bytes(1, "tail"), h("ff"));
  r.end();
});

test("a vector longer than what is left names the path, the offset and the bytes left", () => {
  // Certificate { certificate_list<0..2^24-1> } with a third entry claiming 70000 bytes.
  const body = h("00000d 000001 aa 000001 bb 011170 cc dd");
  const r = new ByteReader(body, { path: "Certificate", baseOffset: 800 });
  const list = r.sub24("certificate_list");
  list.vector24("[0]");
  list.vector24("[1]");
  assert.throws(
    () => list.vector24("[2]"),
    (e: unknown) => {
      assert.ok(e instanceof CodecError);
      assert.ok(e instanceof TlsDoctorError);
      assert.equal(e.code, "TLSD_PARSE");
      assert.equal(e.path, "Certificate.certificate_list[2]");
      assert.equal(e.offset, 811);
      assert.equal(
        e.message,
        "Cannot parse Certificate.certificate_list[2]: length 70000 at offset 811 exceeds the 2 bytes left",
      );
      assert.deepEqual(e.details, { path: "Certificate.certificate_list[2]", offset: 811 });
      return true;
    },
  );
});

test("a failed read consumes nothing", () => {
  const r = new ByteReader(h("05 aa"), { path: "X" });
  assert.throws(() => r.vector8("v"), CodecError);
  assert.equal(r.offset, 0);
  assert.throws(() => r.u24("n"), /Cannot parse X.n: need 3 bytes at offset 0, 2 left/);
  assert.equal(r.offset, 0);
  assert.equal(r.u8("len"), 5);
});

test("sub-readers carry the joined path and absolute offsets", () => {
  const r = new ByteReader(h("ffff 0003 010203"), { path: "ServerHello", baseOffset: 100 });
  r.u16("legacy_version");
  const ext = r.sub16("extensions");
  assert.equal(ext.path, "ServerHello.extensions");
  assert.equal(ext.offset, 104);
  ext.u8("[0]");
  assert.throws(
    () => ext.u32("[1]"),
    /ServerHello\.extensions\[1\]: need 4 bytes at offset 105, 2 left/,
  );
});

test("end() rejects trailing bytes", () => {
  const r = new ByteReader(h("01 02"), { path: "Alert" });
  r.u8("level");
  assert.throws(() => r.end(), /Cannot parse Alert: 1 unexpected trailing byte at offset 1/);
});

test("bytes() rejects negative and fractional lengths", () => {
  const r = new ByteReader(h("01 02"));
  assert.throws(() => r.bytes(-1, "x"), CodecError);
  assert.throws(() => r.bytes(1.5, "x"), CodecError);
});
