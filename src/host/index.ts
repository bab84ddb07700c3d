// The host layer: facts about this machine (or a snapshot under --root) —
// kernel, libc, entropy, limits, kernel crypto, TLS library configuration,
// chroots, daemons. Every file read goes through core's HostView.
export * from "./ffi.js";
export * from "./proc-net.js";
export * from "./daemons.js";
export * from "./snapshot.js";
export * from "./chroot.js";
export * from "./dpkg.js";
export * from "./grub.js";
export * from "./kernel.js";
export * from "./kernel-live.js";
export * from "./libc.js";
export * from "./limits.js";
export * from "./proc-crypto.js";
export * from "./af-alg.js";
export * from "./kernel-crypto.js";
export * from "./arc4random.js";
export * from "./openssl-conf.js";
export * from "./gnutls-conf.js";
export * from "./crypto-policies.js";
export * from "./tls-config.js";
