/**
 * OpenSSL's configuration format (config(5)), read the way OpenSSL 3.0 reads
 * it: a transliteration of def_load_bio() and str_copy() in
 * crypto/conf/conf_def.c, with the character classes of conf_def.h
 * (CONF_type_default), so that what we conclude is what OpenSSL concludes.
 * The quirks are kept on purpose, because they decide what a host really runs:
 * - lines are read in 510-byte pieces (BIO_gets into a 512-byte buffer); a NUL
 *   ends the piece (strlen), and a piece that starts with NUL ends the file;
 * - a trailing backslash continues the line unless it is itself escaped;
 * - `#` starts a comment outside quotes; `"`, `'` and `` ` `` all quote;
 * - `$name`, `${name}`, `$(name)`, `$sec::name` expand at parse time, from the
 *   section, then [default]; `$ENV::X` falls back to the environment; an
 *   unknown variable is a fatal error, as is an expansion over 64 KiB;
 * - `.include` paths are relative to the process's working directory (or
 *   OPENSSL_CONF_INCLUDE / `.pragma includedir`), not to the including file; a
 *   missing include is skipped silently; a directory includes its *.cnf and
 *   *.conf files (in readdir order, which we cannot know: we sort); OpenSSL has
 *   no depth limit and no cycle check — we stop at a bound and say so;
 * - the current section carries across include boundaries;
 * - a repeated name replaces the earlier value and moves to the end.
 * Any fatal error makes NCONF_load() fail, and OpenSSL's automatic loading
 * (OPENSSL_init_crypto with CONF_MFLAGS_IGNORE_RETURN_CODES) then runs with no
 * configuration at all, silently: `loaded: false` says exactly that.
 */
import { posix } from "node:path";
import { messageOf, type HostView } from "../core/index.js";

/** The HostView calls the parser needs (tests may pass any view). */
export type OpensslConfReader = Pick<HostView, "kind" | "readBytes" | "listDir" | "resolve">;

export interface OpensslConfValue {
  readonly section: string;
  readonly name: string;
  readonly value: string;
  readonly file: string;
  /** Line in `file` where the (logical) line starts, 1-based. */
  readonly line: number;
}

export interface OpensslConfSection {
  readonly name: string;
  /** In OpenSSL's stack order (what ssl_conf and providers iterate). */
  readonly values: readonly OpensslConfValue[];
}

export interface OpensslConfProblem {
  readonly file: string;
  readonly line: number;
  /** OpenSSL's reason string when it has one ("missing equal sign" …). */
  readonly reason: string;
  readonly message: string;
}

export interface OpensslConf {
  readonly path: string;
  /** False when NCONF_load() would fail: OpenSSL then uses no configuration at all. */
  readonly loaded: boolean;
  /** The main file does not exist (OpenSSL ignores that silently). */
  readonly missing: boolean;
  /** Files read, in the order OpenSSL opens them. */
  readonly files: readonly string[];
  readonly sections: readonly OpensslConfSection[];
  /** The fatal error, with OpenSSL's own cumulative line count (its "line N"). */
  readonly error?: OpensslConfProblem & { readonly opensslLine: number };
  /** Non-fatal: includes skipped, cycles cut, our own bounds. */
  readonly problems: readonly OpensslConfProblem[];
  /** Environment variables consulted through $ENV::X (null: unset). */
  readonly envUsed: Readonly<Record<string, string | null>>;
  /** tlsdoctor stopped at one of its own bounds (OpenSSL has none): the rest is unread. */
  readonly incomplete?: string;
}

export interface OpensslConfOptions {
  /** For $ENV::X. Defaults to none (a snapshot does not know the environment). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** OPENSSL_CONF_INCLUDE of the process. */
  readonly includeDir?: string;
  /** Working directory relative includes resolve against; "/" by default. */
  readonly cwd?: string;
  readonly maxDepth?: number;
  readonly maxFiles?: number;
  readonly maxFileBytes?: number;
  /** Bound on the bytes of all values stored (expansion can make each one 64 KiB). */
  readonly maxValueBytes?: number;
}

