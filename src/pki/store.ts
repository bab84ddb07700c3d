/**
 * Trust stores: the certificates a client trusts, loaded from PEM bundles,
 * hashed (c_rehash) directories or plain directories of *.pem/*.crt files.
 * Parsing (storeFromBlobs) is pure; loading goes through PkiFiles.
 */
import { createHash } from "node:crypto";
import { TlsDoctorError, isTlsDoctorError, messageOf } from "../core/index.js";
import { lazyCertificate } from "./lazy-anchor.js";
import type { ParsedCertificate } from "./cert-info.js";
import { pkiFiles } from "./files.js";
import type { PkiFiles } from "./files.js";
import { splitCertificateFile } from "./pem.js";

/** Where a store came from: the host's, Node's bundled Mozilla list, or files named by the user. */
export type StoreOrigin = "system" | "reference" | "file";

export interface TrustStore {
  readonly name: string;
  readonly origin: StoreOrigin;
  readonly source: { readonly files: readonly string[]; readonly dirs: readonly string[] };
  /** Why these files: "SSL_CERT_FILE is set", "Debian family: …", "--ca". */
  readonly reason: string;
  /** Parsed, deduplicated by SHA-256 of the DER. */
  readonly anchors: readonly ParsedCertificate[];
  /** Entries that could not be read or parsed: "FILE #INDEX: message". */
  readonly problems: readonly string[];
}

/** One file's certificates, labelled for problem messages. */
export interface LabelledBlobs {
  readonly label: string;
  readonly bytes: Uint8Array;
}

export interface StoreMeta {
  readonly name: string;
  readonly origin: StoreOrigin;
  readonly reason: string;
  readonly files?: readonly string[];
  readonly dirs?: readonly string[];
}

/** Names in a directory that OpenSSL or a packager puts certificates under. */
const CERT_NAME_RE = /^([0-9a-f]{8}\.\d+|.+\.(pem|crt|cer|der))$/i;
/** At most this many directory entries are read. */
export const MAX_DIR_ENTRIES = 20_000;

/** Builds a store from file contents. Pure apart from hashing. */
export function storeFromFiles(
  meta: StoreMeta,
  inputs: readonly LabelledBlobs[],
  problems: readonly string[] = [],
): TrustStore {
  const seen = new Set<string>();
  const anchors: ParsedCertificate[] = [];
  const out = [...problems];
  for (const input of inputs) {
    const split = splitCertificateFile(input.bytes);
    for (const p of split.problems) out.push(`${input.label} #${p.index}: ${p.message}`);
    if (split.blobs.length === 0 && split.problems.length === 0) {
      out.push(`${input.label}: no certificates found`);
    }
    for (const blob of split.blobs) {
      const digest = createHash("sha256").update(blob.der).digest("hex");
      if (seen.has(digest)) continue;
      seen.add(digest);
      try {
        anchors.push(lazyCertificate(blob.der));
      } catch (e) {
        out.push(`${input.label} #${blob.index}: ${messageOf(e)}`);
      }
    }
  }
  return {
    name: meta.name,
    origin: meta.origin,
    source: { files: [...(meta.files ?? [])], dirs: [...(meta.dirs ?? [])] },
    reason: meta.reason,
    anchors,
    problems: out,
  };
}

export interface LoadStoreOptions {
  readonly files?: PkiFiles;
}

/** Loads `meta.files` (bundles) and `meta.dirs`; unreadable entries become problems, not errors. */
export function loadStore(meta: StoreMeta, opts: LoadStoreOptions = {}): TrustStore {
  const fs = opts.files ?? pkiFiles();
  const inputs: LabelledBlobs[] = [];
  const problems: string[] = [];
  const read = (path: string): void => {
    try {
      inputs.push({ label: path, bytes: fs.readBytes(path) });
    } catch (e) {
      // HostView's errors already name the path.
      problems.push(isTlsDoctorError(e) ? e.message : `${path}: ${messageOf(e)}`);
    }
  };
  for (const f of meta.files ?? []) read(f);
  for (const d of meta.dirs ?? []) {
    let names: string[];
    try {
      names = fs.listDir(d);
    } catch (e) {
      problems.push(isTlsDoctorError(e) ? e.message : `${d}: ${messageOf(e)}`);
      continue;
    }
    const picked = names.filter((n) => CERT_NAME_RE.test(n));
    if (picked.length > MAX_DIR_ENTRIES)
      problems.push(`${d}: only the first ${MAX_DIR_ENTRIES} of ${picked.length} entries read`);
    for (const n of picked.slice(0, MAX_DIR_ENTRIES)) {
      const p = `${d.replace(/\/+$/, "")}/${n}`;
      if (fs.kind(p) === "file") read(p);
    }
  }
  return storeFromFiles(meta, inputs, problems);
}

/** `--ca FILE|DIR`: a store made of one file or directory; it replaces the system store. */
export function loadCaStore(path: string, opts: LoadStoreOptions = {}): TrustStore {
  const fs = opts.files ?? pkiFiles();
  const kind = fs.kind(path);
  if (kind === "missing") {
    throw new TlsDoctorError(
      "TLSD_FILE",
      `Cannot load CA store: ${path} does not exist or is not a file or directory`,
      {
        details: { path },
      },
    );
  }
  const meta: StoreMeta = {
    name: `ca (${path})`,
    origin: "file",
    reason: "--ca",
    ...(kind === "dir" ? { dirs: [path] } : { files: [path] }),
  };
  return loadStore(meta, opts);
}

/** `--store NAME=FILE|DIR`: an extra store compared with the others. */
export function loadNamedStore(spec: string, opts: LoadStoreOptions = {}): TrustStore {
  const eq = spec.indexOf("=");
  const name = eq > 0 ? spec.slice(0, eq).trim() : "";
  const path = eq > 0 ? spec.slice(eq + 1).trim() : "";
  if (name === "" || path === "") {
    throw new TlsDoctorError(
      "TLSD_USAGE",
      `Cannot parse --store ${JSON.stringify(spec)}: expected NAME=FILE or NAME=DIR`,
    );
  }
  const ca = loadCaStore(path, opts);
  return { ...ca, name, reason: `--store ${name}=${path}` };
}
