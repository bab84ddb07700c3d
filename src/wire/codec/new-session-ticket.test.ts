import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { CodecError } from "./codec-error.js";
import { HandshakeReassembler } from "./handshake.js";
import {
  parseNewSessionTicket,
  parseNewSessionTicket12,
  parseNewSessionTicket13,
} from "./new-session-ticket.js";

const h = (s: string): Uint8Array =>
  Uint8Array.from(s.replace(/\s+/g, "").match(/../g) ?? [], (x) => parseInt(x, 16));

// Captured from `openssl s_server` (OpenSSL 3.0) with `openssl s_client -msg`:
// whole handshake messages, header included. TLS 1.2: lifetime hint 7200 s and
// a 560-byte ticket. TLS 1.3: lifetime 7200 s, an 8-byte nonce of zeros, a
// 608-byte ticket and no extensions.
const REAL_12 = h(`
  0400023600001c200230ee97efed6a4dbf8864231cbe0cf627aaef385944944fd5ca5b986d4485f560006da6b48048d9
  37c159e454ef7f49bf3855c1735049d807f9e96e3faf7a5f3a26bbd16d50047852bac258d4835148b5575dda8eb67b7c
  7026cce82de45860c34b83183d542ce2f2da46dbf8ec1e60fda9127479dcc96bdfd6f2f5658307fa8bc3504a7f54f119
  fec13097a22893e1b475de9bc328c8c2b78edadb5189975364d7af607155627a88765a395a439a5fe888dfed85a9b3b0
  497b27e85e7ecb2990897fe077e2299209fe6e9d5145254931a55ed046b48c438ba8c12c98941b56f228af33d06efc6a
  7a8cc43f3b966ee38ee3bbfd007ce5e3ddec4735748d805ea7f10e7e87f1e404190eeaa621a5befac7331cad0578e859
  7cb28d6c4d5accf5b2776d119356dc2df87d565eddb408027664747eeb0e9a24b556d03d2e9f1b382ef14f2fa567ff31
  1122c0e246e4a89a1b183facfa1486afff616c3422faa4c18bf8b24b10b8afbc403e9b092b60d41e858c747cf9107fee
  cfd1405a8cfc7eae10194c3ce64decc5bdbbbf9886a6b8368544060edc27dccd5304aac2b99990968949f1238244033c
  24d6999a33117a634c1b917ec0a2297876f98c0248bcffd447cfb0970527b8dc023df687e2af09ae03008ad344e54830
  1fa31d6f60bd74e4b4d191dcfeb03722c4a9db1c0b05061fbc82f70213e6053e6a729035e62c6508bd1b7387a5936f03
  bb2b70313453901afdc7cffcea7e93b678e16654c9facf740c638f185273cbd08e1e650a4a82775cbd16`);
const REAL_13 = h(`
  0400027500001c20d6341f520800000000000000000260f62effd5481b3d066cc6f5978c1f8b54899e8d1c9d52917336
  9030ac5c7fee35b8e6f495609d45f84dee03f1dffb8c16acf51fd6586184f1bdcf1a30dd05271669248f3d71670b2671
  ea5751a389a6d2a50199fcb992d9330db199fee3e182adb57ee0626a2f2cf4962c23d19e934f0a0b2ff621f2ae062d73
  05ac9401530690b88d22dbf175c1c7637269e77c6302814848fcb351d0991001d459987478e5ab3ef1e6d5c5073fb113
  a34319c163a35c00db596d96007b0020440426668db142d5589f796162722e3f97dbf1161db087e095b87660e816b43e
  be3b9fec45bdb69c5cba34234c615b948ae294870b8a0854a3f23f39e1620031f46c2182643ee52b48c467d471c49dab
  d679a599d956cc6a98f56ceba0a09d8fdb9467977cde49c332f8a6f0c36bf8c8c5d31b05736c0e1d6f95ea356b1280a4
  7e387be8fb7468cbe560711c3de63c33c9f443ed29e5e0cd705c146ef89cd489447f5e29fcc2b5a37c7f37140f5898f9
  06b9ed717efacef8afeaa4481ab3aea6b435e51df0f9f1a77a9833b8d37e7cb54eda084dbac2fdf9a35f62e489b6f38a
  3fb3a5b84437854f875250200ee5412d7113e6e1d13d41e31fd3b25e0d465be96d24d27ffa976b2746e0974bd32dca5b
  1ed5ccb372abc03f4c9e2cd05a584ca493184170e8fdd7686c7fc23f5c63428e017122a138cc42a7ce49b419529838ab
  7661be6f9e6eff6f7072867bc142b8ad230196a0cb834c11fd767bf464a7eb9b675a44126ef5c17fe7d963e2cb94c48b
  08688bf063aa0ce5907c4afcfd7204c46d601e6e5f52c675510d6fb94d2ecfd7d16efbfd06998253791fa486fcfaac5a
  008354078646fc0000`);

function body(message: Uint8Array): Uint8Array {
  const [m] = new HandshakeReassembler().push(message);
  assert.equal(m?.name, "NewSessionTicket");
  return m.body;
}

const BODY_12 = body(REAL_12);
const BODY_13 = body(REAL_13);

/** Written from RFC 8446 §4.6.1: 7 days, early_data of 16384 bytes after a GREASE extension. */
const EARLY_13 = h(`00093a80 ffffffff 01 00 0003 aabbcc
  000c 0a0a 0000 002a 0004 00004000`);

function throwsWithin(f: () => unknown, base: number, length: number, msg: string): void {
  assert.throws(
    f,
    (e: unknown) => e instanceof CodecError && e.offset >= base && e.offset <= base + length,
    msg,
  );
}

