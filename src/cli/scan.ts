import { readFileSync } from "node:fs";
import { type Command } from "commander";
import { SingleBar, Presets } from "cli-progress";
import { makeReport, TlsDoctorError, toolVersion, type Report } from "../core/index.js";
import { diagnoseScan } from "../checks/index.js";
import { renderJsonLine } from "../report/index.js";
import {
  SCAN_PARTS,
  SCAN_PROTOCOLS,
  parseTarget,
  scan,
  type ScanOptions,
  type ScanPart,
  type ScanResult,
  type Target,
} from "../wire/index.js";
import {
  emitReport,
  exitFor,
  parseDuration,
  parseIntOption,
  withOutputOptions,
  type OutputOptions,
} from "./common.js";
import { scanSections } from "./scan-view.js";

interface ScanFlags extends OutputOptions {
  starttls?: string;
  sni?: string | false;
  connectTo?: string;
  only?: string;
  protocols?: string;
  targets?: string;
  concurrency: string;
  perTarget: string;
  timeout: string;
  saveDir?: string;
  narrow: boolean;
  reviveWait: string;
  progress: boolean;
}

const HELP = `
tlsdoctor scan speaks TLS with its own codec, so it can offer what OpenSSL 3
cannot: SSLv2, SSLv3, export, DES, RC4, NULL, anonymous and GOST suites, and
odd hellos. It finds the accepted suites with few handshakes (offer all, drop
the one chosen, repeat) and the server's order for free.

Robustness: after any probe that ends badly (reset, silence, internal_error)
a canary (a plain modern hello) checks the server still answers. If it does
not, the scan stops hammering it, saves the killing hello to a file
(--save-dir), waits for the server to come back (--revive-wait) and narrows
the hello down to the suites or extension that kill it. Replay the file with
'tlsdoctor replay FILE TARGET'.

Parts (--only): ${SCAN_PARTS.join(", ")}.

Examples:
  tlsdoctor scan example.org
  tlsdoctor scan smtp://mx.example.org --only protocols,suites
  tlsdoctor scan --targets hosts.txt --concurrency 8 --json > scan.jsonl
  tlsdoctor scan 10.0.0.5:443 --sni www.example.org --protocols TLSv1.2,TLSv1.3

With several targets and --json, one report per line (JSON lines) as each
target finishes. Exit status: 0 no finding at or above --fail-on, 1 otherwise,
2 usage error.`;

function list<T extends string>(
  text: string | undefined,
  allowed: readonly T[],
  option: string,
): T[] | undefined {
  if (text === undefined) return undefined;
  const items = text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const i of items) {
    if (!(allowed as readonly string[]).includes(i)) {
      throw new TlsDoctorError(
        "TLSD_USAGE",
        `Cannot use ${option} ${i}: use ${allowed.join(", ")}`,
      );
    }
  }
  return items as T[];
}

export function registerScan(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command("scan [target...]")
    .description(
      "protocols, suites, groups, signature schemes, ALPN, features, tolerance and robustness (which hello kills the server)",
    )
    .option("--starttls <proto>", "start TLS with this protocol on a bare host (smtp, imap, …)")
    .option("--sni <name>", "send this server name (default: the target's host name)")
    .option("--no-sni", "send no server name")
    .option("--connect-to <addr>", "connect to this address but keep the target's name for SNI")
    .option("--only <parts>", `run only these parts, comma-separated (${SCAN_PARTS.join(",")})`)
    .option("--protocols <list>", `protocols to test (${SCAN_PROTOCOLS.join(",")})`)
    .option("--targets <file>", "read more targets from a file, one per line (# comments)")
    .option("--concurrency <n>", "targets scanned at once", "4")
    .option("--per-target <n>", "connections in flight to one target", "4")
    .option("--timeout <duration>", "deadline of each handshake: 5s, 500ms", "5s")
    .option(
      "--save-dir <dir>",
      "where to save a hello that kills the server (default: $TMPDIR/tlsdoctor)",
    )
    .option("--no-narrow", "do not narrow a killing hello down")
    .option("--revive-wait <duration>", "how long to wait for a killed server to come back", "15s")
    .option("--no-progress", "no progress bar on stderr")
    .addHelpText("after", HELP);
  withOutputOptions(cmd);
  cmd.action(async (targets: string[], flags: ScanFlags) => {
    setExit(await runScan(targets, flags));
  });
}

