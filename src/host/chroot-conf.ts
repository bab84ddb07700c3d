/**
 * The files name resolution reads inside a chroot, parsed as glibc parses
 * them: resolv.conf (resolv/res_init.c), nsswitch.conf (nss/nss_database.c),
 * hosts, and krb5.conf's default realm; and a walk of the `hosts` line that
 * predicts, from the files alone, what getaddrinfo of the host's name does.
 * Pure: text in, plain data out.
 */
import { isIP } from "node:net";

/** /etc/resolv.conf as glibc reads it (resolv/res_init.c). */
export interface ResolvConf {
  /** The nameservers glibc uses: valid addresses, the first MAXNS (3). */
  readonly nameservers: readonly string[];
  readonly search: readonly string[];
  readonly options: readonly string[];
  readonly problems: readonly string[];
}

/** Parses resolv.conf(5): `keyword value…` lines; `#` or `;` starts a comment line. */
export function parseResolvConf(text: string): ResolvConf {
  const nameservers: string[] = [];
  let search: string[] = [];
  const options: string[] = [];
  const problems: string[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) return;
    const [kw = "", ...rest] = line.split(/\s+/);
    if (kw === "nameserver") {
      const addr = rest[0] ?? "";
      if (isIP(addr.replace(/%.*$/, "")) === 0)
        problems.push(
          `line ${i + 1}: nameserver ${JSON.stringify(addr)} is not an IP address: ignored`,
        );
      else if (nameservers.length >= 3)
        problems.push(`line ${i + 1}: nameserver ${addr} beyond the first 3 (MAXNS): ignored`);
      else nameservers.push(addr);
    } else if (kw === "search" || kw === "domain") {
      search = rest; // the last search or domain line wins
    } else if (kw === "options") {
      options.push(...rest);
    } else if (kw !== "sortlist") {
      problems.push(`line ${i + 1}: unknown keyword ${JSON.stringify(kw.slice(0, 40))}: ignored`);
    }
  });
  return { nameservers, search, options, problems };
}

/** One service of an nsswitch.conf line and its `[STATUS=action]` text ("" for none). */
export interface NssService {
  readonly name: string;
  readonly actions: string;
}

export interface NsswitchConf {
  /** Database name → its services; from glibc 2.33 the last line for a database wins. */
  readonly databases: Readonly<Record<string, readonly NssService[]>>;
  readonly problems: readonly string[];
}

/** glibc's `hosts` default when nsswitch.conf is missing or has no hosts line (nss/nss_database.c). */
export const HOSTS_DEFAULT: readonly NssService[] = [
  { name: "dns", actions: "[!UNAVAIL=return]" },
  { name: "files", actions: "" },
];

