import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, spawnServer, type RunningServer } from "../process.js";

/**
 * vsftpd from Debian in the foreground (background=NO) on 127.0.0.1:PORT
 * with explicit FTPS (AUTH TLS, RFC 4217) using the given chain and key.
 */
export async function startVsftpd(o: { cert: string; key: string }): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), "tlsd-vsftpd-"));
  mkdirSync(join(dir, "empty"));
  const port = await freePort();
  const conf = [
    "listen=YES",
    "listen_ipv6=NO",
    "listen_address=127.0.0.1",
    `listen_port=${port}`,
    "background=NO",
    "anonymous_enable=NO",
    "local_enable=YES",
    "ssl_enable=YES",
    `rsa_cert_file=${o.cert}`,
    `rsa_private_key_file=${o.key}`,
    `secure_chroot_dir=${dir}/empty`,
    "seccomp_sandbox=NO",
    "",
  ].join("\n");
  writeFileSync(join(dir, "vsftpd.conf"), conf);
  const server = await spawnServer({
    name: "vsftpd",
    command: "vsftpd",
    args: [join(dir, "vsftpd.conf")],
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
