import type {
  Alert,
  CertificateRequest,
  CertificateMessage,
  DheServerKeyExchange,
  EcdheServerKeyExchange,
  EncryptedExtensions,
  HandshakeMessage,
  KeyShare,
  ServerHello,
} from "../codec/index.js";
import {
  CodecError,
  ContentType,
  HandshakeReassembler,
  contentTypeName,
  HandshakeType,
  TLS13_SUITES,
  Tls13Decryptor,
  parseAlerts,
  parseCertificate,
  parseCertificateRequest,
  parseCertificateStatus,
  parseEncryptedExtensions,
  parseServerHello,
  parseServerKeyExchange,
  parseSslv2Message,
  readRecord,
  serverHandshakeTrafficSecret,
} from "../codec/index.js";

/** What the server sent in answer to one ClientHello, as far as it was read. */
export interface Flight {
  serverHello?: ServerHello;
  /** SSL 2.0 SERVER-HELLO: the cipher kinds the server offers, and its certificate. */
  sslv2?: {
    readonly version: number;
    readonly cipherKinds: readonly number[];
    readonly certificate: Uint8Array;
  };
  /** SSL 2.0 ERROR message code. */
  sslv2Error?: number;
  certificate?: CertificateMessage;
  keyExchange?: EcdheServerKeyExchange | DheServerKeyExchange;
  certificateRequested: boolean;
  /** The CertificateRequest: types, signature schemes and the CAs it accepts. */
  certificateRequest?: CertificateRequest;
  /** DER OCSP response stapled (CertificateStatus, or the TLS 1.3 certificate entry). */
  ocsp?: Uint8Array;
  encryptedExtensions?: EncryptedExtensions;
  /** TLS 1.3 CertificateVerify's signature scheme. */
  certificateVerifyScheme?: number;
  /** The first alert, and whether it came before the ServerHello. */
  alert?: Alert;
  alertBeforeHello?: boolean;
  /** TLS 1.3 records we could not decrypt (no key share for the group, …). */
  undecryptable?: string;
  /** A record type that has no place in a first flight (application data …). */
  unexpected?: string;
  /** The flight reached its natural end (ServerHelloDone, Finished, an alert, SSLv2 hello). */
  complete: boolean;
  bytes: number;
}

export interface FlightReaderOptions {
  /** The ClientHello handshake message as sent, for the TLS 1.3 transcript. */
  readonly clientHello: Uint8Array;
  /** Our key shares, to read a TLS 1.3 server's encrypted flight. */
  readonly keyShares: readonly KeyShare[];
  /** Read past a TLS 1.3 ServerHello (certificate, ALPN …); false stops at the ServerHello. */
  readonly decrypt: boolean;
  /** Bytes read before giving up with a CodecError; default 1 MiB. */
  readonly maxBytes?: number;
}

/**
 * Reads a server's first flight, a push at a time: a pure state machine with
 * no I/O. `push` returns true once the flight is complete (the caller can
 * close the connection); malformed bytes throw the codec's CodecError.
 */
export class FlightReader {
  readonly flight: Flight = { certificateRequested: false, complete: false, bytes: 0 };
  readonly #opts: FlightReaderOptions;
  #buf = new Uint8Array(0);
  #offset = 0;
  readonly #handshake = new HandshakeReassembler({ path: "ServerFlight" });
  #decryptor: Tls13Decryptor | undefined;
  #serverHelloRaw: Uint8Array | undefined;

  constructor(options: FlightReaderOptions) {
    this.#opts = options;
  }

