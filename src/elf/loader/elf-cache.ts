import type { HostView } from "../../core/index.js";
import { isTlsDoctorError, TlsDoctorError } from "../../core/index.js";
import { ElfError, parseElf, type ElfFile } from "../parse/index.js";
import { readElfBytes, ScratchBuffer, SPARSE_ABOVE } from "./sparse-read.js";

/** A file read and parsed once per (device, inode), shared by every process a sweep emulates. */
export type CachedElf =
  | { readonly ok: true; readonly elf: ElfFile; readonly dev: number; readonly ino: number }
  | { readonly ok: false; readonly error: TlsDoctorError; readonly notElf: boolean };

/** The ELF files of one HostView, parsed on first use. */
export class ElfCache {
  readonly view: HostView;
  readonly #byPath = new Map<string, CachedElf | null>();
  readonly #byInode = new Map<string, CachedElf>();
  readonly #kept = new Set<string>();
  /** Files are parsed as soon as read and the model keeps no bytes: one buffer serves them all. */
  readonly #scratch = new ScratchBuffer();
  /** Files read and parsed (for progress and benchmarks). */
  parsed = 0;

  constructor(view: HostView) {
    this.view = view;
  }

  /** `null` when the path does not exist (or is not a regular file) — ld.so's ENOENT. */
  get(path: string): CachedElf | null {
    const hit = this.#byPath.get(path);
    if (hit !== undefined) return hit;
    const st = this.view.stat(path);
    if (!st || st.kind !== "file") {
      this.#byPath.set(path, null);
      return null;
    }
    const key = `${st.dev}:${st.ino}`;
    let entry = this.#byInode.get(key);
    if (!entry) {
      entry = this.#load(path, st.dev, st.ino);
      this.#byInode.set(key, entry);
    }
    this.#byPath.set(path, entry);
    return entry;
  }

  /**
   * Forgets `path`'s file unless {@link keep} was called for it: a sweep
   * drops each program once analysed, keeping only the libraries that later
   * programs load, so memory is bounded by the libraries, not the files.
   * A forgotten file is read again if asked for.
   */
  release(path: string): void {
    const entry = this.#byPath.get(path);
    if (!entry?.ok || this.#kept.has(`${entry.dev}:${entry.ino}`)) return;
    this.#byPath.delete(path);
    this.#byInode.delete(`${entry.dev}:${entry.ino}`);
  }

  /** Marks a file as one to keep (a library some process loads). */
  keep(dev: number, ino: number): void {
    this.#kept.add(`${dev}:${ino}`);
  }

  #load(path: string, dev: number, ino: number): CachedElf {
    try {
      const bytes = readElfBytes(this.view, path, SPARSE_ABOVE, this.#scratch);
      this.parsed++;
      const notElf =
        bytes.length < 4 ||
        bytes[0] !== 0x7f ||
        bytes[1] !== 0x45 ||
        bytes[2] !== 0x4c ||
        bytes[3] !== 0x46;
      if (notElf) {
        return {
          ok: false,
          notElf: true,
          error: new ElfError("e_ident.magic", 0, "not an ELF file", { file: path }),
        };
      }
      return { ok: true, elf: parseElf(bytes, { file: path }), dev, ino };
    } catch (e) {
      if (isTlsDoctorError(e)) return { ok: false, error: e, notElf: false };
      return {
        ok: false,
        notElf: false,
        error: new TlsDoctorError("TLSD_INTERNAL", `Cannot read ${path}: ${String(e)}`, {
          cause: e,
        }),
      };
    }
  }
}
