/**
 * Typed errors with stable codes. Every error tlsdoctor raises on purpose is a
 * TlsDoctorError whose `code` is listed in docs/errors.md; the original error,
 * if any, is kept as `cause`.
 */
export const ERROR_CODES = {
  TLSD_USAGE: "The command line is wrong: an unknown option, a bad value, a missing argument.",
  TLSD_BAD_TARGET: "A TARGET could not be understood (host[:port] or scheme://host[:port]).",
  TLSD_FILE: "A file named on the command line could not be read or parsed.",
  TLSD_DNS: "The target's name did not resolve.",
  TLSD_CONNECT_REFUSED: "The target refused the TCP connection.",
  TLSD_CONNECT_FAILED: "The TCP connection failed for another reason (unreachable, ...).",
  TLSD_TIMEOUT: "A deadline passed; the error names the phase.",
  TLSD_RESET: "The peer reset or closed the connection; the error says in which phase.",
  TLSD_STARTTLS: "The plaintext protocol did not reach the point where TLS starts.",
  TLSD_PROTOCOL: "The peer sent bytes that break the protocol being spoken.",
  TLSD_LIMIT: "The peer sent more than a hard limit allows (line length, message size).",
  TLSD_TLS_ALERT: "The peer sent a fatal TLS alert.",
  TLSD_TLS_LOCAL: "The local TLS library failed the handshake (an OpenSSL error).",
  TLSD_ABORTED: "The operation was aborted by its caller.",
  TLSD_PARSE: "Bytes could not be parsed; the error names the structure and offset.",
  TLSD_UNSUPPORTED:
    "This host cannot do what was asked (no FFI, not root, no such kernel facility).",
  TLSD_INTERNAL: "A bug in tlsdoctor. Please report it with the command line.",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface TlsDoctorErrorOptions {
  readonly cause?: unknown;
  /** Extra structured facts (address, phase, limit …) for JSON output. */
  readonly details?: Readonly<Record<string, string | number | boolean>>;
}

export class TlsDoctorError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, string | number | boolean>>;

  constructor(code: ErrorCode, message: string, options: TlsDoctorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "TlsDoctorError";
    this.code = code;
    this.details = options.details ?? {};
  }
}

export function isTlsDoctorError(e: unknown): e is TlsDoctorError {
  return e instanceof TlsDoctorError;
}

/** Node system errors carry a string `code` (ECONNREFUSED …). */
export function errnoCode(e: unknown): string | undefined {
  if (typeof e === "object" && e !== null && "code" in e) {
    const code = e.code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

/** The message of anything thrown. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
