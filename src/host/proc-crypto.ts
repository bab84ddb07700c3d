/**
 * /proc/crypto: the kernel's table of registered crypto algorithms, and the
 * driver the kernel picks for a name.
 *
 * Format (crypto/proc.c c_show, plus each type's ->show): one record per
 * algorithm, `key<padding>: value` lines, records separated by a blank line.
 * Every record starts with name, driver, module, priority, refcnt, selftest,
 * internal (4.1+), then `fips` (only while fips_enabled), then `type` and the
 * type's own fields (blocksize, min keysize, ivsize, digestsize …). A larval
 * (a placeholder while a driver is tested or a template instantiated) shows
 * `type : larval` and `flags : 0x…`. The list is printed in crypto_alg_list
 * order, newest registration first; that order breaks priority ties.
 */

/** One record of /proc/crypto. Unknown fields are kept, as text, in `extra`. */
export interface ProcCryptoEntry {
  /** 1-based line number of the record's `name` line. */
  readonly line: number;
  readonly name: string;
  readonly driver: string;
  readonly module?: string;
  readonly priority?: number;
  readonly refcnt?: number;
  /** "passed" (CRYPTO_ALG_TESTED set) or "unknown" (test failed or not finished). */
  readonly selftest?: string;
  readonly internal?: boolean;
  /** Only printed in FIPS mode: false means CRYPTO_ALG_FIPS_INTERNAL (refused to FIPS users). */
  readonly fips?: boolean;
  readonly type?: string;
  readonly async?: boolean;
  readonly blocksize?: number;
  readonly minKeysize?: number;
  readonly maxKeysize?: number;
  readonly ivsize?: number;
  readonly chunksize?: number;
  readonly walksize?: number;
  readonly seedsize?: number;
  readonly digestsize?: number;
  readonly maxauthsize?: number;
  readonly statesize?: number;
  readonly geniv?: string;
  /** A larval's cra_flags. */
  readonly flags?: number;
  readonly extra: Readonly<Record<string, string>>;
  /** Fields every kernel prints that this record lacks (a truncated file). */
  readonly missing: readonly string[];
}

export interface ProcCryptoProblem {
  readonly line: number;
  readonly message: string;
}

export interface ProcCrypto {
  readonly entries: readonly ProcCryptoEntry[];
  /** The first {@link MAX_PROBLEMS} problems; `problemCount` counts them all. */
  readonly problems: readonly ProcCryptoProblem[];
  readonly problemCount: number;
  /** True when a limit stopped the parse before the end of the text. */
  readonly truncated: boolean;
  readonly lines: number;
}

/** A real kernel lists a few hundred; the limit keeps hostile input bounded. */
export const PROC_CRYPTO_MAX_ENTRIES = 20_000;
export const PROC_CRYPTO_MAX_TEXT = 16 * 1024 * 1024;
const MAX_LINE = 1024;
const MAX_PROBLEMS = 50;
const MAX_EXTRA = 32;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type NumberField =
  | "priority"
  | "refcnt"
  | "blocksize"
  | "minKeysize"
  | "maxKeysize"
  | "ivsize"
  | "chunksize"
  | "walksize"
  | "seedsize"
  | "digestsize"
  | "maxauthsize"
  | "statesize";
type FieldKind =
  | { readonly kind: "number"; readonly key: NumberField; readonly signed: boolean }
  | { readonly kind: "bool"; readonly key: "internal" | "fips" | "async" }
  | { readonly kind: "text"; readonly key: "module" | "selftest" | "type" | "geniv" }
  | { readonly kind: "hex"; readonly key: "flags" };

const u = (key: NumberField): FieldKind => ({ kind: "number", key, signed: false });
const FIELDS: Readonly<Record<string, FieldKind>> = {
  module: { kind: "text", key: "module" },
  priority: { kind: "number", key: "priority", signed: true },
  refcnt: u("refcnt"),
  selftest: { kind: "text", key: "selftest" },
  internal: { kind: "bool", key: "internal" },
  fips: { kind: "bool", key: "fips" },
  type: { kind: "text", key: "type" },
  async: { kind: "bool", key: "async" },
  blocksize: u("blocksize"),
  "min keysize": u("minKeysize"),
  "max keysize": u("maxKeysize"),
  ivsize: u("ivsize"),
  chunksize: u("chunksize"),
  walksize: u("walksize"),
  seedsize: u("seedsize"),
  digestsize: u("digestsize"),
  maxauthsize: u("maxauthsize"),
  statesize: u("statesize"),
  geniv: { kind: "text", key: "geniv" },
  flags: { kind: "hex", key: "flags" },
};
/** Printed for every algorithm by every kernel since 2.6.x (internal only since 4.1). */
const REQUIRED = ["driver", "module", "priority", "type"] as const;

