import { ExtensionType, canMakeKeyShare, findExtension } from "../codec/index.js";
import { groupByCode, groupLabel, sigschemeLabel } from "../registry/index.js";
import { probe } from "../probe.js";
import type { ScanContext } from "./context.js";
import type { HelloResult } from "./exchange.js";
import type { Offer } from "./offer.js";
import { ALL_GROUPS, ALL_SIGALGS, TLS_FALLBACK_SCSV } from "./offer.js";
import { ALERT_INAPPROPRIATE_FALLBACK, ALERT_NO_APPLICATION_PROTOCOL } from "./profiles.js";
import { chosen } from "./outcome.js";
import { offerable, protocolOffer } from "./protocols.js";
import type { AlpnScan, FeatureScan, GroupScan, ProtocolScan, SigalgScan } from "./types.js";

const named = (code: number, label: (c: number) => string): { code: number; name: string } => ({
  code,
  name: label(code),
});

/**
 * A TLS 1.3 hello whose encrypted flight we can read: key shares for x25519
 * and P-256; if the server asks (HelloRetryRequest) for another group we can
 * generate, once more with a share for that group.
 */
export async function hello13(ctx: ScanContext, offer: Offer, label: string): Promise<HelloResult> {
  const r = await ctx.hello({ keyShares: [29, 23], ...offer, decrypt: true }, label);
  const c = chosen(r);
  const g = r.flight.serverHello?.keyShareGroup;
  if (c?.hrr === true && g !== undefined && canMakeKeyShare(g)) {
    return ctx.hello({ ...offer, keyShares: [g], decrypt: true }, label);
  }
  return r;
}

/** Suites accepted in a protocol, for offers that must succeed. */
const suitesIn = (p: ProtocolScan | undefined): number[] => offerable(p).map((a) => a.code);

/**
 * Offer every value, note the one the server picks, drop it, repeat until it
 * picks nothing we offered: (supported + 1) handshakes, in the order the
 * server chooses, instead of one per value.
 */
export async function dropLoop(
  all: readonly number[],
  pick: (offered: readonly number[]) => Promise<number | undefined>,
): Promise<number[]> {
  let left = [...all];
  const found: number[] = [];
  while (left.length > 0) {
    const x = await pick(left);
    if (x === undefined || !left.includes(x)) break;
    found.push(x);
    left = left.filter((y) => y !== x);
  }
  return found;
}

/**
 * Groups, by dropping: in TLS 1.3 with an empty key_share, so a server that
 * supports one of the offered groups answers with a HelloRetryRequest naming
 * it; in TLS 1.2 with ECDHE suites, the ServerKeyExchange names the curve.
 * The first pick, with everything offered, is the preferred group.
 */
export async function scanGroups(
  ctx: ScanContext,
  p13: ProtocolScan | undefined,
  p12: ProtocolScan | undefined,
): Promise<GroupScan[]> {
  const sni = ctx.ep.serverName;
  const jobs: Promise<GroupScan | undefined>[] = [];
  const result = (protocol: "TLSv1.3" | "TLSv1.2", found: number[]): GroupScan => ({
    protocol,
    supported: found.map((g) => named(g, groupLabel)),
    ...(found[0] === undefined ? {} : { preferred: named(found[0], groupLabel) }),
  });
  if (p13?.supported === true) {
    const suites = suitesIn(p13);
    jobs.push(
      dropLoop(ALL_GROUPS, async (groups) => {
        const r = await ctx.hello(
          protocolOffer("TLSv1.3", suites, sni, { groups, keyShares: [] }),
          "TLSv1.3 groups",
        );
        const sh = r.flight.serverHello;
        return sh?.selectedVersion === 0x0304 ? sh.keyShareGroup : undefined;
      }).then((found) => result("TLSv1.3", found)),
    );
  }
  const ecdhe = offerable(p12)
    .filter((a) => a.kx === "ECDH")
    .map((a) => a.code);
  if (p12?.supported === true && ecdhe.length > 0) {
    const ec = ALL_GROUPS.filter((g) => groupByCode(g)?.kind === "ecdhe");
    jobs.push(
      dropLoop(ec, async (groups) => {
        const r = await ctx.hello(
          protocolOffer("TLSv1.2", ecdhe, sni, { groups }),
          "TLSv1.2 groups",
        );
        const ske = r.flight.keyExchange;
        return ske?.kind === "ecdhe" ? ske.namedCurve : undefined;
      }).then((found) => result("TLSv1.2", found)),
    );
  }
  return (await Promise.all(jobs)).filter((g): g is GroupScan => g !== undefined);
}

