/**
 * The running kernel against the kernels installed on the system: /boot,
 * /lib/modules and the dpkg database; and when the newest is not the one
 * running, the likely reasons — the bootloader's default entry, a kernel
 * supplied by the hypervisor or provider (seeds/003: a DigitalOcean droplet
 * booting its 3.2 kernel under a 6.1 userland), or no reboot since the
 * upgrade.
 */
import type { HostView } from "../core/index.js";
import { compareVersionPart, dpkgInstalledTime, readDpkgStatus } from "./dpkg.js";
import { kernelImageRelease, readGrub, type GrubSummary } from "./grub.js";

/** A check that could not run, and why: it never passes silently. */
export interface KernelCheckSkip {
  readonly check: string;
  readonly reason: string;
}

/**
 * What the kernel analysis takes from the live host (uname, boot time,
 * command line, FIPS flag); the full live facts (KernelLiveFacts
 * in libc.ts) extend it.
 */
export interface KernelBootFacts {
  readonly uname: {
    readonly sysname: string;
    readonly release: string;
    readonly version: string;
    readonly machine: string;
  };
  /** Boot time, ms since the epoch (/proc/stat btime). */
  readonly bootTimeMs?: number;
  readonly cmdline?: string;
  /** /proc/sys/crypto/fips_enabled; absent when the kernel has no such file. */
  readonly fipsEnabled?: boolean;
}

/** Text of a small file in the view, or undefined. */
function readSmall(view: HostView, path: string, max = 64 * 1024): string | undefined {
  try {
    return view.readText(path, max);
  } catch {
    return undefined;
  }
}

export interface KernelReleaseParts {
  /** The version part: `6.1.0-27` of `6.1.0-27-amd64`, `4.18.0-513.el8.x86_64` whole. */
  readonly version: string;
  /** The flavour: `amd64`, `cloud-amd64`, `generic`, `xxxx-grs-ipv6-64`, or "". */
  readonly flavour: string;
  /** major.minor.patch as uname(2) readers (glibc's ld.so) parse them. */
  readonly numbers?: readonly [number, number, number];
}

/**
 * Splits a kernel release at the first `-` component that starts with a
 * letter (other than `rcN`): before it the version, after it the flavour.
 */
export function parseKernelRelease(release: string): KernelReleaseParts {
  const parts = release.split("-");
  let n = 1;
  while (n < parts.length && /^(\d|rc\d)/.test(parts[n] ?? "")) n++;
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(release);
  return {
    version: parts.slice(0, n).join("-"),
    flavour: parts.slice(n).join("-"),
    ...(m ? { numbers: [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] as const } : {}),
  };
}

/** Compares the version parts only: 3.2.0-4 < 5.10.0-28 < 6.1.0-27; 6.8.0-rc3 < 6.8.0. */
export function compareKernelVersions(a: string, b: string): number {
  // A release candidate sorts before its release: dpkg's `~` does exactly that.
  const key = (r: string): string => parseKernelRelease(r).version.replace(/-rc(?=\d)/g, "~rc");
  return compareVersionPart(key(a), key(b));
}

/** A total order of kernel release strings: version (dpkg rules), then flavour. */
export function compareKernelReleases(a: string, b: string): number {
  return (
    compareKernelVersions(a, b) ||
    compareVersionPart(parseKernelRelease(a).flavour, parseKernelRelease(b).flavour)
  );
}

/** release >= min by major.minor.patch; undefined when the release has no numbers. */
export function kernelAtLeast(
  release: string,
  min: readonly [number, number, number],
): boolean | undefined {
  const n = parseKernelRelease(release).numbers;
  if (!n) return undefined;
  for (let i = 0; i < 3; i++) if ((n[i] ?? 0) !== min[i]) return (n[i] ?? 0) > min[i]!;
  return true;
}

export interface RunningKernel {
  readonly release?: string;
  /** uname -v: `#1 SMP Debian 3.2.41-2+deb7u2`. */
  readonly build?: string;
  readonly machine?: string;
  /** Where the release came from. */
  readonly source: "live" | "/proc/sys/kernel/osrelease" | "/proc/version" | "none";
}