/** Parses nsswitch.conf(5): `database: service [STATUS=action] service …`. */
export function parseNsswitch(text: string): NsswitchConf {
  const databases: Record<string, NssService[]> = Object.create(null) as Record<
    string,
    NssService[]
  >;
  const problems: string[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/#.*$/, "").trim();
    if (line === "") return;
    const m = /^([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (!m?.[1]) {
      problems.push(`line ${i + 1}: not "database: services": ignored`);
      return;
    }
    const services: { name: string; actions: string }[] = [];
    for (const tok of (m[2] ?? "").match(/\[[^\]]*\]?|[^\s[]+/g) ?? []) {
      const last = services.at(-1);
      if (!tok.startsWith("[")) services.push({ name: tok, actions: "" });
      else if (!tok.endsWith("]")) problems.push(`line ${i + 1}: unclosed "[": ignored`);
      else if (last === undefined) problems.push(`line ${i + 1}: ${tok} before any service`);
      else last.actions = `${last.actions}${last.actions ? " " : ""}${tok.replace(/\s+/g, " ")}`;
    }
    if (databases[m[1]] !== undefined)
      problems.push(`line ${i + 1}: a second "${m[1]}" line: glibc uses the last one`);
    databases[m[1]] = services;
  });
  return { databases, problems };
}

/** Every host name and alias of an /etc/hosts text, lower-cased. */
export function hostsNames(text: string): Set<string> {
  const out = new Set<string>();
  for (const raw of text.split("\n")) {
    const [addr, ...names] = raw.replace(/#.*$/, "").trim().split(/\s+/);
    if (addr && isIP(addr.replace(/%.*$/, "")) !== 0)
      for (const n of names) out.add(n.toLowerCase());
  }
  return out;
}

/** `default_realm` of krb5.conf's [libdefaults], if set. */
export function parseKrb5DefaultRealm(text: string): string | undefined {
  let section = "";
  for (const raw of text.split("\n")) {
    const line = raw.replace(/[#;].*$/, "").trim();
    const s = /^\[(.+)\]$/.exec(line);
    if (s?.[1]) section = s[1].trim();
    const m = /^default_realm\s*=\s*(\S+)/.exec(line);
    if (section === "libdefaults" && m?.[1]) return m[1];
  }
  return undefined;
}

type NssStatus = "SUCCESS" | "NOTFOUND" | "UNAVAIL" | "TRYAGAIN";

/** The action after `status` under `actions` (nsswitch.conf(5); default: return on SUCCESS only). */
function actionFor(actions: string, status: NssStatus): "return" | "continue" {
  for (const item of actions.replace(/[[\]]/g, " ").trim().split(/\s+/)) {
    const m = /^(!?)([A-Za-z]+)=([A-Za-z]+)$/.exec(item);
    if (!m) continue;
    const hit = (m[2]?.toUpperCase() === status) !== (m[1] === "!");
    if (hit) return m[3]?.toLowerCase() === "return" ? "return" : "continue";
  }
  return status === "SUCCESS" ? "return" : "continue";
}

export interface HostsPrediction {
  /** "depends" when a service (DNS with nameservers, sss …) answers from outside the files. */
  readonly verdict: "resolves" | "fails" | "depends";
  readonly steps: readonly string[];
}

/** Walks the hosts line as glibc would for the host's own name, using only DIR's files. */
export function predictHostsLookup(input: {
  readonly services: readonly NssService[];
  readonly hostsFile: "missing" | "has-name" | "lacks-name";
  readonly nameservers: readonly string[];
  readonly moduleFound: (service: string) => boolean;
}): HostsPrediction {
  const steps: string[] = [];
  const walk = (i: number): HostsPrediction["verdict"] => {
    const s = input.services[i];
    if (s === undefined) return "fails";
    let st: NssStatus | undefined;
    if (!input.moduleFound(s.name)) {
      st = "UNAVAIL";
      steps.push(
        `${s.name}: libnss_${s.name}.so.2 is not in the chroot, so glibc skips it (UNAVAIL)`,
      );
    } else if (s.name === "files") {
      st =
        input.hostsFile === "has-name"
          ? "SUCCESS"
          : input.hostsFile === "missing"
            ? "UNAVAIL"
            : "NOTFOUND";
      steps.push(
        `files: /etc/hosts ${input.hostsFile === "has-name" ? "has the name" : input.hostsFile === "missing" ? "is missing (UNAVAIL)" : "lacks the name (NOTFOUND)"}`,
      );
    } else if (s.name === "dns" && input.nameservers.length === 0) {
      // res_init: no nameserver line → 127.0.0.1 (resolv/res_init.c); rarely a resolver there.
      st = "UNAVAIL";
      steps.push(
        "dns: no nameserver in /etc/resolv.conf: glibc asks 127.0.0.1, which usually has no resolver",
      );
    } else if (s.name === "myhostname") {
      st = "SUCCESS";
      steps.push("myhostname: answers the host's own name");
    } else {
      steps.push(
        `${s.name}: answers from outside the files${s.name === "dns" ? ` (${input.nameservers.join(", ")})` : ""}`,
      );
      const onSuccess = "resolves";
      const onFail = actionFor(s.actions, "NOTFOUND") === "return" ? "fails" : walk(i + 1);
      return onSuccess === onFail ? onSuccess : "depends";
    }
    if (actionFor(s.actions, st) === "return") {
      if (st !== "SUCCESS") steps.push(`${s.name}: ${s.actions} stops the lookup here`);
      return st === "SUCCESS" ? "resolves" : "fails";
    }
    return walk(i + 1);
  };
  return { verdict: walk(0), steps };
}
