import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import {
  chooseDriver,
  parseProcCrypto,
  PROC_CRYPTO_MAX_ENTRIES,
  type ProcCryptoEntry,
} from "./proc-crypto.js";

const FIX = new URL("../../src/host/fixtures/proc-crypto/", import.meta.url);
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(name, FIX)));

const rec = (fields: Record<string, string | number>): string =>
  Object.entries(fields)
    .map(([k, v]) => `${k.padEnd(13)}: ${v}`)
    .join("\n") + "\n\n";
const alg = (
  name: string,
  driver: string,
  priority: number,
  type: string,
  more: Record<string, string | number> = {},
): string =>
  rec({
    name,
    driver,
    module: "kernel",
    priority,
    refcnt: 1,
    selftest: "passed",
    internal: "no",
    type,
    ...more,
  });

test("parses this machine's /proc/crypto: every record, every field, no problems", () => {
  const pc = parseProcCrypto(fixture("x86_64-6.18-no-af-alg.txt"));
  assert.equal(pc.problemCount, 0, JSON.stringify(pc.problems));
  assert.equal(pc.entries.length, 56);
  assert.equal(pc.truncated, false);
  const cbc = pc.entries[0] as ProcCryptoEntry;
  assert.deepEqual(cbc, {
    line: 1,
    name: "cbc(aes)",
    driver: "cbc(ecb(aes-fixed-time))",
    module: "kernel",
    priority: 101,
    refcnt: 1,
    selftest: "passed",
    internal: false,
    type: "lskcipher",
    blocksize: 16,
    minKeysize: 16,
    maxKeysize: 32,
    ivsize: 16,
    chunksize: 16,
    statesize: 0,
    extra: {},
    missing: [],
  });
  const nul = pc.entries.find((e) => e.driver === "ecb-cipher_null");
  assert.equal(nul?.async, false);
  assert.equal(nul?.walksize, 1);
  assert.equal(pc.entries.find((e) => e.driver === "sha512-lib")?.digestsize, 64);
  assert.equal(pc.entries.filter((e) => e.seedsize !== undefined).length, 19);
});

test("parses the POWER8 4.10 sample: p8_aes_xts is a legacy blkcipher with geniv", () => {
  const pc = parseProcCrypto(fixture("power8-4.10-vmx-crypto.txt"));
  assert.equal(pc.problemCount, 0);
  const xts = pc.entries.find((e) => e.name === "xts(aes)");
  assert.equal(xts?.driver, "p8_aes_xts");
  assert.equal(xts?.type, "blkcipher");
  assert.equal(xts?.geniv, "<default>");
  assert.equal(xts?.minKeysize, 32);
  assert.equal(xts?.maxKeysize, 64);
  assert.equal(xts?.module, "vmx_crypto");
});

test("a truncated file: the cut record is kept with its missing fields named", () => {
  const pc = parseProcCrypto(fixture("truncated.txt"));
  assert.equal(pc.entries.length, 3);
  const last = pc.entries[2];
  assert.equal(last?.name, "ecdh-nist-p384");
  assert.deepEqual(last?.missing, ["priority", "type"]);
  assert.equal(pc.problemCount, 2, JSON.stringify(pc.problems));
  assert.ok(pc.problems.some((p) => p.line === 34 && /not a "key : value" line/.test(p.message)));
  assert.ok(pc.problems.some((p) => /lacks priority, type/.test(p.message)));
});

test("binary junk: bad lines become problems with line numbers, good records survive", () => {
  const pc = parseProcCrypto(fixture("junk.bin"));
  assert.deepEqual(
    pc.entries.map((e) => e.driver),
    ["cbc(ecb(aes-fixed-time))", "broken-generic", "sha256-junk"],
  );
  const msgs = pc.problems.map((p) => `${p.line}: ${p.message}`).join("\n");
  assert.match(msgs, /^1: field "priority" outside a record/m);
  assert.match(msgs, /priority is "high", not a number/);
  assert.match(msgs, /fips is "maybe", not yes or no/);
  assert.match(msgs, /line longer than 1024 characters ignored/);
  assert.match(msgs, /duplicate field "type" in sha256: first value kept/);
  assert.match(msgs, /not a "key : value" line/);
  const junk = pc.entries[2];
  assert.equal(junk?.type, "shash");
  assert.deepEqual(junk?.extra, { "weird field": "kept" });
  assert.ok(pc.problems.every((p) => p.line >= 0 && p.line <= pc.lines));
});

test("100,000 records: parsing stops at the record limit, says so, and stays fast", () => {
  const one = (i: number): string => alg(`a${i}`, `a${i}-generic`, i % 300, "shash");
  const text = Array.from({ length: 100_000 }, (_, i) => one(i)).join("");
  const t0 = performance.now();
  const pc = parseProcCrypto(text);
  const ms = performance.now() - t0;
  assert.equal(pc.entries.length, PROC_CRYPTO_MAX_ENTRIES);
  assert.equal(pc.truncated, true);
  assert.match(pc.problems.at(-1)?.message ?? "", /more than 20000 records/);
  assert.ok(ms < 5000, `took ${ms} ms`);
});

