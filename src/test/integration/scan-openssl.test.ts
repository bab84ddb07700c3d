// scan against real servers on loopback: openssl s_server in several
// configurations. What the scan reports is checked against what each server
// was told to do, and single suites against openssl s_client.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseTarget, scan, type ScanOptions, type ScanResult } from "../../wire/index.js";
import { diagnoseScan } from "../../checks/index.js";
import { makeTestPki, type TestPki } from "../harness/test-pki.js";
import { startOpenSslServer } from "../harness/tls-servers.js";
import type { RunningServer } from "../harness/process.js";
import { runTool, sClientSession } from "../harness/tools.js";

const names = (r: ScanResult, p: string): string[] =>
  r.protocols.find((x) => x.protocol === p)?.accepted.map((a) => a.name) ?? [];
const supported = (r: ScanResult, p: string): boolean | undefined =>
  r.protocols.find((x) => x.protocol === p)?.supported;

describe("scan against openssl s_server", () => {
  let dir: string;
  let pki: TestPki;
  const servers: RunningServer[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "tlsd-scan-"));
    pki = await makeTestPki(dir);
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function serve(o: Parameters<typeof startOpenSslServer>[0]): Promise<number> {
    const s = await startOpenSslServer(o);
    servers.push(s);
    return s.port;
  }
  const run = (port: number, opts: ScanOptions = {}): Promise<ScanResult> =>
    scan(parseTarget(`localhost:${port}`), {
      connectTo: "127.0.0.1",
      timeoutMs: 5000,
      saveDir: dir,
      ...opts,
    });

  it("defaults: TLS 1.2 and 1.3 only, the chain read from an encrypted TLS 1.3 flight", async () => {
    const port = await serve({ cert: pki.leaf.cert, key: pki.leaf.key, chain: pki.intBundle });
    const r = await run(port);
    assert.equal(r.reachable, true);
    assert.equal(r.killed, undefined);
    assert.equal(supported(r, "TLSv1.3"), true);
    assert.equal(supported(r, "TLSv1.2"), true);
    for (const p of ["SSLv2", "SSLv3", "TLSv1", "TLSv1.1"]) assert.equal(supported(r, p), false, p);
    assert.deepEqual(names(r, "TLSv1.3").sort(), [
      "TLS_AES_128_GCM_SHA256",
      "TLS_AES_256_GCM_SHA384",
      "TLS_CHACHA20_POLY1305_SHA256",
    ]);
    // An RSA certificate: no ECDSA suites, and every TLS 1.2 suite is RSA-authenticated.
    const p12 = r.protocols.find((p) => p.protocol === "TLSv1.2");
    assert.ok((p12?.accepted.length ?? 0) >= 10);
    assert.ok(p12?.accepted.every((a) => a.au === "RSA"));
    // Few handshakes: about (accepted + 2) per protocol, not one per suite.
    const accepted = r.protocols.reduce((n, p) => n + p.accepted.length, 0);
    assert.ok(r.connections < accepted + 250, `${r.connections} connections`);
    const rsa = r.certificates.find((c) => c.keyType === "RSA");
    assert.equal(rsa?.chain.length, 2);
    assert.ok(
      r.certificates.some((c) => c.protocol === "TLSv1.3"),
      "TLS 1.3 Certificate decrypted",
    );
    const g13 = r.groups.find((g) => g.protocol === "TLSv1.3");
    assert.ok(g13?.supported.some((g) => g.name === "x25519"));
    assert.ok(g13?.supported.some((g) => g.name === "secp256r1"));
    const s13 = r.sigalgs.find((s) => s.protocol === "TLSv1.3");
    assert.ok(
      s13?.supported.some((s) => s.name === "rsa_pss_rsae_sha256"),
      JSON.stringify(s13),
    );
    assert.ok(!s13?.supported.some((s) => s.name.startsWith("ecdsa")));
    assert.equal(r.features?.secureRenegotiation, true);
    assert.equal(r.features?.compression, false);
    assert.equal(r.features?.extendedMasterSecret, true);
    assert.equal(r.features?.sessionTicket, true);
    assert.equal(r.features?.fallbackScsv, true);
    for (const t of r.tolerance) assert.equal(t.tolerant, true, `${t.test}: ${t.outcome}`);
    const ids = diagnoseScan(r).map((f) => f.id);
    assert.ok(!ids.includes("SERVER_KILLED_BY_HELLO"));
    assert.ok(!ids.includes("CIPHER_SUITES_INSECURE"), ids.join(" "));
  });

  it("every TLS 1.2 suite it reports, s_client can negotiate; one it does not report, s_client cannot", async () => {
    const port = await serve({ cert: pki.leaf.cert, key: pki.leaf.key, tls12Only: true });
    const r = await run(port, { only: ["protocols", "suites"], protocols: ["TLSv1.2"] });
    const p12 = r.protocols.find((p) => p.protocol === "TLSv1.2");
    assert.ok(p12 && p12.accepted.length > 0);
    for (const a of p12.accepted.slice(0, 6)) {
      const out = await runTool("openssl", [
        "s_client",
        "-connect",
        `127.0.0.1:${port}`,
        "-tls1_2",
        "-cipher",
        `${a.openssl}:@SECLEVEL=0`,
      ]);
      assert.equal(sClientSession(out).cipher, a.openssl, out);
    }
    const out = await runTool("openssl", [
      "s_client",
      "-connect",
      `127.0.0.1:${port}`,
      "-tls1_2",
      "-cipher",
      "ECDHE-ECDSA-AES128-GCM-SHA256",
    ]);
    assert.equal(sClientSession(out).cipher ?? "(NONE)", "(NONE)");
  });

  it("server order (-serverpref) versus the client's order", async () => {
    const pref = await serve({
      cert: pki.leaf.cert,
      key: pki.leaf.key,
      tls12Only: true,
      extraArgs: ["-serverpref"],
    });
    const client = await serve({ cert: pki.leaf.cert, key: pki.leaf.key, tls12Only: true });
    const only: ScanOptions = { only: ["protocols", "suites"], protocols: ["TLSv1.2"] };
    const [a, b] = await Promise.all([run(pref, only), run(client, only)]);
    assert.equal(a.protocols[0]?.order, "server");
    assert.equal(b.protocols[0]?.order, "client");
    assert.ok(diagnoseScan(b).some((f) => f.id === "CIPHER_ORDER_CLIENT"));
  });

  it("legacy config (ALL:@SECLEVEL=0, TLS 1.0–1.3): old protocols, NULL and anonymous suites are found and flagged", async () => {
    const port = await serve({
      cert: pki.leaf.cert,
      key: pki.leaf.key,
      extraArgs: ["-cipher", "ALL:COMPLEMENTOFALL:@SECLEVEL=0", "-min_protocol", "TLSv1"],
    });
    const r = await run(port, { only: ["protocols", "suites", "features"] });
    assert.equal(supported(r, "TLSv1"), true);
    assert.equal(supported(r, "TLSv1.1"), true);
    // Debian's OpenSSL 3 has no 3DES or RC4 any more, even at SECLEVEL 0; NULL and anon remain.
    assert.ok(names(r, "TLSv1.2").includes("TLS_RSA_WITH_NULL_SHA256"));
    assert.ok(names(r, "TLSv1").includes("TLS_RSA_WITH_NULL_SHA"));
    assert.ok(
      names(r, "TLSv1.2").some((n) => n.includes("_anon_")),
      names(r, "TLSv1.2").join(" "),
    );
    const ids = diagnoseScan(r).map((f) => f.id);
    for (const id of [
      "PROTOCOL_TLS10_ENABLED",
      "PROTOCOL_TLS11_ENABLED",
      "CIPHER_SUITES_INSECURE",
      "CIPHER_SUITES_LEGACY",
    ]) {
      assert.ok(ids.includes(id), `${id} in ${ids.join(" ")}`);
    }
  });

  it("ECDSA certificate, TLS 1.3 only: ECDSA schemes, no TLS 1.2, ALPN read from EncryptedExtensions", async () => {
    const port = await serve({
      cert: pki.leafEc.cert,
      key: pki.leafEc.key,
      tls13Only: true,
      alpn: "h2,http/1.1",
    });
    const r = await run(port);
    assert.equal(supported(r, "TLSv1.2"), false);
    assert.equal(supported(r, "TLSv1.3"), true);
    assert.equal(r.certificates[0]?.keyType, "ECDSA");
    const s13 = r.sigalgs.find((s) => s.protocol === "TLSv1.3");
    assert.deepEqual(
      s13?.supported.map((s) => s.name),
      ["ecdsa_secp256r1_sha256"],
    );
    assert.equal(r.alpn?.protocol, "TLSv1.3");
    assert.ok(r.alpn?.supported.includes("h2"), JSON.stringify(r.alpn));
    assert.ok(diagnoseScan(r).every((f) => f.id !== "PROTOCOL_TLS13_MISSING"));
  });
  it("a server that wants a client certificate says so in its first flight", async () => {
    const port = await serve({
      cert: pki.leaf.cert,
      key: pki.leaf.key,
      requireClientCert: pki.root.cert,
    });
    const r = await run(port, {
      only: ["protocols", "features"],
      protocols: ["TLSv1.2", "TLSv1.3"],
    });
    assert.equal(r.features?.clientCertificateRequested, true);
  });
  it("--only sigalgs,groups finds the protocols itself (one hello each) and lists no suites", async () => {
    const port = await serve({ cert: pki.leaf.cert, key: pki.leaf.key });
    const r = await run(port, { only: ["sigalgs", "groups"] });
    const p12 = r.protocols.find((p) => p.protocol === "TLSv1.2");
    assert.equal(p12?.supported, true);
    assert.equal(p12?.complete, false);
    assert.ok(
      r.sigalgs
        .find((s) => s.protocol === "TLSv1.2")
        ?.supported.some((s) => s.name === "rsa_pss_rsae_sha256"),
    );
    assert.ok(
      r.groups.find((g) => g.protocol === "TLSv1.3")?.supported.some((g) => g.name === "x25519"),
    );
    assert.deepEqual(r.tolerance, []);
  });
});
