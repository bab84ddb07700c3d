// IRC STARTTLS against a real server: Debian's InspIRCd 3 with its starttls
// module (the IRCv3 tls extension, numerics 670/691). The scripted peer in
// starttls-chat.test.ts follows the spec's transcript; this one shows that a
// real server, which greets with a NOTICE before anything else, agrees too.
// (openssl s_client -starttls irc gives up at that NOTICE — "Server does not
// support STARTTLS." — so it cannot serve as the oracle here.)
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { probe, parseTarget, type ProbeResult } from "../../wire/index.js";
import { diagnoseProbe, loadStores, type Stores } from "../../checks/index.js";
import { makeTestPki, type TestPki } from "../harness/test-pki.js";
import { startInspircd } from "../harness/real/inspircd.js";
import type { RunningServer } from "../harness/process.js";

const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

describe("STARTTLS for IRC against InspIRCd", () => {
  let dir: string;
  let pki: TestPki;
  let stores: Stores;
  let ircd: RunningServer;
  let ircdPlain: RunningServer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "tlsd-irc-"));
    chmodSync(dir, 0o755);
    pki = await makeTestPki(dir);
    stores = loadStores({ ca: pki.root.cert, reference: pki.fullStore });
    [ircd, ircdPlain] = await Promise.all([
      startInspircd({ cert: pki.fullchain, key: pki.leaf.key }),
      startInspircd({ cert: pki.fullchain, key: pki.leaf.key, starttls: false }),
    ]);
  });
  after(async () => {
    await Promise.all([ircd?.stop(), ircdPlain?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (url: string): Promise<ProbeResult> =>
    probe(parseTarget(url), { connectTo: "127.0.0.1", timeoutMs: 8000 });
  const texts = (r: ProbeResult): string =>
    r.transcript.map((l) => `${l.dir}${l.tls ? "~" : ""} ${l.text}`).join("\n");

  it("CAP LS lists tls, STARTTLS → 670, TLS with the chain as sent", async () => {
    const r = await run(`irc://localhost:${ircd.port}`);
    assert.equal(r.ok, true, `${r.failure?.message}\n${texts(r)}\n${ircd.output()}`);
    assert.deepEqual(r.certificates.map(sha256), [sha256(pki.leaf.der), sha256(pki.int.der)]);
    assert.deepEqual(
      diagnoseProbe(r, stores).findings.map((f) => f.id),
      [],
    );
    assert.equal(r.starttls?.protocol, "irc");
    assert.ok(r.starttls?.capabilities.includes("tls"), texts(r));
    const t = texts(r);
    // InspIRCd speaks first, before it has read anything.
    assert.match(t, /recv :irc\.test\.invalid NOTICE \* :\*\*\* /);
    assert.match(t, /send CAP LS\nsend STARTTLS/);
    assert.match(t, /recv :irc\.test\.invalid CAP \* LS :.*\btls\b/);
    assert.match(t, /recv :irc\.test\.invalid 670 \S+ :STARTTLS successful/);
    assert.ok(r.tls?.protocol.startsWith("TLSv1."), JSON.stringify(r.tls));
  });

  // Regression: InspIRCd drops unknown commands from unregistered clients
  // without a word, so a dialect that waited for the answer to STARTTLS
  // timed out (TLSD_TIMEOUT after the whole deadline) instead of saying
  // "not offered". The CAP LS reply already tells: no `tls`, no STARTTLS.
  it("without the starttls module: CAP LS lists no tls → STARTTLS_NOT_OFFERED, no wait for a reply that never comes", async () => {
    const r = await run(`irc://localhost:${ircdPlain.port}`);
    assert.equal(r.ok, false);
    assert.equal(r.failure?.class, "starttls-not-offered", `${r.failure?.message}\n${texts(r)}`);
    assert.match(r.failure?.message ?? "", /CAP LS lists .*no tls/);
    const t = texts(r);
    assert.match(t, /recv :irc\.test\.invalid CAP \* LS :/);
    assert.doesNotMatch(t, /recv :irc\.test\.invalid CAP \* LS :.*\btls\b/);
    assert.deepEqual(
      diagnoseProbe(r, stores).findings.map((f) => f.id),
      ["STARTTLS_NOT_OFFERED"],
    );
  });
});
