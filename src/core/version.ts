import { readFileSync } from "node:fs";

let cached: string | undefined;

/**
 * The package version, read once from tlsdoctor's package.json: two levels
 * up from dist/core/ (the tsc build), one up from dist/ (the bundled CLI).
 */
export function toolVersion(): string {
  if (cached !== undefined) return cached;
  cached = "0.0.0";
  for (const rel of ["../../package.json", "../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as {
        name?: unknown;
        version?: unknown;
      };
      if (pkg.name === "tlsdoctor" && typeof pkg.version === "string") {
        cached = pkg.version;
        break;
      }
    } catch {
      // not there: try the next place
    }
  }
  return cached;
}
