/**
 * Every file read of the pki layer goes through a PkiFiles, so a later
 * change can route them through HostView (snapshots, `--root`). Nothing
 * else in src/pki touches the file system.
 */
import { HostView } from "../core/index.js";

export type PkiPathKind = "file" | "dir" | "missing";

export interface PkiFiles {
  /** The bytes of a regular file (following symlinks). Throws on error. */
  readBytes(path: string): Uint8Array;
  /** Entry names of a directory, sorted. Throws on error. */
  listDir(path: string): string[];
  kind(path: string): PkiPathKind;
}

/** Refuse files larger than this (a full CA bundle is ~220 KiB). */
export const MAX_STORE_FILE_BYTES = 32 * 1024 * 1024;

/** Reads the live file system, or the tree under `root` (absolute symlinks stay inside it). */
export function pkiFiles(root?: string | HostView): PkiFiles {
  const view = root instanceof HostView ? root : new HostView(root ?? "/");
  return {
    readBytes: (path) => view.readBytes(path, MAX_STORE_FILE_BYTES),
    listDir: (path) => view.listDir(path),
    kind(path) {
      const k = view.kind(path);
      return k === "file" || k === "dir" ? k : "missing";
    },
  };
}
