// The chroot audit's parsers and static analysis, on files built by the test.
// The real getaddrinfo inside a chroot is in test/integration/chroot.test.ts.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { HostView } from "../core/index.js";
import { gcc } from "../test/harness/gcc.js";
import {
  analyseChroot,
  findLibcVersion,
  HOSTS_DEFAULT,
  hostsNames,
  libcVersionAt,
  nssLibraryDirs,
  parseKrb5DefaultRealm,
  parseNsswitch,
  parseResolvConf,
  predictHostsLookup,
  type ChrootLiveFacts,
} from "./chroot.js";

let dir: string;
let logServer: Server;
const put = (rel: string, text: string | Uint8Array): void => {
  mkdirSync(join(dir, rel, ".."), { recursive: true });
  writeFileSync(join(dir, rel), text);
};
const mknod = (rel: string, major: number, minor: number): void => {
  const r = spawnSync("mknod", [join(dir, rel), "c", String(major), String(minor)]);
  assert.equal(r.status, 0, String(r.stderr));
};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "tlsd-chroot-unit-"));
  mkdirSync(join(dir, "dev"));
  logServer = createServer();
  await new Promise<void>((res) => logServer.listen(join(dir, "dev/log"), res));
});
after(() => {
  logServer.close();
  rmSync(dir, { recursive: true, force: true });
});

test("parseResolvConf: nameservers as glibc keeps them (MAXNS 3, valid addresses only)", () => {
  const r = parseResolvConf(
    [
      "# comment",
      "; also a comment",
      "nameserver 10.0.0.1",
      "nameserver fe80::1%eth0",
      "nameserver not-an-ip",
      "nameserver 10.0.0.2",
      "nameserver 10.0.0.3",
      "domain a.example",
      "search b.example c.example",
      "options ndots:2 timeout:1",
      "frobnicate yes",
    ].join("\n"),
  );
  assert.deepEqual(r.nameservers, ["10.0.0.1", "fe80::1%eth0", "10.0.0.2"]);
  assert.deepEqual(r.search, ["b.example", "c.example"]);
  assert.deepEqual(r.options, ["ndots:2", "timeout:1"]);
  assert.equal(r.problems.length, 3);
  assert.match(
    r.problems.join("\n"),
    /not-an-ip.*ignored[\s\S]*10\.0\.0\.3 beyond the first 3[\s\S]*frobnicate/,
  );
});

test("parseNsswitch: services, [STATUS=action] groups, comments; the last line of a database wins", () => {
  const n = parseNsswitch(
    [
      "passwd: files systemd # trailing comment",
      "hosts: dns",
      "hosts:      files mdns4_minimal [NOTFOUND=return] dns [ !UNAVAIL=return  TRYAGAIN=continue ] myhostname",
      "garbage line",
      "group: [SUCCESS=merge] files",
      "netgroup: nis [unclosed",
    ].join("\n"),
  );
  // glibc 2.36, measured: with "hosts: dns" then "hosts: files" in a chroot whose
  // /etc/hosts has the name, getaddrinfo resolves; in the other order it fails.
  assert.deepEqual(n.databases.hosts, [
    { name: "files", actions: "" },
    { name: "mdns4_minimal", actions: "[NOTFOUND=return]" },
    { name: "dns", actions: "[ !UNAVAIL=return TRYAGAIN=continue ]" },
    { name: "myhostname", actions: "" },
  ]);
  assert.deepEqual(
    n.databases.passwd?.map((s) => s.name),
    ["files", "systemd"],
  );
  assert.match(n.problems.join("\n"), /line 3: a second "hosts" line/);
  assert.match(n.problems.join("\n"), /line 4: not "database: services"/);
  assert.match(n.problems.join("\n"), /line 5: \[SUCCESS=merge\] before any service/);
  assert.match(n.problems.join("\n"), /line 6: unclosed/);
  assert.equal(Object.getPrototypeOf(n.databases), null);
  const proto = parseNsswitch("__proto__: files\nconstructor: dns").databases;
  assert.equal(proto["constructor"]?.[0]?.name, "dns");
  assert.equal(proto["__proto__"]?.[0]?.name, "files");
});

test("parsers survive binary junk and never throw", () => {
  for (let i = 0; i < 50; i++) {
    const junk = randomBytes(2000).toString("latin1");
    parseResolvConf(junk);
    parseNsswitch(junk);
    hostsNames(junk);
    parseKrb5DefaultRealm(junk);
  }
});

test("hostsNames and parseKrb5DefaultRealm", () => {
  const h = hostsNames(
    "127.0.0.1 localhost\n# 10.0.0.9 commented\n::1 ip6-localhost Web.Example web\nbogus name\n",
  );
  assert.deepEqual([...h].sort(), ["ip6-localhost", "localhost", "web", "web.example"]);
  assert.equal(
    parseKrb5DefaultRealm(
      "[realms]\ndefault_realm = NOT.THIS\n[libdefaults]\n  default_realm = EXAMPLE.ORG ; x\n",
    ),
    "EXAMPLE.ORG",
  );
  assert.equal(parseKrb5DefaultRealm("[libdefaults]\n dns_lookup_realm = false\n"), undefined);
});

