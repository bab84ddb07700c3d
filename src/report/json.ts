import type { Report } from "../core/index.js";

/**
 * JSON rendering of a Report (schema/report.v1.json). Uint8Array values are
 * written as base64 strings, bigints as decimal strings; nothing is dropped.
 */
export function renderJson(report: Report, o: { pretty?: boolean } = {}): string {
  return JSON.stringify(report, replacer, o.pretty === false ? undefined : 2) + "\n";
}

/** One JSON object per line, for streams of results. */
export function renderJsonLine(value: unknown): string {
  return JSON.stringify(value, replacer) + "\n";
}

function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...(value as Set<unknown>)];
  return value;
}
