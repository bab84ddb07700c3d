// The IRC dialect against scripted replies (IRCv3 tls extension, CAP LS
// 302): which lines it skips, answers, accumulates, and where it stops.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Duplex } from "node:stream";
import { TlsDoctorError } from "../../core/index.js";
import { Conn } from "../conn.js";
import { Transcript } from "../transcript.js";
import { irc } from "./irc.js";
import type { StartTlsOutcome } from "./dialect.js";

/** A peer that sends `reply` once, stays open, and keeps what it is sent. */
function peer(reply: string): { stream: Duplex; written: string[] } {
  const written: string[] = [];
  let sent = false;
  const stream = new Duplex({
    read() {
      if (sent) return;
      sent = true;
      setImmediate(() => this.push(Buffer.from(reply, "latin1")));
    },
    write(chunk: Buffer, _enc, cb) {
      written.push(chunk.toString("latin1"));
      cb();
    },
  });
  return { stream, written };
}

async function negotiate(reply: string): Promise<{ out: StartTlsOutcome; written: string[] }> {
  const { stream, written } = peer(reply);
  const conn = new Conn(stream, new Transcript(), { tls: false });
  // AbortSignal.timeout does not keep the event loop alive; a real socket would.
  const keepAlive = setTimeout(() => undefined, 5000);
  try {
    const out = await irc.negotiate(conn, {
      serverName: "irc.test.invalid",
      clientName: "client.test.invalid",
      signal: AbortSignal.timeout(2000),
    });
    return { out, written };
  } finally {
    clearTimeout(keepAlive);
    stream.destroy();
  }
}

const isStartTls =
  (offered: boolean, pattern: RegExp) =>
  (e: unknown): boolean =>
    e instanceof TlsDoctorError &&
    e.code === "TLSD_STARTTLS" &&
    e.details["offered"] === offered &&
    pattern.test(e.message);

describe("IRC STARTTLS dialect", () => {
  it("skips NOTICEs, answers PING with PONG, and starts TLS at 670", async () => {
    const { out, written } = await negotiate(
      ":irc.test.invalid NOTICE * :*** Looking up your hostname...\r\n" +
        "PING :12345\r\n" +
        ":irc.test.invalid CAP * LS :multi-prefix tls sasl\r\n" +
        ":irc.test.invalid 670 * :STARTTLS successful, go ahead with TLS handshake\r\n",
    );
    assert.deepEqual(out.capabilities, ["multi-prefix", "tls", "sasl"]);
    assert.deepEqual(written, ["CAP LS\r\n", "STARTTLS\r\n", "PONG :12345\r\n"]);
  });

  it("CAP LS 302: a list split over `CAP * LS * :` lines is gathered before tls is looked for", async () => {
    const { out } = await negotiate(
      ":irc.test.invalid CAP * LS * :multi-prefix sasl=PLAIN\r\n" +
        ":irc.test.invalid CAP * LS :away-notify tls\r\n" +
        ":irc.test.invalid 670 * :STARTTLS successful\r\n",
    );
    assert.deepEqual(out.capabilities, ["multi-prefix", "sasl=PLAIN", "away-notify", "tls"]);
  });

  it("a CAP LS reply without tls is offered: false at once (InspIRCd then says nothing)", async () => {
    await assert.rejects(
      negotiate(
        ":irc.test.invalid CAP * LS :inspircd.org/poison inspircd.org/standard-replies \r\n",
      ),
      isStartTls(false, /CAP LS lists inspircd\.org\/poison .*no tls/),
    );
  });

  it("a first CAP LS line without tls is not the end when more lines follow", async () => {
    const { out } = await negotiate(
      ":irc.test.invalid CAP * LS * :multi-prefix\r\n" +
        ":irc.test.invalid CAP * LS :tls\r\n" +
        ":irc.test.invalid 670 * :STARTTLS successful\r\n",
    );
    assert.deepEqual(out.capabilities, ["multi-prefix", "tls"]);
  });

  it("a server without CAP (421 to CAP) is judged by its answer to STARTTLS", async () => {
    const { out } = await negotiate(
      ":old.test.invalid 421 * CAP :Unknown command\r\n" +
        ":old.test.invalid 670 * :STARTTLS successful\r\n",
    );
    assert.deepEqual(out.capabilities, []);
  });

  it("691 ERR_STARTTLS is a refusal of an offered STARTTLS", async () => {
    await assert.rejects(
      negotiate(
        ":irc.test.invalid CAP * LS :tls\r\n" + ":irc.test.invalid 691 * :STARTTLS failure\r\n",
      ),
      isStartTls(true, /691/),
    );
  });

  it("a silent server is TLSD_TIMEOUT naming the IRC step", async () => {
    await assert.rejects(
      negotiate(""),
      (e: unknown) =>
        e instanceof TlsDoctorError && e.code === "TLSD_TIMEOUT" && /IRC/.test(e.message),
    );
  });
});
