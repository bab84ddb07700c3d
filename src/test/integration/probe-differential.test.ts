// Differential tests: the same server, probed by tlsdoctor and by
// `openssl s_client`, must give the same protocol, cipher, chain and
// verification verdict — or the test says why the answers differ.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { probe, parseTarget, type ProbeResult } from "../../wire/index.js";
import { diagnoseProbe, loadStores, type Stores } from "../../checks/index.js";
import { makeTestPki, pemToDer, type TestPki } from "../harness/test-pki.js";
import { startOpenSslServer } from "../harness/tls-servers.js";
import type { RunningServer } from "../harness/process.js";
import { runTool, sClientSession } from "../harness/tools.js";

const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");
const exec = promisify(execFile);

interface SClient {
  readonly protocol?: string;
  readonly cipher?: string;
  readonly chain: string[];
  readonly verifyCode?: number;
  readonly ocsp: boolean;
  /** "Server Temp Key: ECDH, secp384r1, 384 bits" → ["ECDH", "secp384r1", 384] */
  readonly tempKey?: readonly [string, string, number];
}

/** Runs `openssl s_client` once and reads what it printed. */
async function sClient(port: number, args: readonly string[]): Promise<SClient> {
  const out = await runTool("openssl", [
    "s_client",
    "-connect",
    `127.0.0.1:${port}`,
    "-servername",
    "localhost",
    "-showcerts",
    ...args,
  ]);
  const chain = [
    ...out.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g),
  ].map((x) => sha256(pemToDer(x[0])));
  const v = /Verify return code: (\d+)/.exec(out);
  const k = /Server Temp Key: (\w+), (\w+), (\d+) bits/.exec(out);
  return {
    ...sClientSession(out),
    chain,
    ...(v ? { verifyCode: Number(v[1]) } : {}),
    ocsp: /OCSP Response Status: successful/.test(out),
    ...(k ? { tempKey: [k[1]!, k[2]!, Number(k[3])] as const } : {}),
  };
}