/** Reason strings of crypto/conf/conf_err.c (OpenSSL 3.0). */
const R = {
  bracket: "missing close square bracket",
  equal: "missing equal sign",
  brace: "no close brace",
  novalue: "variable has no value",
  toolong: "variable expansion too long",
  pragma: "invalid pragma",
  relative: "relative path",
  recursive: "recursive directory include",
  nofile: "no such file",
} as const;

/** Line pieces: BIO_gets(in, p, CONFBUFSIZE - 1) reads at most 510 bytes. */
const PIECE = 510;
const MAX_VALUE = 65536;

// CONF_type_default, by class (crypto/conf/conf_def.h).
const PUNCT = new Set("!%&*+,-./;?@^|~");
const isWs = (c: string | undefined): boolean =>
  c === " " || c === "\t" || c === "\n" || c === "\r";
const isAlnum = (c: string | undefined): boolean => {
  if (c === undefined) return false;
  const x = c.charCodeAt(0);
  return (x >= 48 && x <= 57) || (x >= 65 && x <= 90) || (x >= 97 && x <= 122) || x === 95;
};
const isQuote = (c: string | undefined): boolean => c === '"' || c === "'" || c === "`";

/** One of tlsdoctor's own bounds was hit; not an OpenSSL error. */
class LimitError extends Error {}

class ConfError extends Error {
  constructor(
    readonly reason: string,
    readonly detail: string,
  ) {
    super(detail);
  }
}

interface Stream {
  readonly file: string;
  readonly text: string; // bytes as latin1
  pos: number;
  line: number;
}

/** Latin-1 bytes to display text: UTF-8 when it is valid UTF-8. */
export function opensslConfText(raw: string): string {
  const bytes = Buffer.from(raw, "latin1");
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return raw;
  }
}

/** Parses `path` (as OpenSSL's NCONF_load would), following includes through `view`. */
export function parseOpensslConf(
  view: OpensslConfReader,
  path: string,
  options: OpensslConfOptions = {},
): OpensslConf {
  const p = new Parser(view, options);
  return p.run(path);
}

class Parser {
  readonly #view: OpensslConfReader;
  readonly #opt: OpensslConfOptions;
  readonly #data = new Map<string, Map<string, OpensslConfValue>>();
  readonly #order = new Map<string, OpensslConfValue[]>();
  readonly #files: string[] = [];
  readonly #problems: OpensslConfProblem[] = [];
  readonly #env: Record<string, string | null> = {};
  #dollarid = false;
  #abspath = false;
  #includedir: string | undefined;
  #at: { file: string; line: number } = { file: "", line: 0 };

  constructor(view: OpensslConfReader, opt: OpensslConfOptions) {
    this.#view = view;
    this.#opt = opt;
  }

