/**
 * Kernel crypto: what /proc/crypto registers, which driver the kernel picks
 * per algorithm, whether AF_ALG reaches it and computes the right answer
 * (live), self-test failures, FIPS mode, and the kernel RNG's state.
 *
 * Live facts (AF_ALG results, fips_enabled) come from
 * {@link gatherKernelCryptoLive}; {@link analyseKernelCrypto} reads files
 * through a HostView and, without live facts, infers what it can from the
 * files (seeds/001: a 4.10 POWER8 guest whose /proc/crypto offers xts(aes)
 * only through vmx_crypto's legacy blkcipher, which the skcipher API cannot
 * allocate).
 */
import { release as osRelease } from "node:os";
import { gunzipSync } from "node:zlib";
import { HostView, messageOf } from "../core/index.js";
import {
  KAT_ALGORITHMS,
  benchAlgorithm,
  kernelTransport,
  runKat,
  type AfAlgCheck,
  type AfAlgTransport,
  type AfAlgBenchFigure,
  type KatAlgorithm,
} from "./af-alg.js";
import {
  chooseDriver,
  parseProcCrypto,
  PROC_CRYPTO_MAX_TEXT,
  type CryptoApi,
  type DriverChoice,
  type ProcCrypto,
  type ProcCryptoEntry,
} from "./proc-crypto.js";

/** The key under which `collect` stores {@link KernelCryptoLiveFacts} in facts.json. */
export const KERNEL_CRYPTO_FACTS_KEY = "kernelCrypto";

export interface KernelCryptoBench extends AfAlgBenchFigure {
  readonly name: string;
}

/** What only the live host can tell: JSON-serialisable, never thrown. */
export interface KernelCryptoLiveFacts {
  readonly schema: 1;
  readonly kernelRelease: string;
  /** /proc/sys/crypto/fips_enabled; false when the file is absent (no CONFIG_CRYPTO_FIPS). */
  readonly fipsEnabled: boolean | null;
  readonly afAlg: {
    /** null: could not try (FFI unavailable). */
    readonly available: boolean | null;
    /** errno of socket(AF_ALG, SOCK_SEQPACKET, 0) when it failed (EAFNOSUPPORT). */
    readonly socketErrno?: string;
    readonly error?: string;
  };
  readonly checks: readonly AfAlgCheck[];
  readonly bench?: readonly KernelCryptoBench[];
  readonly errors: readonly string[];
}

export interface KernelCryptoGatherOptions {
  /** Also measure throughput (`--bench`). */
  readonly bench?: boolean;
  readonly blockBytes?: number;
  readonly budgetMs?: number;
  /** Defaults to real AF_ALG sockets; tests pass their own (or the Error of an FFI that failed). */
  readonly transport?: AfAlgTransport | Error;
  readonly algorithms?: readonly KatAlgorithm[];
}

function readFips(view: HostView): { enabled: boolean | null; error?: string } {
  if (view.kind("/proc/sys/crypto/fips_enabled") === "missing") return { enabled: false };
  try {
    const t = view.readText("/proc/sys/crypto/fips_enabled", 64).trim();
    if (t === "0" || t === "1") return { enabled: t === "1" };
    return { enabled: null, error: `fips_enabled reads ${JSON.stringify(t.slice(0, 20))}` };
  } catch (e) {
    return { enabled: null, error: messageOf(e) };
  }
}

/**
 * Runs every algorithm's AF_ALG bind and known-answer test on this host
 * (and, with `bench`, the throughput). When socket(AF_ALG) itself fails the
 * remaining algorithms are not retried: they carry the same failure.
 */
