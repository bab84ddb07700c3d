/**
 * Verifies the chain a server sent against one trust store and says what
 * is wrong, as typed problems.
 *
 * Rules (OpenSSL-like; see path.ts for path building):
 * - `trusted` = the path ends at a store certificate (`anchored`) and no
 *   fatal problem was found. `extra-certs` and `wrong-order` are not fatal.
 * - Validity dates are checked on every certificate of the path, the
 *   anchor included (as OpenSSL does).
 * - `weak-key`: RSA, RSA-PSS or DSA under 2048 bits, EC under 224 bits, on
 *   any path certificate (OpenSSL security level 2, the Debian/RHEL default).
 * - `sha1-signature`: a SHA-1 or MD5 signature on any path certificate
 *   except the anchor and a self-signed top (their own signature is never
 *   relied on).
 * - `missing-intermediate`: the path is the leaf alone, the leaf is not
 *   self-issued, no sent and no store certificate issued it, and the leaf
 *   names where its issuer can be fetched (AIA caIssuers). That is how a
 *   publicly issued leaf served without its intermediate looks: public CAs
 *   never issue leaves from roots and always set caIssuers. A leaf without
 *   caIssuers whose issuer is unknown is `unknown-issuer` instead (usually a
 *   private CA that issues straight from its root). When the server sent
 *   intermediates and the top one's issuer is unknown, that is also
 *   `unknown-issuer`: the root may rightly be omitted (RFC 8446 §4.4.2), so
 *   only a store comparison (compare.ts) can tell a stale store from a
 *   private CA.
 * - `untrusted-root`: the path ends at a self-signed certificate (not the
 *   leaf) that is not in the store. `self-signed-leaf`: the leaf is
 *   self-signed and not in the store.
 * - `bad-signature`: a certificate with the issuer's name exists but its
 *   key does not verify the signature.
 */
import { isIP } from "node:net";
import { TlsDoctorError } from "../core/index.js";
import { parseCertificate } from "./cert-info.js";
import type { CertificateInfo, ParsedCertificate } from "./cert-info.js";
import { buildPath } from "./path.js";
import type { PathNode } from "./path.js";
import type { TrustStore } from "./store.js";
import { INFORMATIONAL_PROBLEMS, describeProblem } from "./problems.js";
import type { ChainProblem } from "./problems.js";

export { INFORMATIONAL_PROBLEMS, describeProblem } from "./problems.js";
export type { ChainProblem, ChainProblemKind } from "./problems.js";

export interface PathEntry {
  readonly info: CertificateInfo;
  readonly source: "sent" | "store";
  readonly sentIndex: number | null;
}

export interface ChainVerdict {
  readonly store: string;
  /** Anchored and no fatal problem. */
  readonly trusted: boolean;
  /** The path reaches a certificate of the store with valid signatures. */
  readonly anchored: boolean;
  readonly path: readonly PathEntry[];
  readonly anchor: CertificateInfo | null;
  readonly problems: readonly ChainProblem[];
  /** ISO time the dates were checked at. */
  readonly at: string;
  readonly host: string | null;
  /** One line: "trusted (anchor: CN)" or "not trusted: expired; unknown issuer …". */
  readonly summary: string;
}

export interface VerifyOptions {
  readonly host?: string;
  readonly at?: Date;
}

/** Parses what the server sent; the leaf must parse, other failures become problems. */
export function parseSent(sent: readonly Uint8Array[]): {
  certs: (ParsedCertificate | undefined)[];
  problems: ChainProblem[];
} {
  if (sent.length === 0)
    throw new TlsDoctorError(
      "TLSD_PROTOCOL",
      "Cannot verify chain: the server sent no certificate",
    );
  const problems: ChainProblem[] = [];
  const certs = sent.map((der, i) => {
    if (i === 0) return parseCertificate(der);
    try {
      return parseCertificate(der);
    } catch (e) {
      problems.push({ kind: "unparseable", sentIndex: i, message: (e as Error).message });
      return undefined;
    }
  });
  return { certs, problems };
}

function minimumBits(keyType: string): number | undefined {
  if (keyType === "RSA" || keyType === "RSA-PSS" || keyType === "DSA") return 2048;
  if (keyType === "EC") return 224;
  return undefined;
}

function hostProblem(leaf: ParsedCertificate, host: string): ChainProblem | undefined {
  const h = host.replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "");
  const ok =
    isIP(h) !== 0 ? leaf.x509.checkIP(h) !== undefined : leaf.x509.checkHost(h) !== undefined;
  if (ok) return undefined;
  const i = leaf.info;
  const names =
    i.dnsNames.length + i.ipAddresses.length > 0
      ? [...i.dnsNames, ...i.ipAddresses]
      : i.subjectCN === null
        ? []
        : [i.subjectCN];
  return { kind: "hostname-mismatch", host, names };
}

