import type { Duplex } from "node:stream";
import { TlsDoctorError, withSignal } from "../core/index.js";
import type { Transcript } from "./transcript.js";
import { printable } from "./transcript.js";

/** Hard limits on what a peer may send during the plaintext phase. */
export const DEFAULT_MAX_LINE = 16 * 1024;
export const DEFAULT_MAX_BUFFER = 1024 * 1024;

export interface ConnOptions {
  /** Lines are inside TLS (`~>`/`<~` in the transcript). */
  readonly tls: boolean;
  readonly maxLine?: number;
  readonly maxBuffer?: number;
}

/**
 * A byte and line reader over a stream, for plaintext protocol dialogues
 * (STARTTLS) and for the short exchange after TLS is up. Every read takes a
 * signal and a phase name so a stalled peer becomes TLSD_TIMEOUT naming the
 * phase. Reads never lose bytes: what is not consumed stays buffered.
 */
export class Conn {
  readonly stream: Duplex;
  readonly transcript: Transcript;
  readonly tls: boolean;
  readonly #maxLine: number;
  readonly #maxBuffer: number;
  #buf: Uint8Array = new Uint8Array(0);
  #ended = false;
  #error: Error | undefined;
  #waiter: (() => void) | undefined;
  #detached = false;

  readonly #onData = (chunk: Buffer): void => {
    const next = new Uint8Array(this.#buf.length + chunk.length);
    next.set(this.#buf, 0);
    next.set(chunk, this.#buf.length);
    this.#buf = next;
    if (this.#buf.length > this.#maxBuffer) {
      this.#error = new TlsDoctorError(
        "TLSD_LIMIT",
        `Peer sent more than ${this.#maxBuffer} bytes without the reply being complete`,
        { details: { limit: this.#maxBuffer } },
      );
      this.stream.pause();
    }
    this.#wake();
  };
  readonly #onEnd = (): void => {
    this.#ended = true;
    this.#wake();
  };
  readonly #onError = (e: Error): void => {
    this.#error = e;
    this.#wake();
  };

  constructor(stream: Duplex, transcript: Transcript, options: ConnOptions) {
    this.stream = stream;
    this.transcript = transcript;
    this.tls = options.tls;
    this.#maxLine = options.maxLine ?? DEFAULT_MAX_LINE;
    this.#maxBuffer = options.maxBuffer ?? DEFAULT_MAX_BUFFER;
    stream.on("data", this.#onData);
    stream.on("end", this.#onEnd);
    stream.on("close", this.#onEnd);
    stream.on("error", this.#onError);
  }

  #wake(): void {
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.();
  }

  /** Waits until more bytes arrive, the stream ends, or it fails. */
  async #more(signal: AbortSignal, phase: string): Promise<void> {
    if (this.#error) throw this.#wrapError(this.#error, phase);
    if (this.#ended) {
      throw new TlsDoctorError("TLSD_RESET", `Connection closed by peer during ${phase}`, {
        details: { phase, buffered: this.#buf.length },
      });
    }
    await withSignal(
      new Promise<void>((resolve) => {
        this.#waiter = resolve;
      }),
      signal,
      phase,
    );
    if (this.#error) throw this.#wrapError(this.#error, phase);
  }

  #wrapError(e: Error, phase: string): TlsDoctorError {
    if (e instanceof TlsDoctorError) return e;
    const code = (e as NodeJS.ErrnoException).code ?? "";
    if (code === "ECONNRESET" || code === "EPIPE") {
      return new TlsDoctorError("TLSD_RESET", `Connection reset by peer during ${phase}`, {
        cause: e,
        details: { phase },
      });
    }
    return new TlsDoctorError("TLSD_PROTOCOL", `Connection failed during ${phase}: ${e.message}`, {
      cause: e,
      details: { phase },
    });
  }

  #take(n: number): Uint8Array {
    const out = this.#buf.slice(0, n);
    this.#buf = this.#buf.subarray(n);
    return out;
  }

  /** Bytes received but not yet consumed. */
  get buffered(): number {
    return this.#buf.length;
  }

  /** Reads one line (LF or CRLF terminated) and records it. Returns it without the terminator. */
  async readLine(signal: AbortSignal, phase: string): Promise<string> {
    for (;;) {
      const lf = this.#buf.indexOf(0x0a);
      if (lf >= 0) {
        if (lf > this.#maxLine) break;
        const raw = this.#take(lf + 1);
        const end = lf > 0 && raw[lf - 1] === 0x0d ? lf - 1 : lf;
        const line = Buffer.from(raw.subarray(0, end)).toString("latin1");
        this.transcript.recv(line, this.tls);
        return line;
      }
      if (this.#buf.length > this.#maxLine) break;
      await this.#more(signal, phase);
    }
    throw new TlsDoctorError(
      "TLSD_LIMIT",
      `Line from peer longer than ${this.#maxLine} bytes during ${phase}`,
      { details: { phase, limit: this.#maxLine } },
    );
  }

  /** Reads exactly `n` bytes. `label` goes into the transcript (binary protocols). */
  async readBytes(
    n: number,
    signal: AbortSignal,
    phase: string,
    label?: string,
  ): Promise<Uint8Array> {
    if (n > this.#maxBuffer) {
      throw new TlsDoctorError(
        "TLSD_LIMIT",
        `Peer announced ${n} bytes during ${phase}, over the limit of ${this.#maxBuffer}`,
        {
          details: { phase, limit: this.#maxBuffer, announced: n },
        },
      );
    }
    while (this.#buf.length < n) await this.#more(signal, phase);
    const out = this.#take(n);
    if (label !== undefined) this.transcript.recv(label, this.tls);
    return out;
  }

  /**
   * Reads until `done(buffer)` returns the length of a complete message (or
   * undefined for "need more"), then consumes that many bytes.
   */
  async readMessage(
    done: (buf: Uint8Array) => number | undefined,
    signal: AbortSignal,
    phase: string,
  ): Promise<Uint8Array> {
    for (;;) {
      const n = done(this.#buf);
      if (n !== undefined) return this.#take(n);
      await this.#more(signal, phase);
    }
  }

  /** Sends a line with CRLF (or `eol`) and records it. `shown` replaces secrets in the transcript. */
  writeLine(text: string, options: { eol?: string; shown?: string } = {}): void {
    this.stream.write(Buffer.from(text + (options.eol ?? "\r\n"), "latin1"));
    this.transcript.send(options.shown ?? text, this.tls);
  }

  /** Sends raw bytes; the transcript shows `label`, or the bytes made printable. */
  writeBytes(bytes: Uint8Array, label?: string): void {
    this.stream.write(bytes);
    this.transcript.send(label ?? printable(bytes), this.tls);
  }

  /**
   * Stops reading so another reader (the TLS layer) can take the stream over.
   * Bytes the peer sent early, before TLS began, are returned: a server that
   * sends them is pipelining into TLS (the STARTTLS command-injection class).
   */
  detach(): Uint8Array {
    if (this.#detached) return new Uint8Array(0);
    this.#detached = true;
    this.stream.pause();
    this.stream.off("data", this.#onData);
    this.stream.off("end", this.#onEnd);
    this.stream.off("close", this.#onEnd);
    this.stream.off("error", this.#onError);
    return this.#take(this.#buf.length);
  }
}
