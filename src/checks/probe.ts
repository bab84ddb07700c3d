import {
  finding,
  type Attempt,
  type Finding,
  type Side,
  type Verdict,
  messageOf,
} from "../core/index.js";
import type { ProbeResult, RepeatResult } from "../wire/index.js";
import {
  findSystemStore,
  loadNamedStore,
  loadCaStore,
  referenceStore,
  verifyAgainstStores,
  type StoresVerdict,
  type TrustStore,
} from "../pki/index.js";
import { chainFindings } from "./chain.js";
import { failureFindings } from "./failure.js";
import { repeatFindings } from "./repeat.js";

export interface StoreOptions {
  /** --ca FILE|DIR: replaces the system store. */
  readonly ca?: string;
  /** --store NAME=FILE, repeatable. */
  readonly extra?: readonly string[];
  /** --reference FILE: the current reference store (default: Node's bundled Mozilla roots). */
  readonly reference?: string;
}

export interface Stores {
  readonly system: TrustStore;
  readonly reference: TrustStore;
  readonly extra: readonly TrustStore[];
}

/** Loads the stores a probe verifies against. Bad --ca/--store paths are TLSD_FILE errors. */
export function loadStores(o: StoreOptions = {}): Stores {
  return {
    system: o.ca === undefined ? findSystemStore() : loadCaStore(o.ca),
    reference:
      o.reference === undefined ? referenceStore() : loadNamedStore(`reference=${o.reference}`),
    extra: (o.extra ?? []).map((spec) => loadNamedStore(spec)),
  };
}

export interface Diagnosis {
  readonly findings: readonly Finding[];
  readonly verdict: Verdict;
  readonly attempts: readonly Attempt[];
  readonly verification?: StoresVerdict;
}

/** Findings about the negotiated session itself (legacy versions, STARTTLS injection). */
function sessionFindings(r: ProbeResult): Finding[] {
  const out: Finding[] = [];
  const proto = r.tls?.protocol;
  if (proto === "TLSv1" || proto === "TLSv1.1") {
    out.push(
      finding({
        id: "TLS_LEGACY_VERSION",
        severity: "warning",
        side: "server",
        title: `The server negotiated ${proto}`,
        detail:
          "TLS 1.0 and 1.1 are deprecated (RFC 8996); current OpenSSL, browsers and mail providers refuse them by default, so clients that upgrade will fail here.",
        evidence: { protocol: proto, cipher: r.tls?.cipher.iana ?? "" },
        fix: "Enable TLS 1.2 and 1.3 on the server (OpenSSL: MinProtocol = TLSv1.2).",
      }),
    );
  }
  if (r.starttls && r.starttls.earlyBytes > 0) {
    out.push(
      finding({
        id: "STARTTLS_EARLY_DATA",
        severity: "warning",
        side: "server",
        title: `The server sent ${r.starttls.earlyBytes} bytes after agreeing to STARTTLS, before TLS began`,
        detail:
          "Bytes that arrive in clear text after the STARTTLS reply belong to no protocol state. A server that buffers them across the upgrade is open to command injection (CVE-2011-0411 class); one that sends them confuses clients.",
        evidence: { bytes: r.starttls.earlyBytes },
        fix: "Update the server; it must discard buffered plaintext when TLS starts.",
      }),
    );
  }
  return out;
}

function sideOf(findings: readonly Finding[]): Side | undefined {
  return findings.find((f) => f.severity === "error" || f.severity === "critical")?.side;
}

/** Turns a probe result into findings and a verdict: chain verification, failure classes, session facts. */
export function diagnoseProbe(r: ProbeResult, stores: Stores): Diagnosis {
  const findings: Finding[] = [...failureFindings(r), ...sessionFindings(r)];
  const attempts: Attempt[] = [];
  let verification: StoresVerdict | undefined;
  if (r.certificates.length > 0) {
    try {
      verification = verifyAgainstStores(r.certificates, stores, {
        ...(r.tls?.sni
          ? { host: r.tls.sni }
          : r.target.serverName
            ? { host: r.target.serverName }
            : { host: r.target.host }),
      });
      findings.push(...chainFindings(verification));
      attempts.push({ id: "chain-verification", status: "ok" });
    } catch (e) {
      attempts.push({ id: "chain-verification", status: "failed", reason: messageOf(e) });
    }
  } else {
    attempts.push({
      id: "chain-verification",
      status: "skipped",
      reason: r.ok
        ? "the server sent no certificate"
        : "the handshake did not get as far as the certificate",
    });
  }
  const bad = findings.filter((f) => f.severity === "error" || f.severity === "critical");
  const side = sideOf(findings);
  const verdict: Verdict = r.ok
    ? bad.length === 0
      ? {
          ok: true,
          summary: `TLS works: ${r.tls?.protocol ?? ""} ${r.tls?.cipher.iana ?? ""}, chain trusted${verification ? ` by ${trustedBy(verification)}` : ""}`,
        }
      : {
          ok: false,
          summary: `Handshake completed, but ${bad.length} problem${bad.length > 1 ? "s" : ""}: ${bad.map((f) => f.id).join(", ")}`,
          ...(side ? { side } : {}),
        }
    : {
        ok: false,
        summary: `Failed at ${r.failure?.phase ?? "?"}: ${bad[0]?.title ?? r.failure?.message ?? "unknown"}`,
        ...(side ? { side } : {}),
      };
  return { findings, verdict, attempts, ...(verification ? { verification } : {}) };
}

function trustedBy(v: StoresVerdict): string {
  const names = v.stores.filter((s) => s.verdict.trusted).map((s) => s.name);
  return names.length > 0 ? names.join(", ") : "no store";
}

/** Findings and verdict for a --repeat run. */
export function diagnoseRepeat(r: RepeatResult, stores: Stores): Diagnosis {
  const findings: Finding[] = [...repeatFindings(r)];
  let verification: StoresVerdict | undefined;
  const attempts: Attempt[] = [];
  if (r.firstSuccess) {
    const d = diagnoseProbe(r.firstSuccess, stores);
    findings.push(...d.findings.filter((f) => !findings.some((g) => g.id === f.id)));
    attempts.push(...d.attempts);
    verification = d.verification;
  }
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  const bad = findings.filter((f) => f.severity === "error" || f.severity === "critical");
  const side = sideOf(findings);
  const summary =
    r.failures === 0
      ? `All ${r.attempts} attempts succeeded (failure rate 0%, 95% CI up to ${pct(r.failureRateCi95.high)})`
      : `${r.failures} of ${r.attempts} attempts failed: ${pct(r.failureRate)} (95% CI ${pct(r.failureRateCi95.low)}–${pct(r.failureRateCi95.high)})`;
  return {
    findings,
    verdict: { ok: bad.length === 0, summary, ...(side && bad.length > 0 ? { side } : {}) },
    attempts,
    ...(verification ? { verification } : {}),
  };
}
