/**
 * The static audit of a directory used as a chroot: what a program chrooted
 * there reads for name resolution (resolv.conf, nsswitch.conf, hosts, the
 * NSS modules), randomness (/dev/urandom), logging (/dev/log), certificate
 * verification (the CA bundle), time zones (localtime) and Kerberos
 * (krb5.conf) — seeds/004: haproxy's chroot had no resolv.conf or
 * nsswitch.conf, getaddrinfo failed inside OpenSSL's Kerberos code and krb5
 * called abort().
 *
 * Contract (host checks): chroot-live.ts's gatherChrootLive records what only
 * a live host can tell (a real getaddrinfo inside and outside, the running
 * glibc, the process); {@link analyseChroot} reads DIR's files through a
 * HostView and uses those facts when given, else falls back to the files.
 */
import { closeSync, openSync } from "node:fs";
import type { HostView } from "../core/index.js";
import { errnoCode } from "../core/index.js";
import { parseElf, parseLdSoCache } from "../elf/index.js";
import {
  findLibcVersion,
  hasBuiltinFilesDns,
  nssLibraryDirs,
  type ChrootLiveFacts,
  type ChrootProcess,
  type ChrootSkipped,
  type GaiResult,
  type GlibcVersion,
} from "./chroot-live.js";
import {
  HOSTS_DEFAULT,
  hostsNames,
  parseKrb5DefaultRealm,
  parseNsswitch,
  parseResolvConf,
  predictHostsLookup,
  type NsswitchConf,
  type NssService,
  type ResolvConf,
} from "./chroot-conf.js";

export * from "./chroot-conf.js";
export * from "./chroot-live.js";

/** A file a chrooted program reads, as found in DIR. */
export interface ChrootFileCheck {
  readonly path: string;
  readonly state: "present" | "missing" | "dangling" | "not-a-file" | "unreadable" | "empty";
  /** Symlink target as stored. */
  readonly target?: string;
}

/** A device node or socket in DIR/dev. */
export interface ChrootNodeCheck {
  readonly path: string;
  readonly state:
    "ok" | "missing" | "dangling" | "regular-file" | "wrong-device" | "not-a-socket" | "unopenable";
  readonly target?: string;
  /** major:minor of a character device. */
  readonly device?: string;
  readonly error?: string;
}

export interface NssModuleCheck {
  /** The service name in nsswitch.conf (files, dns, systemd, sss …). */
  readonly service: string;
  readonly databases: readonly string[];
  /** Built into libc.so.6 (files and dns from glibc 2.34): no module needed. */
  readonly builtin: boolean;
  readonly file: string;
  readonly found?: string;
  /** DT_NEEDED libraries of the module that are not in DIR (libc itself excepted). */
  readonly missingDeps: readonly string[];
  /** Whether the host itself has the module (known with live facts). */
  readonly onHost?: boolean;
}

export interface ChrootAnalysis {
  readonly dir: string;
  readonly hostname?: string;
  readonly hostnameSource?: "live" | "etc/hostname" | "proc";
  /** DIR/etc/hostname, when it differs from the live name: shown, not used by glibc. */
  readonly etcHostname?: string;
  readonly glibc?: GlibcVersion & { readonly from: "live" | "chroot" };
  readonly files: readonly ChrootFileCheck[];
  readonly resolvConf?: ResolvConf;
  readonly nsswitch?: NsswitchConf;
  readonly hostsLine: { readonly services: readonly NssService[]; readonly source: string };
  readonly hostsHasName?: boolean;
  readonly nssModules: readonly NssModuleCheck[];
  readonly urandom: ChrootNodeCheck;
  readonly devLog: ChrootNodeCheck;
  readonly caBundle: {
    readonly path?: string;
    readonly certificates: number;
    readonly hashDir?: string;
    readonly hashLinks: number;
    readonly searched: readonly string[];
  };
  readonly localtime: ChrootFileCheck & { readonly tzif: boolean };
  readonly krb5: ChrootFileCheck & { readonly defaultRealm?: string };
  /** What the files alone say a lookup of the host name does. */
  readonly prediction: ReturnType<typeof predictHostsLookup>;
  readonly process?: ChrootProcess;
  readonly outside?: GaiResult;
  readonly inside?: GaiResult;
  readonly skipped: readonly ChrootSkipped[];
}

export const CHROOT_CA_BUNDLES = [
  "/etc/ssl/certs/ca-certificates.crt", // Debian, Ubuntu, Alpine, Arch, Gentoo
  "/etc/pki/tls/certs/ca-bundle.crt", // RHEL, Fedora (and CentOS 6)
  "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", // RHEL 7+
  "/etc/ssl/ca-bundle.pem", // SUSE
  "/var/lib/ca-certificates/ca-bundle.pem", // SUSE
  "/etc/ssl/cert.pem", // Alpine, Arch, OpenBSD
];
const CA_DIRS = ["/etc/ssl/certs", "/etc/pki/tls/certs"];
const MAX_CONF = 1024 * 1024;

