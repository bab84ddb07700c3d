#!/usr/bin/env node
// Generates src/explain/errors.generated.ts: the error tables `tlsdoctor explain` decodes with.
//   OpenSSL libraries   ERR_LIB_* of /usr/include/openssl/err.h (Debian libssl-dev, 3.0),
//                       texts from registry-sources/openssl-3.0-err.c.excerpt (crypto/err/err.c)
//   OpenSSL 3.x reasons every X_R_* of /usr/include/openssl/*err.h, plus the reasons
//                       registry-sources/openssl-3.0-openssl.txt lists for libraries without
//                       a public header (SM2, PROP …); texts from that openssl.txt; the
//                       common ERR_R_* (any library) from err.h + the err.c excerpt
//   OpenSSL 1.1.1       function codes X_F_* and reasons X_R_* with their texts from
//                       registry-sources/openssl-1.1.1-openssl.txt; common ERR_R_* from
//                       registry-sources/openssl-1.1.1-err.c.excerpt
//   X509_V_ERR          numbers from /usr/include/openssl/x509_vfy.h; texts from
//                       registry-sources/openssl-{3.0,1.1.1}-x509_txt.c, the 3.0 ones checked
//                       against X509_verify_cert_error_string() (native-strings.txt)
//   GnuTLS, EAI, errno  registry-sources/native-strings.txt, the output of native-strings.c
//                       (gnutls_strerror, gai_strerror, strerror on Debian 12 x86_64); EAI
//                       names from /usr/include/netdb.h, errno aliases from the kernel headers
// Usage: node scripts/gen-errors.mjs [--out DIR] [--include DIR] [--refresh-native]
//   --refresh-native  compiles and runs native-strings.c (gcc, libgnutls28-dev, libssl-dev)
//                     and rewrites native-strings.txt before generating.
// Deterministic: the same inputs give a byte-identical file (a test checks).
import { readFileSync, writeFileSync, mkdirSync, readdirSync, mkdtempSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { tmpdir } from "node:os";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : dflt;
};
const out = opt("--out", join(here, "..", "src", "explain"));
const include = opt("--include", "/usr/include");
const sources = join(here, "registry-sources");

function die(msg) {
  process.stderr.write(`gen-errors: ${msg}\n`);
  process.exit(1);
}
function read(path, pkg) {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    die(
      `cannot read ${path}: ${e.code ?? e.message}${pkg ? ` (install the Debian package ${pkg})` : ""}`,
    );
  }
}
const stripComments = (s) => s.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/\/\/.*$/gm, "");
/** `#define NAME VALUE` lines of a C header, comments removed. */
function defines(text) {
  const map = new Map();
  for (const line of stripComments(text).split("\n")) {
    const m = /^\s*#\s*define\s+([A-Za-z_][A-Za-z0-9_]*)\s+(.+?)\s*$/.exec(line);
    if (m) map.set(m[1], m[2]);
  }
  return map;
}
/** Evaluates an integer macro: numbers, names already known, | << & + ( ). */
function evaluate(expr, known, what) {
  const sub = expr
    .replace(/\(\s*unsigned\s+(?:int|long)\s*\)/g, "")
    .replace(/\b(0[xX][0-9a-fA-F]+|\d+)[uUlL]+\b/g, "$1")
    .replace(/\b[A-Za-z_][A-Za-z0-9_]*\b/g, (n) => {
      if (!known.has(n)) die(`${what}: unknown name ${n} in ${expr}`);
      return `(${evaluate(known.get(n), known, `${what} → ${n}`)})`;
    });
  if (!/^[\s0-9a-fA-FxX|&<>+()-]*$/.test(sub)) die(`${what}: cannot evaluate ${expr} (${sub})`);
  return Number(new Function(`return (${sub});`)());
}
const str = (s) => JSON.stringify(s);

