import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { HostView, type Finding } from "../core/index.js";
import { analyseTlsConfig, gatherTlsConfigLive, type TlsConfigAnalysis } from "../host/index.js";
import { freePort, spawnServer, type RunningServer } from "../test/harness/process.js";
import { tlsConfigFindings, tlsConfigSections } from "./host-tls-config.js";

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "tlsd-tlsconf-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function put(root: string, path: string, data: string | Uint8Array): string {
  const p = join(root, path);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, data);
  return p;
}
const lineOf = (text: string, needle: string): number =>
  text.split("\n").findIndex((l) => l.includes(needle)) + 1;
const byId = (fs: readonly Finding[], id: string, lib = ""): Finding[] =>
  fs.filter((f) => f.id === id && f.title.includes(lib));
const evidence = (f: Finding | undefined): string =>
  (f?.evidence ?? []).map((e) => `${e.label}: ${e.value}`).join("\n");

/** Debian 10's /etc/ssl/openssl.cnf tail: the system_default that made TLS 1.0 fail in 2019. */
const DEBIAN10 = [
  "HOME = .",
  "openssl_conf = default_conf",
  "",
  "[ req ]",
  "default_bits = 2048",
  "",
  "[default_conf]",
  "ssl_conf = ssl_sect",
  "",
  "[ssl_sect]",
  "system_default = system_default_sect",
  "",
  "[system_default_sect]",
  "MinProtocol = TLSv1.2",
  "CipherString = DEFAULT@SECLEVEL=2",
  "",
].join("\n");

