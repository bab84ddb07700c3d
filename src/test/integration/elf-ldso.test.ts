// The ld.so emulation against glibc itself: seeds/002 rebuilt with gcc, and
// every binding tlsdoctor predicts compared with LD_DEBUG=bindings
// (LD_BIND_NOW=1) on the test's programs and on system programs started
// with --version. Bindings are compared as (from, to, symbol); the vDSO's
// self-bindings are left out (the kernel's vDSO is not a file tlsdoctor can
// read), and so are objects the program dlopen()s while running (plugins):
// tlsdoctor models start-up, and --dlopen names the rest.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HostView } from "../../core/index.js";
import { analyseProcess, bindingKey, ElfCache, parseElf } from "../../elf/index.js";
import { elfFindings } from "../../checks/index.js";
import { gcc, glibcBindings } from "../harness/gcc.js";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";

const LIBSSL = "/usr/lib/x86_64-linux-gnu/libssl.so.3";
const LIBCRYPTO = "/usr/lib/x86_64-linux-gnu/libcrypto.so.3";

/**
 * Lookups LD_DEBUG prints that are dlsym() calls made while the program
 * runs, not start-up bindings: glibc's backtrace() dlopens libgcc_s and
 * dlsyms the unwinder (haproxy calls it at start so backtraces work inside
 * its chroot). No relocation asks for them, so no emulation of start-up can.
 */
const RUNTIME_DLSYM = /libgcc_s\.so\.1 -> \S*libgcc_s\.so\.1 (_Unwind_\w+|__gcc_personality_v0)$/;

function agreement(program: string, args: string[], env: Record<string, string> = {}) {
  const a = analyseProcess({ files: new ElfCache(new HostView("/")) }, program, {
    ...(env.LD_LIBRARY_PATH ? { ldLibraryPath: env.LD_LIBRARY_PATH } : {}),
    ...(env.LD_PRELOAD ? { ldPreload: env.LD_PRELOAD } : {}),
  });
  const paths = new Set(a.load.objects.map((o) => o.path));
  const theirs = new Set(
    [...glibcBindings(program, args, env)].filter(
      (k) => paths.has(k.split(" -> ")[0] ?? "") && !RUNTIME_DLSYM.test(k),
    ),
  );
  const ours = new Set(
    a.bindings
      .flatMap((b) =>
        b.to === undefined
          ? []
          : [
              bindingKey(
                a.load.objects[b.from]?.path ?? "",
                a.load.objects[b.to]?.path ?? "",
                b.symbol,
              ),
            ],
      )
      .filter((k) => !RUNTIME_DLSYM.test(k)),
  );
  return {
    a,
    theirs: theirs.size,
    agree: [...theirs].filter((k) => ours.has(k)).length,
    onlyLdso: [...theirs].filter((k) => !ours.has(k)),
    onlyOurs: [...ours].filter((k) => !theirs.has(k)),
  };
}