const KEY_RE = /^[a-z][a-z0-9 _-]{0,31}$/;
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u0008\u000b-\u001f\u007f\ufffd]/;

/**
 * Parses the text of /proc/crypto. Never throws: lines that are not
 * `key : value`, values of the wrong shape and incomplete records are
 * recorded as problems with their line numbers, and parsing goes on.
 */
export function parseProcCrypto(input: string | Uint8Array): ProcCrypto {
  let text = typeof input === "string" ? input : new TextDecoder().decode(input);
  const entries: ProcCryptoEntry[] = [];
  const problems: ProcCryptoProblem[] = [];
  let problemCount = 0;
  let truncated = false;
  const problem = (line: number, message: string): void => {
    problemCount++;
    if (problems.length < MAX_PROBLEMS) problems.push({ line, message });
  };
  if (text.length > PROC_CRYPTO_MAX_TEXT) {
    problem(
      0,
      `text of ${text.length} characters cut at the ${PROC_CRYPTO_MAX_TEXT}-character limit`,
    );
    text = text.slice(0, PROC_CRYPTO_MAX_TEXT);
    truncated = true;
  }

  let cur: Mutable<ProcCryptoEntry> | undefined;
  let extras = 0;
  const close = (): void => {
    if (cur === undefined) return;
    const missing = REQUIRED.filter((k) => cur?.[k] === undefined);
    if (missing.length > 0) {
      problem(cur.line, `record ${cur.name} lacks ${missing.join(", ")} (truncated?)`);
    }
    cur.missing = missing;
    entries.push(cur);
    cur = undefined;
  };

  let lineNo = 0;
  let pos = 0;
  while (pos < text.length) {
    let end = text.indexOf("\n", pos);
    if (end < 0) end = text.length;
    let line = text.slice(pos, Math.min(end, pos + MAX_LINE + 1));
    pos = end + 1;
    lineNo++;
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (line.length > MAX_LINE) {
      problem(lineNo, `line longer than ${MAX_LINE} characters ignored`);
      continue;
    }
    if (line.trim() === "") {
      close();
      continue;
    }
    const colon = line.indexOf(":");
    const key = colon < 0 ? "" : line.slice(0, colon).trim();
    const value = colon < 0 ? "" : line.slice(colon + 1).trim();
    if (colon < 0 || !KEY_RE.test(key) || CONTROL_RE.test(line)) {
      problem(lineNo, `not a "key : value" line: ${JSON.stringify(line.slice(0, 60))}`);
      continue;
    }
    if (key === "name") {
      if (cur !== undefined) {
        problem(lineNo, "record starts without a blank line after the previous one");
        close();
      }
      if (entries.length >= PROC_CRYPTO_MAX_ENTRIES) {
        problem(lineNo, `more than ${PROC_CRYPTO_MAX_ENTRIES} records: the rest is not parsed`);
        truncated = true;
        break;
      }
      cur = { line: lineNo, name: value, driver: "", extra: {}, missing: [] };
      extras = 0;
      continue;
    }
    if (cur === undefined) {
      problem(lineNo, `field "${key}" outside a record (no "name" line before it)`);
      continue;
    }
    if (key === "driver") {
      if (cur.driver !== "") problem(lineNo, `duplicate field "driver" in ${cur.name}`);
      else cur.driver = value;
      continue;
    }
    setField(cur, key, value, lineNo, problem, () => extras++ < MAX_EXTRA);
  }
  close();
  // A "driver" field is printed first after "name"; a record without one is not usable.
  const usable = entries.filter((e) => {
    if (e.driver !== "") return true;
    problem(e.line, `record ${e.name} has no driver: dropped`);
    return false;
  });
  return { entries: usable, problems, problemCount, truncated, lines: lineNo };
}

