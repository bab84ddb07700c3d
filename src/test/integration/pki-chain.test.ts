// The chain as a real openssl s_server sends it, through probe, verified by pki
// and diagnosed by checks/chain: full chain, leaf only, stale store.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { chainFindings } from "../../checks/index.js";
import { loadCaStore, verifyAgainstStores } from "../../pki/index.js";
import type { TrustStore } from "../../pki/index.js";
import { parseTarget, probe } from "../../wire/index.js";
import type { RunningServer } from "../harness/process.js";
import { makeTempTestPki } from "../harness/test-pki.js";
import type { TestPki } from "../harness/test-pki.js";
import { startOpenSslServer } from "../harness/tls-servers.js";

describe("pki against openssl s_server", () => {
  let pki: TestPki;
  let cleanup: () => void;
  let system: TrustStore;
  let stale: TrustStore;
  let reference: TrustStore;
  const servers: RunningServer[] = [];
  before(async () => {
    ({ pki, cleanup } = await makeTempTestPki());
    system = { ...loadCaStore(pki.root.cert), name: "system", origin: "system" };
    stale = { ...loadCaStore(pki.staleStore), name: "system", origin: "system" };
    reference = { ...loadCaStore(pki.fullStore), name: "reference", origin: "reference" };
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    cleanup();
  });

  async function sentChain(chain?: string): Promise<readonly Uint8Array[]> {
    const s = await startOpenSslServer({
      cert: pki.leaf.cert,
      key: pki.leaf.key,
      ...(chain ? { chain } : {}),
    });
    servers.push(s);
    const r = await probe(parseTarget(`localhost:${s.port}`), {
      connectTo: "127.0.0.1",
      timeoutMs: 8000,
    });
    return r.certificates;
  }

  it("full chain: the exact DER sent, trusted, no finding", async () => {
    const sent = await sentChain(pki.intBundle);
    assert.deepEqual(sent, [pki.leaf.der, pki.int.der]);
    const v = verifyAgainstStores(sent, { system, reference }, { host: "localhost" });
    assert.deepEqual(v.trustedBy, ["system", "reference"]);
    assert.deepEqual(chainFindings(v), []);
  });

  it("leaf only: CHAIN_INCOMPLETE on the server", async () => {
    const sent = await sentChain();
    assert.equal(sent.length, 1);
    const f = chainFindings(
      verifyAgainstStores(sent, { system, reference }, { host: "localhost" }),
    );
    assert.deepEqual(
      f.map((x) => [x.id, x.side]),
      [["CHAIN_INCOMPLETE", "server"]],
    );
  });

  it("stale system store: TRUST_STORE_STALE on the client", async () => {
    const sent = await sentChain(pki.intBundle);
    const f = chainFindings(
      verifyAgainstStores(sent, { system: stale, reference }, { host: "localhost" }),
    );
    assert.deepEqual(
      f.map((x) => [x.id, x.side]),
      [["TRUST_STORE_STALE", "client"]],
    );
  });
});
