import { test } from "node:test";
import assert from "node:assert/strict";
import {
  decodeOpenSsl1,
  decodeOpenSsl3,
  findOpenSslErrors,
  alertNumberInText,
} from "./openssl-error.js";

test("0A000438 (OpenSSL 3) is alert 80 internal_error received (seeds/000)", () => {
  const d = decodeOpenSsl3(0x0a000438);
  assert.equal(d.lib, 20);
  assert.equal(d.reason, 1080);
  assert.equal(d.alert?.name, "internal_error");
});

test("14094412 (OpenSSL 1.x) is alert 42 bad_certificate received (seeds/003)", () => {
  const d = decodeOpenSsl1(0x14094412);
  assert.equal(d.lib, 20);
  assert.equal(d.func, 0x094);
  assert.equal(d.alert?.code, 42);
});

test("findOpenSslErrors picks the layout whose library is SSL", () => {
  const [a] = findOpenSslErrors(
    "connect(): error:0A000438:SSL routines::tlsv1 alert internal error",
  );
  assert.equal(a?.code.layout, "3.x");
  assert.equal(a?.code.alert?.code, 80);
  const [b] = findOpenSslErrors(
    "SSL_accept error from x: error:14094412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:SSL alert number 42",
  );
  assert.equal(b?.code.layout, "1.x");
  assert.equal(b?.code.alert?.name, "bad_certificate");
  assert.equal(alertNumberInText("...:SSL alert number 42"), 42);
});

test("the system-error bit carries errno", () => {
  const d = decodeOpenSsl3(0x80000068);
  assert.equal(d.system, true);
  assert.equal(d.reason, 104);
});
