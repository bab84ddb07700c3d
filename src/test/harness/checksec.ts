// Runs Debian's checksec (slimm609/checksec.sh 2.6.0, package `checksec`) and
// reads its JSON. Per file, not --dir: `checksec --dir` checks one file after
// another in one shell (and runs file(1) twice per file), while one process
// per file can run in parallel, under a time budget, and its JSON is valid on
// its own. Measured on 917 ELF files in /usr/bin and /usr/sbin (2 CPUs,
// loaded): --dir 51 s + 9 s; per file 83 s of CPU (median 71 ms, node 3.5 s),
// 56 s wall with 4 at a time.
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";

/** One file's verdicts, as `checksec --output=json` prints them (counts as numbers). */
export interface ChecksecResult {
  readonly relro: "full" | "partial" | "no";
  readonly canary: "yes" | "no";
  readonly nx: "yes" | "no";
  readonly pie: "yes" | "no" | "dso" | "rel" | "not_elf";
  readonly rpath: "yes" | "no";
  readonly runpath: "yes" | "no";
  readonly symbols: "yes" | "no";
  /** "yes" when any .dynsym name, leading underscores removed, ends in `_chk`. */
  readonly fortifySource: "yes" | "no";
  /** .dynsym entries (with duplicates, defined ones too) naming a libc `_chk` function. */
  readonly fortified: number;
  /** {@link fortified} plus the entries naming the plain function (checksec's "fortify-able"). */
  readonly fortifiable: number;
}

export function checksecAvailable(): boolean {
  return spawnSync("checksec", ["--version"]).status === 0;
}

export function checksecVersion(): string {
  const out = spawnSync("checksec", ["--version"], { encoding: "utf8" }).stdout;
  return /checksec v([\d.]+)/.exec(out)?.[1] ?? "unknown";
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], what: string): T {
  if (typeof v === "string" && (allowed as readonly string[]).includes(v)) return v as T;
  throw new Error(
    `checksec JSON: ${what} is ${JSON.stringify(v)}, not one of ${allowed.join("|")}`,
  );
}

function count(v: unknown, what: string): number {
  if (typeof v === "string" && /^\d+$/.test(v)) return Number(v);
  throw new Error(`checksec JSON: ${what} is ${JSON.stringify(v)}, not a count`);
}

function result(o: Record<string, unknown>): ChecksecResult {
  const yn = ["yes", "no"] as const;
  return {
    relro: oneOf(o.relro, ["full", "partial", "no"], "relro"),
    canary: oneOf(o.canary, yn, "canary"),
    nx: oneOf(o.nx, yn, "nx"),
    pie: oneOf(o.pie, ["yes", "no", "dso", "rel", "not_elf"], "pie"),
    rpath: oneOf(o.rpath, yn, "rpath"),
    runpath: oneOf(o.runpath, yn, "runpath"),
    symbols: oneOf(o.symbols, yn, "symbols"),
    fortifySource: oneOf(o.fortify_source, yn, "fortify_source"),
    fortified: count(o.fortified, "fortified"),
    fortifiable: count(o["fortify-able"], "fortify-able"),
  };
}

/**
 * Parses what `checksec --output=json` printed for `--file=F`
 * (`{ "F": {…} }`) or `--dir=D` (`{ "dir": {"name": D}, "D/x": {…, "filename": "D/x"}, … }`).
 * checksec writes file names unescaped (through `echo -e`), so a name with
 * `"` or `\` makes the output invalid JSON, and this throws.
 */
export function parseChecksecJson(text: string): Map<string, ChecksecResult> {
  const top = JSON.parse(text) as unknown;
  if (typeof top !== "object" || top === null) throw new Error("checksec JSON: not an object");
  const out = new Map<string, ChecksecResult>();
  for (const [file, v] of Object.entries(top as Record<string, unknown>)) {
    if (file === "dir") continue;
    if (typeof v !== "object" || v === null) throw new Error(`checksec JSON: ${file} is no object`);
    out.set(file, result(v as Record<string, unknown>));
  }
  return out;
}

