import type { Severity } from "./severity.js";
import { severityRank } from "./severity.js";

/** Which side of a connection a finding blames. */
export type Side = "client" | "server" | "network" | "host" | "unknown";

/** One piece of evidence: a labelled fact, as seen. */
export interface Evidence {
  readonly label: string;
  readonly value: string;
}

/**
 * A diagnosis. `id` is a stable SCREAMING_SNAKE name documented in
 * docs/findings.md; `fix` says what to change.
 */
export interface Finding {
  readonly id: string;
  readonly severity: Severity;
  readonly title: string;
  readonly detail: string;
  readonly side?: Side;
  readonly evidence: readonly Evidence[];
  readonly fix: string;
  readonly refs: readonly string[];
}

export interface FindingInit {
  readonly id: string;
  readonly severity: Severity;
  readonly title: string;
  readonly detail: string;
  readonly side?: Side;
  readonly evidence?: readonly Evidence[] | Readonly<Record<string, string | number>>;
  readonly fix: string;
  readonly refs?: readonly string[];
}

const ID_RE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/;

/** Builds a Finding, checking its id is a stable SCREAMING_SNAKE name. */
export function finding(init: FindingInit): Finding {
  if (!ID_RE.test(init.id)) {
    throw new TypeError(
      `Cannot create finding: id ${JSON.stringify(init.id)} is not SCREAMING_SNAKE`,
    );
  }
  const ev = init.evidence ?? [];
  const evidence: Evidence[] = Array.isArray(ev)
    ? [...(ev as readonly Evidence[])]
    : Object.entries(ev).map(([label, value]) => ({ label, value: String(value) }));
  return {
    id: init.id,
    severity: init.severity,
    title: init.title,
    detail: init.detail,
    ...(init.side === undefined ? {} : { side: init.side }),
    evidence,
    fix: init.fix,
    refs: [...(init.refs ?? [])],
  };
}

/** Most severe first, then by id, so reports are stable. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || a.id.localeCompare(b.id),
  );
}
