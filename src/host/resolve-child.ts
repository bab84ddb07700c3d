/**
 * The child side of `tlsdoctor chroot`'s resolver check: a process that
 * chroot(2)s into DIR, chdir("/"), then calls getaddrinfo(3) on a name, as a
 * chrooted daemon does when it looks up its own host name (seeds/004: krb5's
 * get_fq_hostname inside haproxy's chroot). It prints one JSON line
 * ({@link ChildReply}) on stdout and exits 0; it changes nothing but its own
 * root directory, which dies with it.
 *
 *   node resolve-child.js NAME [DIR]     (without DIR: the same lookup, not chrooted)
 *
 * Why a separate process, and why nothing may resolve before the chroot:
 * glibc reads /etc/nsswitch.conf lazily, on the first NSS call, and from
 * 2.33 it remembers the inode of "/" at that moment; once "/" changes it
 * stops reloading the file (nss/nss_database.c,
 * nss_database_check_reload_and_get), so a process that resolved anything
 * before chroot() keeps the host's configuration. A fresh Node process does
 * no NSS lookup at start-up, so this one sees DIR's files exactly as a daemon
 * that chroots before its first lookup does. koffi, its native module and
 * libc are loaded before the chroot; the NSS modules (libnss_*.so.2) and
 * /etc/ld.so.cache are then opened by libc from inside DIR, as in the daemon.
 * The hints are krb5's (AI_CANONNAME | AI_ADDRCONFIG, any family).
 */
import { ffi, type Ffi } from "./ffi.js";

/** What the child prints: the stage it reached and, after getaddrinfo, its result. */
export interface ChildReply {
  readonly stage: "ffi" | "chroot" | "chdir" | "resolve";
  /** errno of a failed chroot/chdir, or of getaddrinfo when it returned EAI_SYSTEM. */
  readonly errno?: number;
  readonly error?: string;
  /** getaddrinfo's return value (0, or a negative EAI_* code). */
  readonly rc?: number;
  /** gai_strerror(rc). */
  readonly message?: string;
  readonly canonname?: string;
  /** Distinct addresses, in the order getaddrinfo returned them. */
  readonly addresses?: readonly string[];
}

// <netdb.h>: AI_CANONNAME 0x0002, AI_ADDRCONFIG 0x0020; <sys/socket.h>: AF_INET 2, AF_INET6 10.
const AI_CANONNAME = 0x0002;
const AI_ADDRCONFIG = 0x0020;
const AF_INET = 2;
const AF_INET6 = 10;

function ipv6(b: readonly number[]): string {
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((b[i] ?? 0) << 8) | (b[i + 1] ?? 0));
  // RFC 5952: compress the longest run (length >= 2) of zero words, the first if tied.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}

function reply(r: ChildReply): never {
  process.stdout.write(`${JSON.stringify(r)}\n`);
  process.exit(0);
}

function main(argv: readonly string[]): never {
  const [name, dir] = argv;
  if (name === undefined) reply({ stage: "ffi", error: "usage: resolve-child NAME [DIR]" });
  let f: Ffi;
  try {
    f = ffi();
  } catch (e) {
    reply({ stage: "ffi", error: e instanceof Error ? e.message : String(e) });
  }
  const { koffi, libc } = f;
  // struct addrinfo (<netdb.h>); ai_next as an opaque pointer, decoded one by one.
  const AddrInfo = koffi.struct({
    ai_flags: "int",
    ai_family: "int",
    ai_socktype: "int",
    ai_protocol: "int",
    ai_addrlen: "uint32_t",
    ai_addr: "void *",
    ai_canonname: "char *",
    ai_next: "void *",
  });
  const chroot = libc.func("int chroot(const char *path)");
  const chdir = libc.func("int chdir(const char *path)");
  const getaddrinfo = libc.func(
    "int getaddrinfo(const char *node, const char *service, void *hints, _Out_ void **res)",
  );
  const freeaddrinfo = libc.func("void freeaddrinfo(void *res)");
  const gaiStrerror = libc.func("const char *gai_strerror(int errcode)");
  const hints: unknown = koffi.alloc(AddrInfo, 1);
  koffi.encode(hints, AddrInfo, {
    ai_flags: AI_CANONNAME | AI_ADDRCONFIG,
    ai_family: 0,
    ai_socktype: 0,
    ai_protocol: 0,
    ai_addrlen: 0,
    ai_addr: null,
    ai_canonname: null,
    ai_next: null,
  });

  if (dir !== undefined) {
    if ((chroot(dir) as number) !== 0) reply({ stage: "chroot", errno: f.errno() });
    if ((chdir("/") as number) !== 0) reply({ stage: "chdir", errno: f.errno() });
  }
  const out: unknown[] = [null];
  const rc = getaddrinfo(name, null, hints, out) as number;
  const errno = f.errno();
  const message = gaiStrerror(rc) as string;
  if (rc !== 0) reply({ stage: "resolve", rc, message, ...(rc === -11 ? { errno } : {}) });
  const addresses: string[] = [];
  let canonname: string | undefined;
  // A hostile or broken NSS module cannot make this loop forever: 4096 entries at most.
  for (let p = out[0], n = 0; p !== null && p !== undefined && n < 4096; n++) {
    const ai = koffi.decode(p, AddrInfo) as {
      ai_family: number;
      ai_addrlen: number;
      ai_addr: unknown;
      ai_canonname: string | null;
      ai_next: unknown;
    };
    canonname ??= ai.ai_canonname ?? undefined;
    if (ai.ai_addr !== null && ai.ai_addrlen >= 8) {
      const sa = koffi.decode(ai.ai_addr, "uint8_t", Math.min(ai.ai_addrlen, 28)) as number[];
      // sockaddr_in: family, port, 4-byte address at 4; sockaddr_in6: … 16-byte address at 8.
      const a =
        ai.ai_family === AF_INET
          ? sa.slice(4, 8).join(".")
          : ai.ai_family === AF_INET6 && sa.length >= 24
            ? ipv6(sa.slice(8, 24))
            : undefined;
      if (a !== undefined && !addresses.includes(a)) addresses.push(a);
    }
    p = ai.ai_next;
  }
  if (out[0] !== null) freeaddrinfo(out[0]);
  reply({ stage: "resolve", rc, message, addresses, ...(canonname ? { canonname } : {}) });
}

main(process.argv.slice(2));
