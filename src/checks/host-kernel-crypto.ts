import { finding, type Evidence, type Field, type Finding, type Section } from "../core/index.js";
import type { KernelAlgorithmStatus, KernelCryptoAnalysis } from "../host/index.js";

const list = (xs: readonly string[], max = 8): string =>
  xs.length <= max ? xs.join(", ") : `${xs.slice(0, max).join(", ")} … (${xs.length} in all)`;
const LOOKUP_REF = "linux crypto/api.c (__crypto_alg_lookup, crypto_alg_lookup)";
const AF_ALG_REF = "https://docs.kernel.org/crypto/userspace-if.html";

function driverEvidence(a: KernelAlgorithmStatus): Evidence[] {
  const c = a.choice?.chosen;
  const ev: Evidence[] = [];
  if (c) {
    ev.push({
      label: "kernel picks",
      value: `${c.driver} (type ${c.type ?? "?"}, priority ${c.priority ?? "?"}, module ${c.module ?? "?"}, selftest ${c.selftest ?? "?"}; /proc/crypto line ${c.line})`,
    });
    const others = (a.choice?.candidates ?? []).filter((o) => o.driver !== c.driver);
    if (others.length > 0) {
      ev.push({
        label: "other drivers",
        value: list(
          others.map(
            (o) =>
              `${o.driver} (${o.type ?? "?"}, ${o.priority ?? "?"}${o.excluded ? `: ${o.excluded}` : ""})`,
          ),
          5,
        ),
      });
    }
  }
  if (a.live?.failure) {
    ev.push({
      label: "AF_ALG",
      value: `${a.live.failure.step}(${a.api}, ${a.name}) = ${a.live.failure.errno}`,
    });
  }
  return ev;
}

function unreachable(a: KernelAlgorithmStatus, k: KernelCryptoAnalysis): Finding {
  const c = a.choice?.chosen;
  const vmx = c?.module === "vmx_crypto";
  return finding({
    id: "KERNEL_CRYPTO_UNREACHABLE",
    severity: a.inferred ? "warning" : "error",
    side: "host",
    title: `${a.name} is registered${c ? ` (${c.driver}, ${c.module ?? "?"})` : ""} but the kernel cannot allocate it${a.inferred ? " (inferred from /proc/crypto)" : ""}`,
    detail: `${a.reason}. ${a.inferred ? "No live AF_ALG result backs this: it is inferred from the files. " : ""}Every user of ${a.name} fails, in the kernel as well as through AF_ALG: ${list(a.users)}. With xts(aes) or cbc(aes), cryptsetup says "Check that kernel supports aes-xts-plain64 cipher", \`cryptsetup benchmark\` shows N/A and dm-crypt logs "crypt: Error allocating crypto tfm" (seeds/001). The kernel's lookup takes the highest-priority driver and does not fall back to the next one when that driver's init fails.`,
    evidence: [
      ...driverEvidence(a),
      { label: "kernel", value: `${k.kernelRelease ?? "?"} (${k.releaseSource})` },
    ],
    fix: vmx
      ? "Boot a kernel that has the fix (4.11 or later, or a distribution 4.10 with commit 33a8b3e99dc6 backported). Until then keep vmx_crypto from loading (`echo 'blacklist vmx_crypto' > /etc/modprobe.d/vmx.conf`, then `modprobe -r vmx_crypto` or reboot) so the generic driver answers. Confirm with `cryptsetup benchmark -c aes-xts-plain64`."
      : `Look at dmesg right after \`cryptsetup benchmark\` (or \`kcapi-enc\`) for the driver's init error; unload or blacklist the module that provides ${c?.driver ?? "the driver"} so the next driver answers, and update the kernel.`,
    refs: [...(a.refs ?? []), LOOKUP_REF],
  });
}

