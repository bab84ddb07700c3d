/**
 * A small, bounded reader of dpkg's database: /var/lib/dpkg/status (one
 * deb822 paragraph per package, dpkg(1) and deb-control(5)) and the
 * per-package file lists in /var/lib/dpkg/info/ whose mtime says when a
 * package was last unpacked. Only the fields tlsdoctor uses are kept
 * (Package, Status, Version, Architecture, Source, Multi-Arch); everything
 * else, continuation lines included, is skipped without being stored.
 */
import type { HostView } from "../core/index.js";
import { messageOf } from "../core/index.js";

export const DPKG_STATUS = "/var/lib/dpkg/status";
/** A real status file is a few MB (8 MB on a 5,000-package desktop); refuse absurd ones. */
const MAX_STATUS_BYTES = 256 * 1024 * 1024;
const MAX_PACKAGES = 500_000;
const MAX_PROBLEMS = 50;

/** Package names per Debian Policy 5.6.1 (lower case, digits, + - .), at least two characters. */
const NAME_RE = /^[a-z0-9][a-z0-9+.-]+$/;
const ARCH_RE = /^[a-z0-9][a-z0-9-]*$/;

/**
 * dpkg states in which the package's files are on disk (dpkg-query(1)):
 * `unpacked`, `half-configured`, `triggers-awaited`, `triggers-pending`,
 * `installed`; `half-installed` leaves some of them.
 */
const FILES_PRESENT = new Set([
  "installed",
  "unpacked",
  "half-configured",
  "half-installed",
  "triggers-awaited",
  "triggers-pending",
]);
const CONFIGURED = new Set(["installed", "triggers-awaited", "triggers-pending"]);

export interface DpkgPackage {
  readonly package: string;
  readonly architecture?: string;
  readonly version?: string;
  /** The source package, without the `(version)` suffix dpkg adds when it differs. */
  readonly source?: string;
  readonly multiArch?: string;
  /** The raw Status field: `want flag state`, e.g. `install ok installed`. */
  readonly status: string;
  readonly want: string;
  readonly flag: string;
  readonly state: string;
  /** Configured and usable: state installed or triggers-*. */
  readonly installed: boolean;
  /** Its files are (at least partly) on disk. */
  readonly filesPresent: boolean;
  /** 1-based line of its `Package:` field, for messages. */
  readonly line: number;
}

export interface DpkgStatus {
  readonly path: string;
  /** False when the file does not exist: not a dpkg system, or a snapshot without it. */
  readonly present: boolean;
  readonly packages: readonly DpkgPackage[];
  /** Paragraphs skipped and why (at most 50 kept). */
  readonly problems: readonly string[];
  /** True when the package limit was reached. */
  readonly truncated: boolean;
}

export interface ParsedDpkgStatus {
  readonly packages: DpkgPackage[];
  readonly problems: string[];
  readonly truncated: boolean;
}

/**
 * Parses the text of a dpkg status file. Pure and bounded: at most
 * `maxPackages` packages; a paragraph without a valid Package or Status
 * field is skipped and named in `problems`; a second paragraph for the same
 * package and architecture is skipped as dpkg would refuse it.
 */