export function gatherKernelCryptoLive(
  options: KernelCryptoGatherOptions = {},
): KernelCryptoLiveFacts {
  const errors: string[] = [];
  const fips = readFips(new HostView("/"));
  if (fips.error !== undefined) errors.push(fips.error);
  const algorithms = options.algorithms ?? KAT_ALGORITHMS;
  const transport = options.transport ?? kernelTransport();
  const base = { schema: 1 as const, kernelRelease: osRelease(), fipsEnabled: fips.enabled };
  if (transport instanceof Error) {
    return {
      ...base,
      afAlg: { available: null, error: transport.message },
      checks: [],
      errors: [...errors, transport.message],
    };
  }
  const checks: AfAlgCheck[] = [];
  let socketFailure: AfAlgCheck["failure"];
  for (const alg of algorithms) {
    if (socketFailure !== undefined) {
      checks.push({
        name: alg.name,
        type: alg.type,
        bound: false,
        failure: socketFailure,
        kat: "not-run",
      });
      continue;
    }
    try {
      const c = runKat(transport, alg);
      if (c.failure?.step === "socket") socketFailure = c.failure;
      checks.push(c);
    } catch (e) {
      errors.push(`${alg.name}: ${messageOf(e)}`);
    }
  }
  const afAlg =
    socketFailure !== undefined
      ? { available: false, socketErrno: socketFailure.errno }
      : { available: checks.length > 0 ? true : null };
  let bench: KernelCryptoBench[] | undefined;
  if (options.bench === true) {
    bench = [];
    for (const alg of algorithms) {
      try {
        const t = afAlg.available === true ? transport : undefined;
        const b = benchAlgorithm(t, alg, {
          ...(options.blockBytes === undefined ? {} : { blockBytes: options.blockBytes }),
          ...(options.budgetMs === undefined ? {} : { budgetMs: options.budgetMs }),
        });
        const why =
          afAlg.available === false
            ? `AF_ALG: ${socketFailure?.errno ?? "unavailable"}`
            : undefined;
        bench.push({ name: alg.name, ...b, ...(why !== undefined ? { afAlgFailure: why } : {}) });
      } catch (e) {
        errors.push(`bench ${alg.name}: ${messageOf(e)}`);
      }
    }
  }
  return { ...base, afAlg, checks, ...(bench ? { bench } : {}), errors };
}

// ---------------------------------------------------------------------------
// Analysis

export type KernelAlgorithmStatusKind =
  /** AF_ALG bound it and the known-answer test passed. */
  | "ok"
  /** Registered and the lookup would pick a driver; not exercised (no live AF_ALG result). */
  | "registered"
  /** Registered but cannot be allocated (bind failed, or an operation failed; or inferred). */
  | "unreachable"
  /** AF_ALG gave bytes that differ from node:crypto's. */
  | "wrong"
  /** Every registered driver lacks a passed self-test: lookups fail with ELIBBAD. */
  | "untested"
  /** Not registered and cannot be built: not in this kernel. */
  | "missing"
  /** The AF_ALG interface for its type is absent; says nothing about the algorithm. */
  | "no-interface"
  /** Not registered; may still be built from templates on first use. */
  | "unknown";

export interface KernelAlgorithmStatus {
  readonly name: string;
  readonly api: CryptoApi;
  readonly users: readonly string[];
  readonly status: KernelAlgorithmStatusKind;
  /** True when the status comes from the files (no live AF_ALG result backs it). */
  readonly inferred: boolean;
  readonly reason: string;
  readonly choice?: DriverChoice;
  readonly live?: AfAlgCheck;
  readonly refs?: readonly string[];
}

export interface KernelCryptoSelftestFailure {
  readonly name: string;
  readonly driver: string;
  readonly module: string | undefined;
  readonly selftest: string;
  readonly line: number;
  /** Another driver of the same name that passed and can answer instead. */
  readonly alternative?: string;
}

