// `tlsdoctor elf` on what a single file cannot show: a running process
// (--pid: its preloads, its dlopen()ed plugins, a library replaced on disk),
// a foreign sysroot (--root), a plugin dlopen()ed into a program that
// exports OpenSSL's names (--dlopen: the Node-addon case), and RPATH
// directories other users can write to (ELF_RPATH_WRITABLE).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gcc } from "../harness/gcc.js";

const cli = new URL("../../tlsdoctor.mjs", import.meta.url).pathname;
const LIBCRYPTO = "/usr/lib/x86_64-linux-gnu/libcrypto.so.3";

interface ElfJson {
  findings: {
    id: string;
    severity: string;
    title: string;
    evidence: { label: string; value: string }[];
  }[];
  data: {
    program: string;
    notes: string[];
    objects: { path: string; via: string; preloaded: boolean; dlopened: boolean }[];
    missing: { name: string; tried: string[] }[];
    searchPathRisks: { entry: string; problem: string; at: string; tag: string }[];
  };
}

function elf(...args: string[]): ElfJson {
  const r = spawnSync(process.execPath, [cli, "elf", "--json", ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", NO_COLOR: "1" },
  });
  assert.ok(
    r.status === 0 || r.status === 1,
    `exit ${r.status}: ${r.stderr}${r.stdout.slice(0, 500)}`,
  );
  return JSON.parse(r.stdout) as ElfJson;
}