function fileCheck(view: HostView, path: string): { check: ChrootFileCheck; text?: string } {
  const l = view.lstat(path);
  if (l === undefined) return { check: { path, state: "missing" } };
  const target = l.kind === "symlink" ? view.readlink(path) : undefined;
  const t = target === undefined ? {} : { target };
  const s = view.stat(path);
  if (s === undefined) return { check: { path, state: "dangling", ...t } };
  if (s.kind !== "file") return { check: { path, state: "not-a-file", ...t } };
  try {
    const text = view.readText(path, MAX_CONF);
    return { check: { path, state: text.trim() === "" ? "empty" : "present", ...t }, text };
  } catch {
    return { check: { path, state: "unreadable", ...t } };
  }
}

const S_IFMT = 0o170000;
const S_IFCHR = 0o020000;
const S_IFSOCK = 0o140000;
const S_IFREG = 0o100000;

/** A device or socket: its type and (for devices) major:minor, through the view (snapshots record them). */
function nodeCheck(view: HostView, path: string, want: "urandom" | "socket"): ChrootNodeCheck {
  const l = view.lstat(path);
  if (l === undefined) return { path, state: "missing" };
  const target = l.kind === "symlink" ? view.readlink(path) : undefined;
  const t = target === undefined ? {} : { target };
  const st = view.stat(path);
  if (st === undefined) return { path, state: "dangling", ...t };
  const fmt = st.mode & S_IFMT;
  if (want === "socket") return { path, state: fmt === S_IFSOCK ? "ok" : "not-a-socket", ...t };
  if (fmt !== S_IFCHR)
    return { path, state: fmt === S_IFREG ? "regular-file" : "wrong-device", ...t };
  // glibc's gnu_dev_major/minor (sysdeps/unix/sysv/linux/sys/sysmacros.h).
  const r = BigInt(st.rdev);
  const major = Number(((r >> 8n) & 0xfffn) | ((r >> 32n) & ~0xfffn));
  const minor = Number((r & 0xffn) | ((r >> 12n) & ~0xffn));
  const device = `${major}:${minor}`;
  if (device !== "1:9") return { path, state: "wrong-device", device, ...t };
  // A nodev mount leaves the node in place but open(2) fails with EACCES. Opening reads
  // nothing; a snapshot's recorded node is not there to open (ENOENT) and is left as seen.
  try {
    closeSync(openSync(view.hostPath(path), "r"));
  } catch (e) {
    const code = errnoCode(e);
    if (code === "EACCES" || code === "EPERM")
      return { path, state: "unopenable", device, error: code, ...t };
  }
  return { path, state: "ok", device, ...t };
}

function findModule(
  view: HostView,
  file: string,
  cache: Map<string, string>,
): { found?: string; missingDeps: string[] } {
  const where = (soname: string): string | undefined => {
    const c = cache.get(soname);
    if (c !== undefined && view.kind(c) === "file") return c;
    return nssLibraryDirs()
      .map((d) => `${d}/${soname}`)
      .find((p) => view.kind(p) === "file");
  };
  const found = where(file);
  if (found === undefined) return { missingDeps: [] };
  let needed: readonly string[] = [];
  try {
    needed = parseElf(view.readBytes(found, 64 * 1024 * 1024)).dynamic?.needed ?? [];
  } catch {
    // unparsable: dlopen would refuse it too; its dependencies stay unknown
  }
  // libc.so.6 and ld.so are in the process before the chroot.
  const missingDeps = needed.filter((n) => !/^(libc\.so\.6|ld-linux.*)$/.test(n) && !where(n));
  return { found, missingDeps };
}

function ldCache(view: HostView): Map<string, string> {
  const m = new Map<string, string>();
  try {
    for (const e of parseLdSoCache(view.readBytes("/etc/ld.so.cache", 64 * 1024 * 1024)).entries)
      if (!m.has(e.key)) m.set(e.key, e.value);
  } catch {
    // no cache in the chroot: glibc falls back to its system directories, as we do
  }
  return m;
}

/** The name to resolve: the live node name, else the snapshot's /proc, else DIR/etc/hostname. */
function hostnameOf(
  view: HostView,
  live: ChrootLiveFacts | undefined,
  named: string | undefined,
): { hostname: string; hostnameSource: "live" | "proc" | "etc/hostname" } | undefined {
  if (live) return { hostname: live.hostname, hostnameSource: "live" };
  try {
    const h = view.readText("/proc/sys/kernel/hostname", 4096).trim();
    if (h) return { hostname: h, hostnameSource: "proc" };
  } catch {
    // a sysroot without /proc
  }
  return named === undefined ? undefined : { hostname: named, hostnameSource: "etc/hostname" };
}