export interface KernelRngSummary {
  readonly entropyAvail?: number;
  readonly poolsize?: number;
  readonly bootId: "readable" | "unreadable" | "missing";
  readonly urandomMinReseedSecs?: number;
  readonly writeWakeupThreshold?: number;
  readonly jitterentropy?: { readonly driver: string; readonly selftest: string | undefined };
  readonly drbgs: readonly string[];
  /** The driver a request for "stdrng" gets (the kernel's default DRBG). */
  readonly stdrng?: string;
  /** What is wrong in FIPS mode: no DRBG, no jitterentropy_rng. */
  readonly fipsProblems: readonly string[];
}

export interface AfAlgStatus {
  readonly status: "available" | "unavailable" | "partial" | "unknown";
  readonly source: "live" | "kernel config" | "none";
  readonly socketErrno?: string;
  /** AF_ALG types the kernel config leaves out (CONFIG_CRYPTO_USER_API_*). */
  readonly missingInterfaces: readonly string[];
  readonly detail: string;
}

export interface KernelCryptoAnalysis {
  readonly kernelRelease?: string;
  readonly releaseSource: "live" | "/proc/sys/kernel/osrelease" | "unknown";
  readonly procCrypto?: ProcCrypto;
  readonly fips: { readonly enabled: boolean | null; readonly source: string };
  readonly config: { readonly source?: string; readonly values: Readonly<Record<string, string>> };
  readonly afAlg: AfAlgStatus;
  readonly algorithms: readonly KernelAlgorithmStatus[];
  readonly selftestFailures: readonly KernelCryptoSelftestFailure[];
  /** Larvals: placeholders of a test or instantiation in progress (normally gone within seconds). */
  readonly larvals: readonly string[];
  /** Installed programs that use AF_ALG, by path. */
  readonly afAlgUsers: readonly string[];
  readonly randomness: KernelRngSummary;
  readonly bench?: readonly KernelCryptoBench[];
  readonly live: boolean;
  readonly skipped: readonly { readonly check: string; readonly reason: string }[];
}

/** "4.10.0-9-generic" → [4, 10, 0]. */
function kernelVersion(release: string): [number, number, number] | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(release);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

const before = (v: readonly number[], w: readonly number[]): boolean => {
  for (let i = 0; i < w.length; i++) {
    if ((v[i] ?? 0) !== (w[i] ?? 0)) return (v[i] ?? 0) < (w[i] ?? 0);
  }
  return false;
};

/**
 * Drivers that /proc/crypto lists but the kernel cannot allocate, per
 * kernel window. vmx_crypto (POWER8) in 4.10: its legacy blkcipher
 * p8_aes_xts/p8_aes_cbc allocate their fallback with
 * crypto_alloc_blkcipher(), but 4.10 converted the generic xts and cbc
 * templates to skcipher, so no blkcipher fallback exists: the driver's init
 * fails with -ENOENT ("Failed to allocate transformation for 'xts(aes)': -2")
 * and, being the highest priority, takes the whole name down; the lookup
 * does not fall back to another driver. ctr(aes) still worked: the ctr
 * template stayed a blkcipher. Fixed in 4.11 (commit 33a8b3e99dc6, "crypto:
 * vmx - Use skcipher for xts fallback", and its cbc twin).
 */
const KNOWN_UNREACHABLE = [
  {
    drivers: ["p8_aes_xts", "p8_aes_cbc"],
    from: [4, 10],
    before: [4, 11],
    why: "vmx_crypto's legacy blkcipher allocates a blkcipher fallback, but 4.10 made the generic cbc and xts templates skcipher-only: the driver's init fails with ENOENT, and as the highest-priority driver it takes the name down (dmesg: \"Failed to allocate transformation for 'xts(aes)': -2\")",
    refs: [
      "seeds/001",
      "https://bugs.launchpad.net/ubuntu/+source/linux/+bug/1670311",
      "linux commit 33a8b3e99dc6 (4.11-rc1)",
      "drivers/crypto/vmx/aes_xts.c p8_aes_xts_init",
    ],
  },
] as const;

