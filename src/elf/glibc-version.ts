import { parseElf, type ElfFile } from "./parse/index.js";

/** What a libc.so.6 says its glibc version is. */
export interface GlibcVersionReading {
  /** "2.36": from the release banner, else the highest GLIBC_x.y version definition. */
  readonly version: string | undefined;
  readonly source: "release-string" | "verdef" | undefined;
  /** "GNU C Library (Debian GLIBC 2.36-9+deb12u14) stable release version 2.36." */
  readonly banner?: string;
  /** The highest GLIBC_x.y[.z] version definition ("GLIBC_2.36"). */
  readonly highestSymbolVersion?: string;
}

type Version = readonly [number, number, number];
const parse = (v: string): Version | undefined => {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
};
const cmp = (a: Version, b: Version): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/**
 * The glibc version of a libc.so.6, read as `gnu_get_libc_version` would
 * answer without running it: the "release version X.Y" of its banner
 * string, else the highest GLIBC_ version it defines (a stripped or
 * rebuilt libc may lack the banner). `elf` is parsed from `bytes` when not
 * given; a file that does not parse gives only what the banner says.
 */
export function readGlibcVersion(bytes: Uint8Array, elf?: ElfFile): GlibcVersionReading {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = buf.indexOf("GNU C Library");
  let banner: string | undefined;
  if (at >= 0) {
    const s = buf.toString("latin1", at, Math.min(buf.length, at + 200));
    banner = s.slice(0, s.search(/[\0\n]|$/)).trim();
  }
  const fromBanner = /release version (\d+\.\d+(?:\.\d+)?)/.exec(banner ?? "")?.[1];
  let highest: { name: string; v: Version } | undefined;
  let parsed = elf;
  if (parsed === undefined) {
    try {
      parsed = parseElf(bytes);
    } catch {
      parsed = undefined;
    }
  }
  for (const d of parsed?.versionDefinitions ?? []) {
    const v = /^GLIBC_(\d+\.\d+(?:\.\d+)?)$/.exec(d.name)?.[1];
    const pv = v === undefined ? undefined : parse(v);
    if (pv && (!highest || cmp(pv, highest.v) > 0)) highest = { name: d.name, v: pv };
  }
  const version = fromBanner ?? highest?.name.slice("GLIBC_".length);
  return {
    version,
    source: fromBanner !== undefined ? "release-string" : highest ? "verdef" : undefined,
    ...(banner === undefined ? {} : { banner }),
    ...(highest === undefined ? {} : { highestSymbolVersion: highest.name }),
  };
}
