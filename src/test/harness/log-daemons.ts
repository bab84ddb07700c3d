// Real mail daemons that write their logs to files a test can read back, and
// the failing clients that make them log TLS failures (tlsdoctor logs' tests).
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, spawnServer, type RunningServer } from "./process.js";
import { startExim } from "./real/exim.js";

export interface LoggingDaemon extends RunningServer {
  /** The daemon's log file as written so far. */
  readonly logFile: string;
  readLog(): string;
}

/**
 * Debian's exim4-daemon-light (the GnuTLS build) in the foreground with its
 * mainlog in a temp dir, STARTTLS offered with the given chain, ALPN limited
 * to "smtp" (Exim 4.96's tls_alpn), TLS 1.2 at least, and the pid on every line (+pid).
 */
export async function startLoggingExim(o: { cert: string; key: string }): Promise<LoggingDaemon> {
  const server = await startExim({
    ...o,
    settings: [
      "log_selector = +pid",
      "tls_alpn = smtp",
      // Debian's GnuTLS default still accepts TLS 1.0; hardened sites turn it off like this.
      "tls_require_ciphers = NORMAL:-VERS-TLS1.0:-VERS-TLS1.1",
    ],
  });
  const logFile = join(server.dir, "log", "mainlog");
  return { ...server, logFile, readLog: () => readFileSync(logFile, "utf8") };
}

/** Dovecot (OpenSSL build) with IMAP + STARTTLS on 127.0.0.1 and its log in a file. */
export async function startLoggingDovecot(o: {
  cert: string;
  key: string;
}): Promise<LoggingDaemon> {
  const dir = mkdtempSync(join(tmpdir(), "tlsd-logs-dovecot-"));
  chmodSync(dir, 0o755); // login processes run as dovenull
  for (const d of ["base", "state", "mail"]) mkdirSync(join(dir, d));
  const port = await freePort();
  const logFile = join(dir, "dovecot.log");
  const conf = `base_dir = ${dir}/base
state_dir = ${dir}/state
log_path = ${logFile}
protocols = imap
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
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
`;
  const confPath = join(dir, "dovecot.conf");
  writeFileSync(confPath, conf);
  const server = await spawnServer({
    name: "dovecot",
    command: "dovecot",
    args: ["-F", "-c", confPath],
    port,
  });
  return {
    ...server,
    logFile,
    readLog: () => readFileSync(logFile, "utf8"),
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface FailingClientOptions {
  readonly port: number;
  readonly starttls: "smtp" | "imap";
  /** Trust only this CA file (and fail on verification errors). */
  readonly caFile: string;
  /** Offer this ALPN protocol. */
  readonly alpn?: string;
  /** Speak TLS 1.2 only. */
  readonly tls12?: boolean;
  /** Speak TLS 1.0 only (at security level 0, so OpenSSL 3 agrees to). */
  readonly tls1?: boolean;
}

/**
 * One `openssl s_client -starttls` handshake that is meant to fail; resolves
 * with its output (never rejects: a failing client is the point).
 */
export function failingClient(o: FailingClientOptions): Promise<string> {
  const args = [
    "s_client",
    "-connect",
    `127.0.0.1:${o.port}`,
    "-starttls",
    o.starttls,
    "-CAfile",
    o.caFile,
    "-verify_return_error",
  ];
  if (o.alpn !== undefined) args.push("-alpn", o.alpn);
  if (o.tls12 === true) args.push("-tls1_2");
  if (o.tls1 === true) args.push("-tls1", "-cipher", "DEFAULT@SECLEVEL=0");
  return new Promise((resolve) => {
    const child = execFile("openssl", args, { timeout: 15_000 }, (_e, stdout, stderr) =>
      resolve(`${stdout}${stderr}`),
    );
    child.stdin?.end("");
  });
}

/** Polls until `pred` holds for the daemon's log (daemons write asynchronously). */
export async function waitForLog(
  d: LoggingDaemon,
  pred: (log: string) => boolean,
  timeoutMs = 10_000,
): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    let log = "";
    try {
      log = d.readLog();
    } catch {
      // not created yet
    }
    if (pred(log)) return log;
    if (Date.now() > until) throw new Error(`${d.name}'s log never matched; it holds:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
