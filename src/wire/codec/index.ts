// wire/codec: pure TLS wire-format decoders. Bytes in, plain data out, no I/O.
export { CodecError, isCodecError } from "./codec-error.js";
export { ByteReader, joinPath } from "./byte-reader.js";
export type { ByteReaderOptions } from "./byte-reader.js";
export {
  ContentType,
  MAX_RECORD_LENGTH,
  RECORD_HEADER_LENGTH,
  contentTypeName,
  protocolName,
  readRecord,
  versionLabel,
} from "./record.js";
export type {
  ProtocolName,
  ReadRecordOptions,
  RecordRead,
  Sslv2Record,
  TlsRecord,
} from "./record.js";
export {
  DEFAULT_MAX_HANDSHAKE_MESSAGE,
  HANDSHAKE_HEADER_LENGTH,
  HandshakeReassembler,
  HandshakeType,
  handshakeTypeName,
} from "./handshake.js";
export type { HandshakeMessage, HandshakeReassemblerOptions } from "./handshake.js";
export {
  ExtensionType,
  findExtension,
  latin1,
  parseAlpn,
  parseKeyShareClient,
  parseKeyShareServer,
  parseServerName,
  parseSupportedGroups,
  parseSupportedVersionSelected,
  parseSupportedVersionsOffered,
  readExtensions,
} from "./extensions.js";
export type { Extension } from "./extensions.js";
export { parseClientHello } from "./client-hello.js";
export type { ClientHello } from "./client-hello.js";
export { HELLO_RETRY_REQUEST_RANDOM, parseServerHello } from "./server-hello.js";
export type { ServerHello } from "./server-hello.js";
export { parseCertificate, parseCertificate12, parseCertificate13 } from "./certificate.js";
export type { CertificateEntry, CertificateMessage } from "./certificate.js";
export { parseCertificateStatus } from "./certificate-status.js";
export type { CertificateStatus } from "./certificate-status.js";
export { parseEncryptedExtensions } from "./encrypted-extensions.js";
export type { EncryptedExtensions } from "./encrypted-extensions.js";
export {
  parseDheServerKeyExchange,
  parseEcdheServerKeyExchange,
  parseServerKeyExchange,
} from "./server-key-exchange.js";
export type { DheServerKeyExchange, EcdheServerKeyExchange } from "./server-key-exchange.js";
export { parseAlerts } from "./alert.js";
export type { Alert } from "./alert.js";
export { ALERT_NAMES, alertLevelName, alertName } from "./alert-names.js";
export { HASH_LENGTH, hkdfExpand, hkdfExpandLabel, hkdfExtract } from "./hkdf.js";
export type { HashName } from "./hkdf.js";
export {
  MAX_INNER_PLAINTEXT,
  TLS13_IV_LENGTH,
  TLS13_SUITES,
  deriveTrafficKeys,
  nextTrafficSecret,
  openRecord,
  recordNonce,
} from "./tls13-keys.js";
export type { InnerPlaintext, OpenResult, Tls13Suite, TrafficKeys } from "./tls13-keys.js";
export { Tls13Decryptor } from "./tls13-decrypt.js";
export type {
  Tls13DecryptorOptions,
  Tls13Epoch,
  Tls13RecordResult,
  Tls13Secrets,
} from "./tls13-decrypt.js";
// Builders: what a scanner sends.
export { ByteWriter, u16List } from "./byte-writer.js";
export * from "./extension-build.js";
export { buildClientHello, frameRecords, padClientHello } from "./client-hello-build.js";
export type { ClientHelloSpec, FrameOptions } from "./client-hello-build.js";
export { KEY_SHARE_GROUPS, canMakeKeyShare, makeKeyShare } from "./key-share.js";
export type { KeyShare } from "./key-share.js";
export { deriveSecret, serverHandshakeTrafficSecret } from "./tls13-schedule.js";
export { buildSslv2ClientHello, parseSslv2Message } from "./sslv2.js";
export type { Sslv2Message, Sslv2ServerHello } from "./sslv2.js";
export { parseCertificateRequest } from "./certificate-request.js";
export type { CertificateRequest } from "./certificate-request.js";
export {
  SSLV2_ERROR_NAMES,
  Sslv2MessageType,
  parseSslv2ServerHello,
  sslv2ErrorName,
} from "./sslv2-server-hello.js";
export { parseSslv2ClientHello } from "./sslv2-client-hello.js";
export type { Sslv2ClientHello } from "./sslv2-client-hello.js";
export { parseServerHelloDone } from "./server-hello-done.js";
export {
  parseNewSessionTicket,
  parseNewSessionTicket12,
  parseNewSessionTicket13,
} from "./new-session-ticket.js";
export type { NewSessionTicket } from "./new-session-ticket.js";
export { HEARTBEAT_EXTENSION, HeartbeatMode, parseHeartbeatMode } from "./heartbeat.js";
export type { HeartbeatModeValue } from "./heartbeat.js";
export {
  parseEcPointFormats,
  parseRenegotiationInfo,
  parseSignatureAlgorithms,
} from "./extensions-more.js";
