import { existsSync } from "node:fs";
import { type Command } from "commander";
import { SingleBar, Presets } from "cli-progress";
import { makeReport, toolVersion, TlsDoctorError, type Section } from "../core/index.js";
import { explain, scanLogs, type Answer, type LogGroup } from "../explain/index.js";
import { emitReport, withOutputOptions, type OutputOptions } from "./common.js";

interface LogsFlags extends OutputOptions {
  since?: string;
  until?: string;
  limit: string;
  progress: boolean;
}

const HELP = `
Reads plain, gzip'd and journald (journalctl -o json or -o export) logs, '-'
for stdin, with bounded memory whatever their size; huge lines, binary junk
and invalid UTF-8 are survived. Recognises TLS and crypto failures of
Postfix, Exim (OpenSSL and GnuTLS builds), Dovecot, OpenSSH, nginx, Apache,
haproxy, the kernel (AF_ALG, crypto self-tests, dm-crypt), glibc (arc4random),
the audit log (ANOM_ABEND) and crashes (signal 11, segfault in libX.so), and
groups them by cause and peer: count, first and last seen, one example line,
what it means for the side that logged it (tlsdoctor explain), the finding
it points to and the command that confirms it.

--since/--until take an ISO date ("2026-11-23", "2026-11-23T04:00") or an age
("90m", "12h", "7d"). Lines without a time are kept.

Examples:
  tlsdoctor logs /var/log/mail.log /var/log/mail.log.1 /var/log/mail.log.2.gz
  journalctl -u postfix@- -o json --since today | tlsdoctor logs -
  tlsdoctor logs /var/log/syslog --since 12h --json`;

/** An ISO date or an age ("90m", "12h", "7d") as ms since the epoch. */
export function parseWhen(text: string, flag: string, now = Date.now()): number {
  const age = /^(\d+)\s*([smhdw])$/.exec(text.trim());
  if (age?.[1] !== undefined && age[2] !== undefined) {
    const unit = { s: 1e3, m: 6e4, h: 36e5, d: 864e5, w: 6048e5 }[age[2]] ?? 0;
    return now - Number(age[1]) * unit;
  }
  const t = Date.parse(text);
  if (Number.isNaN(t)) {
    throw new TlsDoctorError(
      "TLSD_USAGE",
      `Cannot use ${flag} ${JSON.stringify(text)}: give an ISO date (2026-11-23T04:00) or an age (90m, 12h, 7d)`,
    );
  }
  return t;
}

export function registerLogs(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command("logs <files...>")
    .description("find TLS and crypto failures in logs and group them by cause and peer")
    .option("--since <when>", "only lines at or after this time (ISO date or age: 12h, 7d)")
    .option("--until <when>", "only lines before this time")
    .option("--limit <n>", "groups shown in text output (JSON has all)", "30")
    .option("--no-progress", "no progress bar on stderr")
    .addHelpText("after", HELP);
  withOutputOptions(cmd);
  cmd.action(async (files: string[], flags: LogsFlags) => {
    setExit(await runLogs(files, flags));
  });
}

const when = (t: number | undefined): string =>
  t === undefined ? "—" : new Date(t).toISOString().replace(/\.\d+Z$/, "Z");

/** The explanation of a group: its error text read for the side the daemon's wording gave. */
function explainGroup(g: LogGroup): Answer | undefined {
  const r = explain(`${g.errorText}\n${g.example.text}`, g.role);
  return r.answers.find((a) => a.explanation !== undefined) ?? r.answers[0];
}

