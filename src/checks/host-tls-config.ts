/**
 * Findings about the TLS library configuration: what OpenSSL's and GnuTLS's
 * system settings forbid that peers still commonly need, each with the exact
 * error text the refusal produces (verified with openssl s_client/s_server and
 * gnutls-cli 3.7.9 on Debian 12's OpenSSL 3.0; see docs/findings.md).
 * These are policy choices, so at most warnings: `info` when upstream's own
 * default already imposes the restriction, `warning` when a configuration
 * file, a crypto-policy or the distribution's build added it.
 */
import {
  finding,
  type Evidence,
  type Finding,
  type Section,
  type Severity,
} from "../core/index.js";
import {
  cryptoPolicyName,
  gnutlsEnabledVersions,
  KNOWN_CRYPTO_POLICIES,
  type TlsConfigSource,
  type TlsConfigAnalysis,
  type TlsVersionVerdict,
} from "../host/index.js";

const at = (s: { file?: string; line?: number }): string =>
  s.file === undefined ? "" : s.line ? ` (${s.file}:${s.line})` : ` (${s.file})`;
const src = (s: TlsConfigSource): Evidence => ({
  label: `setting (${s.origin})`,
  value: `${s.what}${at(s)}`,
});
const sev = (origins: readonly TlsConfigSource["origin"][]): Severity =>
  origins.every((o) => o === "library default") ? "info" : "warning";
const err = (side: string, text: string): Evidence => ({ label: `error (${side})`, value: text });

const WHO_OLD_TLS =
  "peers that only speak TLS 1.0/1.1: Windows 7 / Server 2008 R2 and older without the TLS 1.2 update, Java 6 and early Java 7 clients, Android 4.3 and older, printers and scanners that send mail, BMC/IPMI and UPS management cards, older embedded and POS devices, legacy mail servers";
const WHO_SHA1 =
  "servers and clients whose certificate chain is signed with SHA-1 (enterprise CAs set up before 2017, appliance certificates, old mail servers), and TLS 1.2 peers that can only sign with rsa_pkcs1_sha1 or ecdsa_sha1";
const WHO_KEYS =
  "1024-bit RSA certificates (BMCs such as iLO/iDRAC, printers, NAS boxes, VoIP phones, old appliances) and servers with 1024-bit DH parameters (old dhparam files of Postfix, Dovecot, Exim; Java 7)";
const REFS_LEVEL = [
  "SSL_CTX_set_security_level(3)",
  "OpenSSL ssl/ssl_cert.c ssl_security_default_callback()",
  "migration_guide(7): SHA-1 signatures rated at 64 bits",
];

/** Findings for one TLS configuration analysis. */
export function tlsConfigFindings(a: TlsConfigAnalysis): Finding[] {
  return [...opensslFindings(a), ...gnutlsFindings(a), ...policyFindings(a)];
}

function libLabel(a: TlsConfigAnalysis): Evidence {
  const l = a.openssl?.library;
  return {
    label: "library",
    value: l ? `OpenSSL ${l.version ?? "?"} (${l.path})` : "OpenSSL not found; 3.0 rules assumed",
  };
}