/** Findings of the kernel-crypto analysis. */
export function kernelCryptoFindings(k: KernelCryptoAnalysis): Finding[] {
  const out: Finding[] = [];
  for (const a of k.algorithms) {
    if (a.status === "unreachable") out.push(unreachable(a, k));
    if (a.status === "wrong") {
      const c = a.choice?.chosen;
      out.push(
        finding({
          id: "KERNEL_CRYPTO_WRONG_RESULT",
          severity: "critical",
          side: "host",
          title: `The kernel's ${a.name}${c ? ` (${c.driver})` : ""} computes a different result from OpenSSL's`,
          detail: `Through AF_ALG, ${a.name} returned bytes that differ from node:crypto's for the same key, IV and message: ${a.reason}. Data the kernel encrypts with it (dm-crypt volumes, kTLS records, IPsec packets) is unreadable to a correct implementation, and what it decrypts is garbage.`,
          evidence: driverEvidence(a),
          fix: `Stop using the driver now: blacklist its module${c?.module && c.module !== "kernel" ? ` (${c.module})` : ""} so the generic implementation answers, do not write new encrypted data with it, and report it to the driver's maintainers with the evidence. Confirm with \`kcapi-enc\` or \`cryptsetup benchmark\` against another machine.`,
          refs: [AF_ALG_REF],
        }),
      );
    }
  }
  if (k.afAlg.status === "unavailable" || k.afAlg.status === "partial") out.push(afAlgFinding(k));
  if (k.selftestFailures.length > 0) {
    const noAlt = k.selftestFailures.filter((f) => f.alternative === undefined);
    out.push(
      finding({
        id: "KERNEL_CRYPTO_SELFTEST_FAILED",
        severity: noAlt.length > 0 ? "error" : "warning",
        side: "host",
        title: `${k.selftestFailures.length} kernel crypto driver${k.selftestFailures.length === 1 ? "" : "s"} did not pass the self-test`,
        detail: `/proc/crypto shows selftest other than "passed" (the test failed or never finished). The kernel skips such drivers${noAlt.length > 0 ? `; for ${list([...new Set(noAlt.map((f) => f.name))])} no other driver passed, so a lookup fails with ELIBBAD ("Accessing a corrupted shared library")` : "; another driver of the same name answers instead"}.`,
        evidence: k.selftestFailures.slice(0, 20).map((f) => ({
          label: f.driver,
          value: `${f.name}, module ${f.module ?? "?"}, selftest ${f.selftest}${f.alternative ? `; ${f.alternative} answers instead` : "; no alternative"}`,
        })),
        fix: "Read `dmesg | grep -i 'alg:'` for the failing test; update the kernel or the driver's firmware, or blacklist the driver's module so a working driver registers.",
        refs: ["linux crypto/testmgr.c", LOOKUP_REF],
      }),
    );
  }
  const missing = k.algorithms.filter((a) => a.status === "missing");
  if (missing.length > 0) {
    out.push(
      finding({
        id: "KERNEL_CRYPTO_ALGORITHM_MISSING",
        severity: "info",
        side: "host",
        title: `This kernel cannot provide ${list(
          missing.map((a) => a.name),
          4,
        )}`,
        detail: `Nothing registers ${missing.length === 1 ? "it" : "them"} and ${missing.length === 1 ? "it" : "they"} cannot be built. Who would need ${missing.length === 1 ? "it" : "them"}: ${list([...new Set(missing.flatMap((a) => a.users))], 10)}. Normal for a minimal kernel (a VM or container host) that runs none of these.`,
        evidence: missing.map((a) => ({ label: a.name, value: a.reason })),
        fix: "Only if something here needs them: a kernel built with the templates (CONFIG_CRYPTO_GCM, CONFIG_CRYPTO_CCM …) or `modprobe` the module that provides them.",
        refs: [LOOKUP_REF],
      }),
    );
  }
  if (k.randomness.fipsProblems.length > 0) {
    out.push(
      finding({
        id: "KERNEL_RNG_FIPS_INCOMPLETE",
        severity: "error",
        side: "host",
        title: "FIPS mode is on but the kernel's DRBG cannot work as FIPS requires",
        detail: `${k.randomness.fipsProblems.join("; ")}. In-kernel users of stdrng (and userspace through AF_ALG "rng") fail; FIPS-certified userspace that checks the kernel's state may refuse to start.`,
        evidence: [
          { label: "fips", value: k.fips.source },
          { label: "DRBGs", value: list(k.randomness.drbgs) || "none" },
          { label: "jitterentropy_rng", value: k.randomness.jitterentropy?.selftest ?? "absent" },
        ],
        fix: "Boot a kernel built with CONFIG_CRYPTO_DRBG and CONFIG_CRYPTO_JITTERENTROPY (the distribution's FIPS kernel), or load drbg and jitterentropy_rng before anything uses the RNG.",
        refs: ["linux crypto/drbg.c", "NIST SP 800-90A"],
      }),
    );
  }
  return out;
}

