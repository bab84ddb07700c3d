// Failure classes: every way a probe can fail is classified, blamed on a
// side, and reported as a finding — never a raw stack, never a hang.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer as createTlsServer } from "node:tls";
import { probe, parseTarget, repeatProbe } from "../../wire/index.js";
import { diagnoseProbe, diagnoseRepeat, loadStores, type Stores } from "../../checks/index.js";
import { freePort } from "../harness/process.js";
import { makeTestPki, type TestPki } from "../harness/test-pki.js";
import {
  startAlertServer,
  startFlakyServer,
  startPlaintextServer,
  startResetAfterHelloServer,
  startSilentServer,
  type ScriptedServer,
} from "../harness/tls-servers.js";

describe("probe failure classes", () => {
  let dir: string;
  let pki: TestPki;
  let stores: Stores;
  const servers: ScriptedServer[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "tlsd-fail-"));
    pki = await makeTestPki(dir);
    stores = loadStores({ ca: pki.root.cert, reference: pki.fullStore });
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  });
  const keep = <T extends ScriptedServer>(s: T): T => {
    servers.push(s);
    return s;
  };
  const ids = (r: Awaited<ReturnType<typeof probe>>): string[] =>
    diagnoseProbe(r, stores).findings.map((f) => f.id);

  it("refused port: CONNECT_REFUSED", async () => {
    const port = await freePort();
    const r = await probe(parseTarget(`127.0.0.1:${port}`), { timeoutMs: 5000 });
    assert.equal(r.failure?.class, "refused");
    assert.equal(r.failure?.phase, "TCP connect");
    assert.deepEqual(ids(r), ["CONNECT_REFUSED"]);
  });

  it("silent port: timeout in the TLS handshake phase, within the deadline", async () => {
    const s = keep(await startSilentServer());
    const r = await probe(parseTarget(`127.0.0.1:${s.port}`), { timeoutMs: 700 });
    assert.equal(r.failure?.class, "timeout");
    assert.equal(r.failure?.phase, "TLS handshake");
    assert.deepEqual(ids(r), ["TLS_HANDSHAKE_TIMEOUT"]);
  });

  it("silent STARTTLS server: timeout names the STARTTLS phase", async () => {
    const s = keep(await startSilentServer());
    const r = await probe(parseTarget(`smtp://127.0.0.1:${s.port}`), { timeoutMs: 700 });
    assert.equal(r.failure?.class, "timeout");
    assert.match(r.failure?.phase ?? "", /^STARTTLS \(smtp\)/);
    assert.deepEqual(ids(r), ["STARTTLS_TIMEOUT"]);
  });

  it("reset after the ClientHello: TLS_RESET_AFTER_HELLO", async () => {
    const s = keep(await startResetAfterHelloServer());
    const r = await probe(parseTarget(`127.0.0.1:${s.port}`), { timeoutMs: 5000 });
    assert.equal(r.failure?.class, "reset", r.failure?.message);
    assert.equal(r.failure?.afterClientHello, true);
    assert.deepEqual(ids(r), ["TLS_RESET_AFTER_HELLO"]);
    assert.ok(r.capture?.clientHello, "the ClientHello we sent is in the capture");
  });

  it("fatal alert: number, name and meaning for the receiving side", async () => {
    const s = keep(await startAlertServer(40));
    const r = await probe(parseTarget(`127.0.0.1:${s.port}`), { timeoutMs: 5000 });
    assert.equal(r.failure?.class, "alert-received");
    assert.equal(r.failure?.alert?.code, 40);
    assert.equal(r.failure?.alert?.name, "handshake_failure");
    assert.deepEqual(ids(r), ["TLS_ALERT_RECEIVED"]);
    const s80 = keep(await startAlertServer(80));
    const r80 = await probe(parseTarget(`127.0.0.1:${s80.port}`), { timeoutMs: 5000 });
    const f = diagnoseProbe(r80, stores).findings[0];
    assert.equal(f?.side, "server");
    assert.match(f?.detail ?? "", /peer itself failed/);
  });

  it("a plaintext SMTP greeting on a direct-TLS probe: SERVER_NOT_TLS suggesting smtp://", async () => {
    const s = keep(await startPlaintextServer("220 mx.test.invalid ESMTP Exim 4.96\r\n"));
    const r = await probe(parseTarget(`127.0.0.1:${s.port}`), { timeoutMs: 5000 });
    assert.equal(r.ok, false);
    assert.match(r.plaintextReply ?? "", /^220 mx\.test\.invalid ESMTP/);
    const f = diagnoseProbe(r, stores).findings[0];
    assert.equal(f?.id, "SERVER_NOT_TLS", JSON.stringify(r.failure));
    assert.match(f?.fix ?? "", /smtp:\/\//);
  });

  it("ALPN: agreed protocol reported; a refused one is alert 120 with an ALPN fix (Exim ≥ 4.95 refuses non-smtp ALPN)", async () => {
    const server = createTlsServer(
      {
        cert: readFileSync(pki.fullchain),
        key: readFileSync(pki.leaf.key),
        ALPNProtocols: ["smtp"],
      },
      (sock) => sock.end(),
    );
    server.on("tlsClientError", () => undefined);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const addr = server.address();
    const port = addr && typeof addr === "object" ? addr.port : 0;
    try {
      const good = await probe(parseTarget(`localhost:${port}`), {
        connectTo: "127.0.0.1",
        alpn: ["smtp"],
        timeoutMs: 5000,
      });
      assert.equal(good.tls?.alpn, "smtp", good.failure?.message);
      const bad = await probe(parseTarget(`localhost:${port}`), {
        connectTo: "127.0.0.1",
        alpn: ["h2", "http/1.1"],
        timeoutMs: 5000,
      });
      assert.equal(bad.failure?.alert?.code, 120);
      const f = diagnoseProbe(bad, stores).findings[0];
      assert.equal(f?.side, "client");
      assert.match(f?.fix ?? "", /ALPN/);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it("unknown host: CONNECT_DNS_FAILED", async () => {
    const r = await probe(parseTarget("no-such-host.invalid"), { timeoutMs: 5000 });
    assert.equal(r.failure?.class, "dns");
    assert.deepEqual(ids(r), ["CONNECT_DNS_FAILED"]);
  });

  it("--repeat against a server failing a known 30% of handshakes: the interval contains 30%", async () => {
    const tls = { cert: readFileSync(pki.fullchain), key: readFileSync(pki.leaf.key) };
    const s = keep(await startFlakyServer(tls, (i) => i % 10 < 3));
    const r = await repeatProbe(parseTarget(`localhost:${s.port}`), {
      connectTo: "127.0.0.1",
      count: 100,
      concurrency: 10,
      timeoutMs: 8000,
    });
    assert.equal(r.attempts, 100);
    assert.equal(r.failures, 30);
    assert.ok(r.failureRateCi95.low <= 0.3 && 0.3 <= r.failureRateCi95.high);
    assert.equal(
      r.outcomes.find((o) => o.outcome !== "ok")?.outcome,
      "alert-received: internal_error (80)",
    );
    const d = diagnoseRepeat(r, stores);
    assert.ok(d.findings.some((f) => f.id === "TLS_INTERMITTENT"));
    assert.equal(d.verdict.ok, false);
    assert.ok(r.latencyMs.p50 !== undefined && r.latencyMs.p99 !== undefined);
  });

  it("--repeat notices failures that come in bursts", async () => {
    const tls = { cert: readFileSync(pki.fullchain), key: readFileSync(pki.leaf.key) };
    const s = keep(await startFlakyServer(tls, (i) => i >= 10 && i < 25));
    const r = await repeatProbe(parseTarget(`localhost:${s.port}`), {
      connectTo: "127.0.0.1",
      count: 40,
      timeoutMs: 8000,
    });
    assert.equal(r.failures, 15);
    assert.equal(r.longestFailureStreak, 15);
    assert.equal(r.clustering?.clustered, true);
  });
});
