import { statSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import {
  HostView,
  makeReport,
  toolVersion,
  TlsDoctorError,
  type Attempt,
  type Report,
} from "../core/index.js";
import { chrootFindings, chrootSections } from "../checks/index.js";
import {
  analyseChroot,
  gatherChrootLive,
  processChroot,
  type ChrootAnalysis,
  type GaiResult,
} from "../host/index.js";
import {
  emitReport,
  parseDuration,
  parseIntOption,
  withOutputOptions,
  type OutputOptions,
} from "./common.js";

interface ChrootFlags extends OutputOptions {
  pid?: string;
  name?: string;
  timeout?: string;
}

const HELP = `
A chrooted daemon reads its resolver configuration, NSS modules, /dev
nodes, CA bundle and time zone from inside the chroot. tlsdoctor checks each
one, then (as root) starts a child that chroot(2)s into DIR and calls
getaddrinfo(3) on this host's name exactly as krb5 does, and compares the
answer with the same call outside. It changes nothing in DIR.

seeds/004: haproxy's chroot had no resolv.conf or nsswitch.conf; a client's
LOW-cipher hello made OpenSSL's Kerberos code resolve the host name, which
failed with EAI_NODATA, and krb5 called abort().

Findings: CHROOT_RESOLVER_BROKEN, CHROOT_RESOLVER_LIKELY_BROKEN,
HOSTNAME_UNRESOLVABLE, CHROOT_RESOLV_CONF_MISSING, CHROOT_NSSWITCH_MISSING,
CHROOT_NSS_MODULE_MISSING, CHROOT_HOSTS_MISSING, CHROOT_URANDOM_MISSING,
CHROOT_URANDOM_NOT_DEVICE, CHROOT_DEVLOG_MISSING, CHROOT_CA_BUNDLE_MISSING,
CHROOT_LOCALTIME_MISSING, CHROOT_KRB5_NO_DEFAULT_REALM.
'tlsdoctor explain ID' tells more. Without root the getaddrinfo check is
reported as not run, never as passed.

Examples:
  tlsdoctor chroot /var/lib/haproxy
  tlsdoctor chroot --pid $(pidof -s haproxy)
  tlsdoctor chroot /var/spool/postfix --name smtp.example.net --json
  tlsdoctor chroot /srv/jail --timeout 3s --fail-on warning`;

export function registerChroot(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command("chroot [dir]")
    .description(
      "what name resolution and TLS need inside a chroot, with a real getaddrinfo inside (--pid N for a process's root)",
    )
    .option("--pid <pid>", "audit the root directory of this running process (/proc/PID/root)")
    .option("--name <host>", "the name to resolve inside (default: this host's name, as krb5 uses)")
    .option("--timeout <duration>", "deadline of each getaddrinfo child (default 10s)")
    .addHelpText("after", HELP);
  withOutputOptions(cmd);
  cmd.action((dir: string | undefined, flags: ChrootFlags) => {
    setExit(runChroot(dir, flags));
  });
}

function attemptsOf(a: ChrootAnalysis): Attempt[] {
  const one = (id: string, r: GaiResult | undefined): Attempt => {
    const skip = a.skipped.find((s) => s.check === id);
    if (r !== undefined)
      return {
        id,
        status: r.status === "timeout" ? "failed" : "ok",
        ...(r.status === "timeout" ? { reason: r.error ?? "timeout" } : {}),
      };
    return { id, status: "skipped", reason: skip?.reason ?? "no live facts" };
  };
  return [
    one("getaddrinfo-outside", a.outside),
    one("getaddrinfo-inside", a.inside),
    ...a.skipped
      .filter((s) => !s.check.startsWith("getaddrinfo-"))
      .map((s) => ({ id: s.check, status: "skipped" as const, reason: s.reason })),
  ];
}

function runChroot(dirArg: string | undefined, flags: ChrootFlags): number {
  const startedAt = new Date();
  if ((dirArg === undefined) === (flags.pid === undefined)) {
    throw new TlsDoctorError("TLSD_USAGE", "Cannot run chroot: give one DIR, or --pid N");
  }
  const timeoutMs =
    flags.timeout === undefined ? undefined : parseDuration(flags.timeout, "--timeout");
  let dir: string;
  let label: string;
  let proc: ReturnType<typeof processChroot> | undefined;
  if (flags.pid !== undefined) {
    const pid = parseIntOption(flags.pid, "--pid", 1, 2 ** 22);
    proc = processChroot(pid);
    dir = proc.dir;
    label = `pid ${pid} (${proc.process.comm}), root ${proc.process.root}`;
  } else {
    dir = resolve(dirArg ?? "");
    let isDir = false;
    try {
      isDir = statSync(dir).isDirectory();
    } catch (e) {
      throw new TlsDoctorError("TLSD_FILE", `Cannot audit ${dir}: no such directory`, {
        cause: e,
        details: { path: dir },
      });
    }
    if (!isDir)
      throw new TlsDoctorError("TLSD_FILE", `Cannot audit ${dir}: not a directory`, {
        details: { path: dir },
      });
    label = dir;
  }
  const live = gatherChrootLive(dir, {
    ...(flags.name === undefined ? {} : { name: flags.name }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(proc === undefined ? {} : { process: proc.process }),
    ...(proc?.glibc === undefined ? {} : { glibc: proc.glibc }),
  });
  const a = analyseChroot(new HostView(dir), live);
  const findings = chrootFindings(a);
  const worst = findings.find((f) => f.severity === "critical" || f.severity === "error");
  const skipped = a.skipped.find((s) => s.check === "getaddrinfo-inside");
  const summary = worst
    ? worst.title
    : a.inside === undefined
      ? `getaddrinfo inside ${a.dir} could not run (${skipped?.reason ?? "?"}); ${findings.length} finding${findings.length === 1 ? "" : "s"} from the files`
      : `getaddrinfo("${a.inside.name}") resolves inside ${a.dir}; ${findings.length === 0 ? "nothing missing" : `${findings.length} finding${findings.length === 1 ? "" : "s"} about other files`}`;
  const report: Report = makeReport({
    version: toolVersion(),
    command: "chroot",
    target: label,
    startedAt,
    verdict: { ok: worst === undefined && a.inside !== undefined, summary, side: "host" },
    findings,
    attempts: attemptsOf(a),
    sections: chrootSections(a),
    data: a,
  });
  return emitReport(report, flags);
}