/** The static audit of the directory `view` is rooted at, with the live facts when given. */
export function analyseChroot(view: HostView, live?: ChrootLiveFacts): ChrootAnalysis {
  const skipped: ChrootSkipped[] = [...(live?.skipped ?? [])];
  const resolv = fileCheck(view, "/etc/resolv.conf");
  const nss = fileCheck(view, "/etc/nsswitch.conf");
  const hosts = fileCheck(view, "/etc/hosts");
  const etcHostname = fileCheck(view, "/etc/hostname");
  const krb5 = fileCheck(view, "/etc/krb5.conf");
  const lt = fileCheck(view, "/etc/localtime");
  const resolvConf = resolv.text === undefined ? undefined : parseResolvConf(resolv.text);
  const nsswitch = nss.text === undefined ? undefined : parseNsswitch(nss.text);

  const named = etcHostname.text?.split("\n")[0]?.trim() || undefined;
  const who = hostnameOf(view, live, named);
  const hostname = who?.hostname;

  let glibc: ChrootAnalysis["glibc"];
  if (live?.glibc) glibc = { ...live.glibc, from: "live" };
  else {
    const g = findLibcVersion(view);
    if (g) glibc = { ...g, from: "chroot" };
    else skipped.push({ check: "glibc-version", reason: "no live facts and no libc.so.6 in DIR" });
  }
  const builtin = glibc === undefined ? undefined : hasBuiltinFilesDns(glibc.version);

  const hostsDb = nsswitch?.databases.hosts;
  const hostsLine = hostsDb
    ? { services: hostsDb, source: "nsswitch.conf" }
    : { services: HOSTS_DEFAULT, source: "glibc's default: no hosts line" };

  const byService = new Map<string, string[]>();
  const dbs = Object.entries(nsswitch?.databases ?? {});
  if (!hostsDb) dbs.push(["hosts", HOSTS_DEFAULT]);
  for (const [db, services] of dbs)
    for (const s of services) byService.set(s.name, [...(byService.get(s.name) ?? []), db]);
  const cache = ldCache(view);
  const nssModules: NssModuleCheck[] = [...byService].map(([service, databases]) => {
    const file = `libnss_${service}.so.2`;
    const isBuiltin = builtin === true && (service === "files" || service === "dns");
    return {
      service,
      databases,
      builtin: isBuiltin,
      file,
      ...(isBuiltin ? { missingDeps: [] } : findModule(view, file, cache)),
      ...(live === undefined ? {} : { onHost: isBuiltin || live.hostNssModules.includes(file) }),
    };
  });

  const names = hosts.text === undefined ? undefined : hostsNames(hosts.text);
  const hostsHasName =
    names === undefined || hostname === undefined ? undefined : names.has(hostname.toLowerCase());
  const prediction = predictHostsLookup({
    services: hostsLine.services,
    hostsFile: names === undefined ? "missing" : hostsHasName ? "has-name" : "lacks-name",
    nameservers: resolvConf?.nameservers ?? [],
    moduleFound: (s) =>
      nssModules.find((m) => m.service === s)?.builtin === true ||
      nssModules.find((m) => m.service === s)?.found !== undefined ||
      (builtin === undefined && (s === "files" || s === "dns")),
  });

  let caPath: string | undefined;
  let certificates = 0;
  for (const p of CHROOT_CA_BUNDLES) {
    const f = fileCheck(view, p);
    if (f.text === undefined) continue;
    caPath = p;
    certificates = f.text.match(/-----BEGIN (TRUSTED )?CERTIFICATE-----/g)?.length ?? 0;
    break;
  }
  let hashDir: string | undefined;
  let hashLinks = 0;
  for (const d of CA_DIRS) {
    if (view.kind(d) !== "dir") continue;
    try {
      const n = view.listDir(d).filter((e) => /^[0-9a-f]{8}\.\d+$/.test(e)).length;
      if (n > hashLinks) [hashDir, hashLinks] = [d, n];
    } catch {
      // unreadable directory: counted as none
    }
  }
  const tzif = lt.text !== undefined && lt.text.startsWith("TZif");
  const defaultRealm = krb5.text === undefined ? undefined : parseKrb5DefaultRealm(krb5.text);

  return {
    // Name the directory as the user knows it: a process's root path, not /proc/PID/root.
    dir: live?.process?.sameMountNamespace ? live.process.root : (live?.dir ?? view.root),
    ...(who === undefined ? {} : who),
    ...(named !== undefined && named !== hostname ? { etcHostname: named } : {}),
    ...(glibc === undefined ? {} : { glibc }),
    files: [resolv.check, nss.check, hosts.check, etcHostname.check, krb5.check, lt.check],
    ...(resolvConf === undefined ? {} : { resolvConf }),
    ...(nsswitch === undefined ? {} : { nsswitch }),
    hostsLine,
    ...(hostsHasName === undefined ? {} : { hostsHasName }),
    nssModules,
    urandom: nodeCheck(view, "/dev/urandom", "urandom"),
    devLog: nodeCheck(view, "/dev/log", "socket"),
    caBundle: {
      ...(caPath === undefined ? {} : { path: caPath }),
      certificates,
      ...(hashDir === undefined ? {} : { hashDir }),
      hashLinks,
      searched: CHROOT_CA_BUNDLES,
    },
    localtime: { ...lt.check, tzif },
    krb5: { ...krb5.check, ...(defaultRealm === undefined ? {} : { defaultRealm }) },
    prediction,
    ...(live?.process === undefined ? {} : { process: live.process }),
    ...(live?.outside === undefined ? {} : { outside: live.outside }),
    ...(live?.inside === undefined ? {} : { inside: live.inside }),
    skipped,
  };
}
