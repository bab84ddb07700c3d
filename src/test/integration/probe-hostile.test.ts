// Hostile servers: whatever bytes a server sends back to our ClientHello —
// random junk, a lying record length, a flood, half a record and silence —
// the probe ends within its deadline with a classified failure, never a
// crash, a hang or an unclassified ("internal") error.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server, type Socket } from "node:net";
import fc from "fast-check";
import { probe, parseTarget } from "../../wire/index.js";

async function serveOnce(reply: (s: Socket) => void): Promise<{ port: number; server: Server }> {
  const server = createServer((s) => {
    s.on("error", () => undefined);
    s.once("data", () => reply(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const a = server.address();
  return { port: a && typeof a === "object" ? a.port : 0, server };
}

describe("probe against hostile TLS servers", () => {
  const servers: Server[] = [];
  after(() => {
    for (const s of servers) s.close();
  });

  const check = async (reply: (s: Socket) => void, timeoutMs = 1500): Promise<string> => {
    const { port, server } = await serveOnce(reply);
    servers.push(server);
    const r = await probe(parseTarget(`127.0.0.1:${port}`), { timeoutMs, resumption: false });
    assert.equal(r.ok, false);
    assert.ok(r.failure, "a failure is reported");
    assert.notEqual(r.failure.class, "internal", `unclassified: ${r.failure.message}`);
    assert.ok(r.timings.totalMs < timeoutMs + 1000, `took ${r.timings.totalMs} ms`);
    return r.failure.class;
  };

  it("random bytes in reply to the ClientHello", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 2000 }),
        fc.boolean(),
        async (bytes, close) => {
          await check((s) => (close ? s.end(bytes) : s.write(bytes)));
        },
      ),
      { numRuns: 25 },
    );
  });

  it("a handshake record that announces 16 KiB and sends 10 bytes, then silence: timeout", async () => {
    assert.equal(
      await check((s) => s.write(Uint8Array.of(22, 3, 3, 0x40, 0x00, 2, 0, 0, 70, 3))),
      "timeout",
    );
  });

  it("a record length over 2^14 + 2048: a local TLS error, not a crash", async () => {
    assert.equal(
      await check((s) => s.end(Uint8Array.of(22, 3, 3, 0xff, 0xff, 2, 0, 0, 0))),
      "tls-local",
    );
  });

  it("a flood of 4 MiB of alerts-that-are-not: bounded, classified", async () => {
    const junk = new Uint8Array(4 * 1024 * 1024).fill(0x15);
    await check((s) => s.end(junk), 4000);
  });
});
