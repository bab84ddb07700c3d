import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { HostView } from "../core/index.js";
import {
  analyseDaemons,
  daemonFiles,
  dpkgListOwners,
  gatherDaemons,
  type DaemonProcessFacts,
  type DaemonsLiveFacts,
} from "./daemons.js";

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "tlsd-daemons-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** A fresh directory standing for a host's root, with `files` (string = content, {link} = symlink). */
function root(files: Record<string, string | { link: string }>): string {
  const r = join(dir, `root${n++}`);
  for (const [p, v] of Object.entries(files)) {
    mkdirSync(dirname(join(r, p)), { recursive: true });
    if (typeof v === "string") writeFileSync(join(r, p), v);
    else symlinkSync(v.link, join(r, p));
  }
  mkdirSync(r, { recursive: true });
  return r;
}

const HDR =
  "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
const listen4 = (hexAddr: string, port: number, inode: number, uid = 0): string =>
  `   0: ${hexAddr}:${port.toString(16).toUpperCase().padStart(4, "0")} 00000000:0000 0A 00000000:00000000 00:00000000 00000000 ${uid} 0 ${inode} 1 0000000000000000 100 0 0 10 0\n`;
const mapsLine = (path: string): string =>
  `7f0000000000-7f0000001000 r--p 00000000 fe:01 1234   ${path}\n`;
const LIB = "/usr/lib/x86_64-linux-gnu";

/** A /proc entry for one process, as the kernel shows it. */
function proc(
  pid: number,
  o: {
    comm: string;
    exe: string;
    root?: string;
    net?: string;
    mnt?: string;
    fds: Record<number, string>;
    maps: string[];
    uid?: number;
    start?: number;
  },
): Record<string, string | { link: string }> {
  const d = `proc/${pid}`;
  const files: Record<string, string | { link: string }> = {
    [`${d}/comm`]: `${o.comm}\n`,
    [`${d}/cmdline`]: `/usr/sbin/${o.comm}\0-f\0/etc/${o.comm}.conf\0`,
    [`${d}/status`]: `Name:\t${o.comm}\nUid:\t0\t${o.uid ?? 0}\t0\t0\n`,
    [`${d}/stat`]: `${pid} (${o.comm}) x) S 1 ${pid} ${pid} 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 ${o.start ?? 12345} 0 0\n`,
    [`${d}/exe`]: { link: o.exe },
    [`${d}/root`]: { link: o.root ?? "/" },
    [`${d}/ns/net`]: { link: o.net ?? "net:[4026531840]" },
    [`${d}/ns/mnt`]: { link: o.mnt ?? "mnt:[4026531841]" },
    [`${d}/environ`]: "PATH=/usr/bin\0LD_LIBRARY_PATH=/opt/ssl/lib\0",
    [`${d}/maps`]: o.maps.map(mapsLine).join(""),
  };
  for (const [fd, link] of Object.entries(o.fds)) files[`${d}/fd/${fd}`] = { link };
  return files;
}