const API_OF: Readonly<Record<KatAlgorithm["type"], CryptoApi>> = {
  skcipher: "skcipher",
  aead: "aead",
  hash: "hash",
};
const USER_API: Readonly<Record<KatAlgorithm["type"], string>> = {
  skcipher: "CRYPTO_USER_API_SKCIPHER",
  aead: "CRYPTO_USER_API_AEAD",
  hash: "CRYPTO_USER_API_HASH",
};
/** The Kconfig symbol of each template tlsdoctor's algorithms are built from. */
const TEMPLATE_CONFIG: Readonly<Record<string, string>> = {
  xts: "CRYPTO_XTS",
  cbc: "CRYPTO_CBC",
  ecb: "CRYPTO_ECB",
  ctr: "CRYPTO_CTR",
  gcm: "CRYPTO_GCM",
  rfc4106: "CRYPTO_GCM",
  ccm: "CRYPTO_CCM",
  rfc7539: "CRYPTO_CHACHA20POLY1305",
  hmac: "CRYPTO_HMAC",
  cmac: "CRYPTO_CMAC",
};

/** `CONFIG_X=y|m|value` and `# CONFIG_X is not set` ("n"), crypto and TLS symbols only. */
export function parseKernelCryptoConfig(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const set = /^CONFIG_((?:CRYPTO|TLS)[A-Z0-9_]*)=(.*)$/.exec(line);
    const unset = /^# CONFIG_((?:CRYPTO|TLS)[A-Z0-9_]*) is not set$/.exec(line);
    if (set?.[1] !== undefined) out[set[1]] = set[2] ?? "";
    else if (unset?.[1] !== undefined) out[unset[1]] = "n";
  }
  return out;
}

function readConfig(view: HostView, release: string | undefined): KernelCryptoAnalysis["config"] {
  const tries = ["/proc/config.gz", ...(release ? [`/boot/config-${release}`] : [])];
  for (const path of tries) {
    if (view.kind(path) !== "file") continue;
    try {
      const raw = view.readBytes(path, 8 * 1024 * 1024);
      const text = path.endsWith(".gz")
        ? gunzipSync(raw, { maxOutputLength: 32 * 1024 * 1024 }).toString("utf8")
        : new TextDecoder().decode(raw);
      return { source: path, values: parseKernelCryptoConfig(text) };
    } catch {
      continue;
    }
  }
  return { values: {} };
}

const readNumber = (view: HostView, path: string): number | undefined => {
  try {
    const t = view.readText(path, 64).trim();
    return /^-?\d{1,12}$/.test(t) ? Number(t) : undefined;
  } catch {
    return undefined;
  }
};

function fipsState(
  view: HostView,
  live: KernelCryptoLiveFacts | undefined,
  pc: ProcCrypto | undefined,
  config: Readonly<Record<string, string>>,
): KernelCryptoAnalysis["fips"] {
  if (live !== undefined && live.fipsEnabled !== null) {
    return { enabled: live.fipsEnabled, source: "live: /proc/sys/crypto/fips_enabled" };
  }
  if (view.kind("/proc/sys/crypto/fips_enabled") === "file") {
    const f = readFips(view);
    return { enabled: f.enabled, source: f.error ?? "/proc/sys/crypto/fips_enabled" };
  }
  if (pc?.entries.some((e) => e.fips !== undefined)) {
    return {
      enabled: true,
      source: "/proc/crypto prints fips lines, which the kernel does only in FIPS mode",
    };
  }
  if (config.CRYPTO_FIPS === "n")
    return { enabled: false, source: "kernel config: CONFIG_CRYPTO_FIPS is not set" };
  if (view.live || view.kind("/proc/sys/crypto") === "dir") {
    return {
      enabled: false,
      source: "no /proc/sys/crypto/fips_enabled: kernel built without CONFIG_CRYPTO_FIPS",
    };
  }
  if (pc !== undefined)
    return { enabled: false, source: "inferred: /proc/crypto has no fips lines" };
  return {
    enabled: null,
    source: "unknown: neither /proc/sys/crypto/fips_enabled nor /proc/crypto",
  };
}

