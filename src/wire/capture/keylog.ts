/**
 * The NSS key log format (as Node's `keylog` event and SSLKEYLOGFILE write it):
 *
 * ```
 * <Label> <ClientRandom hex, 32 bytes> <Secret hex>
 * ```
 * Labels: CLIENT_RANDOM (TLS ≤ 1.2 master secret), CLIENT_EARLY_TRAFFIC_SECRET,
 * CLIENT_HANDSHAKE_TRAFFIC_SECRET, SERVER_HANDSHAKE_TRAFFIC_SECRET,
 * CLIENT_TRAFFIC_SECRET_0, SERVER_TRAFFIC_SECRET_0, EARLY_EXPORTER_SECRET,
 * EXPORTER_SECRET. Lines starting with `#` are comments.
 */
export interface KeyLog {
  /** Secrets by lower-case client random hex, then by label. */
  readonly byClientRandom: ReadonlyMap<string, ReadonlyMap<string, Uint8Array>>;
  /** One entry per line that could not be used, naming the line number. */
  readonly problems: readonly string[];
}

/** Longest secret accepted: 48 bytes (SHA-384, master secret) with room to spare. */
const MAX_SECRET_BYTES = 64;
const MAX_PROBLEMS = 20;

export function parseKeyLog(lines: readonly string[]): KeyLog {
  const byClientRandom = new Map<string, Map<string, Uint8Array>>();
  const problems: string[] = [];
  let n = 0;
  const problem = (text: string): void => {
    if (problems.length < MAX_PROBLEMS) problems.push(text);
  };
  for (const chunk of lines) {
    for (const rawLine of chunk.split("\n")) {
      n++;
      const line = rawLine.trim();
      if (line === "" || line.startsWith("#")) continue;
      const parts = line.split(/\s+/);
      const [label, random, secret] = parts;
      if (
        parts.length !== 3 ||
        label === undefined ||
        random === undefined ||
        secret === undefined
      ) {
        problem(`Cannot parse key log line ${n}: ${parts.length} fields, not 3`);
        continue;
      }
      const randomBytes = fromHex(random);
      const secretBytes = fromHex(secret);
      if (randomBytes?.length !== 32) {
        problem(`Cannot parse key log line ${n}: client random is not 32 bytes of hex`);
        continue;
      }
      if (
        secretBytes === undefined ||
        secretBytes.length === 0 ||
        secretBytes.length > MAX_SECRET_BYTES
      ) {
        problem(
          `Cannot parse key log line ${n}: secret is not 1..${MAX_SECRET_BYTES} bytes of hex`,
        );
        continue;
      }
      const key = random.toLowerCase();
      let secrets = byClientRandom.get(key);
      if (secrets === undefined) {
        secrets = new Map<string, Uint8Array>();
        byClientRandom.set(key, secrets);
      }
      secrets.set(label, secretBytes);
    }
  }
  return { byClientRandom, problems };
}

/**
 * The secrets of the connection whose ClientHello carried `clientRandom`; or,
 * when it is unknown, those of the only connection in the log.
 */
export function secretsFor(
  log: KeyLog,
  clientRandom: Uint8Array | undefined,
): ReadonlyMap<string, Uint8Array> | undefined {
  if (clientRandom !== undefined) return log.byClientRandom.get(toHex(clientRandom));
  if (log.byClientRandom.size === 1) return [...log.byClientRandom.values()][0];
  return undefined;
}

export function toHex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

function fromHex(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0 || hex.length > 2 * 1024 || !/^[0-9a-fA-F]*$/.test(hex))
    return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
