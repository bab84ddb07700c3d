// wire/registry: generated tables (scripts/gen-registry.mjs) and lookups —
// cipher suites, groups, signature schemes, extensions; alerts come from the
// one table in explain/alerts.ts.
import type { ProtocolName } from "../codec/index.js";
import { EXTENSION_TABLE } from "./extensions.generated.js";
import { GROUP_TABLE } from "./groups.generated.js";
import { SIGSCHEME_TABLE } from "./sigschemes.generated.js";
import { SSLV2_TABLE, SUITE_TABLE } from "./suites.generated.js";
import type { CipherSuite, ExtensionInfo, Group, SignatureScheme } from "./types.js";

export type { CipherSuite, ExtensionInfo, Group, SignatureScheme } from "./types.js";
export { ALERT_NAMES, alertName } from "../codec/index.js";

export const CIPHER_SUITES: readonly CipherSuite[] = SUITE_TABLE;
export const SSLV2_CIPHER_KINDS: readonly CipherSuite[] = SSLV2_TABLE;
export const GROUPS: readonly Group[] = GROUP_TABLE;
export const SIGNATURE_SCHEMES: readonly SignatureScheme[] = SIGSCHEME_TABLE;
export const EXTENSIONS: readonly ExtensionInfo[] = EXTENSION_TABLE;

const hex = (code: number, digits = 4): string =>
  `0x${code.toString(16).toUpperCase().padStart(digits, "0")}`;

const suiteMap = new Map<number, CipherSuite>(SUITE_TABLE.map((s) => [s.code, s]));
const sslv2Map = new Map<number, CipherSuite>(SSLV2_TABLE.map((s) => [s.code, s]));
const nameMap = new Map<string, CipherSuite>();
for (const s of [...SSLV2_TABLE, ...SUITE_TABLE]) {
  nameMap.set(s.name.toUpperCase(), s);
  if (s.openssl !== undefined && !nameMap.has(s.openssl.toUpperCase())) {
    nameMap.set(s.openssl.toUpperCase(), s);
  }
}
// A TLS suite's OpenSSL name wins over an SSLv2 kind's of the same spelling.
for (const s of SUITE_TABLE) if (s.openssl !== undefined) nameMap.set(s.openssl.toUpperCase(), s);
for (const s of SUITE_TABLE) nameMap.set(s.name.toUpperCase(), s);

/** A suite by code: 2-byte TLS codes, or 3-byte SSLv2 kinds (above 0xFFFF). */
export function suiteByCode(code: number): CipherSuite | undefined {
  return code > 0xffff ? sslv2Map.get(code) : suiteMap.get(code);
}

/** A suite by IANA or OpenSSL name, case-insensitive. */
export function suiteByName(name: string): CipherSuite | undefined {
  return nameMap.get(name.trim().toUpperCase());
}

/** The IANA name, or `0xC0FF` for a code we do not know. */
export function suiteLabel(code: number): string {
  return suiteByCode(code)?.name ?? hex(code, code > 0xffff ? 6 : 4);
}

const byProtocol = new Map<ProtocolName, readonly CipherSuite[]>();
/** The suites (no SCSVs) that can be negotiated in a protocol; SSLv2 gives the cipher kinds. */
export function suitesFor(protocol: ProtocolName): readonly CipherSuite[] {
  let list = byProtocol.get(protocol);
  if (list === undefined) {
    list = (protocol === "SSLv2" ? SSLV2_TABLE : SUITE_TABLE).filter(
      (s) => !s.scsv && s.protocols.includes(protocol),
    );
    byProtocol.set(protocol, list);
  }
  return list;
}

const groupMap = new Map<number, Group>(GROUP_TABLE.map((g) => [g.code, g]));
export function groupByCode(code: number): Group | undefined {
  return groupMap.get(code);
}
/** `x25519`, or `0x001F`-style for an unknown group. */
export function groupLabel(code: number): string {
  return groupMap.get(code)?.name ?? hex(code);
}

const sigMap = new Map<number, SignatureScheme>(SIGSCHEME_TABLE.map((s) => [s.code, s]));
export function sigschemeByCode(code: number): SignatureScheme | undefined {
  return sigMap.get(code);
}
export function sigschemeLabel(code: number): string {
  return sigMap.get(code)?.name ?? hex(code);
}

const extMap = new Map<number, ExtensionInfo>(EXTENSION_TABLE.map((e) => [e.code, e]));
/** `key_share`, `GREASE_0x1A1A`, or `extension_0x7E57`. */
export function extensionLabel(code: number): string {
  const e = extMap.get(code);
  if (e !== undefined) return e.name;
  return isGrease(code) ? `GREASE_${hex(code)}` : `extension_${hex(code)}`;
}

/** RFC 8701: the 16 values 0x0A0A, 0x1A1A … 0xFAFA. */
export const GREASE_VALUES: readonly number[] = Array.from(
  { length: 16 },
  (_, i) => i * 0x1010 + 0x0a0a,
);
export function isGrease(value: number): boolean {
  return (value & 0x0f0f) === 0x0a0a && value >> 8 === (value & 0xff);
}
