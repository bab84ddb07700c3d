// analyzeCapture on synthetic streams: exact results, random chunking, truncation,
// mutation and garbage. It must never throw and must stay bounded.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { analyzeCapture } from "./analyze.js";
import { parseKeyLog } from "./keylog.js";
import type { CaptureChunk, HandshakeCapture } from "./types.js";

const h = (s: string): Uint8Array =>
  Uint8Array.from(s.replace(/\s+/g, "").match(/../g) ?? [], (x) => parseInt(x, 16));
const cat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));
const u24 = (n: number): Uint8Array => Uint8Array.of(n >> 16, (n >> 8) & 0xff, n & 0xff);
const rec = (type: number, frag: Uint8Array): Uint8Array =>
  cat(Uint8Array.of(type, 3, 3, frag.length >> 8, frag.length & 0xff), frag);
const msg = (type: number, body: Uint8Array): Uint8Array =>
  cat(Uint8Array.of(type), u24(body.length), body);

const CLIENT_HELLO = msg(
  1,
  h(`0303 ${"aa".repeat(32)} 00 0004 c02f 1301 01 00 0019
     0000 000e 000c 00 0009 ${Buffer.from("localhost").toString("hex")}
     002b 0003 02 0303`),
);
const SERVER_HELLO = msg(2, h(`0303 ${"bb".repeat(32)} 00 c02f 00`));
const CERTIFICATE = msg(11, h("00000a 000003 aabbcc 000001 dd"));
const STATUS = msg(22, h("01 000003 0c0d0e"));
const DONE = msg(14, new Uint8Array(0));
const C2S = rec(22, CLIENT_HELLO);
// The Certificate message is split over two records.
const S2C = cat(
  rec(22, cat(SERVER_HELLO, CERTIFICATE.subarray(0, 5))),
  rec(22, cat(CERTIFICATE.subarray(5), STATUS, DONE)),
  rec(21, h("0228")),
);

function analyze(c2s: Uint8Array[], s2c: Uint8Array[]): HandshakeCapture {
  const chunks: CaptureChunk[] = [
    ...c2s.map((bytes, i) => ({ dir: "c2s" as const, atMs: i, bytes })),
    ...s2c.map((bytes, i) => ({ dir: "s2c" as const, atMs: 10 + i, bytes })),
  ];
  return analyzeCapture({ chunks, keylog: [] });
}

function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [
    0,
    ...cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b),
    bytes.length,
  ];
  return points.slice(1).map((p, i) => bytes.subarray(points[i], p));
}

test("a TLS 1.2 handshake: exact facts and transcript", () => {
  const cap = analyze([C2S], [S2C]);
  assert.equal(cap.negotiatedVersion, "TLSv1.2");
  assert.equal(cap.cipherSuite, 0xc02f);
  assert.deepEqual(cap.clientHello?.offeredVersions, ["TLSv1.2"]);
  assert.equal(cap.clientHello?.cipherSuiteCount, 2);
  assert.equal(cap.clientHello?.serverName, "localhost");
  assert.deepEqual(cap.certificates, [h("aabbcc"), h("dd")]);
  assert.deepEqual(cap.ocspResponse, h("0c0d0e"));
  assert.deepEqual(
    cap.records.map((r) => `${r.dir} ${r.offset} ${r.summary}`),
    [
      "c2s 0 Handshake: ClientHello",
      "s2c 0 Handshake: ServerHello, (part of a message)",
      "s2c 52 Handshake: Certificate, CertificateStatus, ServerHelloDone",
      "s2c 84 Alert: fatal handshake_failure",
    ],
  );
  assert.deepEqual(cap.alerts, [
    {
      dir: "s2c",
      level: "fatal",
      description: 40,
      name: "handshake_failure",
      encrypted: false,
      atMs: 10,
    },
  ]);
  assert.deepEqual(cap.notes, []);
  assert.equal(cap.truncated, false);
});

test("property: any chunking of either direction gives the same result", () => {
  const whole = analyze([C2S], [S2C]);
  fc.assert(
    fc.property(
      fc.array(fc.nat(), { maxLength: 6 }),
      fc.array(fc.nat(), { maxLength: 10 }),
      (a, b) => {
        const cap = analyze(split(C2S, a), split(S2C, b));
        assert.deepEqual(cap.certificates, whole.certificates);
        assert.deepEqual(cap.ocspResponse, whole.ocspResponse);
        assert.deepEqual(
          cap.records.map((r) => r.summary),
          whole.records.map((r) => r.summary),
        );
        assert.deepEqual(cap.notes, []);
      },
    ),
  );
});

