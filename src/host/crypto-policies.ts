/**
 * RHEL / Fedora / CentOS system-wide crypto policies (crypto-policies(7)),
 * read from the files update-crypto-policies(8) writes:
 * - /etc/crypto-policies/config: the chosen policy, `POLICY[:SUBPOLICY…]`, `#`
 *   comments; later non-comment lines add subpolicies (ProfileConfig.parse_file);
 *   when it is missing the tool uses FIPS in FIPS mode, else
 *   /usr/share/crypto-policies/default-config;
 * - /etc/crypto-policies/state/current: what was last applied; the tool's own
 *   `--is-applied` compares its mtime with config's;
 * - /etc/crypto-policies/back-ends/NAME.config: what each library reads — a
 *   symlink to /usr/share/crypto-policies/POLICY/NAME.txt when no subpolicy or
 *   local.d file is in play, else a generated regular file;
 * - state/CURRENT.pol is "for review convenience only" (its own header says
 *   not to parse it), so conclusions come from the back-ends themselves: the
 *   OpenSSL one through openssl.cnf's `.include`, the GnuTLS one as GnuTLS's
 *   system priority file.
 */
import { posix } from "node:path";
import type { HostView } from "../core/index.js";
import { messageOf } from "../core/index.js";

export const CRYPTO_POLICIES_DIR = "/etc/crypto-policies";
export const CRYPTO_POLICIES_SHARE = "/usr/share/crypto-policies";
/** The back-ends tlsdoctor reads, and who reads each. */
export const CRYPTO_POLICY_BACKENDS: Readonly<Record<string, string>> = {
  opensslcnf: "OpenSSL (included by openssl.cnf)",
  openssl: "OpenSSL cipher string (PROFILE=SYSTEM)",
  gnutls: "GnuTLS system priority file",
  nss: "NSS (Firefox, curl on RHEL 8)",
  java: "OpenJDK (java.security)",
  openssh: "OpenSSH client",
  opensshserver: "OpenSSH server",
  libssh: "libssh",
  krb5: "Kerberos",
};

/**
 * What the stock policies and common subpolicies do to TLS, from the comments
 * at the top of crypto-policies' policies/*.pol and modules/*.pmod. For the
 * report's wording only: the findings come from the back-end files.
 */
export const KNOWN_CRYPTO_POLICIES: Readonly<Record<string, string>> = {
  DEFAULT: "TLS >= 1.2, RSA/DH >= 2048 bits, no SHA-1 signatures (OpenSSL @SECLEVEL=2)",
  LEGACY:
    "TLS >= 1.0 (Fedora; RHEL 9 keeps TLS >= 1.2), RSA/DH >= 1024 bits (2048 on RHEL 9), SHA-1 signatures allowed, 3DES allowed",
  FUTURE: "TLS >= 1.2, RSA/DH >= 3072 bits, no SHA-1 anywhere (OpenSSL @SECLEVEL=3)",
  FIPS: "FIPS 140 algorithms only: TLS >= 1.2, RSA/DH >= 2048 bits, no SHA-1 signatures, no ChaCha20",
  EMPTY: "nothing enabled (a test policy)",
  SHA1: "subpolicy: allows SHA-1 signatures again (sha1_in_certs = 1, OpenSSL rh-allow-sha1-signatures = yes)",
  "NO-SHA1": "subpolicy: removes SHA-1 from hashes, signatures and MACs",
  "AD-SUPPORT": "subpolicy: Kerberos AES-CTS/RC4 for Active Directory",
  OSPP: "subpolicy: Common Criteria OSPP restrictions",
  "ECDHE-ONLY": "subpolicy: only ECDHE key exchange",
  "NO-ENFORCE-EMS": "subpolicy: FIPS mode without the Extended Master Secret requirement",
};

export interface CryptoPolicyBackend {
  readonly name: string;
  readonly path: string;
  readonly kind: "symlink" | "file" | "missing";
  /** The symlink's target as stored. */
  readonly target?: string;
  /** POLICY when the target is /usr/share/crypto-policies/POLICY/NAME.txt. */
  readonly policyDir?: string;
}

export interface CryptoPolicies {
  /** /etc/crypto-policies exists: the host uses crypto-policies. */
  readonly present: boolean;
  readonly config?: {
    readonly policy: string;
    readonly subpolicies: readonly string[];
    readonly line: number;
  };
  /** Where the policy came from when config is missing. */
  readonly configSource: "config" | "default-config" | "fips-mode" | "none";
  readonly current?: string;
  /** state/current names what config asks for, and is not older than it. */
  readonly applied?: boolean;
  readonly appliedReason?: string;
  readonly backends: readonly CryptoPolicyBackend[];
  readonly localD: readonly string[];
  readonly problems: readonly string[];
}