  run(path: string): OpensslConf {
    const done = (
      loaded: boolean,
      missing: boolean,
      error?: OpensslConf["error"],
      incomplete?: string,
    ): OpensslConf => ({
      path,
      loaded,
      missing,
      files: this.#files,
      sections: [...this.#order].map(([name, values]) => ({
        name: opensslConfText(name),
        values: values.map((v) => ({
          ...v,
          name: opensslConfText(v.name),
          value: opensslConfText(v.value),
        })),
      })),
      ...(error ? { error } : {}),
      problems: this.#problems,
      envUsed: this.#env,
      ...(incomplete ? { incomplete } : {}),
    });
    const first = this.#open(path, true);
    if (typeof first === "string") {
      const missing = this.#view.kind(this.#abs(path)) === "missing";
      if (missing) return done(false, true);
      return done(false, false, {
        file: path,
        line: 0,
        opensslLine: 0,
        reason: "",
        message: first,
      });
    }
    try {
      this.#load(first);
    } catch (e) {
      if (e instanceof LimitError) return done(true, false, undefined, e.message);
      if (!(e instanceof ConfError)) throw e;
      const err = { ...this.#at, reason: e.reason, message: e.detail, opensslLine: this.#eline };
      return done(false, false, err);
    }
    return done(true, false);
  }

  #eline = 0;
  #valueBytes = 0;

  #abs(p: string): string {
    return posix.resolve(this.#opt.cwd ?? "/", p);
  }

  /** Opens a file as OpenSSL's BIO_new_file would; a string says why not. */
  #open(path: string, main = false): Stream | string {
    const abs = this.#abs(path);
    // stat("") is ENOENT; resolving it would name the working directory.
    const kind = path === "" ? "missing" : this.#view.kind(abs);
    if (kind === "missing") return `Cannot read ${path}: ${R.nofile}`;
    if (kind === "dir") return `Cannot read ${path}: it is a directory`;
    if (kind !== "file") return `Cannot read ${path}: not a regular file`;
    if (this.#files.length >= (this.#opt.maxFiles ?? 256)) {
      return `Cannot read ${path}: more than ${this.#opt.maxFiles ?? 256} files opened`;
    }
    try {
      const b = this.#view.readBytes(abs, this.#opt.maxFileBytes ?? 4 * 1024 * 1024);
      // Findings point at the file to edit: the real path, symlinks resolved.
      const real = this.#view.resolve(abs);
      this.#files.push(real);
      const text = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");
      return { file: real, text, pos: 0, line: 1 };
    } catch (e) {
      return main ? messageOf(e) : `Cannot read ${path}: ${messageOf(e)}`;
    }
  }

  /** BIO_gets: up to PIECE bytes through the first newline; strlen() stops at NUL. */
  #gets(s: Stream | undefined): string {
    if (!s) return "";
    const end = Math.min(s.text.length, s.pos + PIECE);
    const nl = s.text.indexOf("\n", s.pos);
    const stop = nl >= 0 && nl < end ? nl + 1 : end;
    const piece = s.text.slice(s.pos, stop);
    s.pos = stop;
    if (piece.endsWith("\n")) s.line++;
    const z = piece.indexOf("\0");
    return z >= 0 ? piece.slice(0, z) : piece;
  }

  #load(main: Stream): void {
    const stack: Stream[] = [];
    let dir: { path: string; names: string[] } | undefined;
    let input: Stream | undefined = main;
    let buf = "";
    let again = false;
    let first = true;
    this.#section("default");
    let section = "default";
    for (;;) {
      if (buf === "" && !again && input) this.#at = { file: input.file, line: input.line };
      let p = this.#gets(input);
      if (first) {
        if (p.startsWith("\xEF\xBB\xBF")) p = p.slice(3);
        first = false;
      }
      if (p.length === 0 && !again) {
        if (dir) {
          const next = this.#nextInDir(dir);
          if (next) {
            input = next;
            continue;
          }
          dir = undefined;
        }
        const parent = stack.pop();
        if (!parent) break;
        input = parent;
        continue;
      }
      again = false;
      let i = p.length;
      while (i > 0 && (p[i - 1] === "\r" || p[i - 1] === "\n")) i--;
      if (p.length > 0 && i === p.length) again = true;
      else this.#eline++;
      buf += p.slice(0, i);
      if (!again && buf.length >= 1 && buf.endsWith("\\")) {
        if (buf.length <= 1 || buf[buf.length - 2] !== "\\") {
          buf = buf.slice(0, -1);
          again = true;
        }
      }
      if (again) continue;
      const line = clearComments(buf);
      buf = "";
      const r = this.#line(line, section);
      if (r.section !== undefined) section = r.section;
      if (r.include !== undefined && input) {
        const opened = this.#include(r.include, stack, input, dir);
        if (opened) {
          stack.push(input);
          input = opened.stream;
          if (opened.dir) dir = opened.dir;
        }
      }
    }
  }

  /** One logical line; returns a new section name or an include path. */
  #line(line: string, section: string): { section?: string; include?: string } {
    let s = eatWs(line, 0);
    if (s >= line.length) return {};
    if (line[s] === "[") {
      s++;
      const start = eatWs(line, s);
      let ss = start;
      let end: number;
      for (;;) {
        end = this.#eatName(line, ss);
        const p = eatWs(line, end);
        if (line[p] === "]") break;
        if (p < line.length && ss !== p) {
          ss = p;
          continue;
        }
        throw new ConfError(R.bracket, `Cannot parse section header: ${R.bracket}`);
      }
      const name = this.#strCopy(null, line.slice(start, end));
      this.#section(name);
      return { section: name };
    }
    let nameStart = s;
    let end = this.#eatName(line, s);
    let psection = section;
    if (line[end] === ":" && line[end + 1] === ":") {
      psection = line.slice(s, end);
      nameStart = end + 2;
      end = this.#eatName(line, nameStart);
    }
    const p = eatWs(line, end);
    const rest = line.slice(nameStart);
    if (rest.startsWith(".pragma") && (p !== nameStart + 7 || line[p] === "=")) {
      this.#pragma(trimWs(line.slice(line[p] === "=" ? eatWs(line, p + 1) : p)));
      return {};
    }
    if (rest.startsWith(".include") && (p !== nameStart + 8 || line[p] === "=")) {
      const raw = trimWs(line.slice(line[p] === "=" ? eatWs(line, p + 1) : p));
      const inc = this.#strCopy(psection, raw);
      const dirPrefix = this.#opt.includeDir ?? this.#includedir;
      const path =
        dirPrefix !== undefined && !inc.startsWith("/")
          ? `${dirPrefix}${dirPrefix.endsWith("/") ? "" : "/"}${inc}`
          : inc;
      if (this.#abspath && !path.startsWith("/")) {
        throw new ConfError(
          R.relative,
          `Cannot include ${opensslConfText(path)}: ${R.relative} (.pragma abspath)`,
        );
      }
      return { include: path };
    }
    if (line[p] !== "=") {
      throw new ConfError(
        R.equal,
        `Cannot parse line: ${R.equal} at ${JSON.stringify(opensslConfText(line.slice(p)).slice(0, 60))}`,
      );
    }
    const name = line.slice(nameStart, end);
    const value = this.#strCopy(psection, trimWs(line.slice(eatWs(line, p + 1))));
    this.#add(psection, name, value);
    return {};
  }

  #pragma(v: string): void {
    const colon = v.indexOf(":");
    if (colon <= 0 || colon === v.length - 1) {
      throw new ConfError(
        R.pragma,
        `Cannot parse .pragma ${JSON.stringify(opensslConfText(v))}: ${R.pragma}`,
      );
    }
    const key = trimWs(v.slice(0, colon));
    const val = v.slice(eatWs(v, colon + 1));
    const bool = (): boolean => {
      const l = val.toLowerCase();
      if (l === "on" || l === "true") return true;
      if (l === "off" || l === "false") return false;
      throw new ConfError(
        R.pragma,
        `Cannot parse .pragma ${key}: ${R.pragma} value ${JSON.stringify(val)}`,
      );
    };
    if (key === "dollarid") this.#dollarid = bool();
    else if (key === "abspath") this.#abspath = bool();
    else if (key === "includedir") this.#includedir = val;
    // Unknown pragmas are ignored, as OpenSSL does.
  }

  /** process_include(): a missing or unreadable include is skipped, not fatal. */
  #include(
    path: string,
    stack: readonly Stream[],
    input: Stream,
    dir: { path: string; names: string[] } | undefined,
  ): { stream: Stream; dir?: { path: string; names: string[] } } | undefined {
    const shown = opensslConfText(path);
    const abs = this.#abs(path);
    const kind = path === "" ? "missing" : this.#view.kind(abs);
    if (kind === "missing") {
      this.#problem(
        "",
        `Cannot include ${shown}: no such file or directory (OpenSSL skips it silently)`,
      );
      return undefined;
    }
    const open = [...stack, input].map((s) => s.file);
    if (kind === "dir") {
      if (dir) {
        this.#problem(R.recursive, `Cannot include directory ${shown}: ${R.recursive}`);
        return undefined;
      }
      const d = { path, names: this.#listConf(path) };
      const first = this.#nextInDir(d);
      return first ? { stream: first, dir: d } : undefined;
    }
    if (open.includes(this.#view.resolve(abs))) {
      this.#problem(
        "",
        `Cannot include ${shown}: include cycle (OpenSSL has no cycle check and re-reads it until it runs out of file descriptors)`,
      );
      return undefined;
    }
    if (stack.length + 1 >= (this.#opt.maxDepth ?? 32)) {
      this.#problem(
        "",
        `Cannot include ${shown}: includes nested deeper than ${this.#opt.maxDepth ?? 32}`,
      );
      return undefined;
    }
    const s = this.#open(path);
    if (typeof s === "string") {
      this.#problem("", `${s} (OpenSSL skips it silently)`);
      return undefined;
    }
    return { stream: s };
  }

  #listConf(path: string): string[] {
    try {
      // OpenSSL takes readdir() order; a sorted list is the stable stand-in.
      return this.#view
        .listDir(this.#abs(path))
        .filter((n) => (n.length > 5 && /\.conf$/i.test(n)) || (n.length > 4 && /\.cnf$/i.test(n)));
    } catch (e) {
      this.#problem("", `Cannot list ${opensslConfText(path)}: ${messageOf(e)}`);
      return [];
    }
  }

  /** get_next_file(): the next *.cnf / *.conf that opens; errors are not fatal. */
  #nextInDir(d: { path: string; names: string[] }): Stream | undefined {
    for (;;) {
      const n = d.names.shift();
      if (n === undefined) return undefined;
      const s = this.#open(posix.join(d.path, n));
      if (typeof s !== "string") return s;
      this.#problem("", `${s} (OpenSSL skips it silently)`);
    }
  }

  #problem(reason: string, message: string): void {
    this.#problems.push({ ...this.#at, reason, message });
  }

  #eatName(line: string, p: number): number {
    for (;;) {
      const c = line[p];
      if (c === "\\") {
        p = p + 1 >= line.length ? p + 1 : p + 2;
        continue;
      }
      if (!(isAlnum(c) || (c !== undefined && PUNCT.has(c)) || (this.#dollarid && c === "$")))
        return p;
      p++;
    }
  }

  #section(name: string): void {
    if (!this.#data.has(name)) {
      this.#data.set(name, new Map());
      this.#order.set(name, []);
    }
  }

  /** _CONF_add_string(): a repeated name replaces the old value, which leaves the stack. */
  #add(section: string, name: string, value: string): void {
    this.#section(section);
    const map = this.#data.get(section) as Map<string, OpensslConfValue>;
    const list = this.#order.get(section) as OpensslConfValue[];
    const old = map.get(name);
    if (old) list.splice(list.indexOf(old), 1);
    this.#valueBytes += name.length + value.length;
    const limit = this.#opt.maxValueBytes ?? 32 * 1024 * 1024;
    if (this.#valueBytes > limit) {
      throw new LimitError(
        `Stopped at ${this.#at.file}:${this.#at.line}: values exceed ${limit} bytes`,
      );
    }
    const v: OpensslConfValue = { section: opensslConfText(section), name, value, ...this.#at };
    map.set(name, v);
    list.push(v);
  }

  /** _CONF_get_string(): the section, $ENV from the environment, then [default]. */
  #get(section: string | null, name: string): string | undefined {
    if (section !== null) {
      const v = this.#data.get(section)?.get(name);
      if (v) return v.value;
      if (section === "ENV") {
        const e = this.#opt.env?.[name];
        this.#env[name] = e ?? null;
        if (e !== undefined) return e;
      }
    }
    return this.#data.get("default")?.get(name)?.value;
  }

  /** str_copy(): quotes, escapes and variable expansion. */
  #strCopy(section: string | null, from: string): string {
    let out = "";
    let i = 0;
    let length = from.length + 1;
    for (;;) {
      const c = from[i];
      if (c === undefined) break;
      if (isQuote(c)) {
        i++;
        while (i < from.length && from[i] !== c) {
          if (from[i] === "\\") {
            i++;
            if (i >= from.length) break;
          }
          out += from[i++];
        }
        if (from[i] === c) i++;
      } else if (c === "\\") {
        const v = from[i + 1];
        i += 2;
        if (v === undefined) break;
        out += v === "r" ? "\r" : v === "n" ? "\n" : v === "b" ? "\b" : v === "t" ? "\t" : v;
      } else if (c === "$" && (!this.#dollarid || from[i + 1] === "{" || from[i + 1] === "(")) {
        let s = i + 1;
        const q = from[s] === "{" ? "}" : from[s] === "(" ? ")" : "";
        if (q) s++;
        const nameCh = (x: string | undefined): boolean =>
          isAlnum(x) || (this.#dollarid && x === "$");
        let cp = section;
        let np = s;
        let e = s;
        while (nameCh(from[e])) e++;
        if (from[e] === ":" && from[e + 1] === ":") {
          cp = from.slice(np, e);
          e += 2;
          np = e;
          while (nameCh(from[e])) e++;
        }
        const name = from.slice(np, e);
        if (q) {
          if (from[e] !== q)
            throw new ConfError(
              R.brace,
              `Cannot expand ${opensslConfText(from.slice(i, e + 1))}: ${R.brace}`,
            );
          e++;
        }
        const val = this.#get(cp, name);
        if (val === undefined) {
          const what =
            cp !== null && cp !== section
              ? `${opensslConfText(cp)}::${opensslConfText(name)}`
              : opensslConfText(name);
          throw new ConfError(R.novalue, `Cannot expand $${what}: ${R.novalue}`);
        }
        const newsize = val.length + length - (e - i);
        if (newsize > MAX_VALUE) {
          throw new ConfError(
            R.toolong,
            `Cannot expand $${opensslConfText(name)}: ${R.toolong} (${newsize} > ${MAX_VALUE} bytes)`,
          );
        }
        length = newsize;
        out += val;
        i = e;
      } else {
        out += c;
        i++;
      }
    }
    return out;
  }
}

