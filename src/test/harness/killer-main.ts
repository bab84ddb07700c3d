// A TLS front end that dies on particular hellos, like haproxy in seeds/004
// (a LOW-cipher ClientHello sent OpenSSL into Kerberos, and krb5 abort()ed):
//   node killer-main.js --port P --backend-port B --kill-suites 0x0009,0x0015 [--kill-ext 15]
// Reads each connection's ClientHello (TLS records, or an SSLv2-format
// hello); if it offers a kill suite or extension, writes "KILLED …" to stderr
// and aborts (SIGABRT). Otherwise it relays the connection to the backend
// (an openssl s_server). Bytes that are not a hello close the connection.
import { connect, createServer, type Socket } from "node:net";
import { codec } from "../../wire/index.js";

const { HandshakeReassembler, parseClientHello, readRecord } = codec;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const codes = (s: string | undefined): Set<number> =>
  new Set(
    (s ?? "")
      .split(",")
      .filter(Boolean)
      .map((x) => Number.parseInt(x, x.startsWith("0x") ? 16 : 10)),
  );

const port = Number(arg("--port"));
const backend = Number(arg("--backend-port"));
const killSuites = codes(arg("--kill-suites"));
const killExts = codes(arg("--kill-ext"));

/** The suites and extension types of the hello at the start of `buf`, or "more"/"bad". */
function hello(buf: Uint8Array): { suites: number[]; exts: number[] } | "more" | "bad" {
  try {
    const first = readRecord(buf, 0);
    if (first.kind === "need-more") return "more";
    if (first.kind === "sslv2") {
      const b = first.record.body;
      const n = ((b[3] as number) << 8) | (b[4] as number);
      const suites: number[] = [];
      for (let i = 9; i + 2 < 9 + n && i + 2 < b.length; i += 3) {
        suites.push(((b[i] as number) << 16) | ((b[i + 1] as number) << 8) | (b[i + 2] as number));
      }
      return { suites, exts: [] };
    }
    const hs = new HandshakeReassembler();
    let pos = 0;
    for (;;) {
      const r = readRecord(buf, pos, { allowSslv2: false });
      if (r.kind !== "record") return "more";
      pos = r.next;
      const m = hs.push(r.record.fragment)[0];
      if (m !== undefined) {
        const ch = parseClientHello(m.body);
        return { suites: [...ch.cipherSuites], exts: ch.extensions.map((e) => e.type) };
      }
    }
  } catch {
    return "bad";
  }
}

function handle(sock: Socket): void {
  let buf = new Uint8Array(0);
  const onData = (chunk: Buffer): void => {
    const next = new Uint8Array(buf.length + chunk.length);
    next.set(buf);
    next.set(chunk, buf.length);
    buf = next;
    const h = hello(buf);
    if (h === "more") {
      if (buf.length > 65_536) sock.destroy();
      return;
    }
    sock.off("data", onData);
    if (h === "bad") {
      sock.destroy();
      return;
    }
    const suite = h.suites.find((s) => killSuites.has(s));
    const ext = h.exts.find((e) => killExts.has(e));
    if (suite !== undefined || ext !== undefined) {
      process.stderr.write(
        `KILLED by ${suite !== undefined ? `suite 0x${suite.toString(16).padStart(4, "0")}` : `extension ${ext}`}\n`,
      );
      process.abort();
    }
    const up = connect({ host: "127.0.0.1", port: backend });
    up.on("error", () => sock.destroy());
    sock.on("error", () => up.destroy());
    up.write(buf);
    sock.pipe(up);
    up.pipe(sock);
  };
  sock.on("data", onData);
  sock.on("error", () => sock.destroy());
}

createServer(handle).listen(port, "127.0.0.1");
