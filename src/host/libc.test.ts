// glibc and the kernel under it, on this machine and on sysroots built here:
// the version and ABI-tag minimum read from the real libc.so.6 (checked
// against getconf and readelf), real getrandom(2) syscalls (one that works,
// one number no kernel has for ENOSYS), real device nodes, and programs gcc
// builds that do and do not import arc4random.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { release, tmpdir } from "node:os";
import { join } from "node:path";
import { HostView, isTlsDoctorError } from "../core/index.js";
import { gcc } from "../test/harness/gcc.js";
import {
  gatherKernelLive,
  kernelLiveFactsProblem,
  probeDevice,
  probeGetrandom,
  type KernelLiveFacts,
} from "./kernel-live.js";
import { scanArc4randomUsers } from "./arc4random.js";
import { analyseLibc, findLibc, glibcAtLeast, readGlibc } from "./libc.js";

const ARC4 = `#include <stdlib.h>
#include <stdio.h>
int main(void) { unsigned char b[8]; arc4random_buf(b, sizeof b); printf("%u\\n", arc4random_uniform(10)); return b[0]; }
`;
const PLAIN = `#include <stdio.h>\nint main(void) { puts("arc4random is only a word here"); return 0; }\n`;

const top = mkdtempSync(join(tmpdir(), "tlsd-libc-"));
after(() => rmSync(top, { recursive: true, force: true }));
let arc4 = "";
let plain = "";
const realLibc = findLibc(new HostView("/"));

before(() => {
  arc4 = gcc(top, "arc4", ARC4);
  plain = gcc(top, "plain", PLAIN);
});

/** A sysroot with this machine's libc.so.6, gcc-built programs and an osrelease. */
function sysroot(name: string, osrelease?: string): HostView {
  const root = join(top, name);
  mkdirSync(join(root, "lib/x86_64-linux-gnu"), { recursive: true });
  mkdirSync(join(root, "usr/sbin"), { recursive: true });
  mkdirSync(join(root, "usr/bin"), { recursive: true });
  copyFileSync(
    realLibc?.path ?? "/lib/x86_64-linux-gnu/libc.so.6",
    join(root, "lib/x86_64-linux-gnu/libc.so.6"),
  );
  copyFileSync(arc4, join(root, "usr/sbin/sshd"));
  copyFileSync(plain, join(root, "usr/bin/hello"));
  writeFileSync(
    join(root, "usr/bin/script"),
    "#!/bin/sh\n# calls arc4random? no: a shell script\n".repeat(4),
  );
  symlinkSync("usr/sbin", join(root, "sbin"));
  if (osrelease !== undefined) {
    mkdirSync(join(root, "proc/sys/kernel"), { recursive: true });
    writeFileSync(join(root, "proc/sys/kernel/osrelease"), `${osrelease}\n`);
  }
  return new HostView(root);
}

describe("glibc from libc.so.6", () => {
  it("reads this machine's glibc: version, ABI tag, arc4random", (t) => {
    if (!realLibc) return t.skip("no libc.so.6 here");
    assert.match(realLibc.foundVia, /^ld\.so search for /);
    const g = readGlibc(new HostView("/"), realLibc.path, realLibc.foundVia);
    const conf = spawnSync("getconf", ["GNU_LIBC_VERSION"], { encoding: "utf8" }).stdout.trim();
    assert.equal(`glibc ${g.version}`, conf);
    assert.match(g.banner ?? "", /^GNU C Library .*release version /);
    assert.match(g.highestSymbolVersion ?? "", /^GLIBC_2\.\d+$/);
    const notes = spawnSync("readelf", ["-n", realLibc.path], { encoding: "utf8" }).stdout;
    const abi = /OS: Linux, ABI: (\d+)\.(\d+)\.(\d+)/.exec(notes);
    assert.deepEqual(
      g.minKernel,
      abi ? [Number(abi[1]), Number(abi[2]), Number(abi[3])] : undefined,
    );
    assert.equal(g.definesArc4random, glibcAtLeast(g.version, [2, 36]));
  });

  it("refuses truncated and junk libraries with a typed error", () => {
    const root = join(top, "bad");
    mkdirSync(join(root, "lib"), { recursive: true });
    writeFileSync(join(root, "lib/junk.so"), Buffer.alloc(4096, 0x41));
    const real = realLibc?.path ?? "/lib/x86_64-linux-gnu/libc.so.6";
    writeFileSync(
      join(root, "lib/trunc.so"),
      Buffer.from(spawnSync("head", ["-c", "3000", real]).stdout),
    );
    const view = new HostView(root);
    for (const p of ["/lib/junk.so", "/lib/trunc.so", "/lib/missing.so"]) {
      assert.throws(
        () => readGlibc(view, p),
        (e: unknown) => isTlsDoctorError(e),
        p,
      );
    }
  });

  it("finds libc.so.6 like ld.so for the system's programs, else on the multiarch path", () => {
    const v = sysroot("find");
    assert.deepEqual(findLibc(v), {
      path: "/lib/x86_64-linux-gnu/libc.so.6",
      foundVia: "ld.so search for /usr/sbin/sshd",
    });
    const bare = join(top, "bare");
    mkdirSync(join(bare, "usr/lib64"), { recursive: true });
    copyFileSync(realLibc?.path ?? "", join(bare, "usr/lib64/libc.so.6"));
    assert.deepEqual(findLibc(new HostView(bare)), {
      path: "/usr/lib64/libc.so.6",
      foundVia: "multiarch path",
    });
    assert.equal(findLibc(new HostView(join(top, "nothing"))), undefined);
  });

  it("compares glibc versions", () => {
    assert.equal(glibcAtLeast("2.36", [2, 36]), true);
    assert.equal(glibcAtLeast("2.35", [2, 36]), false);
    assert.equal(glibcAtLeast("2.4", [2, 36]), false);
    assert.equal(glibcAtLeast("3.0", [2, 36]), true);
    assert.equal(glibcAtLeast(undefined, [2, 36]), undefined);
  });
});

