// The test infrastructure itself, checked against real tools: the nginx and
// haproxy harnesses handshake with openssl s_client, the sslscan and
// testssl.sh oracles read a known s_server correctly and agree with each
// other, and the killer front end dies on exactly the hellos it is told to
// (TLS records, a hello split across records, an SSLv2-format hello, an
// extension) and comes back on the same port.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { codec } from "../../wire/index.js";
import { makeTestPki, type TestPki } from "../harness/test-pki.js";
import { startOpenSslServer } from "../harness/tls-servers.js";
import { waitForPort, type RunningServer } from "../harness/process.js";
import { runTool, sClientSession } from "../harness/tools.js";
import { startNginx } from "../harness/real/nginx.js";
import { startHaproxy } from "../harness/real/haproxy.js";
import { runSslscan, runTestssl, type PeerResult } from "../harness/peers.js";
import { startKillerServer, type KillerServer } from "../harness/killer.js";

const { buildClientHello, buildSslv2ClientHello, frameRecords, heartbeatExt } = codec;
const DES_CBC_SHA = 0x0009;
const EDH_RSA_DES_CBC_SHA = 0x0015;
const HTTP_GET = "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n";

/** Polls `cond` every 50 ms until it holds, or fails at the deadline. */
async function until(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Writes `bytes` to 127.0.0.1:port; resolves with what came back once the peer closes. */
function exchange(port: number, bytes: Uint8Array, timeoutMs = 5000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: "127.0.0.1", port });
    const got: Buffer[] = [];
    const t = setTimeout(() => {
      s.destroy();
      reject(new Error(`127.0.0.1:${port} did not close within ${timeoutMs} ms`));
    }, timeoutMs);
    s.on("data", (d: Buffer) => got.push(d));
    s.on("error", () => undefined);
    s.on("close", () => {
      clearTimeout(t);
      resolve(Buffer.concat(got));
    });
    s.write(bytes);
  });
}

const tlsHello = (suites: readonly number[], fragments?: readonly number[]): Uint8Array =>
  frameRecords(buildClientHello({ version: 0x0303, suites }), fragments ? { fragments } : {});

