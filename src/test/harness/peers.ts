// The scanners users trust, run as oracles for `tlsdoctor scan`: sslscan
// (XML output) and testssl.sh (JSON output), both from Debian's packages.
// Each parser is pure and tested on captured output; each runner has a deadline.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Protocol names as tlsdoctor's scan writes them. */
export type PeerProtocol = "SSLv2" | "SSLv3" | "TLSv1" | "TLSv1.1" | "TLSv1.2" | "TLSv1.3";

export interface PeerSuite {
  readonly protocol: PeerProtocol;
  readonly code: number;
  readonly name: string;
}

export interface PeerResult {
  readonly protocols: Partial<Record<PeerProtocol, boolean>>;
  readonly accepted: readonly PeerSuite[];
  readonly groups: readonly { protocol: PeerProtocol; code: number }[];
  readonly ms: number;
  readonly raw: string;
}

const SSLSCAN_VERSION: Readonly<Record<string, PeerProtocol>> = {
  "ssl 2": "SSLv2",
  "ssl 3": "SSLv3",
  "tls 1.0": "TLSv1",
  "tls 1.1": "TLSv1.1",
  "tls 1.2": "TLSv1.2",
  "tls 1.3": "TLSv1.3",
};
const SSLSCAN_CIPHER_VERSION: Readonly<Record<string, PeerProtocol>> = {
  SSLv2: "SSLv2",
  SSLv3: "SSLv3",
  "TLSv1.0": "TLSv1",
  "TLSv1.1": "TLSv1.1",
  "TLSv1.2": "TLSv1.2",
  "TLSv1.3": "TLSv1.3",
};

function attrs(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/(\w+)="([^"]*)"/g)) out[m[1] as string] = m[2] as string;
  return out;
}

/** sslscan --xml output: protocols, accepted ciphers (by id), key-exchange groups. */
export function parseSslscanXml(xml: string, ms = 0): PeerResult {
  const protocols: Partial<Record<PeerProtocol, boolean>> = {};
  for (const m of xml.matchAll(/<protocol [^>]*\/>/g)) {
    const a = attrs(m[0]);
    const p = SSLSCAN_VERSION[`${a.type} ${a.version}`];
    if (p) protocols[p] = a.enabled === "1";
  }
  const accepted: PeerSuite[] = [];
  for (const m of xml.matchAll(/<cipher [^>]*\/>/g)) {
    const a = attrs(m[0]);
    const p = SSLSCAN_CIPHER_VERSION[a.sslversion ?? ""];
    if (!p || a.id === undefined) continue;
    accepted.push({ protocol: p, code: Number.parseInt(a.id, 16), name: a.cipher ?? "" });
  }
  const groups = [...xml.matchAll(/<group [^>]*\/>/g)].flatMap((m) => {
    const a = attrs(m[0]);
    const p = SSLSCAN_CIPHER_VERSION[a.sslversion ?? ""];
    return p && a.id ? [{ protocol: p, code: Number.parseInt(a.id, 16) }] : [];
  });
  return { protocols, accepted, groups, ms, raw: xml };
}

const TESTSSL_PROTOCOL: Readonly<Record<string, PeerProtocol>> = {
  ssl2: "SSLv2",
  ssl3: "SSLv3",
  tls1: "TLSv1",
  tls1_1: "TLSv1.1",
  tls1_2: "TLSv1.2",
  tls1_3: "TLSv1.3",
};

interface TestsslEntry {
  readonly id: string;
  readonly finding: string;
}

/** testssl.sh --jsonfile output of -E: `cipher-tls1_2_xc030` entries, IANA name last. */
export function parseTestsslJson(json: string, ms = 0): PeerResult {
  const entries = JSON.parse(json) as TestsslEntry[];
  const accepted: PeerSuite[] = [];
  const protocols: Partial<Record<PeerProtocol, boolean>> = {};
  for (const e of entries) {
    const m = /^cipher-(ssl2|ssl3|tls1|tls1_1|tls1_2|tls1_3)_x([0-9a-f]+)$/.exec(e.id);
    if (!m) continue;
    const p = TESTSSL_PROTOCOL[m[1] as string] as PeerProtocol;
    const name = e.finding.trim().split(/\s+/).at(-1) ?? "";
    accepted.push({ protocol: p, code: Number.parseInt(m[2] as string, 16), name });
    protocols[p] = true;
  }
  return { protocols, accepted, groups: [], ms, raw: json };
}

function run(
  cmd: string,
  args: readonly string[],
  timeoutMs: number,
): Promise<{ out: string; ms: number }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const p = spawn(cmd, [...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.stderr.on("data", (d: Buffer) => (out += d.toString()));
    p.on("error", (e) => (out += `\n${cmd}: ${e.message}\n`));
    const t = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
    p.on("close", () => {
      clearTimeout(t);
      resolve({ out, ms: performance.now() - t0 });
    });
  });
}

/** Runs sslscan against host:port and parses its XML. */
export async function runSslscan(
  host: string,
  port: number,
  extra: readonly string[] = [],
): Promise<PeerResult> {
  const r = await run("sslscan", ["--xml=-", "--no-colour", ...extra, `${host}:${port}`], 120_000);
  const start = r.out.indexOf("<?xml");
  if (start < 0) throw new Error(`sslscan printed no XML:\n${r.out}`);
  return parseSslscanXml(r.out.slice(start), r.ms);
}

/**
 * Runs testssl.sh -E (every cipher, per protocol) against host:port. The
 * target must answer HTTP after TLS (s_server -www, nginx …): against a
 * server that echoes, testssl's service detection stalls for minutes.
 */
export async function runTestssl(
  host: string,
  port: number,
  extra: readonly string[] = [],
): Promise<PeerResult> {
  const dir = mkdtempSync(join(tmpdir(), "tlsd-testssl-"));
  const file = join(dir, "out.json");
  try {
    const r = await run(
      "testssl",
      [
        "--quiet",
        "--warnings",
        "off",
        "--color",
        "0",
        "-E",
        "--openssl-timeout",
        "5",
        "--jsonfile",
        file,
        "--ip",
        "127.0.0.1",
        ...extra,
        `${host}:${port}`,
      ],
      240_000,
    );
    let json: string;
    try {
      json = readFileSync(file, "utf8");
    } catch {
      throw new Error(`testssl wrote no JSON:\n${r.out}`);
    }
    return parseTestsslJson(json, r.ms);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
