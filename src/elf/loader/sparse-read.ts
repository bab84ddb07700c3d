import { DEFAULT_MAX_READ, TlsDoctorError, type HostView } from "../../core/index.js";
import { DT, PT, relocationEntrySize, SHT } from "../parse/index.js";

/** Largest file a {@link ScratchBuffer} holds; larger ones get their own buffer. */
const SCRATCH_MAX = 32 * 1024 * 1024;

/**
 * Files up to this size are read whole. Above it, the five to seven reads
 * of a sparse read cost less than copying the code (measured on /usr/bin
 * and /usr/sbin, BENCHMARKS.md).
 */
export const SPARSE_ABOVE = 64 * 1024;

/** Ranges to read this close together are read as one. */
const MERGE_GAP = 16 * 1024;

/** Section types whose contents the ELF model never reads: code, data, .symtab, init arrays. */
const SKIPPED_SECTIONS = new Set([1, 2, 8, 14, 15, 16]);

/**
 * One buffer reused from read to read, for a caller that parses each file's
 * bytes at once and keeps only the model (parseElf keeps no window into its
 * input): a sweep then reads hundreds of files without allocating — and
 * without the garbage collections — hundreds of megabytes of buffers.
 * Bytes it hands out are valid until the next {@link take} or {@link takeZeroed}.
 */
export class ScratchBuffer {
  #buf = new Uint8Array(0);
  /** For sparse reads: zero but for the ranges in #dirty. */
  #sparse = new Uint8Array(0);
  #dirty: number[] = [];

  take(size: number): Uint8Array {
    if (size > this.#buf.length) this.#buf = new Uint8Array(Math.max(size, this.#buf.length * 2));
    return this.#buf.subarray(0, size);
  }

  /**
   * `size` zeroed bytes for a sparse read, which must report each range
   * it writes ({@link written}): the next call clears only those, not the
   * tens of megabytes a large program spans.
   */
  takeZeroed(size: number): Uint8Array {
    if (size > this.#sparse.length) {
      this.#sparse = new Uint8Array(size);
    } else {
      const d = this.#dirty;
      for (let i = 0; i < d.length; i += 2) this.#sparse.fill(0, d[i], d[i + 1]);
    }
    this.#dirty.length = 0;
    return this.#sparse.subarray(0, size);
  }

  /** Records that [offset, offset + length) of the {@link takeZeroed} buffer was written. */
  written(offset: number, length: number): void {
    this.#dirty.push(offset, offset + length);
  }
}

/**
 * The bytes of an ELF file as parseElf needs them: for a large file only
 * the headers, the program and section header tables, the PT_DYNAMIC,
 * PT_INTERP and note segments and every section except code, data,
 * .symtab and init arrays are read, neighbours merged into one read; the rest of the buffer stays zero
 * (the allocation is lazily backed by the kernel, so untouched pages cost
 * nothing). A 90 MB node binary then costs a few MB of reads instead of
 * all of it. Anything unusual (no section headers, extended numbering, a
 * non-ELF file) is read whole. src/test/integration/elf-sparse.test.ts
 * checks the parse equals a whole-file parse on every ELF file here. With
 * `scratch`, a file read whole is read into it (see {@link ScratchBuffer}).
 */
export function readElfBytes(
  view: HostView,
  path: string,
  sparseAbove = SPARSE_ABOVE,
  scratch?: ScratchBuffer,
): Uint8Array {
  const f = view.openRead(path);
  try {
    if (f.size > DEFAULT_MAX_READ) {
      throw new TlsDoctorError(
        "TLSD_FILE",
        `Cannot read ${path}: ${f.size} bytes exceed the ${DEFAULT_MAX_READ}-byte limit`,
        { details: { path, size: f.size, limit: DEFAULT_MAX_READ } },
      );
    }
    if (f.size <= sparseAbove) {
      if (!scratch) return f.read(0, f.size);
      const into = scratch.take(f.size);
      return into.subarray(0, f.readInto(into, 0, 0, f.size));
    }
    // Zeroed, so what is not read reads as zeros. The scratch is not grown
    // past SCRATCH_MAX for one huge file.
    const reuse = scratch !== undefined && f.size <= SCRATCH_MAX;
    const buf = reuse ? scratch.takeZeroed(f.size) : new Uint8Array(f.size);
    // The part [start, end) of the file that `length` bytes at `offset`
    // cover; both come from the file, so any value is possible.
    const span = (offset: number, length: number): [number, number] | undefined => {
      if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length)) return undefined;
      if (offset < 0 || length <= 0 || offset >= f.size) return undefined;
      return [offset, Math.min(offset + length, f.size)];
    };
    const fill = (range: [number, number] | undefined): void => {
      if (!range) return;
      const [start, end] = range;
      if (reuse) scratch.written(start, end - start);
      f.readInto(buf, start, start, end - start);
    };
    const whole = (): Uint8Array => f.read(0, f.size);
    fill(span(0, 64));
    const cls = buf[4];
    const data = buf[5];
    if (buf[0] !== 0x7f || buf[1] !== 0x45 || buf[2] !== 0x4c || buf[3] !== 0x46) return whole();
    if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2)) return whole();
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const le = data === 1;
    const is64 = cls === 2;
    const u16 = (o: number): number => dv.getUint16(o, le);
    const u32 = (o: number): number => dv.getUint32(o, le);
    const addr = (o: number): number => (is64 ? Number(dv.getBigUint64(o, le)) : u32(o));
    const phoff = addr(is64 ? 32 : 28);
    const shoff = addr(is64 ? 40 : 32);
    const phentsize = u16(is64 ? 54 : 42);
    const phnum = u16(is64 ? 56 : 44);
    const shentsize = u16(is64 ? 58 : 46);
    const shnum = u16(is64 ? 60 : 48);
    if (shnum === 0 || shoff === 0 || phnum === 0xffff) return whole();
    if (phentsize < (is64 ? 56 : 32) || shentsize < (is64 ? 64 : 40)) return whole();
    fill(span(phoff, phentsize * phnum));
    fill(span(shoff, shentsize * shnum));
    // The ranges the model reads, merged where they touch or nearly do:
    // one read of the run from .interp to .rela.plt instead of one per
    // section (a read costs more than the few kilobytes between them).
    const ranges: [number, number][] = [];
    const want = (offset: number, length: number): void => {
      const range = span(offset, length);
      if (range) ranges.push(range);
    };
    const loads: [vaddr: number, offset: number, filesz: number][] = [];
    let dynamic: [number, number] | undefined;
    for (let i = 0; i < phnum; i++) {
      const p = phoff + i * phentsize;
      if (p + phentsize > f.size) break;
      const type = u32(p);
      const offset = addr(p + (is64 ? 8 : 4));
      const filesz = addr(p + (is64 ? 32 : 16));
      if (type === PT.LOAD) loads.push([addr(p + (is64 ? 16 : 8)), offset, filesz]);
      if (type === PT.DYNAMIC) dynamic = span(offset, filesz);
      if (type !== PT.DYNAMIC && type !== PT.INTERP && type !== PT.NOTE && type !== PT.GNU_PROPERTY)
        continue;
      want(offset, filesz);
    }
    // The leading relative relocations parseElf skips as ld.so does
    // (relocations.ts): bytes at their section's start left unread.
    fill(dynamic);
    const relative = dynamic ? relativeRelocations(dv, dynamic, is64, le, loads) : [];
    for (let i = 0; i < shnum; i++) {
      const s = shoff + i * shentsize;
      if (s + shentsize > f.size) break;
      const type = u32(s + 4);
      if (SKIPPED_SECTIONS.has(type)) continue;
      let offset = addr(s + (is64 ? 24 : 16));
      let size = addr(s + (is64 ? 32 : 20));
      if (type === SHT.RELA || type === SHT.REL) {
        const skip = relative.find((r) => r.rela === (type === SHT.RELA) && r.offset === offset);
        if (skip) {
          const bytes = Math.min(skip.bytes, size);
          offset += bytes;
          size -= bytes;
        }
      }
      want(offset, size);
    }
    for (const range of mergeRanges(ranges, MERGE_GAP)) fill(range);
    return buf;
  } finally {
    f.close();
  }
}

