// Descriptor limits: /proc/PID/limits parsing (this process's real file and
// hostile text), and real processes gcc builds here that hold a known number
// of descriptors under a known RLIMIT_NOFILE: one near its limit, one at it
// (open() returned EMFILE), one sandboxed to 1 like OpenSSH's pre-auth child.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HostView } from "../core/index.js";
import { gcc } from "../test/harness/gcc.js";
import {
  analyseLimits,
  fdUse,
  gatherLimitsLive,
  parseFileNr,
  parseProcLimits,
  type LimitsLiveFacts,
} from "./limits.js";

// argv: limit, how many /dev/null to open (-1: until EMFILE). Prints "ready N", then waits for EOF.
const HOG = `#include <sys/resource.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv) {
  if (argc < 3) return 1;
  struct rlimit rl = { (rlim_t)atoi(argv[1]), (rlim_t)atoi(argv[1]) };
  int want = atoi(argv[2]), n = 0;
  for (int fd = 3; fd < 1024; fd++) close(fd); /* whatever the test runner let us inherit */
  if (setrlimit(RLIMIT_NOFILE, &rl) != 0) return 2;
  while (want < 0 || n < want) { if (open("/dev/null", O_RDONLY) < 0) break; n++; }
  printf("ready %d\\n", n);
  fflush(stdout);
  char c;
  while (read(0, &c, 1) > 0) {}
  return 0;
}
`;

describe("parseProcLimits", () => {
  it("reads this process's real limits, as the shell sees them", () => {
    const limits = parseProcLimits(readFileSync("/proc/self/limits", "utf8"));
    const sh = spawnSync("sh", ["-c", "ulimit -Sn; ulimit -Hn"], { encoding: "utf8" }).stdout.split(
      "\n",
    );
    const num = (s: string | undefined): number | null => (s === "unlimited" ? null : Number(s));
    assert.deepEqual(limits.get("Max open files"), { soft: num(sh[0]), hard: num(sh[1]) });
    assert.equal(limits.size, 16);
    assert.deepEqual(limits.get("Max cpu time"), { soft: null, hard: null });
  });

  it("handles rows without units and ignores junk", () => {
    const text = [
      "Limit                     Soft Limit           Hard Limit           Units     ",
      "Max nice priority         0                    0                    ",
      "Max open files            1024                 524288               files     ",
      "Max open files banana",
      "\u0000\u0001garbage      x                    y                    z",
      "",
    ].join("\n");
    const m = parseProcLimits(text);
    assert.deepEqual(
      [...m.entries()],
      [
        ["Max nice priority", { soft: 0, hard: 0 }],
        ["Max open files", { soft: 1024, hard: 524288 }],
      ],
    );
    assert.equal(parseProcLimits("").size, 0);
    assert.equal(parseProcLimits("x".repeat(1_000_000)).size, 0);
  });

  it("reads file-nr", () => {
    assert.deepEqual(parseFileNr("1184\t0\t9223372036854775807\n")?.[0], 1184);
    assert.equal(parseFileNr("1 2"), undefined);
  });
});

