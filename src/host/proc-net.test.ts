import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { HostView } from "../core/index.js";
import {
  decodeProcNetAddress,
  formatIpv6,
  isListening,
  listListeners,
  parseProcNet,
  processSockets,
  PROC_NET_MAX_PROBLEMS,
  socketInode,
  viewProcNetByteOrder,
} from "./proc-net.js";

const HEADER =
  "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
/** A line as net/ipv4/tcp_ipv4.c get_tcp4_sock() prints it. */
const tcp4 = (local: string, remote: string, st: string, uid: number, inode: number): string =>
  `   0: ${local} ${remote} ${st} 00000000:00000000 00:00000000 00000000 ${String(uid).padStart(5)}        0 ${inode} 1 0000000000000000 100 0 0 10 0\n`;

test("tcp: little-endian words, ports through ntohs, state, uid and inode exactly", () => {
  const text =
    HEADER +
    tcp4("0100007F:0050", "00000000:0000", "0A", 1000, 12345) +
    tcp4("0100A8C0:C350", "0200A8C0:01BB", "01", 0, 777) +
    tcp4("00000000:01BB", "00000000:0000", "0A", 33, 4294967296);
  const p = parseProcNet(text, "tcp", "le");
  assert.deepEqual(p.problems, []);
  assert.deepEqual(p.sockets, [
    {
      proto: "tcp",
      localAddress: "127.0.0.1",
      localPort: 80,
      remoteAddress: "0.0.0.0",
      remotePort: 0,
      state: 0x0a,
      uid: 1000,
      inode: 12345,
    },
    {
      proto: "tcp",
      localAddress: "192.168.0.1",
      localPort: 50000,
      remoteAddress: "192.168.0.2",
      remotePort: 443,
      state: 1,
      uid: 0,
      inode: 777,
    },
    {
      proto: "tcp",
      localAddress: "0.0.0.0",
      localPort: 443,
      remoteAddress: "0.0.0.0",
      remotePort: 0,
      state: 0x0a,
      uid: 33,
      inode: 4294967296,
    },
  ]);
  assert.deepEqual(p.sockets.map(isListening), [true, false, true]);
});

test("big-endian hosts print the same address the other way round", () => {
  assert.equal(decodeProcNetAddress("7F000001", "be"), "127.0.0.1");
  assert.equal(decodeProcNetAddress("0100007F", "be"), "1.0.0.127");
  assert.equal(decodeProcNetAddress("0100007F", "le"), "127.0.0.1");
  // ::1 — four words, each its own __be32
  assert.equal(decodeProcNetAddress("00000000000000000000000001000000", "le"), "::1");
  assert.equal(decodeProcNetAddress("00000000000000000000000000000001", "be"), "::1");
  assert.equal(decodeProcNetAddress("B80D0120000000000000000001000000", "le"), "2001:db8::1");
  assert.equal(decodeProcNetAddress("20010DB8000000000000000000000001", "be"), "2001:db8::1");
  for (const bad of ["", "0100007", "0100007G", "0".repeat(31), "0".repeat(33), "0".repeat(16)])
    assert.equal(decodeProcNetAddress(bad, "le"), undefined, bad);
});

test("tcp6: IPv4-mapped, wildcard and link-local addresses", () => {
  const line = (local: string, inode: number): string =>
    `   1: ${local}:2710 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000   108        0 ${inode} 1 0000000000000000 100 0 0 10 0\n`;
  const text =
    "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" +
    line("0000000000000000FFFF00000100007F", 1) +
    line("00000000000000000000000000000000", 2) +
    line("000080FE00000000FF005002944812FE", 3);
  const p = parseProcNet(text, "tcp6", "le");
  assert.deepEqual(p.problems, []);
  assert.deepEqual(
    p.sockets.map((s) => [s.localAddress, s.localPort, s.uid, s.inode]),
    [
      ["::ffff:127.0.0.1", 10000, 108, 1],
      ["::", 10000, 108, 2],
      ["fe80::250:ff:fe12:4894", 10000, 108, 3],
    ],
  );
  // An IPv4 line in the tcp6 file (or the reverse) is refused, not mis-decoded.
  assert.equal(
    parseProcNet(HEADER + tcp4("0100007F:0050", "00000000:0000", "0A", 0, 1), "tcp6", "le").problems
      .length,
    1,
  );
  assert.equal(parseProcNet(text, "tcp", "le").sockets.length, 0);
});

test("udp: a bound, unconnected socket (CLOSE, remote port 0) listens; a connected one does not", () => {
  const text =
    "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n" +
    "  123: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 555 2 0000000000000000 0\n" +
    "  124: 0100007F:A1B2 0101A8C0:0035 01 00000000:00000000 00:00000000 00000000  1000        0 556 2 0000000000000000 0\n";
  const p = parseProcNet(text, "udp", "le");
  assert.deepEqual(p.problems, []);
  assert.deepEqual(
    p.sockets.map((s) => [s.localPort, isListening(s)]),
    [
      [53, true],
      [0xa1b2, false],
    ],
  );
});

test("formatIpv6 follows RFC 5952 (agrees with the WHATWG URL serialiser)", () => {
  const f = (hex: string): string =>
    formatIpv6(hex.match(/../g)?.map((b) => parseInt(b, 16)) ?? []);
  assert.equal(f("20010db8000000000001000000000001"), "2001:db8::1:0:0:1");
  assert.equal(f("20010db8000000010001000100010001"), "2001:db8:0:1:1:1:1:1");
  assert.equal(f("00000000000000000000000000000000"), "::");
  assert.equal(f("00010000000000000000000000000000"), "1::");
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom(0, 0, 0, 1, 0xffff, 0xdb8, 0xabcd), { minLength: 8, maxLength: 8 }),
      (g) => {
        const bytes = g.flatMap((x) => [x >> 8, x & 0xff]);
        if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return; // URL prints mapped addresses in hex
        const viaUrl = new URL(
          `http://[${g.map((x) => x.toString(16)).join(":")}]/`,
        ).hostname.slice(1, -1);
        assert.equal(formatIpv6(bytes), viaUrl);
      },
    ),
  );
});

