import { ByteReader } from "./byte-reader.js";
import { alertLevelName, alertName } from "./alert-names.js";

/**
 * RFC 8446 §6 / RFC 5246 §7.2:
 *
 * ```
 * enum { warning(1), fatal(2), (255) } AlertLevel;
 * struct {
 *     AlertLevel level;
 *     AlertDescription description;
 * } Alert;
 * ```
 */
export interface Alert {
  readonly level: "warning" | "fatal" | number;
  readonly description: number;
  readonly name: string;
}

/**
 * Every alert in an alert record fragment. A fragment may carry several
 * 2-byte alerts (TLS ≤ 1.2 allows coalescing); an odd byte throws.
 */
export function parseAlerts(fragment: Uint8Array, baseOffset = 0): Alert[] {
  const r = new ByteReader(fragment, { path: "Alert", baseOffset });
  if (fragment.length === 0) throw r.error("", `empty alert record at offset ${baseOffset}`);
  const out: Alert[] = [];
  while (!r.done) {
    const level = r.u8("level");
    const description = r.u8("description");
    out.push({ level: alertLevelName(level), description, name: alertName(description) });
  }
  return out;
}
