import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { HostView } from "../core/index.js";
import {
  analyseGnutlsConf,
  gnutlsEnabledVersions,
  interpretGnutlsIni,
  parseGnutlsIni,
} from "./gnutls-conf.js";

let dir: string;
const live = new HostView("/");
before(() => {
  dir = mkdtempSync(join(tmpdir(), "tlsd-gnutlsconf-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));
const bytes = (s: string): Uint8Array => Buffer.from(s, "latin1");
const write = (name: string, s: string): string => {
  const p = join(dir, name);
  writeFileSync(p, bytes(s));
  return p;
};

describe("parseGnutlsIni (inih as GnuTLS builds it)", () => {
  test("sections, `=` and `:`, comments, inline `;` after whitespace, continuation lines", () => {
    const ini = parseGnutlsIni(
      bytes(
        [
          "\xEF\xBB\xBFSYSTEM = NORMAL:-VERS-TLS1.0",
          "# comment",
          "; comment",
          "[Overrides]",
          "disabled-version : tls1.0 ; trailing comment",
          "insecure-sig = rsa-sha1;not-a-comment",
          "disabled-version = tls1.1",
          "   tls1.2",
        ].join("\n"),
      ),
    );
    assert.equal(ini.errorLine, undefined);
    assert.deepEqual(
      ini.entries.map((e) => [e.section, e.name, e.value, e.line]),
      [
        ["", "SYSTEM", "NORMAL:-VERS-TLS1.0", 1],
        ["Overrides", "disabled-version", "tls1.0", 5],
        ["Overrides", "insecure-sig", "rsa-sha1;not-a-comment", 6],
        ["Overrides", "disabled-version", "tls1.1", 7],
        ["Overrides", "disabled-version", "tls1.2", 8],
      ],
    );
  });

  test("errors: a line without `=`, an unclosed section; a 2048-byte line splits", () => {
    assert.equal(parseGnutlsIni(bytes("[overrides]\nfoo\n")).errorLine, 2);
    assert.equal(parseGnutlsIni(bytes("[overrides\n")).errorLine, 1);
    assert.equal(parseGnutlsIni(bytes(`#${"x".repeat(2046)}\n[o]\n`)).errorLine, undefined);
    assert.equal(parseGnutlsIni(bytes(`#${"x".repeat(2047)}\n[o]\n`)).errorLine, 2);
  });

  test("GnuTLS semantics: blocklist, allowlist, unknown keys and values, profiles", () => {
    const block = interpretGnutlsIni(
      "f",
      parseGnutlsIni(
        bytes(
          "[overrides]\ndisabled-version = TLS1.0\ntls-disabled-version = tls1.1\ndisabled-version = tls9\nmin-verification-profile = medium\ninsecure-hash = sha1\n[weird]\nx = 1\n",
        ),
      ),
    );
    assert.deepEqual(block.disabledVersions, [{ version: "TLS1.0", line: 2 }]);
    assert.deepEqual(
      block.ignored.map((i) => i.why),
      ["unknown option tls-disabled-version", "unknown section [weird]", "unknown version tls9"],
    );
    assert.deepEqual(block.minProfile, { profile: "medium", rsaBits: 2048, line: 5 });
    assert.deepEqual(gnutlsEnabledVersions(block), [
      "TLS1.3",
      "TLS1.2",
      "TLS1.1",
      "DTLS1.2",
      "DTLS1.0",
    ]);

    const allow = interpretGnutlsIni(
      "f",
      parseGnutlsIni(
        bytes(
          "[global]\noverride-mode = allowlist\n[overrides]\nenabled-version = TLS1.2\nenabled-version = TLS1.3\ndisabled-version = TLS1.2\nsecure-hash = SHA256\n",
        ),
      ),
    );
    assert.equal(allow.overrideMode, "allowlist");
    assert.deepEqual(gnutlsEnabledVersions(allow, "@SYSTEM"), ["TLS1.3", "TLS1.2"]);
    assert.deepEqual(gnutlsEnabledVersions(allow, "NORMAL"), [
      "TLS1.3",
      "TLS1.2",
      "TLS1.1",
      "TLS1.0",
      "DTLS1.2",
      "DTLS1.0",
    ]);
    assert.equal(allow.ignored[0]?.why, "disabled-version is not allowed in allowlist mode");
    assert.ok(allow.insecureHashes.some((h) => h.hash === "SHA1"));

    const broken = analyseGnutlsConf(
      live,
      write("broken.cfg", "[overrides]\ndisabled-version = tls1.0\noops\n"),
    );
    assert.equal(broken.loaded, false);
    assert.equal(broken.error?.line, 3);
    assert.deepEqual(gnutlsEnabledVersions(broken), [
      "TLS1.3",
      "TLS1.2",
      "TLS1.1",
      "TLS1.0",
      "DTLS1.2",
      "DTLS1.0",
    ]);
    assert.equal(analyseGnutlsConf(live, join(dir, "none.cfg")).exists, false);
  });
});

// Differential: gnutls-cli --list --priority NORMAL prints the versions the
// library enables under GNUTLS_SYSTEM_PRIORITY_FILE.
function gnutlsVersions(file: string, priority = "NORMAL"): string[] | "error" | undefined {
  const r = spawnSync("gnutls-cli", ["--list", "--priority", priority], {
    env: { ...process.env, GNUTLS_SYSTEM_PRIORITY_FILE: file },
    encoding: "utf8",
    timeout: 10_000,
  });
  if (r.error) return undefined;
  const m = /^Protocols: (.*)$/m.exec(r.stdout);
  return m ? (m[1] ?? "").split(", ").map((v) => v.replace(/^VERS-/, "")) : "error";
}

describe("GnuTLS configuration against gnutls-cli (differential)", () => {
  test("random files: the versions NORMAL keeps agree", (t) => {
    if (gnutlsVersions("/nonexistent") === undefined)
      return t.skip("gnutls-cli (gnutls-bin) is not installed");
    const line = fc.oneof(
      fc.constantFrom(
        "[overrides]",
        "[Overrides]",
        "[global]",
        "[priorities]",
        "[other]",
        "[broken",
        "# c",
        "; c",
        "",
        "disabled-version = tls1.0",
        "disabled-version=TLS1.1",
        "Disabled-Version : tls1.2",
        "disabled-version = dtls1.0",
        "disabled-version = tls1.0 ; c",
        "disabled-version = tls1.1;x",
        "  tls1.0",
        "\ttls1.1",
        "disabled-version = tls9",
        "tls-disabled-version = tls1.0",
        "insecure-hash = sha1",
        "foo = bar",
        "SYSTEM = NORMAL",
        "no equals sign",
        `# ${"x".repeat(2100)}`,
        `#${"x".repeat(2050)}=y`,
      ),
      fc.constant("\xEF\xBB\xBF[overrides]"),
    );
    const files = fc.sample(
      fc.array(line, { maxLength: 10 }).map((ls) => ls.join("\n")),
      { numRuns: 150, seed: 7 },
    );
    let parseErrors = 0;
    files.forEach((text, i) => {
      const p = write(`r${i}.cfg`, text);
      const conf = analyseGnutlsConf(live, p);
      if (!conf.loaded) parseErrors++;
      assert.deepEqual(
        gnutlsEnabledVersions(conf),
        gnutlsVersions(p),
        `sample ${i}: ${JSON.stringify(text.slice(0, 300))}`,
      );
    });
    assert.ok(
      parseErrors > 10 && parseErrors < 140,
      `${parseErrors} of 150 samples failed to parse`,
    );
  });

  test("an allowlist like crypto-policies' DEFAULT back-end agrees", (t) => {
    if (gnutlsVersions("/nonexistent") === undefined)
      return t.skip("gnutls-cli (gnutls-bin) is not installed");
    const p = write(
      "allow.cfg",
      [
        "[global]",
        "override-mode = allowlist",
        "",
        "[overrides]",
        "secure-hash = SHA256",
        "secure-sig = RSA-SHA256",
        "secure-sig = ECDSA-SHA256",
        "tls-enabled-mac = AEAD",
        "tls-enabled-group = GROUP-SECP256R1",
        "tls-enabled-group = GROUP-X25519",
        "enabled-curve = SECP256R1",
        "enabled-curve = X25519",
        "tls-enabled-cipher = AES-128-GCM",
        "tls-enabled-kx = ECDHE-RSA",
        "enabled-version = TLS1.3",
        "enabled-version = TLS1.2",
        "min-verification-profile = medium",
      ].join("\n"),
    );
    const conf = analyseGnutlsConf(live, p);
    const sorted = (v: string[] | string | undefined): unknown =>
      Array.isArray(v) ? [...v].sort() : v;
    // @SYSTEM is built from the allowlist; an explicit NORMAL keeps all of its versions.
    assert.deepEqual(
      sorted(gnutlsEnabledVersions(conf, "@SYSTEM")),
      sorted(gnutlsVersions(p, "@SYSTEM")),
    );
    assert.deepEqual(gnutlsEnabledVersions(conf, "NORMAL"), gnutlsVersions(p, "NORMAL"));
    assert.equal(conf.minProfile?.rsaBits, 2048);
  });
});