async function runLogs(files: string[], flags: LogsFlags): Promise<number> {
  const startedAt = new Date();
  const since = flags.since === undefined ? undefined : parseWhen(flags.since, "--since");
  const until = flags.until === undefined ? undefined : parseWhen(flags.until, "--until");
  const limit = Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw new TlsDoctorError(
      "TLSD_USAGE",
      `Cannot use --limit ${flags.limit}: give a positive number`,
    );
  for (const f of files) {
    if (f !== "-" && !existsSync(f))
      throw new TlsDoctorError("TLSD_FILE", `Cannot read ${f}: no such file`, {
        details: { path: f },
      });
  }
  const tty = flags.progress && process.stderr.isTTY && !flags.json && !flags.quiet;
  const bar = tty
    ? new SingleBar(
        { format: " {bar} {percentage}% · {file}", stream: process.stderr, hideCursor: true },
        Presets.shades_classic,
      )
    : undefined;
  let started = false;
  const result = await scanLogs(files, {
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
    onProgress: (p) => {
      if (p.total === undefined || p.total < 8 * 1024 * 1024) return;
      if (!started) {
        bar?.start(100, 0, { file: p.input });
        started = true;
      }
      bar?.update(Math.floor((100 * p.read) / p.total), { file: p.input.slice(-40) });
    },
  }).finally(() => bar?.stop());
  const explained = result.groups.map((g) => ({ group: g, answer: explainGroup(g) }));
  const sections: Section[] = [
    {
      kind: "table",
      title: `TLS and crypto failures (${result.matched} lines in ${result.groups.length} groups; ${result.lines} lines read)`,
      columns: ["count", "source", "cause", "peer", "our side", "first seen", "last seen"],
      rows: explained
        .slice(0, limit)
        .map(({ group: g }) => [
          String(g.count),
          g.source,
          g.cause,
          g.peerName ? `${g.peerName} ${g.peer ?? ""}` : (g.peer ?? ""),
          g.role ?? "?",
          when(g.firstSeen),
          when(g.lastSeen),
        ]),
    },
    ...explained.slice(0, limit).flatMap(({ group: g, answer: a }, i): Section[] => {
      const e = a?.explanation;
      return [
        {
          kind: "fields",
          title: `${i + 1}. ${g.cause} × ${g.count}${g.peer ? ` from/to ${g.peer}` : ""}`,
          fields: [
            {
              label: "example",
              value: `${g.example.input}:${g.example.lineNo}: ${g.example.text.slice(0, 300)}`,
            },
            ...(a ? [{ label: "decoded", value: a.decoded }] : []),
            ...(e
              ? [
                  {
                    label: "means",
                    value:
                      e.readings.map((r) => `(${r.side}) ${r.text}`).join(" / ") || e.entry.meaning,
                  },
                  ...(e.entry.causes[0]
                    ? [{ label: "most likely", value: e.entry.causes[0] }]
                    : []),
                  ...(e.entry.confirm[0]
                    ? [{ label: "confirm with", value: e.entry.confirm.join("; ") }]
                    : []),
                  ...(e.entry.findings.length
                    ? [{ label: "findings", value: e.entry.findings.join(", ") }]
                    : []),
                ]
              : [
                  {
                    label: "means",
                    value: "not in the knowledge base: tlsdoctor explain on the example line",
                  },
                ]),
          ],
        },
      ];
    }),
  ];
  if (result.problems.length > 0) {
    sections.push({
      kind: "text",
      title: "Input problems",
      lines: result.problems
        .slice(0, 20)
        .map((p) => `${p.input}${p.lineNo === undefined ? "" : `:${p.lineNo}`}: ${p.message}`),
    });
  }
  const top = explained[0];
  return emitReport(
    makeReport({
      version: toolVersion(),
      command: "logs",
      target: files.join(" "),
      startedAt,
      verdict: {
        ok: result.groups.length === 0,
        summary:
          result.groups.length === 0
            ? `no TLS or crypto failure in ${result.lines} lines`
            : `${result.matched} failures in ${result.groups.length} groups; most: ${top?.group.cause ?? ""} × ${top?.group.count ?? 0}`,
      },
      findings: [],
      sections,
      data: {
        ...result,
        groups: explained.map(({ group, answer }) => ({
          ...group,
          explanation: answer
            ? {
                key: answer.key,
                decoded: answer.decoded,
                ...(answer.explanation
                  ? {
                      title: answer.explanation.entry.title,
                      readings: answer.explanation.readings,
                      causes: answer.explanation.entry.causes,
                      confirm: answer.explanation.entry.confirm,
                      findings: answer.explanation.entry.findings,
                    }
                  : {}),
              }
            : null,
        })),
      },
    }),
    flags,
  );
}
