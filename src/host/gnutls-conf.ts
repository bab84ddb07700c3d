/**
 * GnuTLS's system-wide configuration (/etc/gnutls/config on Debian and
 * upstream; Fedora and RHEL build GnuTLS to read the crypto-policies back-end
 * /etc/crypto-policies/back-ends/gnutls.config instead; GNUTLS_SYSTEM_PRIORITY_FILE
 * overrides both). The file is INI, read by the inih copy in lib/inih/ini.c
 * with GnuTLS's build settings, which we reproduce:
 * - lines are fgets() pieces of at most 2047 bytes (INI_MAX_LINE 2048, measured
 *   on GnuTLS 3.7.9): the rest of a longer line is a line of its own;
 * - `;` or `#` at the start of a line is a comment, `;` after whitespace too;
 * - a line that starts with whitespace continues the previous name's value
 *   (INI_ALLOW_MULTILINE): the handler sees the name once more;
 * - `name = value` or `name : value`; section and names compare without case;
 * - a line inih cannot parse (no `=`/`:`, no `]`) makes ini_parse() fail, and
 *   GnuTLS then drops the whole file ("cfg: unable to parse: FILE: LINE"),
 *   even the lines before the error (measured on 3.7.9);
 * - unknown sections, names and values are skipped ("cfg: unknown …") unless
 *   GNUTLS_SYSTEM_PRIORITY_FAIL_ON_INVALID=1, which makes the library exit.
 * Lines before any [section] are priority strings, like [priorities]
 * (doc/cha-config.texi).
 */
import type { HostView } from "../core/index.js";
import { messageOf } from "../core/index.js";

export const GNUTLS_DEFAULT_CONFIG = "/etc/gnutls/config";
const MAX_LINE = 2047;
const MAX_NAME = 49; // strncpy0 into char[50]

export interface GnutlsIniEntry {
  readonly section: string;
  readonly name: string;
  readonly value: string;
  readonly line: number;
}

export interface GnutlsIniParse {
  readonly entries: readonly GnutlsIniEntry[];
  /** inih's error: the first line it could not parse. */
  readonly errorLine?: number;
  /** tlsdoctor stopped storing entries at its bound (GnuTLS has none). */
  readonly truncated?: boolean;
}

const MAX_ENTRIES = 200_000;

const isSpace = (c: string | undefined): boolean =>
  c === " " || c === "\t" || c === "\n" || c === "\v" || c === "\f" || c === "\r";

/** find_chars_or_comment(): the first of `chars`, or `;` after whitespace. */
function findCharsOrComment(s: string, from: number, chars: string | null): number {
  let wasSpace = false;
  let i = from;
  while (
    i < s.length &&
    !(chars !== null && chars.includes(s[i] as string)) &&
    !(wasSpace && s[i] === ";")
  ) {
    wasSpace = isSpace(s[i]);
    i++;
  }
  return i;
}

const rstrip = (s: string): string => {
  let e = s.length;
  while (e > 0 && isSpace(s[e - 1])) e--;
  return s.slice(0, e);
};
const lskip = (s: string): string => {
  let i = 0;
  while (i < s.length && isSpace(s[i])) i++;
  return s.slice(i);
};