function afAlgStatus(
  live: KernelCryptoLiveFacts | undefined,
  config: KernelCryptoAnalysis["config"],
): AfAlgStatus {
  const types = Object.keys(USER_API) as KatAlgorithm["type"][];
  const cfgMissing = types.filter((t) => config.values[USER_API[t]] === "n");
  const cfgNote =
    cfgMissing.length > 0
      ? ` Kernel config (${config.source ?? "?"}): ${cfgMissing.map((t) => `CONFIG_${USER_API[t]}`).join(", ")} not set.`
      : "";
  if (live?.afAlg.available === false) {
    return {
      status: "unavailable",
      source: "live",
      ...(live.afAlg.socketErrno ? { socketErrno: live.afAlg.socketErrno } : {}),
      missingInterfaces: types,
      detail: `socket(AF_ALG, SOCK_SEQPACKET, 0) failed with ${live.afAlg.socketErrno ?? "an error"}: the kernel has no AF_ALG (CONFIG_CRYPTO_USER_API).${cfgNote}`,
    };
  }
  if (live?.afAlg.available === true) {
    // A type whose every bind failed with ENOENT, and which the config leaves out or
    // which has a registered algorithm, lacks its algif_* interface.
    const missing = types.filter((t) => {
      const cs = live.checks.filter((c) => c.type === t);
      const allEnoent = cs.length > 0 && cs.every((c) => !c.bound && c.failure?.errno === "ENOENT");
      return allEnoent && (cfgMissing.includes(t) || config.source === undefined);
    });
    return {
      status: missing.length > 0 ? "partial" : "available",
      source: "live",
      missingInterfaces: missing,
      detail:
        missing.length > 0
          ? `AF_ALG works, but every ${missing.join(" and ")} bind failed with ENOENT: algif_${missing.join("/algif_")} missing.${cfgNote}`
          : "socket(AF_ALG) and bind work.",
    };
  }
  if (config.source !== undefined && types.some((t) => config.values[USER_API[t]] !== undefined)) {
    const status =
      cfgMissing.length === types.length
        ? "unavailable"
        : cfgMissing.length > 0
          ? "partial"
          : "available";
    return {
      status,
      source: "kernel config",
      missingInterfaces: cfgMissing,
      detail: `From the kernel config (no live AF_ALG test).${cfgNote}`,
    };
  }
  return {
    status: "unknown",
    source: "none",
    missingInterfaces: [],
    detail: "No live AF_ALG test and no kernel config.",
  };
}

const REGISTERED = new Set(["ok", "untested", "pending", "fips-disallowed"]);

function moduleAlias(view: HostView, release: string | undefined): string | undefined {
  if (release === undefined) return undefined;
  try {
    return view.readText(`/lib/modules/${release}/modules.alias`, 16 * 1024 * 1024);
  } catch {
    return undefined;
  }
}

function knownRule(choice: DriverChoice | undefined, release: string | undefined) {
  const v = release === undefined ? undefined : kernelVersion(release);
  const d = choice?.chosen?.driver;
  if (v === undefined || d === undefined || choice?.outcome !== "ok") return undefined;
  return KNOWN_UNREACHABLE.find(
    (r) =>
      (r.drivers as readonly string[]).includes(d) && !before(v, r.from) && before(v, r.before),
  );
}

interface StatusContext {
  readonly live: KernelCryptoLiveFacts | undefined;
  readonly afAlg: AfAlgStatus;
  readonly release: string | undefined;
  readonly config: KernelCryptoAnalysis["config"];
  readonly aliases: string | undefined;
}

