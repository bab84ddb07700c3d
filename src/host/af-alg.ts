/**
 * AF_ALG: the kernel crypto API's socket interface (Documentation/crypto/
 * userspace-if.rst, include/uapi/linux/if_alg.h). A "tfm" socket is bound to
 * a type ("skcipher", "aead", "hash") and an algorithm name; the key goes in
 * with setsockopt(SOL_ALG, ALG_SET_KEY); accept() gives an operation socket;
 * sendmsg() carries the data, with the operation, IV and AAD length as
 * SOL_ALG control messages; read() gives the result.
 *
 * The bytes of sockaddr_alg and of the control messages are built by pure
 * functions (tested byte by byte); the syscalls sit behind
 * {@link AfAlgTransport}, so the known-answer logic can be tested with a
 * transport that returns whatever a test wants.
 */
import { createCipheriv, createHash, createHmac, type CipherGCMTypes } from "node:crypto";
import { constants as osConstants, endianness } from "node:os";
import { TlsDoctorError, messageOf } from "../core/index.js";
import { tryFfi } from "./ffi.js";

export const AF_ALG = 38;
export const AF_UNIX = 1;
export const SOCK_SEQPACKET = 5;
/** O_CLOEXEC's value on x86, arm, powerpc, s390, riscv (not sparc/alpha/parisc). */
export const SOCK_CLOEXEC = 0o2000000;
export const SOL_ALG = 279;
export const ALG_SET_KEY = 1;
export const ALG_SET_IV = 2;
export const ALG_SET_OP = 3;
export const ALG_SET_AEAD_ASSOCLEN = 4;
export const ALG_SET_AEAD_AUTHSIZE = 5;
export const ALG_OP_DECRYPT = 0;
export const ALG_OP_ENCRYPT = 1;
export const MSG_DONTWAIT = 0x40;
/** sizeof(struct sockaddr_alg): 2 + 14 + 4 + 4 + 64. */
export const SOCKADDR_ALG_SIZE = 88;
/** Largest request sent: well under the socket's default sndbuf, so sendmsg never waits. */
export const MAX_REQUEST = 64 * 1024;

export type AlgSocketType = "skcipher" | "aead" | "hash" | "rng";

/** Byte order and sizeof(size_t) of the ABI the bytes are for. */
export interface AbiLayout {
  readonly littleEndian: boolean;
  readonly sizeT: 4 | 8;
}

const ARCH_64 = ["x64", "arm64", "ppc64", "s390x", "riscv64", "loong64", "mips64el"];
export const NATIVE_ABI: AbiLayout = {
  littleEndian: endianness() === "LE",
  sizeT: ARCH_64.includes(process.arch) ? 8 : 4,
};

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

/**
 * struct sockaddr_alg (if_alg.h):
 *
 *     struct sockaddr_alg {
 *         __u16 salg_family;      // AF_ALG
 *         __u8  salg_type[14];    // "skcipher", NUL-terminated
 *         __u32 salg_feat;
 *         __u32 salg_mask;
 *         __u8  salg_name[64];    // "xts(aes)", NUL-terminated
 *     };
 *
 * The kernel (crypto/af_alg.c alg_bind) only accepts CRYPTO_ALG_KERN_DRIVER_ONLY
 * in feat and mask; tlsdoctor passes 0.
 */
export function sockaddrAlg(
  type: string,
  name: string,
  options: { feat?: number; mask?: number; layout?: AbiLayout } = {},
): Uint8Array {
  const t = ascii(type);
  const n = ascii(name);
  if (t.length === 0 || t.length > 13) {
    throw new TlsDoctorError(
      "TLSD_USAGE",
      `Cannot build sockaddr_alg: type ${JSON.stringify(type)} is ${t.length} bytes, 1 to 13 fit`,
    );
  }
  if (n.length === 0 || n.length > 63 || n.includes(0)) {
    throw new TlsDoctorError(
      "TLSD_USAGE",
      `Cannot build sockaddr_alg: name ${JSON.stringify(name)} is ${n.length} bytes, 1 to 63 fit`,
    );
  }
  const le = (options.layout ?? NATIVE_ABI).littleEndian;
  const out = new Uint8Array(SOCKADDR_ALG_SIZE);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, AF_ALG, le);
  out.set(t, 2);
  dv.setUint32(16, options.feat ?? 0, le);
  dv.setUint32(20, options.mask ?? 0, le);
  out.set(n, 24);
  return out;
}

