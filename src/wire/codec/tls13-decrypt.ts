import type { Alert } from "./alert.js";
import { parseAlerts } from "./alert.js";
import type { HandshakeMessage } from "./handshake.js";
import { HandshakeReassembler, HandshakeType } from "./handshake.js";
import type { TlsRecord } from "./record.js";
import { ContentType } from "./record.js";
import type { Tls13Suite, TrafficKeys } from "./tls13-keys.js";
import { TLS13_SUITES, deriveTrafficKeys, nextTrafficSecret, openRecord } from "./tls13-keys.js";

/** The traffic secrets of one direction, from the NSS key log. */
export interface Tls13Secrets {
  /** `SERVER_HANDSHAKE_TRAFFIC_SECRET` or `CLIENT_HANDSHAKE_TRAFFIC_SECRET`. */
  readonly handshake?: Uint8Array;
  /** `SERVER_TRAFFIC_SECRET_0` or `CLIENT_TRAFFIC_SECRET_0`. */
  readonly application?: Uint8Array;
}

export type Tls13Epoch = "handshake" | "application";

/** What one record after the ServerHello turned out to be. */
export type Tls13RecordResult =
  /** RFC 8446 §5: a middlebox-compatibility CCS; `valid` when its body is the single byte 1. */
  | { readonly kind: "change-cipher-spec"; readonly valid: boolean }
  /** An alert sent in the clear (a peer that failed before it had keys). */
  | { readonly kind: "plaintext-alert"; readonly alerts: readonly Alert[] }
  /** A plaintext record of another type, which TLS 1.3 does not allow here. */
  | { readonly kind: "plaintext"; readonly contentType: number }
  | {
      readonly kind: "decrypted";
      readonly epoch: Tls13Epoch;
      /** 0 for the handshake and first application keys, +1 per KeyUpdate. */
      readonly generation: number;
      readonly seq: bigint;
      readonly contentType: number;
      readonly contentLength: number;
      readonly paddingLength: number;
      readonly messages: readonly HandshakeMessage[];
      readonly alerts: readonly Alert[];
      /** The keys changed without the Finished/KeyUpdate that should announce it. */
      readonly unannouncedKeyChange: boolean;
    }
  | { readonly kind: "undecryptable"; readonly reason: string };

interface EpochState {
  readonly epoch: Tls13Epoch;
  readonly generation: number;
  readonly keys: TrafficKeys;
  seq: bigint;
}

export interface Tls13DecryptorOptions {
  readonly maxMessageLength?: number;
}

/**
 * The protected half of one direction of a TLS 1.3 connection, from the
 * record after the ServerHello on. Decrypts application_data records with the
 * handshake traffic keys until this direction's Finished, then with the
 * application traffic keys (following KeyUpdate), recovers the inner content
 * type, and reassembles the handshake messages. If a record fails with the
 * current keys it is tried with the next ones, so a missed Finished does not
 * lose the rest of the stream.
 */
export class Tls13Decryptor {
  readonly suite: Tls13Suite | undefined;
  readonly #secrets: Tls13Secrets;
  readonly #options: Tls13DecryptorOptions;
  #current: EpochState | undefined;
  #missing: string;
  #reassembler: HandshakeReassembler;

  constructor(suiteCode: number, secrets: Tls13Secrets, options: Tls13DecryptorOptions = {}) {
    this.suite = TLS13_SUITES[suiteCode];
    this.#secrets = secrets;
    this.#options = options;
    this.#reassembler = this.#newReassembler();
    this.#missing = "no handshake traffic secret";
    const suite = this.suite;
    if (suite !== undefined) {
      if (secrets.handshake) this.#current = epochState(suite, "handshake", 0, secrets.handshake);
      else if (secrets.application) {
        this.#current = epochState(suite, "application", 0, secrets.application);
      }
    }
  }

