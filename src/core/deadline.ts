import { TlsDoctorError } from "./errors.js";

/**
 * One signal for "the caller gave up or the deadline passed". The Deno std
 * idiom: `AbortSignal.any([AbortSignal.timeout(ms), signal])`.
 */
export function deadlineSignal(ms: number, parent?: AbortSignal): AbortSignal {
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new RangeError(`Cannot set deadline: ${ms} ms is not a positive number`);
  }
  const timeout = AbortSignal.timeout(ms);
  if (parent === undefined) return timeout;
  const signal = AbortSignal.any([timeout, parent]);
  // AbortSignal.any holds its sources weakly, and a timeout signal that is
  // garbage-collected never fires: once nothing else referred to `timeout`,
  // a GC at the wrong moment left a silent server's probe waiting forever
  // (scan-hostile, after a larger module graph changed GC timing). The
  // combined signal now keeps its timeout alive for as long as it lives.
  keepAlive.set(signal, timeout);
  return signal;
}

/** Combined signal → the timeout signal it must not outlive. */
const keepAlive = new WeakMap<AbortSignal, AbortSignal>();

/** True when the signal fired because of its timeout, not a caller's abort. */
export function isTimeoutReason(reason: unknown): boolean {
  return reason instanceof DOMException && reason.name === "TimeoutError";
}

/**
 * The error to raise when `signal` fired during `phase`: TLSD_TIMEOUT naming
 * the phase and limit, or TLSD_ABORTED.
 */
export function abortError(signal: AbortSignal, phase: string, limitMs?: number): TlsDoctorError {
  if (isTimeoutReason(signal.reason)) {
    const limit = limitMs === undefined ? "" : ` after ${limitMs} ms`;
    return new TlsDoctorError("TLSD_TIMEOUT", `Timed out during ${phase}${limit}`, {
      cause: signal.reason,
      details: { phase, ...(limitMs === undefined ? {} : { limitMs }) },
    });
  }
  return new TlsDoctorError("TLSD_ABORTED", `Aborted during ${phase}`, {
    cause: signal.reason,
    details: { phase },
  });
}

/**
 * Races `work` against `signal`: rejects with abortError() as soon as the
 * signal fires. `onAbort` lets the caller destroy sockets it owns.
 */
export async function withSignal<T>(
  work: Promise<T>,
  signal: AbortSignal,
  phase: string,
  onAbort?: () => void,
): Promise<T> {
  if (signal.aborted) {
    onAbort?.();
    throw abortError(signal, phase);
  }
  let listener: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    listener = () => {
      onAbort?.();
      reject(abortError(signal, phase));
    };
    signal.addEventListener("abort", listener, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    if (listener) signal.removeEventListener("abort", listener);
  }
}

/** A sleep that honours a signal. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal, "sleep"));
      return;
    }
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(abortError(signal as AbortSignal, "sleep"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
