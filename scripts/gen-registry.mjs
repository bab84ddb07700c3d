#!/usr/bin/env node
// Generates src/wire/registry/*.generated.ts from authoritative tables:
//   cipher suites  /etc/testssl/cipher-mapping.txt (Debian package testssl.sh),
//                  IANA names; scripts/registry-sources/non-iana-suites.txt marks
//                  the code points IANA never assigned
//   groups         /etc/testssl/curves-mapping.txt + registry-sources/groups-extra.txt
//   sigschemes     registry-sources/signature-schemes.txt (IANA TLS SignatureScheme)
//   extensions     registry-sources/extensions.txt (IANA TLS ExtensionType Values)
// Usage: node scripts/gen-registry.mjs [--out DIR] [--testssl DIR]
// Deterministic: the same inputs give byte-identical files (a test checks).
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : dflt;
};
const out = opt("--out", join(here, "..", "src", "wire", "registry"));
const testssl = opt("--testssl", "/etc/testssl");
const sources = join(here, "registry-sources");

function die(msg) {
  process.stderr.write(`gen-registry: ${msg}\n`);
  process.exit(1);
}
function read(path) {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    die(
      `cannot read ${path}: ${e.code ?? e.message}${path.endsWith("mapping.txt") ? " (install the Debian package testssl.sh)" : ""}`,
    );
  }
}
function lines(path) {
  return read(path)
    .split("\n")
    .map((l, i) => ({ text: l.replace(/#.*/, "").trim(), n: i + 1 }))
    .filter((l) => l.text !== "");
}
const hex4 = (n) => `0x${n.toString(16).toUpperCase().padStart(4, "0")}`;
const str = (s) => JSON.stringify(s);

// ---- cipher suites ---------------------------------------------------------
const PROTOCOLS = {
  SSLv2: ["SSLv2"],
  SSLv3: ["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2"],
  TLSv1: ["TLSv1", "TLSv1.1", "TLSv1.2"],
  "TLSv1.2": ["TLSv1.2"],
  "TLSv1.3": ["TLSv1.3"],
};
const nonIana = new Map(
  lines(join(sources, "non-iana-suites.txt")).map(({ text }) => {
    const [code, ...why] = text.split(/\s+/);
    return [Number.parseInt(code, 16), why.join(" ")];
  }),
);
const mappingPath = join(testssl, "cipher-mapping.txt");
const suites = [];
const sslv2 = [];
for (const { text, n } of lines(mappingPath)) {
  const m =
    /^(0x[0-9A-F]{2}(?:,0x[0-9A-F]{2}){1,2})\s+-\s+(\S+)\s+(\S+)\s+(SSLv2|SSLv3|TLSv1|TLSv1\.2|TLSv1\.3)\s+Kx=(\S+)\s+Au=(\S+)\s+Enc=([^(\s]+)(?:\((\d+)\))?\s+Mac=(\S+)(\s+export)?$/i.exec(
      text,
    );
  if (!m) die(`${mappingPath}:${n}: cannot parse: ${text}`);
  const [, hex, openssl, rfc, proto, kx, au, enc, bits, mac, exp] = m;
  const bytes = hex.split(",").map((b) => Number.parseInt(b, 16));
  const code = bytes.reduce((a, b) => a * 256 + b, 0);
  const entry = {
    code,
    hex,
    name: rfc !== "-" ? rfc : openssl,
    iana: bytes.length === 2 && rfc !== "-" && !nonIana.has(code),
    openssl: openssl === "-" ? undefined : openssl,
    protocols: PROTOCOLS[proto],
    kx,
    au,
    enc,
    bits: bits === undefined ? 0 : Number(bits),
    mac,
    export: exp !== undefined,
    scsv: false,
  };
  (bytes.length === 3 ? sslv2 : suites).push(entry);
}
for (const [code, name] of [
  [0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"],
  [0x5600, "TLS_FALLBACK_SCSV"],
]) {
  if (!suites.some((s) => s.code === code)) {
    suites.push({
      code,
      hex: `0x${(code >> 8).toString(16).toUpperCase().padStart(2, "0")},0x${(code & 255).toString(16).toUpperCase().padStart(2, "0")}`,
      name,
      iana: true,
      openssl: undefined,
      protocols: PROTOCOLS.SSLv3,
      kx: "-",
      au: "-",
      enc: "-",
      bits: 0,
      mac: "-",
      export: false,
      scsv: true,
    });
  }
}
for (const code of nonIana.keys()) {
  if (!suites.some((s) => s.code === code))
    die(`non-iana-suites.txt: ${hex4(code)} is not in ${mappingPath}`);
}
const byCode = (a, b) => a.code - b.code;
suites.sort(byCode);
sslv2.sort(byCode);
for (const table of [suites, sslv2]) {
  const seen = new Set();
  for (const s of table) {
    if (seen.has(s.code)) die(`duplicate code ${s.hex}`);
    seen.add(s.code);
  }
}
const suiteLine = (s) =>
  `  { code: ${s.hex.split(",").length === 3 ? `0x${s.code.toString(16).toUpperCase().padStart(6, "0")}` : hex4(s.code)}, hex: ${str(s.hex)}, name: ${str(s.name)}, iana: ${s.iana}, ${
    s.openssl ? `openssl: ${str(s.openssl)}, ` : ""
  }protocols: ${str(s.protocols)}, kx: ${str(s.kx)}, au: ${str(s.au)}, enc: ${str(s.enc)}, bits: ${s.bits}, mac: ${str(s.mac)}, export: ${s.export}, scsv: ${s.scsv} },`;

// ---- groups ----------------------------------------------------------------
const NODE_CURVES = {
  secp256r1: "prime256v1",
  secp384r1: "secp384r1",
  secp521r1: "secp521r1",
  x25519: "x25519",
  x448: "x448",
};
const OPENSSL_GROUPS = {
  secp256r1: "P-256",
  secp384r1: "P-384",
  secp521r1: "P-521",
  x25519: "X25519",
  x448: "X448",
};
const groupBits = (name) =>
  name === "x25519" ? 255 : name === "curveSM2" ? 256 : Number(/(\d{3,4})/.exec(name)?.[1] ?? 0);
const groups = [];
const curvesPath = join(testssl, "curves-mapping.txt");
for (const { text, n } of lines(curvesPath)) {
  const m = /^0x([0-9a-f]{2}),0x([0-9a-f]{2})\s+-\s+(\S+)\s+(\S+)$/i.exec(text);
  if (!m) die(`${curvesPath}:${n}: cannot parse: ${text}`);
  const code = Number.parseInt(m[1] + m[2], 16);
  if (code === 0) continue; // "NULL / TPM_ECC_NONE" is not a group
  const name = m[4];
  groups.push({
    code,
    name,
    kind: code >= 0x100 && code <= 0x1ff ? "ffdhe" : "ecdhe",
    bits: groupBits(name),
  });
}
for (const { text } of lines(join(sources, "groups-extra.txt"))) {
  const [code, name] = text.split(/\s+/);
  groups.push({
    code: Number.parseInt(code, 16),
    name,
    kind: "hybrid",
    bits: name.includes("1024") ? 1024 : 768,
  });
}
for (let i = 0; i < 16; i++) {
  const v = i * 0x1010 + 0x0a0a;
  groups.push({ code: v, name: `GREASE_${hex4(v)}`, kind: "grease", bits: 0 });
}
groups.sort(byCode);
const groupLine = (g) =>
  `  { code: ${hex4(g.code)}, name: ${str(g.name)}, ${OPENSSL_GROUPS[g.name] ? `openssl: ${str(OPENSSL_GROUPS[g.name])}, ` : ""}kind: ${str(g.kind)}, bits: ${g.bits}${
    NODE_CURVES[g.name] ? `, nodeCurve: ${str(NODE_CURVES[g.name])}` : ""
  } },`;

// ---- signature schemes and extensions --------------------------------------
const sigs = lines(join(sources, "signature-schemes.txt")).map(({ text }) => {
  const [code, name, flag] = text.split(/\s+/);
  return { code: Number.parseInt(code, 16), name, legacy: flag === "legacy" };
});
sigs.sort(byCode);
const exts = lines(join(sources, "extensions.txt")).map(({ text }) => {
  const [code, name] = text.split(/\s+/);
  return { code: Number(code), name };
});
exts.sort(byCode);

const header = (what, from) =>
  `// Generated by scripts/gen-registry.mjs from ${from}; do not edit.\n// ${what}\n`;
mkdirSync(out, { recursive: true });
writeFileSync(
  join(out, "suites.generated.ts"),
  `${header(`${suites.length} TLS/SSLv3 cipher suites and ${sslv2.length} SSLv2 cipher kinds.`, "/etc/testssl/cipher-mapping.txt (Debian testssl.sh) and scripts/registry-sources/non-iana-suites.txt")}import type { CipherSuite } from "./types.js";

export const SUITE_TABLE: readonly CipherSuite[] = [
${suites.map(suiteLine).join("\n")}
];

export const SSLV2_TABLE: readonly CipherSuite[] = [
${sslv2.map(suiteLine).join("\n")}
];
`,
);
writeFileSync(
  join(out, "groups.generated.ts"),
  `${header(`${groups.length} named groups (IANA "TLS Supported Groups"), GREASE included.`, "/etc/testssl/curves-mapping.txt and scripts/registry-sources/groups-extra.txt")}import type { Group } from "./types.js";

export const GROUP_TABLE: readonly Group[] = [
${groups.map(groupLine).join("\n")}
];
`,
);
writeFileSync(
  join(out, "sigschemes.generated.ts"),
  `${header(`${sigs.length} signature schemes (IANA "TLS SignatureScheme").`, "scripts/registry-sources/signature-schemes.txt")}import type { SignatureScheme } from "./types.js";

export const SIGSCHEME_TABLE: readonly SignatureScheme[] = [
${sigs.map((s) => `  { code: ${hex4(s.code)}, name: ${str(s.name)}, legacy: ${s.legacy} },`).join("\n")}
];
`,
);
writeFileSync(
  join(out, "extensions.generated.ts"),
  `${header(`${exts.length} extension types (IANA "TLS ExtensionType Values").`, "scripts/registry-sources/extensions.txt")}import type { ExtensionInfo } from "./types.js";

export const EXTENSION_TABLE: readonly ExtensionInfo[] = [
${exts.map((e) => `  { code: ${e.code}, name: ${str(e.name)} },`).join("\n")}
];
`,
);
process.stdout.write(
  `gen-registry: ${suites.length} suites, ${sslv2.length} SSLv2 kinds, ${groups.length} groups, ${sigs.length} signature schemes, ${exts.length} extensions -> ${out}\n`,
);
