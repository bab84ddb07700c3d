// TLS daemons on this host: real listeners started by the test, found through
// /proc with their process, crypto libraries, chroot and linkage; a library
// deleted under a running daemon is DAEMON_STALE_LIBRARY. `ss` (netlink
// sock_diag, not /proc/net) is the oracle for the socket table.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, unlinkSync } from "node:fs";
import { createSocket, type Socket } from "node:dgram";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HostView, type HostAccess } from "../../core/index.js";
import {
  analyseDaemons,
  gatherDaemonsLive,
  listListeners,
  type DaemonAnalysis,
  type DaemonsLiveFacts,
} from "../../host/index.js";
import { daemonFindings, daemonSections } from "../../checks/index.js";
import { gcc } from "../harness/gcc.js";
import { startOpenSslServer } from "../harness/tls-servers.js";
import type { RunningServer } from "../harness/process.js";

const LIB = "/usr/lib/x86_64-linux-gnu";
/** Listens on loopback (argv[1] "4" or "6"), optionally chroots into argv[2], prints the port, waits. */
const DAEMON_C = `
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
int dummy(void);
unsigned long OpenSSL_version_num(void);
void *SSL_CTX_new(const void *);
const void *TLS_method(void);
int main(int argc, char **argv) {
  int v6 = argc > 1 && argv[1][0] == '6';
  struct sockaddr_in a4; struct sockaddr_in6 a6;
  memset(&a4, 0, sizeof a4); memset(&a6, 0, sizeof a6);
  a4.sin_family = AF_INET; a4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a6.sin6_family = AF_INET6; a6.sin6_addr = in6addr_loopback;
  int s = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
  if (v6 ? bind(s, (struct sockaddr *)&a6, sizeof a6) : bind(s, (struct sockaddr *)&a4, sizeof a4)) return 1;
  if (listen(s, 8)) return 2;
  socklen_t l = v6 ? sizeof a6 : sizeof a4;
  getsockname(s, v6 ? (struct sockaddr *)&a6 : (struct sockaddr *)&a4, &l);
  if (argc > 2 && (chroot(argv[2]) || chdir("/"))) return 3;
  if (argc > 99) SSL_CTX_new(TLS_method()); /* linked, never called */
  printf("%d %lu\\n", ntohs(v6 ? a6.sin6_port : a4.sin_port) + dummy(), OpenSSL_version_num() & 0);
  fflush(stdout);
  pause();
  return 0;
}`;

let dir: string;
const children: ChildProcess[] = [];
let tls: RunningServer | undefined;
let udp: Socket | undefined;
let stale: { pid: number; port: number };
let jailed: { pid: number; port: number };
let jail: string;
let jail2: string;
let inside: { pid: number; port: number };
let analysis: DaemonAnalysis;

