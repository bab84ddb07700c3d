import { Buffer } from "node:buffer";
import { ElfError } from "./errors.js";

/**
 * Bounds-checked random access to a file's bytes in one byte order. Every
 * read names the field it reads; a read past the end throws an
 * {@link ElfError} with the absolute offset. 64-bit values are returned as
 * numbers and rejected when above 2^53 (no real file offset or size is).
 */
export class ElfView {
  readonly bytes: Uint8Array;
  readonly littleEndian: boolean;
  readonly #dv: DataView;
  /** The same bytes as a Buffer, for native latin1 decoding of names. */
  readonly #buf: Buffer;

  constructor(bytes: Uint8Array, littleEndian: boolean) {
    this.bytes = bytes;
    this.littleEndian = littleEndian;
    // byteOffset: the view may be a window into a pooled buffer.
    this.#dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  /** Throws unless [offset, offset+size) lies inside the file. */
  need(offset: number, size: number, field: string): void {
    if (!Number.isSafeInteger(offset) || offset < 0 || size < 0 || offset + size > this.length) {
      // The error's offset is where the bytes run out (never past the input);
      // the message keeps the offset that was asked for.
      throw new ElfError(
        field,
        Number.isSafeInteger(offset) && offset >= 0 ? Math.min(offset, this.length) : 0,
        `need ${size} byte${size === 1 ? "" : "s"} at offset ${offset}, the file has ${this.length}`,
      );
    }
  }

  u8(offset: number, field: string): number {
    this.need(offset, 1, field);
    return this.bytes[offset] as number;
  }

  u16(offset: number, field: string): number {
    this.need(offset, 2, field);
    return this.#dv.getUint16(offset, this.littleEndian);
  }

  u32(offset: number, field: string): number {
    this.need(offset, 4, field);
    return this.#dv.getUint32(offset, this.littleEndian);
  }

  i32(offset: number, field: string): number {
    this.need(offset, 4, field);
    return this.#dv.getInt32(offset, this.littleEndian);
  }

  /** An unsigned 64-bit value; above 2^53 throws (use {@link u64big} for raw values). */
  u64(offset: number, field: string): number {
    this.need(offset, 8, field);
    const hi = this.u64HighAt(offset);
    if (hi > 0x1fffff) {
      const v = this.#dv.getBigUint64(offset, this.littleEndian);
      throw new ElfError(
        field,
        offset,
        `value 0x${v.toString(16)} at offset ${offset} is too large`,
      );
    }
    return this.#u64Number(offset, hi);
  }

  /**
   * The u64 at `offset` whose high word `hi` is at most 0x1fffff, as a
   * number. A small value stays a small integer: Number(bigint) or
   * hi * 2^32 + lo make a heap-allocated double of every field of every
   * header record.
   */
  #u64Number(offset: number, hi: number): number {
    return hi === 0 ? this.u64LowAt(offset) : hi * 0x1_0000_0000 + this.u64LowAt(offset);
  }

  u64big(offset: number, field: string): bigint {
    this.need(offset, 8, field);
    return this.#dv.getBigUint64(offset, this.littleEndian);
  }

  // Unchecked readers for tables whose whole extent one need() call has
  // checked: the hot loops (symbols, relocations) read millions of fields.

  /** u32 at `offset`, the caller having checked the range. */
  u32At(offset: number): number {
    return this.#dv.getUint32(offset, this.littleEndian);
  }

  /** u16 at `offset`, the caller having checked the range. */
  u16At(offset: number): number {
    return this.#dv.getUint16(offset, this.littleEndian);
  }

  /** The high 32 bits of the u64 at `offset` (checked range). */
  u64HighAt(offset: number): number {
    return this.#dv.getUint32(this.littleEndian ? offset + 4 : offset, this.littleEndian);
  }

  /** The low 32 bits of the u64 at `offset` (checked range). */
  u64LowAt(offset: number): number {
    return this.#dv.getUint32(this.littleEndian ? offset : offset + 4, this.littleEndian);
  }

  /**
   * The u64 at `offset` (checked range) of entry `index` of a table as a
   * number; above 2^53 throws, naming `${table} [${index}].${name}` — built
   * only then, so a table's loop makes no string or closure per field.
   */
  u64FieldAt(offset: number, table: string, index: number, name: string): number {
    const hi = this.u64HighAt(offset);
    if (hi > 0x1fffff) return this.u64(offset, `${table} [${index}].${name}`);
    return this.#u64Number(offset, hi);
  }

  /** The low 53 bits of the u64 at `offset` as a number (checked range; addresses and sizes). */
  u64LowBitsAt(offset: number): number {
    return (this.u64HighAt(offset) & 0x1fffff) * 0x1_0000_0000 + this.u64LowAt(offset);
  }

  /** A window [offset, offset+size) of the file, without copying. */
  slice(offset: number, size: number, field: string): Uint8Array {
    this.need(offset, size, field);
    return this.bytes.subarray(offset, offset + size);
  }

  /**
   * A NUL-terminated string starting at `offset` and ending before `end`
   * (the end of its table). Bytes are decoded as latin1 so any byte survives
   * and names compare exactly as ld.so compares them.
   */
  cstring(offset: number, end: number, field: string): string {
    const limit = Math.min(end, this.length);
    if (!Number.isSafeInteger(offset) || offset < 0 || offset >= limit) {
      throw new ElfError(
        field,
        Math.max(0, Math.min(Number.isSafeInteger(offset) ? offset : 0, this.length)),
        `string offset ${offset} is outside its table (which ends at ${limit})`,
      );
    }
    const i = this.bytes.indexOf(0, offset);
    if (i < 0 || i >= limit) {
      throw new ElfError(
        field,
        offset,
        `string at offset ${offset} has no terminating NUL before ${limit}`,
      );
    }
    return this.#buf.toString("latin1", offset, i);
  }
}