/** ProfileConfig.parse_file(): the policy and its subpolicies, upper-cased. */
export function parsePolicyConfig(
  text: string,
): { policy: string; subpolicies: string[]; line: number } | undefined {
  let out: { policy: string; subpolicies: string[]; line: number } | undefined;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const l = (lines[i] ?? "").split("#", 1)[0]?.trim() ?? "";
    if (!l) continue;
    const parts = l.toUpperCase().split(":");
    if (!out)
      out = { policy: parts[0] ?? "", subpolicies: parts.slice(1).filter(Boolean), line: i + 1 };
    else out.subpolicies.push(...parts.filter(Boolean));
  }
  return out;
}

const policyName = (c: { policy: string; subpolicies: readonly string[] }): string =>
  [c.policy, ...c.subpolicies].join(":");

/** Reads the crypto-policies state of the host (or sysroot) behind `view`. */
export function analyseCryptoPolicies(
  view: Pick<HostView, "kind" | "lstat" | "stat" | "readText" | "readlink" | "listDir">,
  opts: { fipsEnabled?: boolean } = {},
): CryptoPolicies {
  const problems: string[] = [];
  const present = view.kind(CRYPTO_POLICIES_DIR) === "dir";
  if (!present) return { present, configSource: "none", backends: [], localD: [], problems };
  const read = (p: string): string | undefined => {
    if (view.kind(p) === "missing") return undefined;
    try {
      return view.readText(p, 1024 * 1024);
    } catch (e) {
      problems.push(messageOf(e));
      return undefined;
    }
  };
  const cfgPath = posix.join(CRYPTO_POLICIES_DIR, "config");
  let configSource: CryptoPolicies["configSource"] = "config";
  let config = (() => {
    const t = read(cfgPath);
    return t === undefined ? undefined : parsePolicyConfig(t);
  })();
  if (!config) {
    if (opts.fipsEnabled) {
      configSource = "fips-mode";
      config = { policy: "FIPS", subpolicies: [], line: 0 };
    } else {
      const t = read(posix.join(CRYPTO_POLICIES_SHARE, "default-config"));
      configSource = t === undefined ? "none" : "default-config";
      config = t === undefined ? undefined : parsePolicyConfig(t);
    }
  }
  const currentPath = posix.join(CRYPTO_POLICIES_DIR, "state/current");
  const current = read(currentPath)?.trim().toUpperCase() || undefined;
  let applied: boolean | undefined;
  let appliedReason: string | undefined;
  if (config && current !== undefined) {
    const want = policyName(config);
    const cfgM = view.stat(cfgPath)?.mtimeMs;
    const curM = view.stat(currentPath)?.mtimeMs;
    if (current !== want) {
      applied = false;
      appliedReason = `state/current says ${current} but config asks for ${want}: update-crypto-policies has not run since config changed`;
    } else if (cfgM !== undefined && curM !== undefined && curM < cfgM) {
      applied = false;
      appliedReason =
        "config is newer than state/current (update-crypto-policies --is-applied would say NOT applied)";
    } else applied = true;
  } else if (config) {
    applied = false;
    appliedReason = "state/current is missing: update-crypto-policies has never run";
  }

  const backends: CryptoPolicyBackend[] = Object.keys(CRYPTO_POLICY_BACKENDS).map((name) => {
    const path = posix.join(CRYPTO_POLICIES_DIR, "back-ends", `${name}.config`);
    const l = view.lstat(path);
    if (!l) return { name, path, kind: "missing" as const };
    if (l.kind === "symlink") {
      const target = view.readlink(path) ?? "";
      const m = new RegExp(`^${CRYPTO_POLICIES_SHARE}/([^/]+)/${name}\\.txt$`).exec(
        posix.resolve(posix.dirname(path), target),
      );
      return {
        name,
        path,
        kind: "symlink" as const,
        target,
        ...(m?.[1] ? { policyDir: m[1] } : {}),
      };
    }
    return { name, path, kind: "file" as const };
  });
  if (config && applied !== false) {
    const want = policyName(config);
    for (const b of backends) {
      if (b.policyDir !== undefined && b.policyDir !== want) {
        applied = false;
        appliedReason = `${b.path} points at the ${b.policyDir} policy, not ${want}`;
      }
    }
  }
  let localD: string[] = [];
  const ld = posix.join(CRYPTO_POLICIES_DIR, "local.d");
  if (view.kind(ld) === "dir") {
    try {
      localD = view.listDir(ld).map((n) => posix.join(ld, n));
    } catch (e) {
      problems.push(messageOf(e));
    }
  }
  return {
    present,
    ...(config ? { config } : {}),
    configSource,
    ...(current !== undefined ? { current } : {}),
    ...(applied !== undefined ? { applied } : {}),
    ...(appliedReason !== undefined ? { appliedReason } : {}),
    backends,
    localD,
    problems,
  };
}

/** The policy name the host runs, e.g. "DEFAULT:SHA1", or undefined. */
export function cryptoPolicyName(p: CryptoPolicies): string | undefined {
  return p.config ? policyName(p.config) : p.current;
}