function setField(
  cur: Mutable<ProcCryptoEntry>,
  key: string,
  value: string,
  lineNo: number,
  problem: (line: number, message: string) => void,
  roomForExtra: () => boolean,
): void {
  const f = FIELDS[key];
  if (f === undefined) {
    if (Object.hasOwn(cur.extra, key)) problem(lineNo, `duplicate field "${key}"`);
    else if (roomForExtra()) cur.extra = { ...cur.extra, [key]: value };
    else problem(lineNo, `too many unknown fields in ${cur.name}: "${key}" ignored`);
    return;
  }
  if (cur[f.key] !== undefined) {
    problem(lineNo, `duplicate field "${key}" in ${cur.name}: first value kept`);
    return;
  }
  switch (f.kind) {
    case "text":
      cur[f.key] = value;
      return;
    case "bool":
      if (value === "yes" || value === "no") cur[f.key] = value === "yes";
      else problem(lineNo, `${key} is ${JSON.stringify(value)}, not yes or no`);
      return;
    case "number": {
      const re = f.signed ? /^-?\d{1,10}$/ : /^\d{1,10}$/;
      if (re.test(value)) cur[f.key] = Number(value);
      else problem(lineNo, `${key} is ${JSON.stringify(value)}, not a number`);
      return;
    }
    case "hex":
      if (/^0x[0-9a-f]{1,8}$/i.test(value)) cur[f.key] = Number.parseInt(value.slice(2), 16);
      else problem(lineNo, `${key} is ${JSON.stringify(value)}, not a hex number`);
      return;
  }
}

/**
 * The kernel API a lookup goes through, which decides which `type`s can
 * answer it. The type bits are matched under a mask (include/linux/crypto.h):
 * the skcipher API (and AF_ALG "skcipher") accepts skcipher and, since 6.7,
 * lskcipher (CRYPTO_ALG_TYPE_SKCIPHER_MASK); before 4.20 also the legacy
 * blkcipher, ablkcipher and givcipher (CRYPTO_ALG_TYPE_BLKCIPHER_MASK). The
 * hash API (AF_ALG "hash", crypto_alloc_ahash) accepts ahash and shash.
 */
export type CryptoApi = "skcipher" | "aead" | "hash" | "rng" | "cipher" | "akcipher" | "kpp";

export const CRYPTO_API_TYPES: Readonly<Record<CryptoApi, readonly string[]>> = {
  skcipher: ["skcipher", "lskcipher", "blkcipher", "ablkcipher", "givcipher"],
  aead: ["aead", "nivaead"],
  hash: ["ahash", "shash", "digest"],
  rng: ["rng"],
  cipher: ["cipher"],
  akcipher: ["akcipher"],
  kpp: ["kpp"],
};

/**
 * What a lookup of a name gives:
 * - `ok`: `chosen` answers it;
 * - `not-registered`: nothing of this API registered under the name; the
 *   kernel will try `modprobe crypto-NAME` and instantiate a template
 *   (xts(aes) from the xts template and aes), so this is not "unavailable";
 * - `untested`: only drivers whose self-test has not passed: the lookup fails
 *   with ELIBBAD (crypto/api.c crypto_alg_lookup, "Test failed");
 * - `pending`: only a larval, which the lookup waits on;
 * - `internal-only`: only CRYPTO_ALG_INTERNAL drivers (building blocks of
 *   other drivers, e.g. __xts-aes-aesni), which a normal lookup skips;
 * - `fips-disallowed`: in FIPS mode the winner is marked `fips : no`
 *   (CRYPTO_ALG_FIPS_INTERNAL): ENOENT.
 */
export type DriverChoiceOutcome =
  "ok" | "not-registered" | "untested" | "pending" | "internal-only" | "fips-disallowed";

export interface DriverCandidate {
  readonly driver: string;
  readonly priority: number | undefined;
  readonly type: string | undefined;
  readonly module: string | undefined;
  readonly selftest: string | undefined;
  /** Why the lookup passes over this record; undefined for the eligible ones. */
  readonly excluded?: string;
}