test("OpenSSL's TLS 1.2 NewSessionTicket: lifetime hint and ticket", () => {
  const t = parseNewSessionTicket12(BODY_12);
  assert.equal(t.lifetime, 7200);
  assert.equal(t.ticket.length, 560);
  assert.deepEqual(t.ticket.subarray(0, 4), h("ee97efed"));
  assert.equal(t.ticket.byteOffset - BODY_12.byteOffset, 6);
  assert.deepEqual(t.extensions, []);
  assert.equal(t.ageAdd, undefined);
  assert.equal(t.nonce, undefined);
  assert.deepEqual(parseNewSessionTicket(BODY_12, 0x0303), t);
});

test("OpenSSL's TLS 1.3 NewSessionTicket: lifetime, age_add, nonce, ticket", () => {
  const t = parseNewSessionTicket13(BODY_13);
  assert.equal(t.lifetime, 7200);
  assert.equal(t.ageAdd, 0xd6341f52);
  assert.deepEqual(t.nonce, new Uint8Array(8));
  assert.equal(t.ticket.length, 608);
  assert.deepEqual(t.ticket.subarray(0, 4), h("f62effd5"));
  assert.deepEqual(t.ticket.subarray(604), h("078646fc"));
  assert.deepEqual(t.extensions, []);
  assert.equal(t.maxEarlyDataSize, undefined);
  assert.deepEqual(parseNewSessionTicket(BODY_13, 0x0304), t);
});

test("TLS 1.3 early_data gives max_early_data_size; unknown extensions are kept", () => {
  const t = parseNewSessionTicket13(EARLY_13, 1000);
  assert.equal(t.lifetime, 604800);
  assert.equal(t.ageAdd, 0xffffffff);
  assert.deepEqual(t.nonce, h("00"));
  assert.deepEqual(t.ticket, h("aabbcc"));
  assert.deepEqual(
    t.extensions.map((e) => [e.type, e.offset]),
    [
      [0x0a0a, 1021],
      [42, 1025],
    ],
  );
  assert.equal(t.maxEarlyDataSize, 16384);
});

test("TLS 1.2 allows an empty ticket; TLS 1.3 does not", () => {
  assert.deepEqual(parseNewSessionTicket12(h("00000000 0000")), {
    lifetime: 0,
    ticket: new Uint8Array(0),
    extensions: [],
  });
  assert.throws(
    () => parseNewSessionTicket13(h("00000000 00000000 00 0000 0000"), 50),
    (e: unknown) =>
      e instanceof CodecError &&
      e.offset === 59 &&
      e.message === "Cannot parse NewSessionTicket.ticket: empty ticket at offset 59",
  );
});

test("every truncation is a CodecError within the input", () => {
  for (const [bytes, parse] of [
    [BODY_12, parseNewSessionTicket12],
    [BODY_13, parseNewSessionTicket13],
    [EARLY_13, parseNewSessionTicket13],
  ] as const) {
    for (let n = 0; n < bytes.length; n++) {
      throwsWithin(() => parse(bytes.subarray(0, n), 9), 9, n, `${bytes.length} cut at ${n}`);
    }
  }
});

test("lying lengths are CodecErrors naming the field", () => {
  const set = (b: Uint8Array, at: number, ...v: number[]): Uint8Array => {
    const c = Uint8Array.from(b);
    c.set(v, at);
    return c;
  };
  const cases: [Uint8Array, (b: Uint8Array) => unknown, RegExp][] = [
    [set(BODY_12, 4, 0xff, 0xff), parseNewSessionTicket12, /ticket: length 65535 at offset 4/],
    [set(BODY_12, 4, 0x02, 0x31), parseNewSessionTicket12, /ticket: length 561 at offset 4/],
    [set(BODY_12, 4, 0x02, 0x2f), parseNewSessionTicket12, /1 unexpected trailing byte/],
    [set(EARLY_13, 8, 0xff), parseNewSessionTicket13, /ticket_nonce: length 255 at offset 8 exc/],
    [set(BODY_13, 8, 0x07), parseNewSessionTicket13, /extensions: length 12031 at offset 20/],
    [set(BODY_13, 17, 0xff, 0xff), parseNewSessionTicket13, /ticket: length 65535 at/],
    [set(BODY_13, 627, 0xff, 0xff), parseNewSessionTicket13, /extensions: length 65535/],
    [set(EARLY_13, 23, 0, 5), parseNewSessionTicket13, /extensions\[1\].extension_data: len/],
    [
      h(`00000000 00000000 00 0001 aa 0009 002a 0005 0000400000`),
      parseNewSessionTicket13,
      /early_data: 1 unexpected trailing byte at offset 22/,
    ],
    [
      h(`00000000 00000000 00 0001 aa 0007 002a 0003 000040`),
      parseNewSessionTicket13,
      /early_data.max_early_data_size: need 4 bytes at offset 18, 3 left/,
    ],
    [
      h("00000000 00000000 00 0001 aa 0001 00"),
      parseNewSessionTicket13,
      /extensions\[0\].extension_type: need 2/,
    ],
  ];
  for (const [bytes, parse, re] of cases) {
    assert.throws(
      () => parse(bytes),
      (e: unknown) => e instanceof CodecError && re.test(e.message) && e.offset <= bytes.length,
      re.source,
    );
  }
});

test("property: arbitrary bytes give a ticket or a CodecError within them", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), fc.constantFrom(0x0303, 0x0304), (b, v) => {
      try {
        parseNewSessionTicket(b, v, 3);
      } catch (e) {
        assert.ok(e instanceof CodecError, String(e));
        assert.ok(e.offset >= 3 && e.offset <= 3 + b.length, e.message);
      }
    }),
  );
});
