import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import { gzipSync } from "node:zlib";
import { HostView } from "../core/index.js";
import {
  KAT_ALGORITHMS,
  katReferenceOutput,
  katVector,
  type AfAlgTransport,
  type KatAlgorithm,
} from "./af-alg.js";
import {
  analyseKernelCrypto,
  gatherKernelCryptoLive,
  parseKernelCryptoConfig,
  type KernelCryptoAnalysis,
  type KernelCryptoLiveFacts,
} from "./kernel-crypto.js";

const FIX = new URL("../../src/host/fixtures/proc-crypto/", import.meta.url);
const fixtureText = (name: string): string => readFileSync(new URL(name, FIX), "utf8");
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A sysroot laid out like a collected snapshot: DIR/proc/crypto, DIR/proc/sys/… */
function sysroot(files: Record<string, string | Uint8Array>): HostView {
  const dir = mkdtempSync(join(tmpdir(), "tlsd-kcrypto-"));
  dirs.push(dir);
  for (const [p, body] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), body);
  }
  return new HostView(dir);
}
const power8 = (release: string, extra: Record<string, string | Uint8Array> = {}): HostView =>
  sysroot({
    "proc/crypto": fixtureText("power8-4.10-vmx-crypto.txt"),
    "proc/sys/kernel/osrelease": `${release}\n`,
    ...extra,
  });
const status = (a: KernelCryptoAnalysis, name: string) => a.algorithms.find((x) => x.name === name);

/** Answers like a correct kernel (or, with `corrupt`, a broken driver) without a kernel. */
function fakeTransport(knobs: { corrupt?: string; enoent?: string[] } = {}): AfAlgTransport {
  return {
    bind(_type, name) {
      const alg = KAT_ALGORITHMS.find((a) => a.name === name) as KatAlgorithm;
      if (knobs.enoent?.includes(name))
        return { ok: false, failure: { step: "bind", errno: "ENOENT", errnoNumber: 2 } };
      const v = katVector(alg);
      return {
        ok: true,
        value: {
          setKey: () => ({ ok: true, value: undefined }),
          setAuthSize: () => ({ ok: true, value: undefined }),
          request(req) {
            const out = new Uint8Array(
              req.op === "decrypt" ? v.plaintext : katReferenceOutput(alg, v),
            );
            if (knobs.corrupt === name) out[0] = (out[0] ?? 0) ^ 0xff;
            return { ok: true, value: out };
          },
          close() {},
        },
      };
    },
  };
}

test("POWER8 guest on 4.10 (seeds/001), no live facts: xts(aes) and cbc(aes) unreachable, inferred", () => {
  const a = analyseKernelCrypto(power8("4.10.0-9-generic"));
  assert.equal(a.kernelRelease, "4.10.0-9-generic");
  assert.equal(a.releaseSource, "/proc/sys/kernel/osrelease");
  const xts = status(a, "xts(aes)");
  assert.equal(xts?.status, "unreachable");
  assert.equal(xts?.inferred, true);
  assert.equal(xts?.choice?.chosen?.driver, "p8_aes_xts");
  assert.match(xts?.reason ?? "", /inferred from \/proc\/crypto and kernel 4\.10\.0-9-generic/);
  assert.match(xts?.reason ?? "", /Failed to allocate transformation for 'xts\(aes\)': -2/);
  assert.ok(xts?.refs?.includes("seeds/001"));
  assert.equal(status(a, "cbc(aes)")?.status, "unreachable");
  // ctr stayed a blkcipher template in 4.10, so p8_aes_ctr's fallback was found.
  assert.equal(status(a, "ctr(aes)")?.status, "registered");
  assert.equal(status(a, "sha256")?.status, "registered");
  assert.equal(status(a, "gcm(aes)")?.status, "unknown");
  assert.ok(a.skipped.some((s) => s.check === "af-alg" && /inferred/.test(s.reason)));
  assert.ok(a.skipped.some((s) => s.check === "kernel-config"));
  assert.equal(a.live, false);
});

