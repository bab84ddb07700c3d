// Database and directory servers that do NOT start TLS: PostgreSQL with
// ssl = off (answers N), MariaDB with --skip-ssl (no CLIENT_SSL in its
// greeting), OpenLDAP with no certificate (StartTLS → protocolError). The
// happy paths against the same daemons are in starttls-services.test.ts.
// Oracle: openssl s_client -starttls, which must see the same refusal and
// exchange exactly as many bytes before it as we do.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { probe, parseTarget, type ProbeResult } from "../../wire/index.js";
import { diagnoseProbe, loadStores, type Stores } from "../../checks/index.js";
import {
  ldapStartTlsRequest as startTlsRequest,
  postgresSslRequest as sslRequest,
} from "../../wire/index.js";
import { makeTestPki, type TestPki } from "../harness/test-pki.js";
import { startPostgres } from "../harness/real/postgres.js";
import { startMariadb } from "../harness/real/mariadb.js";
import { startSlapd } from "../harness/real/slapd.js";
import type { RunningServer } from "../harness/process.js";
import { runTool } from "../harness/tools.js";

interface SClient {
  readonly out: string;
  readonly read?: number;
  readonly written?: number;
  /** `New, TLSv1.3, Cipher is …`: "(NONE)" when no TLS happened. */
  readonly protocol?: string;
}

async function sClient(proto: string, port: number): Promise<SClient> {
  const out = await runTool("openssl", [
    "s_client",
    "-starttls",
    proto,
    "-connect",
    `127.0.0.1:${port}`,
  ]);
  const io = /SSL handshake has read (\d+) bytes and written (\d+) bytes/.exec(out);
  const nw = /New, (\S+), Cipher is/.exec(out);
  return {
    out,
    ...(io ? { read: Number(io[1]), written: Number(io[2]) } : {}),
    ...(nw ? { protocol: nw[1]! } : {}),
  };
}

describe("STARTTLS refused by PostgreSQL, MariaDB and OpenLDAP", () => {
  let dir: string;
  let pki: TestPki;
  let stores: Stores;
  let pg: RunningServer;
  let my: RunningServer;
  let ld: RunningServer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "tlsd-db-"));
    chmodSync(dir, 0o755);
    pki = await makeTestPki(dir);
    chmodSync(pki.leaf.key, 0o644);
    stores = loadStores({ ca: pki.root.cert, reference: pki.fullStore });
    const c = { cert: pki.fullchain, key: pki.leaf.key };
    [pg, my, ld] = await Promise.all([
      startPostgres({ ...c, ssl: false }),
      startMariadb({ ...c, ssl: false }),
      startSlapd({ ...c, tls: false }),
    ]);
  });
  after(async () => {
    await Promise.all([pg?.stop(), my?.stop(), ld?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (url: string): Promise<ProbeResult> =>
    probe(parseTarget(url), { connectTo: "127.0.0.1", timeoutMs: 8000 });
  const texts = (r: ProbeResult): string =>
    r.transcript.map((l) => `${l.dir}${l.tls ? "~" : ""} ${l.text}`).join("\n");
  const notOffered = (r: ProbeResult): void => {
    assert.equal(r.ok, false, texts(r));
    assert.equal(r.failure?.class, "starttls-not-offered", `${r.failure?.message}\n${texts(r)}`);
    assert.equal(r.tls, undefined);
    assert.deepEqual(r.certificates, []);
    assert.deepEqual(
      diagnoseProbe(r, stores).findings.map((f) => f.id),
      ["STARTTLS_NOT_OFFERED"],
    );
  };

  it("PostgreSQL ssl = off: SSLRequest answered N; s_client reads the same 1 byte", async () => {
    const r = await run(`postgres://localhost:${pg.port}`);
    notOffered(r);
    assert.match(texts(r), /send SSLRequest \(Int32 8, Int32 80877103\)\nrecv N /);
    assert.equal(r.failure?.reply, "N");
    const o = await sClient("postgres", pg.port);
    assert.deepEqual([o.protocol, o.read, o.written], ["(NONE)", 1, sslRequest().length], o.out);
  });

  it("MariaDB --skip-ssl: greeting without CLIENT_SSL, nothing sent; s_client agrees", async () => {
    const r = await run(`mysql://localhost:${my.port}`);
    notOffered(r);
    // The greeting's version is mariadbd's own, behind the "5.5.5-" that
    // MariaDB prepends for clients that parse the major version.
    const { stdout } = await promisify(execFile)("mariadbd", ["--version"], { timeout: 10_000 });
    const version = /Ver (\S+)/.exec(stdout)?.[1] ?? "?";
    const greeting =
      /recv HandshakeV10 server (\S+), connection \d+, capabilities 0x([0-9a-f]+)/.exec(texts(r));
    assert.equal(greeting?.[1], `5.5.5-${version}`, texts(r));
    assert.equal(parseInt(greeting?.[2] ?? "800", 16) & 0x800, 0);
    assert.doesNotMatch(texts(r), /send /);
    assert.match(r.failure?.message ?? "", /CLIENT_SSL is not in its capability flags/);
    const o = await sClient("mysql", my.port);
    assert.match(o.out, /MySQL server does not support SSL/);
    assert.deepEqual([o.protocol, o.written], ["(NONE)", 0], o.out);
  });

  it("OpenLDAP without a certificate: ExtendedResponse protocolError (2), as s_client reports", async () => {
    const r = await run(`ldap://localhost:${ld.port}`);
    notOffered(r);
    assert.equal(
      r.failure?.message,
      "Server refused StartTLS: 2 protocolError: unsupported extended operation",
    );
    assert.equal(r.failure?.reply, "2 protocolError unsupported extended operation");
    assert.match(
      texts(r),
      /send ExtendedRequest StartTLS \(1\.3\.6\.1\.4\.1\.1466\.20037\)\nrecv ExtendedResponse protocolError \(unsupported extended operation\)/,
    );
    const o = await sClient("ldap", ld.port);
    assert.match(o.out, /STARTTLS failed, LDAP Result Code: 2\b/);
    // s_client sends the same 31-byte request and reads one 44-byte response:
    // 2 + 0x2a, the message whose diagnosticMessage we quote.
    assert.deepEqual([o.protocol, o.written, o.read], ["(NONE)", startTlsRequest(1).length, 44]);
  });
});
