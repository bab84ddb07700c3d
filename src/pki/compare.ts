/**
 * Verifies one sent chain against several stores and names the cause when
 * they disagree. The case seed 003 needed: the reference (a current Mozilla
 * list) trusts the chain, the system store does not, so the system store
 * lacks a root; we name that root (subject CN and SHA-256).
 */
import type { CertificateInfo } from "./cert-info.js";
import type { TrustStore } from "./store.js";
import { parseSent, verifyParsed } from "./verify.js";
import type { ChainProblem, ChainVerdict, VerifyOptions } from "./verify.js";

export interface StoreSet {
  /** The host's store, or the `--ca` store that replaces it. */
  readonly system: TrustStore;
  readonly reference: TrustStore;
  readonly extra?: readonly TrustStore[];
}

/** Why the chain is or is not anchored, across stores. */
export type TrustDiagnosis =
  | { readonly kind: "anchored"; readonly stores: readonly string[] }
  | {
      readonly kind: "stale-store";
      readonly store: string;
      readonly reference: string;
      /** The root the reference used and `store` lacks. */
      readonly missingRoot: CertificateInfo;
      /** `store` has a certificate with the same subject (an older, different root). */
      readonly storeHasSameSubject: boolean;
    }
  | { readonly kind: "anchored-elsewhere"; readonly stores: readonly string[] }
  | {
      readonly kind: "missing-intermediate";
      readonly issuer: string;
      readonly issuerCN: string | null;
      readonly caIssuers: readonly string[];
    }
  | {
      readonly kind: "private-ca";
      readonly issuer: string;
      readonly issuerCN: string | null;
      /** The self-signed root the server sent, when it did. */
      readonly root: CertificateInfo | null;
    }
  | { readonly kind: "self-signed"; readonly cert: CertificateInfo }
  | { readonly kind: "bad-signature"; readonly subject: string; readonly issuer: string };

export interface StoresVerdict {
  /** The sent certificates that parsed, in the order sent. */
  readonly sent: readonly CertificateInfo[];
  readonly system: ChainVerdict;
  readonly reference: ChainVerdict;
  readonly extra: readonly ChainVerdict[];
  /** Every verdict with its store's name and role, system first. */
  readonly stores: readonly {
    readonly name: string;
    readonly role: "system" | "extra" | "reference";
    readonly verdict: ChainVerdict;
  }[];
  /** Stores whose verdict is `trusted`. */
  readonly trustedBy: readonly string[];
  readonly trust: TrustDiagnosis;
  /**
   * The verdict certificate problems are read from: the first anchored one
   * of system, extra…, reference; the system one when none is anchored.
   */
  readonly primary: ChainVerdict;
}

function diagnose(
  system: ChainVerdict,
  reference: ChainVerdict,
  extra: readonly ChainVerdict[],
  systemStore: TrustStore,
): TrustDiagnosis {
  const all = [system, ...extra, reference];
  if (system.anchored)
    return { kind: "anchored", stores: all.filter((v) => v.anchored).map((v) => v.store) };
  if (reference.anchored && reference.anchor !== null) {
    const root = reference.anchor;
    return {
      kind: "stale-store",
      store: system.store,
      reference: reference.store,
      missingRoot: root,
      storeHasSameSubject: systemStore.anchors.some((a) => a.info.subject === root.subject),
    };
  }
  const elsewhere = extra.filter((v) => v.anchored).map((v) => v.store);
  if (elsewhere.length > 0) return { kind: "anchored-elsewhere", stores: elsewhere };
  const p = system.problems.find((x): x is Extract<ChainProblem, { kind: TrustProblemKind }> =>
    TRUST_KINDS.includes(x.kind as TrustProblemKind),
  );
  const top = system.path[system.path.length - 1]?.info;
  switch (p?.kind) {
    case "missing-intermediate":
      return {
        kind: "missing-intermediate",
        issuer: p.issuer,
        issuerCN: p.issuerCN,
        caIssuers: p.caIssuers,
      };
    case "self-signed-leaf":
      return { kind: "self-signed", cert: system.path[0]?.info as CertificateInfo };
    case "untrusted-root":
      return {
        kind: "private-ca",
        issuer: p.subject,
        issuerCN: top?.subjectCN ?? null,
        root: top ?? null,
      };
    case "bad-signature":
      return { kind: "bad-signature", subject: p.subject, issuer: p.issuer };
    case "unknown-issuer":
      return { kind: "private-ca", issuer: p.issuer, issuerCN: p.issuerCN, root: null };
    case undefined:
      return {
        kind: "private-ca",
        issuer: top?.issuer ?? "",
        issuerCN: top?.issuerCN ?? null,
        root: null,
      };
  }
}

type TrustProblemKind =
  | "missing-intermediate"
  | "self-signed-leaf"
  | "untrusted-root"
  | "bad-signature"
  | "unknown-issuer";
const TRUST_KINDS: readonly TrustProblemKind[] = [
  "missing-intermediate",
  "self-signed-leaf",
  "untrusted-root",
  "bad-signature",
  "unknown-issuer",
];

/**
 * Verifies `sent` against every store. Throws like verifyChain (TLSD_PARSE
 * for an unparseable leaf, TLSD_PROTOCOL for an empty list).
 */
export function verifyAgainstStores(
  sent: readonly Uint8Array[],
  stores: StoreSet,
  opts: VerifyOptions = {},
): StoresVerdict {
  const parsed = parseSent(sent);
  const o: VerifyOptions = { ...opts, at: opts.at ?? new Date() };
  const system = verifyParsed(parsed, stores.system, o);
  const reference = verifyParsed(parsed, stores.reference, o);
  const extra = (stores.extra ?? []).map((s) => verifyParsed(parsed, s, o));
  const all = [system, ...extra, reference];
  return {
    sent: parsed.certs.flatMap((c) => (c === undefined ? [] : [c.info])),
    system,
    reference,
    extra,
    stores: [
      { name: system.store, role: "system", verdict: system },
      ...extra.map((v) => ({ name: v.store, role: "extra" as const, verdict: v })),
      { name: reference.store, role: "reference", verdict: reference },
    ],
    trustedBy: all.filter((v) => v.trusted).map((v) => v.store),
    trust: diagnose(system, reference, extra, stores.system),
    primary: all.find((v) => v.anchored) ?? system,
  };
}
