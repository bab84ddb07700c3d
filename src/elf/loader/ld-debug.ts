/** `from -> to symbol`: how tlsdoctor and glibc's bindings are compared. */
export function bindingKey(from: string, to: string, symbol: string): string {
  return `${from} -> ${to} ${symbol}`;
}

/**
 * The bindings in LD_DEBUG=bindings output (`binding file A [0] to B [0]:
 * normal symbol `S' [V]`, or `protected symbol` where the reference names
 * the object's own STV_PROTECTED definition), as {@link bindingKey}s. The
 * vDSO's self-bindings are left out: the kernel's vDSO is not a file
 * tlsdoctor can read.
 */
export function parseLdDebugBindings(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split("\n")) {
    const m =
      /binding file (.+?) \[\d+\] to (.+?) \[\d+\]: (?:normal|protected) symbol `([^']+)'/.exec(
        line,
      );
    if (m?.[1] && m[2] && m[3] && !line.includes("linux-vdso"))
      out.add(bindingKey(m[1], m[2], m[3]));
  }
  return out;
}
