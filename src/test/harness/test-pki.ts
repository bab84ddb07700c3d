/**
 * A realistic test PKI made with the `openssl` CLI (execFile, no shell):
 *
 *   root (RSA 2048, 2024-01-01 .. 2034-01-01)
 *   └─ int (RSA 2048, pathlen 0, AIA caIssuers http://ca.test.invalid/root.crt)
 *      ├─ leaf      RSA 2048   localhost, 127.0.0.1, *.test.invalid  (AIA caIssuers http://ca.test.invalid/int.crt)
 *      ├─ leafEc    EC P-256   same names
 *      ├─ expired   2024-01-01 .. 2024-06-01
 *      ├─ notYetValid 2033-01-01 .. 2033-12-31
 *      ├─ wrongName wrong.example
 *      ├─ weak      RSA 1024
 *      └─ sha1      signed with sha1WithRSAEncryption
 *   root2 ("other" root; a stale store holds only this one)
 *   └─ privateLeaf (no AIA: a private CA's leaf)
 *   selfSigned (CN=localhost, self-signed)
 *
 * Dates are fixed so tests can assert exact values; use TEST_PKI_NOW as "now".
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The instant unit tests treat as "now": every valid cert is valid then. */
export const TEST_PKI_NOW = new Date("2026-01-01T00:00:00Z");

export interface TestCert {
  /** PEM file of the certificate. */
  readonly cert: string;
  /** PEM file of its private key. */
  readonly key: string;
  readonly der: Uint8Array;
  readonly subject: string;
}

export interface TestPki {
  readonly dir: string;
  readonly root: TestCert;
  readonly int: TestCert;
  readonly leaf: TestCert;
  readonly leafEc: TestCert;
  readonly expired: TestCert;
  readonly notYetValid: TestCert;
  readonly wrongName: TestCert;
  readonly selfSigned: TestCert;
  readonly weak: TestCert;
  readonly sha1: TestCert;
  readonly root2: TestCert;
  readonly privateLeaf: TestCert;
  /** leaf + int, PEM. */
  readonly fullchain: string;
  /** leaf only, PEM. */
  readonly leafOnly: string;
  /** int only, PEM (for `openssl verify -untrusted`). */
  readonly intBundle: string;
  /** A store with only root2: lacks the root the server chains to. */
  readonly staleStore: string;
  /** A store with root and root2. */
  readonly fullStore: string;
}

async function openssl(args: readonly string[], cwd: string): Promise<void> {
  try {
    await run("openssl", [...args], { cwd, timeout: 30_000 });
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr ?? "";
    throw new Error(`Cannot run openssl ${args[0] ?? ""}: ${stderr || (e as Error).message}`, {
      cause: e,
    });
  }
}

const CA_CNF = `[ca]
default_ca = CA_default
[CA_default]
dir = .
database = $dir/index.txt
new_certs_dir = $dir/newcerts
serial = $dir/serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no
[policy_any]
commonName = optional
organizationName = optional
countryName = optional
[req]
distinguished_name = req_dn
[req_dn]
[root_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[int_ext]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
authorityInfoAccess = caIssuers;URI:http://ca.test.invalid/root.crt
crlDistributionPoints = URI:http://ca.test.invalid/root.crl
[leaf_ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth,clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:localhost,IP:127.0.0.1,DNS:*.test.invalid
authorityInfoAccess = caIssuers;URI:http://ca.test.invalid/int.crt,OCSP;URI:http://ocsp.test.invalid
crlDistributionPoints = URI:http://ca.test.invalid/int.crl
[leaf_ec_ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:localhost,IP:127.0.0.1,DNS:*.test.invalid
authorityInfoAccess = caIssuers;URI:http://ca.test.invalid/int.crt
[wrong_ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:wrong.example
authorityInfoAccess = caIssuers;URI:http://ca.test.invalid/int.crt
[private_ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1
[self_ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
subjectAltName = DNS:localhost,IP:127.0.0.1
`;

interface Issue {
  readonly name: string;
  readonly key: string;
  readonly subject: string;
  readonly ext: string;
  readonly start: string;
  readonly end: string;
  readonly serial: string;
  /** Issuer's name in the dir; undefined = self-signed. */
  readonly issuer?: string;
  readonly md?: string;
}

