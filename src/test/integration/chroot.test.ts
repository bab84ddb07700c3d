// A real getaddrinfo(3) inside real chroots built by the test (as root):
// seeds/004's empty chroot, working ones, an NSS module glibc loads from
// inside the chroot, a name server that never answers, a chrooted process.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { chrootFindings } from "../../checks/index.js";
import { HostView } from "../../core/index.js";
import {
  analyseChroot,
  gatherChrootLive,
  nssLibraryDirs,
  processChroot,
  resolveInChild,
  type ChrootAnalysis,
} from "../../host/index.js";
import { gcc } from "../harness/gcc.js";

const NAME = hostname();
let base: string;
const jails: string[] = [];

/** A fresh chroot with these files (path → content). */
function jail(files: Record<string, string> = {}): string {
  const d = mkdtempSync(join(base, "jail-"));
  chmodSync(d, 0o755);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(d, p, ".."), { recursive: true });
    writeFileSync(join(d, p), text);
  }
  jails.push(d);
  return d;
}
const audit = (d: string, opts: Parameters<typeof gatherChrootLive>[1] = {}): ChrootAnalysis =>
  analyseChroot(new HostView(d), gatherChrootLive(d, opts));
const ids = (a: ChrootAnalysis): string[] => chrootFindings(a).map((f) => f.id);

before(() => {
  assert.equal(process.geteuid?.(), 0, "these tests chroot: run them as root");
  base = mkdtempSync(join(tmpdir(), "tlsd-chroot-"));
  chmodSync(base, 0o755);
});
after(() => rmSync(base, { recursive: true, force: true }));