describe("probe agrees with openssl s_client", () => {
  let dir: string;
  let pki: TestPki;
  let stores: Stores;
  const servers: RunningServer[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "tlsd-diff-"));
    pki = await makeTestPki(dir);
    stores = loadStores({ ca: pki.root.cert, reference: pki.fullStore });
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  });
  const serve = async (o: Parameters<typeof startOpenSslServer>[0]): Promise<number> => {
    const s = await startOpenSslServer(o);
    servers.push(s);
    return s.port;
  };
  const ours = (port: number, o: Parameters<typeof probe>[1] = {}): Promise<ProbeResult> =>
    probe(parseTarget(`localhost:${port}`), {
      connectTo: "127.0.0.1",
      timeoutMs: 8000,
      resumption: false,
      ...o,
    });

  // For TLS 1.2 both clients offer the same list: s_server picks by the
  // client's order, and Node's default order (AES128 first) differs from
  // s_client's (AES256 first) — a difference of clients, not of servers.
  const TLS12 =
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256";
  for (const [name, extra, sArgs, mine] of [
    ["TLS 1.3", {}, [], {}],
    ["TLS 1.2 only", { tls12Only: true }, ["-cipher", TLS12], { ciphers: TLS12 }],
    [
      "client capped at TLS 1.2",
      {},
      ["-tls1_2", "-cipher", TLS12],
      { tlsMax: "TLSv1.2", ciphers: TLS12 },
    ],
  ] as const) {
    it(`${name}: same protocol, cipher and chain`, async () => {
      const port = await serve({
        cert: pki.leaf.cert,
        key: pki.leaf.key,
        chain: pki.intBundle,
        ...extra,
      });
      const [a, b] = await Promise.all([
        ours(port, mine),
        sClient(port, [...sArgs, "-CAfile", pki.root.cert]),
      ]);
      assert.equal(a.tls?.protocol, b.protocol);
      // s_client prints OpenSSL's name; for TLS 1.3 suites it equals the IANA name.
      assert.equal(a.tls?.cipher.openssl, b.cipher);
      assert.deepEqual(a.certificates.map(sha256), b.chain);
      assert.equal(b.verifyCode, 0);
      assert.deepEqual(
        diagnoseProbe(a, stores).findings.map((f) => f.id),
        [],
      );
    });
  }

  it("--groups P-384: same key-exchange group as s_client -groups P-384", async () => {
    const port = await serve({ cert: pki.leaf.cert, key: pki.leaf.key, chain: pki.intBundle });
    const [a, b] = await Promise.all([
      ours(port, { groups: "P-384" }),
      sClient(port, ["-groups", "P-384"]),
    ]);
    assert.deepEqual([a.tls?.group?.type, a.tls?.group?.name, a.tls?.group?.bits], b.tempKey);
  });

  it("leaf without intermediate: s_client says 21 (unable to verify the first certificate), we say CHAIN_INCOMPLETE", async () => {
    // Same fact, more precise wording: the issuer is an intermediate named by
    // the leaf's AIA caIssuers, so the server — not the store — is at fault.
    const port = await serve({ cert: pki.leaf.cert, key: pki.leaf.key });
    const [a, b] = await Promise.all([ours(port), sClient(port, ["-CAfile", pki.root.cert])]);
    assert.equal(b.verifyCode, 21);
    assert.deepEqual(a.certificates.map(sha256), b.chain);
    assert.ok(diagnoseProbe(a, stores).findings.some((f) => f.id === "CHAIN_INCOMPLETE"));
  });

  it("expired leaf: s_client says 10 (certificate has expired), we say CERT_EXPIRED", async () => {
    const port = await serve({
      cert: pki.expired.cert,
      key: pki.expired.key,
      chain: pki.intBundle,
    });
    const [a, b] = await Promise.all([ours(port), sClient(port, ["-CAfile", pki.root.cert])]);
    assert.equal(b.verifyCode, 10);
    assert.ok(diagnoseProbe(a, stores).findings.some((f) => f.id === "CERT_EXPIRED"));
  });

  it("stale store: s_client with the stale bundle says 20, we say TRUST_STORE_STALE (the client's store, not the server)", async () => {
    const port = await serve({ cert: pki.leaf.cert, key: pki.leaf.key, chain: pki.intBundle });
    const [a, b] = await Promise.all([ours(port), sClient(port, ["-CAfile", pki.staleStore])]);
    assert.equal(b.verifyCode, 20);
    const stale = loadStores({ ca: pki.staleStore, reference: pki.fullStore });
    assert.ok(diagnoseProbe(a, stale).findings.some((f) => f.id === "TRUST_STORE_STALE"));
  });

  it("OCSP staple: both see it; we report its size exactly", async () => {
    await exec(
      "openssl",
      ["ocsp", "-issuer", pki.int.cert, "-cert", pki.leaf.cert, "-reqout", "req.der", "-no_nonce"],
      { cwd: dir },
    );
    await exec(
      "openssl",
      [
        "ocsp",
        "-index",
        "index.txt",
        "-rsigner",
        pki.int.cert,
        "-rkey",
        join(dir, "int.key"),
        "-CA",
        pki.int.cert,
        "-reqin",
        "req.der",
        "-respout",
        "resp.der",
        "-ndays",
        "3650",
      ],
      { cwd: dir },
    );
    const resp = readFileSync(join(dir, "resp.der"));
    const port = await serve({
      cert: pki.leaf.cert,
      key: pki.leaf.key,
      chain: pki.intBundle,
      ocspFile: join(dir, "resp.der"),
    });
    const [a, b] = await Promise.all([
      ours(port),
      sClient(port, ["-status", "-CAfile", pki.root.cert]),
    ]);
    assert.equal(b.ocsp, true);
    assert.equal(a.tls?.ocsp.stapled, true);
    assert.equal(a.tls?.ocsp.bytes, resp.length);
    assert.equal(Buffer.from(a.ocspResponse ?? []).equals(resp), true);
  });

  it("IPv6 loopback: an IP literal target, and a name connected over ::1", async (t) => {
    const s = await startOpenSslServer({
      cert: pki.leaf.cert,
      key: pki.leaf.key,
      chain: pki.intBundle,
      host: "::1",
    }).catch(() => undefined);
    if (!s) {
      t.skip("no IPv6 loopback on this machine");
      return;
    }
    servers.push(s);
    const lit = await probe(parseTarget(`[::1]:${s.port}`), { timeoutMs: 8000, resumption: false });
    assert.equal(lit.address, "::1");
    assert.equal(lit.ok, true, lit.failure?.message);
    assert.equal(lit.tls?.sni, null, "no SNI for an IP literal (RFC 6066 §3)");
    // The leaf names localhost and 127.0.0.1, not ::1: the name check must say so.
    assert.ok(diagnoseProbe(lit, stores).findings.some((f) => f.id === "CERT_HOSTNAME_MISMATCH"));
    const named = await probe(parseTarget(`localhost:${s.port}`), {
      connectTo: "::1",
      timeoutMs: 8000,
      resumption: false,
    });
    assert.equal(named.ok, true, named.failure?.message);
    assert.deepEqual(
      diagnoseProbe(named, stores).findings.map((f) => f.id),
      [],
    );
  });
});
