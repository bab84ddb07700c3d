import { TlsDoctorError } from "../core/index.js";
import { sleep } from "../core/index.js";
import type { FailureClass } from "./failure.js";
import { probe, type ProbeOptions, type ProbeResult } from "./probe.js";
import {
  longestStreak,
  percentile,
  runsTest,
  wilsonInterval,
  type Interval,
  type RunsTest,
} from "./stats.js";
import type { Target } from "./target.js";

export const MAX_REPEAT = 100_000;
export const MAX_CONCURRENCY = 256;

export interface RepeatOptions extends ProbeOptions {
  readonly count: number;
  /** Milliseconds between attempt starts (per worker). */
  readonly intervalMs?: number;
  readonly concurrency?: number;
  /** Called after each attempt (progress bars). */
  readonly onAttempt?: (done: number, total: number, last: ProbeResult) => void;
}

/** One attempt, as kept by a repeat run (the full transcripts are not kept). */
export interface AttemptSummary {
  readonly index: number;
  readonly ok: boolean;
  readonly startedAtMs: number;
  readonly totalMs: number;
  readonly handshakeMs?: number;
  /** "ok", or the failure class plus its detail (alert name, phase). */
  readonly outcome: string;
}

export interface OutcomeClass {
  readonly outcome: string;
  readonly failureClass?: FailureClass;
  readonly count: number;
  readonly share: number;
  readonly example: string;
}

export interface RepeatResult {
  readonly target: Target;
  readonly attempts: number;
  readonly failures: number;
  readonly failureRate: number;
  readonly failureRateCi95: Interval;
  readonly outcomes: readonly OutcomeClass[];
  readonly longestFailureStreak: number;
  readonly clustering?: RunsTest;
  readonly latencyMs: { readonly p50?: number; readonly p95?: number; readonly p99?: number };
  readonly handshakeMs: { readonly p50?: number; readonly p95?: number; readonly p99?: number };
  readonly wallMs: number;
  readonly sequence: readonly AttemptSummary[];
  /** The first successful attempt in full (chain, session), if any. */
  readonly firstSuccess?: ProbeResult;
  /** The first failed attempt in full, if any. */
  readonly firstFailure?: ProbeResult;
}

function outcomeOf(r: ProbeResult): string {
  const f = r.failure;
  if (!f) return "ok";
  if (f.alert) return `${f.class}: ${f.alert.name} (${f.alert.code})`;
  if (f.class === "timeout" || f.class === "reset") return `${f.class} during ${f.phase}`;
  if (f.openssl) return `${f.class}: ${f.openssl.reason}`;
  return f.class;
}

/**
 * Runs `count` independent probes, `concurrency` at a time, and measures
 * the failure rate with a 95 % Wilson interval, the outcome classes, the
 * longest failure streak, clustering in time and latency percentiles.
 */
export async function repeatProbe(target: Target, o: RepeatOptions): Promise<RepeatResult> {
  if (!Number.isInteger(o.count) || o.count < 1 || o.count > MAX_REPEAT) {
    throw new TlsDoctorError("TLSD_USAGE", `Cannot repeat ${o.count} times: use 1-${MAX_REPEAT}`);
  }
  const concurrency = o.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new TlsDoctorError(
      "TLSD_USAGE",
      `Cannot use concurrency ${concurrency}: use 1-${MAX_CONCURRENCY}`,
    );
  }
  const t0 = performance.now();
  const results: (AttemptSummary | undefined)[] = new Array<AttemptSummary | undefined>(o.count);
  let firstSuccess: ProbeResult | undefined;
  let firstFailure: ProbeResult | undefined;
  let next = 0;
  let done = 0;
  const perAttempt: ProbeOptions = { ...o, resumption: false };

  const worker = async (): Promise<void> => {
    for (;;) {
      if (o.signal?.aborted) return;
      const i = next++;
      if (i >= o.count) return;
      const startedAtMs = performance.now() - t0;
      const r = await probe(target, perAttempt);
      results[i] = {
        index: i,
        ok: r.ok,
        startedAtMs,
        totalMs: r.timings.totalMs,
        ...(r.timings.handshakeMs === undefined ? {} : { handshakeMs: r.timings.handshakeMs }),
        outcome: outcomeOf(r),
      };
      if (r.ok && !firstSuccess) firstSuccess = r;
      if (!r.ok && !firstFailure) firstFailure = r;
      done++;
      o.onAttempt?.(done, o.count, r);
      if (o.intervalMs && o.intervalMs > 0 && next < o.count)
        await sleep(o.intervalMs, o.signal).catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, o.count) }, () => worker()));

  const seq = results.filter((r): r is AttemptSummary => r !== undefined);
  return summarize(target, seq, performance.now() - t0, firstSuccess, firstFailure);
}

export function summarize(
  target: Target,
  seq: readonly AttemptSummary[],
  wallMs: number,
  firstSuccess?: ProbeResult,
  firstFailure?: ProbeResult,
): RepeatResult {
  const n = seq.length;
  const failed = seq.filter((a) => !a.ok);
  const byOutcome = new Map<string, AttemptSummary[]>();
  for (const a of seq) byOutcome.set(a.outcome, [...(byOutcome.get(a.outcome) ?? []), a]);
  const outcomes: OutcomeClass[] = [...byOutcome.entries()]
    .map(([outcome, list]) => ({
      outcome,
      ...(outcome === "ok" ? {} : { failureClass: outcome.split(/[: ]/)[0] as FailureClass }),
      count: list.length,
      share: list.length / n,
      example: `attempt #${(list[0]?.index ?? 0) + 1}`,
    }))
    .sort((a, b) => b.count - a.count);
  const failSeq = seq.map((a) => !a.ok);
  const okLat = seq.filter((a) => a.ok).map((a) => a.totalMs);
  const hs = seq.flatMap((a) => (a.ok && a.handshakeMs !== undefined ? [a.handshakeMs] : []));
  const pct = (v: number[]): RepeatResult["latencyMs"] => {
    const p50 = percentile(v, 50);
    const p95 = percentile(v, 95);
    const p99 = percentile(v, 99);
    return {
      ...(p50 === undefined ? {} : { p50 }),
      ...(p95 === undefined ? {} : { p95 }),
      ...(p99 === undefined ? {} : { p99 }),
    };
  };
  const clustering = runsTest(failSeq);
  return {
    target,
    attempts: n,
    failures: failed.length,
    failureRate: n === 0 ? 0 : failed.length / n,
    failureRateCi95: wilsonInterval(failed.length, n),
    outcomes,
    longestFailureStreak: longestStreak(failSeq),
    ...(clustering ? { clustering } : {}),
    latencyMs: pct(okLat),
    handshakeMs: pct(hs),
    wallMs,
    sequence: seq,
    ...(firstSuccess ? { firstSuccess } : {}),
    ...(firstFailure ? { firstFailure } : {}),
  };
}