function afAlgFinding(k: KernelCryptoAnalysis): Finding {
  const installed = k.afAlgUsers;
  const serious = installed.some((p) => /cryptsetup|iwd|homed/.test(p));
  const all = k.afAlg.status === "unavailable";
  return finding({
    id: "KERNEL_AF_ALG_UNAVAILABLE",
    severity: serious ? "warning" : "info",
    side: "host",
    title: all
      ? `The kernel has no AF_ALG (user-space crypto API)${k.afAlg.socketErrno ? `: socket(AF_ALG) = ${k.afAlg.socketErrno}` : ""}`
      : `AF_ALG lacks the ${k.afAlg.missingInterfaces.join(", ")} interface${k.afAlg.missingInterfaces.length === 1 ? "" : "s"}`,
    detail: `${k.afAlg.detail} What breaks without it: cryptsetup (LUKS keyslots go through the kernel crypto API: "Required kernel crypto interface not available. Ensure you have algif_skcipher kernel module loaded.", and \`cryptsetup benchmark\` prints N/A everywhere), systemd-homed (LUKS home areas through libcryptsetup), iwd (needs AF_ALG hashes and ciphers, refuses to start), libkcapi tools (kcapi-enc, kcapi-dgst), the OpenSSL afalg engine when configured. Kernel-internal users (dm-crypt tables, kTLS, IPsec) do not need it. Common on minimal and VM kernels.${installed.length > 0 ? ` Installed here: ${list(installed)}.` : " None of those is installed here."}`,
    evidence: [
      { label: "AF_ALG", value: `${k.afAlg.status} (${k.afAlg.source})` },
      ...(k.config.source
        ? [
            {
              label: k.config.source,
              value: ["SKCIPHER", "HASH", "AEAD", "RNG"]
                .map(
                  (t) => `CRYPTO_USER_API_${t}=${k.config.values[`CRYPTO_USER_API_${t}`] ?? "?"}`,
                )
                .join(" "),
            },
          ]
        : []),
      ...installed.map((p) => ({ label: "AF_ALG user", value: p })),
    ],
    fix: "Use a kernel built with CONFIG_CRYPTO_USER_API_SKCIPHER, _HASH and _AEAD (=m is enough: `modprobe algif_skcipher algif_hash algif_aead`); in a container, the host's kernel decides. If nothing here uses LUKS, iwd or libkcapi, nothing needs doing.",
    refs: [AF_ALG_REF, "cryptsetup lib/crypto_backend/crypto_cipher_kernel.c"],
  });
}

/** "1.2 GiB/s" / "850.3 MiB/s", as cryptsetup benchmark prints them. */
function formatRate(bytesPerSec: number | undefined): string {
  if (bytesPerSec === undefined) return "N/A";
  const mib = bytesPerSec / (1024 * 1024);
  return mib >= 1024 ? `${(mib / 1024).toFixed(1)} GiB/s` : `${mib.toFixed(1)} MiB/s`;
}

function afAlgCell(a: KernelAlgorithmStatus): string {
  const l = a.live;
  if (l === undefined) return "not tested";
  if (l.kat === "ok") return "bound, KAT ok";
  if (l.kat === "wrong") return "bound, KAT WRONG";
  return `${l.failure?.step ?? "?"}: ${l.failure?.errno ?? "?"}`;
}

