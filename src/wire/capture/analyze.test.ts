// End-to-end: a real Node TLS server and client on loopback, with a tap between
// the client's TLS socket and its TCP socket. analyzeCapture must recover the
// chain exactly as the server sent it, the staple, ALPN, version and alerts.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Duplex } from "node:stream";
import tls from "node:tls";
import { analyzeCapture } from "./analyze.js";
import type { CaptureChunk, HandshakeCapture } from "./types.js";

/** Records every chunk in each direction, forwarding to a TCP socket. */
class Tap extends Duplex {
  readonly chunks: CaptureChunk[] = [];
  readonly #sock: net.Socket;
  readonly #t0 = performance.now();

  constructor(sock: net.Socket) {
    super();
    this.#sock = sock;
    sock.on("data", (d: Buffer) => {
      this.#record("s2c", d);
      if (!this.push(d)) sock.pause();
    });
    sock.on("end", () => this.push(null));
    sock.on("error", (e) => this.destroy(e));
    sock.on("close", () => this.destroy());
  }

  #record(dir: CaptureChunk["dir"], d: Uint8Array): void {
    this.chunks.push({ dir, atMs: performance.now() - this.#t0, bytes: Uint8Array.from(d) });
  }

  override _read(): void {
    this.#sock.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.#record("c2s", chunk);
    this.#sock.write(chunk, cb);
  }

  override _final(cb: (e?: Error | null) => void): void {
    this.#sock.end(cb);
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    this.#sock.destroy();
    cb(err);
  }
}

interface Pki {
  key: string;
  chainPem: string;
  /** DER of leaf, intermediate: what the server must be seen to send. */
  der: Uint8Array[];
}

let dir = "";
let pki: Pki;
const STAPLE = Uint8Array.from([0x30, 0x03, 0x0a, 0x01, 0x00]); // a dummy OCSPResponse

function openssl(...args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), "tlsdoctor-capture-"));
  writeFileSync(
    join(dir, "ca.ext"),
    "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n",
  );
  writeFileSync(
    join(dir, "leaf.ext"),
    "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
  );
  openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "root.key",
    "-out",
    "root.pem",
    "-subj",
    "/CN=tlsdoctor test root",
    "-days",
    "2",
  );
  openssl(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "int.key",
    "-out",
    "int.csr",
    "-subj",
    "/CN=tlsdoctor test intermediate",
  );
  openssl(
    "x509",
    "-req",
    "-in",
    "int.csr",
    "-CA",
    "root.pem",
    "-CAkey",
    "root.key",
    "-set_serial",
    "2",
    "-out",
    "int.pem",
    "-days",
    "2",
    "-extfile",
    "ca.ext",
  );
  openssl(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "leaf.key",
    "-out",
    "leaf.csr",
    "-subj",
    "/CN=localhost",
  );
  openssl(
    "x509",
    "-req",
    "-in",
    "leaf.csr",
    "-CA",
    "int.pem",
    "-CAkey",
    "int.key",
    "-set_serial",
    "3",
    "-out",
    "leaf.pem",
    "-days",
    "2",
    "-extfile",
    "leaf.ext",
  );
  const leaf = readFileSync(join(dir, "leaf.pem"), "utf8");
  const int = readFileSync(join(dir, "int.pem"), "utf8");
  pki = {
    key: readFileSync(join(dir, "leaf.key"), "utf8"),
    chainPem: leaf + int,
    der: [
      new Uint8Array(new X509Certificate(leaf).raw),
      new Uint8Array(new X509Certificate(int).raw),
    ],
  };
});

after(() => {
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
});

interface Run {
  capture: HandshakeCapture;
  chunks: CaptureChunk[];
  keylog: string[];
  clientProtocol: string | null;
  clientError: Error | undefined;
  received: string;
}

