import { finding, type Finding, type Severity } from "../core/index.js";
import {
  GLIBC_LIBRARY,
  hardeningOf,
  PT,
  type ElfAnalysis,
  type Interposition,
  type SearchPathRisk,
} from "../elf/index.js";

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
  out.push(...searchPathFindings(a.searchPathRisks));
  out.push(...hardeningFindings(a));
  return out;
}

const PROBLEM_TEXT: Readonly<Record<SearchPathRisk["problem"], string>> = {
  relative:
    "is relative: ld.so resolves it against the working directory of whoever starts the process",
  "world-writable": "is writable by every user",
  "group-writable": "is writable by a group other than root",
  "foreign-owner": "belongs to a user other than root and the object's owner",
  creatable: "does not exist, and a user other than root could create it",
};

/** ELF_RPATH_WRITABLE: one finding per object, each risky element as evidence. */
export function searchPathFindings(risks: readonly SearchPathRisk[]): Finding[] {
  const byObject = new Map<string, SearchPathRisk[]>();
  for (const r of risks) byObject.set(r.object, [...(byObject.get(r.object) ?? []), r]);
  return [...byObject].map(([object, rs]) => {
    const worst = rs.some((r) => r.problem === "world-writable" || r.problem === "creatable");
    const first = rs[0] as SearchPathRisk;
    return finding({
      id: "ELF_RPATH_WRITABLE",
      severity: worst ? "error" : "warning",
      side: "host",
      title: `${base(object)}'s ${first.tag} ${first.entry === "" ? "has an empty element" : `entry ${first.entry}`} ${PROBLEM_TEXT[first.problem].split(":")[0] ?? ""}${rs.length > 1 ? ` (${rs.length} entries)` : ""}`,
      detail: `ld.so searches ${first.tag} before the system directories, so whoever can write a library into one of these directories runs code in every process that loads ${object} — with root's privileges if root runs it. tlsdoctor checks each directory and its ancestors (owner, group and world write bits, the sticky bit).`,
      evidence: rs.map((r) => ({
        label: `${r.tag} ${r.entry === "" ? '""' : r.entry}`,
        value: `${r.at} ${PROBLEM_TEXT[r.problem]}${r.mode === undefined ? "" : ` (mode ${r.mode}, uid ${r.uid ?? "?"}, gid ${r.gid ?? "?"})`}`,
      })),
      fix: `Rebuild ${base(object)} without that ${first.tag} (or with an absolute, root-owned directory), or make the directory and its parents root-owned and not group- or world-writable (chmod go-w).`,
      refs: ["ld.so(8) (Rpath token expansion)", "CWE-426"],
    });
  });
}

/** Hardening of the process: executable stacks anywhere, and a weak main program. */
export function hardeningFindings(a: ElfAnalysis): Finding[] {
  const out: Finding[] = [];
  const execStack = a.load.objects.filter(
    (o) => (o.elf.type === 2 || o.elf.type === 3) && !hardeningOf(o.elf).nxStack,
  );
  if (execStack.length > 0) {
    out.push(
      finding({
        id: "ELF_EXECUTABLE_STACK",
        severity: "warning",
        side: "host",
        title: `${list(
          execStack.map((o) => base(o.path)),
          3,
        )} ${execStack.length === 1 ? "asks" : "ask"} for an executable stack, so ${base(a.load.main.path)}'s stacks are executable`,
        detail:
          "An object without a PT_GNU_STACK header, or with one marked executable, makes glibc's ld.so map the stacks of the whole process executable (thread stacks included; it mprotects them when such a library is loaded). A stack overflow then needs no ROP to run code. glibc 2.41 refuses to dlopen such libraries.",
        evidence: execStack.map((o) => ({
          label: base(o.path),
          value: o.elf.programHeaders.some((p) => p.type === PT.GNU_STACK)
            ? `${o.path}: PT_GNU_STACK has PF_X`
            : `${o.path}: no PT_GNU_STACK`,
        })),
        fix: "Rebuild the object with -Wl,-z,noexecstack (and find the assembly file without a .note.GNU-stack section), or clear the flag with `patchelf --clear-execstack`.",
        refs: ["glibc elf/dl-load.c (_dl_make_stack_executable)", "checksec(1) NX"],
      }),
    );
  }
  const h = hardeningOf(a.load.main.elf);
  const weak = [
    ...(h.pie === "no-pie" ? ["not PIE (fixed load address: ASLR does not move the program)"] : []),
    ...(h.relro === "none" ? ["no RELRO (the GOT stays writable)"] : []),
    ...(h.textrel ? ["text relocations (code pages made writable at load)"] : []),
  ];
  if (weak.length > 0) {
    out.push(
      finding({
        id: "ELF_WEAK_HARDENING",
        severity: "info",
        side: "host",
        title: `${base(a.load.main.path)}: ${list(weak.map((w) => w.split(" (")[0] ?? w))}`,
        detail:
          "Exploit mitigations that distributions enable by default are missing, so a memory-safety bug in this program (or in a TLS library it parses untrusted input with) is easier to turn into code execution.",
        evidence: weak.map((w) => ({ label: "missing", value: w })),
        fix: "Rebuild with -fPIE -pie -Wl,-z,relro,-z,now (Debian: DEB_BUILD_MAINT_OPTIONS=hardening=+all).",
        refs: ["checksec(1)"],
      }),
    );
  }
  return out;
}
