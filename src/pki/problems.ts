/** The typed problems verifyChain reports, and one-line wording for them. */

export type ChainProblem =
  | {
      readonly kind: "expired";
      readonly index: number;
      readonly subject: string;
      readonly notAfter: string;
    }
  | {
      readonly kind: "not-yet-valid";
      readonly index: number;
      readonly subject: string;
      readonly notBefore: string;
    }
  | { readonly kind: "hostname-mismatch"; readonly host: string; readonly names: readonly string[] }
  | { readonly kind: "self-signed-leaf"; readonly subject: string; readonly sha256: string }
  | {
      readonly kind: "unknown-issuer";
      readonly index: number;
      readonly subject: string;
      readonly issuer: string;
      readonly issuerCN: string | null;
      readonly hasAia: boolean;
      readonly caIssuers: readonly string[];
    }
  | {
      readonly kind: "missing-intermediate";
      readonly issuer: string;
      readonly issuerCN: string | null;
      readonly caIssuers: readonly string[];
    }
  | {
      readonly kind: "weak-key";
      readonly index: number;
      readonly subject: string;
      readonly keyType: string;
      readonly bits: number;
      readonly minimum: number;
    }
  | {
      readonly kind: "sha1-signature";
      readonly index: number;
      readonly subject: string;
      readonly signatureAlgorithm: string;
    }
  | {
      readonly kind: "untrusted-root";
      readonly index: number;
      readonly subject: string;
      readonly sha256: string;
    }
  | {
      readonly kind: "extra-certs";
      readonly sentIndexes: readonly number[];
      readonly subjects: readonly string[];
    }
  | { readonly kind: "wrong-order"; readonly sentOrder: readonly number[] }
  | {
      readonly kind: "bad-signature";
      readonly index: number;
      readonly subject: string;
      readonly issuer: string;
    }
  | { readonly kind: "unparseable"; readonly sentIndex: number; readonly message: string };

export type ChainProblemKind = ChainProblem["kind"];

/** Problems that do not make a chain untrusted. */
export const INFORMATIONAL_PROBLEMS: ReadonlySet<ChainProblemKind> = new Set([
  "extra-certs",
  "wrong-order",
]);

/** A short phrase per problem, for one-line summaries. */
export function describeProblem(p: ChainProblem): string {
  switch (p.kind) {
    case "expired":
      return `certificate #${p.index} expired ${p.notAfter}`;
    case "not-yet-valid":
      return `certificate #${p.index} not valid before ${p.notBefore}`;
    case "hostname-mismatch":
      return `${p.host} is not among the names ${p.names.join(", ") || "(none)"}`;
    case "self-signed-leaf":
      return "self-signed leaf";
    case "unknown-issuer":
      return `unknown issuer ${p.issuer}`;
    case "missing-intermediate":
      return `intermediate ${p.issuer} not sent`;
    case "weak-key":
      return `certificate #${p.index} has a ${p.bits}-bit ${p.keyType} key`;
    case "sha1-signature":
      return `certificate #${p.index} signed with ${p.signatureAlgorithm}`;
    case "untrusted-root":
      return `root ${p.subject} is not in the store`;
    case "extra-certs":
      return `${p.sentIndexes.length} extra certificate(s) sent`;
    case "wrong-order":
      return `chain sent out of order (${p.sentOrder.join(",")})`;
    case "bad-signature":
      return `bad signature on certificate #${p.index}`;
    case "unparseable":
      return `certificate #${p.sentIndex} does not parse`;
  }
}
