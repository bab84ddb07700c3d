/**
 * GRUB as grub-mkconfig leaves it: the menu in grub.cfg (menuentry and
 * submenu blocks, each entry's `linux` image), the `default` it sets, the
 * saved_entry/next_entry of grubenv, and GRUB_DEFAULT in /etc/default/grub —
 * enough to say which kernel the bootloader boots by default (GRUB manual,
 * "default" and "Simple configuration").
 */
import type { HostView } from "../core/index.js";
import { messageOf } from "../core/index.js";

const IMAGE_RE = /^(?:vmlinuz|vmlinux|kernel|Image)-(\d.*)$/;

/** The release in a kernel image's name (`/boot/vmlinuz-6.1.0-27-amd64` → `6.1.0-27-amd64`). */
export function kernelImageRelease(path: string): string | undefined {
  return IMAGE_RE.exec(path.slice(path.lastIndexOf("/") + 1))?.[1];
}

function readSmall(view: HostView, path: string): string | undefined {
  try {
    return view.readText(path, 4 * 1024 * 1024);
  } catch {
    return undefined;
  }
}

/** One menu item of grub.cfg: a menuentry, or a submenu holding more. */
export interface GrubEntry {
  readonly title: string;
  readonly id?: string;
  /** GRUB's numeric path: `0`, `1>2` (the third entry of the second item's submenu). */
  readonly index: string;
  /** The index path of the submenu holding it, "" at the top. */
  readonly parent: string;
  readonly submenu: boolean;
  /** The `linux` line's image. */
  readonly image?: string;
  /** The release that image boots (from its name `vmlinuz-R`). */
  readonly release?: string;
}

/** Reads one shell-like word list as grub's parser does: quotes and backslashes. */
function grubWords(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  const ws = (c: string | undefined): boolean => c === " " || c === "\t";
  while (i < line.length) {
    while (ws(line[i])) i++;
    if (i >= line.length) break;
    let w = "";
    while (i < line.length && !ws(line[i])) {
      const c = line[i] as string;
      if (c === "'") {
        const e = line.indexOf("'", i + 1);
        w += line.slice(i + 1, e < 0 ? line.length : e);
        i = e < 0 ? line.length : e + 1;
      } else if (c === '"') {
        i++;
        while (i < line.length && line[i] !== '"') {
          if (line[i] === "\\" && i + 1 < line.length) i++;
          w += line[i];
          i++;
        }
        i++;
      } else if (c === "\\" && i + 1 < line.length) {
        w += line[i + 1];
        i += 2;
      } else {
        w += c;
        i++;
      }
    }
    out.push(w);
  }
  return out;
}

/**
 * The menu of a grub.cfg (as grub-mkconfig writes it) and every value it
 * gives `default`. Bounded: 4 MiB of text, 2,000 items, 16 levels.
 */
export function parseGrubCfg(text: string): { entries: GrubEntry[]; defaults: string[] } {
  type Open = { kind: "menuentry" | "submenu" | "block"; entry?: GrubEntry & { image?: string } };
  const entries: (GrubEntry & { image?: string; release?: string })[] = [];
  const defaults: string[] = [];
  const stack: Open[] = [];
  const counters: number[] = [0];
  for (const raw of text.slice(0, 4 * 1024 * 1024).split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    if (line === "}") {
      const closed = stack.pop();
      if (closed?.kind === "submenu") counters.pop();
      continue;
    }
    const w = grubWords(line);
    const head = w[0] ?? "";
    if (
      (head === "menuentry" || head === "submenu") &&
      entries.length < 2000 &&
      stack.length < 16
    ) {
      const parents = stack.filter((o) => o.kind === "submenu").map((o) => o.entry?.index ?? "");
      const parent = parents[parents.length - 1] ?? "";
      const n = counters[counters.length - 1] ?? 0;
      counters[counters.length - 1] = n + 1;
      const idAt = w.findIndex((x) => x === "$menuentry_id_option" || x === "--id");
      const id = idAt > 0 ? w[idAt + 1] : w.find((x) => x.startsWith("--id="))?.slice(5);
      const entry = {
        title: w[1] ?? "",
        ...(id ? { id } : {}),
        index: parent === "" ? String(n) : `${parent}>${n}`,
        parent,
        submenu: head === "submenu",
      };
      entries.push(entry);
      if (line.endsWith("{")) {
        stack.push({ kind: head, entry });
        if (head === "submenu") counters.push(0);
      }
      continue;
    }
    const top = stack[stack.length - 1];
    if (top?.kind === "menuentry" && top.entry && /^(linux|linux16|linuxefi|kernel)$/.test(head)) {
      const image = w[1];
      const e = top.entry as { image?: string; release?: string };
      if (image !== undefined && e.image === undefined) {
        e.image = image;
        const r = kernelImageRelease(image);
        if (r) e.release = r;
      }
    } else if (head === "set" && w[1]?.startsWith("default=")) {
      defaults.push(w[1].slice("default=".length));
    } else if (line.endsWith("{") && stack.length < 16) {
      stack.push({ kind: "block" });
    }
  }
  return { entries, defaults };
}

