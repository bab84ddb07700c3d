import { readFileSync } from "node:fs";
import { Option, type Command } from "commander";
import {
  isSeverity,
  isTlsDoctorError,
  messageOf,
  SEVERITIES,
  TlsDoctorError,
  exitStatusFor,
  type Report,
  type Severity,
} from "../core/index.js";
import { colorEnabled, renderJson, renderText } from "../report/index.js";

/** Exit codes (DESIGN.md): 0 clean, 1 findings at/above --fail-on, 2 usage or input error. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

export interface OutputOptions {
  readonly json?: boolean;
  readonly failOn?: string;
  readonly color?: boolean;
  readonly quiet?: boolean;
}

/** Adds the options every command takes. */
export function withOutputOptions(cmd: Command): Command {
  return cmd
    .option("--json", "print the report as JSON (schema/report.v1.json) on stdout")
    .addOption(
      new Option("--fail-on <severity>", "exit 1 when a finding is at or above this severity")
        .choices([...SEVERITIES])
        .default("error"),
    )
    .option("--no-color", "never colour the text output (NO_COLOR is honoured too)")
    .option("-q, --quiet", "text output: only findings and the verdict");
}

export function failOnOf(o: OutputOptions): Severity {
  const v = o.failOn ?? "error";
  if (!isSeverity(v))
    throw new TlsDoctorError(
      "TLSD_USAGE",
      `Cannot use --fail-on ${v}: use one of ${SEVERITIES.join(", ")}`,
    );
  return v;
}

/** Prints a report in the chosen format and returns the exit status. */
export function emitReport(report: Report, o: OutputOptions): number {
  if (o.json) {
    process.stdout.write(renderJson(report));
  } else {
    const color = o.color !== false && colorEnabled({ isTTY: process.stdout.isTTY === true });
    process.stdout.write(renderText(report, { color, ...(o.quiet ? { quiet: true } : {}) }));
  }
  return exitStatusFor(report, failOnOf(o));
}

/** The exit status a report gives under the --fail-on option, without printing it. */
export function exitFor(report: Report, o: OutputOptions): number {
  return exitStatusFor(report, failOnOf(o));
}

/** Prints an error that stops a command, as text or JSON, and returns exit status 2. */
export function emitError(e: unknown, o: { json?: boolean } = {}): number {
  const code = isTlsDoctorError(e) ? e.code : "TLSD_INTERNAL";
  const details = isTlsDoctorError(e) ? e.details : {};
  if (o.json) {
    process.stdout.write(
      JSON.stringify({ error: { code, message: messageOf(e), details } }, null, 2) + "\n",
    );
  } else {
    process.stderr.write(`tlsdoctor: ${messageOf(e)}\n`);
    if (code === "TLSD_INTERNAL" && e instanceof Error && e.stack)
      process.stderr.write(`${e.stack}\n`);
  }
  return EXIT_USAGE;
}

/** Reads a file named on the command line, or fails with TLSD_FILE naming the option. */
export function readOptionFile(path: string, option: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new TlsDoctorError(
      "TLSD_FILE",
      `Cannot read ${option} ${path}: ${(e as NodeJS.ErrnoException).code ?? messageOf(e)}`,
      {
        cause: e,
        details: { option, path },
      },
    );
  }
}

/** Parses a duration: "10" or "10s" seconds, "500ms" milliseconds, "2m" minutes. */
export function parseDuration(text: string, option: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m)
    throw new TlsDoctorError(
      "TLSD_USAGE",
      `Cannot parse ${option} ${JSON.stringify(text)}: use e.g. 10, 10s, 500ms or 2m`,
    );
  const n = Number(m[1]);
  const ms = m[2] === "ms" ? n : m[2] === "m" ? n * 60_000 : n * 1000;
  if (ms <= 0 || ms > 3_600_000)
    throw new TlsDoctorError(
      "TLSD_USAGE",
      `Cannot use ${option} ${text}: it must be between 1 ms and 1 hour`,
    );
  return ms;
}

/** Parses a positive integer option within bounds. */
export function parseIntOption(text: string, option: string, min: number, max: number): number {
  if (!/^\d+$/.test(text.trim()))
    throw new TlsDoctorError(
      "TLSD_USAGE",
      `Cannot parse ${option} ${JSON.stringify(text)}: not a whole number`,
    );
  const n = Number(text);
  if (n < min || n > max)
    throw new TlsDoctorError(
      "TLSD_USAGE",
      `Cannot use ${option} ${n}: it must be between ${min} and ${max}`,
    );
  return n;
}
