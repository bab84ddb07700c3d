import { test } from "node:test";
import assert from "node:assert/strict";
import {
  decodeOpenSslCode,
  formatOpenSsl3Error,
  MAX_ERROR_TEXT,
  parseOpenSslErrorLines,
  readOpenSslCode,
} from "./decode.js";

const one = (line: string) => {
  const all = parseOpenSslErrorLines(line);
  assert.equal(all.length, 1, line);
  return all[0]!;
};

test("14094412 next to 'SSL routines … sslv3 alert bad certificate' is 1.1: lib 20 func 148 reason 1042", () => {
  const p = one(
    "SSL_accept error from mx[192.0.2.1]: -1 warning: TLS library problem: error:14094412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:ssl/record/rec_layer_s3.c:1543:SSL alert number 42:",
  );
  const d = p.reading.decoded;
  assert.equal(d.layout, "1.x");
  assert.deepEqual([d.lib, d.func, d.reason], [20, 148, 1042]);
  assert.equal(d.funcName, "ssl3_read_bytes");
  assert.equal(d.reasonMacro, "SSL_R_SSLV3_ALERT_BAD_CERTIFICATE");
  assert.equal(d.alert?.name, "bad_certificate");
  assert.equal(p.file, "ssl/record/rec_layer_s3.c");
  assert.equal(p.line, 1543);
  assert.equal(p.alertNumber, 42);
  assert.equal(p.reading.ambiguous, false);
  // OpenSSL 3's errstr prints nonsense for it: the 3.x reading is lib 40 (UI).
  assert.equal(p.reading.other.libText, "UI routines");
  assert.equal(formatOpenSsl3Error(0x14094412), "error:14094412:UI routines::reason(607250)");
});

test("the 1.0 format (upper-case function, s3_pkt.c) is read the same way", () => {
  const p = one(
    "error:14094412:SSL routines:SSL3_READ_BYTES:sslv3 alert bad certificate:s3_pkt.c:1472:SSL alert number 42",
  );
  assert.equal(p.reading.decoded.layout, "1.x");
  assert.equal(p.reading.decoded.func, 148);
  assert.equal(p.data, "SSL alert number 42");
});

test("1408F10B and 14090086 are 1.x: wrong version number, certificate verify failed", () => {
  const a = one("error:1408F10B:SSL routines:ssl3_get_record:wrong version number").reading.decoded;
  assert.deepEqual(
    [a.layout, a.lib, a.func, a.reason, a.funcName],
    ["1.x", 20, 143, 267, "ssl3_get_record"],
  );
  const b = one("error:14090086:SSL routines:ssl3_get_server_certificate:certificate verify failed")
    .reading.decoded;
  assert.deepEqual([b.layout, b.lib, b.func, b.reason], ["1.x", 20, 144, 134]);
  assert.equal(b.reasonMacro, "SSL_R_CERTIFICATE_VERIFY_FAILED");
  // 1.0.2's function 144; 1.1.1 no longer has it
  assert.equal(b.funcName, undefined);
});

test("3.x lines: 0A000086 with file and line, 0A000412 and 0A00010B as errstr prints them", () => {
  const p = one(
    "40C7D3A1F67F0000:error:0A000086:SSL routines:tls_post_process_server_certificate:certificate verify failed:../ssl/statem/statem_clnt.c:1889:",
  );
  assert.equal(p.reading.decoded.layout, "3.x");
  assert.equal(p.reading.decoded.reason, 134);
  assert.equal(p.func, "tls_post_process_server_certificate");
  assert.equal(p.line, 1889);
  const q = one("error:0A000412:SSL routines::sslv3 alert bad certificate").reading.decoded;
  assert.deepEqual([q.layout, q.lib, q.reason, q.alert?.code], ["3.x", 20, 1042, 42]);
  const r = one("error:0A00010B:SSL routines::wrong version number").reading.decoded;
  assert.deepEqual([r.layout, r.reasonMacro], ["3.x", "SSL_R_WRONG_VERSION_NUMBER"]);
});

test("3.2+ wording 'ssl/tls alert' still reads as the same reason", () => {
  const d = one("error:0A000412:SSL routines::ssl/tls alert bad certificate").reading;
  assert.equal(d.decoded.reasonMacro, "SSL_R_SSLV3_ALERT_BAD_CERTIFICATE");
  assert.equal(d.ambiguous, false);
});

test("system errors: ERR_SYSTEM_FLAG (bit 31) carries errno", () => {
  const d = decodeOpenSslCode(0x80000068, "3.x");
  assert.equal(d.system, true);
  assert.equal(d.lib, 2);
  assert.equal(d.errno?.name, "ECONNRESET");
  assert.equal(
    formatOpenSsl3Error(0x80000068),
    "error:80000068:system library::Connection reset by peer",
  );
  const p = one("error:80000002:system library::No such file or directory");
  assert.equal(p.reading.decoded.errno?.name, "ENOENT");
  assert.equal(p.reading.decoded.layout, "3.x");
  // 1.1: library 2 with the errno as reason: error:02001002:system library:fopen:No such file or directory
  const q = one("error:02001002:system library:fopen:No such file or directory").reading.decoded;
  assert.deepEqual([q.layout, q.system, q.errno?.name], ["1.x", true, "ENOENT"]);
});

test("3.x flag bits: ERR_R_FATAL / common reasons", () => {
  const d = decodeOpenSslCode(0x0a0c0100, "3.x");
  assert.equal(d.reasonText, "malloc failure");
  assert.equal(d.fatal, true);
  assert.equal(d.common, true);
  assert.equal(decodeOpenSslCode(0x0a000086, "3.x").fatal, false);
  const u = decodeOpenSslCode(0x1e08010c, "3.x");
  assert.deepEqual(
    [u.libText, u.reasonText, u.fatal, u.common],
    ["DECODER routines", "unsupported", false, true],
  );
});

test("a bare code is read by the layout the tables know, or flagged ambiguous", () => {
  assert.equal(readOpenSslCode(0x0a000086).decoded.layout, "3.x");
  assert.equal(readOpenSslCode(0x14094412).decoded.layout, "1.x");
  // 3.x: BIO routines "accept error"; 1.x: EC (16) "buffer too small", function 0
  const both = readOpenSslCode(0x10000064);
  assert.equal(both.ambiguous, true);
  assert.match(both.why, /both layouts/);
  assert.equal(both.decoded.layout, "3.x"); // a 1.x code always names a function
  assert.equal(both.other.reasonText, "buffer too small");
});

test("junk, truncation and huge input: no crash, bounded", () => {
  assert.deepEqual(parseOpenSslErrorLines("\u0000\uFFFD error:ZZ:::"), []);
  assert.deepEqual(parseOpenSslErrorLines("error:0A000086"), []);
  const big = "x".repeat(MAX_ERROR_TEXT) + "error:0A000086:SSL routines::certificate verify failed";
  assert.deepEqual(parseOpenSslErrorLines(big), []);
  const many = "error:0A000086:SSL routines::certificate verify failed\n".repeat(1000);
  assert.equal(parseOpenSslErrorLines(many).length, 1000);
});
