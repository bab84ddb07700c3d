// The dpkg status reader: exact fields on a hand-written database, hostile
// input (garbage, binary junk, truncation, duplicates, a huge paragraph),
// this machine's real database against dpkg-query, and version comparison
// against `dpkg --compare-versions` itself.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HostView } from "../core/index.js";
import {
  compareDebianVersions,
  dpkgInstalledTime,
  dpkgPackage,
  parseDpkgStatus,
  readDpkgStatus,
} from "./dpkg.js";

const STATUS = `Package: libc6
Status: install ok installed
Priority: optional
Architecture: amd64
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u4
Description: GNU C Library: Shared libraries
 Contains the standard libraries that are used by nearly all programs on
 the system.
 .
 Package: not-a-package

Package: libc6
Status: install ok installed
Architecture: i386
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u4

Package: linux-image-3.2.0-4-amd64
Status: deinstall ok config-files
Architecture: amd64
Source: linux (3.2.41-2+deb7u2)
Version: 3.2.41-2+deb7u2

Package: openssh-server
Status: install ok unpacked
Architecture: amd64
Version: 1:9.2p1-2+deb12u3
`;

describe("parseDpkgStatus", () => {
  it("keeps the fields tlsdoctor uses, per package and architecture", () => {
    const r = parseDpkgStatus(STATUS);
    assert.deepEqual(r.problems, []);
    assert.equal(r.truncated, false);
    assert.deepEqual(
      r.packages.map((p) => [p.package, p.architecture, p.version, p.state, p.installed]),
      [
        ["libc6", "amd64", "2.36-9+deb12u4", "installed", true],
        ["libc6", "i386", "2.36-9+deb12u4", "installed", true],
        ["linux-image-3.2.0-4-amd64", "amd64", "3.2.41-2+deb7u2", "config-files", false],
        ["openssh-server", "amd64", "1:9.2p1-2+deb12u3", "unpacked", false],
      ],
    );
    const [libc, , old, ssh] = r.packages;
    assert.equal(libc?.source, "glibc");
    assert.equal(libc?.multiArch, "same");
    assert.equal(libc?.line, 1);
    assert.equal(old?.source, "linux", "the (version) suffix is dropped");
    assert.equal(old?.filesPresent, false);
    assert.equal(ssh?.filesPresent, true);
    assert.deepEqual([ssh?.want, ssh?.flag, ssh?.status], ["install", "ok", "install ok unpacked"]);
  });

  it("reads CRLF files and case-insensitive field names", () => {
    const r = parseDpkgStatus(
      "package: zlib1g\r\nSTATUS: install ok installed\r\nversion: 1:1.2.13\r\n",
    );
    assert.deepEqual(r.problems, []);
    assert.equal(r.packages[0]?.version, "1:1.2.13");
  });

  it("skips bad paragraphs and says why, without throwing", () => {
    const text = [
      "Status: install ok installed\nVersion: 1",
      "Package: ../../etc/passwd\nStatus: install ok installed",
      "Package: nostatus\nVersion: 1",
      "Package: badstatus\nStatus: install ok",
      "Package: ok-pkg\nStatus: install ok installed\nArchitecture: amd64",
      "Package: ok-pkg\nStatus: install ok installed\nArchitecture: amd64",
      "garbage line without a colon\nPackage: other\nStatus: install ok installed\nArchitecture: x86/64",
    ].join("\n\n");
    const r = parseDpkgStatus(text);
    assert.deepEqual(
      r.packages.map((p) => `${p.package}:${p.architecture ?? ""}`),
      ["ok-pkg:amd64", "other:"],
    );
    assert.equal(r.problems.length, 7);
    assert.match(r.problems[0] ?? "", /line 1 has no Package field/);
    assert.match(r.problems[1] ?? "", /invalid package name/);
    assert.match(r.problems[2] ?? "", /nostatus .* no valid Status/);
    assert.match(r.problems[3] ?? "", /badstatus/);
    assert.match(r.problems[4] ?? "", /ok-pkg:amd64 listed twice/);
    assert.match(r.problems.join("\n"), /not a field/);
    assert.match(r.problems.join("\n"), /invalid architecture "x86\/64"/);
  });

  it("survives binary junk, truncation and floods, bounded", () => {
    const junk = Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => (i * 131 + 7) % 256));
    const r1 = parseDpkgStatus(junk.toString("latin1"));
    assert.equal(r1.packages.length, 0);
    assert.ok(r1.problems.length <= 51, "problems are capped");
    for (let cut = 0; cut < STATUS.length; cut += 17) {
      const r = parseDpkgStatus(STATUS.slice(0, cut));
      assert.ok(r.packages.length <= 4);
    }
    const many = Array.from(
      { length: 50 },
      (_, i) => `Package: p${i}\nStatus: install ok installed`,
    ).join("\n\n");
    const capped = parseDpkgStatus(many, { maxPackages: 10 });
    assert.equal(capped.packages.length, 10);
    assert.equal(capped.truncated, true);
    const longDesc = `Package: big\nStatus: install ok installed\nDescription: x\n${" y\n".repeat(200_000)}`;
    assert.equal(parseDpkgStatus(longDesc).packages[0]?.package, "big");
  });
});

