// The scan and replay commands end to end: the built CLI against real
// s_servers; text, JSON (schema-valid), JSON lines for many targets, a target
// that fails among good ones, usage errors.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import { codec } from "../../wire/index.js";
import { makeTestPki, type TestPki } from "../harness/test-pki.js";
import { startOpenSslServer } from "../harness/tls-servers.js";
import { freePort, type RunningServer } from "../harness/process.js";

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

interface ScanJson {
  command: string;
  target: string;
  verdict: { ok: boolean };
  attempts: { status: string }[];
  data: {
    accepted?: { protocol: string; code: string; name: string }[];
    scan?: { reachable: boolean };
  };
}

describe("tlsdoctor scan and replay (CLI)", () => {
  let dir: string;
  let pki: TestPki;
  let modern: RunningServer;
  let legacy: RunningServer;
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(
    JSON.parse(readFileSync(schemaPath, "utf8")) as object,
  );
  const valid = (doc: unknown): void => {
    assert.ok(validate(doc), JSON.stringify(validate.errors, null, 2));
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "tlsd-cli-scan-"));
    pki = await makeTestPki(dir);
    modern = await startOpenSslServer({
      cert: pki.leaf.cert,
      key: pki.leaf.key,
      chain: pki.intBundle,
    });
    legacy = await startOpenSslServer({
      cert: pki.leaf.cert,
      key: pki.leaf.key,
      extraArgs: ["-cipher", "ALL:COMPLEMENTOFALL:@SECLEVEL=0", "-min_protocol", "TLSv1"],
    });
  });
  after(async () => {
    await Promise.all([modern.stop(), legacy.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("text: protocols, accepted suites, features, tolerance; exit 0 with only warnings", async () => {
    const r = await cli(["scan", `127.0.0.1:${modern.port}`]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Protocols\n\s+protocol\s+offered/);
    assert.match(r.stdout, /TLSv1\.3\s+yes\s+3/);
    assert.match(r.stdout, /Accepted cipher suites/);
    assert.match(r.stdout, /TLS_AES_256_GCM_SHA384/);
    assert.match(r.stdout, /Tolerance/);
    assert.match(r.stdout, /✔ \d+ suites over TLSv1\.2, TLSv1\.3/);
  });

  it("--json: schema-valid, every accepted suite with its protocol and IANA name; errors exit 1", async () => {
    const r = await cli([
      "scan",
      `127.0.0.1:${legacy.port}`,
      "--json",
      "--only",
      "protocols,suites",
    ]);
    assert.equal(r.status, 1, r.stderr);
    const doc = JSON.parse(r.stdout) as ScanJson;
    valid(doc);
    assert.equal(doc.command, "scan");
    const accepted = doc.data.accepted ?? [];
    assert.ok(accepted.some((a) => a.protocol === "TLSv1" && a.name === "TLS_RSA_WITH_NULL_SHA"));
    assert.ok(accepted.every((a) => /^0x[0-9A-F]{4}$/.test(a.code) && a.name.length > 0));
  });

  it("many targets with --targets: JSON lines as each finishes; a dead target does not sink the others", async () => {
    const closed = await freePort();
    const list = join(dir, "targets.txt");
    writeFileSync(
      list,
      `# targets\n127.0.0.1:${legacy.port}\n\n127.0.0.1:${closed}   # nothing listens\n`,
    );
    const r = await cli([
      "scan",
      `127.0.0.1:${modern.port}`,
      "--targets",
      list,
      "--json",
      "--only",
      "protocols",
      "--concurrency",
      "2",
    ]);
    const lines = r.stdout.trim().split("\n");
    assert.equal(lines.length, 3, r.stdout);
    const docs = lines.map((l) => JSON.parse(l) as ScanJson);
    for (const d of docs) valid(d);
    const byTarget = new Map(docs.map((d) => [d.target, d]));
    assert.equal(byTarget.get(`127.0.0.1:${closed}`)?.data.scan?.reachable, false);
    assert.equal(byTarget.get(`127.0.0.1:${modern.port}`)?.data.scan?.reachable, true);
    assert.equal(r.status, 1, "the legacy target's findings make the run exit 1");
  });

  it("usage errors exit 2 and say what is wrong", async () => {
    let r = await cli(["scan", "127.0.0.1:1", "--only", "protocols,bogus"]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /Cannot use --only bogus: use protocols, suites/);
    r = await cli(["scan"]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /name a TARGET or give --targets FILE/);
    r = await cli(["scan", "--targets", join(dir, "nope.txt")]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /Cannot read --targets .*nope\.txt: ENOENT/);
    r = await cli(["replay", join(dir, "nope.json"), "127.0.0.1:1", "--json"]);
    assert.equal(r.status, 2);
    assert.equal((JSON.parse(r.stdout) as { error: { code: string } }).error.code, "TLSD_FILE");
  });

  it("replay: a saved hello is sent again, answer and canaries reported, schema-valid", async () => {
    const hello = codec.buildClientHello({
      version: 0x0303,
      suites: [0xc02f],
      extensions: [codec.signatureAlgorithmsExt([0x0804]), codec.supportedGroupsExt([29])],
    });
    const file = join(dir, "hello.hex");
    writeFileSync(file, Buffer.from(codec.frameRecords(hello)).toString("hex"));
    const r = await cli(["replay", file, `127.0.0.1:${modern.port}`, "--json"]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const doc = JSON.parse(r.stdout) as {
      data: { replay: { kind: string; outcome: string; aliveAfter: boolean } };
    };
    valid(doc);
    assert.equal(doc.data.replay.kind, "hello");
    assert.match(doc.data.replay.outcome, /TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256/);
    assert.equal(doc.data.replay.aliveAfter, true);
    const t = await cli(["replay", file, `127.0.0.1:${modern.port}`]);
    assert.match(t.stdout, /survived the hello/);
  });

  it("--help teaches: the robustness canary, replay, JSON lines", async () => {
    const r = await cli(["scan", "--help"]);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /canary/);
    assert.match(r.stdout, /tlsdoctor replay FILE TARGET/);
    assert.match(r.stdout, /JSON lines/);
  });
});