  /** Why nothing can be decrypted, or undefined when keys are in place. */
  get unavailable(): string | undefined {
    if (this.suite === undefined) return "cipher suite is not a TLS 1.3 AEAD suite";
    if (this.#current === undefined) return this.#missing;
    return undefined;
  }

  get epoch(): Tls13Epoch | undefined {
    return this.#current?.epoch;
  }

  /** Bytes of a handshake message still waiting for its next record. */
  get pendingHandshakeBytes(): number {
    return this.#reassembler.pending;
  }

  process(record: TlsRecord): Tls13RecordResult {
    if (record.contentType === ContentType.change_cipher_spec) {
      return {
        kind: "change-cipher-spec",
        valid: record.fragment.length === 1 && record.fragment[0] === 1,
      };
    }
    if (record.contentType === ContentType.alert) {
      return { kind: "plaintext-alert", alerts: parseAlerts(record.fragment, record.offset + 5) };
    }
    if (record.contentType !== ContentType.application_data) {
      return { kind: "plaintext", contentType: record.contentType };
    }
    const unavailable = this.unavailable;
    if (unavailable !== undefined || this.#current === undefined) {
      return { kind: "undecryptable", reason: unavailable ?? this.#missing };
    }
    let state: EpochState = this.#current;
    let opened = openRecord(state.keys, state.seq, record);
    let unannouncedKeyChange = false;
    if (!opened.ok) {
      const next = this.#next(state);
      if (next !== undefined) {
        const retry = openRecord(next.keys, next.seq, record);
        if (retry.ok) {
          opened = retry;
          state = next;
          unannouncedKeyChange = true;
          this.#switchTo(next);
        }
      }
    }
    if (!opened.ok) return { kind: "undecryptable", reason: opened.reason };
    const seq = state.seq;
    state.seq += 1n;
    const { inner } = opened;
    const at = record.offset + 5;
    let messages: HandshakeMessage[] = [];
    let alerts: Alert[] = [];
    if (inner.contentType === ContentType.handshake) {
      messages = this.#reassembler.push(inner.content);
      for (const m of messages) this.#afterMessage(state, m);
    } else if (inner.contentType === ContentType.alert) {
      alerts = parseAlerts(inner.content, at);
    }
    return {
      kind: "decrypted",
      epoch: state.epoch,
      generation: state.generation,
      seq,
      contentType: inner.contentType,
      contentLength: inner.content.length,
      paddingLength: inner.paddingLength,
      messages,
      alerts,
      unannouncedKeyChange,
    };
  }

  /** Finished ends the handshake keys; KeyUpdate moves to the next generation. */
  #afterMessage(state: EpochState, m: HandshakeMessage): void {
    if (this.#current !== state) return;
    const switches =
      (state.epoch === "handshake" && m.type === HandshakeType.finished) ||
      (state.epoch === "application" && m.type === HandshakeType.key_update);
    if (!switches) return;
    const next = this.#next(state);
    if (next) this.#switchTo(next);
    else {
      this.#current = undefined;
      this.#missing = "no application traffic secret";
    }
  }

  #next(state: EpochState): EpochState | undefined {
    const suite = state.keys.suite;
    if (state.epoch === "handshake") {
      const app = this.#secrets.application;
      return app ? epochState(suite, "application", 0, app) : undefined;
    }
    const secret = nextTrafficSecret(suite, state.keys.secret);
    return epochState(suite, "application", state.generation + 1, secret);
  }

  #switchTo(next: EpochState): void {
    this.#current = next;
    this.#reassembler = this.#newReassembler();
  }

  #newReassembler(): HandshakeReassembler {
    return new HandshakeReassembler({
      path: "Handshake",
      ...(this.#options.maxMessageLength === undefined
        ? {}
        : { maxMessageLength: this.#options.maxMessageLength }),
    });
  }
}

function epochState(
  suite: Tls13Suite,
  epoch: Tls13Epoch,
  generation: number,
  secret: Uint8Array,
): EpochState {
  return { epoch, generation, keys: deriveTrafficKeys(suite, secret), seq: 0n };
}
