import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Command, Option } from "commander";
import {
  makeReport,
  toolVersion,
  TlsDoctorError,
  type Field,
  type Section,
} from "../core/index.js";
import {
  explain,
  looksLikeFindingId,
  parseFindingDocs,
  type Answer,
  type FindingDoc,
} from "../explain/index.js";
import { emitReport, withOutputOptions, type OutputOptions } from "./common.js";

interface ExplainFlags extends OutputOptions {
  side?: "server" | "client";
}

const HELP = `
Paste what you have — a whole log line, an OpenSSL error of any version, a
bare code, an alert, a verify code, a message from Java, Go, rustls, .NET,
NSS, curl or GnuTLS, an EAI/errno/SSL_ERROR name — or a finding id. Each
thing recognised gets: what it means, which side produced it, the usual
causes (most common first), the tlsdoctor command that tells them apart, and
the related findings.

Direction matters: 'SSL_accept … alert bad certificate' (the server received
it) means the CLIENT rejected the server's certificate; on the client side
the same alert means the server rejected ours. tlsdoctor reads the side from
the text (SSL_accept/SSL_connect, smtpd/smtp, "from"/"to", nginx "upstream"
…); --side says it when the text does not; without either, both readings.

OpenSSL codes are decoded in both packed layouts (1.0/1.1: lib<<24|func<<12|
reason; 3.x: lib<<23|reason) and the reading whose library matches the text
is kept: 'openssl errstr 14094412' on OpenSSL 3 prints nonsense, this does not.

Examples:
  tlsdoctor explain 'error:14094412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate'
  tlsdoctor explain 'postfix/smtpd[4711]: SSL_accept error from mx.example.net[192.0.2.1]: -1'
  tlsdoctor explain 0A000086
  tlsdoctor explain 'curl: (60) SSL certificate problem: unable to get local issuer certificate'
  tlsdoctor explain -- -5                  (EAI_NODATA, as in seeds/004)
  tlsdoctor explain TRUST_STORE_STALE
  journalctl -u exim4 | grep 'TLS error' | tail -1 | xargs -0 tlsdoctor explain`;

export function registerExplain(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command("explain <text...>")
    .description(
      "decode an OpenSSL/GnuTLS error, alert, verify code, message or finding id — with its side and causes",
    )
    .addOption(
      new Option("--side <side>", "the side that logged it, when the text does not say").choices([
        "server",
        "client",
      ]),
    )
    .addHelpText("after", HELP);
  withOutputOptions(cmd);
  cmd.action((text: string[], flags: ExplainFlags) => {
    setExit(runExplain(text.join(" "), flags));
  });
}

let docs: Map<string, FindingDoc> | undefined;
/** docs/findings.md of this installation (beside dist/ in the package). */
function findingDocs(): Map<string, FindingDoc> {
  if (docs) return docs;
  for (const rel of ["../docs/findings.md", "../../docs/findings.md"]) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return (docs = parseFindingDocs(readFileSync(p, "utf8")));
  }
  return (docs = new Map<string, FindingDoc>());
}

function findingSections(d: FindingDoc): Section[] {
  return [
    {
      kind: "fields",
      title: d.id,
      fields: [
        { label: "severity", value: d.severity },
        { label: "side", value: d.side },
        { label: "layer", value: d.layer },
        { label: "group", value: d.group },
      ],
    },
    { kind: "text", title: "What it means", lines: d.text.split("\n").filter((l) => l !== "") },
    ...(d.confirm ? [{ kind: "text" as const, title: "Confirm", lines: [d.confirm] }] : []),
    ...(d.fix ? [{ kind: "text" as const, title: "Fix", lines: [d.fix] }] : []),
  ];
}

function answerSections(a: Answer, i: number): Section[] {
  const e = a.explanation;
  const fields: Field[] = [
    { label: "decoded", value: a.decoded },
    { label: "from", value: a.source.length > 160 ? `${a.source.slice(0, 160)}…` : a.source },
  ];
  if (a.openssl?.ambiguous) fields.push({ label: "layout", value: a.openssl.why });
  if (e) {
    fields.push({ label: "produced by", value: e.producedBy });
    for (const r of e.readings) fields.push({ label: `on the ${r.side}`, value: r.text });
  }
  const out: Section[] = [
    { kind: "fields", title: `${i + 1}. ${e?.entry.title ?? a.decoded}`, fields },
  ];
  if (e) {
    out.push({ kind: "text", title: "Meaning", lines: [e.entry.meaning] });
    if (e.entry.causes.length > 0)
      out.push({
        kind: "text",
        title: "Usual causes, most common first",
        lines: e.entry.causes.map((c, k) => `${k + 1}. ${c}`),
      });
    if (e.entry.confirm.length > 0)
      out.push({ kind: "text", title: "Tell them apart", lines: [...e.entry.confirm] });
    if (e.entry.findings.length > 0)
      out.push({
        kind: "text",
        title: "Related findings (tlsdoctor explain ID)",
        lines: [e.entry.findings.join(", ")],
      });
  }
  return out;
}

function runExplain(input: string, flags: ExplainFlags): number {
  const startedAt = new Date();
  const trimmed = input.trim();
  if (trimmed === "")
    throw new TlsDoctorError(
      "TLSD_USAGE",
      "Cannot explain an empty text: paste an error, a code or a finding id",
    );
  const target = trimmed.length > 80 ? `${trimmed.slice(0, 80)}…` : trimmed;
  if (looksLikeFindingId(trimmed)) {
    const d = findingDocs().get(trimmed);
    if (d === undefined)
      throw new TlsDoctorError(
        "TLSD_USAGE",
        `Cannot explain ${trimmed}: no such finding id (docs/findings.md lists them all)`,
      );
    return emitReport(
      makeReport({
        version: toolVersion(),
        command: "explain",
        target,
        startedAt,
        verdict: { ok: true, summary: `${d.id}: ${d.group}` },
        findings: [],
        sections: findingSections(d),
        data: { finding: d },
      }),
      flags,
    );
  }
  const r = explain(input, flags.side);
  if (r.answers.length === 0) {
    throw new TlsDoctorError(
      "TLSD_USAGE",
      `Cannot explain ${JSON.stringify(target)}: no OpenSSL or GnuTLS error, alert, verify code, known message, EAI/errno name or finding id in it`,
    );
  }
  const first = r.answers[0] as Answer;
  const sideText =
    r.direction.ourRole === "unknown"
      ? "side not stated: both readings"
      : `logged by the ${r.direction.ourRole} (${r.direction.evidence})`;
  return emitReport(
    makeReport({
      version: toolVersion(),
      command: "explain",
      target,
      startedAt,
      verdict: {
        ok: true,
        summary: `${first.explanation?.entry.title ?? first.decoded}; ${sideText}`,
        ...(r.direction.ourRole === "unknown" ? {} : { side: r.direction.ourRole }),
      },
      findings: [],
      sections: r.answers.flatMap(answerSections),
      data: r,
    }),
    flags,
  );
}
