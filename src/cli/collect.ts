import { hostname } from "node:os";
import { type Command } from "commander";
import { HostView, makeReport, toolVersion, type HostAccess } from "../core/index.js";
import { hostChecks, runHostChecks } from "../checks/index.js";
import { writeSnapshot } from "../host/index.js";
import { emitReport, withOutputOptions, type OutputOptions } from "./common.js";
import { progressLine } from "./host.js";

interface CollectFlags extends OutputOptions {
  output?: string;
  progress: boolean;
}

const HELP = `
collect runs every host check on this machine, recording each path the checks
read, list or stat, and writes those paths (files with their content, owners,
modes and times; directories; symlinks) plus the facts only a live host gives
— uname, getrandom, AF_ALG results, limits, TLS daemons and their maps — into
one .tar.gz. Nothing else is copied. 'tlsdoctor host --root FILE' analyses it
on any machine. Layout: docs/snapshot.md.

Examples:
  tlsdoctor collect
  tlsdoctor collect -o /tmp/web1.tar.gz && scp /tmp/web1.tar.gz support:
  tlsdoctor host --root web1.tar.gz`;

export function registerCollect(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command("collect")
    .description("snapshot this host for offline analysis (tlsdoctor host --root FILE)")
    .option(
      "-o, --output <file>",
      "where to write the snapshot (default: tlsdoctor-HOST-TIME.tar.gz)",
    )
    .option("--no-progress", "no progress line on stderr")
    .addHelpText("after", HELP);
  withOutputOptions(cmd);
  cmd.action(async (flags: CollectFlags) => {
    setExit(await runCollect(flags));
  });
}

async function runCollect(flags: CollectFlags): Promise<number> {
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[-:]/g, "").replace(/\..*/, "");
  const out = flags.output ?? `tlsdoctor-${hostname()}-${stamp}.tar.gz`;
  const accesses: HostAccess[] = [];
  const view = new HostView("/", { onAccess: (a) => accesses.push(a) });
  const line = progressLine(flags.progress && !flags.json && !flags.quiet);
  const run = runHostChecks(view, hostChecks({ bench: false }), {
    live: true,
    onProgress: (done, total, id) =>
      line(done < total ? `collect: ${id} (${done + 1}/${total})…` : undefined),
  });
  const manifest = await writeSnapshot(out, accesses, run.facts, {
    onProgress: (done, total, p) => {
      if (done % 64 === 0 || done === total)
        line(done < total ? `collect: writing ${done}/${total} ${p}` : undefined);
    },
  });
  line(undefined);
  const failed = run.attempts.filter((a) => a.status === "failed");
  return emitReport(
    makeReport({
      version: toolVersion(),
      command: "collect",
      target: out,
      startedAt,
      verdict: {
        ok: true,
        summary: `wrote ${out}: ${manifest.files} files (${(manifest.bytes / 1048576).toFixed(1)} MiB), ${manifest.directories} directories, ${manifest.symlinks} symlinks, facts of ${Object.keys(run.facts).length} checks${manifest.skipped.length ? `; ${manifest.skipped.length} paths left out` : ""}`,
        side: "host",
      },
      findings: [],
      attempts: run.attempts,
      sections: [
        {
          kind: "fields",
          title: "Snapshot",
          fields: [
            { label: "file", value: out },
            {
              label: "files",
              value: `${manifest.files} (${manifest.placeholders.length} stored empty: listed, not read)`,
            },
            { label: "bytes", value: String(manifest.bytes) },
            { label: "special files", value: String(manifest.special.length) },
            { label: "live facts", value: Object.keys(run.facts).join(", ") || "(none)" },
            { label: "analyse with", value: `tlsdoctor host --root ${out}` },
          ],
        },
        ...(manifest.skipped.length + failed.length > 0
          ? [
              {
                kind: "text" as const,
                title: "Left out",
                lines: [
                  ...manifest.skipped.map((s) => `${s.path}: ${s.reason}`),
                  ...failed.map((a) => `check ${a.id} failed: ${a.reason ?? ""}`),
                ],
              },
            ]
          : []),
      ],
      data: { file: out, manifest, facts: Object.keys(run.facts) },
    }),
    flags,
  );
}
