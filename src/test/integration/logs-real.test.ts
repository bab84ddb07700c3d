// `tlsdoctor logs` on what real daemons log: Exim (Debian's exim4-daemon-light, the GnuTLS
// build) and Dovecot (OpenSSL) are driven into TLS failures by real clients — one that
// lacks the CA, one offering a refused ALPN protocol, one that speaks only TLS 1.0 — and
// their own log files are fed to scanLogs. Lines from sources that cannot run here
// (kernel, audit, Apache, nginx …) are in explain/log-patterns.test.ts, written from the
// daemons' source and documented formats.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { scanLogs, type LogGroup } from "../../explain/index.js";
import {
  failingClient,
  startLoggingDovecot,
  startLoggingExim,
  waitForLog,
  type LoggingDaemon,
} from "../harness/log-daemons.js";
import { makeTempTestPki, type TestPki } from "../harness/test-pki.js";

const count = (log: string, re: RegExp): number => log.split("\n").filter((l) => re.test(l)).length;
const row = (g: LogGroup): [string, string, string | undefined, string | undefined, number] => [
  g.source,
  g.cause,
  g.role,
  g.peer,
  g.count,
];

describe("tlsdoctor logs on real Exim and Dovecot failures", () => {
  let pki: TestPki;
  let cleanup: () => void;
  let exim: LoggingDaemon;
  let dovecot: LoggingDaemon;
  const started = Date.now();

  before(async () => {
    ({ pki, cleanup } = await makeTempTestPki());
    [exim, dovecot] = await Promise.all([
      startLoggingExim({ cert: pki.fullchain, key: pki.leaf.key }),
      startLoggingDovecot({ cert: pki.fullchain, key: pki.leaf.key }),
    ]);
    for (const [d, starttls] of [
      [exim, "smtp"],
      [dovecot, "imap"],
    ] as const) {
      // one after the other, so each failure is logged on its own
      const port = d.port;
      await failingClient({ port, starttls, caFile: pki.staleStore });
      await failingClient({ port, starttls, caFile: pki.staleStore });
      await failingClient({ port, starttls, caFile: pki.staleStore, tls12: true });
      await failingClient({ port, starttls, caFile: pki.root.cert, alpn: "h2" });
      await failingClient({ port, starttls, caFile: pki.root.cert, tls1: true });
    }
    await waitForLog(exim, (l) => count(l, /TLS error on connection/) >= 5);
    await waitForLog(dovecot, (l) => count(l, /Disconnected/) >= 6);
  });
  after(async () => {
    await Promise.all([exim?.stop(), dovecot?.stop()]);
    cleanup?.();
  });

  it("Exim (GnuTLS): each client fault is one group, read on the server side", async () => {
    const r = await scanLogs([exim.logFile]);
    assert.deepEqual(r.groups.map(row), [
      // TLS 1.3: the client's unknown_ca alert reaches GnuTLS as a record it cannot decrypt
      ["exim", "gnutls:decryption-failed", "server", "127.0.0.1", 2],
      // TLS 1.2: the same alert arrives in the clear; Exim logs its GnuTLS name, "CA is unknown"
      ["exim", "alert:48", "server", "127.0.0.1", 1],
      ["exim", "gnutls:no-application-protocol", "server", "127.0.0.1", 1],
      ["exim", "gnutls:unsupported-version", "server", "127.0.0.1", 1],
    ]);
    assert.equal(r.matched, 5);
    for (const g of r.groups) {
      assert.match(
        g.example.text,
        /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[\d+\] TLS error on connection from \(mail\.example\.com\) \[127\.0\.0\.1\] \(gnutls_handshake\): /,
      );
      assert.ok(
        (g.firstSeen ?? 0) >= Math.floor(started / 1000) * 1000 - 1000,
        "first seen before the test",
      );
      assert.ok((g.lastSeen ?? Infinity) <= Date.now() + 1000, "last seen in the future");
    }
  });

  it("Dovecot (OpenSSL): unknown CA is alert 48 received by the server; TLS 1.0 is refused", async () => {
    const r = await scanLogs([dovecot.logFile]);
    // Dovecot 2.3 does not negotiate ALPN: the h2 client gets in, so no group for it.
    // The TLS 1.0 refusal is logged one of two ways from run to run: OpenSSL's
    // "unsupported protocol" (0A000102), or, when Dovecot's ssl-proxy sees
    // SSL_ERROR_SYSCALL first, "SSL_accept() syscall failed: Invalid argument".
    assert.deepEqual(r.groups.map(row)[0], [
      "dovecot",
      "openssl:0A000418",
      "server",
      "127.0.0.1",
      3,
    ]);
    assert.equal(
      r.groups[0]?.errorText,
      "error:0A000418:SSL routines::tlsv1 alert unknown ca: SSL alert number 48",
    );
    assert.equal(r.groups.length, 2);
    const v = r.groups[1];
    assert.ok(
      v?.cause === "openssl:0A000102" || v?.cause === "openssl:syscall:invalid-argument",
      `TLS 1.0 refusal read as ${v?.cause}`,
    );
    assert.deepEqual([v.source, v.role, v.peer, v.count], ["dovecot", "server", "127.0.0.1", 1]);
  });

  it("both logs at once, with --since after everything: nothing in range", async () => {
    const all = await scanLogs([exim.logFile, dovecot.logFile]);
    assert.equal(all.matched, 9);
    const later = await scanLogs([exim.logFile, dovecot.logFile], { since: Date.now() + 60_000 });
    assert.equal(later.matched, 0);
    assert.equal(later.outOfRange, 9);
    assert.equal(later.groups.length, 0);
  });
});