test("the same /proc/crypto on 4.9 and on 4.11 is fine: the inference is tied to the 4.10 window", () => {
  for (const r of ["4.9.0-15-generic", "4.11.0-041100rc1-generic", "4.4.0-64-generic"]) {
    const a = analyseKernelCrypto(power8(r));
    assert.equal(status(a, "xts(aes)")?.status, "registered", r);
    assert.equal(a.algorithms.filter((x) => x.status === "unreachable").length, 0, r);
  }
});

test("POWER8 4.10 with live facts: bind ENOENT on a registered driver is unreachable, not inferred", () => {
  const live = gatherKernelCryptoLive({
    transport: fakeTransport({ enoent: ["xts(aes)", "cbc(aes)"] }),
  });
  const a = analyseKernelCrypto(power8("4.10.0-9-generic"), {
    ...live,
    kernelRelease: "4.10.0-9-generic",
  });
  const xts = status(a, "xts(aes)");
  assert.equal(xts?.status, "unreachable");
  assert.equal(xts?.inferred, false);
  assert.match(
    xts?.reason ?? "",
    /^bind failed with ENOENT although \/proc\/crypto lists p8_aes_xts \(blkcipher, vmx_crypto\); vmx_crypto/,
  );
  assert.equal(status(a, "ctr(aes)")?.status, "ok");
  assert.equal(a.afAlg.status, "available");
});

test("live: a driver that returns wrong bytes is 'wrong', the rest 'ok'", () => {
  const view = sysroot({ "proc/crypto": fixtureText("x86_64-6.18-no-af-alg.txt") });
  const live = gatherKernelCryptoLive({ transport: fakeTransport({ corrupt: "cbc(aes)" }) });
  const a = analyseKernelCrypto(view, live);
  const cbc = status(a, "cbc(aes)");
  assert.equal(cbc?.status, "wrong");
  assert.match(
    cbc?.reason ?? "",
    /^encrypt: 512 bytes back for 512 expected, first difference at byte 0/,
  );
  assert.equal(cbc?.choice?.chosen?.driver, "cbc(ecb(aes-fixed-time))");
  assert.deepEqual(
    a.algorithms.filter((x) => x.status !== "ok").map((x) => x.name),
    ["cbc(aes)"],
  );
});

test("live on this machine: no AF_ALG is reported as EAFNOSUPPORT (or, with AF_ALG, every KAT passes)", () => {
  const live = gatherKernelCryptoLive();
  assert.deepEqual(JSON.parse(JSON.stringify(live)), live, "live facts are plain JSON");
  assert.equal(live.checks.length, KAT_ALGORITHMS.length);
  const a = analyseKernelCrypto(new HostView("/"), live);
  if (live.afAlg.available === false) {
    assert.equal(live.afAlg.socketErrno, "EAFNOSUPPORT");
    assert.ok(
      live.checks.every(
        (c) => !c.bound && c.failure?.errno === "EAFNOSUPPORT" && c.kat === "not-run",
      ),
    );
    assert.equal(a.afAlg.status, "unavailable");
    assert.match(a.afAlg.detail, /EAFNOSUPPORT/);
    assert.ok(a.algorithms.every((x) => x.status !== "ok" && x.status !== "wrong"));
  } else {
    assert.equal(live.afAlg.available, true, live.afAlg.error);
    assert.ok(
      live.checks.every((c) => c.kat !== "wrong"),
      JSON.stringify(live.checks),
    );
  }
  assert.equal(typeof live.fipsEnabled, "boolean");
  assert.ok(a.procCrypto !== undefined && a.procCrypto.entries.length > 0);
  assert.ok(a.randomness.bootId === "readable");
  assert.ok((a.randomness.poolsize ?? 0) > 0);
});

