/**
 * Audits the host's trust store (seeds/003: a CA bundle two years stale, no
 * ISRG Root X1, the expired DST Root CA X3 still in it). Finds the bundle and
 * the hashed directory the distribution uses, parses every certificate, and
 * compares them with the reference (Node's bundled Mozilla roots): missing,
 * expired, removed-upstream and local roots, OpenSSL hash links that lead
 * nowhere, and the ca-certificates package version. Reads through HostView
 * only; problems are recorded, never thrown.
 */
import { X509Certificate } from "node:crypto";
import { messageOf } from "../core/index.js";
import type { HostView } from "../core/index.js";
import { parseCertificate } from "./cert-info.js";
import type { ParsedCertificate } from "./cert-info.js";
import { MAX_STORE_FILE_BYTES, pkiFiles } from "./files.js";
import { splitCertificateFile } from "./pem.js";
import { referenceStore } from "./reference-store.js";
import { MAX_DIR_ENTRIES } from "./store.js";
import type { TrustStore } from "./store.js";
import { chooseSystemStore } from "./system-store.js";
import type { DistroFamily } from "./system-store.js";
import { readCaPackage } from "./ca-package.js";
import type { CaPackage } from "./ca-package.js";
import {
  DISTRO_MOZILLA_DIR,
  LOCAL_ANCHOR_DIRS,
  REMOVED_ROOTS,
  WIDELY_USED_ROOTS,
} from "./root-lists.js";
import { certIdentity, subjectHashes } from "./subject-hash.js";

/** One root, named the way people search for it ("ISRG Root X1"). */
export interface RootRef {
  readonly name: string;
  readonly subject: string;
  /** Colon hex, uppercase, like `openssl x509 -fingerprint -sha256`. */
  readonly sha256: string;
  readonly notBefore: string;
  readonly notAfter: string;
}

export interface MissingRoot extends RootRef {
  /** One of WIDELY_USED_ROOTS: most public sites chain to these. */
  readonly widelyUsed: boolean;
}

/**
 * A root in the store but not in the reference: `removed` (a known formerly
 * Mozilla root, see REMOVED_ROOTS), `local` (found in the distribution's
 * directory for locally added anchors), `distribution` (shipped in the
 * distribution's Mozilla-derived directory), or `unknown`.
 */
export interface ExtraRoot extends RootRef {
  readonly origin: "removed" | "local" | "distribution" | "unknown";
  /** For removed roots distrusted after an incident: "Symantec, 2018". */
  readonly distrusted: string | null;
  /** The file it came from when a hash link or an anchors directory names it. */
  readonly file: string | null;
}

export interface CertProblem {
  readonly file: string;
  /** Position of the block in the file, from 0; -1 when the file itself could not be read. */
  readonly index: number;
  readonly message: string;
  /** OpenSSL cannot read this entry either, so it refuses the whole file (checked: OpenSSL 3.0 X509_load_cert_crl_file). */
  readonly breaksFile: boolean;
}

export type LinkProblemKind =
  "dangling" | "wrong-hash" | "old-hash" | "not-a-certificate" | "unhashable" | "gap";

export interface LinkProblem {
  /** Entry in the hashed directory, e.g. /etc/ssl/certs/4042bcee.0. */
  readonly entry: string;
  readonly kind: LinkProblemKind;
  /** The symlink target as stored, when it is a symlink. */
  readonly target: string | null;
  /** For wrong-hash/old-hash: the name OpenSSL looks the certificate up by. */
  readonly expected: string | null;
  readonly subject: string | null;
}

export interface BundleFacts {
  readonly path: string;
  readonly bytes: number;
  readonly mtime: string | null;
  /** Certificate blocks in the file, parsed or not. */
  readonly blocks: number;
  /** Distinct certificates that parsed. */
  readonly certificates: number;
  readonly problems: readonly CertProblem[];
}

export interface HashDirFacts {
  readonly path: string;
  readonly entries: number;
  /** HASH.N entries. */
  readonly hashLinks: number;
  readonly problems: readonly LinkProblem[];
  /** Bundle roots that no hash link leads to (CApath users do not see them). */
  readonly unlinked: readonly RootRef[];
}

export interface TrustAudit {
  readonly at: string;
  readonly distribution: string;
  readonly family: DistroFamily;
  /** Why these paths (chooseSystemStore's reason). */
  readonly reason: string;
  readonly bundle: BundleFacts | null;
  readonly hashDir: HashDirFacts | null;
  /** Distinct roots in the bundle and the hashed directory. */
  readonly roots: number;
  readonly reference: { readonly name: string; readonly roots: number };
  /** Reference roots the store lacks (compared by subject and public key), widely used first. */
  readonly missing: readonly MissingRoot[];
  readonly expired: readonly RootRef[];
  readonly notYetValid: readonly RootRef[];
  readonly extra: readonly ExtraRoot[];
  /** The root with the latest notBefore: a lower bound for the store's age. */
  readonly newestRoot: RootRef | null;
  readonly package: CaPackage | null;
  readonly skipped: readonly { readonly check: string; readonly reason: string }[];
}

