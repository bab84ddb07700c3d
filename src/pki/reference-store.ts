/**
 * The reference store: the Mozilla root list compiled into Node
 * (`tls.rootCertificates`). A current Node carries a current list, so
 * "the reference trusts it and the system store does not" means the
 * system store is stale (seed 003).
 */
import { rootCertificates } from "node:tls";
import { storeFromFiles } from "./store.js";
import type { TrustStore } from "./store.js";

let cached: TrustStore | undefined;

/** Node's bundled Mozilla roots, named "mozilla (node <version>)". Parsed once. */
export function referenceStore(): TrustStore {
  cached ??= storeFromFiles(
    {
      name: `mozilla (node ${process.versions.node})`,
      origin: "reference",
      reason: "Mozilla CA list bundled with Node.js (tls.rootCertificates)",
    },
    [
      {
        label: "tls.rootCertificates",
        bytes: new Uint8Array(Buffer.from(rootCertificates.join("\n"), "latin1")),
      },
    ],
  );
  return cached;
}
