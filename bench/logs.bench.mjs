#!/usr/bin/env node
// Benchmark: `tlsdoctor logs` throughput on a 200 MB synthetic mail log against
// `grep -E` with the same cue words (LOG_CUES), one run each, on this machine.
//
//   grep -E -c CUES FILE       GNU grep, C locale (its fastest mode), counting matching lines
//   scanLogs, in-process       the scanner as a library call (cue prefilter + patterns + grouping)
//   scanLogs, node script      the same in a fresh `node` process (start-up and import included)
//
// The log mixes Postfix, Exim and Dovecot lines in their real formats, with about 1%
// TLS failures; a seeded generator makes it the same on every run.
//
// Usage: npm run bench:logs   (needs `npm run build`)
//        TLSD_LOGS_MODULE=path/to/module.js picks another build exporting scanLogs/LOG_CUES.
//        TLSD_LOGS_MB=50 for a smaller file.
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const modPath = process.env.TLSD_LOGS_MODULE ?? join(root, "dist/index.js");
const { scanLogs, LOG_CUES } = await import(modPath);
const targetBytes = Number(process.env.TLSD_LOGS_MB ?? 200) * 1e6;

// --- generator ---------------------------------------------------------------
let seed = 0x2545f491;
function rnd(n) {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % n;
}
const pick = (a) => a[rnd(a.length)];
const hosts = [
  "mail-ed1-f54.google.com",
  "mx.example.org",
  "smtp.mailgun.org",
  "unknown",
  "out.ovh.net",
  "mta7.example.net",
];
// failing peers come from a small pool, as in real logs (the same hosts fail again and again)
const badPeers = Array.from({ length: 300 }, () => `${203}.0.${rnd(256)}.${1 + rnd(254)}`);
const badIp = () => pick(badPeers);
const ip = () => `${pick([192, 198, 203, 185, 209])}.${rnd(256)}.${rnd(256)}.${1 + rnd(254)}`;
const qid = () => rnd(0xffffffff).toString(16).toUpperCase().padStart(10, "0");
const pad = (n) => String(n).padStart(2, "0");
let t = Date.UTC(2026, 10, 1);
const MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
function sys() {
  t += rnd(400);
  const d = new Date(t);
  return `${MON[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, " ")} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} mx1`;
}
function iso() {
  const d = new Date(t);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}
const normal = [
  () => `${sys()} postfix/smtpd[${rnd(30000)}]: connect from ${pick(hosts)}[${ip()}]`,
  () =>
    `${sys()} postfix/smtpd[${rnd(30000)}]: Anonymous TLS connection established from ${pick(hosts)}[${ip()}]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256`,
  () => `${sys()} postfix/smtpd[${rnd(30000)}]: ${qid()}: client=${pick(hosts)}[${ip()}]`,
  () =>
    `${sys()} postfix/cleanup[${rnd(30000)}]: ${qid()}: message-id=<${rnd(1e9)}.${rnd(1e6)}@example.com>`,
  () =>
    `${sys()} postfix/qmgr[${rnd(30000)}]: ${qid()}: from=<alice@example.com>, size=${rnd(90000)}, nrcpt=1 (queue active)`,
  () =>
    `${sys()} postfix/smtp[${rnd(30000)}]: ${qid()}: to=<bob@example.org>, relay=${pick(hosts)}[${ip()}]:25, delay=${rnd(9)}.${rnd(9)}, delays=0.1/0/0.3/0.2, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as ${qid()})`,
  () =>
    `${sys()} postfix/smtpd[${rnd(30000)}]: disconnect from ${pick(hosts)}[${ip()}] ehlo=2 starttls=1 mail=1 rcpt=1 data=1 quit=1 commands=7`,
  () =>
    `${iso()} [${rnd(30000)}] 1k${qid()}-00${rnd(10)} <= alice@example.com H=${pick(hosts)} [${ip()}] P=esmtps X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no S=${rnd(90000)} id=${rnd(1e9)}@example.com`,
  () =>
    `${iso()} [${rnd(30000)}] 1k${qid()}-00${rnd(10)} => bob <bob@example.org> R=local_user T=mail_spool`,
  () => `${iso()} [${rnd(30000)}] 1k${qid()}-00${rnd(10)} Completed`,
  () =>
    `${sys()} dovecot: imap-login: Login: user=<bob>, method=PLAIN, rip=${ip()}, lip=192.0.2.1, mpid=${rnd(30000)}, TLS, session=<${qid()}>`,
  () =>
    `${sys()} dovecot: imap(bob)<${rnd(30000)}><${qid()}>: Disconnected: Logged out in=${rnd(900)} out=${rnd(9000)} deleted=0 expunged=0 trashed=0 hdr_count=0 hdr_bytes=0 body_count=0 body_bytes=0`,
];
const failures = [
  () =>
    `${sys()} postfix/smtpd[${rnd(30000)}]: warning: TLS library problem: error:0A000412:SSL routines::sslv3 alert bad certificate:../ssl/record/rec_layer_s3.c:1584:SSL alert number 42:`,
  () =>
    `${sys()} postfix/smtpd[${rnd(30000)}]: SSL_accept error from ${pick(hosts)}[${badIp()}]: lost connection`,
  () =>
    `${sys()} postfix/smtpd[${rnd(30000)}]: lost connection after STARTTLS from ${pick(hosts)}[${badIp()}]`,
  () =>
    `${iso()} [${rnd(30000)}] TLS error on connection from ${pick(hosts)} [${badIp()}] (gnutls_handshake): A TLS fatal alert has been received.`,
  () =>
    `${sys()} dovecot: imap-login: Disconnected: Connection closed: SSL_accept() failed: error:0A000418:SSL routines::tlsv1 alert unknown ca: SSL alert number 48 (no auth attempts in 0 secs): user=<>, rip=${badIp()}, lip=192.0.2.1, TLS handshaking: SSL_accept() failed: error:0A000418:SSL routines::tlsv1 alert unknown ca: SSL alert number 48, session=<${qid()}>`,
];

