/**
 * Decodes OpenSSL packed error codes in both layouts and parses whole OpenSSL
 * error lines of every version, keeping the reading whose library and reason
 * match the text printed around the code.
 *
 *   1.0.x/1.1.x  code = lib << 24 | func << 12 | reason          (err.h, ERR_PACK)
 *   3.x          code = lib << 23 | reason, reason = flags << 18 | n;
 *                bit 31 (ERR_SYSTEM_FLAG) set: reason = errno, library "system library"
 *   both         SSL reason 1000 + N = "alert N received from the peer" (SSL_AD_REASON_OFFSET)
 *
 * Line formats (ERR_error_string_n / ERR_print_errors), with an optional
 * "<thread id>:" before "error:":
 *   1.0  error:14094412:SSL routines:SSL3_READ_BYTES:sslv3 alert bad certificate:s3_pkt.c:1472:SSL alert number 42
 *   1.1  error:14094412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:ssl/record/rec_layer_s3.c:1543:SSL alert number 42
 *   3.x  error:0A000086:SSL routines:tls_post_process_server_certificate:certificate verify failed:../ssl/statem/statem_clnt.c:1889:
 *   3.x  error:0A000412:SSL routines::sslv3 alert bad certificate        (ERR_error_string_n, openssl errstr)
 */
import { alertInfo, type AlertInfo } from "./alerts.js";
import { decodeOpenSsl1, decodeOpenSsl3, SSL_AD_REASON_OFFSET } from "./openssl-error.js";
import {
  errnoInfo,
  normalizeErrorText,
  opensslFunction,
  opensslLibrary,
  opensslLibraryByText,
  opensslLibraryText,
  opensslReason,
  opensslReasonsByText,
  type NamedError,
  type OpenSslLayout,
} from "./tables.js";

export const ERR_LIB_SYS = 2;
/** 3.x reason flag bits (err.h: ERR_RFLAG_FATAL, ERR_RFLAG_COMMON at ERR_RFLAGS_OFFSET 18). */
export const ERR_RFLAG_FATAL = 0x1 << 18;
export const ERR_RFLAG_COMMON = 0x2 << 18;
/** 1.x: reasons below 100 are common, ERR_R_FATAL = 64 marks the fatal ones. */
const ERR_R_FATAL_1 = 64;

export interface DecodedOpenSslError {
  readonly packed: number;
  /** Eight upper-case hex digits, as OpenSSL prints the code. */
  readonly hex: string;
  readonly layout: OpenSslLayout;
  readonly lib: number;
  /** The ERR_LIB_ suffix ("SSL"), or undefined for an unassigned library number. */
  readonly libName: string | undefined;
  /** The library field as OpenSSL prints it ("SSL routines", "lib(41)"). */
  readonly libText: string;
  /** 1.x only: the function code and the name 1.1.1 prints for it. */
  readonly func?: number;
  readonly funcName?: string;
  /** The reason; for 3.x with its flag bits. For system errors, the errno. */
  readonly reason: number;
  readonly reasonMacro: string | undefined;
  /** The reason as OpenSSL prints it ("certificate verify failed", "reason(1066)", strerror text). */
  readonly reasonText: string;
  /** True when the tables know both the library and the reason. */
  readonly known: boolean;
  readonly fatal: boolean;
  readonly common: boolean;
  readonly system: boolean;
  /** System errors: the errno (3.x bit 31, or 1.x library 2). */
  readonly errno?: NamedError;
  /** SSL reason 1000 + N: the alert received from the peer. */
  readonly alert?: AlertInfo;
}

const hex8 = (n: number): string => (n >>> 0).toString(16).toUpperCase().padStart(8, "0");

