import { Option, type Command } from "commander";
import { SingleBar, Presets } from "cli-progress";
import {
  makeReport,
  TlsDoctorError,
  toolVersion,
  type Report,
  type Section,
} from "../core/index.js";
import {
  diagnoseProbe,
  diagnoseRepeat,
  loadStores,
  type Diagnosis,
  type StoreOptions,
} from "../checks/index.js";
import {
  MAX_CONCURRENCY,
  MAX_REPEAT,
  parseTarget,
  probe,
  repeatProbe,
  TLS_VERSIONS,
  type ProbeOptions,
  type TlsVersionName,
} from "../wire/index.js";
import {
  emitReport,
  parseDuration,
  parseIntOption,
  readOptionFile,
  withOutputOptions,
  type OutputOptions,
} from "./common.js";
import { probeSections, repeatSections } from "./probe-view.js";

interface ProbeFlags extends OutputOptions {
  starttls?: string;
  sni?: string | false;
  connectTo?: string;
  alpn?: string;
  tlsMin?: string;
  tlsMax?: string;
  ciphers?: string;
  ciphersuites?: string;
  groups?: string;
  cert?: string;
  key?: string;
  ca?: string;
  reference?: string;
  store: string[];
  timeout: string;
  repeat?: string;
  interval?: string;
  concurrency?: string;
  resume: boolean;
  ehlo?: string;
  progress: boolean;
}

const HELP = `
A TARGET is host[:port] (TLS from the first byte, port 443) or a URL whose
scheme says how TLS starts and the default port:
  direct TLS   https smtps submissions imaps pop3s ldaps ftps xmpps ircs nntps
  STARTTLS     smtp submission lmtp imap pop3 ftp xmpp xmpp-server ldap nntp
               sieve postgres mysql irc
IPv6 literals go in brackets: [2001:db8::1]:443.

Examples:
  tlsdoctor probe example.org
  tlsdoctor probe smtp://mx.example.org --ehlo me.example.org
  tlsdoctor probe imap://mail.example.org:143 --tls-max 1.2
  tlsdoctor probe mail.example.org:2525 --starttls smtp --connect-to 192.0.2.10
  tlsdoctor probe smtp://localhost --repeat 200 --concurrency 20   # seeds/000
  tlsdoctor probe db:5432 --starttls postgres --ca /etc/ssl/private-ca.pem --json

The chain is verified twice: against this host's system trust store (or
--ca) and against a current reference (the Mozilla roots bundled in Node.js),
so a stale CA bundle shows as TRUST_STORE_STALE, not as a server fault.
Exit status: 0 no finding at or above --fail-on, 1 otherwise, 2 usage error.`;