function perCertProblems(nodes: readonly PathNode[], anchored: boolean, at: Date): ChainProblem[] {
  const out: ChainProblem[] = [];
  const t = at.getTime();
  nodes.forEach((n, index) => {
    const i = n.cert.info;
    if (Date.parse(i.notAfter) < t)
      out.push({ kind: "expired", index, subject: i.subject, notAfter: i.notAfter });
    if (Date.parse(i.notBefore) > t)
      out.push({ kind: "not-yet-valid", index, subject: i.subject, notBefore: i.notBefore });
    const min = minimumBits(i.key.type);
    if (min !== undefined && i.key.bits < min) {
      out.push({
        kind: "weak-key",
        index,
        subject: i.subject,
        keyType: i.key.type,
        bits: i.key.bits,
        minimum: min,
      });
    }
    const isTop = index === nodes.length - 1;
    const reliedOn = !(isTop && (anchored || i.selfSigned));
    if (reliedOn && (i.signatureHash === "sha1" || i.signatureHash === "md5")) {
      out.push({
        kind: "sha1-signature",
        index,
        subject: i.subject,
        signatureAlgorithm: i.signatureAlgorithm,
      });
    }
  });
  return out;
}

function trustProblems(
  nodes: readonly PathNode[],
  badSignatureBy: ParsedCertificate | null,
): ChainProblem[] {
  const top = (nodes[nodes.length - 1] as PathNode).cert;
  const index = nodes.length - 1;
  const i = top.info;
  if (badSignatureBy !== null)
    return [{ kind: "bad-signature", index, subject: i.subject, issuer: i.issuer }];
  if (i.selfSigned) {
    return index === 0
      ? [{ kind: "self-signed-leaf", subject: i.subject, sha256: i.sha256 }]
      : [{ kind: "untrusted-root", index, subject: i.subject, sha256: i.sha256 }];
  }
  if (index === 0 && !i.selfIssued && i.caIssuers.length > 0) {
    return [
      {
        kind: "missing-intermediate",
        issuer: i.issuer,
        issuerCN: i.issuerCN,
        caIssuers: i.caIssuers,
      },
    ];
  }
  return [
    {
      kind: "unknown-issuer",
      index,
      subject: i.subject,
      issuer: i.issuer,
      issuerCN: i.issuerCN,
      hasAia: i.caIssuers.length > 0,
      caIssuers: i.caIssuers,
    },
  ];
}

function orderProblems(
  sent: readonly (ParsedCertificate | undefined)[],
  nodes: readonly PathNode[],
  anchor: ParsedCertificate | null,
): ChainProblem[] {
  const out: ChainProblem[] = [];
  const order = nodes.flatMap((n) => (n.sentIndex === null ? [] : [n.sentIndex]));
  if (order.some((v, k) => v !== k)) out.push({ kind: "wrong-order", sentOrder: order });
  const onPath = new Set(order);
  const extra = sent.flatMap((c, k) =>
    c === undefined || onPath.has(k) || (anchor !== null && c.info.sha256 === anchor.info.sha256)
      ? []
      : [k],
  );
  if (extra.length > 0) {
    out.push({
      kind: "extra-certs",
      sentIndexes: extra,
      subjects: extra.map((k) => sent[k]?.info.subject ?? ""),
    });
  }
  return out;
}

/**
 * Verifies `sent` (DER, leaf first, as the server sent it) against `store`.
 * Throws TLSD_PARSE when the leaf does not parse, TLSD_PROTOCOL when `sent` is empty.
 */
export function verifyChain(
  sent: readonly Uint8Array[],
  store: TrustStore,
  opts: VerifyOptions = {},
): ChainVerdict {
  return verifyParsed(parseSent(sent), store, opts);
}

/** verifyChain for certificates parsed once (compare.ts checks several stores). */
export function verifyParsed(
  parsed: {
    readonly certs: readonly (ParsedCertificate | undefined)[];
    readonly problems: readonly ChainProblem[];
  },
  store: TrustStore,
  opts: VerifyOptions = {},
): ChainVerdict {
  const at = opts.at ?? new Date();
  const { nodes, anchor, badSignatureBy } = buildPath(parsed.certs, store.anchors);
  const leaf = parsed.certs[0] as ParsedCertificate;
  const problems: ChainProblem[] = [...parsed.problems];
  problems.push(...perCertProblems(nodes, anchor !== null, at));
  if (opts.host !== undefined && opts.host !== "") {
    const p = hostProblem(leaf, opts.host);
    if (p) problems.push(p);
  }
  if (anchor === null) problems.push(...trustProblems(nodes, badSignatureBy));
  problems.push(...orderProblems(parsed.certs, nodes, anchor));
  const fatal = problems.some((p) => !INFORMATIONAL_PROBLEMS.has(p.kind));
  const trusted = anchor !== null && !fatal;
  const anchorName = anchor === null ? "" : (anchor.info.subjectCN ?? anchor.info.subject);
  const listed = problems
    .filter((p) => trusted || !INFORMATIONAL_PROBLEMS.has(p.kind))
    .map(describeProblem);
  const summary = trusted
    ? `trusted (anchor: ${anchorName})${listed.length > 0 ? `; ${listed.join("; ")}` : ""}`
    : `not trusted: ${listed.join("; ")}`;
  return {
    store: store.name,
    trusted,
    anchored: anchor !== null,
    path: nodes.map((n) => ({ info: n.cert.info, source: n.source, sentIndex: n.sentIndex })),
    anchor: anchor?.info ?? null,
    problems,
    at: at.toISOString(),
    host: opts.host ?? null,
    summary,
  };
}
