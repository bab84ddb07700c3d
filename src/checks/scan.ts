import { finding, type Finding } from "../core/index.js";
import type { AcceptedSuite, ScanResult } from "../wire/index.js";
import { featureFindings, killedFinding, toleranceFindings } from "./scan-more.js";

export { diagnoseReplay } from "./scan-more.js";

/** NULL, anonymous, export, RC4, single DES and MD5 suites: broken by design. */
export function insecureSuite(s: AcceptedSuite): string | undefined {
  const n = s.name.toUpperCase();
  if (/_NULL_|WITH_NULL|_NULL$/.test(n) || s.bits === 0) return "no encryption (NULL)";
  if (/_ANON_|ADH|AECDH/.test(n) || s.au === "None") return "no authentication (anonymous)";
  if (/EXPORT|EXP/.test(n)) return "export grade";
  if (/RC4/.test(n)) return "RC4";
  if (/_DES_|DES40|DES_CBC_SHA$|_DES_CBC_/.test(n) && !/3DES|DES_EDE/.test(n)) return "single DES";
  if (/RC2|IDEA_CBC_MD5|_MD5$/.test(n)) return "RC2 or MD5";
  if (s.bits > 0 && s.bits < 112) return `${s.bits}-bit key`;
  return undefined;
}

/** 3DES (Sweet32) and suites without forward secrecy: legacy, not broken. */
export function legacySuite(s: AcceptedSuite): string | undefined {
  const n = s.name.toUpperCase();
  if (/3DES|DES_EDE/.test(n)) return "3DES (64-bit block, Sweet32)";
  if (/^TLS_RSA_|^SSL_RSA_/.test(n)) return "RSA key exchange (no forward secrecy)";
  return undefined;
}

