import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { CodecError } from "./codec-error.js";
import { parseCertificateRequest } from "./certificate-request.js";
import { HandshakeReassembler } from "./handshake.js";

const h = (s: string): Uint8Array =>
  Uint8Array.from(s.replace(/\s+/g, "").match(/../g) ?? [], (x) => parseInt(x, 16));

// Captured with `openssl s_server -Verify 1 -CAfile ca.pem -sigalgs
// ECDSA+SHA256:RSA-PSS+SHA256` and `openssl s_client -msg` (OpenSSL 3.0), CA
// "CN=tlsd-test-ca". Whole handshake messages, header included.
const DN = h("3017 3115 3013 0603 550403 0c0c 746c73642d746573742d6361");
const REAL_12 = h(`0d000026 02 0140 0004 0403 0804 001b 0019
  30173115301306035504030c0c746c73642d746573742d6361`);
const REAL_13 = h(`0d00002e 00 002b 000d 0006 0004 0403 0804 002f 001d 001b 0019
  30173115301306035504030c0c746c73642d746573742d6361`);
/** The TLS 1.0/1.1 form of REAL_12: no supported_signature_algorithms. */
const BODY_10 = h("02 0140 001b 0019 30173115301306035504030c0c746c73642d746573742d6361");

function body(message: Uint8Array): Uint8Array {
  const [m] = new HandshakeReassembler().push(message);
  assert.equal(m?.name, "CertificateRequest");
  return m.body;
}

const BODY_12 = body(REAL_12);
const BODY_13 = body(REAL_13);

test("OpenSSL's TLS 1.2 CertificateRequest: rsa_sign, ecdsa_sign, two schemes, its CA", () => {
  assert.deepEqual(parseCertificateRequest(BODY_12, 0x0303), {
    certificateTypes: [1, 64],
    signatureSchemes: [0x0403, 0x0804],
    authorities: [DN],
  });
  assert.deepEqual(parseCertificateRequest(BODY_10, 0x0301), {
    certificateTypes: [1, 64],
    signatureSchemes: [],
    authorities: [DN],
  });
});

test("OpenSSL's TLS 1.3 CertificateRequest: empty context, schemes and CA from extensions", () => {
  assert.deepEqual(parseCertificateRequest(BODY_13, 0x0304), {
    certificateTypes: [],
    signatureSchemes: [0x0403, 0x0804],
    authorities: [DN],
    context: new Uint8Array(0),
  });
});

test("every truncation is a CodecError at an offset within the input", () => {
  for (const [bytes, v] of [
    [BODY_10, 0x0302],
    [BODY_12, 0x0303],
    [BODY_13, 0x0304],
  ] as const) {
    for (let n = 0; n < bytes.length; n++) {
      assert.throws(
        () => parseCertificateRequest(bytes.subarray(0, n), v, 4),
        (e: unknown) => e instanceof CodecError && e.offset >= 4 && e.offset <= 4 + n,
        `version ${v} cut at ${n}`,
      );
    }
  }
});

test("lying lengths are CodecErrors naming the field", () => {
  const set = (b: Uint8Array, at: number, ...v: number[]): Uint8Array => {
    const c = Uint8Array.from(b);
    c.set(v, at);
    return c;
  };
  const cases: [Uint8Array, number, RegExp][] = [
    [set(BODY_12, 0, 0xff), 0x0303, /certificate_types: length 255 at offset 0 exceeds/],
    [set(BODY_12, 3, 0xff, 0xff), 0x0303, /supported_signature_algorithms: length 65535 at/],
    [set(BODY_12, 3, 0, 3), 0x0303, /list length 3 at offset 5 is odd/],
    [set(BODY_12, 9, 0xff, 0xff), 0x0303, /certificate_authorities: length 65535 at offset 9/],
    [set(BODY_12, 11, 0xff, 0xff), 0x0303, /certificate_authorities\[0\]: length 65535 at/],
    [set(BODY_12, 9, 0, 0x1c), 0x0303, /certificate_authorities: length 28 at offset 9/],
    [set(BODY_12, 11, 0, 0x1a), 0x0303, /certificate_authorities\[0\]: length 26 at offset 11/],
    [set(BODY_12, 11, 0, 0x18), 0x0303, /certificate_authorities\[1\]: need 2 bytes/],
    [Uint8Array.from([...BODY_12, 0]), 0x0303, /1 unexpected trailing byte at offset 38/],
    [h("01 01 0000 0002 0000"), 0x0303, /empty DistinguishedName at offset 6/],
    [set(BODY_13, 0, 0xff), 0x0304, /certificate_request_context: length 255 at offset 0/],
    [set(BODY_13, 1, 0xff, 0xff), 0x0304, /extensions: length 65535 at offset 1 exceeds/],
    [set(BODY_13, 5, 0xff, 0xff), 0x0304, /extensions\[0\].extension_data: length 65535/],
    [set(BODY_13, 7, 0xff, 0xff), 0x0304, /supported_signature_algorithms: length 65535/],
    [set(BODY_13, 7, 0, 3), 0x0304, /list length 3 at offset 9 is odd/],
  ];
  for (const [bytes, v, re] of cases) {
    assert.throws(
      () => parseCertificateRequest(bytes, v),
      (e: unknown) => e instanceof CodecError && re.test(e.message) && e.offset <= bytes.length,
      re.source,
    );
  }
});

test("TLS 1.3: bytes after the list inside signature_algorithms or certificate_authorities", () => {
  const sig = h("00 0009 000d 0005 0002 0403 ff");
  assert.throws(() => parseCertificateRequest(sig, 0x0304), CodecError);
  const cas = h("00 000f 000d 0004 0002 0403  002f 0003 0000 ff");
  assert.throws(() => parseCertificateRequest(cas, 0x0304), CodecError);
});

test("property: arbitrary bytes give a request or a CodecError within them", () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 80 }),
      fc.constantFrom(0x0300, 0x0301, 0x0303, 0x0304),
      (b, v) => {
        try {
          parseCertificateRequest(b, v, 100);
        } catch (e) {
          assert.ok(e instanceof CodecError, String(e));
          assert.ok(e.offset >= 100 && e.offset <= 100 + b.length, e.message);
        }
      },
    ),
  );
});

test("property: mutating one byte of a real request never throws anything but CodecError", () => {
  fc.assert(
    fc.property(
      fc.constantFrom([BODY_12, 0x0303] as const, [BODY_13, 0x0304] as const),
      fc.nat(),
      fc.integer({ min: 0, max: 255 }),
      ([b, v], i, x) => {
        const c = Uint8Array.from(b);
        c[i % c.length] = x;
        try {
          parseCertificateRequest(c, v);
        } catch (e) {
          assert.ok(e instanceof CodecError, String(e));
        }
      },
    ),
  );
});