function algorithmStatus(
  alg: KatAlgorithm,
  choice: DriverChoice | undefined,
  ctx: StatusContext,
): KernelAlgorithmStatus {
  const check = ctx.live?.checks.find((c) => c.name === alg.name);
  const rule = knownRule(choice, ctx.release);
  const base = {
    name: alg.name,
    api: API_OF[alg.type],
    users: alg.users,
    ...(choice ? { choice } : {}),
    ...(check ? { live: check } : {}),
  };
  const drv = choice?.chosen
    ? `${choice.chosen.driver} (${choice.chosen.type ?? "?"}, ${choice.chosen.module ?? "?"})`
    : undefined;
  const ruleRefs = rule ? { refs: [...rule.refs] } : {};
  if (check !== undefined && ctx.live?.afAlg.available === true) {
    const f = check.failure;
    if (check.kat === "ok")
      return {
        ...base,
        status: "ok",
        inferred: false,
        reason: "bound; encryption and decryption (or digest) match node:crypto",
      };
    if (check.kat === "wrong")
      return {
        ...base,
        status: "wrong",
        inferred: false,
        reason: check.katDetail ?? "output differs from node:crypto",
      };
    if (!check.bound && ctx.afAlg.missingInterfaces.includes(alg.type)) {
      return {
        ...base,
        status: "no-interface",
        inferred: false,
        reason: `AF_ALG has no "${alg.type}" interface on this kernel`,
      };
    }
    const what = f ? `${f.step} failed with ${f.errno}` : "failed";
    if (choice?.outcome === "untested")
      return {
        ...base,
        status: "untested",
        inferred: false,
        reason: `${what}: ${choice.explanation}`,
      };
    const registered = choice !== undefined && REGISTERED.has(choice.outcome);
    if (!check.bound && !registered && f?.errno === "ENOENT") {
      return {
        ...base,
        status: "missing",
        inferred: false,
        reason: `bind(${alg.type}, ${alg.name}) = ENOENT and nothing registers it: not built into this kernel`,
      };
    }
    return {
      ...base,
      status: "unreachable",
      inferred: false,
      reason: `${check.bound ? "bound, but " : ""}${what}${drv ? ` although /proc/crypto lists ${drv}` : ""}${rule ? `; ${rule.why}` : ""}`,
      ...ruleRefs,
    };
  }
  if (rule !== undefined) {
    return {
      ...base,
      status: "unreachable",
      inferred: true,
      reason: `inferred from /proc/crypto and kernel ${ctx.release ?? "?"}: the kernel picks ${drv ?? "?"}; ${rule.why}`,
      ...ruleRefs,
    };
  }
  if (choice === undefined)
    return { ...base, status: "unknown", inferred: true, reason: "no /proc/crypto to look at" };
  switch (choice.outcome) {
    case "ok":
      return { ...base, status: "registered", inferred: true, reason: choice.explanation };
    case "untested":
      return { ...base, status: "untested", inferred: true, reason: choice.explanation };
    case "fips-disallowed":
      return { ...base, status: "missing", inferred: true, reason: choice.explanation };
    case "pending":
    case "internal-only":
      return { ...base, status: "unknown", inferred: true, reason: choice.explanation };
    case "not-registered": {
      const templates = alg.name.split(/[(),]/).filter((t) => TEMPLATE_CONFIG[t] !== undefined);
      const off = templates
        .map((t) => TEMPLATE_CONFIG[t] ?? "")
        .filter((s) => ctx.config.values[s] === "n");
      const loadable = ctx.aliases?.includes(`alias crypto-${alg.name} `) === true;
      if (off.length > 0 && !loadable) {
        return {
          ...base,
          status: "missing",
          inferred: true,
          reason: `not registered, and ${[...new Set(off)].map((s) => `CONFIG_${s}`).join(", ")} is not set (${ctx.config.source ?? "kernel config"})`,
        };
      }
      return {
        ...base,
        status: "unknown",
        inferred: true,
        reason: `${choice.explanation}${loadable ? " A module offers it (modules.alias)." : ""}`,
      };
    }
  }
}

