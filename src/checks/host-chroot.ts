/**
 * Findings of `tlsdoctor chroot`: what a program chrooted into DIR cannot do
 * — resolve names (seeds/004), read randomness, log, verify certificates,
 * tell the time zone — each with what to put in the chroot.
 */
import {
  finding,
  type FindingInit,
  type Evidence,
  type Finding,
  type Field,
  type Section,
  type Severity,
} from "../core/index.js";
import {
  hasBuiltinFilesDns,
  type ChrootAnalysis,
  type ChrootFileCheck,
  type GaiResult,
  type ChrootNodeCheck,
} from "../host/index.js";

const SEED = "seeds/004";
const hostFinding = (init: FindingInit): Finding => finding({ side: "host", ...init });
const KRB5_REF = "krb5 src/lib/krb5/os/hst_realm.c (krb5int_get_fq_local_hostname)";

/** "EAI_AGAIN (-3, Temporary failure in name resolution)", or the timeout. */
export function gaiText(r: GaiResult): string {
  if (r.status === "resolved") return `resolves: ${r.addresses.join(", ") || "(no address)"}`;
  if (r.status === "timeout") return `no answer within ${r.elapsedMs} ms (killed)`;
  if (r.status === "error") return `could not run: ${r.error ?? "?"}`;
  return `${r.eai ?? "?"} (${r.rc ?? "?"}${r.message ? `, ${r.message}` : ""})${r.errno ? ` errno ${r.errno}` : ""}`;
}

function stateText(f: ChrootFileCheck | ChrootNodeCheck): string {
  if (f.state === "dangling") return `a dangling symlink to ${f.target ?? "?"}`;
  const what = f.state === "not-a-file" ? "not a regular file" : f.state;
  return `${what}${f.target === undefined ? "" : ` (symlink to ${f.target})`}`;
}

/** What each getaddrinfo error means for a lookup of the host's own name (glibc's getaddrinfo.c). */
const EAI_MEANING: Readonly<Record<string, string>> = {
  EAI_AGAIN: "no name server answered (glibc asks 127.0.0.1 when resolv.conf has no nameserver)",
  EAI_NONAME: "every source that answered said: no such name",
  EAI_NODATA: "the name is known but has no address of the family asked for",
  EAI_FAIL: "a name server failed for good",
  EAI_SYSTEM: "a system error, e.g. an NSS module nsswitch.conf names that could not be loaded",
  EAI_MEMORY: "out of memory",
};

const hostsLineText = (a: ChrootAnalysis): string =>
  `${a.hostsLine.services.map((s) => `${s.name}${s.actions ? ` ${s.actions}` : ""}`).join(" ")} (${a.hostsLine.source})`;

const bad = (f: ChrootFileCheck): boolean => f.state !== "present";
const file = (a: ChrootAnalysis, p: string): ChrootFileCheck =>
  a.files.find((f) => f.path === p) ?? { path: p, state: "missing" };

