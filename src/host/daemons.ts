/**
 * TLS daemons: which process holds each listening socket, the crypto
 * libraries it has mapped (a "(deleted)" libssl/libcrypto means the process
 * still runs the copy an upgrade replaced: it needs a restart), its root
 * (chrooted or not), and the elf layer's linkage analysis of its executable
 * as loaded.
 *
 * gatherDaemonsLive() (daemons-live.ts) records what only the running host
 * can tell; analyseDaemons() works from those facts, on the live host or on
 * a snapshot that carries them.
 */
import { posix } from "node:path";
import { HostView, type HostAccess } from "../core/index.js";
import {
  analyseProcess,
  ElfCache,
  loadProcess,
  type ElfAnalysis,
  type LoadOptions,
} from "../elf/index.js";
import {
  gatherDaemonsLive,
  type DaemonListener,
  type DaemonProcessFacts,
  type DaemonSkipped,
  type DaemonsLiveFacts,
  type GatherOptions,
} from "./daemons-live.js";
import { listListeners, type NetListener } from "./proc-net.js";

export * from "./daemons-live.js";

const msg = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Crypto libraries by file name; `tls`: mapping one makes a daemon TLS-relevant. */
export const DAEMON_CRYPTO_LIBRARIES: readonly { family: string; re: RegExp; tls: boolean }[] = [
  { family: "OpenSSL libssl", re: /^libssl\.so(\.|$)/, tls: true },
  { family: "OpenSSL libcrypto", re: /^libcrypto\.so(\.|$)/, tls: true },
  { family: "GnuTLS", re: /^libgnutls\.so(\.|$)/, tls: true },
  {
    family: "NSS",
    re: /^(libnss3|libssl3|libsmime3|libsoftokn3|libfreeblpriv3)\.so(\.|$)/,
    tls: true,
  },
  { family: "wolfSSL", re: /^libwolfssl\.so(\.|$)/, tls: true },
  { family: "mbed TLS", re: /^libmbed(tls|crypto|x509)\.so(\.|$)/, tls: true },
  { family: "Nettle", re: /^lib(nettle|hogweed)\.so(\.|$)/, tls: false },
  { family: "libgcrypt", re: /^libgcrypt\.so(\.|$)/, tls: false },
];

/**
 * Well-known ports that speak TLS or STARTTLS, with the scheme `probe`
 * takes for them (wire's SCHEMES names; "tls" = direct TLS, no dialect).
 */
export const TLS_PORTS: Readonly<Record<number, { service: string; scheme: string }>> = {
  21: { service: "FTP (AUTH TLS)", scheme: "ftp" },
  25: { service: "SMTP (STARTTLS)", scheme: "smtp" },
  110: { service: "POP3 (STLS)", scheme: "pop3" },
  143: { service: "IMAP (STARTTLS)", scheme: "imap" },
  389: { service: "LDAP (StartTLS)", scheme: "ldap" },
  443: { service: "HTTPS", scheme: "https" },
  465: { service: "SMTPS", scheme: "smtps" },
  563: { service: "NNTPS", scheme: "nntps" },
  587: { service: "submission (STARTTLS)", scheme: "submission" },
  636: { service: "LDAPS", scheme: "ldaps" },
  853: { service: "DNS over TLS", scheme: "tls" },
  990: { service: "FTPS", scheme: "ftps" },
  993: { service: "IMAPS", scheme: "imaps" },
  995: { service: "POP3S", scheme: "pop3s" },
  2376: { service: "Docker API (TLS)", scheme: "https" },
  3306: { service: "MySQL (TLS)", scheme: "mysql" },
  4190: { service: "ManageSieve (STARTTLS)", scheme: "sieve" },
  4433: { service: "TLS (openssl s_server default)", scheme: "tls" },
  5061: { service: "SIP over TLS", scheme: "tls" },
  5222: { service: "XMPP client (STARTTLS)", scheme: "xmpp" },
  5223: { service: "XMPP client (TLS)", scheme: "xmpps" },
  5269: { service: "XMPP server (STARTTLS)", scheme: "xmpp-server" },
  5432: { service: "PostgreSQL (SSLRequest)", scheme: "postgres" },
  5671: { service: "AMQP over TLS", scheme: "tls" },
  6443: { service: "Kubernetes API", scheme: "https" },
  6697: { service: "IRC over TLS", scheme: "ircs" },
  8443: { service: "HTTPS (alternate)", scheme: "https" },
  8883: { service: "MQTT over TLS", scheme: "tls" },
  9443: { service: "HTTPS (alternate)", scheme: "https" },
};

export interface DaemonListen {
  readonly proto: NetListener["proto"];
  readonly address: string;
  readonly port: number;
  readonly service?: string;
  readonly scheme?: string;
}

