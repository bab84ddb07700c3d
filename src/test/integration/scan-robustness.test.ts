// The hello that kills a server (seeds/004): a front end that abort()s on
// LOW-cipher hellos, restarted by a supervisor like systemd. The scan must
// notice the death with its canary, save the hello, stop hammering, wait for
// the restart, and narrow the hello down to the suites that kill; replay
// must reproduce it.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { codec, loadHello, parseTarget, replay, scan } from "../../wire/index.js";

const { buildClientHello, frameRecords, signatureAlgorithmsExt } = codec;
import { diagnoseReplay, diagnoseScan } from "../../checks/index.js";
import { makeTestPki, type TestPki } from "../harness/test-pki.js";
import { startOpenSslServer } from "../harness/tls-servers.js";
import { startKillerServer, type KillerServer } from "../harness/killer.js";
import type { RunningServer } from "../harness/process.js";

const DES_CBC_SHA = 0x0009;
const EDH_RSA_DES_CBC_SHA = 0x0015;

describe("scan robustness: SERVER_KILLED_BY_HELLO", () => {
  let dir: string;
  let pki: TestPki;
  let backend: RunningServer;
  const killers: KillerServer[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "tlsd-kill-"));
    pki = await makeTestPki(dir);
    backend = await startOpenSslServer({ cert: pki.leaf.cert, key: pki.leaf.key });
  });
  after(async () => {
    await Promise.all(killers.map((k) => k.stop()));
    await backend.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function killer(
    o: Partial<Parameters<typeof startKillerServer>[0]> = {},
  ): Promise<KillerServer> {
    const k = await startKillerServer({
      backendPort: backend.port,
      killSuites: [DES_CBC_SHA, EDH_RSA_DES_CBC_SHA],
      ...o,
    });
    killers.push(k);
    return k;
  }
  const target = (k: KillerServer) => parseTarget(`localhost:${k.port}`);

  it("names the killing hello, narrows it to exactly the two LOW suites, and replay reproduces it", async () => {
    const k = await killer();
    const saveDir = join(dir, "hellos");
    const r = await scan(target(k), {
      connectTo: "127.0.0.1",
      timeoutMs: 3000,
      reviveWaitMs: 8000,
      saveDir,
    });
    assert.ok(r.killed, "killed reported");
    assert.match(k.output(), /KILLED by suite 0x00(09|15)/);
    const killed = r.killed;
    assert.ok(
      killed.decoded.suites.some((s) => s.code === DES_CBC_SHA || s.code === EDH_RSA_DES_CBC_SHA),
    );
    assert.ok(killed.file && existsSync(killed.file), "the killing hello is saved");
    const saved = JSON.parse(readFileSync(killed.file, "utf8")) as {
      format: string;
      records: string;
    };
    assert.equal(saved.format, "tlsdoctor-hello/1");
    assert.equal(saved.records, killed.helloHex);
    assert.equal(killed.revived, true);
    assert.equal(killed.reproduced, true, "the saved hello killed it again when replayed");
    assert.ok(killed.suspects >= 1);
    const n = killed.narrowed;
    assert.ok(n, "narrowed");
    assert.deepEqual(
      n.suites.map((s) => s.code).sort((a, b) => a - b),
      [DES_CBC_SHA, EDH_RSA_DES_CBC_SHA],
    );
    assert.equal(n.incomplete, undefined);
    assert.ok(n.file && existsSync(n.file));
    const f = diagnoseScan(r).find((x) => x.id === "SERVER_KILLED_BY_HELLO");
    assert.equal(f?.severity, "critical");
    assert.match(f?.detail ?? "", /TLS_RSA_WITH_DES_CBC_SHA|TLS_DHE_RSA_WITH_DES_CBC_SHA/);
    // The scan stopped hammering: far fewer connections than a full scan.
    assert.ok(r.connections < 400, `${r.connections} connections`);

    const deaths = k.deaths();
    const { records } = await loadHello(n.file);
    const rep = await replay(target(k), records, {
      connectTo: "127.0.0.1",
      timeoutMs: 3000,
      reviveWaitMs: 8000,
    });
    assert.equal(rep.aliveBefore, true);
    assert.equal(rep.aliveAfter, false);
    assert.equal(rep.kind, "closed");
    assert.equal(rep.revived, true);
    assert.equal(diagnoseReplay(rep, n.file)[0]?.id, "SERVER_KILLED_BY_HELLO");
    assert.equal(k.deaths(), deaths + 1);
  });

  it("a harmless hello replays as an answer, and the server survives", async () => {
    const k = await killer();
    // A TLS 1.2 hello offering only TLS_RSA_WITH_AES_128_GCM_SHA256, saved as a hex dump.
    const file = join(dir, "harmless.hex");
    const hello = buildClientHello({
      version: 0x0303,
      suites: [0x009c],
      extensions: [signatureAlgorithmsExt([0x0804, 0x0401])],
    });
    writeFileSync(file, `${Buffer.from(frameRecords(hello)).toString("hex")}\n`);
    const { records } = await loadHello(file);
    const rep = await replay(target(k), records, { connectTo: "127.0.0.1", timeoutMs: 3000 });
    assert.equal(rep.kind, "hello", rep.outcome);
    assert.match(rep.outcome, /TLS_RSA_WITH_AES_128_GCM_SHA256/);
    assert.equal(rep.aliveAfter, true);
    assert.equal(k.deaths(), 0);
  });

  it("an extension that kills (heartbeat) is named as the culprit", async () => {
    const k = await killer({ killSuites: [], killExtensions: [15] });
    const r = await scan(target(k), {
      connectTo: "127.0.0.1",
      timeoutMs: 3000,
      reviveWaitMs: 8000,
      saveDir: dir,
    });
    assert.ok(r.killed?.narrowed, JSON.stringify(r.killed));
    assert.deepEqual(
      r.killed.narrowed.extensions.map((e) => e.name),
      ["heartbeat"],
    );
    assert.deepEqual(r.killed.narrowed.suites, []);
  });

  it("a server that stays dead: reported, not narrowed, and the scan still ends", async () => {
    const k = await killer({ restart: false });
    const r = await scan(target(k), {
      connectTo: "127.0.0.1",
      timeoutMs: 2000,
      reviveWaitMs: 1500,
      saveDir: dir,
    });
    assert.ok(r.killed);
    assert.equal(r.killed.revived, false);
    assert.equal(r.killed.narrowed, undefined);
    assert.equal(k.deaths(), 1);
    assert.ok(diagnoseScan(r).some((f) => f.id === "SERVER_KILLED_BY_HELLO"));
  });

  it("bad hello files are typed errors naming the file", async () => {
    const bad = join(dir, "bad.hex");
    writeFileSync(bad, "16 03 01 zz");
    await assert.rejects(
      loadHello(bad),
      /Cannot read hello in .*bad\.hex: not an even number of hex digits/,
    );
    await assert.rejects(
      loadHello(join(dir, "missing.json")),
      /Cannot read hello file .*missing\.json: ENOENT/,
    );
    const json = join(dir, "other.json");
    writeFileSync(json, JSON.stringify({ format: "something-else" }));
    await assert.rejects(loadHello(json), /not a tlsdoctor-hello\/1 file/);
  });
});
