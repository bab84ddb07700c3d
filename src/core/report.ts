import type { Finding, Side } from "./finding.js";
import { sortFindings } from "./finding.js";
import type { Severity } from "./severity.js";
import { atOrAbove } from "./severity.js";

/** Version of the JSON report layout (schema/report.v1.json). */
export const REPORT_SCHEMA_VERSION = 1;

/** A labelled value; `tone` lets the text renderer colour it. */
export interface Field {
  readonly label: string;
  readonly value: string;
  readonly tone?: Tone;
}
export type Tone = "good" | "bad" | "warn" | "dim" | "plain";

/** One line of a conversation, swaks-style: `<-` received, ` ->` sent, `~` inside TLS. */
export interface TranscriptLine {
  readonly dir: "send" | "recv" | "info" | "error";
  readonly tls: boolean;
  readonly text: string;
  /** Milliseconds since the attempt started. */
  readonly atMs: number;
}

/** Renderer-neutral blocks a command builds from its typed result. */
export type Section =
  | { readonly kind: "fields"; readonly title: string; readonly fields: readonly Field[] }
  | {
      readonly kind: "transcript";
      readonly title: string;
      readonly lines: readonly TranscriptLine[];
    }
  | {
      readonly kind: "table";
      readonly title: string;
      readonly columns: readonly string[];
      readonly rows: readonly (readonly string[])[];
    }
  | { readonly kind: "text"; readonly title: string; readonly lines: readonly string[] };

/** A check or probe that ran, or failed to run: one broken part never sinks the report. */
export interface Attempt {
  readonly id: string;
  readonly status: "ok" | "failed" | "skipped";
  readonly reason?: string;
}

export interface Verdict {
  readonly ok: boolean;
  readonly summary: string;
  readonly side?: Side;
}

export interface Report {
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION;
  readonly tool: { readonly name: "tlsdoctor"; readonly version: string };
  readonly command: string;
  readonly target?: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly verdict: Verdict;
  readonly findings: readonly Finding[];
  readonly attempts: readonly Attempt[];
  readonly sections: readonly Section[];
  /** The command's typed result, as plain JSON data. */
  readonly data: unknown;
}

export interface ReportInit {
  readonly version: string;
  readonly command: string;
  readonly target?: string;
  readonly startedAt: Date;
  readonly verdict: Verdict;
  readonly findings: readonly Finding[];
  readonly attempts?: readonly Attempt[];
  readonly sections?: readonly Section[];
  readonly data?: unknown;
}

export function makeReport(init: ReportInit): Report {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: "tlsdoctor", version: init.version },
    command: init.command,
    ...(init.target === undefined ? {} : { target: init.target }),
    startedAt: init.startedAt.toISOString(),
    durationMs: Date.now() - init.startedAt.getTime(),
    verdict: init.verdict,
    findings: sortFindings(init.findings),
    attempts: [...(init.attempts ?? [])],
    sections: [...(init.sections ?? [])],
    data: init.data ?? null,
  };
}

/** Exit status per DESIGN.md: 1 when any finding is at or above `failOn`, else 0. */
export function exitStatusFor(report: Report, failOn: Severity): 0 | 1 {
  return report.findings.some((f) => atOrAbove(f.severity, failOn)) ? 1 : 0;
}
