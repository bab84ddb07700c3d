/**
 * The programs that call glibc's arc4random family, found in their dynamic
 * symbol tables (the elf layer's parser) without running them. With glibc
 * >= 2.36 these are the programs that abort with "Fatal glibc error: cannot
 * get entropy for arc4random" on a kernel without getrandom(2) (seeds/003).
 */
import type { HostView } from "../core/index.js";
import { messageOf } from "../core/index.js";
import { parseElf } from "../elf/index.js";

/** A program that imports glibc's arc4random family. */
export interface Arc4randomUser {
  readonly path: string;
  /** arc4random, arc4random_buf, arc4random_uniform (with @GLIBC_2.36 when versioned). */
  readonly symbols: readonly string[];
}

export interface Arc4randomScan {
  readonly users: readonly Arc4randomUser[];
  readonly dirs: readonly string[];
  /** ELF files read. */
  readonly scanned: number;
  /** Files larger than the per-file limit, not read. */
  readonly tooLarge: number;
  /** The file limit was reached. */
  readonly truncated: boolean;
  readonly errors: readonly string[];
}

export interface Arc4randomScanOptions {
  /** Directories, not recursed (default {@link ARC4RANDOM_DIRS}). */
  readonly dirs?: readonly string[];
  /** At most this many files (default 5,000). */
  readonly maxFiles?: number;
  /** Larger files are skipped (default 64 MiB). */
  readonly maxFileBytes?: number;
}

/** Where daemons and their helpers live; OpenSSH >= 9.8 forks /usr/lib/openssh/sshd-session. */
export const ARC4RANDOM_DIRS: readonly string[] = [
  "/usr/sbin",
  "/sbin",
  "/usr/lib/openssh",
  "/usr/libexec/openssh",
  "/usr/local/sbin",
  "/usr/bin",
  "/bin",
  "/usr/local/bin",
];
const ARC4RANDOM = new Set(["arc4random", "arc4random_buf", "arc4random_uniform"]);

/**
 * The programs whose dynamic symbol table imports arc4random,
 * arc4random_buf or arc4random_uniform from glibc (versioned GLIBC_*, or
 * unversioned without libbsd among its DT_NEEDED, libbsd having its own).
 * Bounded: files, bytes per file; files without the string "arc4random"
 * are not parsed.
 */
export function scanArc4randomUsers(
  view: HostView,
  options: Arc4randomScanOptions = {},
): Arc4randomScan {
  const maxFiles = options.maxFiles ?? 5000;
  const maxFileBytes = options.maxFileBytes ?? 64 * 1024 * 1024;
  const users: Arc4randomUser[] = [];
  const errors: string[] = [];
  const dirsSeen = new Set<string>();
  const inodes = new Set<string>();
  const dirs: string[] = [];
  let scanned = 0;
  let tooLarge = 0;
  let truncated = false;
  for (const dir of options.dirs ?? ARC4RANDOM_DIRS) {
    const real = view.resolve(dir);
    if (dirsSeen.has(real) || view.kind(dir) !== "dir") continue;
    dirsSeen.add(real);
    dirs.push(dir);
    let names: string[];
    try {
      names = view.listDir(dir);
    } catch (e) {
      errors.push(messageOf(e));
      continue;
    }
    for (const name of names) {
      const path = `${dir}/${name}`;
      const st = view.lstat(path);
      if (st?.kind !== "file" || st.size < 64 || inodes.has(`${st.dev}:${st.ino}`)) continue;
      inodes.add(`${st.dev}:${st.ino}`);
      if (st.size > maxFileBytes) {
        tooLarge++;
        continue;
      }
      if (scanned >= maxFiles) {
        truncated = true;
        break;
      }
      let bytes: Uint8Array;
      try {
        bytes = view.readBytes(path, maxFileBytes);
      } catch (e) {
        errors.push(messageOf(e));
        continue;
      }
      if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46)
        continue;
      scanned++;
      const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (buf.indexOf("arc4random") < 0) continue;
      try {
        const elf = parseElf(bytes, { file: path });
        const libbsd = elf.dynamic?.needed.some((n) => n.startsWith("libbsd.")) ?? false;
        const symbols = elf.dynamicSymbols
          .filter((s) => s.shndx === 0 && ARC4RANDOM.has(s.name))
          .filter((s) =>
            s.version?.name === undefined ? !libbsd : s.version.name.startsWith("GLIBC_"),
          )
          .map((s) => (s.version?.name ? `${s.name}@${s.version.name}` : s.name));
        if (symbols.length > 0) users.push({ path, symbols: [...new Set(symbols)].sort() });
      } catch (e) {
        errors.push(messageOf(e));
      }
    }
    if (truncated) break;
  }
  return { users, dirs, scanned, tooLarge, truncated, errors: errors.slice(0, 20) };
}
