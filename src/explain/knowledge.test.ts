import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { allAlerts } from "./alerts.js";
import { allKnowledge, explainKey, knowledgeEntry, resolveKey } from "./knowledge.js";
import { detectDirection } from "./direction.js";

const repo = new URL("../../", import.meta.url);
const INCLUDE = "/usr/include/openssl/";

function findingIds(): Set<string> {
  const md = readFileSync(new URL("docs/findings.md", repo), "utf8");
  return new Set([...md.matchAll(/^## ([A-Z0-9_]+)\s*$/gm)].map((m) => m[1]!));
}

/** `#define NAME VALUE` pairs from the installed OpenSSL headers (libssl-dev). */
function macros(file: string): Map<string, number> {
  const h = readFileSync(INCLUDE + file, "utf8");
  return new Map(
    [...h.matchAll(/^# ?define (\w+) +(-?\d+)\s*$/gm)].map((m) => [m[1]!, Number(m[2])]),
  );
}

function libraryText(path: string): string {
  return readFileSync(path).toString("latin1");
}

test("every finding id cited exists in docs/findings.md", () => {
  const ids = findingIds();
  assert.ok(ids.size > 50, "docs/findings.md parsed");
  const missing: string[] = [];
  for (const e of allKnowledge())
    for (const f of e.findings) if (!ids.has(f)) missing.push(`${e.key}: ${f}`);
  assert.deepEqual(missing, []);
});

test("every entry has ranked causes, a tlsdoctor command and findings", () => {
  const host = ["kernel", "kernelCrypto", "trustStore", "tlsConfig", "daemons"];
  const scan = [
    "protocols",
    "suites",
    "groups",
    "sigalgs",
    "alpn",
    "features",
    "certificates",
    "tolerance",
  ];
  const cmds = ["probe", "scan", "host", "elf", "chroot", "logs", "replay"];
  for (const e of allKnowledge()) {
    assert.ok(e.causes.length > 0 && e.confirm.length > 0 && e.findings.length > 0, e.key);
    for (const c of e.confirm) {
      const m = /^tlsdoctor (\w+)(.*)$/.exec(c);
      assert.ok(m && cmds.includes(m[1]!), `${e.key}: ${c}`);
      const only = /--only (\S+)/.exec(c)?.[1];
      if (only !== undefined) {
        const allowed = m[1] === "host" ? host : scan;
        for (const part of only.split(",")) assert.ok(allowed.includes(part), `${e.key}: ${c}`);
      }
    }
  }
  assert.ok(allKnowledge().length >= 140, `size ${allKnowledge().length}`);
});

test("every TLS alert of the registry has an entry with both readings", () => {
  for (const a of allAlerts()) {
    const e = knowledgeEntry(`alert:${a.code}`);
    assert.ok(e?.readings, `alert ${a.code}`);
    assert.equal(resolveKey(`alert:${a.name}`), `alert:${a.code}`);
  }
});

test("openssl: entries name real reason macros and carry `openssl errstr`'s own text", () => {
  // Library numbers from include/openssl/err.h.h (ERR_LIB_*); OpenSSL 3 packs lib << 23 | reason.
  const libs: Record<string, [number, string]> = {
    SSL_R_: [20, "sslerr.h"],
    X509_R_: [11, "x509err.h"],
    PEM_R_: [9, "pemerr.h"],
    EVP_R_: [6, "evperr.h"],
  };
  const entries = allKnowledge().filter((e) => e.key.startsWith("openssl:"));
  assert.ok(entries.length >= 40, `${entries.length} OpenSSL reasons`);
  const codes: string[] = [];
  for (const e of entries) {
    const macro = e.key.slice("openssl:".length);
    const [prefix, [lib, header]] = Object.entries(libs).find(([p]) => macro.startsWith(p))!;
    const value = macros(header).get(macro);
    assert.ok(value !== undefined, `${macro} in ${header} (${prefix})`);
    codes.push(((lib << 23) | value).toString(16).toUpperCase().padStart(8, "0"));
  }
  const out = execFileSync("openssl", ["errstr", ...codes], { encoding: "utf8" })
    .trim()
    .split("\n");
  assert.equal(out.length, entries.length);
  entries.forEach((e, i) => {
    const reason = out[i]!.split(":").slice(4).join(":");
    assert.equal(e.text, reason, `${e.key} ${codes[i]}`);
  });
});

test("every OpenSSL received-alert macro (reason 1000+N) resolves to alert N", () => {
  let n = 0;
  for (const [name, value] of macros("sslerr.h")) {
    if (!name.startsWith("SSL_R_") || value < 1000) continue;
    assert.equal(resolveKey(`openssl:${name}`), `alert:${value - 1000}`, name);
    n++;
  }
  assert.ok(n >= 30, `${n} alert macros`);
});

test("x509: entries match x509_vfy.h and libcrypto's own verify strings", () => {
  const vfy = macros("x509_vfy.h");
  const crypto = libraryText(findLib("libcrypto.so.3"));
  const entries = allKnowledge().filter((e) => e.key.startsWith("x509:"));
  for (const need of [2, 9, 10, 18, 19, 20, 21, 26, 62, 66, 68])
    assert.ok(knowledgeEntry(`x509:${need}`), `x509:${need}`);
  for (const e of entries) {
    const macro = /X509_V_ERR_\w+|\b[A-Z][A-Z0-9_]+(?=:)/.exec(e.title)![0];
    assert.equal(vfy.get(`X509_V_ERR_${macro}`), Number(e.key.slice(5)), e.key);
    assert.ok(crypto.includes(`\0${e.text}\0`), `${e.key}: "${e.text}" in libcrypto`);
  }
});

test("eai: entries carry glibc's values (netdb.h) and gai_strerror texts (libc.so.6)", () => {
  const netdb = readFileSync("/usr/include/netdb.h", "utf8");
  const libc = libraryText(findLib("libc.so.6"));
  const eai = allKnowledge().filter((e) => e.key.startsWith("eai:"));
  for (const need of [-2, -3, -5]) assert.ok(knowledgeEntry(`eai:${need}`));
  for (const e of eai) {
    const macro = /EAI_[A-Z]+/.exec(e.title)![0];
    const v = new RegExp(`define ${macro}\\s+(-?\\d+)`).exec(netdb)?.[1];
    assert.equal(Number(v), Number(e.key.slice(4)), e.key);
    assert.ok(libc.includes(`${e.text}\0`), `${e.key}: "${e.text}" in libc`);
  }
});

test("gnutls: entries quote gnutls_strerror exactly (libgnutls.so.30)", () => {
  const lib = libraryText(findLib("libgnutls.so.30"));
  const entries = allKnowledge().filter((e) => e.key.startsWith("gnutls:"));
  assert.ok(entries.length >= 10);
  for (const e of entries) assert.ok(lib.includes(`\0${e.text}\0`), `${e.key}: "${e.text}"`);
});

test("seeds/003: alert 42 read on the server means the client rejected our certificate", () => {
  const line =
    "postfix/smtpd[1141504]: SSL_accept error from m206-43.eu.mailgun.net: -1 postfix/smtpd[1141504]: warning: TLS library problem: error:14094412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:../ssl/record/rec_layer_s3.c:1543: SSL alert number 42:";
  const x = explainKey("openssl:SSL_R_SSLV3_ALERT_BAD_CERTIFICATE", detectDirection(line))!;
  assert.equal(x.entry.key, "alert:42");
  assert.equal(x.side, "server");
  assert.equal(x.readings.length, 1);
  assert.match(x.readings[0]!.text, /CLIENT rejected OUR SERVER's certificate/);
  assert.ok(x.entry.findings.includes("TRUST_STORE_STALE"));
});

test("the same alert on the client side means the server rejected ours; unknown gives both", () => {
  const client = explainKey(
    "alert:42",
    detectDirection(
      "postfix/smtp[99]: SSL_connect error to mx.example.net[192.0.2.1]:25: sslv3 alert bad certificate",
    ),
  )!;
  assert.equal(client.side, "client");
  assert.match(client.readings[0]!.text, /SERVER rejected OUR client certificate/);
  const both = explainKey(
    "alert:42",
    detectDirection("error:0A000412:SSL routines::sslv3 alert bad certificate"),
  )!;
  assert.equal(both.side, "unknown");
  assert.deepEqual(
    both.readings.map((r) => r.side),
    ["server", "client"],
  );
  assert.equal(explainKey("alert:42")!.readings.length, 2);
});

test("an alert we sent is read on the peer's side", () => {
  // Our server sent bad_certificate: the client received it, so the client reading applies.
  const x = explainKey("alert:42", {
    ourRole: "server",
    alertSentByPeer: false,
    evidence: "test",
  })!;
  assert.equal(x.side, "client");
  // A local verify failure on the server is about the client's certificate.
  const v = explainKey("x509:20", { ourRole: "server", evidence: "test" })!;
  assert.match(v.readings[0]!.text, /CLIENT's certificate/);
});

test("unknown keys are undefined, never a guess", () => {
  assert.equal(explainKey("alert:999"), undefined);
  assert.equal(explainKey("openssl:SSL_R_NOT_A_REASON"), undefined);
  assert.equal(resolveKey("SSL_R_WRONG_VERSION_NUMBER"), "openssl:SSL_R_WRONG_VERSION_NUMBER");
  assert.equal(explainKey("eai:-5")!.entry.findings.includes("CHROOT_RESOLVER_BROKEN"), true);
});

function findLib(name: string): string {
  for (const dir of [
    "/usr/lib/x86_64-linux-gnu/",
    "/lib/x86_64-linux-gnu/",
    "/usr/lib64/",
    "/usr/lib/aarch64-linux-gnu/",
  ]) {
    try {
      if (readdirSync(dir).includes(name)) return dir + name;
    } catch {
      // not this layout
    }
  }
  throw new Error(`Cannot find ${name}`);
}