function tlsVersion(text: string | undefined, option: string): TlsVersionName | undefined {
  if (text === undefined) return undefined;
  const t = text.trim().replace(/^tlsv?/i, "");
  const v = t === "1" || t === "1.0" ? "TLSv1" : (`TLSv${t}` as TlsVersionName);
  if (!TLS_VERSIONS.includes(v)) {
    throw new TlsDoctorError(
      "TLSD_USAGE",
      `Cannot use ${option} ${JSON.stringify(text)}: use 1.0, 1.1, 1.2 or 1.3`,
    );
  }
  return v;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerProbe(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command("probe <target>")
    .description("one TLS handshake (or --repeat N) with a transcript, every detail, and a verdict")
    .addOption(
      new Option(
        "--starttls <proto>",
        "start TLS with this protocol on a bare host (smtp, imap, …)",
      ),
    )
    .option("--sni <name>", "send this server name (default: the target's host name)")
    .option("--no-sni", "send no server name")
    .option(
      "--connect-to <addr>",
      "connect to this address but keep the target's name for SNI and checks",
    )
    .option("--alpn <list>", "offer these ALPN protocols, comma-separated (h2,http/1.1)")
    .option("--tls-min <version>", "lowest protocol version to offer: 1.0, 1.1, 1.2, 1.3")
    .option("--tls-max <version>", "highest protocol version to offer")
    .option("--ciphers <list>", "TLS 1.2-and-below ciphers, OpenSSL syntax")
    .option("--ciphersuites <list>", "TLS 1.3 suites, OpenSSL syntax")
    .option("--groups <list>", "key-exchange groups, colon-separated (X25519:P-256)")
    .option("--cert <file>", "client certificate (PEM)")
    .option("--key <file>", "client private key (PEM)")
    .option(
      "--ca <file|dir>",
      "verify against this CA bundle or directory instead of the system store",
    )
    .option(
      "--reference <file|dir>",
      "the current reference store (default: the Mozilla roots bundled in Node.js)",
    )
    .addOption(
      new Option("--store <name=file>", "also verify against this named store (repeatable)")
        .argParser(collect)
        .default([], "none"),
    )
    .option("--timeout <duration>", "deadline for each attempt: 10, 10s, 500ms", "10s")
    .option(
      "--repeat <n>",
      `make N independent attempts and measure the failure rate (1-${MAX_REPEAT})`,
    )
    .option("--interval <ms>", "with --repeat: pause between attempts of one worker, in ms")
    .option("--concurrency <k>", `with --repeat: attempts in flight at once (1-${MAX_CONCURRENCY})`)
    .option("--no-resume", "skip the session-resumption attempt")
    .option("--ehlo <name>", "our name in SMTP EHLO / LMTP LHLO", "tlsdoctor.invalid")
    .option("--no-progress", "no progress bar on stderr")
    .addHelpText("after", HELP);
  withOutputOptions(cmd);
  cmd.action(async (targetText: string, flags: ProbeFlags) => {
    setExit(await runProbe(targetText, flags));
  });
}

async function runProbe(targetText: string, flags: ProbeFlags): Promise<number> {
  const startedAt = new Date();
  const target = parseTarget(
    targetText,
    flags.starttls === undefined ? {} : { starttls: flags.starttls },
  );
  if ((flags.cert === undefined) !== (flags.key === undefined)) {
    throw new TlsDoctorError(
      "TLSD_USAGE",
      "Cannot use a client certificate: --cert and --key go together",
    );
  }
  const tlsMin = tlsVersion(flags.tlsMin, "--tls-min");
  const tlsMax = tlsVersion(flags.tlsMax, "--tls-max");
  const options: ProbeOptions = {
    timeoutMs: parseDuration(flags.timeout, "--timeout"),
    ...(flags.connectTo ? { connectTo: flags.connectTo } : {}),
    ...(flags.sni === false ? { sni: false } : flags.sni ? { sni: flags.sni } : {}),
    ...(flags.alpn
      ? {
          alpn: flags.alpn
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean),
        }
      : {}),
    ...(tlsMin ? { tlsMin } : {}),
    ...(tlsMax ? { tlsMax } : {}),
    ...(flags.ciphers ? { ciphers: flags.ciphers } : {}),
    ...(flags.ciphersuites ? { ciphersuites: flags.ciphersuites } : {}),
    ...(flags.groups ? { groups: flags.groups } : {}),
    ...(flags.cert ? { cert: readOptionFile(flags.cert, "--cert") } : {}),
    ...(flags.key ? { key: readOptionFile(flags.key, "--key") } : {}),
    resumption: flags.resume,
    ...(flags.ehlo ? { clientName: flags.ehlo } : {}),
  };
  const storeOptions: StoreOptions = {
    ...(flags.ca ? { ca: flags.ca } : {}),
    ...(flags.reference ? { reference: flags.reference } : {}),
    extra: flags.store,
  };
  const stores = loadStores(storeOptions);

  if (flags.repeat === undefined) {
    if (flags.interval !== undefined || flags.concurrency !== undefined) {
      throw new TlsDoctorError(
        "TLSD_USAGE",
        "Cannot use --interval or --concurrency without --repeat N",
      );
    }
    const result = await probe(target, options);
    const diagnosis = diagnoseProbe(result, stores);
    const sections = probeSections(result, diagnosis);
    return emitReport(
      probeReport(target.input, startedAt, diagnosis, sections, { probe: result }),
      flags,
    );
  }

  const count = parseIntOption(flags.repeat, "--repeat", 1, MAX_REPEAT);
  const concurrency =
    flags.concurrency === undefined
      ? 1
      : parseIntOption(flags.concurrency, "--concurrency", 1, MAX_CONCURRENCY);
  const intervalMs =
    flags.interval === undefined ? 0 : parseIntOption(flags.interval, "--interval", 0, 3_600_000);
  const bar =
    flags.progress && process.stderr.isTTY && !flags.json
      ? new SingleBar(
          {
            format: " {bar} {value}/{total} attempts · {failures} failed · {eta_formatted} left",
            stream: process.stderr,
            hideCursor: true,
          },
          Presets.shades_classic,
        )
      : undefined;
  let failures = 0;
  bar?.start(count, 0, { failures });
  const result = await repeatProbe(target, {
    ...options,
    count,
    concurrency,
    intervalMs,
    onAttempt: (done, _total, last) => {
      if (!last.ok) failures++;
      bar?.update(done, { failures });
    },
  }).finally(() => bar?.stop());
  const diagnosis = diagnoseRepeat(result, stores);
  const sections = repeatSections(result, diagnosis);
  return emitReport(
    probeReport(target.input, startedAt, diagnosis, sections, { repeat: result }),
    flags,
  );
}

/** The report of a probe or a --repeat run: `data` holds the result and the verification. */
function probeReport(
  target: string,
  startedAt: Date,
  diagnosis: Diagnosis,
  sections: readonly Section[],
  result: { probe: unknown } | { repeat: unknown },
): Report {
  return makeReport({
    version: toolVersion(),
    command: "probe",
    target,
    startedAt,
    verdict: diagnosis.verdict,
    findings: diagnosis.findings,
    attempts: diagnosis.attempts,
    sections,
    data: { ...result, verification: diagnosis.verification },
  });
}
