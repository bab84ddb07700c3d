#!/usr/bin/env node
// Benchmark: a full default scan of the same local openssl s_server by
// tlsdoctor scan, sslscan and testssl.sh, one run each, on this machine.
// Every tool connects through a counting TCP relay, so the table shows the
// TCP connections each one used as well as its wall time, and whether each
// peer found the same accepted (protocol, suite) pairs as tlsdoctor.
//
//   modern: s_server defaults (TLS 1.2 + 1.3)
//   legacy: s_server -cipher 'ALL:COMPLEMENTOFALL:@SECLEVEL=0' -min_protocol TLSv1
//
// Usage: npm run bench:scan   (needs `npm run build` and the test packages)
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = join(root, "dist/tlsdoctor.mjs");
const { makeTestPki } = await import(join(root, "dist/test/harness/test-pki.js"));
const { startOpenSslServer } = await import(join(root, "dist/test/harness/tls-servers.js"));
const { parseSslscanXml, parseTestsslJson } = await import(
  join(root, "dist/test/harness/peers.js")
);
const { scan, parseTarget } = await import(join(root, "dist/index.js"));

/** A TCP relay in front of `port` that counts the connections it accepts. */
async function relay(port) {
  let count = 0;
  const sockets = new Set();
  const server = createServer((c) => {
    count++;
    const up = connect({ host: "127.0.0.1", port });
    for (const s of [c, up]) {
      sockets.add(s);
      s.on("error", () => undefined);
      s.on("close", () => sockets.delete(s));
    }
    c.pipe(up).pipe(c);
    c.on("close", () => up.destroy());
    up.on("close", () => c.destroy());
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: server.address().port,
    take() {
      const n = count;
      count = 0;
      return n;
    },
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

function run(cmd, args) {
  return new Promise((resolve) => {
    const t = performance.now();
    const p = spawn(cmd, args, {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (out += d));
    p.on("close", (code) => resolve({ ms: performance.now() - t, code, out }));
  });
}

const pairs = (list) => new Set(list.map((a) => `${a.protocol} ${a.code}`));
const same = (a, b) => a.size === b.size && [...a].every((x) => b.has(x));

const dir = mkdtempSync(join(tmpdir(), "tlsd-bench-scan-"));
const pki = await makeTestPki(dir);
const configs = [
  ["modern (defaults)", []],
  [
    "legacy (ALL:@SECLEVEL=0, TLS 1.0–1.3)",
    ["-cipher", "ALL:COMPLEMENTOFALL:@SECLEVEL=0", "-min_protocol", "TLSv1"],
  ],
];
const rows = [];
try {
  for (const [name, extra] of configs) {
    const server = await startOpenSslServer({
      cert: pki.leaf.cert,
      key: pki.leaf.key,
      chain: pki.intBundle,
      extraArgs: ["-www", ...extra],
    });
    const r = await relay(server.port);
    const target = `127.0.0.1:${r.port}`;
    try {
      const ours = await run(process.execPath, [bin, "scan", target, "--json"]);
      const oursConns = r.take();
      const doc = JSON.parse(ours.out);
      const mine = pairs(
        doc.data.scan.protocols.flatMap((p) =>
          p.accepted.map((a) => ({ protocol: p.protocol, code: a.code })),
        ),
      );
      const ss = await run("sslscan", ["--xml=-", "--no-colour", target]);
      const ssConns = r.take();
      const ssRes = parseSslscanXml(ss.out.slice(ss.out.indexOf("<?xml")));
      const jf = join(dir, `testssl-${rows.length}.json`);
      const ts = await run("testssl", [
        "--quiet",
        "--warnings",
        "off",
        "--color",
        "0",
        "--jsonfile",
        jf,
        "--ip",
        "127.0.0.1",
        target,
      ]);
      const tsConns = r.take();
      const jfe = join(dir, `testssl-E-${rows.length}.json`);
      const tse = await run("testssl", [
        "--quiet",
        "--warnings",
        "off",
        "--color",
        "0",
        "-E",
        "--jsonfile",
        jfe,
        "--ip",
        "127.0.0.1",
        target,
      ]);
      const tseConns = r.take();
      const tseRes = parseTestsslJson(readFileSync(jfe, "utf8"));
      const t0 = performance.now();
      const lib = await scan(parseTarget(target));
      const libMs = performance.now() - t0;
      const libConns = r.take();
      const libPairs = pairs(
        lib.protocols.flatMap((p) =>
          p.accepted.map((a) => ({ protocol: p.protocol, code: a.code })),
        ),
      );
      const cmp = (set) => (same(mine, set) ? "yes" : "NO");
      rows.push({
        name,
        tool: "tlsdoctor scan (CLI)",
        ms: ours.ms,
        conns: oursConns,
        suites: mine.size,
        same: "—",
      });
      rows.push({
        name,
        tool: "tlsdoctor scan() in-process",
        ms: libMs,
        conns: libConns,
        suites: libPairs.size,
        same: cmp(libPairs),
      });
      rows.push({
        name,
        tool: "sslscan",
        ms: ss.ms,
        conns: ssConns,
        suites: pairs(ssRes.accepted).size,
        same: cmp(pairs(ssRes.accepted)),
      });
      rows.push({
        name,
        tool: "testssl.sh (default run)",
        ms: ts.ms,
        conns: tsConns,
        suites: "(not listed)",
        same: "—",
      });
      rows.push({
        name,
        tool: "testssl.sh -E",
        ms: tse.ms,
        conns: tseConns,
        suites: pairs(tseRes.accepted).size,
        same: cmp(pairs(tseRes.accepted)),
      });
    } finally {
      await r.close();
      await server.stop();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const by = (name, tool) => rows.find((x) => x.name === name && x.tool === tool);
console.log(`scan benchmark, one run each, ${new Date().toISOString()}, node ${process.version}`);
console.log(
  "| server | tool | wall time | TCP connections | suites found | same suites as tlsdoctor | tlsdoctor time ÷ this |",
);
console.log("|---|---|---|---|---|---|---|");
for (const x of rows) {
  const ours = by(x.name, "tlsdoctor scan (CLI)");
  const ratio = x.tool.startsWith("tlsdoctor") ? "—" : (ours.ms / x.ms).toFixed(3);
  console.log(
    `| ${x.name} | ${x.tool} | ${(x.ms / 1000).toFixed(2)} s | ${x.conns} | ${x.suites} | ${x.same} | ${ratio} |`,
  );
}
