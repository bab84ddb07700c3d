import { allAlerts } from "../../explain/index.js";

/**
 * TLS alert descriptions by number. The one table is explain/alerts.ts (the
 * IANA "TLS Alerts" registry, with what each alert means to its receiver);
 * the codec only needs the names.
 */
export const ALERT_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  allAlerts().map((a) => [a.code, a.name]),
);

/** `certificate_required`, or `alert(200)` for an unassigned value. */
export function alertName(description: number): string {
  return ALERT_NAMES[description] ?? `alert(${description})`;
}

/** `warning` (1), `fatal` (2), or the number for anything else. */
export function alertLevelName(level: number): "warning" | "fatal" | number {
  return level === 1 ? "warning" : level === 2 ? "fatal" : level;
}