/** The running kernel: the live facts, else DIR/proc/sys/kernel/osrelease, else DIR/proc/version. */
export function runningKernel(view: HostView, live?: KernelBootFacts): RunningKernel {
  if (live) {
    const { release, version, machine } = live.uname;
    return { release, build: version, machine, source: "live" };
  }
  const procVersion = readSmall(view, "/proc/version", 4096);
  const build =
    readSmall(view, "/proc/sys/kernel/version", 4096)?.trim() ??
    /\)\s+(#\d+.*)$/.exec(procVersion?.trim() ?? "")?.[1];
  const osrelease = readSmall(view, "/proc/sys/kernel/osrelease", 4096)?.trim();
  if (osrelease) {
    return {
      release: osrelease,
      ...(build ? { build } : {}),
      source: "/proc/sys/kernel/osrelease",
    };
  }
  const m = /^Linux version (\S+)/.exec(procVersion ?? "");
  if (m?.[1]) return { release: m[1], ...(build ? { build } : {}), source: "/proc/version" };
  return { source: "none" };
}

export interface InstalledKernel {
  readonly release: string;
  /** The kernel image: /boot/vmlinuz-R (or /lib/modules/R/vmlinuz on Fedora and Arch). */
  readonly image?: string;
  /** /lib/modules/R exists. */
  readonly modules: boolean;
  readonly packageName?: string;
  readonly packageVersion?: string;
  /** dpkg state of the package (installed, config-files …). */
  readonly packageState?: string;
  /** When it arrived: the dpkg file list's mtime, else the modules directory's. */
  readonly installedAtMs?: number;
  /** Bootable: an image on disk, or a package whose files are present. */
  readonly bootable: boolean;
}

const BACKUP_RE = /(\.old|\.bak|~|\.dpkg-[a-z]+)$/;
const PACKAGE_RES = [
  /^linux-image-(?:unsigned-)?(\d\S*?)(?:-unsigned)?$/,
  /^(?:pve|proxmox)-kernel-(\d\S*?)(?:-signed)?$/,
];

function listDirSafe(view: HostView, path: string): string[] {
  try {
    return view.listDir(path);
  } catch {
    return [];
  }
}

/** Every kernel the system has: /boot images, /lib/modules directories, dpkg packages. Newest first. */
export function installedKernels(view: HostView, notes: string[] = []): InstalledKernel[] {
  type K = { -readonly [P in keyof InstalledKernel]: InstalledKernel[P] };
  const byRelease = new Map<string, K>();
  const get = (release: string): K => {
    let k = byRelease.get(release);
    if (!k) byRelease.set(release, (k = { release, modules: false, bootable: false }));
    return k;
  };
  for (const name of listDirSafe(view, "/boot")) {
    const release = kernelImageRelease(name);
    if (!release || BACKUP_RE.test(name) || view.kind(`/boot/${name}`) !== "file") continue;
    get(release).image = `/boot/${name}`;
  }
  const moduleDirs = new Set(["/lib/modules", "/usr/lib/modules"].map((d) => view.resolve(d)));
  for (const dir of moduleDirs) {
    for (const name of listDirSafe(view, dir)) {
      if (!/^\d/.test(name) || view.kind(`${dir}/${name}`) !== "dir") continue;
      const k = get(name);
      k.modules = true;
      if (!k.image && view.kind(`${dir}/${name}/vmlinuz`) === "file")
        k.image = `${dir}/${name}/vmlinuz`;
    }
  }
  const dpkg = readDpkgStatus(view);
  for (const p of dpkg.packages) {
    if (/-dbg(sym)?$/.test(p.package)) continue;
    const release = PACKAGE_RES.map((re) => re.exec(p.package)?.[1]).find((r) => r !== undefined);
    if (release === undefined || p.state === "not-installed") continue;
    const k = get(release);
    if (k.packageName !== undefined && !p.filesPresent) continue;
    k.packageName = p.package;
    if (p.version !== undefined) k.packageVersion = p.version;
    k.packageState = p.state;
    const t = dpkgInstalledTime(view, p);
    if (t !== undefined && p.filesPresent) k.installedAtMs = t;
  }
  for (const k of byRelease.values()) {
    k.bootable =
      k.image !== undefined || (k.packageState !== undefined && k.packageState !== "config-files");
    // dpkg and rpm give unpacked files the mtime stored in the package, so
    // the image's mtime is its build date. depmod rewrites modules.dep at
    // install, which moves the modules directory's mtime: use that instead.
    if (k.installedAtMs === undefined && k.modules) {
      const t = view.stat(`/lib/modules/${k.release}`)?.mtimeMs;
      if (t !== undefined) k.installedAtMs = t;
    }
  }
  if (["/var/lib/rpm", "/usr/lib/sysimage/rpm"].some((d) => view.kind(d) === "dir")) {
    notes.push(
      "the RPM database (Berkeley DB or SQLite) is not read: installed kernels come from /boot and /lib/modules",
    );
  }
  return [...byRelease.values()].sort((a, b) => compareKernelReleases(b.release, a.release));
}

