import { posix } from "node:path";
import type { HostView } from "../../core/index.js";
import type { LoaderPlatform } from "./platform.js";

/** One element of a DT_RPATH, DT_RUNPATH or LD_LIBRARY_PATH list. */
export interface SearchEntry {
  /** As written in the list. */
  readonly raw: string;
  /**
   * After ld.so's substitutions and normalisation; `""` for an empty element
   * (ld.so searches the process's current directory there: glibc's
   * fillin_rpath keeps a zero-length directory); undefined when it cannot be
   * expanded (`$ORIGIN` in LD_LIBRARY_PATH has no object to refer to).
   */
  readonly dir: string | undefined;
}

const ORIGIN = /\$(\{ORIGIN\}|ORIGIN\b)/g;
const HAS_ORIGIN = /\$(\{ORIGIN\}|ORIGIN\b)/;
const LIB = /\$(\{LIB\}|LIB\b)/g;
const PLATFORM = /\$(\{PLATFORM\}|PLATFORM\b)/g;

/**
 * Splits a search list at `:` and substitutes `$ORIGIN`, `$LIB` and
 * `$PLATFORM` (also in `${…}` form) as glibc's expand_dynamic_string_token
 * does; trailing slashes go, as in fillin_rpath.
 */
export function expandSearchPath(
  list: string,
  origin: string | undefined,
  platform: Pick<LoaderPlatform, "lib" | "platform">,
): SearchEntry[] {
  return list.split(":").map((raw): SearchEntry => {
    if (raw === "") return { raw, dir: "" };
    if (HAS_ORIGIN.test(raw) && origin === undefined) return { raw, dir: undefined };
    const d = raw
      .replace(ORIGIN, origin ?? "")
      .replace(LIB, platform.lib)
      .replace(PLATFORM, platform.platform);
    return { raw, dir: posix.normalize(d).replace(/\/+$/, "") || "/" };
  });
}

/**
 * `$ORIGIN` of an object: the directory it was loaded from. For the main
 * program the kernel-given path with symlinks resolved (ld.so reads
 * /proc/self/exe); for libraries the directory of the name ld.so opened.
 */
export function originOf(view: HostView, o: { index: number; path: string }): string {
  return o.index === 0 ? posix.dirname(view.resolve(o.path)) : posix.dirname(o.path);
}
