import { TLS13_SUITES, protocolName, versionLabel } from "../codec/index.js";
import type { ClientHello, ServerHello } from "../codec/index.js";
import { toHex } from "./keylog.js";
import type { CaptureState, Side } from "./state.js";
import { note } from "./state.js";
import type { ClientHelloSummary, HandshakeCapture, ServerHelloSummary } from "./types.js";

/** Close the analysis: note what was cut short and build the result. */
export function toCapture(st: CaptureState, c2s: Side, s2c: Side): HandshakeCapture {
  for (const side of [c2s, s2c]) finishSide(st, side);
  if (st.clientHelloCount > 1)
    note(st, `the client sent ${st.clientHelloCount} ClientHellos; the first is reported`);
  const sh = st.serverHello;
  const negotiatedVersion = sh ? protocolName(sh.selectedVersion) : undefined;
  return {
    records: st.records,
    messages: st.messages,
    ...(st.clientHello ? { clientHello: clientHelloSummary(st.clientHello) } : {}),
    ...(st.helloRetryRequest
      ? { helloRetryRequest: serverHelloSummary(st.helloRetryRequest) }
      : {}),
    ...(sh ? { serverHello: serverHelloSummary(sh), cipherSuite: sh.cipherSuite } : {}),
    ...(negotiatedVersion === undefined ? {} : { negotiatedVersion }),
    ...(st.certificates ? { certificates: st.certificates } : {}),
    ...(st.ocspResponse ? { ocspResponse: st.ocspResponse } : {}),
    ...(st.alpn === undefined ? {} : { alpn: st.alpn }),
    ...(st.serverKeyExchange ? { serverKeyExchange: st.serverKeyExchange } : {}),
    certificateRequested: st.certificateRequested,
    ...(st.clientCertificates ? { clientCertificates: st.clientCertificates } : {}),
    alerts: st.alerts,
    decrypted: { c2s: c2s.undecrypted === 0, s2c: s2c.undecrypted === 0 },
    notes: st.notes,
    truncated: st.truncated,
  };
}

function finishSide(st: CaptureState, side: Side): void {
  const { dir, stream } = side;
  if (stream.clipped) {
    st.truncated = true;
    note(st, `${dir} was longer than the analysis limit; the rest was ignored`);
  }
  if (stream.leftover > 0) {
    st.truncated = true;
    note(st, `${dir} ends inside a record: ${stream.leftover} bytes from offset ${stream.offset}`);
  }
  const pending = (side.reassembler?.pending ?? 0) + (side.decryptor?.pendingHandshakeBytes ?? 0);
  if (pending > 0) {
    st.truncated = true;
    note(st, `${dir} ends inside a handshake message: ${pending} bytes buffered`);
  }
  if (side.undecrypted > 1)
    note(st, `${side.undecrypted} protected ${dir} records were not decrypted`);
}

function clientHelloSummary(ch: ClientHello): ClientHelloSummary {
  return {
    legacyVersion: versionLabel(ch.legacyVersion),
    offeredVersions: ch.offeredVersions.map(versionLabel),
    cipherSuiteCount: ch.cipherSuites.length,
    cipherSuites: ch.cipherSuites,
    ...(ch.serverName === undefined ? {} : { serverName: ch.serverName }),
    alpn: ch.alpn,
    groups: ch.groups,
    keyShareGroups: ch.keyShareGroups,
    random: toHex(ch.random),
  };
}

function serverHelloSummary(sh: ServerHello): ServerHelloSummary {
  const suiteName = TLS13_SUITES[sh.cipherSuite]?.name;
  return {
    version: versionLabel(sh.selectedVersion),
    cipherSuite: sh.cipherSuite,
    ...(suiteName === undefined ? {} : { cipherSuiteName: suiteName }),
    sessionIdLength: sh.sessionId.length,
    compressionMethod: sh.compressionMethod,
    extensions: sh.extensions.map((e) => e.type),
    helloRetryRequest: sh.isHelloRetryRequest,
    ...(sh.keyShareGroup === undefined ? {} : { keyShareGroup: sh.keyShareGroup }),
    ...(sh.alpn === undefined ? {} : { alpn: sh.alpn }),
    ...(sh.downgradeSentinel === undefined ? {} : { downgradeSentinel: sh.downgradeSentinel }),
  };
}
