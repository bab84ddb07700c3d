// explain: decoders for the errors people paste — alerts, OpenSSL codes.
export * from "./alerts.js";
export * from "./openssl-error.js";