test("gatherDaemons: a /proc tree maps listeners to processes, across network namespaces", () => {
  const r = root({
    "bin/sh": "\x7fELF\x02\x01",
    "proc/self/ns/net": { link: "net:[4026531840]" },
    "proc/self/ns/mnt": { link: "mnt:[4026531841]" },
    "proc/stat": "cpu 1 2 3\nbtime 1700000000\nprocesses 5\n",
    "proc/net/tcp": HDR + listen4("00000000", 443, 1001) + listen4("0100007F", 25, 1002, 101),
    "proc/net/udp": HDR,
    ...proc(100, {
      comm: "nginx",
      exe: "/usr/sbin/nginx (deleted)",
      fds: { 0: "/dev/null", 3: "socket:[1001]", 4: "pipe:[77]" },
      maps: [
        "/usr/sbin/nginx (deleted)",
        `${LIB}/libssl.so.3 (deleted)`,
        `${LIB}/libcrypto.so.3`,
        "[heap]",
      ],
      start: 12345,
    }),
    ...proc(101, {
      comm: "nginx",
      exe: "/usr/sbin/nginx",
      uid: 33,
      fds: { 3: "socket:[1001]" },
      maps: [`${LIB}/libssl.so.3`],
    }),
    ...proc(200, {
      comm: "master",
      exe: "/usr/lib/postfix/sbin/master",
      root: "/var/spool/postfix",
      fds: { 5: "socket:[1002]", 6: "socket:[9999]" },
      maps: [],
    }),
    // A container: another network and mount namespace, its sockets in /proc/300/net.
    ...proc(300, {
      comm: "haproxy",
      exe: "/usr/sbin/haproxy",
      net: "net:[4026532000]",
      mnt: "mnt:[4026532001]",
      fds: { 7: "socket:[2001]" },
      maps: [`${LIB}/libcrypto.so.3`],
    }),
    "proc/300/net/tcp": HDR + listen4("00000000", 8443, 2001),
    // Not a directory: listing it fails as another user's process would (EACCES) for a non-root reader.
    "proc/400/fd": "",
  });
  const f = gatherDaemons(new HostView(r));
  assert.equal(f.error, undefined);
  assert.equal(f.byteOrder, "le");
  assert.deepEqual(
    f.listeners.map((l) => [l.address, l.port, l.inode, l.uid, l.pids, l.netns ?? "own"]),
    [
      ["0.0.0.0", 443, 1001, 0, [100, 101], "own"],
      ["127.0.0.1", 25, 1002, 101, [200], "own"],
      ["0.0.0.0", 8443, 2001, 0, [300], "net:[4026532000]"],
    ],
  );
  const p = new Map(f.processes.map((x) => [x.pid, x]));
  assert.deepEqual([...p.keys()], [100, 101, 200, 300]);
  const nginx = p.get(100) as DaemonProcessFacts;
  assert.equal(nginx.exe, "/usr/sbin/nginx");
  assert.equal(nginx.exeDeleted, true);
  assert.equal(nginx.argv0, "/usr/sbin/nginx");
  assert.equal(nginx.ldLibraryPath, "/opt/ssl/lib");
  assert.equal(nginx.startedAt, new Date((1700000000 + 123.45) * 1000).toISOString());
  assert.deepEqual(nginx.mapped, [
    { path: `${LIB}/libssl.so.3`, deleted: true },
    { path: `${LIB}/libcrypto.so.3`, deleted: false },
  ]);
  assert.equal(p.get(101)?.uid, 33);
  assert.equal(p.get(200)?.root, "/var/spool/postfix");
  assert.equal(p.get(200)?.sameMountNamespace, true);
  assert.equal(p.get(300)?.sameMountNamespace, false);
  // Process 400's fd directory could not be listed: a reason is kept.
  assert.equal(f.skipped.length, 1);
  assert.match(f.skipped[0]?.reason ?? "", /1 processes cannot be read/);
  assert.deepEqual(daemonFiles(f), [
    "/etc/ld.so.cache",
    "/etc/ld.so.preload",
    "/etc/passwd",
    "/usr/lib/postfix/sbin/master",
    `${LIB}/libcrypto.so.3`,
    `${LIB}/libssl.so.3`,
    "/usr/sbin/nginx",
  ]);
  // The `pids` option limits the processes examined.
  assert.deepEqual(
    gatherDaemons(new HostView(r), { pids: new Set([200]) }).processes.map((x) => x.pid),
    [200],
  );
});

test("gatherDaemons never throws: a root without /proc is an error string", () => {
  const f = gatherDaemons(new HostView(root({ "etc/hostname": "x\n" })));
  assert.match(f.error ?? "", /Cannot list \/proc/);
  assert.deepEqual(f.listeners, []);
  assert.doesNotThrow(() => JSON.stringify(f));
});