export interface DriverChoice {
  readonly name: string;
  readonly api: CryptoApi;
  readonly outcome: DriverChoiceOutcome;
  readonly chosen?: ProcCryptoEntry;
  /** The name was a driver name (cra_driver_name), which always wins. */
  readonly exact: boolean;
  readonly candidates: readonly DriverCandidate[];
  readonly explanation: string;
}

export interface ChooseDriverOptions {
  readonly api: CryptoApi;
  /** FIPS mode: winners marked `fips : no` are refused. */
  readonly fips?: boolean;
}

/**
 * The driver the kernel's lookup picks for `name`, as crypto/api.c
 * __crypto_alg_lookup does: among records whose type the API accepts, not
 * internal, and self-test passed, a driver-name match wins at once;
 * otherwise the highest priority among cra_name matches, the first in list
 * order on a tie (the comparison is strictly greater).
 */
export function chooseDriver(
  entries: readonly ProcCryptoEntry[],
  name: string,
  options: ChooseDriverOptions,
): DriverChoice {
  const types = CRYPTO_API_TYPES[options.api];
  const candidates: DriverCandidate[] = [];
  const eligible: ProcCryptoEntry[] = [];
  const untested: ProcCryptoEntry[] = [];
  let larval = false;
  let internal = false;
  for (const e of entries) {
    if (e.name !== name && e.driver !== name) continue;
    let excluded: string | undefined;
    if (e.type === undefined || e.priority === undefined) excluded = "incomplete record";
    else if (e.type === "larval") {
      excluded = "larval: a placeholder while the driver is self-tested or instantiated";
      larval = true;
    } else if (!types.includes(e.type)) excluded = `type ${e.type} is not a ${options.api}`;
    else if (e.internal === true) {
      excluded = "internal: reachable only by other kernel drivers";
      internal = true;
    } else if (e.selftest !== undefined && e.selftest !== "passed") {
      excluded = `self-test ${e.selftest}: the lookup requires CRYPTO_ALG_TESTED`;
      untested.push(e);
    } else eligible.push(e);
    candidates.push({
      driver: e.driver,
      priority: e.priority,
      type: e.type,
      module: e.module,
      selftest: e.selftest,
      ...(excluded === undefined ? {} : { excluded }),
    });
  }

  let chosen: ProcCryptoEntry | undefined;
  let exact = false;
  for (const e of eligible) {
    if (e.driver === name) {
      chosen = e;
      exact = true;
      break;
    }
    if (e.name === name && (chosen === undefined || (e.priority ?? 0) > (chosen.priority ?? 0))) {
      chosen = e;
    }
  }
  const base = { name, api: options.api, exact, candidates };
  if (chosen === undefined) {
    if (untested.length > 0) {
      return {
        ...base,
        outcome: "untested",
        explanation: `Every ${options.api} registered as ${name} lacks a passed self-test (${untested.map((e) => e.driver).join(", ")}): the lookup fails with ELIBBAD.`,
      };
    }
    if (larval) {
      return {
        ...base,
        outcome: "pending",
        explanation: `Only a larval is registered as ${name}: a driver is being self-tested or a template instantiated; lookups wait for it. A larval that stays means a test or instantiation is stuck.`,
      };
    }
    if (internal) {
      return {
        ...base,
        outcome: "internal-only",
        explanation: `Only internal drivers are registered as ${name}; a normal lookup skips them (they serve as building blocks, e.g. behind a cryptd or simd wrapper).`,
      };
    }
    return {
      ...base,
      outcome: "not-registered",
      explanation: `No ${options.api} is registered as ${name}; the kernel would load the module crypto-${name} or build it from templates on first use.`,
    };
  }
  const by = exact
    ? `the driver name matches exactly`
    : `it has the highest priority (${chosen.priority ?? "?"}) of ${eligible.filter((e) => e.name === name).length} eligible`;
  if (options.fips === true && chosen.fips === false) {
    return {
      ...base,
      chosen,
      outcome: "fips-disallowed",
      explanation: `The lookup lands on ${chosen.driver} (${by}), which is marked "fips : no": in FIPS mode the kernel answers ENOENT.`,
    };
  }
  return {
    ...base,
    chosen,
    outcome: "ok",
    explanation: `${chosen.driver} (${chosen.type ?? "?"}, module ${chosen.module ?? "?"}) answers ${name}: ${by}.`,
  };
}
