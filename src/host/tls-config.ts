/**
 * TLS library configuration of a host: which OpenSSL configuration file the
 * library reads, what its system_default section, security level and providers
 * allow, the crypto-policies that wrote parts of it, and GnuTLS's system file.
 * The libraries are never run: their version, OPENSSLDIR, MODULESDIR and
 * compiled-in security level come from the strings in libcrypto's .rodata
 * (OpenSSL_version() returns exactly those strings), their location from
 * /etc/ld.so.cache.
 */
import { posix } from "node:path";
import { HostView, messageOf } from "../core/index.js";
import { parseLdSoCache } from "../elf/index.js";
import {
  analyseCryptoPolicies,
  CRYPTO_POLICIES_DIR,
  CRYPTO_POLICIES_SHARE,
  type CryptoPolicies,
} from "./crypto-policies.js";
import { analyseGnutlsConf, GNUTLS_DEFAULT_CONFIG, type GnutlsConf } from "./gnutls-conf.js";
import {
  opensslModules,
  parseOpensslConf,
  type OpensslConfAt,
  type OpensslConf,
  type OpensslModules,
  type SslConfCommand,
} from "./openssl-conf.js";

/** Key of these facts in a snapshot's facts.json. */
export const TLS_CONFIG_FACTS_KEY = "tlsConfig";

const ENV_NAMES = [
  "OPENSSL_CONF",
  "OPENSSL_CONF_INCLUDE",
  "OPENSSL_MODULES",
  "OPENSSL_ENGINES",
  "HOME",
  "GNUTLS_SYSTEM_PRIORITY_FILE",
  "GNUTLS_SYSTEM_PRIORITY_FAIL_ON_INVALID",
];

/** Facts only the live host gives: this process's environment and FIPS mode. */
export interface TlsConfigLiveFacts {
  /** The variables OpenSSL and GnuTLS read, and any $ENV::X the config uses (null: unset). */
  readonly env: Readonly<Record<string, string | null>>;
  readonly cwd: string;
  /** /proc/sys/crypto/fips_enabled. */
  readonly fipsEnabled?: boolean;
  readonly error?: string;
}

export function gatherTlsConfigLive(): TlsConfigLiveFacts {
  const env: Record<string, string | null> = {};
  for (const n of ENV_NAMES) env[n] = process.env[n] ?? null;
  try {
    const view = new HostView("/");
    const lib = opensslLibrary(view);
    const conf = parseOpensslConf(view, opensslConfigPath(view, lib, env).path, {
      env: process.env,
      cwd: process.cwd(),
    });
    for (const [k, v] of Object.entries(conf.envUsed).slice(0, 32)) env[k] = v;
    let fipsEnabled: boolean | undefined;
    if (view.kind("/proc/sys/crypto/fips_enabled") === "file") {
      fipsEnabled = view.readText("/proc/sys/crypto/fips_enabled", 64).trim() === "1";
    }
    return { env, cwd: process.cwd(), ...(fipsEnabled === undefined ? {} : { fipsEnabled }) };
  } catch (e) {
    return { env, cwd: process.cwd(), error: messageOf(e) };
  }
}

export interface TlsLibraryFile {
  readonly path: string;
  readonly version?: string;
}

export interface OpensslLibrary extends TlsLibraryFile {
  readonly major?: number;
  readonly minor?: number;
  readonly opensslDir?: string;
  readonly modulesDir?: string;
  /** -DOPENSSL_TLS_SECURITY_LEVEL=n in the build flags (Debian and Ubuntu build with 2). */
  readonly compiledSecLevel?: number;
}

const LIB_DIRS = [
  "/usr/lib/x86_64-linux-gnu",
  "/lib/x86_64-linux-gnu",
  "/usr/lib/aarch64-linux-gnu",
  "/usr/lib64",
  "/lib64",
  "/usr/lib",
  "/lib",
  "/usr/lib/powerpc64le-linux-gnu",
  "/usr/lib/s390x-linux-gnu",
  "/usr/lib/riscv64-linux-gnu",
];

/** The first of `sonames` ld.so would find: ld.so.cache entries, then the usual directories. */
export function findTlsLibrary(view: HostView, sonames: readonly string[]): string | undefined {
  let cache: { key: string; value: string }[] = [];
  if (view.kind("/etc/ld.so.cache") === "file") {
    try {
      cache = [...parseLdSoCache(view.readBytes("/etc/ld.so.cache", 64 * 1024 * 1024)).entries];
    } catch {
      cache = [];
    }
  }
  for (const so of sonames) {
    for (const e of cache) if (e.key === so && view.kind(e.value) === "file") return e.value;
    for (const d of LIB_DIRS) if (view.kind(posix.join(d, so)) === "file") return posix.join(d, so);
  }
  return undefined;
}