/** The entry GRUB boots for a `default` value: numbers, titles or ids, `>` between menu levels. */
export function resolveGrubDefault(
  entries: readonly GrubEntry[],
  value: string,
): GrubEntry | undefined {
  let parent = "";
  let found: GrubEntry | undefined;
  for (const part of (value === "" ? "0" : value).split(">")) {
    const level = entries.filter((e) => e.parent === parent);
    found = /^\d+$/.test(part)
      ? level.find((e) => e.index === (parent === "" ? part : `${parent}>${part}`))
      : (level.find((e) => e.id === part) ?? level.find((e) => e.title === part));
    if (!found) return undefined;
    parent = found.index;
  }
  // A default naming a submenu itself: its first entry.
  while (found?.submenu) {
    const idx = found.index;
    found = entries.find((e) => e.parent === idx);
  }
  return found;
}

export interface GrubSummary {
  readonly config: string;
  readonly entries: readonly GrubEntry[];
  /** The `set default=` value grub.cfg ends with (`0`, `${saved_entry}` …). */
  readonly defaultSetting?: string;
  /** saved_entry and next_entry from grubenv. */
  readonly savedEntry?: string;
  readonly nextEntry?: string;
  /** GRUB_DEFAULT in /etc/default/grub. */
  readonly etcDefault?: string;
  /** The value GRUB uses, ${saved_entry} substituted. */
  readonly effectiveDefault: string;
  readonly defaultEntry?: GrubEntry;
  readonly problems: readonly string[];
}

/** GRUB's configuration, environment block and /etc/default/grub, when the view has a grub.cfg. */
export function readGrub(view: HostView): GrubSummary | undefined {
  const config = ["/boot/grub/grub.cfg", "/boot/grub2/grub.cfg"].find(
    (p) => view.kind(p) === "file",
  );
  if (!config) return undefined;
  const problems: string[] = [];
  let text = "";
  try {
    text = view.readText(config, 4 * 1024 * 1024);
  } catch (e) {
    problems.push(messageOf(e));
  }
  const { entries, defaults } = parseGrubCfg(text);
  const env = new Map<string, string>();
  const envText = readSmall(view, config.replace(/grub\.cfg$/, "grubenv")) ?? "";
  for (const l of envText.split("\n")) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(l);
    if (m?.[1] && m[2] !== undefined) env.set(m[1], m[2]);
  }
  const etc = /^\s*GRUB_DEFAULT=(.*)$/m.exec(readSmall(view, "/etc/default/grub") ?? "")?.[1];
  const etcDefault = etc === undefined ? undefined : (grubWords(etc.trim())[0] ?? "");
  const defaultSetting = defaults.filter((d) => !d.includes("next_entry")).pop();
  const savedEntry = env.get("saved_entry");
  const nextEntry = env.get("next_entry") || undefined;
  const effectiveDefault = (defaultSetting ?? "0").replace(/\$\{?saved_entry\}?/, savedEntry ?? "");
  const defaultEntry = resolveGrubDefault(entries, effectiveDefault);
  for (const e of entries) {
    if (e.image !== undefined && e.release === undefined) {
      // `linux /vmlinuz`: follow the symlink grub-mkconfig's root-level links point to.
      const r = kernelImageRelease(view.resolve(e.image));
      if (r) (e as { release?: string }).release = r;
    }
  }
  if (defaultEntry === undefined && entries.length > 0) {
    problems.push(`default ${JSON.stringify(effectiveDefault)} matches no menu entry`);
  }
  return {
    config,
    entries,
    ...(defaultSetting === undefined ? {} : { defaultSetting }),
    ...(savedEntry === undefined ? {} : { savedEntry }),
    ...(nextEntry === undefined ? {} : { nextEntry }),
    ...(etcDefault === undefined ? {} : { etcDefault }),
    effectiveDefault,
    ...(defaultEntry === undefined ? {} : { defaultEntry }),
    problems,
  };
}
