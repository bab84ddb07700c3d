import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ProtocolName } from "../codec/index.js";
import { resolveHost } from "../connect.js";
import type { Target } from "../target.js";
import { ScanContext, ServerDied } from "./context.js";
import { scanCertificates } from "./certificates.js";
import type { Endpoint } from "./exchange.js";
import { scanAlpn, scanFeatures, scanGroups, scanResumption, scanSigalgs } from "./features.js";
import { decodeHello, saveHello } from "./hello-file.js";
import { Narrower } from "./narrow.js";
import { prepare } from "./offer.js";
import { describe } from "./outcome.js";
import { modernOffer } from "./profiles.js";
import type { FirstHellos } from "./protocols.js";
import { enumerateProtocol } from "./protocols.js";
import { scanTolerance } from "./tolerance.js";
import type {
  AlpnScan,
  CertificateScan,
  FeatureScan,
  GroupScan,
  KilledScan,
  NarrowedHello,
  ProtocolScan,
  ScanPart,
  ScanResult,
  SigalgScan,
  ToleranceScan,
} from "./types.js";
import { SCAN_PARTS, SCAN_PROTOCOLS } from "./types.js";
import { hex } from "../transcript.js";

export const DEFAULT_SCAN_TIMEOUT_MS = 5000;
export const DEFAULT_PER_TARGET = 4;
export const DEFAULT_REVIVE_WAIT_MS = 15_000;

export interface ScanOptions {
  /** Deadline of each exchange. Default 5 s. */
  readonly timeoutMs?: number;
  /** Connections in flight to one target. Default 4. */
  readonly perTarget?: number;
  /** Parts to run; default all. */
  readonly only?: readonly ScanPart[];
  readonly protocols?: readonly ProtocolName[];
  /** SNI: a name, or false for none; default the target's host name. */
  readonly sni?: string | false;
  /** Connect here instead of resolving the host. */
  readonly connectTo?: string;
  /** Where killing hellos are saved; default $TMPDIR/tlsdoctor. */
  readonly saveDir?: string;
  /** Narrow a killing hello down when the server comes back. Default true. */
  readonly narrow?: boolean;
  readonly reviveWaitMs?: number;
  readonly maxNarrowTests?: number;
  readonly signal?: AbortSignal;
  /** Called after each hello, for progress. */
  readonly onHello?: (label: string) => void;
}

/** Scans one target: protocols, suites, groups, sigalgs, ALPN, features, certificates, tolerance, robustness. */
export async function scan(target: Target, options: ScanOptions = {}): Promise<ScanResult> {
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const parts = new Set<ScanPart>(options.only ?? SCAN_PARTS);
  const address =
    options.connectTo ??
    (
      await resolveHost(
        target.host,
        AbortSignal.timeout(options.timeoutMs ?? DEFAULT_SCAN_TIMEOUT_MS),
      )
    ).address;
  const serverName = options.sni === false ? undefined : (options.sni ?? target.serverName);
  const ep: Endpoint = {
    target,
    address,
    ...(serverName === undefined ? {} : { serverName }),
    timeoutMs: options.timeoutMs ?? DEFAULT_SCAN_TIMEOUT_MS,
  };
  const ctx = new ScanContext(ep, options.perTarget ?? DEFAULT_PER_TARGET, options.signal);
  ctx.onHello = options.onHello;
  const skipped: string[] = [];
  const protocols: ProtocolScan[] = [];
  let groups: GroupScan[] = [];
  let sigalgs: SigalgScan[] = [];
  let alpn: AlpnScan | undefined;
  let features: FeatureScan | undefined;
  let certificates: CertificateScan[] = [];
  let tolerance: ToleranceScan[] = [];
  let killed: KilledScan | undefined;

  const reachable = await establishBaseline(ctx);
  const done = (): ScanResult => ({
    target: target.input,
    address,
    ...(target.starttls === undefined ? {} : { starttls: target.starttls }),
    startedAt,
    ms: performance.now() - t0,
    connections: ctx.connections,
    reachable,
    baseline: ctx.baseline ? describe(ctx.baseline) : "not run",
    protocols,
    groups,
    sigalgs,
    ...(alpn === undefined ? {} : { alpn }),
    ...(features === undefined ? {} : { features }),
    certificates,
    tolerance,
    ...(killed === undefined ? {} : { killed }),
    skipped,
  });
  if (!reachable) {
    skipped.push(
      `everything: the server does not answer a plain modern hello (${ctx.baseline ? describe(ctx.baseline) : "?"})`,
    );
    return done();
  }

  try {
    const firsts: FirstHellos = new Map();
    const wanted = options.protocols ?? SCAN_PROTOCOLS;
    // Tolerance needs only the canary's answer: run it alongside the protocols.
    const toleranceJob = parts.has("tolerance")
      ? scanTolerance(ctx).then((t) => void (tolerance = t))
      : undefined;
    toleranceJob?.catch(() => undefined);
    // Every later part needs to know which protocols answer; find them even
    // when only those parts were asked for (one hello per protocol).
    const later = ["groups", "sigalgs", "alpn", "features", "certificates"] as const;
    if (parts.has("protocols") || parts.has("suites") || later.some((x) => parts.has(x))) {
      const rs = await Promise.all(
        wanted.map((p) => enumerateProtocol(ctx, p, firsts, parts.has("suites"))),
      );
      protocols.push(...rs);
    }
    const p13 = protocols.find((p) => p.protocol === "TLSv1.3");
    const p12 = protocols.find((p) => p.protocol === "TLSv1.2");
    const jobs: Promise<void>[] = [];
    if (parts.has("groups")) jobs.push(scanGroups(ctx, p13, p12).then((g) => void (groups = g)));
    if (parts.has("sigalgs")) jobs.push(scanSigalgs(ctx, p13, p12).then((s) => void (sigalgs = s)));
    if (parts.has("alpn")) jobs.push(scanAlpn(ctx, protocols).then((a) => void (alpn = a)));
    if (parts.has("features")) {
      const resumed = protocols.some((p) => p.supported === true && p.protocol !== "SSLv2")
        ? scanResumption(ctx).catch(() => undefined)
        : Promise.resolve(undefined);
      jobs.push(
        Promise.all([scanFeatures(ctx, protocols), resumed]).then(
          ([f, resumption]) => void (features = { ...f, resumption }),
        ),
      );
    }
    if (parts.has("certificates"))
      jobs.push(scanCertificates(ctx, protocols).then((c) => void (certificates = c)));
    if (toleranceJob) jobs.push(toleranceJob);
    const settled = await Promise.allSettled(jobs);
    for (const s of settled)
      if (s.status === "rejected" && !(s.reason instanceof ServerDied)) throw s.reason;
    // A server that dies a little after the hello that killed it: one last look.
    if (!ctx.dead && !(await ctx.alive())) {
      ctx.dead = true;
    }
  } catch (e) {
    if (!(e instanceof ServerDied)) throw e;
  }
  if (ctx.dead) killed = await afterDeath(ctx, target, options);
  return done();
}

