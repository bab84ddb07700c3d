import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseAlerts } from "./alert.js";
import { parseCertificate12 } from "./certificate.js";
import { CodecError } from "./codec-error.js";
import { HandshakeReassembler } from "./handshake.js";
import type { HandshakeReassemblerOptions } from "./handshake.js";
import { ContentType, MAX_RECORD_LENGTH, readRecord } from "./record.js";
import { parseServerHello } from "./server-hello.js";
import { parseServerHelloDone } from "./server-hello-done.js";

const h = (s: string): Uint8Array =>
  Uint8Array.from(s.replace(/\s+/g, "").match(/../g) ?? [], (x) => parseInt(x, 16));

// A TLS 1.2 first flight captured from `openssl s_server` (OpenSSL 3.0, ECDSA
// P-256 certificate) with `openssl s_client -msg`: whole handshake messages.
const SERVER_HELLO = h(`
  0200003d03031435ae52c4878e636b8738f6f28ad900b7e3a32e47e1c0e81325955ab4aedf6200c02c000015ff010001
  00000b0004030001020023000000170000`);
const CERTIFICATE = h(`
  0b00018e00018b0001883082018430820129a00302010202142fd9c5833828c6bf11dfe1ef6e1444e355eb6bc2300a06
  082a8648ce3d04030230173115301306035504030c0c746c73642d746573742d6361301e170d32363131323330373433
  32305a170d3236313132343037343332305a30173115301306035504030c0c746c73642d746573742d63613059301306
  072a8648ce3d020106082a8648ce3d030107034200049f71498c909aa2e52213e6b692fb034e83c440c1c5daffe89860
  35c1a2887a28214456b5402f5c9b8ec3fba98ca1701a21941db53615f8a57cf1e254548f177da3533051301d0603551d
  0e04160414c6be07edbd762856a0c4a4ab54309369cfa856e0301f0603551d23041830168014c6be07edbd762856a0c4
  a4ab54309369cfa856e0300f0603551d130101ff040530030101ff300a06082a8648ce3d0403020349003046022100ce
  89021ace0d5a9519b99b642448896c3dc20773586cbb062959d8a62aab6c9002210087953172bfc43a677dfd055f1965
  05dfd663e8118e32fde596d2552d5c6cafc3`);
const SERVER_HELLO_DONE = h("0e000000");
const CLOSE_NOTIFY = h("0100");

function record(type: number, fragment: Uint8Array): Uint8Array {
  return Uint8Array.from([type, 3, 3, fragment.length >> 8, fragment.length & 0xff, ...fragment]);
}

const CUT = 200;
/** ServerHello; Certificate cut after 200 bytes; its tail with ServerHelloDone; an alert. */
const RECORDS = [
  record(22, SERVER_HELLO),
  record(22, CERTIFICATE.subarray(0, CUT)),
  record(22, Uint8Array.from([...CERTIFICATE.subarray(CUT), ...SERVER_HELLO_DONE])),
  record(21, CLOSE_NOTIFY),
];
const STREAM = concat(RECORDS);

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

type Event =
  | { kind: "handshake"; name: string; raw: number[] }
  | { kind: "alert"; name: string; offset: number; pendingHandshake: number }
  | { kind: "empty-handshake-record"; offset: number };

/**
 * A minimal reader as a scanner drives the codec: buffer the unconsumed tail,
 * frame records with readRecord, reassemble handshake fragments. `needed` is
 * what readRecord asked for last (0 when the input ended on a record boundary).
 */
class StreamReader {
  readonly events: Event[] = [];
  readonly hs: HandshakeReassembler;
  needed = 0;
  #tail = new Uint8Array(0);
  #base = 0;

  constructor(options: HandshakeReassemblerOptions = {}) {
    this.hs = new HandshakeReassembler(options);
  }

