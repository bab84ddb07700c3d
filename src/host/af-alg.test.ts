import assert from "node:assert/strict";
import { createCipheriv, createDecipheriv, createHash, createHmac } from "node:crypto";
import { closeSync, fstatSync, openSync } from "node:fs";
import { test } from "node:test";
import { isTlsDoctorError } from "../core/index.js";
import {
  AF_ALG,
  AF_UNIX,
  KAT_ALGORITHMS,
  SOCK_CLOEXEC,
  SOCK_SEQPACKET,
  aesCmac,
  benchAlgorithm,
  controlMessages,
  errnoName,
  kernelTransport,
  libcSockets,
  requestControlMessages,
  runKat,
  sockaddrAlg,
  type AfAlgOutcome,
  type AfAlgRequest,
  type AfAlgTfm,
  type AfAlgTransport,
  type KatAlgorithm,
  type LibcSockets,
} from "./af-alg.js";
import { ffi } from "./ffi.js";

const LE64 = { littleEndian: true, sizeT: 8 } as const;
const h = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ""), "hex"));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const byName = (n: string): KatAlgorithm => {
  const a = KAT_ALGORITHMS.find((x) => x.name === n);
  assert.ok(a, n);
  return a;
};

test("sockaddr_alg: 88 bytes, family, NUL-padded type and name, feat and mask", () => {
  const b = sockaddrAlg("skcipher", "xts(aes)", { layout: LE64 });
  assert.equal(b.length, 88);
  const expected = new Uint8Array(88);
  expected.set([38, 0], 0);
  expected.set(new TextEncoder().encode("skcipher"), 2);
  expected.set(new TextEncoder().encode("xts(aes)"), 24);
  assert.deepEqual(b, expected);
  const be = sockaddrAlg("hash", "sha256", {
    feat: 0x1000,
    mask: 0x1000,
    layout: { littleEndian: false, sizeT: 8 },
  });
  assert.deepEqual([...be.subarray(0, 2)], [0, 38]);
  assert.deepEqual([...be.subarray(16, 24)], [0, 0, 0x10, 0, 0, 0, 0x10, 0]);
  assert.equal(be[2 + 4], 0, "type NUL-terminated");
});

test("sockaddr_alg refuses what the kernel would truncate", () => {
  assert.throws(
    () => sockaddrAlg("skcipher-too-long", "x"),
    (e) => isTlsDoctorError(e) && e.code === "TLSD_USAGE",
  );
  assert.throws(() => sockaddrAlg("hash", "a".repeat(64)), /64 bytes, 1 to 63 fit/);
  assert.equal(sockaddrAlg("hash", "a".repeat(63))[24 + 63], 0);
});

test("control messages: LP64 bytes for op, IV and assoclen, padded to CMSG_SPACE", () => {
  const msgs = requestControlMessages(
    { op: "encrypt", iv: h("000102030405060708090a0b0c0d0e0f"), assoclen: 16 },
    LE64,
  );
  const b = controlMessages(msgs, LE64);
  assert.equal(
    toHex(b),
    [
      // cmsg_len 20 (u64), SOL_ALG 279, ALG_SET_OP 3, ALG_OP_ENCRYPT 1, 4 bytes padding
      "1400000000000000 17010000 03000000 01000000 00000000",
      // cmsg_len 36, SOL_ALG, ALG_SET_IV 2, ivlen 16, iv, 4 bytes padding
      "2400000000000000 17010000 02000000 10000000 000102030405060708090a0b0c0d0e0f 00000000",
      // cmsg_len 20, SOL_ALG, ALG_SET_AEAD_ASSOCLEN 4, 16, padding
      "1400000000000000 17010000 04000000 10000000 00000000",
    ]
      .join("")
      .replace(/\s+/g, ""),
  );
});

