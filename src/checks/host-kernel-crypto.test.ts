import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import { gzipSync } from "node:zlib";
import { HostView, type Finding, type Section } from "../core/index.js";
import {
  KAT_ALGORITHMS,
  analyseKernelCrypto,
  gatherKernelCryptoLive,
  katReferenceOutput,
  katVector,
  type AfAlgTransport,
  type KatAlgorithm,
  type KernelCryptoLiveFacts,
} from "../host/index.js";
import { kernelCryptoFindings, kernelCryptoSections } from "./host-kernel-crypto.js";

const FIX = new URL("../../src/host/fixtures/proc-crypto/", import.meta.url);
const fixtureText = (name: string): string => readFileSync(new URL(name, FIX), "utf8");
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function sysroot(files: Record<string, string | Uint8Array>): HostView {
  const dir = mkdtempSync(join(tmpdir(), "tlsd-kcrypto-checks-"));
  dirs.push(dir);
  for (const [p, body] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), body);
  }
  return new HostView(dir);
}
const ids = (fs: readonly Finding[]): string[] => fs.map((f) => `${f.id}:${f.severity}`).sort();
const table = (s: readonly Section[], title: RegExp) => {
  const t = s.find((x) => x.kind === "table" && title.test(x.title));
  assert.ok(t && t.kind === "table", `no table ${String(title)}`);
  return t;
};

/** A kernel stand-in: correct answers, or ENOENT / flipped bytes where asked. */
function fake(knobs: { enoent?: string[]; corrupt?: string } = {}): AfAlgTransport {
  return {
    bind(_type, name) {
      if (knobs.enoent?.includes(name))
        return { ok: false, failure: { step: "bind", errno: "ENOENT", errnoNumber: 2 } };
      const alg = KAT_ALGORITHMS.find((a) => a.name === name) as KatAlgorithm;
      const v = katVector(alg);
      return {
        ok: true,
        value: {
          setKey: () => ({ ok: true, value: undefined }),
          setAuthSize: () => ({ ok: true, value: undefined }),
          request: (req) => {
            const out = new Uint8Array(
              req.op === "decrypt" ? v.plaintext : katReferenceOutput(alg, v),
            );
            if (knobs.corrupt === name) out[5] = (out[5] ?? 0) ^ 4;
            return { ok: true, value: out };
          },
          close() {},
        },
      };
    },
  };
}

test("seeds/001 snapshot: KERNEL_CRYPTO_UNREACHABLE for xts(aes) and cbc(aes), inferred, with the vmx fix", () => {
  const view = sysroot({
    "proc/crypto": fixtureText("power8-4.10-vmx-crypto.txt"),
    "proc/sys/kernel/osrelease": "4.10.0-9-generic\n",
  });
  const a = analyseKernelCrypto(view);
  const f = kernelCryptoFindings(a);
  assert.deepEqual(ids(f), [
    "KERNEL_CRYPTO_UNREACHABLE:warning",
    "KERNEL_CRYPTO_UNREACHABLE:warning",
  ]);
  const xts = f.find((x) => x.title.startsWith("xts(aes)"));
  assert.equal(
    xts?.title,
    "xts(aes) is registered (p8_aes_xts, vmx_crypto) but the kernel cannot allocate it (inferred from /proc/crypto)",
  );
  assert.match(xts?.detail ?? "", /cryptsetup/);
  assert.match(xts?.fix ?? "", /blacklist vmx_crypto/);
  assert.ok(xts?.refs.includes("seeds/001"));
  assert.ok(
    xts?.evidence.some(
      (e) => e.label === "kernel" && e.value === "4.10.0-9-generic (/proc/sys/kernel/osrelease)",
    ),
  );
  const rows = table(kernelCryptoSections(a), /algorithms/).rows;
  assert.deepEqual(
    rows.find((r) => r[0] === "xts(aes)"),
    ["xts(aes)", "p8_aes_xts (blkcipher, 2000)", "not tested", "unreachable (inferred)"],
  );
});