/** ini_parse_file() with GnuTLS's settings, over the file's bytes. */
export function parseGnutlsIni(bytes: Uint8Array): GnutlsIniParse {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  const entries: GnutlsIniEntry[] = [];
  let section = "";
  let prevName = "";
  let errorLine: number | undefined;
  let lineno = 0;
  let pos = 0;
  while (pos < text.length) {
    if (entries.length >= MAX_ENTRIES) {
      return { entries, truncated: true, ...(errorLine === undefined ? {} : { errorLine }) };
    }
    const nl = text.indexOf("\n", pos);
    const stop =
      nl >= 0 && nl + 1 - pos <= MAX_LINE ? nl + 1 : Math.min(text.length, pos + MAX_LINE);
    let raw = text.slice(pos, stop);
    pos = stop;
    lineno++;
    const z = raw.indexOf("\0");
    if (z >= 0) raw = raw.slice(0, z);
    if (lineno === 1 && raw.startsWith("\xEF\xBB\xBF")) raw = raw.slice(3);
    const hadLead = isSpace(raw[0]);
    const start = lskip(rstrip(raw));
    const c = start[0];
    if (c === undefined || c === ";" || c === "#") continue;
    if (prevName !== "" && hadLead) {
      entries.push({ section, name: prevName, value: start, line: lineno });
      continue;
    }
    if (c === "[") {
      const end = findCharsOrComment(start, 1, "]");
      if (start[end] === "]") {
        section = start.slice(1, end).slice(0, MAX_NAME);
        prevName = "";
      } else errorLine ??= lineno;
      continue;
    }
    const end = findCharsOrComment(start, 0, "=:");
    if (start[end] !== "=" && start[end] !== ":") {
      errorLine ??= lineno;
      continue;
    }
    const name = rstrip(start.slice(0, end));
    let value = start.slice(end + 1);
    const cut = findCharsOrComment(value, 0, null);
    value = rstrip(lskip(value.slice(0, cut)));
    prevName = name.slice(0, MAX_NAME);
    entries.push({ section, name, value, line: lineno });
  }
  return errorLine === undefined ? { entries } : { entries, errorLine };
}

/** TLS versions GnuTLS knows, by its names (gnutls_protocol_get_id). */
export const GNUTLS_VERSIONS = [
  "SSL3.0",
  "TLS1.0",
  "TLS1.1",
  "TLS1.2",
  "TLS1.3",
  "DTLS0.9",
  "DTLS1.0",
  "DTLS1.2",
];

/** Verification profiles and the RSA/DH bits each demands (lib/algorithms/secparams.c). */
export const GNUTLS_PROFILE_BITS: Readonly<Record<string, number>> = {
  "very weak": 767,
  low: 1024,
  legacy: 1776,
  medium: 2048,
  high: 3072,
  ultra: 8192,
  future: 15360,
  suiteb128: 3072,
  suiteb192: 8192,
};

const BLOCK_KEYS = [
  "insecure-sig-for-cert",
  "insecure-sig",
  "insecure-hash",
  "disabled-curve",
  "disabled-version",
  "tls-disabled-cipher",
  "tls-disabled-mac",
  "tls-disabled-group",
  "tls-disabled-kx",
];
const ALLOW_KEYS = [
  "secure-sig-for-cert",
  "secure-sig",
  "secure-hash",
  "enabled-curve",
  "enabled-version",
  "tls-enabled-cipher",
  "tls-enabled-mac",
  "tls-enabled-group",
  "tls-enabled-kx",
];
const BOTH_KEYS = [
  "min-verification-profile",
  "default-priority-string",
  "tls-session-hash",
  "allow-rsa-pkcs1-encrypt",
];

export interface GnutlsSetting {
  readonly name: string;
  readonly value: string;
  readonly line: number;
}

export interface GnutlsConf {
  readonly path: string;
  readonly exists: boolean;
  /** False when the file is missing, unreadable, or inih fails (GnuTLS then ignores all of it). */
  readonly loaded: boolean;
  readonly error?: { readonly line: number; readonly message: string };
  readonly overrideMode: "blocklist" | "allowlist";
  readonly overrideModeLine?: number;
  /** [overrides] entries GnuTLS applies, lower-cased names. */
  readonly overrides: readonly GnutlsSetting[];
  readonly priorities: readonly GnutlsSetting[];
  /** Entries GnuTLS skips (or exits on, with GNUTLS_SYSTEM_PRIORITY_FAIL_ON_INVALID=1). */
  readonly ignored: readonly (GnutlsSetting & { readonly section: string; readonly why: string })[];
  /** Versions the file leaves disabled, each with the line that did it (0: allowlist default). */
  readonly disabledVersions: readonly { readonly version: string; readonly line: number }[];
  /** Signature algorithms marked insecure (for any use or for certificates), upper case. */
  readonly insecureSigs: readonly {
    readonly sig: string;
    readonly forCerts: boolean;
    readonly line: number;
  }[];
  readonly insecureHashes: readonly { readonly hash: string; readonly line: number }[];
  readonly minProfile?: {
    readonly profile: string;
    readonly rsaBits: number;
    readonly line: number;
  };
}

