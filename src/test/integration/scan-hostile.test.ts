// scan against servers that misbehave: silence, plaintext, resets, alerts to
// everything, lying record lengths and a byte flood. Each scan must end within
// its deadlines with a clear account of what the server did — no crash, no
// hang, and no false SERVER_KILLED_BY_HELLO for a server that never worked.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Socket } from "node:net";
import { parseTarget, scan, type ScanResult } from "../../wire/index.js";
import { diagnoseScan } from "../../checks/index.js";
import {
  startAlertServer,
  startPlaintextServer,
  startResetAfterHelloServer,
  startSilentServer,
  type ScriptedServer,
} from "../harness/tls-servers.js";

/** A server that answers every hello with `reply(i)` then closes. */
async function scripted(reply: (i: number) => Uint8Array): Promise<ScriptedServer> {
  const sockets = new Set<Socket>();
  let i = 0;
  const server = createServer((s) => {
    sockets.add(s);
    s.on("error", () => undefined);
    s.once("data", () => s.end(reply(i++)));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  return {
    host: "127.0.0.1",
    port: addr && typeof addr === "object" ? addr.port : 0,
    connections: () => i,
    stop: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe("scan against hostile servers", () => {
  const servers: ScriptedServer[] = [];
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });
  async function run(s: ScriptedServer): Promise<ScanResult> {
    servers.push(s);
    return scan(parseTarget(`127.0.0.1:${s.port}`), { timeoutMs: 1000, reviveWaitMs: 500 });
  }
  const noKill = (r: ScanResult): void => {
    assert.equal(r.killed, undefined);
    assert.ok(!diagnoseScan(r).some((f) => f.id === "SERVER_KILLED_BY_HELLO"));
  };

  it("silence: unreachable after the deadline, nothing else tried", async () => {
    const r = await run(await startSilentServer());
    assert.equal(r.reachable, false);
    assert.match(r.baseline, /no answer before the deadline/);
    assert.deepEqual(r.protocols, []);
    assert.ok(r.connections <= 2);
    noKill(r);
  });

  it("a plaintext greeting: not TLS, said so", async () => {
    const r = await run(await startPlaintextServer("220 mail.example ESMTP\r\n"));
    assert.equal(r.reachable, false);
    assert.match(r.baseline, /^not TLS: /);
    noKill(r);
  });

  it("reset after every hello: unreachable, not killed", async () => {
    const r = await run(await startResetAfterHelloServer());
    assert.equal(r.reachable, false);
    assert.equal(r.baseline, "connection reset");
    noKill(r);
  });

  it("handshake_failure to everything: reachable, every protocol refused", async () => {
    const r = await run(await startAlertServer(40));
    assert.equal(r.reachable, true);
    assert.ok(
      r.protocols.every((p) => p.supported === false),
      JSON.stringify(r.protocols),
    );
    noKill(r);
  });

  it("lying lengths, 2^24 handshake lengths and zero-length records are 'not TLS', not crashes", async () => {
    const replies = [
      Uint8Array.of(22, 3, 3, 0x40, 0x00, 2), // record length 16384, one byte sent
      Uint8Array.of(22, 3, 3, 0, 4, 2, 0xff, 0xff, 0xff), // ServerHello of 2^24-1 bytes
      Uint8Array.of(22, 3, 3, 0, 0, 21, 3, 3, 0, 0), // zero-length handshake, zero-length alert
      Uint8Array.of(22, 3, 3, 0, 6, 2, 0, 0, 2, 3, 3), // a ServerHello cut short inside its record
      Uint8Array.of(0x17, 3, 3, 0, 1, 0), // application data before any hello
    ];
    for (const bytes of replies) {
      const r = await run(await scripted(() => bytes));
      assert.equal(r.reachable, false, `${Buffer.from(bytes).toString("hex")}: ${r.baseline}`);
      assert.match(r.baseline, /not TLS|closed|no answer/, r.baseline);
      noKill(r);
    }
  });

  it("a 4 MiB flood of handshake records is cut off at the flight limit", async () => {
    const flood = new Uint8Array(4 * 1024 * 1024);
    for (let i = 0; i + 5 <= flood.length; i += 16389) flood.set([22, 3, 3, 0x40, 0x00], i);
    const r = await run(await scripted(() => flood));
    assert.equal(r.reachable, false);
    assert.match(r.baseline, /not TLS|closed/);
    noKill(r);
  });
});
