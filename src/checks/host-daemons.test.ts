import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HostView } from "../core/index.js";
import { analyseDaemons, TLS_PORTS, type Daemon, type DaemonAnalysis } from "../host/index.js";
import { parseTarget, SCHEMES } from "../wire/index.js";
import { gcc } from "../test/harness/gcc.js";
import { daemonFindings, daemonSections } from "./host-daemons.js";

const LIB = "/usr/lib/x86_64-linux-gnu";
const D = (pid: number, o: Partial<Daemon>): Daemon => ({
  pid,
  comm: "d",
  exe: "/usr/sbin/d",
  exeDeleted: false,
  argv0: "d",
  root: "/",
  uid: 0,
  sameMountNamespace: true,
  chrooted: false,
  listens: [],
  tls: true,
  tlsReasons: ["maps libssl.so.3"],
  crypto: [],
  stale: [],
  ...o,
});
const analysis = (
  daemons: Daemon[],
  listeners: DaemonAnalysis["listeners"] = [],
): DaemonAnalysis => ({
  source: "facts",
  listeners,
  daemons,
  skipped: [],
  notes: [],
});

test("DAEMON_STALE_LIBRARY: one finding per executable with every pid, the package and the mix of old and new", () => {
  const nginx = (pid: number): Daemon =>
    D(pid, {
      comm: "nginx",
      exe: "/usr/sbin/nginx",
      startedAt: "2025-12-01T00:00:00.000Z",
      listens: [{ proto: "tcp6", address: "::", port: 443, service: "HTTPS", scheme: "https" }],
      crypto: [
        { path: `${LIB}/libssl.so.3`, family: "OpenSSL libssl", deleted: true },
        { path: `${LIB}/libcrypto.so.3`, family: "OpenSSL libcrypto", deleted: false },
      ],
      stale: [
        {
          path: `${LIB}/libssl.so.3`,
          family: "OpenSSL libssl",
          package: "libssl3:amd64",
          packageChangedAt: "2026-01-02T00:00:00.000Z",
        },
      ],
    });
  const f = daemonFindings(analysis([nginx(10), nginx(11)]));
  assert.deepEqual(
    f.map((x) => [x.id, x.severity]),
    [["DAEMON_STALE_LIBRARY", "warning"]],
  );
  const s = f[0];
  assert.equal(s?.title, "nginx (pid 10, 11) still runs a replaced libssl.so.3: restart it");
  assert.match(s?.detail ?? "", /also maps the current libcrypto\.so\.3: old and new code/);
  assert.deepEqual(
    s?.evidence.find((e) => e.label === "mapped, deleted on disk")?.value,
    `${LIB}/libssl.so.3; libssl3:amd64 changed 2026-01-02T00:00:00.000Z, after the process started`,
  );
  assert.equal(s?.evidence.find((e) => e.label === "listens on")?.value, "[::]:443/tcp");
  assert.match(s?.fix ?? "", /systemctl restart/);
});

test("a replaced executable or other library is a notice; a chroot is reported with the audit to run; non-TLS daemons stay quiet", () => {
  const f = daemonFindings(
    analysis([
      D(5, {
        comm: "exim4",
        exe: "/usr/sbin/exim4",
        exeDeleted: true,
        stale: [{ path: `${LIB}/libc.so.6` }],
      }),
      D(6, { comm: "haproxy", root: "/var/lib/haproxy", chrooted: true }),
      D(7, {
        comm: "redis",
        tls: false,
        tlsReasons: [],
        stale: [{ path: `${LIB}/libc.so.6` }],
        exeDeleted: true,
      }),
    ]),
  );
  assert.deepEqual(
    f.map((x) => [x.id, x.severity]),
    [
      ["DAEMON_STALE_PROGRAM", "notice"],
      ["DAEMON_CHROOTED", "info"],
    ],
  );
  assert.equal(
    f[0]?.title,
    "exim4 (pid 5) runs replaced code (its executable exim4, libc.so.6): restart it",
  );
  assert.equal(f[1]?.fix, "Audit the chroot: tlsdoctor chroot --pid 6");
});

