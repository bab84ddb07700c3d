// Every dialect against hostile servers: random bytes, split at random
// points, must end in a typed TlsDoctorError (or success) — never another
// exception, never a hang. Also the classic failure transcripts.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Duplex } from "node:stream";
import fc from "fast-check";
import { TlsDoctorError } from "../../core/index.js";
import { Conn } from "../conn.js";
import { Transcript } from "../transcript.js";
import { DIALECTS, type StartTlsProtocol } from "./index.js";

/** A fake server: `chunks` arrive one per tick, then the peer closes; writes are kept. */
function fakeServer(
  chunks: readonly Uint8Array[],
  close = true,
): { stream: Duplex; written: string[] } {
  const written: string[] = [];
  let i = 0;
  const stream = new Duplex({
    read() {
      setImmediate(() => {
        if (i < chunks.length) this.push(chunks[i++]);
        else if (close) this.push(null);
      });
    },
    write(chunk: Buffer, _enc, cb) {
      written.push(chunk.toString("latin1"));
      cb();
    },
  });
  return { stream, written };
}

async function negotiate(
  protocol: StartTlsProtocol,
  chunks: readonly Uint8Array[],
  ms = 2000,
): Promise<unknown> {
  const { stream } = fakeServer(chunks);
  const conn = new Conn(stream, new Transcript(), {
    tls: false,
    maxLine: 4096,
    maxBuffer: 64 * 1024,
  });
  try {
    return await DIALECTS[protocol].negotiate(conn, {
      serverName: "mx.test.invalid",
      clientName: "client.test.invalid",
      signal: AbortSignal.timeout(ms),
    });
  } finally {
    stream.destroy();
  }
}

const text = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "latin1"));

describe("STARTTLS dialects on hostile input", () => {
  for (const protocol of Object.keys(DIALECTS) as StartTlsProtocol[]) {
    it(`${protocol}: random bytes at random splits end in a TlsDoctorError or a result`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }),
          async (chunks) => {
            try {
              await negotiate(protocol, chunks);
            } catch (e) {
              assert.ok(e instanceof TlsDoctorError, `${protocol} threw ${String(e)}`);
            }
          },
        ),
        { numRuns: 60 },
      );
    });
  }

  it("an endless line is TLSD_LIMIT, not unbounded memory", async () => {
    const big = text("220 " + "x".repeat(10_000));
    await assert.rejects(
      negotiate("smtp", [big]),
      (e: unknown) => e instanceof TlsDoctorError && e.code === "TLSD_LIMIT",
    );
  });

  it("a server that closes mid-reply is TLSD_RESET naming the phase", async () => {
    await assert.rejects(
      negotiate("smtp", [text("220-mx ESMTP\r\n")]),
      (e: unknown) =>
        e instanceof TlsDoctorError && e.code === "TLSD_RESET" && /SMTP greeting/.test(e.message),
    );
  });

  it("a 554 banner is a refused session carrying the reply", async () => {
    await assert.rejects(
      negotiate("smtp", [text("554 5.7.1 no service for you\r\n")]),
      (e: unknown) =>
        e instanceof TlsDoctorError &&
        e.code === "TLSD_STARTTLS" &&
        e.details["refused"] === "session" &&
        e.details["reply"] === "554 5.7.1 no service for you",
    );
  });

  it("SMTP: STARTTLS missing from EHLO → offered: false; 454 to STARTTLS → offered: true", async () => {
    const greet = text("220 mx ESMTP\r\n");
    await assert.rejects(
      negotiate("smtp", [greet, text("250-mx\r\n250-SIZE 1000\r\n250 HELP\r\n")]),
      (e: unknown) => e instanceof TlsDoctorError && e.details["offered"] === false,
    );
    await assert.rejects(
      negotiate("smtp", [
        greet,
        text("250-mx\r\n250 STARTTLS\r\n"),
        text("454 4.7.0 TLS not available due to local problem\r\n"),
      ]),
      (e: unknown) =>
        e instanceof TlsDoctorError &&
        e.details["offered"] === true &&
        /454/.test(String(e.details["reply"])),
    );
  });

  it("SMTP over a slow, byte-by-byte server still negotiates", async () => {
    const script =
      "220-mx.test.invalid ESMTP\r\n220 hello\r\n250-mx\r\n250-PIPELINING\r\n250 STARTTLS\r\n220 go ahead\r\n";
    const chunks = [...script].map((c) => text(c));
    const out = (await negotiate("smtp", chunks)) as { capabilities: string[]; banner: string };
    assert.deepEqual(out.capabilities, ["PIPELINING", "STARTTLS"]);
    assert.equal(out.banner, "mx.test.invalid ESMTP");
  });

  it("a silent server is TLSD_TIMEOUT naming the dialect's step", async () => {
    const { stream } = fakeServer([], false);
    const conn = new Conn(stream, new Transcript(), { tls: false });
    // AbortSignal.timeout's timer does not hold the event loop open (a real socket would).
    const keepAlive = setTimeout(() => undefined, 5000);
    await assert.rejects(
      DIALECTS.imap.negotiate(conn, {
        serverName: "x",
        clientName: "y",
        signal: AbortSignal.timeout(100),
      }),
      (e: unknown) =>
        e instanceof TlsDoctorError && e.code === "TLSD_TIMEOUT" && /IMAP greeting/.test(e.message),
    );
    clearTimeout(keepAlive);
    stream.destroy();
  });
});