test("control messages: ILP32 and big-endian layouts; decrypt op; none for a hash", () => {
  const ilp32 = controlMessages(requestControlMessages({ op: "decrypt" }), {
    littleEndian: true,
    sizeT: 4,
  });
  assert.equal(toHex(ilp32), "10000000" + "17010000" + "03000000" + "00000000");
  const be = controlMessages(
    requestControlMessages({ assoclen: 0x0102 }, { littleEndian: false, sizeT: 8 }),
    {
      littleEndian: false,
      sizeT: 8,
    },
  );
  assert.equal(toHex(be), "0000000000000014" + "00000117" + "00000004" + "00000102" + "00000000");
  assert.deepEqual(requestControlMessages({}), []);
  assert.equal(controlMessages([]).length, 0);
});

test("errno names come from the platform's table", () => {
  assert.equal(errnoName(97), "EAFNOSUPPORT");
  assert.equal(errnoName(2), "ENOENT");
  assert.equal(errnoName(11), "EAGAIN");
  assert.equal(errnoName(95), "EOPNOTSUPP");
  assert.equal(errnoName(99999), "errno 99999");
});

test("the kernel accepts these control messages: SCM_RIGHTS passes an fd, a bad cmsg_len is EINVAL", () => {
  const s = libcSockets();
  if (s instanceof Error) assert.fail(s.message);
  const pair = s.socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  assert.ok(Array.isArray(pair), `socketpair: ${errnoName(s.errno())}`);
  const [a, b] = pair;
  const file = openSync("/proc/self/stat", "r");
  try {
    const fdBytes = new Uint8Array(4);
    new DataView(fdBytes.buffer).setInt32(0, file, true);
    const ctrl = controlMessages([
      { level: 1 /* SOL_SOCKET */, type: 1 /* SCM_RIGHTS */, data: fdBytes },
    ]);
    assert.equal(s.sendmsg(a, new Uint8Array([7, 8, 9]), ctrl, 0), 3);
    const { libc } = ffi();
    const recvmsg = libc.func("long recvmsg(int, _Inout_ tlsd_msghdr *msg, int)");
    const data = Buffer.alloc(8);
    const cbuf = Buffer.alloc(64);
    const msg = {
      msg_name: null,
      msg_namelen: 0,
      msg_iov: [{ iov_base: data, iov_len: 8 }],
      msg_iovlen: 1,
      msg_control: cbuf,
      msg_controllen: 64,
      msg_flags: 0,
    };
    assert.equal(Number(recvmsg(b, msg, 0x40)), 3);
    assert.deepEqual([...data.subarray(0, 3)], [7, 8, 9]);
    // The kernel wrote back a cmsghdr in the very layout controlMessages builds.
    const got = cbuf.subarray(0, 20);
    const passed = got.readInt32LE(16);
    assert.deepEqual(new Uint8Array(got.subarray(0, 16)), ctrl.subarray(0, 16));
    assert.equal(fstatSync(passed).ino, fstatSync(file).ino);
    closeSync(passed);
    // SOL_ALG messages are checked for length and skipped by AF_UNIX; a broken length is refused.
    const alg = controlMessages(
      requestControlMessages({ op: "encrypt", iv: new Uint8Array(16), assoclen: 8 }),
    );
    assert.equal(s.sendmsg(a, new Uint8Array([1]), alg, 0), 1);
    const bad = new Uint8Array(alg);
    bad[0] = 200;
    assert.equal(s.sendmsg(a, new Uint8Array([1]), bad, 0), -1);
    assert.equal(errnoName(s.errno()), "EINVAL");
  } finally {
    closeSync(file);
    s.close(a);
    s.close(b);
  }
});

test("live AF_ALG: this kernel either has none (EAFNOSUPPORT, reported as such) or computes sha256 right", () => {
  const t = kernelTransport();
  if (t instanceof Error) assert.fail(t.message);
  const s = libcSockets();
  assert.ok(!(s instanceof Error));
  const fd = s.socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    assert.equal(errnoName(s.errno()), "EAFNOSUPPORT");
    const r = runKat(t, byName("xts(aes)"));
    assert.deepEqual(r, {
      name: "xts(aes)",
      type: "skcipher",
      bound: false,
      failure: { step: "socket", errno: "EAFNOSUPPORT", errnoNumber: 97 },
      kat: "not-run",
    });
  } else {
    s.close(fd);
    assert.equal(runKat(t, byName("sha256")).kat, "ok");
  }
});

