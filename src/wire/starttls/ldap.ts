import { TlsDoctorError } from "../../core/index.js";
import type { Conn } from "../conn.js";
import type { DialectOptions, StartTlsDialect, StartTlsOutcome } from "./dialect.js";
import { starttlsError } from "./_reply.js";

export const LDAP_STARTTLS_OID = "1.3.6.1.4.1.1466.20037";
/** An ExtendedResponse is small; refuse anything announcing more. */
export const MAX_LDAP_MESSAGE = 64 * 1024;

/** LDAP result codes (RFC 4511 §4.1.9) worth naming in an error. */
const RESULT_NAMES: Readonly<Record<number, string>> = {
  0: "success",
  1: "operationsError",
  2: "protocolError",
  7: "authMethodNotSupported",
  8: "strongerAuthRequired",
  12: "unavailableCriticalExtension",
  13: "confidentialityRequired",
  50: "insufficientAccessRights",
  51: "busy",
  52: "unavailable",
  53: "unwillingToPerform",
  80: "other",
};

function berError(why: string, offset: number): TlsDoctorError {
  return new TlsDoctorError(
    "TLSD_PARSE",
    `Cannot parse LDAP ExtendedResponse: ${why} at offset ${offset}`,
    { details: { offset } },
  );
}

function berLength(len: number): number[] {
  if (len < 0x80) return [len];
  const bytes: number[] = [];
  for (let n = len; n > 0; n >>>= 8) bytes.unshift(n & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

function tlv(tag: number, value: readonly number[]): number[] {
  return [tag, ...berLength(value.length), ...value];
}

/** Content octets of a non-negative INTEGER (X.690 §8.3): minimal two's complement. */
function berInteger(n: number): number[] {
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v % 256);
  if (out.length === 0 || (out[0] ?? 0) >= 0x80) out.unshift(0);
  return out;
}

/** An INTEGER/ENUMERATED value of 1–4 octets, as LDAP uses (MessageID ≤ 2^31-1). */
function berUnsigned(v: Uint8Array, what: string, offset: number): number {
  if (v.length === 0 || v.length > 4)
    throw berError(`${what} of ${v.length} bytes (expected 1 to 4)`, offset);
  if ((v[0] ?? 0) >= 0x80) throw berError(`${what} is negative`, offset);
  return v.reduce((a, x) => a * 256 + x, 0);
}

/**
 * LDAPMessage ::= SEQUENCE { messageID INTEGER, protocolOp ExtendedRequest }
 * ExtendedRequest ::= [APPLICATION 23] SEQUENCE { requestName [0] LDAPOID }
 */
export function startTlsRequest(messageId = 1): Uint8Array {
  if (!Number.isInteger(messageId) || messageId < 0 || messageId > 0x7fffffff)
    throw new RangeError(`LDAP MessageID ${messageId} is outside 0..2^31-1`);
  const oid = [...Buffer.from(LDAP_STARTTLS_OID, "latin1")];
  const op = tlv(0x77, tlv(0x80, oid));
  return Uint8Array.from(tlv(0x30, [...tlv(0x02, berInteger(messageId)), ...op]));
}

/** Header of a BER element: tag, content length, header size. Undefined: need more bytes. */
export function berHeader(
  b: Uint8Array,
  at: number,
): { tag: number; length: number; header: number } | undefined {
  if (b.length < at + 2) return undefined;
  const tag = b[at] ?? 0;
  const first = b[at + 1] ?? 0;
  if (first < 0x80) return { tag, length: first, header: 2 };
  const n = first & 0x7f;
  if (n === 0 || n > 4) throw berError(`length of ${n} bytes is not supported`, at + 1);
  if (b.length < at + 2 + n) return undefined;
  let length = 0;
  for (let i = 0; i < n; i++) length = length * 256 + (b[at + 2 + i] ?? 0);
  return { tag, length, header: 2 + n };
}

export interface ExtendedResponse {
  readonly messageId: number;
  readonly resultCode: number;
  readonly resultName: string;
  readonly matchedDN: string;
  readonly diagnosticMessage: string;
}

/** Decodes a complete LDAPMessage holding an ExtendedResponse ([APPLICATION 24]). */
export function parseExtendedResponse(b: Uint8Array): ExtendedResponse {
  const outer = berHeader(b, 0);
  if (!outer) throw berError("truncated message header", 0);
  if (outer.tag !== 0x30) throw berError(`tag 0x${outer.tag.toString(16)} is not SEQUENCE`, 0);
  if (outer.header + outer.length > b.length)
    throw berError(
      `length ${outer.length} exceeds the ${b.length - outer.header} bytes present`,
      1,
    );
  let at = outer.header;
  const end = outer.header + outer.length;
  const next = (
    want: number | undefined,
    what: string,
  ): { value: Uint8Array; tag: number; offset: number } => {
    const h = berHeader(b, at);
    if (!h || at + h.header + h.length > end) throw berError(`truncated ${what}`, at);
    if (want !== undefined && h.tag !== want)
      throw berError(
        `${what} has tag 0x${h.tag.toString(16)}, expected 0x${want.toString(16)}`,
        at,
      );
    const value = b.subarray(at + h.header, at + h.header + h.length);
    const tag = h.tag;
    const offset = at + h.header;
    at += h.header + h.length;
    return { value, tag, offset };
  };
  const id = next(0x02, "messageID");
  const op = berHeader(b, at);
  if (!op) throw berError("truncated protocolOp", at);
  if (op.tag !== 0x78)
    throw berError(`protocolOp tag 0x${op.tag.toString(16)} is not ExtendedResponse (0x78)`, at);
  at += op.header;
  const rc = next(0x0a, "resultCode");
  const dn = next(0x04, "matchedDN").value;
  const diag = next(0x04, "diagnosticMessage").value;
  const resultCode = berUnsigned(rc.value, "resultCode", rc.offset);
  return {
    messageId: berUnsigned(id.value, "messageID", id.offset),
    resultCode,
    resultName: RESULT_NAMES[resultCode] ?? `resultCode ${resultCode}`,
    matchedDN: Buffer.from(dn).toString("utf8"),
    diagnosticMessage: Buffer.from(diag).toString("utf8"),
  };
}

/** The StartTLS extended operation (RFC 4511 §4.14, RFC 4513 §3). */
export const ldap: StartTlsDialect = {
  protocol: "ldap",
  defaultPort: 389,
  async negotiate(conn: Conn, o: DialectOptions): Promise<StartTlsOutcome> {
    conn.writeBytes(startTlsRequest(1), `ExtendedRequest StartTLS (${LDAP_STARTTLS_OID})`);
    const msg = await conn.readMessage(
      (buf) => {
        const h = berHeader(buf, 0);
        if (!h) return undefined;
        if (h.length > MAX_LDAP_MESSAGE) {
          throw new TlsDoctorError(
            "TLSD_LIMIT",
            `Cannot read LDAP reply: message of ${h.length} bytes exceeds ${MAX_LDAP_MESSAGE}`,
            {
              details: { phase: "LDAP StartTLS reply", limit: MAX_LDAP_MESSAGE },
            },
          );
        }
        return buf.length >= h.header + h.length ? h.header + h.length : undefined;
      },
      o.signal,
      "LDAP StartTLS reply",
    );
    const r = parseExtendedResponse(msg);
    conn.transcript.recv(
      `ExtendedResponse ${r.resultName}${r.diagnosticMessage ? ` (${r.diagnosticMessage})` : ""}`,
    );
    if (r.resultCode !== 0) {
      const offered = r.resultCode !== 2 && r.resultCode !== 12;
      throw starttlsError(
        "LDAP StartTLS reply",
        offered,
        `${r.resultCode} ${r.resultName} ${r.diagnosticMessage}`.trim(),
        `Server refused StartTLS: ${r.resultCode} ${r.resultName}${r.diagnosticMessage ? `: ${r.diagnosticMessage}` : ""}`,
      );
    }
    return { capabilities: ["StartTLS"], facts: {} };
  },
};