/** Reads and interprets a GnuTLS system configuration file through the view. */
export function analyseGnutlsConf(
  view: Pick<HostView, "kind" | "readBytes">,
  path: string,
): GnutlsConf {
  const base = {
    path,
    overrideMode: "blocklist" as const,
    overrides: [],
    priorities: [],
    ignored: [],
    disabledVersions: [],
    insecureSigs: [],
    insecureHashes: [],
  };
  if (view.kind(path) === "missing") return { ...base, exists: false, loaded: false };
  let bytes: Uint8Array;
  try {
    bytes = view.readBytes(path, 16 * 1024 * 1024);
  } catch (e) {
    return { ...base, exists: true, loaded: false, error: { line: 0, message: messageOf(e) } };
  }
  return interpretGnutlsIni(path, parseGnutlsIni(bytes));
}

/** GnuTLS's cfg_ini_handler() semantics over parsed entries (lib/priority.c, 3.7). */
export function interpretGnutlsIni(path: string, ini: GnutlsIniParse): GnutlsConf {
  const ignored: (GnutlsSetting & { section: string; why: string })[] = [];
  if (ini.errorLine !== undefined) {
    return {
      path,
      exists: true,
      loaded: false,
      overrideMode: "blocklist",
      overrides: [],
      priorities: [],
      ignored,
      disabledVersions: [],
      insecureSigs: [],
      insecureHashes: [],
      error: {
        line: ini.errorLine,
        message: `GnuTLS cannot parse line ${ini.errorLine} and ignores the whole file ("cfg: unable to parse: ${path}: ${ini.errorLine}")`,
      },
    };
  }
  let mode: "blocklist" | "allowlist" = "blocklist";
  let modeLine: number | undefined;
  for (const e of ini.entries) {
    if (e.section.toLowerCase() === "global" && e.name.toLowerCase() === "override-mode") {
      const v = e.value.toLowerCase();
      if (v === "allowlist" || v === "blocklist") {
        mode = v;
        modeLine = e.line;
      } else ignored.push({ ...e, why: `unknown override-mode ${JSON.stringify(e.value)}` });
    }
  }
  const overrides: GnutlsSetting[] = [];
  const priorities: GnutlsSetting[] = [];
  for (const e of ini.entries) {
    const sec = e.section.toLowerCase();
    const name = e.name.toLowerCase();
    if (sec === "" || sec === "priorities")
      priorities.push({ name: e.name, value: e.value, line: e.line });
    else if (sec === "global") {
      if (name !== "override-mode" && name !== "ktls")
        ignored.push({ ...e, why: `unknown [global] option ${e.name}` });
    } else if (sec === "overrides") {
      const allowed = mode === "allowlist" ? ALLOW_KEYS : BLOCK_KEYS;
      if (allowed.includes(name) || BOTH_KEYS.includes(name))
        overrides.push({ name, value: e.value, line: e.line });
      else if ((mode === "allowlist" ? BLOCK_KEYS : ALLOW_KEYS).includes(name)) {
        ignored.push({ ...e, why: `${e.name} is not allowed in ${mode} mode` });
      } else ignored.push({ ...e, why: `unknown option ${e.name}` });
    } else ignored.push({ ...e, why: `unknown section [${e.section}]` });
  }

  const disabledVersions: { version: string; line: number }[] = [];
  const insecureSigs: { sig: string; forCerts: boolean; line: number }[] = [];
  const insecureHashes: { hash: string; line: number }[] = [];
  let minProfile: GnutlsConf["minProfile"];
  const enabled = new Set<string>();
  for (const o of overrides) {
    const v = o.value.toUpperCase();
    if (o.name === "disabled-version" || o.name === "enabled-version") {
      if (!GNUTLS_VERSIONS.includes(v)) {
        ignored.push({ section: "overrides", ...o, why: `unknown version ${o.value}` });
        continue;
      }
      if (o.name === "disabled-version") disabledVersions.push({ version: v, line: o.line });
      else enabled.add(v);
    } else if (o.name === "insecure-sig" || o.name === "insecure-sig-for-cert") {
      insecureSigs.push({ sig: v, forCerts: o.name === "insecure-sig-for-cert", line: o.line });
    } else if (o.name === "insecure-hash") insecureHashes.push({ hash: v, line: o.line });
    else if (o.name === "min-verification-profile") {
      const bits = GNUTLS_PROFILE_BITS[o.value.toLowerCase()];
      if (bits === undefined)
        ignored.push({ section: "overrides", ...o, why: `unknown profile ${o.value}` });
      else minProfile = { profile: o.value.toLowerCase(), rsaBits: bits, line: o.line };
    }
  }
  if (mode === "allowlist") {
    // Everything starts disabled; only enabled-version turns a version on.
    for (const v of GNUTLS_VERSIONS)
      if (!enabled.has(v)) disabledVersions.push({ version: v, line: 0 });
    const secure = (k: string): Set<string> =>
      new Set(overrides.filter((o) => o.name === k).map((o) => o.value.toUpperCase()));
    const sigs = secure("secure-sig");
    const certSigs = secure("secure-sig-for-cert");
    const hashes = secure("secure-hash");
    for (const s of ["RSA-SHA1", "ECDSA-SHA1", "DSA-SHA1"]) {
      if (!sigs.has(s)) insecureSigs.push({ sig: s, forCerts: false, line: 0 });
      else if (!certSigs.has(s)) insecureSigs.push({ sig: s, forCerts: true, line: 0 });
    }
    if (!hashes.has("SHA1")) insecureHashes.push({ hash: "SHA1", line: 0 });
  }
  return {
    path,
    exists: true,
    loaded: true,
    overrideMode: mode,
    ...(modeLine === undefined ? {} : { overrideModeLine: modeLine }),
    overrides,
    priorities,
    ignored,
    disabledVersions,
    insecureSigs,
    insecureHashes,
    ...(minProfile ? { minProfile } : {}),
  };
}

