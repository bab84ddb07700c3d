import { Duplex } from "node:stream";
import type { Socket } from "node:net";

/** One chunk of bytes as it crossed the wire. */
export interface WireChunk {
  readonly dir: "c2s" | "s2c";
  /** Milliseconds since the probe started. */
  readonly atMs: number;
  readonly bytes: Uint8Array;
}

/** Hard cap on what one tap records; TLS handshakes are far smaller. */
export const TAP_RECORD_LIMIT = 4 * 1024 * 1024;

/**
 * A Duplex placed between Node's TLS layer and the TCP socket. It forwards
 * everything unchanged and records each chunk with its time, so the probe
 * can show the handshake exactly as it crossed the wire (the chain as sent,
 * alerts, records) — Node's own API rebuilds chains from its store.
 */
export class WireTap extends Duplex {
  readonly chunks: WireChunk[] = [];
  sentBytes = 0;
  receivedBytes = 0;
  /** True once the recording cap was hit; later bytes still flow but are not kept. */
  overflow = false;
  readonly #raw: Socket;
  readonly #t0: number;
  #recorded = 0;

  constructor(raw: Socket, t0: number) {
    super({ allowHalfOpen: false });
    this.#raw = raw;
    this.#t0 = t0;
    raw.on("data", (d: Buffer) => {
      this.receivedBytes += d.length;
      this.#record("s2c", d);
      if (!this.push(d)) raw.pause();
    });
    raw.on("end", () => this.push(null));
    raw.on("error", (e) => this.destroy(e));
    raw.on("close", () => {
      if (!this.destroyed) this.push(null);
    });
  }

  #record(dir: WireChunk["dir"], d: Uint8Array): void {
    if (this.#recorded + d.length > TAP_RECORD_LIMIT) {
      this.overflow = true;
      return;
    }
    this.#recorded += d.length;
    this.chunks.push({ dir, atMs: performance.now() - this.#t0, bytes: new Uint8Array(d) });
  }

  override _read(): void {
    this.#raw.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.sentBytes += chunk.length;
    this.#record("c2s", chunk);
    this.#raw.write(chunk, cb);
  }

  override _final(cb: (e?: Error | null) => void): void {
    this.#raw.end();
    cb();
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    this.#raw.destroy();
    cb(err);
  }
}
