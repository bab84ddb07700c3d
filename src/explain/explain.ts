/**
 * `tlsdoctor explain`: what a pasted error, code or finding id means. Every
 * decoder and recogniser in explain/ is asked; each thing recognised becomes
 * one Answer with the knowledge entry that explains it, read for the side
 * the text says (SSL_accept vs SSL_connect, smtpd vs smtp …) or for both.
 */
import { alertByName, alertInfo } from "./alerts.js";
import {
  parseOpenSslErrorLines,
  readOpenSslCode,
  type DecodedOpenSslError,
  type OpenSslReading,
} from "./decode.js";
import { detectDirection, type Direction, type Role } from "./direction.js";
import { explainKey, type Explanation } from "./knowledge.js";
import { matchMessage } from "./messages.js";
import {
  eaiCode,
  errnoInfo,
  gnutlsError,
  parseVerifyLine,
  sslError,
  verifyCode,
  type NamedError,
} from "./tables.js";

export type AnswerKind =
  "openssl" | "alert" | "x509" | "message" | "gnutls" | "eai" | "errno" | "ssl-error";

/** One thing recognised in the input. */
export interface Answer {
  readonly kind: AnswerKind;
  /** The knowledge key (`alert:42`, `openssl:SSL_R_…`, `x509:20` …). */
  readonly key: string;
  /** What in the input it was read from. */
  readonly source: string;
  /** A one-line decoding (library, reason, numbers). */
  readonly decoded: string;
  /** OpenSSL codes: both layouts' readings. */
  readonly openssl?: OpenSslReading;
  readonly named?: NamedError;
  /** Absent when the knowledge base has no entry: the decoding alone is the answer. */
  readonly explanation?: Explanation;
}

export interface ExplainResult {
  readonly input: string;
  readonly direction: Direction;
  readonly answers: readonly Answer[];
}

const describeOpenSsl = (d: DecodedOpenSslError): string =>
  `${d.hex} (OpenSSL ${d.layout}): library ${d.lib} ${d.libText}${d.funcName ? `, function ${d.funcName}` : d.func !== undefined ? `, function ${d.func}` : ""}, reason ${d.reason} ${d.reasonMacro ?? ""} "${d.reasonText}"${d.alert ? ` — alert ${d.alert.code} ${d.alert.name} received from the peer` : ""}`;

function opensslKey(d: DecodedOpenSslError): string | undefined {
  if (d.alert) return `alert:${d.alert.code}`;
  return d.reasonMacro ? `openssl:${d.reasonMacro}` : undefined;
}

/**
 * Explains `input`: OpenSSL error lines and bare codes (both packed
 * layouts), alert numbers and names, X509 verify codes and lines,
 * messages of Java, Go, rustls, .NET, NSS, curl, GnuTLS and glibc, EAI,
 * errno and SSL_ERROR_* names. `side` overrides what the text says.
 */
