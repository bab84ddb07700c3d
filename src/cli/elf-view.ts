import type { Finding, Section } from "../core/index.js";
import { bindingKey, parseLdDebugBindings } from "../elf/index.js";
import type { ElfAnalysis, Hardening, LoadedObject } from "../elf/index.js";
import type { SweepSummary } from "./elf-sweep.js";

const name = (o: LoadedObject | undefined): string => o?.path ?? "(undefined)";

/** The text sections of one analysed process. */
export function analysisSections(
  a: ElfAnalysis,
  o: { bindings: boolean; notes: readonly string[] },
): Section[] {
  const m = a.load.main.elf;
  const sections: Section[] = [
    {
      kind: "fields",
      title: "Program",
      fields: [
        { label: "file", value: a.load.main.path },
        {
          label: "format",
          value: `ELF${m.class} ${m.endian}-endian ${m.machineName}, type ${m.type === 3 ? "DYN" : m.type === 2 ? "EXEC" : m.type}`,
        },
        { label: "interpreter", value: m.interpreter ?? "(none: static or a library)" },
        { label: "glibc", value: a.load.platform.glibcVersion ?? "unknown" },
        {
          label: "search",
          value: `${a.load.platform.systemDirs.join(":")}${a.load.platform.hwcaps.length ? ` (glibc-hwcaps: ${a.load.platform.hwcaps.join(", ")})` : ""}`,
        },
        {
          label: "bindings",
          value: `${a.bindingCount} (${a.bindings.filter((b) => b.to === undefined).length} unresolved)`,
        },
      ],
    },
    {
      kind: "table",
      title: "Load order (global scope)",
      columns: ["#", "object", "found via", "needed by"],
      rows: a.load.objects.map((x) => [
        String(x.index),
        x.path + (x.dlopened ? " (dlopen)" : x.preloaded ? " (preload)" : ""),
        x.via,
        x.loader === undefined ? "" : name(a.load.objects[x.loader]),
      ]),
    },
  ];
  const notes = [...o.notes, ...a.load.notes];
  if (notes.length > 0) sections.push({ kind: "text", title: "Notes", lines: notes });
  if (o.bindings) {
    sections.push({
      kind: "table",
      title: "Bindings",
      columns: ["from", "symbol", "version", "to"],
      rows: a.bindings.map((b) => [
        name(a.load.objects[b.from]),
        b.symbol,
        b.version ?? "",
        b.to === undefined ? "(undefined)" : name(a.load.objects[b.to]),
      ]),
    });
  }
  return sections;
}

const yes = (b: boolean): { value: string; tone: "good" | "bad" } => ({
  value: b ? "yes" : "no",
  tone: b ? "good" : "bad",
});

/** checksec's view of the main program. */
export function hardeningSection(h: Hardening): Section {
  return {
    kind: "fields",
    title: "Hardening",
    fields: [
      { label: "PIE", value: h.pie, tone: h.pie === "no-pie" ? "bad" : "good" },
      {
        label: "RELRO",
        value: h.relro,
        tone: h.relro === "full" ? "good" : h.relro === "partial" ? "warn" : "bad",
      },
      { label: "BIND_NOW", ...yes(h.bindNow) },
      { label: "NX stack", ...yes(h.nxStack) },
      { label: "stack protector", ...yes(h.stackProtector) },
      {
        label: "FORTIFY",
        value: `${h.fortify.fortified.length} fortified, ${h.fortify.fortifiable.length} fortifiable`,
      },
      {
        label: "CET",
        value: `IBT ${h.cet.ibt ? "yes" : "no"}, SHSTK ${h.cet.shstk ? "yes" : "no"}`,
      },
      ...(h.rpath.length > 0 ? [{ label: "RPATH", value: h.rpath.join(":") }] : []),
      ...(h.runpath.length > 0 ? [{ label: "RUNPATH", value: h.runpath.join(":") }] : []),
      ...(h.textrel ? [{ label: "TEXTREL", value: "yes", tone: "bad" as const }] : []),
    ],
  };
}

/** The JSON data of one analysed process. */
export function analysisData(
  a: ElfAnalysis,
  bindings: boolean,
  notes: readonly string[] = [],
): Record<string, unknown> {
  return {
    program: a.load.main.path,
    notes: [...notes, ...a.load.notes],
    platform: a.load.platform,
    objects: a.load.objects.map((x) => ({
      index: x.index,
      path: x.path,
      soname: x.elf.dynamic?.soname ?? null,
      names: [...x.names],
      via: x.via,
      neededBy: x.loader === undefined ? null : name(a.load.objects[x.loader]),
      preloaded: x.preloaded,
      dlopened: x.dlopened,
    })),
    missing: a.load.missing,
    interpositions: a.interpositions,
    duplicates: a.duplicates,
    undefinedSymbols: a.undefinedSymbols,
    searchPathRisks: a.searchPathRisks,
    versionProblems: a.versionProblems.map((v) => ({
      ...v,
      object: name(a.load.objects[v.object]),
      provider: name(a.load.objects[v.provider]),
    })),
    bindingCount: a.bindings.length,
    ...(bindings
      ? {
          bindings: a.bindings.map((b) => ({
            from: name(a.load.objects[b.from]),
            symbol: b.symbol,
            version: b.version ?? null,
            to: b.to === undefined ? null : name(a.load.objects[b.to]),
          })),
        }
      : {}),
  };
}

