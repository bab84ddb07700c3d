import pc from "picocolors";

export type Colors = ReturnType<typeof pc.createColors>;

export interface ColorEnv {
  readonly isTTY?: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Colour only on a terminal, never when NO_COLOR is set to a non-empty value
 * (no-color.org); FORCE_COLOR=1 forces it on (for tests and pagers).
 */
export function colorEnabled(o: ColorEnv = {}): boolean {
  const env = o.env ?? process.env;
  if (env["NO_COLOR"] !== undefined && env["NO_COLOR"] !== "") return false;
  const force = env["FORCE_COLOR"];
  if (force !== undefined && force !== "" && force !== "0") return true;
  return o.isTTY === true && env["TERM"] !== "dumb";
}

export function colors(enabled: boolean): Colors {
  return pc.createColors(enabled);
}
