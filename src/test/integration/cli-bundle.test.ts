// The installed binary is dist/tlsdoctor.mjs, a launcher bundled by
// scripts/bundle.mjs that runs the CLI bundle dist/tlsdoctor.cjs with its V8
// code cache (cli/bundle-loader.test.ts tests the cache): it must run every
// built command as dist/cli/main.js does.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { makeTempTestPki, type TestPki } from "../harness/test-pki.js";
import { startOpenSslServer } from "../harness/tls-servers.js";
import type { RunningServer } from "../harness/process.js";

const bundle = fileURLToPath(new URL("../../tlsdoctor.mjs", import.meta.url));
const pkg = JSON.parse(
  readFileSync(fileURLToPath(new URL("../../../package.json", import.meta.url)), "utf8"),
) as { version: string; bin: Record<string, string> };

const run = (...args: string[]) =>
  spawnSync(process.execPath, [bundle, ...args], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });

describe("the bundled binary (dist/tlsdoctor.mjs)", () => {
  let pki: TestPki;
  let cleanup: () => void;
  let server: RunningServer;
  before(async () => {
    ({ pki, cleanup } = await makeTempTestPki());
    server = await startOpenSslServer({
      cert: pki.leaf.cert,
      key: pki.leaf.key,
      chain: pki.intBundle,
    });
  });
  after(async () => {
    await server.stop();
    cleanup();
  });

  it("is what package.json installs, and knows its version", () => {
    assert.equal(pkg.bin.tlsdoctor, "dist/tlsdoctor.mjs");
    const r = run("--version");
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), pkg.version);
  });

  it("runs probe and scan against a real server", () => {
    const target = `localhost:${server.port}`;
    const p = run("probe", target, "--connect-to", "127.0.0.1", "--ca", pki.root.cert, "--json");
    assert.equal(p.status, 0, p.stderr);
    assert.equal((JSON.parse(p.stdout) as { verdict: { ok: boolean } }).verdict.ok, true);
    const s = run("scan", target, "--connect-to", "127.0.0.1", "--only", "protocols", "--json");
    assert.equal(s.status, 0, s.stderr);
    const doc = JSON.parse(s.stdout) as {
      data: { scan: { protocols: { protocol: string; supported: boolean }[] } };
    };
    assert.ok(doc.data.scan.protocols.some((x) => x.protocol === "TLSv1.3" && x.supported));
  });

  it("gives usage errors as the unbundled CLI does", () => {
    const r = run("scan", "--only", "nope", "127.0.0.1:1");
    assert.equal(r.status, 2);
    assert.match(r.stderr, /Cannot use --only nope/);
  });
});
