import { finding, type Finding } from "../core/index.js";
import type { RepeatResult } from "../wire/index.js";
import { failureFindings } from "./failure.js";

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/**
 * Findings for a --repeat run. Some but not all attempts failing is
 * TLS_INTERMITTENT — the failure in seeds/000 passed 20–30 % of the time and
 * was retried for years before anyone measured it. The most common failure
 * class is diagnosed as a single probe would be.
 */
export function repeatFindings(r: RepeatResult): Finding[] {
  const out: Finding[] = [];
  if (r.failures === 0) return out;
  const failed = r.outcomes.filter((o) => o.outcome !== "ok");
  const classes = failed.map((o) => `${o.outcome}: ${o.count} (${pct(o.share)})`).join("; ");
  if (r.failures < r.attempts) {
    const ci = r.failureRateCi95;
    out.push(
      finding({
        id: "TLS_INTERMITTENT",
        severity: "error",
        side: "server",
        title: `${r.failures} of ${r.attempts} handshakes failed (${pct(r.failureRate)}, 95% CI ${pct(ci.low)}–${pct(ci.high)})`,
        detail:
          "The same client and settings sometimes succeed and sometimes fail, so the cause is not a configuration mismatch: suspect a server-side race, a misbuilt binary (seeds/000: Exim's ALPN check built as PIE on ppc64el), one bad node behind a load balancer, or resource exhaustion." +
          (r.clustering?.clustered
            ? `\nFailures cluster in time (runs test z = ${r.clustering.z.toFixed(2)}): the server flips between a working and a failing state — restart-dependent, per-process or per-backend.`
            : r.clustering
              ? `\nFailures are spread evenly (runs test z = ${r.clustering.z.toFixed(2)}): each handshake fails independently.`
              : ""),
        evidence: {
          "failure rate": `${pct(r.failureRate)} (95% Wilson interval ${pct(ci.low)}–${pct(ci.high)})`,
          "failure classes": classes,
          "longest failure streak": r.longestFailureStreak,
        },
        fix: "Read the server's log for the failing attempts (their outcome names the failure class); compare builds and nodes; rerun with a larger --repeat to narrow the interval.",
      }),
    );
  }
  if (r.firstFailure) {
    for (const f of failureFindings(r.firstFailure)) {
      out.push(
        r.failures < r.attempts
          ? {
              ...f,
              severity: "warning",
              title: `${f.title} (in ${r.failures} of ${r.attempts} attempts)`,
            }
          : f,
      );
    }
  }
  return out;
}