/**
 * Signature schemes, by dropping. TLS 1.3: the decrypted CertificateVerify
 * names the scheme; TLS 1.2: the signature of an (EC)DHE ServerKeyExchange.
 */
export async function scanSigalgs(
  ctx: ScanContext,
  p13: ProtocolScan | undefined,
  p12: ProtocolScan | undefined,
): Promise<SigalgScan[]> {
  const sni = ctx.ep.serverName;
  const jobs: Promise<SigalgScan>[] = [];
  const modern = ALL_SIGALGS.filter((s) => s >= 0x0400 || s === 0x0201 || s === 0x0203);
  if (p13?.supported === true) {
    const suites = suitesIn(p13);
    jobs.push(
      dropLoop(modern, async (sigalgs) => {
        const r = await hello13(
          ctx,
          protocolOffer("TLSv1.3", suites, sni, { sigalgs }),
          "TLSv1.3 sigalgs",
        );
        return r.flight.certificateVerifyScheme;
      }).then((found) => ({
        protocol: "TLSv1.3",
        supported: found.map((s) => named(s, sigschemeLabel)),
      })),
    );
  }
  const signed = offerable(p12)
    .filter((a) => a.kx === "ECDH" || a.kx === "DH")
    .map((a) => a.code);
  if (p12?.supported === true) {
    if (signed.length === 0) {
      jobs.push(
        Promise.resolve({
          protocol: "TLSv1.2",
          supported: [],
          note: "only RSA key exchange: nothing is signed",
        }),
      );
    } else {
      jobs.push(
        dropLoop(ALL_SIGALGS, async (sigalgs) => {
          const r = await ctx.hello(
            protocolOffer("TLSv1.2", signed, sni, { sigalgs }),
            "TLSv1.2 sigalgs",
          );
          return r.flight.keyExchange?.signatureAlgorithm;
        }).then((found) => ({
          protocol: "TLSv1.2",
          supported: found.map((s) => named(s, sigschemeLabel)),
        })),
      );
    }
  }
  return Promise.all(jobs);
}

/** ALPN identifiers tried: IANA's registry, the ones servers commonly select. */
export const ALPN_CANDIDATES: readonly string[] = [
  "h2",
  "http/1.1",
  "http/1.0",
  "spdy/3.1",
  "acme-tls/1",
  "smtp",
  "imap",
  "pop3",
  "ftp",
  "xmpp-client",
  "xmpp-server",
  "managesieve",
  "postgresql",
  "mqtt",
  "dot",
  "irc",
  "nntp",
  "ldap",
];

/**
 * ALPN, like the suites: offer every candidate, note the one selected, drop
 * it, repeat. A no_application_protocol alert (120) to the full list means
 * the server refuses what it does not speak; some (Exim ≥ 4.95) refuse any
 * list with one unknown protocol in it, so then each candidate is offered
 * alone to find the ones it accepts.
 */
export async function scanAlpn(
  ctx: ScanContext,
  protocols: readonly ProtocolScan[],
): Promise<AlpnScan | undefined> {
  const sni = ctx.ep.serverName;
  const p12 = protocols.find((p) => p.protocol === "TLSv1.2" && p.supported === true);
  const p13 = protocols.find((p) => p.protocol === "TLSv1.3" && p.supported === true);
  const p = p12 ?? p13;
  if (p === undefined) return undefined;
  const tls13 = p === p13;
  /** The protocol selected, `{ refused: true }` for alert 120, or undefined. */
  const attempt = async (
    list: readonly string[],
  ): Promise<string | { refused: true } | undefined> => {
    const offer = protocolOffer(p.protocol, suitesIn(p), sni, { alpn: list });
    const r = tls13 ? await hello13(ctx, offer, "ALPN") : await ctx.hello(offer, "ALPN");
    if (r.flight.alert?.description === ALERT_NO_APPLICATION_PROTOCOL) return { refused: true };
    const sel = tls13 ? r.flight.encryptedExtensions?.alpn : r.flight.serverHello?.alpn;
    return sel !== undefined && list.includes(sel) ? sel : undefined;
  };
  let left = [...ALPN_CANDIDATES];
  const supported: string[] = [];
  let refusesUnknown = false;
  let refusesMixedList = false;
  while (left.length > 0) {
    const sel = await attempt(left);
    if (typeof sel === "object") {
      refusesUnknown = true;
      if (supported.length === 0) {
        const alone = await Promise.all(left.map((x) => attempt([x])));
        const ok = left.filter((_, i) => typeof alone[i] === "string");
        supported.push(...ok);
        refusesMixedList = ok.length > 0;
      }
      break;
    }
    if (sel === undefined) break;
    supported.push(sel);
    left = left.filter((x) => x !== sel);
  }
  return {
    protocol: p.protocol,
    supported,
    refusesUnknown,
    refusesMixedList,
    ignored: supported.length === 0 && !refusesUnknown,
    tested: ALPN_CANDIDATES,
  };
}