test("every truncation of the server's stream keeps what came before and says truncated", () => {
  for (let n = 0; n < S2C.length; n++) {
    const cap = analyze([C2S], [S2C.subarray(0, n)]);
    assert.ok(cap.clientHello, `prefix ${n}`);
    // Truncated unless the cut is at a record boundary with no message half-read.
    assert.equal(cap.truncated, ![0, 84].includes(n), `prefix ${n}`);
    if (n >= 84) assert.equal(cap.certificates?.length, 2);
  }
});

test("a malformed ServerHello is a note naming the offset; the ClientHello is kept", () => {
  const badSh = msg(2, h(`0303 ${"bb".repeat(32)} 40 c02f 00`)); // session id length 64
  const cap = analyze([C2S], [rec(22, badSh)]);
  assert.ok(cap.clientHello);
  assert.equal(cap.serverHello, undefined);
  assert.deepEqual(cap.notes, [
    "Cannot parse ServerHello.legacy_session_id_echo: length 64 at offset 38 exceeds the 3 bytes left " +
      "(offsets count from the start of the s2c ServerHello message completed by the record at stream offset 0; earlier facts kept)",
  ]);
});

test("a plaintext reply (HTTP) is a note showing the bytes", () => {
  const cap = analyze([C2S], [new TextEncoder().encode("HTTP/1.1 400 Bad Request\r\n\r\n")]);
  assert.equal(cap.records.length, 1);
  assert.match(
    cap.notes[0] ?? "",
    /content type 72 at offset 0 is not a TLS record type \(s2c; bytes found: "HTTP\/1.1 400 Bad Request…"\)/,
  );
});

test("an SSLv2 record is named, not fatal", () => {
  const v2 = Uint8Array.of(0x80, 0x03, 0x01, 0x03, 0x01);
  const cap = analyze([v2, C2S], []);
  assert.equal(cap.records[0]?.summary, "SSLv2 record: CLIENT-HELLO");
  assert.equal(cap.records[1]?.summary, "Handshake: ClientHello");
});

test("the record limit stops the analysis and says so", () => {
  const many = cat(...Array.from({ length: 50 }, () => rec(21, h("0100"))));
  const cap = analyzeCapture(
    { chunks: [{ dir: "s2c", atMs: 0, bytes: many }], keylog: [] },
    { maxRecords: 10 },
  );
  assert.equal(cap.records.length, 10);
  assert.equal(cap.truncated, true);
  assert.match(cap.notes.at(-1) ?? "", /limit of 10 records/);
});

test("the byte limit per direction clips the input", () => {
  const cap = analyzeCapture(
    { chunks: [{ dir: "s2c", atMs: 0, bytes: S2C }], keylog: [] },
    { maxBytesPerDirection: 60 },
  );
  assert.equal(cap.truncated, true);
  assert.ok(cap.notes.some((n) => n.includes("longer than the analysis limit")));
});

test("key log lines that cannot be used become notes", () => {
  const log = parseKeyLog([
    "# comment",
    `CLIENT_RANDOM ${"ab".repeat(32)} ${"cd".repeat(48)}\n`,
    "SERVER_HANDSHAKE_TRAFFIC_SECRET zz 00",
    "ONLY_TWO fields",
  ]);
  assert.equal(log.byClientRandom.get("ab".repeat(32))?.get("CLIENT_RANDOM")?.length, 48);
  assert.deepEqual(log.problems, [
    "Cannot parse key log line 4: client random is not 32 bytes of hex",
    "Cannot parse key log line 5: 2 fields, not 3",
  ]);
});

test("property: garbage never throws and the result stays bounded", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          dir: fc.constantFrom("c2s" as const, "s2c" as const),
          atMs: fc.nat(),
          bytes: fc.uint8Array({ maxLength: 300 }),
        }),
        { maxLength: 12 },
      ),
      fc.array(fc.string({ maxLength: 200 }), { maxLength: 4 }),
      (chunks, keylog) => {
        const cap = analyzeCapture({ chunks, keylog });
        const total = chunks.reduce((n, c) => n + c.bytes.length, 0);
        assert.ok(cap.records.length <= total / 2 + 1);
        assert.ok(cap.notes.length <= 101);
      },
    ),
    { numRuns: 300 },
  );
});

test("property: mutating any bytes of a valid handshake never throws", () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 4,
      }),
      fc.array(fc.nat(), { maxLength: 4 }),
      (edits, cuts) => {
        const s2c = Uint8Array.from(S2C);
        for (const [at, v] of edits) s2c[at % s2c.length] = v;
        const cap = analyze([C2S], split(s2c, cuts));
        assert.ok(Array.isArray(cap.records));
      },
    ),
    { numRuns: 500 },
  );
});
