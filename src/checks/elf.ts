import { finding, type Finding, type Severity } from "../core/index.js";
import { GLIBC_LIBRARY, type ElfAnalysis, type Interposition } from "../elf/index.js";

const list = (xs: readonly string[], max = 8): string =>
  xs.length <= max ? xs.join(", ") : `${xs.slice(0, max).join(", ")} … (${xs.length} in all)`;
const base = (p: string): string => p.slice(p.lastIndexOf("/") + 1);

function severityOf(i: Interposition): Severity {
  if (i.category === "crypto") return "error";
  if (i.category === "allocator" || i.category === "preload") return "info";
  return i.symbolType === "function" ? "warning" : "info";
}

/** Findings of one emulated process (`tlsdoctor elf FILE`). */
export function elfFindings(a: ElfAnalysis): Finding[] {
  const out: Finding[] = [];
  const prog = a.load.main.path;

  // One finding per (winner, category): the evidence lists each symbol.
  const groups = new Map<string, Interposition[]>();
  for (const i of a.interpositions) {
    const k = `${i.winner}\u0000${i.category}`;
    const g = groups.get(k);
    if (g) g.push(i);
    else groups.set(k, [i]);
  }
  for (const g of groups.values()) {
    const first = g[0] as Interposition;
    const symbols = [...new Set(g.map((i) => (i.version ? `${i.symbol}@${i.version}` : i.symbol)))];
    const severity =
      g.map(severityOf).sort((x, y) => (x === "error" ? -1 : y === "error" ? 1 : 0))[0] ?? "info";
    const what =
      first.category === "crypto"
        ? "crypto functions"
        : first.category === "allocator"
          ? "the allocator"
          : first.category === "preload"
            ? "symbols, as an LD_PRELOAD object"
            : "symbols";
    out.push(
      finding({
        id: "ELF_FOREIGN_INTERPOSITION",
        severity,
        side: "host",
        title: `${base(first.winner)} answers ${what} that ${list([...new Set(g.map((i) => base(i.from)))], 3)} expect${g.length === 1 ? "s" : ""} from ${list([...new Set(g.flatMap((i) => i.losers.map(base)))], 3)} (${symbols.length} symbol${symbols.length === 1 ? "" : "s"})`,
        detail:
          first.category === "crypto"
            ? `In ${prog}, ${base(first.winner)} comes earlier in the global lookup scope than the crypto library these objects were linked against, and defines the same names, so ld.so binds their calls to it. A versioned reference (e.g. @OPENSSL_3.0.0) does not protect them: glibc accepts an unversioned definition for a versioned reference. When its functions are dummies or another implementation (seeds/002: libmysqlclient's CRYPTO_lock, EVP_CIPHER_CTX_init), TLS crashes or misbehaves, only in processes that load both.`
            : `In ${prog}, these references bind to ${base(first.winner)}, outside the referencing object's own dependencies, although a library they depend on defines the same symbol.`,
        evidence: g.slice(0, 20).map((i) => ({
          label: i.version ? `${i.symbol}@${i.version}` : i.symbol,
          value: `${i.from} → ${i.winner} (instead of ${i.losers.join(", ")}${i.kind === "version" ? "; versioned reference answered by an unversioned definition" : ""})`,
        })),
        fix:
          first.category === "crypto"
            ? `Remove or replace ${base(first.winner)} (a build without the bundled crypto stubs, or one that hides them), or stop linking it into ${base(prog)}; as a stopgap, link the crypto library before it (it must come earlier in DT_NEEDED order). Confirm with LD_DEBUG=bindings.`
            : first.category === "allocator" || first.category === "preload"
              ? "Usually deliberate (jemalloc, tcmalloc, an LD_PRELOAD shim). Nothing to do unless the behaviour is unexpected."
              : `Check that ${base(first.winner)} means to replace these symbols; if not, give it a version script or hidden visibility.`,
        refs: ["seeds/002", "glibc elf/dl-lookup.c (do_lookup_x)"],
      }),
    );
  }

  for (const d of a.duplicates) {
    if (d.kind === "copies") {
      out.push(
        finding({
          id: "ELF_DUPLICATE_CRYPTO_LIBRARY",
          severity: "error",
          side: "host",
          title: `${base(prog)} loads ${d.objects.length} copies of ${d.family}`,
          detail: `Two versions or copies of one crypto library in one process (${list(d.objects.map(base))}): their unversioned or same-named symbols can cross (one library's object freed by the other's function), and global state such as locking callbacks, providers or the FIPS mode exists twice.`,
          evidence: d.objects.map((o, i) => ({ label: `copy ${i + 1}`, value: o })),
          fix: `Rebuild or upgrade whatever needs the older copy so the process uses one ${d.family}.`,
          refs: ["seeds/002"],
        }),
      );
    } else {
      const obj = d.objects[0] ?? "";
      const alsoOpenssl = a.load.objects.some((o) =>
        /^lib(crypto|ssl)\.so/.test(o.elf.dynamic?.soname ?? base(o.path)),
      );
      out.push(
        finding({
          id: "ELF_DUPLICATE_CRYPTO_LIBRARY",
          severity: alsoOpenssl ? "error" : "warning",
          side: "host",
          title: `${base(obj)} exports ${d.exported?.length ?? 0} OpenSSL-named function${d.exported?.length === 1 ? "" : "s"}${alsoOpenssl ? " in a process that also loads OpenSSL" : ""}`,
          detail: `${obj} is not OpenSSL but exports functions with OpenSSL's names (${list(d.exported ?? [], 6)}): a bundled copy (BoringSSL, yaSSL, an OpenSSL compatibility layer such as libgnutls-openssl, a Node binary). Whoever comes first in the lookup scope answers every caller of those names.`,
          evidence: [
            { label: "object", value: obj },
            { label: "names", value: list(d.exported ?? [], 20) },
          ],
          fix: "Prefer a build of that library that hides its bundled crypto (version script, -fvisibility=hidden) or links the system OpenSSL.",
          refs: ["seeds/002"],
        }),
      );
    }
  }

  for (const m of a.load.missing) {
    out.push(
      finding({
        id: "ELF_MISSING_LIBRARY",
        severity: "error",
        side: "host",
        title: `${m.name}, needed by ${base(m.neededBy)}, is not found`,
        detail: `ld.so would stop ${base(prog)} with "error while loading shared libraries: ${m.name}: cannot open shared object file". ${m.wrongClass.length > 0 ? `Files of another class or machine were skipped: ${list(m.wrongClass)}. ` : ""}${m.errors.length > 0 ? `Refused: ${list(m.errors, 3)}.` : ""}`,
        evidence: [
          { label: "needed by", value: m.neededBy },
          { label: "tried", value: list(m.tried, 12) },
        ],
        fix: `Install the package that provides ${m.name}, or add its directory to /etc/ld.so.conf.d/ and run ldconfig.`,
        refs: ["ld.so(8)"],
      }),
    );
  }

  const glibc = a.load.platform.glibcVersion;
  for (const v of a.versionProblems) {
    const who = a.load.objects[v.object]?.path ?? "?";
    const isGlibc = /^GLIBC_/.test(v.version) && GLIBC_LIBRARY.test(v.file);
    out.push(
      finding({
        id: isGlibc ? "ELF_NEEDS_NEWER_GLIBC" : "ELF_UNDEFINED_SYMBOL",
        severity: v.weak ? "warning" : "error",
        side: "host",
        title: isGlibc
          ? `${base(who)} needs ${v.version}; this glibc is ${glibc ?? "older"}`
          : `${base(who)} needs version ${v.version} of ${v.file}, which does not define it`,
        detail: `ld.so would stop with "version \`${v.version}' not found (required by ${who})".`,
        evidence: [
          { label: "object", value: who },
          { label: "needs", value: `${v.file} ${v.version}` },
          { label: "provider", value: a.load.objects[v.provider]?.path ?? v.file },
        ],
        fix: isGlibc
          ? "Use a build made for this distribution release (or build it on the oldest glibc you run), or upgrade the distribution."
          : `Install the ${v.file} that ${base(who)} was built against, or rebuild it against this one.`,
        refs: ["glibc elf/dl-version.c"],
      }),
    );
  }

  if (a.undefinedSymbols.length > 0) {
    const byFrom = new Map<string, string[]>();
    for (const u of a.undefinedSymbols) {
      const l = byFrom.get(u.from) ?? [];
      l.push(u.version ? `${u.symbol}@${u.version}` : u.symbol);
      byFrom.set(u.from, l);
    }
    for (const [from, syms] of byFrom) {
      out.push(
        finding({
          id: "ELF_UNDEFINED_SYMBOL",
          severity: "error",
          side: "host",
          title: `${base(from)} references ${syms.length} symbol${syms.length === 1 ? "" : "s"} nothing in ${base(prog)} defines`,
          detail: `ld.so fails with "undefined symbol: ${syms[0]}" when the reference is bound (at start-up with BIND_NOW, else at the first call); \`ldd -r\` lists the same.`,
          evidence: [
            { label: "object", value: from },
            { label: "symbols", value: list(syms, 20) },
          ],
          fix: "A library in the closure is older or newer than the one it was built against: reinstall matching versions, or find which library should define these names.",
          refs: ["ldd(1) -r"],
        }),
      );
    }
  }
  return out;
}