export function explain(input: string, side?: Role): ExplainResult {
  const text = input.slice(0, 64 * 1024);
  const detected = detectDirection(text);
  const direction: Direction =
    side === undefined || side === "unknown"
      ? detected
      : { ...detected, ourRole: side, evidence: `--side ${side}` };
  const answers: Answer[] = [];
  const seen = new Set<string>();
  const add = (a: Omit<Answer, "explanation">): void => {
    if (seen.has(a.key)) return;
    seen.add(a.key);
    const explanation = explainKey(a.key, direction);
    answers.push({ ...a, ...(explanation ? { explanation } : {}) });
  };

  // OpenSSL error lines ("error:0A000412:SSL routines::sslv3 alert bad certificate").
  for (const l of parseOpenSslErrorLines(text)) {
    const d = l.reading.decoded;
    const key = opensslKey(d) ?? `openssl:${d.hex}`;
    add({ kind: "openssl", key, source: l.raw, decoded: describeOpenSsl(d), openssl: l.reading });
    if (l.alertNumber !== undefined && !d.alert) {
      add({
        kind: "alert",
        key: `alert:${l.alertNumber}`,
        source: `SSL alert number ${l.alertNumber}`,
        decoded: `TLS alert ${l.alertNumber} ${alertInfo(l.alertNumber).name}`,
      });
    }
  }
  const bare = text.trim();
  // A bare packed code: 14094412, 0A000412, 0x0A000086.
  const hex = /^(?:0x)?([0-9a-f]{6,8})$/i.exec(bare);
  if (hex?.[1] !== undefined && answers.length === 0) {
    const r = readOpenSslCode(parseInt(hex[1], 16));
    const key = opensslKey(r.decoded) ?? `openssl:${r.decoded.hex}`;
    add({ kind: "openssl", key, source: bare, decoded: describeOpenSsl(r.decoded), openssl: r });
    if (r.ambiguous) {
      const k2 = opensslKey(r.other);
      if (k2 !== undefined)
        add({ kind: "openssl", key: k2, source: bare, decoded: describeOpenSsl(r.other) });
    }
  }
  // Verify lines and codes: "verify error:num=20:…", "X509_V_ERR_…".
  const v = parseVerifyLine(text);
  if (v?.code) {
    add({
      kind: "x509",
      key: `x509:${v.code.code}`,
      source: text.slice(0, 200),
      decoded: `X509 verify error ${v.code.code} ${v.code.name}: ${v.code.text}`,
    });
  }
  // Named constants: X509_V_ERR_…, GNUTLS_E_…, EAI_…, E…, SSL_ERROR_…, alert names.
  for (const m of text.matchAll(
    /\b(X509_V_ERR_[A-Z0-9_]+|GNUTLS_E_[A-Z0-9_]+|EAI_[A-Z]+|SSL_ERROR_[A-Z_]+|E[A-Z0-9]{3,15})\b/g,
  )) {
    const name = m[1] ?? "";
    if (name.startsWith("X509_V_ERR_")) {
      const c = verifyCode(name);
      if (c)
        add({
          kind: "x509",
          key: `x509:${c.code}`,
          source: name,
          decoded: `X509 verify error ${c.code} ${c.name}: ${c.text}`,
        });
    } else if (name.startsWith("GNUTLS_E_")) {
      const g = gnutlsError(name);
      if (g)
        add({
          kind: "gnutls",
          key: `gnutls:${g.name}`,
          source: name,
          decoded: `GnuTLS ${g.code} ${g.name}: ${g.text}`,
          named: g,
        });
    } else if (name.startsWith("EAI_")) {
      const e = eaiCode(name);
      if (e)
        add({
          kind: "eai",
          key: `eai:${e.code}`,
          source: name,
          decoded: `getaddrinfo ${e.code} ${e.name}: ${e.text}`,
          named: e,
        });
    } else if (name.startsWith("SSL_ERROR_")) {
      const s = sslError(name);
      if (s)
        add({
          kind: "ssl-error",
          key: `ssl-error:${s.name}`,
          source: name,
          decoded: `${s.name} (${s.code}): ${s.meaning}`,
        });
    } else {
      const e = errnoInfo(name);
      if (e)
        add({
          kind: "errno",
          key: `errno:${e.name}`,
          source: name,
          decoded: `errno ${e.code} ${e.name}: ${e.text}`,
          named: e,
        });
    }
  }
  // Messages of other stacks and daemons.
  for (const m of matchMessage(text)) {
    add({ kind: "message", key: m.key, source: m.text, decoded: `${m.stack}: ${m.pattern}` });
  }
  // A bare alert name ("bad_certificate") or number.
  const alert = alertByName(bare.replace(/\s+/g, "_").toLowerCase());
  if (alert) {
    add({
      kind: "alert",
      key: `alert:${alert.code}`,
      source: bare,
      decoded: `TLS alert ${alert.code} ${alert.name}`,
    });
  }
  if (/^-?\d{1,4}$/.test(bare) && answers.length === 0) {
    const n = Number(bare);
    if (n >= 0 && n <= 255 && !alertInfo(n).name.startsWith("unknown_alert_"))
      add({
        kind: "alert",
        key: `alert:${n}`,
        source: bare,
        decoded: `as a TLS alert: ${n} ${alertInfo(n).name}`,
      });
    const c = n >= 0 ? verifyCode(n) : undefined;
    if (c)
      add({
        kind: "x509",
        key: `x509:${c.code}`,
        source: bare,
        decoded: `as an X509 verify code: ${c.code} ${c.name}`,
      });
    const e = n < 0 ? eaiCode(n) : undefined;
    if (e)
      add({
        kind: "eai",
        key: `eai:${e.code}`,
        source: bare,
        decoded: `as a getaddrinfo result: ${e.code} ${e.name}: ${e.text}`,
        named: e,
      });
    const g = n < 0 ? gnutlsError(n) : undefined;
    if (g)
      add({
        kind: "gnutls",
        key: `gnutls:${g.name}`,
        source: bare,
        decoded: `as a GnuTLS error: ${g.code} ${g.name}: ${g.text}`,
        named: g,
      });
    const er = n > 0 ? errnoInfo(n) : undefined;
    if (er)
      add({
        kind: "errno",
        key: `errno:${er.name}`,
        source: bare,
        decoded: `as an errno: ${er.code} ${er.name}: ${er.text}`,
        named: er,
      });
  }
  return { input: text, direction, answers };
}