test("problems are capped but counted; an empty or blank input is no records", () => {
  const pc = parseProcCrypto("garbage\n".repeat(500));
  assert.equal(pc.problems.length, 50);
  assert.equal(pc.problemCount, 500);
  assert.deepEqual(parseProcCrypto("").entries, []);
  assert.deepEqual(parseProcCrypto("\n\n\n").entries, []);
});

test("larval records: type larval and flags in hex", () => {
  const pc = parseProcCrypto(
    rec({
      name: "xts(aes)",
      driver: "xts(aes)",
      module: "kernel",
      priority: -1,
      refcnt: 1,
      selftest: "unknown",
      internal: "no",
      type: "larval",
      flags: "0x00000405",
    }),
  );
  assert.equal(pc.problemCount, 0);
  assert.equal(pc.entries[0]?.flags, 0x405);
  assert.equal(pc.entries[0]?.priority, -1);
});

test("driver choice: the highest priority among tested, non-internal, matching type wins", () => {
  const { entries } = parseProcCrypto(
    alg("xts(aes)", "__xts-aes-aesni", 401, "skcipher", { internal: "yes" }) +
      alg("xts(aes)", "xts-aes-aesni", 401, "skcipher") +
      alg("xts(aes)", "xts(ecb(aes-generic))", 100, "skcipher") +
      alg("xts(aes)", "xts-aes-broken", 900, "skcipher", { selftest: "unknown" }),
  );
  const c = chooseDriver(entries, "xts(aes)", { api: "skcipher" });
  assert.equal(c.outcome, "ok");
  assert.equal(c.chosen?.driver, "xts-aes-aesni");
  assert.equal(c.exact, false);
  assert.match(
    c.candidates.find((x) => x.driver === "__xts-aes-aesni")?.excluded ?? "",
    /internal/,
  );
  assert.match(
    c.candidates.find((x) => x.driver === "xts-aes-broken")?.excluded ?? "",
    /self-test unknown/,
  );
  // An exact driver name wins over a higher priority.
  const e = chooseDriver(entries, "xts(ecb(aes-generic))", { api: "skcipher" });
  assert.equal(e.chosen?.driver, "xts(ecb(aes-generic))");
  assert.equal(e.exact, true);
});

test("driver choice: ties go to the first in list order (newest registration)", () => {
  const { entries } = parseProcCrypto(
    alg("sha256", "sha256-b", 300, "shash") + alg("sha256", "sha256-a", 300, "shash"),
  );
  assert.equal(chooseDriver(entries, "sha256", { api: "hash" }).chosen?.driver, "sha256-b");
});

test("driver choice: API type compatibility — blkcipher and lskcipher answer skcipher, cipher does not", () => {
  const pc = parseProcCrypto(fixture("power8-4.10-vmx-crypto.txt"));
  assert.equal(
    chooseDriver(pc.entries, "xts(aes)", { api: "skcipher" }).chosen?.driver,
    "p8_aes_xts",
  );
  const aes = chooseDriver(pc.entries, "aes", { api: "skcipher" });
  assert.equal(aes.outcome, "not-registered");
  assert.match(aes.candidates[0]?.excluded ?? "", /type cipher is not a skcipher/);
  assert.equal(chooseDriver(pc.entries, "aes", { api: "cipher" }).chosen?.driver, "p8_aes");
  const here = parseProcCrypto(fixture("x86_64-6.18-no-af-alg.txt"));
  assert.equal(
    chooseDriver(here.entries, "cbc(aes)", { api: "skcipher" }).chosen?.type,
    "lskcipher",
  );
  assert.equal(
    chooseDriver(here.entries, "stdrng", { api: "rng" }).chosen?.driver,
    "drbg_nopr_hmac_sha512",
  );
});

test("driver choice: untested only → ELIBBAD; larval only → pending; internal only; FIPS refusal", () => {
  const { entries } = parseProcCrypto(
    alg("cbc(aes)", "cbc-aes-bad", 300, "skcipher", { selftest: "unknown" }) +
      rec({
        name: "gcm(aes)",
        driver: "gcm(aes)",
        module: "kernel",
        priority: -1,
        refcnt: 1,
        selftest: "unknown",
        internal: "no",
        type: "larval",
        flags: "0x3",
      }) +
      alg("ghash", "__ghash-pclmul", 400, "shash", { internal: "yes" }) +
      alg("md5", "md5-generic", 0, "shash", { fips: "no" }),
  );
  const u = chooseDriver(entries, "cbc(aes)", { api: "skcipher" });
  assert.equal(u.outcome, "untested");
  assert.match(u.explanation, /ELIBBAD/);
  assert.equal(chooseDriver(entries, "gcm(aes)", { api: "aead" }).outcome, "pending");
  assert.equal(chooseDriver(entries, "ghash", { api: "hash" }).outcome, "internal-only");
  assert.equal(
    chooseDriver(entries, "md5", { api: "hash", fips: true }).outcome,
    "fips-disallowed",
  );
  assert.equal(chooseDriver(entries, "md5", { api: "hash" }).outcome, "ok");
  assert.equal(chooseDriver(entries, "sha3-256", { api: "hash" }).outcome, "not-registered");
});