function eatWs(s: string, p: number): number {
  while (isWs(s[p])) p++;
  return p;
}

function trimWs(s: string): string {
  let e = s.length;
  while (e > 0 && isWs(s[e - 1])) e--;
  return s.slice(0, e);
}

/** clear_comments(): `#` ends the line outside quotes and escapes. */
function clearComments(s: string): string {
  let p = eatWs(s, 0);
  for (;;) {
    const c = s[p];
    if (c === undefined) return s;
    if (c === "#") return s.slice(0, p);
    if (isQuote(c)) {
      p++;
      while (p < s.length && s[p] !== c) {
        if (s[p] === "\\") {
          p++;
          if (p >= s.length) return s;
        }
        p++;
      }
      if (s[p] === c) p++;
    } else if (c === "\\") {
      p = p + 1 >= s.length ? p + 1 : p + 2;
    } else p++;
  }
}

/** The values of a section (stack order), or undefined when it does not exist. */
export function opensslConfSection(
  conf: OpensslConf,
  name: string,
): readonly OpensslConfValue[] | undefined {
  return conf.sections.find((s) => s.name === name)?.values;
}

/** NCONF_get_string(): the section's value, else [default]'s (section null: [default] only). */
export function opensslConfString(
  conf: OpensslConf,
  section: string | null,
  name: string,
): OpensslConfValue | undefined {
  const v =
    section === null ? undefined : opensslConfSection(conf, section)?.find((x) => x.name === name);
  return v ?? opensslConfSection(conf, "default")?.find((x) => x.name === name);
}

