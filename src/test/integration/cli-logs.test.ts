// `tlsdoctor logs` end to end through the bundled CLI: grouping, the
// explanation joined to each group (direction included), gzip and stdin.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const cli = new URL("../../tlsdoctor.mjs", import.meta.url).pathname;
const run = (args: string[], input?: string) =>
  spawnSync(process.execPath, [cli, "logs", ...args], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    ...(input === undefined ? {} : { input }),
  });

// seeds/003 as Postfix logs it, twice from one peer; seeds/001's kernel line;
// seeds/003's sshd line (written from Postfix's tls_misc.c / glibc's formats).
const LINES = [
  "Nov 23 04:00:01 mx postfix/smtpd[4711]: SSL_accept error from mail-1.example.net[192.0.2.10]: -1",
  "Nov 23 04:00:01 mx postfix/smtpd[4711]: warning: TLS library problem: error:14094412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:s3_pkt.c:1472:SSL alert number 42:",
  "Nov 23 04:05:09 mx postfix/smtpd[4712]: SSL_accept error from mail-1.example.net[192.0.2.10]: -1",
  "Nov 23 04:05:09 mx postfix/smtpd[4712]: warning: TLS library problem: error:14094412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:s3_pkt.c:1472:SSL alert number 42:",
  "Nov 23 04:06:00 mx kernel: [  12.345678] Failed to allocate transformation for 'xts(aes)': -2",
  "Nov 23 04:07:00 mx sshd[900]: Fatal glibc error: cannot get entropy for arc4random",
  "Nov 23 04:08:00 mx postfix/smtpd[4713]: connect from unknown[198.51.100.1]",
].join("\n");

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "tlsd-cli-logs-"));
  writeFileSync(join(dir, "mail.log"), `${LINES}\n`);
  writeFileSync(join(dir, "mail.log.2.gz"), gzipSync(`${LINES}\n`));
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Json {
  command: string;
  verdict: { ok: boolean };
  data: {
    lines: number;
    matched: number;
    groups: {
      cause: string;
      count: number;
      peer?: string;
      role?: string;
      explanation: { key: string; readings?: { side: string; text: string }[] } | null;
    }[];
  };
}

test("groups by cause and peer across plain and gzip'd files, each explained for its side", () => {
  const r = run([join(dir, "mail.log"), join(dir, "mail.log.2.gz"), "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as Json;
  assert.equal(j.command, "logs");
  assert.equal(j.verdict.ok, false);
  assert.equal(j.data.lines, 14);
  // Postfix logs the peer on the SSL_accept line and the error on the next.
  assert.ok(
    j.data.groups.some((g) => g.peer === "192.0.2.10" && g.count === 4 && g.role === "server"),
  );
  const bad = j.data.groups.find((g) => g.explanation?.key === "alert:42");
  assert.ok(bad, JSON.stringify(j.data.groups.map((g) => [g.cause, g.peer, g.explanation?.key])));
  assert.equal(bad.role, "server");
  assert.deepEqual(
    bad.explanation?.readings?.map((x) => x.side),
    ["server"],
  );
  assert.match(
    bad.explanation?.readings?.[0]?.text ?? "",
    /CLIENT rejected OUR SERVER's certificate/,
  );
  const causes = j.data.groups.map((g) => g.cause);
  assert.equal(bad.count, 4);
  assert.ok(causes.includes("kernel:afalg-alloc"), causes.join(" "));
  assert.ok(causes.includes("glibc:arc4random-entropy"), causes.join(" "));
});

test("stdin, --since, and a clean log", () => {
  const s = run(["-", "--json"], LINES);
  assert.equal(s.status, 0, s.stderr);
  assert.ok((JSON.parse(s.stdout) as Json).data.matched >= 4);
  const clean = run(
    ["-"],
    "Nov 23 04:08:00 mx postfix/smtpd[1]: connect from unknown[198.51.100.1]\n",
  );
  assert.equal(clean.status, 0);
  assert.match(clean.stdout, /no TLS or crypto failure in 1 lines/);
  const bad = run(["-", "--since", "yesterday-ish"], LINES);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /Cannot use --since/);
});

test("a missing file is a typed error naming it", () => {
  const r = run([join(dir, "nope.log"), "--json"]);
  assert.equal(r.status, 2, r.stdout);
  const j = JSON.parse(r.stdout) as { error: { code: string; message: string } };
  assert.equal(j.error.code, "TLSD_FILE");
  assert.match(j.error.message, /nope\.log/);
});