/** Report sections: summary, per-algorithm table, throughput, randomness. */
export function kernelCryptoSections(k: KernelCryptoAnalysis): Section[] {
  const pc = k.procCrypto;
  const summary: Field[] = [
    { label: "Kernel", value: `${k.kernelRelease ?? "unknown"} (${k.releaseSource})` },
    {
      label: "FIPS mode",
      value: `${k.fips.enabled === null ? "unknown" : k.fips.enabled ? "on" : "off"} (${k.fips.source})`,
      ...(k.fips.enabled === true ? { tone: "warn" as const } : {}),
    },
    {
      label: "/proc/crypto",
      value: pc
        ? `${pc.entries.length} records${pc.problemCount > 0 ? `, ${pc.problemCount} problem${pc.problemCount === 1 ? "" : "s"} (first: line ${pc.problems[0]?.line ?? "?"}: ${pc.problems[0]?.message ?? ""})` : ""}${pc.truncated ? ", truncated" : ""}`
        : "not read",
      ...(pc && pc.problemCount > 0 ? { tone: "warn" as const } : {}),
    },
    {
      label: "AF_ALG",
      value: `${k.afAlg.status} (${k.afAlg.source}): ${k.afAlg.detail}`,
      tone: k.afAlg.status === "available" ? "good" : k.afAlg.status === "unknown" ? "dim" : "warn",
    },
    { label: "Kernel config", value: k.config.source ?? "not found" },
    {
      label: "Self-test failures",
      value:
        k.selftestFailures.length === 0 ? "none" : list(k.selftestFailures.map((f) => f.driver)),
      tone: k.selftestFailures.length === 0 ? "good" : "bad",
    },
  ];
  if (k.larvals.length > 0)
    summary.push({ label: "Larvals", value: list(k.larvals), tone: "warn" });
  const sections: Section[] = [
    { kind: "fields", title: "Kernel crypto", fields: summary },
    {
      kind: "table",
      title: "Kernel crypto: algorithms",
      columns: ["Algorithm", "Kernel picks", "AF_ALG", "Status"],
      rows: k.algorithms.map((a) => {
        const c = a.choice?.chosen;
        return [
          a.name,
          c
            ? `${c.driver} (${c.type ?? "?"}, ${c.priority ?? "?"})`
            : a.choice === undefined
              ? "-"
              : a.choice.outcome === "not-registered"
                ? "none registered"
                : a.choice.outcome,
          afAlgCell(a),
          `${a.status}${a.inferred && a.status !== "registered" && a.status !== "unknown" ? " (inferred)" : ""}`,
        ];
      }),
    },
  ];
  if (k.bench !== undefined && k.bench.length > 0) {
    sections.push({
      kind: "table",
      title: `Kernel crypto: throughput (${k.bench[0]?.blockBytes ?? "?"}-byte blocks, encryption)`,
      columns: ["Algorithm", "AF_ALG (kernel)", "node:crypto (OpenSSL)"],
      rows: k.bench.map((b) => [
        b.name,
        b.afAlgBytesPerSec !== undefined
          ? formatRate(b.afAlgBytesPerSec)
          : `N/A (${b.afAlgFailure ?? "?"})`,
        formatRate(b.nodeBytesPerSec),
      ]),
    });
  }
  const r = k.randomness;
  sections.push({
    kind: "fields",
    title: "Randomness",
    fields: [
      {
        label: "Kernel RNG",
        value: `entropy_avail ${r.entropyAvail ?? "?"} of poolsize ${r.poolsize ?? "?"}; boot_id ${r.bootId}${r.urandomMinReseedSecs !== undefined ? `; urandom_min_reseed_secs ${r.urandomMinReseedSecs}` : ""}`,
      },
      {
        label: "jitterentropy_rng",
        value: r.jitterentropy
          ? `registered, selftest ${r.jitterentropy.selftest ?? "?"}`
          : "not registered",
      },
      {
        label: "DRBGs",
        value: r.drbgs.length === 0 ? "none" : `${r.drbgs.length} (stdrng → ${r.stdrng ?? "?"})`,
      },
      ...(r.fipsProblems.length > 0
        ? [{ label: "FIPS", value: r.fipsProblems.join("; "), tone: "bad" as const }]
        : []),
    ],
  });
  if (k.skipped.length > 0) {
    sections.push({
      kind: "text",
      title: "Kernel crypto: not checked",
      lines: k.skipped.map((s) => `${s.check}: ${s.reason}`),
    });
  }
  return sections;
}