export interface ControlMessage {
  readonly level: number;
  readonly type: number;
  readonly data: Uint8Array;
}

/** CMSG_ALIGN: glibc rounds to sizeof(size_t) (bits/socket.h). */
export const cmsgAlign = (len: number, layout: AbiLayout = NATIVE_ABI): number =>
  Math.ceil(len / layout.sizeT) * layout.sizeT;

/**
 * The control buffer for sendmsg: each message is
 *
 *     struct cmsghdr { size_t cmsg_len; int cmsg_level; int cmsg_type; };
 *
 * followed by its data; cmsg_len = CMSG_LEN(data) (header + data, unpadded)
 * and each message takes CMSG_SPACE(data) bytes (both parts padded to
 * CMSG_ALIGN), zero padding included.
 */
export function controlMessages(
  messages: readonly ControlMessage[],
  layout: AbiLayout = NATIVE_ABI,
): Uint8Array {
  const hdr = cmsgAlign(layout.sizeT + 8, layout);
  const total = messages.reduce((s, m) => s + hdr + cmsgAlign(m.data.length, layout), 0);
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  let off = 0;
  for (const m of messages) {
    const len = hdr + m.data.length;
    if (layout.sizeT === 8) dv.setBigUint64(off, BigInt(len), layout.littleEndian);
    else dv.setUint32(off, len, layout.littleEndian);
    dv.setInt32(off + layout.sizeT, m.level, layout.littleEndian);
    dv.setInt32(off + layout.sizeT + 4, m.type, layout.littleEndian);
    out.set(m.data, off + hdr);
    off += hdr + cmsgAlign(m.data.length, layout);
  }
  return out;
}

const u32 = (v: number, layout: AbiLayout): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v, layout.littleEndian);
  return b;
};

export interface AfAlgRequest {
  /** skcipher and aead: ALG_SET_OP. Absent for hashes. */
  readonly op?: "encrypt" | "decrypt";
  /** ALG_SET_IV, as struct af_alg_iv { __u32 ivlen; __u8 iv[]; }. */
  readonly iv?: Uint8Array;
  /** aead: ALG_SET_AEAD_ASSOCLEN, the leading bytes of data that are AAD. */
  readonly assoclen?: number;
  readonly data: Uint8Array;
  /** Size of the read buffer. */
  readonly outLen: number;
}

/** The SOL_ALG control messages of a request, in the order libkcapi sends them. */
export function requestControlMessages(
  req: Omit<AfAlgRequest, "data" | "outLen">,
  layout: AbiLayout = NATIVE_ABI,
): ControlMessage[] {
  const out: ControlMessage[] = [];
  if (req.op !== undefined) {
    const op = req.op === "encrypt" ? ALG_OP_ENCRYPT : ALG_OP_DECRYPT;
    out.push({ level: SOL_ALG, type: ALG_SET_OP, data: u32(op, layout) });
  }
  if (req.iv !== undefined) {
    const data = new Uint8Array(4 + req.iv.length);
    data.set(u32(req.iv.length, layout), 0);
    data.set(req.iv, 4);
    out.push({ level: SOL_ALG, type: ALG_SET_IV, data });
  }
  if (req.assoclen !== undefined) {
    out.push({ level: SOL_ALG, type: ALG_SET_AEAD_ASSOCLEN, data: u32(req.assoclen, layout) });
  }
  return out;
}

const ERRNO_NAMES = new Map<number, string>();
for (const [k, v] of Object.entries(osConstants.errno)) {
  // EWOULDBLOCK, ENOTSUP and EDEADLOCK alias EAGAIN, EOPNOTSUPP and EDEADLK.
  if (!ERRNO_NAMES.has(v) && !["EWOULDBLOCK", "ENOTSUP", "EDEADLOCK"].includes(k)) {
    ERRNO_NAMES.set(v, k);
  }
}
/** "EAFNOSUPPORT" for 97 (on Linux); "errno N" when unknown. */
export function errnoName(n: number): string {
  return ERRNO_NAMES.get(n) ?? `errno ${n}`;
}