function opensslFindings(a: TlsConfigAnalysis): Finding[] {
  const o = a.openssl;
  if (!o) return [];
  const out: Finding[] = [];
  const cfg: Evidence = {
    label: "config file",
    value:
      o.configPath === o.configRealPath
        ? `${o.configPath} (${o.configFrom})`
        : `${o.configPath} → ${o.configRealPath} (${o.configFrom})`,
  };
  const c = o.conf;
  if (c.error || (!c.loaded && !c.missing)) {
    out.push(
      finding({
        id: "TLS_CONFIG_PARSE_ERROR",
        severity: "warning",
        side: "host",
        title: `OpenSSL cannot load ${o.configPath}${c.error?.reason ? `: ${c.error.reason}` : ""}, and silently runs without any of it`,
        detail: `NCONF_load() fails (${c.error?.message ?? "unreadable"}), and OpenSSL's automatic configuration ignores the failure: no system_default (MinProtocol, CipherString), no providers, no alg_section is applied, with no message, even with config_diagnostics = 1 (it cannot read that line either). OpenSSL reports the error as "line ${c.error?.opensslLine ?? 0}", counting lines across included files.`,
        evidence: [
          cfg,
          { label: "error at", value: `${c.error?.file ?? o.configPath}:${c.error?.line ?? 0}` },
          libLabel(a),
        ],
        fix: `Correct ${c.error?.file ?? o.configPath} line ${c.error?.line ?? 0}; \`openssl asn1parse -genconf ${o.configPath}\` shows OpenSSL's own "Error on line N" (its count runs across included files).`,
        refs: ["config(5)", "OpenSSL crypto/conf/conf_def.c def_load_bio()"],
      }),
    );
  } else if (c.missing && o.configFrom === "OPENSSL_CONF") {
    out.push(
      finding({
        id: "TLS_CONFIG_UNREADABLE",
        severity: "warning",
        side: "host",
        title: `OPENSSL_CONF names ${o.configPath}, which does not exist: OpenSSL runs without a configuration`,
        detail:
          "A missing configuration file is not an error for OpenSSL (CONF_MFLAGS_IGNORE_MISSING_FILE): programs started with this environment get no system_default and no providers section, silently.",
        evidence: [cfg],
        fix: "Point OPENSSL_CONF at an existing file or unset it.",
        refs: ["config(5)"],
      }),
    );
  }
  for (const p of c.problems) {
    out.push(
      finding({
        id: "TLS_CONFIG_INCLUDE_SKIPPED",
        severity: "warning",
        side: "host",
        title: `OpenSSL skips an include in ${p.file}:${p.line}`,
        detail: `${p.message}. OpenSSL goes on without it, so whatever that file sets (often a crypto-policy's system_default or a fipsmodule.cnf) is not applied. Relative include paths resolve against each program's working directory, not the including file.`,
        evidence: [{ label: "include at", value: `${p.file}:${p.line}` }, cfg],
        fix: "Make the included path exist and be readable, and use absolute paths (or `.pragma includedir:`).",
        refs: ["config(5): .include", "OpenSSL crypto/conf/conf_def.c process_include()"],
      }),
    );
  }
  for (const p of o.modules.problems) {
    const fatal = p.fails && o.modules.diagnostics;
    out.push(
      finding({
        id: "TLS_CONFIG_INVALID_SETTING",
        severity: fatal ? "error" : "warning",
        side: "host",
        title: `OpenSSL module ${p.module} fails: ${p.message}`,
        detail: fatal
          ? 'config_diagnostics = 1 makes this a start-up failure: OPENSSL_init_crypto() fails, the openssl command prints "FATAL: Startup failure", and programs that check the result stop.'
          : "Without config_diagnostics OpenSSL ignores the failure, and stops loading the modules listed after this one (verified on 3.0: an unknown module before ssl_conf leaves system_default unapplied).",
        evidence: [{ label: "setting", value: `${p.file}:${p.line}` }, cfg],
        fix: "Correct or remove the entry; `openssl list -providers` and `OPENSSL_CONF=FILE openssl version` with config_diagnostics = 1 show the error.",
        refs: ["OpenSSL crypto/conf/conf_mod.c CONF_modules_load()"],
      }),
    );
  }
  for (const cmd of o.limits.refusedCommands) {
    out.push(
      finding({
        id: "TLS_CONFIG_INVALID_SETTING",
        severity: "warning",
        side: "host",
        title: `system_default ignores ${cmd.name} = ${cmd.value}: ${cmd.refused}`,
        detail:
          "SSL_CONF_cmd() refuses the command; for the system default OpenSSL 3.0 ignores the refusal (even with config_diagnostics = 1) and applies the other commands, so the setting simply has no effect.",
        evidence: [
          { label: "setting", value: `${cmd.name} = ${cmd.value} (${cmd.file}:${cmd.line})` },
          cfg,
        ],
        fix: "Use a command and value listed in SSL_CONF_cmd(3) (values such as TLSv1.2 are case-sensitive).",
        refs: ["SSL_CONF_cmd(3)", "OpenSSL ssl/ssl_mcnf.c ssl_do_config()"],
      }),
    );
  }
  for (const m of o.providers.missingModules) {
    out.push(
      finding({
        id: "TLS_CONFIG_INVALID_SETTING",
        severity: "warning",
        side: "host",
        title: `OpenSSL provider ${m.name} is activated but ${m.path} does not exist`,
        detail:
          'The provider fails to load; its algorithms are unavailable ("error:0308010C:digital envelope routines::unsupported").',
        evidence: [{ label: "setting", value: `${m.file}:${m.line}` }, cfg],
        fix: `Install the package that ships ${m.path} or remove the activation.`,
        refs: ["OSSL_PROVIDER(3)", "config(5): Provider Configuration"],
      }),
    );
  }
  // Without a (loadable) file OpenSSL still runs, with its built-in defaults:
  // the limits below then come from the library alone.
  const l = o.limits;
  const lv = `security level ${l.secLevel}`;
  const blocked = l.versions.filter((v) => v.status !== "allowed");
  if (blocked.length > 0) out.push(tls10Finding(a, blocked, cfg));
  if (l.sha1.forbidden) {
    const lib3 = (o.library?.major ?? 3) >= 3;
    const origins = l.sha1.sources.map((s) =>
      s === l.secLevelSource && lib3 ? "library default" : s.origin,
    );
    out.push(
      finding({
        id: "TLS_CONFIG_FORBIDS_SHA1",
        severity: sev(origins),
        side: "host",
        title: `OpenSSL refuses SHA-1 signatures (${l.sha1.sources.map((s) => s.what).join("; ")})`,
        detail: `${lib3 ? "OpenSSL 3 rates SHA-1 signatures at 64 bits, below level 1" : "At level 2 and above SHA-1 (80 bits) is too weak"}: a certificate chain with a SHA-1 signature fails verification (the self-signature of a trusted root is not checked), and a TLS 1.2 peer that can only sign with SHA-1 cannot complete the handshake. Breaks: ${WHO_SHA1}.`,
        evidence: [
          ...l.sha1.sources.map(src),
          err(
            "client",
            "verify error:num=68:CA signature digest algorithm too weak → error:0A000086:SSL routines::certificate verify failed",
          ),
          err(
            "server, own certificate",
            "error:0A00018E:SSL routines::ca md too weak (SSL_CTX_use_certificate)",
          ),
          err(
            "server, SHA-1-only peer",
            "error:0A000178:SSL routines::no shared signature algorithms; the peer sees error:0A000410 sslv3 alert handshake failure (alert 40)",
          ),
          cfg,
          libLabel(a),
        ],
        fix: "Reissue the peer's certificate with SHA-256. If a peer cannot change, lower the level for that program only (`CipherString = DEFAULT:@SECLEVEL=0` in a config given to it with OPENSSL_CONF, or its own cipher setting); on RHEL `update-crypto-policies --set DEFAULT:SHA1`.",
        refs: REFS_LEVEL,
      }),
    );
  }
  if (l.minRsaBits > 0) {
    const origin = l.secLevel <= 1 ? "library default" : l.secLevelSource.origin;
    out.push(
      finding({
        id: "TLS_CONFIG_FORBIDS_SMALL_KEYS",
        severity: sev([origin]),
        side: "host",
        title: `OpenSSL refuses RSA and DH keys under ${l.minRsaBits} bits (${lv})`,
        detail: `At ${lv} OpenSSL needs ${l.minRsaBits}-bit RSA/DSA/DH keys (ECC: ${[0, 160, 224, 256, 384, 512][l.secLevel] ?? 512} bits) in certificate chains, in its own certificate, and in DHE key exchange. Breaks: ${l.minRsaBits > 1024 ? WHO_KEYS : "only keys under 1024 bits (512/768-bit export-era keys)"}.`,
        evidence: [
          src(l.secLevelSource),
          err(
            "client",
            "verify error:num=66:EE certificate key too weak (67: CA certificate key too weak) → error:0A000086:SSL routines::certificate verify failed",
          ),
          err("client, DHE", "error:0A00018A:SSL routines::dh key too small"),
          err(
            "server, own certificate",
            "error:0A00018F:SSL routines::ee key too small / error:0A00018D:SSL routines::ca key too small",
          ),
          cfg,
          libLabel(a),
        ],
        fix: "Replace the peer's key with RSA >= 2048 bits or ECDSA, and its DH parameters with ffdhe2048 or larger. For one program that must keep talking to it, give it `CipherString = DEFAULT:@SECLEVEL=1` (1024-bit keys) through its own configuration.",
        refs: REFS_LEVEL,
      }),
    );
  }
  if (!l.legacyServerConnect.allowed) {
    out.push(
      finding({
        id: "TLS_CONFIG_REFUSES_LEGACY_RENEGOTIATION",
        severity: "info",
        side: "host",
        title: "OpenSSL 3 clients refuse servers without secure renegotiation (RFC 5746)",
        detail:
          "SSL_OP_LEGACY_SERVER_CONNECT is no longer set by default in OpenSSL 3.0, and no system_default Options line sets it: a server that does not send the renegotiation_info extension (unpatched since 2010: old IIS, F5 and Cisco devices, some VPN gateways) is refused.",
        evidence: [
          err("client", "error:0A000152:SSL routines::unsafe legacy renegotiation disabled"),
          cfg,
          libLabel(a),
        ],
        fix: "Patch the server. For one client that must reach it, add `Options = UnsafeLegacyServerConnect` (3.0.4 and later) to that program's configuration, not to the system default.",
        refs: [
          "migration_guide(7): secure renegotiation is now required by default",
          "openssl/openssl#16278",
        ],
      }),
    );
  }
  const p = o.providers;
  if ((o.library?.major ?? 3) >= 3) {
    if (!p.defaultLoaded && !p.fips) {
      out.push(
        finding({
          id: "TLS_CONFIG_DEFAULT_PROVIDER_NOT_LOADED",
          severity: "error",
          side: "host",
          title: `OpenSSL's providers section activates ${p.activated.join(", ")} but not the default provider`,
          detail:
            "When a configuration activates any provider, OpenSSL no longer loads the default one implicitly: SHA-256, AES, ECDHE … are all missing, and nearly every TLS handshake or digest fails.",
          evidence: [
            ...(p.source ? [src(p.source)] : []),
            err("any", "error:0308010C:digital envelope routines::unsupported"),
            cfg,
          ],
          fix: "Add `default = default_sect` to the providers section with `[default_sect]` `activate = 1`.",
          refs: ["OSSL_PROVIDER-default(7)", "openssl/openssl#16249"],
        }),
      );
    }
    if (!p.legacyLoaded) {
      out.push(
        finding({
          id: "TLS_CONFIG_LEGACY_ALGORITHMS_UNAVAILABLE",
          severity: "info",
          side: "host",
          title:
            "OpenSSL's legacy provider is not loaded: MD4, RC2, RC4, DES, Blowfish, CAST, IDEA, SEED, Whirlpool are unavailable",
          detail:
            "OpenSSL 3 moved these to the legacy provider, which is not loaded unless the configuration activates it. Breaks: NTLM and MS-CHAPv2 (MD4: FreeRADIUS, wpa_supplicant PEAP, Samba), PKCS#12 files encrypted with RC2-40 (exported by older Windows, Java and OpenSSL 1.x), and build tools hashing with MD4 (webpack 4 on Node 17+: ERR_OSSL_EVP_UNSUPPORTED).",
          evidence: [
            ...(p.source
              ? [src(p.source)]
              : [
                  {
                    label: "setting (library default)",
                    value: "no providers section: only the default provider",
                  },
                ]),
            err("any", "error:0308010C:digital envelope routines::unsupported"),
            cfg,
          ],
          fix: "Prefer modern algorithms (re-export the .p12 with AES: `openssl pkcs12 -export -keypbe AES-256-CBC -certpbe AES-256-CBC`). Where MD4/RC2 is unavoidable, activate `legacy = legacy_sect` and `default = default_sect` (both with `activate = 1`) for that program, or pass `-legacy` to the openssl command.",
          refs: ["OSSL_PROVIDER-legacy(7)", "migration_guide(7)"],
        }),
      );
    }
    if (p.fips) {
      out.push(
        finding({
          id: "TLS_CONFIG_FIPS_ONLY",
          severity: "info",
          side: "host",
          title: `OpenSSL runs with FIPS algorithms only (${p.fips.what})`,
          detail:
            "Only FIPS-approved algorithms are fetched: MD5 (so TLS 1.0/1.1), ChaCha20-Poly1305, RC4, DES, and non-approved curves and key sizes are unavailable; peers offering only those fail.",
          evidence: [
            src(p.fips),
            err("any", "error:0308010C:digital envelope routines::unsupported"),
            err(
              "client/server",
              "error:0A0000C1:SSL routines::no shared cipher / no protocols available",
            ),
            cfg,
          ],
          fix: "Intended on FIPS systems. Peers must offer TLS 1.2+ with AES-GCM and P-256/P-384 or ffdhe groups.",
          refs: ["fips_module(7)", "OSSL_PROVIDER-FIPS(7)"],
        }),
      );
    }
  }
  return out;
}

