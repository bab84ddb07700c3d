import { sleep } from "../../core/index.js";
import { ALERT_INTERNAL_ERROR, modernOffer } from "./profiles.js";
import type { Endpoint, HelloResult, PreparedHello } from "./exchange.js";
import { sendHello } from "./exchange.js";
import type { Offer } from "./offer.js";
import { prepare } from "./offer.js";

/** Thrown inside a scan once the server has died, to stop every probe. */
export class ServerDied extends Error {
  constructor() {
    super("the server stopped answering");
  }
}

/** A hello that was followed by the server's death. */
export interface Suspect {
  readonly label: string;
  readonly offer: Offer | undefined;
  readonly hello: PreparedHello;
  readonly result: HelloResult;
}

/** Did this exchange end in a way a dying server causes? */
export function abnormal(r: HelloResult): boolean {
  if (r.kind === "alert") return r.flight.alert?.description === ALERT_INTERNAL_ERROR;
  return r.kind !== "hello" && r.kind !== "sslv2";
}

/**
 * The state one target's scan shares: its endpoint, a limit on connections
 * in flight, a count of the connections used, and the canary. Every probe
 * goes through {@link hello}: an abnormal ending triggers a canary (one at a
 * time); if the canary fails too, the server is declared dead, the hello is
 * kept as a suspect, and every further probe throws {@link ServerDied}.
 */
export class ScanContext {
  readonly ep: Endpoint;
  readonly limit: number;
  connections = 0;
  dead = false;
  readonly suspects: Suspect[] = [];
  baseline: HelloResult | undefined;
  /** The canary's hello: modern, or TLS 1.2-style for a server intolerant of TLS 1.3 hellos. */
  canaryOffer: Offer;
  #active = 0;
  readonly #queue: Array<() => void> = [];
  #canaryRun: Promise<boolean> | undefined;
  readonly #abort = new AbortController();
  readonly signal: AbortSignal;
  onHello: ((label: string) => void) | undefined;

  constructor(ep: Endpoint, limit: number, parent?: AbortSignal) {
    this.ep = ep;
    this.limit = Math.max(1, limit);
    this.canaryOffer = modernOffer(ep.serverName);
    this.signal = parent ? AbortSignal.any([parent, this.#abort.signal]) : this.#abort.signal;
  }

  async #slot<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#active >= this.limit) await new Promise<void>((r) => this.#queue.push(r));
    this.#active++;
    try {
      return await fn();
    } finally {
      this.#active--;
      this.#queue.shift()?.();
    }
  }

  /**
   * One raw exchange, counted, under the connection limit; no canary. A
   * server that turns us away for now (SMTP 421 "too many concurrent
   * connections", "try again later") is given up to four more tries with
   * backoff: that is load, not an answer to the hello.
   */
  async raw(hello: PreparedHello, signal: AbortSignal = this.signal): Promise<HelloResult> {
    return this.#slot(async () => {
      let r: HelloResult | undefined;
      for (let attempt = 0; attempt < 5; attempt++) {
        if (attempt > 0) await sleep(250 * 2 ** (attempt - 1), signal).catch(() => undefined);
        this.connections++;
        r = await sendHello(this.ep, hello, signal);
        if (!busy(r) || signal.aborted) break;
        this.busyRetries++;
      }
      return r as HelloResult;
    });
  }

  /** Tries repeated because the server was busy (421 …). */
  busyRetries = 0;

  /** A probe: send the offer; if it ends abnormally, check the server is still alive. */
  async hello(offer: Offer, label: string): Promise<HelloResult> {
    if (this.dead) throw new ServerDied();
    const prepared = prepare(offer);
    const result = await this.raw(prepared);
    this.onHello?.(label);
    // Every hello in flight when the server died is a suspect: the one whose
    // canary fails first is often an innocent bystander reset with the rest.
    if (this.dead) {
      if (abnormal(result)) this.suspects.push({ label, offer, hello: prepared, result });
      throw new ServerDied();
    }
    if (abnormal(result) && !(await this.alive())) {
      this.suspects.push({ label, offer, hello: prepared, result });
      this.#die();
      throw new ServerDied();
    }
    return result;
  }

  #die(): void {
    this.dead = true;
    this.#abort.abort(new ServerDied());
  }

  /** The canary: a plain modern hello, answered as the baseline was. */
  async alive(): Promise<boolean> {
    this.#canaryRun ??= this.check().then(
      (c) => c.alive,
      () => false,
    );
    const run = this.#canaryRun;
    void run.finally(() => {
      if (this.#canaryRun === run) this.#canaryRun = undefined;
    });
    return run;
  }

  /**
   * The canary with patience for a busy server: a STARTTLS refusal (421 too
   * many connections) or silence is retried twice, a second apart, before it
   * counts; a refused connection, a reset or a close counts at once.
   */
  async check(signal?: AbortSignal): Promise<{ alive: boolean; result: HelloResult }> {
    let result = await this.canaryOnceResult(signal);
    for (let i = 0; i < 2 && !sameAsBaseline(result, this.baseline); i++) {
      if (result.kind !== "starttls-failed" && result.kind !== "timeout") break;
      await sleep(1000, signal).catch(() => undefined);
      result = await this.canaryOnceResult(signal);
    }
    this.lastCanary = result;
    return { alive: sameAsBaseline(result, this.baseline), result };
  }

  /** How the last canary went, for the report. */
  lastCanary: HelloResult | undefined;

  /** One canary exchange, outside the limit (it must not queue behind the probes). */
  async canaryOnceResult(signal?: AbortSignal): Promise<HelloResult> {
    this.connections++;
    return sendHello(this.ep, prepare(this.canaryOffer), signal);
  }

  async canaryOnce(signal?: AbortSignal): Promise<boolean> {
    return sameAsBaseline(await this.canaryOnceResult(signal), this.baseline);
  }

  /** Polls the canary until the server answers again or `waitMs` passes. */
  async waitRevival(waitMs: number, everyMs = 250, signal?: AbortSignal): Promise<boolean> {
    const until = performance.now() + waitMs;
    while (performance.now() < until) {
      if (signal?.aborted) return false;
      if (await this.canaryOnce(signal)) return true;
      await sleep(everyMs, signal).catch(() => undefined);
    }
    return false;
  }
}

/** A STARTTLS refusal that says "later": SMTP/NNTP 4xx, "try again", "too many". */
export function busy(r: HelloResult): boolean {
  return (
    r.kind === "starttls-failed" && /\b4\d\d\b|try again|too many|temporar/i.test(r.reason ?? "")
  );
}

/** A canary answer counts as alive when it matches the baseline's kind (and alert). */
export function sameAsBaseline(r: HelloResult, baseline: HelloResult | undefined): boolean {
  if (baseline === undefined || baseline.kind === "hello") return r.kind === "hello";
  if (baseline.kind === "alert") {
    return (
      r.kind === "hello" ||
      (r.kind === "alert" && r.flight.alert?.description === baseline.flight.alert?.description)
    );
  }
  return !abnormal(r);
}