export type AfAlgStep =
  "ffi" | "socket" | "bind" | "setkey" | "authsize" | "accept" | "sendmsg" | "read";

export interface AfAlgFailure {
  readonly step: AfAlgStep;
  /** Symbolic errno ("ENOENT"), or a short reason when there is no errno. */
  readonly errno: string;
  readonly errnoNumber?: number;
}

export type AfAlgOutcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: AfAlgFailure };

/** A bound tfm socket. */
export interface AfAlgTfm {
  setKey(key: Uint8Array): AfAlgOutcome<void>;
  /** aead: the tag length (passed as optlen with a NULL optval, as the kernel wants). */
  setAuthSize(size: number): AfAlgOutcome<void>;
  /** One operation: accept (once), sendmsg, read. Never blocks (MSG_DONTWAIT). */
  request(req: AfAlgRequest): AfAlgOutcome<Uint8Array>;
  close(): void;
}

export interface AfAlgTransport {
  /** socket(AF_ALG, SOCK_SEQPACKET) and bind. */
  bind(type: AlgSocketType, name: string): AfAlgOutcome<AfAlgTfm>;
}

/** The socket calls AF_ALG needs, through koffi; each returns -1 and sets errno on failure. */
export interface LibcSockets {
  socket(domain: number, type: number, protocol: number): number;
  socketpair(domain: number, type: number, protocol: number): [number, number] | number;
  bind(fd: number, addr: Uint8Array): number;
  setsockopt(
    fd: number,
    level: number,
    name: number,
    value: Uint8Array | null,
    len: number,
  ): number;
  accept4(fd: number, flags: number): number;
  /** sendmsg(2) with one iovec and a control buffer (may be empty). */
  sendmsg(fd: number, data: Uint8Array, control: Uint8Array, flags: number): number;
  recv(fd: number, buf: Uint8Array, flags: number): number;
  close(fd: number): number;
  errno(): number;
}

let sockets: LibcSockets | Error | undefined;

/** koffi bindings of the socket calls (cached), or why they cannot be had. */
export function libcSockets(): LibcSockets | Error {
  if (sockets !== undefined) return sockets;
  const f = tryFfi();
  if (f instanceof Error) return (sockets = f);
  try {
    const { koffi, libc } = f;
    const iovec = koffi.struct("tlsd_iovec", { iov_base: "void *", iov_len: "size_t" });
    // Registered by name; the sendmsg prototype below refers to it.
    koffi.struct("tlsd_msghdr", {
      msg_name: "void *",
      msg_namelen: "uint32_t",
      msg_iov: koffi.pointer(iovec),
      msg_iovlen: "size_t",
      msg_control: "void *",
      msg_controllen: "size_t",
      msg_flags: "int",
    });
    const socket = libc.func("int socket(int, int, int)");
    const socketpair = libc.func("int socketpair(int, int, int, _Out_ int *sv)");
    const bind = libc.func("int bind(int, const void *addr, uint32_t len)");
    const setsockopt = libc.func("int setsockopt(int, int, int, const void *val, uint32_t len)");
    const accept4 = libc.func("int accept4(int, void *addr, void *len, int)");
    const sendmsg = libc.func("long sendmsg(int, const tlsd_msghdr *msg, int)");
    const recv = libc.func("long recv(int, _Out_ void *buf, size_t len, int)");
    const close = libc.func("int close(int)");
    sockets = {
      socket: (d, t, p) => socket(d, t, p) as number,
      socketpair: (d, t, p) => {
        const sv = [-1, -1];
        const r = socketpair(d, t, p, sv) as number;
        return r < 0 ? r : [sv[0] ?? -1, sv[1] ?? -1];
      },
      bind: (fd, addr) => bind(fd, addr, addr.length) as number,
      setsockopt: (fd, level, name, value, len) =>
        setsockopt(fd, level, name, value, len) as number,
      accept4: (fd, flags) => accept4(fd, null, null, flags) as number,
      sendmsg: (fd, data, control, flags) =>
        Number(
          sendmsg(
            fd,
            {
              msg_name: null,
              msg_namelen: 0,
              msg_iov: [{ iov_base: data, iov_len: data.length }],
              msg_iovlen: 1,
              msg_control: control.length > 0 ? control : null,
              msg_controllen: control.length,
              msg_flags: 0,
            },
            flags,
          ),
        ),
      recv: (fd, buf, flags) => Number(recv(fd, buf, buf.length, flags)),
      close: (fd) => close(fd) as number,
      errno: () => koffi.errno(),
    };
  } catch (e) {
    sockets = new Error(`Cannot declare the socket calls: ${messageOf(e)}`);
  }
  return sockets;
}

