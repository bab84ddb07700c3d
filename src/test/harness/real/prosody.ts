import { execFile } from "node:child_process";
import {
  chmodSync,
  chownSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort, spawnServer, waitForPort, type RunningServer } from "../process.js";

const run = promisify(execFile);

/**
 * Prosody (XMPP) from Debian, as the `prosody` user (it refuses root), with
 * its own config: client-to-server and server-to-server STARTTLS on
 * 127.0.0.1, TLS required, VirtualHost "localhost".
 */
export async function startProsody(o: {
  cert: string;
  key: string;
}): Promise<RunningServer & { readonly s2sPort: number }> {
  const dir = mkdtempSync(join(tmpdir(), "tlsd-prosody-"));
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, "data"));
  mkdirSync(join(dir, "certs"));
  copyFileSync(o.cert, join(dir, "cert.pem"));
  copyFileSync(o.key, join(dir, "key.pem"));
  const [c2s, s2s] = [await freePort(), await freePort()];
  const ssl = `{ certificate = "${dir}/cert.pem", key = "${dir}/key.pem" }`;
  writeFileSync(
    join(dir, "prosody.cfg.lua"),
    `pidfile = "${dir}/prosody.pid"
data_path = "${dir}/data"
certificates = "${dir}/certs"
interfaces = { "127.0.0.1" }
c2s_ports = { ${c2s} }
s2s_ports = { ${s2s} }
c2s_direct_tls_ports = { }
s2s_direct_tls_ports = { }
http_ports = { }
https_ports = { }
log = { { levels = { min = "warn" }, to = "console" } }
modules_enabled = { "tls", "disco", "ping" }
c2s_require_encryption = true
s2s_require_encryption = true
authentication = "internal_plain"
ssl = ${ssl}
VirtualHost "localhost"
  ssl = ${ssl}
`,
  );
  const { stdout } = await run("id", ["-u", "prosody"]);
  const { stdout: gid } = await run("id", ["-g", "prosody"]);
  for (const f of ["", "data", "certs", "cert.pem", "key.pem", "prosody.cfg.lua"]) {
    chownSync(join(dir, f), Number(stdout.trim()), Number(gid.trim()));
  }
  const server = await spawnServer({
    name: "prosody",
    command: "setpriv",
    args: [
      "--reuid=prosody",
      "--regid=prosody",
      "--init-groups",
      "prosody",
      "-F",
      "--config",
      join(dir, "prosody.cfg.lua"),
    ],
    port: c2s,
  });
  await waitForPort(s2s);
  return {
    ...server,
    s2sPort: s2s,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
