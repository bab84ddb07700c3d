import { spawnSync } from "node:child_process";
import { type Command } from "commander";
import { SingleBar, Presets } from "cli-progress";
import {
  HostView,
  makeReport,
  toolVersion,
  TlsDoctorError,
  type Finding,
  type Report,
  type Section,
} from "../core/index.js";
import { elfFindings } from "../checks/index.js";
import { processFilesRoot } from "../host/index.js";
import {
  analyseProcess,
  ElfCache,
  hardeningOf,
  loadProcess,
  readProcess,
  listFiles,
  type ElfAnalysis,
  type LoadOptions,
} from "../elf/index.js";
import { emitReport, withOutputOptions, type OutputOptions } from "./common.js";
import {
  analysisData,
  analysisSections,
  hardeningSection,
  hardeningSummary,
  ldsoAgreement,
  sweepSections,
} from "./elf-view.js";
import { parallelSweep, tuneV8ForSweep } from "./elf-sweep.js";

interface ElfFlags extends OutputOptions {
  pid?: string;
  dlopen: string[];
  env: string[];
  root?: string;
  bindings?: boolean;
  sweep?: boolean;
  jobs?: string;
  verifyWithLdso?: boolean;
  progress: boolean;
}

const HELP = `
tlsdoctor reads the file and every library it needs, and emulates glibc's
ld.so — search order (DT_RPATH, LD_LIBRARY_PATH, DT_RUNPATH, /etc/ld.so.cache,
the system directories, glibc-hwcaps), load order and symbol lookup — to say
which object answers each call. It never runs the program (unless you ask for
--verify-with-ldso).

Findings: ELF_FOREIGN_INTERPOSITION (seeds/002: a library's dummy CRYPTO_lock
winning over libcrypto's), ELF_DUPLICATE_CRYPTO_LIBRARY, ELF_MISSING_LIBRARY,
ELF_UNDEFINED_SYMBOL, ELF_NEEDS_NEWER_GLIBC, ELF_RPATH_WRITABLE (an RPATH
directory others can write to), ELF_EXECUTABLE_STACK, ELF_WEAK_HARDENING.
The Hardening section reads like checksec: PIE, RELRO, BIND_NOW, NX, canary,
FORTIFY, CET. 'tlsdoctor explain ID' tells more.

Examples:
  tlsdoctor elf /usr/lib/postfix/sbin/smtp
  tlsdoctor elf /usr/bin/node --dlopen ./build/Release/addon.node
  tlsdoctor elf --pid $(pidof haproxy) --json
  tlsdoctor elf ./app --env LD_LIBRARY_PATH=/opt/vendor/lib --bindings --json
  tlsdoctor elf --root /srv/sysroot /usr/sbin/exim4
  tlsdoctor elf --sweep /usr/bin /usr/sbin`;

const collect = (v: string, prev: string[]): string[] => [...prev, v];

export function registerElf(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command("elf [files...]")
    .description("linkage and hardening: which library really answers each call (ld.so emulation)")
    .option(
      "--pid <pid>",
      "a running process: its executable, mapped libraries, environment and root",
    )
    .option(
      "--dlopen <lib>",
      "also dlopen() this library (RTLD_LOCAL), as a plugin or Node addon would be (repeatable)",
      collect,
      [],
    )
    .option(
      "--env <NAME=VALUE>",
      "LD_LIBRARY_PATH or LD_PRELOAD for the emulated process (repeatable; default: this shell's)",
      collect,
      [],
    )
    .option("--root <dir>", "analyse a foreign sysroot or snapshot: every path is read under DIR")
    .option("--bindings", "list every binding {from, symbol, version, to} (JSON: data.bindings)")
    .option(
      "--sweep",
      "treat the arguments as directories: every ELF file below them, with a summary",
    )
    .option(
      "--jobs <n>",
      "with --sweep: worker threads, each with its own cache (default: one per two cores)",
    )
    .option(
      "--verify-with-ldso",
      "also ask glibc's ld.so for its bindings and compare (runs the target's IFUNC resolvers; off by default)",
    )
    .option("--no-progress", "no progress bar on stderr")
    .addHelpText("after", HELP);
  withOutputOptions(cmd);
  cmd.action(async (files: string[], flags: ElfFlags) => {
    setExit(await runElf(files, flags));
  });
}