/** The transport over real AF_ALG sockets. An Error when koffi or libc cannot load. */
export function kernelTransport(s: LibcSockets | Error = libcSockets()): AfAlgTransport | Error {
  if (s instanceof Error) return s;
  const fail = <T>(step: AfAlgStep): AfAlgOutcome<T> => {
    const n = s.errno();
    return { ok: false, failure: { step, errno: errnoName(n), errnoNumber: n } };
  };
  return {
    bind(type, name) {
      const fd = s.socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
      if (fd < 0) return fail("socket");
      if (s.bind(fd, sockaddrAlg(type, name)) < 0) {
        const r = fail<AfAlgTfm>("bind");
        s.close(fd);
        return r;
      }
      let opfd = -1;
      const tfm: AfAlgTfm = {
        setKey(key) {
          if (s.setsockopt(fd, SOL_ALG, ALG_SET_KEY, key, key.length) < 0) return fail("setkey");
          return { ok: true, value: undefined };
        },
        setAuthSize(size) {
          if (s.setsockopt(fd, SOL_ALG, ALG_SET_AEAD_AUTHSIZE, null, size) < 0) {
            return fail("authsize");
          }
          return { ok: true, value: undefined };
        },
        request(req) {
          if (req.data.length > MAX_REQUEST || req.outLen > MAX_REQUEST + 1024) {
            return { ok: false, failure: { step: "sendmsg", errno: "request too large" } };
          }
          if (opfd < 0) {
            opfd = s.accept4(fd, SOCK_CLOEXEC);
            if (opfd < 0) return fail("accept");
          }
          const control = controlMessages(requestControlMessages(req));
          // Without MSG_MORE the kernel processes the request at the next read;
          // MSG_DONTWAIT keeps a full socket buffer from blocking us.
          const sent = s.sendmsg(opfd, req.data, control, MSG_DONTWAIT);
          const out = new Uint8Array(req.outLen);
          const got = sent === req.data.length ? s.recv(opfd, out, MSG_DONTWAIT) : -1;
          if (got >= 0) return { ok: true, value: out.subarray(0, got) };
          const r: AfAlgOutcome<Uint8Array> =
            sent < 0
              ? fail("sendmsg")
              : sent !== req.data.length
                ? {
                    ok: false,
                    failure: {
                      step: "sendmsg",
                      errno: `short write (${sent} of ${req.data.length})`,
                    },
                  }
                : fail("read");
          // Whatever the failed request left queued must not meet the next one.
          s.close(opfd);
          opfd = -1;
          return r;
        },
        close() {
          if (opfd >= 0) s.close(opfd);
          s.close(fd);
          opfd = -1;
        },
      };
      return { ok: true, value: tfm };
    },
  };
}

// ---------------------------------------------------------------------------
// Known-answer tests: the same key, IV and message through AF_ALG and
// node:crypto (OpenSSL), compared byte for byte.

/** How the kernel lays out an AEAD's key, IV and AAD. */
export type AeadLayout = "gcm" | "ccm" | "rfc4106" | "rfc7539";