/** Yes/no features read from ServerHello extensions of the best TLS ≤ 1.2 protocol. */
export async function scanFeatures(
  ctx: ScanContext,
  protocols: readonly ProtocolScan[],
): Promise<FeatureScan> {
  const sni = ctx.ep.serverName;
  const notes: string[] = [];
  const old = ["TLSv1.2", "TLSv1.1", "TLSv1", "SSLv3"] as const;
  const best = old
    .map((n) => protocols.find((p) => p.protocol === n && p.supported === true))
    .find((p) => p);
  const tlsUp = protocols.filter(
    (p) => p.protocol !== "SSLv2" && p.protocol !== "SSLv3" && p.supported === true,
  );
  let fallbackScsv: boolean | undefined;
  if (tlsUp.length >= 2) {
    const second = tlsUp[tlsUp.length - 2] as ProtocolScan;
    const r = await ctx.hello(
      protocolOffer(second.protocol, [...suitesIn(second), TLS_FALLBACK_SCSV], sni),
      "TLS_FALLBACK_SCSV",
    );
    fallbackScsv =
      r.kind === "alert" && r.flight.alert?.description === ALERT_INAPPROPRIATE_FALLBACK;
  } else {
    notes.push("TLS_FALLBACK_SCSV: one protocol only, nothing to fall back to");
  }
  if (best === undefined) {
    notes.push(
      "renegotiation, compression, heartbeat, tickets, EMS, encrypt-then-MAC: need a TLS ≤ 1.2 handshake",
    );
    const p13 = protocols.find((p) => p.protocol === "TLSv1.3" && p.supported === true);
    let ocsp: boolean | undefined;
    if (p13) {
      const r = await hello13(ctx, protocolOffer("TLSv1.3", suitesIn(p13), sni), "OCSP stapling");
      ocsp = r.flight.certificate === undefined ? undefined : r.flight.ocsp !== undefined;
    }
    return {
      fallbackScsv,
      secureRenegotiation: undefined,
      compression: undefined,
      heartbeat: undefined,
      sessionTicket: undefined,
      extendedMasterSecret: undefined,
      ocspStapling: ocsp,
      encryptThenMac: undefined,
      notes,
    };
  }
  const r = await ctx.hello(
    protocolOffer(best.protocol, suitesIn(best), sni, {
      compression: [1, 0],
      heartbeat: true,
      noExtensions: false,
    }),
    "features",
  );
  const sh = r.flight.serverHello;
  const has = (t: number): boolean | undefined =>
    sh === undefined ? undefined : findExtension(sh.extensions, t) !== undefined;
  return {
    fallbackScsv,
    secureRenegotiation: has(ExtensionType.renegotiation_info),
    compression: sh === undefined ? undefined : sh.compressionMethod !== 0,
    heartbeat: has(15),
    sessionTicket: has(ExtensionType.session_ticket),
    extendedMasterSecret: has(ExtensionType.extended_master_secret),
    ocspStapling: sh === undefined ? undefined : r.flight.ocsp !== undefined,
    encryptThenMac: has(22),
    clientCertificateRequested: sh === undefined ? undefined : r.flight.certificateRequested,
    notes,
  };
}

/**
 * Session resumption, the way clients do it: a full handshake with Node's
 * TLS (OpenSSL), then a second one offering the session or ticket it got.
 * Two connections, outside the codec: resumption needs the real key schedule.
 */
export async function scanResumption(ctx: ScanContext): Promise<boolean | undefined> {
  ctx.connections += 2;
  const r = await probe(ctx.ep.target, {
    connectTo: ctx.ep.address,
    timeoutMs: ctx.ep.timeoutMs,
    sni: ctx.ep.serverName ?? false,
    resumption: true,
    afterTls: false,
    signal: ctx.signal,
  });
  const res = r.tls?.resumption;
  return res === "resumed"
    ? true
    : res === "not-resumed" || res === "no-session"
      ? false
      : undefined;
}
