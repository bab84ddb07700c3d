// scan over STARTTLS: the probe's dialects bring each connection to the TLS
// start. Exim 4.96 (GnuTLS) answers 421 when too many sessions are open, and
// refuses (alert 120) any ALPN list with a protocol other than smtp in it.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseTarget, scan } from "../../wire/index.js";
import { diagnoseScan } from "../../checks/index.js";
import { makeTempTestPki, type TestPki } from "../harness/test-pki.js";
import { startExim } from "../harness/real/exim.js";
import { runSslscan } from "../harness/peers.js";
import type { RunningServer } from "../harness/process.js";

describe("scan over STARTTLS (Exim)", () => {
  let pki: TestPki;
  let cleanup: () => void;
  let exim: RunningServer;

  before(async () => {
    ({ pki, cleanup } = await makeTempTestPki());
    exim = await startExim({ cert: pki.fullchain, key: pki.leaf.key });
  });
  after(async () => {
    await exim.stop();
    cleanup();
  });

  it("full scan: suites as sslscan --starttls-smtp sees them, ALPN smtp only, nothing killed", async () => {
    // sslscan first, while Exim is idle: sslscan does not retry a 421 (too many sessions).
    const theirs = await runSslscan("127.0.0.1", exim.port, ["--starttls-smtp"]);
    assert.ok(theirs.accepted.length > 0, theirs.raw);
    const target = parseTarget(`smtp://localhost:${exim.port}`);
    const r = await scan(target, { connectTo: "127.0.0.1", timeoutMs: 5000 });
    assert.equal(r.starttls, "smtp");
    assert.equal(r.killed, undefined, JSON.stringify(r.killed));
    assert.equal(r.reachable, true);
    const mine = new Set(
      r.protocols.flatMap((p) => p.accepted.map((a) => `${p.protocol} ${a.code}`)),
    );
    assert.deepEqual(
      [...mine].sort(),
      theirs.accepted.map((a) => `${a.protocol} ${a.code}`).sort(),
      "accepted suites versus sslscan --starttls-smtp",
    );
    assert.deepEqual(r.alpn?.supported, ["smtp"]);
    assert.equal(r.alpn?.refusesUnknown, true);
    assert.equal(r.alpn?.refusesMixedList, true);
    for (const t of r.tolerance) assert.equal(t.tolerant, true, `${t.test}: ${t.outcome}`);
    assert.equal(r.certificates[0]?.chain.length, 2);
    assert.ok(!diagnoseScan(r).some((f) => f.id === "SERVER_KILLED_BY_HELLO"));
  });
});
