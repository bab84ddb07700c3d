import type { TranscriptLine } from "../core/index.js";

/**
 * What was said on a connection, in order, swaks-style. Times are
 * milliseconds since the transcript began.
 */
export class Transcript {
  readonly lines: TranscriptLine[] = [];
  readonly #t0: number;

  constructor(t0: number = performance.now()) {
    this.#t0 = t0;
  }

  #push(dir: TranscriptLine["dir"], tls: boolean, text: string): void {
    this.lines.push({ dir, tls, text, atMs: Math.round((performance.now() - this.#t0) * 10) / 10 });
  }

  send(text: string, tls = false): void {
    this.#push("send", tls, text);
  }
  recv(text: string, tls = false): void {
    this.#push("recv", tls, text);
  }
  info(text: string): void {
    this.#push("info", false, text);
  }
  error(text: string): void {
    this.#push("error", false, text);
  }
}

/** A printable rendering of protocol bytes: text where printable, \xNN otherwise. */
export function printable(bytes: Uint8Array, max = 200): string {
  let out = "";
  const n = Math.min(bytes.length, max);
  for (let i = 0; i < n; i++) {
    const b = bytes[i] as number;
    if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else if (b === 0x09) out += "\\t";
    else out += `\\x${b.toString(16).padStart(2, "0")}`;
  }
  if (bytes.length > max) out += `… (${bytes.length} bytes)`;
  return out;
}

/** Hex of bytes, space-separated, truncated to `max` bytes. */
export function hex(bytes: Uint8Array, max = 64): string {
  const parts: string[] = [];
  for (let i = 0; i < Math.min(bytes.length, max); i++) {
    parts.push((bytes[i] as number).toString(16).padStart(2, "0"));
  }
  return parts.join(" ") + (bytes.length > max ? ` … (${bytes.length} bytes)` : "");
}
