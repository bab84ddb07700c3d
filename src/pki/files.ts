/**
 * Every file read of the pki layer goes through a PkiFiles, so a later
 * change can route them through HostView (snapshots, `--root`). Nothing
 * else in src/pki touches the file system.
 */
import { lstatSync, readFileSync, readdirSync, readlinkSync, statSync } from "node:fs";
import { isAbsolute, join, dirname, resolve } from "node:path";

export type PathKind = "file" | "dir" | "missing";

export interface PkiFiles {
  /** The bytes of a regular file (following symlinks). Throws on error. */
  readBytes(path: string): Uint8Array;
  /** Entry names of a directory, sorted. Throws on error. */
  listDir(path: string): string[];
  kind(path: string): PathKind;
}

/** Refuse files larger than this (a full CA bundle is ~220 KiB). */
export const MAX_STORE_FILE_BYTES = 32 * 1024 * 1024;

/** Resolves `path` under `root`, re-rooting absolute symlink targets (at most 16 hops). */
function rootedPath(root: string, path: string): string {
  let p = resolve("/", path);
  for (let hop = 0; hop < 16; hop++) {
    const parts = p.split("/").filter(Boolean);
    let cur = "/";
    let changed = false;
    for (let i = 0; i < parts.length; i++) {
      const next = join(cur, parts[i] ?? "");
      let link: string | undefined;
      try {
        if (lstatSync(join(root, next)).isSymbolicLink()) link = readlinkSync(join(root, next));
      } catch {
        return join(root, p);
      }
      if (link !== undefined) {
        const target = isAbsolute(link) ? link : join(dirname(next), link);
        p = resolve("/", target, ...parts.slice(i + 1));
        changed = true;
        break;
      }
      cur = next;
    }
    if (!changed) return join(root, p);
  }
  return join(root, p);
}

/** Reads the live file system, or the tree under `root` (absolute symlinks stay inside it). */
export function pkiFiles(root?: string): PkiFiles {
  const real = (p: string): string =>
    root === undefined || root === "/" ? p : rootedPath(root, p);
  return {
    readBytes(path) {
      const r = real(path);
      const size = statSync(r).size;
      if (size > MAX_STORE_FILE_BYTES) {
        throw new RangeError(
          `Cannot read ${path}: ${size} bytes exceed the ${MAX_STORE_FILE_BYTES}-byte limit`,
        );
      }
      return new Uint8Array(readFileSync(r));
    },
    listDir(path) {
      return readdirSync(real(path)).sort();
    },
    kind(path) {
      try {
        const s = statSync(real(path));
        return s.isDirectory() ? "dir" : s.isFile() ? "file" : "missing";
      } catch {
        return "missing";
      }
    },
  };
}