function randomness(
  view: HostView,
  pc: ProcCrypto | undefined,
  fips: boolean | null,
  release: string | undefined,
): KernelRngSummary {
  const dir = "/proc/sys/kernel/random";
  const num = (f: string): Partial<Record<string, number>> => {
    const n = readNumber(view, `${dir}/${f}`);
    return n === undefined ? {} : { [f]: n };
  };
  const n = {
    ...num("entropy_avail"),
    ...num("poolsize"),
    ...num("urandom_min_reseed_secs"),
    ...num("write_wakeup_threshold"),
  };
  let bootId: KernelRngSummary["bootId"] = "missing";
  if (view.kind(`${dir}/boot_id`) !== "missing") {
    try {
      bootId = /^[0-9a-f-]{36}$/.test(view.readText(`${dir}/boot_id`, 128).trim())
        ? "readable"
        : "unreadable";
    } catch {
      bootId = "unreadable";
    }
  }
  const entries = pc?.entries ?? [];
  const jent = entries.find((e) => e.driver === "jitterentropy_rng" && e.type !== "larval");
  const drbgs = entries
    .filter((e) => e.driver.startsWith("drbg_") && e.type === "rng")
    .map((e) => e.driver);
  const stdrng = pc ? chooseDriver(entries, "stdrng", { api: "rng" }).chosen?.driver : undefined;
  const fipsProblems: string[] = [];
  if (fips === true && pc !== undefined) {
    if (drbgs.length === 0) {
      fipsProblems.push("no SP800-90A DRBG (drbg_*) is registered: FIPS mode needs one as stdrng");
    }
    const v = release ? kernelVersion(release) : undefined;
    const jentOk = jent !== undefined && (jent.selftest ?? "passed") === "passed";
    if (!jentOk && v !== undefined && !before(v, [5, 8])) {
      fipsProblems.push(
        `jitterentropy_rng is ${jent ? `registered but its self-test is ${jent.selftest ?? "?"}` : "not registered"}: since 5.8 the DRBG refuses to seed without it in FIPS mode (crypto/drbg.c drbg_prepare_hrng)`,
      );
    }
  }
  return {
    ...(n.entropy_avail !== undefined ? { entropyAvail: n.entropy_avail } : {}),
    ...(n.poolsize !== undefined ? { poolsize: n.poolsize } : {}),
    bootId,
    ...(n.urandom_min_reseed_secs !== undefined
      ? { urandomMinReseedSecs: n.urandom_min_reseed_secs }
      : {}),
    ...(n.write_wakeup_threshold !== undefined
      ? { writeWakeupThreshold: n.write_wakeup_threshold }
      : {}),
    ...(jent ? { jitterentropy: { driver: jent.driver, selftest: jent.selftest } } : {}),
    drbgs,
    ...(stdrng ? { stdrng } : {}),
    fipsProblems,
  };
}

/** Installed programs that talk to AF_ALG (their failures are what a missing AF_ALG costs). */
function afAlgUsers(view: HostView): string[] {
  const fixed = [
    "/usr/sbin/cryptsetup",
    "/sbin/cryptsetup",
    "/usr/libexec/iwd",
    "/usr/lib/iwd/iwd",
    "/usr/lib/systemd/systemd-homed",
    "/lib/systemd/systemd-homed",
    "/usr/bin/kcapi-enc",
  ];
  const libDirs = ["/usr/lib64", "/usr/lib"];
  try {
    for (const d of view.listDir("/usr/lib").slice(0, 4096)) {
      if (/^[a-z0-9_]+-linux-gnu[a-z0-9_]*$/.test(d)) libDirs.push(`/usr/lib/${d}`);
    }
  } catch {
    // no /usr/lib: nothing to add
  }
  const libs = libDirs.flatMap((d) => [
    `${d}/libkcapi.so.1`,
    `${d}/engines-3/afalg.so`,
    `${d}/engines-1.1/afalg.so`,
  ]);
  const seen = new Set<string>();
  return [...fixed, ...libs].filter((p) => {
    if (view.kind(p) !== "file") return false;
    const real = view.resolve(p);
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  });
}