// ---- native strings (optionally refreshed) ----------------------------------
const nativePath = join(sources, "native-strings.txt");
if (args.includes("--refresh-native")) {
  const dir = mkdtempSync(join(tmpdir(), "gen-errors-"));
  try {
    const exe = join(dir, "native-strings");
    const cc = spawnSync(
      "gcc",
      ["-O0", "-o", exe, join(sources, "native-strings.c"), "-lgnutls", "-lcrypto"],
      {
        encoding: "utf8",
      },
    );
    if (cc.status !== 0) die(`gcc failed (install gcc libgnutls28-dev libssl-dev): ${cc.stderr}`);
    const run = spawnSync(exe, [], { encoding: "utf8" });
    if (run.status !== 0) die(`native-strings failed: ${run.stderr}`);
    writeFileSync(nativePath, run.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const native = { gnutls: [], eai: [], errno: [], x509: [] };
read(nativePath)
  .split("\n")
  .filter((l) => l !== "")
  .forEach((l, i) => {
    const [kind, num, name, ...text] = l.split("\t");
    if (!native[kind] || !/^-?\d+$/.test(num ?? ""))
      die(`${nativePath}:${i + 1}: cannot parse: ${l}`);
    native[kind].push({ num: Number(num), name, text: text.join("\t") });
  });

// ---- OpenSSL 3.0 headers ----------------------------------------------------
const sslDir = join(include, "openssl");
const errH = defines(read(join(sslDir, "err.h"), "libssl-dev"));
const known = new Map();
const libs = new Map(); // number -> name
for (const [name, value] of errH) {
  if (
    /^ERR_LIB_[A-Z0-9_]+$/.test(name) &&
    /^\d+$/.test(value) &&
    name !== "ERR_LIB_OFFSET" &&
    name !== "ERR_LIB_MASK"
  ) {
    libs.set(Number(value), name.slice("ERR_LIB_".length));
  }
}
for (const [name, value] of errH) {
  if (/^(ERR_LIB_|ERR_RFLAG|ERR_R_)/.test(name)) known.set(name, value);
}
const libByName = new Map([...libs].map(([n, name]) => [name, n]));

/** Reads an openssl.txt: `NAME:NUM:TEXT`, `\` + newline + tab continues a line. */
function opensslTxt(path) {
  const joined = read(path).replace(/\\\n\s*/g, "");
  const funcs = [];
  const reasons = [];
  joined.split("\n").forEach((line, i) => {
    if (line.trim() === "" || line.startsWith("#")) return;
    const m = /^([A-Z0-9_]+?)_([FR])_([A-Z0-9_]+):(\d+):(.*)$/.exec(line);
    if (!m) die(`${path}:${i + 1}: cannot parse: ${line}`);
    const [, prefix, kind, rest, num, text] = m;
    const lib = libByName.get(prefix);
    if (lib === undefined)
      die(`${path}: unknown library prefix ${prefix} (not an ERR_LIB_* of err.h)`);
    // mkerr.pl makes the text from the name when the file leaves it empty.
    const row = {
      lib,
      num: Number(num),
      macro: `${prefix}_${kind}_${rest}`,
      text: text || rest.toLowerCase().replaceAll("_", " "),
    };
    (kind === "F" ? funcs : reasons).push(row);
  });
  return { funcs, reasons };
}
const txt3 = opensslTxt(join(sources, "openssl-3.0-openssl.txt"));
const txt111 = opensslTxt(join(sources, "openssl-1.1.1-openssl.txt"));
const text3 = new Map(txt3.reasons.map((r) => [r.macro, r]));
/** `{ ERR_PACK(ERR_LIB_SSL, 0, SSL_R_X), "text" }` entries of an ssl_err.c excerpt (reasons 1000 + N). */
const sslErrTexts = (path) =>
  new Map(
    [
      ...stripComments(read(path)).matchAll(
        /ERR_PACK\(ERR_LIB_SSL,\s*0,\s*(SSL_R_[A-Z0-9_]+)\),\s*"([^"]*)"/g,
      ),
    ].map((m) => [m[1], m[2]]),
  );
const alertTexts3 = sslErrTexts(join(sources, "openssl-3.0-ssl_err.c.excerpt"));
const alertTexts111 = sslErrTexts(join(sources, "openssl-1.1.1-ssl_err.c.excerpt"));

/** `{ MACRO, "text" }` pairs of an err.c excerpt (the text may continue on the next line). */
function errCPairs(text, re) {
  const out = new Map();
  for (const m of stripComments(text).matchAll(re)) out.set(m[1], m[2]);
  return out;
}

// Libraries and their texts.
const errC3 = read(join(sources, "openssl-3.0-err.c.excerpt"));
const libTexts = errCPairs(errC3, /ERR_PACK\(ERR_LIB_([A-Z0-9_]+),\s*0,\s*0\),\s*"([^"]*)"/g);
for (const name of libTexts.keys())
  if (!libByName.has(name)) die(`err.c excerpt names ERR_LIB_${name}, not in err.h`);