function libraryStrings(view: HostView, path: string): string | undefined {
  try {
    const b = view.readBytes(path, 64 * 1024 * 1024);
    return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");
  } catch {
    return undefined;
  }
}

/** libcrypto's identity, from the strings OpenSSL_version() returns. */
export function opensslLibrary(view: HostView): OpensslLibrary | undefined {
  const path = findTlsLibrary(view, ["libcrypto.so.3", "libcrypto.so.1.1"]);
  if (!path) return undefined;
  const s = libraryStrings(view, path);
  if (s === undefined) return { path };
  const v = /\0OpenSSL (\d+)\.(\d+)\.(\d+[a-z]?)[^\0]{0,40}\0/.exec(s);
  const dir = /\0OPENSSLDIR: "([^"\0]*)"\0/.exec(s)?.[1];
  const mod = /\0MODULESDIR: "([^"\0]*)"\0/.exec(s)?.[1];
  const lvl = /-DOPENSSL_TLS_SECURITY_LEVEL=(\d)/.exec(s)?.[1];
  return {
    path,
    ...(v ? { version: `${v[1]}.${v[2]}.${v[3]}`, major: Number(v[1]), minor: Number(v[2]) } : {}),
    ...(dir !== undefined ? { opensslDir: dir } : {}),
    ...(mod !== undefined ? { modulesDir: mod } : {}),
    ...(lvl !== undefined ? { compiledSecLevel: Number(lvl) } : {}),
  };
}

/** libgnutls and the system priority file it was built to read. */
export function gnutlsLibrary(
  view: HostView,
): (TlsLibraryFile & { configFile?: string }) | undefined {
  const path = findTlsLibrary(view, ["libgnutls.so.30"]);
  if (!path) return undefined;
  const s = libraryStrings(view, path) ?? "";
  const version = /Enabled GnuTLS (\d+\.\d+\.\d+) logging/.exec(s)?.[1];
  const configFile = /\0(\/[\w./-]*\/(?:gnutls\/config|back-ends\/gnutls\.config))\0/.exec(s)?.[1];
  return { path, ...(version ? { version } : {}), ...(configFile ? { configFile } : {}) };
}

function osRelease(view: HostView): { id: string; like: string[] } {
  for (const p of ["/etc/os-release", "/usr/lib/os-release"]) {
    if (view.kind(p) !== "file") continue;
    try {
      const t = view.readText(p, 64 * 1024);
      const get = (k: string): string => new RegExp(`^${k}="?([^"\\n]*)"?`, "m").exec(t)?.[1] ?? "";
      return { id: get("ID"), like: get("ID_LIKE").split(/\s+/).filter(Boolean) };
    } catch {
      break;
    }
  }
  return { id: "", like: [] };
}

/** The file OpenSSL reads: $OPENSSL_CONF, else OPENSSLDIR/openssl.cnf (X509_get_default_cert_area). */
export function opensslConfigPath(
  view: HostView,
  lib: OpensslLibrary | undefined,
  env: Readonly<Record<string, string | null>> | undefined,
): { path: string; from: "OPENSSL_CONF" | "OPENSSLDIR" | "distribution default" } {
  const e = env?.["OPENSSL_CONF"];
  if (e) return { path: e, from: "OPENSSL_CONF" };
  if (lib?.opensslDir)
    return { path: posix.join(lib.opensslDir, "openssl.cnf"), from: "OPENSSLDIR" };
  const os = osRelease(view);
  const fam = [os.id, ...os.like];
  const guess = fam.some((x) => ["rhel", "fedora", "centos"].includes(x))
    ? "/etc/pki/tls/openssl.cnf"
    : fam.some((x) => ["debian", "ubuntu"].includes(x))
      ? "/usr/lib/ssl/openssl.cnf"
      : (["/usr/lib/ssl/openssl.cnf", "/etc/pki/tls/openssl.cnf", "/etc/ssl/openssl.cnf"].find(
          (p) => view.kind(p) !== "missing",
        ) ?? "/etc/ssl/openssl.cnf");
  return { path: guess, from: "distribution default" };
}

export type TlsConfigOrigin =
  "config" | "crypto-policy" | "distribution build" | "library default" | "environment";