/** One connection through the tap; resolves when the client socket has closed. */
async function run(server: tls.TlsOptions, client: tls.ConnectionOptions): Promise<Run> {
  const srv = tls.createServer({
    key: pki.key,
    cert: pki.chainPem,
    ALPNProtocols: ["h2", "http/1.1"],
    ...server,
  });
  srv.on(
    "OCSPRequest",
    (_cert: Buffer, _issuer: Buffer, cb: (err: Error | null, resp: Buffer) => void) => {
      cb(null, Buffer.from(STAPLE));
    },
  );
  const open = new Set<net.Socket>();
  srv.on("connection", (s: net.Socket) => {
    open.add(s);
    s.on("close", () => open.delete(s));
  });
  srv.on("secureConnection", (s) => {
    s.on("error", () => undefined);
    s.end("hello from the server\n");
  });
  srv.on("tlsClientError", () => undefined);
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const { port } = srv.address() as net.AddressInfo;
  try {
    const tap = new Tap(net.connect(port, "127.0.0.1"));
    const keylog: string[] = [];
    let clientProtocol: string | null = null;
    let clientError: Error | undefined;
    let received = "";
    await new Promise<void>((resolve) => {
      // requestOCSP is a TLSSocket option @types/node leaves out of ConnectionOptions.
      const options: tls.ConnectionOptions & { requestOCSP: boolean } = {
        socket: tap,
        servername: "localhost",
        rejectUnauthorized: false,
        requestOCSP: true,
        ALPNProtocols: ["h2"],
        ...client,
      };
      const c = tls.connect(options);
      c.on("keylog", (line: Buffer) => keylog.push(line.toString("latin1")));
      c.on("secureConnect", () => (clientProtocol = c.getProtocol()));
      c.on("data", (d: Buffer) => (received += d.toString()));
      c.on("error", (e: Error) => {
        clientError = e;
      });
      c.on("close", () => resolve());
    });
    tap.destroy();
    const capture = analyzeCapture({ chunks: tap.chunks, keylog });
    return { capture, chunks: tap.chunks, keylog, clientProtocol, clientError, received };
  } finally {
    for (const s of open) s.destroy();
    await new Promise<void>((resolve) => srv.close(() => resolve()));
  }
}

function assertChainAndStaple(cap: HandshakeCapture): void {
  assert.equal(cap.certificates?.length, 2);
  assert.deepEqual(cap.certificates, pki.der);
  assert.deepEqual(cap.ocspResponse, STAPLE);
  assert.equal(cap.alpn, "h2");
  assert.equal(cap.truncated, false, cap.notes.join("\n"));
}

