import { TlsDoctorError, errnoCode, messageOf, type ErrorCode } from "../core/index.js";
import { alertInfo, alertNumberInText, findOpenSslErrors } from "../explain/index.js";

/** Why a probe failed, in the terms a user acts on. */
export type FailureClass =
  | "dns"
  | "refused"
  | "connect"
  | "timeout"
  | "reset"
  | "closed"
  | "session-refused"
  | "starttls-not-offered"
  | "starttls-refused"
  | "alert-received"
  | "tls-local"
  | "protocol"
  | "limit"
  | "aborted"
  | "internal";

export interface ProbeFailure {
  readonly class: FailureClass;
  /** The phase that failed: "DNS lookup", "TCP connect", "STARTTLS (smtp)", "TLS handshake" … */
  readonly phase: string;
  readonly message: string;
  readonly code: ErrorCode;
  /** A TLS alert the peer sent us. */
  readonly alert?: { readonly code: number; readonly name: string; readonly meaning: string };
  /** A local OpenSSL error, decoded. */
  readonly openssl?: { readonly hex: string; readonly reason: string; readonly library: string };
  readonly errno?: string;
  /** For resets: had our ClientHello gone out? */
  readonly afterClientHello?: boolean;
  /** For STARTTLS: the server's reply. */
  readonly reply?: string;
  /** The underlying error message as the library gave it, when `message` rephrases it. */
  readonly raw?: string;
}

export interface FailureContext {
  readonly phase: string;
  /** Bytes of TLS we had sent when it failed (0: no ClientHello yet). */
  readonly tlsBytesSent?: number;
  /** An alert seen on the wire (from the capture), when the error text lacks it. */
  readonly wireAlert?: number;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** Classifies anything a probe attempt threw. Never throws. */
export function classifyFailure(e: unknown, ctx: FailureContext): ProbeFailure {
  const message = messageOf(e).trim();
  if (e instanceof TlsDoctorError) {
    const inner = str(e.details["phase"]);
    // "STARTTLS (smtp): SMTP greeting" — the probe's phase and the dialect's step.
    const phase =
      inner === undefined
        ? ctx.phase
        : inner.startsWith(ctx.phase)
          ? inner
          : `${ctx.phase}: ${inner}`;
    switch (e.code) {
      case "TLSD_DNS":
        return { class: "dns", phase: "DNS lookup", message, code: e.code, ...errnoOf(e) };
      case "TLSD_CONNECT_REFUSED":
        return { class: "refused", phase: "TCP connect", message, code: e.code };
      case "TLSD_CONNECT_FAILED":
        return { class: "connect", phase: "TCP connect", message, code: e.code, ...errnoOf(e) };
      case "TLSD_TIMEOUT":
        return { class: "timeout", phase, message, code: e.code };
      case "TLSD_ABORTED":
        return { class: "aborted", phase, message, code: e.code };
      case "TLSD_RESET":
        return { class: "reset", phase, message, code: e.code };
      case "TLSD_LIMIT":
        return { class: "limit", phase, message, code: e.code };
      case "TLSD_STARTTLS": {
        const offered = e.details["offered"] !== false;
        const reply = str(e.details["reply"]);
        const cls: FailureClass =
          e.details["refused"] === "session"
            ? "session-refused"
            : offered
              ? "starttls-refused"
              : "starttls-not-offered";
        return {
          class: cls,
          phase,
          message,
          code: e.code,
          ...(reply === undefined ? {} : { reply }),
        };
      }
      default:
        return { class: "protocol", phase, message, code: e.code };
    }
  }
  // Errors from Node's TLS layer during or right after the handshake.
  const alertNo = alertNumberInText(message) ?? ctx.wireAlert;
  const errs = findOpenSslErrors(message);
  const first = errs[0];
  const code = errnoCode(e);
  if (
    alertNo !== undefined &&
    (first?.code.alert !== undefined || ctx.wireAlert !== undefined || /alert/i.test(message))
  ) {
    const info = alertInfo(alertNo);
    const via = first ? ` (OpenSSL error:${first.code.hex}: ${first.reasonText})` : "";
    return {
      class: "alert-received",
      phase: ctx.phase,
      message: `Received fatal alert ${info.code} ${info.name} from the server during ${ctx.phase}${via}`,
      raw: message,
      code: "TLSD_TLS_ALERT",
      alert: { code: info.code, name: info.name, meaning: info.received },
      ...(first
        ? { openssl: { hex: first.code.hex, reason: first.reasonText, library: first.library } }
        : {}),
    };
  }
  if (first) {
    return {
      class: "tls-local",
      phase: ctx.phase,
      message: `Our TLS library stopped the handshake: ${first.reasonText} (OpenSSL error:${first.code.hex})`,
      raw: message,
      code: "TLSD_TLS_LOCAL",
      openssl: { hex: first.code.hex, reason: first.reasonText, library: first.library },
    };
  }
  if (
    code === "ECONNRESET" ||
    code === "EPIPE" ||
    /socket hang up|disconnected before secure TLS/i.test(message)
  ) {
    const after = (ctx.tlsBytesSent ?? 0) > 0;
    return {
      class: "reset",
      phase: ctx.phase,
      message: after
        ? `Connection reset by peer after our ClientHello (${message})`
        : `Connection reset by peer before our ClientHello (${message})`,
      code: "TLSD_RESET",
      afterClientHello: after,
      errno: code ?? "ECONNRESET",
    };
  }
  if (typeof code === "string" && code.startsWith("ERR_SSL_")) {
    return { class: "tls-local", phase: ctx.phase, message, code: "TLSD_TLS_LOCAL" };
  }
  return { class: "internal", phase: ctx.phase, message, code: "TLSD_INTERNAL" };
}

function errnoOf(e: TlsDoctorError): { errno?: string } {
  const v = str(e.details["errno"]);
  return v === undefined ? {} : { errno: v };
}