export interface KatAlgorithm {
  /** The kernel's cra_name. */
  readonly name: string;
  readonly type: "skcipher" | "aead" | "hash";
  /** Key bytes given to the kernel (0: a plain hash). */
  readonly keyLen: number;
  /** IV bytes given to the kernel (0: none, e.g. ecb). */
  readonly ivLen: number;
  readonly dataLen: number;
  readonly aead?: AeadLayout;
  readonly authSize?: number;
  readonly assocLen?: number;
  /** node:crypto cipher or hash name; "cmac" is AES-CMAC built on aes-cbc. */
  readonly node: string;
  readonly mac?: "hmac" | "cmac";
  /** Who needs it from the kernel (userspace via AF_ALG, or kernel-internal). */
  readonly users: readonly string[];
}

const sk = (name: string, keyLen: number, ivLen: number, node: string, users: string[]) =>
  ({ name, type: "skcipher", keyLen, ivLen, dataLen: 512, node, users }) as const;
const ae = (
  name: string,
  aead: AeadLayout,
  keyLen: number,
  ivLen: number,
  node: string,
  users: string[],
) =>
  ({
    name,
    type: "aead",
    aead,
    keyLen,
    ivLen,
    dataLen: 64,
    authSize: 16,
    assocLen: 16,
    node,
    users,
  }) as const;
const ha = (name: string, node: string, users: string[], mac?: "hmac" | "cmac", keyLen = 0) =>
  ({
    name,
    type: "hash",
    keyLen,
    ivLen: 0,
    dataLen: 300,
    node,
    users,
    ...(mac ? { mac } : {}),
  }) as const;

/** The algorithms cryptsetup, systemd, iwd, kTLS and IPsec ask the kernel for. */
export const KAT_ALGORITHMS: readonly KatAlgorithm[] = [
  sk("xts(aes)", 64, 16, "aes-256-xts", [
    "cryptsetup/dm-crypt (LUKS default aes-xts-plain64)",
    "systemd-cryptsetup, systemd-homed",
    "cryptsetup benchmark",
  ]),
  sk("cbc(aes)", 32, 16, "aes-256-cbc", [
    "cryptsetup (aes-cbc-essiv)",
    "openssl afalg engine",
    "iwd/ell",
    "libkcapi",
  ]),
  sk("ecb(aes)", 32, 0, "aes-256-ecb", ["iwd/ell (AES key wrap)", "cryptsetup benchmark"]),
  sk("ctr(aes)", 32, 16, "aes-256-ctr", ["iwd/ell (AES-SIV for FILS)", "libkcapi"]),
  ae("gcm(aes)", "gcm", 32, 12, "aes-256-gcm", [
    "kTLS (TLS_AES_*_GCM)",
    "IPsec ESP",
    "MACsec",
    "libkcapi",
  ]),
  ae("ccm(aes)", "ccm", 32, 16, "aes-256-ccm", ["kTLS (TLS_AES_128_CCM)", "mac80211 CCMP"]),
  ae("rfc4106(gcm(aes))", "rfc4106", 36, 8, "aes-256-gcm", [
    "IPsec ESP (strongSwan, libreswan through XFRM)",
  ]),
  ae("rfc7539(chacha20,poly1305)", "rfc7539", 32, 12, "chacha20-poly1305", [
    "kTLS (TLS_CHACHA20_POLY1305)",
    "IPsec ESP",
  ]),
  ha("sha1", "sha1", ["iwd/ell", "libkcapi"]),
  ha("sha256", "sha256", ["iwd/ell", "cryptsetup (kernel crypto backend)", "libkcapi"]),
  ha("sha512", "sha512", ["iwd/ell", "libkcapi"]),
  ha("md5", "md5", ["iwd/ell (EAP-MSCHAPv2, TLS 1.0 PRF)"]),
  ha("hmac(sha1)", "sha1", ["iwd/ell (WPA PSK, PRF)"], "hmac", 20),
  ha(
    "hmac(sha256)",
    "sha256",
    [
      "systemd khash (older releases: app-specific machine ids)",
      "iwd/ell",
      "cryptsetup (kernel crypto backend)",
    ],
    "hmac",
    32,
  ),
  ha("cmac(aes)", "cmac", ["iwd/ell (BIP, FILS, SAE)"], "cmac", 16),
];

/** Deterministic test bytes (no randomness: a failing KAT must reproduce). */
export function katPattern(len: number, seed: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = (i * 31 + seed * 17 + ((i >> 8) ^ seed)) & 0xff;
  return out;
}

