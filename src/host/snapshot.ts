/**
 * `tlsdoctor collect`: a snapshot of this host that `tlsdoctor host --root`
 * analyses anywhere. It holds exactly the paths the checks touched (recorded
 * by a HostView's onAccess hook while they ran live) and the facts only a
 * live host gives (facts.json), so an analysis of the snapshot reads what
 * the live one read:
 *
 *     .tlsdoctor/manifest.json   what was captured, what was left out and why
 *     .tlsdoctor/facts.json      the live facts, one key per check
 *     .tlsdoctor/paths.json      stats of device nodes and other special files
 *     etc/…, proc/…, usr/…       the files, directories and symlinks read
 *
 * A file that was only listed or stat'ed (not read) is stored empty with its
 * mode and mtime, and named in manifest.placeholders. Files above the size
 * limit are left out and named in manifest.skipped.
 */
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  readdirSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import type { Stats } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { dirname, join, posix } from "node:path";
import * as tar from "tar";
import {
  SNAPSHOT_PATHS_FILE,
  TlsDoctorError,
  toolVersion,
  type HostAccess,
  type PathStat,
} from "../core/index.js";

export const SNAPSHOT_SCHEMA = 1;
export const SNAPSHOT_FACTS_FILE = ".tlsdoctor/facts.json";
export const SNAPSHOT_MANIFEST_FILE = ".tlsdoctor/manifest.json";

export interface SnapshotManifest {
  readonly schema: number;
  readonly tool: string;
  readonly createdAt: string;
  readonly hostname: string;
  /** Regular files stored with their content. */
  readonly files: number;
  readonly bytes: number;
  readonly directories: number;
  readonly symlinks: number;
  /** Files stored empty: they were listed or stat'ed, never read. */
  readonly placeholders: readonly string[];
  /** Device nodes and other special files, recorded in paths.json. */
  readonly special: readonly string[];
  readonly skipped: readonly { readonly path: string; readonly reason: string }[];
}

export interface SnapshotOptions {
  /** Largest file stored with its content (default 64 MiB). */
  readonly maxFileBytes?: number;
  /** Largest total of stored content (default 512 MiB). */
  readonly maxTotalBytes?: number;
  readonly onProgress?: (done: number, total: number, path: string) => void;
}

/** Paths in access order, each once; parents come before children when written. */
function uniquePaths(accesses: readonly HostAccess[]): Map<string, Set<HostAccess["op"]>> {
  const out = new Map<string, Set<HostAccess["op"]>>();
  for (const a of accesses) {
    const p = posix.resolve("/", a.path);
    if (p === "/") continue;
    const ops = out.get(p) ?? new Set();
    ops.add(a.op);
    out.set(p, ops);
  }
  return out;
}

const statOf = (s: Stats): PathStat => ({
  kind: s.isFile() ? "file" : s.isDirectory() ? "dir" : s.isSymbolicLink() ? "symlink" : "other",
  size: Number(s.size),
  mode: Number(s.mode),
  uid: Number(s.uid),
  gid: Number(s.gid),
  dev: Number(s.dev),
  ino: Number(s.ino),
  mtimeMs: Number(s.mtimeMs),
  rdev: Number(s.rdev),
});

/**
 * Stages the accessed paths of the live host and the facts into a directory
 * (the unpacked form of a snapshot). Returns its manifest.
 */