export interface MappedCrypto {
  readonly path: string;
  readonly family: string;
  readonly deleted: boolean;
}

/** A mapped file that is deleted on disk: the process runs the replaced copy. */
export interface StaleMapping {
  readonly path: string;
  /** The crypto family, when it is a crypto library. */
  readonly family?: string;
  /** The dpkg package that lists the path, and when its file list last changed (its upgrade). */
  readonly package?: string;
  readonly packageChangedAt?: string;
}

/** The elf layer's view of the daemon's executable, as loaded. */
export interface DaemonLinkage {
  readonly exe: string;
  /** Root of the files analysed ("/", the snapshot, or /proc/PID/root for another mount namespace). */
  readonly root: string;
  readonly objects: number;
  /** Mapped libraries start-up does not explain: analysed as dlopen()ed. */
  readonly dlopened: readonly string[];
  readonly missing: readonly string[];
  readonly error?: string;
  /** Not enumerable (kept out of JSON: it holds every parsed ELF file); shared by identical daemons. */
  readonly analysis?: ElfAnalysis;
}

export interface Daemon extends Omit<DaemonProcessFacts, "mapped" | "error"> {
  readonly user?: string;
  readonly chrooted: boolean;
  readonly listens: readonly DaemonListen[];
  readonly tls: boolean;
  /** Why it counts as a TLS daemon: libraries mapped, ports. */
  readonly tlsReasons: readonly string[];
  readonly crypto: readonly MappedCrypto[];
  /** Deleted-but-mapped libraries, crypto or not (the executable is `exeDeleted`). */
  readonly stale: readonly StaleMapping[];
  readonly linkage?: DaemonLinkage;
  readonly error?: string;
}

export interface DaemonAnalysis {
  /** live: read now; facts: recorded by collect; files: only a copied /proc/net, no processes. */
  readonly source: "live" | "facts" | "files" | "none";
  readonly gatheredAt?: string;
  readonly listeners: readonly DaemonListener[];
  readonly daemons: readonly Daemon[];
  readonly skipped: readonly DaemonSkipped[];
  readonly notes: readonly string[];
}

export interface AnalyseDaemonsOptions {
  /** Run the elf layer on TLS daemons (default true). */
  readonly linkage?: boolean;
  /** Distinct executables analysed at most (default 24). */
  readonly maxLinkage?: number;
  /** Passed to gatherDaemonsLive when the view is live and no facts are given. */
  readonly gather?: GatherOptions;
  /**
   * The access hook of `view` (collect's recorder), for the views this
   * analysis opens itself: a daemon started inside a chroot is analysed
   * with a view rooted there, whose accesses are reported with the chroot
   * prefixed, so the snapshot holds the chroot's files.
   */
  readonly onAccess?: (a: HostAccess) => void;
}

const baseName = (p: string): string => p.slice(p.lastIndexOf("/") + 1);

export function daemonCryptoFamily(path: string): { family: string; tls: boolean } | undefined {
  const b = baseName(path);
  return DAEMON_CRYPTO_LIBRARIES.find((c) => c.re.test(b));
}

function passwd(view: HostView): Map<number, string> {
  const users = new Map<number, string>();
  try {
    for (const line of view.readText("/etc/passwd", 16 * 1024 * 1024).split("\n")) {
      const f = line.split(":");
      if (f.length >= 3 && /^\d+$/.test(f[2] ?? "") && !users.has(Number(f[2])))
        users.set(Number(f[2]), f[0] ?? "");
    }
  } catch {
    // no passwd: uids stay numbers
  }
  return users;
}

/**
 * Which dpkg package lists each path (/var/lib/dpkg/info/*.list), and that
 * list's mtime: dpkg rewrites it when it unpacks the package, so it dates
 * the upgrade that replaced the file. Paths are matched with and without the
 * merged-/usr prefix (maps show /usr/lib/…, older packages list /lib/…).
 */
export function dpkgListOwners(
  view: HostView,
  paths: readonly string[],
): Map<string, { package: string; changedAt: string }> {
  const out = new Map<string, { package: string; changedAt: string }>();
  const want = new Map<string, string>();
  for (const p of paths) {
    want.set(p, p);
    if (p.startsWith("/usr/")) want.set(p.slice(4), p);
    else want.set(`/usr${p}`, p);
  }
  const dir = "/var/lib/dpkg/info";
  let names: string[];
  try {
    names = view.listDir(dir).filter((n) => n.endsWith(".list"));
  } catch {
    return out;
  }
  let budget = 256 * 1024 * 1024;
  for (const n of names) {
    if (out.size === paths.length || budget <= 0) break;
    let text: string;
    try {
      text = view.readText(`${dir}/${n}`, 16 * 1024 * 1024);
    } catch {
      continue;
    }
    budget -= text.length;
    for (const line of text.split("\n")) {
      const orig = want.get(line);
      if (orig === undefined || out.has(orig)) continue;
      const st = view.stat(`${dir}/${n}`);
      out.set(orig, {
        package: n.slice(0, -".list".length),
        changedAt: new Date(st?.mtimeMs ?? 0).toISOString(),
      });
    }
  }
  return out;
}

