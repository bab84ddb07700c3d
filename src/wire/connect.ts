import { lookup } from "node:dns/promises";
import { connect as netConnect, isIP, type Socket } from "node:net";
import { TlsDoctorError, abortError, errnoCode, withSignal } from "../core/index.js";

export interface Resolved {
  readonly address: string;
  readonly family: 4 | 6;
  readonly all: readonly string[];
  readonly ms: number;
}

/** Resolves a host name (or passes an IP literal through) under a deadline. */
export async function resolveHost(host: string, signal: AbortSignal): Promise<Resolved> {
  const fam = isIP(host);
  if (fam !== 0) return { address: host, family: fam as 4 | 6, all: [host], ms: 0 };
  const t = performance.now();
  try {
    const addrs = await withSignal(
      lookup(host, { all: true, verbatim: true }),
      signal,
      "DNS lookup",
    );
    const first = addrs[0];
    if (!first)
      throw new TlsDoctorError("TLSD_DNS", `Cannot resolve ${host}: no addresses`, {
        details: { host },
      });
    return {
      address: first.address,
      family: first.family === 6 ? 6 : 4,
      all: addrs.map((a) => a.address),
      ms: performance.now() - t,
    };
  } catch (e) {
    if (e instanceof TlsDoctorError) throw e;
    const code = errnoCode(e) ?? "ERROR";
    throw new TlsDoctorError("TLSD_DNS", `Cannot resolve ${host}: ${code}`, {
      cause: e,
      details: { host, errno: code },
    });
  }
}

/** Opens a TCP connection under a deadline; classifies refusals and other failures. */
export async function tcpConnect(
  address: string,
  port: number,
  signal: AbortSignal,
): Promise<Socket> {
  const where = `${isIP(address) === 6 ? `[${address}]` : address}:${port}`;
  const socket = netConnect({ host: address, port });
  socket.setNoDelay(true);
  try {
    await withSignal(
      new Promise<void>((resolve, reject) => {
        socket.once("connect", resolve);
        socket.once("error", reject);
      }),
      signal,
      `TCP connect to ${where}`,
      () => socket.destroy(),
    );
    socket.removeAllListeners("error");
    return socket;
  } catch (e) {
    socket.destroy();
    if (e instanceof TlsDoctorError) throw e;
    const code = errnoCode(e) ?? "ERROR";
    if (code === "ECONNREFUSED") {
      throw new TlsDoctorError("TLSD_CONNECT_REFUSED", `Connection refused by ${where}`, {
        cause: e,
        details: { address: where, errno: code },
      });
    }
    if (signal.aborted) throw abortError(signal, `TCP connect to ${where}`);
    throw new TlsDoctorError("TLSD_CONNECT_FAILED", `Cannot connect to ${where}: ${code}`, {
      cause: e,
      details: { address: where, errno: code },
    });
  }
}