describe("analyzeCapture against a real Node TLS server", () => {
  const suites = [
    ["TLS_AES_128_GCM_SHA256", 0x1301],
    ["TLS_AES_256_GCM_SHA384", 0x1302],
    ["TLS_CHACHA20_POLY1305_SHA256", 0x1303],
    ["TLS_AES_128_CCM_SHA256", 0x1304],
  ] as const;
  for (const [name, code] of suites) {
    test(`TLS 1.3 with ${name}: chain, staple, ALPN and application data from decrypted records`, async () => {
      const r = await run({ ciphers: name, minVersion: "TLSv1.3" }, { ciphers: name });
      const cap = r.capture;
      assert.equal(r.clientError, undefined);
      assert.equal(r.clientProtocol, "TLSv1.3");
      assert.equal(r.received, "hello from the server\n");
      assert.equal(cap.negotiatedVersion, "TLSv1.3");
      assert.equal(cap.cipherSuite, code);
      assert.equal(cap.serverHello?.cipherSuiteName, name);
      assertChainAndStaple(cap);
      assert.deepEqual(cap.decrypted, { c2s: true, s2c: true });
      assert.equal(cap.clientHello?.serverName, "localhost");
      assert.deepEqual(cap.clientHello?.alpn, ["h2"]);
      assert.ok(cap.clientHello?.offeredVersions.includes("TLSv1.3"));
      const s2cNames = cap.messages.filter((m) => m.dir === "s2c").map((m) => m.name);
      assert.deepEqual(s2cNames.slice(0, 5), [
        "ServerHello",
        "EncryptedExtensions",
        "Certificate",
        "CertificateVerify",
        "Finished",
      ]);
      assert.ok(s2cNames.includes("NewSessionTicket"), "tickets come under the application keys");
      assert.ok(cap.messages.some((m) => m.dir === "c2s" && m.name === "Finished" && m.encrypted));
      const appData = cap.records.find((x) => x.dir === "s2c" && x.innerContentType === 23);
      assert.equal(appData?.summary, "ApplicationData: 22 bytes"); // "hello from the server\n"
      assert.equal(appData?.encrypted, true);
      assert.ok(
        cap.records.some((x) => x.summary === "ChangeCipherSpec (middlebox compatibility)"),
      );
      assert.deepEqual(cap.notes, []);
    });
  }

  test("TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256: plaintext chain, CertificateStatus staple, named curve", async () => {
    const r = await run(
      { maxVersion: "TLSv1.2", ciphers: "ECDHE-RSA-AES128-GCM-SHA256" },
      { maxVersion: "TLSv1.2" },
    );
    const cap = r.capture;
    assert.equal(r.clientProtocol, "TLSv1.2");
    assert.equal(cap.negotiatedVersion, "TLSv1.2");
    assert.equal(cap.cipherSuite, 0xc02f);
    assertChainAndStaple(cap);
    assert.equal(cap.serverKeyExchange?.kind, "ecdhe");
    assert.equal(cap.serverKeyExchange?.namedCurve, 29); // x25519, OpenSSL's first choice
    assert.deepEqual(
      cap.messages.filter((m) => m.dir === "s2c" && !m.encrypted).map((m) => m.name),
      [
        "ServerHello",
        "Certificate",
        "CertificateStatus",
        "ServerKeyExchange",
        "ServerHelloDone",
        "NewSessionTicket", // TLS 1.2 sends it in the clear, before ChangeCipherSpec
      ],
    );
    assert.equal(cap.decrypted.s2c, false);
  });

  test("TLS 1.3 client without a certificate: the server's encrypted alert 116 is decrypted and named", async () => {
    const r = await run(
      { requestCert: true, rejectUnauthorized: true, minVersion: "TLSv1.3" },
      { ciphers: "TLS_AES_128_GCM_SHA256" },
    );
    const cap = r.capture;
    assert.ok(r.clientError, "the client saw an error");
    assert.equal(cap.certificateRequested, true);
    assert.deepEqual(cap.clientCertificates, []);
    const alert = cap.alerts.find((a) => a.dir === "s2c");
    assert.ok(alert, `alerts: ${JSON.stringify(cap.alerts)} notes: ${cap.notes.join("; ")}`);
    assert.equal(alert.level, "fatal");
    assert.equal(alert.description, 116);
    assert.equal(alert.name, "certificate_required");
    assert.equal(alert.encrypted, true);
    assert.ok(
      cap.records.some((x) => x.dir === "s2c" && x.summary === "Alert: fatal certificate_required"),
    );
  });

  test("without the key log the TLS 1.3 chain is not visible and a note says why", async () => {
    const r = await run({ minVersion: "TLSv1.3" }, {});
    const blind = analyzeCapture({ chunks: r.chunks, keylog: [] });
    assert.equal(blind.negotiatedVersion, "TLSv1.3");
    assert.equal(blind.certificates, undefined);
    assert.ok(
      blind.notes.some((n) => n.includes("no SERVER_HANDSHAKE_TRAFFIC_SECRET in the key log")),
      blind.notes.join("\n"),
    );
    assert.ok(
      blind.notes.some((n) => n.includes("no CLIENT_HANDSHAKE_TRAFFIC_SECRET in the key log")),
    );
  });
});