/** tlsdoctor's bindings against glibc's, as one section and its data. */
export function ldsoAgreement(a: ElfAnalysis, stderr: string): { section: Section; data: unknown } {
  const theirs = parseLdDebugBindings(stderr);
  // ld.so run as a program (trace mode) does not print its own bindings.
  const interp = a.load.main.elf.interpreter;
  const ours = new Set(
    a.bindings.flatMap((b) =>
      b.to === undefined || b.rtld === true || a.load.objects[b.from]?.path === interp
        ? []
        : [bindingKey(name(a.load.objects[b.from]), name(a.load.objects[b.to]), b.symbol)],
    ),
  );
  const onlyLdso = [...theirs].filter((x) => !ours.has(x));
  const onlyOurs = [...ours].filter((x) => !theirs.has(x));
  const agree = [...theirs].filter((x) => ours.has(x)).length;
  return {
    section: {
      kind: "text",
      title: "Checked against glibc's ld.so (LD_DEBUG=bindings)",
      lines: [
        `${agree} of ${theirs.size} ld.so bindings agree; ${onlyLdso.length} only in ld.so, ${onlyOurs.length} only in tlsdoctor`,
        ...onlyLdso.slice(0, 20).map((x) => `only ld.so: ${x}`),
        ...onlyOurs.slice(0, 20).map((x) => `only tlsdoctor: ${x}`),
      ],
    },
    data: { ldso: theirs.size, tlsdoctor: ours.size, agree, onlyLdso, onlyTlsdoctor: onlyOurs },
  };
}

/** One file's hardening in a sweep's JSON: checksec's columns, counts for FORTIFY. */
export function hardeningSummary(h: Hardening): Record<string, unknown> {
  return {
    pie: h.pie,
    relro: h.relro,
    bindNow: h.bindNow,
    nxStack: h.nxStack,
    stackProtector: h.stackProtector,
    fortified: h.fortify.fortified.length,
    fortifiable: h.fortify.fortifiable.length,
    ibt: h.cet.ibt,
    shstk: h.cet.shstk,
    rpath: h.rpath.length > 0 ? h.rpath.join(":") : null,
    runpath: h.runpath.length > 0 ? h.runpath.join(":") : null,
    textrel: h.textrel,
  };
}

/** The summary tables of a sweep: what was read, the findings, and hardening like checksec's. */
export function sweepSections(
  items: readonly SweepSummary[],
  findings: readonly Finding[],
): Section[] {
  const byId = new Map<string, number>();
  for (const f of findings) byId.set(f.id, (byId.get(f.id) ?? 0) + 1);
  const dynamic = items.filter((i) => i.analysed).length;
  const hs = items.flatMap((i) => (i.hardening ? [i.hardening] : []));
  const count = (p: (h: Hardening) => boolean): string => {
    const n = hs.filter(p).length;
    return `${n} (${hs.length === 0 ? 0 : Math.round((100 * n) / hs.length)}%)`;
  };
  const programs = hs.filter((h) => h.pie !== "dso" && h.pie !== "rel");
  const pct = (n: number, of: number): string =>
    `${n} (${of === 0 ? 0 : Math.round((100 * n) / of)}%)`;
  return [
    {
      kind: "table",
      title: "Sweep",
      columns: ["what", "count"],
      rows: [
        ["ELF files", String(items.length)],
        ["dynamically linked, analysed", String(dynamic)],
        ["static or not loadable", String(items.filter((i) => !i.analysed && !i.error).length)],
        ["unreadable or malformed", String(items.filter((i) => i.error).length)],
        ...[...byId].sort((x, y) => y[1] - x[1]).map(([id, n]) => [id, String(n)]),
      ],
    },
    {
      kind: "table",
      title: `Hardening (${hs.length} ELF files, ${programs.length} programs)`,
      columns: ["property", "files"],
      rows: [
        [
          "PIE (programs)",
          pct(
            programs.filter((h) => h.pie === "pie" || h.pie === "static-pie").length,
            programs.length,
          ),
        ],
        ["full RELRO", count((h) => h.relro === "full")],
        ["partial RELRO", count((h) => h.relro === "partial")],
        ["no RELRO", count((h) => h.relro === "none")],
        ["NX stack", count((h) => h.nxStack)],
        ["stack protector", count((h) => h.stackProtector)],
        ["FORTIFY (any __*_chk)", count((h) => h.fortify.fortified.length > 0)],
        ["CET IBT + SHSTK", count((h) => h.cet.ibt && h.cet.shstk)],
        ["RPATH or RUNPATH", count((h) => h.rpath.length > 0 || h.runpath.length > 0)],
        ["TEXTREL", count((h) => h.textrel)],
      ],
    },
  ];
}
