/**
 * Every host check behind one interface, so `tlsdoctor host`, `collect` and
 * the default command run the same list: live (gather the facts only a
 * running host gives, then analyse through a HostView of /) or on a
 * snapshot (analyse a HostView of DIR with the facts collect stored, or
 * with none — each analysis then falls back to what the files say).
 *
 * A check that throws does not sink the report: it becomes a failed
 * attempt, and every check says what it could not look at (skipped).
 */
import type { Attempt, Finding, HostView, Section } from "../core/index.js";
import { isTlsDoctorError } from "../core/index.js";

export interface HostSkip {
  readonly check: string;
  readonly reason: string;
}

/** One host check: its live facts, its analysis, and how that reads as findings. */
export interface HostCheck<Live = unknown, Analysis = unknown> {
  /** Stable id; also the key of its live facts in a snapshot's facts.json. */
  readonly id: string;
  readonly title: string;
  /** Facts only a live host gives (JSON data). Absent: the check needs only files. */
  readonly gather?: (view: HostView) => Live;
  readonly analyse: (view: HostView, live: Live | undefined) => Analysis;
  readonly findings: (a: Analysis) => Finding[];
  readonly sections: (a: Analysis) => Section[];
  readonly skipped: (a: Analysis) => readonly HostSkip[];
}

/** Erases a check's types so checks of different shapes share one list. */
export function hostCheck<L, A>(c: HostCheck<L, A>): HostCheck {
  return c as unknown as HostCheck;
}

export interface HostRunOptions {
  /** Gather live facts (only for a HostView of the running host). */
  readonly live: boolean;
  /** Live facts from a snapshot, by check id (when not live). */
  readonly facts?: Readonly<Record<string, unknown>>;
  /** Only these check ids (default: all). */
  readonly only?: readonly string[];
  readonly onProgress?: (done: number, total: number, id: string) => void;
}

export interface HostRun {
  readonly findings: Finding[];
  readonly sections: Section[];
  readonly attempts: Attempt[];
  readonly skipped: HostSkip[];
  /** The live facts gathered, by check id (what collect stores). */
  readonly facts: Record<string, unknown>;
  /** Each check's analysis, by id (the report's JSON data). */
  readonly analyses: Record<string, unknown>;
}

const message = (e: unknown): string =>
  isTlsDoctorError(e) || e instanceof Error ? e.message : String(e);

/** Runs the checks in order; one failing check is a failed attempt, not an exception. */
export function runHostChecks(
  view: HostView,
  checks: readonly HostCheck[],
  options: HostRunOptions,
): HostRun {
  const run: HostRun = {
    findings: [],
    sections: [],
    attempts: [],
    skipped: [],
    facts: {},
    analyses: {},
  };
  const list = options.only ? checks.filter((c) => options.only?.includes(c.id)) : checks;
  list.forEach((c, i) => {
    options.onProgress?.(i, list.length, c.id);
    try {
      let live: unknown;
      if (options.live && c.gather) {
        live = c.gather(view);
        run.facts[c.id] = live;
      } else if (!options.live) live = options.facts?.[c.id];
      const a = c.analyse(view, live);
      run.analyses[c.id] = a;
      run.findings.push(...c.findings(a));
      run.sections.push(...c.sections(a));
      const skipped = c.skipped(a);
      run.skipped.push(...skipped);
      run.attempts.push({
        id: c.id,
        status: "ok",
        ...(skipped.length > 0
          ? { reason: `partly: ${skipped.map((s) => `${s.check}: ${s.reason}`).join("; ")}` }
          : {}),
      });
    } catch (e) {
      run.attempts.push({ id: c.id, status: "failed", reason: message(e) });
    }
  });
  options.onProgress?.(list.length, list.length, "");
  return run;
}
