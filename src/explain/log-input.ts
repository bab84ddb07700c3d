import { Buffer } from "node:buffer";
import { createReadStream, statSync } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { TlsDoctorError, messageOf } from "../core/index.js";

/**
 * Streaming reader for log files: plain text, gzip (by its magic 1f 8b, any
 * number of members), `journalctl -o json` and `journalctl -o export`, or
 * stdin ("-"). Memory is bounded by one read chunk plus MAX_LINE_BYTES: a
 * longer line is cut there and flagged, invalid UTF-8 decodes to U+FFFD.
 *
 * The reader is also the scanner's prefilter: with `cues`, a plain-text chunk
 * is searched for the cue words (Buffer#indexOf, native) and only the lines
 * that hold one are decoded and handed over; every other line is only counted
 * (one memchr per line), so no string is made for it.
 */
export const MAX_LINE_BYTES = 64 * 1024;
const CHUNK_BYTES = 1 << 20;
const DETECT_BYTES = 4096;
/** Problems recorded per input; more are only counted. */
const MAX_PROBLEMS = 20;

export type LogFormat = "text" | "journal-json" | "journal-export";

/** One line (or journal entry) handed to the caller. */
export interface LogEntry {
  readonly input: string;
  /** 1-based line number (text, journal-json) or entry number (journal-export). */
  readonly lineNo: number;
  /** The line as read (journal: "IDENT[PID]: MESSAGE"), at most MAX_LINE_BYTES. */
  readonly text: string;
  /** The message after the syslog/daemon header (journal: MESSAGE). */
  readonly message: string;
  /** The program that logged it (syslog tag, SYSLOG_IDENTIFIER, "exim", "nginx" …). */
  readonly ident: string | undefined;
  readonly pid: number | undefined;
  readonly host: string | undefined;
  /** Milliseconds since the epoch, when the line carries a time. */
  readonly time: number | undefined;
  readonly truncated: boolean;
}

export interface InputProblem {
  readonly input: string;
  readonly code: "TLSD_FILE" | "TLSD_PARSE";
  readonly message: string;
  readonly lineNo?: number;
}

export interface InputStats {
  readonly input: string;
  readonly format: LogFormat;
  readonly gzip: boolean;
  /** Bytes read from the file (compressed, for gzip). */
  readonly bytes: number;
  readonly lines: number;
  /** Lines holding a cue word (all lines without cues). */
  readonly candidates: number;
  /** Lines longer than MAX_LINE_BYTES. */
  readonly truncated: number;
  readonly problems: readonly InputProblem[];
  /** Problems beyond the MAX_PROBLEMS recorded. */
  readonly moreProblems: number;
}

export interface ReadLogOptions {
  readonly onEntry: (e: LogEntry) => void;
  /** Only lines containing one of these (case-sensitive) are decoded and delivered. */
  readonly cues?: readonly string[];
  /** Bytes read so far, and the file's size (undefined for stdin). */
  readonly onProgress?: (read: number, total: number | undefined) => void;
  /** "Now" for RFC 3164 times without a year; default the file's mtime (stdin: now). */
  readonly referenceTime?: number;
  /** Stream read for "-" (default process.stdin). */
  readonly stdin?: NodeJS.ReadableStream;
}

/**
 * Reads one input to its end. A file that cannot be opened is a
 * TlsDoctorError (TLSD_FILE); damage inside (truncated gzip, a broken JSON
 * line) is a recorded problem and the lines before it still count.
 */
