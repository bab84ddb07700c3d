/**
 * The installed ca-certificates package and its version, read from the
 * package database of the distribution family (dpkg through host's reader,
 * apk, pacman). The version of Debian's and Alpine's package is the date of
 * the Mozilla list it carries (20210119 = 19 January 2021): it dates the store.
 */
import { messageOf } from "../core/index.js";
import { DPKG_STATUS, dpkgPackage, readDpkgStatus } from "../host/index.js";
import type { HostView } from "../core/index.js";
import type { DistroFamily } from "./system-store.js";

export interface CaPackage {
  readonly manager: "dpkg" | "apk" | "pacman";
  readonly name: string;
  readonly version: string;
  /** The Mozilla snapshot date in the version (Debian/Alpine: YYYYMMDD), ISO date, else null. */
  readonly date: string | null;
}

/** The ca-certificates package, from the package database the family uses. */
export function readCaPackage(
  view: HostView,
  family: DistroFamily,
): { pkg: CaPackage | null; skipped: string | null } {
  const dated = (version: string): string | null => {
    const m = /^(\d{4})(\d{2})(\d{2})/.exec(version);
    return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
  };
  try {
    if (family === "debian") {
      const status = readDpkgStatus(view);
      if (!status.present) return { pkg: null, skipped: `${DPKG_STATUS} does not exist` };
      const p = dpkgPackage(view, "ca-certificates");
      if (p === undefined || !p.filesPresent || p.version === undefined)
        return {
          pkg: null,
          skipped: `ca-certificates is not installed according to ${DPKG_STATUS}`,
        };
      const version = p.version;
      return {
        pkg: { manager: "dpkg", name: "ca-certificates", version, date: dated(version) },
        skipped: null,
      };
    }
    if (family === "alpine") {
      const db = view.readText("/lib/apk/db/installed");
      const m = /(?:^|\n)P:ca-certificates\n(?:[^\n]+\n)*?V:([^\n]+)/.exec(db);
      if (!m?.[1]) return { pkg: null, skipped: "ca-certificates is not in /lib/apk/db/installed" };
      return {
        pkg: { manager: "apk", name: "ca-certificates", version: m[1], date: dated(m[1]) },
        skipped: null,
      };
    }
    if (family === "arch") {
      const dir = view
        .listDir("/var/lib/pacman/local")
        .find((n) => n.startsWith("ca-certificates-mozilla-"));
      if (dir === undefined)
        return { pkg: null, skipped: "ca-certificates-mozilla is not in /var/lib/pacman/local" };
      const version = dir.slice("ca-certificates-mozilla-".length);
      return {
        pkg: { manager: "pacman", name: "ca-certificates-mozilla", version, date: null },
        skipped: null,
      };
    }
  } catch (e) {
    return { pkg: null, skipped: messageOf(e) };
  }
  return {
    pkg: null,
    skipped:
      family === "rhel" || family === "suse"
        ? "the rpm database is not read"
        : "unknown distribution: no package database to read",
  };
}
