import { emitError } from "./common.js";
import { unbuiltError } from "./unbuilt.js";

/**
 * `tlsdoctor` with no command: the host audit (DESIGN.md "doctor"). It runs
 * the host, listener and log checks, which land in issues 5 and 6; until then
 * it says so honestly and exits 2.
 */
export function runDoctor(opts: { json?: boolean }): number {
  return emitError(unbuiltError("", 5), opts);
}