test("the same host live: the bind failure makes it an error, evidence names the syscall", () => {
  const view = sysroot({
    "proc/crypto": fixtureText("power8-4.10-vmx-crypto.txt"),
    "proc/sys/kernel/osrelease": "4.10.0-9-generic\n",
  });
  const live = {
    ...gatherKernelCryptoLive({ transport: fake({ enoent: ["xts(aes)", "cbc(aes)"] }) }),
    kernelRelease: "4.10.0-9-generic",
  };
  const f = kernelCryptoFindings(analyseKernelCrypto(view, live));
  assert.deepEqual(ids(f), ["KERNEL_CRYPTO_UNREACHABLE:error", "KERNEL_CRYPTO_UNREACHABLE:error"]);
  const xts = f.find((x) => x.title.startsWith("xts(aes)"));
  assert.ok(
    xts?.evidence.some(
      (e) => e.label === "AF_ALG" && e.value === "bind(skcipher, xts(aes)) = ENOENT",
    ),
  );
  assert.doesNotMatch(xts?.title ?? "", /inferred/);
});

test("wrong output through AF_ALG: KERNEL_CRYPTO_WRONG_RESULT, critical", () => {
  const view = sysroot({ "proc/crypto": fixtureText("x86_64-6.18-no-af-alg.txt") });
  const live = gatherKernelCryptoLive({ transport: fake({ corrupt: "xts(aes)" }) });
  const f = kernelCryptoFindings(analyseKernelCrypto(view, live));
  assert.deepEqual(ids(f), ["KERNEL_CRYPTO_WRONG_RESULT:critical"]);
  assert.match(f[0]?.detail ?? "", /first difference at byte 5/);
});

test("this machine, live: no AF_ALG is its own finding naming what breaks; severity follows what is installed", () => {
  const live = gatherKernelCryptoLive();
  const a = analyseKernelCrypto(new HostView("/"), live);
  const f = kernelCryptoFindings(a);
  const sections = kernelCryptoSections(a);
  assert.ok(sections.some((s) => s.kind === "fields" && s.title === "Randomness"));
  if (live.afAlg.available !== false) {
    assert.ok(!f.some((x) => x.id === "KERNEL_CRYPTO_WRONG_RESULT"));
    return;
  }
  const af = f.find((x) => x.id === "KERNEL_AF_ALG_UNAVAILABLE");
  assert.ok(af, JSON.stringify(ids(f)));
  assert.match(af.title, /socket\(AF_ALG\) = EAFNOSUPPORT/);
  assert.match(af.detail, /cryptsetup.*iwd.*libkcapi/s);
  const serious = a.afAlgUsers.some((p) => /cryptsetup|iwd|homed/.test(p));
  assert.equal(af.severity, serious ? "warning" : "info");
  for (const u of a.afAlgUsers) assert.ok(af.evidence.some((e) => e.value === u));
  assert.ok(!f.some((x) => x.id === "KERNEL_CRYPTO_UNREACHABLE"));
});

test("a snapshot whose kernel config lacks AF_ALG, with cryptsetup installed: a warning", () => {
  const view = sysroot({
    "proc/crypto": fixtureText("x86_64-6.18-no-af-alg.txt"),
    "proc/sys/kernel/osrelease": "6.18.44\n",
    "proc/config.gz": gzipSync(
      "# CONFIG_CRYPTO_USER_API_HASH is not set\n# CONFIG_CRYPTO_USER_API_SKCIPHER is not set\n# CONFIG_CRYPTO_USER_API_AEAD is not set\n# CONFIG_CRYPTO_GCM is not set\n",
    ),
    "usr/sbin/cryptsetup": "not run, only looked at\n",
  });
  const f = kernelCryptoFindings(analyseKernelCrypto(view));
  assert.deepEqual(ids(f), [
    "KERNEL_AF_ALG_UNAVAILABLE:warning",
    "KERNEL_CRYPTO_ALGORITHM_MISSING:info",
  ]);
  const af = f.find((x) => x.id === "KERNEL_AF_ALG_UNAVAILABLE");
  assert.ok(
    af?.evidence.some((e) => e.label === "AF_ALG user" && e.value === "/usr/sbin/cryptsetup"),
  );
  assert.ok(
    af?.evidence.some(
      (e) => e.label === "/proc/config.gz" && /CRYPTO_USER_API_SKCIPHER=n/.test(e.value),
    ),
  );
  const missing = f.find((x) => x.id === "KERNEL_CRYPTO_ALGORITHM_MISSING");
  assert.match(missing?.title ?? "", /gcm\(aes\), rfc4106\(gcm\(aes\)\)/);
  assert.match(missing?.detail ?? "", /kTLS/);
});

