// Differential test: our OpenSSL 3.x tables against the installed `openssl errstr`
// (Debian openssl 3.0) for every (library, reason) the tables hold, and our
// verify-code table against a real `openssl verify` failure.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { allOpenSsl3Reasons, formatOpenSsl3Error, parseVerifyLine } from "../../explain/index.js";

/**
 * OpenSSL 3.0's ossl_err_load_crypto_strings() (crypto/err/err_all.c) never
 * loads the ENCODER (59) and DECODER (60) reason strings, so errstr prints
 * reason(N) for them although encodererr.h/decodererr.h and openssl.txt give
 * texts. We keep the texts (what the macros mean) and accept exactly this.
 */
const NOT_LOADED_BY_3_0 = new Set([59, 60]);
const BATCH = 300;

function codes(): number[] {
  const out: number[] = [];
  for (const r of allOpenSsl3Reasons()) {
    // Common ERR_R_* reasons are valid in every library: check them bare and in EVP and SSL.
    for (const lib of r.lib === 0 ? [0, 6, 20] : [r.lib]) out.push(((lib << 23) | r.reason) >>> 0);
  }
  // System errors (bit 31): errno 1..133.
  for (let e = 1; e <= 133; e++) out.push((0x80000000 | e) >>> 0);
  return out;
}

const all = codes();

test(`openssl errstr agrees with our text for all ${all.length} OpenSSL 3.x codes (every reason in the tables, common reasons in 3 libraries, errno 1-133 with ERR_SYSTEM_FLAG)`, () => {
  const v = spawnSync("openssl", ["version"], { encoding: "utf8" });
  assert.match(v.stdout, /^OpenSSL 3\.0\./, "this check is written against OpenSSL 3.0");
  const differ: string[] = [];
  let same = 0;
  let excused = 0;
  for (let i = 0; i < all.length; i += BATCH) {
    const batch = all.slice(i, i + BATCH);
    const lines = execFileSync("openssl", ["errstr", ...batch.map((c) => c.toString(16))], {
      encoding: "utf8",
    })
      .trimEnd()
      .split("\n");
    assert.equal(lines.length, batch.length);
    batch.forEach((code, j) => {
      const theirs = lines[j] ?? "";
      const ours = formatOpenSsl3Error(code);
      if (ours === theirs) same++;
      else {
        const lib = (code >>> 23) & 0xff;
        const expected = NOT_LOADED_BY_3_0.has(lib) && /::reason\(\d+\)$/.test(theirs);
        if (expected) excused++;
        else differ.push(`${ours}  ≠  ${theirs}`);
      }
    });
  }
  assert.deepEqual(differ, []);
  // The ENCODER/DECODER exception covers their reasons and nothing else (6 in 3.0).
  const notLoaded = allOpenSsl3Reasons().filter((r) => NOT_LOADED_BY_3_0.has(r.lib)).length;
  assert.equal(excused, notLoaded);
  assert.equal(same, all.length - notLoaded);
});

test("a real `openssl verify` failure is read as X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT", () => {
  const dir = mkdtempSync(join(tmpdir(), "tlsd-verify-"));
  try {
    const cert = join(dir, "c.pem");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        join(dir, "k.pem"),
        "-out",
        cert,
        "-subj",
        "/CN=tlsd-test",
        "-days",
        "1",
      ],
      { stdio: "ignore" },
    );
    const r = spawnSync("openssl", ["verify", "-no-CAfile", "-no-CApath", "-no-CAstore", cert], {
      encoding: "utf8",
    });
    assert.notEqual(r.status, 0);
    const p = parseVerifyLine(r.stdout + r.stderr);
    assert.equal(p?.num, 18);
    assert.equal(p?.code?.name, "X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT");
    assert.equal(p?.text, p?.code?.text);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