test("predictHostsLookup walks the hosts line as glibc does", () => {
  const found = (): boolean => true;
  // seeds/004: no nsswitch.conf, no resolv.conf, no hosts.
  const empty = predictHostsLookup({
    services: HOSTS_DEFAULT,
    hostsFile: "missing",
    nameservers: [],
    moduleFound: found,
  });
  assert.equal(empty.verdict, "fails");
  assert.equal(empty.steps.length, 2);
  // The default line falls through to files when DNS is unreachable (measured in the integration test).
  assert.equal(
    predictHostsLookup({
      services: HOSTS_DEFAULT,
      hostsFile: "has-name",
      nameservers: [],
      moduleFound: found,
    }).verdict,
    "resolves",
  );
  // With a name server, dns may answer NOTFOUND: [!UNAVAIL=return] then ends the lookup before files.
  assert.equal(
    predictHostsLookup({
      services: HOSTS_DEFAULT,
      hostsFile: "has-name",
      nameservers: ["10.0.0.1"],
      moduleFound: found,
    }).verdict,
    "depends",
  );
  const line = parseNsswitch("hosts: files [NOTFOUND=return] dns").databases.hosts ?? [];
  assert.equal(
    predictHostsLookup({
      services: line,
      hostsFile: "lacks-name",
      nameservers: ["10.0.0.1"],
      moduleFound: found,
    }).verdict,
    "fails",
  );
  const mh = parseNsswitch("hosts: files myhostname").databases.hosts ?? [];
  assert.equal(
    predictHostsLookup({ services: mh, hostsFile: "missing", nameservers: [], moduleFound: found })
      .verdict,
    "resolves",
  );
  const gone = predictHostsLookup({
    services: mh,
    hostsFile: "missing",
    nameservers: [],
    moduleFound: (s) => s !== "myhostname",
  });
  assert.equal(gone.verdict, "fails");
  assert.match(gone.steps.join("\n"), /libnss_myhostname\.so\.2 is not in the chroot/);
});

test("libcVersionAt: the release banner of the host's libc; else the highest GLIBC_ verdef", () => {
  const host = findLibcVersion(new HostView("/"));
  assert.ok(host, "the host has a libc.so.6");
  assert.equal(host.source, "release-string");
  const ldd = spawnSync("ldd", ["--version"], { encoding: "utf8" }).stdout;
  assert.match(
    ldd,
    new RegExp(`\\b${host.version.replace(".", "\\.")}\\b`),
    "agrees with ldd --version",
  );
  // A library with glibc-style version nodes but no banner.
  writeFileSync(
    join(dir, "v.map"),
    "GLIBC_2.3 { global: a; local: *; };\nGLIBC_2.34 { global: b; } GLIBC_2.3;\nGLIBC_PRIVATE { global: c; } GLIBC_2.34;\n",
  );
  gcc(dir, "libfake.so", "int a(void){return 1;} int b(void){return 2;} int c(void){return 3;}", [
    "-shared",
    "-fPIC",
    `-Wl,--version-script=${join(dir, "v.map")}`,
  ]);
  assert.deepEqual(libcVersionAt(new HostView("/"), join(dir, "libfake.so")), {
    version: "2.34",
    path: join(dir, "libfake.so"),
    source: "verdef",
  });
  assert.equal(libcVersionAt(new HostView("/"), join(dir, "missing.so")), undefined);
  put("junk.so", randomBytes(4096));
  assert.equal(libcVersionAt(new HostView(dir), "/junk.so"), undefined);
});