export interface KatVector {
  readonly key: Uint8Array;
  /** The IV as the kernel takes it (ccm: 16 bytes with L' in byte 0; rfc4106: 8 bytes). */
  readonly iv: Uint8Array;
  /** aead: the assoclen bytes that lead the request. */
  readonly aad: Uint8Array;
  readonly plaintext: Uint8Array;
}

export function katVector(alg: KatAlgorithm, dataLen = alg.dataLen, seed = 1): KatVector {
  const iv = katPattern(alg.ivLen, seed + 2);
  // CCM: iv[0] = L - 1 with a 12-byte nonce (L = 3), the counter bytes zero
  // (crypto/ccm.c crypto_ccm_check_iv accepts L' 1..7).
  if (alg.aead === "ccm") iv.set([2, ...iv.subarray(1, 13), 0, 0, 0]);
  const aad = katPattern(alg.assocLen ?? 0, seed + 3);
  // rfc4106: the last 8 AAD bytes are the IV, as ESP lays them out (RFC 4106 §5).
  if (alg.aead === "rfc4106") aad.set(iv, aad.length - 8);
  return { key: katPattern(alg.keyLen, seed), iv, aad, plaintext: katPattern(dataLen, seed + 4) };
}

const cat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
};

/** AES-CMAC (RFC 4493): CBC-MAC over the message with the last block masked by K1 or K2. */
export function aesCmac(key: Uint8Array, msg: Uint8Array): Uint8Array {
  const aes = `aes-${key.length * 8}`;
  const ecb = createCipheriv(`${aes}-ecb`, key, null).setAutoPadding(false);
  const l = new Uint8Array(ecb.update(new Uint8Array(16)));
  const dbl = (b: Uint8Array): Uint8Array => {
    const out = new Uint8Array(16);
    for (let i = 0; i < 16; i++) out[i] = ((b[i] ?? 0) << 1) | ((b[i + 1] ?? 0) >> 7);
    if (((b[0] ?? 0) & 0x80) !== 0) out[15] = (out[15] ?? 0) ^ 0x87;
    return out;
  };
  const k1 = dbl(l);
  const complete = msg.length > 0 && msg.length % 16 === 0;
  const n = Math.max(1, Math.ceil(msg.length / 16));
  const last = new Uint8Array(16);
  last.set(msg.subarray((n - 1) * 16));
  if (!complete) last[msg.length - (n - 1) * 16] = 0x80;
  const mask = complete ? k1 : dbl(k1);
  for (let i = 0; i < 16; i++) last[i] = (last[i] ?? 0) ^ (mask[i] ?? 0);
  const cbc = createCipheriv(`${aes}-cbc`, key, new Uint8Array(16)).setAutoPadding(false);
  const out = cbc.update(cat(msg.subarray(0, (n - 1) * 16), last));
  return new Uint8Array(out.subarray(out.length - 16));
}

/**
 * What a correct kernel returns for `v`, computed by node:crypto: the
 * ciphertext (skcipher), ciphertext then tag (aead), or the digest or MAC.
 */
export function katReferenceOutput(alg: KatAlgorithm, v: KatVector): Uint8Array {
  if (alg.type === "hash") {
    if (alg.mac === "cmac") return aesCmac(v.key, v.plaintext);
    if (alg.mac === "hmac")
      return new Uint8Array(createHmac(alg.node, v.key).update(v.plaintext).digest());
    return new Uint8Array(createHash(alg.node).update(v.plaintext).digest());
  }
  if (alg.type === "skcipher") {
    const c = createCipheriv(alg.node, v.key, alg.ivLen > 0 ? v.iv : null).setAutoPadding(false);
    return cat(c.update(v.plaintext), c.final());
  }
  const authTagLength = alg.authSize ?? 16;
  let key = v.key;
  let iv = v.iv;
  let aad = v.aad;
  if (alg.aead === "ccm") iv = v.iv.subarray(1, 13);
  if (alg.aead === "rfc4106") {
    // The key ends with the 4-byte salt; the GCM nonce is salt || IV and the
    // GCM AAD is assoclen - 8 bytes (crypto/gcm.c crypto_rfc4106_crypt).
    key = v.key.subarray(0, v.key.length - 4);
    iv = cat(v.key.subarray(v.key.length - 4), v.iv);
    aad = v.aad.subarray(0, v.aad.length - 8);
  }
  // CipherGCM's interface fits CCM and ChaCha20-Poly1305 too (CCM needs plaintextLength).
  const c = createCipheriv(alg.node as CipherGCMTypes, key, iv, { authTagLength });
  c.setAAD(aad, { plaintextLength: v.plaintext.length });
  const body = cat(c.update(v.plaintext), c.final());
  return cat(body, c.getAuthTag());
}