function startDaemon(
  exe: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ pid: number; port: number }> {
  const child = spawn(exe, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    const t = setTimeout(() => reject(new Error(`${exe} did not start: ${out}`)), 5000);
    child.once("exit", (code) => reject(new Error(`${exe} exited (${code}): ${out}`)));
    child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /^(\d+) /.exec(out);
      if (m && child.pid !== undefined) {
        clearTimeout(t);
        resolve({ pid: child.pid, port: Number(m[1]) });
      }
    });
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "tlsd-daemons-it-"));
  gcc(
    dir,
    "libdummy.so.1",
    "void *EVP_CIPHER_CTX_new(void) { return 0; } int dummy(void) { return 0; }",
    ["-shared", "-fPIC", "-Wl,-soname,libdummy.so.1"],
  );
  mkdirSync(join(dir, "lib"));
  // A private copy of libcrypto, found through LD_LIBRARY_PATH, deleted once the daemon runs.
  copyFileSync(`${LIB}/libcrypto.so.3`, join(dir, "lib/libcrypto.so.3"));
  const exe = gcc(dir, "daemon", DAEMON_C, [
    `-L${dir}`,
    "-l:libdummy.so.1",
    `${LIB}/libssl.so.3`,
    `${LIB}/libcrypto.so.3`,
    `-Wl,-rpath,${dir}`,
  ]);
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin" };
  stale = await startDaemon(exe, ["4"], { ...env, LD_LIBRARY_PATH: join(dir, "lib") });
  unlinkSync(join(dir, "lib/libcrypto.so.3"));
  // A second copy of the program that chroots after listening, then is deleted.
  jail = join(dir, "jail");
  mkdirSync(jail);
  copyFileSync(exe, join(dir, "daemon2"));
  jailed = await startDaemon(join(dir, "daemon2"), ["6", jail], env);
  unlinkSync(join(dir, "daemon2"));
  // A third started inside a chroot (as `chroot DIR /prog` does): loaded from the jail's files.
  jail2 = join(dir, "jail2");
  const libdir = join(jail2, "lib/x86_64-linux-gnu");
  mkdirSync(libdir, { recursive: true });
  mkdirSync(join(jail2, "lib64"));
  for (const f of ["libssl.so.3", "libcrypto.so.3", "libc.so.6"])
    copyFileSync(`${LIB}/${f}`, join(libdir, f));
  copyFileSync(join(dir, "libdummy.so.1"), join(libdir, "libdummy.so.1"));
  copyFileSync("/lib64/ld-linux-x86-64.so.2", join(jail2, "lib64/ld-linux-x86-64.so.2"));
  copyFileSync(exe, join(jail2, "daemon"));
  inside = await startDaemon("chroot", [jail2, "/daemon", "4"], env);
  const req = spawnSync(
    "openssl",
    `req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost -days 2 -keyout ${join(dir, "k.pem")} -out ${join(dir, "c.pem")}`.split(
      " ",
    ),
    { encoding: "utf8" },
  );
  assert.equal(req.status, 0, req.stderr);
  tls = await startOpenSslServer({ cert: join(dir, "c.pem"), key: join(dir, "k.pem") });
  udp = createSocket("udp4");
  await new Promise<void>((r) => udp?.bind(0, "127.0.0.1", r));
  const pids = new Set([stale.pid, jailed.pid, inside.pid, tls.child.pid ?? -1]);
  analysis = analyseDaemons(new HostView("/"), undefined, { gather: { pids } });
});

after(async () => {
  for (const c of children) c.kill("SIGKILL");
  await tls?.stop();
  udp?.close();
  rmSync(dir, { recursive: true, force: true });
});

const daemon = (pid: number) => analysis.daemons.find((d) => d.pid === pid);

test("openssl s_server: its port, its process, libssl and libcrypto, its linkage", () => {
  const pid = tls?.child.pid ?? -1;
  const l = analysis.listeners.find((x) => x.port === tls?.port && x.proto === "tcp");
  assert.deepEqual([l?.address, l?.pids], ["127.0.0.1", [pid]]);
  const d = daemon(pid);
  assert.equal(analysis.source, "live");
  assert.equal(d?.comm, "openssl");
  assert.equal(d?.exe, "/usr/bin/openssl");
  assert.equal(d?.chrooted, false);
  assert.deepEqual(d?.crypto.map((c) => [c.path, c.deleted]).sort(), [
    [`${LIB}/libcrypto.so.3`, false],
    [`${LIB}/libssl.so.3`, false],
  ]);
  assert.ok(d?.tls);
  assert.equal(d?.linkage?.error, undefined);
  assert.ok((d?.linkage?.objects ?? 0) >= 5);
  assert.ok(
    !daemonFindings(analysis).some((f) => f.evidence.some((e) => e.value.includes(`(pid ${pid})`))),
  );
});