function tls10Finding(
  a: TlsConfigAnalysis,
  blocked: readonly TlsVersionVerdict[],
  cfg: Evidence,
): Finding {
  const names = blocked.map((v) => (v.version === "TLSv1" ? "TLS 1.0" : "TLS 1.1")).join(" and ");
  const first = blocked[0] as TlsVersionVerdict;
  const partial = blocked.every((v) => v.status === "rsa-kx-only");
  const l = a.openssl?.limits;
  const lib3 = (a.openssl?.library?.major ?? 3) >= 3;
  const origins = blocked.map((v) =>
    v.by === "security level" && lib3 ? "library default" : (v.source?.origin ?? "library default"),
  );
  const errors: Evidence[] = partial
    ? [
        err("client", "error:0A00014D:SSL routines::legacy sigalg disallowed or unsupported"),
        err(
          "server",
          "error:0A000076:SSL routines::no suitable signature algorithm; the peer sees error:0A000438 tlsv1 alert internal error (alert 80)",
        ),
      ]
    : [
        err(
          "client",
          "error:0A00042E:SSL routines::tlsv1 alert protocol version (alert 70), or error:0A000102:SSL routines::unsupported protocol when the peer answers with the old version",
        ),
        err(
          "client asking only for the old version",
          "error:0A0000BF:SSL routines::no protocols available",
        ),
        err(
          "server",
          "error:0A000102:SSL routines::unsupported protocol; the peer receives alert 70 (protocol_version)",
        ),
      ];
  return finding({
    id: "TLS_CONFIG_FORBIDS_TLS10",
    severity: sev(origins),
    side: "host",
    title: partial
      ? `OpenSSL's security level ${l?.secLevel} breaks ${names} handshakes with ECDHE/DHE (only RSA key exchange still works)`
      : `OpenSSL refuses ${names} (${first.by === "security level" ? `security level ${l?.secLevel}` : (first.source?.what ?? "")})`,
    detail: partial
      ? `OpenSSL 3.0 rates the MD5-SHA1 and SHA-1 signatures of TLS 1.0/1.1 at 64 bits, below level 1: the ServerKeyExchange of every (EC)DHE suite is refused; suites with RSA key exchange (AES128-SHA) still work. Breaks: ${WHO_OLD_TLS}.`
      : `The protocol versions are not offered or accepted. Breaks: ${WHO_OLD_TLS}.`,
    evidence: [
      ...blocked
        .flatMap((v) => (v.source ? [src(v.source)] : []))
        .filter((e, i, all) => all.findIndex((x) => x.value === e.value) === i),
      ...errors,
      cfg,
      libLabel(a),
    ],
    fix: "Upgrade the peer to TLS 1.2. If one program must still reach it, give that program its own configuration (OPENSSL_CONF=…) with `MinProtocol = TLSv1` and `CipherString = DEFAULT:@SECLEVEL=0`, rather than weakening the host; on RHEL, a custom crypto-policy subpolicy.",
    refs: [
      ...REFS_LEVEL,
      "openssl/openssl#18194",
      "openssl/openssl#18236 (3.1: TLS < 1.2 refused at level 1)",
    ],
  });
}