export function stageSnapshot(
  dir: string,
  accesses: readonly HostAccess[],
  facts: unknown,
  options: SnapshotOptions = {},
): SnapshotManifest {
  const maxFile = options.maxFileBytes ?? 64 * 1024 * 1024;
  const maxTotal = options.maxTotalBytes ?? 512 * 1024 * 1024;
  const paths = uniquePaths(accesses);
  // Entries of listed directories are part of what the checks saw.
  for (const [p, ops] of [...paths]) {
    if (!ops.has("list")) continue;
    let names: string[] = [];
    try {
      names = readdirSync(p);
    } catch {
      continue;
    }
    for (const n of names) {
      const c = posix.join(p, n);
      if (!paths.has(c)) paths.set(c, new Set(["lstat"]));
    }
  }
  const placeholders: string[] = [];
  const special: string[] = [];
  const skipped: { path: string; reason: string }[] = [];
  const recorded: Record<string, PathStat> = {};
  let files = 0;
  let bytes = 0;
  let directories = 0;
  let symlinks = 0;
  const times: [string, number][] = [];
  const ensureDir = (p: string): void => {
    mkdirSync(join(dir, p), { recursive: true });
  };
  // Stage every path at its canonical place, and each symlink on the way as
  // a symlink: an archive entry must never pass through a symlinked
  // directory (/lib -> usr/lib on merged-/usr systems), or tar refuses it.
  for (const [p, ops] of [...paths]) {
    let parent: string;
    try {
      parent = realpathSync(posix.dirname(p));
    } catch {
      continue;
    }
    const canonical = posix.join(parent, posix.basename(p));
    // A symlink leaf: what was read, listed or stat'ed is its target.
    try {
      if (lstatSync(canonical).isSymbolicLink()) {
        const target = realpathSync(canonical);
        const t = paths.get(target) ?? new Set();
        for (const o of ops) t.add(o);
        paths.set(target, t);
      }
    } catch {
      // a dangling link is staged as the link alone
    }
    if (canonical !== p) {
      paths.delete(p);
      const merged = paths.get(canonical) ?? new Set();
      for (const o of ops) merged.add(o);
      paths.set(canonical, merged);
      for (let d = posix.dirname(p); d !== "/"; d = posix.dirname(d)) {
        try {
          if (lstatSync(d).isSymbolicLink() && !paths.has(d)) paths.set(d, new Set(["lstat"]));
        } catch {
          break;
        }
      }
    }
  }
  const sorted = [...paths.keys()].sort();
  sorted.forEach((p, i) => {
    options.onProgress?.(i + 1, sorted.length, p);
    const ops = paths.get(p) ?? new Set();
    let st: PathStat;
    try {
      st = statOf(lstatSync(p));
    } catch (e) {
      const code = typeof e === "object" && e !== null && "code" in e ? String(e.code) : "";
      if (code !== "ENOENT")
        skipped.push({ path: p, reason: `lstat failed: ${code || String(e)}` });
      return;
    }
    const target = join(dir, p);
    try {
      if (st.kind === "dir") {
        ensureDir(p);
        directories++;
        times.push([target, st.mtimeMs]);
        return;
      }
      ensureDir(dirname(p));
      if (st.kind === "symlink") {
        rmSync(target, { force: true });
        // Absolute targets become relative ones that reach the same path
        // inside the snapshot: tar strips a leading / from link targets,
        // and a HostView resolves both alike.
        const to = readlinkSync(p);
        symlinkSync(to.startsWith("/") ? posix.relative(posix.dirname(p), to) || "." : to, target);
        symlinks++;
        return;
      }
      if (st.kind === "other") {
        recorded[p] = st;
        special.push(p);
        return;
      }
      const read = ops.has("read");
      let content: Buffer = Buffer.alloc(0);
      if (read) {
        // /proc and /sys files report size 0: read them to learn their size.
        if (st.size > maxFile) {
          skipped.push({ path: p, reason: `${st.size} bytes exceed the ${maxFile}-byte limit` });
          return;
        }
        content = readFileSync(p);
        if (content.length > maxFile || bytes + content.length > maxTotal) {
          skipped.push({
            path: p,
            reason: `${content.length} bytes exceed the ${content.length > maxFile ? `${maxFile}-byte file` : `${maxTotal}-byte total`} limit`,
          });
          return;
        }
      } else placeholders.push(p);
      writeFileSync(target, content);
      chmodSync(target, st.mode & 0o7777);
      times.push([target, st.mtimeMs]);
      files++;
      bytes += content.length;
    } catch (e) {
      skipped.push({ path: p, reason: e instanceof Error ? e.message : String(e) });
    }
  });
  // Directory times last: writing into a directory changes its mtime.
  for (const [t, ms] of times.reverse()) {
    try {
      utimesSync(t, ms / 1000, ms / 1000);
    } catch {
      // a time we cannot set is not a fact any check uses
    }
  }
  const manifest: SnapshotManifest = {
    schema: SNAPSHOT_SCHEMA,
    tool: `tlsdoctor ${toolVersion()}`,
    createdAt: new Date().toISOString(),
    hostname: hostname(),
    files,
    bytes,
    directories,
    symlinks,
    placeholders,
    special,
    skipped,
  };
  mkdirSync(join(dir, ".tlsdoctor"), { recursive: true });
  writeFileSync(join(dir, SNAPSHOT_PATHS_FILE), JSON.stringify(recorded, null, 1));
  writeFileSync(join(dir, SNAPSHOT_FACTS_FILE), JSON.stringify(facts, null, 1));
  writeFileSync(join(dir, SNAPSHOT_MANIFEST_FILE), JSON.stringify(manifest, null, 1));
  return manifest;
}

/** Stages a snapshot and packs it into `out` (.tar.gz), keeping owners and modes. */
export async function writeSnapshot(
  out: string,
  accesses: readonly HostAccess[],
  facts: unknown,
  options: SnapshotOptions = {},
): Promise<SnapshotManifest> {
  const stage = mkdtempSync(join(tmpdir(), "tlsd-collect-"));
  try {
    const manifest = stageSnapshot(stage, accesses, facts, options);
    await tar.c({ gzip: true, file: out, cwd: stage, portable: false, follow: false }, [
      ...readdirSync(stage),
    ]);
    return manifest;
  } catch (e) {
    throw new TlsDoctorError(
      "TLSD_FILE",
      `Cannot write the snapshot ${out}: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e, details: { path: out } },
    );
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** Unpacks a snapshot archive into a new temporary directory and returns it. */
export async function unpackSnapshot(file: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "tlsd-snapshot-"));
  try {
    // Symlinks in a snapshot may point anywhere (they are resolved inside
    // the snapshot by HostView, never on this host), so node-tar's own
    // link checks are off; instead no entry may be absolute, climb with
    // "..", be a hard link, or lie below a symlink an earlier entry made.
    const links: string[] = [];
    const refused: string[] = [];
    await tar.x({
      file,
      cwd: dir,
      strict: true,
      preservePaths: true,
      filter: (path, entry) => {
        const p = posix
          .normalize(path)
          .replace(/^(\.\/)+/, "")
          .replace(/\/+$/, "");
        const type = "type" in entry ? entry.type : "";
        const bad =
          p.startsWith("/") ||
          p.split("/").includes("..") ||
          type === "Link" ||
          links.some((l) => p.startsWith(`${l}/`));
        if (bad) refused.push(path);
        else if (type === "SymbolicLink") links.push(p);
        return !bad;
      },
    });
    if (refused.length > 0) {
      throw new Error(
        `it has ${refused.length} entries that would land outside it or through a symlink (${refused.slice(0, 3).join(", ")})`,
      );
    }
    return dir;
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw new TlsDoctorError(
      "TLSD_FILE",
      `Cannot unpack the snapshot ${file}: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e, details: { path: file } },
    );
  }
}

/** The live facts stored in an unpacked snapshot, or undefined when it has none. */
export function snapshotFacts(root: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(readFileSync(join(root, SNAPSHOT_FACTS_FILE), "utf8")) as unknown;
    return typeof v === "object" && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