test("a daemon whose libcrypto was deleted under it: DAEMON_STALE_LIBRARY, and its interposer from the elf layer", () => {
  const d = daemon(stale.pid);
  assert.deepEqual(
    d?.listens.map((l) => [l.proto, l.address, l.port]),
    [["tcp", "127.0.0.1", stale.port]],
  );
  assert.deepEqual(d?.stale, [
    { path: join(dir, "lib/libcrypto.so.3"), family: "OpenSSL libcrypto" },
  ]);
  assert.equal(d?.ldLibraryPath, join(dir, "lib"));
  const f = daemonFindings(analysis).filter((x) =>
    x.evidence.some((e) => e.value.includes(`(pid ${stale.pid})`)),
  );
  assert.deepEqual(f.map((x) => x.id).sort(), [
    "DAEMON_STALE_LIBRARY",
    "ELF_DUPLICATE_CRYPTO_LIBRARY",
    "ELF_FOREIGN_INTERPOSITION",
  ]);
  const s = f.find((x) => x.id === "DAEMON_STALE_LIBRARY");
  assert.equal(
    s?.title,
    `daemon (pid ${stale.pid}) still runs a replaced libcrypto.so.3: restart it`,
  );
  assert.match(s?.detail ?? "", /also maps the current libssl\.so\.3/);
  const table = daemonSections(analysis)[0];
  assert.ok(table?.kind === "table");
  assert.ok(
    table.rows.some(
      (r) =>
        r[0] === `${stale.port}/tcp` &&
        r[3] === String(stale.pid) &&
        r[6] === "yes: libcrypto.so.3 deleted",
    ),
    JSON.stringify(table.rows),
  );
});

test("a chrooted daemon whose executable was deleted: its root, DAEMON_CHROOTED, DAEMON_STALE_PROGRAM, linkage skipped with the reason", () => {
  const d = daemon(jailed.pid);
  assert.deepEqual(
    d?.listens.map((l) => [l.proto, l.address, l.port]),
    [["tcp6", "::1", jailed.port]],
  );
  assert.equal(d?.root, jail);
  assert.equal(d?.exeDeleted, true);
  const ids = daemonFindings(analysis)
    .filter((x) => x.evidence.some((e) => e.value.includes(`(pid ${jailed.pid})`)))
    .map((x) => x.id);
  assert.deepEqual(ids.sort(), ["DAEMON_CHROOTED", "DAEMON_STALE_PROGRAM"]);
  assert.ok(
    analysis.skipped.some(
      (s) =>
        s.check === `daemons: linkage of daemon2 (pid ${jailed.pid})` &&
        /executable was deleted/.test(s.reason),
    ),
  );
});

test("a daemon started inside a chroot is analysed with the jail's files, as ld.so loaded it", () => {
  const d = daemon(inside.pid);
  assert.equal(d?.exe, join(jail2, "daemon"));
  assert.equal(d?.root, jail2);
  assert.equal(d?.linkage?.error, undefined, d?.linkage?.error);
  assert.equal(d?.linkage?.root, jail2);
  assert.equal(d?.linkage?.exe, "/daemon");
  // Every mapping is explained by start-up from the jail's /lib: nothing counted as dlopen()ed.
  assert.deepEqual(d?.linkage?.dlopened, []);
  assert.deepEqual(d?.linkage?.missing, []);
  assert.ok(
    d?.linkage?.analysis?.load.objects.some(
      (o) => o.path === "/lib/x86_64-linux-gnu/libdummy.so.1",
    ),
  );
});

test("collect's recorder sees the files the analysis read — the chroot's under its prefix — and nothing of /proc", () => {
  const pids = new Set([inside.pid, tls?.child.pid ?? -1]);
  const facts = gatherDaemonsLive({ pids });
  const seen = new Set<string>();
  const onAccess = (a: HostAccess): void => void seen.add(a.path);
  const a = analyseDaemons(new HostView("/", { onAccess }), facts, { onAccess });
  assert.equal(a.daemons.find((d) => d.pid === inside.pid)?.linkage?.error, undefined);
  assert.ok(seen.has(join(jail2, "daemon")), [...seen].join(" "));
  assert.ok(seen.has(join(jail2, "lib/x86_64-linux-gnu/libdummy.so.1")));
  assert.ok(seen.has("/usr/bin/openssl"));
  assert.deepEqual(
    [...seen].filter((p) => p.startsWith("/proc/") && !p.startsWith("/proc/cpuinfo")),
    [],
  );
});