test("AES-CMAC matches RFC 4493's four examples", () => {
  const key = h("2b7e151628aed2a6abf7158809cf4f3c");
  const m = h(
    "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51 30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710",
  );
  assert.equal(toHex(aesCmac(key, m.subarray(0, 0))), "bb1d6929e95937287fa37d129b756746");
  assert.equal(toHex(aesCmac(key, m.subarray(0, 16))), "070a16b46b4d4144f79bdd9dd04a287c");
  assert.equal(toHex(aesCmac(key, m.subarray(0, 40))), "dfa66747de9ae63030ca32611497c827");
  assert.equal(toHex(aesCmac(key, m)), "51f0bebf7e3b9d92fc49741779363cfe");
});

/**
 * A pretend kernel written the way the kernel lays its results out (not
 * with the code under test): AEAD output starts with the AAD (4.9+), a
 * decrypt takes AAD || ciphertext || tag. Knobs make it misbehave.
 */
function emulator(
  knobs: { corrupt?: string; corruptDecrypt?: string; missing?: string[]; badKey?: string } = {},
): AfAlgTransport {
  const nodeName: Record<string, string> = {
    "xts(aes)": "aes-256-xts",
    "cbc(aes)": "aes-256-cbc",
    "gcm(aes)": "aes-256-gcm",
  };
  return {
    bind(type, name) {
      if (
        knobs.missing?.includes(name) ||
        !(name in nodeName || ["sha256", "hmac(sha256)"].includes(name))
      ) {
        return { ok: false, failure: { step: "bind", errno: "ENOENT", errnoNumber: 2 } };
      }
      let key: Uint8Array = new Uint8Array(0);
      let authSize = 0;
      const tfm: AfAlgTfm = {
        setKey(k) {
          if (knobs.badKey === name)
            return { ok: false, failure: { step: "setkey", errno: "EINVAL", errnoNumber: 22 } };
          key = k;
          return { ok: true, value: undefined };
        },
        setAuthSize(n) {
          authSize = n;
          return { ok: true, value: undefined };
        },
        request(req: AfAlgRequest): AfAlgOutcome<Uint8Array> {
          let out: Uint8Array;
          if (type === "hash") {
            out =
              name === "sha256"
                ? createHash("sha256").update(req.data).digest()
                : createHmac("sha256", key).update(req.data).digest();
          } else if (type === "aead") {
            const aad = req.data.subarray(0, req.assoclen ?? 0);
            const body = req.data.subarray(req.assoclen ?? 0);
            if (req.op === "encrypt") {
              const c = createCipheriv("aes-256-gcm", key, req.iv ?? new Uint8Array(12), {
                authTagLength: authSize,
              });
              c.setAAD(aad);
              out = Buffer.concat([aad, c.update(body), c.final(), c.getAuthTag()]);
            } else {
              const d = createDecipheriv("aes-256-gcm", key, req.iv ?? new Uint8Array(12), {
                authTagLength: authSize,
              });
              d.setAAD(aad);
              d.setAuthTag(body.subarray(body.length - authSize));
              out = Buffer.concat([
                aad,
                d.update(body.subarray(0, body.length - authSize)),
                d.final(),
              ]);
            }
          } else {
            const mk = req.op === "encrypt" ? createCipheriv : createDecipheriv;
            const c = mk(nodeName[name] ?? "", key, req.iv ?? null).setAutoPadding(false);
            out = Buffer.concat([c.update(req.data), c.final()]);
          }
          out = new Uint8Array(out);
          // Byte 3 after the AAD (which the KAT rightly ignores: older kernels leave it alone).
          const at = (req.assoclen ?? 0) + 3;
          if (knobs.corrupt === name && req.op !== "decrypt") out[at] = (out[at] ?? 0) ^ 1;
          if (knobs.corruptDecrypt === name && req.op === "decrypt")
            out[out.length - 1] = (out.at(-1) ?? 0) ^ 0x80;
          return { ok: true, value: out.subarray(0, req.outLen) };
        },
        close() {},
      };
      return { ok: true, value: tfm };
    },
  };
}

