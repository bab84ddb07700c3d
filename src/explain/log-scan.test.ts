process.env.TZ = "UTC";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { MAX_GROUPS, scanLogs } from "./log-scan.js";

const dir = mkdtempSync(join(tmpdir(), "tlsd-log-scan-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const REF = Date.UTC(2026, 10, 24);

// Postfix lines in Debian's rsyslog format (src/tls/tls_misc.c, tls_server.c wording).
const bad = (h: number, ip: string): string =>
  `Nov 23 ${String(h).padStart(2, "0")}:00:00 mx1 postfix/smtpd[812]: SSL_accept error from unknown[${ip}]: lost connection`;
const lib = (h: number): string =>
  `Nov 23 ${String(h).padStart(2, "0")}:30:00 mx1 postfix/smtpd[812]: warning: TLS library problem: error:0A000412:SSL routines::sslv3 alert bad certificate:../ssl/record/rec_layer_s3.c:1584:SSL alert number 42:`;
const noise = "Nov 23 01:00:00 mx1 postfix/smtpd[812]: connect from unknown[192.0.2.1]";

describe("scanLogs", () => {
  const a = join(dir, "mail.log");
  writeFileSync(
    a,
    [
      noise,
      bad(1, "192.0.2.7"),
      lib(1),
      noise,
      bad(3, "192.0.2.7"),
      bad(4, "192.0.2.8"),
      lib(5),
    ].join("\n") + "\n",
  );
  const b = join(dir, "mail.log.1.gz");
  writeFileSync(b, gzipSync([bad(2, "192.0.2.7"), noise].join("\n") + "\n"));

  it("groups by cause and peer across plain and gzip inputs, with first/last seen and an example", async () => {
    const r = await scanLogs([a, b], { referenceTime: REF });
    assert.equal(r.lines, 9);
    assert.equal(r.candidates, 6);
    assert.equal(r.matched, 6);
    assert.deepEqual(
      r.groups.map((g) => [g.cause, g.peer, g.role, g.count]),
      [
        ["postfix:ssl-accept:lost-connection", "192.0.2.7", "server", 3],
        ["openssl:0A000412", undefined, "server", 2],
        ["postfix:ssl-accept:lost-connection", "192.0.2.8", "server", 1],
      ],
    );
    const g = r.groups[0];
    assert.equal(g?.firstSeen, Date.UTC(2026, 10, 23, 1));
    assert.equal(g?.lastSeen, Date.UTC(2026, 10, 23, 3));
    assert.deepEqual(g?.example, { input: a, lineNo: 2, text: bad(1, "192.0.2.7") });
    assert.equal(r.inputs[1]?.gzip, true);
    assert.equal(r.problems.length, 0);
  });

  it("--since/--until keep lines inside the window and count the rest", async () => {
    const r = await scanLogs([a], {
      referenceTime: REF,
      since: new Date(Date.UTC(2026, 10, 23, 2)),
      until: Date.UTC(2026, 10, 23, 4, 30),
    });
    assert.equal(r.matched, 2);
    assert.equal(r.outOfRange, 3);
    assert.deepEqual(
      r.groups.map((g) => [g.peer, g.count]),
      [
        ["192.0.2.7", 1],
        ["192.0.2.8", 1],
      ],
    );
  });

  it("lines without a time are kept and counted as undated", async () => {
    const stdin = Readable.from([
      "[   12.5] Failed to allocate transformation for 'xts(aes)': -2\n",
    ]);
    const r = await scanLogs(["-"], { stdin, since: Date.UTC(2030, 0, 1) });
    assert.equal(r.undated, 1);
    assert.equal(r.groups[0]?.cause, "kernel:afalg-alloc");
    assert.equal(r.groups[0]?.subject, "xts(aes)");
  });

  it("an input that cannot be opened is a problem, the others are still read", async () => {
    const r = await scanLogs([join(dir, "missing.log"), a], { referenceTime: REF });
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0]?.code, "TLSD_FILE");
    assert.equal(r.matched, 5);
  });

  it("reports progress per input", async () => {
    const seen: string[] = [];
    await scanLogs([a, b], {
      onProgress: (p) => seen.push(`${p.index}/${p.inputs} ${p.read === p.total}`),
    });
    assert.deepEqual([...new Set(seen)].at(-1), "1/2 true");
    assert.ok(seen.includes("0/2 true"));
  });

  it(`folds new peers into a peerless group beyond ${MAX_GROUPS} groups`, async () => {
    const lines: string[] = [];
    for (let i = 0; i < MAX_GROUPS + 5; i++)
      lines.push(bad(1, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`));
    const p = join(dir, "many.log");
    writeFileSync(p, lines.join("\n"));
    const r = await scanLogs([p], { referenceTime: REF });
    assert.equal(r.groups.length, MAX_GROUPS + 1);
    assert.equal(r.folded, 5);
    assert.equal(r.groups[0]?.peer, undefined);
    assert.equal(r.groups[0]?.count, 5);
  });
});
