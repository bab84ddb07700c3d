import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  CIPHER_SUITES,
  EXTENSIONS,
  GREASE_VALUES,
  GROUPS,
  SIGNATURE_SCHEMES,
  SSLV2_CIPHER_KINDS,
  extensionLabel,
  groupByCode,
  isGrease,
  suiteByCode,
  suiteByName,
  suiteLabel,
  suitesFor,
} from "./index.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const MAPPING = "/etc/testssl/cipher-mapping.txt";

test("every suite testssl maps is here, once", () => {
  assert.ok(CIPHER_SUITES.length + SSLV2_CIPHER_KINDS.length >= 370);
  for (const table of [CIPHER_SUITES, SSLV2_CIPHER_KINDS]) {
    assert.equal(new Set(table.map((s) => s.code)).size, table.length);
  }
  assert.equal(suiteByCode(0x5600)?.scsv, true);
  assert.equal(suiteByCode(0x00ff)?.name, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
});

test("every cipher suite OpenSSL knows has OpenSSL's name, kx, au, enc, bits and mac here", () => {
  // -ciphersuites names every TLS 1.3 suite, CCM ones included (off by default).
  const all13 =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256";
  const r = spawnSync(
    "openssl",
    ["ciphers", "-V", "-ciphersuites", all13, "ALL:COMPLEMENTOFALL:@SECLEVEL=0"],
    {
      encoding: "utf8",
    },
  );
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.ok(lines.length > 100);
  for (const code of ["0x13,0x04", "0x13,0x05"])
    assert.ok(r.stdout.includes(code), `${code} listed`);
  for (const line of lines) {
    const m = /(0x..,0x..) - (\S+)\s+\S+\s+Kx=(\S+)\s+Au=(\S+)\s+Enc=(\S+)\s+Mac=(\S+)/.exec(
      line.trim(),
    );
    assert.ok(m, line);
    const [, hex, name, kx, au, enc, mac] = m;
    const s = CIPHER_SUITES.find((x) => x.hex === hex);
    assert.ok(s, `${hex} ${name} missing`);
    assert.equal(s.openssl, name, hex);
    assert.equal(s.kx, kx, name);
    assert.equal(s.au, au, name);
    assert.equal(s.mac, mac, name);
    // The two spellings testssl's table differs in, and nothing else:
    // OpenSSL writes CHACHA20/POLY1305(256) and None where testssl writes ChaCha20(256) and None(0).
    const ours = `${s.enc}(${s.bits})`
      .replace("ChaCha20(", "CHACHA20/POLY1305(")
      .replace("None(0)", "None");
    assert.equal(ours, enc, name);
    assert.equal(suiteByName(String(name))?.code, s.code, name);
  }
});

test("the generated files are what the script makes from the sources today", (t) => {
  if (!existsSync(MAPPING)) {
    t.skip(
      `${MAPPING} is absent (Debian package testssl.sh); scripts/setup-test-env.sh installs it`,
    );
    return;
  }
  const out = mkdtempSync(join(tmpdir(), "tlsd-reg-"));
  try {
    const r = spawnSync(process.execPath, [join(root, "scripts/gen-registry.mjs"), "--out", out], {
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    const dir = join(root, "src/wire/registry");
    const files = readdirSync(dir).filter((f) => f.endsWith(".generated.ts"));
    assert.equal(files.length, 4);
    for (const f of files) {
      assert.equal(
        readFileSync(join(out, f), "utf8"),
        readFileSync(join(dir, f), "utf8"),
        `${f} is stale: run node scripts/gen-registry.mjs`,
      );
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("the generator refuses a missing or malformed source with a clear message", () => {
  const dir = mkdtempSync(join(tmpdir(), "tlsd-reg-bad-"));
  try {
    const gen = join(root, "scripts/gen-registry.mjs");
    let r = spawnSync(process.execPath, [gen, "--out", dir, "--testssl", join(dir, "none")], {
      encoding: "utf8",
    });
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /cannot read .*cipher-mapping\.txt: ENOENT \(install the Debian package testssl\.sh\)/,
    );
    const bad = join(dir, "ts");
    spawnSync("mkdir", ["-p", bad]);
    spawnSync("sh", ["-c", `printf '0xC0,0x2F - X Y TLSv9 Kx=A\\n' > ${bad}/cipher-mapping.txt`]);
    r = spawnSync(process.execPath, [gen, "--out", dir, "--testssl", bad], { encoding: "utf8" });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /cipher-mapping\.txt:1: cannot parse/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("lookups: names both ways, labels for the unknown, GREASE, protocols", () => {
  assert.equal(suiteByName("ecdhe-rsa-aes128-gcm-sha256")?.code, 0xc02f);
  assert.equal(
    suiteByName("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")?.openssl,
    "ECDHE-RSA-AES128-GCM-SHA256",
  );
  assert.equal(suiteLabel(0xc02f), "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  assert.equal(suiteLabel(0xfafa), "0xFAFA");
  assert.equal(suiteByCode(0x0700c0)?.name, "SSL_CK_DES_192_EDE3_CBC_WITH_MD5");
  assert.equal(suiteByCode(0xcc13)?.iana, false);
  assert.equal(suiteByCode(0x16b7)?.iana, false, "CECPQ1 was never assigned");
  assert.equal(suiteByCode(0xc02f)?.iana, true);
  assert.deepEqual(
    suitesFor("TLSv1.3")
      .map((s) => s.code)
      .sort(),
    [0x1301, 0x1302, 0x1303, 0x1304, 0x1305],
  );
  assert.ok(suitesFor("TLSv1.2").length > suitesFor("TLSv1").length);
  assert.ok(suitesFor("SSLv3").every((s) => s.protocols.includes("SSLv3") && !s.scsv));
  assert.equal(groupByCode(29)?.name, "x25519");
  assert.equal(groupByCode(23)?.nodeCurve, "prime256v1");
  assert.equal(groupByCode(0x0100)?.kind, "ffdhe");
  assert.equal(groupByCode(0x11ec)?.kind, "hybrid");
  assert.equal(GREASE_VALUES.length, 16);
  assert.ok(GREASE_VALUES.every(isGrease));
  assert.ok(!isGrease(0x0a1a) && !isGrease(0x1301));
  assert.equal(extensionLabel(51), "key_share");
  assert.equal(extensionLabel(0x2a2a), "GREASE_0x2A2A");
  assert.equal(extensionLabel(0x7e57), "extension_0x7E57");
  assert.ok(SIGNATURE_SCHEMES.some((s) => s.name === "ed25519" && !s.legacy));
  assert.ok(EXTENSIONS.length > 50);
  assert.ok(GROUPS.filter((g) => g.kind === "grease").length === 16);
});