/** Why the newest kernel is not the one running. */
export interface KernelReason {
  readonly kind: "provider" | "bootloader" | "no-reboot" | "container";
  readonly text: string;
}

export interface FipsFacts {
  /** /proc/sys/crypto/fips_enabled; undefined when absent (no CONFIG_CRYPTO_FIPS, or not captured). */
  readonly enabled?: boolean;
  readonly source: "live" | "/proc/sys/crypto/fips_enabled" | "none";
  /** `fips=1` on the kernel command line. */
  readonly cmdline: boolean;
}

export interface KernelAnalysis {
  readonly running: RunningKernel;
  /** The running release has a /boot image, a modules directory or a package here. */
  readonly runningInstalled: boolean;
  readonly runningModules: boolean;
  readonly runningImage?: string;
  readonly runningPackage?: string;
  /** Every kernel found, newest first. */
  readonly kernels: readonly InstalledKernel[];
  /** The newest bootable kernel. */
  readonly newest?: InstalledKernel;
  /** Bootable kernels newer than the running one, newest first. */
  readonly newer: readonly string[];
  readonly notLatest: boolean;
  readonly reasons: readonly KernelReason[];
  readonly grub?: GrubSummary;
  readonly cmdline?: string;
  /** BOOT_IMAGE= on the command line: GRUB puts it there; a kernel booted otherwise has none. */
  readonly bootImage?: string;
  readonly bootTimeMs?: number;
  /** /run/reboot-required exists; the packages it names. */
  readonly rebootRequired?: readonly string[];
  /** What the files say about the platform (Xen, OpenVZ, a container …). */
  readonly platform: readonly string[];
  readonly container: boolean;
  readonly fips: FipsFacts;
  readonly notes: readonly string[];
  readonly skipped: readonly KernelCheckSkip[];
}

/** Hints that the kernel is not this system's to choose: hypervisors, containers, hosters' kernels. */
function platformHints(view: HostView, release: string | undefined): string[] {
  const out: string[] = [];
  if (view.kind("/proc/xen") === "dir" || readSmall(view, "/sys/hypervisor/type")?.trim() === "xen")
    out.push("Xen guest (/proc/xen): a PV guest boots the kernel the host's config names");
  if (view.kind("/proc/vz") !== "missing" && view.kind("/proc/bc") === "missing")
    out.push("OpenVZ/Virtuozzo container (/proc/vz): the kernel is the host node's");
  if (view.kind("/.dockerenv") === "file") out.push("Docker container (/.dockerenv)");
  if (view.kind("/run/.containerenv") === "file") out.push("Podman container (/run/.containerenv)");
  if (release !== undefined) {
    if (/-grs(-|$)/.test(release))
      out.push(`${release}: an OVH "-grs" kernel, netbooted by the provider`);
    if (/stab\d/.test(release)) out.push(`${release}: an OpenVZ ("stab") kernel`);
    if (/microsoft/i.test(release)) out.push(`${release}: WSL's kernel, supplied by Windows`);
  }
  return out;
}

