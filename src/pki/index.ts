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