describe("TLS configuration findings on sysroots", () => {
  test("a Debian sysroot with MinProtocol = TLSv1.2 and @SECLEVEL=2", () => {
    const root = join(dir, "debian");
    put(root, "etc/os-release", 'ID=debian\nVERSION_ID="10"\n');
    put(root, "etc/ssl/openssl.cnf", DEBIAN10);
    mkdirSync(join(root, "usr/lib/ssl"), { recursive: true });
    symlinkSync("/etc/ssl/openssl.cnf", join(root, "usr/lib/ssl/openssl.cnf"));
    const a = analyseTlsConfig(new HostView(root));
    assert.equal(a.openssl?.configPath, "/usr/lib/ssl/openssl.cnf");
    assert.equal(a.openssl?.configRealPath, "/etc/ssl/openssl.cnf");
    assert.ok(
      a.skipped.some((s) => s.check === "openssl-library"),
      "the missing library is said, not hidden",
    );
    const fs = tlsConfigFindings(a);
    const [tls] = byId(fs, "TLS_CONFIG_FORBIDS_TLS10");
    assert.equal(tls?.severity, "warning");
    assert.match(tls?.title ?? "", /refuses TLS 1\.0 and TLS 1\.1 \(MinProtocol = TLSv1\.2\)/);
    assert.match(
      evidence(tls),
      new RegExp(
        `MinProtocol = TLSv1\\.2 \\(/etc/ssl/openssl\\.cnf:${lineOf(DEBIAN10, "MinProtocol")}\\)`,
      ),
    );
    assert.match(evidence(tls), /0A00042E:SSL routines::tlsv1 alert protocol version/);
    const [keys] = byId(fs, "TLS_CONFIG_FORBIDS_SMALL_KEYS");
    assert.equal(keys?.severity, "warning");
    assert.match(keys?.title ?? "", /under 2048 bits \(security level 2\)/);
    assert.match(
      evidence(keys),
      new RegExp(
        `CipherString = DEFAULT@SECLEVEL=2 \\(/etc/ssl/openssl\\.cnf:${lineOf(DEBIAN10, "CipherString")}\\)`,
      ),
    );
    // SHA-1 is refused at OpenSSL 3's default level 1 already: information, not a warning.
    assert.equal(byId(fs, "TLS_CONFIG_FORBIDS_SHA1")[0]?.severity, "info");
    assert.deepEqual(byId(fs, "TLS_CONFIG_PARSE_ERROR"), []);
    const table = tlsConfigSections(a).find((s) => s.kind === "table");
    assert.ok(table && table.kind === "table" && table.rows.length === 2);
  });

  test("a syntax error anywhere makes OpenSSL drop the whole file: the finding says so, with file:line", () => {
    const root = join(dir, "broken");
    put(root, "etc/os-release", "ID=debian\n");
    const text = DEBIAN10 + "[oops\n";
    put(root, "usr/lib/ssl/openssl.cnf", text);
    const fs = tlsConfigFindings(analyseTlsConfig(new HostView(root)));
    const [p] = byId(fs, "TLS_CONFIG_PARSE_ERROR");
    assert.match(
      p?.title ?? "",
      /missing close square bracket, and silently runs without any of it/,
    );
    assert.match(evidence(p), new RegExp(`/usr/lib/ssl/openssl\\.cnf:${lineOf(text, "[oops")}`));
    // Nothing in a file OpenSSL ignores is in force: only the library's own level is.
    const tls = byId(fs, "TLS_CONFIG_FORBIDS_TLS10");
    assert.deepEqual(
      tls.map((f) => f.severity),
      ["info"],
    );
    assert.doesNotMatch(evidence(tls[0]), /MinProtocol/);
  });

  test("a RHEL-like sysroot: crypto-policies DEFAULT through openssl.cnf's include and GnuTLS's back-end", () => {
    const root = join(dir, "rhel");
    put(root, "etc/os-release", 'ID="rhel"\nID_LIKE="fedora"\nVERSION_ID="9.4"\n');
    // Only these strings of the libraries are read (what OpenSSL_version() and GnuTLS print).
    put(
      root,
      "usr/lib64/libcrypto.so.3",
      '\0OpenSSL 3.0.7 1 Nov 2022\0\0OPENSSLDIR: "/etc/pki/tls"\0\0MODULESDIR: "/usr/lib64/ossl-modules"\0compiler: gcc -O2\0',
    );
    put(
      root,
      "usr/lib64/libgnutls.so.30",
      "\0Enabled GnuTLS 3.7.6 logging...\n\0/etc/crypto-policies/back-ends/gnutls.config\0",
    );
    const cnf = [
      "HOME = .",
      "openssl_conf = openssl_init",
      "[openssl_init]",
      "providers = provider_sect",
      "ssl_conf = ssl_module",
      "alg_section = evp_properties",
      "[ evp_properties ]",
      "[provider_sect]",
      "default = default_sect",
      "[default_sect]",
      "activate = 1",
      "[ ssl_module ]",
      "system_default = crypto_policy",
      "[ crypto_policy ]",
      ".include = /etc/crypto-policies/back-ends/opensslcnf.config",
      "",
    ].join("\n");
    put(root, "etc/pki/tls/openssl.cnf", cnf);
    const opensslcnf = [
      "CipherString = @SECLEVEL=2:kEECDH:kRSA:kEDH:kPSK:kDHEPSK:kECDHEPSK:kRSAPSK:-aDSS:-3DES:!DES:!RC4:!RC2:!IDEA:-SEED:!eNULL:!aNULL:!MD5:-SHA384:-CAMELLIA:-ARIA:-AESCCM8",
      "Ciphersuites = TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:TLS_AES_128_CCM_SHA256",
      "TLS.MinProtocol = TLSv1.2",
      "TLS.MaxProtocol = TLSv1.3",
      "DTLS.MinProtocol = DTLSv1.2",
      "DTLS.MaxProtocol = DTLSv1.2",
      "SignatureAlgorithms = ECDSA+SHA256:ECDSA+SHA384:ECDSA+SHA512:ed25519:ed448:rsa_pss_pss_sha256:rsa_pss_rsae_sha256:RSA+SHA256:RSA+SHA384:RSA+SHA512",
      "Groups = X25519:secp256r1:X448:secp521r1:secp384r1:ffdhe2048:ffdhe3072",
      "",
      "[openssl_init]",
      "alg_section = evp_properties",
      "",
      "[evp_properties]",
      "rh-allow-sha1-signatures = no",
      "",
    ].join("\n");
    const gnutls = [
      "[global]",
      "override-mode = allowlist",
      "",
      "[overrides]",
      "secure-hash = SHA256",
      "secure-sig = RSA-SHA256",
      "secure-sig-for-cert = RSA-SHA256",
      "tls-enabled-mac = AEAD",
      "tls-enabled-cipher = AES-256-GCM",
      "enabled-version = TLS1.3",
      "enabled-version = TLS1.2",
      "enabled-version = DTLS1.2",
      "min-verification-profile = medium",
      "",
    ].join("\n");
    put(root, "usr/share/crypto-policies/DEFAULT/opensslcnf.txt", opensslcnf);
    put(root, "usr/share/crypto-policies/DEFAULT/gnutls.txt", gnutls);
    mkdirSync(join(root, "etc/crypto-policies/back-ends"), { recursive: true });
    symlinkSync(
      "/usr/share/crypto-policies/DEFAULT/opensslcnf.txt",
      join(root, "etc/crypto-policies/back-ends/opensslcnf.config"),
    );
    symlinkSync(
      "/usr/share/crypto-policies/DEFAULT/gnutls.txt",
      join(root, "etc/crypto-policies/back-ends/gnutls.config"),
    );
    put(root, "etc/crypto-policies/config", "DEFAULT\n");
    put(root, "etc/crypto-policies/state/current", "DEFAULT\n");
    utimesSync(join(root, "etc/crypto-policies/config"), 1_700_000_000, 1_700_000_000);

    const a: TlsConfigAnalysis = analyseTlsConfig(new HostView(root));
    assert.equal(a.openssl?.configPath, "/etc/pki/tls/openssl.cnf");
    assert.equal(a.openssl?.library?.version, "3.0.7");
    assert.equal(a.openssl?.policyIncluded, true);
    assert.equal(a.gnutls?.configPath, "/etc/crypto-policies/back-ends/gnutls.config");
    assert.equal(a.gnutls?.configFrom, "library");
    const fs = tlsConfigFindings(a);
    const policyFile = "/usr/share/crypto-policies/DEFAULT/opensslcnf.txt";
    const [tls] = byId(fs, "TLS_CONFIG_FORBIDS_TLS10", "OpenSSL");
    assert.equal(tls?.severity, "warning");
    assert.match(
      evidence(tls),
      new RegExp(
        `setting \\(crypto-policy\\): TLS\\.MinProtocol = TLSv1\\.2 \\(${policyFile}:3\\)`,
      ),
    );
    const [sha1] = byId(fs, "TLS_CONFIG_FORBIDS_SHA1", "OpenSSL");
    assert.equal(sha1?.severity, "warning");
    assert.match(evidence(sha1), /rh-allow-sha1-signatures = no/);
    assert.match(
      evidence(byId(fs, "TLS_CONFIG_FORBIDS_SMALL_KEYS", "OpenSSL")[0]),
      new RegExp(`${policyFile}:1`),
    );
    assert.match(
      byId(fs, "TLS_CONFIG_FORBIDS_TLS10", "GnuTLS")[0]?.title ?? "",
      /@SYSTEM\) leaves out TLS 1\.0 and TLS 1\.1/,
    );
    assert.equal(byId(fs, "TLS_CONFIG_FORBIDS_SMALL_KEYS", "GnuTLS")[0]?.severity, "warning");
    assert.ok(byId(fs, "TLS_CONFIG_FORBIDS_SHA1", "GnuTLS").length === 1);
    assert.deepEqual(
      fs.filter((f) =>
        [
          "CRYPTO_POLICY_NOT_APPLIED",
          "TLS_CONFIG_INVALID_SETTING",
          "TLS_CONFIG_PARSE_ERROR",
        ].includes(f.id),
      ),
      [],
      "the RHEL layout is consistent and the DTLS.MinProtocol twin is not a problem",
    );

    // openssl.cnf without the include: OpenSSL does not follow the policy.
    put(root, "etc/pki/tls/openssl.cnf", cnf.replace(/^\.include.*$/m, "MinProtocol = TLSv1"));
    const b = tlsConfigFindings(analyseTlsConfig(new HostView(root)));
    assert.match(
      byId(b, "CRYPTO_POLICY_NOT_APPLIED")[0]?.detail ?? "",
      /does not include \/etc\/crypto-policies\/back-ends\/opensslcnf\.config/,
    );
    assert.deepEqual(
      byId(b, "TLS_CONFIG_FORBIDS_TLS10", "OpenSSL").map((f) => f.severity),
      ["info"],
    );
  });

  test("providers: an explicit section without default, a missing module, and modules that fail", () => {
    const root = join(dir, "prov");
    put(root, "etc/os-release", "ID=debian\n");
    put(
      root,
      "usr/lib/ssl/openssl.cnf",
      "openssl_conf = init\n[init]\nproviders = ps\n[ps]\nlegacy = ls\n[ls]\nactivate = 1\n",
    );
    const fs = tlsConfigFindings(analyseTlsConfig(new HostView(root)));
    assert.equal(byId(fs, "TLS_CONFIG_DEFAULT_PROVIDER_NOT_LOADED")[0]?.severity, "error");
    put(
      root,
      "usr/lib/ssl/openssl.cnf",
      "config_diagnostics = 1\nopenssl_conf = init\n[init]\nfoo = bar\nssl_conf = ssl\n[ssl]\nsystem_default = sd\n[sd]\nMinProtocol = TLSv1.3\nminprotocol = tlsv1.2\n",
    );
    const a = analyseTlsConfig(new HostView(root));
    const g = tlsConfigFindings(a);
    assert.deepEqual(
      byId(g, "TLS_CONFIG_INVALID_SETTING").map((f) => [f.severity, f.title.slice(0, 40)]),
      [["error", "OpenSSL module foo fails: unknown module"]],
    );
    assert.equal(
      a.openssl?.modules.systemDefault,
      undefined,
      "modules after a failing one are not loaded",
    );
  });
});