/** Where a setting comes from. */
export interface TlsConfigSource {
  readonly what: string;
  readonly origin: TlsConfigOrigin;
  readonly file?: string;
  readonly line?: number;
}

export interface TlsVersionVerdict {
  readonly version: "TLSv1" | "TLSv1.1";
  /** rsa-kx-only: negotiable, but every (EC)DHE suite fails its SHA-1/MD5 signature. */
  readonly status: "allowed" | "forbidden" | "rsa-kx-only";
  readonly by?: "MinProtocol" | "Protocol" | "security level";
  readonly source?: TlsConfigSource;
}

export interface OpensslLimits {
  /** The version the rules were taken from; 3.0 when the library was not found. */
  readonly assumedVersion: string;
  readonly secLevel: number;
  readonly secLevelSource: TlsConfigSource;
  /** Smallest RSA/DH key the level accepts (0: no limit). */
  readonly minRsaBits: number;
  readonly minProtocol?: { readonly version: string; readonly source: TlsConfigSource };
  readonly versions: readonly TlsVersionVerdict[];
  /** SHA-1 signatures refused (certificate chains and TLS 1.2 handshakes), with every reason. */
  readonly sha1: { readonly forbidden: boolean; readonly sources: readonly TlsConfigSource[] };
  /** OpenSSL 3 clients refuse servers without RFC 5746 unless UnsafeLegacyServerConnect is set. */
  readonly legacyServerConnect: { readonly allowed: boolean; readonly source?: TlsConfigSource };
  readonly refusedCommands: readonly SslConfCommand[];
}

export interface OpensslProviders {
  /** Names activated by the configuration. */
  readonly activated: readonly string[];
  readonly defaultLoaded: boolean;
  readonly implicitDefault: boolean;
  readonly legacyLoaded: boolean;
  readonly fips?: TlsConfigSource;
  readonly source?: TlsConfigSource;
  readonly missingModules: readonly (OpensslConfAt & {
    readonly name: string;
    readonly path: string;
  })[];
  /** rh-allow-sha1-signatures = no (Red Hat build). */
  readonly rhSha1Blocked?: TlsConfigSource;
}

export interface OpensslAnalysis {
  readonly library?: OpensslLibrary;
  readonly configPath: string;
  /** configPath with symlinks resolved (Debian: /usr/lib/ssl/openssl.cnf → /etc/ssl/openssl.cnf). */
  readonly configRealPath: string;
  readonly configFrom: "OPENSSL_CONF" | "OPENSSLDIR" | "distribution default";
  readonly conf: OpensslConf;
  readonly modules: OpensslModules;
  readonly limits: OpensslLimits;
  readonly providers: OpensslProviders;
  /** With crypto-policies: whether openssl.cnf reads back-ends/opensslcnf.config. */
  readonly policyIncluded?: boolean;
}

export interface GnutlsAnalysis {
  readonly library?: TlsLibraryFile & { configFile?: string };
  readonly configPath: string;
  readonly configFrom: "GNUTLS_SYSTEM_PRIORITY_FILE" | "library" | "default";
  readonly conf: GnutlsConf;
  readonly failOnInvalid: boolean;
}

export interface TlsConfigAnalysis {
  readonly live: boolean;
  readonly openssl?: OpensslAnalysis;
  readonly gnutls?: GnutlsAnalysis;
  readonly cryptoPolicies: CryptoPolicies;
  readonly skipped: readonly { readonly check: string; readonly reason: string }[];
  readonly notes: readonly string[];
}