/** The encrypt (or digest) request for `v`. */
export function katEncryptRequest(alg: KatAlgorithm, v: KatVector): AfAlgRequest {
  const extra = alg.type === "aead" ? v.aad.length + (alg.authSize ?? 0) : 0;
  return {
    ...(alg.type === "hash" ? {} : { op: "encrypt" as const }),
    ...(alg.ivLen > 0 ? { iv: v.iv } : {}),
    ...(alg.type === "aead" ? { assoclen: v.aad.length } : {}),
    data: alg.type === "aead" ? cat(v.aad, v.plaintext) : v.plaintext,
    outLen: alg.type === "hash" ? 64 : v.plaintext.length + extra,
  };
}

export type KatVerdict = "ok" | "wrong" | "error" | "not-run";

/** One algorithm through AF_ALG: JSON-serialisable, part of the live facts. */
export interface AfAlgCheck {
  readonly name: string;
  readonly type: KatAlgorithm["type"];
  readonly bound: boolean;
  /** The first step that failed, with its errno. */
  readonly failure?: AfAlgFailure;
  readonly kat: KatVerdict;
  /** For "wrong": which operation, where the bytes first differ, both prefixes in hex. */
  readonly katDetail?: string;
}

const hex = (b: Uint8Array, max = 24): string =>
  Buffer.from(b.subarray(0, max)).toString("hex") + (b.length > max ? "…" : "");

function compare(what: string, expected: Uint8Array, got: Uint8Array): string | undefined {
  let i = 0;
  while (i < expected.length && i < got.length && expected[i] === got[i]) i++;
  if (i === expected.length && got.length === expected.length) return undefined;
  const at =
    i < Math.min(expected.length, got.length) ? `first difference at byte ${i}` : "length differs";
  return `${what}: ${got.length} bytes back for ${expected.length} expected, ${at}; expected ${hex(expected)}, got ${hex(got)}`;
}

/** The tail of an AEAD result: kernels since 4.9 return the AAD first, older ones not. */
const tail = (b: Uint8Array, n: number): Uint8Array =>
  b.length >= n ? b.subarray(b.length - n) : b;

/**
 * Binds `alg`, sets the key (and tag size), encrypts (or hashes) a fixed
 * vector and, for ciphers, decrypts the reference ciphertext back; compares
 * both with node:crypto. The tfm is always closed.
 */
export function runKat(transport: AfAlgTransport, alg: KatAlgorithm): AfAlgCheck {
  const base = { name: alg.name, type: alg.type };
  const bound = transport.bind(alg.type, alg.name);
  if (!bound.ok) return { ...base, bound: false, failure: bound.failure, kat: "not-run" };
  const tfm = bound.value;
  const error = (failure: AfAlgFailure): AfAlgCheck => ({
    ...base,
    bound: true,
    failure,
    kat: "error",
  });
  try {
    const v = katVector(alg);
    if (alg.keyLen > 0) {
      const r = tfm.setKey(v.key);
      if (!r.ok) return error(r.failure);
    }
    if (alg.type === "aead") {
      const r = tfm.setAuthSize(alg.authSize ?? 16);
      if (!r.ok) return error(r.failure);
    }
    const expected = katReferenceOutput(alg, v);
    const enc = tfm.request(katEncryptRequest(alg, v));
    if (!enc.ok) return error(enc.failure);
    const got = alg.type === "aead" ? tail(enc.value, expected.length) : enc.value;
    let wrong = compare(alg.type === "hash" ? "digest" : "encrypt", expected, got);
    if (wrong === undefined && alg.type !== "hash") {
      const dec = tfm.request({
        op: "decrypt",
        ...(alg.ivLen > 0 ? { iv: v.iv } : {}),
        ...(alg.type === "aead" ? { assoclen: v.aad.length } : {}),
        data: alg.type === "aead" ? cat(v.aad, expected) : expected,
        outLen: v.aad.length + expected.length,
      });
      if (!dec.ok) return error(dec.failure);
      wrong = compare("decrypt", v.plaintext, tail(dec.value, v.plaintext.length));
    }
    return {
      ...base,
      bound: true,
      kat: wrong === undefined ? "ok" : "wrong",
      ...(wrong ? { katDetail: wrong } : {}),
    };
  } finally {
    tfm.close();
  }
}

