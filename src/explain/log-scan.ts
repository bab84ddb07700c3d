import { isTlsDoctorError, messageOf } from "../core/index.js";
import {
  readLog,
  type InputProblem,
  type InputStats,
  type LogEntry,
  type ReadLogOptions,
} from "./log-input.js";
import { LOG_CUES, recogniseLogLine, type LogMatch } from "./log-patterns.js";

/**
 * `tlsdoctor logs`: reads every input once, streaming, and groups the TLS and
 * crypto failures it recognises by cause, peer and (for crashes) the program.
 * The cue-word prefilter runs inside readLog on raw bytes, so lines without a
 * cue cost one memchr and no allocation.
 */
export interface ScanLogsOptions {
  /** Keep only lines at or after this time (ms since epoch or Date). Lines without a time are kept. */
  readonly since?: number | Date;
  readonly until?: number | Date;
  readonly onProgress?: (p: ScanProgress) => void;
  /** "Now" for RFC 3164 times without a year (default: each file's mtime). */
  readonly referenceTime?: number;
  /** The stream read for "-" (default process.stdin). */
  readonly stdin?: NodeJS.ReadableStream;
}

export interface ScanProgress {
  readonly input: string;
  /** 0-based index of the input being read, and how many there are. */
  readonly index: number;
  readonly inputs: number;
  readonly read: number;
  readonly total: number | undefined;
}

export interface LogExample {
  readonly input: string;
  readonly lineNo: number;
  readonly text: string;
}

export interface LogGroup extends LogMatch {
  readonly count: number;
  /** Times of the first and last line (ms since epoch), when lines carry one. */
  readonly firstSeen: number | undefined;
  readonly lastSeen: number | undefined;
  /** The first line of the group, as read. */
  readonly example: LogExample;
}

export interface LogScanResult {
  /** Most frequent first. */
  readonly groups: readonly LogGroup[];
  readonly bytes: number;
  readonly lines: number;
  /** Lines holding a cue word. */
  readonly candidates: number;
  /** Recognised lines inside --since/--until (the sum of the groups' counts). */
  readonly matched: number;
  /** Recognised lines skipped for --since/--until. */
  readonly outOfRange: number;
  /** Recognised lines without a time (kept whatever --since/--until say). */
  readonly undated: number;
  /** Lines longer than MAX_LINE_BYTES, cut. */
  readonly truncated: number;
  /** Recognised lines folded into peerless groups once MAX_GROUPS was reached. */
  readonly folded: number;
  readonly inputs: readonly InputStats[];
  readonly problems: readonly InputProblem[];
}

/** Distinct groups kept; beyond, new peers fold into the cause's peerless group. */
export const MAX_GROUPS = 10_000;

interface MutableGroup {
  match: LogMatch;
  count: number;
  firstSeen: number | undefined;
  lastSeen: number | undefined;
  example: LogExample;
}

function ms(t: number | Date | undefined): number | undefined {
  return t instanceof Date ? t.getTime() : t;
}

export async function scanLogs(
  inputs: readonly string[],
  o: ScanLogsOptions = {},
): Promise<LogScanResult> {
  const since = ms(o.since);
  const until = ms(o.until);
  const groups = new Map<string, MutableGroup>();
  const stats: InputStats[] = [];
  const problems: InputProblem[] = [];
  let matched = 0;
  let outOfRange = 0;
  let undated = 0;
  let folded = 0;

  const onEntry = (e: LogEntry): void => {
    const m = recogniseLogLine(e.ident, e.message);
    if (m === undefined) return;
    if (e.time === undefined) undated++;
    else if ((since !== undefined && e.time < since) || (until !== undefined && e.time > until)) {
      outOfRange++;
      return;
    }
    matched++;
    let key = `${m.cause}\u0000${m.peer ?? ""}\u0000${m.subject ?? ""}`;
    let g = groups.get(key);
    let match = m;
    if (g === undefined && groups.size >= MAX_GROUPS) {
      folded++;
      match = { ...m, peer: undefined, peerName: undefined };
      key = `${m.cause}\u0000\u0000${m.subject ?? ""}`;
      g = groups.get(key);
    }
    if (g === undefined) {
      g = {
        match,
        count: 0,
        firstSeen: undefined,
        lastSeen: undefined,
        example: { input: e.input, lineNo: e.lineNo, text: e.text },
      };
      groups.set(key, g);
    }
    g.count++;
    if (g.match.role === undefined && m.role !== undefined) g.match = { ...g.match, role: m.role };
    if (e.time !== undefined) {
      if (g.firstSeen === undefined || e.time < g.firstSeen) g.firstSeen = e.time;
      if (g.lastSeen === undefined || e.time > g.lastSeen) g.lastSeen = e.time;
    }
  };

  for (const [index, input] of inputs.entries()) {
    const ro: ReadLogOptions = {
      onEntry,
      cues: LOG_CUES,
      ...(o.onProgress
        ? {
            onProgress: (read: number, total: number | undefined) =>
              o.onProgress?.({ input, index, inputs: inputs.length, read, total }),
          }
        : {}),
      ...(o.referenceTime === undefined ? {} : { referenceTime: o.referenceTime }),
      ...(o.stdin === undefined ? {} : { stdin: o.stdin }),
    };
    try {
      const s = await readLog(input, ro);
      stats.push(s);
      problems.push(...s.problems);
    } catch (e) {
      if (!isTlsDoctorError(e)) throw e;
      problems.push({ input, code: "TLSD_FILE", message: messageOf(e) });
    }
  }

  const list: LogGroup[] = [...groups.values()].map((g) => ({
    ...g.match,
    count: g.count,
    firstSeen: g.firstSeen,
    lastSeen: g.lastSeen,
    example: g.example,
  }));
  list.sort(
    (a, b) =>
      b.count - a.count ||
      a.cause.localeCompare(b.cause) ||
      (a.peer ?? "").localeCompare(b.peer ?? ""),
  );
  const sum = (f: (s: InputStats) => number): number => stats.reduce((n, s) => n + f(s), 0);
  return {
    groups: list,
    bytes: sum((s) => s.bytes),
    lines: sum((s) => s.lines),
    candidates: sum((s) => s.candidates),
    matched,
    outOfRange,
    undated,
    truncated: sum((s) => s.truncated),
    folded,
    inputs: stats,
    problems,
  };
}
