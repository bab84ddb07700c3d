import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { HostView } from "../core/index.js";
import {
  opensslConfSection,
  opensslConfString,
  opensslConfText,
  parseOpensslConf,
  type OpensslConf,
} from "./openssl-conf.js";

let dir: string;
const live = new HostView("/");
before(() => {
  dir = mkdtempSync(join(tmpdir(), "tlsd-osslconf-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string | Uint8Array): string {
  const p = join(dir, name);
  mkdirSync(join(p, ".."), { recursive: true });
  // Strings are written byte for byte (latin1), so "\xEF\xBB\xBF" is a real BOM.
  writeFileSync(p, typeof text === "string" ? Buffer.from(text, "latin1") : text);
  return p;
}
const val = (c: OpensslConf, s: string, n: string): string | undefined =>
  opensslConfSection(c, s)?.find((v) => v.name === n)?.value;

describe("parseOpensslConf", () => {
  test("sections, [default], quotes, escapes, comments and the [ a b ] header", () => {
    const p = write(
      "basic.cnf",
      [
        "top = 1 # comment",
        "[ sec  one ]",
        `q1 = "a # not a comment"   `,
        "q2 = 'it''s'",
        "q3 = `back\\`tick`",
        "esc = a\\tb\\nc\\\\d\\#e",
        "dup = first",
        "other = x",
        "dup = second",
      ].join("\n"),
    );
    const c = parseOpensslConf(live, p);
    assert.equal(c.loaded, true);
    assert.equal(val(c, "default", "top"), "1");
    assert.equal(val(c, "sec  one", "q1"), "a # not a comment");
    assert.equal(val(c, "sec  one", "q2"), "its");
    assert.equal(val(c, "sec  one", "q3"), "back`tick");
    assert.equal(val(c, "sec  one", "esc"), "a\tb\nc\\d#e");
    // A repeated name replaces the value and moves to the end of the stack.
    assert.deepEqual(
      opensslConfSection(c, "sec  one")?.map((v) => `${v.name}=${v.value}@${v.line}`),
      [
        "q1=a # not a comment@3",
        "q2=its@4",
        "q3=back`tick@5",
        "esc=a\tb\nc\\d#e@6",
        "other=x@8",
        "dup=second@9",
      ],
    );
  });

  test("variables: $x, ${x}, $(x), $sec::x, [default] fallback, $ENV::X, and the fatal unknown", () => {
    const p = write(
      "vars.cnf",
      [
        "base = /srv",
        "[s]",
        "dir = $base/ca",
        "a = ${dir}/x",
        "b = $(dir)y",
        "c = $s::a",
        "h = $ENV::HOME/.rnd",
        "[t]",
        "d = $s::dir and ${s::b}",
      ].join("\n"),
    );
    const c = parseOpensslConf(live, p, { env: { HOME: "/root" } });
    assert.equal(val(c, "s", "dir"), "/srv/ca");
    assert.equal(val(c, "s", "a"), "/srv/ca/x");
    assert.equal(val(c, "s", "b"), "/srv/cay");
    assert.equal(val(c, "s", "c"), "/srv/ca/x");
    assert.equal(val(c, "s", "h"), "/root/.rnd");
    assert.equal(val(c, "t", "d"), "/srv/ca and /srv/cay");
    assert.deepEqual(c.envUsed, { HOME: "/root" });

    const bad = parseOpensslConf(live, write("novar.cnf", "a = 1\n\n[x]\nb = ${nope}\n"));
    assert.equal(bad.loaded, false);
    assert.equal(bad.error?.reason, "variable has no value");
    assert.equal(bad.error?.line, 4);
    assert.equal(bad.error?.file, join(dir, "novar.cnf"));
    const brace = parseOpensslConf(live, write("brace.cnf", "a = 1\nb = ${a\n"));
    assert.equal(brace.error?.reason, "no close brace");
  });

  test("line continuation, an escaped backslash, CRLF, BOM and the 64 KiB expansion limit", () => {
    const p = write("cont.cnf", "\xEF\xBB\xBFa = one \\\n  two\r\nb = c:\\\\\r\nc = 3\n");
    const c = parseOpensslConf(live, p);
    assert.equal(val(c, "default", "a"), "one   two");
    assert.equal(val(c, "default", "b"), "c:\\");
    assert.equal(val(c, "default", "c"), "3");
    assert.equal(opensslConfSection(c, "default")?.[2]?.line, 4);

    const big = ["a = " + "x".repeat(5000)];
    for (let i = 0; i < 5; i++)
      big.push(
        `${String.fromCharCode(98 + i)} = $${String.fromCharCode(97 + i)}$${String.fromCharCode(97 + i)}`,
      );
    const e = parseOpensslConf(live, write("big.cnf", big.join("\n")));
    assert.equal(e.error?.reason, "variable expansion too long");
    assert.equal(e.error?.line, 5);
  });

  test("syntax errors carry file:line and OpenSSL's reason", () => {
    const cases: [string, string, number][] = [
      ["[unclosed\n", "missing close square bracket", 1],
      ["a = 1\nno equal sign here\n", "missing equal sign", 2],
      [".pragma nocolon\n", "invalid pragma", 1],
      [".pragma dollarid:maybe\n", "invalid pragma", 1],
      [".pragma abspath:true\n.include rel.cnf\n", "relative path", 2],
    ];
    for (const [text, reason, line] of cases) {
      const c = parseOpensslConf(live, write("err.cnf", text));
      assert.equal(c.loaded, false, text);
      assert.equal(c.error?.reason, reason, text);
      assert.equal(c.error?.line, line, text);
    }
  });

  test("includes: files, `.include =`, directories (*.cnf/*.conf only), missing, cycles, includedir", () => {
    write("inc/leaf.cnf", "[leaf]\nk = v\n");
    write("inc/d/10-a.cnf", "[da]\nx = 1\n");
    write("inc/d/20-b.CONF", "[db]\nx = 2\n");
    write("inc/d/skipped.txt", "[nope]\nx = 3\n");
    write("inc/d/.cnf", "[nope2]\nx = 4\n");
    write("inc/self.cnf", "s = 1\n.include " + join(dir, "inc/self.cnf") + "\nt = 2\n");
    const main = write(
      "inc/main.cnf",
      [
        `.include ${join(dir, "inc/leaf.cnf")}`,
        "after = leaf-section",
        `.include = ${join(dir, "inc/d")}`,
        `.include ${join(dir, "inc/missing.cnf")}`,
        `.include ${join(dir, "inc/self.cnf")}`,
        "[end]",
        "z = 1",
      ].join("\n"),
    );
    const c = parseOpensslConf(live, main);
    assert.equal(c.loaded, true);
    assert.equal(val(c, "leaf", "k"), "v");
    // The section carries over the include boundary.
    assert.equal(val(c, "leaf", "after"), "leaf-section");
    assert.equal(val(c, "da", "x"), "1");
    assert.equal(val(c, "db", "x"), "2");
    assert.equal(opensslConfSection(c, "nope"), undefined);
    assert.equal(opensslConfSection(c, "nope2"), undefined);
    assert.equal(val(c, "db", "s"), "1");
    assert.equal(val(c, "db", "t"), "2");
    assert.equal(val(c, "end", "z"), "1");
    assert.deepEqual(
      c.problems.map((p) => [p.line, /no such file|cycle/.exec(p.message)?.[0]]),
      [
        [4, "no such file"],
        [2, "cycle"],
      ],
    );
    assert.equal(c.problems[1]?.file, join(dir, "inc/self.cnf"));

    // Relative includes resolve against the working directory, or .pragma includedir.
    write("inc/rel/r.cnf", "r = 1\n");
    const rel = write("inc/rel.cnf", ".include rel/r.cnf\n");
    assert.equal(val(parseOpensslConf(live, rel, { cwd: join(dir, "inc") }), "default", "r"), "1");
    assert.equal(val(parseOpensslConf(live, rel, { cwd: "/" }), "default", "r"), undefined);
    const pd = write("inc/pd.cnf", `.pragma includedir:${join(dir, "inc")}\n.include rel/r.cnf\n`);
    assert.equal(val(parseOpensslConf(live, pd), "default", "r"), "1");
    assert.equal(
      val(parseOpensslConf(live, rel, { includeDir: join(dir, "inc") }), "default", "r"),
      "1",
    );
  });

  test("a missing main file is not an error (OpenSSL ignores it); a directory is", () => {
    const m = parseOpensslConf(live, join(dir, "does-not-exist.cnf"));
    assert.deepEqual([m.loaded, m.missing, m.error], [false, true, undefined]);
    const d = parseOpensslConf(live, dir);
    assert.deepEqual([d.loaded, d.missing], [false, false]);
    assert.match(d.error?.message ?? "", /directory/);
  });

  test("garbage, binary junk and NUL bytes never crash and stay bounded", () => {
    const junk = new Uint8Array(200_000);
    let x = 12345;
    for (let i = 0; i < junk.length; i++) junk[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
    const c = parseOpensslConf(live, write("junk.bin", junk));
    assert.equal(typeof c.loaded, "boolean");
    // A NUL ends the 510-byte piece; the rest of that physical line is lost and the
    // line runs on into the next one, as strlen() in def_load_bio() makes it.
    const z = parseOpensslConf(live, write("nul.cnf", "a = 1\0junk\nb = 2\nc = 3\n"));
    assert.equal(val(z, "default", "a"), "1b = 2");
    assert.equal(val(z, "default", "c"), "3");
    // A piece that starts with NUL ends the file.
    const e = parseOpensslConf(live, write("nul2.cnf", "a = 1\n\0b = 2\nc = 3\n"));
    assert.deepEqual(
      opensslConfSection(e, "default")?.map((v) => v.name),
      ["a"],
    );
    // 64 KiB values from a few lines: OpenSSL would store them all; we stop at our bound.
    const bomb = [
      "a = " + "x".repeat(60_000),
      ...Array.from({ length: 50 }, (_, i) => `b${i} = $a`),
    ].join("\n");
    const b = parseOpensslConf(live, write("bomb.cnf", bomb), { maxValueBytes: 1_000_000 });
    assert.equal(b.loaded, true);
    assert.match(b.incomplete ?? "", /values exceed 1000000 bytes/);
    const tooBig = parseOpensslConf(live, write("huge.cnf", "a = 1\n"), { maxFileBytes: 3 });
    assert.equal(tooBig.loaded, false);
    assert.match(tooBig.error?.message ?? "", /limit/);
  });

  test("this machine's real openssl.cnf parses and yields the init section", () => {
    const path = "/usr/lib/ssl/openssl.cnf";
    if (live.kind(path) === "missing") return;
    const c = parseOpensslConf(live, path, { env: process.env });
    assert.equal(c.loaded, true, c.error?.message);
    const init = opensslConfString(c, null, "openssl_conf");
    assert.ok(init, "openssl_conf is set in the default section");
    assert.ok(opensslConfSection(c, init.value), `section [${init.value}] exists`);
    assert.equal(opensslConfText("caf\xc3\xa9"), "café");
  });
});

// ---------------------------------------------------------------------------
// Differential: the same files through OpenSSL's own NCONF_load().
// ---------------------------------------------------------------------------

const ORACLE_C = String.raw`
#include <stdio.h>
#include <openssl/conf.h>
#include <openssl/err.h>
static CONF *cur;
static void hex(const char *s) { for (const unsigned char *p = (const unsigned char *)s; *p; p++) printf("%02x", *p); }
static void one(CONF_VALUE *v) {
  if (v->name != NULL) return;
  STACK_OF(CONF_VALUE) *sk = NCONF_get_section(cur, v->section);
  printf("S "); hex(v->section); printf("\n");
  for (int i = 0; i < sk_CONF_VALUE_num(sk); i++) {
    CONF_VALUE *x = sk_CONF_VALUE_value(sk, i);
    printf("V "); hex(x->name); printf(" "); hex(x->value); printf("\n");
  }
}
int main(int argc, char **argv) {
  for (int a = 1; a < argc; a++) {
    long eline = -1;
    cur = NCONF_new(NULL);
    printf("F %d\n", a - 1);
    if (NCONF_load(cur, argv[a], &eline) <= 0) {
      const char *r = ERR_reason_error_string(ERR_peek_last_error());
      printf("E %ld %s\n", eline, r ? r : "?");
    } else lh_CONF_VALUE_doall(cur->data, one);
    ERR_clear_error();
    NCONF_free(cur);
  }
  return 0;
}
`;

function compileOracle(): string | undefined {
  const src = write("oracle/oracle.c", ORACLE_C);
  const bin = join(dir, "oracle/oracle");
  const r = spawnSync("gcc", ["-O1", "-o", bin, src, "-lcrypto"], { encoding: "utf8" });
  return r.status === 0 ? bin : undefined;
}

const unhex = (h: string): string => Buffer.from(h, "hex").toString("latin1");

/** Runs the oracle on many files at once: one canonical text per file. */
function oracle(bin: string, files: string[], cwd: string, env: Record<string, string>): string[] {
  const out = execFileSync(bin, files, { cwd, env, encoding: "utf8", maxBuffer: 1 << 26 });
  const res: string[] = [];
  let cur: string[] = [];
  let sec: string[] = [];
  const flush = (): void => {
    if (sec.length) cur.push(sec.join("\n"));
    sec = [];
  };
  const end = (): void => {
    flush();
    if (res.length < files.length && cur.length) res.push(cur.sort().join("\n\n"));
  };
  for (const line of out.split("\n")) {
    const [k, a = "", b = ""] = line.split(" ");
    if (k === "F") {
      if (line !== "F 0") end();
      cur = [];
    } else if (k === "E") cur.push(`E ${line.slice(2)}`);
    else if (k === "S") {
      flush();
      sec = [`[${opensslConfText(unhex(a))}]`];
    } else if (k === "V") sec.push(`${opensslConfText(unhex(a))}=${opensslConfText(unhex(b))}`);
  }
  end();
  return res;
}

function canonical(c: OpensslConf): string {
  if (!c.loaded) return `E ${c.error?.opensslLine} ${c.error?.reason}`;
  return c.sections
    .map((s) => [`[${s.name}]`, ...s.values.map((v) => `${v.name}=${v.value}`)].join("\n"))
    .sort()
    .join("\n\n");
}

describe("parseOpensslConf against OpenSSL's NCONF_load (differential)", () => {
  let bin: string | undefined;
  before(() => {
    bin = compileOracle();
  });
  const env = { HOME: "/home/t", FOO: "b a r", PATH: process.env["PATH"] ?? "/usr/bin" };

  test("hand-written tricky files agree", (t) => {
    if (!bin) return t.skip("gcc or libssl-dev missing: cannot build the NCONF_load oracle");
    const work = join(dir, "diff1");
    mkdirSync(join(work, "incdir"), { recursive: true });
    writeFileSync(join(work, "inc.cnf"), "[leaf]\nk = v\n");
    writeFileSync(join(work, "incdir/a.cnf"), "[da]\nx = 1\n[dz]\n");
    writeFileSync(join(work, "incdir/b.conf"), "[db]\nx = 2\n[dz]\n");
    const texts = [
      "a = 1\n[ s t ]\nb = $a\n",
      "a=1\nb=${a}$(a)$a\\$a\n",
      'x = "q\\"uote" \'sq\' `bq` # c\n',
      "x = a\\\ny = b\\\\\nz = c\n",
      "[s]\na::b = 1\nc = $a::b\n",
      "e = $ENV::HOME $ENV::FOO\n",
      "e = $ENV::NOPE\n",
      ".include inc.cnf\nafter = 1\n",
      ".include=incdir\nafter = 2\n",
      ".include incdir\n.include incdir/a.cnf\nz = 3\n",
      ".pragma dollarid:on\na$b = 1\nc = $a$b${a$b}\n",
      ".pragma=includedir:incdir\n.include a.cnf\n",
      "a = 1\r\nb = 2\r\r\n\\\n",
      "[a\\]b]\nx=1\n",
      "= empty name\n",
      "\xEF\xBB\xBF[bom]\nk = \xE9t\xC3\xA9\n",
      "a = 1\0junk\nb = 2\n",
      "a = " + "x".repeat(509) + "\r" + "y".repeat(20) + "\nb = 2\n",
      "a = " + "x".repeat(520) + "\\\nb = 2\n",
      "#only comment\n   \n\t\n",
      "a = 'unterminated\n",
      "a = 1 \\\n",
      ".includex.cnf\n",
      ".include\n",
    ];
    const files = texts.map((t, i) => {
      const p = join(work, `case-${i}.txt`);
      writeFileSync(p, Buffer.from(t, "latin1"));
      return p;
    });
    const want = oracle(bin, files, work, env);
    files.forEach((f, i) => {
      assert.equal(
        canonical(parseOpensslConf(live, f, { env, cwd: work })),
        want[i],
        `case ${i}: ${JSON.stringify(texts[i])}`,
      );
    });
  });

  test("random files built from the format's tricky tokens agree", (t) => {
    if (!bin) return t.skip("gcc or libssl-dev missing: cannot build the NCONF_load oracle");
    const work = join(dir, "diff2");
    mkdirSync(join(work, "incdir"), { recursive: true });
    writeFileSync(join(work, "inc.cnf"), "[leaf]\nk = v\n");
    writeFileSync(join(work, "incdir/a.cnf"), "[da]\nx = 1\n[dz]\n");
    writeFileSync(join(work, "incdir/b.conf"), "[db]\nx = 2\n[dz]\n");
    const token = fc.constantFrom(
      "a",
      "b",
      "x_1",
      "sec",
      "ENV",
      "default",
      " ",
      "  ",
      "\t",
      "=",
      " = ",
      "[",
      "]",
      "[sec]",
      "[ a b ]",
      "::",
      "$a",
      "${a}",
      "$(b)",
      "${a",
      "$ENV::HOME",
      "$ENV::NOPE",
      "$sec::a",
      "$",
      '"',
      "'",
      "`",
      "\\",
      "\\n",
      "#",
      ".",
      "-",
      "\r",
      ":",
      "@",
      "a = 1",
      "b = $a",
      "\xE9",
      "\xFF",
      "\0",
      ".include inc.cnf",
      ".include = incdir",
      ".include nope.cnf",
      ".pragma dollarid:on",
      ".pragma dollarid:off",
      ".pragma x:y",
      "x".repeat(300),
    );
    const line = fc.array(token, { maxLength: 8 }).map((ts) => ts.join(""));
    const file = fc
      .tuple(fc.array(line, { maxLength: 12 }), fc.constantFrom("\n", "\r\n"), fc.boolean())
      .map(([ls, nl, tail]) => ls.join(nl) + (tail ? nl : ""));
    const samples = fc.sample(file, { numRuns: 400, seed: 20240601 });
    const files = samples.map((s, i) => {
      const p = join(work, `case-${i}.txt`);
      writeFileSync(p, Buffer.from(s, "latin1"));
      return p;
    });
    const want = oracle(bin, files, work, env);
    let errors = 0;
    files.forEach((f, i) => {
      const got = canonical(parseOpensslConf(live, f, { env, cwd: work }));
      if (got.startsWith("E ")) errors++;
      assert.equal(got, want[i], `sample ${i}: ${JSON.stringify(samples[i])}`);
    });
    // The generator must exercise both outcomes, or the comparison proves little.
    assert.ok(errors > 40 && errors < 360, `errors in ${errors} of 400 samples`);
  });
});
