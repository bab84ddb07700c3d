import { test } from "node:test";
import assert from "node:assert/strict";
import { explain } from "./explain.js";

const SEED_003_SERVER =
  "Nov 23 04:00:01 mx postfix/smtpd[4711]: SSL_accept error from mail.example.net[192.0.2.1]: -1\n" +
  "Nov 23 04:00:01 mx postfix/smtpd[4711]: warning: TLS library problem: error:14094412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:s3_pkt.c:1472:SSL alert number 42:";
const CLIENT_SIDE =
  "postfix/smtp[99]: SSL_connect error to mx.example.org[198.51.100.7]:25: -1\n" +
  "postfix/smtp[99]: warning: TLS library problem: error:0A000412:SSL routines::sslv3 alert bad certificate:ssl/record/rec_layer_s3.c:1584:SSL alert number 42";

test("seeds/003: alert 42 received by the server means the client rejected our certificate", () => {
  const r = explain(SEED_003_SERVER);
  assert.equal(r.direction.ourRole, "server");
  const a = r.answers[0];
  assert.equal(a?.key, "alert:42");
  assert.equal(a?.openssl?.decoded.layout, "1.x");
  assert.deepEqual(
    a?.explanation?.readings.map((x) => x.side),
    ["server"],
  );
  assert.match(a?.explanation?.readings[0]?.text ?? "", /CLIENT rejected OUR SERVER's certificate/);
});

test("the same alert on the client side reads the other way; with no side, both readings", () => {
  const c = explain(CLIENT_SIDE);
  assert.equal(c.direction.ourRole, "client");
  assert.equal(c.answers[0]?.openssl?.decoded.layout, "3.x");
  assert.deepEqual(
    c.answers[0]?.explanation?.readings.map((x) => x.side),
    ["client"],
  );
  const bare = explain("error:0A000412:SSL routines::sslv3 alert bad certificate");
  assert.deepEqual(bare.answers[0]?.explanation?.readings.map((x) => x.side).sort(), [
    "client",
    "server",
  ]);
  const forced = explain("error:0A000412:SSL routines::sslv3 alert bad certificate", "client");
  assert.deepEqual(
    forced.answers[0]?.explanation?.readings.map((x) => x.side),
    ["client"],
  );
});

test("bare codes, numbers and names", () => {
  assert.equal(explain("14094412").answers[0]?.key, "alert:42");
  assert.equal(explain("0A000086").answers[0]?.key, "openssl:SSL_R_CERTIFICATE_VERIFY_FAILED");
  assert.equal(explain("0x0A000086").answers[0]?.key, "openssl:SSL_R_CERTIFICATE_VERIFY_FAILED");
  // -5 is EAI_NODATA first (seeds/004); GnuTLS's -5 comes after it.
  assert.equal(explain("-5").answers[0]?.key, "eai:-5");
  assert.equal(explain("EAI_NODATA").answers[0]?.key, "eai:-5");
  assert.equal(explain("bad_certificate").answers[0]?.key, "alert:42");
  assert.equal(explain("X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY").answers[0]?.key, "x509:20");
  assert.equal(
    explain("verify error:num=20:unable to get local issuer certificate").answers[0]?.key,
    "x509:20",
  );
  assert.ok(explain("42").answers.some((a) => a.key === "alert:42"));
  assert.deepEqual(explain("hello world").answers, []);
});

test("other stacks' messages are recognised", () => {
  const j = explain(
    "javax.net.ssl.SSLHandshakeException: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target",
  );
  assert.ok(j.answers.some((a) => a.kind === "message" && a.key.startsWith("java:")));
  const g = explain("x509: certificate signed by unknown authority");
  assert.ok(g.answers.some((a) => a.key.startsWith("go:") || a.key === "x509:20"));
});

test("hostile input: huge and binary text ends quickly with what it found", () => {
  const junk =
    "\u0000\uffff".repeat(200_000) + "error:0A000086:SSL routines::certificate verify failed";
  const t = performance.now();
  const r = explain(junk);
  assert.ok(performance.now() - t < 5_000);
  assert.equal(r.input.length, 64 * 1024);
});
