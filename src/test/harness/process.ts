import { spawn, type ChildProcess } from "node:child_process";
import { connect, createServer } from "node:net";

/** A free TCP port on 127.0.0.1 (bind to 0, read, close). */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, host, () => {
      const addr = s.address();
      s.close(() => {
        if (addr && typeof addr === "object") resolve(addr.port);
        else reject(new Error("Cannot get a free port: no address"));
      });
    });
  });
}

/** Resolves once something accepts TCP connections on host:port, or rejects at the deadline. */
export async function waitForPort(
  port: number,
  host = "127.0.0.1",
  timeoutMs = 20_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ port, host });
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
      s.setTimeout(1000, () => {
        s.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    if (Date.now() > until)
      throw new Error(`Server did not listen on ${host}:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface RunningServer {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Everything the server wrote to stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

export interface SpawnServerOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly port: number;
  readonly host?: string;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly readyTimeoutMs?: number;
  /** Write this to the child's stdin (openssl s_server reads commands there). */
  readonly keepStdinOpen?: boolean;
}

/**
 * Starts a real server process and resolves once its port accepts
 * connections. The process is killed on stop() (SIGTERM, then SIGKILL).
 */
export async function spawnServer(o: SpawnServerOptions): Promise<RunningServer> {
  const host = o.host ?? "127.0.0.1";
  const child = spawn(o.command, [...o.args], {
    cwd: o.cwd,
    env: o.env ?? process.env,
    stdio: [o.keepStdinOpen ? "pipe" : "ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  let exited = false;
  child.once("exit", () => (exited = true));
  const spawnError = new Promise<never>((_, reject) => {
    child.once("error", (e) =>
      reject(new Error(`Cannot start ${o.name} (${o.command}): ${e.message}`)),
    );
    // A server that exits before it listens has failed: say so at once.
    child.once("exit", (code, signal) =>
      reject(
        new Error(
          `Cannot start ${o.name}: it exited (${signal ?? `status ${code}`}) before listening`,
        ),
      ),
    );
  });
  const server: RunningServer = {
    name: o.name,
    host,
    port: o.port,
    child,
    output: () => out,
    stop: async () => {
      if (exited) return;
      const gone = new Promise<void>((r) => child.once("exit", () => r()));
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 3000);
      await gone;
      clearTimeout(t);
    },
  };
  try {
    await Promise.race([waitForPort(o.port, host, o.readyTimeoutMs ?? 20_000), spawnError]);
  } catch (e) {
    await server.stop();
    throw new Error(`${(e as Error).message}\n--- ${o.name} output ---\n${out}`);
  }
  return server;
}
