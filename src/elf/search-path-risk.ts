import { posix } from "node:path";
import type { HostView, PathStat } from "../core/index.js";
import type { LoadedObject } from "./loader/load.js";
import type { LoaderPlatform } from "./loader/platform.js";
import { expandSearchPath, originOf } from "./loader/search-path.js";

export type SearchPathProblem =
  /** An empty or relative element: resolved against the process's working directory. */
  | "relative"
  /** The directory, or an ancestor without the sticky bit, is writable by everyone. */
  | "world-writable"
  /** Writable by a group other than root's. */
  | "group-writable"
  /** Owned by a user other than root and the object's own owner. */
  | "foreign-owner"
  /** Missing, and someone other than root could create it. */
  | "creatable";

/** A DT_RPATH or DT_RUNPATH element through which someone else could plant a library. */
export interface SearchPathRisk {
  /** The object whose dynamic section carries the list. */
  readonly object: string;
  readonly tag: "DT_RPATH" | "DT_RUNPATH";
  /** The element as written (`$ORIGIN/../lib`, `lib`, ``). */
  readonly entry: string;
  /** The element expanded; `""` for an empty element. */
  readonly dir: string;
  readonly problem: SearchPathProblem;
  /** The directory with the problem: `dir` itself or one of its ancestors. */
  readonly at: string;
  /** Its mode (octal text), owner and group, when it exists. */
  readonly mode?: string;
  readonly uid?: number;
  readonly gid?: number;
}

const S_ISVTX = 0o1000;

/**
 * Who other than root (uid 0) and `owner` could write into `st`: a problem,
 * or undefined. For the searched directory itself the sticky bit does not
 * help (anyone may create a new file in /tmp); for an ancestor it does (no
 * one can rename another user's subdirectory away).
 */
function writable(
  st: PathStat,
  owner: number | undefined,
  self: boolean,
): SearchPathProblem | undefined {
  const sticky = (st.mode & S_ISVTX) !== 0;
  if ((st.mode & 0o002) !== 0 && (self || !sticky)) return "world-writable";
  if ((st.mode & 0o020) !== 0 && st.gid !== 0 && (self || !sticky)) return "group-writable";
  if (st.uid !== 0 && st.uid !== owner) return "foreign-owner";
  return undefined;
}

/**
 * The risky elements of the search lists ld.so would use for `objects`:
 * DT_RUNPATH where present, else DT_RPATH (glibc ignores an object's
 * DT_RPATH when it also has DT_RUNPATH). A library found through such a
 * directory can be replaced by whoever can write there, and then runs with
 * the privileges of every process that loads it — checksec flags any RPATH
 * at all; this says which ones are actually exposed, and why.
 */
export function searchPathRisks(
  view: HostView,
  objects: readonly LoadedObject[],
  platform: Pick<LoaderPlatform, "lib" | "platform">,
): SearchPathRisk[] {
  const out: SearchPathRisk[] = [];
  const stats = new Map<string, PathStat | undefined>();
  const statOf = (p: string): PathStat | undefined => {
    if (!stats.has(p)) stats.set(p, view.stat(p));
    return stats.get(p);
  };
  for (const o of objects) {
    const dyn = o.elf.dynamic;
    if (dyn === undefined) continue;
    const tag =
      dyn.runpath !== undefined ? "DT_RUNPATH" : dyn.rpath !== undefined ? "DT_RPATH" : undefined;
    const list = tag === "DT_RUNPATH" ? dyn.runpath : dyn.rpath;
    if (tag === undefined || list === undefined) continue;
    const owner = statOf(o.path)?.uid;
    const seen = new Set<string>();
    for (const e of expandSearchPath(list, originOf(view, o), platform)) {
      if (e.dir === undefined || seen.has(e.raw)) continue;
      seen.add(e.raw);
      const base = { object: o.path, tag, entry: e.raw, dir: e.dir } as const;
      if (!e.dir.startsWith("/")) {
        out.push({ ...base, problem: "relative", at: e.dir === "" ? "." : e.dir });
        continue;
      }
      // The directory, then each ancestor up to /; a missing one is judged
      // by the nearest existing ancestor (who could create it).
      let missing = false;
      for (let d = e.dir; ; d = posix.dirname(d)) {
        const st = statOf(d);
        if (st === undefined) missing = true;
        else {
          const self = d === e.dir;
          let p = writable(st, owner, self || missing);
          if (p !== undefined && missing) p = "creatable";
          if (p !== undefined) {
            out.push({
              ...base,
              problem: p,
              at: d,
              mode: (st.mode & 0o7777).toString(8).padStart(4, "0"),
              uid: st.uid,
              gid: st.gid,
            });
            break;
          }
          missing = false;
        }
        if (d === "/") break;
      }
    }
  }
  return out;
}