function resolverFindings(a: ChrootAnalysis): Finding[] {
  const out: Finding[] = [];
  const inside = a.inside;
  const name = inside?.name ?? a.hostname ?? "the host name";
  const filesEvidence: Evidence[] = ["/etc/resolv.conf", "/etc/nsswitch.conf", "/etc/hosts"].map(
    (p) => ({ label: p, value: stateText(file(a, p)) }),
  );
  filesEvidence.push({ label: "hosts line", value: hostsLineText(a) });
  for (const m of a.nssModules.filter((x) => !x.builtin && x.found === undefined))
    filesEvidence.push({ label: m.file, value: "missing" });
  if (inside === undefined) {
    if (a.prediction.verdict === "fails") {
      const why =
        a.skipped.find((s) => s.check === "getaddrinfo-inside")?.reason ?? "no live facts";
      out.push(
        hostFinding({
          id: "CHROOT_RESOLVER_LIKELY_BROKEN",
          severity: "warning",
          title: `By its files, ${a.dir} cannot resolve ${name}; getaddrinfo could not be run inside (${why})`,
          detail: `Walking the hosts line as glibc does, every service fails for ${name}: ${a.prediction.steps.join("; ")}. A program chrooted here that looks up its own name (OpenSSL's Kerberos code through krb5, Postfix, Java) gets an EAI_* error — seeds/004's abort(). Run 'tlsdoctor chroot' as root for a real getaddrinfo inside.`,
          evidence: filesEvidence,
          fix: `Put /etc/hosts (with ${name}), /etc/nsswitch.conf ("hosts: files dns") and /etc/resolv.conf into ${a.dir}/etc, then confirm as root.`,
          refs: [SEED, "nsswitch.conf(5)"],
        }),
      );
    }
    return out;
  }
  if (inside.status === "resolved") return out;
  const outside = a.outside;
  if (outside !== undefined && outside.status !== "resolved") {
    out.push(
      hostFinding({
        id: "HOSTNAME_UNRESOLVABLE",
        severity: "warning",
        title: `${name} does not resolve even outside the chroot: ${gaiText(outside)}`,
        detail: `getaddrinfo("${name}", AI_CANONNAME|AI_ADDRCONFIG) fails on the host itself, so the chroot is not the only cause. Programs that need their fully qualified name (krb5_get_default_realm without default_realm, Postfix's myhostname, Java's InetAddress.getLocalHost) fail the same way everywhere.`,
        evidence: [
          { label: "outside", value: gaiText(outside) },
          { label: "inside", value: gaiText(inside) },
        ],
        fix: `Add "127.0.1.1 ${name}.<domain> ${name}" (or the real address) to /etc/hosts, or publish ${name} in DNS.`,
        refs: ["getaddrinfo(3)", "hosts(5)"],
      }),
    );
    return out;
  }
  const krb5 = a.process?.mapsKrb5 === true;
  const severity: Severity = krb5 ? "critical" : "error";
  out.push(
    hostFinding({
      id: "CHROOT_RESOLVER_BROKEN",
      severity,
      title: `getaddrinfo("${name}") fails inside ${a.dir} with ${inside.status === "timeout" ? "no answer (timeout)" : (inside.eai ?? "an error")}, but resolves outside`,
      detail: `A child chrooted into ${a.dir} asked glibc for ${name} as krb5 does (AI_CANONNAME|AI_ADDRCONFIG) and got ${gaiText(inside)}${inside.eai && EAI_MEANING[inside.eai] ? ` — ${EAI_MEANING[inside.eai]}` : ""}; outside the chroot the same call ${outside ? gaiText(outside) : "was not made"}. Inside a chroot glibc reads DIR's /etc/nsswitch.conf, /etc/resolv.conf and /etc/hosts and dlopens DIR's NSS modules: here ${a.prediction.steps.join("; ")}. Any lookup the program makes after chroot() fails the same way. In seeds/004 OpenSSL's Kerberos cipher code (kssl) asked krb5 for the default realm, krb5 resolved the host's own name, got EAI_NODATA (-5) — a code that krb5int_translate_gai_error did not know — and called abort().${krb5 ? ` Process ${a.process?.pid} (${a.process?.comm}) maps Kerberos: ${a.process?.libraries.filter((l) => /krb5|gssapi/.test(l)).join(", ")}.` : ""}${inside.status === "timeout" ? " The lookup blocked: a daemon would stall for as long on every such lookup." : ""}`,
      evidence: [
        { label: "inside", value: gaiText(inside) },
        ...(outside ? [{ label: "outside", value: gaiText(outside) }] : []),
        ...filesEvidence,
      ],
      fix: `Give the chroot what glibc reads: /etc/hosts with "${outside?.addresses[0] ?? "127.0.1.1"} ${[...new Set([outside?.canonname ?? name, name])].join(" ")}", /etc/nsswitch.conf with "hosts: files dns", /etc/resolv.conf${a.glibc && !hasBuiltinFilesDns(a.glibc.version) ? ", and libnss_files.so.2/libnss_dns.so.2 in its lib directory (glibc < 2.34)" : ""}; or set default_realm in krb5.conf so krb5 never looks up the host name; or run the daemon outside the chroot (seeds/004's workaround). Confirm with 'tlsdoctor chroot ${a.dir}'.`,
      refs: [SEED, KRB5_REF, "getaddrinfo(3)", "nsswitch.conf(5)"],
    }),
  );
  return out;
}

