import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseLdDebugBindings } from "../../elf/index.js";

/** Compiles C source with the system gcc into `dir/out`; throws with gcc's message on failure. */
export function gcc(
  dir: string,
  out: string,
  source: string,
  args: readonly string[] = [],
): string {
  const src = join(dir, `${out}.c`);
  writeFileSync(src, source);
  const target = join(dir, out);
  const r = spawnSync("gcc", ["-o", target, src, ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`gcc ${out} failed: ${r.stderr || r.error?.message}`);
  return target;
}

/** LD_DEBUG=bindings with LD_BIND_NOW=1 on a program: `from -> to symbol` keys (vDSO left out). */
export function glibcBindings(
  program: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Set<string> {
  const r = spawnSync(program, [...args], {
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      ...env,
      LD_DEBUG: "bindings",
      LD_BIND_NOW: "1",
    },
    encoding: "utf8",
    maxBuffer: 1 << 30,
    timeout: 30_000,
  });
  return parseLdDebugBindings(r.stderr ?? "");
}
