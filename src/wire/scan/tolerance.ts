import { ExtensionType, rawExt } from "../codec/index.js";
import { GREASE_VALUES } from "../registry/index.js";
import type { ScanContext } from "./context.js";
import type { Offer } from "./offer.js";
import { suitesOf } from "./offer.js";
import { describe } from "./outcome.js";
import { MODERN_GROUPS, MODERN_SIGALGS, MODERN_SUITES, modernOffer } from "./profiles.js";
import type { ToleranceScan } from "./types.js";

interface ToleranceTest {
  readonly test: string;
  readonly description: string;
  readonly offer: (sni: string | undefined) => Offer;
  /** The answer must also be TLS ≤ 1.2 (a server claiming an unknown version). */
  readonly maxVersion?: number;
}

const g = (i: number): number => GREASE_VALUES[i % GREASE_VALUES.length] as number;

/** The hellos that have broken servers in the wild, each against the canary's answer. */
export const TOLERANCE_TESTS: readonly ToleranceTest[] = [
  {
    test: "tls13-hello",
    description: "a TLS 1.3-style hello (supported_versions, key_share) to any server",
    offer: (sni) => modernOffer(sni),
  },
  {
    test: "unknown-version",
    description:
      "a TLS 1.2-style hello claiming version 0x0305 (RFC 5246 §E.1: answer with the highest you have)",
    offer: (sni) => ({
      ...modernOffer(sni),
      protocol: "TLSv1.2",
      legacyVersion: 0x0305,
      suites: MODERN_SUITES.slice(3),
    }),
    maxVersion: 0x0303,
  },
  {
    test: "unknown-supported-version",
    description: "supported_versions listing an unknown future version first",
    offer: (sni) => modernOffer(sni, { versions: [0x0305, 0x0304, 0x0303, 0x0302, 0x0301] }),
  },
  {
    test: "unknown-extension",
    description: "an extension of an unassigned type (RFC 8446 §4.2: ignore what you do not know)",
    offer: (sni) =>
      modernOffer(sni, { extraExtensions: [rawExt(0x7e57, Uint8Array.of(1, 2, 3, 4))] }),
  },
  {
    test: "length-256-511",
    description: "a ClientHello of 300 bytes (the F5 256–511 byte bug, RFC 7685)",
    offer: (sni) =>
      modernOffer(sni, {
        suites: MODERN_SUITES.slice(0, 8),
        groups: [29, 23],
        keyShares: [29],
        sigalgs: MODERN_SIGALGS.slice(0, 8),
        padTo: 300,
      }),
  },
  {
    test: "length-10-mod-256",
    description: "a ClientHello whose length is 10 mod 256 (522 bytes)",
    offer: (sni) => modernOffer(sni, { padTo: 522 }),
  },
  {
    test: "length-14-mod-256",
    description: "a ClientHello whose length is 14 mod 256 (526 bytes)",
    offer: (sni) => modernOffer(sni, { padTo: 526 }),
  },
  {
    test: "many-suites",
    description: "more than 128 cipher suites",
    offer: (sni) =>
      modernOffer(sni, { suites: [...MODERN_SUITES.slice(0, 3), ...suitesOf("TLSv1.2")] }),
  },
  {
    test: "grease",
    description:
      "GREASE (RFC 8701) in suites, extensions, groups, key shares, versions, sigalgs and ALPN",
    offer: (sni) =>
      modernOffer(sni, {
        suites: [g(0), ...MODERN_SUITES],
        groups: [g(1), ...MODERN_GROUPS],
        versions: [g(2), 0x0304, 0x0303, 0x0302, 0x0301],
        sigalgs: [g(3), ...MODERN_SIGALGS],
        extraExtensions: [rawExt(g(4)), rawExt(g(5), Uint8Array.of(0))],
      }),
  },
  {
    test: "empty-last-extension",
    description: "an empty extension last in the list (servers that read past it fail)",
    offer: (sni) =>
      modernOffer(sni, {
        omitExtensions: [ExtensionType.extended_master_secret],
        extraExtensions: [rawExt(ExtensionType.extended_master_secret)],
      }),
  },
  {
    test: "split-records",
    description: "the ClientHello split across records (4 bytes, then the rest)",
    offer: (sni) => modernOffer(sni, { fragments: [4] }),
  },
];

/** Runs each tolerance hello; a test is failed when the canary's kind of answer does not come. */
export async function scanTolerance(ctx: ScanContext): Promise<ToleranceScan[]> {
  const sni = ctx.ep.serverName;
  const base = ctx.baseline;
  const results = await Promise.all(
    TOLERANCE_TESTS.map((t) =>
      ctx.hello(t.offer(sni), `tolerance ${t.test}`).catch((e: unknown) => {
        if (e instanceof RangeError) return e.message;
        throw e;
      }),
    ),
  );
  return TOLERANCE_TESTS.map((t, i) => {
    const r = results[i];
    if (r === undefined || typeof r === "string" || base === undefined) {
      const why = typeof r === "string" ? r : "no baseline";
      return {
        test: t.test,
        description: t.description,
        tolerant: undefined,
        outcome: `not run: ${why}`,
      };
    }
    const v = r.flight.serverHello?.selectedVersion;
    let tolerant: boolean | undefined;
    if (base.kind !== "hello") tolerant = undefined;
    else tolerant = r.kind === "hello" && (t.maxVersion === undefined || (v ?? 0) <= t.maxVersion);
    return { test: t.test, description: t.description, tolerant, outcome: describe(r) };
  });
}