function fipsFacts(view: HostView, live: KernelBootFacts | undefined, cmdline?: string): FipsFacts {
  const onCmdline = /(^|\s)fips=1(\s|$)/.test(cmdline ?? "");
  if (live && live.fipsEnabled !== undefined)
    return { enabled: live.fipsEnabled, source: "live", cmdline: onCmdline };
  const v = readSmall(view, "/proc/sys/crypto/fips_enabled", 64)?.trim();
  if (v === undefined || v === "") return { source: "none", cmdline: onCmdline };
  return { enabled: v !== "0", source: "/proc/sys/crypto/fips_enabled", cmdline: onCmdline };
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");

/**
 * The running kernel against the installed ones, with the likely reasons
 * when a newer one is installed but not running. Reads through the view;
 * `live` (the live facts) gives uname, boot time and command
 * line where a snapshot's /proc lacks them.
 */
export function analyseKernel(view: HostView, live?: KernelBootFacts): KernelAnalysis {
  const notes: string[] = [];
  const skipped: KernelCheckSkip[] = [];
  const running = runningKernel(view, live);
  const release = running.release;
  const kernels = installedKernels(view, notes);
  const cmdline = live?.cmdline ?? readSmall(view, "/proc/cmdline", 64 * 1024)?.trim();
  const bootImage = /(?:^|\s)BOOT_IMAGE=(\S+)/.exec(cmdline ?? "")?.[1];
  const btime =
    live?.bootTimeMs === undefined
      ? /^btime\s+(\d+)$/m.exec(readSmall(view, "/proc/stat", 4 * 1024 * 1024) ?? "")?.[1]
      : undefined;
  const bootTimeMs = live?.bootTimeMs ?? (btime === undefined ? undefined : Number(btime) * 1000);
  const rrPkgs = readSmall(view, "/run/reboot-required.pkgs");
  const rebootRequired =
    view.kind("/run/reboot-required") === "file"
      ? (rrPkgs ?? "")
          .split("\n")
          .map((l) => l.trim())
          .filter(Boolean)
      : undefined;
  const platform = platformHints(view, release);
  const container = platform.some((p) => /container/.test(p));
  const grub = readGrub(view);
  const fips = fipsFacts(view, live, cmdline);

  const mine = release === undefined ? undefined : kernels.find((k) => k.release === release);
  const bootable = kernels.filter((k) => k.bootable);
  const newest = bootable[0];
  const newer =
    release === undefined
      ? []
      : bootable.filter((k) => compareKernelVersions(k.release, release) > 0).map((k) => k.release);
  const runningInstalled = mine !== undefined && (mine.bootable || mine.modules);
  if (release === undefined) {
    skipped.push({
      check: "running kernel",
      reason: `no live facts, and no /proc/sys/kernel/osrelease or /proc/version under ${view.root}`,
    });
  }
  if (kernels.length === 0) {
    notes.push("no installed kernel found (/boot, /lib/modules and the dpkg database hold none)");
  }

  const reasons: KernelReason[] = [];
  if (release !== undefined && newest !== undefined && newer.length > 0) {
    if (container) {
      reasons.push({
        kind: "container",
        text: "this is a container: the kernel is the host's, whatever packages the container holds",
      });
    }
    if (!runningInstalled) {
      reasons.push({
        kind: "provider",
        text:
          `${release} has no image in /boot, no /lib/modules/${release} and no package here: ` +
          `it was not booted from this system's disk but by the hypervisor or the hosting provider ` +
          `(a kernel chosen in the provider's control panel, a Xen/pygrub or netboot kernel)` +
          (cmdline !== undefined && bootImage === undefined
            ? "; the kernel command line has no BOOT_IMAGE=, which GRUB adds when it boots a kernel"
            : "") +
          (platform.length > 0 ? `; ${platform.join("; ")}` : ""),
      });
    }
    if (grub) {
      const d = grub.defaultEntry;
      const src =
        grub.defaultSetting?.includes("saved_entry") === true
          ? `saved_entry=${JSON.stringify(grub.savedEntry ?? "")} in grubenv`
          : `set default=${JSON.stringify(grub.defaultSetting ?? "0")} in ${grub.config}`;
      if (!grub.entries.some((e) => e.release === newest.release)) {
        reasons.push({
          kind: "bootloader",
          text: `${grub.config} has no entry for ${newest.release}: update-grub has not run since it was installed`,
        });
      } else if (d?.release !== undefined && compareKernelVersions(d.release, newest.release) < 0) {
        reasons.push({
          kind: "bootloader",
          text: `GRUB's default entry "${d.title}" (${src}) boots ${d.release}, not ${newest.release}`,
        });
      }
      if (grub.nextEntry !== undefined) {
        notes.push(`grubenv's next_entry=${grub.nextEntry} picks the entry for the next boot only`);
      }
      if (
        grub.etcDefault !== undefined &&
        grub.defaultSetting !== undefined &&
        (grub.etcDefault === "saved"
          ? !grub.defaultSetting.includes("saved_entry")
          : grub.defaultSetting !== grub.etcDefault)
      ) {
        notes.push(
          `/etc/default/grub says GRUB_DEFAULT=${grub.etcDefault} but ${grub.config} sets default=${grub.defaultSetting}: update-grub has not run since /etc/default/grub changed`,
        );
      }
    } else if (runningInstalled) {
      notes.push("no /boot/grub/grub.cfg: the bootloader's default could not be checked");
    }
    if (runningInstalled && bootImage !== undefined) {
      const r = kernelImageRelease(bootImage);
      if (r !== undefined && r !== release)
        notes.push(`BOOT_IMAGE=${bootImage} names another release than uname`);
    }
    if (
      bootTimeMs !== undefined &&
      newest.installedAtMs !== undefined &&
      newest.installedAtMs > bootTimeMs
    ) {
      reasons.push({
        kind: "no-reboot",
        text: `${newest.release} was installed at ${iso(newest.installedAtMs)}, after the last boot at ${iso(bootTimeMs)}: the host has not rebooted since`,
      });
    } else if (rebootRequired !== undefined) {
      reasons.push({
        kind: "no-reboot",
        text: `/run/reboot-required exists${rebootRequired.length > 0 ? ` (for ${rebootRequired.join(", ")})` : ""}: the host has not rebooted since an upgrade that needs it`,
      });
    } else if (bootTimeMs === undefined) {
      skipped.push({
        check: "reboot since install",
        reason: "the boot time is unknown (no live facts, no /proc/stat)",
      });
    }
    const booted = bootImage === undefined ? undefined : kernelImageRelease(bootImage);
    if (
      runningInstalled &&
      booted === release &&
      grub?.defaultEntry?.release === newest.release &&
      !reasons.some((x) => x.kind === "bootloader" || x.kind === "no-reboot")
    ) {
      reasons.push({
        kind: "bootloader",
        text: `GRUB's default boots ${newest.release}, but it booted ${release} this time: picked at the boot menu, or once by grub-reboot (next_entry)`,
      });
    }
  }
  return {
    running,
    runningInstalled,
    runningModules: mine?.modules ?? false,
    ...(mine?.image === undefined ? {} : { runningImage: mine.image }),
    ...(mine?.packageName === undefined ? {} : { runningPackage: mine.packageName }),
    kernels,
    ...(newest === undefined ? {} : { newest }),
    newer,
    notLatest: newer.length > 0,
    reasons,
    ...(grub === undefined ? {} : { grub }),
    ...(cmdline === undefined ? {} : { cmdline }),
    ...(bootImage === undefined ? {} : { bootImage }),
    ...(bootTimeMs === undefined ? {} : { bootTimeMs }),
    ...(rebootRequired === undefined ? {} : { rebootRequired }),
    platform,
    container,
    fips,
    notes,
    skipped,
  };
}
