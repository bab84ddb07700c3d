// The probe command end to end: the built CLI against a real s_server, text
// and JSON; the JSON validates against schema/report.v1.json; exit statuses.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import { makeTestPki, type TestPki } from "../harness/test-pki.js";
import { startOpenSslServer } from "../harness/tls-servers.js";
import type { RunningServer } from "../harness/process.js";

const bin = fileURLToPath(new URL("../../cli/main.js", import.meta.url));
const schemaPath = fileURLToPath(new URL("../../../schema/report.v1.json", import.meta.url));

function cli(
  args: readonly string[],
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [bin, ...args], { env: { ...process.env, NO_COLOR: "1" } });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    p.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

describe("tlsdoctor probe (CLI)", () => {
  let dir: string;
  let pki: TestPki;
  let good: RunningServer;
  let noChain: RunningServer;
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(
    JSON.parse(readFileSync(schemaPath, "utf8")) as object,
  );

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "tlsd-cli-"));
    pki = await makeTestPki(dir);
    good = await startOpenSslServer({
      cert: pki.leaf.cert,
      key: pki.leaf.key,
      chain: pki.intBundle,
    });
    noChain = await startOpenSslServer({ cert: pki.leaf.cert, key: pki.leaf.key });
  });
  after(async () => {
    await Promise.all([good.stop(), noChain.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("text output: transcript, TLS facts, chain, verdict; exit 0", async () => {
    const r = await cli([
      "probe",
      `localhost:${good.port}`,
      "--connect-to",
      "127.0.0.1",
      "--ca",
      pki.root.cert,
    ]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /=== Trying 127\.0\.0\.1:\d+/);
    assert.match(r.stdout, /protocol\s+TLSv1\.3/);
    assert.match(r.stdout, /Certificate chain as sent \(2 certificates\)/);
    assert.match(r.stdout, /#0 subject\s+CN=localhost/);
    assert.match(r.stdout, /✔ TLS works/);
    assert.equal(r.stdout.includes("\u001b["), false, "no colour with NO_COLOR");
  });

  it("--json validates against schema/report.v1.json and carries the probe data", async () => {
    const r = await cli([
      "probe",
      `localhost:${good.port}`,
      "--connect-to",
      "127.0.0.1",
      "--ca",
      pki.root.cert,
      "--json",
    ]);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as {
      data: { probe: { tls: { protocol: string }; certificates: string[] } };
    };
    assert.equal(validate(report), true, JSON.stringify(validate.errors));
    assert.equal(report.data.probe.tls.protocol, "TLSv1.3");
    assert.equal(report.data.probe.certificates.length, 2);
    assert.equal(
      Buffer.from(report.data.probe.certificates[0]!, "base64").equals(Buffer.from(pki.leaf.der)),
      true,
    );
  });

  it("a finding at or above --fail-on exits 1; raising --fail-on exits 0", async () => {
    const args = [
      "probe",
      `localhost:${noChain.port}`,
      "--connect-to",
      "127.0.0.1",
      "--ca",
      pki.root.cert,
      "--json",
    ];
    const r = await cli(args);
    assert.equal(r.status, 1);
    const report = JSON.parse(r.stdout) as {
      findings: { id: string }[];
      verdict: { ok: boolean; side?: string };
    };
    assert.equal(validate(report), true, JSON.stringify(validate.errors));
    assert.ok(report.findings.some((f) => f.id === "CHAIN_INCOMPLETE"));
    assert.equal(report.verdict.side, "server");
    const r2 = await cli([...args, "--fail-on", "critical"]);
    assert.equal(r2.status, 0);
  });

  it("a failed probe is a finding in a valid report, exit 1 — not a usage error", async () => {
    const { freePort } = await import("../harness/process.js");
    const port = await freePort();
    const r = await cli(["probe", `127.0.0.1:${port}`, "--json"]);
    assert.equal(r.status, 1, r.stderr);
    const report = JSON.parse(r.stdout) as {
      findings: { id: string }[];
      data: { probe: { failure: { class: string } } };
    };
    assert.equal(validate(report), true, JSON.stringify(validate.errors));
    assert.equal(report.data.probe.failure.class, "refused");
    assert.deepEqual(
      report.findings.map((f) => f.id),
      ["CONNECT_REFUSED"],
    );
  });

  it("--repeat prints the failure rate and validates", async () => {
    const r = await cli([
      "probe",
      `localhost:${good.port}`,
      "--connect-to",
      "127.0.0.1",
      "--ca",
      pki.root.cert,
      "--repeat",
      "12",
      "--concurrency",
      "3",
      "--json",
    ]);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as {
      data: { repeat: { attempts: number; failureRate: number } };
    };
    assert.equal(validate(report), true, JSON.stringify(validate.errors));
    assert.equal(report.data.repeat.attempts, 12);
    assert.equal(report.data.repeat.failureRate, 0);
  });
});