/** Decodes a packed code with one layout, naming everything the tables know. */
export function decodeOpenSslCode(packed: number, layout: OpenSslLayout): DecodedOpenSslError {
  const p = packed >>> 0;
  const base = layout === "3.x" ? decodeOpenSsl3(p) : decodeOpenSsl1(p);
  const { lib, reason } = base;
  const libInfo = opensslLibrary(lib);
  const system = base.system || (layout === "1.x" && lib === ERR_LIB_SYS);
  const errno = system ? errnoInfo(reason) : undefined;
  const r = system ? undefined : opensslReason(lib, reason, layout);
  const fn = base.func !== undefined ? opensslFunction(lib, base.func) : undefined;
  const alert =
    !system && lib === 20 && reason >= SSL_AD_REASON_OFFSET && reason <= SSL_AD_REASON_OFFSET + 255
      ? alertInfo(reason - SSL_AD_REASON_OFFSET)
      : undefined;
  const reasonText = system
    ? (errno?.text ?? `reason(${reason})`)
    : (r?.text ?? `reason(${reason})`);
  return {
    packed: p,
    hex: hex8(p),
    layout,
    lib,
    libName: libInfo?.name,
    libText: opensslLibraryText(lib),
    ...(base.func !== undefined ? { func: base.func } : {}),
    ...(fn ? { funcName: fn.name } : {}),
    reason,
    reasonMacro: r?.macro ?? errno?.name,
    reasonText,
    known: libInfo !== undefined && (system ? errno !== undefined : r?.text !== undefined),
    fatal:
      !system &&
      (layout === "3.x"
        ? (reason & ERR_RFLAG_FATAL) !== 0
        : reason < 100 && (reason & ERR_R_FATAL_1) !== 0),
    common: !system && (layout === "3.x" ? (reason & ERR_RFLAG_COMMON) !== 0 : r?.lib === 0),
    system,
    ...(errno ? { errno } : {}),
    ...(alert ? { alert } : {}),
  };
}

/** The line OpenSSL 3's ERR_error_string_n (and `openssl errstr`) prints for a 3.x code. */
export function formatOpenSsl3Error(packed: number): string {
  const d = decodeOpenSslCode(packed, "3.x");
  return `error:${d.hex}:${d.libText}::${d.reasonText}`;
}

/** What the text printed around a code says, to choose between the two readings. */
export interface OpenSslErrorContext {
  readonly library?: string;
  readonly func?: string;
  readonly reason?: string;
}

export interface OpenSslReading {
  readonly decoded: DecodedOpenSslError;
  /** The other layout's reading, kept so a caller can show both when ambiguous. */
  readonly other: DecodedOpenSslError;
  /** True when nothing in the context told the layouts apart. */
  readonly ambiguous: boolean;
  /** Why this reading was kept, one sentence. */
  readonly why: string;
}

function score(d: DecodedOpenSslError, ctx: OpenSslErrorContext): number {
  let s = 0;
  if (ctx.library !== undefined && ctx.library.trim() !== "") {
    const named = opensslLibraryByText(ctx.library);
    if (named?.lib === d.lib) s += 4;
    else if (named !== undefined) s -= 4;
  }
  if (ctx.reason !== undefined && ctx.reason.trim() !== "") {
    const want = normalizeErrorText(ctx.reason);
    const m = /^reason\((\d+)\)$/.exec(want);
    if (normalizeErrorText(d.reasonText) === want || (m && Number(m[1]) === d.reason)) s += 4;
    else if (
      opensslReasonsByText(ctx.reason).some((r) => r.lib === d.lib && r.reason === d.reason)
    ) {
      s += 4;
    } else if (d.known) s -= 2;
  }
  if (ctx.func !== undefined && ctx.func !== "") {
    // 1.x always prints a function; 3.0 prints the C function name or nothing.
    if (d.layout === "1.x" && d.funcName?.toLowerCase() === ctx.func.toLowerCase()) s += 2;
  } else if (ctx.func === "" && d.layout === "3.x") s += 1;
  return s;
}