function fileFindings(a: ChrootAnalysis): Finding[] {
  const out: Finding[] = [];
  const usesDns = a.hostsLine.services.some((s) => s.name === "dns");
  const usesFiles = a.hostsLine.services.some((s) => s.name === "files");
  const resolv = file(a, "/etc/resolv.conf");
  const noServer = resolv.state === "present" && (a.resolvConf?.nameservers.length ?? 0) === 0;
  if (bad(resolv) || noServer) {
    out.push(
      hostFinding({
        id: "CHROOT_RESOLV_CONF_MISSING",
        severity: usesDns ? "warning" : "notice",
        title: `${a.dir}/etc/resolv.conf is ${noServer ? "without a usable nameserver" : stateText(resolv)}`,
        detail: `Without a nameserver line glibc's resolver asks 127.0.0.1 (resolv/res_init.c), which inside a chroot is whatever listens on the host's loopback — usually nothing. ${usesDns ? "The hosts line uses dns, so names not in /etc/hosts fail" : "The hosts line does not use dns, but programs that query DNS directly (res_query: Postfix's MX lookups, DANE, OCSP responders) still fail"}.${resolv.state === "dangling" ? " The symlink points outside the chroot (systemd-resolved's stub file?): copy the file, do not link it." : ""}${a.resolvConf?.problems.length ? ` Parse problems: ${a.resolvConf.problems.join("; ")}.` : ""}`,
        evidence: [{ label: "/etc/resolv.conf", value: stateText(resolv) }],
        fix: `cp /etc/resolv.conf ${a.dir}/etc/resolv.conf (a copy, kept in step by the daemon's start script).`,
        refs: ["resolv.conf(5)", SEED],
      }),
    );
  }
  const nss = file(a, "/etc/nsswitch.conf");
  if (bad(nss) || a.nsswitch?.databases.hosts === undefined) {
    out.push(
      hostFinding({
        id: "CHROOT_NSSWITCH_MISSING",
        severity: "warning",
        title: `${a.dir}/etc/nsswitch.conf is ${bad(nss) ? stateText(nss) : "without a hosts line"}: glibc uses "hosts: dns [!UNAVAIL=return] files"`,
        detail: `With its built-in default glibc asks DNS first and consults /etc/hosts only when DNS is unreachable: a DNS server that answers "no such name" for the host's own name ends the lookup, and /etc/hosts inside the chroot is never read.`,
        evidence: [{ label: "/etc/nsswitch.conf", value: stateText(nss) }],
        fix: `Write ${a.dir}/etc/nsswitch.conf with at least "hosts: files dns".`,
        refs: ["nsswitch.conf(5)", "glibc nss/nss_database.c", SEED],
      }),
    );
  }
  for (const m of a.nssModules) {
    if (m.builtin || (m.found !== undefined && m.missingDeps.length === 0)) continue;
    if (m.found === undefined && m.onHost === false) continue; // absent on the host too: not the chroot's doing
    const inHosts = m.databases.includes("hosts");
    const core = m.service === "files" || m.service === "dns";
    const severity: Severity = inHosts ? (core ? "error" : "warning") : "notice";
    out.push(
      hostFinding({
        id: "CHROOT_NSS_MODULE_MISSING",
        severity,
        title:
          m.found === undefined
            ? `${m.file} (nsswitch.conf "${m.service}" for ${m.databases.join(", ")}) is not in ${a.dir}`
            : `${m.found} in ${a.dir} needs ${m.missingDeps.join(", ")}, not in the chroot`,
        detail: `glibc dlopens NSS modules at the first lookup, from inside the chroot; a module it cannot load is skipped as UNAVAIL, silently.${core ? ` This glibc (${a.glibc?.version ?? "version unknown"}) does not build "${m.service}" in (that came with 2.34): without the module no ${m.databases.join("/")} lookup can use it.` : ""}`,
        evidence: [
          { label: "service", value: m.service },
          { label: "databases", value: m.databases.join(", ") },
          { label: "module", value: m.found ?? `${m.file}: missing` },
        ],
        fix: `Copy ${m.file}${m.missingDeps.length ? ` and ${m.missingDeps.join(", ")}` : ""} from the host's library directory into the same path under ${a.dir}, or drop "${m.service}" from the chroot's nsswitch.conf.`,
        refs: ["nsswitch.conf(5)"],
      }),
    );
  }
  const hosts = file(a, "/etc/hosts");
  if (bad(hosts)) {
    out.push(
      hostFinding({
        id: "CHROOT_HOSTS_MISSING",
        severity: usesFiles ? "warning" : "notice",
        title: `${a.dir}/etc/hosts is ${stateText(hosts)}`,
        detail: `Neither localhost nor the host's name (${a.hostname ?? "?"}) can be answered from files inside the chroot: every such lookup goes to DNS, or fails when DNS is not configured.`,
        evidence: [{ label: "/etc/hosts", value: stateText(hosts) }],
        fix: `Write ${a.dir}/etc/hosts with "127.0.0.1 localhost" and the host's own name.`,
        refs: ["hosts(5)"],
      }),
    );
  }
  return out;
}

