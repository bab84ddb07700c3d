import { ByteReader } from "./byte-reader.js";
import type { Extension } from "./extensions.js";
import { ExtensionType, extensionReader, findExtension, readExtensions } from "./extensions.js";

/** A session ticket as a server issues it (TLS 1.2 RFC 5077, TLS 1.3 RFC 8446). */
export interface NewSessionTicket {
  /** Seconds: `ticket_lifetime_hint` (TLS 1.2, 0 = unspecified) or `ticket_lifetime` (TLS 1.3). */
  readonly lifetime: number;
  /** The opaque ticket; may be empty in TLS 1.2 (the server issues none after all). */
  readonly ticket: Uint8Array;
  /** TLS 1.3 `ticket_age_add`. */
  readonly ageAdd?: number;
  /** TLS 1.3 `ticket_nonce`. */
  readonly nonce?: Uint8Array;
  /** TLS 1.3 extensions; empty for TLS 1.2. */
  readonly extensions: readonly Extension[];
  /** TLS 1.3 early_data extension: `max_early_data_size`, so 0-RTT is offered. */
  readonly maxEarlyDataSize?: number;
}

/**
 * TLS ≤ 1.2, RFC 5077 §3.3:
 *
 * ```
 * struct {
 *     uint32 ticket_lifetime_hint;
 *     opaque ticket<0..2^16-1>;
 * } NewSessionTicket;
 * ```
 */
export function parseNewSessionTicket12(body: Uint8Array, baseOffset = 0): NewSessionTicket {
  const r = new ByteReader(body, { path: "NewSessionTicket", baseOffset });
  const lifetime = r.u32("ticket_lifetime_hint");
  const ticket = r.vector16("ticket");
  r.end();
  return { lifetime, ticket, extensions: [] };
}

/**
 * TLS 1.3, RFC 8446 §4.6.1:
 *
 * ```
 * struct {
 *     uint32 ticket_lifetime;
 *     uint32 ticket_age_add;
 *     opaque ticket_nonce<0..255>;
 *     opaque ticket<1..2^16-1>;
 *     Extension extensions<0..2^16-2>;
 * } NewSessionTicket;
 *
 * struct { uint32 max_early_data_size; } EarlyDataIndication;  // in NewSessionTicket
 * ```
 * A lifetime over 604800 s (7 days) is returned as is: judging it is the caller's job.
 */
export function parseNewSessionTicket13(body: Uint8Array, baseOffset = 0): NewSessionTicket {
  const r = new ByteReader(body, { path: "NewSessionTicket", baseOffset });
  const lifetime = r.u32("ticket_lifetime");
  const ageAdd = r.u32("ticket_age_add");
  const nonce = r.vector8("ticket_nonce");
  const ticketAt = r.offset;
  const ticket = r.vector16("ticket");
  if (ticket.length === 0) throw r.error("ticket", `empty ticket at offset ${ticketAt}`, ticketAt);
  const extensions = readExtensions(r);
  r.end();
  const early = findExtension(extensions, ExtensionType.early_data);
  let maxEarlyDataSize: number | undefined;
  if (early !== undefined) {
    const e = extensionReader(early, "NewSessionTicket.early_data");
    maxEarlyDataSize = e.u32("max_early_data_size");
    e.end();
  }
  return {
    lifetime,
    ticket,
    ageAdd,
    nonce,
    extensions,
    ...(maxEarlyDataSize === undefined ? {} : { maxEarlyDataSize }),
  };
}

/** Pick the form by the negotiated version (0x0304 and above: TLS 1.3). */
export function parseNewSessionTicket(
  body: Uint8Array,
  version: number,
  baseOffset = 0,
): NewSessionTicket {
  return version >= 0x0304
    ? parseNewSessionTicket13(body, baseOffset)
    : parseNewSessionTicket12(body, baseOffset);
}
