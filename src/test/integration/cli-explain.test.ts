// `tlsdoctor explain` end to end through the bundled CLI.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

const cli = new URL("../../tlsdoctor.mjs", import.meta.url).pathname;
const schema = JSON.parse(
  readFileSync(new URL("../../../schema/report.v1.json", import.meta.url), "utf8"),
) as { required: string[] };
const run = (...args: string[]) =>
  spawnSync(process.execPath, [cli, "explain", ...args], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });

test("explain 14094412: the 1.1 reading (alert 42), where OpenSSL 3's own errstr reads nonsense", () => {
  const theirs = spawnSync("openssl", ["errstr", "14094412"], { encoding: "utf8" }).stdout;
  // OpenSSL 3 unpacks it with the 3.x layout: library 40, reason 0x94412.
  assert.doesNotMatch(theirs, /bad certificate/);
  const r = run("14094412", "--json");
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as {
    command: string;
    data: { answers: { key: string; decoded: string }[] };
  };
  for (const k of schema.required) assert.ok(k in j, k);
  assert.equal(j.command, "explain");
  assert.equal(j.data.answers[0]?.key, "alert:42");
  assert.match(j.data.answers[0]?.decoded ?? "", /1\.x.*ssl3_read_bytes.*bad_certificate/);
});

test("explain a server-side log line: one reading, the side and its evidence in the verdict", () => {
  const r = run(
    "postfix/smtpd[4711]: SSL_accept error from x[192.0.2.1]: -1 warning: TLS library problem: error:0A000412:SSL routines::sslv3 alert bad certificate",
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /on the server\s+The CLIENT rejected OUR SERVER's certificate/);
  assert.doesNotMatch(r.stdout, /on the client/);
  assert.match(r.stdout, /logged by the server/);
  assert.match(r.stdout, /Tell them apart/);
});

test("explain FINDING_ID prints its docs entry; unknown ids and unrecognised text exit 2", () => {
  const f = run("GETRANDOM_UNAVAILABLE");
  assert.equal(f.status, 0, f.stderr);
  assert.match(f.stdout, /GETRANDOM_UNAVAILABLE[\s\S]*Fix/);
  const u = run("NOT_A_FINDING_ID", "--json");
  assert.equal(u.status, 2);
  assert.equal((JSON.parse(u.stdout) as { error: { code: string } }).error.code, "TLSD_USAGE");
  const n = run("the weather is nice");
  assert.equal(n.status, 2);
  assert.match(n.stderr, /Cannot explain/);
});