const facts = (
  processes: DaemonProcessFacts[],
  listeners: DaemonsLiveFacts["listeners"],
): DaemonsLiveFacts => ({
  version: 1,
  gatheredAt: "2026-01-01T00:00:00.000Z",
  byteOrder: "le",
  euid: 0,
  listeners,
  processes,
  skipped: [],
  notes: [],
});
const P = (pid: number, o: Partial<DaemonProcessFacts>): DaemonProcessFacts => ({
  pid,
  comm: "d",
  exe: "/usr/sbin/d",
  exeDeleted: false,
  argv0: "d",
  root: "/",
  uid: 0,
  sameMountNamespace: true,
  mapped: [],
  ...o,
});

test("analyseDaemons on recorded facts: TLS relevance, stale libraries with their package, users, chroot", () => {
  const r = root({
    "etc/passwd": "root:x:0:0::/root:/bin/sh\nwww-data:x:33:33::/var/www:/usr/sbin/nologin\n",
    "var/lib/dpkg/info/libssl3:amd64.list": `/.\n/usr\n${LIB}/libssl.so.3\n${LIB}/libcrypto.so.3\n`,
    "var/lib/dpkg/info/libc6:amd64.list": "/lib/x86_64-linux-gnu/libc.so.6\n",
  });
  utimesSync(
    join(r, "var/lib/dpkg/info/libssl3:amd64.list"),
    new Date("2026-01-02T00:00:00Z"),
    new Date("2026-01-02T00:00:00Z"),
  );
  const a = analyseDaemons(
    new HostView(r),
    facts(
      [
        P(10, {
          comm: "nginx",
          uid: 33,
          startedAt: "2025-12-01T00:00:00.000Z",
          mapped: [
            { path: `${LIB}/libssl.so.3`, deleted: true },
            { path: `${LIB}/libc.so.6`, deleted: true },
          ],
        }),
        P(20, { comm: "exim4", root: "/var/spool/exim4" }),
        P(30, { comm: "redis", mapped: [{ path: `${LIB}/libgcrypt.so.20`, deleted: true }] }),
        P(40, {
          comm: "app",
          sameMountNamespace: false,
          mapped: [{ path: `${LIB}/libgnutls.so.30`, deleted: false }],
        }),
      ],
      [
        { proto: "tcp", address: "0.0.0.0", port: 443, inode: 1, uid: 0, pids: [10] },
        { proto: "tcp6", address: "::", port: 25, inode: 2, uid: 0, pids: [20] },
        { proto: "tcp", address: "127.0.0.1", port: 6379, inode: 3, uid: 0, pids: [30] },
        { proto: "udp", address: "0.0.0.0", port: 443, inode: 4, uid: 0, pids: [40] },
      ],
    ),
  );
  assert.equal(a.source, "facts");
  const d = new Map(a.daemons.map((x) => [x.comm, x]));
  const nginx = d.get("nginx");
  assert.equal(nginx?.user, "www-data");
  assert.deepEqual(nginx?.tlsReasons, ["maps libssl.so.3", "listens on 443 (HTTPS)"]);
  assert.deepEqual(nginx?.stale, [
    {
      path: `${LIB}/libssl.so.3`,
      family: "OpenSSL libssl",
      package: "libssl3:amd64",
      packageChangedAt: "2026-01-02T00:00:00.000Z",
    },
    // merged /usr: libc6 lists /lib/…, the maps show /usr/lib/…
    {
      path: `${LIB}/libc.so.6`,
      package: "libc6:amd64",
      packageChangedAt: d.get("nginx")?.stale[1]?.packageChangedAt,
    },
  ]);
  assert.deepEqual(d.get("exim4")?.listens, [
    { proto: "tcp6", address: "::", port: 25, service: "SMTP (STARTTLS)", scheme: "smtp" },
  ]);
  assert.equal(d.get("exim4")?.chrooted, true);
  assert.equal(d.get("exim4")?.tls, true);
  // libgcrypt alone does not make a TLS daemon: no linkage is run for it.
  assert.equal(d.get("redis")?.tls, false);
  assert.equal(d.get("redis")?.linkage, undefined);
  // UDP 443 is not in the port table; libgnutls makes it relevant.
  assert.deepEqual(d.get("app")?.tlsReasons, ["maps libgnutls.so.30"]);
  assert.match(d.get("app")?.linkage?.error ?? "", /another mount namespace/);
  // The snapshot lacks /usr/sbin/d: the linkage could not run, and says so.
  assert.ok(
    a.skipped.some(
      (s) => s.check === "daemons: linkage of exim4 (pid 20)" && /sbin\/d/.test(s.reason),
    ),
    JSON.stringify(a.skipped),
  );
});