test("recorded facts survive JSON and give the same findings", () => {
  const pids = new Set([stale.pid, jailed.pid, inside.pid, tls?.child.pid ?? -1]);
  const facts = JSON.parse(JSON.stringify(gatherDaemonsLive({ pids }))) as DaemonsLiveFacts;
  const again = analyseDaemons(new HostView("/"), facts);
  assert.equal(again.source, "facts");
  assert.deepEqual(
    daemonFindings(again)
      .map((f) => f.title)
      .sort(),
    daemonFindings(analysis)
      .map((f) => f.title)
      .sort(),
  );
});

test("differential: the listeners, inodes and pids agree with ss (netlink sock_diag)", () => {
  const ss = (): { sockets: Set<string>; pids: Map<number, number[]> } => {
    const r = spawnSync("ss", ["-ltunepH"], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const sockets = new Set<string>();
    const pids = new Map<number, number[]>();
    for (const line of r.stdout.split("\n")) {
      const m = /^(tcp|udp)\s+\S+\s+\d+\s+\d+\s+(\S+):(\d+)\s+\S+.*\bino:(\d+)/.exec(line);
      if (!m) continue;
      sockets.add(`${m[1]} ${Number(m[3])} ${m[4]}`);
      pids.set(
        Number(m[4]),
        [...line.matchAll(/pid=(\d+)/g)].map((x) => Number(x[1])).sort((a, b) => a - b),
      );
    }
    return { sockets, pids };
  };
  // Other tests may open or close sockets meanwhile: what ss shows before and
  // after must be in our list, and all we list must be in one of the two.
  const before = ss();
  const ours = new Set(
    listListeners(new HostView("/")).listeners.map(
      (l) => `${l.proto.replace("6", "")} ${l.port} ${l.inode}`,
    ),
  );
  const afterwards = ss();
  for (const s of before.sockets)
    if (afterwards.sockets.has(s)) assert.ok(ours.has(s), `${s} missing`);
  for (const s of ours)
    assert.ok(before.sockets.has(s) || afterwards.sockets.has(s), `${s} not in ss`);
  const port = udp?.address().port;
  assert.ok(
    ours.has(
      `udp ${port} ${[...before.sockets].find((s) => s.startsWith(`udp ${port} `))?.split(" ")[2]}`,
    ),
  );
  for (const pid of [stale.pid, jailed.pid, inside.pid, tls?.child.pid ?? -1]) {
    const l = analysis.listeners.find((x) => x.pids.includes(pid));
    assert.deepEqual(before.pids.get(l?.inode ?? -1), [pid]);
  }
});

test("not root: the processes of other users are skipped with the reason, never silently", (t) => {
  if (process.getuid?.() !== 0) return t.skip("needs root to run a child as nobody");
  const host = new URL("../../host/index.js", import.meta.url).href;
  const r = spawnSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `import(${JSON.stringify(host)}).then((m) => process.stdout.write(JSON.stringify(m.gatherDaemonsLive())))`,
    ],
    { uid: 65534, gid: 65534, encoding: "utf8", timeout: 10_000 },
  );
  if (r.status !== 0 && /EACCES|permission denied/i.test(r.stderr))
    return t.skip(`the build is not readable by nobody: ${r.stderr.split("\n")[0]}`);
  assert.equal(r.status, 0, r.stderr);
  const f = JSON.parse(r.stdout) as DaemonsLiveFacts;
  assert.equal(f.euid, 65534);
  assert.ok(
    f.skipped.some((s) => /^not root: the file descriptors of \d+ processes/.test(s.reason)),
    JSON.stringify(f.skipped),
  );
  // The root-owned s_server still shows as a listener, with no process.
  assert.deepEqual(f.listeners.find((l) => l.port === tls?.port)?.pids, []);
});