const libraries = [...libs]
  .sort((a, b) => a[0] - b[0])
  .map(([n, name]) => [n, name, libTexts.get(name) ?? null]);

// 3.x reasons: every X_R_* of the *err.h headers.
const reasons3 = new Map(); // "lib:num" -> row
const addReason = (map, row, what) => {
  const key = `${row.lib}:${row.num}`;
  const old = map.get(key);
  if (old && old.macro !== row.macro) die(`${what}: ${row.macro} and ${old.macro} share ${key}`);
  map.set(key, row);
};
const headers = readdirSync(sslDir)
  .filter((f) => /err\.h$/.test(f) && f !== "err.h")
  .sort();
for (const f of headers) {
  for (const [name, value] of defines(read(join(sslDir, f)))) {
    const m = /^([A-Z0-9_]+?)_R_[A-Z0-9_]+$/.exec(name);
    if (!m) continue;
    const lib = libByName.get(m[1]);
    if (lib === undefined) die(`${f}: ${name}: no ERR_LIB_${m[1]}`);
    const num = evaluate(value, known, `${f}: ${name}`);
    const t =
      text3.get(name) ?? (alertTexts3.has(name) ? { num, text: alertTexts3.get(name) } : undefined);
    // A few header macros are marked /* unused */ and have no text: OpenSSL prints reason(N).
    if (t && t.num !== num) die(`${name}: ${num} in ${f} but ${t.num} in openssl-3.0-openssl.txt`);
    addReason(reasons3, { lib, num, macro: name, text: t ? t.text : null }, f);
  }
}
// Libraries without a public header (SM2, PROP …): openssl.txt is the only source.
for (const r of txt3.reasons)
  if (!reasons3.has(`${r.lib}:${r.num}`)) addReason(reasons3, r, "openssl-3.0-openssl.txt");
// Common reasons (ERR_R_*): valid in every library, looked up as library 0 by OpenSSL.
const common3Texts = errCPairs(errC3, /\{\s*(ERR_R_[A-Z0-9_]+),\s*"([^"]*)"/g);
for (const [name, value] of errH) {
  if (!/^ERR_R_[A-Z0-9_]+$/.test(name)) continue;
  const text = common3Texts.get(name);
  // err.h defines ERR_R_*_LIB for libraries err.c gives no text (DSO, CMS …): OpenSSL prints reason(N).
  if (text === undefined) continue;
  addReason(
    reasons3,
    { lib: 0, num: evaluate(value, known, `err.h: ${name}`), macro: name, text },
    "err.h",
  );
}
const sortRows = (rows) => [...rows].sort((a, b) => a.lib - b.lib || a.num - b.num);

// 1.1.1: functions and reasons from its openssl.txt; common reasons from the excerpt.
const funcs111 = new Map();
for (const r of txt111.funcs) addReason(funcs111, r, "openssl-1.1.1-openssl.txt functions");
const reasons111 = new Map();
for (const r of txt111.reasons) addReason(reasons111, r, "openssl-1.1.1-openssl.txt");
for (const [macro, text] of alertTexts111) {
  const r3 = [...reasons3.values()].find((r) => r.macro === macro);
  if (!r3)
    die(
      `openssl-1.1.1-ssl_err.c.excerpt: ${macro} is not in sslerr.h (3.0), its number is unknown`,
    );
  addReason(reasons111, { lib: r3.lib, num: r3.num, macro, text }, "1.1.1 ssl_err.c");
}
const errC111 = read(join(sources, "openssl-1.1.1-err.c.excerpt"));
const known111 = new Map([...known].filter(([n]) => n.startsWith("ERR_LIB_")));
const defs111 = defines(errC111);
for (const [n, v] of defs111) known111.set(n, v);
const common111Texts = errCPairs(errC111, /\{\s*(ERR_R_[A-Z0-9_]+),\s*"([^"]*)"/g);
for (const [name, text] of common111Texts) {
  if (!defs111.has(name)) die(`openssl-1.1.1-err.c.excerpt: no value for ${name}`);
  // ERR_R_BUF_LIB and ERR_R_PASSED_INVALID_ARGUMENT are both 7 in 1.1.1; err_load_strings()
  // inserts in array order, so the later "passed invalid argument" is what 1.1.1 prints.
  const num = evaluate(defs111.get(name), known111, name);
  reasons111.set(`0:${num}`, { lib: 0, num, macro: name, text });
}