describe("elf: ld.so emulation against glibc", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "tlsd-elf-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("seeds/002: a client library's unversioned dummies win over libcrypto's OPENSSL_3.0.0 functions", () => {
    // libfakemysql exports unversioned dummies of OpenSSL 3 functions, as
    // libmysqlclient.so.16 exported CRYPTO_lock & co; smtp links it first.
    gcc(
      dir,
      "libfakemysql.so.16",
      `void *EVP_CIPHER_CTX_new(void) { return 0; }
       void EVP_CIPHER_CTX_free(void *c) { (void)c; }
       int EVP_EncryptInit_ex(void *c, const void *t, void *e, const unsigned char *k, const unsigned char *i) { return 0; }
       int mysql_init(void) { return 1; }`,
      ["-shared", "-fPIC", "-Wl,-soname,libfakemysql.so.16"],
    );
    const smtp = gcc(
      dir,
      "smtp",
      `void *SSL_CTX_new(const void *); const void *TLS_client_method(void); int mysql_init(void);
       int main(void) { mysql_init(); return SSL_CTX_new(TLS_client_method()) == 0; }`,
      [`-L${dir}`, "-l:libfakemysql.so.16", LIBSSL, LIBCRYPTO, `-Wl,-rpath,${dir}`],
    );
    const r = agreement(smtp, []);
    const fake = join(dir, "libfakemysql.so.16");
    const hits = r.a.interpositions.filter((i) => i.winner === fake);
    const sym = hits.find(
      (i) => i.symbol === "EVP_CIPHER_CTX_new" && i.from.endsWith("libssl.so.3"),
    );
    assert.ok(sym, JSON.stringify(r.a.interpositions, null, 1));
    assert.equal(sym.version, "OPENSSL_3.0.0");
    assert.equal(sym.category, "crypto");
    assert.ok(sym.losers.some((l) => l.endsWith("libcrypto.so.3")));
    // glibc binds the same way.
    const ldso = bindingKey(sym.from, fake, "EVP_CIPHER_CTX_new");
    assert.ok(glibcBindings(smtp, []).has(ldso), "LD_DEBUG shows libssl bound to the dummy");
    const f = elfFindings(r.a).filter((x) => x.id === "ELF_FOREIGN_INTERPOSITION");
    assert.equal(f[0]?.severity, "error");
    assert.match(f[0]?.title ?? "", /libfakemysql\.so\.16 answers crypto functions/);
    assert.ok(
      f[0]?.evidence.some(
        (e) =>
          e.label === "EVP_CIPHER_CTX_new@OPENSSL_3.0.0" &&
          /libssl\.so\.3 → .*libfakemysql/.test(e.value),
      ),
    );
    assert.ok(elfFindings(r.a).some((x) => x.id === "ELF_DUPLICATE_CRYPTO_LIBRARY"));
    assert.deepEqual(r.onlyLdso, []);
    assert.deepEqual(r.onlyOurs, []);

    // Linked in the right order (libcrypto before the dummies) nothing is interposed.
    const fixed = gcc(
      dir,
      "smtp-fixed",
      `void *SSL_CTX_new(const void *); const void *TLS_client_method(void); int mysql_init(void);
       unsigned OPENSSL_version_major(void);
       int main(void) { mysql_init(); return SSL_CTX_new(TLS_client_method()) == 0 || OPENSSL_version_major() != 3; }`,
      // libcrypto is named (and referenced, so --as-needed keeps it) before the dummies.
      [LIBSSL, LIBCRYPTO, `-L${dir}`, "-l:libfakemysql.so.16", `-Wl,-rpath,${dir}`],
    );
    const g = agreement(fixed, []);
    assert.deepEqual(
      g.a.interpositions.filter((i) => i.category === "crypto"),
      [],
    );
    assert.deepEqual(g.onlyLdso, []);
  });

  test("search order: RPATH before LD_LIBRARY_PATH before RUNPATH; weak, protected, versioned and copy-relocated symbols", (t) => {
    for (const d of ["a", "b", "c"]) mkdirSync(join(dir, d), { recursive: true });
    const lib = (d: string, extra: string): void => {
      gcc(
        join(dir, d),
        "libv.so.1",
        `int which(void) { return ${d.charCodeAt(0)}; }
         __attribute__((weak)) int weakfn(void) { return 1; }
         __attribute__((visibility("protected"))) int prot(void) { return 2; }
         int data_obj = 7;
         int call_prot(void) { return prot(); }
         ${extra}`,
        ["-shared", "-fPIC", "-Wl,-soname,libv.so.1", `-Wl,--version-script=${join(dir, "v.map")}`],
      );
    };
    writeFileSync(
      join(dir, "v.map"),
      "V_1 { global: which; weakfn; prot; data_obj; call_prot; old_fn; local: *; };\nV_2 { global: new_fn; } V_1;\n",
    );
    for (const d of ["a", "b", "c"])
      lib(d, "int old_fn(void) { return 1; } int new_fn(void) { return 2; }");
    const main = `int which(void); int weakfn(void); int call_prot(void); extern int data_obj; int new_fn(void);
                  int main(void) { return which() + weakfn() + call_prot() + data_obj + new_fn() > 0 ? 0 : 1; }`;
    const rpathProg = gcc(dir, "rpath-prog", main, [
      "-fno-pie",
      "-no-pie",
      `-L${join(dir, "a")}`,
      "-l:libv.so.1",
      `-Wl,-rpath,${join(dir, "a")}`,
      "-Wl,--disable-new-dtags",
    ]);
    const runpathProg = gcc(dir, "runpath-prog", main, [
      `-L${join(dir, "c")}`,
      "-l:libv.so.1",
      `-Wl,-rpath,${join(dir, "c")}`,
      "-Wl,--enable-new-dtags",
    ]);
    const env = { LD_LIBRARY_PATH: join(dir, "b") };
    const r1 = agreement(rpathProg, [], env);
    assert.equal(
      r1.a.load.objects[1]?.path,
      join(dir, "a", "libv.so.1"),
      "DT_RPATH wins over LD_LIBRARY_PATH",
    );
    assert.equal(r1.a.load.objects[1]?.via, "rpath");
    const r2 = agreement(runpathProg, [], env);
    assert.equal(
      r2.a.load.objects[1]?.path,
      join(dir, "b", "libv.so.1"),
      "LD_LIBRARY_PATH wins over DT_RUNPATH",
    );
    assert.equal(r2.a.load.objects[1]?.via, "ld_library_path");
    for (const r of [r1, r2]) {
      assert.deepEqual(r.onlyLdso, []);
      assert.deepEqual(r.onlyOurs, []);
    }
    t.diagnostic(`rpath-prog: ${r1.agree}/${r1.theirs}; runpath-prog: ${r2.agree}/${r2.theirs}`);
  });

  test("a reference naming the object's own protected definition keeps it, as glibc does", () => {
    // Today's toolchains resolve references to protected symbols at link
    // time, so the test makes one: a library reaching its own data through
    // the GOT (GLOB_DAT) gets that symbol's visibility byte set to
    // STV_PROTECTED in .dynsym. The program defines the name too (and
    // exports it): a default symbol would bind to the program's; the
    // protected one stays in the library, and LD_DEBUG says "protected symbol".
    const lib = gcc(
      dir,
      "libprot.so",
      `int pdata = 5; int *pdata_addr(void) { return &pdata; }
       int pfunc(void) { return 3; } int (*pfunc_addr(void))(void) { return pfunc; }`,
      ["-shared", "-fPIC", "-Wl,-soname,libprot.so"],
    );
    const bytes = new Uint8Array(readFileSync(lib));
    const elf = parseElf(bytes);
    const dynsym = elf.sections.find((x) => x.type === 11);
    assert.ok(dynsym);
    const patched: string[] = [];
    for (let i = 0; i < elf.symbolTable.count; i++) {
      const name = elf.symbolTable.nameAt(i);
      if ((name === "pdata" || name === "pfunc") && elf.symbolTable.shndxAt(i) !== 0) {
        bytes[dynsym.offset + i * 24 + 5] = 3; // st_other: STV_PROTECTED
        patched.push(name);
      }
    }
    assert.deepEqual(patched.sort(), ["pdata", "pfunc"]);
    writeFileSync(lib, bytes);
    const refs = elf.relocations.symbols.length;
    assert.ok(refs > 0);
    const prog = gcc(
      dir,
      "prot-prog",
      `int pdata = 9; int pfunc(void) { return 4; }
       int *pdata_addr(void); int (*pfunc_addr(void))(void);
       int main(void) { return *pdata_addr() + pfunc_addr()() == 8 ? 0 : 1; }`,
      [`-L${dir}`, "-lprot", `-Wl,-rpath,${dir}`, "-rdynamic"],
    );
    // The library keeps its own: the program exits 0 (5 + 3), not 1 (9 + 4).
    assert.equal(spawnSync(prog, [], { env: { LD_BIND_NOW: "1" } }).status, 0);
    const r = agreement(prog, []);
    for (const name of ["pdata", "pfunc"])
      assert.ok(
        r.a.bindings.some((b) => b.symbol === name && b.from === 1 && b.to === 1),
        `libprot.so -> libprot.so ${name}`,
      );
    assert.deepEqual(r.onlyLdso, []);
    assert.deepEqual(r.onlyOurs, []);
  });

  test("LD_PRELOAD objects come first in the scope and interpose, as a deliberate shim", () => {
    gcc(dir, "libshim.so", `#include <stdlib.h>\nvoid *malloc(size_t n) { (void)n; return 0; }`, [
      "-shared",
      "-fPIC",
    ]);
    const prog = gcc(
      dir,
      "preload-prog",
      `#include <stdlib.h>\nint main(void) { return malloc(1) != 0; }`,
    );
    const r = agreement(prog, [], { LD_PRELOAD: join(dir, "libshim.so") });
    assert.equal(r.a.load.objects[1]?.path, join(dir, "libshim.so"));
    assert.equal(r.a.load.objects[1]?.preloaded, true);
    assert.deepEqual(r.onlyLdso, []);
    assert.deepEqual(r.onlyOurs, []);
  });

  test("a missing library, an undefined symbol and a missing version are what ld.so reports", () => {
    gcc(dir, "libgone.so", "int gone(void) { return 1; } int kept(void) { return 2; }", [
      "-shared",
      "-fPIC",
      "-Wl,-soname,libgone.so",
    ]);
    const prog = gcc(dir, "needs-gone", "int gone(void); int main(void) { return gone(); }", [
      `-L${dir}`,
      "-lgone",
    ]);
    const a = analyseProcess({ files: new ElfCache(new HostView("/")) }, prog);
    const f = elfFindings(a);
    assert.ok(f.some((x) => x.id === "ELF_MISSING_LIBRARY" && /libgone\.so/.test(x.title)));
    const run = spawnSync(prog, [], { encoding: "utf8" });
    assert.match(run.stderr, /libgone\.so: cannot open shared object file/);
    // With the library found but lacking the symbol:
    gcc(dir, "libgone.so", "int kept(void) { return 2; }", [
      "-shared",
      "-fPIC",
      "-Wl,-soname,libgone.so",
    ]);
    const b = analyseProcess({ files: new ElfCache(new HostView("/")) }, prog, {
      ldLibraryPath: dir,
    });
    assert.ok(
      elfFindings(b).some(
        (x) => x.id === "ELF_UNDEFINED_SYMBOL" && x.evidence.some((e) => /gone/.test(e.value)),
      ),
    );
  });

  test("system programs: every start-up binding equals glibc's", (t) => {
    const programs: [string, string[]][] = [
      ["/usr/bin/openssl", ["version"]],
      ["/usr/bin/curl", ["--version"]],
      ["/usr/bin/gnutls-cli", ["--version"]],
      ["/usr/sbin/exim4", ["-bV"]],
      ["/usr/bin/python3", ["--version"]],
      ["/usr/bin/perl", ["-v"]],
      ["/usr/bin/ssh", ["-V"]],
      ["/usr/sbin/nginx", ["-v"]],
      ["/usr/sbin/haproxy", ["-v"]],
      ["/usr/bin/git", ["--version"]],
      ["/usr/bin/swaks", ["--version"]],
      ["/usr/bin/gcc", ["--version"]],
    ].filter(([p]) => existsSync(p as string)) as [string, string[]][];
    let total = 0;
    let agree = 0;
    const lines: string[] = [];
    for (const [p, args] of programs) {
      if (spawnSync("sh", ["-c", `head -c4 ${p} | grep -q ELF`]).status !== 0) continue;
      const r = agreement(p, args);
      total += r.theirs;
      agree += r.agree;
      lines.push(`${p}: ${r.agree}/${r.theirs}`);
      assert.deepEqual(r.onlyLdso.slice(0, 5), [], `${p}: bindings only ld.so makes`);
      assert.deepEqual(r.onlyOurs.slice(0, 5), [], `${p}: bindings only tlsdoctor predicts`);
    }
    assert.ok(total > 10_000, `compared ${total} bindings`);
    t.diagnostic(
      `agreement with LD_DEBUG=bindings: ${agree}/${total} bindings on ${lines.length} programs (${lines.join("; ")})`,
    );
  });
});