/** Smallest RSA/DH modulus per security level (SSL_CTX_set_security_level(3)). */
export const SECLEVEL_RSA_BITS = [0, 1024, 2048, 3072, 7680, 15360] as const;
const PROTOCOLS = ["None", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3", "DTLSv1", "DTLSv1.2"];
const TLS_ORDER = ["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];

function sourceOf(what: string, at: OpensslConfAt): TlsConfigSource {
  const policy =
    at.file.startsWith(`${CRYPTO_POLICIES_DIR}/`) ||
    at.file.startsWith(`${CRYPTO_POLICIES_SHARE}/`);
  const origin: TlsConfigOrigin = policy ? "crypto-policy" : "config";
  return { what, origin, file: at.file, line: at.line };
}

/** What the library's security level, system_default and options forbid (ssl/ssl_cert.c, ssl/ssl_conf.c). */
export function opensslLimits(
  lib: OpensslLibrary | undefined,
  mods: OpensslModules,
  rhSha1Blocked?: TlsConfigSource,
): OpensslLimits {
  const major = lib?.major ?? 3;
  const minor = lib?.minor ?? 0;
  const cmds = mods.systemDefault?.commands ?? [];
  const refused: SslConfCommand[] = cmds.filter((c) => c.refused !== undefined);
  let secLevel = lib?.compiledSecLevel ?? 1;
  let secLevelSource: TlsConfigSource =
    lib?.compiledSecLevel !== undefined && lib.compiledSecLevel !== 1
      ? {
          what: `OpenSSL built with -DOPENSSL_TLS_SECURITY_LEVEL=${lib.compiledSecLevel}`,
          origin: "distribution build",
          file: lib.path,
        }
      : { what: "OpenSSL's default security level 1", origin: "library default" };
  let minProtocol: OpensslLimits["minProtocol"];
  const protocolOff = new Map<string, TlsConfigSource>();
  let sigalgs: SslConfCommand | undefined;
  let legacyConnect: TlsConfigSource | undefined;
  for (const c of cmds) {
    if (c.refused) continue;
    const cmd = c.cmd.toLowerCase();
    if (cmd === "cipherstring") {
      const all = [...c.value.matchAll(/@SECLEVEL=(\d)/g)];
      const last = all[all.length - 1];
      if (last && Number(last[1]) <= 5) {
        secLevel = Number(last[1]);
        secLevelSource = sourceOf(`${c.name} = ${c.value}`, c);
      } else if (last)
        refused.push({ ...c, refused: "security level above 5: the cipher string is rejected" });
    } else if (cmd === "minprotocol") {
      // protocol_from_string() compares with strcmp: case matters; DTLS values fail on TLS methods.
      if (!PROTOCOLS.includes(c.value))
        refused.push({
          ...c,
          refused: `unknown protocol ${JSON.stringify(c.value)} (names are case-sensitive)`,
        });
      else if (c.value === "None") minProtocol = undefined;
      else if (!c.value.startsWith("DTLS"))
        minProtocol = { version: c.value, source: sourceOf(`${c.name} = ${c.value}`, c) };
    } else if (cmd === "protocol") {
      for (const item of c.value
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean)) {
        const off = item.startsWith("-");
        const name = item.replace(/^[-+]/, "");
        const v = TLS_ORDER.find((t) => t.toLowerCase() === name.toLowerCase());
        if (v && off) protocolOff.set(v, sourceOf(`${c.name} = ${c.value}`, c));
        else if (v) protocolOff.delete(v);
      }
    } else if (cmd === "signaturealgorithms") sigalgs = c;
    else if (cmd === "options") {
      for (const item of c.value.split(",").map((x) => x.trim())) {
        // UnsafeLegacyServerConnect works from 3.0.4 (openssl/openssl#18295);
        // UnsafeLegacyRenegotiation implies it.
        if (/^(UnsafeLegacyServerConnect|UnsafeLegacyRenegotiation)$/i.test(item))
          legacyConnect = sourceOf(`${c.name} = ${c.value}`, c);
        if (/^-(UnsafeLegacyServerConnect|UnsafeLegacyRenegotiation)$/i.test(item))
          legacyConnect = undefined;
      }
    }
  }
  const v3 = major >= 3;
  const v31 = major > 3 || (major === 3 && minor >= 1);
  const versions: TlsVersionVerdict[] = (["TLSv1", "TLSv1.1"] as const).map((version) => {
    if (minProtocol && TLS_ORDER.indexOf(minProtocol.version) > TLS_ORDER.indexOf(version)) {
      return { version, status: "forbidden", by: "MinProtocol", source: minProtocol.source };
    }
    const off = protocolOff.get(version);
    if (off) return { version, status: "forbidden", by: "Protocol", source: off };
    // ssl_security_default_callback, SSL_SECOP_VERSION: 3.1 and later refuse
    // TLS < 1.2 at level >= 1 (openssl/openssl#18236); 1.1.1 and 3.0 refuse
    // TLS 1.0 at level >= 3 and TLS 1.1 at level >= 4.
    const refusedByLevel = v31
      ? secLevel >= 1
      : version === "TLSv1"
        ? secLevel >= 3
        : secLevel >= 4;
    if (refusedByLevel)
      return { version, status: "forbidden", by: "security level", source: secLevelSource };
    // 3.0 rates SHA-1 and MD5-SHA1 signatures at 64 bits: (EC)DHE handshakes of
    // TLS 1.0/1.1 fail from level 1 on; RSA key exchange still works (#18194).
    if (v3 && secLevel >= 1)
      return { version, status: "rsa-kx-only", by: "security level", source: secLevelSource };
    return { version, status: "allowed" };
  });
  const sha1: TlsConfigSource[] = [];
  if (secLevel >= (v3 ? 1 : 2)) sha1.push(secLevelSource);
  if (sigalgs && !/sha1/i.test(sigalgs.value))
    sha1.push(sourceOf(`${sigalgs.name} = (no SHA-1 entry)`, sigalgs));
  if (rhSha1Blocked) sha1.push(rhSha1Blocked);
  return {
    assumedVersion: lib?.version ?? "3.0 (library not found)",
    secLevel,
    secLevelSource,
    minRsaBits: SECLEVEL_RSA_BITS[Math.max(0, Math.min(5, secLevel))] ?? 0,
    ...(minProtocol ? { minProtocol } : {}),
    versions,
    sha1: { forbidden: sha1.length > 0, sources: sha1 },
    legacyServerConnect: v3
      ? {
          allowed: legacyConnect !== undefined,
          ...(legacyConnect ? { source: legacyConnect } : {}),
        }
      : { allowed: true },
    refusedCommands: refused,
  };
}

function providersOf(
  view: HostView,
  lib: OpensslLibrary | undefined,
  mods: OpensslModules,
  env: Readonly<Record<string, string | null>> | undefined,
  fipsKernel: boolean,
  redHat: boolean,
): OpensslProviders {
  const list = mods.providers?.list ?? [];
  const activated = list.filter((p) => p.activate).map((p) => p.name);
  const implicitDefault = activated.length === 0;
  const defaultLoaded = implicitDefault || activated.includes("default");
  const modulesDir = env?.["OPENSSL_MODULES"] ?? lib?.modulesDir;
  const missingModules: (OpensslConfAt & { name: string; path: string })[] = [];
  for (const p of list) {
    if (!p.activate || ["default", "base", "null"].includes(p.name)) continue;
    const path = p.module?.startsWith("/")
      ? p.module
      : modulesDir
        ? posix.join(modulesDir, p.module ?? `${p.name}.so`)
        : undefined;
    if (path && view.kind(path) === "missing")
      missingModules.push({ file: p.file, line: p.line, name: p.name, path });
  }
  let fips: TlsConfigSource | undefined;
  const fp = list.find((p) => p.activate && p.name === "fips");
  if (fp) fips = sourceOf(`provider fips activated ([${fp.section}])`, fp);
  let rhSha1Blocked: TlsConfigSource | undefined;
  for (const s of mods.algSection?.settings ?? []) {
    if (s.name === "default_properties" && /(^|,)\s*fips\s*=\s*yes\s*(,|$)/.test(s.value))
      fips ??= sourceOf(`default_properties = ${s.value}`, s);
    if (s.name === "fips_mode" && /^(TRUE|true|Y|y|YES|yes)$/.test(s.value))
      fips ??= sourceOf(`fips_mode = ${s.value}`, s);
    if (s.name === "rh-allow-sha1-signatures" && /^(no|false|n|0)$/i.test(s.value))
      rhSha1Blocked = sourceOf(`rh-allow-sha1-signatures = ${s.value}`, s);
  }
  if (!fips && fipsKernel && redHat) {
    fips = {
      what: "kernel FIPS mode (fips_enabled = 1): Red Hat's OpenSSL loads the FIPS provider",
      origin: "distribution build",
      file: "/proc/sys/crypto/fips_enabled",
    };
  }
  return {
    activated,
    defaultLoaded,
    implicitDefault,
    legacyLoaded: activated.includes("legacy") && !missingModules.some((m) => m.name === "legacy"),
    ...(fips ? { fips } : {}),
    ...(mods.providers
      ? { source: sourceOf(`providers = ${mods.providers.section}`, mods.providers) }
      : {}),
    missingModules,
    ...(rhSha1Blocked ? { rhSha1Blocked } : {}),
  };
}

/** Reads and combines every TLS library configuration of the host (or sysroot) behind `view`. */
export function analyseTlsConfig(view: HostView, live?: TlsConfigLiveFacts): TlsConfigAnalysis {
  const skipped: { check: string; reason: string }[] = [];
  const notes: string[] = [];
  const env =
    live?.env ??
    (view.live ? Object.fromEntries(ENV_NAMES.map((n) => [n, process.env[n] ?? null])) : undefined);
  if (!env)
    notes.push(
      "No live facts: the environment (OPENSSL_CONF, GNUTLS_SYSTEM_PRIORITY_FILE, $ENV::X) is unknown; the default files are analysed and $ENV::X expands to nothing.",
    );
  else
    notes.push(
      "OPENSSL_CONF and GNUTLS_SYSTEM_PRIORITY_FILE are this process's; a daemon started with another environment may read other files.",
    );
  const fipsKernel =
    live?.fipsEnabled ??
    (view.kind("/proc/sys/crypto/fips_enabled") === "file"
      ? readTrim(view, "/proc/sys/crypto/fips_enabled") === "1"
      : false);
  const cryptoPolicies = analyseCryptoPolicies(view, { fipsEnabled: fipsKernel });

  const lib = opensslLibrary(view);
  let openssl: OpensslAnalysis | undefined;
  const where = opensslConfigPath(view, lib, env);
  if (!lib)
    skipped.push({
      check: "openssl-library",
      reason:
        "libcrypto.so.3 / libcrypto.so.1.1 not found: OpenSSL 3.0 rules and the upstream default security level are assumed",
    });
  if (lib || view.kind(where.path) !== "missing") {
    const confEnv = env
      ? (Object.fromEntries(Object.entries(env).filter(([, v]) => v !== null)) as Record<
          string,
          string
        >)
      : new Proxy({}, { get: () => "" });
    const conf = parseOpensslConf(view, where.path, {
      env: confEnv,
      cwd: live?.cwd ?? "/",
      ...(env?.["OPENSSL_CONF_INCLUDE"] ? { includeDir: env["OPENSSL_CONF_INCLUDE"] } : {}),
    });
    const redHat = cryptoPolicies.present || (lib?.opensslDir ?? "").startsWith("/etc/pki/tls");
    const activateIsBoolean =
      (lib?.major ?? 3) > 3 || ((lib?.major ?? 3) === 3 && (lib?.minor ?? 0) >= 3);
    const modules = opensslModules(conf, { activateIsBoolean, redHat });
    const providers = providersOf(view, lib, modules, env, fipsKernel, redHat);
    const limits = opensslLimits(lib, modules, providers.rhSha1Blocked);
    const backend = posix.join(CRYPTO_POLICIES_DIR, "back-ends/opensslcnf.config");
    const policyIncluded = cryptoPolicies.present
      ? conf.files.includes(view.resolve(backend))
      : undefined;
    openssl = {
      ...(lib ? { library: lib } : {}),
      configPath: where.path,
      configRealPath: view.resolve(posix.resolve(live?.cwd ?? "/", where.path)),
      configFrom: where.from,
      conf,
      modules,
      limits,
      providers,
      ...(policyIncluded === undefined ? {} : { policyIncluded }),
    };
  } else
    skipped.push({ check: "openssl-config", reason: `no OpenSSL library and no ${where.path}` });

  const glib = gnutlsLibrary(view);
  let gnutls: GnutlsAnalysis | undefined;
  const envFile = env?.["GNUTLS_SYSTEM_PRIORITY_FILE"];
  const policyFile = cryptoPolicies.present
    ? posix.join(CRYPTO_POLICIES_DIR, "back-ends/gnutls.config")
    : undefined;
  const configPath =
    envFile ||
    glib?.configFile ||
    (glib ? GNUTLS_DEFAULT_CONFIG : (policyFile ?? GNUTLS_DEFAULT_CONFIG));
  const configFrom = envFile
    ? "GNUTLS_SYSTEM_PRIORITY_FILE"
    : glib?.configFile
      ? "library"
      : "default";
  if (glib || view.kind(configPath) !== "missing") {
    gnutls = {
      ...(glib ? { library: glib } : {}),
      configPath,
      configFrom,
      conf: analyseGnutlsConf(view, configPath),
      failOnInvalid: env?.["GNUTLS_SYSTEM_PRIORITY_FAIL_ON_INVALID"] === "1",
    };
  } else
    skipped.push({
      check: "gnutls-config",
      reason: "no libgnutls.so.30 and no GnuTLS system configuration file",
    });
  return {
    live: view.live,
    ...(openssl ? { openssl } : {}),
    ...(gnutls ? { gnutls } : {}),
    cryptoPolicies,
    skipped,
    notes,
  };
}

function readTrim(view: HostView, p: string): string | undefined {
  try {
    return view.readText(p, 64).trim();
  } catch {
    return undefined;
  }
}