test("kernel config: from /proc/config.gz, user API symbols decide AF_ALG, templates decide 'missing'", () => {
  const config = [
    "# CONFIG_CRYPTO_USER_API_HASH is not set",
    "# CONFIG_CRYPTO_USER_API_SKCIPHER is not set",
    "# CONFIG_CRYPTO_USER_API_AEAD is not set",
    "CONFIG_CRYPTO_XTS=y",
    "# CONFIG_CRYPTO_GCM is not set",
    "CONFIG_CRYPTO_CCM=m",
    "CONFIG_NET=y",
  ].join("\n");
  assert.deepEqual(parseKernelCryptoConfig(config), {
    CRYPTO_USER_API_HASH: "n",
    CRYPTO_USER_API_SKCIPHER: "n",
    CRYPTO_USER_API_AEAD: "n",
    CRYPTO_XTS: "y",
    CRYPTO_GCM: "n",
    CRYPTO_CCM: "m",
  });
  const view = sysroot({
    "proc/crypto": fixtureText("x86_64-6.18-no-af-alg.txt"),
    "proc/sys/kernel/osrelease": "6.18.44\n",
    "proc/config.gz": gzipSync(config),
  });
  const a = analyseKernelCrypto(view);
  assert.equal(a.config.source, "/proc/config.gz");
  assert.equal(a.afAlg.status, "unavailable");
  assert.equal(a.afAlg.source, "kernel config");
  assert.equal(status(a, "gcm(aes)")?.status, "missing");
  assert.equal(status(a, "rfc4106(gcm(aes))")?.status, "missing");
  assert.equal(status(a, "ccm(aes)")?.status, "unknown");
  assert.equal(status(a, "xts(aes)")?.status, "unknown");
  assert.equal(status(a, "cbc(aes)")?.status, "registered");
});

test("a module offering the algorithm (modules.alias) keeps it from 'missing'", () => {
  const view = sysroot({
    "proc/crypto": fixtureText("x86_64-6.18-no-af-alg.txt"),
    "proc/sys/kernel/osrelease": "6.1.0-9-amd64\n",
    "boot/config-6.1.0-9-amd64": "# CONFIG_CRYPTO_GCM is not set\n",
    "lib/modules/6.1.0-9-amd64/modules.alias": "alias crypto-gcm(aes) aesni_intel\n",
  });
  const a = analyseKernelCrypto(view);
  assert.equal(a.config.source, "/boot/config-6.1.0-9-amd64");
  assert.equal(status(a, "gcm(aes)")?.status, "unknown");
  assert.match(status(a, "gcm(aes)")?.reason ?? "", /modules\.alias/);
});

test("live AF_ALG without the aead interface: every aead bind ENOENT → no-interface, AF_ALG partial", () => {
  const aeads = KAT_ALGORITHMS.filter((x) => x.type === "aead").map((x) => x.name);
  const live = gatherKernelCryptoLive({ transport: fakeTransport({ enoent: aeads }) });
  const view = sysroot({
    "proc/crypto": fixtureText("x86_64-6.18-no-af-alg.txt"),
    "proc/config.gz": gzipSync(
      "# CONFIG_CRYPTO_USER_API_AEAD is not set\nCONFIG_CRYPTO_USER_API_SKCIPHER=m\n",
    ),
  });
  const a = analyseKernelCrypto(view, live);
  assert.equal(a.afAlg.status, "partial");
  assert.deepEqual(a.afAlg.missingInterfaces, ["aead"]);
  assert.ok(aeads.every((n) => status(a, n)?.status === "no-interface"));
});

