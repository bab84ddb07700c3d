#!/usr/bin/env node
// Benchmark: tlsdoctor probe against openssl s_client and swaks doing the
// same work, measured in one run on this machine, against the same real
// servers on loopback. Prints a table of medians and ratios (tlsdoctor time
// divided by the peer's time; below 1 means tlsdoctor is faster).
//
//   1. one probe, direct TLS:   tlsdoctor probe  vs  openssl s_client
//   2. one probe, SMTP STARTTLS: tlsdoctor probe smtp://  vs  s_client -starttls smtp  vs  swaks -tls
//   3. 200 attempts, 20 at a time, SMTP STARTTLS: tlsdoctor --repeat 200
//      --concurrency 20 (one process)  vs  200 s_client / swaks processes, 20 in parallel
//
// Usage: npm run bench [-- --runs N]   (needs `npm run build` and the test packages)
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = join(root, "dist/tlsdoctor.mjs");
const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 15;
const REPEAT = 200;
const CONC = 20;

const { makeTestPki } = await import(join(root, "dist/test/harness/test-pki.js"));
const { startOpenSslServer } = await import(join(root, "dist/test/harness/tls-servers.js"));
const { startExim } = await import(join(root, "dist/test/harness/real/exim.js"));

function run(cmd, args, { input = "" } = {}) {
  return new Promise((resolve) => {
    const t = performance.now();
    const p = spawn(cmd, args, {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (out += d));
    p.stdin.end(input);
    p.on("close", (code) => resolve({ ms: performance.now() - t, code, out }));
  });
}

async function pool(n, k, job) {
  let next = 0;
  const results = [];
  await Promise.all(
    Array.from({ length: k }, async () => {
      while (next < n) results[next++] = await job();
    }),
  );
  return results;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(label, fn) {
  const times = [];
  let ok = 0;
  for (let i = 0; i < RUNS; i++) {
    const r = await fn();
    times.push(r.ms);
    if (r.ok) ok++;
  }
  return { label, ms: median(times), ok, runs: RUNS };
}

const dir = mkdtempSync(join(tmpdir(), "tlsd-bench-"));
const pki = await makeTestPki(dir);
const direct = await startOpenSslServer({
  cert: pki.leaf.cert,
  key: pki.leaf.key,
  chain: pki.intBundle,
});
// Exim allows 20 concurrent sessions by default; 20 clients in flight plus
// teardown lag would hit that limit (SESSION_REFUSED), so give it room.
const exim = await startExim({
  cert: pki.fullchain,
  key: pki.leaf.key,
  tls: true,
  maxConnections: 200,
});
const smtpPort = exim.port;
const rows = [];
try {
  // Warm-up: page cache and server start-up costs out of the measurements.
  await run(process.execPath, [
    bin,
    "probe",
    `localhost:${direct.port}`,
    "--connect-to",
    "127.0.0.1",
  ]);
  await run("openssl", ["s_client", "-connect", `127.0.0.1:${direct.port}`], {});

  const td1 = await measure("tlsdoctor probe localhost:PORT", async () => {
    const r = await run(process.execPath, [
      bin,
      "probe",
      `localhost:${direct.port}`,
      "--connect-to",
      "127.0.0.1",
      "--ca",
      pki.root.cert,
      "--no-resume",
    ]);
    return { ms: r.ms, ok: r.code === 0 };
  });
  const sc1 = await measure("openssl s_client -connect", async () => {
    const r = await run("openssl", [
      "s_client",
      "-connect",
      `127.0.0.1:${direct.port}`,
      "-servername",
      "localhost",
      "-CAfile",
      pki.root.cert,
    ]);
    return { ms: r.ms, ok: /Verify return code: 0/.test(r.out) };
  });
  rows.push(["one probe, direct TLS", td1, [sc1]]);

  const td2 = await measure("tlsdoctor probe smtp://", async () => {
    const r = await run(process.execPath, [
      bin,
      "probe",
      `smtp://localhost:${smtpPort}`,
      "--connect-to",
      "127.0.0.1",
      "--ca",
      pki.root.cert,
      "--no-resume",
    ]);
    return { ms: r.ms, ok: r.code === 0 };
  });
  const sc2 = await measure("openssl s_client -starttls smtp", async () => {
    const r = await run(
      "openssl",
      [
        "s_client",
        "-starttls",
        "smtp",
        "-connect",
        `127.0.0.1:${smtpPort}`,
        "-servername",
        "localhost",
        "-CAfile",
        pki.root.cert,
      ],
      { input: "QUIT\r\n" },
    );
    return { ms: r.ms, ok: /Verify return code: 0/.test(r.out) };
  });
  const sw2 = await measure("swaks -tls --quit-after EHLO", async () => {
    const r = await run("swaks", [
      "-s",
      "127.0.0.1",
      "-p",
      String(smtpPort),
      "-tls",
      "--quit-after",
      "EHLO",
      "--tls-verify",
      "--tls-ca-path",
      pki.root.cert,
      "--tls-sni",
      "localhost",
    ]);
    return { ms: r.ms, ok: r.code === 0 };
  });
  rows.push(["one probe, SMTP STARTTLS", td2, [sc2, sw2]]);

  const few = Math.max(3, Math.ceil(RUNS / 5));
  const repeatMeasure = async (label, fn) => {
    const times = [];
    let ok = 0;
    for (let i = 0; i < few; i++) {
      const r = await fn();
      times.push(r.ms);
      ok += r.okCount;
    }
    return { label, ms: median(times), ok, runs: few * REPEAT };
  };
  const td3 = await repeatMeasure(
    `tlsdoctor --repeat ${REPEAT} --concurrency ${CONC}`,
    async () => {
      const r = await run(process.execPath, [
        bin,
        "probe",
        `smtp://localhost:${smtpPort}`,
        "--connect-to",
        "127.0.0.1",
        "--ca",
        pki.root.cert,
        "--repeat",
        String(REPEAT),
        "--concurrency",
        String(CONC),
        "--json",
      ]);
      const failures = JSON.parse(r.out).data.repeat.failures;
      return { ms: r.ms, okCount: REPEAT - failures };
    },
  );
  const sc3 = await repeatMeasure(
    `${REPEAT} × s_client -starttls smtp, ${CONC} parallel`,
    async () => {
      const t = performance.now();
      const rs = await pool(REPEAT, CONC, () =>
        run(
          "openssl",
          [
            "s_client",
            "-starttls",
            "smtp",
            "-connect",
            `127.0.0.1:${smtpPort}`,
            "-servername",
            "localhost",
            "-CAfile",
            pki.root.cert,
          ],
          { input: "QUIT\r\n" },
        ),
      );
      return {
        ms: performance.now() - t,
        okCount: rs.filter((r) => /Verify return code: 0/.test(r.out)).length,
      };
    },
  );
  const sw3 = await repeatMeasure(`${REPEAT} × swaks -tls, ${CONC} parallel`, async () => {
    const t = performance.now();
    const rs = await pool(REPEAT, CONC, () =>
      run("swaks", [
        "-s",
        "127.0.0.1",
        "-p",
        String(smtpPort),
        "-tls",
        "--quit-after",
        "EHLO",
        "--tls-verify",
        "--tls-ca-path",
        pki.root.cert,
        "--tls-sni",
        "localhost",
      ]),
    );
    return { ms: performance.now() - t, okCount: rs.filter((r) => r.code === 0).length };
  });
  rows.push([`${REPEAT} attempts, ${CONC} at a time, SMTP STARTTLS`, td3, [sc3, sw3]]);
} finally {
  await direct.stop();
  await exim.stop();
  rmSync(dir, { recursive: true, force: true });
}

const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
console.log(
  `tlsdoctor benchmark — ${new Date().toISOString()} — node ${process.version}, ${RUNS} runs per single-probe figure (median)\n`,
);
console.log("| work | tool | median | successes | tlsdoctor ÷ tool |");
console.log("|---|---|---|---|---|");
for (const [work, td, peers] of rows) {
  console.log(`| ${work} | ${td.label} | ${fmt(td.ms)} | ${td.ok}/${td.runs} | — |`);
  for (const p of peers)
    console.log(
      `| ${work} | ${p.label} | ${fmt(p.ms)} | ${p.ok}/${p.runs} | ${(td.ms / p.ms).toFixed(2)} |`,
    );
}