const dir = mkdtempSync(join(tmpdir(), "tlsd-bench-logs-"));
const file = join(dir, "mail.log");
{
  const fd = openSync(file, "w");
  let written = 0;
  let batch = [];
  let failuresWritten = 0;
  while (written < targetBytes) {
    const fail = rnd(100) === 0;
    if (fail) failuresWritten++;
    batch.push((fail ? pick(failures) : pick(normal))());
    if (batch.length === 10_000) {
      const s = batch.join("\n") + "\n";
      written += writeSync(fd, s);
      batch = [];
    }
  }
  if (batch.length) writeSync(fd, batch.join("\n") + "\n");
  closeSync(fd);
  console.log(
    `log: ${(statSync(file).size / 1e6).toFixed(1)} MB, ${failuresWritten} TLS failure lines`,
  );
}
const size = statSync(file).size;
// warm the page cache so neither tool pays for the disk
spawnSync("cat", [file], { stdio: ["ignore", "ignore", "ignore"] });

async function time(label, fn) {
  const t0 = performance.now();
  const v = await fn();
  return { label, s: (performance.now() - t0) / 1000, v };
}

const pattern = LOG_CUES.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
const grep = await time("grep -E -c (LC_ALL=C)", () => {
  const r = spawnSync("grep", ["-E", "-c", pattern, file], {
    env: { ...process.env, LC_ALL: "C" },
    encoding: "utf8",
  });
  return Number(r.stdout.trim());
});
const grepUtf8 = await time("grep -E -c (C.UTF-8)", () => {
  const r = spawnSync("grep", ["-E", "-c", pattern, file], {
    env: { ...process.env, LC_ALL: "C.UTF-8" },
    encoding: "utf8",
  });
  return Number(r.stdout.trim());
});
const inproc = await time("scanLogs, in-process", () => scanLogs([file]));
const script = `const { scanLogs } = await import(${JSON.stringify(modPath)}); const r = await scanLogs([${JSON.stringify(file)}]); console.log(r.candidates, r.matched, r.groups.length);`;
const viaNode = await time("scanLogs, node script", () => {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
});
if (process.env.TLSD_LOGS_KEEP) console.log(`kept ${file}`);
else rmSync(dir, { recursive: true, force: true });

const res = inproc.v;
console.log(
  `scanLogs: ${res.lines} lines, ${res.candidates} with a cue (grep counted ${grep.v}), ${res.matched} recognised in ${res.groups.length} groups`,
);
console.log("");
console.log("| tool | seconds | MB/s | speed vs grep (C) |");
console.log("|---|---:|---:|---:|");
for (const r of [grep, grepUtf8, inproc, viaNode]) {
  console.log(
    `| ${r.label} | ${r.s.toFixed(2)} | ${(size / 1e6 / r.s).toFixed(0)} | ${(grep.s / r.s).toFixed(2)} |`,
  );
}
