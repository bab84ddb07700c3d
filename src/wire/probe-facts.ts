import { X509Certificate } from "node:crypto";
import { messageOf } from "../core/index.js";
import { analyzeCapture, type HandshakeCapture } from "./capture/index.js";
import type { StartedTls, TlsClientOptions } from "./handshake.js";
import type { NegotiatedTls, ProbeOptions } from "./probe-types.js";
import type { WireChunk } from "./tap.js";
import { printable } from "./transcript.js";

// Facts a probe reads off a finished (or failed) handshake.

/** The server's first bytes, printable, if they cannot start a TLS record. */
export function nonTlsReply(chunks: readonly WireChunk[]): string | undefined {
  const first = chunks.find((c) => c.dir === "s2c" && c.bytes.length > 0);
  const b0 = first?.bytes[0];
  if (!first || b0 === undefined) return undefined;
  const tlsStart = (b0 >= 20 && b0 <= 24) || (b0 & 0x80) !== 0;
  if (tlsStart) return undefined;
  return printable(first.bytes.subarray(0, 120))
    .replace(/\\x0d\\x0a|\\x0a/g, " ")
    .trim();
}

/** The TLS settings part of the probe options. */
export function tlsOptionsOf(o: ProbeOptions): TlsClientOptions {
  const { alpn, tlsMin, tlsMax, ciphers, ciphersuites, groups, cert, key } = o;
  return {
    ...(alpn ? { alpn } : {}),
    ...(tlsMin ? { tlsMin } : {}),
    ...(tlsMax ? { tlsMax } : {}),
    ...(ciphers ? { ciphers } : {}),
    ...(ciphersuites ? { ciphersuites } : {}),
    ...(groups ? { groups } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
  };
}

export function negotiated(
  s: StartedTls,
  servername: string | undefined,
  resuming: boolean,
): NegotiatedTls {
  const sock = s.socket;
  const c = sock.getCipher() as ReturnType<typeof sock.getCipher> | null;
  const eph = sock.getEphemeralKeyInfo();
  const group =
    eph && typeof eph === "object" && "name" in eph && typeof eph.name === "string"
      ? {
          name: eph.name,
          bits: typeof eph.size === "number" ? eph.size : 0,
          type: String(eph.type ?? ""),
        }
      : undefined;
  return {
    protocol: sock.getProtocol() ?? "unknown",
    cipher: c
      ? { openssl: c.name, iana: c.standardName ?? c.name }
      : { openssl: "unknown", iana: "unknown" },
    ...(group ? { group } : {}),
    alpn: typeof sock.alpnProtocol === "string" ? sock.alpnProtocol : null,
    sni: servername ?? null,
    resumption: resuming ? (sock.isSessionReused() ? "resumed" : "not-resumed") : "not-tried",
    ocsp: { stapled: false },
  };
}

/** Did the server ask for a client certificate (CertificateRequest, decrypted in TLS 1.3)? */
export function certificateRequested(s: StartedTls, keylog: readonly string[]): boolean {
  return safeAnalyze(s.tap, keylog)?.certificateRequested ?? true;
}

export function safeAnalyze(
  tap: StartedTls["tap"],
  keylog: readonly string[],
): HandshakeCapture | undefined {
  try {
    return analyzeCapture({ chunks: tap.chunks, keylog });
  } catch (e) {
    // analyzeCapture is total by contract; a throw here is a bug, but must not sink the probe.
    process.emitWarning(`tlsdoctor: capture analysis failed: ${messageOf(e)}`);
    return undefined;
  }
}

export function nodeChain(s: StartedTls): Uint8Array[] {
  const out: Uint8Array[] = [];
  let c = s.socket.getPeerCertificate(true);
  const seen = new Set<string>();
  while (c && c.raw && !seen.has(c.fingerprint256)) {
    seen.add(c.fingerprint256);
    out.push(new Uint8Array(c.raw));
    const next = c.issuerCertificate;
    if (!next || next === c) break;
    c = next;
  }
  // Node appends the root from its own store when it finds one; keep only what the server plausibly sent.
  return out.filter(
    (der, i) => i === 0 || !new X509Certificate(der).verify(new X509Certificate(der).publicKey),
  );
}

export function tapOf(e: unknown): StartedTls["tap"] | undefined {
  if (typeof e === "object" && e !== null && "tlsdTap" in e)
    return (e as { tlsdTap: StartedTls["tap"] }).tlsdTap;
  return undefined;
}
export function keylogOf(e: unknown): string[] | undefined {
  if (typeof e === "object" && e !== null && "tlsdKeylog" in e)
    return (e as { tlsdKeylog: string[] }).tlsdKeylog;
  return undefined;
}
