// STARTTLS for XMPP against a real Prosody (client and server streams), and
// for NNTP and IRC against scripted peers that follow RFC 4642 and the IRCv3
// tls extension (inn2 does not install here; starttls-irc.test.ts runs real InspIRCd).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { probe, parseTarget, type ProbeResult } from "../../wire/index.js";
import { diagnoseProbe, loadStores, type Stores } from "../../checks/index.js";
import { makeTestPki, type TestPki } from "../harness/test-pki.js";
import { startProsody } from "../harness/real/prosody.js";
import { startIrcPeer, startNntpPeer, type ScriptedPeer } from "../harness/real/scripted.js";
import type { RunningServer } from "../harness/process.js";
import { runTool, sClientSession } from "../harness/tools.js";

const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

/** `openssl s_client -starttls xmpp|xmpp-server`: its `New, TLSv1.3, Cipher is …` line. */
async function sClient(
  proto: string,
  port: number,
): Promise<{ protocol?: string; cipher?: string }> {
  const args = [
    "s_client",
    "-starttls",
    proto,
    "-xmpphost",
    "localhost",
    "-connect",
    `127.0.0.1:${port}`,
    "-servername",
    "localhost",
  ];
  return sClientSession(await runTool("openssl", args));
}

describe("STARTTLS for XMPP (Prosody), NNTP and IRC", () => {
  let dir: string;
  let pki: TestPki;
  let stores: Stores;
  let prosody: RunningServer & { s2sPort: number };
  let nntp: ScriptedPeer;
  let irc: ScriptedPeer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "tlsd-chat-"));
    chmodSync(dir, 0o755);
    pki = await makeTestPki(dir);
    stores = loadStores({ ca: pki.root.cert, reference: pki.fullStore });
    const tls = {
      cert: readFileSync(pki.fullchain, "utf8"),
      key: readFileSync(pki.leaf.key, "utf8"),
    };
    [prosody, nntp, irc] = await Promise.all([
      startProsody({ cert: pki.fullchain, key: pki.leaf.key }),
      startNntpPeer(tls),
      startIrcPeer(tls),
    ]);
  });
  after(async () => {
    await Promise.all([prosody?.stop(), nntp?.stop(), irc?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (url: string): Promise<ProbeResult> =>
    probe(parseTarget(url), { connectTo: "127.0.0.1", timeoutMs: 8000 });
  const texts = (r: ProbeResult): string =>
    r.transcript.map((l) => `${l.dir}${l.tls ? "~" : ""} ${l.text}`).join("\n");
  const clean = (r: ProbeResult): void => {
    assert.equal(r.ok, true, `${r.failure?.message}\n${texts(r)}`);
    assert.deepEqual(r.certificates.map(sha256), [sha256(pki.leaf.der), sha256(pki.int.der)]);
    assert.deepEqual(
      diagnoseProbe(r, stores).findings.map((f) => f.id),
      [],
    );
  };

  it("XMPP client stream: features list starttls (required), proceed, TLS", async () => {
    const r = await run(`xmpp://localhost:${prosody.port}`);
    clean(r);
    assert.match(texts(r), /send .*<stream:stream xmlns='jabber:client'/);
    assert.match(texts(r), /recv .*<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required\/>/);
    assert.match(texts(r), /recv <proceed/);
    assert.equal(r.starttls?.facts["stream from"], "localhost");
    const o = await sClient("xmpp", prosody.port);
    assert.deepEqual([r.tls?.protocol, r.tls?.cipher.openssl], [o.protocol, o.cipher]);
  });

  it("XMPP server stream (jabber:server): starttls, proceed, and s_client agrees", async () => {
    const r = await run(`xmpp-server://localhost:${prosody.s2sPort}`);
    clean(r);
    assert.match(texts(r), /send .*<stream:stream xmlns='jabber:server'/);
    assert.match(texts(r), /recv .*<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/);
    assert.match(texts(r), /recv <proceed/);
    const o = await sClient("xmpp-server", prosody.s2sPort);
    assert.deepEqual([r.tls?.protocol, r.tls?.cipher.openssl], [o.protocol, o.cipher]);
  });

  it("NNTP: CAPABILITIES, STARTTLS → 382, CAPABILITIES again over TLS, QUIT", async () => {
    const r = await run(`nntp://localhost:${nntp.port}`);
    clean(r);
    assert.ok(r.starttls?.capabilities.includes("STARTTLS"));
    // The first connection; a second one follows for the resumption check.
    assert.deepEqual(nntp.received.slice(0, 4), [
      "CAPABILITIES",
      "STARTTLS",
      "CAPABILITIES",
      "QUIT",
    ]);
  });

  it("IRC: CAP LS, STARTTLS → 670, TLS", async () => {
    const r = await run(`irc://localhost:${irc.port}`);
    clean(r);
    assert.ok(r.starttls?.capabilities.includes("tls"));
    assert.deepEqual(irc.received.slice(0, 2), ["CAP LS", "STARTTLS"]);
  });
});
