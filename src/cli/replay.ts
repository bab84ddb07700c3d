import { type Command } from "commander";
import { makeReport, toolVersion, type Report, type Section } from "../core/index.js";
import { diagnoseReplay } from "../checks/index.js";
import { loadHello, parseTarget, replay, type ReplayResult } from "../wire/index.js";
import { emitReport, parseDuration, withOutputOptions, type OutputOptions } from "./common.js";

interface ReplayFlags extends OutputOptions {
  starttls?: string;
  sni?: string | false;
  connectTo?: string;
  timeout: string;
  reviveWait: string;
}

const HELP = `
FILE is a hello saved by 'tlsdoctor scan' (JSON, format tlsdoctor-hello/1) or
a hex dump of the records to send. The hello is sent exactly as saved, after
STARTTLS if the target says so; a canary before and after tells whether the
server answered, refused (alert), reset the connection, or died.

Examples:
  tlsdoctor replay /tmp/tlsdoctor/hello-mx.example.org_25-killer-….json smtp://mx.example.org
  tlsdoctor replay hello.hex 127.0.0.1:8443 --revive-wait 0`;

export function registerReplay(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command("replay <file> <target>")
    .description(
      "send a saved ClientHello again and report what happened (answer, alert, reset, death)",
    )
    .option("--starttls <proto>", "start TLS with this protocol on a bare host")
    .option("--sni <name>", "server name for the canary hellos")
    .option("--no-sni", "no server name in the canary hellos")
    .option("--connect-to <addr>", "connect to this address")
    .option("--timeout <duration>", "deadline of each exchange", "5s")
    .option(
      "--revive-wait <duration>",
      "after a death, wait this long for the server to return (0: don't)",
      "15s",
    )
    .addHelpText("after", HELP);
  withOutputOptions(cmd);
  cmd.action(async (file: string, targetText: string, flags: ReplayFlags) => {
    setExit(await runReplay(file, targetText, flags));
  });
}

async function runReplay(file: string, targetText: string, flags: ReplayFlags): Promise<number> {
  const startedAt = new Date();
  const target = parseTarget(
    targetText,
    flags.starttls === undefined ? {} : { starttls: flags.starttls },
  );
  const { records } = await loadHello(file);
  const reviveWaitMs =
    flags.reviveWait.trim() === "0" ? 0 : parseDuration(flags.reviveWait, "--revive-wait");
  const r = await replay(target, records, {
    timeoutMs: parseDuration(flags.timeout, "--timeout"),
    reviveWaitMs,
    ...(flags.sni === false ? { sni: false } : flags.sni ? { sni: flags.sni } : {}),
    ...(flags.connectTo ? { connectTo: flags.connectTo } : {}),
  });
  return emitReport(replayReport(file, target.input, startedAt, r), flags);
}

function replayReport(file: string, target: string, startedAt: Date, r: ReplayResult): Report {
  const died = r.aliveBefore && !r.aliveAfter;
  const summary = !r.aliveBefore
    ? `${target} did not answer the canary before the replay (${r.before})`
    : died
      ? `The hello killed ${target}: ${r.outcome}, then the canary failed (${r.after})${r.revived === undefined ? "" : r.revived ? "; it came back" : "; it did not come back"}`
      : `${target} survived the hello: ${r.outcome}`;
  const sections: Section[] = [
    {
      kind: "fields",
      title: "Replay",
      fields: [
        { label: "file", value: file },
        {
          label: "hello",
          value: `${r.decoded.version}, ${r.decoded.suites.length} suites, ${r.decoded.extensions.length} extensions`,
        },
        { label: "canary before", value: r.before, tone: r.aliveBefore ? "good" : "bad" },
        { label: "answer", value: r.outcome },
        { label: "canary after", value: r.after, tone: r.aliveAfter ? "good" : "bad" },
        ...(r.revived === undefined
          ? []
          : [{ label: "came back", value: r.revived ? "yes" : "no" }]),
      ],
    },
  ];
  return makeReport({
    version: toolVersion(),
    command: "replay",
    target,
    startedAt,
    verdict: { ok: !died && r.aliveBefore, summary, side: "server" },
    findings: diagnoseReplay(r, file),
    sections,
    data: { replay: r },
  });
}
