import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, spawnServer, type RunningServer } from "../process.js";

export interface HaproxyOptions {
  readonly cert: string;
  readonly key: string;
  /** Intermediates (PEM) appended to the crt file. */
  readonly chain?: string;
  /** TLS ≤ 1.2 ciphers (OpenSSL syntax). */
  readonly ciphers?: string;
  /** TLS 1.3 suites. */
  readonly ciphersuites?: string;
  readonly minVersion?: "TLSv1.0" | "TLSv1.1" | "TLSv1.2" | "TLSv1.3";
}

/**
 * haproxy from Debian in the foreground (-db): one `mode http` frontend
 * terminating TLS on 127.0.0.1:PORT and answering 200 itself, as the
 * haproxy of seeds/004 terminated TLS in front of its backends.
 */
export async function startHaproxy(o: HaproxyOptions): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), "tlsd-haproxy-"));
  const port = await freePort();
  const pem = join(dir, "site.pem");
  writeFileSync(
    pem,
    [o.cert, o.key, ...(o.chain ? [o.chain] : [])]
      .map((f) => readFileSync(f, "utf8").trim())
      .join("\n") + "\n",
  );
  const bind = [
    `bind 127.0.0.1:${port} ssl crt ${pem}`,
    ...(o.ciphers ? [`ciphers ${o.ciphers}`] : []),
    ...(o.ciphersuites ? [`ciphersuites ${o.ciphersuites}`] : []),
    ...(o.minVersion ? [`ssl-min-ver ${o.minVersion}`] : []),
  ].join(" ");
  const conf = [
    "global",
    "  maxconn 256",
    "defaults",
    "  mode http",
    "  timeout connect 5s",
    "  timeout client 10s",
    "  timeout server 10s",
    "frontend tls",
    `  ${bind}`,
    '  http-request return status 200 content-type text/plain string "ok"',
    "",
  ].join("\n");
  writeFileSync(join(dir, "haproxy.cfg"), conf);
  const server = await spawnServer({
    name: "haproxy",
    command: "haproxy",
    args: ["-f", join(dir, "haproxy.cfg"), "-db"],
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
