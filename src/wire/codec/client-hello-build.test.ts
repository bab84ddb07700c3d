import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { buildClientHello, frameRecords, padClientHello } from "./client-hello-build.js";
import type { ClientHelloSpec } from "./client-hello-build.js";
import {
  alpnExt,
  keyShareExt,
  rawExt,
  serverNameExt,
  signatureAlgorithmsExt,
  supportedGroupsExt,
  supportedVersionsExt,
} from "./extension-build.js";
import { parseClientHello } from "./client-hello.js";
import { HandshakeReassembler } from "./handshake.js";
import { readRecord } from "./record.js";
import { makeKeyShare } from "./key-share.js";

const spec: ClientHelloSpec = {
  version: 0x0303,
  random: new Uint8Array(32).fill(7),
  sessionId: new Uint8Array(32).fill(1),
  suites: [0x1301, 0xc02f, 0x000a],
  extensions: [
    serverNameExt("example.org"),
    supportedGroupsExt([29, 23]),
    signatureAlgorithmsExt([0x0804, 0x0403]),
    alpnExt(["h2", "http/1.1"]),
    supportedVersionsExt([0x0304, 0x0303]),
    keyShareExt([{ group: 29, keyExchange: new Uint8Array(32).fill(9) }]),
  ],
};

test("a built ClientHello parses back to what was asked for", () => {
  const msg = buildClientHello(spec);
  assert.equal(msg[0], 1);
  assert.equal((msg[1]! << 16) | (msg[2]! << 8) | msg[3]!, msg.length - 4);
  const ch = parseClientHello(msg.subarray(4));
  assert.equal(ch.legacyVersion, 0x0303);
  assert.deepEqual([...ch.random], [...spec.random!]);
  assert.deepEqual(ch.cipherSuites, [0x1301, 0xc02f, 0x000a]);
  assert.deepEqual([...ch.compressionMethods], [0]);
  assert.equal(ch.serverName, "example.org");
  assert.deepEqual(ch.alpn, ["h2", "http/1.1"]);
  assert.deepEqual(ch.groups, [29, 23]);
  assert.deepEqual(ch.keyShareGroups, [29]);
  assert.deepEqual(ch.offeredVersions, [0x0304, 0x0303]);
});

test("the SSLv3 form has no extensions block at all", () => {
  const msg = buildClientHello({ version: 0x0300, suites: [0x000a] });
  // 4 header + 2 version + 32 random + 1 sid + 2+2 suites + 1+1 compression
  assert.equal(msg.length, 4 + 2 + 32 + 1 + 4 + 2);
  assert.deepEqual(parseClientHello(msg.subarray(4)).extensions, []);
});

test("padClientHello reaches the exact length and keeps an empty extension last", () => {
  for (const len of [300, 511, 522, 526]) {
    const padded = padClientHello({ ...spec, extensions: [...spec.extensions!, rawExt(23)] }, len);
    const msg = buildClientHello(padded);
    assert.equal(msg.length, len);
    const exts = parseClientHello(msg.subarray(4)).extensions;
    assert.equal(exts.at(-1)?.type, 23);
    assert.equal(exts.at(-2)?.type, 21);
  }
  assert.throws(() => padClientHello(spec, 100), RangeError);
});

test("frameRecords cuts where asked and the reassembler puts it back together", () => {
  const msg = buildClientHello(spec);
  const recs = frameRecords(msg, { fragments: [4, 1] });
  const hs = new HandshakeReassembler();
  let pos = 0;
  const sizes: number[] = [];
  const got = [];
  for (;;) {
    const r = readRecord(recs, pos);
    if (r.kind !== "record") break;
    assert.equal(r.record.version, 0x0301);
    sizes.push(r.record.fragment.length);
    got.push(...hs.push(r.record.fragment));
    pos = r.next;
  }
  assert.deepEqual(sizes, [4, 1, msg.length - 5]);
  assert.equal(got.length, 1);
  assert.deepEqual([...got[0]!.raw], [...msg]);
  assert.throws(() => frameRecords(msg, { fragments: [0] }), RangeError);
});

test("property: any suites and extensions round-trip through build and parse", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 1, maxLength: 300 }),
      fc.array(
        fc.record({
          type: fc.integer({ min: 0, max: 0xffff }),
          data: fc.uint8Array({ maxLength: 40 }),
        }),
        { maxLength: 12 },
      ),
      fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 4 }),
      (suites, exts, fragments) => {
        // Parsers interpret known types; random data is only safe for unknown ones.
        const safe = exts.map((e) => ({ type: 0x7000 + (e.type % 0x0f00), data: e.data }));
        const msg = buildClientHello({ version: 0x0303, suites, extensions: safe });
        const ch = parseClientHello(msg.subarray(4));
        assert.deepEqual(ch.cipherSuites, suites);
        assert.deepEqual(
          ch.extensions.map((e) => [e.type, [...e.data]]),
          safe.map((e) => [e.type, [...e.data]]),
        );
        const recs = frameRecords(msg, { fragments });
        const hs = new HandshakeReassembler();
        let pos = 0;
        const out = [];
        for (let r = readRecord(recs, pos); r.kind === "record"; r = readRecord(recs, pos)) {
          out.push(...hs.push(r.record.fragment));
          pos = r.next;
        }
        assert.equal(pos, recs.length);
        assert.deepEqual([...out[0]!.raw], [...msg]);
      },
    ),
    { numRuns: 200 },
  );
});

test("key shares agree: two x25519, P-256, P-384 and x448 shares reach one secret", () => {
  for (const g of [29, 23, 24, 30]) {
    const a = makeKeyShare(g);
    const b = makeKeyShare(g);
    assert.deepEqual(
      [...a.sharedSecret(b.publicKey)],
      [...b.sharedSecret(a.publicKey)],
      `group ${g}`,
    );
  }
  assert.equal(makeKeyShare(29).publicKey.length, 32);
  assert.equal(makeKeyShare(23).publicKey.length, 65);
  assert.throws(() => makeKeyShare(29).sharedSecret(new Uint8Array(31)), RangeError);
  assert.throws(() => makeKeyShare(0x1234), RangeError);
});