/**
 * Per DT_RELA and DT_REL table: its file offset (through the PT_LOAD
 * segments) and the bytes of its leading DT_RELACOUNT / DT_RELCOUNT
 * entries, which parseElf does not read. Reads only the PT_DYNAMIC bytes
 * in `dynamic`, already filled; what it cannot map is left out (read whole).
 */
function relativeRelocations(
  dv: DataView,
  dynamic: readonly [number, number],
  is64: boolean,
  le: boolean,
  loads: readonly (readonly [number, number, number])[],
): { rela: boolean; offset: number; bytes: number }[] {
  const tags = new Map<number, number>();
  const entry = is64 ? 16 : 8;
  for (let o = dynamic[0]; o + entry <= dynamic[1]; o += entry) {
    const tag = is64 ? Number(dv.getBigInt64(o, le)) : dv.getInt32(o, le);
    if (tag === DT.NULL) break;
    // The first of each tag, as parseElf's dynValue reads them.
    if (!tags.has(tag))
      tags.set(tag, is64 ? Number(dv.getBigUint64(o + 8, le)) : dv.getUint32(o + 4, le));
  }
  const out: { rela: boolean; offset: number; bytes: number }[] = [];
  const add = (rela: boolean, at: number, size: number, ent: number, count: number): void => {
    const a = tags.get(at);
    const sz = tags.get(size);
    const n = tags.get(count);
    if (a === undefined || sz === undefined || !n) return;
    const e = tags.get(ent) ?? relocationEntrySize(is64 ? 64 : 32, rela);
    if (e <= 0) return;
    const load = loads.find(([vaddr, , filesz]) => a >= vaddr && a < vaddr + filesz);
    if (!load) return;
    out.push({ rela, offset: a - load[0] + load[1], bytes: Math.min(n, Math.floor(sz / e)) * e });
  };
  add(true, DT.RELA, DT.RELASZ, DT.RELAENT, DT.RELACOUNT);
  add(false, DT.REL, DT.RELSZ, DT.RELENT, DT.RELCOUNT);
  return out;
}

/**
 * `ranges` ([start, end) pairs) sorted and merged where they overlap or lie
 * within `gap` bytes of each other.
 */
export function mergeRanges(
  ranges: readonly (readonly [number, number])[],
  gap: number,
): [number, number][] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = out[out.length - 1];
    if (last && start <= last[1] + gap) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}
