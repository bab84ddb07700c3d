// The LDAP StartTLS codec: the request's exact bytes, BER headers, the
// ExtendedResponse decoder on fixtures captured from OpenLDAP 2.5 (slapd),
// and hostile input, which must end in TLSD_PARSE / TLSD_LIMIT and nothing else.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Duplex } from "node:stream";
import fc from "fast-check";
import { TlsDoctorError } from "../../core/index.js";
import { Conn } from "../conn.js";
import { Transcript } from "../transcript.js";
import {
  LDAP_STARTTLS_OID,
  MAX_LDAP_MESSAGE,
  berHeader,
  ldap,
  parseExtendedResponse,
  startTlsRequest,
} from "./ldap.js";

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ""), "hex"));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

/** slapd's answer to StartTLS with a certificate configured: success, empty DN and message. */
const SLAPD_SUCCESS = hex("300c 020101 7807 0a0100 0400 0400");
/** slapd's answer with no TLS configured: protocolError "unsupported extended operation". */
const SLAPD_NO_TLS = hex(
  "302a 020101 7825 0a0102 0400 041e" + toHex(Buffer.from("unsupported extended operation")),
);

function isCode(code: string): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof TlsDoctorError, `not a TlsDoctorError: ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return true;
  };
}

/** Runs the dialect against a peer that sends `reply` (in one chunk), then closes. */
async function negotiate(reply: Uint8Array): Promise<{ written: Buffer[]; transcript: string[] }> {
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
    await ldap.negotiate(conn, {
      serverName: "localhost",
      clientName: "client.test.invalid",
      signal: AbortSignal.timeout(2000),
    });
  } finally {
    stream.destroy();
  }
  return { written, transcript: transcript.lines.map((l) => `${l.dir} ${l.text}`) };
}

describe("LDAP StartTLS request (RFC 4511 §4.14.1)", () => {
  it("is the 31 bytes every client sends for messageID 1", () => {
    assert.equal(
      toHex(startTlsRequest()),
      "301d02010177188016" + toHex(Buffer.from(LDAP_STARTTLS_OID, "latin1")),
    );
    assert.equal(startTlsRequest().length, 31);
  });

  it("encodes the messageID as a minimal non-negative INTEGER", () => {
    const idOf = (n: number): string => toHex(startTlsRequest(n)).slice(4, -52);
    assert.equal(idOf(0), "020100");
    assert.equal(idOf(127), "02017f");
    assert.equal(idOf(128), "02020080"); // 0x80 alone would be -128
    assert.equal(idOf(256), "02020100");
    assert.equal(idOf(0x7fffffff), "02047fffffff");
    assert.equal(toHex(startTlsRequest(128)).slice(0, 4), "301e"); // outer length grew by one
    assert.throws(() => startTlsRequest(-1), RangeError);
    assert.throws(() => startTlsRequest(2 ** 31), RangeError);
  });

  it("round-trips through berHeader", () => {
    const r = startTlsRequest(1);
    assert.deepEqual(berHeader(r, 0), { tag: 0x30, length: 29, header: 2 });
    assert.deepEqual(berHeader(r, 5), { tag: 0x77, length: 24, header: 2 });
    assert.deepEqual(berHeader(r, 7), { tag: 0x80, length: 22, header: 2 });
  });
});

describe("BER header", () => {
  it("short and long definite lengths", () => {
    assert.deepEqual(berHeader(hex("3000"), 0), { tag: 0x30, length: 0, header: 2 });
    assert.deepEqual(berHeader(hex("307f"), 0), { tag: 0x30, length: 127, header: 2 });
    assert.deepEqual(berHeader(hex("308180"), 0), { tag: 0x30, length: 128, header: 3 });
    assert.deepEqual(berHeader(hex("30820100"), 0), { tag: 0x30, length: 256, header: 4 });
    assert.deepEqual(berHeader(hex("3084ffffffff"), 0), {
      tag: 0x30,
      length: 0xffffffff,
      header: 6,
    });
    assert.deepEqual(berHeader(hex("aa 0401"), 1), { tag: 0x04, length: 1, header: 2 });
  });

  it("needs more bytes: undefined, not an error", () => {
    assert.equal(berHeader(hex(""), 0), undefined);
    assert.equal(berHeader(hex("30"), 0), undefined);
    assert.equal(berHeader(hex("3082"), 0), undefined);
    assert.equal(berHeader(hex("308201"), 0), undefined);
  });

  it("indefinite and over-long length forms are TLSD_PARSE naming the offset", () => {
    assert.throws(() => berHeader(hex("3080"), 0), isCode("TLSD_PARSE"));
    assert.throws(() => berHeader(hex("308500000000ff"), 0), /offset 1/);
  });
});

describe("LDAP ExtendedResponse decoder", () => {
  it("decodes slapd's success", () => {
    assert.deepEqual(parseExtendedResponse(SLAPD_SUCCESS), {
      messageId: 1,
      resultCode: 0,
      resultName: "success",
      matchedDN: "",
      diagnosticMessage: "",
    });
  });

  it("decodes slapd's refusal without TLS", () => {
    assert.deepEqual(parseExtendedResponse(SLAPD_NO_TLS), {
      messageId: 1,
      resultCode: 2,
      resultName: "protocolError",
      matchedDN: "",
      diagnosticMessage: "unsupported extended operation",
    });
  });

  it("accepts a trailing responseName [10] and multi-byte lengths", () => {
    const oid = toHex(Buffer.from(LDAP_STARTTLS_OID));
    const r = parseExtendedResponse(hex(`3081 24 020101 7881 1f 0a0134 0400 0400 8a16 ${oid}`));
    assert.equal(r.resultCode, 52);
    assert.equal(r.resultName, "unavailable");
    // An unnamed code keeps its number.
    assert.equal(
      parseExtendedResponse(hex("300d 020105 7808 0a020400 0400 0400")).resultName,
      "resultCode 1024",
    );
    assert.equal(parseExtendedResponse(hex("300d 020105 7808 0a020400 0400 0400")).messageId, 5);
  });

  it("every truncation of a valid response is TLSD_PARSE", () => {
    for (let n = 0; n < SLAPD_NO_TLS.length; n++) {
      assert.throws(() => parseExtendedResponse(SLAPD_NO_TLS.subarray(0, n)), isCode("TLSD_PARSE"));
    }
  });

  it("wrong tags, lying lengths and malformed integers are TLSD_PARSE", () => {
    for (const [bad, why] of [
      ["310c 020101 7807 0a0100 0400 0400", /not SEQUENCE/],
      ["300c 020101 7707 0a0100 0400 0400", /not ExtendedResponse/],
      ["300c 040101 7807 0a0100 0400 0400", /messageID has tag 0x4/],
      ["300c 020101 7807 020100 0400 0400", /resultCode has tag 0x2/],
      ["300c 020101 7807 0a0100 0400 0405", /truncated diagnosticMessage/],
      ["3020 020101 7807 0a0100 0400 0400", /length 32 exceeds the 12 bytes present/],
      // An empty resultCode must not read as 0 = success.
      ["300b 020101 7806 0a00 0400 0400", /resultCode of 0 bytes/],
      ["3010 020101 780b 0a050000000000 0400 0400", /resultCode of 5 bytes/],
      ["300c 020101 7807 0a01ff 0400 0400", /resultCode is negative/],
      ["300b 0200 7807 0a0100 0400 0400", /messageID of 0 bytes/],
    ] as const) {
      assert.throws(
        () => parseExtendedResponse(hex(bad)),
        (e: unknown) => isCode("TLSD_PARSE")(e) && why.test((e as Error).message),
        bad,
      );
    }
  });

  it("random bytes: a result or TLSD_PARSE, never another exception", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        try {
          parseExtendedResponse(b);
        } catch (e) {
          isCode("TLSD_PARSE")(e);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("random bytes after a plausible header: a result or TLSD_PARSE", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), (tail) => {
        const b = Uint8Array.from([0x30, tail.length + 3, 0x02, 0x01, 0x01, ...tail]);
        try {
          const r = parseExtendedResponse(b);
          assert.ok(Number.isSafeInteger(r.resultCode) && r.resultCode >= 0);
        } catch (e) {
          isCode("TLSD_PARSE")(e);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe("LDAP dialect", () => {
  it("sends the request, accepts success", async () => {
    const { written, transcript } = await negotiate(SLAPD_SUCCESS);
    assert.equal(toHex(Buffer.concat(written)), toHex(startTlsRequest(1)));
    assert.deepEqual(transcript, [
      `send ExtendedRequest StartTLS (${LDAP_STARTTLS_OID})`,
      "recv ExtendedResponse success",
    ]);
  });

  it("protocolError: TLSD_STARTTLS, not offered, the result code in the message", async () => {
    await assert.rejects(negotiate(SLAPD_NO_TLS), (e: unknown) => {
      isCode("TLSD_STARTTLS")(e);
      const err = e as TlsDoctorError;
      assert.equal(
        err.message,
        "Server refused StartTLS: 2 protocolError: unsupported extended operation",
      );
      assert.equal(err.details?.["offered"], false);
      return true;
    });
  });

  it("unavailable (52): TLSD_STARTTLS, offered but refused", async () => {
    await assert.rejects(negotiate(hex("300c 020101 7807 0a0134 0400 0400")), (e: unknown) => {
      isCode("TLSD_STARTTLS")(e);
      assert.equal((e as TlsDoctorError).details?.["offered"], true);
      assert.match((e as Error).message, /52 unavailable/);
      return true;
    });
  });

  it("a message announcing more than the limit is TLSD_LIMIT before it arrives", async () => {
    assert.ok(MAX_LDAP_MESSAGE < 0x01000000);
    await assert.rejects(negotiate(hex("3083 010001 020101")), isCode("TLSD_LIMIT"));
  });

  it("a reply cut short is TLSD_RESET (the peer closed), not a parse of half a message", async () => {
    await assert.rejects(negotiate(SLAPD_SUCCESS.subarray(0, 9)), isCode("TLSD_RESET"));
  });
});