/** Findings from a scan: protocols, suites, features, tolerance, and a hello that kills. */
export function diagnoseScan(r: ScanResult): Finding[] {
  const out: Finding[] = [];
  const where = r.target;
  if (r.killed) out.push(killedFinding(r));
  const on = (p: string): boolean =>
    r.protocols.some((x) => x.protocol === p && x.supported === true);
  const proto: Array<[string, string, "error" | "warning", string]> = [
    ["SSLv2", "PROTOCOL_SSLV2_ENABLED", "error", "SSL 2.0 is broken (DROWN, RFC 6176 forbids it)"],
    ["SSLv3", "PROTOCOL_SSLV3_ENABLED", "error", "SSL 3.0 is broken (POODLE, RFC 7568 forbids it)"],
    ["TLSv1", "PROTOCOL_TLS10_ENABLED", "warning", "TLS 1.0 is deprecated (RFC 8996)"],
    ["TLSv1.1", "PROTOCOL_TLS11_ENABLED", "warning", "TLS 1.1 is deprecated (RFC 8996)"],
  ];
  for (const [p, id, severity, why] of proto) {
    if (!on(p)) continue;
    const n = r.protocols.find((x) => x.protocol === p)?.accepted.length ?? 0;
    out.push(
      finding({
        id,
        severity,
        side: "server",
        title: `${where} accepts ${p}`,
        detail: `${why}. The server negotiated it with ${n} suite${n === 1 ? "" : "s"}.`,
        evidence: { protocol: p, suites: n },
        fix: `Disable ${p} in the server's TLS configuration (OpenSSL: MinProtocol = TLSv1.2; nginx: ssl_protocols TLSv1.2 TLSv1.3; Postfix: smtpd_tls_protocols = >=TLSv1.2).`,
        refs: ["RFC 8996", "RFC 7568", "RFC 6176"],
      }),
    );
  }
  const scanned = r.protocols.some((p) => p.protocol === "TLSv1.3" && p.supported !== undefined);
  if (scanned && !on("TLSv1.3") && r.protocols.some((p) => p.supported === true)) {
    out.push(
      finding({
        id: "PROTOCOL_TLS13_MISSING",
        severity: "info",
        side: "server",
        title: `${where} does not offer TLS 1.3`,
        detail:
          "TLS 1.3 is faster (one round trip) and drops every legacy construction; current clients prefer it.",
        fix: "Upgrade the TLS library (OpenSSL ≥ 1.1.1, GnuTLS ≥ 3.6.5) and enable TLSv1.3.",
        refs: ["RFC 8446"],
      }),
    );
  }
  const bad: string[] = [];
  const old: string[] = [];
  for (const p of r.protocols) {
    for (const s of p.accepted) {
      const i = insecureSuite(s);
      if (i) bad.push(`${p.protocol} ${s.name} (${i})`);
      else {
        const l = legacySuite(s);
        if (l && p.protocol !== "TLSv1.3") old.push(`${p.protocol} ${s.name} (${l})`);
      }
    }
  }
  if (bad.length > 0) {
    out.push(
      finding({
        id: "CIPHER_SUITES_INSECURE",
        severity: "error",
        side: "server",
        title: `${where} accepts ${bad.length} insecure cipher suite${bad.length === 1 ? "" : "s"}`,
        detail: `Suites with no encryption, no authentication, export-grade keys, RC4 or single DES let an attacker read or change the traffic. The evidence lists each with its protocol and flaw.`,
        evidence: bad.slice(0, 40).map((b, i) => ({ label: `suite ${i + 1}`, value: b })),
        fix: "Remove them from the server's cipher list (OpenSSL syntax: add !aNULL:!eNULL:!EXPORT:!RC4:!DES:!MD5, or use a current Mozilla profile).",
        refs: ["RFC 7465", "RFC 9325"],
      }),
    );
  }
  if (old.length > 0) {
    out.push(
      finding({
        id: "CIPHER_SUITES_LEGACY",
        severity: "warning",
        side: "server",
        title: `${where} accepts ${old.length} legacy cipher suite${old.length === 1 ? "" : "s"}`,
        detail: `3DES is open to Sweet32; static-RSA key exchange has no forward secrecy. The evidence lists each suite with its protocol.`,
        evidence: old.slice(0, 20).map((b, i) => ({ label: `suite ${i + 1}`, value: b })),
        fix: "Prefer ECDHE suites with AES-GCM or ChaCha20-Poly1305; drop 3DES and static-RSA suites unless a named old client needs them.",
        refs: ["RFC 9325", "CVE-2016-2183"],
      }),
    );
  }
  for (const p of r.protocols) {
    if (p.order === "client" && p.protocol !== "TLSv1.3") {
      out.push(
        finding({
          id: "CIPHER_ORDER_CLIENT",
          severity: "info",
          side: "server",
          title: `${where} follows the client's cipher order in ${p.protocol}`,
          detail:
            "The server takes the first suite the client lists that it accepts, so a client that lists a weak suite first gets it.",
          evidence: { protocol: p.protocol },
          fix: "Set server preference (OpenSSL: Options = ServerPreference; nginx: ssl_prefer_server_ciphers on), or accept only strong suites so the order does not matter.",
          refs: ["RFC 9325 §4.2"],
        }),
      );
    }
  }
  for (const g of r.protocols.flatMap((p) => p.accepted.map((a) => ({ p: p.protocol, a })))) {
    const m = /^DHE (\d+)$/.exec(g.a.keyExchange ?? "");
    if (m && Number(m[1]) < 2048) {
      out.push(
        finding({
          id: "DHE_GROUP_WEAK",
          severity: "warning",
          side: "server",
          title: `${where} uses a ${m[1]}-bit Diffie-Hellman group`,
          detail: `With ${g.a.name} in ${g.p} the server's DH prime has ${m[1]} bits (Logjam: under 2048 bits is within reach of a strong attacker).`,
          evidence: { suite: g.a.name, protocol: g.p, prime: `${m[1]} bits` },
          fix: "Use a 2048-bit or larger group (RFC 7919 ffdhe2048), or drop DHE suites in favour of ECDHE.",
          refs: ["RFC 7919", "CVE-2015-4000"],
        }),
      );
      break;
    }
  }
  out.push(...featureFindings(r), ...toleranceFindings(r));
  return out;
}