function loadOptions(flags: ElfFlags, base: LoadOptions): LoadOptions {
  let ldLibraryPath = base.ldLibraryPath ?? (flags.root ? undefined : process.env.LD_LIBRARY_PATH);
  let ldPreload = base.ldPreload ?? (flags.root ? undefined : process.env.LD_PRELOAD);
  for (const kv of flags.env) {
    const at = kv.indexOf("=");
    const name = at > 0 ? kv.slice(0, at) : "";
    if (name === "LD_LIBRARY_PATH") ldLibraryPath = kv.slice(at + 1);
    else if (name === "LD_PRELOAD") ldPreload = kv.slice(at + 1);
    else {
      throw new TlsDoctorError(
        "TLSD_USAGE",
        `Cannot use --env ${JSON.stringify(kv)}: give LD_LIBRARY_PATH=… or LD_PRELOAD=…`,
      );
    }
  }
  return {
    ...(ldLibraryPath ? { ldLibraryPath } : {}),
    ...(ldPreload ? { ldPreload } : {}),
    dlopen: [...(base.dlopen ?? []), ...flags.dlopen],
  };
}

async function runElf(files: string[], flags: ElfFlags): Promise<number> {
  const startedAt = new Date();
  if (flags.sweep) return runSweep(files, flags, startedAt);
  if (flags.pid === undefined && files.length !== 1) {
    throw new TlsDoctorError(
      "TLSD_USAGE",
      "Cannot run elf: give one FILE, or --pid N, or --sweep DIR…",
    );
  }
  let view = new HostView(flags.root ?? "/");
  let path = files[0] ?? "";
  let base: LoadOptions = {};
  const notes: string[] = [];
  if (flags.pid !== undefined) {
    if (!/^\d+$/.test(flags.pid))
      throw new TlsDoctorError("TLSD_USAGE", `Cannot use --pid ${flags.pid}: not a process id`);
    const live = new HostView("/");
    const img = readProcess(live, Number(flags.pid));
    // A daemon that chroot()s after start-up (haproxy, Postfix's smtpd) was
    // loaded from the host's files: its exe lies outside its root.
    const sameMountNamespace =
      live.readlink("/proc/self/ns/mnt") === live.readlink(`/proc/${img.pid}/ns/mnt`);
    const where = processFilesRoot(live, { ...img, sameMountNamespace });
    if (where === undefined)
      throw new TlsDoctorError("TLSD_UNSUPPORTED", `Cannot read the files of process ${img.pid}`);
    view = new HostView(where.root);
    path = where.strip(img.exe);
    const known = new Set<string>();
    base = {
      ...(img.ldLibraryPath === undefined ? {} : { ldLibraryPath: img.ldLibraryPath }),
      ...(img.ldPreload === undefined ? {} : { ldPreload: img.ldPreload }),
    };
    // What start-up alone loads; the rest of the mappings were dlopen()ed.
    const startup = loadProcess({ files: new ElfCache(view) }, path, loadOptions(flags, base));
    for (const o of startup.objects) known.add(view.resolve(o.path));
    const extra = img.mapped
      .map((m) => ({ ...m, path: where.strip(m.path) }))
      .filter((m) => !m.deleted && !known.has(view.resolve(m.path)))
      .map((m) => m.path);
    base = { ...base, dlopen: extra };
    for (const m of img.mapped.filter((x) => x.deleted)) {
      notes.push(
        `${m.path} is mapped but deleted on disk: the process runs an old copy (restart it)`,
      );
    }
    if (img.root !== "/") notes.push(`process ${img.pid} runs chrooted in ${img.root}`);
  }
  const a = analyseProcess({ files: new ElfCache(view) }, path, loadOptions(flags, base));
  const findings: Finding[] = elfFindings(a);
  const hardening = hardeningOf(a.load.main.elf);
  const sections: Section[] = analysisSections(a, { bindings: flags.bindings === true, notes });
  sections.splice(1, 0, hardeningSection(hardening));
  const data: Record<string, unknown> = {
    ...analysisData(a, flags.bindings === true, notes),
    hardening,
  };
  if (flags.verifyWithLdso) {
    const v = verifyWithLdso(a, view);
    sections.push(v.section);
    data.verifyWithLdso = v.data;
  }
  const worst = findings.find((f) => f.severity === "critical" || f.severity === "error");
  const report: Report = makeReport({
    version: toolVersion(),
    command: "elf",
    target: flags.pid === undefined ? path : `pid ${flags.pid} (${path})`,
    startedAt,
    verdict: {
      ok: worst === undefined,
      summary: worst
        ? worst.title
        : `${a.load.objects.length} objects load; ${a.bindingCount} bindings; no linkage problem found`,
      side: "host",
    },
    findings,
    sections,
    data,
  });
  return emitReport(report, flags);
}

