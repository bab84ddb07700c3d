import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, spawnServer, type RunningServer } from "../process.js";

export interface NginxOptions {
  readonly cert: string;
  readonly key: string;
  /**
   * ssl_protocols; default nginx's own, which in 1.22 is "TLSv1 TLSv1.1 TLSv1.2"
   * (TLSv1.3 joined the default only in 1.23.4) — so pass it to test TLS 1.3.
   */
  readonly protocols?: string;
  /** ssl_ciphers, OpenSSL syntax. */
  readonly ciphers?: string;
  readonly preferServerCiphers?: boolean;
}

/**
 * nginx from Debian (nginx-light) in the foreground with one TLS server on
 * 127.0.0.1:PORT answering "ok" over HTTPS. Its own prefix, logs and temp
 * directories in a temp dir; a single process (master_process off).
 */
export async function startNginx(o: NginxOptions): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), "tlsd-nginx-"));
  mkdirSync(join(dir, "tmp"));
  const port = await freePort();
  const conf = [
    "daemon off;",
    "master_process off;",
    "worker_processes 1;",
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/error.log;`,
    "events { worker_connections 256; }",
    "http {",
    "  access_log off;",
    ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map(
      (t) => `  ${t}_temp_path ${dir}/tmp/${t};`,
    ),
    "  server {",
    `    listen 127.0.0.1:${port} ssl;`,
    "    server_name localhost;",
    `    ssl_certificate ${o.cert};`,
    `    ssl_certificate_key ${o.key};`,
    ...(o.protocols ? [`    ssl_protocols ${o.protocols};`] : []),
    ...(o.ciphers ? [`    ssl_ciphers '${o.ciphers}';`] : []),
    `    ssl_prefer_server_ciphers ${o.preferServerCiphers === false ? "off" : "on"};`,
    '    location / { return 200 "ok\\n"; }',
    "  }",
    "}",
    "",
  ].join("\n");
  writeFileSync(join(dir, "nginx.conf"), conf);
  const server = await spawnServer({
    name: "nginx",
    command: "nginx",
    args: ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", join(dir, "error.log")],
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
