import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, waitForPort } from "./process.js";

export interface KillerOptions {
  /** An openssl s_server (or any TLS server) to relay harmless hellos to. */
  readonly backendPort: number;
  readonly killSuites: readonly number[];
  readonly killExtensions?: readonly number[];
  /** Restart after a death, like systemd's Restart=always. Default true. */
  readonly restart?: boolean;
  /** RestartSec: pause before the restart. Default 300 ms. */
  readonly restartDelayMs?: number;
}

export interface KillerServer {
  readonly port: number;
  /** Deaths so far (SIGABRT). */
  deaths(): number;
  /** What the dead processes wrote ("KILLED by suite 0x0009" …). */
  output(): string;
  stop(): Promise<void>;
}

const main = fileURLToPath(new URL("./killer-main.js", import.meta.url));

/**
 * Runs killer-main under a small supervisor: when it dies, it is started
 * again on the same port after `restartDelayMs`, as a service manager would.
 */
export async function startKillerServer(o: KillerOptions): Promise<KillerServer> {
  const port = await freePort();
  const cwd = mkdtempSync(join(tmpdir(), "tlsd-killer-"));
  let deaths = 0;
  let out = "";
  let stopped = false;
  let child: ChildProcess | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  const start = (): ChildProcess => {
    const c = spawn(
      process.execPath,
      [
        main,
        "--port",
        String(port),
        "--backend-port",
        String(o.backendPort),
        "--kill-suites",
        o.killSuites.map((s) => `0x${s.toString(16)}`).join(","),
        "--kill-ext",
        (o.killExtensions ?? []).join(","),
      ],
      { cwd, stdio: ["ignore", "ignore", "pipe"] },
    );
    c.stderr?.on("data", (d: Buffer) => (out += d.toString()));
    c.once("exit", () => {
      if (stopped) return;
      deaths++;
      if (o.restart === false) return;
      restartTimer = setTimeout(() => {
        if (!stopped) child = start();
      }, o.restartDelayMs ?? 300);
    });
    return c;
  };
  child = start();
  await waitForPort(port, "127.0.0.1", 10_000);
  return {
    port,
    deaths: () => deaths,
    output: () => out,
    stop: async () => {
      stopped = true;
      if (restartTimer) clearTimeout(restartTimer);
      const c = child;
      if (c && c.exitCode === null && c.signalCode === null) {
        const gone = new Promise<void>((r) => c.once("exit", () => r()));
        c.kill("SIGKILL");
        await gone;
      }
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}