// ---- X509_V_ERR ---------------------------------------------------------------
const vfy = defines(read(join(sslDir, "x509_vfy.h"), "libssl-dev"));
/** `case X509_V_...: [case …:] return "text";` of x509_txt.c. */
function x509Texts(path) {
  const map = new Map();
  const body = stripComments(read(path));
  for (const m of body.matchAll(
    /((?:case\s+X509_V_[A-Z0-9_]+\s*:\s*)+)return\s+((?:"[^"]*"\s*)+);/g,
  )) {
    const text = [...m[2].matchAll(/"([^"]*)"/g)].map((x) => x[1]).join("");
    for (const c of m[1].matchAll(/X509_V_[A-Z0-9_]+/g)) map.set(c[0], text);
  }
  return map;
}
const x3 = x509Texts(join(sources, "openssl-3.0-x509_txt.c"));
const x111 = x509Texts(join(sources, "openssl-1.1.1-x509_txt.c"));
const nativeX509 = new Map(native.x509.map((r) => [r.num, r.text]));
const x509 = [];
for (const [name, value] of vfy) {
  if (!/^X509_V_(OK|ERR_[A-Z0-9_]+)$/.test(name) || !/^-?\d+$/.test(value)) continue;
  const num = Number(value);
  const t3 = x3.get(name);
  if (t3 === undefined) die(`x509_vfy.h: ${name} has no text in openssl-3.0-x509_txt.c`);
  if (nativeX509.has(num) && nativeX509.get(num) !== t3) {
    die(`${name}: x509_txt.c says ${str(t3)}, libcrypto says ${str(nativeX509.get(num))}`);
  }
  x509.push({ num, name, text: t3, text111: x111.get(name) ?? null });
}
x509.sort((a, b) => a.num - b.num || a.name.localeCompare(b.name));

// ---- GnuTLS, EAI, errno -------------------------------------------------------
const gnutlsH = defines(read(join(include, "gnutls", "gnutls.h"), "libgnutls28-dev"));
const gnutls = native.gnutls.map((r) => ({ num: r.num, name: r.name, text: r.text }));
for (const r of gnutls) {
  let v = gnutlsH.get(r.name);
  while (v !== undefined && gnutlsH.has(v)) v = gnutlsH.get(v); // aliases: #define A B
  if (v !== undefined && Number(v) !== r.num)
    die(`gnutls.h: ${r.name} is ${v}, gnutls_strerror_name says ${r.num}`);
}
const netdb = defines(read(join(include, "netdb.h"), "libc6-dev"));
const eaiText = new Map(native.eai.map((r) => [r.num, r.text]));
const eai = [...netdb]
  .filter(([n, v]) => n.startsWith("EAI_") && /^-\d+$/.test(v))
  // glibc's gai_strerror has no message for EAI_OVERFLOW and answers "Unknown error".
  .map(([name, v]) => ({ num: Number(v), name, text: eaiText.get(Number(v)) ?? "Unknown error" }))
  .sort((a, b) => b.num - a.num);
const errnoRows = native.errno.map((r) => ({ num: r.num, name: r.name, text: r.text }));
const errnoNames = new Set(errnoRows.map((r) => r.name));
const aliases = [];
for (const h of [
  "asm-generic/errno-base.h",
  "asm-generic/errno.h",
  "x86_64-linux-gnu/bits/errno.h",
]) {
  for (const [name, value] of defines(read(join(include, h), "linux-libc-dev"))) {
    if (/^E[A-Z0-9]+$/.test(name) && errnoNames.has(value) && !errnoNames.has(name))
      aliases.push([name, value]);
  }
}
aliases.sort((a, b) => a[0].localeCompare(b[0]));

// ---- output -------------------------------------------------------------------
const rows = (list, f) => list.map((x) => `  ${f(x)},`).join("\n");
const r3 = sortRows(reasons3.values());
const r111 = sortRows(reasons111.values());
const f111 = sortRows(funcs111.values());
const text = `/* eslint-disable max-lines -- a generated table */
// Generated by scripts/gen-errors.mjs; do not edit. Sources: /usr/include/openssl/*err.h and
// x509_vfy.h (Debian libssl-dev 3.0), /usr/include/netdb.h, gnutls/gnutls.h and the kernel errno
// headers, and scripts/registry-sources/ (OpenSSL 3.0.22 and 1.1.1w openssl.txt, err.c excerpts,
// x509_txt.c; native-strings.txt = gnutls_strerror/gai_strerror/strerror on Debian 12 x86_64).
// ${libraries.length} libraries, ${r3.length} OpenSSL 3.x reasons, ${r111.length} OpenSSL 1.1.1 reasons and ${f111.length} functions,
// ${x509.length} X509_V codes, ${gnutls.length} GnuTLS codes, ${eai.length} EAI codes, ${errnoRows.length} errno values.

/** [ERR_LIB_ number, name after ERR_LIB_, text OpenSSL prints or null]. */
export const OPENSSL_LIBRARIES: readonly (readonly [number, string, string | null])[] = [
${rows(libraries, ([n, name, t]) => `[${n}, ${str(name)}, ${t === null ? "null" : str(t)}]`)}
];

/** OpenSSL 3.x [lib, reason (flag bits included), macro, text or null (unused, printed reason(N))]; lib 0 = common ERR_R_*. */
export const OPENSSL3_REASONS: readonly (readonly [number, number, string, string | null])[] = [
${rows(r3, (r) => `[${r.lib}, ${r.num}, ${str(r.macro)}, ${r.text === null ? "null" : str(r.text)}]`)}
];

/** OpenSSL 1.1.1 [lib, reason, macro, text]; lib 0 = common ERR_R_*. */
export const OPENSSL111_REASONS: readonly (readonly [number, number, string, string])[] = [
${rows(r111, (r) => `[${r.lib}, ${r.num}, ${str(r.macro)}, ${str(r.text)}]`)}
];

/** OpenSSL 1.1.1 [lib, function code, macro, function name]. */
export const OPENSSL111_FUNCTIONS: readonly (readonly [number, number, string, string])[] = [
${rows(f111, (r) => `[${r.lib}, ${r.num}, ${str(r.macro)}, ${str(r.text)}]`)}
];

/** [number, X509_V_ name, OpenSSL 3.0 text, OpenSSL 1.1.1 text or null when 1.1.1 lacks the code]. */
export const X509_VERIFY_CODES: readonly (readonly [number, string, string, string | null])[] = [
${rows(x509, (r) => `[${r.num}, ${str(r.name)}, ${str(r.text)}, ${r.text111 === null ? "null" : str(r.text111)}]`)}
];

/** [GNUTLS_E_ value, name, gnutls_strerror text] (GnuTLS 3.7). */
export const GNUTLS_ERRORS: readonly (readonly [number, string, string])[] = [
${rows(gnutls, (r) => `[${r.num}, ${str(r.name)}, ${str(r.text)}]`)}
];

/** [EAI_ value, name, gai_strerror text] (glibc 2.36). */
export const EAI_CODES: readonly (readonly [number, string, string])[] = [
${rows(eai, (r) => `[${r.num}, ${str(r.name)}, ${str(r.text)}]`)}
];

/** [errno, name, strerror text] (glibc 2.36, Linux x86_64). */
export const ERRNO_CODES: readonly (readonly [number, string, string])[] = [
${rows(errnoRows, (r) => `[${r.num}, ${str(r.name)}, ${str(r.text)}]`)}
];

/** [alias, the name it stands for] from the kernel and glibc errno headers. */
export const ERRNO_ALIASES: readonly (readonly [string, string])[] = [
${rows(aliases, ([a, b]) => `[${str(a)}, ${str(b)}]`)}
];
`;
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "errors.generated.ts"), text);
process.stdout.write(
  `gen-errors: ${libraries.length} libraries, ${r3.length} 3.x reasons, ${r111.length} 1.1.1 reasons, ${f111.length} functions, ${x509.length} X509_V, ${gnutls.length} GnuTLS, ${eai.length} EAI, ${errnoRows.length} errno\n`,
);
