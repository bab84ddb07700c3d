import type { Alert, HandshakeMessage, Sslv2Record, TlsRecord } from "../codec/index.js";
import {
  ContentType,
  HandshakeReassembler,
  Tls13Decryptor,
  contentTypeName,
  isCodecError,
  parseAlerts,
} from "../codec/index.js";
import { parseKeyLog, secretsFor } from "./keylog.js";
import type { KeyLog } from "./keylog.js";
import { applyMessage } from "./messages.js";
import { RecordStream } from "./record-stream.js";
import type { CaptureState, Side } from "./state.js";
import { newState, note } from "./state.js";
import type { RecordShape } from "./summary.js";
import { alertSummary, handshakeSummary, outer, reasonText } from "./summary.js";
import { toCapture } from "./to-capture.js";
import type { CaptureInput, CaptureOptions, Direction, HandshakeCapture } from "./types.js";

export const DEFAULT_MAX_BYTES_PER_DIRECTION = 4 * 1024 * 1024;
export const DEFAULT_MAX_RECORDS = 20_000;

/**
 * Turn the chunks a tap recorded, and the key log, into what the handshake
 * showed: records, messages, the server's chain exactly as sent, the OCSP
 * staple, ALPN, the version, and every alert (decrypted in TLS 1.3 when the
 * key log has the traffic secrets). Never throws on bad peer data: a parse
 * error becomes a note naming the offset, and what was learned before stays.
 * Work and memory are bounded by `options`.
 */
export function analyzeCapture(
  input: CaptureInput,
  options: CaptureOptions = {},
): HandshakeCapture {
  const maxBytes = options.maxBytesPerDirection ?? DEFAULT_MAX_BYTES_PER_DIRECTION;
  const maxRecords = options.maxRecords ?? DEFAULT_MAX_RECORDS;
  const st = newState();
  const keylog = parseKeyLog(input.keylog);
  for (const p of keylog.problems) note(st, p);
  const sides: Record<Direction, Side> = {
    c2s: newSide("c2s", maxBytes),
    s2c: newSide("s2c", maxBytes),
  };
  const a = new Analysis(st, sides, keylog);
  for (const chunk of input.chunks) {
    const side = sides[chunk.dir];
    for (const framed of side.stream.push(chunk.bytes, chunk.atMs)) {
      if (st.records.length >= maxRecords) {
        st.truncated = true;
        note(st, `Cannot analyse further: the limit of ${maxRecords} records was reached`);
        return toCapture(st, sides.c2s, sides.s2c);
      }
      if (framed.kind === "error") {
        note(
          st,
          `${framed.error.message} (${side.dir}; bytes found: "${framed.preview}"); the rest of ${side.dir} is not analysed`,
        );
      } else if (framed.kind === "sslv2") {
        a.sslv2(side, framed.record, framed.atMs);
      } else {
        a.record(side, framed.record, framed.atMs);
      }
    }
  }
  return toCapture(st, sides.c2s, sides.s2c);
}

function newSide(dir: Direction, maxBytes: number): Side {
  return {
    dir,
    stream: new RecordStream(maxBytes),
    mode: "plaintext",
    reassembler: new HandshakeReassembler(),
    undecrypted: 0,
  };
}

class Analysis {
  readonly #st: CaptureState;
  readonly #sides: Record<Direction, Side>;
  readonly #keylog: KeyLog;

  constructor(st: CaptureState, sides: Record<Direction, Side>, keylog: KeyLog) {
    this.#st = st;
    this.#sides = sides;
    this.#keylog = keylog;
  }

  sslv2(side: Side, r: Sslv2Record, atMs: number): void {
    const type =
      r.messageType === 1
        ? "CLIENT-HELLO"
        : r.messageType === 4
          ? "SERVER-HELLO"
          : `message ${r.messageType ?? "none"}`;
    this.#push(
      side,
      atMs,
      r.offset,
      { contentType: 0, version: 2, length: r.length, encrypted: false },
      `SSLv2 record: ${type}`,
    );
    note(this.#st, `${side.dir} sent an SSLv2 record (${type}) at offset ${r.offset}`);
  }

