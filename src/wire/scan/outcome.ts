import { versionLabel } from "../codec/index.js";
import { suiteLabel } from "../registry/index.js";
import type { HelloResult } from "./exchange.js";

/** One line for how an exchange ended: `TLSv1.2 TLS_ECDHE_…`, `alert handshake_failure (40)` … */
export function describe(r: HelloResult): string {
  const f = r.flight;
  switch (r.kind) {
    case "hello": {
      const sh = f.serverHello;
      if (sh === undefined) return "hello";
      const what = sh.isHelloRetryRequest ? "HelloRetryRequest" : "ServerHello";
      const tail = f.alert ? `, then alert ${f.alert.name} (${f.alert.description})` : "";
      return `${what} ${versionLabel(sh.selectedVersion)} ${suiteLabel(sh.cipherSuite)}${tail}`;
    }
    case "sslv2":
      return f.sslv2 !== undefined
        ? `SSLv2 SERVER-HELLO with ${f.sslv2.cipherKinds.length} cipher kinds`
        : `SSLv2 ERROR ${f.sslv2Error ?? "?"}`;
    case "alert":
      return `alert ${f.alert?.name ?? "?"} (${f.alert?.description ?? "?"})`;
    case "closed":
      return f.bytes > 0 ? `closed after ${f.bytes} bytes` : "closed without answer";
    case "reset":
      return "connection reset";
    case "timeout":
      return "no answer before the deadline";
    case "malformed":
      return `not TLS: ${r.reason ?? "malformed"}`;
    case "connect-failed":
      return `connect failed: ${r.reason ?? "?"}`;
    case "starttls-failed":
      return `STARTTLS failed: ${r.reason ?? "?"}`;
  }
}

/** The negotiated protocol version and suite of a ServerHello (or HRR), if any. */
export function chosen(
  r: HelloResult,
): { version: number; suite: number; hrr: boolean } | undefined {
  const sh = r.flight.serverHello;
  if (r.kind !== "hello" || sh === undefined) return undefined;
  return { version: sh.selectedVersion, suite: sh.cipherSuite, hrr: sh.isHelloRetryRequest };
}
