import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, spawnServer, type RunningServer } from "../process.js";

/**
 * Debian's InspIRCd 3 (package `inspircd`) with its `starttls` module: the
 * one IRC server in Debian 12 that speaks the IRCv3 tls extension (ngIRCd
 * has only direct-TLS ports). Runs in the foreground as root
 * (`--nofork --runasroot`) with its own config on 127.0.0.1:PORT. It looks
 * up each client's hostname, as deployed servers do (so the first line a
 * client sees is a NOTICE), but its resolver points at 127.0.0.1, so
 * nothing leaves the machine. With `starttls: false` the module is not loaded: CAP LS
 * lists no `tls` and STARTTLS is an unknown command (421).
 */
export async function startInspircd(o: {
  cert: string;
  key: string;
  starttls?: boolean;
}): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), "tlsd-inspircd-"));
  const port = await freePort();
  const tls = o.starttls !== false;
  const conf = [
    '<server name="irc.test.invalid" description="tlsdoctor test" network="Test">',
    '<admin name="test" nick="test" email="test@test.invalid">',
    `<bind address="127.0.0.1" port="${port}" type="clients">`,
    '<connect allow="*" timeout="60" pingfreq="120" localmax="1000" globalmax="1000"' +
      ' threshold="1000" useident="no" resolvehostnames="yes">',
    '<dns server="127.0.0.1" timeout="1">',
    `<pid file="${dir}/inspircd.pid">`,
    `<log method="file" type="* -USERINPUT -USEROUTPUT" level="default" target="${dir}/ircd.log">`,
    '<module name="cap">',
    ...(tls
      ? [
          '<module name="ssl_gnutls">',
          `<sslprofile name="Clients" provider="gnutls" certfile="${o.cert}" keyfile="${o.key}"` +
            ' dhfile="" hash="sha256" requestclientcert="no">',
          '<module name="starttls">',
          '<starttls provider="Clients">',
        ]
      : []),
    "",
  ].join("\n");
  writeFileSync(join(dir, "inspircd.conf"), conf);
  const server = await spawnServer({
    name: "inspircd",
    command: "inspircd",
    args: [`--config=${join(dir, "inspircd.conf")}`, "--nofork", "--runasroot", "--nopid"],
    port,
    cwd: dir,
    readyTimeoutMs: 15_000,
  });
  return {
    ...server,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
