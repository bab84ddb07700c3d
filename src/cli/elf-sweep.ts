import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { HostView, TlsDoctorError, type Finding } from "../core/index.js";
import { elfFindings } from "../checks/index.js";
import {
  hardeningOf,
  sweepFiles,
  type Hardening,
  type LoadOptions,
  type SweepItem,
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

export function summarise(items: readonly SweepItem[]): SweepSummary[] {
  return items.map((i) => ({
    path: i.path,
    ...(i.error === undefined ? {} : { error: i.error }),
    ...(i.elf ? { hardening: hardeningOf(i.elf) } : {}),
    analysed: i.analysis !== undefined,
    ...(i.analysis
      ? { objects: i.analysis.load.objects.length, bindings: i.analysis.bindings.length }
      : {}),
    findings: i.analysis ? elfFindings(i.analysis) : [],
  }));
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
 * Sweeps `files` on every core: each worker thread takes every n-th file
 * (neighbouring files tend to share libraries, so interleaving balances the
 * work), parses with its own cache and sends back summaries. One thread when
 * the list is short, the machine has one core, or the worker script is
 * missing. The result is in the order of `files`.
 */
export async function parallelSweep(
  root: string,
  files: readonly string[],
  load: LoadOptions,
  onProgress?: (done: number, total: number) => void,
): Promise<SweepSummary[]> {
  const script = workerScript();
  // Each worker parses the shared libraries again and keeps its own lookup
  // memo, so the gain is small on 2 cores: 4.25 s against 4.47 s in one
  // thread for /usr/bin + /usr/sbin (BENCHMARKS.md). TLSD_SWEEP_WORKERS=N
  // forces N (1: one thread).
  const forced = Number(process.env.TLSD_SWEEP_WORKERS ?? "");
  const wanted = Number.isInteger(forced) && forced > 0 ? forced : availableParallelism();
  const n = Math.min(wanted, 8, Math.floor(files.length / MIN_FILES_PER_WORKER));
  if (script === undefined || n < 2) {
    return summarise(
      sweepFiles(new HostView(root), files, {
        ...load,
        ...(onProgress ? { onProgress: (d, t) => onProgress(d, t) } : {}),
      }),
    );
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
