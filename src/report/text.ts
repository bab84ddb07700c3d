import type {
  Field,
  Finding,
  Report,
  Section,
  Severity,
  Tone,
  TranscriptLine,
} from "../core/index.js";
import { colors, type Colors } from "./color.js";

export interface TextOptions {
  readonly color: boolean;
  /** Show the transcript and every section (default), or only findings and verdict. */
  readonly quiet?: boolean;
}

const SEVERITY_LABEL: Record<Severity, string> = {
  critical: "CRITICAL",
  error: "ERROR",
  warning: "WARNING",
  notice: "NOTICE",
  info: "INFO",
};

function sevColor(c: Colors, s: Severity): (t: string) => string {
  switch (s) {
    case "critical":
    case "error":
      return (t) => c.bold(c.red(t));
    case "warning":
      return (t) => c.bold(c.yellow(t));
    case "notice":
      return c.cyan;
    case "info":
      return c.dim;
  }
}

function tone(c: Colors, t: Tone | undefined): (s: string) => string {
  switch (t) {
    case "good":
      return c.green;
    case "bad":
      return c.red;
    case "warn":
      return c.yellow;
    case "dim":
      return c.dim;
    case "plain":
    case undefined:
      return (s) => s;
  }
}

const PREFIX: Record<TranscriptLine["dir"], [string, string]> = {
  send: [" -> ", " ~> "],
  recv: ["<-  ", "<~  "],
  info: ["=== ", "=== "],
  error: ["*** ", "*** "],
};

function renderTranscript(c: Colors, lines: readonly TranscriptLine[]): string[] {
  return lines.map((l) => {
    const p = PREFIX[l.dir][l.tls ? 1 : 0];
    const text = `${p}${l.text}`;
    if (l.dir === "error") return c.red(text);
    if (l.dir === "info") return c.dim(text);
    return l.dir === "send" ? c.cyan(text) : text;
  });
}

function renderFields(c: Colors, fields: readonly Field[]): string[] {
  const width = Math.min(24, Math.max(0, ...fields.map((f) => f.label.length)));
  return fields.flatMap((f) => {
    const [first = "", ...more] = f.value.split("\n");
    const pad = " ".repeat(width + 4);
    return [
      `  ${c.dim(f.label.padEnd(width))}  ${tone(c, f.tone)(first)}`,
      ...more.map((m) => `${pad}${tone(c, f.tone)(m)}`),
    ];
  });
}

function renderTable(
  c: Colors,
  columns: readonly string[],
  rows: readonly (readonly string[])[],
): string[] {
  const widths = columns.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    "  " +
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [c.dim(line(columns)), ...rows.map(line)];
}

function renderSection(c: Colors, s: Section): string[] {
  const head = c.bold(s.title);
  switch (s.kind) {
    case "fields":
      return [head, ...renderFields(c, s.fields)];
    case "transcript":
      return [head, ...renderTranscript(c, s.lines)];
    case "table":
      return [head, ...renderTable(c, s.columns, s.rows)];
    case "text":
      return [head, ...s.lines.map((l) => `  ${l}`)];
  }
}

export function renderFinding(c: Colors, f: Finding): string[] {
  const sev = sevColor(c, f.severity)(SEVERITY_LABEL[f.severity].padEnd(8));
  const side = f.side ? c.dim(` [${f.side} side]`) : "";
  const out = [`${sev} ${c.bold(f.id)}  ${f.title}${side}`];
  for (const l of f.detail.split("\n")) out.push(`         ${l}`);
  for (const e of f.evidence) {
    const [first = "", ...more] = e.value.split("\n");
    out.push(`         ${c.dim(`${e.label}:`)} ${first}`);
    for (const m of more) out.push(`           ${m}`);
  }
  out.push(`         ${c.green("fix:")} ${f.fix}`);
  out.push(c.dim(`         more: docs/findings.md#${f.id.toLowerCase()}`));
  return out;
}

/** The human report: sections, then findings, then the verdict line. */
export function renderText(report: Report, o: TextOptions): string {
  const c = colors(o.color);
  const out: string[] = [];
  if (!o.quiet) {
    for (const s of report.sections) {
      out.push(...renderSection(c, s), "");
    }
  }
  if (report.findings.length > 0) {
    out.push(c.bold(`Findings (${report.findings.length})`));
    for (const f of report.findings) out.push(...renderFinding(c, f), "");
  }
  // A check skipped because the connection failed says nothing new; one that
  // failed, or was skipped on a working connection, must be seen.
  const shown = report.attempts.filter(
    (x) => x.status === "failed" || (x.status === "skipped" && report.verdict.ok),
  );
  for (const a of shown) {
    out.push(c.yellow(`check ${a.id} ${a.status}${a.reason ? `: ${a.reason}` : ""}`));
  }
  const v = report.verdict;
  const mark = v.ok ? c.green("✔") : c.red("✘");
  const side = v.side && !v.ok ? c.dim(` (look at: ${v.side})`) : "";
  out.push(`${mark} ${c.bold(v.summary)}${side}`);
  return out.join("\n") + "\n";
}
