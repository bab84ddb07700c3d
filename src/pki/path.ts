/**
 * Certification path building, the way OpenSSL does it with its default
 * X509_V_FLAG_TRUSTED_FIRST: from the leaf, look for each issuer in the
 * trust store first, then among the certificates the server sent. A
 * candidate issuer must have a subject equal to the child's issuer name and
 * its key must verify the child's signature; a candidate whose subject key
 * id equals the child's authority key id is tried first.
 *
 * One deliberate difference: any certificate in the store is a trust
 * anchor, self-signed or not (OpenSSL needs -partial_chain for that).
 */
import type { ParsedCertificate } from "./cert-info.js";

/** Longest path we build (OpenSSL's default depth is 100; real ones are 2–4). */
export const MAX_PATH_LENGTH = 16;

export interface PathNode {
  readonly cert: ParsedCertificate;
  readonly source: "sent" | "store";
  /** Index in the list the server sent; null for store certificates. */
  readonly sentIndex: number | null;
}

export interface BuiltPath {
  /** Leaf first. Ends at the anchor when there is one. */
  readonly nodes: readonly PathNode[];
  /** The store certificate the path ends at, if any. */
  readonly anchor: ParsedCertificate | null;
  /**
   * When the top's issuer name matched a certificate but no signature
   * verified: that certificate (the signature is bad or the key differs).
   */
  readonly badSignatureBy: ParsedCertificate | null;
}

/** True when `issuer`'s key verifies `child`'s signature. Never throws. */
export function signedBy(child: ParsedCertificate, issuer: ParsedCertificate): boolean {
  try {
    return child.x509.verify(issuer.x509.publicKey);
  } catch {
    return false;
  }
}

function candidates(
  child: ParsedCertificate,
  pool: readonly ParsedCertificate[],
): ParsedCertificate[] {
  const named = pool.filter((c) => c.subjectKey === child.issuerKey);
  const aki = child.info.authorityKeyId;
  if (aki === null) return named;
  return [
    ...named.filter((c) => c.info.subjectKeyId === aki),
    ...named.filter((c) => c.info.subjectKeyId !== aki),
  ];
}

/**
 * Builds the path for `sent[0]`. `sent` may hold undefined for entries
 * that did not parse; they are skipped.
 */
export function buildPath(
  sent: readonly (ParsedCertificate | undefined)[],
  anchors: readonly ParsedCertificate[],
): BuiltPath {
  const leaf = sent[0];
  if (leaf === undefined) return { nodes: [], anchor: null, badSignatureBy: null };
  const inStore = new Map(anchors.map((a) => [a.sha256, a]));
  const nodes: PathNode[] = [{ cert: leaf, source: "sent", sentIndex: 0 }];
  const used = new Set<number>([0]);
  let badSignatureBy: ParsedCertificate | null = null;

  while (nodes.length < MAX_PATH_LENGTH) {
    const cur = (nodes[nodes.length - 1] as PathNode).cert;
    const same = inStore.get(cur.sha256);
    if (same !== undefined) return { nodes, anchor: same, badSignatureBy: null };
    let named = false;
    const fromStore = candidates(cur, anchors);
    named ||= fromStore.length > 0;
    const storeIssuer = fromStore.find((c) => signedBy(cur, c));
    if (storeIssuer !== undefined) {
      nodes.push({ cert: storeIssuer, source: "store", sentIndex: null });
      return { nodes, anchor: storeIssuer, badSignatureBy: null };
    }
    // A self-signed certificate ends the path unless the store holds its key (a re-issued root).
    if (cur.info.selfSigned) break;
    const pool = sent.flatMap((c, i) => (c === undefined || used.has(i) ? [] : [{ c, i }]));
    const fromSent = candidates(
      cur,
      pool.map((p) => p.c),
    );
    named ||= fromSent.length > 0;
    const sentIssuer = fromSent.find((c) => signedBy(cur, c));
    if (sentIssuer === undefined) {
      badSignatureBy = named ? ((fromStore[0] ?? fromSent[0]) as ParsedCertificate) : null;
      break;
    }
    const index = pool.find((p) => p.c === sentIssuer)?.i ?? -1;
    used.add(index);
    nodes.push({ cert: sentIssuer, source: "sent", sentIndex: index });
  }
  return { nodes, anchor: null, badSignatureBy };
}