// ---------------------------------------------------------------------------
// The module chain OpenSSL runs at start-up (crypto/conf/conf_mod.c):
// [default] openssl_conf = INIT; each INIT entry names a module and its section.
// ---------------------------------------------------------------------------

export interface OpensslConfAt {
  readonly file: string;
  readonly line: number;
}

export interface SslConfCommand extends OpensslConfAt {
  /** As written, e.g. "TLS.MinProtocol". */
  readonly name: string;
  /** What SSL_CONF_cmd() sees: conf_ssl.c drops everything up to the first dot. */
  readonly cmd: string;
  readonly value: string;
  /** Why SSL_CONF_cmd() would refuse it (unknown, not allowed here); absent when fine. */
  readonly refused?: string;
}

export interface OpensslProviderConf extends OpensslConfAt {
  readonly name: string;
  readonly section: string;
  readonly activate: boolean;
  readonly module?: string;
}

export interface OpensslModuleProblem extends OpensslConfAt {
  readonly module: string;
  readonly message: string;
  /** The module fails: OpenSSL stops loading modules here (and fails start-up with config_diagnostics). */
  readonly fails: boolean;
}

export interface OpensslModules {
  /** config_diagnostics in [default]: module failures become start-up failures. */
  readonly diagnostics: boolean;
  readonly init?: OpensslConfAt & { readonly section: string };
  readonly modules: readonly (OpensslConfAt & {
    readonly name: string;
    readonly value: string;
    readonly ran: boolean;
  })[];
  readonly systemDefault?: OpensslConfAt & {
    readonly section: string;
    readonly commands: readonly SslConfCommand[];
  };
  /** The providers section, when the providers module ran. */
  readonly providers?: OpensslConfAt & {
    readonly section: string;
    readonly list: readonly OpensslProviderConf[];
  };
  /** alg_section settings, when that module ran. */
  readonly algSection?: OpensslConfAt & {
    readonly section: string;
    readonly settings: readonly OpensslConfValue[];
  };
  readonly problems: readonly OpensslModuleProblem[];
}

