// seeds/003 as a snapshot built here: a Debian 12 droplet that still boots
// the provider's 3.2.0-4-amd64 while 6.1 and 5.10 are installed, glibc 2.36
// (this machine's real libc.so.6), and an sshd (built by gcc) that imports
// arc4random. Then the same host with the live facts collect would have
// recorded there, a kernel too old for glibc, and this machine live.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { HostView, type Finding } from "../core/index.js";
import { findLibc, gatherKernelLive, type KernelLiveFacts } from "../host/index.js";
import { gcc } from "../test/harness/gcc.js";
import { analyseHostKernel, hostKernelFindings, hostKernelSkipped } from "./host-kernel.js";
import { hostKernelSections } from "./host-kernel-sections.js";

const SSHD = `#include <stdlib.h>
#include <stdint.h>
int main(void) { uint8_t cookie[16]; arc4random_buf(cookie, sizeof cookie); return (int)arc4random() & 1; }
`;
const K61 = "6.1.0-27-amd64";
const K510 = "5.10.0-28-amd64";
const pkg = (name: string, version: string, state = "installed"): string =>
  `Package: ${name}\nStatus: ${state === "config-files" ? "deinstall" : "install"} ok ${state}\nPriority: optional\nArchitecture: amd64\nVersion: ${version}\nDescription: x\n more\n`;

const top = mkdtempSync(join(tmpdir(), "tlsd-seed003-"));
after(() => rmSync(top, { recursive: true, force: true }));
let sshd = "";
before(() => {
  sshd = gcc(top, "sshd", SSHD);
});

/** The droplet's files as `collect` would capture them (no /dev nodes). */
function droplet(name: string, osrelease = "3.2.0-4-amd64"): HostView {
  const root = join(top, name);
  const files: Record<string, string> = {
    "proc/sys/kernel/osrelease": `${osrelease}\n`,
    "proc/version": `Linux version ${osrelease} (debian-kernel@lists.debian.org) (gcc version 4.6.3 (Debian 4.6.3-14) ) #1 SMP Debian 3.2.41-2+deb7u2\n`,
    "proc/cmdline": "root=LABEL=DOROOT ro console=ttyS0\n",
    "proc/stat": `cpu  10 0 10 100\nbtime ${Date.parse("2023-10-20T08:00:00Z") / 1000}\n`,
    "proc/sys/fs/file-nr": "1184\t0\t201378\n",
    [`boot/vmlinuz-${K61}`]: "kernel image",
    [`boot/vmlinuz-${K510}`]: "kernel image",
    [`boot/initrd.img-${K61}`]: "initrd",
    "boot/grub/grub.cfg": [K61, K510]
      .map(
        (r) =>
          `menuentry 'Debian GNU/Linux, with Linux ${r}' {\n\tlinux\t/boot/vmlinuz-${r} root=LABEL=DOROOT ro\n}\n`,
      )
      .join(""),
    "etc/default/grub": "GRUB_DEFAULT=0\n",
    "var/lib/dpkg/status": [
      pkg(`linux-image-${K61}`, "6.1.115-1"),
      pkg(`linux-image-${K510}`, "5.10.209-2"),
      pkg("linux-image-amd64", "6.1.115-1"),
      pkg("linux-image-3.2.0-4-amd64", "3.2.41-2+deb7u2", "config-files"),
      pkg("libc6", "2.36-9+deb12u4"),
      pkg("openssh-server", "1:9.2p1-2+deb12u1"),
      pkg("ca-certificates", "20230311"),
    ].join("\n"),
    [`var/lib/dpkg/info/linux-image-${K61}.list`]: `/boot/vmlinuz-${K61}\n`,
  };
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), content);
  }
  const installed = new Date("2023-11-09T09:30:00Z");
  utimesSync(join(root, `var/lib/dpkg/info/linux-image-${K61}.list`), installed, installed);
  for (const r of [K61, K510])
    mkdirSync(join(root, "lib/modules", r, "kernel"), { recursive: true });
  mkdirSync(join(root, "lib/x86_64-linux-gnu"), { recursive: true });
  copyFileSync(
    findLibc(new HostView("/"))?.path ?? "",
    join(root, "lib/x86_64-linux-gnu/libc.so.6"),
  );
  mkdirSync(join(root, "usr/sbin"), { recursive: true });
  copyFileSync(sshd, join(root, "usr/sbin/sshd"));
  return new HostView(root);
}

const byId = (fs: readonly Finding[], id: string): Finding | undefined =>
  fs.find((f) => f.id === id);

