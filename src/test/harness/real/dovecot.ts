import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, spawnServer, waitForPort, type RunningServer } from "../process.js";

export interface DovecotServer extends RunningServer {
  readonly ports: {
    readonly imap: number;
    readonly pop3: number;
    readonly sieve: number;
    readonly lmtp: number;
  };
}

/**
 * Dovecot (imapd, pop3d, managesieved, lmtpd from Debian) in the foreground
 * with its own config: IMAP, POP3, ManageSieve and LMTP on 127.0.0.1, each
 * offering STARTTLS with the given chain and key. Login processes run as
 * Debian's dovenull user, as Dovecot requires.
 */
export async function startDovecot(o: { cert: string; key: string }): Promise<DovecotServer> {
  const dir = mkdtempSync(join(tmpdir(), "tlsd-dovecot-"));
  chmodSync(dir, 0o755); // login processes run as dovenull
  for (const d of ["base", "state", "mail"]) mkdirSync(join(dir, d));
  const ports = {
    imap: await freePort(),
    pop3: await freePort(),
    sieve: await freePort(),
    lmtp: await freePort(),
  };
  const listener = (name: string, port: number): string =>
    `  inet_listener ${name} {\n    address = 127.0.0.1\n    port = ${port}\n  }`;
  const conf = `base_dir = ${dir}/base
state_dir = ${dir}/state
log_path = /dev/stderr
protocols = imap pop3 sieve lmtp
listen = 127.0.0.1
ssl = yes
ssl_cert = <${o.cert}
ssl_key = <${o.key}
mail_location = maildir:${dir}/mail/%u
passdb {
  driver = static
  args = password=unused
}
userdb {
  driver = static
  args = uid=root gid=root home=${dir}/mail/%u
}
service imap-login {
${listener("imap", ports.imap)}
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
${listener("pop3", ports.pop3)}
  inet_listener pop3s {
    port = 0
  }
}
service managesieve-login {
${listener("sieve", ports.sieve)}
}
service lmtp {
${listener("lmtp", ports.lmtp)}
}
protocol lmtp {
  ssl = yes
}
`;
  const confPath = join(dir, "dovecot.conf");
  writeFileSync(confPath, conf);
  const server = await spawnServer({
    name: "dovecot",
    command: "dovecot",
    args: ["-F", "-c", confPath],
    port: ports.imap,
  });
  await Promise.all([waitForPort(ports.pop3), waitForPort(ports.sieve), waitForPort(ports.lmtp)]);
  return {
    ...server,
    ports,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