describe("TLS configuration of this machine", () => {
  test("live facts and the library identity agree with `openssl version -a`", () => {
    const live = gatherTlsConfigLive();
    assert.equal(live.error, undefined);
    const a = analyseTlsConfig(new HostView("/"), live);
    const lib = a.openssl?.library;
    assert.ok(lib, "libcrypto found through ld.so.cache");
    const v = execFileSync("openssl", ["version", "-a"], { encoding: "utf8" });
    assert.equal(lib.opensslDir, /OPENSSLDIR: "([^"]*)"/.exec(v)?.[1]);
    assert.ok(v.startsWith(`OpenSSL ${lib.version} `), v.split("\n")[0]);
    const lvl = /-DOPENSSL_TLS_SECURITY_LEVEL=(\d)/.exec(v)?.[1];
    assert.equal(lib.compiledSecLevel, lvl === undefined ? undefined : Number(lvl));
    const fs = tlsConfigFindings(a);
    assert.equal(
      byId(fs, "TLS_CONFIG_FORBIDS_SMALL_KEYS", "OpenSSL").length,
      (a.openssl?.limits.secLevel ?? 0) >= 1 ? 1 : 0,
    );
    assert.ok(tlsConfigSections(a)[0]?.kind === "fields");
    assert.deepEqual(JSON.parse(JSON.stringify(live)), live, "live facts are plain JSON");
  });
});

