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
  closeSync,
  fstatSync,
  lstatSync,
  openSync,
  readFileSync,
  readSync,
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
  /** Device number of a character or block device (major << 8 | minor for small numbers), else 0. */
  readonly rdev: number;
}

/** A file opened by {@link HostView.openRead}. */
export interface PositionalFile {
  readonly size: number;
  /** Up to `length` bytes at `offset` (fewer at the end of the file). */
  read(offset: number, length: number): Uint8Array;
  /** Like {@link read}, into `target` at `at`; returns the number of bytes read. */
  readInto(target: Uint8Array, at: number, offset: number, length: number): number;
  close(): void;
}

/** What a {@link HostView} was asked for: `tlsdoctor collect` snapshots exactly these paths. */
export interface HostAccess {
  readonly op: "read" | "list" | "stat" | "lstat" | "readlink";
  /** The path inside the view, as asked. */
  readonly path: string;
}

export interface HostViewOptions {
  /** Called for every access, before it happens (the access may then fail). */
  readonly onAccess?: (a: HostAccess) => void;
}

/**
 * Facts a snapshot keeps about paths that cannot be files in a tar archive:
 * device nodes (/dev/urandom) and the like. `collect` writes them to
 * DIR/.tlsdoctor/paths.json; a HostView rooted at DIR answers stat() from it
 * for paths that are not there.
 */
export const SNAPSHOT_PATHS_FILE = ".tlsdoctor/paths.json";

type RecordedStats = Readonly<Record<string, PathStat>>;

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

  readonly #onAccess: ((a: HostAccess) => void) | undefined;
  #recorded: RecordedStats | undefined;

  constructor(root = "/", options: HostViewOptions = {}) {
    this.root = root === "" ? "/" : root;
    this.#onAccess = options.onAccess;
  }

  /** The access hook this view reports to (collect's recorder), for views derived from it. */
  get onAccess(): ((a: HostAccess) => void) | undefined {
    return this.#onAccess;
  }

  /** Stats a snapshot recorded for paths it could not store (device nodes). */
  #recordedStat(path: string): PathStat | undefined {
    if (this.live) return undefined;
    if (this.#recorded === undefined) {
      this.#recorded = {};
      try {
        const parsed = JSON.parse(
          readFileSync(join(this.root, SNAPSHOT_PATHS_FILE), "utf8"),
        ) as unknown;
        if (typeof parsed === "object" && parsed !== null) this.#recorded = parsed as RecordedStats;
      } catch {
        // Not a snapshot made by collect, or no such facts: plain files only.
      }
    }
    const r = this.#recorded[posix.resolve("/", path)];
    return r !== undefined && typeof r.mode === "number" ? r : undefined;
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
    this.#onAccess?.({ op: "read", path });
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

  /**
   * A regular file for positional reads: its size and `read(offset,
   * length)`, for parsers that need a few ranges of a large file (an ELF
   * reader needs the tables, not the code). Close it when done. Same errors
   * and access record as {@link readBytes}.
   */
  openRead(path: string): PositionalFile {
    this.#onAccess?.({ op: "read", path });
    const real = this.hostPath(path);
    let fd: number;
    let size: number;
    try {
      fd = openSync(real, "r");
      const s = fstatSync(fd);
      if (!s.isFile()) {
        closeSync(fd);
        throw new TlsDoctorError(
          "TLSD_FILE",
          `Cannot read ${path}: it is a ${kindOf(s)}, not a file`,
          {
            details: { path },
          },
        );
      }
      size = s.size;
    } catch (e) {
      if (e instanceof TlsDoctorError) throw e;
      throw this.#error("read", path, e);
    }
    return {
      size,
      readInto: (target, at, offset, length) => {
        const n = Math.max(0, Math.min(length, size - offset, target.length - at));
        let done = 0;
        try {
          while (done < n) {
            const got = readSync(fd, target, at + done, n - done, offset + done);
            if (got === 0) break;
            done += got;
          }
        } catch (e) {
          throw this.#error("read", path, e);
        }
        return done;
      },
      read(offset, length) {
        const out = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
        const done = this.readInto(out, 0, offset, out.length);
        return done === out.length ? out : out.subarray(0, done);
      },
      close: () => closeSync(fd),
    };
  }

  /** Text of a file (UTF-8), with the same errors as {@link readBytes}. */
  readText(path: string, maxBytes = 64 * 1024 * 1024): string {
    return new TextDecoder().decode(this.readBytes(path, maxBytes));
  }

  /** Entry names of a directory, sorted. TLSD_FILE on error. */
  listDir(path: string): string[] {
    this.#onAccess?.({ op: "list", path });
    try {
      return readdirSync(this.hostPath(path)).sort();
    } catch (e) {
      throw this.#error("list", path, e);
    }
  }

  /** stat (following symlinks), or undefined when the path does not exist or cannot be read. */
  stat(path: string): PathStat | undefined {
    this.#onAccess?.({ op: "stat", path });
    return this.#stat(this.hostPath(path), statSync) ?? this.#recordedStat(path);
  }

  /** lstat: the path itself, a symlink reported as one. */
  lstat(path: string): PathStat | undefined {
    this.#onAccess?.({ op: "lstat", path });
    return this.#stat(this.hostPath(path, false), lstatSync) ?? this.#recordedStat(path);
  }

  kind(path: string): PathKind {
    return this.stat(path)?.kind ?? "missing";
  }

  /** A symlink's target as stored, or undefined. */
  readlink(path: string): string | undefined {
    this.#onAccess?.({ op: "readlink", path });
    try {
      return readlinkSync(this.hostPath(path, false));
    } catch {
      return undefined;
    }
  }

  #stat(real: string, fn: typeof statSync): PathStat | undefined {
    try {
      // A missing path is the common answer (ld.so's search probes many):
      // undefined, not a thrown and caught error with a stack trace.
      const s = fn(real, { throwIfNoEntry: false });
      if (s === undefined) return undefined;
      return {
        kind: kindOf(s),
        size: s.size,
        mode: s.mode,
        uid: s.uid,
        gid: s.gid,
        dev: s.dev,
        ino: s.ino,
        mtimeMs: s.mtimeMs,
        rdev: s.rdev,
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