test("analyseDaemons live on this host's openssl: the linkage is the elf layer's, shared and kept out of JSON", () => {
  const mapped = [
    { path: `${LIB}/libc.so.6`, deleted: false },
    { path: `${LIB}/libssl.so.3`, deleted: false },
    { path: `${LIB}/libcrypto.so.3`, deleted: false },
    { path: `${LIB}/ossl-modules/legacy.so`, deleted: false },
  ];
  const a = analyseDaemons(
    new HostView("/"),
    facts(
      [P(1, { exe: "/usr/bin/openssl", mapped }), P(2, { exe: "/usr/bin/openssl", mapped })],
      [{ proto: "tcp", address: "127.0.0.1", port: 4433, inode: 9, uid: 0, pids: [1, 2] }],
    ),
  );
  const [one, two] = a.daemons;
  assert.ok(one?.linkage?.analysis);
  assert.equal(one.linkage, two?.linkage);
  assert.equal(one.linkage.error, undefined);
  assert.ok(one.linkage.objects >= 5);
  // legacy.so is not a start-up dependency of openssl: it was dlopen()ed.
  assert.deepEqual(one.linkage.dlopened, [`${LIB}/ossl-modules/legacy.so`]);
  assert.ok(
    one.linkage.analysis.load.objects.some((o) => o.dlopened && o.path.endsWith("legacy.so")),
  );
  assert.ok(!JSON.stringify(a).includes('"analysis"'));
  assert.ok(JSON.stringify(a).length < 10_000);
});

test("analyseDaemons without facts on a sysroot: /proc/net copies give listeners only, else skipped", () => {
  const none = analyseDaemons(new HostView(root({ "etc/hostname": "x\n" })));
  assert.equal(none.source, "none");
  assert.match(none.skipped[0]?.reason ?? "", /not the running host.*tlsdoctor collect/);
  const files = analyseDaemons(
    new HostView(root({ "proc/net/tcp": HDR + listen4("0100007F", 993, 5) })),
  );
  assert.equal(files.source, "files");
  assert.deepEqual(files.listeners, [
    { proto: "tcp", address: "127.0.0.1", port: 993, inode: 5, uid: 0, pids: [] },
  ]);
  assert.equal(files.skipped[0]?.check, "daemons: processes");
});

test("dpkgListOwners matches merged-/usr aliases and reports an unknown path as absent", () => {
  const r = root({
    "var/lib/dpkg/info/a.list": "/lib/x86_64-linux-gnu/libz.so.1\n",
    "var/lib/dpkg/info/b.list": "/usr/lib/x86_64-linux-gnu/libssl.so.3\n",
    "var/lib/dpkg/info/b.md5sums": "/usr/lib/x86_64-linux-gnu/libnope.so\n",
  });
  const o = dpkgListOwners(new HostView(r), [
    "/usr/lib/x86_64-linux-gnu/libz.so.1",
    "/lib/x86_64-linux-gnu/libssl.so.3",
    "/usr/lib/x86_64-linux-gnu/libnope.so",
  ]);
  assert.deepEqual(
    [...o].map(([p, v]) => [p, v.package]),
    [
      ["/usr/lib/x86_64-linux-gnu/libz.so.1", "a"],
      ["/lib/x86_64-linux-gnu/libssl.so.3", "b"],
    ],
  );
});