test("analyseChroot without live facts: every file, device and module as found", () => {
  put("etc/hostname", "jail-host\n");
  put("etc/hosts", "127.0.0.1 localhost\n127.0.1.1 jail-host\n");
  put("etc/nsswitch.conf", "hosts: files tlsdmissing dns\npasswd: files tlsdbroken\n");
  symlinkSync("../run/systemd/resolve/stub-resolv.conf", join(dir, "etc/resolv.conf"));
  put("etc/krb5.conf", "[libdefaults]\n default_realm = JAIL.EXAMPLE\n");
  put("etc/localtime", "TZif2\0\0\0");
  put(
    "etc/ssl/certs/ca-certificates.crt",
    "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\ny\n-----END CERTIFICATE-----\n",
  );
  put("etc/ssl/certs/0123abcd.0", "x");
  mknod("dev/urandom", 1, 9);
  // An NSS module in the chroot whose own dependency is not there.
  const lib = nssLibraryDirs()[0] ?? "/lib";
  mkdirSync(join(dir, lib), { recursive: true });
  gcc(dir, "libtlsddep.so.1", "int dep(void){return 0;}", [
    "-shared",
    "-fPIC",
    "-Wl,-soname,libtlsddep.so.1",
  ]);
  gcc(dir, `${lib.slice(1)}/libnss_tlsdbroken.so.2`, "int dep(void); int x(void){return dep();}", [
    "-shared",
    "-fPIC",
    `-L${dir}`,
    "-l:libtlsddep.so.1",
  ]);

  const a = analyseChroot(new HostView(dir));
  assert.equal(a.dir, dir);
  assert.deepEqual([a.hostname, a.hostnameSource], ["jail-host", "etc/hostname"]);
  assert.equal(a.hostsHasName, true);
  const byPath = new Map(a.files.map((f) => [f.path, f]));
  assert.deepEqual(byPath.get("/etc/resolv.conf"), {
    path: "/etc/resolv.conf",
    state: "dangling",
    target: "../run/systemd/resolve/stub-resolv.conf",
  });
  assert.equal(byPath.get("/etc/nsswitch.conf")?.state, "present");
  assert.equal(a.krb5.defaultRealm, "JAIL.EXAMPLE");
  assert.equal(a.localtime.tzif, true);
  assert.deepEqual(
    [a.caBundle.path, a.caBundle.certificates, a.caBundle.hashLinks],
    ["/etc/ssl/certs/ca-certificates.crt", 2, 1],
  );
  assert.deepEqual(a.urandom, { path: "/dev/urandom", state: "ok", device: "1:9" });
  assert.equal(a.devLog.state, "ok");
  // No libc in the chroot and no live facts: the version is unknown, and that is said.
  assert.equal(a.glibc, undefined);
  assert.ok(a.skipped.some((s) => s.check === "glibc-version"));
  const mod = new Map(a.nssModules.map((m) => [m.service, m]));
  assert.equal(mod.get("tlsdmissing")?.found, undefined);
  assert.deepEqual(mod.get("tlsdmissing")?.databases, ["hosts"]);
  assert.equal(mod.get("tlsdbroken")?.found, `${lib}/libnss_tlsdbroken.so.2`);
  assert.deepEqual(mod.get("tlsdbroken")?.missingDeps, ["libtlsddep.so.1"]);
  assert.equal(a.prediction.verdict, "resolves");
  assert.equal(a.inside, undefined);
});

test("analyseChroot: a regular file or the wrong device at /dev/urandom, a file at /dev/log", () => {
  const d2 = mkdtempSync(join(tmpdir(), "tlsd-chroot-unit2-"));
  try {
    mkdirSync(join(d2, "dev"));
    writeFileSync(join(d2, "dev/urandom"), "not random at all");
    writeFileSync(join(d2, "dev/log"), "");
    const a = analyseChroot(new HostView(d2));
    assert.equal(a.urandom.state, "regular-file");
    assert.equal(a.devLog.state, "not-a-socket");
    rmSync(join(d2, "dev/urandom"));
    spawnSync("mknod", [join(d2, "dev/urandom"), "c", "1", "3"]);
    const b = analyseChroot(new HostView(d2));
    assert.deepEqual([b.urandom.state, b.urandom.device], ["wrong-device", "1:3"]);
    // Everything else missing: glibc's default hosts line, and the files predict failure.
    assert.equal(b.hostsLine.source, "glibc's default: no hosts line");
    assert.equal(b.prediction.verdict, "fails");
    // A huge nsswitch.conf is not read whole: it is "unreadable", not a crash.
    mkdirSync(join(d2, "etc"));
    writeFileSync(join(d2, "etc/nsswitch.conf"), Buffer.alloc(2 * 1024 * 1024, 0x61));
    assert.equal(
      analyseChroot(new HostView(d2)).files.find((f) => f.path === "/etc/nsswitch.conf")?.state,
      "unreadable",
    );
  } finally {
    rmSync(d2, { recursive: true, force: true });
  }
});

test("analyseChroot with live facts: the live name, glibc and host modules are used", () => {
  const live: ChrootLiveFacts = {
    dir,
    hostname: "jail-host",
    euid: 0,
    glibc: { version: "2.31", path: "/lib/x86_64-linux-gnu/libc.so.6", source: "release-string" },
    hostNssModules: ["libnss_files.so.2"],
    skipped: [],
  };
  const a = analyseChroot(new HostView(dir), live);
  assert.equal(a.hostnameSource, "live");
  assert.equal(a.glibc?.from, "live");
  // glibc 2.31 has no built-in files/dns: the chroot needs libnss_files.so.2 and libnss_dns.so.2.
  const files = a.nssModules.find((m) => m.service === "files");
  assert.deepEqual([files?.builtin, files?.found, files?.onHost], [false, undefined, true]);
  assert.equal(a.nssModules.find((m) => m.service === "tlsdmissing")?.onHost, false);
  assert.equal(a.prediction.verdict, "fails");
});