export async function readLog(input: string, o: ReadLogOptions): Promise<InputStats> {
  let total: number | undefined;
  let reference = o.referenceTime;
  let raw: NodeJS.ReadableStream;
  if (input === "-") {
    raw = o.stdin ?? process.stdin;
    reference ??= Date.now();
  } else {
    try {
      const st = statSync(input);
      if (st.isDirectory()) throw new Error("it is a directory");
      // pipes such as <(journalctl -o json) have no size
      if (st.isFile()) total = st.size;
      reference ??= st.mtimeMs;
    } catch (e) {
      throw new TlsDoctorError("TLSD_FILE", `Cannot read log ${input}: ${messageOf(e)}`, {
        cause: e,
      });
    }
    raw = createReadStream(input, { highWaterMark: CHUNK_BYTES });
  }
  const st = new State(input, o, reference ?? Date.now());
  let bytes = 0;
  const it = (raw as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  let first: Buffer | undefined;
  try {
    const r = await it.next();
    if (!r.done) first = toBuffer(r.value);
  } catch (e) {
    throw new TlsDoctorError("TLSD_FILE", `Cannot read log ${input}: ${messageOf(e)}`, {
      cause: e,
    });
  }
  const gzip = first !== undefined && first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b;
  async function* rawChunks(): AsyncGenerator<Buffer> {
    if (first === undefined) return;
    bytes += first.length;
    o.onProgress?.(bytes, total);
    yield first;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      const b = toBuffer(r.value);
      bytes += b.length;
      o.onProgress?.(bytes, total);
      yield b;
    }
  }
  try {
    if (gzip) {
      const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
      await pipeline(Readable.from(rawChunks()), gunzip, async (src: AsyncIterable<Buffer>) => {
        for await (const c of src) st.feed(c);
      });
    } else {
      for await (const c of rawChunks()) st.feed(c);
    }
  } catch (e) {
    st.problem("TLSD_FILE", `Cannot read ${gzip ? "gzip data" : "data"}: ${messageOf(e)}`);
  }
  st.end();
  return { ...st.stats(), gzip, bytes };
}

function toBuffer(v: Buffer | string): Buffer {
  return typeof v === "string" ? Buffer.from(v, "utf8") : v;
}

/** Per-input state: format detection, line carry, counters. */
class State {
  format: LogFormat | undefined;
  lines = 0;
  candidates = 0;
  truncated = 0;
  problems: InputProblem[] = [];
  moreProblems = 0;
  private carry: Buffer | undefined;
  private head: Buffer | undefined;
  private carryLong = false;
  /** Cue words as latin1 text of their UTF-8 bytes, and one regex finding any of them. */
  private cues: string[];
  private cueRe: RegExp | undefined;
  private exportParser: ExportParser | undefined;

  constructor(
    readonly input: string,
    readonly o: ReadLogOptions,
    readonly reference: number,
  ) {
    this.cues = (o.cues ?? [])
      .filter((c) => c.length > 0)
      .map((c) => Buffer.from(c, "utf8").toString("latin1"));
    this.cueRe = cueRegExp(this.cues);
  }

  problem(code: InputProblem["code"], message: string, lineNo?: number): void {
    if (this.problems.length >= MAX_PROBLEMS) {
      this.moreProblems++;
      return;
    }
    this.problems.push({
      input: this.input,
      code,
      message,
      ...(lineNo === undefined ? {} : { lineNo }),
    });
  }

  stats(): Omit<InputStats, "gzip" | "bytes"> {
    return {
      input: this.input,
      format: this.format ?? "text",
      lines: this.lines,
      candidates: this.candidates,
      truncated: this.truncated,
      problems: this.problems,
      moreProblems: this.moreProblems,
    };
  }

