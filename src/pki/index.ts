// pki: certificates, trust stores, chain building and verification, the reference store.
export { describeCertificate, parseCertificate, MAX_CERT_BYTES } from "./cert-info.js";
export type { CertificateInfo, ParsedCertificate } from "./cert-info.js";
export type { KeyInfo, KeyType } from "./key-info.js";
export { splitPem, splitCertificateFile } from "./pem.js";
export type { CertBlob, SplitResult } from "./pem.js";
export { pkiFiles } from "./files.js";
export type { PkiFiles, PkiPathKind } from "./files.js";
export { storeFromFiles, loadStore, loadCaStore, loadNamedStore } from "./store.js";
export type { TrustStore, StoreOrigin, StoreMeta, LoadStoreOptions } from "./store.js";
export {
  findSystemStore,
  chooseSystemStore,
  parseOsRelease,
  distroFamily,
} from "./system-store.js";
export type {
  SystemStoreOptions,
  SystemStoreChoice,
  DistroFamily,
  OsRelease,
} from "./system-store.js";
export { referenceStore } from "./reference-store.js";
export { verifyChain, INFORMATIONAL_PROBLEMS, describeProblem } from "./verify.js";
export type {
  ChainVerdict,
  ChainProblem,
  ChainProblemKind,
  PathEntry,
  VerifyOptions,
} from "./verify.js";
export { verifyAgainstStores } from "./compare.js";
export type { StoreSet, StoresVerdict, TrustDiagnosis } from "./compare.js";
export { auditTrustStore } from "./trust-audit.js";
export type {
  TrustAudit,
  TrustAuditOptions,
  RootRef,
  MissingRoot,
  ExtraRoot,
  CertProblem,
  LinkProblem,
  LinkProblemKind,
  BundleFacts,
  HashDirFacts,
} from "./trust-audit.js";
export { readCaPackage } from "./ca-package.js";
export type { CaPackage } from "./ca-package.js";
export { subjectHashes, canonicalName, certIdentity } from "./subject-hash.js";
export { WIDELY_USED_ROOTS, REMOVED_ROOTS, LOCAL_ANCHOR_DIRS } from "./root-lists.js";