/** Builds the PKI in `dir` (which must exist or be creatable). About 1–2 s. */
export async function makeTestPki(dir: string): Promise<TestPki> {
  mkdirSync(join(dir, "newcerts"), { recursive: true });
  writeFileSync(join(dir, "ca.cnf"), CA_CNF);
  writeFileSync(join(dir, "index.txt"), "");
  const rsa = (bits: number) => ["-algorithm", "RSA", "-pkeyopt", `rsa_keygen_bits:${bits}`];
  const keys: Record<string, readonly string[]> = {
    "root.key": rsa(2048),
    "int.key": rsa(2048),
    "leaf.key": rsa(2048),
    "root2.key": rsa(2048),
    "weak.key": rsa(1024),
    "ec.key": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
  };
  await Promise.all(
    Object.entries(keys).map(([file, opts]) => openssl(["genpkey", ...opts, "-out", file], dir)),
  );

  const issue = async (c: Issue): Promise<TestCert> => {
    await openssl(
      [
        "req",
        "-new",
        "-config",
        "ca.cnf",
        "-key",
        c.key,
        "-subj",
        c.subject,
        "-out",
        `${c.name}.csr`,
      ],
      dir,
    );
    writeFileSync(join(dir, "serial"), `${c.serial}\n`);
    const signer =
      c.issuer === undefined
        ? ["-selfsign", "-keyfile", c.key]
        : ["-cert", `${c.issuer}.pem`, "-keyfile", `${c.issuer}.key`];
    await openssl(
      [
        "ca",
        "-batch",
        "-preserveDN",
        "-config",
        "ca.cnf",
        "-notext",
        ...signer,
        "-in",
        `${c.name}.csr`,
        "-out",
        `${c.name}.pem`,
        "-extensions",
        c.ext,
        "-startdate",
        c.start,
        "-enddate",
        c.end,
        "-md",
        c.md ?? "sha256",
      ],
      dir,
    );
    const cert = join(dir, `${c.name}.pem`);
    return {
      cert,
      key: join(dir, c.key),
      der: pemToDer(readFileSync(cert, "utf8")),
      subject: c.subject,
    };
  };

  const V0 = "20240101000000Z";
  const V1 = "20340101000000Z";
  const ORG = "/C=XX/O=tlsdoctor test";
  const root = await issue({
    name: "root",
    key: "root.key",
    subject: `${ORG}/CN=tlsdoctor Test Root CA`,
    ext: "root_ext",
    start: V0,
    end: V1,
    serial: "1000",
  });
  const root2 = await issue({
    name: "root2",
    key: "root2.key",
    subject: "/C=XX/O=other test/CN=tlsdoctor Other Root CA",
    ext: "root_ext",
    start: V0,
    end: V1,
    serial: "2000",
  });
  const int = await issue({
    name: "int",
    key: "int.key",
    subject: `${ORG}/CN=tlsdoctor Test Intermediate CA`,
    ext: "int_ext",
    start: V0,
    end: V1,
    serial: "1001",
    issuer: "root",
  });
  const L = {
    key: "leaf.key",
    subject: `${ORG}/CN=localhost`,
    ext: "leaf_ext",
    start: V0,
    end: V1,
    issuer: "int",
  };
  const leaf = await issue({ ...L, name: "leaf", serial: "1002" });
  const leafEc = await issue({
    ...L,
    name: "leaf-ec",
    key: "ec.key",
    ext: "leaf_ec_ext",
    serial: "1003",
  });
  const expired = await issue({ ...L, name: "expired", serial: "1004", end: "20240601000000Z" });
  const notYetValid = await issue({
    ...L,
    name: "not-yet-valid",
    serial: "1005",
    start: "20330101000000Z",
    end: "20331231000000Z",
  });
  const wrongName = await issue({
    ...L,
    name: "wrong-name",
    subject: `${ORG}/CN=wrong.example`,
    ext: "wrong_ext",
    serial: "1006",
  });
  const weak = await issue({ ...L, name: "weak", key: "weak.key", serial: "1007" });
  const sha1 = await issue({ ...L, name: "sha1", serial: "1008", md: "sha1" });
  const selfSigned = await issue({
    name: "self-signed",
    key: "leaf.key",
    subject: `${ORG}/CN=localhost`,
    ext: "self_ext",
    start: V0,
    end: V1,
    serial: "1009",
  });
  const privateLeaf = await issue({
    name: "private-leaf",
    key: "leaf.key",
    subject: "/O=other test/CN=localhost",
    ext: "private_ext",
    start: V0,
    end: V1,
    serial: "2001",
    issuer: "root2",
  });

  const bundle = (name: string, parts: readonly TestCert[]): string => {
    const p = join(dir, name);
    writeFileSync(p, parts.map((c) => readFileSync(c.cert, "utf8")).join(""));
    return p;
  };
  return {
    dir,
    root,
    int,
    leaf,
    leafEc,
    expired,
    notYetValid,
    wrongName,
    selfSigned,
    weak,
    sha1,
    root2,
    privateLeaf,
    fullchain: bundle("fullchain.pem", [leaf, int]),
    leafOnly: bundle("leaf-only.pem", [leaf]),
    intBundle: bundle("int-bundle.pem", [int]),
    staleStore: bundle("stale-store.pem", [root2]),
    fullStore: bundle("full-store.pem", [root, root2]),
  };
}

/** The first PEM CERTIFICATE block of `text`, as DER. */
export function pemToDer(text: string): Uint8Array {
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(text);
  if (!m?.[1]) throw new Error("Cannot read PEM: no CERTIFICATE block");
  return new Uint8Array(Buffer.from(m[1].replace(/\s+/g, ""), "base64"));
}

/** Runs `openssl` and returns stdout, stderr and the exit status (for differential tests). */
export async function opensslOut(
  args: readonly string[],
  cwd: string,
): Promise<{ readonly status: number; readonly stdout: string; readonly stderr: string }> {
  try {
    const r = await run("openssl", [...args], { cwd, timeout: 30_000 });
    return { status: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: unknown; stdout?: string; stderr?: string };
    return {
      status: typeof x.code === "number" ? x.code : 1,
      stdout: x.stdout ?? "",
      stderr: x.stderr ?? "",
    };
  }
}

/** makeTestPki in a fresh temp dir; call `cleanup` in `after`. */
export async function makeTempTestPki(): Promise<{
  readonly pki: TestPki;
  readonly cleanup: () => void;
}> {
  const dir = mkdtempSync(join(tmpdir(), "tlsdoctor-pki-"));
  const pki = await makeTestPki(dir);
  return { pki, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every certificate of a PEM file, as DER. */
export function pemFileToDers(path: string): Uint8Array[] {
  const text = readFileSync(path, "utf8");
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map(
    (m) => new Uint8Array(Buffer.from((m[1] ?? "").replace(/\s+/g, ""), "base64")),
  );
}
