/**
 * Splitting certificate files into DER blobs: PEM bundles (CERTIFICATE and
 * OpenSSL's TRUSTED CERTIFICATE blocks) and bare DER. Pure: text/bytes in,
 * blobs and problems out.
 */

export interface CertBlob {
  /** Position of the certificate in its file, from 0. */
  readonly index: number;
  readonly der: Uint8Array;
}

export interface BlobProblem {
  readonly index: number;
  readonly message: string;
}

export interface SplitResult {
  readonly blobs: readonly CertBlob[];
  readonly problems: readonly BlobProblem[];
}

/** At most this many certificates per file (the Mozilla bundle has ~150). */
export const MAX_CERTS_PER_FILE = 10_000;

const BLOCK_RE =
  /-----BEGIN (TRUSTED CERTIFICATE|CERTIFICATE|X509 CERTIFICATE)-----([\s\S]*?)-----END \1-----/g;
const BASE64_RE = /^[A-Za-z0-9+/=\s]*$/;

/** The length of the DER element at the start of `der`, or undefined when it is truncated. */
function derElementLength(der: Uint8Array): number | undefined {
  const first = der[1];
  if (first === undefined) return undefined;
  if ((first & 0x80) === 0) return 2 + first;
  const n = first & 0x7f;
  if (n === 0 || n > 4 || der.length < 2 + n) return undefined;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + (der[2 + i] ?? 0);
  return 2 + n + len;
}

/** Every certificate block in a PEM text, decoded; blocks that are not valid base64 become problems. */
export function splitPem(text: string): SplitResult {
  const blobs: CertBlob[] = [];
  const problems: BlobProblem[] = [];
  let index = 0;
  for (const m of text.matchAll(BLOCK_RE)) {
    if (index >= MAX_CERTS_PER_FILE) {
      problems.push({
        index,
        message: `Cannot read more certificates: limit of ${MAX_CERTS_PER_FILE} reached`,
      });
      break;
    }
    const body = m[2] ?? "";
    if (!BASE64_RE.test(body)) {
      problems.push({
        index,
        message: `Cannot decode certificate ${index}: PEM body is not base64`,
      });
    } else {
      let der = new Uint8Array(Buffer.from(body.replace(/\s+/g, ""), "base64"));
      // A TRUSTED CERTIFICATE is the certificate followed by OpenSSL's trust settings.
      if (m[1] === "TRUSTED CERTIFICATE") {
        const len = derElementLength(der);
        if (len !== undefined && len < der.length) der = der.subarray(0, len);
      }
      if (der.length === 0)
        problems.push({ index, message: `Cannot decode certificate ${index}: PEM body is empty` });
      else blobs.push({ index, der });
    }
    index++;
  }
  return { blobs, problems };
}

/** True when `bytes` look like PEM text rather than DER. */
export function looksLikePem(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, Math.min(bytes.length, 64 * 1024))).toString("latin1");
  return head.includes("-----BEGIN ");
}

/** A file's certificates: PEM blocks, or one DER certificate when it is not PEM. */
export function splitCertificateFile(bytes: Uint8Array): SplitResult {
  if (looksLikePem(bytes)) return splitPem(Buffer.from(bytes).toString("latin1"));
  if (bytes.length > 0 && bytes[0] === 0x30)
    return { blobs: [{ index: 0, der: bytes }], problems: [] };
  return { blobs: [], problems: [] };
}