interface LinkageContext {
  readonly view: HostView;
  readonly caches: Map<string, { files: ElfCache }>;
  readonly done: Map<string, DaemonLinkage>;
  readonly max: number;
  readonly onAccess: ((a: HostAccess) => void) | undefined;
}

/**
 * Where a process's files are, and its executable's path there. /proc/PID/exe
 * and /proc/PID/maps print paths from the reader's root (fs/d_path.c), so:
 * a process that chroot()ed after start-up (haproxy, Postfix's smtpd) has
 * its executable outside its root and was loaded from the host's files; one
 * started inside a chroot (`chroot DIR /prog`) has it under DIR and was
 * loaded from DIR's; one in another mount namespace (a container) prints
 * paths of that namespace, reachable through /proc/PID/root.
 */
export function processFilesRoot(
  view: HostView,
  p: Pick<DaemonProcessFacts, "pid" | "root" | "exe" | "sameMountNamespace">,
): { root: string; jail?: string; strip: (path: string) => string } | undefined {
  if (!p.sameMountNamespace) {
    return view.live ? { root: `/proc/${p.pid}/root`, strip: (x) => x } : undefined;
  }
  const jail = p.root.replace(/\/+$/, "");
  if (jail !== "" && p.exe.startsWith(`${jail}/`)) {
    return {
      root: posix.join(view.root, jail),
      jail,
      strip: (x) => (x.startsWith(`${jail}/`) ? x.slice(jail.length) : x),
    };
  }
  return { root: view.root, strip: (x) => x };
}

function linkageOf(lc: LinkageContext, p: DaemonProcessFacts): DaemonLinkage {
  const where = processFilesRoot(lc.view, p);
  const fail = (root: string, error: string): DaemonLinkage => ({
    exe: p.exe,
    root,
    objects: 0,
    dlopened: [],
    missing: [],
    error,
  });
  if (where === undefined)
    return fail(
      "",
      "it ran in another mount namespace (a container), whose files the snapshot lacks",
    );
  if (p.exeDeleted)
    return fail(
      where.root,
      "its executable was deleted or replaced on disk after it started, so the file no longer shows what runs (restart it, then analyse again)",
    );
  const exe = where.strip(p.exe);
  const mapped = p.mapped.map((m) => ({ ...m, path: where.strip(m.path) }));
  const opts: LoadOptions = {
    ...(p.ldLibraryPath ? { ldLibraryPath: p.ldLibraryPath } : {}),
    ...(p.ldPreload ? { ldPreload: p.ldPreload } : {}),
  };
  const key = JSON.stringify([where.root, exe, opts, mapped]);
  const hit = lc.done.get(key);
  if (hit) return hit;
  if (lc.done.size >= lc.max)
    return fail(where.root, `not analysed: more than ${lc.max} distinct daemons`);
  let ctx = lc.caches.get(where.root);
  if (!ctx) {
    const hook = lc.onAccess;
    const jail = where.jail;
    const sub =
      where.root === lc.view.root
        ? lc.view
        : new HostView(
            where.root,
            hook && jail !== undefined
              ? { onAccess: (a) => hook({ ...a, path: posix.join(jail, a.path) }) }
              : {},
          );
    ctx = { files: new ElfCache(sub) };
    lc.caches.set(where.root, ctx);
  }
  const v = ctx.files.view;
  let out: DaemonLinkage;
  try {
    // What start-up alone loads; the rest of the mappings were dlopen()ed (as `elf --pid`).
    const startup = loadProcess(ctx, exe, opts);
    const known = new Set(startup.objects.map((o) => v.resolve(o.path)));
    const dlopened = mapped
      .filter((m) => !m.deleted && !known.has(v.resolve(m.path)))
      .map((m) => m.path);
    const analysis = analyseProcess(ctx, exe, { ...opts, dlopen: dlopened });
    out = {
      exe,
      root: where.root,
      objects: analysis.load.objects.length,
      dlopened,
      missing: analysis.load.missing.map((m) => m.name),
    };
    Object.defineProperty(out, "analysis", { value: analysis, enumerable: false });
  } catch (e) {
    out = fail(where.root, msg(e));
  }
  lc.done.set(key, out);
  return out;
}

