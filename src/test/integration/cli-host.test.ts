// `tlsdoctor host`, `collect` and the default command, end to end through
// the bundled CLI on this machine — which has no AF_ALG, a real finding.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hostChecks } from "../../checks/index.js";

const cli = new URL("../../tlsdoctor.mjs", import.meta.url).pathname;
const schema = JSON.parse(
  readFileSync(new URL("../../../schema/report.v1.json", import.meta.url), "utf8"),
) as { required: string[] };

interface Json {
  command: string;
  verdict: { ok: boolean; summary: string };
  findings: { id: string; severity: string; title: string }[];
  attempts: { id: string; status: string; reason?: string }[];
  data: Record<string, unknown>;
  error?: { code: string; message: string };
}
function run(...args: string[]): { status: number | null; json: Json; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args, "--json"], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
    timeout: 120_000,
  });
  return { status: r.status, json: JSON.parse(r.stdout) as Json, stderr: r.stderr };
}

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "tlsd-cli-host-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const ids = hostChecks().map((c) => c.id);

test("host: every check runs on this machine; none fails", () => {
  const r = run("host");
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  for (const k of schema.required) assert.ok(k in r.json, `report has ${k}`);
  assert.equal(r.json.command, "host");
  assert.deepEqual(
    r.json.attempts.map((a) => a.id),
    ids,
  );
  assert.deepEqual(
    r.json.attempts.filter((a) => a.status === "failed"),
    [],
    "a check that throws on a plain Debian host is a bug",
  );
});

test("collect writes a snapshot that host --root reads to the same findings", () => {
  const out = join(dir, "snap.tar.gz");
  const c = run("collect", "-o", out);
  assert.equal(c.status, 0, c.stderr);
  assert.ok(existsSync(out));
  const manifest = (c.json.data as { manifest: { files: number; schema: number } }).manifest;
  assert.equal(manifest.schema, 1);
  assert.ok(manifest.files > 10, `files: ${manifest.files}`);
  const live = run("host");
  const snap = run("host", "--root", out);
  assert.ok(snap.status === 0 || snap.status === 1, snap.stderr);
  const key = (j: Json) => j.findings.map((f) => `${f.id} ${f.severity}`).sort();
  assert.deepEqual(key(snap.json), key(live.json), "the snapshot reads as the live host does");
  assert.deepEqual(
    snap.json.attempts.filter((a) => a.status === "failed"),
    [],
  );
});

test("host: bad --root and --only are typed errors", () => {
  const r = run("host", "--root", join(dir, "nope"));
  assert.equal(r.status, 2);
  assert.equal(r.json.error?.code, "TLSD_FILE");
  const o = run("host", "--only", "bogus");
  assert.equal(o.status, 2);
  assert.equal(o.json.error?.code, "TLSD_USAGE");
  assert.match(o.json.error?.message ?? "", new RegExp(ids[0] ?? "x"));
  const junk = join(dir, "junk.tar.gz");
  spawnSync("sh", ["-c", `head -c 5000 /dev/urandom > ${junk}`]);
  const j = run("host", "--root", junk);
  assert.equal(j.status, 2);
  assert.equal(j.json.error?.code, "TLSD_FILE");
});

test("tlsdoctor with no command audits this host and says what it did not look at", () => {
  const r = run();
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  assert.equal(r.json.command, "doctor");
  for (const id of ids)
    assert.ok(
      r.json.attempts.some((a) => a.id === id),
      id,
    );
  // The usual log files are read when there are any; never a failed attempt.
  assert.ok(["ok", "skipped"].includes(r.json.attempts.find((a) => a.id === "logs")?.status ?? ""));
});
