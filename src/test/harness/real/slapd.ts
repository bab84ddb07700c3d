import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, spawnServer, type RunningServer } from "../process.js";

/**
 * OpenLDAP's slapd from Debian with a minimal slapd.conf (one mdb database)
 * in the foreground (-d 0) on ldap://127.0.0.1:PORT/. With `tls: false` no
 * certificate is configured, so StartTLS is refused.
 */
export async function startSlapd(o: {
  cert: string;
  key: string;
  tls?: boolean;
}): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), "tlsd-slapd-"));
  mkdirSync(join(dir, "db"));
  const conf = [
    "include /etc/ldap/schema/core.schema",
    `pidfile ${dir}/slapd.pid`,
    "modulepath /usr/lib/ldap",
    "moduleload back_mdb",
    ...(o.tls === false ? [] : [`TLSCertificateFile ${o.cert}`, `TLSCertificateKeyFile ${o.key}`]),
    "database mdb",
    'suffix "dc=test,dc=invalid"',
    `directory ${dir}/db`,
    "maxsize 10485760",
    "",
  ].join("\n");
  writeFileSync(join(dir, "slapd.conf"), conf);
  const port = await freePort();
  const server = await spawnServer({
    name: "slapd",
    command: "slapd",
    args: ["-d", "0", "-h", `ldap://127.0.0.1:${port}/`, "-f", join(dir, "slapd.conf")],
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
