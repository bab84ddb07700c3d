import { rmSync } from "node:fs";
import { type Command } from "commander";
import { HostView, makeReport, toolVersion, TlsDoctorError, type Report } from "../core/index.js";
import { hostChecks, runHostChecks, type HostRun } from "../checks/index.js";
import { snapshotFacts, unpackSnapshot } from "../host/index.js";
import { emitReport, withOutputOptions, type OutputOptions } from "./common.js";

interface HostFlags extends OutputOptions {
  root?: string;
  only?: string;
  bench?: boolean;
  progress: boolean;
}

const HELP = `
Without --root, tlsdoctor checks this machine: it reads files (through one
read-only view of /), asks the kernel (AF_ALG sockets, getrandom) and looks at
running processes. With --root it reads everything under DIR instead — a
snapshot made by 'tlsdoctor collect' (unpacked, or the .tar.gz itself) or any
sysroot — and uses the live facts the snapshot recorded; where they are
missing it falls back to what the files say (e.g. the kernel release in
DIR/proc/sys/kernel/osrelease). A check that cannot run says so.

Checks (ids for --only):
  kernel        running vs installed kernels (KERNEL_NOT_BOOTED_LATEST), glibc vs
                the kernel, getrandom and arc4random (GETRANDOM_UNAVAILABLE),
                /dev/urandom, fd limits of TLS daemons, FIPS mode
  kernelCrypto  /proc/crypto, the driver the kernel picks, AF_ALG bind and
                known-answer tests (KERNEL_CRYPTO_UNREACHABLE), randomness
  trustStore    the CA store against Mozilla's roots (TRUST_STORE_STALE)
  tlsConfig     openssl.cnf, crypto-policies, GnuTLS config: what they refuse
  daemons       TLS listeners, their processes, replaced libraries still mapped
'tlsdoctor explain ID' tells more about a finding (issue 6); docs/findings.md
has every id.

Examples:
  tlsdoctor host
  tlsdoctor host --only kernelCrypto --bench
  tlsdoctor collect -o web1.tar.gz && tlsdoctor host --root web1.tar.gz
  tlsdoctor host --root /srv/chroot/haproxy --json`;

export function registerHost(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command("host")
    .description(
      "host checks: kernel, libc, entropy, limits, kernel crypto, trust store, TLS library config, daemons",
    )
    .option("--root <dir|snapshot.tar.gz>", "check a snapshot or sysroot instead of this machine")
    .option("--only <ids>", "only these checks, comma-separated (see the list below)")
    .option("--bench", "kernel-crypto: measure AF_ALG throughput beside node:crypto's")
    .option("--no-progress", "no progress line on stderr")
    .addHelpText("after", HELP);
  withOutputOptions(cmd);
  cmd.action(async (flags: HostFlags) => {
    setExit(await runHost(flags));
  });
}

/** Opens --root: a directory as is, a .tar.gz unpacked into a temporary directory. */
export async function openRoot(
  root: string | undefined,
): Promise<{ view: HostView; facts?: Record<string, unknown>; cleanup: () => void }> {
  if (root === undefined) return { view: new HostView("/"), cleanup: () => undefined };
  const probe = new HostView("/");
  const kind = probe.kind(root);
  if (kind === "missing")
    throw new TlsDoctorError("TLSD_FILE", `Cannot use --root ${root}: no such file or directory`);
  if (kind === "dir") {
    const facts = snapshotFacts(root);
    return { view: new HostView(root), ...(facts ? { facts } : {}), cleanup: () => undefined };
  }
  const dir = await unpackSnapshot(root);
  const facts = snapshotFacts(dir);
  return {
    view: new HostView(dir),
    ...(facts ? { facts } : {}),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A one-line progress on a terminal's stderr, cleared when done. */
export function progressLine(enabled: boolean): (text: string | undefined) => void {
  const on = enabled && process.stderr.isTTY;
  return (text) => {
    if (!on) return;
    process.stderr.write(text === undefined ? "\r\x1b[K" : `\r\x1b[K${text.slice(0, 100)}`);
  };
}

export function hostReport(
  run: HostRun,
  o: { command: string; target: string; startedAt: Date; extraData?: Record<string, unknown> },
): Report {
  const worst = run.findings.find((f) => f.severity === "critical" || f.severity === "error");
  const failed = run.attempts.filter((a) => a.status === "failed");
  const ran = run.attempts.filter((a) => a.status === "ok").length;
  return makeReport({
    version: toolVersion(),
    command: o.command,
    target: o.target,
    startedAt: o.startedAt,
    verdict: {
      ok: worst === undefined,
      summary: worst
        ? worst.title
        : `${ran} checks ran, no problem at error level${run.skipped.length ? `; ${run.skipped.length} parts could not be checked` : ""}${failed.length ? `; ${failed.length} checks failed` : ""}`,
      side: "host",
    },
    findings: run.findings,
    attempts: run.attempts,
    sections: [
      ...run.sections,
      ...(run.skipped.length > 0
        ? [
            {
              kind: "text" as const,
              title: "Not checked",
              lines: run.skipped.map((s) => `${s.check}: ${s.reason}`),
            },
          ]
        : []),
    ],
    data: { checks: run.analyses, skipped: run.skipped, ...o.extraData },
  });
}

async function runHost(flags: HostFlags): Promise<number> {
  const startedAt = new Date();
  const checks = hostChecks({ bench: flags.bench === true });
  const only = flags.only
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const id of only ?? []) {
    if (!checks.some((c) => c.id === id)) {
      throw new TlsDoctorError(
        "TLSD_USAGE",
        `Cannot run --only ${id}: the checks are ${checks.map((c) => c.id).join(", ")}`,
      );
    }
  }
  const { view, facts, cleanup } = await openRoot(flags.root);
  try {
    const line = progressLine(flags.progress && !flags.json && !flags.quiet);
    const run = runHostChecks(view, checks, {
      live: view.live,
      ...(facts ? { facts } : {}),
      ...(only ? { only } : {}),
      onProgress: (done, total, id) =>
        line(done < total ? `host: ${id} (${done + 1}/${total})…` : undefined),
    });
    return emitReport(
      hostReport(run, {
        command: "host",
        target: view.live ? "this host" : `${flags.root ?? ""}${facts ? " (snapshot)" : ""}`,
        startedAt,
        extraData: { live: view.live, snapshotFacts: facts ? Object.keys(facts) : [] },
      }),
      flags,
    );
  } finally {
    cleanup();
  }
}
