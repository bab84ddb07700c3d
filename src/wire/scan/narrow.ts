import type { ExtensionSpec } from "../codec/index.js";
import { extensionLabel, suiteLabel } from "../registry/index.js";
import type { ScanContext, Suspect } from "./context.js";
import { abnormal } from "./context.js";
import type { PreparedHello } from "./exchange.js";
import type { Offer } from "./offer.js";
import { offerExtensions, prepare } from "./offer.js";
import { MODERN_SUITES } from "./profiles.js";
import { hex } from "../transcript.js";
import type { NarrowedHello } from "./types.js";

export interface NarrowOptions {
  /** How long to wait for the server to come back after each kill. */
  readonly reviveWaitMs: number;
  /** Most hellos to spend narrowing. */
  readonly maxTests: number;
  readonly signal?: AbortSignal;
}

class NotRevived extends Error {}
class OutOfTests extends Error {}

/**
 * Delta debugging (Zeller's ddmin) over a killing hello. A test sends a
 * smaller hello; it "kills" when the exchange ends abnormally and the canary
 * then fails too, after which we wait for the server to come back (a service
 * manager restarting it). Suites and extensions are narrowed separately: if
 * the suspect's extensions kill even with the canary's suites, the culprit is
 * an extension; otherwise it is among the suites, and every suite that kills
 * on its own is found in turn.
 */
export class Narrower {
  readonly #ctx: ScanContext;
  readonly #opts: NarrowOptions;
  tests = 0;
  kills = 0;
  last: PreparedHello | undefined;

  constructor(ctx: ScanContext, opts: NarrowOptions) {
    this.#ctx = ctx;
    this.#opts = opts;
  }

  /** Sends a hello; true if it killed the server (which has come back since). */
  async tryKill(hello: PreparedHello): Promise<boolean> {
    if (this.tests >= this.#opts.maxTests) throw new OutOfTests();
    this.tests++;
    const signal = this.#opts.signal ?? AbortSignal.timeout(2 ** 31 - 1);
    const r = await this.#ctx.raw(hello, signal);
    if (!abnormal(r)) return false;
    if ((await this.#ctx.check(signal)).alive) return false;
    this.kills++;
    this.last = hello;
    if (!(await this.#ctx.waitRevival(this.#opts.reviveWaitMs, 250, this.#opts.signal)))
      throw new NotRevived();
    return true;
  }

  /** Which suspect really kills (replayed byte for byte), if any. */
  async confirm(suspects: readonly Suspect[]): Promise<Suspect | undefined> {
    for (const s of suspects) if (await this.tryKill(s.hello)) return s;
    return undefined;
  }

  async narrow(offer: Offer): Promise<NarrowedHello> {
    const exts = offerExtensions(offer, prepare(offer).keyShares);
    // Padding and record splitting are kept out: the blame goes to suites and extensions.
    const plain: Offer = { ...offer };
    delete (plain as { padTo?: number }).padTo;
    delete (plain as { fragments?: readonly number[] }).fragments;
    const withSuites = (suites: readonly number[], e: readonly ExtensionSpec[]): PreparedHello =>
      prepare({ ...plain, suites, exactExtensions: e });
    let suites: number[] = [...offer.suites];
    let minExts: ExtensionSpec[] = exts;
    let incomplete: string | undefined;
    try {
      const benign = MODERN_SUITES;
      if (
        offer.protocol !== "SSLv2" &&
        (await this.tryKill(withSuites(benign.slice(0, 8), exts)))
      ) {
        suites = [];
        minExts = await ddmin(exts, (e) => this.tryKill(withSuites(benign.slice(0, 8), e)));
      } else {
        const found: number[] = [];
        let rest = [...offer.suites];
        for (let round = 0; round < 4 && rest.length > 0; round++) {
          if (round > 0 && !(await this.tryKill(withSuites(rest, exts)))) break;
          const culprit = await ddmin(rest, (s) => this.tryKill(withSuites(s, exts)));
          found.push(...culprit);
          rest = rest.filter((s) => !culprit.includes(s));
        }
        suites = found;
        if (offer.protocol !== "SSLv2" && exts.length > 0) {
          minExts = (await this.tryKill(withSuites(found, []))) ? [] : exts;
        }
      }
    } catch (e) {
      if (e instanceof NotRevived)
        incomplete = `the server did not come back within ${this.#opts.reviveWaitMs} ms`;
      else if (e instanceof OutOfTests) incomplete = `stopped after ${this.#opts.maxTests} hellos`;
      else throw e;
    }
    const smallest = this.last ?? prepare(offer);
    return {
      suites: suites.map((code) => ({ code, name: suiteLabel(code) })),
      extensions: minExts.map((e) => ({ type: e.type, name: extensionLabel(e.type) })),
      helloHex: hex(smallest.records, smallest.records.length).replace(/ /g, ""),
      kills: this.kills,
      tests: this.tests,
      ...(incomplete === undefined ? {} : { incomplete }),
    };
  }
}

/** ddmin: a 1-minimal subset of `items` for which `fails` still holds. */
export async function ddmin<T>(
  items: readonly T[],
  fails: (subset: T[]) => Promise<boolean>,
): Promise<T[]> {
  let current = [...items];
  let n = 2;
  while (current.length >= 2) {
    const chunks = split(current, n);
    let reduced = false;
    for (const c of chunks) {
      if (await fails(c)) {
        current = c;
        n = 2;
        reduced = true;
        break;
      }
    }
    if (!reduced && n > 2) {
      for (const c of chunks) {
        const complement = current.filter((x) => !c.includes(x));
        if (await fails(complement)) {
          current = complement;
          n = Math.max(n - 1, 2);
          reduced = true;
          break;
        }
      }
    }
    if (!reduced) {
      if (n >= current.length) break;
      n = Math.min(current.length, n * 2);
    }
  }
  return current;
}

function split<T>(items: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  const size = Math.ceil(items.length / n);
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
