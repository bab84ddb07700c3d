/**
 * How bad a finding is. Ordered: a finding "at or above" `--fail-on` makes
 * the command exit 1.
 */
export const SEVERITIES = ["info", "notice", "warning", "error", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Rank of a severity, 0 for info up to 4 for critical. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export function isSeverity(value: string): value is Severity {
  return (SEVERITIES as readonly string[]).includes(value);
}

/** True when `s` is at or above `threshold`. */
export function atOrAbove(s: Severity, threshold: Severity): boolean {
  return severityRank(s) >= severityRank(threshold);
}
