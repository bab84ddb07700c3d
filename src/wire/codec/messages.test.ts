import { test } from "node:test";
import assert from "node:assert/strict";
import { parseAlerts } from "./alert.js";
import { ALERT_NAMES, alertName } from "./alert-names.js";
import { parseCertificate12, parseCertificate13 } from "./certificate.js";
import { parseCertificateStatus } from "./certificate-status.js";
import { CodecError } from "./codec-error.js";
import { parseEncryptedExtensions } from "./encrypted-extensions.js";
import { parseServerKeyExchange } from "./server-key-exchange.js";

const h = (s: string): Uint8Array =>
  Uint8Array.from(s.replace(/\s+/g, "").match(/../g) ?? [], (x) => parseInt(x, 16));

const CERT_12 = h("00000a  000003 aabbcc  000001 dd");
// Entry 0 carries status_request (OCSP response 010203); entry 1 no extensions.
const CERT_13 = h("00 000019  000003 aabbcc 000b 0005 0007 01 000003 010203  000001 dd 0000");

function everyPrefixThrows(parse: (b: Uint8Array) => unknown, full: Uint8Array): void {
  for (let n = 0; n < full.length; n++) {
    assert.throws(
      () => parse(full.subarray(0, n)),
      (e: unknown) => e instanceof CodecError && e.offset <= n,
      `prefix ${n}`,
    );
  }
}

test("Certificate (TLS 1.2): DER entries in order, as views with offsets", () => {
  const c = parseCertificate12(CERT_12);
  assert.equal(c.requestContext, undefined);
  assert.deepEqual(
    c.entries.map((e) => [Array.from(e.data), e.offset]),
    [
      [[0xaa, 0xbb, 0xcc], 6],
      [[0xdd], 12],
    ],
  );
  everyPrefixThrows(parseCertificate12, CERT_12);
});

test("Certificate (TLS 1.3): request context, per-entry extensions, OCSP staple", () => {
  const c = parseCertificate13(CERT_13);
  assert.deepEqual(c.requestContext, new Uint8Array(0));
  assert.equal(c.entries.length, 2);
  assert.deepEqual(c.entries[0]!.data, h("aabbcc"));
  assert.deepEqual(c.entries[0]!.ocspResponse, h("010203"));
  assert.deepEqual(
    c.entries[0]!.extensions.map((e) => e.type),
    [5],
  );
  assert.deepEqual(c.entries[1]!.data, h("dd"));
  assert.equal(c.entries[1]!.ocspResponse, undefined);
  everyPrefixThrows(parseCertificate13, CERT_13);
});

test("Certificate: an empty entry and a bad status type are errors naming the entry", () => {
  assert.throws(
    () => parseCertificate12(h("000006 000000 000000")),
    /Cannot parse Certificate.certificate_list\[0\]: empty certificate at offset 3/,
  );
  assert.throws(
    () => parseCertificate13(h("00 00000d  000001 aa 0007 0005 0003 07 0000")),
    /Certificate.certificate_list\[0\].status_request.status_type: status type 7 at offset 14/,
  );
});

test("CertificateStatus: ocsp and ocsp_multi", () => {
  const one = parseCertificateStatus(h("01 000003 aabbcc"));
  assert.deepEqual(one, { statusType: 1, responses: [h("aabbcc")] });
  const multi = parseCertificateStatus(h("02 000009 000002 aabb 000001 cc"));
  assert.deepEqual(multi.responses, [h("aabb"), h("cc")]);
  everyPrefixThrows(parseCertificateStatus, h("01 000003 aabbcc"));
});

test("EncryptedExtensions: the selected ALPN protocol", () => {
  const ee = parseEncryptedExtensions(h("000d  0010 0005 0003 02 6832  0000 0000"));
  assert.equal(ee.alpn, "h2");
  assert.equal(ee.serverNameAcknowledged, true);
  assert.throws(
    () => parseEncryptedExtensions(h("000c 0010 0008 0006 02 6832 02 6833")),
    /EncryptedExtensions.alpn: server selected 2 protocols, not one/,
  );
});

test("ServerKeyExchange: ECDHE named curve and TLS 1.2 signature algorithm", () => {
  const ske = parseServerKeyExchange(h("03 001d 04 01020304  0804 0002 abcd"), 0x0303);
  assert.deepEqual(
    ske.kind === "ecdhe" && [ske.curveType, ske.namedCurve, ske.signatureAlgorithm],
    [3, 29, 0x0804],
  );
  // TLS 1.0: no algorithm field.
  const old = parseServerKeyExchange(h("03 0017 01 04  0002 abcd"), 0x0301);
  assert.deepEqual(old.kind === "ecdhe" && [old.namedCurve, old.signatureAlgorithm], [
    23,
    undefined,
  ]);
});

test("ServerKeyExchange: a 2048-bit DHE prime is not mistaken for an explicit curve", () => {
  const body = h(`0100 ${"ff".repeat(256)} 0001 02 0001 05 0401 0000`);
  const ske = parseServerKeyExchange(body, 0x0303);
  assert.equal(ske.kind, "dhe");
  assert.equal(ske.kind === "dhe" && ske.primeBits, 2048);
});

test("alerts: level, description, name; odd bytes are an error", () => {
  assert.deepEqual(parseAlerts(h("0274")), [
    { level: "fatal", description: 116, name: "certificate_required" },
  ]);
  assert.deepEqual(parseAlerts(h("0100 0328")), [
    { level: "warning", description: 0, name: "close_notify" },
    { level: 3, description: 40, name: "handshake_failure" },
  ]);
  assert.throws(
    () => parseAlerts(h("02"), 100),
    /Cannot parse Alert.description: need 1 byte at offset 101/,
  );
  assert.throws(() => parseAlerts(h("")), CodecError);
});

test("alert names cover the IANA registry from 0 to 121", () => {
  assert.equal(alertName(0), "close_notify");
  assert.equal(alertName(80), "internal_error");
  assert.equal(alertName(120), "no_application_protocol");
  assert.equal(alertName(121), "ech_required");
  assert.equal(alertName(200), "alert(200)");
  assert.equal(Object.keys(ALERT_NAMES).length, 36);
});
