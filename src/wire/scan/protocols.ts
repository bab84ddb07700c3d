import type { ProtocolName } from "../codec/index.js";
import { groupLabel, suiteByCode, suitesFor } from "../registry/index.js";
import type { ScanContext } from "./context.js";
import type { HelloResult } from "./exchange.js";
import type { Offer } from "./offer.js";
import { WIRE_VERSION, suitesOf } from "./offer.js";
import { chosen, describe } from "./outcome.js";
import type { AcceptedSuite, ProtocolScan } from "./types.js";

/** The first hello of each protocol, kept for the feature checks. */
export type FirstHellos = Map<ProtocolName, HelloResult>;

/** The offer that tests one protocol with the given suites. */
export function protocolOffer(
  protocol: ProtocolName,
  suites: readonly number[],
  serverName: string | undefined,
  extra: Partial<Offer> = {},
): Offer {
  return {
    protocol,
    suites,
    ...(protocol === "SSLv3" ? { noExtensions: true } : {}),
    ...(serverName === undefined ? {} : { serverName }),
    ...extra,
  };
}

/**
 * Which suites one protocol accepts, with the fewest handshakes: offer every
 * suite, note the one chosen, drop it, repeat until the server refuses —
 * (accepted + 1) handshakes — then one more with the accepted suites
 * reversed to tell the server's order from the client's.
 */
export async function enumerateProtocol(
  ctx: ScanContext,
  protocol: ProtocolName,
  firsts: FirstHellos,
  suitesToo: boolean,
): Promise<ProtocolScan> {
  const sni = ctx.ep.serverName;
  if (protocol === "SSLv2") return sslv2(ctx);
  const wire = WIRE_VERSION[protocol];
  let candidates = suitesOf(protocol);
  const accepted: AcceptedSuite[] = [];
  let ended = "";
  for (;;) {
    const r = await ctx.hello(protocolOffer(protocol, candidates, sni), `${protocol} suites`);
    const c = chosen(r);
    if (accepted.length === 0) firsts.set(protocol, r);
    ended = describe(r);
    if (c === undefined || c.version !== wire || !candidates.includes(c.suite)) break;
    accepted.push(acceptedSuite(c.suite, r));
    candidates = candidates.filter((s) => s !== c.suite);
    if (!suitesToo || candidates.length === 0) break;
  }
  const supported = accepted.length > 0 ? true : answered(firsts.get(protocol)) ? false : undefined;
  let order: ProtocolScan["order"] = "unknown";
  if (suitesToo && accepted.length >= 2) {
    const reversed = accepted.map((a) => a.code).reverse();
    const r = await ctx.hello(protocolOffer(protocol, reversed, sni), `${protocol} order`);
    const c = chosen(r);
    if (c !== undefined) order = c.suite === accepted[0]?.code ? "server" : "client";
  } else if (accepted.length === 1) {
    order = "server";
  }
  return { protocol, supported, ended, accepted, complete: suitesToo, order };
}

/**
 * The suites worth offering in later probes of a protocol: the accepted ones
 * when the list is complete, else every suite the registry has for it.
 */
export function offerable(
  p: ProtocolScan | undefined,
): readonly { code: number; kx: string; au: string }[] {
  if (p === undefined) return [];
  if (p.complete) return p.accepted;
  return suitesFor(p.protocol).map((s) => ({ code: s.code, kx: s.kx, au: s.au }));
}

/** The server gave an answer we can read as yes or no (not a dead connection). */
function answered(r: HelloResult | undefined): boolean {
  return (
    r !== undefined &&
    (r.kind === "hello" || r.kind === "alert" || r.kind === "sslv2" || r.kind === "closed")
  );
}

function acceptedSuite(code: number, r: HelloResult): AcceptedSuite {
  const s = suiteByCode(code);
  const kx = keyExchangeOf(r);
  return {
    code,
    hex: `0x${code.toString(16).toUpperCase().padStart(4, "0")}`,
    name: s?.name ?? `0x${code.toString(16).padStart(4, "0")}`,
    ...(s?.openssl === undefined ? {} : { openssl: s.openssl }),
    bits: s?.bits ?? 0,
    kx: s?.kx ?? "?",
    au: s?.au ?? "?",
    ...(kx === undefined ? {} : { keyExchange: kx }),
  };
}

/** What the ServerKeyExchange (or TLS 1.3 key_share / HRR) says about the key exchange. */
export function keyExchangeOf(r: HelloResult): string | undefined {
  const f = r.flight;
  const g = f.serverHello?.keyShareGroup;
  if (g !== undefined) return groupLabel(g);
  const ske = f.keyExchange;
  if (ske?.kind === "ecdhe")
    return ske.namedCurve === undefined ? "ECDHE explicit curve" : groupLabel(ske.namedCurve);
  if (ske?.kind === "dhe") return `DHE ${ske.primeBits}`;
  return undefined;
}

async function sslv2(ctx: ScanContext): Promise<ProtocolScan> {
  const r = await ctx.hello({ protocol: "SSLv2", suites: [] }, "SSLv2");
  const kinds = r.flight.sslv2?.cipherKinds ?? [];
  const accepted = kinds.map((code) => {
    const s = suiteByCode(code);
    return {
      code,
      hex: `0x${code.toString(16).toUpperCase().padStart(6, "0")}`,
      name: s?.name ?? `0x${code.toString(16).padStart(6, "0")}`,
      ...(s?.openssl === undefined ? {} : { openssl: s.openssl }),
      bits: s?.bits ?? 0,
      kx: s?.kx ?? "RSA",
      au: s?.au ?? "RSA",
    };
  });
  const supported =
    r.flight.sslv2 !== undefined ? accepted.length > 0 : answered(r) ? false : undefined;
  return {
    protocol: "SSLv2",
    supported,
    ended: describe(r),
    accepted,
    complete: true,
    order: "unknown",
  };
}