const NORMAL_VERSIONS = ["TLS1.3", "TLS1.2", "TLS1.1", "TLS1.0", "DTLS1.2", "DTLS1.0"];

/**
 * The versions a priority string keeps under this configuration. A blocklist's
 * disabled-version binds every priority string; an allowlist builds @SYSTEM
 * from its enabled-version lines, but a program that asks for NORMAL itself
 * keeps NORMAL's versions (measured on GnuTLS 3.7.9: NORMAL still completes a
 * TLS 1.0 handshake under an allowlist of TLS 1.2 and 1.3). Without TLS 1.2
 * GnuTLS drops TLS 1.3 as well (measured: disabled-version = tls1.2 fails a
 * TLS 1.3-only server with alert 70).
 */
export function gnutlsEnabledVersions(
  conf: GnutlsConf,
  priority: "NORMAL" | "@SYSTEM" = "NORMAL",
): string[] {
  if (!conf.loaded) return [...NORMAL_VERSIONS];
  const off = new Set(conf.disabledVersions.map((d) => d.version));
  if (conf.overrideMode === "allowlist" && priority === "NORMAL") return [...NORMAL_VERSIONS];
  if (off.has("TLS1.2")) off.add("TLS1.3");
  return NORMAL_VERSIONS.filter((v) => !off.has(v));
}
