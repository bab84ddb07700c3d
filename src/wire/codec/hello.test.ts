import { test } from "node:test";
import assert from "node:assert/strict";
import { CodecError } from "./codec-error.js";
import { parseClientHello } from "./client-hello.js";
import { HELLO_RETRY_REQUEST_RANDOM, parseServerHello } from "./server-hello.js";

const h = (s: string): Uint8Array =>
  Uint8Array.from(s.replace(/\s+/g, "").match(/../g) ?? [], (x) => parseInt(x, 16));
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const RANDOM = "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20";
const KEY = "aa".repeat(32);

/** TLS 1.3 ServerHello: TLS_AES_128_GCM_SHA256, supported_versions 1.3, key_share x25519. */
const SERVER_HELLO_13 = h(
  `0303 ${RANDOM} 00 1301 00 002e  002b 0002 0304  0033 0024 001d 0020 ${KEY}`,
);

test("ServerHello (TLS 1.3): exact decoded values", () => {
  const sh = parseServerHello(SERVER_HELLO_13);
  assert.equal(sh.legacyVersion, 0x0303);
  assert.equal(hex(sh.random), RANDOM);
  assert.equal(sh.sessionId.length, 0);
  assert.equal(sh.cipherSuite, 0x1301);
  assert.equal(sh.compressionMethod, 0);
  assert.deepEqual(
    sh.extensions.map((e) => e.type),
    [43, 51],
  );
  assert.equal(sh.extensions[0]!.offset, 44); // extension_data of supported_versions
  assert.equal(sh.selectedVersion, 0x0304);
  assert.equal(sh.keyShareGroup, 29);
  assert.equal(sh.isHelloRetryRequest, false);
  assert.equal(sh.downgradeSentinel, undefined);
});

test("HelloRetryRequest is recognised by its random; its key_share is the selected group", () => {
  const hrr = parseServerHello(
    h(`0303 ${hex(HELLO_RETRY_REQUEST_RANDOM)} 00 1302 00 000c  002b 0002 0304  0033 0002 0017`),
  );
  assert.equal(hrr.isHelloRetryRequest, true);
  assert.equal(hrr.keyShareGroup, 23);
  assert.equal(hrr.cipherSuite, 0x1302);
});

test("TLS 1.2 ServerHello without extensions, with a downgrade sentinel and ALPN", () => {
  const random = "11".repeat(24) + "444f574e47524401";
  const bare = parseServerHello(h(`0303 ${random} 02 abcd c02f 00`));
  assert.equal(bare.selectedVersion, 0x0303);
  assert.deepEqual(bare.extensions, []);
  assert.deepEqual(bare.sessionId, h("abcd"));
  assert.equal(bare.downgradeSentinel, "TLSv1.2");
  const alpn = parseServerHello(h(`0303 ${RANDOM} 00 c02f 00 0009 0010 0005 0003 02 6832`));
  assert.equal(alpn.alpn, "h2");
});

test("every truncation of a ServerHello is a CodecError within the input", () => {
  for (let n = 0; n < SERVER_HELLO_13.length; n++) {
    // Truncations that stop exactly after the compression method are a legal TLS 1.2 hello.
    if (n === 38) continue;
    assert.throws(
      () => parseServerHello(SERVER_HELLO_13.subarray(0, n), 4),
      (e: unknown) => e instanceof CodecError && e.offset >= 4 && e.offset <= n + 4,
      `prefix ${n}`,
    );
  }
});

test("a session id longer than 32 bytes is rejected with its offset", () => {
  assert.throws(
    () => parseServerHello(h(`0303 ${RANDOM} 21 ${"00".repeat(33)} 1301 00`)),
    /Cannot parse ServerHello.legacy_session_id_echo: length 33 at offset 34 exceeds 32/,
  );
});

const ascii = (t: string): string => Buffer.from(t, "latin1").toString("hex");

// server_name "localhost", ALPN h2 + http/1.1, supported_versions 1.3 1.2,
// supported_groups x25519 secp256r1, key_share x25519.
const CLIENT_HELLO = h(
  `0303 ${"aa".repeat(32)} 00 0004 1301 1302 01 00 0061
   0000 000e 000c 00 0009 ${ascii("localhost")}
   0010 000e 000c 02 ${ascii("h2")} 08 ${ascii("http/1.1")}
   002b 0005 04 0304 0303
   000a 0006 0004 001d 0017
   0033 0026 0024 001d 0020 ${KEY}`,
);

test("ClientHello: versions, suites, SNI, ALPN, groups, key shares", () => {
  const ch = parseClientHello(CLIENT_HELLO);
  assert.equal(ch.legacyVersion, 0x0303);
  assert.deepEqual(ch.cipherSuites, [0x1301, 0x1302]);
  assert.deepEqual(ch.compressionMethods, h("00"));
  assert.deepEqual(ch.offeredVersions, [0x0304, 0x0303]);
  assert.equal(ch.serverName, "localhost");
  assert.deepEqual(ch.alpn, ["h2", "http/1.1"]);
  assert.deepEqual(ch.groups, [29, 23]);
  assert.deepEqual(ch.keyShareGroups, [29]);
});

test("ClientHello: an odd cipher suite list names its offset", () => {
  assert.throws(
    () => parseClientHello(h(`0303 ${"aa".repeat(32)} 00 0003 130113 01 00`)),
    /Cannot parse ClientHello.cipher_suites: cipher suite list length 3 at offset 37 is odd/,
  );
});

test("every truncation of a ClientHello is a CodecError", () => {
  for (let n = 0; n < CLIENT_HELLO.length; n++) {
    if (n === 43) continue; // legal: no extensions
    assert.throws(() => parseClientHello(CLIENT_HELLO.subarray(0, n)), CodecError, `prefix ${n}`);
  }
});