  record(side: Side, r: TlsRecord, atMs: number): void {
    try {
      if (side.mode === "tls13" && side.decryptor !== undefined)
        this.#tls13(side, side.decryptor, r, atMs);
      else if (side.mode === "tls12-protected") this.#tls12Protected(side, r, atMs);
      else this.#plaintext(side, r, atMs);
    } catch (e: unknown) {
      if (!isCodecError(e)) throw e;
      this.#push(
        side,
        atMs,
        r.offset,
        outer(r, side.mode !== "plaintext"),
        `${contentTypeName(r.contentType)}: malformed`,
      );
      note(this.#st, `${e.message} (${side.dir} record at offset ${r.offset})`);
    }
  }

  #plaintext(side: Side, r: TlsRecord, atMs: number): void {
    const st = this.#st;
    switch (r.contentType) {
      case ContentType.handshake: {
        const messages = this.#reassemble(side, r);
        this.#push(
          side,
          atMs,
          r.offset,
          outer(r, false),
          handshakeSummary(messages, (side.reassembler?.pending ?? 0) > 0),
        );
        for (const m of messages) {
          const hadServerHello = st.serverHello !== undefined;
          applyMessage(st, m, { dir: side.dir, atMs, encrypted: false, recordOffset: r.offset });
          if (!hadServerHello && st.serverHello !== undefined) this.#serverHelloSeen();
        }
        return;
      }
      case ContentType.alert: {
        const alerts = parseAlerts(r.fragment, r.offset + 5);
        this.#alerts(side, alerts, false, atMs);
        this.#push(side, atMs, r.offset, outer(r, false), alertSummary(alerts));
        return;
      }
      case ContentType.change_cipher_spec: {
        // In TLS 1.3 middlebox-compatibility mode (RFC 8446 D.4) a CCS comes
        // after a HelloRetryRequest, before the second ClientHello and the
        // real ServerHello: it protects nothing. Only a TLS ≤ 1.2 ServerHello
        // makes the records after a CCS protected.
        const sh = st.serverHello;
        const legacy = sh !== undefined && sh.selectedVersion !== 0x0304;
        this.#push(
          side,
          atMs,
          r.offset,
          outer(r, false),
          legacy ? "ChangeCipherSpec" : "ChangeCipherSpec (middlebox compatibility)",
        );
        if (legacy) side.mode = "tls12-protected";
        return;
      }
      default:
        this.#push(
          side,
          atMs,
          r.offset,
          outer(r, r.contentType === ContentType.application_data),
          `${contentTypeName(r.contentType)}: ${r.fragment.length} bytes`,
        );
        return;
    }
  }

  /** TLS 1.3: from here on both directions are protected with traffic keys. */
  #serverHelloSeen(): void {
    const sh = this.#st.serverHello;
    if (sh === undefined || sh.selectedVersion !== 0x0304) return;
    const secrets = secretsFor(this.#keylog, this.#st.clientHello?.random);
    for (const side of [this.#sides.c2s, this.#sides.s2c]) {
      const prefix = side.dir === "s2c" ? "SERVER" : "CLIENT";
      const handshake = secrets?.get(`${prefix}_HANDSHAKE_TRAFFIC_SECRET`);
      const application = secrets?.get(`${prefix}_TRAFFIC_SECRET_0`);
      side.decryptor = new Tls13Decryptor(sh.cipherSuite, {
        ...(handshake === undefined ? {} : { handshake }),
        ...(application === undefined ? {} : { application }),
      });
      side.mode = "tls13";
      if (side.reassembler !== undefined && side.reassembler.pending > 0) {
        note(
          this.#st,
          `${side.dir} left ${side.reassembler.pending} bytes of a handshake message unfinished when the keys changed`,
        );
      }
      side.reassembler = undefined;
    }
  }

  #tls13(side: Side, d: Tls13Decryptor, r: TlsRecord, atMs: number): void {
    const res = d.process(r);
    switch (res.kind) {
      case "change-cipher-spec":
        this.#push(
          side,
          atMs,
          r.offset,
          outer(r, false),
          "ChangeCipherSpec (middlebox compatibility)",
        );
        if (!res.valid)
          note(
            this.#st,
            `${side.dir} sent a ChangeCipherSpec at offset ${r.offset} whose body is not the single byte 1`,
          );
        return;
      case "plaintext-alert":
        this.#alerts(side, res.alerts, false, atMs);
        this.#push(side, atMs, r.offset, outer(r, false), alertSummary(res.alerts));
        return;
      case "plaintext":
        this.#push(
          side,
          atMs,
          r.offset,
          outer(r, false),
          `${contentTypeName(r.contentType)} in the clear after ServerHello`,
        );
        note(
          this.#st,
          `${side.dir} sent a plaintext ${contentTypeName(r.contentType)} record at offset ${r.offset} after a TLS 1.3 ServerHello`,
        );
        return;
      case "undecryptable": {
        side.undecrypted++;
        this.#push(
          side,
          atMs,
          r.offset,
          outer(r, true),
          `ApplicationData: ${r.fragment.length} bytes, not decrypted`,
        );
        if (side.undecrypted === 1)
          note(
            this.#st,
            `could not decrypt ${side.dir} from offset ${r.offset}: ${reasonText(side.dir, res.reason)}`,
          );
        return;
      }
      case "decrypted": {
        const inner = { ...outer(r, true), innerContentType: res.contentType };
        const summary =
          res.contentType === ContentType.handshake
            ? handshakeSummary(res.messages, d.pendingHandshakeBytes > 0)
            : res.contentType === ContentType.alert
              ? alertSummary(res.alerts)
              : `${contentTypeName(res.contentType)}: ${res.contentLength} bytes`;
        this.#push(side, atMs, r.offset, inner, summary);
        if (res.unannouncedKeyChange)
          note(
            this.#st,
            `${side.dir} changed keys at offset ${r.offset} without the Finished or KeyUpdate that announces it`,
          );
        for (const m of res.messages)
          applyMessage(this.#st, m, {
            dir: side.dir,
            atMs,
            encrypted: true,
            recordOffset: r.offset,
          });
        this.#alerts(side, res.alerts, true, atMs);
        return;
      }
    }
  }

  #tls12Protected(side: Side, r: TlsRecord, atMs: number): void {
    side.undecrypted++;
    const what =
      r.contentType === ContentType.handshake
        ? "Handshake (Finished, encrypted)"
        : `${contentTypeName(r.contentType)}: ${r.fragment.length} bytes, encrypted`;
    this.#push(side, atMs, r.offset, outer(r, true), what);
    if (r.contentType === ContentType.alert) {
      note(
        this.#st,
        `${side.dir} sent an encrypted alert at offset ${r.offset}; TLS ≤ 1.2 protected records are not decrypted`,
      );
    }
  }

  #reassemble(side: Side, r: TlsRecord): HandshakeMessage[] {
    if (side.reassembler === undefined) return [];
    try {
      return side.reassembler.push(r.fragment);
    } catch (e: unknown) {
      side.reassembler = undefined;
      throw e;
    }
  }

  #alerts(side: Side, alerts: readonly Alert[], encrypted: boolean, atMs: number): void {
    for (const a of alerts) this.#st.alerts.push({ dir: side.dir, ...a, encrypted, atMs });
  }

  #push(side: Side, atMs: number, offset: number, o: RecordShape, summary: string): void {
    this.#st.records.push({ dir: side.dir, atMs, offset, ...o, summary });
  }
}
