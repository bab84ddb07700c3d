import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseClientHello } from "./client-hello.js";
import { CodecError } from "./codec-error.js";
import type { Extension } from "./extensions.js";
import { ExtensionType, findExtension } from "./extensions.js";
import {
  parseEcPointFormats,
  parseRenegotiationInfo,
  parseSignatureAlgorithms,
} from "./extensions-more.js";
import { HandshakeReassembler } from "./handshake.js";
import { parseServerHello } from "./server-hello.js";

const h = (s: string): Uint8Array =>
  Uint8Array.from(s.replace(/\s+/g, "").match(/../g) ?? [], (x) => parseInt(x, 16));

// Captured from OpenSSL 3.0 (`s_client -msg` against `s_server -tls1_2`): whole
// handshake messages. The ServerHello carries renegotiation_info (empty),
// ec_point_formats (0, 1, 2), session_ticket and extended_master_secret.
const SERVER_HELLO = h(`0200003d 0303
  1435ae52c4878e636b8738f6f28ad900b7e3a32e47e1c0e81325955ab4aedf62 00 c02c 00
  0015 ff01 0001 00 000b 0004 03 000102 0023 0000 0017 0000`);
const CLIENT_HELLO = h(`010000b3 0303
  3e78ca56363a49802e3ca4c7e4c57a16034f328a7b518eaf422cc9ec2fc67f1f 00
  0038 c02cc030009fcca9cca8ccaac02bc02f009ec024c028006bc023c0270067c00ac0140039c009c013
  0033009d009c003d003c0035002f00ff 0100
  0052 000b000403000102 000a000c000a001d0017001e00190018 00230000 00160000 00170000
  000d002a 0028 040305030603080708080809080a080b080408050806040105010601030303010302040205020602`);

function body(message: Uint8Array): Uint8Array {
  const [m] = new HandshakeReassembler().push(message);
  assert.ok(m);
  return m.body;
}

const serverExts = parseServerHello(body(SERVER_HELLO), 4).extensions;
const clientExts = parseClientHello(body(CLIENT_HELLO), 4).extensions;

function get(exts: readonly Extension[], type: number): Extension {
  const e = findExtension(exts, type);
  assert.ok(e, `extension ${type}`);
  return e;
}

test("OpenSSL's ServerHello: renegotiation_info is empty, point formats 0, 1, 2", () => {
  const reneg = get(serverExts, ExtensionType.renegotiation_info);
  assert.equal(reneg.offset, 48);
  assert.deepEqual(parseRenegotiationInfo(reneg), new Uint8Array(0));
  assert.deepEqual(parseEcPointFormats(get(serverExts, ExtensionType.ec_point_formats)), [0, 1, 2]);
  assert.deepEqual(parseEcPointFormats(get(clientExts, ExtensionType.ec_point_formats)), [0, 1, 2]);
});

test("OpenSSL's ClientHello: the 20 signature schemes in order", () => {
  assert.deepEqual(
    parseSignatureAlgorithms(get(clientExts, ExtensionType.signature_algorithms)),
    [
      0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0809, 0x080a, 0x080b, 0x0804, 0x0805, 0x0806,
      0x0401, 0x0501, 0x0601, 0x0303, 0x0301, 0x0302, 0x0402, 0x0502, 0x0602,
    ],
  );
});

test("a renegotiating ServerHello carries both verify_data", () => {
  const data = h("18 000102030405060708090a0b 0c0d0e0f1011121314151617");
  assert.deepEqual(parseRenegotiationInfo({ type: 0xff01, data, offset: 0 }), data.subarray(1));
});

const ext = (hex: string, offset = 100): Extension => ({ type: 0, data: h(hex), offset });

test("lying, empty, odd and padded lists are CodecErrors naming the field and offset", () => {
  const cases: [() => unknown, string][] = [
    [
      () => parseRenegotiationInfo(ext("")),
      "renegotiation_info.renegotiated_connection: need 1 byte at offset 100, 0 left",
    ],
    [
      () => parseRenegotiationInfo(ext("ff 00")),
      "renegotiation_info.renegotiated_connection: length 255 at offset 100 exceeds the 1 bytes left",
    ],
    [
      () => parseRenegotiationInfo(ext("00 00"), "ServerHello.renegotiation_info"),
      "ServerHello.renegotiation_info: 1 unexpected trailing byte at offset 101",
    ],
    [
      () => parseEcPointFormats(ext("00")),
      "ec_point_formats.ec_point_format_list: empty list at offset 100",
    ],
    [
      () => parseEcPointFormats(ext("02 00")),
      "ec_point_formats.ec_point_format_list: length 2 at offset 100 exceeds the 1 bytes left",
    ],
    [
      () => parseEcPointFormats(ext("01 00 01")),
      "ec_point_formats: 1 unexpected trailing byte at offset 102",
    ],
    [
      () => parseSignatureAlgorithms(ext("0000")),
      "signature_algorithms.supported_signature_algorithms: empty list at offset 100",
    ],
    [
      () => parseSignatureAlgorithms(ext("0003 040305")),
      "signature_algorithms.supported_signature_algorithms: list length 3 at offset 102 is odd",
    ],
    [
      () => parseSignatureAlgorithms(ext("ffff 0403")),
      "signature_algorithms.supported_signature_algorithms: length 65535 at offset 100 exceeds the 2 bytes left",
    ],
    [
      () => parseSignatureAlgorithms(ext("0002 0403 00")),
      "signature_algorithms: 1 unexpected trailing byte at offset 104",
    ],
    [
      () => parseSignatureAlgorithms(ext("00")),
      "signature_algorithms.supported_signature_algorithms: need 2 bytes at offset 100, 1 left",
    ],
  ];
  for (const [f, message] of cases) {
    assert.throws(
      f,
      (e: unknown) => e instanceof CodecError && e.message === `Cannot parse ${message}`,
      message,
    );
  }
});

test("property: arbitrary data gives a value or a CodecError within it", () => {
  const parsers = [parseRenegotiationInfo, parseEcPointFormats, parseSignatureAlgorithms];
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 40 }), fc.nat(), (data, offset) => {
      for (const parse of parsers) {
        try {
          parse({ type: 0, data, offset });
        } catch (e) {
          assert.ok(e instanceof CodecError, String(e));
          assert.ok(e.offset >= offset && e.offset <= offset + data.length, e.message);
        }
      }
    }),
  );
});

test("property: a list of schemes written out parses back", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 1, maxLength: 40 }),
      (s) => {
        const n = s.length * 2;
        const data = Uint8Array.from([n >> 8, n & 0xff, ...s.flatMap((v) => [v >> 8, v & 0xff])]);
        assert.deepEqual(parseSignatureAlgorithms({ type: 13, data, offset: 0 }), s);
      },
    ),
  );
});