function nodeFindings(a: ChrootAnalysis): Finding[] {
  const out: Finding[] = [];
  const u = a.urandom;
  if (u.state === "regular-file" || u.state === "wrong-device") {
    const file = u.state === "regular-file";
    out.push(
      hostFinding({
        id: "CHROOT_URANDOM_NOT_DEVICE",
        severity: file ? "critical" : u.device === "1:8" ? "notice" : "error",
        title: `${a.dir}/dev/urandom is ${file ? "a regular file" : u.device ? `device ${u.device}, not 1:9` : "not a character device"}`,
        detail: file
          ? "Reading a regular file returns the same bytes every time: keys, nonces and session ids from a library that reads /dev/urandom here are predictable or repeat."
          : u.device === "1:8"
            ? "It is /dev/random: fine on Linux 5.6 and later, blocks on older kernels until the pool has entropy."
            : "Reads do not return kernel randomness (1:3 is /dev/null: end of file, so seeding fails).",
        evidence: [
          { label: "/dev/urandom", value: `${stateText(u)}${u.device ? ` ${u.device}` : ""}` },
        ],
        fix: `rm ${a.dir}/dev/urandom && mknod -m 444 ${a.dir}/dev/urandom c 1 9`,
        refs: ["random(4)"],
      }),
    );
  } else if (u.state !== "ok") {
    out.push(
      hostFinding({
        id: "CHROOT_URANDOM_MISSING",
        severity: "warning",
        title: `${a.dir}/dev/urandom is ${u.state === "unopenable" ? `present but cannot be opened (${u.error ?? "?"}: a nodev mount?)` : stateText(u)}`,
        detail:
          "OpenSSL 3 and glibc 2.36's arc4random use getrandom(2) and do not need it, but on kernels before 3.17 (no getrandom: seeds/003), with OpenSSL 1.0/1.1 seeding after chroot, and for programs that open /dev/urandom themselves (libgcrypt, Java's NativePRNG, older Python), randomness fails inside the chroot: 'PRNG not seeded' errors or an abort.",
        evidence: [{ label: "/dev/urandom", value: stateText(u) }],
        fix: `mkdir -p ${a.dir}/dev && mknod -m 444 ${a.dir}/dev/urandom c 1 9 (on a filesystem mounted without nodev)`,
        refs: ["random(4)", "getrandom(2)", "seeds/003"],
      }),
    );
  }
  if (a.devLog.state !== "ok") {
    out.push(
      hostFinding({
        id: "CHROOT_DEVLOG_MISSING",
        severity: "warning",
        title: `${a.dir}/dev/log is ${a.devLog.state === "not-a-socket" ? "not a socket" : stateText(a.devLog)}: syslog from inside is lost`,
        detail:
          "glibc's syslog(3) connects to /dev/log; inside the chroot it cannot, and drops the message without telling the program (LOG_CONS would write to /dev/console, absent too). TLS errors a chrooted daemon logs through syslog never reach the journal. Daemons that log over UDP or stderr (haproxy's 'log 127.0.0.1') are not affected.",
        evidence: [{ label: "/dev/log", value: stateText(a.devLog) }],
        fix: `Have the syslog daemon listen inside the chroot too (rsyslog: input(type="imuxsock" Socket="${a.dir}/dev/log")), or bind-mount /dev/log there.`,
        refs: ["syslog(3)", "rsyslog imuxsock"],
      }),
    );
  }
  return out;
}