  feed(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.format === undefined) {
      // Detect on the first 4 KiB, however the stream is cut.
      this.head = this.head === undefined ? Buffer.from(chunk) : Buffer.concat([this.head, chunk]);
      if (this.head.length < DETECT_BYTES) return;
      this.startFormat();
      return;
    }
    this.feedDetected(chunk);
  }

  private startFormat(): void {
    const head = this.head ?? Buffer.alloc(0);
    this.head = undefined;
    this.format = detectFormat(head);
    if (this.format === "journal-json") {
      // MESSAGE as an array of bytes hides its words: always look at those lines.
      if (this.cues.length > 0) {
        this.cues = [...this.cues, '"MESSAGE":['];
        this.cueRe = cueRegExp(this.cues);
      }
    }
    if (this.format === "journal-export") {
      this.exportParser = new ExportParser((fields, n) => {
        this.lines++;
        this.deliverJournal(journalEntry(fields), n);
      });
    }
    if (head.length > 0) this.feedDetected(head);
  }

  private feedDetected(chunk: Buffer): void {
    if (this.exportParser) {
      this.exportParser.feed(chunk);
      return;
    }
    let from = 0;
    if (this.carry !== undefined) {
      const nl = chunk.indexOf(10);
      this.appendCarry(chunk, 0, nl < 0 ? chunk.length : nl);
      if (nl < 0) return;
      this.flushCarry();
      from = nl + 1;
    }
    const last = chunk.lastIndexOf(10);
    if (last < from) {
      this.appendCarry(chunk, from, chunk.length);
      return;
    }
    this.block(chunk, from, last + 1, false);
    if (last + 1 < chunk.length) this.appendCarry(chunk, last + 1, chunk.length);
  }

  end(): void {
    if (this.format === undefined && this.head !== undefined) this.startFormat();
    if (this.exportParser) {
      if (this.exportParser.end())
        this.problem("TLSD_PARSE", "Journal export data ends inside an entry");
      return;
    }
    if (this.carry !== undefined) this.flushCarry();
  }

  /** A line spanning chunks: keeps its first MAX_LINE_BYTES bytes, flags the rest. */
  private appendCarry(b: Buffer, start: number, end: number): void {
    const have = this.carry?.length ?? 0;
    const take = Math.min(end - start, MAX_LINE_BYTES - have);
    if (take < end - start) this.carryLong = true;
    const part = b.subarray(start, start + Math.max(0, take));
    this.carry = this.carry === undefined ? Buffer.from(part) : Buffer.concat([this.carry, part]);
  }

  private flushCarry(): void {
    const line = this.carry as Buffer;
    const long = this.carryLong;
    this.carry = undefined;
    this.carryLong = false;
    this.lines++;
    if (long) this.truncated++;
    if (this.hasCue(line.toString("latin1"))) {
      this.candidates++;
      this.deliverText(line, 0, line.length, long);
    }
  }

  /**
   * buf[start, end) holds whole lines (the last may lack its newline at EOF).
   * Counts every line (one memchr each); decodes only those holding a cue.
   * The cue search is one regex over the chunk's latin1 view, whose string
   * offsets are the byte offsets: V8's regex engine scans for an alternation
   * of literals faster than one Buffer#indexOf pass per cue.
   */
  private block(buf: Buffer, start: number, end: number, long: boolean): void {
    const re = this.cueRe;
    let p = start;
    if (re !== undefined) {
      const s = buf.toString("latin1", start, end);
      re.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = re.exec(s)) !== null) {
        const lineStart = start + s.lastIndexOf("\n", m.index) + 1;
        p = this.count(buf, p, lineStart, long);
        let nl = buf.indexOf(10, lineStart);
        if (nl < 0 || nl >= end) nl = end;
        const tooLong = long || nl - lineStart > MAX_LINE_BYTES;
        this.lines++;
        if (tooLong) this.truncated++;
        this.candidates++;
        this.deliverText(buf, lineStart, nl, tooLong);
        p = nl + 1;
        re.lastIndex = p - start;
        if (p >= end) break;
      }
      this.count(buf, p, end, long);
      return;
    }
    while (p < end) {
      let nl = buf.indexOf(10, p);
      if (nl < 0 || nl >= end) nl = end;
      const tooLong = long || nl - p > MAX_LINE_BYTES;
      this.lines++;
      if (tooLong) this.truncated++;
      this.candidates++;
      this.deliverText(buf, p, nl, tooLong);
      p = nl + 1;
    }
  }

  /** Whether a single line (latin1 view) holds a cue; true without cues. */
  private hasCue(s: string): boolean {
    const re = this.cueRe;
    if (re === undefined) return true;
    re.lastIndex = 0;
    const r = re.test(s);
    re.lastIndex = 0;
    return r;
  }

  /** Counts the lines starting in buf[p, stop) without decoding them; returns stop. */
  private count(buf: Buffer, p: number, stop: number, long: boolean): number {
    while (p < stop) {
      let nl = buf.indexOf(10, p);
      if (nl < 0 || nl >= stop) nl = stop;
      this.lines++;
      if (long || nl - p > MAX_LINE_BYTES) this.truncated++;
      p = nl + 1;
    }
    return stop;
  }

  private deliverText(buf: Buffer, start: number, end: number, tooLong: boolean): void {
    let stop = Math.min(end, start + MAX_LINE_BYTES);
    if (stop > start && buf[stop - 1] === 13) stop--;
    const text = buf.toString("utf8", start, stop);
    if (this.format === "journal-json") {
      let obj: unknown;
      try {
        obj = JSON.parse(text);
      } catch (e) {
        this.problem(
          "TLSD_PARSE",
          tooLong
            ? "Journal JSON line longer than 64 KiB was cut"
            : `Cannot parse journal JSON: ${messageOf(e)}`,
          this.lines,
        );
        return;
      }
      if (typeof obj !== "object" || obj === null || Array.isArray(obj)) {
        this.problem("TLSD_PARSE", "Journal JSON line is not an object", this.lines);
        return;
      }
      this.deliverJournal(journalEntry(obj as Record<string, unknown>), this.lines);
      return;
    }
    const h = parseLogHeader(text, this.reference);
    this.o.onEntry({
      input: this.input,
      lineNo: this.lines,
      text,
      message: h.message,
      ident: h.ident,
      pid: h.pid,
      host: h.host,
      time: h.time,
      truncated: tooLong,
    });
  }

  private deliverJournal(j: ReturnType<typeof journalEntry>, lineNo: number): void {
    if (j === undefined) return;
    if (!this.hasCue(Buffer.from(j.message, "utf8").toString("latin1"))) return;
    if (this.format === "journal-export") this.candidates++;
    const head =
      j.ident === undefined ? "" : `${j.ident}${j.pid === undefined ? "" : `[${j.pid}]`}: `;
    this.o.onEntry({
      input: this.input,
      lineNo,
      text: head + j.message,
      message: j.message,
      ident: j.ident,
      pid: j.pid,
      host: j.host,
      time: j.time,
      truncated: j.truncated,
    });
  }
}