test("the table: one row per listener, '?' where no process is known", () => {
  const a = analysis(
    [
      D(10, {
        comm: "nginx",
        crypto: [
          { path: `${LIB}/libssl.so.3`, family: "OpenSSL libssl", deleted: true },
          { path: `${LIB}/libnettle.so.8`, family: "Nettle", deleted: false },
        ],
        stale: [{ path: `${LIB}/libssl.so.3`, family: "OpenSSL libssl" }],
        root: "/srv/jail",
        chrooted: true,
      }),
    ],
    [
      { proto: "tcp", address: "0.0.0.0", port: 443, inode: 1, uid: 0, pids: [10, 11, 12, 13] },
      { proto: "tcp", address: "0.0.0.0", port: 22, inode: 2, uid: 0, pids: [] },
    ],
  );
  const [table] = daemonSections(a);
  assert.ok(table?.kind === "table");
  assert.deepEqual(table.columns, [
    "port",
    "address",
    "process",
    "pid",
    "TLS library",
    "chroot",
    "restart needed",
  ]);
  assert.deepEqual(table.rows, [
    ["22/tcp", "0.0.0.0", "?", "?", "?", "?", "?"],
    [
      "443/tcp",
      "0.0.0.0",
      "nginx",
      "10, 11, 12 … (4 in all)",
      "libssl.so.3",
      "/srv/jail",
      "yes: libssl.so.3 deleted",
    ],
  ]);
});

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "tlsd-check-daemons-"));
  gcc(
    dir,
    "libdummy.so.1",
    "void *EVP_CIPHER_CTX_new(void) { return 0; } int dummy(void) { return 0; }",
    ["-shared", "-fPIC", "-Wl,-soname,libdummy.so.1"],
  );
  gcc(
    dir,
    "server",
    "void *SSL_CTX_new(const void *); const void *TLS_method(void); int dummy(void); int main(void) { return dummy() + (SSL_CTX_new(TLS_method()) == 0); }",
    [`-L${dir}`, "-l:libdummy.so.1", `${LIB}/libssl.so.3`, `-Wl,-rpath,${dir}`],
  );
});
after(() => rmSync(dir, { recursive: true, force: true }));

test("a daemon's linkage findings come from the elf layer, once per executable, naming the daemon", () => {
  const exe = join(dir, "server");
  const mapped = [
    { path: join(dir, "libdummy.so.1"), deleted: false },
    { path: `${LIB}/libssl.so.3`, deleted: false },
  ];
  const a = analyseDaemons(new HostView("/"), {
    version: 1,
    gatheredAt: "2026-01-01T00:00:00.000Z",
    byteOrder: "le",
    euid: 0,
    listeners: [{ proto: "tcp", address: "127.0.0.1", port: 8443, inode: 1, uid: 0, pids: [1, 2] }],
    processes: [1, 2].map((pid) => ({
      pid,
      comm: "server",
      exe,
      exeDeleted: false,
      argv0: exe,
      root: "/",
      sameMountNamespace: true,
      mapped,
    })),
    skipped: [],
    notes: [],
  });
  const f = daemonFindings(a).filter((x) => x.id === "ELF_FOREIGN_INTERPOSITION");
  assert.equal(f.length, 1);
  assert.equal(f[0]?.severity, "error");
  assert.deepEqual(f[0]?.evidence[0], {
    label: "daemon",
    value: "server (pid 1, 2) on 127.0.0.1:8443/tcp",
  });
  assert.ok(
    f[0]?.evidence.some(
      (e) => e.label.startsWith("EVP_CIPHER_CTX_new") && e.value.includes("libdummy.so.1"),
    ),
  );
});

test("every TLS port's scheme is one probe understands; where wire knows the port, they agree", () => {
  const defaults = new Set<number>(Object.values(SCHEMES).map((x) => x.port));
  for (const [port, { scheme }] of Object.entries(TLS_PORTS)) {
    assert.ok(scheme in SCHEMES, `${port}: ${scheme}`);
    assert.equal(parseTarget(`${scheme}://127.0.0.1:${port}`).port, Number(port));
    if (defaults.has(Number(port)))
      assert.equal(
        SCHEMES[scheme as keyof typeof SCHEMES].port,
        Number(port),
        `${port}: ${scheme}`,
      );
  }
});