test("KAT against the emulated kernel: skcipher, aead (AAD-prefixed output), hash and hmac pass", () => {
  for (const n of ["xts(aes)", "cbc(aes)", "gcm(aes)", "sha256", "hmac(sha256)"]) {
    const r = runKat(emulator(), byName(n));
    assert.equal(r.kat, "ok", `${n}: ${r.katDetail ?? JSON.stringify(r.failure)}`);
    assert.equal(r.bound, true);
  }
});

test("KAT: wrong output is caught, with where the bytes differ", () => {
  const r = runKat(emulator({ corrupt: "xts(aes)" }), byName("xts(aes)"));
  assert.equal(r.kat, "wrong");
  assert.match(
    r.katDetail ?? "",
    /^encrypt: 512 bytes back for 512 expected, first difference at byte 3; expected [0-9a-f]{48}…, got /,
  );
  const g = runKat(emulator({ corrupt: "gcm(aes)" }), byName("gcm(aes)"));
  assert.equal(g.kat, "wrong");
  assert.match(
    g.katDetail ?? "",
    /^encrypt: 80 bytes back for 80 expected, first difference at byte 3;/,
  );
  const d = runKat(emulator({ corruptDecrypt: "cbc(aes)" }), byName("cbc(aes)"));
  assert.equal(d.kat, "wrong");
  assert.match(d.katDetail ?? "", /^decrypt: .*first difference at byte 511/);
  const hmac = runKat(emulator({ corrupt: "hmac(sha256)" }), byName("hmac(sha256)"));
  assert.match(hmac.katDetail ?? "", /^digest: /);
});

test("KAT: bind ENOENT means not bound; a setkey error after bind is an error, not a verdict", () => {
  assert.deepEqual(runKat(emulator({ missing: ["xts(aes)"] }), byName("xts(aes)")), {
    name: "xts(aes)",
    type: "skcipher",
    bound: false,
    failure: { step: "bind", errno: "ENOENT", errnoNumber: 2 },
    kat: "not-run",
  });
  const k = runKat(emulator({ badKey: "cbc(aes)" }), byName("cbc(aes)"));
  assert.equal(k.bound, true);
  assert.equal(k.kat, "error");
  assert.equal(k.failure?.step, "setkey");
});

test("every catalogued algorithm has a node:crypto reference of the right size", () => {
  for (const a of KAT_ALGORITHMS) {
    const r = benchAlgorithm(undefined, a, { blockBytes: 64, budgetMs: 1 });
    assert.ok((r.nodeBytesPerSec ?? 0) > 0, a.name);
    assert.equal(r.afAlgFailure, "no AF_ALG transport");
  }
});

test("bench: both figures through a transport, within the budget", () => {
  const t0 = performance.now();
  const b = benchAlgorithm(emulator(), byName("xts(aes)"), { blockBytes: 4096, budgetMs: 20 });
  assert.ok(performance.now() - t0 < 1000);
  assert.equal(b.blockBytes, 4096);
  assert.ok((b.afAlgBytesPerSec ?? 0) > 0 && (b.nodeBytesPerSec ?? 0) > 0, JSON.stringify(b));
  const missing = benchAlgorithm(emulator(), byName("ccm(aes)"), { budgetMs: 1 });
  assert.equal(missing.afAlgFailure, "bind: ENOENT");
});

