// The MySQL/MariaDB STARTTLS codec: the HandshakeV10 parser on a greeting
// captured from Debian's MariaDB 10.11, the SSLRequest packet byte for byte,
// ERR packets, and hostile input (TLSD_PARSE / TLSD_LIMIT, nothing else).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Duplex } from "node:stream";
import fc from "fast-check";
import { TlsDoctorError } from "../../core/index.js";
import { Conn } from "../conn.js";
import { Transcript } from "../transcript.js";
import {
  CLIENT_LONG_PASSWORD,
  CLIENT_PROTOCOL_41,
  CLIENT_SECURE_CONNECTION,
  CLIENT_SSL,
  MAX_MYSQL_PACKET,
  mysql,
  parseMysqlGreeting,
  sslRequestPacket,
} from "./mysql.js";

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ""), "hex"));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const ascii = (s: string): string => toHex(Buffer.from(s, "latin1"));

/** mariadbd 10.11.19 (Debian 12) with --ssl-cert: header (len 100, seq 0) + payload. */
const MARIADB_GREETING = hex(
  "64000000" +
    "0a" +
    ascii("5.5.5-10.11.19-MariaDB-0+deb12u1") +
    "00" +
    "04000000" + // connection id 4
    "6b66404b37725844" + // auth-plugin-data part 1
    "00" + // filler
    "feff" + // capability flags, lower (CLIENT_SSL 0x0800 set)
    "08" + // charset latin1_swedish_ci
    "0200" + // status
    "ff81" + // capability flags, upper
    "15" + // auth-plugin-data length
    "000000000000" + // reserved
    "1d000000" + // MariaDB extended capabilities
    "2b4a6f7477797b7a755a432300" +
    ascii("mysql_native_password") +
    "00",
);
const PAYLOAD = MARIADB_GREETING.subarray(4);
/** The same server with --skip-ssl: CLIENT_SSL (0x0800) cleared. */
const NO_SSL = Uint8Array.from(MARIADB_GREETING);
NO_SSL[4 + 1 + 33 + 4 + 8 + 1 + 1] = 0xf7;