function cueRegExp(cues: readonly string[]): RegExp | undefined {
  if (cues.length === 0) return undefined;
  return new RegExp(cues.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g");
}

/** Journal JSON starts with "{"; export with KEY=value lines naming __CURSOR or __REALTIME_TIMESTAMP. */
export function detectFormat(head: Buffer): LogFormat {
  let i = 0;
  while (i < head.length && (head[i] === 32 || head[i] === 10 || head[i] === 13 || head[i] === 9))
    i++;
  if (head[i] === 0x7b) return "journal-json";
  const s = head.toString("latin1", i, Math.min(head.length, i + 4096));
  if (/^[A-Z_][A-Z0-9_]*=/.test(s) && /(^|\n)(__CURSOR|__REALTIME_TIMESTAMP)=/.test(s))
    return "journal-export";
  return "text";
}

// ---------------------------------------------------------------------------
// Line headers: the time, host, program and pid in front of the message.

/** What precedes the message on a log line. */
export interface LogHeader {
  readonly time: number | undefined;
  readonly host: string | undefined;
  readonly ident: string | undefined;
  readonly pid: number | undefined;
  readonly message: string;
}

const MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";
// RFC 3164 §4.1.2: "Mmm dd hh:mm:ss" (day space-padded), no year, local time;
// rsyslog's traditional file format (Debian's default) and Dovecot's
// log_timestamp default "%b %d %H:%M:%S " (dovecot doc/example-config/conf.d/10-logging.conf).
const RFC3164 = /^(?:<\d{1,3}>)?([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.\d{1,6})? /;
// RFC 5424 §6 ("<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG"), RFC 3339 times as
// rsyslog's RSYSLOG_FileFormat writes them, and Exim's mainlog
// ("2026-11-23 04:00:01 [pid] …", local time: exim src/log.c, log_write()).
const ISO =
  /^(<\d{1,3}>1 )?(\d{4})-(\d\d)-(\d\d)([T ])(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:?\d\d)? /;
// nginx error_log: "2026/11/23 04:00:01 [crit] 1234#1234: …" (src/core/ngx_log.c, ngx_log_error_core).
const NGINX = /^(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d) \[(\w+)\] (\d+)#\d+: /;
// Apache 2.4 ErrorLogFormat default: "[Mon Nov 23 04:00:01.123456 2026] [ssl:info] [pid N:tid M] …".
const APACHE = /^\[\w{3} (\w{3}) (\d\d) (\d\d):(\d\d):(\d\d)(?:\.\d+)? (\d{4})\] /;
// auditd: "type=ANOM_ABEND msg=audit(1700000000.123:456): …" (epoch seconds.millis:serial).
const AUDIT = /^(?:node=\S+ )?type=\w+ msg=audit\((\d+)\.(\d{1,3})\d*:\d+\): /;
// A tag "ident[pid]:" or "ident:" (RFC 3164 §4.1.3).
const TAG = /^([^\s[\]:]{1,64})(?:\[(\d{1,10})\])?: /;

function monthIndex(m: string): number {
  const i = MONTHS.indexOf(m);
  return i < 0 || i % 3 !== 0 ? -1 : i / 3;
}

/**
 * Splits a line into time, host, program, pid and message. `reference` is
 * "now" for RFC 3164 times, which carry no year: the year is the reference's,
 * or the one before when that would put the line more than a day in the future.
 */
export function parseLogHeader(line: string, reference: number): LogHeader {
  let m = RFC3164.exec(line);
  if (m) {
    const mon = monthIndex(m[1] ?? "");
    if (mon >= 0) {
      const year = new Date(reference).getFullYear();
      const at = (y: number): number =>
        new Date(y, mon, Number(m?.[2]), Number(m?.[3]), Number(m?.[4]), Number(m?.[5])).getTime();
      let time = at(year);
      if (time > reference + 86_400_000) time = at(year - 1);
      return withTag(time, line.slice(m[0].length));
    }
  }
  m = ISO.exec(line);
  if (m) {
    const [y = 0, mo = 1, d, h, mi, s] = [m[2], m[3], m[4], m[6], m[7], m[8]].map(Number);
    const ms = m[9] === undefined ? 0 : Number((m[9] + "00").slice(0, 3));
    let time: number;
    if (m[10] === undefined) {
      time = new Date(y, mo - 1, d, h, mi, s, ms).getTime();
    } else {
      const zone = m[10] === "Z" ? "Z" : m[10].replace(/^([+-]\d\d)(\d\d)$/, "$1:$2");
      const iso = `${m[2]}-${m[3]}-${m[4]}T${m[6]}:${m[7]}:${m[8]}.${String(ms).padStart(3, "0")}${zone}`;
      time = Date.parse(iso);
    }
    const rest = line.slice(m[0].length);
    if (m[1] !== undefined) return rfc5424(time, rest);
    if (m[5] === "T") return withTag(time, rest);
    // Exim: "[pid] " when log_selector has +pid.
    const p = /^\[(\d{1,10})\] /.exec(rest);
    return {
      time,
      host: undefined,
      ident: undefined,
      pid: p ? Number(p[1]) : undefined,
      message: p ? rest.slice(p[0].length) : rest,
    };
  }
  m = NGINX.exec(line);
  if (m) {
    const [y = 0, mo = 1, d, h, mi, s] = m.slice(1, 7).map(Number);
    const time = new Date(y, mo - 1, d, h, mi, s).getTime();
    return {
      time,
      host: undefined,
      ident: "nginx",
      pid: Number(m[8]),
      message: line.slice(m[0].length),
    };
  }
  m = APACHE.exec(line);
  if (m) {
    const mon = monthIndex(m[1] ?? "");
    const time = new Date(
      Number(m[6]),
      mon,
      Number(m[2]),
      Number(m[3]),
      Number(m[4]),
      Number(m[5]),
    ).getTime();
    const p = /\[pid (\d{1,10})/.exec(line);
    return {
      time: mon < 0 ? undefined : time,
      host: undefined,
      ident: "apache",
      pid: p ? Number(p[1]) : undefined,
      message: line.slice(m[0].length),
    };
  }
  m = AUDIT.exec(line);
  if (m) {
    const time = Number(m[1]) * 1000 + Number((m[2] ?? "0").padEnd(3, "0"));
    return { time, host: undefined, ident: "audit", pid: undefined, message: line };
  }
  if (/^\[ *\d+\.\d+\] /.test(line)) {
    // dmesg: seconds since boot, no wall clock.
    return {
      time: undefined,
      host: undefined,
      ident: "kernel",
      pid: undefined,
      message: line.slice(line.indexOf("] ") + 2),
    };
  }
  return { time: undefined, host: undefined, ident: undefined, pid: undefined, message: line };
}

/** After a syslog time: "host ident[pid]: msg", or "ident[pid]: msg" when no host is written. */
function withTag(time: number, rest: string): LogHeader {
  let t = TAG.exec(rest);
  if (t) return tagged(time, undefined, t, rest);
  const sp = rest.indexOf(" ");
  if (sp > 0) {
    const host = rest.slice(0, sp);
    const after = rest.slice(sp + 1);
    t = TAG.exec(after);
    if (t) return tagged(time, host, t, after);
    return { time, host, ident: undefined, pid: undefined, message: after };
  }
  return { time, host: undefined, ident: undefined, pid: undefined, message: rest };
}

function tagged(time: number, host: string | undefined, t: RegExpExecArray, s: string): LogHeader {
  let message = s.slice(t[0].length);
  // the kernel's own stamp when the kernel line went through syslog
  if (t[1] === "kernel") message = message.replace(/^\[ *\d+\.\d+\] /, "");
  return { time, host, ident: t[1], pid: t[2] === undefined ? undefined : Number(t[2]), message };
}

/** RFC 5424 §6: HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG, "-" for nil. */
function rfc5424(time: number, rest: string): LogHeader {
  const m = /^(\S+) (\S+) (\S+) (\S+) /.exec(rest);
  if (!m) return { time, host: undefined, ident: undefined, pid: undefined, message: rest };
  let msg = rest.slice(m[0].length);
  if (msg.startsWith("- ") || msg === "-") msg = msg.slice(2);
  else if (msg.startsWith("[")) {
    const end = msg.search(/\](?: |$)(?!\[)/);
    msg = end < 0 ? msg : msg.slice(end + 2);
  }
  if (msg.startsWith("\uFEFF")) msg = msg.slice(1);
  const nil = (v: string | undefined): string | undefined => (v === "-" ? undefined : v);
  const pid = nil(m[3]);
  return {
    time,
    host: nil(m[1]),
    ident: nil(m[2]),
    pid: pid !== undefined && /^\d{1,10}$/.test(pid) ? Number(pid) : undefined,
    message: msg,
  };
}

// ---------------------------------------------------------------------------
// journald: `journalctl -o json` objects and `-o export` streams.

interface JournalFields {
  readonly message: string;
  readonly ident: string | undefined;
  readonly pid: number | undefined;
  readonly host: string | undefined;
  readonly time: number | undefined;
  readonly truncated: boolean;
}

/**
 * systemd's JSON output (systemd.journal-fields(7), journalctl(1) "-o json"):
 * a field is a string, null (too large or unprintable), an array of byte
 * numbers (not valid UTF-8), or an array of those when repeated.
 */
function fieldText(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (Buffer.isBuffer(v)) return v.toString("utf8", 0, Math.min(v.length, MAX_LINE_BYTES));
  if (Array.isArray(v)) {
    if (v.length > 0 && v.every((x) => typeof x === "number")) {
      const bytes = Buffer.from(v.slice(0, MAX_LINE_BYTES).map((x: number) => x & 0xff));
      return bytes.toString("utf8");
    }
    return fieldText(v[0]);
  }
  return undefined;
}

/** One journal entry from its fields (JSON values or export Buffers). */
export function journalEntry(f: Readonly<Record<string, unknown>>): JournalFields | undefined {
  let message = fieldText(f.MESSAGE);
  if (message === undefined) return undefined;
  let truncated = false;
  if (message.length > MAX_LINE_BYTES) {
    message = message.slice(0, MAX_LINE_BYTES);
    truncated = true;
  }
  if (f.MESSAGE_TRUNCATED === true) truncated = true;
  const transport = fieldText(f._TRANSPORT);
  const ident =
    fieldText(f.SYSLOG_IDENTIFIER) ??
    fieldText(f._COMM) ??
    (transport === "kernel" ? "kernel" : undefined);
  const pidText = fieldText(f._PID) ?? fieldText(f.SYSLOG_PID);
  const usText = fieldText(f.__REALTIME_TIMESTAMP);
  const us = usText !== undefined && /^\d{1,20}$/.test(usText) ? Number(usText) : undefined;
  return {
    message,
    ident,
    pid: pidText !== undefined && /^\d{1,10}$/.test(pidText) ? Number(pidText) : undefined,
    host: fieldText(f._HOSTNAME),
    time: us === undefined ? undefined : Math.floor(us / 1000),
    truncated,
  };
}

const EXPORT_KEEP = new Set([
  "MESSAGE",
  "SYSLOG_IDENTIFIER",
  "_COMM",
  "_PID",
  "SYSLOG_PID",
  "__REALTIME_TIMESTAMP",
  "_HOSTNAME",
  "_TRANSPORT",
]);
const MAX_FIELD_NAME = 256;

/**
 * The journal export format (systemd docs/JOURNAL_EXPORT_FORMATS.md):
 * entries of "NAME=value\n" lines ended by an empty line; a binary field is
 * "NAME\n", a little-endian uint64 size, the data, "\n". Only the fields the
 * scanner needs are kept, each at most MAX_LINE_BYTES; the rest are skipped
 * without buffering, whatever size they claim.
 */
export class ExportParser {
  private state: "name" | "text" | "len" | "data" | "nl" | "skipline" = "name";
  private name: number[] = [];
  private value: Buffer[] = [];
  private valueLen = 0;
  private lenBytes: number[] = [];
  private remaining = 0;
  private fields: Record<string, Buffer> = {};
  private inEntry = false;
  private entries = 0;
  /** Set when data broke the format (the parser resynchronises at the next line). */
  damaged = 0;

  constructor(private readonly emit: (fields: Record<string, Buffer>, entryNo: number) => void) {}

  feed(b: Buffer): void {
    let i = 0;
    while (i < b.length) {
      switch (this.state) {
        case "name": {
          const c = b[i++] as number;
          if (c === 10) {
            if (this.name.length === 0) this.finishEntry();
            else {
              this.state = "len";
              this.lenBytes = [];
            }
          } else if (c === 61 /* = */) {
            this.state = "text";
            this.value = [];
            this.valueLen = 0;
          } else if (this.name.length >= MAX_FIELD_NAME) {
            this.damaged++;
            this.state = "skipline";
          } else this.name.push(c);
          break;
        }
        case "text": {
          const nl = b.indexOf(10, i);
          const end = nl < 0 ? b.length : nl;
          this.keep(b, i, end);
          i = end;
          if (nl >= 0) {
            i++;
            this.finishField();
          }
          break;
        }
        case "len": {
          this.lenBytes.push(b[i++] as number);
          if (this.lenBytes.length === 8) {
            const v = Buffer.from(this.lenBytes);
            this.remaining = v.readUInt32LE(0) + v.readUInt32LE(4) * 2 ** 32;
            this.value = [];
            this.valueLen = 0;
            this.state = this.remaining === 0 ? "nl" : "data";
          }
          break;
        }
        case "data": {
          const take = Math.min(this.remaining, b.length - i);
          this.keep(b, i, i + take);
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = "nl";
          break;
        }
        case "nl": {
          const c = b[i++];
          if (c === 10) this.finishField();
          else {
            this.damaged++;
            this.name = [];
            this.state = "skipline";
          }
          break;
        }
        case "skipline": {
          const nl = b.indexOf(10, i);
          i = nl < 0 ? b.length : nl + 1;
          if (nl >= 0) {
            this.name = [];
            this.state = "name";
          }
          break;
        }
      }
    }
  }

  /** Ends the stream; true when it stopped inside an entry or field. */
  end(): boolean {
    const open = this.state !== "name" || this.name.length > 0;
    if (this.inEntry && !open) this.finishEntry();
    return open;
  }

  private keep(b: Buffer, start: number, end: number): void {
    if (!EXPORT_KEEP.has(String.fromCharCode(...this.name))) return;
    const room = MAX_LINE_BYTES - this.valueLen;
    const take = Math.min(room, end - start);
    if (take <= 0) return;
    this.value.push(Buffer.from(b.subarray(start, start + take)));
    this.valueLen += take;
  }

  private finishField(): void {
    const key = String.fromCharCode(...this.name);
    if (EXPORT_KEEP.has(key)) this.fields[key] = Buffer.concat(this.value);
    this.inEntry = true;
    this.name = [];
    this.value = [];
    this.valueLen = 0;
    this.state = "name";
  }

  private finishEntry(): void {
    if (!this.inEntry) return;
    this.entries++;
    this.emit(this.fields, this.entries);
    this.fields = {};
    this.inEntry = false;
  }
}