describe("arc4random users", () => {
  it("names programs that import arc4random, and only those", () => {
    const s = scanArc4randomUsers(sysroot("scan"));
    assert.deepEqual(s.users, [
      {
        path: "/usr/sbin/sshd",
        symbols: ["arc4random_buf@GLIBC_2.36", "arc4random_uniform@GLIBC_2.36"],
      },
    ]);
    assert.deepEqual(s.dirs, ["/usr/sbin", "/usr/bin"], "/sbin is /usr/sbin: read once");
    assert.equal(s.scanned, 2, "two ELF files; the script is not ELF");
    assert.equal(s.truncated, false);
  });

  it("is bounded by file count and size", () => {
    const v = sysroot("bounded");
    const small = scanArc4randomUsers(v, { maxFiles: 1, dirs: ["/usr/bin", "/usr/sbin"] });
    assert.equal(small.truncated, true);
    assert.equal(small.scanned, 1);
    const tiny = scanArc4randomUsers(v, { maxFileBytes: 1000 });
    assert.equal(tiny.tooLarge, 2);
    assert.deepEqual(tiny.users, []);
  });
});

describe("live probes", () => {
  it("getrandom(2) works on this kernel; a syscall no kernel has gives ENOSYS", () => {
    const ok = probeGetrandom();
    assert.equal(ok.result, "ok", JSON.stringify(ok));
    assert.equal(ok.bytes, 16);
    assert.equal(ok.syscall, process.arch === "x64" ? 318 : ok.syscall);
    const none = probeGetrandom({ syscall: 99_999 });
    assert.deepEqual(none, { result: "ENOSYS", syscall: 99_999, errno: 38 });
  });

  it("stats and opens device nodes", () => {
    assert.deepEqual(probeDevice("/dev/urandom", true), {
      path: "/dev/urandom",
      kind: "char",
      major: 1,
      minor: 9,
      usable: true,
    });
    assert.deepEqual(probeDevice("/dev/null", false), {
      path: "/dev/null",
      kind: "char",
      major: 1,
      minor: 3,
      usable: true,
    });
    assert.deepEqual(probeDevice(join(top, "no-such-node"), true), {
      path: join(top, "no-such-node"),
      kind: "missing",
    });
    const f = join(top, "regular");
    writeFileSync(f, "x");
    assert.deepEqual(probeDevice(f, true), {
      path: f,
      kind: "file",
      usable: false,
      error: "read returned 1 bytes",
    });
  });

  it("gathers JSON-serialisable live facts", () => {
    const facts = gatherKernelLive({ limits: { names: [] } });
    assert.deepEqual(JSON.parse(JSON.stringify(facts)), facts);
    assert.equal(kernelLiveFactsProblem(facts), undefined, "passes its own validation");
    assert.equal(
      kernelLiveFactsProblem({ ...facts, limits: { ...facts.limits, daemons: [{ pid: "1" }] } }),
      "limits.self or limits.daemons is malformed",
    );
    assert.equal(facts.uname.release, release());
    assert.equal(facts.getrandom.result, "ok");
    assert.equal(facts.urandom.usable, true);
    assert.ok(facts.bootTimeMs !== undefined && facts.bootTimeMs < Date.now());
    assert.ok((facts.limits.self.openFds ?? 0) > 0);
  });
});