describe("readDpkgStatus / dpkgPackage / dpkgInstalledTime", () => {
  const root = mkdtempSync(join(tmpdir(), "tlsd-dpkg-"));
  after(() => rmSync(root, { recursive: true, force: true }));

  it("reads a sysroot's database, prefers the native architecture, dates packages", () => {
    mkdirSync(join(root, "var/lib/dpkg/info"), { recursive: true });
    writeFileSync(join(root, "var/lib/dpkg/status"), STATUS);
    writeFileSync(join(root, "var/lib/dpkg/arch"), "amd64\ni386\n");
    writeFileSync(join(root, "var/lib/dpkg/info/libc6:amd64.list"), "/.\n");
    const when = new Date("2023-11-09T10:00:00Z");
    utimesSync(join(root, "var/lib/dpkg/info/libc6:amd64.list"), when, when);
    const view = new HostView(root);
    const db = readDpkgStatus(view);
    assert.equal(db.present, true);
    assert.equal(db.packages.length, 4);
    assert.equal(readDpkgStatus(view), db, "parsed once per view while the file is unchanged");
    const libc = dpkgPackage(view, "libc6");
    assert.equal(libc?.architecture, "amd64");
    assert.equal(dpkgPackage(view, "libc6:i386")?.architecture, "i386");
    assert.equal(dpkgPackage(view, "nosuch"), undefined);
    assert.equal(libc && dpkgInstalledTime(view, libc), when.getTime());
    const ssh = dpkgPackage(view, "openssh-server");
    assert.equal(ssh && dpkgInstalledTime(view, ssh), undefined);
  });

  it("says the database is absent, or unreadable, instead of throwing", () => {
    const empty = mkdtempSync(join(root, "empty-"));
    assert.deepEqual(readDpkgStatus(new HostView(empty)).present, false);
    mkdirSync(join(empty, "var/lib/dpkg/status"), { recursive: true });
    const r = readDpkgStatus(new HostView(empty));
    assert.equal(r.present, false, "a directory is not a status file");
  });

  it("agrees with dpkg-query on this machine's libc6", (t) => {
    const q = spawnSync("dpkg-query", ["-W", "-f=${Version} ${Status}", "libc6"], {
      encoding: "utf8",
    });
    if (q.status !== 0) return t.skip("no dpkg-query here");
    const libc = dpkgPackage(new HostView("/"), "libc6");
    assert.equal(`${libc?.version} ${libc?.status}`, q.stdout.trim());
  });
});

describe("compareDebianVersions", () => {
  const pairs: [string, string][] = [
    ["1.0", "1.0"],
    ["1.0", "1.0-1"],
    ["1.0~rc1", "1.0"],
    ["1.0~~", "1.0~"],
    ["2.36-9+deb12u4", "2.36-9+deb12u13"],
    ["1:9.2p1-2", "9.9p1-1"],
    ["3.2.41-2+deb7u2", "6.1.115-1"],
    ["20210119", "20230311"],
    ["1.0a", "1.0+"],
    ["1.0-0", "1.0"],
    ["0:1.2", "1.2"],
    ["1.2.3", "1.2.03"],
    ["a", "B"],
    ["1.0.", "1.0"],
  ];
  it("orders versions exactly as dpkg --compare-versions", (t) => {
    const probe = spawnSync("dpkg", ["--version"]);
    if (probe.status !== 0) return t.skip("no dpkg here");
    for (const [a, b] of pairs) {
      const lt = spawnSync("dpkg", ["--compare-versions", a, "lt", b]).status === 0;
      const eq = spawnSync("dpkg", ["--compare-versions", a, "eq", b]).status === 0;
      const want = lt ? -1 : eq ? 0 : 1;
      assert.equal(compareDebianVersions(a, b), want, `${a} vs ${b}`);
      assert.equal(compareDebianVersions(b, a), want === 0 ? 0 : -want, `${b} vs ${a}`);
    }
  });
});