test("FIPS mode: fips lines parsed, 'fips : no' winners refused, missing DRBG and jitterentropy reported", () => {
  const rec = (name: string, driver: string, fips: string, type: string, more = ""): string =>
    `name         : ${name}\ndriver       : ${driver}\nmodule       : kernel\npriority     : 100\nrefcnt       : 1\nselftest     : passed\ninternal     : no\nfips         : ${fips}\ntype         : ${type}\n${more}\n`;
  const view = sysroot({
    "proc/crypto":
      rec("md5", "md5-generic", "no", "shash", "blocksize    : 64\ndigestsize   : 16\n") +
      rec("sha256", "sha256-generic", "yes", "shash"),
    "proc/sys/kernel/osrelease": "6.1.0\n",
    "proc/sys/crypto/fips_enabled": "1\n",
  });
  const a = analyseKernelCrypto(view);
  assert.deepEqual(a.fips, { enabled: true, source: "/proc/sys/crypto/fips_enabled" });
  assert.equal(status(a, "md5")?.status, "missing");
  assert.match(status(a, "md5")?.reason ?? "", /FIPS mode the kernel answers ENOENT/);
  assert.equal(status(a, "sha256")?.status, "registered");
  assert.equal(a.randomness.fipsProblems.length, 2);
  assert.match(a.randomness.fipsProblems.join("\n"), /no SP800-90A DRBG/);
  assert.match(a.randomness.fipsProblems.join("\n"), /jitterentropy_rng is not registered/);
  // Without the sysctl, the fips lines themselves say FIPS is on.
  const noSysctl = sysroot({ "proc/crypto": rec("sha256", "sha256-generic", "yes", "shash") });
  assert.equal(analyseKernelCrypto(noSysctl).fips.enabled, true);
});

test("self-test failures are listed, with the driver that answers instead if any", () => {
  const text =
    fixtureText("x86_64-6.18-no-af-alg.txt") +
    "name         : sha256\ndriver       : sha256-broken\nmodule       : evil\npriority     : 900\nrefcnt       : 1\nselftest     : unknown\ninternal     : no\ntype         : shash\n\n" +
    "name         : xxh3\ndriver       : xxh3-bad\nmodule       : kernel\npriority     : 100\nrefcnt       : 1\nselftest     : unknown\ninternal     : no\ntype         : shash\n\n";
  const a = analyseKernelCrypto(sysroot({ "proc/crypto": text }));
  assert.deepEqual(
    a.selftestFailures.map((f) => [f.driver, f.alternative ?? null]),
    [
      ["sha256-broken", "sha256-lib"],
      ["xxh3-bad", null],
    ],
  );
  assert.equal(status(a, "sha256")?.choice?.chosen?.driver, "sha256-lib");
});

test("a snapshot without /proc/crypto says so and guesses nothing", () => {
  const a = analyseKernelCrypto(sysroot({ "proc/sys/kernel/osrelease": "5.10.0\n" }));
  assert.ok(a.skipped.some((s) => s.check === "proc-crypto" && /no such file/.test(s.reason)));
  assert.ok(a.algorithms.every((x) => x.status === "unknown"));
  assert.equal(a.fips.enabled, null);
  assert.equal(a.randomness.bootId, "missing");
});

test("bench through gather: AF_ALG and node:crypto figures per algorithm, within budget", () => {
  const algorithms = KAT_ALGORITHMS.filter((x) => ["xts(aes)", "sha256"].includes(x.name));
  const live: KernelCryptoLiveFacts = gatherKernelCryptoLive({
    transport: fakeTransport(),
    algorithms,
    bench: true,
    budgetMs: 5,
  });
  assert.deepEqual(
    live.bench?.map((b) => b.name),
    ["xts(aes)", "sha256"],
  );
  assert.ok(
    live.bench?.every(
      (b) => (b.afAlgBytesPerSec ?? 0) > 0 && (b.nodeBytesPerSec ?? 0) > 0 && b.blockBytes === 4096,
    ),
  );
});

test("no FFI: the live facts say AF_ALG could not be tried, and the analysis falls back to the files", () => {
  const live = gatherKernelCryptoLive({
    transport: new Error("koffi failed to load: no prebuilt binary"),
  });
  assert.deepEqual(live.afAlg, {
    available: null,
    error: "koffi failed to load: no prebuilt binary",
  });
  assert.deepEqual(live.checks, []);
  assert.ok(live.errors.includes("koffi failed to load: no prebuilt binary"));
  const a = analyseKernelCrypto(power8("4.10.0-9-generic"), {
    ...live,
    kernelRelease: "4.10.0-9-generic",
  });
  assert.ok(
    a.skipped.some((s) => s.check === "af-alg" && /could not be tried: koffi/.test(s.reason)),
  );
  assert.equal(status(a, "xts(aes)")?.status, "unreachable");
  assert.equal(status(a, "xts(aes)")?.inferred, true);
});
