/**
 * docs/findings.md as data: `tlsdoctor explain FINDING_ID` prints an entry,
 * and the other explanations link to the ids they name. Each entry is a
 * `## ID` heading, a `**Severity:** … · **Side:** … · **Layer:** …` line,
 * the explanation, and `Confirm:` / `Fix:` lines; `## Group` headings
 * (not SCREAMING_SNAKE) name the section the ids below belong to.
 */
export interface FindingDoc {
  readonly id: string;
  /** The section heading it sits under ("Linkage (`tlsdoctor elf`)"). */
  readonly group: string;
  /** The severity text as written (it may name conditions: "error … / warning …"). */
  readonly severity: string;
  readonly side: string;
  readonly layer: string;
  /** The explanation paragraphs, without the Confirm and Fix lines. */
  readonly text: string;
  readonly confirm?: string;
  readonly fix?: string;
}

const ID = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;

/** Every entry of the findings document, by id; later duplicates are ignored. */
export function parseFindingDocs(markdown: string): Map<string, FindingDoc> {
  const out = new Map<string, FindingDoc>();
  let group = "";
  let current: { id: string; lines: string[] } | undefined;
  const flush = (): void => {
    if (!current || out.has(current.id)) return;
    const lines = current.lines;
    const meta = lines.find((l) => l.startsWith("**Severity:**")) ?? "";
    const field = (name: string): string =>
      new RegExp(`\\*\\*${name}:\\*\\*\\s*([^·]*)`).exec(meta)?.[1]?.trim() ?? "";
    const confirm = lines.find((l) => l.startsWith("Confirm:"));
    const fix = lines.find((l) => l.startsWith("Fix:"));
    const text = lines
      .filter((l) => l !== meta && l !== confirm && l !== fix)
      .join("\n")
      .trim();
    out.set(current.id, {
      id: current.id,
      group,
      severity: field("Severity"),
      side: field("Side"),
      layer: field("Layer"),
      text,
      ...(confirm === undefined ? {} : { confirm: confirm.slice("Confirm:".length).trim() }),
      ...(fix === undefined ? {} : { fix: fix.slice("Fix:".length).trim() }),
    });
  };
  for (const line of markdown.split(/\r?\n/)) {
    const h = /^## (.+?)\s*$/.exec(line);
    if (h?.[1] !== undefined) {
      flush();
      current = undefined;
      if (ID.test(h[1])) current = { id: h[1], lines: [] };
      else group = h[1];
      continue;
    }
    if (/^# /.test(line)) {
      flush();
      current = undefined;
      continue;
    }
    current?.lines.push(line);
  }
  flush();
  return out;
}

/** True for text shaped like a finding id (`TRUST_STORE_STALE`). */
export function looksLikeFindingId(text: string): boolean {
  return ID.test(text.trim());
}
