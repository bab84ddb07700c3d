import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, spawnServer, type RunningServer } from "../process.js";

export interface EximOptions {
  /** Certificate chain (leaf first) and key, PEM. */
  readonly cert: string;
  readonly key: string;
  /** Advertise STARTTLS (default true). false: `tls_advertise_hosts =` (empty). */
  readonly tls?: boolean;
  /** smtp_accept_max (Exim's default is 20 concurrent sessions). */
  readonly maxConnections?: number;
  /** More main-section settings (log_selector, tls_alpn …), after the others. */
  readonly settings?: readonly string[];
}

/**
 * Debian's exim4-daemon-light (GnuTLS build) in the foreground (-bdf) with a
 * self-contained config in a temp dir, listening on 127.0.0.1:PORT. Root may
 * name its own config with -C; the daemon keeps root, which the test
 * machines are. Accepts no mail: RCPT is denied.
 */
export async function startExim(o: EximOptions): Promise<RunningServer & { readonly dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "tlsd-exim-"));
  mkdirSync(join(dir, "spool"));
  mkdirSync(join(dir, "log"));
  const port = await freePort();
  const tls = o.tls !== false;
  const conf = [
    "primary_hostname = mx.test.invalid",
    "exim_user = root",
    "exim_group = root",
    "never_users =",
    "keep_environment =",
    `spool_directory = ${dir}/spool`,
    `log_file_path = ${dir}/log/%slog`,
    `pid_file_path = ${dir}/exim.pid`,
    `daemon_smtp_ports = ${port}`,
    "local_interfaces = 127.0.0.1",
    `tls_advertise_hosts = ${tls ? "*" : ""}`,
    ...(tls ? [`tls_certificate = ${o.cert}`, `tls_privatekey = ${o.key}`] : []),
    ...(o.maxConnections === undefined
      ? []
      : [`smtp_accept_max = ${o.maxConnections}`, "smtp_accept_max_per_host = 0"]),
    ...(o.settings ?? []),
    "acl_smtp_rcpt = acl_rcpt",
    "begin acl",
    "acl_rcpt:",
    "  deny",
    "",
  ].join("\n");
  const confPath = join(dir, "exim.conf");
  writeFileSync(confPath, conf);
  const server = await spawnServer({
    name: "exim4",
    command: "exim4",
    args: ["-bdf", "-oX", String(port), "-C", confPath],
    port,
  });
  return {
    ...server,
    dir,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
