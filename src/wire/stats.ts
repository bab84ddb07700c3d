/**
 * Statistics for repeated probes: how often it fails, how sure we are, and
 * whether failures come in bursts. Pure functions, no I/O.
 */

export interface Interval {
  readonly low: number;
  readonly high: number;
}

/**
 * Wilson score interval for a binomial proportion (Wilson 1927), at 95 %
 * by default (z = 1.959964). Well-behaved at 0 and n, unlike the Wald
 * interval: 0 failures in 20 attempts still gives an upper bound of 16 %.
 */
export function wilsonInterval(successes: number, n: number, z = 1.959964): Interval {
  if (n <= 0) return { low: 0, high: 1 };
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Longest run of `true` in order. */
export function longestStreak(seq: readonly boolean[]): number {
  let best = 0;
  let cur = 0;
  for (const v of seq) {
    cur = v ? cur + 1 : 0;
    if (cur > best) best = cur;
  }
  return best;
}

export interface RunsTest {
  readonly runs: number;
  readonly expected: number;
  /** Standard score; strongly negative means fewer runs than chance: clustering. */
  readonly z: number;
  /** Failures come in bursts (z < -1.96, two-sided 5 %). */
  readonly clustered: boolean;
}

/**
 * Wald–Wolfowitz runs test on the success/failure sequence in the order the
 * attempts started. Undefined when either outcome is absent or n < 10.
 */
export function runsTest(seq: readonly boolean[]): RunsTest | undefined {
  const n1 = seq.filter((v) => v).length;
  const n2 = seq.length - n1;
  if (n1 === 0 || n2 === 0 || seq.length < 10) return undefined;
  let runs = 1;
  for (let i = 1; i < seq.length; i++) if (seq[i] !== seq[i - 1]) runs++;
  const n = n1 + n2;
  const expected = (2 * n1 * n2) / n + 1;
  const variance = (2 * n1 * n2 * (2 * n1 * n2 - n)) / (n * n * (n - 1));
  const z = variance > 0 ? (runs - expected) / Math.sqrt(variance) : 0;
  return { runs, expected, z, clustered: z < -1.96 };
}

/** Nearest-rank percentile of an unsorted list; undefined when empty. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}