/** SSL_CONF commands with a file name (ssl/ssl_conf.c ssl_conf_cmds[]), lower-cased. */
const SSL_FILE_COMMANDS = new Set(
  [
    "SignatureAlgorithms",
    "ClientSignatureAlgorithms",
    "Curves",
    "Groups",
    "ECDHParameters",
    "CipherString",
    "Ciphersuites",
    "Protocol",
    "MinProtocol",
    "MaxProtocol",
    "Options",
    "VerifyMode",
    "RecordPadding",
    "NumTickets",
  ].map((s) => s.toLowerCase()),
);
/** Commands flagged SSL_CONF_FLAG_CERTIFICATE: refused in system_default (no such flag there). */
const SSL_CERT_COMMANDS = new Set(
  [
    "Certificate",
    "PrivateKey",
    "ServerInfoFile",
    "ChainCAPath",
    "ChainCAFile",
    "ChainCAStore",
    "VerifyCAPath",
    "VerifyCAFile",
    "VerifyCAStore",
    "RequestCAFile",
    "ClientCAFile",
    "RequestCAPath",
    "ClientCAPath",
    "RequestCAStore",
    "ClientCAStore",
    "DHParameters",
  ].map((s) => s.toLowerCase()),
);
const BOOL_TRUE = new Set(["TRUE", "true", "Y", "y", "YES", "yes"]);
const BOOL_FALSE = new Set(["FALSE", "false", "N", "n", "NO", "no"]);