export interface TrustAuditOptions {
  /** "Now" for validity checks; default the current time. */
  readonly now?: Date;
  readonly reference?: TrustStore;
  /** SSL_CERT_FILE/SSL_CERT_DIR to honour; default none: the audit is of the host's own store. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const HASH_NAME_RE = /^([0-9a-f]{8})\.(\d+)$/;
const CERT_FILE_RE = /\.(pem|crt|cer)$/i;
/** A hash-named entry is one certificate; this is more than any real one. */
const MAX_LINK_FILE_BYTES = 1024 * 1024;

function rootRef(c: ParsedCertificate): RootRef {
  const first = /^[A-Za-z0-9.]+=((?:\\.|[^,\\])*)/.exec(c.info.subject)?.[1] ?? c.info.subject;
  return {
    name: c.info.subjectCN ?? first.replace(/\\(.)/g, "$1"),
    subject: c.info.subject,
    sha256: c.sha256,
    notBefore: c.info.notBefore,
    notAfter: c.info.notAfter,
  };
}

interface Loaded {
  readonly cert: ParsedCertificate;
  readonly id: string;
  readonly file: string;
}

/** Parses the certificate blocks of one file; entries that fail become problems. */
function loadFile(
  label: string,
  bytes: Uint8Array,
): { certs: Loaded[]; problems: CertProblem[]; blocks: number } {
  const split = splitCertificateFile(bytes);
  const problems: CertProblem[] = split.problems.map((p) => ({
    file: label,
    index: p.index,
    message: p.message,
    breaksFile: true,
  }));
  // A BEGIN line without its END line: OpenSSL's PEM reader fails with "bad
  // end line" and X509_load_cert_crl_file refuses the whole file.
  const text = Buffer.from(bytes.subarray(0, MAX_STORE_FILE_BYTES)).toString("latin1");
  const begins = (
    text.match(/-----BEGIN (TRUSTED CERTIFICATE|CERTIFICATE|X509 CERTIFICATE)-----/g) ?? []
  ).length;
  const blocks = split.blobs.length + split.problems.length;
  if (begins > blocks) {
    problems.push({
      file: label,
      index: blocks,
      message: `Cannot read certificate ${blocks}: BEGIN line without an END line`,
      breaksFile: true,
    });
  }
  const certs: Loaded[] = [];
  for (const blob of split.blobs) {
    try {
      const cert = parseCertificate(blob.der);
      certs.push({ cert, id: certIdentity(blob.der), file: label });
    } catch (e) {
      let opensslRejects = false;
      try {
        new X509Certificate(blob.der);
      } catch {
        opensslRejects = true;
      }
      problems.push({
        file: label,
        index: blob.index,
        message: messageOf(e),
        breaksFile: opensslRejects,
      });
    }
  }
  return { certs, problems, blocks: Math.max(begins, blocks) };
}

function readBundle(view: HostView, path: string): { facts: BundleFacts; certs: Loaded[] } {
  const st = view.stat(path);
  let bytes: Uint8Array;
  try {
    bytes = view.readBytes(path, MAX_STORE_FILE_BYTES);
  } catch (e) {
    // Too big or unreadable for us is not proof that OpenSSL fails on it.
    const problem = { file: path, index: -1, message: messageOf(e), breaksFile: false };
    return {
      facts: {
        path,
        bytes: st?.size ?? 0,
        mtime: null,
        blocks: 0,
        certificates: 0,
        problems: [problem],
      },
      certs: [],
    };
  }
  const { certs, problems, blocks } = loadFile(path, bytes);
  const unique = new Map(certs.map((c) => [c.cert.sha256, c]));
  return {
    facts: {
      path,
      bytes: bytes.length,
      mtime: st === undefined ? null : new Date(st.mtimeMs).toISOString(),
      blocks,
      certificates: unique.size,
      problems,
    },
    certs: [...unique.values()],
  };
}

/**
 * Checks every HASH.N entry the way OpenSSL's by_dir lookup uses it
 * (crypto/x509/by_dir.c get_cert_by_subject): it computes
 * X509_NAME_hash_ex(subject), opens HASH.0, HASH.1 … and stops at the first
 * one that does not exist; a file whose certificate has another subject
 * hash is never found under the wanted name.
 */
function scanHashDir(
  view: HostView,
  dir: string,
  skip: string | null,
): { problems: LinkProblem[]; certs: Loaded[]; entries: number; hashLinks: number } {
  const names = view.listDir(dir).slice(0, MAX_DIR_ENTRIES);
  const problems: LinkProblem[] = [];
  const certs: Loaded[] = [];
  const indexes = new Map<string, number[]>();
  let hashLinks = 0;
  for (const name of names) {
    const entry = `${dir.replace(/\/+$/, "")}/${name}`;
    if (entry === skip) continue;
    const m = HASH_NAME_RE.exec(name);
    if (!m && !CERT_FILE_RE.test(name)) continue;
    const target = view.lstat(entry)?.kind === "symlink" ? (view.readlink(entry) ?? null) : null;
    const problem = (
      kind: LinkProblemKind,
      expected: string | null = null,
      subject: string | null = null,
    ): void => {
      problems.push({ entry, kind, target, expected, subject });
    };
    if (m) hashLinks++;
    let kind: string;
    try {
      kind = view.kind(entry);
    } catch {
      kind = "missing"; // a symlink loop (ELOOP) leads nowhere either
    }
    if (kind === "missing") {
      problem("dangling");
      continue;
    }
    if (!m) continue;
    const [, hash = "", n = "0"] = m;
    let loaded: Loaded | undefined;
    try {
      loaded = loadFile(entry, view.readBytes(entry, MAX_LINK_FILE_BYTES)).certs[0];
    } catch {
      loaded = undefined;
    }
    if (loaded === undefined) {
      problem("not-a-certificate");
      continue;
    }
    // by_dir stops at the first HASH.N it cannot stat or load; a readable one counts for gaps.
    indexes.set(hash, [...(indexes.get(hash) ?? []), Number(n)]);
    let h: { hash: string; old: string };
    try {
      h = subjectHashes(loaded.cert.der);
    } catch {
      // X509_NAME_hash_ex fails too (e.g. a UTF8String that is not UTF-8): no name finds it.
      problem("unhashable", null, loaded.cert.info.subject);
      continue;
    }
    if (h.hash !== hash) {
      problem(
        h.old === hash ? "old-hash" : "wrong-hash",
        `${h.hash}.${n}`,
        loaded.cert.info.subject,
      );
    }
    certs.push({ ...loaded, file: view.resolve(entry) });
  }
  for (const [hash, ns] of indexes) {
    const sorted = [...new Set(ns)].sort((a, b) => a - b);
    sorted.forEach((n, i) => {
      if (n !== i)
        problems.push({
          entry: `${dir.replace(/\/+$/, "")}/${hash}.${n}`,
          kind: "gap",
          target: null,
          expected: `${hash}.${i}`,
          subject: null,
        });
    });
  }
  return { problems, certs, entries: names.length, hashLinks };
}

/** Certificates in a directory and its direct subdirectories (update-ca-certificates reads subdirectories). */
function certsUnder(view: HostView, dir: string, depth = 1): Loaded[] {
  const out: Loaded[] = [];
  try {
    if (view.kind(dir) !== "dir") return [];
    for (const name of view.listDir(dir).slice(0, MAX_DIR_ENTRIES)) {
      const p = `${dir}/${name}`;
      const kind = view.kind(p);
      if (kind === "dir" && depth > 0) out.push(...certsUnder(view, p, depth - 1));
      if (kind === "file" && CERT_FILE_RE.test(name))
        out.push(...loadFile(p, view.readBytes(p, MAX_LINK_FILE_BYTES)).certs);
    }
  } catch {
    // Unreadable anchors (or a symlink loop) only lose their "local" label.
  }
  return out;
}

let referenceIds: { store: TrustStore; ids: Map<string, ParsedCertificate> } | undefined;

function identities(store: TrustStore): Map<string, ParsedCertificate> {
  if (referenceIds?.store === store) return referenceIds.ids;
  const ids = new Map<string, ParsedCertificate>();
  for (const a of store.anchors) ids.set(certIdentity(a.der), a);
  referenceIds = { store, ids };
  return ids;
}

/** Audits the trust store of the host (or sysroot) `view`. Never throws for what it finds on disk. */
export function auditTrustStore(view: HostView, opts: TrustAuditOptions = {}): TrustAudit {
  const now = opts.now ?? new Date();
  const reference = opts.reference ?? referenceStore();
  const choice = chooseSystemStore({ files: pkiFiles(view), env: opts.env ?? {} });
  const skipped: { check: string; reason: string }[] = [];

  const bundlePath = choice.files[0] ?? null;
  const bundle = bundlePath === null ? null : readBundle(view, bundlePath);
  if (bundlePath === null) skipped.push({ check: "bundle", reason: choice.reason });
  const unread = bundle?.facts.problems.find((p) => p.index < 0);
  if (unread) skipped.push({ check: "bundle", reason: unread.message });

  let hashDir: HashDirFacts | null = null;
  let linked: Loaded[] = [];
  const dir = choice.dirs[0];
  if (dir === undefined) {
    skipped.push({ check: "hash-links", reason: `no hashed directory (${choice.reason})` });
  } else {
    try {
      const scan = scanHashDir(view, dir, bundlePath);
      linked = scan.certs;
      const linkedIds = new Set(linked.map((c) => c.id));
      hashDir = {
        path: dir,
        entries: scan.entries,
        hashLinks: scan.hashLinks,
        problems: scan.problems,
        unlinked:
          scan.hashLinks === 0
            ? []
            : (bundle?.certs ?? []).filter((c) => !linkedIds.has(c.id)).map((c) => rootRef(c.cert)),
      };
      if (scan.hashLinks === 0)
        skipped.push({ check: "hash-links", reason: `${dir} has no HASH.N entries` });
    } catch (e) {
      skipped.push({ check: "hash-links", reason: messageOf(e) });
    }
  }

  // Most clients (GnuTLS, curl, Python, Go, Java's import) read the bundle; the
  // directory counts for missing roots only when there is no bundle.
  const primary = bundle !== null && bundle.certs.length > 0 ? bundle.certs : linked;
  const all = new Map<string, Loaded>();
  for (const c of [...(bundle?.certs ?? []), ...linked]) if (!all.has(c.id)) all.set(c.id, c);
  const storeIds = new Set(primary.map((c) => c.id));
  const refIds = identities(reference);

  const missing: MissingRoot[] = [];
  if (primary.length > 0) {
    for (const [id, r] of refIds) {
      if (!storeIds.has(id))
        missing.push({ ...rootRef(r), widelyUsed: WIDELY_USED_ROOTS.has(r.sha256) });
    }
  }
  missing.sort(
    (a, b) => Number(b.widelyUsed) - Number(a.widelyUsed) || a.name.localeCompare(b.name),
  );

  const t = now.getTime();
  const roots = [...all.values()];
  const expired = roots
    .filter((c) => Date.parse(c.cert.info.notAfter) < t)
    .map((c) => rootRef(c.cert));
  const notYetValid = roots
    .filter((c) => Date.parse(c.cert.info.notBefore) > t)
    .map((c) => rootRef(c.cert));

  const local = new Map<string, string>();
  for (const d of LOCAL_ANCHOR_DIRS[choice.family])
    for (const c of certsUnder(view, d)) local.set(c.id, c.file);
  const fileOf = new Map<string, string>(linked.map((c) => [c.id, c.file]));
  const extra: ExtraRoot[] = [];
  for (const c of roots) {
    if (refIds.has(c.id)) continue;
    const removed = REMOVED_ROOTS.get(c.cert.sha256);
    const file = local.get(c.id) ?? fileOf.get(c.id) ?? null;
    const origin: ExtraRoot["origin"] =
      removed !== undefined
        ? "removed"
        : local.has(c.id)
          ? "local"
          : file?.startsWith(`${DISTRO_MOZILLA_DIR}/`)
            ? "distribution"
            : "unknown";
    const distrusted =
      removed === undefined || removed.startsWith("- ")
        ? null
        : removed.slice(0, removed.indexOf(" ")).replace(",", ", ");
    extra.push({ ...rootRef(c.cert), origin, distrusted, file });
  }
  extra.sort((a, b) => a.origin.localeCompare(b.origin) || a.name.localeCompare(b.name));

  // Local anchors are as new as their owner made them: they say nothing about the list's age.
  const localIds = new Set(
    extra.filter((e) => e.origin === "local" || e.origin === "unknown").map((e) => e.sha256),
  );
  const newest = roots
    .filter((c) => !localIds.has(c.cert.sha256))
    .reduce<Loaded | null>(
      (best, c) => (best === null || c.cert.info.notBefore > best.cert.info.notBefore ? c : best),
      null,
    );
  const pkg = readCaPackage(view, choice.family);
  if (pkg.skipped !== null) skipped.push({ check: "package", reason: pkg.skipped });

  return {
    at: now.toISOString(),
    distribution: choice.distribution,
    family: choice.family,
    reason: choice.reason,
    bundle: bundle?.facts ?? null,
    hashDir,
    roots: all.size,
    reference: { name: reference.name, roots: refIds.size },
    missing,
    expired,
    notYetValid,
    extra,
    newestRoot: newest === null ? null : rootRef(newest.cert),
    package: pkg.pkg,
    skipped,
  };
}
