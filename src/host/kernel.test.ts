// The running kernel against the installed ones, on sysroots built here:
// release ordering, where the running release comes from, what counts as
// installed, and each reason for not running the newest (provider kernel,
// GRUB's default, stale grub.cfg, no reboot, containers), plus FIPS.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { HostView } from "../core/index.js";
import {
  analyseKernel,
  compareKernelReleases,
  compareKernelVersions,
  installedKernels,
  kernelAtLeast,
  parseKernelRelease,
  runningKernel,
  type KernelBootFacts,
} from "./kernel.js";

const top = mkdtempSync(join(tmpdir(), "tlsd-kernel-"));
after(() => rmSync(top, { recursive: true, force: true }));
let n = 0;

/** A sysroot from path → content; a directory when the path ends in "/"; `mtimes` in ISO. */
function sysroot(files: Record<string, string>, mtimes: Record<string, string> = {}): HostView {
  const root = join(top, String(n++));
  for (const [p, content] of Object.entries(files)) {
    const full = join(root, p);
    if (p.endsWith("/")) mkdirSync(full, { recursive: true });
    else {
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
    }
  }
  for (const [p, iso] of Object.entries(mtimes))
    utimesSync(join(root, p), new Date(iso), new Date(iso));
  return new HostView(root);
}

const pkg = (name: string, version: string, state = "installed"): string =>
  `Package: ${name}\nStatus: ${state === "config-files" ? "deinstall" : "install"} ok ${state}\nArchitecture: amd64\nVersion: ${version}\n`;
const K61 = "6.1.0-27-amd64";
const K510 = "5.10.0-28-amd64";
const grub = (def: string, releases: string[]): string =>
  `set default="${def}"\n` +
  releases
    .map(
      (r) =>
        `menuentry 'Debian GNU/Linux, with Linux ${r}' {\n\tlinux /boot/vmlinuz-${r} ro quiet\n}\n`,
    )
    .join("");

/** Debian with 6.1 and 5.10 installed; `extra` adds or overrides files. */
function debian(extra: Record<string, string>, mtimes: Record<string, string> = {}): HostView {
  return sysroot(
    {
      [`boot/vmlinuz-${K61}`]: "k",
      [`boot/vmlinuz-${K510}`]: "k",
      [`boot/vmlinuz-${K510}.old`]: "backup, not a kernel",
      [`lib/modules/${K61}/`]: "",
      [`lib/modules/${K510}/`]: "",
      "var/lib/dpkg/status": [
        pkg(`linux-image-${K61}`, "6.1.115-1"),
        pkg(`linux-image-${K510}`, "5.10.209-2"),
        pkg("linux-image-amd64", "6.1.115-1"),
        pkg(`linux-image-${K61}-dbg`, "6.1.115-1"),
        pkg("linux-image-3.2.0-4-amd64", "3.2.41-2+deb7u2", "config-files"),
      ].join("\n"),
      [`var/lib/dpkg/info/linux-image-${K61}.list`]: "/.\n",
      ...extra,
    },
    { [`var/lib/dpkg/info/linux-image-${K61}.list`]: "2023-11-09T09:00:00Z", ...mtimes },
  );
}

describe("kernel releases", () => {
  it("orders releases like dpkg orders their versions", () => {
    const sorted = [
      "6.1.0-27-amd64",
      "3.2.0-4-amd64",
      "6.8.0-rc3",
      "5.10.0-28-amd64",
      "6.1.0-9-amd64",
      "6.8.0",
      "2.6.32-042stab120.11",
      "4.19.0-0.bpo.9-amd64",
    ].sort(compareKernelReleases);
    assert.deepEqual(sorted, [
      "2.6.32-042stab120.11",
      "3.2.0-4-amd64",
      "4.19.0-0.bpo.9-amd64",
      "5.10.0-28-amd64",
      "6.1.0-9-amd64",
      "6.1.0-27-amd64",
      "6.8.0-rc3",
      "6.8.0",
    ]);
    assert.ok(
      compareKernelReleases("5.15.0-91-generic", "5.15.0-101-generic") < 0,
      "numeric, not lexical",
    );
    assert.ok(compareKernelReleases("4.18.0-80.el8.x86_64", "4.18.0-513.5.1.el8_9.x86_64") < 0);
    assert.equal(
      compareKernelVersions("6.1.0-27-amd64", "6.1.0-27-cloud-amd64"),
      0,
      "flavours are the same version",
    );
    assert.notEqual(
      compareKernelReleases("6.1.0-27-amd64", "6.1.0-27-cloud-amd64"),
      0,
      "but a total order",
    );
  });

  it("splits version and flavour", () => {
    assert.deepEqual(parseKernelRelease("3.2.0-4-amd64"), {
      version: "3.2.0-4",
      flavour: "amd64",
      numbers: [3, 2, 0],
    });
    assert.deepEqual(parseKernelRelease("3.14.32-xxxx-grs-ipv6-64"), {
      version: "3.14.32",
      flavour: "xxxx-grs-ipv6-64",
      numbers: [3, 14, 32],
    });
    assert.deepEqual(parseKernelRelease("6.8-rc3-foo").numbers, [6, 8, 0]);
    assert.equal(parseKernelRelease("garbage").numbers, undefined);
    assert.equal(kernelAtLeast("3.2.0-4-amd64", [3, 17, 0]), false);
    assert.equal(kernelAtLeast("3.17.0", [3, 17, 0]), true);
    assert.equal(kernelAtLeast("4.1.0", [3, 17, 0]), true);
    assert.equal(kernelAtLeast("x", [3, 17, 0]), undefined);
  });
});