export interface AfAlgBenchFigure {
  readonly blockBytes: number;
  /** Encryption (or hashing) throughput through AF_ALG, bytes per second. */
  readonly afAlgBytesPerSec?: number;
  /** The same work through node:crypto (OpenSSL in this process). */
  readonly nodeBytesPerSec?: number;
  /** Why there is no AF_ALG figure. */
  readonly afAlgFailure?: string;
}

export interface AfAlgBenchOptions {
  /** Bytes per operation, like cryptsetup benchmark's 4 KiB default... capped at MAX_REQUEST. */
  readonly blockBytes?: number;
  /** Wall-clock budget per side, in milliseconds. */
  readonly budgetMs?: number;
}

function measure(budgetMs: number, blockBytes: number, op: () => boolean): number | undefined {
  const start = performance.now();
  let n = 0;
  let elapsed = 0;
  do {
    if (!op()) return undefined;
    n++;
    elapsed = performance.now() - start;
  } while (elapsed < budgetMs && n < 1_000_000);
  return Math.round((n * blockBytes) / (elapsed / 1000));
}

/**
 * Throughput of `alg` for `blockBytes` blocks over about `budgetMs` each:
 * through AF_ALG (when a transport is given and the algorithm binds) and
 * through node:crypto, as `cryptsetup benchmark` shows encryption speed.
 */
export function benchAlgorithm(
  transport: AfAlgTransport | undefined,
  alg: KatAlgorithm,
  options: AfAlgBenchOptions = {},
): AfAlgBenchFigure {
  const blockBytes = Math.min(Math.max(16, options.blockBytes ?? 4096), MAX_REQUEST);
  const budgetMs = Math.min(Math.max(1, options.budgetMs ?? 300), 5000);
  const v = katVector(alg, blockBytes - (blockBytes % 16), 2);
  const nodeBytesPerSec = measure(
    budgetMs,
    v.plaintext.length,
    () => katReferenceOutput(alg, v).length > 0,
  );
  const out = { blockBytes: v.plaintext.length, ...(nodeBytesPerSec ? { nodeBytesPerSec } : {}) };
  if (transport === undefined) return { ...out, afAlgFailure: "no AF_ALG transport" };
  const bound = transport.bind(alg.type, alg.name);
  if (!bound.ok) return { ...out, afAlgFailure: `${bound.failure.step}: ${bound.failure.errno}` };
  const tfm = bound.value;
  try {
    let failure: AfAlgFailure | undefined;
    const ok = (r: AfAlgOutcome<unknown>): boolean => {
      if (!r.ok) failure = r.failure;
      return r.ok;
    };
    if (alg.keyLen > 0 && !ok(tfm.setKey(v.key)))
      return { ...out, afAlgFailure: `${failure?.step}: ${failure?.errno}` };
    if (alg.type === "aead" && !ok(tfm.setAuthSize(alg.authSize ?? 16))) {
      return { ...out, afAlgFailure: `${failure?.step}: ${failure?.errno}` };
    }
    const req = katEncryptRequest(alg, v);
    const afAlgBytesPerSec = measure(budgetMs, v.plaintext.length, () => ok(tfm.request(req)));
    if (afAlgBytesPerSec === undefined)
      return { ...out, afAlgFailure: `${failure?.step}: ${failure?.errno}` };
    return { ...out, afAlgBytesPerSec };
  } finally {
    tfm.close();
  }
}
