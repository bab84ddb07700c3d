import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("./main.js", import.meta.url));

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    timeout: 20_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("--help lists every command of DESIGN.md", () => {
  const r = run("--help");
  assert.equal(r.status, 0);
  for (const c of ["probe", "scan", "host", "elf", "chroot", "explain", "logs", "collect"]) {
    assert.match(r.stdout, new RegExp(`^  ${c}\\b`, "m"), c);
  }
  assert.match(r.stdout, /Exit status/);
});

test("--version prints the package version", () => {
  const r = run("--version");
  assert.equal(r.status, 0);
  assert.match(r.stdout.trim(), /^\d+\.\d+\.\d+/);
});

test("probe --help teaches targets and examples", () => {
  const r = run("probe", "--help");
  assert.equal(r.status, 0);
  assert.match(r.stdout, /smtp:\/\/mx\.example\.org/);
  assert.match(r.stdout, /--repeat <n>/);
  assert.match(r.stdout, /TRUST_STORE_STALE/);
});

test("every command of the design is built: --help lists them all", () => {
  const r = run("--help");
  for (const c of [
    "probe",
    "scan",
    "replay",
    "elf",
    "chroot",
    "host",
    "collect",
    "explain",
    "logs",
  ])
    assert.match(r.stdout, new RegExp(`\\n  ${c} `), c);
  assert.doesNotMatch(r.stdout, /not built yet/);
});

test("bare tlsdoctor audits this host: a report, exit 0 or 1, never a usage error", () => {
  const r = run("--no-progress");
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  assert.match(r.stdout, /checks ran|Findings/);
  assert.match(
    r.stdout,
    /check logs skipped: no log file in the usual places|TLS and crypto failures in logs|no TLS or crypto failure in/,
  );
});

test("usage errors exit 2 with a clear message; --json gives a typed error", () => {
  const a = run("probe", "gopher://x");
  assert.equal(a.status, 2);
  assert.match(a.stderr, /unknown scheme "gopher"/);
  const b = run("probe", "x:99999", "--json");
  assert.equal(b.status, 2);
  const j = JSON.parse(b.stdout) as { error: { code: string; message: string } };
  assert.equal(j.error.code, "TLSD_BAD_TARGET");
  const c = run("probe", "localhost", "--timeout", "soon");
  assert.equal(c.status, 2);
  assert.match(c.stderr, /Cannot parse --timeout "soon"/);
  const d = run("probe", "localhost", "--cert", "/nonexistent.pem", "--key", "/nonexistent.key");
  assert.equal(d.status, 2);
  assert.match(d.stderr, /Cannot read --cert \/nonexistent\.pem: ENOENT/);
  const e = run("probe", "localhost", "--bogus");
  assert.equal(e.status, 2);
  assert.match(e.stderr, /unknown option '--bogus'/);
  const f = run("probe", "localhost", "--concurrency", "4");
  assert.equal(f.status, 2);
  assert.match(f.stderr, /without --repeat/);
});