function readTargets(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new TlsDoctorError(
      "TLSD_FILE",
      `Cannot read --targets ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      { cause: e },
    );
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*/, "").trim())
    .filter(Boolean);
}

async function runScan(args: string[], flags: ScanFlags): Promise<number> {
  const inputs = [...args, ...(flags.targets ? readTargets(flags.targets) : [])];
  if (inputs.length === 0)
    throw new TlsDoctorError("TLSD_USAGE", "Cannot scan: name a TARGET or give --targets FILE");
  const targets = inputs.map((t) =>
    parseTarget(t, flags.starttls === undefined ? {} : { starttls: flags.starttls }),
  );
  const only = list<ScanPart>(flags.only, SCAN_PARTS, "--only");
  const protocols = list(flags.protocols, SCAN_PROTOCOLS, "--protocols");
  const base: ScanOptions = {
    timeoutMs: parseDuration(flags.timeout, "--timeout"),
    perTarget: parseIntOption(flags.perTarget, "--per-target", 1, 32),
    reviveWaitMs: parseDuration(flags.reviveWait, "--revive-wait"),
    narrow: flags.narrow,
    ...(only ? { only } : {}),
    ...(protocols ? { protocols } : {}),
    ...(flags.sni === false ? { sni: false } : flags.sni ? { sni: flags.sni } : {}),
    ...(flags.connectTo ? { connectTo: flags.connectTo } : {}),
    ...(flags.saveDir ? { saveDir: flags.saveDir } : {}),
  };
  const concurrency = parseIntOption(flags.concurrency, "--concurrency", 1, 256);
  const tty = flags.progress && process.stderr.isTTY && !flags.quiet;
  const bar = tty
    ? new SingleBar(
        {
          format: " {bar} {value}/{total} targets · {hellos} hellos · {label}",
          stream: process.stderr,
          hideCursor: true,
        },
        Presets.shades_classic,
      )
    : undefined;
  let hellos = 0;
  let finished = 0;
  bar?.start(targets.length, 0, { hellos, label: "" });
  const many = targets.length > 1;
  let worst = 0;
  const emit = (report: Report): void => {
    bar?.stop();
    if (many && flags.json) {
      process.stdout.write(renderJsonLine(report));
      worst = Math.max(worst, exitFor(report, flags));
    } else {
      worst = Math.max(worst, emitReport(report, flags));
    }
    if (bar && finished < targets.length)
      bar.start(targets.length, finished, { hellos, label: "" });
  };
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      const target = targets[i];
      if (target === undefined) return;
      const report = await scanOne(target, {
        ...base,
        onHello: (label) =>
          bar?.update(finished, { hellos: ++hellos, label: `${target.display} ${label}` }),
      });
      finished++;
      emit(report);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, worker));
  } finally {
    bar?.stop();
  }
  return worst;
}

/** Scans one target into a Report; a target that fails does not stop the others. */
export async function scanOne(target: Target, options: ScanOptions): Promise<Report> {
  const startedAt = new Date();
  try {
    const result = await scan(target, options);
    return scanReport(target, startedAt, result);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return makeReport({
      version: toolVersion(),
      command: "scan",
      target: target.input,
      startedAt,
      verdict: { ok: false, summary: `Scan of ${target.display} failed: ${message}` },
      findings: [],
      attempts: [{ id: "scan", status: "failed", reason: message }],
      data: { error: { code: e instanceof TlsDoctorError ? e.code : "TLSD_INTERNAL", message } },
    });
  }
}

function scanReport(target: Target, startedAt: Date, r: ScanResult): Report {
  const findings = diagnoseScan(r);
  const accepted = r.protocols.flatMap((p) =>
    p.accepted.map((a) => ({
      protocol: p.protocol,
      code: a.hex,
      name: a.name,
      ...(a.openssl ? { openssl: a.openssl } : {}),
    })),
  );
  const bad = findings.filter((f) => f.severity === "error" || f.severity === "critical");
  const summary = !r.reachable
    ? `${target.display} does not answer a modern TLS hello (${r.baseline})`
    : r.killed
      ? `${target.display} stopped answering after one of our hellos`
      : `${accepted.length} suites over ${
          r.protocols
            .filter((p) => p.supported)
            .map((p) => p.protocol)
            .join(", ") || "no protocol"
        }; ${findings.length} finding${findings.length === 1 ? "" : "s"}`;
  return makeReport({
    version: toolVersion(),
    command: "scan",
    target: target.input,
    startedAt,
    verdict: { ok: r.reachable && bad.length === 0, summary, side: "server" },
    findings,
    attempts: [
      {
        id: "scan",
        status: r.reachable ? "ok" : "failed",
        ...(r.reachable ? {} : { reason: r.baseline }),
      },
    ],
    sections: scanSections(r),
    data: { scan: r, accepted },
  });
}
