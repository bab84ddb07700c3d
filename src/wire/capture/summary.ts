import type { Alert, HandshakeMessage, TlsRecord } from "../codec/index.js";
import type { Direction } from "./types.js";

/** The record fields every transcript line has. */
export interface RecordShape {
  readonly contentType: number;
  readonly version: number;
  readonly length: number;
  readonly encrypted: boolean;
  readonly innerContentType?: number;
}

export function outer(r: TlsRecord, encrypted: boolean): RecordShape {
  return { contentType: r.contentType, version: r.version, length: r.fragment.length, encrypted };
}

export function handshakeSummary(messages: readonly HandshakeMessage[], waiting: boolean): string {
  const names = messages.map((m) => m.name);
  if (waiting) names.push("(part of a message)");
  return `Handshake: ${names.length === 0 ? "(nothing)" : names.join(", ")}`;
}

export function alertSummary(alerts: readonly Alert[]): string {
  return `Alert: ${alerts.map((a) => `${a.level} ${a.name}`).join(", ")}`;
}

export function reasonText(dir: Direction, reason: string): string {
  const prefix = dir === "s2c" ? "SERVER" : "CLIENT";
  if (reason === "no handshake traffic secret")
    return `no ${prefix}_HANDSHAKE_TRAFFIC_SECRET in the key log`;
  if (reason === "no application traffic secret")
    return `no ${prefix}_TRAFFIC_SECRET_0 in the key log`;
  return reason;
}