test("this machine's /proc/net files parse without a problem", () => {
  for (const proto of ["tcp", "tcp6", "udp", "udp6"] as const) {
    let text: string;
    try {
      text = readFileSync(`/proc/net/${proto}`, "utf8");
    } catch {
      continue; // IPv6 disabled
    }
    const p = parseProcNet(text, proto, "le");
    assert.deepEqual(p.problems, [], proto);
    assert.equal(p.sockets.length, text.trim().split("\n").length - 1, proto);
  }
});

test("hostile input: junk lines become problems, bounded, never an exception", () => {
  const junk = [
    "garbage",
    "   0: 0100007F:0050",
    "   0: 0100007F:00500 00000000:0000 0A 0 0 0 0 0 1",
    "   0: XYZ:0050 00000000:0000 0A 0 0 0 0 0 1",
    "   0: 0100007F:0050 00000000:0000 ZZ 0 0 0 0 0 1",
    "   0: 0100007F:0050 00000000:0000 0A 0 0 0 -1 0 1",
    "   0: 0100007F:0050 00000000:0000 0A 0 0 0 0 0 99999999999999999999",
    "   0: 0100007F:0050 00000000:0000 0A 0 0 0 99999999999 0 1",
    "x: 0100007F:0050 00000000:0000 0A 0 0 0 0 0 1",
    "   0: " + "A".repeat(100_000),
  ].join("\n");
  const p = parseProcNet(HEADER + junk, "tcp", "le");
  assert.equal(p.sockets.length, 0);
  assert.equal(p.problems.length, 10);
  assert.match(p.problems[1] ?? "", /^line 3: 2 fields/);
  assert.match(p.problems[9] ?? "", /longer than 4096/);
  const many = parseProcNet("junk\n".repeat(100_000), "tcp", "le");
  assert.equal(many.problems.length, PROC_NET_MAX_PROBLEMS + 1);
  assert.match(many.problems.at(-1) ?? "", /99980 more lines/);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
      const r = parseProcNet(new TextDecoder().decode(bytes), "tcp6", "le");
      assert.ok(r.problems.length <= PROC_NET_MAX_PROBLEMS + 1);
    }),
  );
  // A valid line with one random character changed: parsed or refused, never thrown.
  const good = tcp4("0100007F:0050", "00000000:0000", "0A", 0, 9).trimEnd();
  fc.assert(
    fc.property(fc.nat(good.length - 1), fc.string({ minLength: 1, maxLength: 1 }), (i, c) => {
      parseProcNet(HEADER + good.slice(0, i) + c + good.slice(i + 1), "tcp", "le");
    }),
  );
});

test("socketInode reads only socket:[N] links", () => {
  assert.equal(socketInode("socket:[3180139]"), 3180139);
  assert.equal(socketInode("pipe:[3180139]"), undefined);
  assert.equal(socketInode("/dev/null"), undefined);
  assert.equal(socketInode("socket:[99999999999999999999]"), undefined);
  assert.equal(socketInode("socket:[]"), undefined);
});

test("listListeners under a root: byte order from its /bin/sh, a missing file is a problem", () => {
  const dir = mkdtempSync(join(tmpdir(), "tlsd-procnet-"));
  try {
    mkdirSync(join(dir, "proc/net"), { recursive: true });
    mkdirSync(join(dir, "bin"));
    // e_ident of a big-endian ELF (s390x): EI_DATA = 2
    writeFileSync(join(dir, "bin/sh"), new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 2, 1, 0]));
    writeFileSync(
      join(dir, "proc/net/tcp"),
      HEADER +
        tcp4("7F000001:01BB", "00000000:0000", "0A", 0, 42) +
        tcp4("7F000001:C000", "7F000001:01BB", "01", 0, 43),
    );
    writeFileSync(join(dir, "proc/net/udp"), HEADER);
    const view = new HostView(dir);
    assert.deepEqual(viewProcNetByteOrder(view), {
      order: "be",
      how: "ELF data encoding of /bin/sh",
    });
    const l = listListeners(view);
    assert.deepEqual(l.listeners, [
      { proto: "tcp", address: "127.0.0.1", port: 443, inode: 42, uid: 0 },
    ]);
    assert.deepEqual(l.read, ["/proc/net/tcp", "/proc/net/udp"]);
    assert.equal(l.problems.length, 2);
    assert.match(l.problems[0] ?? "", /Cannot read \/proc\/net\/tcp6 .*no such file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("live: a socket this process listens on is listed, and its fd holds the inode", async () => {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    const port = (server.address() as AddressInfo).port;
    const view = new HostView("/");
    const l = listListeners(view).listeners.find((x) => x.port === port && x.proto === "tcp");
    assert.ok(l, `port ${port} not listed`);
    assert.equal(l.address, "127.0.0.1");
    assert.equal(l.uid, process.getuid?.());
    const mine = processSockets(view, process.pid);
    assert.ok(mine.inodes.includes(l.inode));
    assert.equal(mine.truncated, false);
    assert.equal(processSockets(view, process.pid, 1).truncated, true);
  } finally {
    server.close();
  }
});
