import { TlsDoctorError } from "../../core/index.js";
import type { Conn } from "../conn.js";
import type { DialectOptions, StartTlsDialect, StartTlsOutcome } from "./dialect.js";
import { starttlsError } from "./_reply.js";

/** Largest stream header + features we accept before giving up. */
export const MAX_XMPP_FEATURES = 64 * 1024;

const latin1 = (b: Uint8Array): string => Buffer.from(b).toString("latin1");

/** Length of the prefix of `buf` that ends with `marker` (regex), or undefined. */
function upTo(marker: RegExp, phase: string): (buf: Uint8Array) => number | undefined {
  return (buf) => {
    const text = latin1(buf);
    const m = marker.exec(text);
    if (m) return m.index + m[0].length;
    if (buf.length > MAX_XMPP_FEATURES) {
      throw new TlsDoctorError(
        "TLSD_LIMIT",
        `Cannot read ${phase}: more than ${MAX_XMPP_FEATURES} bytes without the end`,
        {
          details: { phase, limit: MAX_XMPP_FEATURES },
        },
      );
    }
    return undefined;
  };
}

/**
 * XMPP STARTTLS (RFC 6120 §5.4), client-to-server (jabber:client, 5222) and
 * server-to-server (jabber:server, 5269):
 *
 *   C: <?xml version='1.0'?><stream:stream xmlns='jabber:client'
 *        xmlns:stream='http://etherx.jabber.org/streams' to='example.org' version='1.0'>
 *   S: <stream:stream … from='example.org' id='…' version='1.0'>
 *   S: <stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>…</stream:features>
 *   C: <starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>
 *   S: <proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>        (or <failure …/>)
 */
function xmppLike(
  protocol: "xmpp" | "xmpp-server",
  ns: string,
  defaultPort: number,
): StartTlsDialect {
  return {
    protocol,
    defaultPort,
    async negotiate(conn: Conn, o: DialectOptions): Promise<StartTlsOutcome> {
      const open = `<?xml version='1.0'?><stream:stream xmlns='${ns}' xmlns:stream='http://etherx.jabber.org/streams' to='${o.serverName}' version='1.0'>`;
      conn.writeBytes(Buffer.from(open, "latin1"), open);
      const head = latin1(
        await conn.readMessage(
          upTo(
            /<\/stream:features>|<stream:features\s*\/>|<\/stream:stream>|<stream:error>[\s\S]*?<\/stream:error>/,
            "XMPP stream features",
          ),
          o.signal,
          "XMPP stream features",
        ),
      );
      conn.transcript.recv(head, false);
      if (/<stream:error>/.test(head)) {
        throw starttlsError(
          "XMPP stream features",
          false,
          head,
          `Server closed the stream with an error: ${/<stream:error>([\s\S]*?)<\/stream:error>/.exec(head)?.[1] ?? ""}`,
        );
      }
      const features = /<stream:features>([\s\S]*)<\/stream:features>/.exec(head)?.[1] ?? "";
      const capabilities = [...features.matchAll(/<([a-zA-Z][\w-]*)[\s/>]/g)]
        .map((m) => m[1] ?? "")
        .filter((n, i, a) => n && a.indexOf(n) === i && n !== "required" && n !== "mechanism");
      const from = /<stream:stream[^>]*\sfrom=['"]([^'"]+)['"]/.exec(head)?.[1];
      if (!/<starttls[^>]*urn:ietf:params:xml:ns:xmpp-tls/.test(features)) {
        throw starttlsError(
          "XMPP stream features",
          false,
          features,
          `Server does not offer STARTTLS: stream features are ${capabilities.join(", ") || "empty"}`,
        );
      }
      const req = "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>";
      conn.writeBytes(Buffer.from(req, "latin1"), req);
      const answer = latin1(
        await conn.readMessage(
          upTo(
            /<proceed[^>]*\/>|<proceed[^>]*>\s*<\/proceed>|<failure[\s\S]*?(\/>|<\/failure>)/,
            "XMPP STARTTLS reply",
          ),
          o.signal,
          "XMPP STARTTLS reply",
        ),
      );
      conn.transcript.recv(answer, false);
      if (!/<proceed/.test(answer))
        throw starttlsError(
          "XMPP STARTTLS reply",
          true,
          answer,
          `Server refused STARTTLS: ${answer}`,
        );
      return {
        banner: /<stream:stream[^>]*>/.exec(head)?.[0] ?? "",
        capabilities,
        facts: from ? { "stream from": from } : {},
      };
    },
  };
}

export const xmpp = xmppLike("xmpp", "jabber:client", 5222);
export const xmppServer = xmppLike("xmpp-server", "jabber:server", 5269);
