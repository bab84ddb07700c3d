/**
 * A growable big-endian writer for building handshake messages. Vectors are
 * written through callbacks so their length prefix is filled in afterwards;
 * a body longer than the prefix can express throws a RangeError naming the
 * field, so a builder can never emit a length that lies.
 */
export class ByteWriter {
  #buf: Uint8Array;
  #len = 0;

  constructor(initial = 256) {
    this.#buf = new Uint8Array(initial);
  }

  get length(): number {
    return this.#len;
  }

  #ensure(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }

  u8(v: number): this {
    this.#ensure(1);
    this.#buf[this.#len++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    this.#ensure(2);
    this.#buf[this.#len++] = (v >>> 8) & 0xff;
    this.#buf[this.#len++] = v & 0xff;
    return this;
  }

  u24(v: number): this {
    this.#ensure(3);
    this.#buf[this.#len++] = (v >>> 16) & 0xff;
    this.#buf[this.#len++] = (v >>> 8) & 0xff;
    this.#buf[this.#len++] = v & 0xff;
    return this;
  }

  u32(v: number): this {
    this.u16(Math.floor(v / 0x10000) & 0xffff);
    return this.u16(v & 0xffff);
  }

  bytes(b: Uint8Array | readonly number[]): this {
    this.#ensure(b.length);
    this.#buf.set(b, this.#len);
    this.#len += b.length;
    return this;
  }

  /** A vector with a `prefixBytes`-byte length (1, 2 or 3) written by `body`. */
  vector(prefixBytes: 1 | 2 | 3, body: (w: this) => void, field = "vector"): this {
    const at = this.#len;
    this.#ensure(prefixBytes);
    this.#len += prefixBytes;
    body(this);
    const n = this.#len - at - prefixBytes;
    const max = 2 ** (8 * prefixBytes) - 1;
    if (n > max) throw new RangeError(`Cannot build ${field}: length ${n} exceeds ${max}`);
    for (let i = 0; i < prefixBytes; i++) {
      this.#buf[at + i] = (n >>> (8 * (prefixBytes - 1 - i))) & 0xff;
    }
    return this;
  }

  vector8(b: Uint8Array | readonly number[], field?: string): this {
    return this.vector(1, (w) => w.bytes(b), field);
  }

  vector16(b: Uint8Array | readonly number[], field?: string): this {
    return this.vector(2, (w) => w.bytes(b), field);
  }

  /** A copy of what was written. */
  finish(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
}

/** `u16` values as big-endian bytes. */
export function u16List(values: readonly number[]): Uint8Array {
  const w = new ByteWriter(values.length * 2);
  for (const v of values) w.u16(v);
  return w.finish();
}