  push(chunk: Uint8Array): void {
    const buf = concat([this.#tail, chunk]);
    let pos = 0;
    for (;;) {
      const r = readRecord(buf, pos, { baseOffset: this.#base, allowSslv2: false });
      if (r.kind === "need-more") {
        this.needed = pos === buf.length ? 0 : r.needed;
        break;
      }
      assert.equal(r.kind, "record");
      if (r.kind !== "record") return;
      const { contentType, fragment, offset } = r.record;
      if (contentType === ContentType.handshake) {
        if (fragment.length === 0) this.events.push({ kind: "empty-handshake-record", offset });
        for (const m of this.hs.push(fragment)) {
          this.events.push({ kind: "handshake", name: m.name, raw: [...m.raw] });
        }
      } else if (contentType === ContentType.alert) {
        for (const a of parseAlerts(fragment, offset + 5)) {
          this.events.push({
            kind: "alert",
            name: a.name,
            offset,
            pendingHandshake: this.hs.pending,
          });
        }
      }
      pos = r.next;
    }
    this.#base += pos;
    this.#tail = buf.slice(pos);
  }
}

function feed(stream: Uint8Array, cuts: readonly number[]): StreamReader {
  const points = [0, ...[...cuts].sort((a, b) => a - b), stream.length];
  const reader = new StreamReader();
  for (let i = 1; i < points.length; i++) reader.push(stream.subarray(points[i - 1], points[i]));
  return reader;
}

const EXPECTED: Event[] = [
  { kind: "handshake", name: "ServerHello", raw: [...SERVER_HELLO] },
  { kind: "handshake", name: "Certificate", raw: [...CERTIFICATE] },
  { kind: "handshake", name: "ServerHelloDone", raw: [...SERVER_HELLO_DONE] },
  { kind: "alert", name: "close_notify", offset: STREAM.length - 7, pendingHandshake: 0 },
];

test("the whole stream: three messages across four records, then the alert", () => {
  const r = feed(STREAM, []);
  assert.deepEqual(r.events, EXPECTED);
  assert.equal(r.needed, 0);
  assert.equal(r.hs.pending, 0);
});

test("the messages parse: TLS 1.2 ECDHE-ECDSA, one certificate, an empty ServerHelloDone", () => {
  const [sh, cert, done] = new HandshakeReassembler().push(
    concat([SERVER_HELLO, CERTIFICATE, SERVER_HELLO_DONE]),
  );
  assert.ok(sh && cert && done);
  const hello = parseServerHello(sh.body, 4);
  assert.equal(hello.selectedVersion, 0x0303);
  assert.equal(hello.cipherSuite, 0xc02c);
  const c = parseCertificate12(cert.body, 4 + sh.raw.length + 4);
  assert.equal(c.entries.length, 1);
  assert.equal(c.entries[0]?.data.length, 0x188);
  assert.equal(parseServerHelloDone(done.body), undefined);
});

test("fed byte by byte: the same events", () => {
  const r = feed(
    STREAM,
    Array.from({ length: STREAM.length }, (_, i) => i),
  );
  assert.deepEqual(r.events, EXPECTED);
  assert.equal(r.needed, 0);
});

test("property: split at random points, the same events", () => {
  fc.assert(
    fc.property(fc.array(fc.nat(STREAM.length), { maxLength: 20 }), (cuts) => {
      assert.deepEqual(feed(STREAM, cuts).events, EXPECTED);
    }),
  );
});

test("every truncation: a prefix of the events and a need-more, never a throw", () => {
  const ends = RECORDS.map((_, i) => concat(RECORDS.slice(0, i + 1)).length);
  for (let n = 0; n < STREAM.length; n++) {
    const r = feed(STREAM.subarray(0, n), []);
    assert.deepEqual(r.events, EXPECTED.slice(0, r.events.length), `cut at ${n}`);
    assert.equal(r.needed > 0, !ends.includes(n) && n > 0, `cut at ${n}`);
  }
});

test("a record length past the end waits for it; one over 2^14+256 is a CodecError", () => {
  const r = new StreamReader();
  r.push(h("16 0303 4000 0e000000"));
  assert.deepEqual([r.events, r.needed], [[], 0x4000 - 4]);
  assert.throws(
    () => new StreamReader().push(concat([RECORDS[0]!, h("16 0303 ffff")])),
    (e: unknown) =>
      e instanceof CodecError &&
      e.offset === RECORDS[0]!.length + 3 &&
      /length 65535 at offset 73 exceeds the limit of 16640/.test(e.message),
  );
  const over = MAX_RECORD_LENGTH + 1;
  assert.throws(() => new StreamReader().push(h(`16 0303 ${over.toString(16)}`)), CodecError);
});

test("a handshake length of 2^24-1 is refused from its 4-byte header, before any body", () => {
  for (const cuts of [[], [1], [2, 3], [6, 7, 8]]) {
    const bytes = record(22, h("0b ffffff"));
    assert.throws(
      () => feed(bytes, cuts),
      (e: unknown) =>
        e instanceof CodecError &&
        e.path === "Handshake.length" &&
        e.message.includes("message length 16777215 at offset 1 of the handshake stream") &&
        e.message.includes(`exceeds the limit of ${256 * 1024}`),
      `cuts ${cuts.join(",")}`,
    );
  }
  // Split over records: the header completes in the third one and is refused there.
  const split = concat([record(22, h("0b")), record(22, h("ff")), record(22, h("ffff"))]);
  const r = new StreamReader();
  r.push(split.subarray(0, 12));
  assert.equal(r.hs.pending, 2);
  assert.throws(() => r.push(split.subarray(12)), /message length 16777215/);
});

test("zero-length handshake records are passed through and change nothing", () => {
  // RFC 5246 §6.2.1 and RFC 8446 §5.1 forbid sending them; the codec leaves the verdict to its caller.
  const empty = record(22, new Uint8Array(0));
  const stream = concat([RECORDS[0]!, empty, RECORDS[1]!, empty, empty, RECORDS[2]!, RECORDS[3]!]);
  const r = feed(stream, []);
  assert.deepEqual(
    r.events.filter((e) => e.kind !== "empty-handshake-record"),
    EXPECTED.map((e) => (e.kind === "alert" ? { ...e, offset: stream.length - 7 } : e)),
  );
  assert.equal(r.events.filter((e) => e.kind === "empty-handshake-record").length, 3);
});

test("an alert inside a split message: seen with the message pending; the reassembler keeps it", () => {
  // RFC 8446 §5.1: no other record may come between the records of one
  // handshake message. HandshakeReassembler sees only handshake fragments, so
  // the check is its caller's: `pending` is non-zero when the alert arrives.
  const alert = record(21, h("0228"));
  const stream = concat([RECORDS[0]!, RECORDS[1]!, alert, RECORDS[2]!]);
  const r = feed(stream, []);
  assert.deepEqual(
    r.events.map((e) =>
      e.kind === "alert" ? [e.name, e.pendingHandshake] : e.kind === "handshake" ? e.name : e.kind,
    ),
    ["ServerHello", ["handshake_failure", CUT], "Certificate", "ServerHelloDone"],
  );
});

test("property: random bytes after a valid prefix give events or a CodecError, nothing else", () => {
  fc.assert(
    fc.property(fc.nat(STREAM.length), fc.uint8Array({ maxLength: 64 }), (n, junk) => {
      try {
        feed(concat([STREAM.subarray(0, n), junk]), []);
      } catch (e) {
        assert.ok(e instanceof CodecError, String(e));
      }
    }),
  );
});
