import { execFile } from "node:child_process";
import { chmodSync, chownSync, copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort, spawnServer, type RunningServer } from "../process.js";

const run = promisify(execFile);
const BIN = "/usr/lib/postgresql/15/bin";

/** uid/gid of Debian's `postgres` user (PostgreSQL refuses to run as root). */
async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const { stdout } = await run("id", ["-u", "postgres"]);
  const { stdout: g } = await run("id", ["-g", "postgres"]);
  return { uid: Number(stdout.trim()), gid: Number(g.trim()) };
}

/**
 * PostgreSQL 15 from Debian: initdb into a temp dir owned by `postgres`, then
 * the postmaster in the foreground on 127.0.0.1:PORT, `ssl = on` with the
 * given chain and key (copied into the data dir, 0600, as it requires), or
 * `ssl = off`.
 */
export async function startPostgres(o: {
  cert: string;
  key: string;
  ssl: boolean;
}): Promise<RunningServer> {
  if (userInfo().uid !== 0)
    throw new Error(
      "Cannot start PostgreSQL for the tests: they run as root and switch to postgres",
    );
  const dir = mkdtempSync(join(tmpdir(), "tlsd-pg-"));
  const { uid, gid } = await postgresIds();
  chownSync(dir, uid, gid);
  const data = join(dir, "data");
  await run(
    "runuser",
    [
      "-u",
      "postgres",
      "--",
      `${BIN}/initdb`,
      "-D",
      data,
      "-A",
      "trust",
      "-U",
      "postgres",
      "--no-sync",
      "--no-instructions",
    ],
    { timeout: 60_000 },
  );
  for (const [from, to] of [
    [o.cert, "server.crt"],
    [o.key, "server.key"],
  ] as const) {
    copyFileSync(from, join(data, to));
    chownSync(join(data, to), uid, gid);
    chmodSync(join(data, to), 0o600);
  }
  const port = await freePort();
  const server = await spawnServer({
    name: "postgres",
    // setpriv execs in place (no forking wrapper), so stop() signals postgres itself.
    command: "setpriv",
    args: [
      "--reuid=postgres",
      "--regid=postgres",
      "--init-groups",
      `${BIN}/postgres`,
      "-D",
      data,
      "-k",
      dir,
      "-h",
      "127.0.0.1",
      "-p",
      String(port),
      "-c",
      `ssl=${o.ssl ? "on" : "off"}`,
      "-c",
      "fsync=off",
    ],
    port,
  });
  return {
    ...server,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
