import type { CodecError, RecordRead, Sslv2Record, TlsRecord } from "../codec/index.js";
import { isCodecError, readRecord } from "../codec/index.js";

export type FramedRecord =
  | { readonly kind: "tls"; readonly record: TlsRecord; readonly atMs: number }
  | { readonly kind: "sslv2"; readonly record: Sslv2Record; readonly atMs: number }
  /** Framing failed; the stream stops here. `preview` shows the bytes found. */
  | { readonly kind: "error"; readonly error: CodecError; readonly preview: string };

/**
 * Frames one direction's byte stream into records as chunks arrive. Record
 * offsets are offsets in the direction's stream. After a framing error the
 * stream is dead: there is no way to find the next record boundary.
 */
export class RecordStream {
  readonly #maxBytes: number;
  #buf: Uint8Array = new Uint8Array(0);
  /** Stream offset of `#buf[0]`. */
  #base = 0;
  #received = 0;
  #dead = false;
  #clipped = false;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  get dead(): boolean {
    return this.#dead;
  }

  /** More bytes arrived than the limit allowed; the excess was ignored. */
  get clipped(): boolean {
    return this.#clipped;
  }

  /** Bytes of an incomplete record left at the end. */
  get leftover(): number {
    return this.#dead ? 0 : this.#buf.length;
  }

  /** Stream offset where the unconsumed bytes start. */
  get offset(): number {
    return this.#base;
  }

  push(bytes: Uint8Array, atMs: number): FramedRecord[] {
    if (this.#dead) return [];
    let chunk = bytes;
    if (this.#received + chunk.length > this.#maxBytes) {
      chunk = chunk.subarray(0, Math.max(0, this.#maxBytes - this.#received));
      this.#clipped = true;
    }
    this.#received += chunk.length;
    if (chunk.length === 0) return [];
    if (this.#buf.length === 0) {
      this.#buf = chunk;
    } else {
      const joined = new Uint8Array(this.#buf.length + chunk.length);
      joined.set(this.#buf, 0);
      joined.set(chunk, this.#buf.length);
      this.#buf = joined;
    }
    const out: FramedRecord[] = [];
    let pos = 0;
    for (;;) {
      let read: RecordRead;
      try {
        read = readRecord(this.#buf, pos, { baseOffset: this.#base });
      } catch (e: unknown) {
        if (!isCodecError(e)) throw e;
        this.#dead = true;
        out.push({ kind: "error", error: e, preview: preview(this.#buf.subarray(pos)) });
        this.#buf = new Uint8Array(0);
        return out;
      }
      if (read.kind === "need-more") break;
      if (read.kind === "record") out.push({ kind: "tls", record: read.record, atMs });
      else out.push({ kind: "sslv2", record: read.record, atMs });
      pos = read.next;
    }
    this.#base += pos;
    this.#buf = this.#buf.subarray(pos);
    return out;
  }
}

/** Up to 24 bytes as text where printable: a plaintext banner shows up as words. */
function preview(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes.subarray(0, 24)) {
    s += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`;
  }
  return bytes.length > 24 ? `${s}…` : s;
}
