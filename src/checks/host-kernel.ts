/**
 * Findings of the kernel, glibc and descriptor-limit checks (seeds/003): a
 * newer kernel installed but not booted and why; a kernel too old for
 * glibc; no getrandom(2) under a glibc whose arc4random needs it, naming
 * the programs that will abort; the entropy devices; processes near their
 * RLIMIT_NOFILE; the kernel's FIPS flag.
 */
import { finding, type Evidence, type Finding, type HostView } from "../core/index.js";
import {
  analyseKernel,
  analyseLibc,
  analyseLimits,
  kernelLiveFactsProblem,
  type AnalyseLibcOptions,
  type FdUse,
  type KernelAnalysis,
  type KernelLiveFacts,
  type LibcAnalysis,
  type LimitsAnalysis,
} from "../host/index.js";

/** The three analyses of one host, made from the same view and live facts. */
export interface HostKernelAnalysis {
  readonly kernel: KernelAnalysis;
  readonly libc: LibcAnalysis;
  readonly limits: LimitsAnalysis;
  /** Live facts that were given but refused (a hand-edited facts.json), and why. */
  readonly factsRefused?: string;
}

/**
 * Runs the kernel, glibc and limits analyses. `live`: the facts
 * gatherKernelLive() recorded (unknown: they may come from a snapshot's
 * facts.json; malformed ones are refused and the files used instead).
 */
export function analyseHostKernel(
  view: HostView,
  live?: unknown,
  options: AnalyseLibcOptions = {},
): HostKernelAnalysis {
  const problem = live === undefined ? undefined : kernelLiveFactsProblem(live);
  const facts = live === undefined || problem !== undefined ? undefined : (live as KernelLiveFacts);
  return {
    kernel: analyseKernel(view, facts),
    libc: analyseLibc(view, facts, options),
    limits: analyseLimits(view, facts?.limits),
    ...(problem === undefined ? {} : { factsRefused: problem }),
  };
}

