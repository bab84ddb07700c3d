import { TlsDoctorError } from "../../core/index.js";
import type { Conn } from "../conn.js";

/** A numeric reply (SMTP, LMTP, FTP, NNTP): code and its lines, without the code prefix. */
export interface NumericReply {
  readonly code: number;
  readonly lines: readonly string[];
  /** The reply as the server sent it, lines joined by newlines. */
  readonly raw: string;
}

/** Hard cap on reply lines (a multi-line EHLO reply has a dozen). */
export const MAX_REPLY_LINES = 1000;

/**
 * Reads an RFC 5321 §4.2 style reply: `NNN-text` continuation lines, then a
 * final `NNN text` (or bare `NNN`). FTP (RFC 959 §4.2) uses the same form.
 */
export async function readNumericReply(
  conn: Conn,
  signal: AbortSignal,
  phase: string,
): Promise<NumericReply> {
  const lines: string[] = [];
  const raw: string[] = [];
  for (let i = 0; i < MAX_REPLY_LINES; i++) {
    const line = await conn.readLine(signal, phase);
    raw.push(line);
    const m = /^(\d{3})([ -]?)(.*)$/.exec(line);
    if (!m) {
      // FTP lets continuation lines of a multi-line reply be free text.
      if (lines.length > 0) {
        lines.push(line);
        continue;
      }
      throw new TlsDoctorError(
        "TLSD_PROTOCOL",
        `Cannot read ${phase}: ${JSON.stringify(line.slice(0, 80))} is not a numeric reply`,
        {
          details: { phase, line: line.slice(0, 200) },
        },
      );
    }
    lines.push(m[3] ?? "");
    if (m[2] !== "-") return { code: Number(m[1]), lines, raw: raw.join("\n") };
  }
  throw new TlsDoctorError(
    "TLSD_LIMIT",
    `Cannot read ${phase}: more than ${MAX_REPLY_LINES} reply lines`,
    {
      details: { phase, limit: MAX_REPLY_LINES },
    },
  );
}

/** Reads lines until one satisfies `last`; bounded. */
export async function readUntil(
  conn: Conn,
  last: (line: string) => boolean,
  signal: AbortSignal,
  phase: string,
): Promise<string[]> {
  const lines: string[] = [];
  for (let i = 0; i < MAX_REPLY_LINES; i++) {
    const line = await conn.readLine(signal, phase);
    lines.push(line);
    if (last(line)) return lines;
  }
  throw new TlsDoctorError(
    "TLSD_LIMIT",
    `Cannot read ${phase}: more than ${MAX_REPLY_LINES} lines`,
    {
      details: { phase, limit: MAX_REPLY_LINES },
    },
  );
}

export function starttlsError(
  phase: string,
  offered: boolean,
  reply: string,
  message: string,
): TlsDoctorError {
  return new TlsDoctorError("TLSD_STARTTLS", message, {
    details: { phase, offered, reply: reply.slice(0, 2000) },
  });
}

/**
 * The server refused the whole session at its greeting (SMTP 421/554, IMAP
 * BYE, POP3 -ERR, FTP 421/500 …): not a STARTTLS matter, often a limit.
 */
export function sessionRefused(phase: string, reply: string, message: string): TlsDoctorError {
  return new TlsDoctorError("TLSD_STARTTLS", message, {
    details: { phase, offered: false, refused: "session", reply: reply.slice(0, 2000) },
  });
}
