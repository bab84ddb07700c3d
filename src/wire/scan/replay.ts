import { deadlineSignal } from "../../core/index.js";
import { resolveHost } from "../connect.js";
import type { Target } from "../target.js";
import { ScanContext } from "./context.js";
import type { Endpoint, HelloResult } from "./exchange.js";
import { decodeHello } from "./hello-file.js";
import { prepare } from "./offer.js";
import { describe } from "./outcome.js";
import { modernOffer } from "./profiles.js";
import { DEFAULT_REVIVE_WAIT_MS, DEFAULT_SCAN_TIMEOUT_MS } from "./scan.js";
import type { DecodedHello } from "./types.js";

export interface ReplayOptions {
  readonly timeoutMs?: number;
  readonly sni?: string | false;
  readonly connectTo?: string;
  /** After a death, how long to wait for the server to come back. 0: don't wait. */
  readonly reviveWaitMs?: number;
  readonly signal?: AbortSignal;
}

export interface ReplayResult {
  readonly target: string;
  readonly address: string;
  readonly decoded: DecodedHello;
  /** The canary before the replay: the server was up. */
  readonly aliveBefore: boolean;
  readonly before: string;
  /** How the replayed hello was answered. */
  readonly kind: HelloResult["kind"];
  readonly outcome: string;
  readonly alert?: { readonly description: number; readonly name: string };
  /** The canary after it: false means the hello killed the server. */
  readonly aliveAfter: boolean;
  readonly after: string;
  readonly revived?: boolean;
  readonly connections: number;
  readonly ms: number;
}

/** Sends saved hello records to a target again and tells answer, alert, reset or death. */
export async function replay(
  target: Target,
  records: Uint8Array,
  options: ReplayOptions = {},
): Promise<ReplayResult> {
  const t0 = performance.now();
  const timeoutMs = options.timeoutMs ?? DEFAULT_SCAN_TIMEOUT_MS;
  const address =
    options.connectTo ??
    (await resolveHost(target.host, deadlineSignal(timeoutMs, options.signal))).address;
  const serverName = options.sni === false ? undefined : (options.sni ?? target.serverName);
  const ep: Endpoint = {
    target,
    address,
    ...(serverName === undefined ? {} : { serverName }),
    timeoutMs,
  };
  const ctx = new ScanContext(ep, 1, options.signal);
  const decoded = decodeHello(records);
  const canary = prepare(modernOffer(serverName));
  const before = await ctx.raw(canary);
  ctx.baseline = before;
  const aliveBefore = before.kind === "hello" || before.kind === "alert";
  const r = await ctx.raw({ records, message: new Uint8Array(0), keyShares: [], decrypt: false });
  const after = await ctx.raw(prepare(modernOffer(serverName)));
  const aliveAfter = after.kind === before.kind;
  let revived: boolean | undefined;
  const wait = options.reviveWaitMs ?? DEFAULT_REVIVE_WAIT_MS;
  if (aliveBefore && !aliveAfter && wait > 0)
    revived = await ctx.waitRevival(wait, 250, options.signal);
  const alert = r.flight.alert;
  return {
    target: target.input,
    address,
    decoded,
    aliveBefore,
    before: describe(before),
    kind: r.kind,
    outcome: describe(r),
    ...(alert === undefined ? {} : { alert: { description: alert.description, name: alert.name } }),
    aliveAfter,
    after: describe(after),
    ...(revived === undefined ? {} : { revived }),
    connections: ctx.connections,
    ms: performance.now() - t0,
  };
}
