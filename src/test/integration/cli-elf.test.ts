// `tlsdoctor elf` end to end: the bundled CLI on a program built by the test.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gcc } from "../harness/gcc.js";

const cli = new URL("../../tlsdoctor.mjs", import.meta.url).pathname;
const run = (...args: string[]) =>
  spawnSync(process.execPath, [cli, ...args], {
    maxBuffer: 1 << 28,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "tlsd-cli-elf-"));
  gcc(
    dir,
    "libdummy.so.1",
    "void *EVP_CIPHER_CTX_new(void) { return 0; } int dummy(void) { return 0; }",
    ["-shared", "-fPIC", "-Wl,-soname,libdummy.so.1"],
  );
  gcc(
    dir,
    "app",
    "void *SSL_CTX_new(const void *); const void *TLS_method(void); int dummy(void); int main(void) { return dummy() + (SSL_CTX_new(TLS_method()) == 0); }",
    [`-L${dir}`, "-l:libdummy.so.1", "/usr/lib/x86_64-linux-gnu/libssl.so.3", `-Wl,-rpath,${dir}`],
  );
});
after(() => rmSync(dir, { recursive: true, force: true }));

test("elf FILE: the interposition is a finding, exit 1; --json carries the bindings", () => {
  const t = run("elf", join(dir, "app"));
  assert.equal(t.status, 1, t.stderr);
  assert.match(t.stdout, /ELF_FOREIGN_INTERPOSITION/);
  assert.match(t.stdout, /libdummy\.so\.1 answers crypto functions/);
  assert.match(t.stdout, /Hardening[\s\S]*PIE\s+pie[\s\S]*RUNPATH\s+\/tmp\//);
  const j = run("elf", join(dir, "app"), "--json", "--bindings");
  const r = JSON.parse(j.stdout) as {
    command: string;
    data: {
      bindings: { from: string; symbol: string; version: string | null; to: string | null }[];
    };
  };
  assert.equal(r.command, "elf");
  assert.equal((r.data as unknown as { hardening: { pie: string } }).hardening.pie, "pie");
  assert.ok(
    r.data.bindings.some(
      (b) =>
        b.symbol === "EVP_CIPHER_CTX_new" &&
        b.version === "OPENSSL_3.0.0" &&
        b.from.endsWith("libssl.so.3") &&
        b.to === join(dir, "libdummy.so.1"),
    ),
  );
});

test("--verify-with-ldso agrees with glibc on every binding", () => {
  const j = run("elf", join(dir, "app"), "--json", "--verify-with-ldso");
  const r = JSON.parse(j.stdout) as {
    data: {
      verifyWithLdso: { ldso: number; agree: number; onlyLdso: string[]; onlyTlsdoctor: string[] };
    };
  };
  const v = r.data.verifyWithLdso;
  assert.ok(v.ldso > 100, JSON.stringify(v).slice(0, 300));
  assert.equal(v.agree, v.ldso);
  assert.deepEqual(v.onlyTlsdoctor, []);
});

test("--sweep summarises a directory; a missing file and a non-ELF file are typed errors", () => {
  const s = run("elf", "--sweep", dir, "--json");
  const r = JSON.parse(s.stdout) as { data: { files: { path: string }[] } };
  assert.ok(r.data.files.some((f) => f.path === join(dir, "app")));
  const m = run("elf", join(dir, "nope"), "--json");
  assert.equal(m.status, 2);
  assert.equal((JSON.parse(m.stdout) as { error: { code: string } }).error.code, "TLSD_FILE");
  const n = run("elf", join(dir, "app.c"), "--json");
  assert.equal(n.status, 2);
  assert.match(
    (JSON.parse(n.stdout) as { error: { message: string } }).error.message,
    /not an ELF file/,
  );
  for (const bad of ["0", "two", "1.5", "65"]) {
    const b = run("elf", "--sweep", dir, "--jobs", bad, "--json");
    assert.equal(b.status, 2, bad);
    const e = (JSON.parse(b.stdout) as { error: { code: string; message: string } }).error;
    assert.equal(e.code, "TLSD_USAGE", bad);
    assert.match(e.message, /--jobs wants a number of threads from 1 to 64/, bad);
  }
});

test("--sweep over many files runs on worker threads and says what one thread says", async () => {
  const { HostView } = await import("../../core/index.js");
  const { hardeningOf, sweep } = await import("../../elf/index.js");
  const { elfFindings } = await import("../../checks/index.js");
  const j = spawnSync(
    process.execPath,
    [cli, "elf", "--sweep", "/usr/sbin", "--jobs", "2", "--json", "--no-progress"],
    { maxBuffer: 1 << 28, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
  );
  const r = JSON.parse(j.stdout) as {
    data: { files: { path: string; findings?: string[]; hardening?: { pie: string } }[] };
  };
  const one = sweep(new HostView("/"), ["/usr/sbin"]);
  assert.ok(one.length >= 96, `${one.length} files: enough for two workers`);
  assert.deepEqual(
    r.data.files.map((f) => [f.path, f.hardening?.pie, (f.findings ?? []).join(",")]),
    one.map((s) => [
      s.path,
      s.elf ? hardeningOf(s.elf).pie : undefined,
      s.analysis
        ? elfFindings(s.analysis)
            .map((f) => f.id)
            .join(",")
        : "",
    ]),
  );
});