/** What the three analyses could not look at. */
export function hostKernelSkipped(
  a: HostKernelAnalysis,
): readonly { readonly check: string; readonly reason: string }[] {
  return [
    ...(a.factsRefused === undefined
      ? []
      : [
          {
            check: "live facts",
            reason: `refused: ${a.factsRefused}; the files were used instead`,
          },
        ]),
    ...a.kernel.skipped,
    ...a.libc.skipped,
    ...a.limits.skipped,
  ];
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
const list = (xs: readonly string[], max = 6): string =>
  xs.length <= max ? xs.join(", ") : `${xs.slice(0, max).join(", ")} … (${xs.length} in all)`;
const base = (p: string): string => p.slice(p.lastIndexOf("/") + 1);

/** Daemons a remote user reaches first: sshd above the rest, then sbin, then the others. */
const DAEMON_RE = /^(sshd|sshd-session|master|smtpd|exim4?|dovecot|nginx|haproxy|apache2|httpd)$/;
function importanceOf(path: string): number {
  const b = base(path);
  if (b === "sshd" || b === "sshd-session") return 0;
  if (DAEMON_RE.test(b)) return 1;
  return /\/sbin\/|\/openssh\//.test(path) ? 2 : 3;
}

export function kernelFindings(k: KernelAnalysis): Finding[] {
  const out: Finding[] = [];
  const release = k.running.release;
  if (release !== undefined && k.notLatest && k.newest) {
    const newest = k.newest;
    const provider = k.reasons.some((r) => r.kind === "provider");
    const ev: Evidence[] = [
      { label: "running", value: `${release}${k.running.build ? ` (${k.running.build})` : ""}` },
      {
        label: "newest installed",
        value: `${newest.release}${newest.packageVersion ? ` (${newest.packageName} ${newest.packageVersion})` : ""}${newest.installedAtMs !== undefined ? `, installed ${iso(newest.installedAtMs)}` : ""}`,
      },
      { label: "newer than running", value: list(k.newer) },
      ...k.reasons.map((r) => ({ label: `reason (${r.kind})`, value: r.text })),
    ];
    if (k.grub?.defaultEntry)
      ev.push({
        label: "GRUB default",
        value: `${k.grub.effectiveDefault} → "${k.grub.defaultEntry.title}"${k.grub.defaultEntry.release ? ` (${k.grub.defaultEntry.release})` : ""}`,
      });
    if (k.cmdline !== undefined) ev.push({ label: "BOOT_IMAGE", value: k.bootImage ?? "(none)" });
    if (k.bootTimeMs !== undefined) ev.push({ label: "booted", value: iso(k.bootTimeMs) });
    const fixes: string[] = [];
    if (provider)
      fixes.push(
        "Make the VM boot its own kernel: in the provider's control panel choose the distribution's GRUB/bootloader instead of a provider kernel (DigitalOcean: Kernel → GrubLoader; Linode: Boot Settings → GRUB 2; OVH: Netboot → Hard disk; Xen PV: pygrub), then reboot.",
      );
    if (k.reasons.some((r) => r.kind === "bootloader"))
      fixes.push(
        `Make GRUB boot ${newest.release}: set GRUB_DEFAULT=0 (or its entry) in /etc/default/grub, or run \`grub-set-default\`; then \`update-grub\` and reboot.`,
      );
    if (k.reasons.some((r) => r.kind === "no-reboot") || fixes.length === 0)
      fixes.push(`Reboot into ${newest.release}.`);
    out.push(
      finding({
        id: "KERNEL_NOT_BOOTED_LATEST",
        severity: k.container ? "info" : provider ? "error" : "warning",
        side: "host",
        title: `Running kernel ${release} is older than the installed ${newest.release}`,
        detail:
          `The system has ${newest.release} installed but runs ${release}, so the userland's expectations (glibc, OpenSSL, OpenSSH) meet an older kernel's system calls and features. ` +
          (k.reasons.length > 0
            ? `Likely ${k.reasons.length === 1 ? "reason" : "reasons"}: ${k.reasons.map((r) => r.text).join(". ")}.`
            : "Neither the bootloader's default, a provider-supplied kernel nor a pending reboot explains it from the files; check the bootloader's menu and the hypervisor's boot settings.") +
          (provider
            ? ` Without /lib/modules/${release} no kernel module loads either (modprobe fails: AF_ALG's algif_*, nf_tables …).`
            : ""),
        evidence: ev,
        fix: fixes.join(" "),
        refs: ["seeds/003", "GRUB manual: Simple configuration (GRUB_DEFAULT)", "uname(1)"],
      }),
    );
  } else if (release !== undefined && !k.runningInstalled && !k.container && k.kernels.length > 0) {
    out.push(
      finding({
        id: "KERNEL_RUNNING_NOT_INSTALLED",
        severity: "notice",
        side: "host",
        title: `Running kernel ${release} is not one this system installed`,
        detail: `No /boot image, no /lib/modules/${release} and no package for the running kernel, although the system has kernels of its own (${list(k.kernels.map((x) => x.release))}): something outside it chose this kernel${k.platform.length > 0 ? ` (${k.platform.join("; ")})` : ""}. Modules cannot load, and kernel updates installed here do not take effect.`,
        evidence: { running: release, installed: list(k.kernels.map((x) => x.release)) },
        fix: "If this is not deliberate, switch the VM to boot from its own disk (the provider's boot settings) and reboot.",
        refs: ["seeds/003"],
      }),
    );
  }
  if (k.fips.enabled === true) {
    out.push(
      finding({
        id: "KERNEL_FIPS_MODE",
        severity: "info",
        side: "host",
        title: "The kernel runs in FIPS mode",
        detail:
          "/proc/sys/crypto/fips_enabled is 1: the kernel crypto API refuses non-approved algorithms and runs its self-tests at boot; OpenSSL and GnuTLS on distributions that follow this flag load their FIPS providers and refuse MD5, small keys and some TLS suites.",
        evidence: { fips_enabled: "1", "fips=1 on command line": k.fips.cmdline ? "yes" : "no" },
        fix: "Nothing, if FIPS mode is intended; otherwise boot without fips=1 (and, on RHEL, `fips-mode-setup --disable`).",
        refs: ["Documentation/admin-guide/kernel-parameters.txt (fips)", "crypto/fips.c"],
      }),
    );
  } else if (k.fips.cmdline) {
    out.push(
      finding({
        id: "KERNEL_FIPS_REQUESTED_NOT_ENABLED",
        severity: "warning",
        side: "host",
        title: "fips=1 is on the kernel command line but the kernel is not in FIPS mode",
        detail: `The command line asks for FIPS mode, but /proc/sys/crypto/fips_enabled is ${k.fips.enabled === false ? "0" : "absent (a kernel without CONFIG_CRYPTO_FIPS)"}: libraries that follow the kernel flag run in normal mode.`,
        evidence: {
          cmdline: k.cmdline ?? "",
          fips_enabled: k.fips.enabled === false ? "0" : "absent",
        },
        fix: "Boot a kernel built with CONFIG_CRYPTO_FIPS, or drop fips=1 if FIPS mode is not required.",
        refs: ["crypto/fips.c"],
      }),
    );
  }
  return out;
}

export function libcFindings(l: LibcAnalysis, k?: KernelAnalysis, lim?: LimitsAnalysis): Finding[] {
  const out: Finding[] = [];
  const g = l.glibc;
  const release = l.kernelRelease ?? "?";
  const better = k?.newer[0];
  if (l.kernelTooOld === true && g?.minKernel) {
    const min = g.minKernel.join(".");
    out.push(
      finding({
        id: "KERNEL_TOO_OLD_FOR_GLIBC",
        severity: "critical",
        side: "host",
        title: `Kernel ${release} is older than ${min}, the minimum glibc ${g.version ?? "?"} was built for`,
        detail: `${g.path}'s NT_GNU_ABI_TAG note says it needs Linux ${min} or later (glibc's --enable-kernel). On an older kernel glibc's dynamic loader stops every dynamically linked program with "FATAL: kernel too old", or, where it no longer checks, programs call system calls the kernel does not have.`,
        evidence: {
          kernel: release,
          glibc: `${g.version ?? "?"} (${g.path})`,
          "ABI tag minimum": min,
        },
        fix: better
          ? `Boot ${better}, which is installed (see KERNEL_NOT_BOOTED_LATEST).`
          : `Boot a kernel >= ${min}.`,
        refs: ["glibc: elf/dl-load.c, --enable-kernel", "seeds/003"],
      }),
    );
  }
  if (l.getrandom.available === false) {
    const users = [...(l.arc4random?.users ?? [])].sort(
      (a, b) => importanceOf(a.path) - importanceOf(b.path) || a.path.localeCompare(b.path),
    );
    const named = users.slice(0, 12).map((u) => u.path);
    const ssh = users.find((u) => /^sshd(-session)?$/.test(base(u.path)));
    const critical = l.arc4randomNeedsGetrandom;
    const devices = [l.urandom, l.random];
    const deviceBad = devices.filter((d) => d.state !== "ok" && d.state !== "not-captured");
    const full = (lim?.processes ?? []).filter((p) => p.state === "at" || p.state === "sandboxed");
    const title = critical
      ? `No getrandom(2) on kernel ${release}: glibc ${g?.version ?? ""} arc4random will abort ${ssh ? base(ssh.path) : named.length > 0 ? base(named[0] ?? "") : "its callers"}${users.length > 1 ? ` and ${users.length - 1} other program${users.length > 2 ? "s" : ""}` : ""}`
      : `No getrandom(2) on kernel ${release}`;
    const ev: Evidence[] = [
      { label: "kernel", value: release },
      { label: "getrandom", value: l.getrandom.detail },
      ...(g
        ? [
            {
              label: "glibc",
              value: `${g.version ?? "?"} (${g.path}${g.packageVersion ? `, libc6 ${g.packageVersion}` : ""})`,
            },
          ]
        : []),
      ...users.slice(0, 12).map((u) => ({ label: u.path, value: u.symbols.join(", ") })),
      ...(users.length > 12 ? [{ label: "more programs", value: String(users.length - 12) }] : []),
      ...devices.map((d) => ({ label: d.path, value: d.detail })),
      ...full.map((p) => ({
        label: `${p.comm} (pid ${p.pid})`,
        value: `${p.openFds ?? "?"} descriptors open, RLIMIT_NOFILE ${p.nofile?.soft ?? "?"}`,
      })),
    ];
    out.push(
      finding({
        id: "GETRANDOM_UNAVAILABLE",
        severity: critical ? "critical" : "warning",
        side: "host",
        title,
        detail: critical
          ? `glibc ${g?.version ?? ">= 2.36"}'s arc4random calls getrandom(2); on ENOSYS it falls back to polling /dev/random and reading /dev/urandom, and if it cannot open them it stops the process with "Fatal glibc error: cannot get entropy for arc4random". ` +
            (ssh
              ? `${ssh.path} calls arc4random in its pre-auth child, which OpenSSH's sandbox has already limited to RLIMIT_NOFILE 1 (0 with the rlimit sandbox) and RLIMIT_FSIZE 0: the open of /dev/urandom fails with EMFILE, the fatal message itself cannot be written (EFBIG, SIGXFSZ), and every SSH connection closes right after KEXINIT ("Connection closed") — seeds/003. No limit setting fixes this: the kernel must have getrandom. `
              : "") +
            (users.length > 0 ? `Programs that import it: ${list(named, 8)}. ` : "") +
            (deviceBad.length > 0
              ? `The fallback is broken here too: ${deviceBad.map((d) => d.detail).join("; ")}. `
              : "") +
            "getrandom(2) arrived in Linux 3.17."
          : `Without getrandom(2) (Linux 3.17), OpenSSL, glibc and language runtimes read /dev/urandom instead, which fails in chroots without /dev and in processes at their descriptor limit. This glibc (${g?.version ?? "unknown"}) does not yet depend on it; glibc 2.36 and later do.`,
        evidence: ev,
        fix: better
          ? `Boot ${better}, which is installed and has getrandom (see KERNEL_NOT_BOOTED_LATEST for why it is not running). Until then, SSH access needs another daemon (dropbear) or a console.`
          : "Boot a kernel >= 3.17 (any supported distribution kernel). Until then, SSH access needs another daemon (dropbear) or a console.",
        refs: [
          "seeds/003",
          "glibc 2.36 stdlib/arc4random.c (__arc4random_buf)",
          "OpenSSH sandbox-seccomp-filter.c (ssh_sandbox_child)",
          "getrandom(2)",
        ],
      }),
    );
  }
  const bad = [l.urandom, l.random].filter(
    (d) => d.state === "missing" || d.state === "wrong" || d.state === "unusable",
  );
  if (bad.length > 0) {
    out.push(
      finding({
        id: "ENTROPY_DEVICE_MISSING",
        severity: l.getrandom.available === false ? "error" : "warning",
        side: "host",
        title: `${bad.map((d) => d.path).join(" and ")} ${bad.length === 1 ? "is" : "are"} not usable`,
        detail: `${bad.map((d) => d.detail).join("; ")}. Programs that read randomness from the device (OpenSSL 1.1 without getrandom, Java's NativePRNG, older Python and Node) fail; with getrandom ${l.getrandom.available === false ? "missing too, glibc's arc4random aborts" : "present, glibc and OpenSSL 3 are not affected"}.`,
        evidence: bad.map((d) => ({ label: d.path, value: d.detail })),
        fix: "Recreate the nodes: `mknod -m 666 /dev/urandom c 1 9; mknod -m 666 /dev/random c 1 8` (or fix the container's /dev).",
        refs: ["random(4)"],
      }),
    );
  }
  return out;
}

export function limitsFindings(a: LimitsAnalysis): Finding[] {
  const out: Finding[] = [];
  const near = a.processes.filter((p) => p.state === "near" || p.state === "at");
  if (near.length > 0) {
    const at = near.filter((p) => p.state === "at");
    const line = (p: FdUse): string =>
      `${p.comm} (pid ${p.pid}) has ${p.openFds ?? "?"}${p.fdCountCapped ? "+" : ""} of ${p.nofile?.soft ?? "?"}`;
    out.push(
      finding({
        id: "LIMIT_NOFILE_NEAR",
        severity: at.length > 0 ? "error" : "warning",
        side: "host",
        title: `${near.length === 1 ? line(near[0] as FdUse) : `${near.length} TLS daemons are near RLIMIT_NOFILE`}${near.length === 1 ? " file descriptors open" : ""}`,
        detail: `A process at its descriptor limit gets EMFILE from every open, accept and socket call: new TLS connections fail, certificate and CA files cannot be read, and the /dev/urandom fallback of OpenSSL and glibc fails — with no getrandom(2), glibc >= 2.36 then aborts ("cannot get entropy for arc4random", seeds/003). ${at.length > 0 ? `At the limit now: ${list(at.map(line))}.` : ""}`,
        evidence: near.map((p) => ({
          label: `${p.comm} (pid ${p.pid})`,
          value: `${p.openFds ?? "?"}${p.fdCountCapped ? "+" : ""} open, soft ${p.nofile?.soft ?? "unlimited"}, hard ${p.nofile?.hard ?? "unlimited"}${p.command ? ` — ${p.command}` : ""}`,
        })),
        fix: "Raise the limit where the daemon starts (systemd: `systemctl edit UNIT` with LimitNOFILE=65536; otherwise /etc/security/limits.conf or the init script's ulimit -n), and look for a descriptor leak: `ls -l /proc/PID/fd | sort | uniq -c`.",
        refs: ["getrlimit(2)", "proc(5) /proc/PID/limits", "seeds/003"],
      }),
    );
  }
  const nr = a.fileNr;
  if (nr && nr[2] > 0 && nr[0] / nr[2] >= 0.8) {
    out.push(
      finding({
        id: "LIMIT_FILE_MAX_NEAR",
        severity: nr[0] / nr[2] >= 0.95 ? "error" : "warning",
        side: "host",
        title: `The system file table is ${Math.round((nr[0] / nr[2]) * 100)}% full (${nr[0]} of ${nr[2]})`,
        detail:
          "When fs.file-max is reached every process gets ENFILE on open: TLS daemons cannot accept or read their keys, and the /dev/urandom fallback fails everywhere.",
        evidence: { allocated: nr[0], "fs.file-max": nr[2] },
        fix: "Raise fs.file-max (sysctl -w fs.file-max=…, and in /etc/sysctl.d/), and find the process holding the descriptors.",
        refs: ["proc(5) /proc/sys/fs/file-nr"],
      }),
    );
  }
  return out;
}

/** Every finding of the three analyses. */
export function hostKernelFindings(a: HostKernelAnalysis): Finding[] {
  return [
    ...kernelFindings(a.kernel),
    ...libcFindings(a.libc, a.kernel, a.limits),
    ...limitsFindings(a.limits),
  ];
}
