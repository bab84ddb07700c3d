// STARTTLS against real mail servers from Debian: Exim (SMTP) and Dovecot
// (IMAP, POP3, ManageSieve, LMTP), with differential checks against swaks
// and openssl s_client on the same Exim.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { probe, parseTarget, type ProbeResult } from "../../wire/index.js";
import { diagnoseProbe, loadStores, type Stores } from "../../checks/index.js";
import { makeTestPki, type TestPki } from "../harness/test-pki.js";
import { startExim } from "../harness/real/exim.js";
import { startDovecot, type DovecotServer } from "../harness/real/dovecot.js";
import type { RunningServer } from "../harness/process.js";
import { runTool } from "../harness/tools.js";

const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

/** The transcript as "dir tls text" lines, for order checks. */
function lines(r: ProbeResult): string[] {
  return r.transcript.map((l) => `${l.dir}${l.tls ? "~" : ""} ${l.text}`);
}

/** Asserts `expected` patterns appear in this order among the lines. */
function inOrder(actual: readonly string[], expected: readonly RegExp[]): void {
  let i = 0;
  for (const re of expected) {
    while (i < actual.length && !re.test(actual[i]!)) i++;
    assert.ok(i < actual.length, `${String(re)} not found in order in:\n${actual.join("\n")}`);
    i++;
  }
}

