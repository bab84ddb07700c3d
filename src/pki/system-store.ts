/**
 * Finds the host's trust store the way OpenSSL-linked programs do:
 * SSL_CERT_FILE / SSL_CERT_DIR first, else the distribution's bundle and
 * hashed directory, else OpenSSL's compiled-in defaults (known paths; we do
 * not execute `openssl version -d`). The result says which path was used and why.
 */
import { pkiFiles } from "./files.js";
import type { PkiFiles } from "./files.js";
import { loadStore } from "./store.js";
import type { TrustStore } from "./store.js";

export type DistroFamily = "debian" | "alpine" | "arch" | "rhel" | "suse" | "unknown";

export interface OsRelease {
  readonly id: string;
  readonly idLike: readonly string[];
  readonly prettyName: string;
}

interface Layout {
  readonly label: string;
  readonly files: readonly string[];
  readonly dirs: readonly string[];
}

export const LAYOUTS: Readonly<Record<DistroFamily, Layout>> = {
  debian: {
    label: "Debian family",
    files: ["/etc/ssl/certs/ca-certificates.crt"],
    dirs: ["/etc/ssl/certs"],
  },
  alpine: {
    label: "Alpine",
    files: ["/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/cert.pem"],
    dirs: ["/etc/ssl/certs"],
  },
  arch: {
    label: "Arch",
    files: [
      "/etc/ssl/certs/ca-certificates.crt",
      "/etc/ca-certificates/extracted/tls-ca-bundle.pem",
    ],
    dirs: ["/etc/ssl/certs"],
  },
  rhel: {
    label: "RHEL/Fedora family",
    files: [
      "/etc/pki/tls/certs/ca-bundle.crt",
      "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    ],
    dirs: [],
  },
  suse: {
    label: "SUSE",
    files: ["/var/lib/ca-certificates/ca-bundle.pem", "/etc/ssl/ca-bundle.pem"],
    dirs: ["/etc/ssl/certs"],
  },
  unknown: { label: "unknown distribution", files: [], dirs: [] },
};

/** OpenSSL's OPENSSLDIR/cert.pem and OPENSSLDIR/certs for common builds. */
export const OPENSSL_DEFAULTS: Layout = {
  label: "OpenSSL default paths",
  files: [
    "/usr/lib/ssl/cert.pem",
    "/etc/pki/tls/cert.pem",
    "/etc/ssl/cert.pem",
    "/usr/local/ssl/cert.pem",
  ],
  dirs: ["/usr/lib/ssl/certs", "/etc/pki/tls/certs", "/etc/ssl/certs", "/usr/local/ssl/certs"],
};

/** Parses /etc/os-release (shell-style KEY=value lines). Pure. */
export function parseOsRelease(text: string): OsRelease {
  const vars = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (!m?.[1]) continue;
    vars.set(m[1], (m[2] ?? "").replace(/^(["'])(.*)\1$/, "$2"));
  }
  const id = (vars.get("ID") ?? "").toLowerCase();
  return {
    id,
    idLike: (vars.get("ID_LIKE") ?? "").toLowerCase().split(/\s+/).filter(Boolean),
    prettyName: vars.get("PRETTY_NAME") ?? (id || "unknown"),
  };
}

/** The packaging family of a distribution. */
export function distroFamily(os: OsRelease): DistroFamily {
  for (const id of [os.id, ...os.idLike]) {
    if (id === "debian" || id === "ubuntu") return "debian";
    if (id === "alpine") return "alpine";
    if (id === "arch" || id === "archlinux") return "arch";
    if (["rhel", "fedora", "centos", "rocky", "almalinux", "amzn", "ol"].includes(id))
      return "rhel";
    if (id.startsWith("opensuse") || id === "suse" || id === "sles") return "suse";
  }
  return "unknown";
}

export interface SystemStoreOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Look under this directory instead of / (a snapshot). */
  readonly root?: string;
  readonly files?: PkiFiles;
}

export interface SystemStoreChoice {
  readonly distribution: string;
  readonly family: DistroFamily;
  readonly files: readonly string[];
  readonly dirs: readonly string[];
  readonly reason: string;
}

/** Decides which bundle and directory the system store is, and why. Reads only os-release and path kinds. */
export function chooseSystemStore(opts: SystemStoreOptions = {}): SystemStoreChoice {
  const fs = opts.files ?? pkiFiles(opts.root);
  const env = opts.env ?? process.env;
  let os: OsRelease = { id: "", idLike: [], prettyName: "unknown" };
  for (const p of ["/etc/os-release", "/usr/lib/os-release"]) {
    if (fs.kind(p) !== "file") continue;
    try {
      os = parseOsRelease(Buffer.from(fs.readBytes(p)).toString("utf8"));
      break;
    } catch {
      // fall through to the next candidate
    }
  }
  const family = distroFamily(os);
  const layout = LAYOUTS[family];
  const why: string[] = [];
  const pick = (
    envName: string,
    envValue: string | undefined,
    mine: readonly string[],
    want: "file" | "dir",
  ): string[] => {
    if (envValue !== undefined && envValue !== "") {
      why.push(`${envName}=${envValue} is set`);
      return want === "dir" ? envValue.split(":").filter(Boolean) : [envValue];
    }
    const own = mine.find((p) => fs.kind(p) === want);
    if (own !== undefined) {
      why.push(`${layout.label} (${os.prettyName}): ${own}`);
      return [own];
    }
    const defaults = want === "file" ? OPENSSL_DEFAULTS.files : OPENSSL_DEFAULTS.dirs;
    const found = defaults.find((p) => fs.kind(p) === want);
    if (found !== undefined) why.push(`${OPENSSL_DEFAULTS.label}: ${found}`);
    return found === undefined ? [] : [found];
  };
  const files = pick("SSL_CERT_FILE", env["SSL_CERT_FILE"], layout.files, "file");
  const dirs = pick("SSL_CERT_DIR", env["SSL_CERT_DIR"], layout.dirs, "dir");
  const reason =
    why.length === 0 ? `no trust store found (${layout.label}, ${os.prettyName})` : why.join("; ");
  return { distribution: os.prettyName, family, files, dirs, reason };
}

/** The host's trust store, named "system". Missing files become problems of the store. */
export function findSystemStore(opts: SystemStoreOptions = {}): TrustStore {
  const fs = opts.files ?? pkiFiles(opts.root);
  const choice = chooseSystemStore({ ...opts, files: fs });
  const store = loadStore(
    {
      name: "system",
      origin: "system",
      reason: choice.reason,
      files: choice.files,
      dirs: choice.dirs,
    },
    { files: fs },
  );
  if (choice.files.length === 0 && choice.dirs.length === 0) {
    return {
      ...store,
      problems: [...store.problems, `Cannot find a system trust store: ${choice.reason}`],
    };
  }
  return store;
}