describe("seeds/003 snapshot", () => {
  it("finds the unbooted 6.1 kernel, the provider's 3.2, and sshd's arc4random abort", () => {
    const a = analyseHostKernel(droplet("snapshot"));
    const findings = hostKernelFindings(a);
    assert.deepEqual(
      findings.map((f) => [f.id, f.severity]),
      [
        ["KERNEL_NOT_BOOTED_LATEST", "error"],
        ["GETRANDOM_UNAVAILABLE", "critical"],
      ],
    );
    const k = byId(findings, "KERNEL_NOT_BOOTED_LATEST");
    assert.equal(
      k?.title,
      "Running kernel 3.2.0-4-amd64 is older than the installed 6.1.0-27-amd64",
    );
    assert.match(
      k?.detail ?? "",
      /not booted from this system's disk but by the hypervisor or the hosting provider/,
    );
    assert.match(k?.detail ?? "", /no BOOT_IMAGE=/);
    assert.match(
      k?.detail ?? "",
      /installed at 2023-11-09T09:30:00Z, after the last boot at 2023-10-20T08:00:00Z/,
    );
    assert.match(k?.fix ?? "", /DigitalOcean: Kernel → GrubLoader/);
    assert.match(k?.fix ?? "", /Reboot into 6\.1\.0-27-amd64/);
    const ev = Object.fromEntries(k?.evidence.map((e) => [e.label, e.value]) ?? []);
    assert.equal(ev["running"], "3.2.0-4-amd64 (#1 SMP Debian 3.2.41-2+deb7u2)");
    assert.equal(
      ev["newest installed"],
      `${K61} (linux-image-${K61} 6.1.115-1), installed 2023-11-09T09:30:00Z`,
    );
    assert.equal(ev["GRUB default"], `0 → "Debian GNU/Linux, with Linux ${K61}" (${K61})`);

    const g = byId(findings, "GETRANDOM_UNAVAILABLE");
    assert.equal(
      g?.title,
      "No getrandom(2) on kernel 3.2.0-4-amd64: glibc 2.36 arc4random will abort sshd",
    );
    assert.match(g?.detail ?? "", /Fatal glibc error: cannot get entropy for arc4random/);
    assert.match(g?.detail ?? "", /\/usr\/sbin\/sshd calls arc4random in its pre-auth child/);
    assert.match(g?.fix ?? "", /^Boot 6\.1\.0-27-amd64, which is installed and has getrandom/);
    assert.deepEqual(
      g?.evidence.find((e) => e.label === "/usr/sbin/sshd")?.value,
      "arc4random@GLIBC_2.36, arc4random_buf@GLIBC_2.36",
    );
    assert.equal(
      byId(findings, "KERNEL_TOO_OLD_FOR_GLIBC"),
      undefined,
      "3.2.0 meets glibc 2.36's ABI tag",
    );

    assert.deepEqual(
      hostKernelSkipped(a).map((s) => s.check),
      ["/dev/urandom", "daemon descriptor limits"],
    );
    const sections = hostKernelSections(a);
    assert.deepEqual(
      sections.map((s) => s.title),
      [
        "Kernel",
        "Installed kernels",
        "glibc and randomness",
        "File descriptor limits",
        "Kernel checks: notes",
      ],
    );
    const table = sections[1];
    assert.ok(table?.kind === "table");
    assert.deepEqual(
      table.rows.map((r) => r[0]),
      [K61, K510, "3.2.0-4-amd64 (running)"],
    );
  });

  it("with the live facts collect recorded on the droplet: the pre-auth child's limit of 1", () => {
    const live: KernelLiveFacts = {
      collectedAt: "2023-11-09T12:00:00Z",
      uname: {
        sysname: "Linux",
        release: "3.2.0-4-amd64",
        version: "#1 SMP Debian 3.2.41-2+deb7u2",
        machine: "x86_64",
      },
      bootTimeMs: Date.parse("2023-10-20T08:00:00Z"),
      cmdline: "root=LABEL=DOROOT ro console=ttyS0",
      getrandom: { result: "ENOSYS", syscall: 318, errno: 38 },
      urandom: { path: "/dev/urandom", kind: "char", major: 1, minor: 9, usable: true },
      random: { path: "/dev/random", kind: "char", major: 1, minor: 8, usable: true },
      limits: {
        self: { pid: 2001, comm: "self", nofile: { soft: 1024, hard: 524288 }, openFds: 21 },
        daemons: [
          {
            pid: 1402,
            comm: "sshd",
            command: "sshd: /usr/sbin/sshd -D [listener]",
            nofile: { soft: 1024, hard: 524288 },
            openFds: 7,
          },
          {
            pid: 1640,
            comm: "sshd",
            command: "sshd: [net]",
            nofile: { soft: 1, hard: 1 },
            openFds: 6,
          },
          {
            pid: 880,
            comm: "master",
            command: "/usr/lib/postfix/sbin/master",
            nofile: { soft: 1024, hard: 1024 },
            openFds: 1000,
          },
        ],
        daemonsTruncated: false,
        fileNr: [1184, 0, 201378],
        nrOpen: 1048576,
        errors: [],
      },
      errors: [],
    };
    const a = analyseHostKernel(
      droplet("live"),
      JSON.parse(JSON.stringify(live)) as KernelLiveFacts,
    );
    const findings = hostKernelFindings(a);
    assert.deepEqual(
      findings.map((f) => [f.id, f.severity]),
      [
        ["KERNEL_NOT_BOOTED_LATEST", "error"],
        ["GETRANDOM_UNAVAILABLE", "critical"],
        ["LIMIT_NOFILE_NEAR", "warning"],
      ],
    );
    const g = byId(findings, "GETRANDOM_UNAVAILABLE");
    assert.equal(a.libc.getrandom.source, "probe");
    assert.equal(
      g?.evidence.find((e) => e.label === "sshd (pid 1640)")?.value,
      "6 descriptors open, RLIMIT_NOFILE 1",
    );
    assert.equal(
      g?.evidence.find((e) => e.label === "/dev/urandom")?.value,
      "/dev/urandom is the character device 1:9 and reads",
    );
    const l = byId(findings, "LIMIT_NOFILE_NEAR");
    assert.equal(l?.title, "master (pid 880) has 1000 of 1024 file descriptors open");
    assert.deepEqual(hostKernelSkipped(a), []);
    const daemons = hostKernelSections(a).find((s) => s.title === "TLS daemons' descriptors");
    assert.ok(daemons?.kind === "table");
    assert.deepEqual(
      daemons.rows.map((r) => r.at(-1)),
      ["ok", "sandboxed", "near"],
    );
  });

  it("refuses malformed live facts from a hand-edited facts.json and uses the files", () => {
    for (const bad of [
      null,
      "kernel",
      { uname: { release: 3 } },
      {
        uname: { sysname: "Linux", release: "6.1.0", version: "#1", machine: "x86_64" },
        getrandom: { result: "maybe" },
      },
    ]) {
      const a = analyseHostKernel(droplet(`bad${String(Math.random()).slice(2, 8)}`), bad);
      assert.match(a.factsRefused ?? "", /./);
      assert.equal(a.kernel.running.source, "/proc/sys/kernel/osrelease");
      assert.equal(hostKernelSkipped(a)[0]?.check, "live facts");
      assert.deepEqual(
        hostKernelFindings(a).map((f) => f.id),
        ["KERNEL_NOT_BOOTED_LATEST", "GETRANDOM_UNAVAILABLE"],
      );
    }
  });

  it("a kernel older than glibc's ABI tag is critical on its own", () => {
    const findings = hostKernelFindings(analyseHostKernel(droplet("ancient", "2.6.32-5-amd64")));
    const t = byId(findings, "KERNEL_TOO_OLD_FOR_GLIBC");
    assert.equal(t?.severity, "critical");
    assert.equal(
      t?.title,
      "Kernel 2.6.32-5-amd64 is older than 3.2.0, the minimum glibc 2.36 was built for",
    );
    assert.match(t?.fix ?? "", /Boot 6\.1\.0-27-amd64, which is installed/);
  });

  it("booted into 6.1 after the fix: nothing to report", () => {
    const findings = hostKernelFindings(analyseHostKernel(droplet("fixed", K61)));
    assert.deepEqual(findings, []);
  });
});

describe("this machine, live", () => {
  it("runs every check and reports its facts", () => {
    const live = gatherKernelLive();
    const a = analyseHostKernel(new HostView("/"), live);
    const findings = hostKernelFindings(a);
    assert.equal(byId(findings, "GETRANDOM_UNAVAILABLE"), undefined, "getrandom works here");
    assert.equal(byId(findings, "KERNEL_TOO_OLD_FOR_GLIBC"), undefined);
    assert.equal(byId(findings, "ENTROPY_DEVICE_MISSING"), undefined);
    assert.equal(a.kernel.running.release, live.uname.release);
    assert.equal(a.libc.getrandom.source, "probe");
    const sections = hostKernelSections(a);
    const glibc = sections.find((s) => s.title === "glibc and randomness");
    assert.ok(glibc?.kind === "fields");
    assert.equal(glibc.fields.find((f) => f.label === "getrandom")?.tone, "good");
    assert.equal(glibc.fields.find((f) => f.label === "/dev/urandom")?.tone, "good");
  });
});
