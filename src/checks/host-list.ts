/**
 * The host checks, in report order: what `tlsdoctor host`, `collect` and the
 * default command run. Each wires a host/ analysis (live facts, files) to its
 * findings and report sections.
 */
import type { HostView } from "../core/index.js";
import {
  analyseTlsConfig,
  gatherTlsConfigLive,
  TLS_CONFIG_FACTS_KEY,
  analyseDaemons,
  analyseKernelCrypto,
  gatherKernelCryptoLive,
  KERNEL_CRYPTO_FACTS_KEY,
  gatherKernelLive,
  KERNEL_LIVE_FACTS_KEY,
  DAEMONS_FACTS_KEY,
  gatherDaemonsLive,
  type DaemonAnalysis,
  type DaemonsLiveFacts,
} from "../host/index.js";
import { daemonFindings, daemonSections } from "./host-daemons.js";
import { analyseHostKernel, hostKernelFindings, hostKernelSkipped } from "./host-kernel.js";
import { hostKernelSections } from "./host-kernel-sections.js";
import { kernelCryptoFindings, kernelCryptoSections } from "./host-kernel-crypto.js";
import { hostCheck, type HostCheck } from "./host.js";
import { trustFindings, trustSections } from "./host-trust.js";
import { tlsConfigFindings, tlsConfigSections } from "./host-tls-config.js";
import { auditTrustStore } from "../pki/index.js";

export interface HostCheckOptions {
  /** kernel-crypto: measure AF_ALG throughput (slower). */
  readonly bench?: boolean;
}

export function hostChecks(options: HostCheckOptions = {}): HostCheck[] {
  return [
    hostCheck({
      id: KERNEL_LIVE_FACTS_KEY,
      title: "kernel, libc, entropy, limits",
      gather: () => gatherKernelLive(),
      analyse: (view, live) => analyseHostKernel(view, live),
      findings: hostKernelFindings,
      sections: hostKernelSections,
      skipped: hostKernelSkipped,
    }),
    hostCheck({
      id: KERNEL_CRYPTO_FACTS_KEY,
      title: "kernel crypto",
      gather: () => gatherKernelCryptoLive({ bench: options.bench === true }),
      analyse: (view, live) => analyseKernelCrypto(view, live),
      findings: kernelCryptoFindings,
      sections: kernelCryptoSections,
      skipped: (a) => a.skipped,
    }),
    hostCheck({
      id: "trustStore",
      title: "trust store",
      analyse: (view) => auditTrustStore(view),
      findings: trustFindings,
      sections: trustSections,
      skipped: (a) => a.skipped,
    }),
    hostCheck({
      id: TLS_CONFIG_FACTS_KEY,
      title: "TLS library configuration",
      gather: () => gatherTlsConfigLive(),
      analyse: (view, live) => analyseTlsConfig(view, live),
      findings: tlsConfigFindings,
      sections: tlsConfigSections,
      skipped: (a) => a.skipped,
    }),
    hostCheck<DaemonsLiveFacts, DaemonAnalysis>({
      id: DAEMONS_FACTS_KEY,
      title: "TLS daemons",
      gather: () => gatherDaemonsLive(),
      analyse: (view: HostView, live) =>
        analyseDaemons(view, live, view.onAccess ? { onAccess: view.onAccess } : {}),
      findings: daemonFindings,
      sections: daemonSections,
      skipped: (a) => a.skipped,
    }),
  ];
}
