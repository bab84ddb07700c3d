// PostgreSQL's SSLRequest (protocol 3, "SSL Session Encryption"): the 8 bytes,
// and the server's one-byte answer — S, N, an ErrorResponse, anything else,
// nothing at all — each ending in a result or a typed error.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Duplex } from "node:stream";
import fc from "fast-check";
import { TlsDoctorError } from "../../core/index.js";
import { Conn } from "../conn.js";
import { Transcript } from "../transcript.js";
import { PG_SSL_REQUEST_CODE, postgres, sslRequest } from "./postgres.js";

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ""), "hex"));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

function isCode(code: string): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof TlsDoctorError, `not a TlsDoctorError: ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return true;
  };
}

/** Runs the dialect against a peer that sends `chunks` one per tick, then closes. */
async function negotiate(
  ...chunks: Uint8Array[]
): Promise<{ written: Buffer[]; transcript: string[]; conn: Conn }> {
  const written: Buffer[] = [];
  let i = 0;
  const stream = new Duplex({
    read() {
      setImmediate(() => this.push(i < chunks.length ? chunks[i++] : null));
    },
    write(chunk: Buffer, _enc, cb) {
      written.push(chunk);
      cb();
    },
  });
  const transcript = new Transcript();
  const conn = new Conn(stream, transcript, { tls: false });
  try {
    await postgres.negotiate(conn, {
      serverName: "localhost",
      clientName: "client.test.invalid",
      signal: AbortSignal.timeout(2000),
    });
    return { written, transcript: transcript.lines.map((l) => `${l.dir} ${l.text}`), conn };
  } finally {
    stream.destroy();
  }
}

describe("PostgreSQL SSLRequest", () => {
  it("is Int32 8, Int32 80877103 (1234 << 16 | 5679), big-endian", () => {
    assert.equal(PG_SSL_REQUEST_CODE, (1234 << 16) | 5679);
    assert.equal(toHex(sslRequest()), "00000008" + "04d2162f");
  });

  it("S: the dialect returns right after one byte, leaving the rest for TLS", async () => {
    // Bytes after 'S' are the server pipelining into TLS (CVE-2021-23222's
    // class); the dialect must not eat them, so probe can report them.
    const r = await negotiate(hex("53 16030100"));
    assert.equal(toHex(Buffer.concat(r.written)), "0000000804d2162f");
    assert.deepEqual(r.transcript, [
      "send SSLRequest (Int32 8, Int32 80877103)",
      "recv S (server agrees to SSL)",
    ]);
    assert.equal(toHex(r.conn.detach()), "16030100");
  });

  it("N (ssl = off): TLSD_STARTTLS, not offered", async () => {
    await assert.rejects(negotiate(hex("4e")), (e: unknown) => {
      isCode("TLSD_STARTTLS")(e);
      assert.equal((e as TlsDoctorError).details["offered"], false);
      assert.equal((e as TlsDoctorError).details["reply"], "N");
      assert.match((e as Error).message, /answered N to SSLRequest/);
      return true;
    });
  });

  it("E (an ErrorResponse: pre-7.0 server or a refusal) and junk: TLSD_STARTTLS naming the byte", async () => {
    await assert.rejects(negotiate(hex("45 00000010")), /with E \(ErrorResponse\), not S or N/);
    await assert.rejects(negotiate(hex("16030300")), /with 0x16, not S or N/);
  });

  it("silence then close: TLSD_RESET naming the phase", async () => {
    await assert.rejects(negotiate(), (e: unknown) => {
      isCode("TLSD_RESET")(e);
      assert.match((e as Error).message, /PostgreSQL SSLRequest reply/);
      return true;
    });
  });

  it("random replies: S succeeds, anything else is a TlsDoctorError", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 8 }), { maxLength: 3 }),
        async (chunks) => {
          const first = chunks.find((c) => c.length > 0)?.[0];
          try {
            await negotiate(...chunks);
            assert.equal(first, 0x53);
          } catch (e) {
            assert.ok(e instanceof TlsDoctorError, String(e));
            assert.notEqual(first, 0x53);
            assert.ok(["TLSD_STARTTLS", "TLSD_RESET"].includes(e.code), e.code);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
