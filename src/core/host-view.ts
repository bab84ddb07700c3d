/**
 * HostView: every read of the host's files goes through one, rooted at `/`
 * (the live host) or at a directory holding a snapshot or a foreign sysroot
 * (`--root DIR`). Under a root, absolute symlink targets are re-rooted, so
 * `/lib/libc.so.6 -> /usr/lib/libc.so.6` inside the snapshot never escapes
 * to the analysing machine's own files. Reads are synchronous: the callers
 * (ELF sweeps over thousands of files, trust stores) are faster that way
 * and nothing here touches the network.
 */
import {
  lstatSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  statSync,
} from "node:fs";
import type { Stats } from "node:fs";
import { isAbsolute, join, posix } from "node:path";
import { TlsDoctorError } from "./errors.js";

export type PathKind = "file" | "dir" | "symlink" | "other" | "missing";

/** The facts of a path that checks use (from stat, following symlinks, unless said). */
export interface PathStat {
  readonly kind: PathKind;
  readonly size: number;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly dev: number;
  readonly ino: number;
  readonly mtimeMs: number;
}

/** Symlink hops before ELOOP, as Linux's MAXSYMLINKS (40). */
const MAX_HOPS = 40;
/** Default largest file readBytes accepts: any real library fits. */
export const DEFAULT_MAX_READ = 1024 * 1024 * 1024;

function kindOf(s: Stats): PathKind {
  return s.isFile() ? "file" : s.isDirectory() ? "dir" : s.isSymbolicLink() ? "symlink" : "other";
}

export class HostView {
  /** The directory that stands for `/`; "/" for the live host. */
  readonly root: string;

  constructor(root = "/") {
    this.root = root === "" ? "/" : root;
  }

  get live(): boolean {
    return this.root === "/";
  }

  /**
   * The path inside the view with every symlink resolved (absolute targets
   * re-rooted, `..` clamped at the root); the last component too unless
   * `followLast` is false. Missing components end the walk: the rest is
   * appended as is.
   */
  resolve(path: string, followLast = true): string {
    let p = posix.resolve("/", path);
    if (this.live) {
      if (!followLast) return p;
      try {
        return realpathSync(p);
      } catch {
        return p;
      }
    }
    for (let hop = 0; hop <= MAX_HOPS; hop++) {
      const parts = p.split("/").filter(Boolean);
      let cur = "/";
      let changed = false;
      for (let i = 0; i < parts.length; i++) {
        const next = posix.join(cur, parts[i] ?? "");
        if (!followLast && i === parts.length - 1) return next;
        let link: string | undefined;
        try {
          if (lstatSync(join(this.root, next)).isSymbolicLink()) {
            link = readlinkSync(join(this.root, next));
          }
        } catch {
          return posix.join(next, ...parts.slice(i + 1));
        }
        if (link !== undefined) {
          const target = isAbsolute(link) ? link : posix.join(posix.dirname(next), link);
          p = posix.resolve("/", target, ...parts.slice(i + 1));
          changed = true;
          break;
        }
        cur = next;
      }
      if (!changed) return p;
    }
    throw new TlsDoctorError(
      "TLSD_FILE",
      `Cannot resolve ${path}: more than ${MAX_HOPS} symlinks (ELOOP)`,
      {
        details: { path, root: this.root },
      },
    );
  }

  /** The path on the analysing machine's file system for `path` in the view. */
  hostPath(path: string, followLast = true): string {
    if (this.live) return posix.resolve("/", path);
    return join(this.root, this.resolve(path, followLast));
  }

  /** Bytes of a regular file, following symlinks. TLSD_FILE when missing, not a file or too big. */
  readBytes(path: string, maxBytes = DEFAULT_MAX_READ): Uint8Array {
    const real = this.hostPath(path);
    let s: Stats;
    try {
      s = statSync(real);
    } catch (e) {
      throw this.#error("read", path, e);
    }
    if (!s.isFile()) {
      throw new TlsDoctorError(
        "TLSD_FILE",
        `Cannot read ${path}: it is a ${kindOf(s)}, not a file`,
        {
          details: { path },
        },
      );
    }
    if (s.size > maxBytes) {
      throw new TlsDoctorError(
        "TLSD_FILE",
        `Cannot read ${path}: ${s.size} bytes exceed the ${maxBytes}-byte limit`,
        { details: { path, size: s.size, limit: maxBytes } },
      );
    }
    try {
      const b = readFileSync(real);
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    } catch (e) {
      throw this.#error("read", path, e);
    }
  }

  /** Text of a file (UTF-8), with the same errors as {@link readBytes}. */
  readText(path: string, maxBytes = 64 * 1024 * 1024): string {
    return new TextDecoder().decode(this.readBytes(path, maxBytes));
  }

  /** Entry names of a directory, sorted. TLSD_FILE on error. */
  listDir(path: string): string[] {
    try {
      return readdirSync(this.hostPath(path)).sort();
    } catch (e) {
      throw this.#error("list", path, e);
    }
  }

  /** stat (following symlinks), or undefined when the path does not exist or cannot be read. */
  stat(path: string): PathStat | undefined {
    return this.#stat(this.hostPath(path), statSync);
  }

  /** lstat: the path itself, a symlink reported as one. */
  lstat(path: string): PathStat | undefined {
    return this.#stat(this.hostPath(path, false), lstatSync);
  }

  kind(path: string): PathKind {
    return this.stat(path)?.kind ?? "missing";
  }

  /** A symlink's target as stored, or undefined. */
  readlink(path: string): string | undefined {
    try {
      return readlinkSync(this.hostPath(path, false));
    } catch {
      return undefined;
    }
  }

  #stat(real: string, fn: typeof statSync): PathStat | undefined {
    try {
      const s = fn(real);
      return {
        kind: kindOf(s),
        size: s.size,
        mode: s.mode,
        uid: s.uid,
        gid: s.gid,
        dev: s.dev,
        ino: s.ino,
        mtimeMs: s.mtimeMs,
      };
    } catch {
      return undefined;
    }
  }

  #error(action: string, path: string, e: unknown): TlsDoctorError {
    const code = typeof e === "object" && e !== null && "code" in e ? String(e.code) : "error";
    const why =
      code === "ENOENT"
        ? "no such file or directory"
        : code === "EACCES"
          ? "permission denied"
          : code === "ENOTDIR"
            ? "a component is not a directory"
            : code === "EISDIR"
              ? "it is a directory"
              : e instanceof Error
                ? e.message
                : String(e);
    const where = this.live ? "" : ` (under ${this.root})`;
    return new TlsDoctorError("TLSD_FILE", `Cannot ${action} ${path}${where}: ${why}`, {
      cause: e,
      details: { path, root: this.root, errno: code },
    });
  }
}
