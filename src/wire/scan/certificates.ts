import { X509Certificate } from "node:crypto";
import type { ScanContext } from "./context.js";
import type { HelloResult } from "./exchange.js";
import { hello13 } from "./features.js";
import { offerable, protocolOffer } from "./protocols.js";
import type { CertificateScan, ProtocolScan } from "./types.js";

/** Signature schemes that make a TLS 1.3 server pick its certificate of one key type. */
const TLS13_BY_KEY: ReadonlyArray<[CertificateScan["keyType"], readonly number[]]> = [
  ["RSA", [0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b, 0x0401, 0x0501, 0x0601]],
  ["ECDSA", [0x0403, 0x0503, 0x0603]],
  ["EdDSA", [0x0807, 0x0808]],
];

/** The key type of a DER certificate, by its public key. */
export function keyTypeOf(der: Uint8Array): CertificateScan["keyType"] {
  try {
    const t = new X509Certificate(der).publicKey.asymmetricKeyType;
    if (t === "rsa" || t === "rsa-pss") return "RSA";
    if (t === "ec") return "ECDSA";
    if (t === "ed25519" || t === "ed448") return "EdDSA";
    if (t === "dsa") return "DSA";
    return "other";
  } catch {
    return "other";
  }
}

/**
 * One chain per key type the server holds: in TLS 1.3 by restricting the
 * signature schemes (the encrypted Certificate is read with our key share);
 * in TLS ≤ 1.2 by restricting the suites' authentication (RSA, ECDSA, DSS),
 * EdDSA through ECDSA suites with only Ed25519/Ed448 schemes.
 */
export async function scanCertificates(
  ctx: ScanContext,
  protocols: readonly ProtocolScan[],
): Promise<CertificateScan[]> {
  const sni = ctx.ep.serverName;
  const found = new Map<string, CertificateScan>();
  const add = (r: HelloResult, protocol: ProtocolScan["protocol"]): void => {
    const chain = (r.flight.certificate?.entries ?? []).map((e) => e.data);
    const leaf = chain[0];
    if (leaf === undefined) return;
    const key = Buffer.from(leaf).toString("base64");
    if (found.has(key)) return;
    found.set(key, {
      keyType: keyTypeOf(leaf),
      protocol,
      chain,
      ocspStapled: r.flight.ocsp !== undefined,
    });
  };
  const p13 = protocols.find((p) => p.protocol === "TLSv1.3" && p.supported === true);
  if (p13) {
    const suites = offerable(p13).map((a) => a.code);
    const rs = await Promise.all(
      TLS13_BY_KEY.map(([, sigalgs]) =>
        hello13(ctx, protocolOffer("TLSv1.3", suites, sni, { sigalgs }), "TLSv1.3 certificates"),
      ),
    );
    for (const r of rs) add(r, "TLSv1.3");
  }
  const old = ["TLSv1.2", "TLSv1.1", "TLSv1", "SSLv3"] as const;
  const best = old
    .map((n) => protocols.find((p) => p.protocol === n && p.supported === true))
    .find((p) => p);
  if (best) {
    const by = (au: string): number[] =>
      offerable(best)
        .filter((a) => a.au === au)
        .map((a) => a.code);
    const offers = [by("RSA"), by("ECDSA"), by("DSS")].filter((s) => s.length > 0);
    const rs = await Promise.all(
      offers.map((suites) =>
        ctx.hello(protocolOffer(best.protocol, suites, sni), `${best.protocol} certificates`),
      ),
    );
    for (const r of rs) add(r, best.protocol);
    const ecdsa = by("ECDSA");
    if (best.protocol === "TLSv1.2" && ecdsa.length > 0) {
      const r = await ctx.hello(
        protocolOffer("TLSv1.2", ecdsa, sni, { sigalgs: [0x0807, 0x0808] }),
        "TLSv1.2 EdDSA certificate",
      );
      add(r, "TLSv1.2");
    }
  }
  return [...found.values()];
}
