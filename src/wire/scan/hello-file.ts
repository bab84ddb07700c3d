import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { TlsDoctorError } from "../../core/index.js";
import { hex } from "../transcript.js";
import {
  ByteReader,
  HandshakeReassembler,
  parseClientHello,
  readRecord,
  versionLabel,
} from "../codec/index.js";
import { extensionLabel, suiteLabel as suiteName } from "../registry/index.js";
import type { DecodedHello } from "./types.js";

export const HELLO_FILE_FORMAT = "tlsdoctor-hello/1";

/** A saved hello: the exact bytes (records as sent) and what they say. */
export interface HelloFile {
  readonly format: typeof HELLO_FILE_FORMAT;
  readonly target: string;
  readonly savedAt: string;
  readonly why: string;
  /** The records exactly as sent, hex. */
  readonly records: string;
  readonly decoded: DecodedHello;
}

/** Decodes records holding one ClientHello (TLS, or SSLv2-format), for display and narrowing. */
export function decodeHello(records: Uint8Array): DecodedHello {
  const first = readRecord(records, 0);
  if (first.kind === "sslv2") {
    const r = new ByteReader(first.record.body, { path: "SSLv2 CLIENT-HELLO" });
    r.u8("msg_type");
    const version = r.u16("version");
    const specLen = r.u16("cipher_specs_length");
    r.u16("session_id_length");
    r.u16("challenge_length");
    const specs = r.bytes(specLen, "cipher_specs");
    const suites: { code: number; name: string }[] = [];
    for (let i = 0; i + 2 < specs.length; i += 3) {
      const code =
        ((specs[i] as number) << 16) | ((specs[i + 1] as number) << 8) | (specs[i + 2] as number);
      suites.push({ code, name: suiteName(code) });
    }
    return { version: `SSLv2-format ${versionLabel(version)}`, suites, extensions: [] };
  }
  const hs = new HandshakeReassembler({ path: "ClientHello" });
  let pos = 0;
  for (;;) {
    const rr = readRecord(records, pos, { allowSslv2: false });
    if (rr.kind !== "record") break;
    pos = rr.next;
    const msgs = hs.push(rr.record.fragment);
    const m = msgs[0];
    if (m !== undefined) {
      const ch = parseClientHello(m.body);
      const sv = ch.offeredVersions.map(versionLabel).join(",");
      return {
        version:
          ch.offeredVersions.length > 1 || ch.offeredVersions[0] !== ch.legacyVersion
            ? `${versionLabel(ch.legacyVersion)} (supported_versions ${sv})`
            : versionLabel(ch.legacyVersion),
        suites: ch.cipherSuites.map((code) => ({ code, name: suiteName(code) })),
        extensions: ch.extensions.map((e) => ({
          type: e.type,
          name: extensionLabel(e.type),
          length: e.data.length,
        })),
      };
    }
  }
  throw new TlsDoctorError(
    "TLSD_FILE",
    "Cannot decode hello: no complete ClientHello in the records",
  );
}

/** Writes a hello file into `dir` (created if needed); returns its path. */
export async function saveHello(
  dir: string,
  target: string,
  why: string,
  records: Uint8Array,
  tag: string,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const safe = target.replace(/[^A-Za-z0-9.-]+/g, "_");
  const path = join(dir, `hello-${safe}-${tag}-${stamp}.json`);
  const file: HelloFile = {
    format: HELLO_FILE_FORMAT,
    target,
    savedAt: new Date().toISOString(),
    why,
    records: hex(records, records.length).replace(/ /g, ""),
    decoded: decodeHello(records),
  };
  await writeFile(path, `${JSON.stringify(file, null, 2)}\n`);
  return path;
}

/** Reads a hello file (or a bare hex dump of records); a clear error names what is wrong. */
export async function loadHello(path: string): Promise<{ records: Uint8Array; file?: HelloFile }> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new TlsDoctorError(
      "TLSD_FILE",
      `Cannot read hello file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      { cause: e },
    );
  }
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) {
    let file: HelloFile;
    try {
      file = JSON.parse(trimmed) as HelloFile;
    } catch (e) {
      throw new TlsDoctorError(
        "TLSD_FILE",
        `Cannot parse hello file ${path}: ${(e as Error).message}`,
        { cause: e },
      );
    }
    if (file.format !== HELLO_FILE_FORMAT || typeof file.records !== "string") {
      throw new TlsDoctorError("TLSD_FILE", `Cannot use ${path}: not a ${HELLO_FILE_FORMAT} file`);
    }
    return { records: fromHex(file.records, path), file };
  }
  return { records: fromHex(trimmed, path) };
}

function fromHex(s: string, path: string): Uint8Array {
  const clean = s.replace(/[\s:]/g, "");
  if (clean.length === 0 || clean.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(clean)) {
    throw new TlsDoctorError(
      "TLSD_FILE",
      `Cannot read hello in ${path}: not an even number of hex digits`,
    );
  }
  return Uint8Array.from(Buffer.from(clean, "hex"));
}
