// Differential: `tlsdoctor scan` against sslscan and testssl.sh (Debian's
// packages) on seven real servers. The accepted (protocol, suite) pairs must
// be the same, for every server: so far there has been no difference to explain.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseTarget, registry, scan } from "../../wire/index.js";
import { makeTestPki, type TestPki } from "../harness/test-pki.js";
import { startGnuTlsServer, startOpenSslServer } from "../harness/tls-servers.js";
import { startNginx } from "../harness/real/nginx.js";
import { startHaproxy } from "../harness/real/haproxy.js";
import { runSslscan, runTestssl, type PeerResult } from "../harness/peers.js";
import type { RunningServer } from "../harness/process.js";

const key = (p: string, code: number): string => `${p} ${registry.suiteLabel(code)}`;

interface Config {
  readonly name: string;
  start(pki: TestPki): Promise<RunningServer>;
}

const CONFIGS: readonly Config[] = [
  {
    name: "openssl s_server defaults",
    start: (p) =>
      startOpenSslServer({
        cert: p.leaf.cert,
        key: p.leaf.key,
        chain: p.intBundle,
        extraArgs: ["-www"],
      }),
  },
  {
    name: "openssl s_server legacy (ALL:@SECLEVEL=0, TLS 1.0–1.3)",
    start: (p) =>
      startOpenSslServer({
        cert: p.leaf.cert,
        key: p.leaf.key,
        extraArgs: ["-www", "-cipher", "ALL:COMPLEMENTOFALL:@SECLEVEL=0", "-min_protocol", "TLSv1"],
      }),
  },
  {
    name: "openssl s_server TLS 1.3 only",
    start: (p) =>
      startOpenSslServer({
        cert: p.leaf.cert,
        key: p.leaf.key,
        tls13Only: true,
        extraArgs: ["-www"],
      }),
  },
  {
    name: "openssl s_server ECDSA",
    start: (p) =>
      startOpenSslServer({ cert: p.leafEc.cert, key: p.leafEc.key, extraArgs: ["-www"] }),
  },
  {
    name: "gnutls-serv",
    start: (p) => startGnuTlsServer({ cert: p.leaf.cert, key: p.leaf.key, http: true }),
  },
  {
    name: "gnutls-serv with CAMELLIA-GCM (no OpenSSL has it) and TLS 1.0",
    start: (p) =>
      startGnuTlsServer({
        cert: p.leaf.cert,
        key: p.leaf.key,
        http: true,
        priority: "NORMAL:+CAMELLIA-128-GCM:+CAMELLIA-256-GCM:+VERS-TLS1.0:+VERS-TLS1.1",
      }),
  },
  {
    name: "nginx",
    start: (p) => startNginx({ cert: p.fullchain, key: p.leaf.key, protocols: "TLSv1.2 TLSv1.3" }),
  },
  {
    name: "haproxy",
    start: (p) => startHaproxy({ cert: p.leaf.cert, key: p.leaf.key, chain: p.intBundle }),
  },
];

describe("scan agrees with sslscan and testssl.sh", { concurrency: 4 }, () => {
  let dir: string;
  let pki: TestPki;
  const servers: RunningServer[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "tlsd-diff-"));
    pki = await makeTestPki(dir);
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  for (const c of CONFIGS) {
    it(c.name, async () => {
      const server = await c.start(pki);
      servers.push(server);
      const [ours, sslscan, testssl] = await Promise.all([
        scan(parseTarget(`localhost:${server.port}`), {
          connectTo: "127.0.0.1",
          only: ["protocols", "suites"],
          timeoutMs: 5000,
          saveDir: dir,
        }),
        runSslscan("127.0.0.1", server.port),
        runTestssl("localhost", server.port),
      ]);
      assert.equal(ours.killed, undefined);
      const mine = new Set(
        ours.protocols.flatMap((p) => p.accepted.map((a) => key(p.protocol, a.code))),
      );
      assert.ok(mine.size > 0, "the scan found suites");
      const theirs = (r: PeerResult): Set<string> =>
        new Set(r.accepted.map((a) => key(a.protocol, a.code)));
      // sslscan 2 crafts raw hellos for the suites OpenSSL lacks (CAMELLIA-GCM …),
      // and testssl.sh uses its own sockets for them: no difference is expected.
      const s = theirs(sslscan);
      const onlyMine = [...mine].filter((k) => !s.has(k));
      const onlySslscan = [...s].filter((k) => !mine.has(k));
      assert.deepEqual(
        { onlyMine, onlySslscan },
        { onlyMine: [], onlySslscan: [] },
        "versus sslscan",
      );
      const t = theirs(testssl);
      const onlyMine2 = [...mine].filter((k) => !t.has(k));
      const onlyTestssl = [...t].filter((k) => !mine.has(k));
      assert.deepEqual(
        { onlyMine: onlyMine2, onlyTestssl },
        { onlyMine: [], onlyTestssl: [] },
        "versus testssl.sh",
      );
      // Protocols: what sslscan says is enabled, we found suites for.
      for (const p of ours.protocols) {
        const theirsOn = sslscan.protocols[p.protocol];
        if (theirsOn !== undefined)
          assert.equal(p.supported === true, theirsOn, `${p.protocol} (sslscan)`);
      }
    });
  }
});