export function parseDpkgStatus(
  text: string,
  options: { readonly maxPackages?: number } = {},
): ParsedDpkgStatus {
  const maxPackages = options.maxPackages ?? MAX_PACKAGES;
  const packages: DpkgPackage[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  const problem = (p: string): void => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
    else if (problems.length === MAX_PROBLEMS) problems.push("… further problems not listed");
  };
  let fields = new Map<string, string>();
  let start = 0;
  let truncated = false;

  const flush = (): void => {
    if (fields.size === 0) return;
    const para = fields;
    fields = new Map();
    const name = para.get("package");
    if (name === undefined) return problem(`paragraph at line ${start} has no Package field`);
    if (!NAME_RE.test(name) || name.length > 200)
      return problem(`line ${start}: invalid package name ${JSON.stringify(name.slice(0, 60))}`);
    const status = para.get("status");
    const words = status?.split(/\s+/) ?? [];
    if (status === undefined || words.length !== 3)
      return problem(`package ${name} (line ${start}) has no valid Status field`);
    const [want = "", flag = "", state = ""] = words;
    let arch = para.get("architecture");
    if (arch !== undefined && !ARCH_RE.test(arch)) {
      problem(`package ${name} (line ${start}): invalid architecture ${JSON.stringify(arch)}`);
      arch = undefined;
    }
    const key = `${name}:${arch ?? ""}`;
    if (seen.has(key))
      return problem(`package ${key} listed twice (line ${start}); second skipped`);
    if (packages.length >= maxPackages) {
      truncated = true;
      return;
    }
    seen.add(key);
    const version = para.get("version");
    const source = para.get("source")?.replace(/\s*\(.*$/, "");
    const multiArch = para.get("multi-arch");
    packages.push({
      package: name,
      ...(arch === undefined ? {} : { architecture: arch }),
      ...(version === undefined || version === "" ? {} : { version }),
      ...(source === undefined || source === "" ? {} : { source }),
      ...(multiArch === undefined ? {} : { multiArch }),
      status,
      want,
      flag,
      state,
      installed: CONFIGURED.has(state) && flag === "ok",
      filesPresent: FILES_PRESENT.has(state),
      line: start,
    });
  };

  const KEEP = new Set(["package", "status", "version", "architecture", "source", "multi-arch"]);
  let lineNo = 0;
  let pos = 0;
  while (pos <= text.length && !truncated) {
    let end = text.indexOf("\n", pos);
    if (end < 0) end = text.length;
    let line = text.slice(pos, end);
    pos = end + 1;
    lineNo++;
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (line.trim() === "") {
      flush();
      continue;
    }
    if (line[0] === " " || line[0] === "\t" || line[0] === "#") continue; // continuation, comment
    const colon = line.indexOf(":");
    if (colon <= 0) {
      problem(`line ${lineNo}: not a field (${JSON.stringify(line.slice(0, 40))})`);
      continue;
    }
    // Field names are case-insensitive (deb822(5)).
    const field = line.slice(0, colon).toLowerCase();
    if (fields.size === 0) start = lineNo;
    if (!KEEP.has(field)) {
      fields.set("\u0000seen", "");
      continue;
    }
    fields.set(field, line.slice(colon + 1).trim());
  }
  flush();
  return { packages, problems, truncated };
}

const cache = new WeakMap<HostView, { stamp: string; status: DpkgStatus }>();

/**
 * The dpkg status database of a view, parsed once per view (and again when
 * the file changes). Never throws: an unreadable file is a problem.
 */
export function readDpkgStatus(view: HostView): DpkgStatus {
  const st = view.stat(DPKG_STATUS);
  if (!st || st.kind !== "file") {
    return { path: DPKG_STATUS, present: false, packages: [], problems: [], truncated: false };
  }
  const stamp = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
  const hit = cache.get(view);
  if (hit?.stamp === stamp) return hit.status;
  let status: DpkgStatus;
  try {
    const parsed = parseDpkgStatus(view.readText(DPKG_STATUS, MAX_STATUS_BYTES));
    status = { path: DPKG_STATUS, present: true, ...parsed };
  } catch (e) {
    status = {
      path: DPKG_STATUS,
      present: true,
      packages: [],
      problems: [messageOf(e)],
      truncated: false,
    };
  }
  cache.set(view, { stamp, status });
  return status;
}

/**
 * One package by name (`libc6`, or `libc6:i386` for one architecture). With
 * several architectures installed, the configured one wins, then dpkg's
 * native architecture (the first line of /var/lib/dpkg/arch when present),
 * then `all`, then the first in the file.
 */
export function dpkgPackage(view: HostView, name: string): DpkgPackage | undefined {
  const [pkg, arch] = name.split(":", 2);
  const all = readDpkgStatus(view).packages.filter(
    (p) => p.package === pkg && (arch === undefined || p.architecture === arch),
  );
  if (all.length <= 1) return all[0];
  let native: string | undefined;
  try {
    native = view.readText("/var/lib/dpkg/arch", 4096).split("\n")[0]?.trim();
  } catch {
    native = undefined;
  }
  const rank = (p: DpkgPackage): number =>
    (p.installed ? 4 : 0) +
    (native !== undefined && p.architecture === native ? 2 : 0) +
    (p.architecture === "all" ? 1 : 0);
  return [...all].sort((a, b) => rank(b) - rank(a))[0];
}

/**
 * When the package was last unpacked: the mtime (ms since the epoch) of its
 * file list, /var/lib/dpkg/info/NAME.list (NAME:ARCH.list for Multi-Arch:
 * same packages), which dpkg rewrites on every unpack.
 */
export function dpkgInstalledTime(view: HostView, p: DpkgPackage): number | undefined {
  const names = [
    ...(p.architecture === undefined ? [] : [`${p.package}:${p.architecture}`]),
    p.package,
  ];
  for (const n of names) {
    const st = view.stat(`/var/lib/dpkg/info/${n}.list`);
    if (st?.kind === "file") return st.mtimeMs;
  }
  return undefined;
}

/** dpkg's character order in version strings: `~` first, then end, letters, then the rest. */
function order(c: string | undefined): number {
  if (c === undefined || (c >= "0" && c <= "9")) return 0;
  if ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z")) return c.charCodeAt(0);
  if (c === "~") return -1;
  return c.charCodeAt(0) + 256;
}
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";

/**
 * dpkg's verrevcmp (lib/dpkg/version.c): alternating non-digit runs
 * (compared by {@link order}) and digit runs (compared as numbers of any
 * length). Returns -1, 0 or 1.
 */
export function compareVersionPart(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const ac = order(a[i]);
      const bc = order(b[j]);
      if (ac !== bc) return Math.sign(ac - bc);
      i++;
      j++;
    }
    while (a[i] === "0") i++;
    while (b[j] === "0") j++;
    let firstDiff = 0;
    while (isDigit(a[i]) && isDigit(b[j])) {
      if (firstDiff === 0) firstDiff = (a.charCodeAt(i) - b.charCodeAt(j)) | 0;
      i++;
      j++;
    }
    if (isDigit(a[i])) return 1;
    if (isDigit(b[j])) return -1;
    if (firstDiff !== 0) return Math.sign(firstDiff);
  }
  return 0;
}

function splitVersion(v: string): { epoch: number; upstream: string; revision: string } {
  const colon = v.indexOf(":");
  const epoch = colon > 0 && /^\d+$/.test(v.slice(0, colon)) ? Number(v.slice(0, colon)) : 0;
  const rest = colon > 0 ? v.slice(colon + 1) : v;
  const dash = rest.lastIndexOf("-");
  return dash < 0
    ? { epoch, upstream: rest, revision: "" }
    : { epoch, upstream: rest.slice(0, dash), revision: rest.slice(dash + 1) };
}

/** Debian version comparison as `dpkg --compare-versions` does it: epoch, upstream, revision. */
export function compareDebianVersions(a: string, b: string): number {
  const x = splitVersion(a.trim());
  const y = splitVersion(b.trim());
  if (x.epoch !== y.epoch) return x.epoch < y.epoch ? -1 : 1;
  return compareVersionPart(x.upstream, y.upstream) || compareVersionPart(x.revision, y.revision);
}
