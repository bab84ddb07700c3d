import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { setFlagsFromString } from "node:v8";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { HostView, TlsDoctorError, type Finding } from "../core/index.js";
import { elfFindings } from "../checks/index.js";
import {
  hardeningOf,
  sweepEach,
  type Hardening,
  type LoadOptions,
  type SweepItem,
  type SweepOptions,
} from "../elf/index.js";

/** What a sweep keeps of one file: plain data, so a worker thread can send it. */
export interface SweepSummary {
  readonly path: string;
  readonly error?: string;
  readonly hardening?: Hardening;
  /** Dynamically linked and analysed (loaded, bound, judged). */
  readonly analysed: boolean;
  readonly objects?: number;
  readonly bindings?: number;
  readonly findings: readonly Finding[];
}

export function summarise(i: SweepItem): SweepSummary {
  return {
    path: i.path,
    ...(i.error === undefined ? {} : { error: i.error }),
    ...(i.elf ? { hardening: hardeningOf(i.elf) } : {}),
    analysed: i.analysis !== undefined,
    ...(i.analysis
      ? { objects: i.analysis.load.objects.length, bindings: i.analysis.bindingCount }
      : {}),
    findings: i.analysis ? elfFindings(i.analysis) : [],
  };
}

/** A sweep of `files` in this thread, keeping only each file's summary. */
export function sweepSummaries(
  view: HostView,
  files: readonly string[],
  options: SweepOptions,
): SweepSummary[] {
  const out: SweepSummary[] = [];
  sweepEach(view, files, (item) => out.push(summarise(item)), options);
  return out;
}

/**
 * V8 settings for a sweep, made before its code first runs. A sweep is
 * about a second of code that V8 sees for the first time: much of it runs
 * while TurboFan is still compiling it, on the other core. Three defaults
 * cost more than they give here (BENCHMARKS.md, elf):
 * - inlining up to 920 bytes of bytecode into each optimised function
 *   makes every compile (and every recompile after a deopt) several times
 *   dearer; 200 keeps the small accessors inlined;
 * - allocation-site pretenuring throws away the optimised code of every
 *   function that allocates at a site whose decision flips, 18 times a sweep;
 * - the interrupt budget (how much a function runs before V8 considers
 *   optimising it): four times the default lets the sweep's functions
 *   gather more type feedback first, and V8 compiles 167 functions instead
 *   of 274, deoptimises 10 times instead of 38, and the sweep takes
 *   0.84 s instead of 0.86 s and 1.01 s of CPU instead of 1.15 s.
 * The first two together: 1.18 s to 1.04 s for /usr/bin and /usr/sbin,
 * 1.72 s to 1.40 s of CPU. They apply to the whole process (worker threads
 * included) and change no result.
 */
const SWEEP_V8_FLAGS = [
  "--max-inlined-bytecode-size-cumulative=200",
  "--no-allocation-site-pretenuring",
  "--interrupt-budget=270336",
] as const;

let tuned = false;

/** Applies {@link SWEEP_V8_FLAGS} once per process (the CLI's sweep; a library caller keeps its own). */
export function tuneV8ForSweep(): void {
  if (tuned) return;
  tuned = true;
  for (const f of SWEEP_V8_FLAGS) setFlagsFromString(f);
}

/** Files per worker below which one thread is faster than starting more. */
const MIN_FILES_PER_WORKER = 48;

function workerScript(): string | undefined {
  for (const name of ["./elf-sweep-worker.js", "./elf-sweep-worker.mjs"]) {
    const p = fileURLToPath(new URL(name, import.meta.url));
    if (existsSync(p)) return p;
  }
  return undefined;
}

export interface WorkerInput {
  readonly root: string;
  readonly files: readonly string[];
  readonly load: LoadOptions;
}

/**
 * Sweeps `files` on `workers` threads (default one per two cores): each
 * worker takes every n-th file (neighbouring files tend to share libraries,
 * so interleaving balances the work), parses with its own cache and sends
 * back summaries. One thread when the list is short (under 48 files a
 * worker) or the worker script is missing, and by default below 4 cores.
 * The result is in the order of `files`.
 */
export async function parallelSweep(
  root: string,
  files: readonly string[],
  load: LoadOptions,
  onProgress?: (done: number, total: number) => void,
  workers?: number,
): Promise<SweepSummary[]> {
  const script = workerScript();
  // Each worker parses the shared libraries again and builds its own symbol
  // index, and two sweeps at once on this 2-vCPU machine each run at ~0.55
  // of their speed alone: one thread is faster (1.37 s against 1.80 s with
  // 2 workers for /usr/bin + /usr/sbin, BENCHMARKS.md). So a worker per two
  // cores unless the caller (--jobs) says otherwise.
  const wanted = workers ?? Math.floor(availableParallelism() / 2);
  const n = Math.min(wanted, 64, Math.floor(files.length / MIN_FILES_PER_WORKER));
  if (script === undefined || n < 2) {
    return sweepSummaries(new HostView(root), files, {
      ...load,
      ...(onProgress ? { onProgress: (d, t) => onProgress(d, t) } : {}),
    });
  }
  const shares = Array.from({ length: n }, (_, w) => files.filter((_f, i) => i % n === w));
  const done = new Array<number>(n).fill(0);
  const results = await Promise.all(
    shares.map(
      (share, w) =>
        new Promise<SweepSummary[]>((resolve, reject) => {
          const input: WorkerInput = { root, files: share, load };
          const worker = new Worker(script, { workerData: input });
          worker.on("message", (m: { progress?: number; summaries?: SweepSummary[] }) => {
            if (m.progress !== undefined) {
              done[w] = m.progress;
              onProgress?.(
                done.reduce((a, b) => a + b, 0),
                files.length,
              );
            }
            if (m.summaries) resolve(m.summaries);
          });
          worker.on("error", (e) =>
            reject(
              new TlsDoctorError("TLSD_INTERNAL", `A sweep worker failed: ${e.message}`, {
                cause: e,
              }),
            ),
          );
          worker.on("exit", (code) => {
            if (code !== 0)
              reject(new TlsDoctorError("TLSD_INTERNAL", `A sweep worker exited with ${code}`));
          });
        }),
    ),
  );
  const byPath = new Map(results.flat().map((s) => [s.path, s]));
  return files.flatMap((f) => {
    const s = byPath.get(f);
    return s ? [s] : [];
  });
}
