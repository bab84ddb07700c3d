import { TlsDoctorError, type HostView } from "../core/index.js";

/** What /proc tells about a running process, for `elf --pid`. */
export interface ProcessImage {
  readonly pid: number;
  /** The executable as the process sees it (inside its root). */
  readonly exe: string;
  /** Its root directory (`/` unless chrooted), as a path on this host. */
  readonly root: string;
  readonly ldPreload?: string;
  readonly ldLibraryPath?: string;
  /** File-backed mappings that are shared objects, in address order, each once. */
  readonly mapped: readonly { readonly path: string; readonly deleted: boolean }[];
}

const DELETED = " (deleted)";

/** Parses /proc/PID/maps: the path column of each file-backed mapping, first appearance only. */
export function parseMaps(text: string): { path: string; deleted: boolean }[] {
  const seen = new Set<string>();
  const out: { path: string; deleted: boolean }[] = [];
  for (const line of text.split("\n")) {
    // address perms offset dev inode pathname — the path may contain spaces.
    const m = /^\S+\s+\S+\s+\S+\s+\S+\s+\d+\s+(\/.*)$/.exec(line);
    if (!m?.[1]) continue;
    let path = m[1];
    const deleted = path.endsWith(DELETED);
    if (deleted) path = path.slice(0, -DELETED.length);
    if (seen.has(path)) continue;
    seen.add(path);
    out.push({ path, deleted });
  }
  return out;
}

/** Reads /proc/PID through `view` (the live host). */
export function readProcess(view: HostView, pid: number): ProcessImage {
  const dir = `/proc/${pid}`;
  if (view.kind(dir) !== "dir") {
    throw new TlsDoctorError(
      "TLSD_FILE",
      `Cannot inspect process ${pid}: ${dir} does not exist (no such process)`,
      {
        details: { pid },
      },
    );
  }
  const exe = view.readlink(`${dir}/exe`);
  if (exe === undefined) {
    throw new TlsDoctorError(
      "TLSD_FILE",
      `Cannot inspect process ${pid}: ${dir}/exe is unreadable (a kernel thread, or not root)`,
      { details: { pid } },
    );
  }
  const root = view.readlink(`${dir}/root`) ?? "/";
  const env = new Map<string, string>();
  try {
    for (const kv of view.readText(`${dir}/environ`, 16 * 1024 * 1024).split("\0")) {
      const at = kv.indexOf("=");
      if (at > 0) env.set(kv.slice(0, at), kv.slice(at + 1));
    }
  } catch {
    // environ unreadable: the caller's defaults stand
  }
  const maps = parseMaps(view.readText(`${dir}/maps`, 64 * 1024 * 1024));
  const exePath = exe.endsWith(DELETED) ? exe.slice(0, -DELETED.length) : exe;
  const preload = env.get("LD_PRELOAD");
  const libPath = env.get("LD_LIBRARY_PATH");
  return {
    pid,
    exe: exePath,
    root,
    ...(preload === undefined ? {} : { ldPreload: preload }),
    ...(libPath === undefined ? {} : { ldLibraryPath: libPath }),
    mapped: maps.filter((m) => m.path !== exePath && /\.so(\.|$)|\/ld-linux/.test(m.path)),
  };
}
