// The host layer: facts about this machine (or a snapshot under --root) —
// kernel, libc, entropy, limits, kernel crypto, TLS library configuration,
// chroots, daemons. Every file read goes through core's HostView.
export * from "./ffi.js";