function daemonOf(
  p: DaemonProcessFacts,
  listeners: readonly DaemonListener[],
  users: Map<number, string>,
): Omit<Daemon, "stale"> & { staleRaw: StaleMapping[] } {
  const listens: DaemonListen[] = listeners
    .filter((l) => l.pids.includes(p.pid))
    .map((l) => {
      const known = l.proto.startsWith("tcp") ? TLS_PORTS[l.port] : undefined;
      return { proto: l.proto, address: l.address, port: l.port, ...(known ?? {}) };
    });
  const crypto: MappedCrypto[] = [];
  const reasons: string[] = [];
  const staleRaw: StaleMapping[] = [];
  for (const m of p.mapped) {
    const c = daemonCryptoFamily(m.path);
    if (c) {
      crypto.push({ path: m.path, family: c.family, deleted: m.deleted });
      if (c.tls) reasons.push(`maps ${baseName(m.path)}`);
    }
    if (m.deleted) staleRaw.push({ path: m.path, ...(c ? { family: c.family } : {}) });
  }
  for (const l of listens) if (l.service) reasons.push(`listens on ${l.port} (${l.service})`);
  const { mapped: _m, error, ...rest } = p;
  void _m;
  return {
    ...rest,
    ...(p.uid !== undefined && p.sameMountNamespace && users.has(p.uid)
      ? { user: users.get(p.uid) as string }
      : {}),
    chrooted: p.root !== "/",
    listens,
    tls: reasons.length > 0,
    tlsReasons: [...new Set(reasons)],
    crypto,
    staleRaw,
    ...(error === undefined ? {} : { error }),
  };
}

function filesOnly(view: HostView): DaemonAnalysis {
  if (view.kind("/proc/net/tcp") !== "file") {
    return {
      source: "none",
      listeners: [],
      daemons: [],
      skipped: [
        {
          check: "daemons",
          reason: `${view.root} is not the running host and carries no recorded daemon facts: listening sockets and their processes can only be read live ('tlsdoctor collect' records them)`,
        },
      ],
      notes: [],
    };
  }
  const l = listListeners(view);
  return {
    source: "files",
    listeners: l.listeners.map((x) => ({ ...x, pids: [] })),
    daemons: [],
    skipped: [
      {
        check: "daemons: processes",
        reason:
          "no recorded daemon facts: the listeners come from the copied /proc/net files, their processes are unknown",
      },
    ],
    notes: l.problems,
  };
}

/**
 * The TLS daemons of the host `view` shows: from `live` facts when given,
 * else read now when the view is live, else (a sysroot) whatever copied
 * /proc/net files say, with the rest skipped and the reason recorded.
 */
export function analyseDaemons(
  view: HostView,
  live?: DaemonsLiveFacts,
  options: AnalyseDaemonsOptions = {},
): DaemonAnalysis {
  if (live === undefined && !view.live) return filesOnly(view);
  // A view of its own, without `view`'s access hook: collect must not copy
  // /proc/PID/environ or maps into a snapshot (the facts carry what is needed).
  const facts = live ?? gatherDaemonsLive(options.gather);
  const skipped: DaemonSkipped[] = [...facts.skipped];
  if (facts.error !== undefined)
    skipped.push({ check: "daemons", reason: `gathering failed: ${facts.error}` });
  const users = passwd(view);
  const lc: LinkageContext = {
    view,
    caches: new Map(),
    done: new Map(),
    max: options.maxLinkage ?? 24,
    onAccess: options.onAccess,
  };
  const drafts = facts.processes.map((p) => ({ p, d: daemonOf(p, facts.listeners, users) }));
  // The host's dpkg database says nothing about a container's files.
  const stalePaths = drafts
    .filter(({ p }) => p.sameMountNamespace)
    .flatMap(({ d }) => d.staleRaw.map((s) => s.path));
  const owners =
    stalePaths.length > 0
      ? dpkgListOwners(view, [...new Set(stalePaths)])
      : new Map<string, { package: string; changedAt: string }>();
  const daemons: Daemon[] = drafts.map(({ p, d }) => {
    const { staleRaw, ...rest } = d;
    const stale = staleRaw.map((s) => {
      const o = p.sameMountNamespace ? owners.get(s.path) : undefined;
      return o ? { ...s, package: o.package, packageChangedAt: o.changedAt } : s;
    });
    const linkage =
      options.linkage !== false && d.tls && p.exe !== "" ? linkageOf(lc, p) : undefined;
    return { ...rest, stale, ...(linkage ? { linkage } : {}) };
  });
  const failed = new Set<DaemonLinkage>();
  for (const d of daemons) {
    if (d.linkage?.error === undefined || failed.has(d.linkage)) continue;
    failed.add(d.linkage);
    skipped.push({
      check: `daemons: linkage of ${d.comm} (pid ${d.pid})`,
      reason: d.linkage.error,
    });
  }
  return {
    source: live === undefined ? "live" : "facts",
    gatheredAt: facts.gatheredAt,
    listeners: facts.listeners,
    daemons,
    skipped,
    notes: [...facts.notes],
  };
}
