import { TlsDoctorError } from "../../core/index.js";
import type { Conn } from "../conn.js";
import type { DialectOptions, StartTlsDialect, StartTlsOutcome } from "./dialect.js";
import { starttlsError } from "./_reply.js";

/** Capability flags (MySQL client/server protocol, "Capabilities Flags"). */
export const CLIENT_LONG_PASSWORD = 0x1;
export const CLIENT_PROTOCOL_41 = 0x200;
export const CLIENT_SSL = 0x800;
export const CLIENT_SECURE_CONNECTION = 0x8000;
/** A handshake packet is small; refuse anything announcing more. */
export const MAX_MYSQL_PACKET = 64 * 1024;

export interface MysqlHandshake {
  readonly protocolVersion: number;
  readonly serverVersion: string;
  readonly connectionId: number;
  readonly capabilities: number;
  readonly charset: number;
}

/** Errors from the server before TLS: an ERR packet (0xff). */
export interface MysqlError {
  readonly code: number;
  readonly message: string;
}

function parseError(path: string, why: string, offset: number): TlsDoctorError {
  return new TlsDoctorError("TLSD_PARSE", `Cannot parse ${path}: ${why} at offset ${offset}`, {
    details: { path, offset },
  });
}

/**
 * Parses a HandshakeV10 payload (no packet header):
 *   1 protocol version (10) · NUL-terminated server version · 4 connection id ·
 *   8 auth-plugin-data part 1 · 1 filler · 2 capability flags (lower) ·
 *   [1 charset · 2 status · 2 capability flags (upper) · …]
 * Or an ERR packet: 0xff · 2 error code · [# + 5 SQL state] · message.
 */
export function parseMysqlGreeting(p: Uint8Array): MysqlHandshake | MysqlError {
  if (p.length === 0) throw parseError("HandshakeV10", "empty packet", 0);
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  if (p[0] === 0xff) {
    if (p.length < 3) throw parseError("ERR_Packet", "truncated error code", 1);
    let i = 3;
    if (p[i] === 0x23) i += 6;
    return {
      code: v.getUint16(1, true),
      message: Buffer.from(p.subarray(Math.min(i, p.length))).toString("utf8"),
    };
  }
  if (p[0] !== 10) throw parseError("HandshakeV10", `protocol version ${p[0]} is not 10`, 0);
  const nul = p.indexOf(0, 1);
  if (nul < 0) throw parseError("HandshakeV10.server_version", "no NUL terminator", 1);
  let i = nul + 1;
  if (p.length < i + 4 + 8 + 1 + 2)
    throw parseError("HandshakeV10", `packet of ${p.length} bytes is too short`, i);
  const connectionId = v.getUint32(i, true);
  i += 4 + 8 + 1;
  let capabilities = v.getUint16(i, true);
  i += 2;
  let charset = 0;
  if (p.length >= i + 5) {
    charset = p[i] ?? 0;
    capabilities |= v.getUint16(i + 3, true) << 16;
  }
  return {
    protocolVersion: 10,
    serverVersion: Buffer.from(p.subarray(1, nul)).toString("latin1"),
    connectionId,
    capabilities: capabilities >>> 0,
    charset,
  };
}

/**
 * SSLRequest packet (32-byte payload, sequence id 1):
 *   4 capability flags · 4 max packet size · 1 charset · 23 zero bytes
 */
export function sslRequestPacket(charset: number): Uint8Array {
  const out = new Uint8Array(4 + 32);
  const v = new DataView(out.buffer);
  v.setUint32(0, 32 | (1 << 24), true); // 3-byte length 32, sequence id 1
  v.setUint32(
    4,
    CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SSL | CLIENT_SECURE_CONNECTION,
    true,
  );
  v.setUint32(8, 16 * 1024 * 1024, true);
  out[12] = charset || 0x21;
  return out;
}

/**
 * MySQL / MariaDB: the server speaks first with HandshakeV10; a client that
 * wants TLS answers with an SSLRequest and starts TLS right after it.
 */
export const mysql: StartTlsDialect = {
  protocol: "mysql",
  defaultPort: 3306,
  async negotiate(conn: Conn, o: DialectOptions): Promise<StartTlsOutcome> {
    const header = await conn.readBytes(4, o.signal, "MySQL handshake packet");
    const len = (header[0] ?? 0) | ((header[1] ?? 0) << 8) | ((header[2] ?? 0) << 16);
    if (len > MAX_MYSQL_PACKET) {
      throw new TlsDoctorError(
        "TLSD_LIMIT",
        `Cannot read MySQL handshake: packet of ${len} bytes exceeds ${MAX_MYSQL_PACKET}`,
        {
          details: { phase: "MySQL handshake packet", limit: MAX_MYSQL_PACKET },
        },
      );
    }
    const payload = await conn.readBytes(len, o.signal, "MySQL handshake packet");
    const g = parseMysqlGreeting(payload);
    if ("message" in g) {
      conn.transcript.recv(`ERR ${g.code}: ${g.message}`);
      throw starttlsError(
        "MySQL handshake packet",
        false,
        g.message,
        `Server refused the connection: ${g.code} ${g.message}`,
      );
    }
    conn.transcript.recv(
      `HandshakeV10 server ${g.serverVersion}, connection ${g.connectionId}, capabilities 0x${g.capabilities.toString(16)}`,
    );
    const facts = { "server version": g.serverVersion };
    if ((g.capabilities & CLIENT_SSL) === 0) {
      throw starttlsError(
        "MySQL handshake packet",
        false,
        `capabilities 0x${g.capabilities.toString(16)}`,
        "Server does not offer SSL: CLIENT_SSL is not in its capability flags (have_ssl = DISABLED)",
      );
    }
    conn.writeBytes(sslRequestPacket(g.charset), "SSLRequest (CLIENT_SSL | CLIENT_PROTOCOL_41)");
    return { banner: g.serverVersion, capabilities: ["CLIENT_SSL"], facts };
  },
};
