import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  allEaiCodes,
  allErrno,
  allGnutlsErrors,
  allOpenSsl1Reasons,
  allOpenSsl3Reasons,
  allSslErrors,
  allVerifyCodes,
  eaiCode,
  errnoInfo,
  gnutlsError,
  normalizeErrorText,
  opensslFunction,
  opensslLibraryByText,
  opensslLibraryText,
  opensslReason,
  opensslReasonsByText,
  parseVerifyLine,
  sClientVerifyLine,
  sslError,
  verifyCode,
  verifyCodeByText,
} from "./tables.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

test("errors.generated.ts is what scripts/gen-errors.mjs makes from the committed sources", () => {
  const out = mkdtempSync(join(tmpdir(), "tlsd-errgen-"));
  try {
    const r = spawnSync(process.execPath, [join(root, "scripts/gen-errors.mjs"), "--out", out], {
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      readFileSync(join(out, "errors.generated.ts"), "utf8"),
      readFileSync(join(root, "src/explain/errors.generated.ts"), "utf8"),
      "errors.generated.ts is stale: run node scripts/gen-errors.mjs",
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("the generator names the missing header and the Debian package to install", () => {
  const dir = mkdtempSync(join(tmpdir(), "tlsd-errgen-bad-"));
  try {
    const r = spawnSync(
      process.execPath,
      [join(root, "scripts/gen-errors.mjs"), "--out", dir, "--include", join(dir, "none")],
      { encoding: "utf8" },
    );
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /cannot read .*openssl\/err\.h: ENOENT \(install the Debian package libssl-dev\)/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("tables are complete: every *err.h reason, 1.1.1 functions, verify codes, GnuTLS, EAI, errno", () => {
  assert.ok(allOpenSsl3Reasons().length > 1700, `${allOpenSsl3Reasons().length} 3.x reasons`);
  assert.ok(allOpenSsl1Reasons().length > 1300, `${allOpenSsl1Reasons().length} 1.1.1 reasons`);
  assert.equal(allVerifyCodes().length, 95);
  assert.ok(allGnutlsErrors().length > 180);
  assert.equal(allEaiCodes().length, 18);
  assert.ok(allErrno().length >= 131);
});

test("libraries: numbers, names and the text OpenSSL prints", () => {
  assert.equal(opensslLibraryText(20), "SSL routines");
  assert.equal(opensslLibraryText(2), "system library");
  assert.equal(opensslLibraryText(41), "lib(41)"); // 3.0 err.c gives COMP no text
  assert.equal(opensslLibraryByText("SSL routines")?.lib, 20);
  assert.equal(opensslLibraryByText("x509 certificate routines")?.lib, 11);
  assert.equal(opensslLibraryByText("lib(20)")?.lib, 20);
  assert.equal(opensslLibraryByText("no such routines"), undefined);
});

test("reasons: library first, then the common ERR_R_* (3.x flags, 1.x < 100)", () => {
  assert.equal(opensslReason(20, 134, "3.x")?.macro, "SSL_R_CERTIFICATE_VERIFY_FAILED");
  assert.equal(opensslReason(20, 1042, "1.x")?.text, "sslv3 alert bad certificate");
  assert.equal(opensslReason(20, 267, "1.x")?.text, "wrong version number");
  // ERR_R_MALLOC_FAILURE = 256 | ERR_R_FATAL in 3.x, 1 | 64 in 1.1.1
  assert.equal(opensslReason(20, 0xc0100, "3.x")?.text, "malloc failure");
  assert.equal(opensslReason(20, 65, "1.x")?.text, "malloc failure");
  // 1.1.1 gives ERR_R_BUF_LIB and ERR_R_PASSED_INVALID_ARGUMENT both 7; the later string wins
  assert.equal(opensslReason(6, 7, "1.x")?.text, "passed invalid argument");
  assert.equal(opensslReason(32, 115, "3.x")?.text, undefined); // BIO_R_NULL_PARAMETER, unused
  assert.equal(opensslReason(20, 999999, "3.x"), undefined);
});

test("1.1.1 function codes", () => {
  assert.equal(opensslFunction(20, 148)?.name, "ssl3_read_bytes");
  assert.equal(opensslFunction(20, 143)?.name, "ssl3_get_record");
  assert.equal(opensslFunction(20, 148)?.macro, "SSL_F_SSL3_READ_BYTES");
});

test("wording variants across versions match one reason", () => {
  for (const t of [
    "sslv3 alert bad certificate",
    "ssl/tls alert bad certificate",
    "tls alert bad certificate",
    "SSLv3 Alert Bad Certificate",
  ]) {
    const hits = opensslReasonsByText(t, 20).map((r) => `${r.layout} ${r.macro}`);
    assert.deepEqual(hits.sort(), [
      "1.x SSL_R_SSLV3_ALERT_BAD_CERTIFICATE",
      "3.x SSL_R_SSLV3_ALERT_BAD_CERTIFICATE",
    ]);
  }
  assert.equal(
    normalizeErrorText("tlsv13 alert certificate required"),
    "alert certificate required",
  );
  assert.equal(
    normalizeErrorText("self-signed certificate"),
    normalizeErrorText("self signed certificate"),
  );
});

test("X509_V_ERR: number, name, both versions' texts, s_client's line", () => {
  const v = verifyCode(18);
  assert.equal(v?.name, "X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT");
  assert.equal(v?.text, "self-signed certificate");
  assert.equal(v?.text111, "self signed certificate");
  assert.equal(verifyCodeByText("self signed certificate")?.code, 18);
  assert.equal(verifyCodeByText("self-signed certificate in certificate chain")?.code, 19);
  assert.equal(verifyCode("X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY")?.code, 20);
  assert.equal(sClientVerifyLine(v), "verify error:num=18:self-signed certificate");
  assert.equal(sClientVerifyLine(v, "1.x"), "verify error:num=18:self signed certificate");
  assert.equal(verifyCode(10)?.text, "certificate has expired");
  assert.equal(verifyCode(93)?.newIn3, true);
  const p = parseVerifyLine(
    "depth=0 CN = x\nverify error:num=20:unable to get local issuer certificate",
  );
  assert.equal(p?.code?.name, "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY");
  assert.equal(parseVerifyLine("error 10 at 0 depth lookup: certificate has expired")?.num, 10);
  assert.equal(
    parseVerifyLine("Verify return code: 19 (self signed certificate in certificate chain)")?.code
      ?.code,
    19,
  );
  assert.equal(parseVerifyLine("nothing here"), undefined);
});

test("GnuTLS error codes and gnutls_strerror texts", () => {
  assert.equal(gnutlsError(-12)?.name, "GNUTLS_E_FATAL_ALERT_RECEIVED");
  assert.equal(gnutlsError(-12)?.text, "A TLS fatal alert has been received.");
  assert.equal(gnutlsError("The TLS connection was non-properly terminated.")?.code, -110);
  assert.equal(gnutlsError("gnutls_e_pull_error")?.code, -54);
});

test("getaddrinfo EAI codes carry glibc's values", () => {
  assert.equal(eaiCode(-5)?.name, "EAI_NODATA");
  assert.equal(eaiCode("EAI_NODATA")?.text, "No address associated with hostname");
  assert.equal(eaiCode("Name or service not known")?.code, -2);
  assert.equal(eaiCode(-12)?.text, "Unknown error"); // glibc has no message for EAI_OVERFLOW
});

test("errno: numbers, names, aliases, strerror", () => {
  assert.equal(errnoInfo(104)?.name, "ECONNRESET");
  assert.equal(errnoInfo("ECONNRESET")?.text, "Connection reset by peer");
  assert.equal(errnoInfo("EWOULDBLOCK")?.code, 11);
  assert.equal(errnoInfo("No such file or directory")?.code, 2);
});

test("SSL_ERROR_* agree with /usr/include/openssl/ssl.h", () => {
  const h = readFileSync("/usr/include/openssl/ssl.h", "utf8");
  const defs = [...h.matchAll(/#\s*define\s+(SSL_ERROR_[A-Z0-9_]+)\s+(\d+)/g)];
  assert.ok(defs.length >= 13);
  for (const [, name, value] of defs) assert.equal(sslError(name!)?.code, Number(value), name);
  assert.equal(allSslErrors().length, defs.length);
  assert.equal(sslError(5)?.name, "SSL_ERROR_SYSCALL");
});
