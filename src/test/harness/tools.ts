import { spawn } from "node:child_process";

/**
 * Runs a peer tool (openssl s_client, swaks …) once: stdin gets `input` and
 * is closed, stdout and stderr come back together, and the tool is killed
 * if it outlives `timeoutMs`. Never rejects: a tool that fails prints why.
 */
export function runTool(
  cmd: string,
  args: readonly string[],
  input = "",
  timeoutMs = 15_000,
): Promise<string> {
  return new Promise((resolve) => {
    const p = spawn(cmd, [...args]);
    let out = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.stderr.on("data", (d: Buffer) => (out += d.toString()));
    p.on("error", (e) => (out += `\n${cmd}: ${e.message}\n`));
    p.stdin.on("error", () => undefined);
    p.stdin.end(input);
    const t = setTimeout(() => p.kill(), timeoutMs);
    p.on("close", () => {
      clearTimeout(t);
      resolve(out);
    });
  });
}

/** What `openssl s_client` printed as "New, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384". */
export function sClientSession(out: string): { protocol?: string; cipher?: string } {
  const m = /New, (TLSv[\d.]+|SSLv3|\(NONE\)), Cipher is (\S+)/.exec(out);
  return m ? { protocol: m[1]!, cipher: m[2]! } : {};
}