/**
 * The kernel-crypto analysis of a host or snapshot: /proc/crypto inventory,
 * per-algorithm driver choice and reachability (live AF_ALG results when
 * given, else inferred), self-test failures, FIPS mode, randomness.
 */
export function analyseKernelCrypto(
  view: HostView,
  live?: KernelCryptoLiveFacts,
): KernelCryptoAnalysis {
  const skipped: { check: string; reason: string }[] = [];
  let kernelRelease: string | undefined;
  let releaseSource: KernelCryptoAnalysis["releaseSource"] = "unknown";
  if (live !== undefined) {
    kernelRelease = live.kernelRelease;
    releaseSource = "live";
  } else {
    try {
      const t = view.readText("/proc/sys/kernel/osrelease", 256).trim();
      if (t !== "") {
        kernelRelease = t;
        releaseSource = "/proc/sys/kernel/osrelease";
      }
    } catch (e) {
      skipped.push({ check: "kernel-release", reason: messageOf(e) });
    }
  }
  let pc: ProcCrypto | undefined;
  try {
    pc = parseProcCrypto(view.readBytes("/proc/crypto", PROC_CRYPTO_MAX_TEXT));
  } catch (e) {
    skipped.push({ check: "proc-crypto", reason: messageOf(e) });
  }
  const config = readConfig(view, kernelRelease);
  if (config.source === undefined) {
    skipped.push({
      check: "kernel-config",
      reason: "neither /proc/config.gz nor /boot/config-RELEASE is readable",
    });
  }
  const fips = fipsState(view, live, pc, config.values);
  const afAlg = afAlgStatus(live, config);
  if (live?.afAlg.error !== undefined) {
    skipped.push({ check: "af-alg", reason: `AF_ALG could not be tried: ${live.afAlg.error}` });
  }
  if (live === undefined) {
    skipped.push({
      check: "af-alg",
      reason: view.live
        ? "no live AF_ALG test was run"
        : "the snapshot has no live AF_ALG results: reachability is inferred from its files",
    });
  }
  const ctx = {
    live,
    afAlg,
    release: kernelRelease,
    config,
    aliases: moduleAlias(view, kernelRelease),
  };
  const algorithms = KAT_ALGORITHMS.map((alg) => {
    const choice = pc
      ? chooseDriver(pc.entries, alg.name, { api: API_OF[alg.type], fips: fips.enabled === true })
      : undefined;
    return algorithmStatus(alg, choice, ctx);
  });
  const entries: readonly ProcCryptoEntry[] = pc?.entries ?? [];
  const selftestFailures = entries
    .filter((e) => e.type !== "larval" && e.selftest !== undefined && e.selftest !== "passed")
    .map((e): KernelCryptoSelftestFailure => {
      const alt = entries.find(
        (o) =>
          o !== e &&
          o.name === e.name &&
          o.selftest === "passed" &&
          o.internal !== true &&
          o.type === e.type,
      );
      return {
        name: e.name,
        driver: e.driver,
        module: e.module,
        selftest: e.selftest ?? "?",
        line: e.line,
        ...(alt ? { alternative: alt.driver } : {}),
      };
    });
  return {
    ...(kernelRelease !== undefined ? { kernelRelease } : {}),
    releaseSource,
    ...(pc ? { procCrypto: pc } : {}),
    fips,
    config,
    afAlg,
    algorithms,
    selftestFailures,
    larvals: entries.filter((e) => e.type === "larval").map((e) => `${e.name} (${e.driver})`),
    afAlgUsers: afAlgUsers(view),
    randomness: randomness(view, pc, fips.enabled, kernelRelease),
    ...(live?.bench ? { bench: live.bench } : {}),
    live: live !== undefined,
    skipped,
  };
}