  push(chunk: Uint8Array): boolean {
    if (this.flight.complete) return true;
    const max = this.#opts.maxBytes ?? 1024 * 1024;
    this.flight.bytes += chunk.length;
    if (this.flight.bytes > max) {
      throw new RangeError(`server flight exceeds ${max} bytes`);
    }
    const next = new Uint8Array(this.#buf.length + chunk.length);
    next.set(this.#buf);
    next.set(chunk, this.#buf.length);
    this.#buf = next;
    let pos = 0;
    while (!this.flight.complete) {
      const rr = readRecord(this.#buf, pos, {
        baseOffset: this.#offset,
        allowSslv2: this.#offset + pos === 0,
      });
      if (rr.kind === "need-more") break;
      pos = rr.next;
      if (rr.kind === "sslv2") this.#sslv2(rr.record.body);
      else this.#record(rr.record);
    }
    this.#offset += pos;
    this.#buf = this.#buf.slice(pos);
    return this.flight.complete;
  }

  #sslv2(body: Uint8Array): void {
    const m = parseSslv2Message(body);
    if (m.kind === "server-hello") {
      this.flight.sslv2 = {
        version: m.hello.version,
        cipherKinds: m.hello.cipherKinds,
        certificate: m.hello.certificate,
      };
    } else if (m.kind === "error") {
      this.flight.sslv2Error = m.code;
    }
    this.flight.complete = true;
  }

  #record(record: {
    contentType: number;
    fragment: Uint8Array;
    offset: number;
    header: Uint8Array;
  }): void {
    const f = this.flight;
    if (this.#decryptor !== undefined) {
      const r = this.#decryptor.process(record as Parameters<Tls13Decryptor["process"]>[0]);
      if (r.kind === "plaintext-alert") return this.#alert(r.alerts[0]);
      if (r.kind === "undecryptable") {
        f.undecryptable = r.reason;
        f.complete = true;
        return;
      }
      if (r.kind === "decrypted") {
        if (r.alerts[0]) return this.#alert(r.alerts[0]);
        for (const m of r.messages) this.#message13(m);
      }
      return;
    }
    if (record.contentType === ContentType.alert) {
      return this.#alert(parseAlerts(record.fragment, record.offset + 5)[0]);
    }
    if (record.contentType === ContentType.change_cipher_spec) return;
    if (record.contentType !== ContentType.handshake) {
      // Application data (or heartbeat …) before the handshake ended: nothing more to learn.
      f.unexpected ??= `${contentTypeName(record.contentType)} record at offset ${record.offset} before the handshake ended`;
      f.complete = true;
      return;
    }
    for (const m of this.#handshake.push(record.fragment)) {
      this.#message(m);
      if (f.complete) return;
    }
  }

  #alert(alert: Alert | undefined): void {
    if (alert === undefined) return;
    this.flight.alert ??= alert;
    this.flight.alertBeforeHello ??= this.flight.serverHello === undefined;
    this.flight.complete = true;
  }

  #message(m: HandshakeMessage): void {
    const f = this.flight;
    const version = f.serverHello?.selectedVersion ?? 0x0303;
    switch (m.type) {
      case HandshakeType.server_hello: {
        const sh = parseServerHello(m.body);
        f.serverHello = sh;
        this.#serverHelloRaw = m.raw.slice();
        if (sh.isHelloRetryRequest) f.complete = true;
        else if (sh.selectedVersion >= 0x0304) this.#startTls13(sh);
        return;
      }
      case HandshakeType.certificate:
        f.certificate = parseCertificate(m.body, version);
        return;
      case HandshakeType.server_key_exchange:
        f.keyExchange = parseServerKeyExchange(m.body, version);
        return;
      case HandshakeType.certificate_request:
        f.certificateRequested = true;
        f.certificateRequest = parseCertificateRequest(m.body, version);
        return;
      case HandshakeType.certificate_status: {
        const ocsp = parseCertificateStatus(m.body).responses[0];
        if (ocsp !== undefined) f.ocsp = ocsp;
        return;
      }
      case HandshakeType.server_hello_done:
        // RFC 5246 §7.4.5: struct { } ServerHelloDone; anything inside is a broken peer.
        if (m.body.length !== 0) {
          throw new CodecError(
            "ServerHelloDone",
            0,
            `ServerHelloDone carries ${m.body.length} bytes, not 0`,
          );
        }
        f.complete = true;
        return;
      default:
        return;
    }
  }

  #startTls13(sh: ServerHello): void {
    const f = this.flight;
    const suite = TLS13_SUITES[sh.cipherSuite];
    const share = this.#opts.keyShares.find((k) => k.group === sh.keyShareGroup);
    const serverKey = sh.keyShareKey;
    if (
      !this.#opts.decrypt ||
      suite === undefined ||
      share === undefined ||
      serverKey === undefined
    ) {
      if (this.#opts.decrypt) {
        f.undecryptable =
          suite === undefined
            ? `suite 0x${sh.cipherSuite.toString(16)} is not a TLS 1.3 AEAD we decrypt`
            : `no private key for group ${sh.keyShareGroup ?? "?"}`;
      }
      f.complete = true;
      return;
    }
    const shared = share.sharedSecret(serverKey);
    const secret = serverHandshakeTrafficSecret(suite.hash, shared, [
      this.#opts.clientHello,
      this.#serverHelloRaw ?? new Uint8Array(0),
    ]);
    this.#decryptor = new Tls13Decryptor(sh.cipherSuite, { handshake: secret });
  }

  #message13(m: HandshakeMessage): void {
    const f = this.flight;
    switch (m.type) {
      case HandshakeType.encrypted_extensions:
        f.encryptedExtensions = parseEncryptedExtensions(m.body);
        return;
      case HandshakeType.certificate_request:
        f.certificateRequested = true;
        f.certificateRequest = parseCertificateRequest(m.body, 0x0304);
        return;
      case HandshakeType.certificate: {
        const c = parseCertificate(m.body, 0x0304);
        f.certificate = c;
        const ocsp = c.entries[0]?.ocspResponse;
        if (ocsp !== undefined) f.ocsp = ocsp;
        return;
      }
      case HandshakeType.certificate_verify:
        f.certificateVerifyScheme = ((m.body[0] ?? 0) << 8) | (m.body[1] ?? 0);
        return;
      case HandshakeType.finished:
        f.complete = true;
        return;
      default:
        return;
    }
  }
}
