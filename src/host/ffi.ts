/**
 * The one door to foreign functions (koffi): AF_ALG sockets, getrandom(2),
 * chroot(2) and getaddrinfo(3) have no Node API. koffi is loaded lazily, so a
 * host where it cannot load (another architecture without a prebuilt
 * binary, a locked-down Node) still runs every check that does not need it:
 * those that do report "could not run" with the reason from {@link ffi}.
 */
import { createRequire } from "node:module";
import type * as KoffiModule from "koffi";
import type { IKoffiLib } from "koffi";
import { TlsDoctorError } from "../core/index.js";

export type Koffi = typeof KoffiModule;
export type ForeignLibrary = IKoffiLib;

export interface Ffi {
  readonly koffi: Koffi;
  /** glibc, for syscall(2), socket(2), getaddrinfo(3) … */
  readonly libc: ForeignLibrary;
  /** errno of the last foreign call on this thread. */
  errno(): number;
}

let cached: Ffi | Error | undefined;

/** koffi and libc.so.6, or the error that stopped them from loading (cached). */
export function tryFfi(): Ffi | Error {
  if (cached !== undefined) return cached;
  try {
    const require = createRequire(import.meta.url);
    const koffi = require("koffi") as Koffi;
    const libc = koffi.load("libc.so.6");
    cached = { koffi, libc, errno: () => koffi.errno() };
  } catch (e) {
    cached = e instanceof Error ? e : new Error(String(e));
  }
  return cached;
}

/** koffi and libc.so.6, or a typed error saying why they are unavailable. */
export function ffi(): Ffi {
  const f = tryFfi();
  if (f instanceof Error) {
    throw new TlsDoctorError(
      "TLSD_UNSUPPORTED",
      `Cannot call the C library from Node (koffi failed to load: ${f.message})`,
    );
  }
  return f;
}