/** Records every call the transport makes; answers from a script. */
function recordingSockets(script: { bindErrno?: number; recvErrno?: number } = {}) {
  const calls: string[] = [];
  let errno = 0;
  const sockets: LibcSockets = {
    socket: (d, t, p) => (calls.push(`socket ${d} ${t} ${p}`), 10),
    socketpair: () => -1,
    bind: (fd, addr) => {
      calls.push(`bind ${fd} ${toHex(addr)}`);
      if (script.bindErrno === undefined) return 0;
      errno = script.bindErrno;
      return -1;
    },
    setsockopt: (fd, level, name, value, len) => (
      calls.push(`setsockopt ${fd} ${level} ${name} ${value ? toHex(value) : "NULL"} ${len}`),
      0
    ),
    accept4: (fd, flags) => (calls.push(`accept4 ${fd} ${flags}`), 11),
    sendmsg: (fd, data, control, flags) => (
      calls.push(`sendmsg ${fd} ${toHex(data)} ${toHex(control)} ${flags}`),
      data.length
    ),
    recv: (fd, buf, flags) => {
      calls.push(`recv ${fd} ${buf.length} ${flags}`);
      if (script.recvErrno !== undefined) {
        errno = script.recvErrno;
        return -1;
      }
      buf.set([0xaa, 0xbb]);
      return 2;
    },
    close: (fd) => (calls.push(`close ${fd}`), 0),
    errno: () => errno,
  };
  return { sockets, calls };
}

test("kernel transport: the syscalls, their order and their bytes", () => {
  const { sockets, calls } = recordingSockets();
  const t = kernelTransport(sockets);
  if (t instanceof Error) assert.fail(t.message);
  const b = t.bind("aead", "gcm(aes)");
  assert.ok(b.ok);
  assert.deepEqual(b.value.setKey(h("0011")), { ok: true, value: undefined });
  assert.deepEqual(b.value.setAuthSize(16), { ok: true, value: undefined });
  const r = b.value.request({
    op: "encrypt",
    iv: h("0102"),
    assoclen: 1,
    data: h("ff"),
    outLen: 8,
  });
  assert.ok(r.ok);
  assert.deepEqual([...r.value], [0xaa, 0xbb]);
  b.value.request({ op: "decrypt", data: h("ee"), outLen: 4 });
  b.value.close();
  const ctl = toHex(
    controlMessages(requestControlMessages({ op: "encrypt", iv: h("0102"), assoclen: 1 })),
  );
  assert.deepEqual(calls, [
    `socket 38 ${5 | 0o2000000} 0`,
    `bind 10 ${toHex(sockaddrAlg("aead", "gcm(aes)"))}`,
    "setsockopt 10 279 1 0011 2",
    "setsockopt 10 279 5 NULL 16",
    `accept4 10 ${0o2000000}`,
    `sendmsg 11 ff ${ctl} 64`,
    "recv 11 8 64",
    `sendmsg 11 ee ${toHex(controlMessages(requestControlMessages({ op: "decrypt" })))} 64`,
    "recv 11 4 64",
    "close 11",
    "close 10",
  ]);
});

test("kernel transport: a bind error closes the socket; a failed read drops the op socket", () => {
  const enoent = recordingSockets({ bindErrno: 2 });
  const t = kernelTransport(enoent.sockets);
  if (t instanceof Error) assert.fail(t.message);
  assert.deepEqual(t.bind("skcipher", "xts(aes)"), {
    ok: false,
    failure: { step: "bind", errno: "ENOENT", errnoNumber: 2 },
  });
  assert.equal(enoent.calls.at(-1), "close 10");
  const bad = recordingSockets({ recvErrno: 74 });
  const t2 = kernelTransport(bad.sockets);
  if (t2 instanceof Error) assert.fail(t2.message);
  const b = t2.bind("aead", "gcm(aes)");
  assert.ok(b.ok);
  assert.deepEqual(b.value.request({ op: "decrypt", data: h("00"), outLen: 4 }), {
    ok: false,
    failure: { step: "read", errno: "EBADMSG", errnoNumber: 74 },
  });
  assert.equal(bad.calls.at(-1), "close 11");
  b.value.request({ op: "decrypt", data: h("00"), outLen: 4 });
  assert.equal(bad.calls.filter((c) => c.startsWith("accept4")).length, 2, "a fresh op socket");
  assert.deepEqual(b.value.request({ data: new Uint8Array(70_000), outLen: 4 }), {
    ok: false,
    failure: { step: "sendmsg", errno: "request too large" },
  });
});
