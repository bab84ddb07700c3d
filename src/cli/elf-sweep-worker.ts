// One worker thread of a parallel `elf --sweep` (elf-sweep.ts): sweeps its
// share of the files with its own parse cache and sends back summaries.
import { parentPort, workerData } from "node:worker_threads";
import { HostView } from "../core/index.js";
import { sweepSummaries, type WorkerInput } from "./elf-sweep.js";

const input = workerData as WorkerInput;
const summaries = sweepSummaries(new HostView(input.root), input.files, {
  ...input.load,
  onProgress: (done, total) => {
    if (done % 8 === 0 || done === total) parentPort?.postMessage({ progress: done });
  },
});
parentPort?.postMessage({ summaries });
