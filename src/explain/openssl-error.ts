import { alertInfo, type AlertInfo } from "./alerts.js";

/**
 * OpenSSL 3 packs an error as lib << 23 | reason, with bit 31 set for system
 * errors (the reason is then an errno). The SSL library is 20; reason 1000 + N
 * is "alert N received from the peer" (SSL_AD_REASON_OFFSET). OpenSSL 1.x
 * used lib << 24 | func << 12 | reason, with the same reason offset.
 */
export interface OpenSslErrorCode {
  readonly packed: number;
  readonly hex: string;
  readonly layout: "3.x" | "1.x";
  readonly lib: number;
  readonly reason: number;
  readonly func?: number;
  readonly system: boolean;
  /** Set when the reason is a received alert. */
  readonly alert?: AlertInfo;
}

export const ERR_LIB_SSL = 20;
export const SSL_AD_REASON_OFFSET = 1000;

/** Decodes a packed code with the 3.x layout. */
export function decodeOpenSsl3(packed: number): OpenSslErrorCode {
  const system = (packed & 0x80000000) !== 0;
  const lib = system ? 2 : (packed >>> 23) & 0xff;
  const reason = system ? packed & 0x7fffffff : packed & 0x7fffff;
  const alert = !system && lib === ERR_LIB_SSL ? alertFromReason(reason) : undefined;
  return {
    packed,
    hex: packed.toString(16).toUpperCase().padStart(8, "0"),
    layout: "3.x",
    lib,
    reason,
    system,
    ...(alert ? { alert } : {}),
  };
}

/** Decodes a packed code with the 1.0/1.1 layout. */
export function decodeOpenSsl1(packed: number): OpenSslErrorCode {
  const lib = (packed >>> 24) & 0xff;
  const func = (packed >>> 12) & 0xfff;
  const reason = packed & 0xfff;
  const alert = lib === ERR_LIB_SSL ? alertFromReason(reason) : undefined;
  return {
    packed,
    hex: packed.toString(16).toUpperCase().padStart(8, "0"),
    layout: "1.x",
    lib,
    func,
    reason,
    system: false,
    ...(alert ? { alert } : {}),
  };
}

function alertFromReason(reason: number): AlertInfo | undefined {
  if (reason < SSL_AD_REASON_OFFSET || reason > SSL_AD_REASON_OFFSET + 255) return undefined;
  return alertInfo(reason - SSL_AD_REASON_OFFSET);
}

/** One `error:XXXXXXXX:lib:func:reason` item found in a message. */
export interface OpenSslErrorText {
  readonly code: OpenSslErrorCode;
  readonly library: string;
  readonly func: string;
  readonly reasonText: string;
}

const ERR_RE = /error:([0-9A-Fa-f]{8}):([^:]*):([^:]*):([^:\n]*)/g;

/**
 * Finds OpenSSL error items in free text (a Node error message, a log line).
 * A 3.x line has an empty or named function field ("SSL routines::…" or
 * "SSL routines:ssl3_read_bytes:…"); 1.x lines always name the function and
 * use codes whose top byte is the library (0x14 = SSL). The layout is chosen
 * by which decoding yields the SSL library when the text says "SSL routines".
 */
export function findOpenSslErrors(text: string): OpenSslErrorText[] {
  const out: OpenSslErrorText[] = [];
  for (const m of text.matchAll(ERR_RE)) {
    const packed = Number.parseInt(m[1] ?? "0", 16) >>> 0;
    const library = m[2] ?? "";
    const v3 = decodeOpenSsl3(packed);
    const v1 = decodeOpenSsl1(packed);
    let code = v3;
    if (/SSL routines/i.test(library)) {
      code = v3.lib === ERR_LIB_SSL ? v3 : v1.lib === ERR_LIB_SSL ? v1 : v3;
    }
    out.push({ code, library, func: m[3] ?? "", reasonText: (m[4] ?? "").trim() });
  }
  return out;
}

/** "SSL alert number 80" as Node/OpenSSL append to alert errors. */
export function alertNumberInText(text: string): number | undefined {
  const m = /SSL alert number (\d{1,3})/.exec(text);
  return m ? Number(m[1]) : undefined;
}