function otherFindings(a: ChrootAnalysis): Finding[] {
  const out: Finding[] = [];
  const ca = a.caBundle;
  if (ca.certificates === 0 && ca.hashLinks === 0) {
    out.push(
      hostFinding({
        id: "CHROOT_CA_BUNDLE_MISSING",
        severity: "warning",
        title: `No CA certificates in ${a.dir}${ca.path ? ` (${ca.path} holds none)` : ""}`,
        detail:
          "A program that verifies peers from inside the chroot (an SMTP client, health checks of TLS backends, OCSP) fails with 'unable to get local issuer certificate' (X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, 20) — unless it loaded its CA file before chroot(). A hashed CA directory (CApath) is always read at verification time, so from inside.",
        evidence: [{ label: "searched", value: ca.searched.join(", ") }],
        fix: `Copy the system bundle into the chroot (e.g. mkdir -p ${a.dir}/etc/ssl/certs && cp /etc/ssl/certs/ca-certificates.crt ${a.dir}/etc/ssl/certs/) and refresh it when ca-certificates is updated.`,
        refs: ["SSL_CTX_load_verify_locations(3)", "verify(1)"],
      }),
    );
  }
  const lt = a.localtime;
  if (lt.state !== "present" || !lt.tzif) {
    out.push(
      hostFinding({
        id: "CHROOT_LOCALTIME_MISSING",
        severity: "notice",
        title: `${a.dir}/etc/localtime is ${lt.state === "present" ? "not a TZif file" : stateText(lt)}: local time inside is UTC`,
        detail:
          "glibc re-reads /etc/localtime on localtime() calls; inside the chroot it finds none and uses UTC, so the daemon's log time stamps disagree with the host's. Certificate validity checks use UTC and are unaffected.",
        evidence: [{ label: "/etc/localtime", value: stateText(lt) }],
        fix: `cp --dereference /etc/localtime ${a.dir}/etc/localtime (a copy: a symlink into /usr/share/zoneinfo dangles inside).`,
        refs: ["tzset(3)"],
      }),
    );
  }
  if (a.krb5.defaultRealm === undefined) {
    const krb5 = a.process?.mapsKrb5 === true;
    out.push(
      hostFinding({
        id: "CHROOT_KRB5_NO_DEFAULT_REALM",
        severity: krb5 ? "warning" : "info",
        title: `${a.dir}/etc/krb5.conf ${a.krb5.state === "present" ? "sets no default_realm" : `is ${stateText(a.krb5)}`}${krb5 ? `, and process ${a.process?.pid} uses Kerberos` : ""}`,
        detail: `Without default_realm, krb5_get_default_realm() derives the realm from the host's fully qualified name: getaddrinfo(hostname, AI_CANONNAME) — the call that failed inside haproxy's chroot in seeds/004 and made krb5 abort(). It matters only for programs that load Kerberos (OpenSSL 0.9.8/1.0 built with kssl, GSSAPI).`,
        evidence: [{ label: "/etc/krb5.conf", value: stateText(a.krb5) }],
        fix: `Write ${a.dir}/etc/krb5.conf with [libdefaults] default_realm = YOUR.REALM, or build/configure the program without Kerberos.`,
        refs: [SEED, KRB5_REF],
      }),
    );
  }
  return out;
}

/** Every finding of a chroot audit. */
export function chrootFindings(a: ChrootAnalysis): Finding[] {
  return [...resolverFindings(a), ...fileFindings(a), ...nodeFindings(a), ...otherFindings(a)];
}

