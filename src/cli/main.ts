#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { toolVersion } from "../core/index.js";
import { emitError, EXIT_USAGE } from "./common.js";
import { registerProbe } from "./probe.js";
import { registerReplay } from "./replay.js";
import { registerScan } from "./scan.js";
import { registerElf } from "./elf.js";
import { registerChroot } from "./chroot.js";
import { registerHost } from "./host.js";
import { registerCollect } from "./collect.js";
import { registerExplain } from "./explain.js";
import { registerLogs } from "./logs.js";
import { runDoctor, type DoctorFlags } from "./doctor.js";

/**
 * The tlsdoctor command line. Each command lives in its own file and hands a
 * Report to report/. Exit status: 0 clean, 1 findings at/above --fail-on,
 * 2 usage or input error.
 */
export async function main(argv: readonly string[]): Promise<number> {
  let exit = 0;
  const setExit = (code: number): void => {
    exit = code;
  };
  const program = new Command()
    .name("tlsdoctor")
    .description(
      "Finds out why TLS and crypto fail on this Linux host — from the wire down to the kernel — and says what to change.\nWith no command, audits this host.",
    )
    .version(toolVersion(), "-V, --version")
    .showSuggestionAfterError(true)
    // Options after a command name belong to that command (probe --json …).
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .option("--json", "print the report as JSON (schema/report.v1.json) on stdout")
    .option("-q, --quiet", "text output: only findings and the verdict")
    .option("--no-color", "never colour the text output")
    .option("--no-progress", "no progress line on stderr")
    .action(async (opts: DoctorFlags) => {
      setExit(await runDoctor(opts));
    });
  registerProbe(program, setExit);
  registerScan(program, setExit);
  registerReplay(program, setExit);
  registerElf(program, setExit);
  registerChroot(program, setExit);
  registerHost(program, setExit);
  registerCollect(program, setExit);
  registerExplain(program, setExit);
  registerLogs(program, setExit);
  program.addHelpText(
    "after",
    `
Every command takes --json. Run 'tlsdoctor help <command>' for its options.
Exit status: 0 no finding at or above --fail-on (default: error), 1 findings, 2 usage or input error.`,
  );
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; every other commander error is a usage error.
      return e.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    const json = argv.includes("--json");
    return emitError(e, { json });
  }
  return exit;
}

// `tlsdoctor … | head` closes the pipe early: stop quietly, as cat and grep do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.exitCode = emitError(e);
  },
);
