import type { HostView } from "../core/index.js";
import { isTlsDoctorError } from "../core/index.js";
import { analyseProcess, type ElfAnalysis } from "./analyse.js";
import { ElfCache } from "./loader/elf-cache.js";
import type { LoadOptions, LoaderContext } from "./loader/load.js";
import type { ElfFile } from "./parse/index.js";

export interface SweepItem {
  readonly path: string;
  readonly elf?: ElfFile;
  /** Absent for static executables, relocatable objects, or when the analysis failed. */
  readonly analysis?: ElfAnalysis;
  readonly error?: string;
}

export interface SweepOptions extends LoadOptions {
  /** Called after each file with (done, total, path). */
  readonly onProgress?: (done: number, total: number, path: string) => void;
  /** Largest number of files (default 200,000). */
  readonly maxFiles?: number;
}

/** Every regular file below `dirs` (symlinks not followed), each inode once, sorted. */
export function listFiles(view: HostView, dirs: readonly string[], maxFiles = 200_000): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = (dir: string, depth: number): void => {
    if (depth > 64 || out.length >= maxFiles) return;
    for (const name of view.listDir(dir)) {
      const p = `${dir.replace(/\/+$/, "")}/${name}`;
      const st = view.lstat(p);
      if (!st) continue;
      if (st.kind === "dir") walk(p, depth + 1);
      else if (st.kind === "file") {
        const key = `${st.dev}:${st.ino}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(p);
        if (out.length >= maxFiles) return;
      }
    }
  };
  for (const d of dirs) walk(d, 0);
  return out;
}

/**
 * Analyses every ELF file under `dirs` with one cache of parsed libraries:
 * programs and libraries alike are loaded as ld.so would load them, bound,
 * and checked. Files that are not ELF are skipped silently; unreadable or
 * malformed ELF files are reported, never thrown.
 */
export function sweep(
  view: HostView,
  dirs: readonly string[],
  options: SweepOptions = {},
): SweepItem[] {
  return sweepFiles(view, listFiles(view, dirs, options.maxFiles), options);
}

/** {@link sweep} over a given list of files (a worker's share of a parallel sweep). */
export function sweepFiles(
  view: HostView,
  files: readonly string[],
  options: SweepOptions = {},
): SweepItem[] {
  const out: SweepItem[] = [];
  sweepEach(view, files, (item) => out.push(item), options);
  return out;
}

/**
 * {@link sweepFiles} handing each file's item to `onItem` as it is done.
 * Programs are dropped from the parse cache once analysed (libraries that
 * processes load are kept), so a caller that keeps only what it needs of
 * each item sweeps in memory bounded by the libraries.
 */
export function sweepEach(
  view: HostView,
  files: readonly string[],
  onItem: (item: SweepItem) => void,
  options: SweepOptions = {},
): void {
  const ctx: LoaderContext = { files: new ElfCache(view) };
  files.forEach((path, i) => {
    const entry = ctx.files.get(path);
    options.onProgress?.(i + 1, files.length, path);
    if (entry === null || (!entry.ok && entry.notElf)) return;
    if (!entry.ok) {
      onItem({ path, error: entry.error.message });
      return;
    }
    if (entry.elf.dynamic === undefined || (entry.elf.type !== 2 && entry.elf.type !== 3)) {
      ctx.files.release(path);
      onItem({ path, elf: entry.elf });
      return;
    }
    let item: SweepItem;
    try {
      const analysis = analyseProcess(ctx, path, options);
      for (const o of analysis.load.objects) if (o.index !== 0) ctx.files.keep(o.dev, o.ino);
      item = { path, elf: entry.elf, analysis };
    } catch (e) {
      item = { path, elf: entry.elf, error: isTlsDoctorError(e) ? e.message : String(e) };
    }
    ctx.files.release(path);
    onItem(item);
  });
}
