import type { HandshakeMessage } from "../codec/index.js";
import {
  HandshakeType,
  isCodecError,
  parseCertificate,
  parseCertificate12,
  parseCertificate13,
  parseCertificateStatus,
  parseClientHello,
  parseEncryptedExtensions,
  parseServerHello,
  parseServerKeyExchange,
} from "../codec/index.js";
import type { CaptureState } from "./state.js";
import { note } from "./state.js";
import type { Direction } from "./types.js";

export interface MessageContext {
  readonly dir: Direction;
  readonly atMs: number;
  readonly encrypted: boolean;
  /** Stream offset of the record that completed the message. */
  readonly recordOffset: number;
}

/**
 * Record one handshake message and learn what it says. A message that does
 * not parse becomes a note naming the field and the offset inside the
 * message; it never throws for bad peer data.
 */
export function applyMessage(st: CaptureState, m: HandshakeMessage, ctx: MessageContext): void {
  st.messages.push({
    dir: ctx.dir,
    atMs: ctx.atMs,
    type: m.type,
    name: m.name,
    length: m.body.length,
    encrypted: ctx.encrypted,
  });
  try {
    if (ctx.dir === "c2s") applyClientMessage(st, m);
    else applyServerMessage(st, m);
  } catch (e: unknown) {
    if (!isCodecError(e)) throw e;
    note(
      st,
      `${e.message} (offsets count from the start of the ${ctx.dir} ${m.name} message ` +
        `completed by the record at stream offset ${ctx.recordOffset}; earlier facts kept)`,
    );
  }
}

/** Offsets inside a message count its 4-byte header. */
const BODY = 4;

function applyClientMessage(st: CaptureState, m: HandshakeMessage): void {
  switch (m.type) {
    case HandshakeType.client_hello: {
      st.clientHelloCount++;
      const ch = parseClientHello(m.body, BODY);
      if (st.clientHello === undefined) st.clientHello = ch;
      return;
    }
    case HandshakeType.certificate: {
      const cert = parseCertificateFor(st, m.body);
      st.clientCertificates = cert.entries.map((e) => e.data.slice());
      return;
    }
    default:
      return;
  }
}

function applyServerMessage(st: CaptureState, m: HandshakeMessage): void {
  switch (m.type) {
    case HandshakeType.server_hello: {
      const sh = parseServerHello(m.body, BODY);
      if (sh.isHelloRetryRequest) st.helloRetryRequest = sh;
      else if (st.serverHello === undefined) {
        st.serverHello = sh;
        if (sh.alpn !== undefined) st.alpn = sh.alpn;
      }
      return;
    }
    case HandshakeType.encrypted_extensions: {
      const ee = parseEncryptedExtensions(m.body, BODY);
      if (ee.alpn !== undefined) st.alpn = ee.alpn;
      return;
    }
    case HandshakeType.certificate: {
      if (st.certificates !== undefined) return;
      const cert = parseCertificateFor(st, m.body);
      st.certificates = cert.entries.map((e) => e.data.slice());
      const staple = cert.entries[0]?.ocspResponse;
      if (staple !== undefined) st.ocspResponse = staple.slice();
      return;
    }
    case HandshakeType.certificate_status: {
      const status = parseCertificateStatus(m.body, BODY);
      const first = status.responses[0];
      if (first !== undefined && first.length > 0) st.ocspResponse = first.slice();
      return;
    }
    case HandshakeType.server_key_exchange: {
      const ske = parseServerKeyExchange(m.body, st.serverHello?.selectedVersion ?? 0x0303, BODY);
      st.serverKeyExchange =
        ske.kind === "ecdhe"
          ? {
              kind: "ecdhe",
              ...(ske.namedCurve === undefined ? {} : { namedCurve: ske.namedCurve }),
              ...sig(ske.signatureAlgorithm),
            }
          : { kind: "dhe", primeBits: ske.primeBits, ...sig(ske.signatureAlgorithm) };
      return;
    }
    case HandshakeType.certificate_request:
      st.certificateRequested = true;
      return;
    default:
      return;
  }
}

function sig(alg: number | undefined): { signatureAlgorithm?: number } {
  return alg === undefined ? {} : { signatureAlgorithm: alg };
}

/** By the negotiated version; without a ServerHello, whichever form parses. */
function parseCertificateFor(
  st: CaptureState,
  body: Uint8Array,
): ReturnType<typeof parseCertificate> {
  const version = st.serverHello?.selectedVersion;
  if (version !== undefined) return parseCertificate(body, version, BODY);
  try {
    return parseCertificate12(body, BODY);
  } catch {
    return parseCertificate13(body, BODY);
  }
}
