// Builders for the ClientHello extensions a scanner sends. Each returns the
// extension's type and its extension_data; the hello builder frames them.
import { ByteWriter, u16List } from "./byte-writer.js";
import { ExtensionType } from "./extensions.js";

export interface ExtensionSpec {
  readonly type: number;
  readonly data: Uint8Array;
}

const EMPTY = new Uint8Array(0);
const enc = new TextEncoder();

/** RFC 6066 §3: `ServerName server_name_list<1..2^16-1>`, one host_name(0). */
export function serverNameExt(host: string): ExtensionSpec {
  const name = enc.encode(host);
  const w = new ByteWriter();
  w.vector(2, (l) => l.u8(0).vector16(name, "HostName"), "server_name_list");
  return { type: ExtensionType.server_name, data: w.finish() };
}

/** RFC 8446 §4.2.7: `NamedGroup named_group_list<2..2^16-1>`. */
export function supportedGroupsExt(groups: readonly number[]): ExtensionSpec {
  return {
    type: ExtensionType.supported_groups,
    data: new ByteWriter().vector16(u16List(groups), "named_group_list").finish(),
  };
}

/** RFC 8422 §5.1.2: `ECPointFormat ec_point_format_list<1..2^8-1>`; 0 = uncompressed. */
export function ecPointFormatsExt(formats: readonly number[] = [0]): ExtensionSpec {
  return {
    type: ExtensionType.ec_point_formats,
    data: new ByteWriter().vector8(formats, "ec_point_format_list").finish(),
  };
}

/** RFC 8446 §4.2.3: `SignatureScheme supported_signature_algorithms<2..2^16-2>`. */
export function signatureAlgorithmsExt(schemes: readonly number[], cert = false): ExtensionSpec {
  return {
    type: cert ? 50 : ExtensionType.signature_algorithms,
    data: new ByteWriter().vector16(u16List(schemes), "supported_signature_algorithms").finish(),
  };
}

/** RFC 7301 §3.1: `ProtocolName protocol_name_list<2..2^16-1>`, each `opaque<1..2^8-1>`. */
export function alpnExt(protocols: readonly string[]): ExtensionSpec {
  const w = new ByteWriter();
  w.vector(2, (l) => {
    for (const p of protocols) l.vector8(enc.encode(p), "ProtocolName");
  });
  return { type: ExtensionType.application_layer_protocol_negotiation, data: w.finish() };
}

/** RFC 6066 §8: status_type ocsp(1), empty responder_id_list and request_extensions. */
export function statusRequestExt(): ExtensionSpec {
  return { type: ExtensionType.status_request, data: Uint8Array.of(1, 0, 0, 0, 0) };
}

/** RFC 5077 §3.2: an empty SessionTicket asks for a ticket. */
export function sessionTicketExt(ticket: Uint8Array = EMPTY): ExtensionSpec {
  return { type: ExtensionType.session_ticket, data: ticket };
}

/** RFC 7627: extended_master_secret, empty. */
export function extendedMasterSecretExt(): ExtensionSpec {
  return { type: ExtensionType.extended_master_secret, data: EMPTY };
}

/** RFC 7366: encrypt_then_mac (22), empty. */
export function encryptThenMacExt(): ExtensionSpec {
  return { type: 22, data: EMPTY };
}

/** RFC 5746 §3.2: an initial hello sends an empty renegotiated_connection. */
export function renegotiationInfoExt(): ExtensionSpec {
  return { type: ExtensionType.renegotiation_info, data: Uint8Array.of(0) };
}

/** RFC 6520 §2: HeartbeatMode 1 = peer_allowed_to_send. */
export function heartbeatExt(mode = 1): ExtensionSpec {
  return { type: 15, data: Uint8Array.of(mode) };
}

/** RFC 7685: `padding` of `length` zero bytes. */
export function paddingExt(length: number): ExtensionSpec {
  return { type: ExtensionType.padding, data: new Uint8Array(length) };
}

/** RFC 8446 §4.2.1 (ClientHello form): `ProtocolVersion versions<2..254>`. */
export function supportedVersionsExt(versions: readonly number[]): ExtensionSpec {
  return {
    type: ExtensionType.supported_versions,
    data: new ByteWriter().vector8(u16List(versions), "versions").finish(),
  };
}

/** RFC 8446 §4.2.9: `PskKeyExchangeMode ke_modes<1..255>`; 1 = psk_dhe_ke. */
export function pskKeyExchangeModesExt(modes: readonly number[] = [1]): ExtensionSpec {
  return {
    type: ExtensionType.psk_key_exchange_modes,
    data: new ByteWriter().vector8(modes, "ke_modes").finish(),
  };
}

export interface KeyShareEntry {
  readonly group: number;
  readonly keyExchange: Uint8Array;
}

/** RFC 8446 §4.2.8: `KeyShareEntry client_shares<0..2^16-1>`. */
export function keyShareExt(entries: readonly KeyShareEntry[]): ExtensionSpec {
  const w = new ByteWriter();
  w.vector(2, (l) => {
    for (const e of entries) l.u16(e.group).vector16(e.keyExchange, "key_exchange");
  });
  return { type: ExtensionType.key_share, data: w.finish() };
}

/** An extension of any type with the given data (GREASE, unknown types, empty ones). */
export function rawExt(type: number, data: Uint8Array = EMPTY): ExtensionSpec {
  return { type, data };
}