const facts = (over: Partial<KernelLiveFacts>): KernelLiveFacts => ({
  collectedAt: "2023-11-09T12:00:00Z",
  uname: {
    sysname: "Linux",
    release: "3.2.0-4-amd64",
    version: "#1 SMP Debian 3.2.41-2+deb7u2",
    machine: "x86_64",
  },
  getrandom: { result: "ENOSYS", syscall: 318, errno: 38 },
  urandom: { path: "/dev/urandom", kind: "char", major: 1, minor: 9, usable: true },
  random: { path: "/dev/random", kind: "char", major: 1, minor: 8, usable: true },
  limits: { self: { pid: 1, comm: "self" }, daemons: [], daemonsTruncated: false, errors: [] },
  errors: [],
  ...over,
});

describe("analyseLibc", () => {
  it("seeds/003 snapshot: 3.2 kernel, glibc 2.36, no getrandom, sshd imports arc4random", () => {
    const a = analyseLibc(sysroot("seed", "3.2.0-4-amd64"));
    assert.equal(a.kernelRelease, "3.2.0-4-amd64");
    assert.equal(a.glibc?.version, "2.36");
    assert.equal(a.kernelTooOld, false, "3.2.0 meets the ABI tag's 3.2.0");
    assert.equal(a.getrandom.available, false);
    assert.equal(a.getrandom.source, "kernel release");
    assert.equal(a.arc4randomNeedsGetrandom, true);
    assert.deepEqual(
      a.arc4random?.users.map((u) => u.path),
      ["/usr/sbin/sshd"],
    );
    assert.equal(a.urandom.state, "not-captured");
    assert.deepEqual(
      a.skipped.map((s) => s.check),
      ["/dev/urandom"],
    );
  });

  it("a kernel older than the ABI tag", () => {
    const a = analyseLibc(sysroot("ancient", "2.6.32-5-amd64"));
    assert.equal(a.kernelTooOld, true);
  });

  it("uses the probe over the release: ENOSYS, EPERM from seccomp, a working kernel", () => {
    const v = sysroot("probe", "6.1.0-27-amd64");
    const enosys = analyseLibc(v, facts({}));
    assert.equal(enosys.getrandom.source, "probe");
    assert.equal(enosys.getrandom.available, false);
    assert.equal(enosys.urandom.state, "ok");
    const eperm = analyseLibc(v, facts({ getrandom: { result: "error", syscall: 318, errno: 1 } }));
    assert.match(eperm.getrandom.detail, /EPERM: a seccomp filter/);
    const works = analyseLibc(v, facts({ getrandom: { result: "ok", syscall: 318, bytes: 16 } }));
    assert.equal(works.getrandom.available, true);
    assert.equal(works.arc4random, undefined);
    assert.deepEqual(works.notes, ["arc4random users not scanned: getrandom works"]);
    const noFfi = analyseLibc(
      v,
      facts({ getrandom: { result: "unavailable", reason: "koffi failed" } }),
    );
    assert.equal(noFfi.getrandom.source, "kernel release");
    assert.match(
      noFfi.getrandom.detail,
      /3\.2\.0-4-amd64 < 3\.17.*the probe could not run: koffi failed/,
    );
    const gone = analyseLibc(
      v,
      facts({ urandom: { path: "/dev/urandom", kind: "file", usable: true } }),
    );
    assert.equal(gone.urandom.state, "wrong");
    const blocked = analyseLibc(
      v,
      facts({
        urandom: {
          path: "/dev/urandom",
          kind: "char",
          major: 1,
          minor: 9,
          usable: false,
          error: "EMFILE",
        },
      }),
    );
    assert.equal(blocked.urandom.state, "unusable");
  });

  it("this machine, live", () => {
    const a = analyseLibc(new HostView("/"), gatherKernelLive({ limits: { names: [] } }));
    assert.equal(a.getrandom.available, true);
    assert.equal(a.kernelTooOld, false);
    assert.equal(a.urandom.state, "ok");
    assert.equal(a.random.state, "ok");
    assert.deepEqual(a.skipped, []);
  });
});