describe("runningKernel", () => {
  it("prefers live facts, then osrelease, then /proc/version", () => {
    const procVersion =
      "Linux version 3.2.0-4-amd64 (debian-kernel@lists.debian.org) (gcc version 4.6.3 (Debian 4.6.3-14) ) #1 SMP Debian 3.2.41-2+deb7u2\n";
    const both = sysroot({
      "proc/sys/kernel/osrelease": "3.2.0-4-amd64\n",
      "proc/version": procVersion,
    });
    assert.deepEqual(runningKernel(both), {
      release: "3.2.0-4-amd64",
      build: "#1 SMP Debian 3.2.41-2+deb7u2",
      source: "/proc/sys/kernel/osrelease",
    });
    assert.equal(runningKernel(sysroot({ "proc/version": procVersion })).source, "/proc/version");
    assert.deepEqual(runningKernel(sysroot({})), { source: "none" });
    const live: KernelBootFacts = {
      uname: { sysname: "Linux", release: "6.1.0-27-amd64", version: "#1 SMP", machine: "x86_64" },
    };
    assert.equal(runningKernel(both, live).release, "6.1.0-27-amd64");
  });
});

describe("installedKernels", () => {
  it("joins /boot, /lib/modules and dpkg; config-files and backups do not count", () => {
    const notes: string[] = [];
    const ks = installedKernels(
      debian({ "lib/modules/4.19.0-9-amd64/": "", "var/lib/rpm/": "" }),
      notes,
    );
    assert.deepEqual(
      ks.map((k) => [k.release, k.image ?? "", k.modules, k.packageState ?? "", k.bootable]),
      [
        [K61, `/boot/vmlinuz-${K61}`, true, "installed", true],
        [K510, `/boot/vmlinuz-${K510}`, true, "installed", true],
        ["4.19.0-9-amd64", "", true, "", false],
        ["3.2.0-4-amd64", "", false, "config-files", false],
      ],
    );
    assert.equal(ks[0]?.packageVersion, "6.1.115-1");
    assert.equal(ks[0]?.installedAtMs, Date.parse("2023-11-09T09:00:00Z"));
    assert.match(notes.join(), /RPM database .* not read/);
  });
});

