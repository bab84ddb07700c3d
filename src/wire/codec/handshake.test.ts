import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { CodecError } from "./codec-error.js";
import { HandshakeReassembler, handshakeTypeName } from "./handshake.js";

const h = (s: string): Uint8Array =>
  Uint8Array.from(s.replace(/\s+/g, "").match(/../g) ?? [], (x) => parseInt(x, 16));

// ServerHelloDone (empty), Finished (4 bytes), Certificate (3 bytes).
const STREAM = h("0e 000000  14 000004 01020304  0b 000003 aabbcc");

test("several messages in one record", () => {
  const r = new HandshakeReassembler();
  const msgs = r.push(STREAM);
  assert.deepEqual(
    msgs.map((m) => [m.type, m.name, m.body.length]),
    [
      [14, "ServerHelloDone", 0],
      [20, "Finished", 4],
      [11, "Certificate", 3],
    ],
  );
  assert.deepEqual(msgs[1]!.body, h("01020304"));
  assert.deepEqual(msgs[1]!.raw, h("14 000004 01020304"));
  assert.equal(r.pending, 0);
});

test("one message split over records at every byte boundary", () => {
  for (let cut = 0; cut <= STREAM.length; cut++) {
    const r = new HandshakeReassembler();
    const names = [...r.push(STREAM.subarray(0, cut)), ...r.push(STREAM.subarray(cut))].map(
      (m) => m.name,
    );
    assert.deepEqual(names, ["ServerHelloDone", "Finished", "Certificate"], `cut ${cut}`);
    assert.equal(r.pending, 0);
  }
});

test("property: any fragmentation gives the same messages", () => {
  fc.assert(
    fc.property(fc.array(fc.nat(STREAM.length), { maxLength: 8 }), (cuts) => {
      const points = [0, ...cuts.sort((a, b) => a - b), STREAM.length];
      const r = new HandshakeReassembler();
      const out = [];
      for (let i = 1; i < points.length; i++) {
        out.push(...r.push(STREAM.subarray(points[i - 1], points[i])));
      }
      assert.deepEqual(
        out.map((m) => Array.from(m.raw)),
        [h("0e000000"), h("1400000401020304"), h("0b000003aabbcc")].map((x) => Array.from(x)),
      );
    }),
  );
});

test("a declared length over the limit throws before any buffer is allocated", () => {
  const r = new HandshakeReassembler({ maxMessageLength: 1000 });
  r.push(h("0b 00"));
  assert.throws(
    () => r.push(h("ffff")),
    (e: unknown) =>
      e instanceof CodecError &&
      e.path === "Handshake.length" &&
      e.message.includes(
        "message length 65535 at offset 1 of the handshake stream exceeds the limit of 1000",
      ),
  );
});

test("a tail held across pushes survives the caller reusing its buffer", () => {
  const buf = h("14 000004 0102");
  const r = new HandshakeReassembler();
  r.push(buf);
  buf.fill(0xee);
  const [m] = r.push(h("0304"));
  assert.deepEqual(m?.body, h("01020304"));
});

test("names unknown types by number", () => {
  assert.equal(handshakeTypeName(8), "EncryptedExtensions");
  assert.equal(handshakeTypeName(99), "HandshakeType(99)");
});
