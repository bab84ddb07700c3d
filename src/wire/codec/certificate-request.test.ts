import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ByteWriter } from "./byte-writer.js";
import { CodecError } from "./codec-error.js";
import { parseCertificateRequest } from "./certificate-request.js";

const dn = Uint8Array.from([
  0x30, 0x0c, 0x31, 0x0a, 0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x01, 0x41,
]);

/** TLS 1.2: rsa_sign and ecdsa_sign, two schemes, one CA. */
const tls12 = new ByteWriter()
  .vector8([1, 64])
  .vector16([0x08, 0x04, 0x04, 0x03])
  .vector(2, (w) => w.vector16(dn))
  .finish();

/** TLS 1.3: a 1-byte context, signature_algorithms and certificate_authorities. */
const tls13 = new ByteWriter()
  .vector8([7])
  .vector(2, (w) => {
    w.u16(13).vector(2, (e) => e.vector16([0x08, 0x07]));
    w.u16(47).vector(2, (e) => e.vector(2, (l) => l.vector16(dn)));
  })
  .finish();

test("TLS 1.2 CertificateRequest: types, schemes, CAs", () => {
  const r = parseCertificateRequest(tls12, 0x0303);
  assert.deepEqual(r.certificateTypes, [1, 64]);
  assert.deepEqual(r.signatureSchemes, [0x0804, 0x0403]);
  assert.deepEqual(
    r.authorities.map((a) => [...a]),
    [[...dn]],
  );
  assert.equal(r.context, undefined);
});

test("TLS 1.0 has no signature algorithms field", () => {
  const old = new ByteWriter()
    .vector8([1])
    .vector(2, () => undefined)
    .finish();
  const r = parseCertificateRequest(old, 0x0301);
  assert.deepEqual(r, { certificateTypes: [1], signatureSchemes: [], authorities: [] });
});

test("TLS 1.3 CertificateRequest: context and extensions", () => {
  const r = parseCertificateRequest(tls13, 0x0304);
  assert.deepEqual([...(r.context ?? [])], [7]);
  assert.deepEqual(r.signatureSchemes, [0x0807]);
  assert.equal(r.authorities.length, 1);
});

test("every truncation is a CodecError within the input; odd and empty lists are errors", () => {
  for (const [bytes, v] of [
    [tls12, 0x0303],
    [tls13, 0x0304],
  ] as const) {
    for (let n = 0; n < bytes.length; n++) {
      assert.throws(
        () => parseCertificateRequest(bytes.subarray(0, n), v),
        (e: unknown) => e instanceof CodecError && e.offset <= bytes.length,
        `cut at ${n}`,
      );
    }
  }
  const odd = new ByteWriter().vector8([1]).vector16([8, 4, 4]).vector16([]).finish();
  assert.throws(() => parseCertificateRequest(odd, 0x0303), /is odd/);
  const emptyDn = new ByteWriter()
    .vector8([1])
    .vector16([])
    .vector(2, (w) => w.vector16([]))
    .finish();
  assert.throws(() => parseCertificateRequest(emptyDn, 0x0303), /empty DistinguishedName/);
});

test("property: arbitrary bytes give a request or a CodecError", () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 60 }),
      fc.constantFrom(0x0301, 0x0303, 0x0304),
      (b, v) => {
        try {
          parseCertificateRequest(b, v);
        } catch (e) {
          assert.ok(e instanceof CodecError, String(e));
        }
      },
    ),
  );
});
