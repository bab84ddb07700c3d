import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort, spawnServer, type RunningServer } from "../process.js";

const run = promisify(execFile);

/**
 * MariaDB 10.11 from Debian: a fresh data dir (mariadb-install-db), then
 * mariadbd in the foreground on 127.0.0.1:PORT with the given chain and key,
 * or with SSL disabled (--skip-ssl). Grant tables are skipped: nobody logs in.
 */
export async function startMariadb(o: {
  cert: string;
  key: string;
  ssl?: boolean;
}): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), "tlsd-mariadb-"));
  const data = join(dir, "data");
  await run(
    "mariadb-install-db",
    [
      "--no-defaults",
      `--datadir=${data}`,
      "--user=root",
      "--auth-root-authentication-method=normal",
      "--skip-test-db",
    ],
    { timeout: 60_000 },
  );
  const port = await freePort();
  const tls = o.ssl === false ? ["--skip-ssl"] : [`--ssl-cert=${o.cert}`, `--ssl-key=${o.key}`];
  const server = await spawnServer({
    name: "mariadbd",
    command: "mariadbd",
    args: [
      "--no-defaults",
      `--datadir=${data}`,
      `--socket=${dir}/sock`,
      `--pid-file=${dir}/pid`,
      `--port=${port}`,
      "--bind-address=127.0.0.1",
      "--user=root",
      "--skip-grant-tables",
      "--innodb-buffer-pool-size=8M",
      "--skip-log-bin",
      ...tls,
    ],
    port,
    readyTimeoutMs: 30_000,
  });
  return {
    ...server,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