// ---------------------------------------------------------------------------
// Differential: the error texts the findings predict, seen on real handshakes.
// ---------------------------------------------------------------------------

describe("predicted errors appear on real handshakes (openssl s_server / s_client, gnutls-cli)", () => {
  let pki: string;
  const servers: RunningServer[] = [];
  const ports: Record<string, number> = {};
  let haveGnutls = true;
  before(async () => {
    pki = join(dir, "pki");
    mkdirSync(pki, { recursive: true });
    const ossl = (...args: string[]): void =>
      void execFileSync("openssl", args, { cwd: pki, stdio: "ignore" });
    ossl(
      "req",
      "-x509",
      "-newkey",
      "rsa:1024",
      "-nodes",
      "-keyout",
      "k1024.pem",
      "-out",
      "c1024.pem",
      "-subj",
      "/CN=localhost",
      "-days",
      "2",
    );
    ossl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key");
    ossl("req", "-x509", "-key", "ca.key", "-out", "ca.pem", "-subj", "/CN=Test CA", "-days", "2");
    ossl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "leaf.key");
    ossl("req", "-new", "-key", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=localhost");
    ossl(
      "x509",
      "-req",
      "-in",
      "leaf.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-sha1",
      "-days",
      "2",
      "-out",
      "leaf-sha1.pem",
    );
    ossl(
      "x509",
      "-req",
      "-in",
      "leaf.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-sha256",
      "-days",
      "2",
      "-out",
      "leaf.pem",
    );
    // The servers run at level 0 so that they offer what old peers offer.
    put(
      pki,
      "server.cnf",
      "openssl_conf = i\n[i]\nssl_conf = s\n[s]\nsystem_default = d\n[d]\nCipherString = ALL@SECLEVEL=0\nMinProtocol = TLSv1\n",
    );
    put(pki, "debian10.cnf", DEBIAN10);
    const start = async (
      name: string,
      cert: string,
      key: string,
      extra: string[],
    ): Promise<void> => {
      const port = await freePort();
      servers.push(
        await spawnServer({
          name,
          command: "openssl",
          args: [
            "s_server",
            "-accept",
            `127.0.0.1:${port}`,
            "-cert",
            cert,
            "-key",
            key,
            "-www",
            "-quiet",
            ...extra,
          ],
          port,
          cwd: pki,
          env: { ...process.env, OPENSSL_CONF: join(pki, "server.cnf") },
          readyTimeoutMs: 5000,
        }),
      );
      ports[name] = port;
    };
    await start("rsa1024", "c1024.pem", "k1024.pem", []);
    await start("tls10", "leaf.pem", "leaf.key", ["-tls1"]);
    await start("sha1", "leaf-sha1.pem", "leaf.key", []);
    await start("tls12", "leaf.pem", "leaf.key", ["-tls1_2"]);
    haveGnutls = spawnSync("gnutls-cli", ["--version"]).status === 0;
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  const client = (server: string, conf: string, ca: string): string => {
    const r = spawnSync(
      "openssl",
      [
        "s_client",
        "-connect",
        `127.0.0.1:${ports[server]}`,
        "-verify_return_error",
        "-CAfile",
        join(pki, ca),
        "-servername",
        "localhost",
      ],
      {
        input: "",
        env: { ...process.env, OPENSSL_CONF: conf },
        encoding: "utf8",
        timeout: 10_000,
      },
    );
    return `${r.stdout}\n${r.stderr}`;
  };
  const expectBoth = (f: Finding | undefined, out: string, code: string, reason: string): void => {
    const ev = evidence(f);
    assert.ok(
      ev.includes(code) && ev.includes(reason),
      `the finding predicts ${code} ${reason}:\n${ev}`,
    );
    assert.ok(
      out.includes(code) && out.includes(reason),
      `the handshake shows ${code} ${reason}:\n${out}`,
    );
  };
  const analyse = (env: Record<string, string>): Finding[] =>
    tlsConfigFindings(
      analyseTlsConfig(new HostView("/"), {
        env: { ...gatherTlsConfigLive().env, ...env },
        cwd: pki,
      }),
    );

  test("Debian 10 config: 1024-bit server key, TLS 1.0 server, SHA-1-signed chain", () => {
    const conf = join(pki, "debian10.cnf");
    const fs = analyse({ OPENSSL_CONF: conf });
    const keys = byId(fs, "TLS_CONFIG_FORBIDS_SMALL_KEYS", "OpenSSL")[0];
    const out1 = client("rsa1024", conf, "c1024.pem");
    expectBoth(keys, out1, "0A000086", "certificate verify failed");
    expectBoth(keys, out1, "num=66", "EE certificate key too weak");
    expectBoth(
      byId(fs, "TLS_CONFIG_FORBIDS_TLS10", "OpenSSL")[0],
      client("tls10", conf, "ca.pem"),
      "0A00042E",
      "tlsv1 alert protocol version",
    );
    expectBoth(
      byId(fs, "TLS_CONFIG_FORBIDS_SHA1", "OpenSSL")[0],
      client("sha1", conf, "ca.pem"),
      "num=68",
      "CA signature digest algorithm too weak",
    );
  });

  test("module chain: a failing module stops the ones after it, as OpenSSL does", () => {
    // Each file ends with a system_default of MinProtocol = TLSv1.3; the server speaks only TLS 1.2.
    const tail = "[ssl]\nsystem_default = sd\n[sd]\nMinProtocol = TLSv1.3\n";
    const cases: Record<string, string> = {
      plain: "openssl_conf = init\n[init]\nssl_conf = ssl\n",
      missingProviderSection:
        "openssl_conf = init\n[init]\nproviders = ps\nssl_conf = ssl\n[ps]\ndefault = nosuch\n",
      unknownAlgOption:
        "openssl_conf = init\n[init]\nalg_section = al\nssl_conf = ssl\n[al]\nbogus = 1\n",
      badFipsMode:
        "openssl_conf = init\n[init]\nalg_section = al\nssl_conf = ssl\n[al]\nfips_mode = maybe\n",
      unknownModuleAfter: "openssl_conf = init\n[init]\nssl_conf = ssl\nfoo = bar\n",
      unknownModuleBefore: "openssl_conf = init\n[init]\nfoo = bar\nssl_conf = ssl\n",
      activateZero:
        "openssl_conf = init\n[init]\nproviders = ps\nssl_conf = ssl\n[ps]\ndefault = ds\n[ds]\nactivate = 0\n",
    };
    for (const [name, head] of Object.entries(cases)) {
      const conf = put(pki, `chain-${name}.cnf`, head + tail);
      const a = analyseTlsConfig(new HostView("/"), { env: { OPENSSL_CONF: conf }, cwd: pki });
      const predicted = a.openssl?.limits.minProtocol?.version === "TLSv1.3";
      const refused = client("tls12", conf, "ca.pem").includes("tlsv1 alert protocol version");
      assert.equal(
        predicted,
        refused,
        `${name}: predicted system_default ${predicted ? "applied" : "not applied"}`,
      );
    }
  });

  test("no configuration at all: the library's own level decides, and the finding says which error", () => {
    const none = join(pki, "does-not-exist.cnf");
    const fs = analyse({ OPENSSL_CONF: none });
    assert.equal(byId(fs, "TLS_CONFIG_UNREADABLE").length, 1);
    const tls = byId(fs, "TLS_CONFIG_FORBIDS_TLS10", "OpenSSL")[0];
    const out = client("tls10", none, "ca.pem");
    if (tls?.title.includes("ECDHE"))
      expectBoth(tls, out, "0A00014D", "legacy sigalg disallowed or unsupported");
    else expectBoth(tls, out, "0A0000BF", "no protocols available");
  });

  test("GnuTLS system file: disabled-version and min-verification-profile", (t) => {
    if (!haveGnutls) return t.skip("gnutls-cli (gnutls-bin) is not installed");
    const file = put(
      pki,
      "gnutls.config",
      "[overrides]\ndisabled-version = tls1.0\ndisabled-version = tls1.1\nmin-verification-profile = medium\n",
    );
    const fs = analyse({ GNUTLS_SYSTEM_PRIORITY_FILE: file });
    const gcli = (server: string, ca: string): string => {
      const r = spawnSync(
        "gnutls-cli",
        [
          "-p",
          String(ports[server]),
          "127.0.0.1",
          "--verify-hostname",
          "localhost",
          `--x509cafile=${join(pki, ca)}`,
        ],
        {
          input: "",
          env: { ...process.env, GNUTLS_SYSTEM_PRIORITY_FILE: file },
          encoding: "utf8",
          timeout: 10_000,
        },
      );
      return `${r.stdout}\n${r.stderr}`;
    };
    expectBoth(
      byId(fs, "TLS_CONFIG_FORBIDS_TLS10", "GnuTLS")[0],
      gcli("tls10", "ca.pem"),
      "Received alert [70]",
      "Error in protocol version",
    );
    expectBoth(
      byId(fs, "TLS_CONFIG_FORBIDS_SMALL_KEYS", "GnuTLS")[0],
      gcli("rsa1024", "c1024.pem"),
      "NOT trusted",
      "The certificate chain uses insecure algorithm",
    );
  });
});