test("seeds/004: no resolver files inside → getaddrinfo of the host name fails with EAI_AGAIN, CHROOT_RESOLVER_BROKEN", () => {
  const a = audit(jail());
  assert.equal(a.outside?.status, "resolved", "the host resolves its own name outside");
  // What glibc 2.36 really answers: no nsswitch.conf → "dns [!UNAVAIL=return] files";
  // no resolv.conf → ask 127.0.0.1, where nothing serves DNS (UNAVAIL, h_errno TRY_AGAIN);
  // files: no /etc/hosts (UNAVAIL). Nothing succeeded, DNS said "try again": EAI_AGAIN.
  // (CentOS 6's glibc 2.12 answered EAI_NODATA in seeds/004.)
  assert.deepEqual([a.inside?.status, a.inside?.rc, a.inside?.eai], ["failed", -3, "EAI_AGAIN"]);
  assert.equal(a.inside?.message, "Temporary failure in name resolution");
  assert.equal(a.prediction.verdict, "fails", "the files predicted it");
  const fs = chrootFindings(a);
  const broken = fs.find((f) => f.id === "CHROOT_RESOLVER_BROKEN");
  assert.ok(broken, ids(a).join(" "));
  assert.equal(broken.severity, "error");
  assert.ok(broken.evidence.some((e) => e.label === "inside" && /EAI_AGAIN \(-3/.test(e.value)));
  assert.ok(broken.evidence.some((e) => e.label === "/etc/nsswitch.conf" && e.value === "missing"));
  for (const id of [
    "CHROOT_RESOLV_CONF_MISSING",
    "CHROOT_NSSWITCH_MISSING",
    "CHROOT_HOSTS_MISSING",
    "CHROOT_URANDOM_MISSING",
    "CHROOT_DEVLOG_MISSING",
    "CHROOT_CA_BUNDLE_MISSING",
    "CHROOT_LOCALTIME_MISSING",
    "CHROOT_KRB5_NO_DEFAULT_REALM",
  ])
    assert.ok(ids(a).includes(id), id);
});

test("/etc/hosts with the name and 'hosts: files' → resolves inside, no resolver finding", () => {
  const a = audit(
    jail({ "etc/hosts": `127.0.1.1 ${NAME}\n`, "etc/nsswitch.conf": "hosts: files\n" }),
  );
  assert.deepEqual([a.inside?.status, a.inside?.rc], ["resolved", 0]);
  assert.deepEqual(a.inside?.addresses, ["127.0.1.1"]);
  assert.equal(a.inside?.canonname, NAME);
  assert.equal(a.prediction.verdict, "resolves");
  const found = ids(a);
  assert.ok(
    !found.some((id) => /RESOLVER|NSSWITCH|HOSTS_MISSING|NSS_MODULE/.test(id)),
    found.join(" "),
  );
  // resolv.conf is missing but the hosts line has no dns: a notice, not a warning.
  assert.equal(
    chrootFindings(a).find((f) => f.id === "CHROOT_RESOLV_CONF_MISSING")?.severity,
    "notice",
  );
});

test("nsswitch.conf decides: hosts without nsswitch.conf resolves; 'hosts: dns' ignores /etc/hosts", () => {
  const hosts = { "etc/hosts": `127.0.1.1 ${NAME}\n` };
  // The default line falls through to files because DNS on 127.0.0.1 is UNAVAIL.
  const dflt = audit(jail(hosts));
  assert.equal(dflt.inside?.status, "resolved");
  assert.equal(dflt.prediction.verdict, "resolves");
  assert.ok(ids(dflt).includes("CHROOT_NSSWITCH_MISSING"));
  const dnsOnly = audit(jail({ ...hosts, "etc/nsswitch.conf": "hosts: dns\n" }));
  assert.deepEqual([dnsOnly.inside?.status, dnsOnly.inside?.eai], ["failed", "EAI_AGAIN"]);
  assert.equal(dnsOnly.prediction.verdict, "fails");
  assert.ok(ids(dnsOnly).includes("CHROOT_RESOLVER_BROKEN"));
});

test("glibc dlopens the NSS module from inside the chroot, as a chrooted daemon's would", () => {
  // A minimal hosts module: every IPv4 name is 192.0.2.7 (TEST-NET-1).
  const src = `#include <nss.h>
#include <netdb.h>
#include <string.h>
#include <errno.h>
#include <stdint.h>
#include <sys/socket.h>
enum nss_status _nss_tlsdtest_gethostbyname2_r(const char *name, int af, struct hostent *r,
    char *buf, size_t len, int *errnop, int *h_errnop) {
  if (af != AF_INET) { *h_errnop = HOST_NOT_FOUND; return NSS_STATUS_NOTFOUND; }
  size_t pad = -(uintptr_t)buf % sizeof(char *), n = strlen(name) + 1;
  if (len < pad + 3 * sizeof(char *) + 4 + n) { *errnop = ERANGE; *h_errnop = NETDB_INTERNAL; return NSS_STATUS_TRYAGAIN; }
  char **ptrs = (char **)(buf + pad);
  unsigned char *addr = (unsigned char *)(ptrs + 3);
  char *nm = (char *)(addr + 4);
  addr[0] = 192; addr[1] = 0; addr[2] = 2; addr[3] = 7;
  memcpy(nm, name, n);
  ptrs[0] = (char *)addr; ptrs[1] = NULL; ptrs[2] = NULL;
  r->h_name = nm; r->h_aliases = &ptrs[2]; r->h_addrtype = AF_INET; r->h_length = 4; r->h_addr_list = ptrs;
  return NSS_STATUS_SUCCESS;
}`;
  const conf = { "etc/nsswitch.conf": "hosts: tlsdtest\n" };
  const withModule = jail(conf);
  const lib = nssLibraryDirs()[0] ?? "/lib";
  mkdirSync(join(withModule, lib), { recursive: true });
  gcc(withModule, `${lib.slice(1)}/libnss_tlsdtest.so.2`, src, ["-shared", "-fPIC"]);
  const a = audit(withModule);
  assert.deepEqual([a.inside?.status, a.inside?.addresses], ["resolved", ["192.0.2.7"]]);
  assert.equal(
    a.nssModules.find((m) => m.service === "tlsdtest")?.found,
    `${lib}/libnss_tlsdtest.so.2`,
  );
  // The same nsswitch.conf without the module: glibc cannot load it, and says EAI_SYSTEM.
  const without = audit(jail(conf));
  assert.deepEqual([without.inside?.status, without.inside?.eai], ["failed", "EAI_SYSTEM"]);
  assert.ok(ids(without).includes("CHROOT_RESOLVER_BROKEN"));
  // The module is on neither side: not blamed on the chroot as a missing copy.
  assert.ok(!ids(without).includes("CHROOT_NSS_MODULE_MISSING"));
});

test("a name server that never answers: the child is killed at the deadline and the lookup reported as stuck", async () => {
  // 127.0.0.2, not 127.0.0.1: tests in other files expect nothing on 127.0.0.1:53.
  const dns = createSocket("udp4");
  await new Promise<void>((res) => dns.bind(53, "127.0.0.2", res));
  try {
    const d = jail({
      "etc/nsswitch.conf": "hosts: dns\n",
      "etc/resolv.conf": "nameserver 127.0.0.2\noptions timeout:30 attempts:1\n",
    });
    const t0 = Date.now();
    const a = audit(d, { timeoutMs: 1500 });
    assert.ok(Date.now() - t0 < 8000);
    assert.equal(a.inside?.status, "timeout");
    assert.ok((a.inside?.elapsedMs ?? 0) >= 1500);
    const f = chrootFindings(a).find((x) => x.id === "CHROOT_RESOLVER_BROKEN");
    assert.match(f?.title ?? "", /no answer \(timeout\)/);
  } finally {
    dns.close();
  }
});

test("not root: chroot(2) is refused and the lookup is reported as not run", () => {
  const r = resolveInChild(NAME, jail(), { uid: 65534 });
  assert.equal(r.status, "error");
  assert.match(r.error ?? "", /^chroot failed: EPERM$/);
});

/** A Node process that loads `preload` (if any), chroots into `dir` and sleeps, as a daemon does. */
async function jailedProcess(dir: string, preload?: string): Promise<ChildProcess> {
  const koffi = new URL("../../../node_modules/koffi/index.js", import.meta.url).pathname;
  const child = spawn(
    process.execPath,
    [
      "-e",
      `const k = require(${JSON.stringify(koffi)}); const c = k.load("libc.so.6");
       if (process.argv[2]) k.load(process.argv[2]);
       if (c.func("int chroot(const char *)")(process.argv[1]) !== 0) process.exit(3);
       process.stdout.write("in\\n"); setTimeout(() => {}, 30000);`,
      dir,
      preload ?? "",
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  await new Promise<void>((res, rej) => {
    child.stdout?.once("data", () => res());
    child.once("exit", (c) => rej(new Error(`jailed child exited ${c}`)));
  });
  return child;
}

test("--pid: the root of a process that chrooted itself, audited through /proc/PID/root", async () => {
  const d = jail({ "etc/hosts": `127.0.1.1 ${NAME}\n`, "etc/nsswitch.conf": "hosts: files\n" });
  const child = await jailedProcess(d);
  try {
    const p = processChroot(child.pid ?? 0);
    assert.deepEqual(
      [p.process.root, p.process.comm, p.dir],
      [d, "node", `/proc/${child.pid}/root`],
    );
    const getconf = spawnSync("getconf", ["GNU_LIBC_VERSION"], { encoding: "utf8" }).stdout;
    assert.equal(p.glibc?.version, getconf.trim().split(" ")[1]);
    assert.equal(p.process.mapsKrb5, false);
    const a = audit(p.dir, { process: p.process });
    assert.equal(a.dir, d, "named by its real path");
    assert.deepEqual([a.inside?.status, a.inside?.addresses], ["resolved", ["127.0.1.1"]]);
  } finally {
    child.kill("SIGKILL");
  }
});

test("seeds/004 whole: a chrooted process that maps libkrb5, no resolver files → critical", async () => {
  const child = await jailedProcess(jail(), "libkrb5.so.3");
  try {
    const p = processChroot(child.pid ?? 0);
    assert.ok(p.process.mapsKrb5, p.process.libraries.join(" "));
    const fs = chrootFindings(audit(p.dir, { process: p.process }));
    const sev = new Map(fs.map((f) => [f.id, f.severity]));
    assert.equal(sev.get("CHROOT_RESOLVER_BROKEN"), "critical");
    assert.equal(sev.get("CHROOT_KRB5_NO_DEFAULT_REALM"), "warning");
    assert.match(fs[0]?.detail ?? "", /maps Kerberos: .*libkrb5\.so\.3/);
  } finally {
    child.kill("SIGKILL");
  }
});

test("seeds/004 as a snapshot (no live facts): the files alone predict the failure", () => {
  const a = analyseChroot(new HostView(jail()));
  const found = ids(a);
  assert.ok(found.includes("CHROOT_RESOLVER_LIKELY_BROKEN"), found.join(" "));
  assert.ok(!found.includes("CHROOT_RESOLVER_BROKEN"));
  assert.ok(a.skipped.some((s) => s.check === "glibc-version"));
});

test("/dev nodes: a nodev mount, a copied regular file, the wrong device — each its finding", () => {
  const d = jail({ "etc/hosts": `127.0.1.1 ${NAME}\n`, "etc/nsswitch.conf": "hosts: files\n" });
  const dev = join(d, "dev");
  mkdirSync(dev);
  const sh = (cmd: string, ...args: string[]): void => {
    const r = spawnSync(cmd, args, { encoding: "utf8" });
    assert.equal(r.status, 0, `${cmd} ${args.join(" ")}: ${r.stderr}`);
  };
  const urandom = (a: ChrootAnalysis) =>
    chrootFindings(a).find((f) => /^CHROOT_URANDOM_/.test(f.id));
  sh("mount", "-t", "tmpfs", "-o", "nodev", "tmpfs", dev);
  try {
    sh("mknod", join(dev, "urandom"), "c", "1", "9");
    const a = audit(d);
    assert.deepEqual([a.urandom.state, a.urandom.error], ["unopenable", "EACCES"]);
    assert.match(urandom(a)?.title ?? "", /cannot be opened \(EACCES: a nodev mount\?\)/);
  } finally {
    sh("umount", dev);
  }
  sh("mknod", join(dev, "urandom"), "c", "1", "9");
  assert.equal(urandom(audit(d)), undefined, "a real 1:9 node on a normal mount is fine");
  rmSync(join(dev, "urandom"));
  writeFileSync(join(dev, "urandom"), randomBytes(64));
  const copied = urandom(audit(d));
  assert.deepEqual([copied?.id, copied?.severity], ["CHROOT_URANDOM_NOT_DEVICE", "critical"]);
  rmSync(join(dev, "urandom"));
  sh("mknod", join(dev, "urandom"), "c", "1", "3");
  const devnull = urandom(audit(d));
  assert.deepEqual(
    [devnull?.severity, devnull?.title.endsWith("is device 1:3, not 1:9")],
    ["error", true],
  );
});