describe("gatherLimitsLive", () => {
  const dir = mkdtempSync(join(tmpdir(), "tlsd-limits-"));
  const children: ChildProcess[] = [];
  const start = async (name: string, limit: number, open: number): Promise<ChildProcess> => {
    const c = spawn(join(dir, name), [String(limit), String(open)], {
      stdio: ["pipe", "pipe", "ignore"],
    });
    children.push(c);
    await new Promise<void>((resolve, reject) => {
      c.stdout?.once("data", () => resolve());
      c.once("exit", (code) => reject(new Error(`${name} exited with ${code}`)));
    });
    return c;
  };
  let near: ChildProcess, full: ChildProcess, box: ChildProcess;
  before(async () => {
    const hog = gcc(dir, "hog", HOG);
    for (const n of ["tlsd-near", "tlsd-full", "tlsd-sandbox"]) copyFileSync(hog, join(dir, n));
    near = await start("tlsd-near", 32, 27);
    full = await start("tlsd-full", 16, -1);
    box = await start("tlsd-sandbox", 1, 0);
  });
  after(() => {
    for (const c of children) c.stdin?.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it("counts each daemon's descriptors against its soft limit", () => {
    const facts = gatherLimitsLive({ names: ["tlsd-near", "tlsd-full", "tlsd-sandbox"] });
    const by = new Map(facts.daemons.map((d) => [d.pid, d]));
    assert.equal(facts.daemons.length, 3);
    // stdin, stdout, stderr + what each opened.
    assert.deepEqual(by.get(near.pid ?? 0)?.openFds, 30);
    assert.deepEqual(by.get(near.pid ?? 0)?.nofile, { soft: 32, hard: 32 });
    assert.equal(by.get(full.pid ?? 0)?.openFds, 16);
    assert.equal(by.get(box.pid ?? 0)?.openFds, 3);
    assert.equal(by.get(box.pid ?? 0)?.command, join(dir, "tlsd-sandbox"));
    assert.deepEqual(
      [near, full, box].map((c) => fdUse(by.get(c.pid ?? 0) ?? { pid: 0, comm: "" }).state),
      ["near", "at", "sandboxed"],
    );
    assert.ok((facts.self.openFds ?? 0) > 3);
    assert.ok(facts.fileNr && facts.fileNr[2] > 0);
    assert.ok((facts.nrOpen ?? 0) >= 1024);
    assert.deepEqual(JSON.parse(JSON.stringify(facts)), facts);
  });

  it("is bounded: processes and descriptors per process", () => {
    const capped = gatherLimitsLive({
      names: ["tlsd-near", "tlsd-full"],
      maxProcesses: 1,
      maxFdCount: 5,
    });
    assert.equal(capped.daemons.length, 1);
    assert.equal(capped.daemonsTruncated, true);
    assert.equal(capped.daemons[0]?.openFds, 5);
    assert.equal(capped.daemons[0]?.fdCountCapped, true);
  });

  it("analyses live facts, or says per-process limits need them", () => {
    const live = gatherLimitsLive({ names: ["tlsd-near", "tlsd-full", "tlsd-sandbox"] });
    const a = analyseLimits(new HostView("/"), live);
    assert.deepEqual(a.processes.map((p) => p.state).sort(), ["at", "near", "sandboxed"]);
    assert.equal(a.self?.state, "ok");
    assert.deepEqual(a.skipped, []);
    const root = join(dir, "snap");
    mkdirSync(join(root, "proc/sys/fs"), { recursive: true });
    writeFileSync(join(root, "proc/sys/fs/file-nr"), "95000\t0\t100000\n");
    writeFileSync(join(root, "proc/sys/fs/nr_open"), "1048576\n");
    const snap = analyseLimits(new HostView(root));
    assert.deepEqual(snap.fileNr, [95000, 0, 100000]);
    assert.equal(snap.fileMax, 100000);
    assert.equal(snap.nrOpen, 1048576);
    assert.deepEqual(
      snap.skipped.map((s) => s.check),
      ["daemon descriptor limits"],
    );
    const empty = analyseLimits(new HostView(join(dir, "none")));
    assert.deepEqual(
      empty.skipped.map((s) => s.check),
      ["system file table", "daemon descriptor limits"],
    );
  });

  it("reports a process it could not read as skipped, never as fine", () => {
    const facts: LimitsLiveFacts = {
      self: { pid: 1, comm: "self" },
      daemons: [{ pid: 42, comm: "nginx", error: "/proc/42/fd: permission denied" }],
      daemonsTruncated: false,
      errors: [],
    };
    const a = analyseLimits(new HostView(dir), facts);
    assert.equal(a.processes[0]?.state, "unknown");
    assert.match(a.skipped.map((s) => s.check).join(), /fd use of nginx \(pid 42\)/);
  });
});
