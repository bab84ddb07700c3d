import type { Command } from "commander";
import { TlsDoctorError } from "../core/index.js";
import { emitError } from "./common.js";

/** Commands of DESIGN.md that are not built yet, and the issue that builds each. */
export const UNBUILT = {
  logs: {
    args: "<file...>",
    summary: "find TLS and crypto failures in logs and group them by cause",
    issue: 6,
  },
} as const;

export function unbuiltError(name: string, issue: number): TlsDoctorError {
  const what = name === "" ? "'tlsdoctor' with no command (the host audit)" : `'tlsdoctor ${name}'`;
  return new TlsDoctorError(
    "TLSD_NOT_BUILT",
    `${what} is not built yet (planned in issue ${issue}); today tlsdoctor can run the host audit ('tlsdoctor'), 'probe TARGET', 'scan TARGET…', 'replay FILE TARGET', 'elf FILE', 'host', 'chroot DIR', 'collect' and 'explain'. See 'tlsdoctor --help'.`,
    { details: { command: name === "" ? "doctor" : name, issue } },
  );
}

export function registerUnbuilt(program: Command, setExit: (code: number) => void): void {
  for (const [name, u] of Object.entries(UNBUILT)) {
    program
      .command(`${name}${u.args ? ` ${u.args}` : ""}`)
      .description(`${u.summary} [not built yet]`)
      .allowUnknownOption(true)
      .option("--json", "JSON output")
      .action((...args: unknown[]) => {
        const opts = (args.at(-2) ?? {}) as { json?: boolean };
        setExit(emitError(unbuiltError(name, u.issue), opts));
      });
  }
}
