import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { CodecError } from "./codec-error.js";
import type { Extension } from "./extensions.js";
import { HEARTBEAT_EXTENSION, HeartbeatMode, parseHeartbeatMode } from "./heartbeat.js";

const ext = (data: readonly number[], offset = 0): Extension => ({
  type: HEARTBEAT_EXTENSION,
  data: Uint8Array.from(data),
  offset,
});

test("the two RFC 6520 modes", () => {
  assert.equal(parseHeartbeatMode(ext([1])), HeartbeatMode.peer_allowed_to_send);
  assert.equal(parseHeartbeatMode(ext([2])), HeartbeatMode.peer_not_allowed_to_send);
});

test("an unknown mode, an empty or a longer extension is a CodecError naming it", () => {
  assert.throws(
    () => parseHeartbeatMode(ext([0], 70), "ServerHello.heartbeat"),
    (e: unknown) =>
      e instanceof CodecError &&
      e.offset === 70 &&
      e.message ===
        "Cannot parse ServerHello.heartbeat.mode: heartbeat mode 0 at offset 70 is neither 1 nor 2",
  );
  assert.throws(() => parseHeartbeatMode(ext([3])), /heartbeat mode 3 at offset 0/);
  assert.throws(() => parseHeartbeatMode(ext([], 9)), /heartbeat.mode: need 1 byte at offset 9/);
  assert.throws(
    () => parseHeartbeatMode(ext([1, 1], 9)),
    /1 unexpected trailing byte at offset 10/,
  );
});

test("property: arbitrary data gives a mode or a CodecError within it", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 4 }), fc.nat(), (data, offset) => {
      try {
        const m = parseHeartbeatMode({ type: HEARTBEAT_EXTENSION, data, offset });
        assert.deepEqual([...data], [m]);
      } catch (e) {
        assert.ok(e instanceof CodecError, String(e));
        assert.ok(e.offset >= offset && e.offset <= offset + data.length, e.message);
      }
    }),
  );
});
