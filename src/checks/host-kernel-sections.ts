/**
 * Report sections of the kernel, glibc and limits checks: what runs and
 * what is installed, glibc and the randomness it depends on, descriptor
 * limits, and every note and skipped check.
 */
import type { Field, Section, Tone } from "../core/index.js";
import { hostKernelSkipped, type HostKernelAnalysis } from "./host-kernel.js";

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
const field = (label: string, value: string, tone?: Tone): Field =>
  tone === undefined ? { label, value } : { label, value, tone };
const limitText = (n: number | null | undefined): string =>
  n === undefined ? "?" : n === null ? "unlimited" : String(n);

/** Report sections: the kernels, glibc and randomness, descriptor limits, notes and what was skipped. */
export function hostKernelSections(a: HostKernelAnalysis): Section[] {
  const { kernel: k, libc: l, limits: m } = a;
  const out: Section[] = [];
  const r = k.running;
  out.push({
    kind: "fields",
    title: "Kernel",
    fields: [
      field(
        "running",
        r.release ?? "unknown",
        r.release ? (k.notLatest ? "bad" : "plain") : "warn",
      ),
      field("from", r.source === "live" ? "uname(2)" : r.source),
      ...(r.build ? [field("build", r.build)] : []),
      field(
        "installed here",
        k.runningInstalled
          ? [k.runningImage, k.runningModules ? "modules" : "no modules", k.runningPackage]
              .filter(Boolean)
              .join(", ")
          : "no (no image, modules or package)",
        k.runningInstalled ? "good" : "warn",
      ),
      field("newest installed", k.newest?.release ?? "none found", k.notLatest ? "bad" : "plain"),
      ...k.reasons.map((x) => field(`why (${x.kind})`, x.text, "warn")),
      ...(k.grub
        ? [
            field(
              "GRUB default",
              `${k.grub.effectiveDefault}${k.grub.defaultEntry ? ` → ${k.grub.defaultEntry.title}` : " (no such entry)"}`,
            ),
          ]
        : []),
      ...(k.cmdline !== undefined ? [field("BOOT_IMAGE", k.bootImage ?? "(none)")] : []),
      ...(k.bootTimeMs !== undefined ? [field("booted", iso(k.bootTimeMs))] : []),
      ...(k.platform.length > 0 ? [field("platform", k.platform.join("; "))] : []),
      field(
        "FIPS mode",
        k.fips.enabled === undefined
          ? "no fips_enabled (not a FIPS-capable kernel, or not captured)"
          : k.fips.enabled
            ? "enabled"
            : "disabled",
        "dim",
      ),
    ],
  });
  if (k.kernels.length > 0) {
    out.push({
      kind: "table",
      title: "Installed kernels",
      columns: ["release", "image", "modules", "package", "state", "installed"],
      rows: k.kernels.map((x) => [
        x.release + (x.release === r.release ? " (running)" : ""),
        x.image ?? "",
        x.modules ? "yes" : "no",
        x.packageName ? `${x.packageName} ${x.packageVersion ?? ""}`.trim() : "",
        x.packageState ?? "",
        x.installedAtMs === undefined ? "" : iso(x.installedAtMs),
      ]),
    });
  }
  const g = l.glibc;
  const scan = l.arc4random;
  out.push({
    kind: "fields",
    title: "glibc and randomness",
    fields: [
      field("libc.so.6", g ? `${g.path} (${g.foundVia})` : "not found", g ? "plain" : "warn"),
      ...(g
        ? [
            field(
              "glibc",
              `${g.version ?? "?"}${g.packageVersion ? ` (libc6 ${g.packageVersion})` : ""}`,
            ),
            field(
              "minimum kernel",
              g.minKernel ? g.minKernel.join(".") : "no ABI tag",
              l.kernelTooOld ? "bad" : "plain",
            ),
            field(
              "arc4random",
              g.definesArc4random
                ? "in libc (needs getrandom or /dev/urandom)"
                : "not in this glibc",
            ),
          ]
        : []),
      field(
        "getrandom",
        l.getrandom.detail,
        l.getrandom.available === false ? "bad" : l.getrandom.available ? "good" : "warn",
      ),
      field(
        "/dev/urandom",
        l.urandom.detail,
        l.urandom.state === "ok" ? "good" : l.urandom.state === "not-captured" ? "dim" : "bad",
      ),
      field(
        "/dev/random",
        l.random.detail,
        l.random.state === "ok" ? "good" : l.random.state === "not-captured" ? "dim" : "bad",
      ),
      ...(scan
        ? [
            field(
              "arc4random users",
              `${scan.users.length} of ${scan.scanned} programs in ${scan.dirs.join(" ")}${scan.truncated ? " (file limit reached)" : ""}${scan.tooLarge > 0 ? `; ${scan.tooLarge} too large to read` : ""}`,
            ),
          ]
        : []),
    ],
  });
  const fdFields: Field[] = [
    ...(m.self
      ? [
          field(
            "tlsdoctor",
            `${m.self.openFds ?? "?"} open, soft ${limitText(m.self.nofile?.soft)}, hard ${limitText(m.self.nofile?.hard)}`,
          ),
        ]
      : []),
    ...(m.fileNr
      ? [field("system file table", `${m.fileNr[0]} of ${m.fileNr[2]} (fs.file-max)`)]
      : []),
    ...(m.nrOpen !== undefined ? [field("fs.nr_open", String(m.nrOpen))] : []),
  ];
  if (fdFields.length > 0)
    out.push({ kind: "fields", title: "File descriptor limits", fields: fdFields });
  if (m.processes.length > 0) {
    out.push({
      kind: "table",
      title: "TLS daemons' descriptors",
      columns: ["pid", "name", "open", "soft", "hard", "state"],
      rows: m.processes.map((p) => [
        String(p.pid),
        p.comm,
        p.openFds === undefined ? "?" : `${p.openFds}${p.fdCountCapped ? "+" : ""}`,
        limitText(p.nofile?.soft),
        limitText(p.nofile?.hard),
        p.error ?? p.state,
      ]),
    });
  }
  const lines = [
    ...k.notes,
    ...l.notes,
    ...m.notes,
    ...(k.grub?.problems ?? []).map((p) => `${k.grub?.config ?? "grub.cfg"}: ${p}`),
    ...hostKernelSkipped(a).map((s) => `not checked — ${s.check}: ${s.reason}`),
  ];
  if (lines.length > 0) out.push({ kind: "text", title: "Kernel checks: notes", lines });
  return out;
}
