import { readFileSync } from "node:fs";

let cached: string | undefined;

/** The package version, read once from package.json beside dist/. */
export function toolVersion(): string {
  if (cached !== undefined) return cached;
  try {
    const url = new URL("../../package.json", import.meta.url);
    const pkg = JSON.parse(readFileSync(url, "utf8")) as { version?: unknown };
    cached = typeof pkg.version === "string" ? pkg.version : "0.0.0";
  } catch {
    cached = "0.0.0";
  }
  return cached;
}
