import { CodecError } from "./codec-error.js";

export interface ByteReaderOptions {
  /** Structure path used in error messages, e.g. `ServerHello`. */
  readonly path?: string;
  /** Absolute offset of `bytes[0]` in the caller's input, for error messages. */
  readonly baseOffset?: number;
}

/** Join a path and a field: `A` + `b` = `A.b`, `A` + `[2]` = `A[2]`. */
export function joinPath(path: string, field: string): string {
  if (path === "") return field;
  if (field === "") return path;
  return field.startsWith("[") ? `${path}${field}` : `${path}.${field}`;
}

/**
 * A strict big-endian cursor over a Uint8Array. Every read names the field it
 * reads; a read that would run past the end throws a {@link CodecError}
 * naming `path.field` and the absolute offset, and consumes nothing. Lengths
 * read from the input are checked against what is left before anything is
 * sliced; slices are `subarray` views, never copies.
 */
export class ByteReader {
  readonly input: Uint8Array;
  readonly path: string;
  readonly baseOffset: number;
  #pos = 0;

  constructor(bytes: Uint8Array, options: ByteReaderOptions = {}) {
    this.input = bytes;
    this.path = options.path ?? "";
    this.baseOffset = options.baseOffset ?? 0;
  }

  /** Absolute offset of the next byte to read. */
  get offset(): number {
    return this.baseOffset + this.#pos;
  }

  /** Position relative to the start of this reader's bytes. */
  get position(): number {
    return this.#pos;
  }

  get remaining(): number {
    return this.input.length - this.#pos;
  }

  get done(): boolean {
    return this.#pos >= this.input.length;
  }

  /** A CodecError at the current offset, for `path.field`. */
  error(field: string, problem: string, offset: number = this.offset): CodecError {
    return new CodecError(joinPath(this.path, field), offset, problem);
  }

  #need(field: string, n: number): void {
    if (n > this.remaining) {
      throw this.error(
        field,
        `need ${n} byte${n === 1 ? "" : "s"} at offset ${this.offset}, ${this.remaining} left`,
      );
    }
  }

  u8(field: string): number {
    this.#need(field, 1);
    return this.input[this.#pos++] as number;
  }

  u16(field: string): number {
    this.#need(field, 2);
    const b = this.input;
    const p = this.#pos;
    this.#pos += 2;
    return ((b[p] as number) << 8) | (b[p + 1] as number);
  }

  u24(field: string): number {
    this.#need(field, 3);
    const b = this.input;
    const p = this.#pos;
    this.#pos += 3;
    return ((b[p] as number) << 16) | ((b[p + 1] as number) << 8) | (b[p + 2] as number);
  }

  u32(field: string): number {
    this.#need(field, 4);
    const b = this.input;
    const p = this.#pos;
    this.#pos += 4;
    return (
      (b[p] as number) * 0x1000000 +
      (((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number))
    );
  }

  /** The next `n` bytes as a view. */
  bytes(n: number, field: string): Uint8Array {
    if (!Number.isSafeInteger(n) || n < 0) throw this.error(field, `length ${n} is invalid`);
    this.#need(field, n);
    const view = this.input.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return view;
  }

  #vector(lengthBytes: 1 | 2 | 3, field: string): Uint8Array {
    const start = this.#pos;
    const at = this.offset;
    const len =
      lengthBytes === 1 ? this.u8(field) : lengthBytes === 2 ? this.u16(field) : this.u24(field);
    if (len > this.remaining) {
      const left = this.remaining;
      this.#pos = start;
      throw this.error(field, `length ${len} at offset ${at} exceeds the ${left} bytes left`, at);
    }
    const view = this.input.subarray(this.#pos, this.#pos + len);
    this.#pos += len;
    return view;
  }

  /** `opaque field<0..2^8-1>`: a 1-byte length, then that many bytes (a view). */
  vector8(field: string): Uint8Array {
    return this.#vector(1, field);
  }

  /** `opaque field<0..2^16-1>`. */
  vector16(field: string): Uint8Array {
    return this.#vector(2, field);
  }

  /** `opaque field<0..2^24-1>`. */
  vector24(field: string): Uint8Array {
    return this.#vector(3, field);
  }

  /** A reader over a length-prefixed vector, with path `path.field`. */
  sub8(field: string): ByteReader {
    return this.#sub(1, field);
  }

  sub16(field: string): ByteReader {
    return this.#sub(2, field);
  }

  sub24(field: string): ByteReader {
    return this.#sub(3, field);
  }

  #sub(lengthBytes: 1 | 2 | 3, field: string): ByteReader {
    const base = this.offset + lengthBytes;
    const view = this.#vector(lengthBytes, field);
    return new ByteReader(view, { path: joinPath(this.path, field), baseOffset: base });
  }

  /** A reader over the rest of the input, consuming it. */
  rest(field: string): ByteReader {
    const base = this.offset;
    const view = this.input.subarray(this.#pos);
    this.#pos = this.input.length;
    return new ByteReader(view, { path: joinPath(this.path, field), baseOffset: base });
  }

  /** Throws unless every byte was read. */
  end(): void {
    if (this.remaining !== 0) {
      throw new CodecError(
        this.path === "" ? "input" : this.path,
        this.offset,
        `${this.remaining} unexpected trailing byte${this.remaining === 1 ? "" : "s"} at offset ${this.offset}`,
      );
    }
  }
}
