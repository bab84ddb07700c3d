process.env.TZ = "UTC";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { isTlsDoctorError } from "../core/index.js";
import {
  MAX_LINE_BYTES,
  parseLogHeader,
  readLog,
  type LogEntry,
  type ReadLogOptions,
} from "./log-input.js";

const dir = mkdtempSync(join(tmpdir(), "tlsd-log-input-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(data: string | Uint8Array): string {
  const p = join(dir, `f${n++}`);
  writeFileSync(p, data);
  return p;
}
async function read(input: string, o: Partial<ReadLogOptions> = {}) {
  const got: LogEntry[] = [];
  const stats = await readLog(input, {
    referenceTime: Date.UTC(2026, 10, 23, 12),
    ...o,
    onEntry: (e) => got.push(e),
  });
  return { got, stats };
}

const POSTFIX =
  "Nov 23 04:00:01 mx1 postfix/smtpd[812]: warning: TLS library problem: error:0A000412:SSL routines::sslv3 alert bad certificate:../ssl/record/rec_layer_s3.c:1584:SSL alert number 42:";
const PLAIN = "Nov 23 04:00:02 mx1 postfix/smtpd[812]: connect from unknown[192.0.2.7]";

describe("readLog: plain text", () => {
  it("counts every line and decodes only those with a cue", async () => {
    const p = file([PLAIN, POSTFIX, PLAIN, "no newline at the end TLS library"].join("\n"));
    const { got, stats } = await read(p, { cues: ["TLS library"] });
    assert.equal(stats.lines, 4);
    assert.equal(stats.candidates, 2);
    assert.deepEqual(
      got.map((e) => e.lineNo),
      [2, 4],
    );
    assert.equal(got[0]?.ident, "postfix/smtpd");
    assert.equal(got[0]?.pid, 812);
    assert.equal(got[0]?.host, "mx1");
    assert.equal(got[0]?.time, Date.UTC(2026, 10, 23, 4, 0, 1));
    assert.match(got[0]?.message ?? "", /^warning: TLS library problem: error:0A000412/);
    assert.equal(got[1]?.text, "no newline at the end TLS library");
  });

  it("without cues, hands over every line; CRLF endings are stripped", async () => {
    const { got, stats } = await read(file("a\r\nb\r\n\r\nc"));
    assert.deepEqual(
      got.map((e) => e.text),
      ["a", "b", "", "c"],
    );
    assert.equal(stats.lines, 4);
  });

  it("cuts a 3 MiB line spanning chunks at 64 KiB, flags it, and keeps reading", async () => {
    const long = "TLS error " + "x".repeat(3 * 1024 * 1024);
    const { got, stats } = await read(file(`${PLAIN}\n${long}\n${POSTFIX}\n`), { cues: ["TLS"] });
    assert.equal(stats.lines, 3);
    assert.equal(stats.truncated, 1);
    assert.equal(got.length, 2);
    assert.equal(got[0]?.truncated, true);
    assert.equal(got[0]?.text.length, MAX_LINE_BYTES);
    assert.equal(got[1]?.lineNo, 3);
    assert.equal(got[1]?.truncated, false);
  });

  it("cuts a 200 KiB line inside one chunk", async () => {
    const { got, stats } = await read(file(`TLS ${"y".repeat(200 * 1024)}\nTLS short\n`), {
      cues: ["TLS"],
    });
    assert.equal(stats.truncated, 1);
    assert.equal(got[0]?.text.length, MAX_LINE_BYTES);
    assert.equal(got[1]?.text, "TLS short");
  });

  it("decodes invalid UTF-8 with U+FFFD and tolerates NUL bytes", async () => {
    const bytes = Buffer.concat([
      Buffer.from("TLS error \xff\xfe ", "latin1"),
      Buffer.from([0xc3, 0x28, 0, 0, 0x41]),
      Buffer.from("\n"),
    ]);
    const { got } = await read(file(bytes), { cues: ["TLS"] });
    assert.equal(got[0]?.text, "TLS error \ufffd\ufffd \ufffd(\u0000\u0000A");
  });

  it("reads 4 MiB of binary junk without crashing and with bounded lines", async () => {
    let x = 12345;
    const junk = Buffer.alloc(4 * 1024 * 1024);
    for (let i = 0; i < junk.length; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      junk[i] = x >>> 24;
    }
    const { got, stats } = await read(file(junk), { cues: ["\u0001"] });
    assert.ok(stats.lines > 1000);
    assert.ok(got.every((e) => Buffer.byteLength(e.text) <= MAX_LINE_BYTES * 3));
    assert.equal(stats.problems.length, 0);
  });

  it("reports progress up to the file size", async () => {
    const data = `${PLAIN}\n`.repeat(50_000);
    const seen: [number, number | undefined][] = [];
    await read(file(data), { onProgress: (r, t) => seen.push([r, t]) });
    assert.deepEqual(seen.at(-1), [data.length, data.length]);
    assert.ok(seen.length >= 2);
  });

  it("a missing file is TLSD_FILE", async () => {
    await assert.rejects(
      read(join(dir, "nope")),
      (e) => isTlsDoctorError(e) && e.code === "TLSD_FILE",
    );
  });

  it("gives the same entries and counts however the stream is cut", async () => {
    const text = [PLAIN, POSTFIX, "", `TLS ${"z".repeat(70_000)}`, PLAIN, POSTFIX].join("\n");
    const whole = await read(file(text), { cues: ["TLS"] });
    const bytes = Buffer.from(text);
    let x = 7;
    for (let round = 0; round < 20; round++) {
      const parts: Buffer[] = [];
      for (let i = 0; i < bytes.length;) {
        x = (x * 1103515245 + 12345) >>> 0;
        const n = 1 + (x % (round < 10 ? 64 : 40_000));
        parts.push(bytes.subarray(i, i + n));
        i += n;
      }
      const cut = await read("-", { stdin: Readable.from(parts), cues: ["TLS"] });
      assert.deepEqual(
        cut.got,
        whole.got.map((e) => ({ ...e, input: "-" })),
      );
      assert.equal(cut.stats.lines, whole.stats.lines);
      assert.equal(cut.stats.truncated, whole.stats.truncated);
    }
  });

  it("reads a pipe (no size) and refuses a directory", async () => {
    await assert.rejects(read(dir), (e) => isTlsDoctorError(e) && e.code === "TLSD_FILE");
    const fifo = join(dir, "fifo");
    execFileSync("mkfifo", [fifo]);
    const writer = spawn("sh", [
      "-c",
      'printf "%s\\n%s\\n" "$1" "$2" > "$3"',
      "sh",
      PLAIN,
      POSTFIX,
      fifo,
    ]);
    const written = new Promise((r) => writer.once("exit", r));
    const seen: (number | undefined)[] = [];
    const { got, stats } = await read(fifo, { cues: ["SSL"], onProgress: (_r, t) => seen.push(t) });
    await written;
    assert.equal(stats.lines, 2);
    assert.equal(got[0]?.text, POSTFIX);
    assert.deepEqual([...new Set(seen)], [undefined]);
  });

  it("reads stdin for '-'", async () => {
    const stdin = Readable.from([
      Buffer.from(POSTFIX.slice(0, 50)),
      Buffer.from(POSTFIX.slice(50) + "\n" + PLAIN),
    ]);
    const { got, stats } = await read("-", { stdin, cues: ["SSL"] });
    assert.equal(stats.lines, 2);
    assert.equal(got[0]?.text, POSTFIX);
  });
});

describe("readLog: gzip", () => {
  const text = [PLAIN, POSTFIX, PLAIN].join("\n") + "\n";
  it("detects gzip by magic, across members", async () => {
    const p = file(Buffer.concat([gzipSync(text), gzipSync(text)]));
    const { got, stats } = await read(p, { cues: ["SSL"] });
    assert.equal(stats.gzip, true);
    assert.equal(stats.lines, 6);
    assert.deepEqual(
      got.map((e) => e.lineNo),
      [2, 5],
    );
  });
  it("a truncated gzip is a recorded problem; the lines before it count", async () => {
    const big = (PLAIN + "\n").repeat(20_000) + POSTFIX + "\n" + (PLAIN + "\n").repeat(20_000);
    const z = gzipSync(big);
    const { got, stats } = await read(file(z.subarray(0, z.length - 200)), { cues: ["SSL"] });
    assert.equal(stats.problems.length, 1);
    assert.equal(stats.problems[0]?.code, "TLSD_FILE");
    assert.match(stats.problems[0]?.message ?? "", /unexpected end of file/);
    assert.equal(got.length, 1);
    assert.ok(stats.lines > 20_000);
  });
});

describe("readLog: journald", () => {
  // Field layout of `journalctl -o json` (journalctl(1), systemd.journal-fields(7)).
  const j = (o: Record<string, unknown>): string =>
    JSON.stringify({
      __CURSOR: "s=1;i=2",
      __REALTIME_TIMESTAMP: "1795406401123456",
      _HOSTNAME: "mx1",
      ...o,
    });
  it("reads -o json, MESSAGE as a string or an array of bytes", async () => {
    const bad = [
      ...Buffer.from("SSL_accept error from x[192.0.2.9]: "),
      0xff,
      ...Buffer.from("-1"),
    ];
    const p = file(
      [
        j({ MESSAGE: "connect from x", SYSLOG_IDENTIFIER: "postfix/smtpd", _PID: "9" }),
        j({
          MESSAGE: "warning: TLS library problem: error:0A000412:SSL routines::x",
          SYSLOG_IDENTIFIER: "postfix/smtpd",
          _PID: "9",
        }),
        j({ MESSAGE: bad, _COMM: "smtpd", _PID: "10" }),
        "{not json SSL",
        j({ MESSAGE: null, SYSLOG_IDENTIFIER: "SSL" }),
      ].join("\n"),
    );
    const { got, stats } = await read(p, { cues: ["SSL"] });
    assert.equal(stats.format, "journal-json");
    assert.equal(stats.lines, 5);
    assert.equal(got.length, 2);
    assert.equal(
      got[0]?.text,
      "postfix/smtpd[9]: warning: TLS library problem: error:0A000412:SSL routines::x",
    );
    assert.equal(got[0]?.time, 1795406401123);
    assert.equal(got[0]?.host, "mx1");
    assert.equal(got[1]?.message, "SSL_accept error from x[192.0.2.9]: \ufffd-1");
    assert.equal(got[1]?.ident, "smtpd");
    assert.equal(stats.problems.length, 1);
    assert.equal(stats.problems[0]?.lineNo, 4);
  });

  // docs/JOURNAL_EXPORT_FORMATS.md: "KEY=value\n", binary fields "KEY\n" + le64 size + data + "\n",
  // entries separated by an empty line.
  function exportEntry(fields: [string, string | Buffer][]): Buffer {
    const parts: Buffer[] = [];
    for (const [k, v] of fields) {
      if (typeof v === "string") parts.push(Buffer.from(`${k}=${v}\n`));
      else {
        const len = Buffer.alloc(8);
        len.writeBigUInt64LE(BigInt(v.length));
        parts.push(Buffer.from(`${k}\n`), len, v, Buffer.from("\n"));
      }
    }
    parts.push(Buffer.from("\n"));
    return Buffer.concat(parts);
  }
  const exported = Buffer.concat([
    exportEntry([
      ["__CURSOR", "s=1"],
      ["__REALTIME_TIMESTAMP", "1795406401000000"],
      ["_TRANSPORT", "kernel"],
      [
        "MESSAGE",
        "alg: skcipher: xts-aes-vmx encryption test failed (wrong result) on test vector 0",
      ],
    ]),
    exportEntry([
      ["__CURSOR", "s=2"],
      ["__REALTIME_TIMESTAMP", "1795406402000000"],
      ["SYSLOG_IDENTIFIER", "sshd"],
      ["_PID", "77"],
      ["_CMDLINE", Buffer.alloc(100_000, 0x41)],
      ["MESSAGE", Buffer.from("Fatal glibc error: cannot get entropy for arc4random\nsecond line")],
    ]),
  ]);
  it("reads -o export with binary fields", async () => {
    const { got, stats } = await read(file(exported), { cues: ["alg:", "arc4random"] });
    assert.equal(stats.format, "journal-export");
    assert.equal(stats.lines, 2);
    assert.equal(got[0]?.ident, "kernel");
    assert.equal(got[0]?.time, 1795406401000);
    assert.equal(
      got[1]?.text,
      "sshd[77]: Fatal glibc error: cannot get entropy for arc4random\nsecond line",
    );
    assert.equal(stats.problems.length, 0);
  });
  it("gives the same entries fed one byte at a time", async () => {
    const stdin = Readable.from([...exported].map((b) => Buffer.of(b)));
    const { got } = await read("-", { stdin, cues: ["alg:", "arc4random"] });
    assert.equal(got.length, 2);
    assert.equal(got[1]?.pid, 77);
  });
  it("an export cut inside an entry is a recorded problem", async () => {
    const { stats } = await read(file(exported.subarray(0, exported.length - 30)));
    assert.equal(stats.problems[0]?.code, "TLSD_PARSE");
  });
});

describe("parseLogHeader", () => {
  const ref = Date.UTC(2026, 0, 2, 12);
  it("RFC 3164: the year comes from the reference, or the one before", () => {
    assert.equal(
      parseLogHeader("Jan  2 04:00:01 h sshd[1]: x", ref).time,
      Date.UTC(2026, 0, 2, 4, 0, 1),
    );
    assert.equal(
      parseLogHeader("Dec 31 23:59:59 h sshd[1]: x", ref).time,
      Date.UTC(2025, 11, 31, 23, 59, 59),
    );
  });
  it("Dovecot's own log file has no host", () => {
    const h = parseLogHeader("Nov 23 12:03:26 imap-login: Info: Disconnected: x", ref);
    assert.equal(h.ident, "imap-login");
    assert.equal(h.host, undefined);
    assert.equal(h.message, "Info: Disconnected: x");
  });
  it("RFC 3339 (rsyslog), RFC 5424, Exim, nginx, Apache, audit, dmesg", () => {
    const iso = parseLogHeader("2026-11-23T04:00:01.250+01:00 mx1 postfix/smtp[5]: m", ref);
    assert.deepEqual(
      [iso.time, iso.host, iso.ident, iso.pid, iso.message],
      [Date.UTC(2026, 10, 23, 3, 0, 1, 250), "mx1", "postfix/smtp", 5, "m"],
    );
    const r5424 = parseLogHeader(
      "<34>1 2026-11-23T04:00:01Z mx1 haproxy 4242 - - 1.2.3.4:5 [x] fe/1: SSL handshake failure",
      ref,
    );
    assert.deepEqual(
      [r5424.ident, r5424.pid, r5424.message],
      ["haproxy", 4242, "1.2.3.4:5 [x] fe/1: SSL handshake failure"],
    );
    const ex = parseLogHeader("2026-11-23 12:03:25 [7906] TLS error on connection", ref);
    assert.deepEqual(
      [ex.time, ex.pid, ex.message],
      [Date.UTC(2026, 10, 23, 12, 3, 25), 7906, "TLS error on connection"],
    );
    const ng = parseLogHeader(
      "2026/11/23 04:00:01 [crit] 1234#1234: *5 SSL_do_handshake() failed",
      ref,
    );
    assert.deepEqual(
      [ng.ident, ng.pid, ng.message],
      ["nginx", 1234, "*5 SSL_do_handshake() failed"],
    );
    const ap = parseLogHeader(
      "[Mon Nov 23 04:00:01.123456 2026] [ssl:info] [pid 99:tid 1] [client 1.2.3.4:5] AH02008: x",
      ref,
    );
    assert.deepEqual([ap.time, ap.ident, ap.pid], [Date.UTC(2026, 10, 23, 4, 0, 1), "apache", 99]);
    const au = parseLogHeader(
      "type=ANOM_ABEND msg=audit(1700000000.123:456): pid=1 sig=6 res=1",
      ref,
    );
    assert.deepEqual([au.time, au.ident], [1700000000123, "audit"]);
    const dm = parseLogHeader("[   12.345678] alg: No test for x", ref);
    assert.deepEqual([dm.time, dm.ident, dm.message], [undefined, "kernel", "alg: No test for x"]);
    const k = parseLogHeader(
      "Nov 23 04:00:01 h kernel: [   12.345678] device-mapper: crypt: x",
      Date.UTC(2026, 10, 24),
    );
    assert.equal(k.message, "device-mapper: crypt: x");
  });
});