/** The first canary: modern hello; if that fails, a TLS 1.2-style one (a version-intolerant server). */
async function establishBaseline(ctx: ScanContext): Promise<boolean> {
  const modern = modernOffer(ctx.ep.serverName);
  let r = await ctx.raw(prepare(modern));
  if (r.kind !== "hello") {
    const old = modernOffer(ctx.ep.serverName, { protocol: "TLSv1.2" });
    const r2 = await ctx.raw(prepare(old));
    if (r2.kind === "hello") {
      ctx.canaryOffer = old;
      r = r2;
    }
  }
  ctx.baseline = r;
  return r.kind === "hello" || r.kind === "alert";
}

async function afterDeath(
  ctx: ScanContext,
  target: Target,
  options: ScanOptions,
): Promise<KilledScan> {
  const dir = options.saveDir ?? join(tmpdir(), "tlsdoctor");
  const canary = ctx.lastCanary ? describe(ctx.lastCanary) : "failed";
  const reviveWaitMs = options.reviveWaitMs ?? DEFAULT_REVIVE_WAIT_MS;
  const revived = await ctx.waitRevival(reviveWaitMs, 250, options.signal);
  let killer = ctx.suspects[0];
  if (killer === undefined) {
    return {
      label: "after the scan",
      helloHex: "",
      decoded: { version: "", suites: [], extensions: [] },
      outcome: "the server stopped answering after the scan; no single hello was caught",
      canary,
      suspects: 0,
      revived,
    };
  }
  let narrowed: NarrowedHello | undefined;
  let reproduced: boolean | undefined;
  if (revived && options.narrow !== false) {
    const n = new Narrower(ctx, {
      reviveWaitMs,
      maxTests: options.maxNarrowTests ?? 80,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    const confirmed = await n.confirm(ctx.suspects);
    reproduced = confirmed !== undefined;
    if (confirmed === undefined || confirmed.offer === undefined) {
      narrowed = {
        suites: [],
        extensions: [],
        helloHex: "",
        kills: n.kills,
        tests: n.tests,
        incomplete: `none of the ${ctx.suspects.length} hellos in flight when it died killed it again`,
      };
    } else {
      killer = confirmed;
      const found = await n.narrow(confirmed.offer);
      const small = Uint8Array.from(Buffer.from(found.helloHex, "hex"));
      const smallFile =
        small.length > 0
          ? await saveHello(
              dir,
              target.display,
              "smallest hello that still killed the server",
              small,
              "narrowed",
            ).catch(() => undefined)
          : undefined;
      narrowed = { ...found, ...(smallFile === undefined ? {} : { file: smallFile }) };
    }
  }
  const records = killer.hello.records;
  const file = await saveHello(
    dir,
    target.display,
    `killed the server (${killer.label})`,
    records,
    "killer",
  ).catch(() => undefined);
  return {
    ...(file === undefined ? {} : { file }),
    label: killer.label,
    helloHex: hex(records, records.length).replace(/ /g, ""),
    decoded: decodeHello(records),
    outcome: describe(killer.result),
    canary,
    suspects: ctx.suspects.length,
    ...(reproduced === undefined ? {} : { reproduced }),
    revived,
    ...(narrowed === undefined ? {} : { narrowed }),
  };
}