function gnutlsFindings(a: TlsConfigAnalysis): Finding[] {
  const g = a.gnutls;
  if (!g) return [];
  const c = g.conf;
  const out: Finding[] = [];
  const file: Evidence = { label: "config file", value: `${g.configPath} (${g.configFrom})` };
  const lib: Evidence = {
    label: "library",
    value: g.library
      ? `GnuTLS ${g.library.version ?? "?"} (${g.library.path})`
      : "libgnutls not found",
  };
  if (c.exists && !c.loaded) {
    out.push(
      finding({
        id: "TLS_CONFIG_PARSE_ERROR",
        severity: "warning",
        side: "host",
        title: `GnuTLS ignores all of ${g.configPath}: ${c.error?.message ?? "unreadable"}`,
        detail:
          'GnuTLS applies none of the file when inih reports an error, not even the lines before it: every [overrides] restriction and [priorities] string in it is silently absent (GNUTLS_DEBUG_LEVEL=2 shows "cfg: unable to parse").',
        evidence: [
          { label: "error at", value: `${g.configPath}:${c.error?.line ?? 0}` },
          file,
          lib,
        ],
        fix: "Correct the line (every line needs `=` or `:`, sections need `]`, and lines over 2047 bytes are split); check with `GNUTLS_DEBUG_LEVEL=2 gnutls-cli --list`.",
        refs: ["GnuTLS manual: System-wide configuration of the library", "GnuTLS lib/inih/ini.c"],
      }),
    );
    return out;
  }
  if (!c.loaded) return out;
  for (const i of c.ignored) {
    out.push(
      finding({
        id: "TLS_CONFIG_INVALID_SETTING",
        severity: g.failOnInvalid ? "error" : "info",
        side: "host",
        title: `GnuTLS skips ${i.name} = ${i.value} in ${g.configPath}:${i.line}: ${i.why}`,
        detail: g.failOnInvalid
          ? "GNUTLS_SYSTEM_PRIORITY_FAIL_ON_INVALID=1 is set: GnuTLS makes the program exit when it loads this file."
          : "GnuTLS ignores the entry, so the restriction it meant to set is not in force.",
        evidence: [
          {
            label: "setting",
            value: `[${i.section}] ${i.name} = ${i.value} (${g.configPath}:${i.line})`,
          },
          file,
          lib,
        ],
        fix: "Use the option names of the GnuTLS manual (e.g. disabled-version, not tls-disabled-version) and values from `gnutls-cli --list`.",
        refs: ["GnuTLS manual: Disabling algorithms and protocols"],
      }),
    );
  }
  const allow = c.overrideMode === "allowlist";
  const enabled = gnutlsEnabledVersions(c, allow ? "@SYSTEM" : "NORMAL");
  const gone = ["TLS1.0", "TLS1.1"].filter((v) => !enabled.includes(v));
  if (gone.length) {
    const lines = c.disabledVersions.filter((d) => gone.includes(d.version));
    out.push(
      finding({
        id: "TLS_CONFIG_FORBIDS_TLS10",
        severity: "warning",
        side: "host",
        title: allow
          ? `GnuTLS's system priority (@SYSTEM) leaves out ${gone.map((v) => v.replace("TLS", "TLS ")).join(" and ")} (allowlist)`
          : `GnuTLS refuses ${gone.map((v) => v.replace("TLS", "TLS ")).join(" and ")} (disabled-version)`,
        detail: allow
          ? `Programs that use the default priority (Fedora and RHEL build GnuTLS with @SYSTEM as the default) refuse these versions; a program that sets its own priority string such as NORMAL keeps them (measured on GnuTLS 3.7.9). Breaks: ${WHO_OLD_TLS}.`
          : `Every GnuTLS program on the host, whatever priority string it sets, loses these versions. Breaks: ${WHO_OLD_TLS}.`,
        evidence: [
          ...lines.map((d) => ({
            label: "setting (config)",
            value: d.line
              ? `disabled-version = ${d.version} (${g.configPath}:${d.line})`
              : `override-mode = allowlist without enabled-version = ${d.version}${c.overrideModeLine ? ` (${g.configPath}:${c.overrideModeLine})` : ""}`,
          })),
          err(
            "client",
            '*** Received alert [70]: Error in protocol version, or "A packet with illegal or unsupported version was received."',
          ),
          err("server", "the peer receives alert 70 (protocol_version)"),
          file,
          lib,
        ],
        fix: "Upgrade the peer to TLS 1.2, or re-enable the version for one program with its own priority string where the site policy allows it.",
        refs: ["GnuTLS manual: Disabling algorithms and protocols"],
      }),
    );
  }
  const sha1 = [
    ...c.insecureSigs
      .filter((s) => /SHA1$/.test(s.sig))
      .map((s) => `${s.forCerts ? "insecure-sig-for-cert" : "insecure-sig"} = ${s.sig}`),
    ...c.insecureHashes.filter((h) => h.hash === "SHA1").map((h) => `insecure-hash = ${h.hash}`),
  ];
  if (sha1.length) {
    out.push(
      finding({
        id: "TLS_CONFIG_FORBIDS_SHA1",
        severity: "warning",
        side: "host",
        title: `GnuTLS treats SHA-1 signatures as insecure (${c.overrideMode === "allowlist" ? "allowlist" : sha1.join(", ")})`,
        detail: `Chains signed with SHA-1 fail verification (GnuTLS 3.7.9 already refuses SHA-1 in certificates by default; this file extends or confirms that). Breaks: ${WHO_SHA1}.`,
        evidence: [
          { label: "setting (config)", value: `${sha1.join("; ")} (${g.configPath})` },
          err(
            "client",
            "- Status: The certificate is NOT trusted. The certificate chain uses insecure algorithm. / *** Fatal error: Error in the certificate.",
          ),
          file,
          lib,
        ],
        fix: "Reissue the peer's certificate with SHA-256.",
        refs: ["GnuTLS manual: Disabling algorithms and protocols"],
      }),
    );
  }
  if (c.minProfile && c.minProfile.rsaBits > 1024) {
    out.push(
      finding({
        id: "TLS_CONFIG_FORBIDS_SMALL_KEYS",
        severity: "warning",
        side: "host",
        title: `GnuTLS refuses RSA/DH keys under ${c.minProfile.rsaBits} bits (min-verification-profile = ${c.minProfile.profile})`,
        detail: `Certificates and DH parameters weaker than the ${c.minProfile.profile} profile fail, whatever the application asks for. Breaks: ${WHO_KEYS}.`,
        evidence: [
          {
            label: "setting (config)",
            value: `min-verification-profile = ${c.minProfile.profile} (${g.configPath}:${c.minProfile.line})`,
          },
          err(
            "client",
            "- Status: The certificate is NOT trusted. The certificate chain uses insecure algorithm.",
          ),
          file,
          lib,
        ],
        fix: "Replace the peer's key with RSA >= 2048 bits or ECDSA.",
        refs: ["GnuTLS manual: Overriding the parameter verification profile"],
      }),
    );
  }
  return out;
}