describe("STARTTLS against Exim and Dovecot", () => {
  let dir: string;
  let pki: TestPki;
  let stores: Stores;
  let exim: RunningServer;
  let eximPlain: RunningServer;
  let eximBroken: Awaited<ReturnType<typeof startExim>>;
  let dovecot: DovecotServer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "tlsd-mail-"));
    chmodSync(dir, 0o755);
    pki = await makeTestPki(dir);
    chmodSync(pki.leaf.key, 0o644);
    stores = loadStores({ ca: pki.root.cert, reference: pki.fullStore });
    [exim, eximPlain, eximBroken, dovecot] = await Promise.all([
      startExim({ cert: pki.fullchain, key: pki.leaf.key }),
      startExim({ cert: pki.fullchain, key: pki.leaf.key, tls: false }),
      // STARTTLS advertised, but the certificate cannot be read: Exim loads it
      // at STARTTLS time, fails, and answers 454 (the classic broken-permissions case).
      startExim({ cert: join(dir, "missing", "cert.pem"), key: join(dir, "missing", "key.pem") }),
      startDovecot({ cert: pki.fullchain, key: pki.leaf.key }),
    ]);
  });
  after(async () => {
    await Promise.all([exim?.stop(), eximPlain?.stop(), eximBroken?.stop(), dovecot?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (url: string): Promise<ProbeResult> =>
    probe(parseTarget(url), { connectTo: "127.0.0.1", timeoutMs: 8000 });

  it("SMTP: EHLO, STARTTLS, 220, TLS, EHLO again, QUIT — like swaks shows it", async () => {
    const r = await run(`smtp://localhost:${exim.port}`);
    assert.equal(r.ok, true, r.failure?.message);
    inOrder(lines(r), [
      /^recv 220 mx\.test\.invalid ESMTP Exim/,
      /^send EHLO /,
      /^recv 250[- ]STARTTLS/,
      /^send STARTTLS$/,
      /^recv 220 /,
      /^info TLS started/,
      /^send~ EHLO /,
      /^recv~ 250/,
      /^send~ QUIT$/,
      /^recv~ 221 /,
    ]);
    assert.ok(r.starttls?.capabilities.includes("STARTTLS"));
    assert.match(r.starttls?.banner ?? "", /Exim 4\.\d+/);
    assert.deepEqual(r.certificates.map(sha256), [sha256(pki.leaf.der), sha256(pki.int.der)]);
    assert.deepEqual(
      diagnoseProbe(r, stores).findings.map((f) => f.id),
      [],
    );
    const sub = await run(`submission://localhost:${exim.port}`);
    assert.equal(sub.ok, true, sub.failure?.message);
  });

  it("Exim's ALPN check (seeds/000's code path): smtp is agreed, h2 is alert 120", async () => {
    const ok = await probe(parseTarget(`smtp://localhost:${exim.port}`), {
      connectTo: "127.0.0.1",
      alpn: ["smtp"],
      timeoutMs: 8000,
    });
    assert.equal(ok.tls?.alpn, "smtp", ok.failure?.message);
    const bad = await probe(parseTarget(`smtp://localhost:${exim.port}`), {
      connectTo: "127.0.0.1",
      alpn: ["h2"],
      timeoutMs: 8000,
    });
    assert.equal(bad.failure?.alert?.code, 120);
    assert.equal(diagnoseProbe(bad, stores).findings[0]?.side, "client");
  });

  it("SMTP without STARTTLS: STARTTLS_NOT_OFFERED with the server's EHLO reply", async () => {
    const r = await run(`smtp://localhost:${eximPlain.port}`);
    assert.equal(r.failure?.class, "starttls-not-offered");
    const f = diagnoseProbe(r, stores).findings;
    assert.deepEqual(
      f.map((x) => x.id),
      ["STARTTLS_NOT_OFFERED"],
    );
    assert.match(JSON.stringify(f[0]?.evidence), /PIPELINING/);
  });

  it("Exim's connection limit: a --repeat burst past smtp_accept_max is SESSION_REFUSED (421), intermittently", async () => {
    const { repeatProbe } = await import("../../wire/index.js");
    const { diagnoseRepeat } = await import("../../checks/index.js");
    const small = await startExim({ cert: pki.fullchain, key: pki.leaf.key, maxConnections: 2 });
    try {
      const r = await repeatProbe(parseTarget(`smtp://localhost:${small.port}`), {
        connectTo: "127.0.0.1",
        count: 24,
        concurrency: 8,
        timeoutMs: 8000,
      });
      assert.ok(r.failures > 0 && r.failures < r.attempts, `failures ${r.failures}/${r.attempts}`);
      assert.ok(r.outcomes.some((o) => o.outcome === "session-refused"));
      const ids = diagnoseRepeat(r, stores).findings.map((f) => f.id);
      assert.ok(ids.includes("TLS_INTERMITTENT") && ids.includes("SESSION_REFUSED"), ids.join(","));
    } finally {
      await small.stop();
    }
  });

  it("differential: swaks -tls and openssl s_client -starttls smtp see the same protocol and cipher", async () => {
    const r = await run(`smtp://localhost:${exim.port}`);
    const sw = await runTool("swaks", [
      "-s",
      "127.0.0.1",
      "-p",
      String(exim.port),
      "-tls",
      "--quit-after",
      "EHLO",
    ]);
    const m = /TLS started with cipher (TLSv[\d.]+):([A-Z0-9_-]+):/.exec(sw);
    assert.ok(m, sw);
    assert.deepEqual([r.tls?.protocol, r.tls?.cipher.iana], [m[1], m[2]]);
    const sc = await runTool(
      "openssl",
      [
        "s_client",
        "-starttls",
        "smtp",
        "-connect",
        `127.0.0.1:${exim.port}`,
        "-servername",
        "localhost",
      ],
      "QUIT\r\n",
    );
    const n = /New, (TLSv[\d.]+), Cipher is (\S+)/.exec(sc);
    assert.ok(n, sc);
    assert.deepEqual([r.tls?.protocol, r.tls?.cipher.openssl], [n[1], n[2]]);
    // Without STARTTLS all three fail.
    const plain = await runTool("swaks", [
      "-s",
      "127.0.0.1",
      "-p",
      String(eximPlain.port),
      "-tls",
      "--quit-after",
      "EHLO",
    ]);
    assert.match(plain, /STARTTLS not supported|Host did not advertise STARTTLS/i);
    // s_client fails too, but differently: it sends STARTTLS anyway ("Didn't
    // find STARTTLS … trying anyway"), Exim answers with a 5xx line, and
    // s_client reads that text as a TLS record: "wrong version number". We
    // stop at the EHLO reply and say STARTTLS is not offered instead.
    const plainSc = await runTool(
      "openssl",
      [
        "s_client",
        "-starttls",
        "smtp",
        "-connect",
        `127.0.0.1:${eximPlain.port}`,
        "-servername",
        "localhost",
      ],
      "QUIT\r\n",
    );
    assert.match(plainSc, /Didn't find STARTTLS/);
    assert.match(plainSc, /New, \(NONE\), Cipher is \(NONE\)/);
    assert.doesNotMatch(plainSc, /New, TLSv/);
  });

  it("SMTP STARTTLS answered 454 (Exim cannot read its certificate): STARTTLS_REFUSED; swaks agrees, s_client misreads it", async () => {
    const r = await run(`smtp://localhost:${eximBroken.port}`);
    assert.equal(r.ok, false);
    assert.equal(r.failure?.class, "starttls-refused", r.failure?.message);
    assert.match(r.failure?.reply ?? "", /^454 /);
    inOrder(lines(r), [/^recv 250[- ]STARTTLS/, /^send STARTTLS$/, /^recv 454 /]);
    assert.ok(!r.transcript.some((l) => l.tls), "no TLS line after a refusal");
    const f = diagnoseProbe(r, stores).findings;
    assert.deepEqual(
      f.map((x) => x.id),
      ["STARTTLS_REFUSED"],
    );
    assert.equal(f[0]?.side, "server");
    assert.match(JSON.stringify(f[0]?.evidence), /454 TLS currently unavailable/);
    // The finding's fix says to read the server's log: Exim's names the file.
    const log = readFileSync(join(eximBroken.dir, "log", "mainlog"), "utf8");
    assert.match(log, /TLS error .*cert=\S*missing\/cert\.pem/);
    // swaks sees the same 454.
    const sw = await runTool("swaks", [
      "-s",
      "127.0.0.1",
      "-p",
      String(eximBroken.port),
      "-tls",
      "--quit-after",
      "EHLO",
    ]);
    assert.match(sw, /<\*\* 454 TLS currently unavailable/);
    assert.match(sw, /STARTTLS attempted but failed/);
    // OpenSSL 3.0's s_client does not check the reply code of STARTTLS: it
    // sends its ClientHello after the 454 and fails with "wrong version
    // number" — the same symptom as when STARTTLS is not offered at all.
    const sc = await runTool(
      "openssl",
      [
        "s_client",
        "-starttls",
        "smtp",
        "-connect",
        `127.0.0.1:${eximBroken.port}`,
        "-servername",
        "localhost",
      ],
      "QUIT\r\n",
    );
    assert.match(sc, /New, \(NONE\), Cipher is \(NONE\)/);
    assert.doesNotMatch(sc, /New, TLSv/);
  });

  for (const [proto, cmds] of [
    [
      "imap",
      [
        /^send a001 CAPABILITY|^recv \* OK \[CAPABILITY/,
        /^send a002 STARTTLS$/,
        /^recv a002 OK/,
        /^send~ a003 CAPABILITY$/,
        /^send~ a004 LOGOUT$/,
      ],
    ],
    [
      "pop3",
      [
        /^recv \+OK/,
        /^send CAPA$/,
        /^recv STLS$/,
        /^send STLS$/,
        /^recv \+OK/,
        /^send~ CAPA$/,
        /^send~ QUIT$/,
      ],
    ],
    [
      "sieve",
      [
        /^recv "STARTTLS"$/,
        /^recv OK/,
        /^send STARTTLS$/,
        /^recv OK/,
        /^recv~ "IMPLEMENTATION"/,
        /^send~ LOGOUT$/,
      ],
    ],
    [
      "lmtp",
      [
        /^recv 220 /,
        /^send LHLO /,
        /^recv 250[- ]STARTTLS/,
        /^send STARTTLS$/,
        /^send~ LHLO /,
        /^send~ QUIT$/,
      ],
    ],
  ] as const) {
    it(`${proto} against Dovecot: STARTTLS, chain as sent, the protocol's exchange over TLS`, async () => {
      const r = await run(`${proto}://localhost:${dovecot.ports[proto]}`);
      assert.equal(r.ok, true, `${r.failure?.message}\n${lines(r).join("\n")}`);
      inOrder(lines(r), cmds);
      // What the server offered in clear is recorded; over TLS it must no
      // longer offer STARTTLS (RFC 2595 §3.1, RFC 3207 §4.2, RFC 5804 §2.2).
      assert.match(r.starttls?.banner ?? "", /Dovecot/);
      assert.ok(
        r.starttls?.capabilities.includes(proto === "pop3" ? "STLS" : "STARTTLS"),
        JSON.stringify(r.starttls?.capabilities),
      );
      const overTls = r.transcript.filter((l) => l.tls && l.dir === "recv").map((l) => l.text);
      assert.ok(overTls.length > 0);
      assert.ok(!overTls.some((t) => /\b(STARTTLS|STLS)\b/.test(t)), overTls.join("\n"));
      assert.deepEqual(r.certificates.map(sha256), [sha256(pki.leaf.der), sha256(pki.int.der)]);
      assert.deepEqual(
        diagnoseProbe(r, stores).findings.map((f) => f.id),
        [],
      );
    });
  }
});
