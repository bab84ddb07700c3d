// `tlsdoctor chroot` end to end, through the bundle (dist/tlsdoctor.mjs and
// the child it starts, dist/resolve-child.mjs), on chroots built by the test.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:net";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";

const cli = new URL("../../tlsdoctor.mjs", import.meta.url).pathname;
const run = (args: string[], uid?: number) =>
  spawnSync(process.execPath, [cli, ...args], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    timeout: 30_000,
    ...(uid === undefined ? {} : { uid, gid: uid }),
  });
interface Out {
  command: string;
  target: string;
  verdict: { ok: boolean; summary: string };
  findings: { id: string; severity: string }[];
  attempts: { id: string; status: string; reason?: string }[];
  data: {
    dir: string;
    inside?: { status: string; rc: number; eai?: string };
    outside?: { status: string };
    process?: { pid: number; comm: string; root: string };
  };
}
const schemaPath = fileURLToPath(new URL("../../../schema/report.v1.json", import.meta.url));
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(
  JSON.parse(readFileSync(schemaPath, "utf8")) as object,
);
/** Runs with --json; every report validates against schema/report.v1.json. */
const json = (args: string[], uid?: number): { status: number | null; out: Out } => {
  const r = run([...args, "--json"], uid);
  const doc = JSON.parse(r.stdout) as unknown;
  assert.ok(validate(doc), JSON.stringify(validate.errors, null, 2));
  return { status: r.status, out: doc as Out };
};

let base: string;
let empty: string;
let full: string;
let syslog: Server;
before(async () => {
  base = mkdtempSync(join(tmpdir(), "tlsd-cli-chroot-"));
  chmodSync(base, 0o755);
  empty = join(base, "empty");
  full = join(base, "full");
  mkdirSync(empty, { mode: 0o755 });
  // Everything a chrooted TLS daemon needs.
  for (const d of ["etc/ssl/certs", "dev"]) mkdirSync(join(full, d), { recursive: true });
  writeFileSync(join(full, "etc/hosts"), `127.0.0.1 localhost\n127.0.1.1 ${hostname()}\n`);
  writeFileSync(join(full, "etc/nsswitch.conf"), "hosts: files dns\n");
  writeFileSync(join(full, "etc/resolv.conf"), "nameserver 127.0.0.1\n");
  writeFileSync(join(full, "etc/krb5.conf"), "[libdefaults]\n default_realm = EXAMPLE.ORG\n");
  copyFileSync("/etc/localtime", join(full, "etc/localtime"));
  copyFileSync(
    "/etc/ssl/certs/ca-certificates.crt",
    join(full, "etc/ssl/certs/ca-certificates.crt"),
  );
  assert.equal(spawnSync("mknod", [join(full, "dev/urandom"), "c", "1", "9"]).status, 0);
  syslog = createServer();
  await new Promise<void>((res) => syslog.listen(join(full, "dev/log"), res));
});
after(() => {
  syslog.close();
  rmSync(base, { recursive: true, force: true });
});

test("chroot DIR without resolver files: CHROOT_RESOLVER_BROKEN with the real EAI code, exit 1", () => {
  const { status, out } = json(["chroot", empty]);
  assert.equal(status, 1);
  assert.equal(out.command, "chroot");
  assert.equal(out.data.dir, empty);
  assert.deepEqual([out.data.inside?.eai, out.data.inside?.rc], ["EAI_AGAIN", -3]);
  assert.equal(out.data.outside?.status, "resolved");
  assert.equal(out.findings[0]?.id, "CHROOT_RESOLVER_BROKEN");
  assert.equal(out.verdict.ok, false);
  assert.deepEqual(
    out.attempts.map((a) => [a.id, a.status]),
    [
      ["getaddrinfo-outside", "ok"],
      ["getaddrinfo-inside", "ok"],
    ],
  );
  const text = run(["chroot", empty]);
  assert.match(text.stdout, /inside \S+\s+EAI_AGAIN \(-3, Temporary failure in name resolution\)/);
  assert.match(text.stdout, /ERROR\s+CHROOT_RESOLVER_BROKEN/);
});

test("chroot DIR holding everything: resolves inside, no finding at all, exit 0", () => {
  const { status, out } = json(["chroot", full, "--fail-on", "info"]);
  assert.deepEqual(out.findings, [], JSON.stringify(out.findings));
  assert.equal(status, 0);
  assert.equal(out.data.inside?.status, "resolved");
  assert.equal(out.verdict.ok, true);
  assert.match(out.verdict.summary, /resolves inside .*nothing missing/);
});

test("chroot --pid N: the root of a running process (sleep, root /)", async () => {
  const sleep = spawn("sleep", ["30"], { stdio: "ignore" });
  try {
    await new Promise((res) => sleep.once("spawn", res));
    const { status, out } = json(["chroot", "--pid", String(sleep.pid)]);
    assert.equal(status, 0, JSON.stringify(out.findings));
    assert.deepEqual(
      out.data.process && [out.data.process.pid, out.data.process.comm, out.data.process.root],
      [sleep.pid, "sleep", "/"],
    );
    assert.equal(out.target, `pid ${sleep.pid} (sleep), root /`);
    assert.equal(out.data.dir, "/");
    assert.equal(out.data.inside?.status, "resolved");
  } finally {
    sleep.kill("SIGKILL");
  }
});

test("not root: the getaddrinfo check is reported as not run, never as passed", () => {
  const { status, out } = json(["chroot", empty], 65534);
  assert.equal(out.data.inside, undefined);
  const inside = out.attempts.find((a) => a.id === "getaddrinfo-inside");
  assert.equal(inside?.status, "skipped");
  assert.match(inside?.reason ?? "", /not root \(euid 65534\)/);
  assert.equal(out.verdict.ok, false);
  assert.match(out.verdict.summary, /could not run/);
  // The files alone still say the resolver is broken.
  assert.ok(out.findings.some((f) => f.id === "CHROOT_RESOLVER_LIKELY_BROKEN"));
  assert.ok(!out.findings.some((f) => f.id === "CHROOT_RESOLVER_BROKEN"));
  assert.equal(status, 0, "warnings only, below --fail-on error");
});

test("usage and input errors exit 2 with a typed error; --help teaches with examples", () => {
  const cases: [string[], string][] = [
    [["chroot"], "TLSD_USAGE"],
    [["chroot", empty, "--pid", "1"], "TLSD_USAGE"],
    [["chroot", "--pid", "abc"], "TLSD_USAGE"],
    [["chroot", join(base, "nope")], "TLSD_FILE"],
    [["chroot", join(full, "etc/hosts")], "TLSD_FILE"],
    [["chroot", "--pid", "4194303"], "TLSD_FILE"],
    [["chroot", empty, "--timeout", "soon"], "TLSD_USAGE"],
  ];
  for (const [args, code] of cases) {
    const r = run([...args, "--json"]);
    assert.equal(r.status, 2, args.join(" "));
    assert.equal(
      (JSON.parse(r.stdout) as { error: { code: string } }).error.code,
      code,
      args.join(" "),
    );
  }
  const h = run(["chroot", "--help"]);
  assert.equal(h.status, 0);
  assert.match(h.stdout, /Examples:\n\s+tlsdoctor chroot \/var\/lib\/haproxy/);
  assert.match(h.stdout, /CHROOT_RESOLVER_BROKEN/);
});
