import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ByteWriter, CodecError, frameRecords } from "../codec/index.js";
import { FlightReader, type Flight } from "./flight.js";

/** A TLS 1.2 ServerHello (0xC02F, renegotiation_info and EMS) as a handshake message. */
function serverHello(): Uint8Array {
  const w = new ByteWriter();
  w.u8(2).vector(3, (b) => {
    b.u16(0x0303).bytes(new Uint8Array(32).fill(5)).vector8([]).u16(0xc02f).u8(0);
    b.vector(2, (e) => {
      e.u16(0xff01).vector16([0]);
      e.u16(23).vector16([]);
    });
  });
  return w.finish();
}
function certificate(): Uint8Array {
  const w = new ByteWriter();
  w.u8(11).vector(3, (b) =>
    b.vector(3, (l) => l.vector(3, (c) => c.bytes(new Uint8Array(700).fill(0x30)))),
  );
  return w.finish();
}
function ecdheKeyExchange(): Uint8Array {
  const w = new ByteWriter();
  w.u8(12).vector(3, (b) => {
    b.u8(3).u16(29).vector8(new Uint8Array(32).fill(9));
    b.u16(0x0804).vector16(new Uint8Array(256).fill(1));
  });
  return w.finish();
}
const done = Uint8Array.of(14, 0, 0, 0);

/** The flight as one byte stream: ServerHello, Certificate cut across records, SKE, ServerHelloDone. */
function stream(): Uint8Array {
  const msgs = [serverHello(), certificate(), ecdheKeyExchange(), done];
  const all = new Uint8Array(msgs.reduce((n, m) => n + m.length, 0));
  let at = 0;
  for (const m of msgs) {
    all.set(m, at);
    at += m.length;
  }
  return frameRecords(all, { recordVersion: 0x0303, fragments: [90, 400] });
}

const opts = { clientHello: new Uint8Array(0), keyShares: [], decrypt: false } as const;

function summary(f: Flight): unknown {
  return {
    suite: f.serverHello?.cipherSuite,
    version: f.serverHello?.selectedVersion,
    exts: f.serverHello?.extensions.map((e) => e.type),
    certs: f.certificate?.entries.map((e) => e.data.length),
    curve: f.keyExchange?.kind === "ecdhe" ? f.keyExchange.namedCurve : undefined,
    sig: f.keyExchange?.signatureAlgorithm,
    complete: f.complete,
  };
}

const expected = {
  suite: 0xc02f,
  version: 0x0303,
  exts: [0xff01, 23],
  certs: [700],
  curve: 29,
  sig: 0x0804,
  complete: true,
};

test("a TLS 1.2 flight is read whole", () => {
  const r = new FlightReader(opts);
  assert.equal(r.push(stream()), true);
  assert.deepEqual(summary(r.flight), expected);
});

test("byte by byte: the same flight, complete only at the last byte", () => {
  const s = stream();
  const r = new FlightReader(opts);
  for (let i = 0; i < s.length; i++)
    assert.equal(r.push(s.subarray(i, i + 1)), i === s.length - 1, `byte ${i}`);
  assert.deepEqual(summary(r.flight), expected);
});

test("property: any split points give the same flight", () => {
  const s = stream();
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.integer({ min: 1, max: s.length - 1 }), { maxLength: 12 }),
      (cuts) => {
        const r = new FlightReader(opts);
        let prev = 0;
        for (const c of [...cuts].sort((a, b) => a - b)) {
          r.push(s.subarray(prev, c));
          prev = c;
        }
        r.push(s.subarray(prev));
        assert.deepEqual(summary(r.flight), expected);
      },
    ),
    { numRuns: 200 },
  );
});

test("an alert before the hello ends the flight", () => {
  const r = new FlightReader(opts);
  assert.equal(r.push(Uint8Array.of(21, 3, 3, 0, 2, 2, 40)), true);
  assert.equal(r.flight.alert?.description, 40);
  assert.equal(r.flight.alertBeforeHello, true);
});

test("hostile bytes: CodecError or RangeError, never anything else, and never a hang", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
      const r = new FlightReader({ ...opts, maxBytes: 4096 });
      try {
        r.push(bytes);
      } catch (e) {
        assert.ok(e instanceof CodecError || e instanceof RangeError, String(e));
      }
    }),
    { numRuns: 500 },
  );
  const huge = new FlightReader({ ...opts, maxBytes: 1000 });
  assert.throws(() => huge.push(new Uint8Array(1001).fill(22)), /exceeds 1000 bytes/);
  const long = new FlightReader(opts);
  assert.throws(() => long.push(Uint8Array.of(22, 3, 3, 0, 4, 2, 0xff, 0xff, 0xff)), CodecError);
});

test("an alert in the middle of the flight: after the ServerHello, recorded as such", () => {
  const r = new FlightReader(opts);
  const sh = frameRecords(serverHello(), { recordVersion: 0x0303 });
  assert.equal(r.push(sh), false);
  assert.equal(r.push(Uint8Array.of(21, 3, 3, 0, 2, 2, 80)), true);
  assert.equal(r.flight.serverHello?.cipherSuite, 0xc02f);
  assert.equal(r.flight.alert?.name, "internal_error");
  assert.equal(r.flight.alertBeforeHello, false);
});

test("a CertificateRequest is parsed; a ServerHelloDone with a body is malformed", () => {
  const req = new ByteWriter()
    .u8(13)
    .vector(3, (b) => b.vector8([1]).vector16([0x08, 0x04]).vector16([]))
    .finish();
  const r = new FlightReader(opts);
  r.push(
    frameRecords(Uint8Array.from([...serverHello(), ...req, ...done]), { recordVersion: 0x0303 }),
  );
  assert.equal(r.flight.certificateRequested, true);
  assert.deepEqual(r.flight.certificateRequest?.signatureSchemes, [0x0804]);
  const bad = new FlightReader(opts);
  assert.throws(
    () =>
      bad.push(
        frameRecords(Uint8Array.from([...serverHello(), 14, 0, 0, 1, 0]), {
          recordVersion: 0x0303,
        }),
      ),
    /ServerHelloDone carries 1 bytes/,
  );
});