function policyFindings(a: TlsConfigAnalysis): Finding[] {
  const p = a.cryptoPolicies;
  if (!p.present) return [];
  const name = cryptoPolicyName(p) ?? "?";
  const out: Finding[] = [];
  const reasons: string[] = [];
  if (p.applied === false && p.appliedReason) reasons.push(p.appliedReason);
  if (a.openssl && a.openssl.policyIncluded === false && a.openssl.conf.loaded) {
    reasons.push(
      `${a.openssl.configPath} does not include /etc/crypto-policies/back-ends/opensslcnf.config: OpenSSL does not follow the policy`,
    );
  }
  if (reasons.length) {
    out.push(
      finding({
        id: "CRYPTO_POLICY_NOT_APPLIED",
        severity: "warning",
        side: "host",
        title: `The crypto-policy ${name} is not what the libraries read`,
        detail: `${reasons.join("; ")}. Programs run with whatever the back-end files say, not with the policy the administrator chose.`,
        evidence: [
          { label: "policy", value: `${name} (${p.configSource})` },
          ...(p.current ? [{ label: "state/current", value: p.current }] : []),
          ...p.backends
            .filter((b) => b.kind !== "missing")
            .map((b) => ({
              label: `back-end ${b.name}`,
              value: b.kind === "symlink" ? `→ ${b.target}` : "generated file",
            })),
        ],
        fix: "Run `update-crypto-policies --set <POLICY>` (or without --set to regenerate), then restart the services; `update-crypto-policies --check` confirms.",
        refs: ["crypto-policies(7)", "update-crypto-policies(8)"],
      }),
    );
  }
  return out;
}