/**
 * Decodes a code both ways and keeps the reading the context agrees with:
 * `14094412` next to "SSL routines … sslv3 alert bad certificate" is 1.x
 * (lib 20, func 148, reason 1042), `0A000412` is 3.x. Without context the
 * reading the tables know wins; when both are known it is ambiguous and a
 * code whose 1.x function field would be 0 is read as 3.x.
 */
export function readOpenSslCode(packed: number, ctx: OpenSslErrorContext = {}): OpenSslReading {
  const v3 = decodeOpenSslCode(packed, "3.x");
  const v1 = decodeOpenSslCode(packed, "1.x");
  const s3 = score(v3, ctx) + (v3.known ? 1 : 0);
  const s1 = score(v1, ctx) + (v1.known ? 1 : 0);
  if (s3 !== s1) {
    const [decoded, other] = s3 > s1 ? [v3, v1] : [v1, v3];
    const hasCtx = ctx.library !== undefined || ctx.reason !== undefined;
    return {
      decoded,
      other,
      ambiguous: false,
      why: hasCtx
        ? `the ${decoded.layout} reading (${decoded.libText}: ${decoded.reasonText}) matches the text around the code`
        : `only the ${decoded.layout} reading names a known library and reason`,
    };
  }
  const prefer3 = v1.func === 0 || !v1.known;
  const [decoded, other] = prefer3 ? [v3, v1] : [v1, v3];
  return {
    decoded,
    other,
    ambiguous: true,
    why: `both layouts give a reading (3.x: ${v3.libText}: ${v3.reasonText}; 1.x: ${v1.libText}: ${v1.reasonText}) and nothing around the code tells them apart`,
  };
}

export interface ParsedOpenSslErrorLine {
  /** The matched text, from "error:" to the end of the item. */
  readonly raw: string;
  /** Offset of "error:" in the input. */
  readonly index: number;
  readonly hex: string;
  readonly library: string;
  readonly func: string;
  readonly reason: string;
  readonly file?: string;
  readonly line?: number;
  /** The data field ("SSL alert number 42"), when printed. */
  readonly data?: string;
  readonly reading: OpenSslReading;
  /** The alert number from "SSL alert number N", when present. */
  readonly alertNumber?: number;
}

// error:HEX:lib:func:reason[:file:line:data]; the fields hold no ':' or newline.
const LINE_RE =
  /error:([0-9A-Fa-f]{1,8}):([^:\n]{0,200}):([^:\n]{0,200}):([^:\n]{0,500})(?::([^:\n\s]{1,300}):(\d{1,9}):([^\n]{0,500}))?/g;
/** Inputs beyond this are not scanned (a line, a paste, not a whole log). */
export const MAX_ERROR_TEXT = 1 << 20;

/**
 * Finds every OpenSSL error item in a text (a log line, a paste, a Node error
 * message) and reads each one. Text past MAX_ERROR_TEXT characters is ignored.
 */
export function parseOpenSslErrorLines(text: string): ParsedOpenSslErrorLine[] {
  const input = text.length > MAX_ERROR_TEXT ? text.slice(0, MAX_ERROR_TEXT) : text;
  const out: ParsedOpenSslErrorLine[] = [];
  for (const m of input.matchAll(LINE_RE)) {
    const [raw, hex = "", library = "", func = "", reasonField = "", file, line, dataField] = m;
    const reason = reasonField.trim();
    const data = dataField?.trim();
    const alertM = /SSL alert number (\d{1,3})/.exec(data ?? "");
    out.push({
      raw,
      index: m.index,
      hex: hex.toUpperCase().padStart(8, "0"),
      library,
      func,
      reason,
      ...(file !== undefined ? { file } : {}),
      ...(line !== undefined ? { line: Number(line) } : {}),
      ...(data !== undefined && data !== "" ? { data } : {}),
      reading: readOpenSslCode(Number.parseInt(hex, 16), { library, func, reason }),
      ...(alertM ? { alertNumber: Number(alertM[1]) } : {}),
    });
  }
  return out;
}