function isCode(code: string): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof TlsDoctorError, `not a TlsDoctorError: ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return true;
  };
}

/** Runs the dialect against a peer that sends `reply`, then closes. */
async function negotiate(
  reply: Uint8Array,
): Promise<{ written: Buffer[]; transcript: string[]; banner: string | undefined }> {
  const written: Buffer[] = [];
  let sent = false;
  const stream = new Duplex({
    read() {
      setImmediate(() => {
        if (!sent) {
          sent = true;
          this.push(reply);
        } else this.push(null);
      });
    },
    write(chunk: Buffer, _enc, cb) {
      written.push(chunk);
      cb();
    },
  });
  const transcript = new Transcript();
  const conn = new Conn(stream, transcript, { tls: false });
  try {
    const out = await mysql.negotiate(conn, {
      serverName: "localhost",
      clientName: "client.test.invalid",
      signal: AbortSignal.timeout(2000),
    });
    return {
      written,
      transcript: transcript.lines.map((l) => `${l.dir} ${l.text}`),
      banner: out.banner,
    };
  } finally {
    stream.destroy();
  }
}

describe("MySQL HandshakeV10 parser", () => {
  it("decodes MariaDB's greeting", () => {
    assert.deepEqual(parseMysqlGreeting(PAYLOAD), {
      protocolVersion: 10,
      serverVersion: "5.5.5-10.11.19-MariaDB-0+deb12u1",
      connectionId: 4,
      capabilities: 0x81fffffe,
      charset: 8,
    });
  });

  it("a pre-4.1 greeting without the upper half: lower flags only, charset 0", () => {
    const short = hex(
      "0a" + ascii("3.23.58") + "00" + "2a000000" + "0102030405060708" + "00" + "2c08",
    );
    assert.deepEqual(parseMysqlGreeting(short), {
      protocolVersion: 10,
      serverVersion: "3.23.58",
      connectionId: 42,
      capabilities: 0x082c,
      charset: 0,
    });
  });

  it("decodes an ERR packet, with and without the SQL state", () => {
    // "Host … is not allowed to connect" (1130), as MariaDB sends it before any handshake.
    assert.deepEqual(parseMysqlGreeting(hex("ff6a04" + ascii("Host '10.0.0.1' is not allowed"))), {
      code: 1130,
      message: "Host '10.0.0.1' is not allowed",
    });
    assert.deepEqual(parseMysqlGreeting(hex("ff1004" + ascii("#08004Too many connections"))), {
      code: 1040,
      message: "Too many connections",
    });
    assert.deepEqual(parseMysqlGreeting(hex("ff1004" + ascii("#08"))), {
      code: 1040,
      message: "",
    });
  });

  it("every truncation of the greeting before the lower capability flags is TLSD_PARSE", () => {
    const needed = 1 + 33 + 4 + 8 + 1 + 2;
    for (let n = 0; n < needed; n++) {
      assert.throws(() => parseMysqlGreeting(PAYLOAD.subarray(0, n)), isCode("TLSD_PARSE"), `${n}`);
    }
    assert.doesNotThrow(() => parseMysqlGreeting(PAYLOAD.subarray(0, needed)));
  });

  it("wrong protocol version, missing NUL, short ERR: TLSD_PARSE naming the offset", () => {
    assert.throws(
      () => parseMysqlGreeting(hex("09" + ascii("4.0") + "00")),
      /protocol version 9 is not 10 at offset 0/,
    );
    assert.throws(
      () => parseMysqlGreeting(hex("0a" + ascii("5.7.0"))),
      /no NUL terminator at offset 1/,
    );
    assert.throws(() => parseMysqlGreeting(hex("ff10")), isCode("TLSD_PARSE"));
    assert.throws(() => parseMysqlGreeting(hex("")), /empty packet/);
  });

  it("random bytes: a result or TLSD_PARSE, never another exception", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (b) => {
        try {
          const g = parseMysqlGreeting(b);
          if ("capabilities" in g) assert.ok(g.capabilities >= 0 && g.capabilities <= 0xffffffff);
        } catch (e) {
          isCode("TLSD_PARSE")(e);
        }
      }),
      { numRuns: 2000 },
    );
    // Mostly-valid greetings with random tails exercise the field offsets.
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (v, tail) => {
        const b = Uint8Array.from([10, ...Buffer.from(v.replace(/\0/g, ""), "latin1"), 0, ...tail]);
        try {
          parseMysqlGreeting(b);
        } catch (e) {
          isCode("TLSD_PARSE")(e);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe("MySQL SSLRequest packet", () => {
  it("is a 32-byte payload, sequence id 1, with CLIENT_SSL and the server's charset", () => {
    assert.equal(
      toHex(sslRequestPacket(8)),
      "20000001" + // length 32, sequence 1
        "018a0000" + // LONG_PASSWORD | PROTOCOL_41 | SSL | SECURE_CONNECTION
        "00000001" + // max packet 16 MiB
        "08" +
        "00".repeat(23),
    );
    assert.equal(
      CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SSL | CLIENT_SECURE_CONNECTION,
      0x8a01,
    );
  });

  it("charset 0 (unknown) becomes utf8_general_ci (33)", () => {
    assert.equal(sslRequestPacket(0)[12], 0x21);
    assert.equal(sslRequestPacket(0).length, 36);
  });
});

describe("MySQL dialect", () => {
  it("reads the greeting, sends SSLRequest and stops there", async () => {
    const r = await negotiate(MARIADB_GREETING);
    assert.equal(r.banner, "5.5.5-10.11.19-MariaDB-0+deb12u1");
    assert.equal(toHex(Buffer.concat(r.written)), toHex(sslRequestPacket(8)));
    assert.deepEqual(r.transcript, [
      "recv HandshakeV10 server 5.5.5-10.11.19-MariaDB-0+deb12u1, connection 4, capabilities 0x81fffffe",
      "send SSLRequest (CLIENT_SSL | CLIENT_PROTOCOL_41)",
    ]);
  });

  it("no CLIENT_SSL (--skip-ssl): TLSD_STARTTLS, not offered, nothing sent", async () => {
    await assert.rejects(negotiate(NO_SSL), (e: unknown) => {
      isCode("TLSD_STARTTLS")(e);
      assert.equal((e as TlsDoctorError).details["offered"], false);
      assert.match((e as Error).message, /CLIENT_SSL is not in its capability flags/);
      return true;
    });
  });

  it("an ERR greeting is TLSD_STARTTLS with the server's code and message", async () => {
    const payload = "ff" + "1004" + ascii("#08004Too many connections");
    const err = hex((payload.length / 2).toString(16).padStart(2, "0") + "000000" + payload);
    await assert.rejects(negotiate(err), (e: unknown) => {
      isCode("TLSD_STARTTLS")(e);
      assert.equal(
        (e as Error).message,
        "Server refused the connection: 1040 Too many connections",
      );
      return true;
    });
  });

  it("a packet announcing more than the limit is TLSD_LIMIT before it arrives", async () => {
    assert.ok(MAX_MYSQL_PACKET < 0xffffff);
    await assert.rejects(negotiate(hex("ffffff00 0a")), isCode("TLSD_LIMIT"));
  });

  it("a zero-length packet is TLSD_PARSE; a cut-off one TLSD_RESET", async () => {
    await assert.rejects(negotiate(hex("00000000")), isCode("TLSD_PARSE"));
    await assert.rejects(negotiate(MARIADB_GREETING.subarray(0, 40)), isCode("TLSD_RESET"));
  });
});