/** A report section summarising the TLS configuration. */
export function tlsConfigSections(a: TlsConfigAnalysis): Section[] {
  const fields: { label: string; value: string; tone?: "good" | "bad" | "warn" | "dim" }[] = [];
  const o = a.openssl;
  if (o) {
    const l = o.limits;
    fields.push({
      label: "OpenSSL",
      value: o.library ? `${o.library.version ?? "?"} (${o.library.path})` : "not found",
    });
    fields.push({
      label: "openssl.cnf",
      value: `${o.configRealPath}${o.conf.loaded ? "" : o.conf.missing ? " (missing)" : " (NOT LOADED)"}`,
      ...(o.conf.loaded ? {} : { tone: "bad" as const }),
    });
    fields.push({
      label: "security level",
      value: `${l.secLevel} — ${l.secLevelSource.what}${at(l.secLevelSource)}`,
    });
    fields.push({ label: "min RSA/DH bits", value: String(l.minRsaBits || "none") });
    fields.push({
      label: "MinProtocol",
      value: l.minProtocol ? `${l.minProtocol.version}${at(l.minProtocol.source)}` : "not set",
    });
    for (const v of l.versions)
      fields.push({
        label: v.version,
        value: v.status,
        tone: v.status === "allowed" ? "good" : "warn",
      });
    fields.push({
      label: "SHA-1 signatures",
      value: l.sha1.forbidden ? "refused" : "accepted",
      tone: l.sha1.forbidden ? "warn" : "good",
    });
    const pr = o.providers;
    fields.push({
      label: "providers",
      value: pr.implicitDefault ? "default (implicit)" : pr.activated.join(", "),
    });
    if (pr.fips) fields.push({ label: "FIPS", value: pr.fips.what });
  }
  const g = a.gnutls;
  if (g) {
    fields.push({
      label: "GnuTLS",
      value: g.library ? `${g.library.version ?? "?"} (${g.library.path})` : "not found",
    });
    fields.push({
      label: "GnuTLS config",
      value: `${g.configPath}: ${g.conf.exists ? (g.conf.loaded ? `${g.conf.overrideMode}, versions ${gnutlsEnabledVersions(g.conf, g.conf.overrideMode === "allowlist" ? "@SYSTEM" : "NORMAL").join(" ")}` : "NOT LOADED") : "absent (library defaults)"}`,
    });
  }
  const p = a.cryptoPolicies;
  if (p.present) {
    const n = cryptoPolicyName(p) ?? "?";
    const desc = [p.config?.policy ?? "", ...(p.config?.subpolicies ?? [])]
      .map((x) => KNOWN_CRYPTO_POLICIES[x])
      .filter(Boolean)
      .join("; ");
    fields.push({
      label: "crypto-policy",
      value: `${n}${p.applied === false ? " (NOT applied)" : ""}${desc ? ` — ${desc}` : ""}`,
    });
  }
  const sections: Section[] = [{ kind: "fields", title: "TLS library configuration", fields }];
  const cmds = o?.modules.systemDefault?.commands ?? [];
  if (cmds.length) {
    sections.push({
      kind: "table",
      title: `OpenSSL system_default ([${o?.modules.systemDefault?.section}])`,
      columns: ["command", "value", "where", "status"],
      rows: cmds.map((c) => [c.name, c.value, `${c.file}:${c.line}`, c.refused ?? "applied"]),
    });
  }
  const notes = [
    ...a.notes,
    ...(o?.conf.incomplete
      ? [`OpenSSL configuration read only in part: ${o.conf.incomplete}`]
      : []),
    ...a.skipped.map((s) => `skipped ${s.check}: ${s.reason}`),
  ];
  if (notes.length) sections.push({ kind: "text", title: "TLS configuration notes", lines: notes });
  return sections;
}