export interface OpensslModuleOptions {
  /** OpenSSL >= 3.3 reads `activate` as a boolean; before, any `activate` line activates. */
  readonly activateIsBoolean?: boolean;
  /** Red Hat's build knows alg_section's rh-allow-sha1-signatures. */
  readonly redHat?: boolean;
}

/** Walks openssl_conf → modules → sections as CONF_modules_load() would, without running anything. */
export function opensslModules(conf: OpensslConf, opt: OpensslModuleOptions = {}): OpensslModules {
  const problems: OpensslModuleProblem[] = [];
  const diag = opensslConfString(conf, null, "config_diagnostics");
  // conf_diagnostics(): NCONF_get_number_e() reads the leading digits.
  const diagnostics = Number(/^\d*/.exec(diag?.value ?? "")?.[0] || "0") > 0;
  const initName = opensslConfString(conf, null, "openssl_conf");
  if (!conf.loaded || !initName) return { diagnostics, modules: [], problems };
  const at = (v: OpensslConfAt): OpensslConfAt => ({ file: v.file, line: v.line });
  const init = { ...at(initName), section: initName.value };
  const values = opensslConfSection(conf, initName.value);
  if (!values) {
    problems.push({
      ...at(initName),
      module: "openssl_conf",
      fails: true,
      message: `openssl_conf names [${initName.value}], which does not exist ("openssl conf references missing section")`,
    });
    return { diagnostics, init, modules: [], problems };
  }
  const out: {
    systemDefault?: NonNullable<OpensslModules["systemDefault"]>;
    providers?: NonNullable<OpensslModules["providers"]>;
    algSection?: NonNullable<OpensslModules["algSection"]>;
  } = {};
  const modules: (OpensslConfAt & { name: string; value: string; ran: boolean })[] = [];
  let stopped = false;
  for (const v of values) {
    const base = v.name.includes(".") ? v.name.slice(0, v.name.lastIndexOf(".")) : v.name;
    if (stopped) {
      modules.push({ ...at(v), name: v.name, value: v.value, ran: false });
      continue;
    }
    const fail = (message: string): void => {
      problems.push({ ...at(v), module: base, fails: true, message });
      stopped = true;
    };
    const sec = opensslConfSection(conf, v.value);
    if (base === "ssl_conf") {
      if (!sec || sec.length === 0)
        fail(`ssl_conf = ${v.value}: ssl section ${sec ? "empty" : "not found"}`);
      else {
        for (const n of sec) {
          const cmds = opensslConfSection(conf, n.value);
          if (!cmds || cmds.length === 0) {
            fail(
              `${n.name} = ${n.value}: ssl command section ${cmds ? "empty" : "not found"} (${n.file}:${n.line})`,
            );
            break;
          }
          if (n.name === "system_default") {
            out.systemDefault = { ...at(n), section: n.value, commands: cmds.map(sslCommand) };
          }
        }
      }
    } else if (base === "providers") {
      if (!sec) fail(`providers = ${v.value}: section not found`);
      else {
        const list: OpensslProviderConf[] = [];
        for (const p of sec) {
          const ps = opensslConfSection(conf, p.value);
          if (!ps) {
            fail(`provider ${p.name} = ${p.value}: section not found (${p.file}:${p.line})`);
            break;
          }
          let name = skipDot(p.name);
          let activate = false;
          let module: string | undefined;
          for (const c of ps) {
            const k = skipDot(c.name);
            if (k === "identity") name = c.value;
            else if (k === "module") module = c.value;
            else if (k === "activate") {
              if (!opt.activateIsBoolean) activate = true;
              else if (/^(1|yes|YES|true|TRUE|on|ON)$/.test(c.value)) activate = true;
              else if (!/^(0|no|NO|false|FALSE|off|OFF)$/.test(c.value)) {
                problems.push({
                  ...at(c),
                  module: base,
                  fails: true,
                  message: `activate = ${c.value}: not a boolean`,
                });
              }
            }
          }
          list.push({
            ...at(p),
            name,
            section: p.value,
            activate,
            ...(module === undefined ? {} : { module }),
          });
        }
        if (!stopped) out.providers = { ...at(v), section: v.value, list };
      }
    } else if (base === "alg_section") {
      if (!sec) fail(`alg_section = ${v.value}: section not found ("error loading section")`);
      else {
        for (const s of sec) {
          const known =
            s.name === "default_properties" ||
            (s.name === "fips_mode" && (BOOL_TRUE.has(s.value) || BOOL_FALSE.has(s.value))) ||
            (s.name === "rh-allow-sha1-signatures" && opt.redHat === true);
          if (!known) {
            fail(
              `${s.name} = ${s.value}: ${s.name === "fips_mode" ? "invalid fips mode" : "unknown option"} in [${v.value}] (${s.file}:${s.line})`,
            );
            break;
          }
        }
        if (!stopped) out.algSection = { ...at(v), section: v.value, settings: sec };
      }
    } else if (["engines", "random", "oid_section", "stbl_section"].includes(base)) {
      if (!sec) fail(`${v.name} = ${v.value}: section not found`);
    } else {
      fail(`unknown module ${v.name}: OpenSSL tries to load it as a shared library and fails`);
    }
    modules.push({ ...at(v), name: v.name, value: v.value, ran: true });
  }
  return { diagnostics, init, modules, ...out, problems };
}

function skipDot(name: string): string {
  const i = name.indexOf(".");
  return i >= 0 ? name.slice(i + 1) : name;
}

function sslCommand(v: OpensslConfValue): SslConfCommand {
  const cmd = skipDot(v.name);
  const l = cmd.toLowerCase();
  const refused = SSL_FILE_COMMANDS.has(l)
    ? undefined
    : SSL_CERT_COMMANDS.has(l)
      ? "a certificate command, not allowed in system_default"
      : "unknown command";
  return {
    file: v.file,
    line: v.line,
    name: v.name,
    cmd,
    value: v.value,
    ...(refused ? { refused } : {}),
  };
}