/** `checksec --output=json --file=F`, parsed. Rejects when it fails or prints no JSON. */
export function runChecksecFile(file: string, timeoutMs = 60_000): Promise<ChecksecResult> {
  return new Promise((resolve, reject) => {
    execFile(
      "checksec",
      ["--output=json", `--file=${file}`],
      { timeout: timeoutMs, maxBuffer: 1 << 20, encoding: "utf8" },
      (err, stdout) => {
        if (err) return reject(new Error(`checksec --file=${file}: ${err.message}`));
        try {
          const r = parseChecksecJson(stdout).get(file);
          if (!r)
            throw new Error(`no entry for ${file} in ${JSON.stringify(stdout.slice(0, 200))}`);
          resolve(r);
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      },
    );
  });
}

export interface ChecksecRun {
  readonly results: ReadonlyMap<string, ChecksecResult>;
  /** Files checksec failed on, with why. */
  readonly failures: ReadonlyMap<string, string>;
  /** Files not started because the budget ran out, in the order given. */
  readonly notRun: readonly string[];
  readonly elapsedMs: number;
  readonly concurrency: number;
}

/**
 * checksec on each file, `concurrency` at a time (default: the CPUs), in the
 * order given; once `budgetMs` has passed no new file is started (the ones
 * running finish). `budgetMs` 0 means no budget.
 */
export async function runChecksecFiles(
  files: readonly string[],
  opts: { readonly concurrency?: number; readonly budgetMs?: number } = {},
): Promise<ChecksecRun> {
  const concurrency = Math.max(1, opts.concurrency ?? availableParallelism());
  const budget = opts.budgetMs ?? 0;
  const start = performance.now();
  const results = new Map<string, ChecksecResult>();
  const failures = new Map<string, string>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      if (budget > 0 && performance.now() - start > budget) return;
      const f = files[next++]!;
      try {
        results.set(f, await runChecksecFile(f));
      } catch (e) {
        failures.set(f, e instanceof Error ? e.message : String(e));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return {
    results,
    failures,
    notRun: files.slice(next),
    elapsedMs: performance.now() - start,
    concurrency,
  };
}

/** checksec's libc search order (filecheck(), glibc and musl paths). */
const LIBC_CANDIDATES = [
  "/lib/libc.so.6",
  "/lib/libc.so.7",
  "/lib/libc.so",
  "/lib64/libc.so.6",
  "/lib/i386-linux-gnu/libc.so.6",
  "/lib/x86_64-linux-gnu/libc.so.6",
  "/lib/arm-linux-gnueabihf/libc.so.6",
  "/lib/aarch64-linux-gnu/libc.so.6",
  "/usr/x86_64-gentoo-linux-musl/bin/ld",
  "/usr/lib/loongarch64-linux-gnu/libc.so.6",
];

/**
 * The `_chk` names checksec's FORTIFY column compares against, derived as it
 * does: the first libc of its list, `readelf -W -s LIBC | sed -ne
 * 's|.*__\(.*_chk\)@@.*|\1|p'` (`memcpy_chk` …, default versions only).
 * Note the first candidate that exists wins, whatever the architecture of the
 * file checked: an i386 libc under /lib/i386-linux-gnu is used for x86-64
 * programs.
 */
export function checksecLibcChkNames(): { readonly libc: string; readonly names: string[] } {
  const libc = LIBC_CANDIDATES.find((p) => existsSync(p));
  if (!libc) throw new Error("checksec would find no libc");
  const out = execFileSync("readelf", ["-W", "-s", libc], {
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  const names: string[] = [];
  for (const line of out.split("\n")) {
    const m = /.*__(.*_chk)@@.*/.exec(line);
    if (m) names.push(m[1]!);
  }
  return { libc, names };
}