/** The report sections of a chroot audit: the lookup, the files, the NSS modules, the prediction. */
export function chrootSections(a: ChrootAnalysis): Section[] {
  const p = a.process;
  const fields: Field[] = [
    { label: "Directory", value: a.dir },
    ...(p
      ? [
          {
            label: "Process",
            value: `${p.pid} ${p.comm}${p.exe ? ` (${p.exe})` : ""}, root ${p.root}`,
          },
        ]
      : []),
    {
      label: "Host name",
      value: `${a.hostname ?? "unknown"}${a.hostnameSource ? ` (${a.hostnameSource})` : ""}`,
    },
    ...(a.etcHostname
      ? [{ label: "/etc/hostname inside", value: a.etcHostname, tone: "warn" as const }]
      : []),
    {
      label: "glibc",
      value: a.glibc
        ? `${a.glibc.version} (${a.glibc.path}${hasBuiltinFilesDns(a.glibc.version) ? "; files and dns built in" : ""})`
        : "unknown",
    },
    { label: "hosts line", value: hostsLineText(a) },
    {
      label: "By the files",
      value: `${a.hostname ?? "the host name"} ${a.prediction.verdict === "depends" ? "depends on a name server" : a.prediction.verdict}`,
      tone: ({ fails: "bad", resolves: "good", depends: "plain" } as const)[a.prediction.verdict],
    },
  ];
  const gaiRow = (where: string, r: GaiResult | undefined, skip: string | undefined): string[] => [
    where,
    r ? gaiText(r) : `not run: ${skip ?? "no live facts"}`,
    r?.canonname ?? "",
    r ? `${r.elapsedMs} ms` : "",
  ];
  const skip = (c: string): string | undefined => a.skipped.find((s) => s.check === c)?.reason;
  const node = (n: ChrootNodeCheck): string => `${stateText(n)}${n.device ? ` ${n.device}` : ""}`;
  const rc = a.resolvConf;
  return [
    { kind: "fields", title: "Chroot", fields },
    {
      kind: "table",
      title: `getaddrinfo("${a.inside?.name ?? a.outside?.name ?? a.hostname ?? "?"}", AI_CANONNAME|AI_ADDRCONFIG)`,
      columns: ["where", "result", "canonical name", "time"],
      rows: [
        gaiRow("outside", a.outside, skip("getaddrinfo-outside")),
        gaiRow(`inside ${a.dir}`, a.inside, skip("getaddrinfo-inside")),
      ],
    },
    {
      kind: "table",
      title: "What the chroot holds",
      columns: ["path", "state", "details"],
      rows: [
        ...a.files.map((f) => [f.path, stateText(f), fileDetail(a, f)]),
        ["/dev/urandom", node(a.urandom), a.urandom.error ?? ""],
        ["/dev/log", node(a.devLog), ""],
        [
          a.caBundle.path ?? "CA bundle",
          a.caBundle.path ? `${a.caBundle.certificates} certificates` : "missing",
          a.caBundle.hashDir
            ? `${a.caBundle.hashLinks} hash links in ${a.caBundle.hashDir}`
            : "no hashed directory",
        ],
        ...(rc?.problems.length ? [["/etc/resolv.conf problems", rc.problems.join("; "), ""]] : []),
      ],
    },
    {
      kind: "table",
      title: "NSS modules named by nsswitch.conf",
      columns: ["service", "databases", "module"],
      rows: a.nssModules.map((m) => [
        m.service,
        m.databases.join(", "),
        m.builtin
          ? "built into libc"
          : m.found
            ? `${m.found}${m.missingDeps.length ? ` (needs ${m.missingDeps.join(", ")})` : ""}`
            : `missing${m.onHost === false ? " (on the host too)" : ""}`,
      ]),
    },
    { kind: "text", title: "The hosts lookup, by the files", lines: a.prediction.steps },
  ];
}

function fileDetail(a: ChrootAnalysis, f: ChrootFileCheck): string {
  switch (f.path) {
    case "/etc/resolv.conf":
      return a.resolvConf
        ? `nameservers: ${a.resolvConf.nameservers.join(", ") || "none (127.0.0.1)"}`
        : "";
    case "/etc/hosts":
      return a.hostsHasName === undefined
        ? ""
        : a.hostsHasName
          ? `has ${a.hostname}`
          : `lacks ${a.hostname}`;
    case "/etc/krb5.conf":
      return a.krb5.defaultRealm ? `default_realm ${a.krb5.defaultRealm}` : "";
    case "/etc/localtime":
      return f.state === "present" ? (a.localtime.tzif ? "TZif" : "not TZif") : "";
    default:
      return "";
  }
}
