// STARTTLS against real database, directory and FTP servers from Debian:
// PostgreSQL (SSLRequest), MariaDB (SSL capability handshake), OpenLDAP
// (StartTLS extended operation), vsftpd (AUTH TLS) — each with TLS and,
// where the server allows it, without; openssl s_client as the oracle.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { probe, parseTarget, type ProbeResult } from "../../wire/index.js";
import { diagnoseProbe, loadStores, type Stores } from "../../checks/index.js";
import { makeTestPki, type TestPki } from "../harness/test-pki.js";
import { startPostgres } from "../harness/real/postgres.js";
import { startMariadb } from "../harness/real/mariadb.js";
import { startSlapd } from "../harness/real/slapd.js";
import { startVsftpd } from "../harness/real/vsftpd.js";
import type { RunningServer } from "../harness/process.js";
import { runTool, sClientSession } from "../harness/tools.js";

const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

async function sClient(
  proto: string,
  port: number,
): Promise<{ protocol?: string; cipher?: string }> {
  const args = [
    "s_client",
    "-starttls",
    proto,
    "-connect",
    `127.0.0.1:${port}`,
    "-servername",
    "localhost",
  ];
  return sClientSession(await runTool("openssl", args));
}

describe("STARTTLS against PostgreSQL, MariaDB, OpenLDAP and vsftpd", () => {
  let dir: string;
  let pki: TestPki;
  let stores: Stores;
  const s: Record<string, RunningServer> = {};

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "tlsd-svc-"));
    chmodSync(dir, 0o755);
    pki = await makeTestPki(dir);
    chmodSync(pki.leaf.key, 0o644);
    stores = loadStores({ ca: pki.root.cert, reference: pki.fullStore });
    const c = { cert: pki.fullchain, key: pki.leaf.key };
    const started = await Promise.all([
      startPostgres({ ...c, ssl: true }),
      startPostgres({ ...c, ssl: false }),
      startMariadb(c),
      startSlapd(c),
      startSlapd({ ...c, tls: false }),
      startVsftpd(c),
    ]);
    [s["pg"], s["pgPlain"], s["mysql"], s["ldap"], s["ldapPlain"], s["ftp"]] = started;
  });
  after(async () => {
    await Promise.all(Object.values(s).map((x) => x.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (url: string): Promise<ProbeResult> =>
    probe(parseTarget(url), { connectTo: "127.0.0.1", timeoutMs: 8000 });
  const texts = (r: ProbeResult): string =>
    r.transcript.map((l) => `${l.dir}${l.tls ? "~" : ""} ${l.text}`).join("\n");

  for (const [name, key, url, sproto, steps] of [
    ["PostgreSQL", "pg", "postgres", "postgres", [/send SSLRequest/, /recv S \(server agrees/]],
    [
      "MariaDB",
      "mysql",
      "mysql",
      "mysql",
      [/recv HandshakeV10 server [\d.]+-\d+\.\d+\.\d+-MariaDB/, /send SSLRequest/],
    ],
    [
      "OpenLDAP",
      "ldap",
      "ldap",
      "ldap",
      [
        /send ExtendedRequest StartTLS \(1\.3\.6\.1\.4\.1\.1466\.20037\)/,
        /recv ExtendedResponse success/,
      ],
    ],
    [
      "vsftpd",
      "ftp",
      "ftp",
      "ftp",
      [
        /recv 220 \(vsFTPd/,
        /send AUTH TLS/,
        /recv 234 /,
        /send~ PBSZ 0/,
        /send~ PROT P/,
        /recv~ 221 /,
      ],
    ],
  ] as const) {
    it(`${name}: STARTTLS, the chain as sent, and the same protocol and cipher as s_client -starttls ${sproto}`, async () => {
      const port = s[key]!.port;
      const r = await run(`${url}://localhost:${port}`);
      assert.equal(r.ok, true, `${r.failure?.message}\n${texts(r)}`);
      for (const re of steps) assert.match(texts(r), re);
      assert.equal(r.chainSource, "wire");
      assert.deepEqual(r.certificates.map(sha256), [sha256(pki.leaf.der), sha256(pki.int.der)]);
      assert.deepEqual(
        diagnoseProbe(r, stores).findings.map((f) => f.id),
        [],
      );
      const b = await sClient(sproto, port);
      assert.deepEqual([r.tls?.protocol, r.tls?.cipher.openssl], [b.protocol, b.cipher]);
    });
  }

  it("PostgreSQL with ssl = off answers N: STARTTLS_NOT_OFFERED", async () => {
    const r = await run(`postgres://localhost:${s["pgPlain"]!.port}`);
    assert.equal(r.failure?.class, "starttls-not-offered");
    assert.deepEqual(
      diagnoseProbe(r, stores).findings.map((f) => f.id),
      ["STARTTLS_NOT_OFFERED"],
    );
  });

  it("OpenLDAP without a certificate refuses StartTLS with an LDAP result code", async () => {
    const r = await run(`ldap://localhost:${s["ldapPlain"]!.port}`);
    assert.match(r.failure?.class ?? "", /^starttls-/);
    assert.match(r.failure?.message ?? "", /StartTLS: \d+ \w+/);
  });
});