describe("peers: test infrastructure against real tools", () => {
  let dir: string;
  let pki: TestPki;
  let sServer: RunningServer;
  const stops: (() => Promise<void>)[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "tlsd-peers-"));
    pki = await makeTestPki(dir);
    // -www: testssl.sh wants a server that answers HTTP after the handshake.
    sServer = await startOpenSslServer({
      cert: pki.leaf.cert,
      key: pki.leaf.key,
      chain: pki.intBundle,
      extraArgs: ["-www"],
    });
  });
  after(async () => {
    await Promise.all(stops.map((s) => s()));
    await sServer.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const sClient = (port: number, extra: readonly string[] = []): Promise<string> =>
    runTool(
      "openssl",
      [
        "s_client",
        "-connect",
        `127.0.0.1:${port}`,
        "-servername",
        "localhost",
        "-CAfile",
        pki.root.cert,
        "-ign_eof",
        ...extra,
      ],
      HTTP_GET,
    );

  describe("nginx and haproxy harnesses", () => {
    it("nginx serves the test chain and answers HTTP; 1.22's default has no TLS 1.3", async () => {
      // nginx < 1.23.4 defaults to ssl_protocols TLSv1 TLSv1.1 TLSv1.2, and
      // OpenSSL 3.0's security level turns the first two off: TLS 1.2 only.
      const n = await startNginx({ cert: pki.fullchain, key: pki.leaf.key });
      stops.push(() => n.stop());
      const out = await sClient(n.port);
      assert.equal(sClientSession(out).protocol, "TLSv1.2", out);
      assert.match(out, /Verify return code: 0 \(ok\)/);
      assert.match(out, /HTTP\/1\.1 200 OK[\s\S]*\bok\b/);
      assert.doesNotMatch(await sClient(n.port, ["-tls1_3"]), /Cipher is TLS_/);
    });

    it("nginx speaks TLS 1.3 when ssl_protocols says so", async () => {
      const n = await startNginx({
        cert: pki.fullchain,
        key: pki.leaf.key,
        protocols: "TLSv1.2 TLSv1.3",
      });
      stops.push(() => n.stop());
      const out = await sClient(n.port);
      assert.equal(sClientSession(out).protocol, "TLSv1.3", out);
    });

    it("nginx honours ssl_protocols and ssl_ciphers", async () => {
      const n = await startNginx({
        cert: pki.fullchain,
        key: pki.leaf.key,
        protocols: "TLSv1.2",
        ciphers: "ECDHE-RSA-AES128-GCM-SHA256",
      });
      stops.push(() => n.stop());
      const out = await sClient(n.port);
      assert.deepEqual(
        sClientSession(out),
        { protocol: "TLSv1.2", cipher: "ECDHE-RSA-AES128-GCM-SHA256" },
        out,
      );
      assert.doesNotMatch(await sClient(n.port, ["-tls1_3"]), /Cipher is TLS_/);
    });

    it("haproxy terminates TLS with the chain and answers 200 itself", async () => {
      const h = await startHaproxy({
        cert: pki.leaf.cert,
        key: pki.leaf.key,
        chain: pki.intBundle,
        ciphersuites: "TLS_AES_256_GCM_SHA384",
        minVersion: "TLSv1.2",
      });
      stops.push(() => h.stop());
      const out = await sClient(h.port);
      assert.deepEqual(sClientSession(out), {
        protocol: "TLSv1.3",
        cipher: "TLS_AES_256_GCM_SHA384",
      });
      assert.match(out, /Verify return code: 0 \(ok\)/);
      assert.match(out, /HTTP\/1\.1 200[\s\S]*\bok\b/);
      assert.doesNotMatch(
        await sClient(h.port, ["-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"]),
        /Cipher is [A-Z]/,
      );
    });
  });

  describe("sslscan and testssl.sh oracles", () => {
    const key = (r: PeerResult): string[] =>
      r.accepted.map((s) => `${s.protocol} 0x${s.code.toString(16).padStart(4, "0")}`).sort();
    let sslscan: PeerResult | undefined;

    it("sslscan reads s_server: TLS 1.2 and 1.3 only, the OpenSSL 3.0 defaults", async () => {
      sslscan = await runSslscan("127.0.0.1", sServer.port);
      const r = sslscan;
      assert.deepEqual(r.protocols, {
        SSLv2: false,
        SSLv3: false,
        TLSv1: false,
        "TLSv1.1": false,
        "TLSv1.2": true,
        "TLSv1.3": true,
      });
      const codes = (p: string): number[] =>
        r.accepted.filter((s) => s.protocol === p).map((s) => s.code);
      assert.deepEqual(codes("TLSv1.3").sort(), [0x1301, 0x1302, 0x1303]);
      assert.ok(codes("TLSv1.2").includes(0xc030));
      assert.ok(codes("TLSv1.2").length >= 10, key(r).join(" "));
      assert.ok(r.groups.some((g) => g.protocol === "TLSv1.3" && g.code === 0x001d));
      assert.ok(r.ms > 0 && r.ms < 60_000);
    });

    it("testssl.sh -E lists the same suites with IANA names", { timeout: 120_000 }, async () => {
      const r = await runTestssl("127.0.0.1", sServer.port);
      assert.ok(r.ms < 60_000, `testssl took ${Math.round(r.ms)} ms`);
      assert.equal(r.protocols["TLSv1.3"], true);
      assert.equal(r.protocols["TLSv1.2"], true);
      assert.equal(r.protocols.TLSv1, undefined);
      const aes256 = r.accepted.find((s) => s.code === 0x1302);
      assert.deepEqual(aes256, {
        protocol: "TLSv1.3",
        code: 0x1302,
        name: "TLS_AES_256_GCM_SHA384",
      });
      assert.ok(r.accepted.some((s) => s.name === "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"));
      if (sslscan) assert.deepEqual(key(r), key(sslscan), "sslscan and testssl.sh disagree");
    });
  });

  describe("killer front end", () => {
    async function killer(
      o: Partial<Parameters<typeof startKillerServer>[0]> = {},
    ): Promise<KillerServer> {
      const k = await startKillerServer({
        backendPort: sServer.port,
        killSuites: [DES_CBC_SHA, EDH_RSA_DES_CBC_SHA],
        restartDelayMs: 200,
        ...o,
      });
      stops.push(() => k.stop());
      return k;
    }

    it("relays a normal handshake to the backend, and survives it", async () => {
      const k = await killer();
      const out = await sClient(k.port);
      assert.equal(sClientSession(out).protocol, "TLSv1.3", out);
      assert.match(out, /HTTP\/1\.0 200 ok/);
      assert.equal(k.deaths(), 0);
    });

    it("aborts on a hello offering 0x0009, then comes back on the same port", async () => {
      const k = await killer();
      const back = await exchange(k.port, tlsHello([0x009c, DES_CBC_SHA]));
      assert.equal(back.length, 0, "the dying server wrote nothing");
      await until(() => k.deaths() === 1, "one death");
      assert.match(k.output(), /KILLED by suite 0x0009/);
      await waitForPort(k.port, "127.0.0.1", 5000);
      const out = await sClient(k.port);
      assert.equal(sClientSession(out).protocol, "TLSv1.3", out);
      assert.equal(k.deaths(), 1);
    });

    it("reassembles a hello split across records, and reads SSLv2-format hellos", async () => {
      const k = await killer();
      await exchange(k.port, tlsHello([0x009c, 0x002f, EDH_RSA_DES_CBC_SHA], [7, 3, 11]));
      await until(() => k.deaths() === 1, "a death by the split hello");
      assert.match(k.output(), /KILLED by suite 0x0015/);
      await waitForPort(k.port, "127.0.0.1", 5000);
      const v2 = buildSslv2ClientHello({
        version: 0x0301,
        cipherKinds: [0x010080, 0x00002f, DES_CBC_SHA],
        challenge: new Uint8Array(16).fill(7),
      });
      await exchange(k.port, v2);
      await until(() => k.deaths() === 2, "a death by the SSLv2 hello");
      assert.match(k.output(), /KILLED by suite 0x0009/);
    });

    it("closes on bytes that are not a hello, without dying", async () => {
      const k = await killer();
      await exchange(k.port, new TextEncoder().encode(HTTP_GET));
      // A handshake record holding a ClientHello with an empty body.
      await exchange(k.port, Uint8Array.of(22, 3, 1, 0, 4, 1, 0, 0, 0));
      // A harmless hello still goes through: the process is the same one.
      assert.equal(sClientSession(await sClient(k.port)).protocol, "TLSv1.3");
      assert.equal(k.deaths(), 0);
    });

    it("dies on a killing extension and stays down with restart: false", async () => {
      const k = await killer({ killSuites: [], killExtensions: [15], restart: false });
      const hello = buildClientHello({
        version: 0x0303,
        suites: [0x009c],
        extensions: [heartbeatExt()],
      });
      await exchange(k.port, frameRecords(hello));
      await until(() => k.deaths() === 1, "a death by heartbeat");
      assert.match(k.output(), /KILLED by extension 15/);
      await new Promise((r) => setTimeout(r, 400));
      await assert.rejects(waitForPort(k.port, "127.0.0.1", 300));
    });
  });
});
