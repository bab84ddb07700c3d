import { ByteReader } from "./byte-reader.js";

/** Extension types used by the parsers here (IANA "TLS ExtensionType Values"). */
export const ExtensionType = {
  server_name: 0,
  status_request: 5,
  supported_groups: 10,
  ec_point_formats: 11,
  signature_algorithms: 13,
  application_layer_protocol_negotiation: 16,
  signed_certificate_timestamp: 18,
  padding: 21,
  extended_master_secret: 23,
  session_ticket: 35,
  pre_shared_key: 41,
  early_data: 42,
  supported_versions: 43,
  cookie: 44,
  psk_key_exchange_modes: 45,
  key_share: 51,
  renegotiation_info: 0xff01,
} as const;

/**
 * RFC 8446 §4.2:
 *
 * ```
 * struct {
 *     ExtensionType extension_type;
 *     opaque extension_data<0..2^16-1>;
 * } Extension;
 * ```
 */
export interface Extension {
  readonly type: number;
  readonly data: Uint8Array;
  /** Absolute offset of `extension_data`. */
  readonly offset: number;
}

/** Read `Extension extensions<0..2^16-1>` as a list. */
export function readExtensions(r: ByteReader, field = "extensions"): Extension[] {
  const list = r.sub16(field);
  const out: Extension[] = [];
  for (let i = 0; !list.done; i++) {
    const type = list.u16(`[${i}].extension_type`);
    const offset = list.offset + 2;
    const data = list.vector16(`[${i}].extension_data`);
    out.push({ type, data, offset });
  }
  return out;
}

export function findExtension(exts: readonly Extension[], type: number): Extension | undefined {
  return exts.find((e) => e.type === type);
}

/** A reader over one extension's data, with path `Parent.extensionName`. */
export function extensionReader(ext: Extension, path: string): ByteReader {
  return new ByteReader(ext.data, { path, baseOffset: ext.offset });
}

/**
 * RFC 7301 §3.1:
 *
 * ```
 * opaque ProtocolName<1..2^8-1>;
 * struct { ProtocolName protocol_name_list<2..2^16-1> } ProtocolNameList;
 * ```
 * Names are decoded as latin1 so every byte survives.
 */
export function parseAlpn(ext: Extension, path: string): string[] {
  const r = extensionReader(ext, path);
  const list = r.sub16("protocol_name_list");
  r.end();
  const out: string[] = [];
  for (let i = 0; !list.done; i++) out.push(latin1(list.vector8(`[${i}]`)));
  return out;
}

/**
 * RFC 6066 §3:
 *
 * ```
 * struct {
 *     NameType name_type;            // host_name(0)
 *     select (name_type) { case host_name: HostName; } name;
 * } ServerName;
 * opaque HostName<1..2^16-1>;
 * struct { ServerName server_name_list<1..2^16-1> } ServerNameList;
 * ```
 * Returns the first host_name; an empty extension (a server's ack) gives undefined.
 */
export function parseServerName(ext: Extension, path: string): string | undefined {
  if (ext.data.length === 0) return undefined;
  const r = extensionReader(ext, path);
  const list = r.sub16("server_name_list");
  r.end();
  for (let i = 0; !list.done; i++) {
    const type = list.u8(`[${i}].name_type`);
    const name = list.vector16(`[${i}].host_name`);
    if (type === 0) return latin1(name);
  }
  return undefined;
}

/**
 * RFC 8446 §4.2.1, ClientHello form: `ProtocolVersion versions<2..254>;`
 */
export function parseSupportedVersionsOffered(ext: Extension, path: string): number[] {
  const r = extensionReader(ext, path);
  const list = r.sub8("versions");
  r.end();
  return readU16List(list);
}

/** RFC 8446 §4.2.1, ServerHello form: `ProtocolVersion selected_version;` */
export function parseSupportedVersionSelected(ext: Extension, path: string): number {
  const r = extensionReader(ext, path);
  const v = r.u16("selected_version");
  r.end();
  return v;
}

/** RFC 8446 §4.2.7: `NamedGroup named_group_list<2..2^16-1>;` */
export function parseSupportedGroups(ext: Extension, path: string): number[] {
  const r = extensionReader(ext, path);
  const list = r.sub16("named_group_list");
  r.end();
  return readU16List(list);
}

/**
 * RFC 8446 §4.2.8:
 *
 * ```
 * struct { NamedGroup group; opaque key_exchange<1..2^16-1>; } KeyShareEntry;
 * struct { KeyShareEntry client_shares<0..2^16-1>; } KeyShareClientHello;
 * struct { NamedGroup selected_group; } KeyShareHelloRetryRequest;
 * struct { KeyShareEntry server_share; } KeyShareServerHello;
 * ```
 * Returns the groups of the client shares.
 */
export function parseKeyShareClient(ext: Extension, path: string): number[] {
  const r = extensionReader(ext, path);
  const list = r.sub16("client_shares");
  r.end();
  const out: number[] = [];
  for (let i = 0; !list.done; i++) {
    out.push(list.u16(`[${i}].group`));
    list.vector16(`[${i}].key_exchange`);
  }
  return out;
}

/** The selected group of a ServerHello (or HelloRetryRequest) key_share. */
export function parseKeyShareServer(ext: Extension, path: string, hrr: boolean): number {
  return parseKeyShareServerEntry(ext, path, hrr).group;
}

/** The server's share: its group and, except in a HelloRetryRequest, its key_exchange. */
export function parseKeyShareServerEntry(
  ext: Extension,
  path: string,
  hrr: boolean,
): { group: number; key?: Uint8Array } {
  const r = extensionReader(ext, path);
  const group = r.u16(hrr ? "selected_group" : "server_share.group");
  const key = hrr ? undefined : r.vector16("server_share.key_exchange");
  r.end();
  return key === undefined ? { group } : { group, key };
}

/** Reads the rest of `list` as big-endian u16 values; an odd length is an error. */
export function readU16List(list: ByteReader): number[] {
  if (list.remaining % 2 !== 0) {
    throw list.error("", `list length ${list.remaining} at offset ${list.offset} is odd`);
  }
  const out: number[] = [];
  for (let i = 0; !list.done; i++) out.push(list.u16(`[${i}]`));
  return out;
}

/** Bytes as a latin1 string (every byte maps to one code unit). */
export function latin1(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}
