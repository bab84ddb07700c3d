import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { CodecError } from "./codec-error.js";
import { HandshakeReassembler } from "./handshake.js";
import { parseServerHelloDone } from "./server-hello-done.js";

test("OpenSSL's ServerHelloDone (0e 000000) has an empty body", () => {
  const [m] = new HandshakeReassembler().push(Uint8Array.of(0x0e, 0, 0, 0));
  assert.equal(m?.name, "ServerHelloDone");
  assert.equal(parseServerHelloDone(m.body), undefined);
});

test("a ServerHelloDone with a body is a CodecError at its first byte", () => {
  assert.throws(
    () => parseServerHelloDone(Uint8Array.of(0), 4),
    (e: unknown) =>
      e instanceof CodecError &&
      e.offset === 4 &&
      e.path === "ServerHelloDone" &&
      e.message === "Cannot parse ServerHelloDone: 1 unexpected trailing byte at offset 4",
  );
  assert.throws(() => parseServerHelloDone(new Uint8Array(3)), /3 unexpected trailing bytes/);
});

test("property: any non-empty body is a CodecError at baseOffset", () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.nat(), (b, base) => {
      assert.throws(
        () => parseServerHelloDone(b, base),
        (e: unknown) => e instanceof CodecError && e.offset === base,
      );
    }),
  );
});