/** Runs the target's own interpreter in trace mode: main() never runs, IFUNC resolvers do. */
function verifyWithLdso(a: ElfAnalysis, view: HostView): { section: Section; data: unknown } {
  const interp = a.load.main.elf.interpreter;
  if (!view.live || interp === undefined) {
    throw new TlsDoctorError(
      "TLSD_USAGE",
      "Cannot --verify-with-ldso: it needs a dynamically linked program on this host (not --root)",
    );
  }
  const r = spawnSync(interp, [a.load.main.path], {
    env: {
      LD_TRACE_LOADED_OBJECTS: "1",
      LD_WARN: "yes",
      LD_BIND_NOW: "1",
      LD_DEBUG: "bindings",
      PATH: process.env.PATH ?? "",
    },
    encoding: "utf8",
    maxBuffer: 1 << 30,
    timeout: 60_000,
  });
  return ldsoAgreement(a, r.stderr ?? "");
}

async function runSweep(dirs: string[], flags: ElfFlags, startedAt: Date): Promise<number> {
  if (dirs.length === 0)
    throw new TlsDoctorError("TLSD_USAGE", "Cannot sweep: name at least one directory");
  const view = new HostView(flags.root ?? "/");
  for (const d of dirs) {
    if (view.kind(d) !== "dir")
      throw new TlsDoctorError("TLSD_FILE", `Cannot sweep ${d}: not a directory`);
  }
  let workers: number | undefined;
  if (flags.jobs !== undefined) {
    workers = Number(flags.jobs);
    if (!/^\d+$/.test(flags.jobs) || workers < 1 || workers > 64)
      throw new TlsDoctorError(
        "TLSD_USAGE",
        `Cannot sweep: --jobs wants a number of threads from 1 to 64, not "${flags.jobs}"`,
      );
  }
  const tty = flags.progress && process.stderr.isTTY && !flags.quiet && !flags.json;
  const bar = tty
    ? new SingleBar(
        {
          format: " {bar} {value}/{total} files",
          stream: process.stderr,
          hideCursor: true,
        },
        Presets.shades_classic,
      )
    : undefined;
  let started = false;
  tuneV8ForSweep();
  const files = listFiles(view, dirs);
  const items = await parallelSweep(
    view.root,
    files,
    loadOptions(flags, {}),
    (done, total) => {
      if (!started) {
        bar?.start(total, 0);
        started = true;
      }
      bar?.update(done);
    },
    workers,
  );
  bar?.stop();
  // A library's writable RPATH shows in every program that loads it: once is enough.
  const seen = new Set<string>();
  const findings = items
    .flatMap((i) => i.findings)
    .filter((f) => {
      if (f.id !== "ELF_RPATH_WRITABLE") return true;
      const k = `${f.title}\u0000${JSON.stringify(f.evidence)}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  const errors = items.filter((i) => i.error !== undefined);
  const worst = findings.find((f) => f.severity === "critical" || f.severity === "error");
  const report = makeReport({
    version: toolVersion(),
    command: "elf --sweep",
    target: dirs.join(" "),
    startedAt,
    verdict: {
      ok: worst === undefined,
      summary: `${items.length} ELF files; ${findings.length} findings${errors.length ? `; ${errors.length} unreadable` : ""}`,
      side: "host",
    },
    findings,
    attempts: errors.map((e) => ({ id: e.path, status: "failed" as const, reason: e.error ?? "" })),
    sections: sweepSections(items, findings),
    data: {
      files: items.map((i) => ({
        path: i.path,
        ...(i.error ? { error: i.error } : {}),
        ...(i.hardening ? { hardening: hardeningSummary(i.hardening) } : {}),
        ...(i.analysed
          ? { objects: i.objects, bindings: i.bindings, findings: i.findings.map((f) => f.id) }
          : {}),
      })),
    },
  });
  return emitReport(report, flags);
}
