// probe against real TLS servers on loopback: openssl s_server in several
// configurations and gnutls-serv, verified against a test PKI.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { probe, parseTarget, type ProbeResult } from "../../wire/index.js";
import { diagnoseProbe, loadStores, type Stores } from "../../checks/index.js";
import { makeTestPki, type TestPki } from "../harness/test-pki.js";
import { startGnuTlsServer, startOpenSslServer } from "../harness/tls-servers.js";
import type { RunningServer } from "../harness/process.js";

const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

describe("probe against openssl s_server and gnutls-serv", () => {
  let dir: string;
  let pki: TestPki;
  let stores: Stores;
  const servers: RunningServer[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "tlsd-probe-"));
    pki = await makeTestPki(dir);
    // The "system" store for these tests holds the test root; the reference is the full store.
    stores = loadStores({ ca: pki.root.cert, reference: pki.fullStore });
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function serve(o: Parameters<typeof startOpenSslServer>[0]): Promise<string> {
    const s = await startOpenSslServer(o);
    servers.push(s);
    return `localhost:${s.port}`;
  }
  const run = (target: string, opts: Parameters<typeof probe>[1] = {}): Promise<ProbeResult> =>
    probe(parseTarget(target), { connectTo: "127.0.0.1", timeoutMs: 8000, ...opts });
  const ids = (r: ProbeResult, s: Stores = stores): string[] =>
    diagnoseProbe(r, s)
      .findings.map((f) => f.id)
      .sort();

  it("RSA server with its full chain: TLS 1.3, chain exactly as sent, trusted, no findings", async () => {
    const t = await serve({ cert: pki.leaf.cert, key: pki.leaf.key, chain: pki.intBundle });
    const r = await run(t);
    assert.equal(r.ok, true, r.failure?.message);
    assert.equal(r.tls?.protocol, "TLSv1.3");
    assert.match(
      r.tls?.cipher.iana ?? "",
      /^TLS_AES_256_GCM_SHA384$|^TLS_AES_128_GCM_SHA256$|^TLS_CHACHA20/,
    );
    assert.equal(r.chainSource, "wire");
    assert.deepEqual(r.certificates.map(sha256), [sha256(pki.leaf.der), sha256(pki.int.der)]);
    assert.equal(r.tls?.sni, "localhost");
    assert.ok(r.tls?.group?.name, "key exchange group named");
    const d = diagnoseProbe(r, stores);
    assert.deepEqual(
      d.findings.map((f) => f.id),
      [],
    );
    assert.equal(d.verdict.ok, true);
    assert.ok((r.timings.handshakeMs ?? -1) >= 0);
  });

  it("HelloRetryRequest (server accepts only P-384): the chain is still read from the wire", async () => {
    // Regression: the CCS that follows an HRR in middlebox-compatibility mode
    // was taken for TLS 1.2's, so the rest of the handshake was not decrypted.
    const t = await serve({
      cert: pki.leaf.cert,
      key: pki.leaf.key,
      chain: pki.intBundle,
      extraArgs: ["-groups", "P-384"],
    });
    const r = await run(t);
    assert.equal(r.ok, true, r.failure?.message);
    assert.ok(r.capture?.helloRetryRequest, "an HRR was seen");
    assert.equal(r.tls?.group?.name, "secp384r1");
    assert.equal(r.chainSource, "wire");
    assert.deepEqual(r.certificates.map(sha256), [sha256(pki.leaf.der), sha256(pki.int.der)]);
  });

  it("--sni NAME is sent and checked; --no-sni sends none", async () => {
    const t = await serve({ cert: pki.leaf.cert, key: pki.leaf.key, chain: pki.intBundle });
    const other = await run(t, { sni: "wrong.example" });
    assert.equal(other.tls?.sni, "wrong.example");
    assert.equal(other.capture?.clientHello?.serverName, "wrong.example");
    assert.ok(ids(other).includes("CERT_HOSTNAME_MISMATCH"), ids(other).join(","));
    const none = await run(t, { sni: false });
    assert.equal(none.tls?.sni, null);
    assert.equal(none.capture?.clientHello?.serverName, undefined);
  });

  it("ECDSA leaf", async () => {
    const t = await serve({ cert: pki.leafEc.cert, key: pki.leafEc.key, chain: pki.intBundle });
    const r = await run(t);
    assert.equal(r.ok, true, r.failure?.message);
    assert.equal(sha256(r.certificates[0]!), sha256(pki.leafEc.der));
    assert.deepEqual(ids(r), []);
  });

  it("TLS 1.2-only server: negotiates TLS 1.2, resumes the session", async () => {
    const t = await serve({
      cert: pki.leaf.cert,
      key: pki.leaf.key,
      chain: pki.intBundle,
      tls12Only: true,
    });
    const r = await run(t);
    assert.equal(r.tls?.protocol, "TLSv1.2");
    assert.match(r.tls?.cipher.iana ?? "", /^TLS_ECDHE_RSA_WITH_/);
    assert.equal(r.tls?.resumption, "resumed");
    assert.deepEqual(r.certificates.map(sha256), [sha256(pki.leaf.der), sha256(pki.int.der)]);
    // A client that insists on TLS 1.3 gets alert 70 protocol_version.
    const r13 = await run(t, { tlsMin: "TLSv1.3" });
    assert.equal(r13.ok, false);
    assert.equal(r13.failure?.class, "alert-received");
    assert.equal(r13.failure?.alert?.code, 70);
    assert.deepEqual(ids(r13), ["TLS_ALERT_RECEIVED"]);
  });

  it("TLS 1.3-only server refuses a TLS 1.2 client with protocol_version", async () => {
    const t = await serve({
      cert: pki.leaf.cert,
      key: pki.leaf.key,
      chain: pki.intBundle,
      tls13Only: true,
    });
    const r = await run(t, { tlsMax: "TLSv1.2" });
    assert.equal(r.failure?.alert?.name, "protocol_version");
    assert.equal(diagnoseProbe(r, stores).findings[0]?.side, "unknown");
  });

  it("client certificate required: alert 116 without one, success with one", async () => {
    const t = await serve({
      cert: pki.leaf.cert,
      key: pki.leaf.key,
      chain: pki.intBundle,
      requireClientCert: pki.root.cert,
    });
    const r = await run(t);
    assert.equal(r.ok, false);
    assert.equal(r.failure?.alert?.code, 116, r.failure?.message);
    const f = diagnoseProbe(r, stores).findings.find((x) => x.id === "TLS_ALERT_RECEIVED");
    assert.equal(f?.side, "client");
    assert.match(f?.fix ?? "", /--cert/);
    const { readFileSync } = await import("node:fs");
    const ok = await run(t, {
      cert: readFileSync(pki.fullchain, "utf8"),
      key: readFileSync(pki.leaf.key, "utf8"),
    });
    assert.equal(ok.ok, true, ok.failure?.message);
  });

  it("leaf without its intermediate: CHAIN_INCOMPLETE, blamed on the server", async () => {
    const t = await serve({ cert: pki.leaf.cert, key: pki.leaf.key });
    const r = await run(t);
    assert.equal(r.ok, true);
    assert.equal(r.certificates.length, 1);
    const d = diagnoseProbe(r, stores);
    const f = d.findings.find((x) => x.id === "CHAIN_INCOMPLETE");
    assert.ok(f, `findings: ${d.findings.map((x) => x.id).join(",")}`);
    assert.equal(f.side, "server");
    assert.equal(d.verdict.ok, false);
  });

  it("expired and wrong-name leaves get their own findings", async () => {
    const e = await run(
      await serve({ cert: pki.expired.cert, key: pki.expired.key, chain: pki.intBundle }),
    );
    assert.ok(ids(e).includes("CERT_EXPIRED"), ids(e).join(","));
    const w = await run(
      await serve({ cert: pki.wrongName.cert, key: pki.wrongName.key, chain: pki.intBundle }),
    );
    assert.ok(ids(w).includes("CERT_HOSTNAME_MISMATCH"), ids(w).join(","));
  });

  it("weak key, SHA-1 signature, self-signed, private CA: each its own finding (the probe completes and reports)", async () => {
    // Debian's OpenSSL runs at security level 2; the servers are told to allow
    // the weak certificates, and the probe offers level 0 so it can report them.
    const lax = ["-cipher", "DEFAULT:@SECLEVEL=0"];
    const weak = await run(
      await serve({ cert: pki.weak.cert, key: pki.weak.key, chain: pki.intBundle, extraArgs: lax }),
    );
    assert.equal(weak.ok, true, weak.failure?.message);
    assert.ok(ids(weak).includes("CERT_WEAK_KEY"), ids(weak).join(","));
    const sha1 = await run(
      await serve({ cert: pki.sha1.cert, key: pki.sha1.key, chain: pki.intBundle, extraArgs: lax }),
    );
    assert.ok(ids(sha1).includes("CERT_SHA1_SIGNATURE"), ids(sha1).join(","));
    const self = await run(await serve({ cert: pki.selfSigned.cert, key: pki.selfSigned.key }));
    assert.ok(ids(self).includes("CERT_SELF_SIGNED"), ids(self).join(","));
    const priv = await run(await serve({ cert: pki.privateLeaf.cert, key: pki.privateLeaf.key }));
    // The shared reference here holds root2; a private CA is one no store knows.
    const neither = loadStores({ ca: pki.root.cert, reference: pki.root.cert });
    assert.ok(ids(priv, neither).includes("CERT_PRIVATE_CA"), ids(priv, neither).join(","));
  });

  it("stale system store: TRUST_STORE_STALE naming the missing root, blamed on the client", async () => {
    const t = await serve({ cert: pki.leaf.cert, key: pki.leaf.key, chain: pki.intBundle });
    const r = await run(t);
    const stale = loadStores({ ca: pki.staleStore, reference: pki.fullStore });
    const d = diagnoseProbe(r, stale);
    const f = d.findings.find((x) => x.id === "TRUST_STORE_STALE");
    assert.ok(f, d.findings.map((x) => x.id).join(","));
    assert.equal(f.side, "client");
    assert.match(JSON.stringify(f), /tlsdoctor Test Root CA/);
  });

  it("gnutls-serv: a different TLS stack, same facts", async () => {
    const s = await startGnuTlsServer({ cert: pki.fullchain, key: pki.leaf.key });
    servers.push(s);
    const r = await run(`localhost:${s.port}`);
    assert.equal(r.ok, true, r.failure?.message);
    assert.deepEqual(r.certificates.map(sha256), [sha256(pki.leaf.der), sha256(pki.int.der)]);
    assert.deepEqual(ids(r), []);
  });
});