test("self-test failures: an error when no other driver can answer, a warning otherwise", () => {
  const bad = (name: string, driver: string): string =>
    `name         : ${name}\ndriver       : ${driver}\nmodule       : kernel\npriority     : 900\nrefcnt       : 1\nselftest     : unknown\ninternal     : no\ntype         : shash\n\n`;
  const base = fixtureText("x86_64-6.18-no-af-alg.txt");
  const warn = kernelCryptoFindings(
    analyseKernelCrypto(sysroot({ "proc/crypto": base + bad("sha256", "sha256-bad") })),
  );
  assert.deepEqual(ids(warn), ["KERNEL_CRYPTO_SELFTEST_FAILED:warning"]);
  assert.match(warn[0]?.evidence[0]?.value ?? "", /sha256-lib answers instead/);
  const err = kernelCryptoFindings(
    analyseKernelCrypto(sysroot({ "proc/crypto": base + bad("whirlpool", "wp512-bad") })),
  );
  assert.deepEqual(ids(err), ["KERNEL_CRYPTO_SELFTEST_FAILED:error"]);
  assert.match(err[0]?.detail ?? "", /whirlpool.*ELIBBAD/);
});

test("FIPS on without DRBG or jitterentropy: KERNEL_RNG_FIPS_INCOMPLETE", () => {
  const view = sysroot({
    "proc/crypto":
      "name         : sha256\ndriver       : sha256-generic\nmodule       : kernel\npriority     : 100\nrefcnt       : 1\nselftest     : passed\ninternal     : no\nfips         : yes\ntype         : shash\n\n",
    "proc/sys/kernel/osrelease": "6.1.0\n",
    "proc/sys/crypto/fips_enabled": "1\n",
  });
  const a = analyseKernelCrypto(view);
  const f = kernelCryptoFindings(a);
  assert.deepEqual(ids(f), ["KERNEL_RNG_FIPS_INCOMPLETE:error"]);
  const fields = kernelCryptoSections(a).find(
    (s) => s.kind === "fields" && s.title === "Randomness",
  );
  assert.ok(
    fields?.kind === "fields" && fields.fields.some((x) => x.label === "FIPS" && x.tone === "bad"),
  );
});

test("the throughput table shows both figures, N/A with the reason when AF_ALG is missing", () => {
  const view = sysroot({ "proc/crypto": fixtureText("x86_64-6.18-no-af-alg.txt") });
  const live: KernelCryptoLiveFacts = {
    schema: 1,
    kernelRelease: "6.18.44",
    fipsEnabled: false,
    afAlg: { available: false, socketErrno: "EAFNOSUPPORT" },
    checks: [],
    bench: [
      {
        name: "xts(aes)",
        blockBytes: 4096,
        nodeBytesPerSec: 2.5 * 1024 ** 3,
        afAlgFailure: "AF_ALG: EAFNOSUPPORT",
      },
      {
        name: "sha256",
        blockBytes: 4096,
        nodeBytesPerSec: 300 * 1024 ** 2,
        afAlgBytesPerSec: 150 * 1024 ** 2,
      },
    ],
    errors: [],
  };
  const t = table(
    kernelCryptoSections(analyseKernelCrypto(view, live)),
    /throughput \(4096-byte blocks/,
  );
  assert.deepEqual(t.rows, [
    ["xts(aes)", "N/A (AF_ALG: EAFNOSUPPORT)", "2.5 GiB/s"],
    ["sha256", "150.0 MiB/s", "300.0 MiB/s"],
  ]);
});