describe("analyseKernel", () => {
  const boot = (iso: string): string =>
    `cpu  1 2 3\nbtime ${Date.parse(iso) / 1000}\nprocesses 5\n`;

  it("seeds/003: a provider kernel, not installed, not rebooted since 6.1 arrived", () => {
    const a = analyseKernel(
      debian({
        "proc/sys/kernel/osrelease": "3.2.0-4-amd64\n",
        "proc/cmdline": "root=/dev/vda1 ro console=ttyS0\n",
        "proc/stat": boot("2023-11-01T00:00:00Z"),
        "boot/grub/grub.cfg": grub("0", [K61, K510]),
      }),
    );
    assert.equal(a.running.release, "3.2.0-4-amd64");
    assert.equal(a.runningInstalled, false, "only its config files are left");
    assert.equal(a.runningModules, false);
    assert.equal(a.notLatest, true);
    assert.deepEqual(a.newer, [K61, K510]);
    assert.equal(a.newest?.release, K61);
    assert.equal(a.bootImage, undefined);
    assert.deepEqual(
      a.reasons.map((r) => r.kind),
      ["provider", "no-reboot"],
    );
    assert.match(a.reasons[0]?.text ?? "", /no BOOT_IMAGE=/);
    assert.match(
      a.reasons[1]?.text ?? "",
      /installed at 2023-11-09T09:00:00Z, after the last boot at 2023-11-01/,
    );
  });

  it("a kernel with no image, modules or package is the provider's", () => {
    const a = analyseKernel(
      sysroot({
        [`boot/vmlinuz-${K61}`]: "k",
        [`lib/modules/${K61}/`]: "",
        "proc/sys/kernel/osrelease": "3.2.0-4-amd64\n",
        "proc/cmdline": "root=/dev/vda1 ro\n",
        "proc/xen/": "",
        "boot/grub/grub.cfg": grub("0", [K61]),
      }),
    );
    assert.equal(a.runningInstalled, false);
    assert.deepEqual(
      a.reasons.map((r) => r.kind),
      ["provider"],
    );
    assert.match(a.reasons[0]?.text ?? "", /no BOOT_IMAGE=.*Xen guest/);
    assert.deepEqual(
      a.skipped.map((s) => s.check),
      ["reboot since install"],
    );
  });

  it("GRUB's saved default boots the older kernel", () => {
    const a = analyseKernel(
      debian({
        "proc/sys/kernel/osrelease": `${K510}\n`,
        "proc/cmdline": `BOOT_IMAGE=/boot/vmlinuz-${K510} root=/dev/sda1 ro\n`,
        "proc/stat": boot("2024-01-01T00:00:00Z"),
        "boot/grub/grub.cfg": grub("${saved_entry}", [K61, K510]),
        "boot/grub/grubenv": `saved_entry=1\n`,
        "etc/default/grub": "GRUB_DEFAULT=0\n",
      }),
    );
    assert.deepEqual(
      a.reasons.map((r) => r.kind),
      ["bootloader"],
    );
    assert.match(a.reasons[0]?.text ?? "", /saved_entry="1" in grubenv\) boots 5\.10\.0-28-amd64/);
    assert.equal(a.bootImage, `/boot/vmlinuz-${K510}`);
    assert.match(a.notes.join("\n"), /GRUB_DEFAULT=0 but .* sets default=\$\{saved_entry\}/);
  });

  it("a grub.cfg without the newest kernel: update-grub did not run", () => {
    const a = analyseKernel(
      debian({
        "proc/sys/kernel/osrelease": `${K510}\n`,
        "proc/stat": boot("2024-01-01T00:00:00Z"),
        "boot/grub/grub.cfg": grub("0", [K510]),
      }),
    );
    assert.match(
      a.reasons.map((r) => r.text).join(),
      /has no entry for 6\.1\.0-27-amd64: update-grub/,
    );
  });

  it("GRUB's default is the newest but the menu picked another this time", () => {
    const a = analyseKernel(
      debian({
        "proc/sys/kernel/osrelease": `${K510}\n`,
        "proc/cmdline": `BOOT_IMAGE=/boot/vmlinuz-${K510} root=/dev/sda1 ro\n`,
        "proc/stat": boot("2024-01-01T00:00:00Z"),
        "boot/grub/grub.cfg": grub("0", [K61, K510]),
      }),
    );
    assert.deepEqual(
      a.reasons.map((r) => r.text),
      [
        `GRUB's default boots ${K61}, but it booted ${K510} this time: picked at the boot menu, or once by grub-reboot (next_entry)`,
      ],
    );
  });

  it("/run/reboot-required when the boot time is unknown", () => {
    const a = analyseKernel(
      debian({
        "proc/sys/kernel/osrelease": `${K510}\n`,
        "run/reboot-required": "*** System restart required ***\n",
        "run/reboot-required.pkgs": `linux-image-${K61}\n`,
        "boot/grub/grub.cfg": grub("0", [K61, K510]),
      }),
    );
    assert.deepEqual(
      a.reasons.map((r) => r.kind),
      ["no-reboot"],
    );
    assert.deepEqual(a.rebootRequired, [`linux-image-${K61}`]);
  });

  it("up to date, in a container, or unknown", () => {
    const ok = analyseKernel(debian({ "proc/sys/kernel/osrelease": `${K61}\n` }));
    assert.equal(ok.notLatest, false);
    assert.deepEqual(ok.reasons, []);
    const box = analyseKernel(
      debian({ "proc/sys/kernel/osrelease": "6.18.44-fc-v769\n", ".dockerenv": "" }),
    );
    assert.equal(box.container, true);
    assert.equal(box.notLatest, false, "6.18 is newer than anything installed");
    const old = analyseKernel(debian({ "proc/sys/kernel/osrelease": "4.9.0\n", ".dockerenv": "" }));
    assert.equal(old.reasons[0]?.kind, "container");
    const none = analyseKernel(sysroot({}));
    assert.equal(none.running.release, undefined);
    assert.match(
      none.skipped[0]?.reason ?? "",
      /no live facts, and no \/proc\/sys\/kernel\/osrelease/,
    );
  });

  it("reads the FIPS flag from live facts or the file", () => {
    const on = analyseKernel(
      sysroot({ "proc/sys/crypto/fips_enabled": "1\n", "proc/cmdline": "ro fips=1\n" }),
    );
    assert.deepEqual(on.fips, {
      enabled: true,
      source: "/proc/sys/crypto/fips_enabled",
      cmdline: true,
    });
    const live: KernelBootFacts = {
      uname: { sysname: "Linux", release: K61, version: "#1", machine: "x86_64" },
      fipsEnabled: false,
      cmdline: "ro",
      bootTimeMs: 1,
    };
    const off = analyseKernel(sysroot({ "proc/sys/crypto/fips_enabled": "1\n" }), live);
    assert.deepEqual(off.fips, { enabled: false, source: "live", cmdline: false });
    assert.equal(off.bootTimeMs, 1);
    assert.deepEqual(analyseKernel(sysroot({})).fips, { source: "none", cmdline: false });
  });
});