let dir: string;
const children: ChildProcess[] = [];
before(() => {
  dir = mkdtempSync(join(tmpdir(), "tlsd-elf-proc-"));
});
after(() => {
  for (const c of children) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `prog`, resolves once it printed "ready" (it has loaded what it loads). */
function startReady(
  prog: string,
  args: string[],
  env: Record<string, string>,
): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const c = spawn(prog, args, {
      env: { PATH: "/usr/bin:/bin", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(c);
    const timer = setTimeout(() => reject(new Error(`${prog} did not get ready`)), 10_000);
    let err = "";
    c.stderr.on("data", (d: Buffer) => (err += d.toString()));
    c.stdout.on("data", (d: Buffer) => {
      if (d.toString().includes("ready")) {
        clearTimeout(timer);
        resolve(c);
      }
    });
    c.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${prog} exited ${code}: ${err}`));
    });
  });
}

test("--pid: the process's LD_PRELOAD, its dlopen()ed plugin and a library replaced on disk", async () => {
  const d = join(dir, "pid");
  mkdirSync(d);
  gcc(d, "libold.so", "int old_answer(void) { return 42; }", ["-shared", "-fPIC"]);
  gcc(d, "libpre.so", "int pre_marker(void) { return 1; }", ["-shared", "-fPIC"]);
  gcc(d, "libplug.so", "int plugin_entry(void) { return 7; }", ["-shared", "-fPIC"]);
  const prog = gcc(
    d,
    "host-prog",
    `#include <dlfcn.h>
#include <stdio.h>
#include <unistd.h>
int old_answer(void);
int main(int argc, char **argv) {
  void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!h) { fprintf(stderr, "%s\\n", dlerror()); return 2; }
  printf("ready %d\\n", old_answer()); fflush(stdout);
  pause();
  return 0;
}`,
    [`-L${d}`, "-l:libold.so", `-Wl,-rpath,${d}`, "-ldl"],
  );
  const c = await startReady(prog, [join(d, "libplug.so")], { LD_PRELOAD: join(d, "libpre.so") });
  // A package upgrade: the library is replaced by rename, the process keeps the old inode.
  copyFileSync(join(d, "libold.so"), join(d, "libold.so.new"));
  renameSync(join(d, "libold.so.new"), join(d, "libold.so"));

  const r = elf("--pid", String(c.pid));
  assert.equal(r.data.program, prog);
  const obj = (name: string) => r.data.objects.find((o) => o.path === join(d, name));
  assert.equal(obj("libpre.so")?.preloaded, true, "LD_PRELOAD read from /proc/PID/environ");
  assert.equal(obj("libplug.so")?.dlopened, true, "the dlopen()ed plugin found in /proc/PID/maps");
  assert.equal(obj("libold.so")?.via, "runpath");
  assert.ok(
    r.data.notes.some((n) => n.includes(`${join(d, "libold.so")} is mapped but deleted`)),
    r.data.notes.join("\n"),
  );
  assert.deepEqual(r.data.missing, []);
  // The caller's own environment does not leak into the process's view.
  const noPid = elf(prog);
  assert.equal(
    noPid.data.objects.some((o) => o.preloaded),
    false,
  );
});

test("--pid: a process id that does not exist is a typed error", () => {
  const r = spawnSync(process.execPath, [cli, "elf", "--json", "--pid", "999999999"], {
    encoding: "utf8",
  });
  assert.equal(r.status, 2);
  assert.equal((JSON.parse(r.stdout) as { error: { code: string } }).error.code, "TLSD_FILE");
});

test("--root: a foreign sysroot resolves inside DIR only, never on the host", () => {
  const root = join(dir, "sysroot");
  const libdir = join(root, "usr/lib/x86_64-linux-gnu");
  mkdirSync(libdir, { recursive: true });
  mkdirSync(join(root, "lib64"), { recursive: true });
  mkdirSync(join(root, "lib/x86_64-linux-gnu"), { recursive: true });
  mkdirSync(join(root, "usr/bin"), { recursive: true });
  copyFileSync("/lib64/ld-linux-x86-64.so.2", join(root, "lib64/ld-linux-x86-64.so.2"));
  copyFileSync("/lib/x86_64-linux-gnu/libc.so.6", join(root, "lib/x86_64-linux-gnu/libc.so.6"));
  gcc(libdir, "libfoo.so.1", "int foo(void) { return 1; }", [
    "-shared",
    "-fPIC",
    "-Wl,-soname,libfoo.so.1",
  ]);
  // Needs libfoo (in the sysroot) and libssl.so.3 (only on the host).
  gcc(
    join(root, "usr/bin"),
    "prog",
    "int foo(void); int SSL_library_init(void); int main(void) { return foo(); }",
    ["-Wl,--no-as-needed", `${libdir}/libfoo.so.1`, "/usr/lib/x86_64-linux-gnu/libssl.so.3"],
  );
  const r = elf("--root", root, "/usr/bin/prog");
  assert.equal(r.data.program, "/usr/bin/prog");
  const foo = r.data.objects.find((o) => o.path.endsWith("libfoo.so.1"));
  assert.equal(foo?.path, "/usr/lib/x86_64-linux-gnu/libfoo.so.1", "the path inside the sysroot");
  assert.equal(foo?.via, "default", "no ld.so.cache in the sysroot: the default directories");
  assert.ok(r.data.objects.some((o) => o.path === "/lib/x86_64-linux-gnu/libc.so.6"));
  assert.deepEqual(
    r.data.missing.map((m) => m.name),
    ["libssl.so.3"],
    "the host's libssl does not leak into the sysroot",
  );
  assert.ok(
    r.findings.some((f) => f.id === "ELF_MISSING_LIBRARY" && f.title.startsWith("libssl.so.3")),
  );
  assert.ok(
    r.data.missing[0]?.tried.includes("/usr/lib/x86_64-linux-gnu/libssl.so.3"),
    "searched where ld.so inside the sysroot would",
  );
});

test("--dlopen: an addon linked to libcrypto, loaded into a program that exports OpenSSL's names (the Node case)", () => {
  const d = join(dir, "addon");
  mkdirSync(d);
  // Like a node binary with a bundled OpenSSL: the program itself exports
  // unversioned EVP_* functions (-rdynamic puts them in .dynsym).
  const fakeNode = gcc(
    d,
    "fake-node",
    `#include <dlfcn.h>
void *EVP_CIPHER_CTX_new(void) { return 0; }
void EVP_CIPHER_CTX_free(void *p) { (void)p; }
int main(int argc, char **argv) { return argc > 1 && dlopen(argv[1], RTLD_NOW) == 0; }`,
    ["-rdynamic", "-ldl"],
  );
  const addon = gcc(
    d,
    "addon.node",
    `void *EVP_CIPHER_CTX_new(void); void EVP_CIPHER_CTX_free(void *);
int addon_init(void) { void *c = EVP_CIPHER_CTX_new(); EVP_CIPHER_CTX_free(c); return 0; }`,
    ["-shared", "-fPIC", LIBCRYPTO],
  );
  const alone = elf(fakeNode);
  assert.equal(alone.findings.filter((f) => f.id === "ELF_FOREIGN_INTERPOSITION").length, 0);
  const r = elf(fakeNode, "--dlopen", addon);
  assert.equal(r.data.objects.find((o) => o.path === addon)?.dlopened, true);
  const f = r.findings.find((x) => x.id === "ELF_FOREIGN_INTERPOSITION");
  assert.ok(f, JSON.stringify(r.findings.map((x) => x.title)));
  assert.equal(f.severity, "error");
  assert.match(
    f.title,
    /^fake-node answers crypto functions that addon\.node, libcrypto\.so\.3 expect from libcrypto\.so\.3/,
  );
  assert.ok(f.evidence.some((e) => e.label === "EVP_CIPHER_CTX_new@OPENSSL_3.0.0"));
  // glibc agrees: the addon's reference binds to the program, not to libcrypto.
  const ld = spawnSync(fakeNode, [addon], {
    env: { LD_DEBUG: "bindings", LD_BIND_NOW: "1" },
    encoding: "utf8",
  });
  assert.match(
    ld.stderr,
    /binding file .*addon\.node \[0\] to .*fake-node \[0\]: normal symbol `EVP_CIPHER_CTX_new' \[OPENSSL_3\.0\.0\]/,
  );
});

test("ELF_RPATH_WRITABLE: world-writable, creatable and relative RPATH entries; a safe one is quiet", () => {
  const d = join(dir, "rpath");
  const ww = join(d, "ww");
  const safe = join(d, "safe");
  mkdirSync(ww, { recursive: true });
  mkdirSync(safe);
  chmodSync(d, 0o755);
  chmodSync(ww, 0o777);
  chmodSync(safe, 0o755);
  gcc(safe, "libr.so", "int r(void) { return 0; }", ["-shared", "-fPIC"]);
  const main = "int r(void); int main(void) { return r(); }";
  const quiet = gcc(d, "quiet", main, [`-L${safe}`, "-l:libr.so", `-Wl,-rpath,${safe}`]);
  const loud = gcc(d, "loud", main, [
    `-L${safe}`,
    "-l:libr.so",
    "-Wl,--disable-new-dtags",
    `-Wl,-rpath,${ww}:${ww}/later:lib:${safe}`,
  ]);
  assert.deepEqual(elf(quiet).data.searchPathRisks, []);
  const r = elf(loud);
  assert.deepEqual(
    r.data.searchPathRisks.map((x) => [x.tag, x.entry, x.problem, x.at]),
    [
      ["DT_RPATH", ww, "world-writable", ww],
      ["DT_RPATH", `${ww}/later`, "creatable", ww],
      ["DT_RPATH", "lib", "relative", "lib"],
    ],
  );
  const f = r.findings.find((x) => x.id === "ELF_RPATH_WRITABLE");
  assert.equal(f?.severity, "error");
  assert.equal(f?.evidence.length, 3);
  // A group-writable directory of a non-root group is a warning.
  const gw = join(d, "gw");
  mkdirSync(gw);
  chmodSync(gw, 0o775);
  spawnSync("chgrp", ["1", gw]);
  const g = gcc(d, "group", main, [`-L${safe}`, "-l:libr.so", `-Wl,-rpath,${gw}:${safe}`]);
  const rg = elf(g);
  assert.deepEqual(
    rg.data.searchPathRisks.map((x) => [x.tag, x.problem]),
    [["DT_RUNPATH", "group-writable"]],
  );
  assert.equal(rg.findings.find((x) => x.id === "ELF_RPATH_WRITABLE")?.severity, "warning");
});

test("ELF_EXECUTABLE_STACK names the library that asks for it; ELF_WEAK_HARDENING a non-PIE program without RELRO", () => {
  const d = join(dir, "hard");
  mkdirSync(d);
  gcc(d, "libexec.so", "int e(void) { return 0; }", ["-shared", "-fPIC", "-Wl,-z,execstack"]);
  const prog = gcc(d, "weak", "int e(void); int main(void) { return e(); }", [
    "-no-pie",
    "-Wl,-z,norelro",
    `-L${d}`,
    "-l:libexec.so",
    `-Wl,-rpath,${d}`,
  ]);
  const r = elf(prog);
  const x = r.findings.find((f) => f.id === "ELF_EXECUTABLE_STACK");
  assert.equal(x?.severity, "warning");
  assert.deepEqual(
    x.evidence.map((e) => e.value),
    [`${join(d, "libexec.so")}: PT_GNU_STACK has PF_X`],
  );
  const w = r.findings.find((f) => f.id === "ELF_WEAK_HARDENING");
  assert.equal(w?.title, "weak: not PIE, no RELRO");
  const fine = elf("/usr/bin/openssl");
  assert.equal(fine.findings.filter((f) => /STACK|HARDENING/.test(f.id)).length, 0);
});
