/**
 * Chain findings: turn a StoresVerdict (pki/compare) into findings that
 * name the side at fault and a concrete fix. No finding when all is well.
 *
 * Trust (which store anchors the chain) comes from `trust`; certificate
 * problems (dates, names, keys, signatures, order) from `primary`, the
 * verdict of the first store that anchors the chain (else the system one).
 */
import { finding } from "../core/index.js";
import type { Evidence, Finding, Side } from "../core/index.js";
import type { CertificateInfo, ChainProblem, ChainVerdict, StoresVerdict } from "../pki/index.js";

const RFC5280 = "https://www.rfc-editor.org/rfc/rfc5280#section-6";
const RFC8446_CERT = "https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2";
const RFC6125 = "https://www.rfc-editor.org/rfc/rfc6125#section-6.4";

/** Milliseconds: a not-yet-valid certificate starting within this is most likely clock skew here. */
export const CLOCK_SKEW_WINDOW_MS = 48 * 3600 * 1000;

function certEvidence(c: CertificateInfo, prefix = ""): Evidence[] {
  return [
    { label: `${prefix}subject`, value: c.subject },
    { label: `${prefix}issuer`, value: c.issuer },
    { label: `${prefix}sha256`, value: c.sha256 },
    { label: `${prefix}valid`, value: `${c.notBefore} .. ${c.notAfter}` },
  ];
}

function storeEvidence(v: StoresVerdict): Evidence[] {
  return v.stores.map((s) => ({ label: `store ${s.name}`, value: s.verdict.summary }));
}

function cn(c: CertificateInfo): string {
  return c.subjectCN ?? c.subject;
}

function trustFindings(v: StoresVerdict): Finding[] {
  const t = v.trust;
  const leaf = v.sent[0];
  const leafEv = leaf === undefined ? [] : certEvidence(leaf, "leaf ");
  switch (t.kind) {
    case "anchored":
      return [];
    case "stale-store": {
      const r = t.missingRoot;
      const older = t.storeHasSameSubject
        ? " It holds an older certificate with the same subject but a different key."
        : "";
      return [
        finding({
          id: "TRUST_STORE_STALE",
          severity: "error",
          side: "client",
          title: `Trust store ${t.store} lacks the root "${cn(r)}" that ${t.reference} has`,
          detail:
            `The chain is valid up to the root "${cn(r)}" (SHA-256 ${r.sha256}), which ${t.reference} trusts but ${t.store} does not contain.${older} ` +
            'Programs on this host that use this store reject the peer (OpenSSL: "unable to get local issuer certificate"; a server verifying a client certificate answers with alert 42 bad_certificate or 48 unknown_ca). The peer is fine; this host\'s CA list is out of date.',
          evidence: [
            { label: "missing root", value: r.subject },
            { label: "missing root sha256", value: r.sha256 },
            { label: "missing root valid", value: `${r.notBefore} .. ${r.notAfter}` },
            ...leafEv,
            ...storeEvidence(v),
          ],
          fix:
            `Update the CA bundle (Debian/Ubuntu: apt-get install --only-upgrade ca-certificates && update-ca-certificates; RHEL/Fedora: dnf upgrade ca-certificates && update-ca-trust; Alpine: apk upgrade ca-certificates). ` +
            `If no newer package exists (an old release), add the root "${cn(r)}" (SHA-256 ${r.sha256}) by hand: put it in /usr/local/share/ca-certificates/NAME.crt and run update-ca-certificates (RHEL: /etc/pki/ca-trust/source/anchors/ + update-ca-trust), or upgrade the distribution.`,
          refs: [RFC5280],
        }),
      ];
    }
    case "missing-intermediate":
      return [
        finding({
          id: "CHAIN_INCOMPLETE",
          severity: "error",
          side: "server",
          title: `Server sent no intermediate: the issuer "${t.issuerCN ?? t.issuer}" is missing`,
          detail:
            `The server sent only its leaf certificate. Its issuer "${t.issuer}" is an intermediate CA that no store holds, so clients cannot build a path to a root. ` +
            "Browsers often hide this by fetching the intermediate (AIA) or caching it; OpenSSL, GnuTLS, Java, Go, curl and mail servers do not.",
          evidence: [
            ...leafEv,
            { label: "missing issuer", value: t.issuer },
            ...t.caIssuers.map((u) => ({ label: "AIA caIssuers", value: u })),
            ...storeEvidence(v),
          ],
          fix:
            `Serve the full chain: leaf first, then the intermediate "${t.issuerCN ?? t.issuer}"${t.caIssuers[0] ? ` (download it from ${t.caIssuers[0]}; if it is DER, convert with openssl x509 -inform DER -in int.crt -out int.pem)` : ""}. ` +
            "nginx: ssl_certificate fullchain.pem; Apache ≥ 2.4.8: SSLCertificateFile with the chain appended; Postfix: smtpd_tls_chain_files = key.pem, fullchain.pem; Exim: tls_certificate = fullchain.pem; haproxy: crt with the chain in the PEM.",
          refs: [RFC8446_CERT],
        }),
      ];
    case "private-ca":
    case "anchored-elsewhere": {
      const only = t.kind === "anchored-elsewhere";
      const issuer = only ? (v.primary.anchor?.subject ?? "") : t.issuer;
      const root = t.kind === "private-ca" ? t.root : null;
      return [
        finding({
          id: "CERT_PRIVATE_CA",
          severity: only ? "warning" : "error",
          side: "client",
          title: only
            ? `Chain trusted only by ${t.stores.join(", ")}`
            : `Issued by a CA no store knows: "${t.issuerCN ?? t.issuer}"`,
          detail: only
            ? `Only the store(s) you named (${t.stores.join(", ")}) trust this chain; ${v.system.store} and ${v.reference.store} do not. Clients that use the system store will reject it.`
            : `The chain leads to "${issuer}", which is in neither ${v.system.store} nor ${v.reference.store}${root ? " (the server sent this self-signed root itself)" : ""}. That is a private or internal CA, or the server is serving the wrong certificate.`,
          evidence: [
            ...leafEv,
            { label: "unknown CA", value: issuer },
            ...(root ? certEvidence(root, "sent root ") : []),
            ...storeEvidence(v),
          ],
          fix: only
            ? "Install that CA's root on the clients (/usr/local/share/ca-certificates + update-ca-certificates), or have the server use a certificate from a public CA."
            : "If this is your CA: pass its root with --ca FILE (or compare with --store NAME=FILE) and install it on every client (/usr/local/share/ca-certificates/NAME.crt + update-ca-certificates). If the server should present a public certificate, install one from a public CA.",
          refs: [RFC5280],
        }),
      ];
    }
    case "self-signed":
      return [
        finding({
          id: "CERT_SELF_SIGNED",
          severity: "error",
          side: "server",
          title: `Server presents a self-signed certificate "${cn(t.cert)}"`,
          detail:
            "The leaf certificate is its own issuer and no store trusts it, so no client can verify the server unless it pins this exact certificate.",
          evidence: [...certEvidence(t.cert), ...storeEvidence(v)],
          fix: `Install a certificate from a CA the clients trust (for a public name: Let's Encrypt via certbot or acme.sh). To trust this one deliberately, pass it with --ca FILE and distribute it to the clients (SHA-256 ${t.cert.sha256}).`,
          refs: [RFC5280],
        }),
      ];
    case "bad-signature":
      return [
        finding({
          id: "CERT_BAD_SIGNATURE",
          severity: "error",
          side: "server",
          title: `Signature on "${t.subject}" does not verify`,
          detail: `A certificate named "${t.issuer}" exists, but its key does not verify the signature of "${t.subject}": the chain mixes certificates of a re-keyed CA, or a certificate was altered.`,
          evidence: [
            ...leafEv,
            { label: "subject", value: t.subject },
            { label: "issuer", value: t.issuer },
            ...storeEvidence(v),
          ],
          fix: "Serve the intermediate that actually issued the leaf (the CA's current bundle for this certificate), and check the CA's key id: openssl x509 -noout -ext authorityKeyIdentifier -in leaf.pem.",
          refs: [RFC5280],
        }),
      ];
  }
}

function sideOfPathCert(v: ChainVerdict, index: number): Side {
  return v.path[index]?.source === "store" ? "client" : "server";
}

function problemFinding(v: StoresVerdict, p: ChainProblem): Finding | undefined {
  const pv = v.primary;
  const at = Date.parse(pv.at);
  const cert = "index" in p ? pv.path[p.index]?.info : undefined;
  const ev = (cert ? certEvidence(cert) : []).concat([{ label: "checked at", value: pv.at }]);
  switch (p.kind) {
    case "expired": {
      const side = sideOfPathCert(pv, p.index);
      return finding({
        id: "CERT_EXPIRED",
        severity: "error",
        side,
        title: `Certificate "${cert ? cn(cert) : p.subject}" expired on ${p.notAfter}`,
        detail: `Certificate #${p.index} of the path (${p.subject}) is valid until ${p.notAfter}, before the time checked (${pv.at}).${side === "client" ? " It is a root in the store, which needs updating." : ""}`,
        evidence: ev,
        fix:
          side === "client"
            ? "Update the CA bundle on this host (ca-certificates), which replaces expired roots."
            : "Renew the certificate and reload the server (certbot renew; then reload nginx/postfix/...); check the renewal timer or cron job.",
        refs: [RFC5280],
      });
    }
    case "not-yet-valid": {
      const skew = Date.parse(p.notBefore) - at < CLOCK_SKEW_WINDOW_MS;
      return finding({
        id: "CERT_NOT_YET_VALID",
        severity: "error",
        side: skew ? "client" : "unknown",
        title: `Certificate "${cert ? cn(cert) : p.subject}" is not valid before ${p.notBefore}`,
        detail: `Certificate #${p.index} starts at ${p.notBefore}, after the time checked (${pv.at}). ${skew ? "It starts within two days: most likely this host's clock is behind (clock skew)." : "Either this host's clock is far behind (clock skew, a dead RTC battery) or the server installed a certificate dated in the future."}`,
        evidence: ev,
        fix: "Check the clock here and on the server: date -u; timedatectl status; enable NTP (timedatectl set-ntp true, chrony). If the clocks are right, install a certificate whose validity has started.",
        refs: [RFC5280],
      });
    }
    case "hostname-mismatch":
      return finding({
        id: "CERT_HOSTNAME_MISMATCH",
        severity: "error",
        side: "server",
        title: `Certificate is not valid for "${p.host}"`,
        detail: `The leaf covers ${p.names.length > 0 ? p.names.join(", ") : "no names"}, not "${p.host}". Wildcards cover one label only (*.example.com matches a.example.com, not example.com or a.b.example.com).`,
        evidence: [
          ...(pv.path[0] ? certEvidence(pv.path[0].info, "leaf ") : []),
          { label: "requested name", value: p.host },
          { label: "names in certificate", value: p.names.join(", ") },
        ],
        fix: `Issue a certificate that includes "${p.host}" as a subjectAltName, or connect with a name it covers; check that SNI selects the right certificate (openssl s_client -servername ${p.host}).`,
        refs: [RFC6125],
      });
    case "weak-key":
      return finding({
        id: "CERT_WEAK_KEY",
        severity: "error",
        side: sideOfPathCert(pv, p.index),
        title: `Certificate "${cert ? cn(cert) : p.subject}" has a ${p.bits}-bit ${p.keyType} key`,
        detail: `${p.keyType} keys under ${p.minimum} bits are rejected at OpenSSL security level 2 (the default of Debian, Ubuntu and RHEL): "EE certificate key too weak" / "CA certificate key too weak".`,
        evidence: ev,
        fix: `Issue a new certificate with an RSA key of at least 2048 bits or an EC P-256 key: openssl req -new -newkey rsa:3072 ... or -newkey ec -pkeyopt ec_paramgen_curve:P-256.`,
        refs: ["https://docs.openssl.org/3.0/man3/SSL_CTX_set_security_level/"],
      });
    case "sha1-signature":
      return finding({
        id: "CERT_SHA1_SIGNATURE",
        severity: "error",
        side: sideOfPathCert(pv, p.index),
        title: `Certificate "${cert ? cn(cert) : p.subject}" is signed with ${p.signatureAlgorithm}`,
        detail:
          'SHA-1 (and MD5) signatures are rejected by browsers and by OpenSSL at security level 2 ("CA signature digest algorithm too weak").',
        evidence: ev,
        fix: "Reissue the certificate with a SHA-256 signature (every current CA does); for an own CA: openssl ca -md sha256 / openssl x509 -req -sha256.",
        refs: ["https://docs.openssl.org/3.0/man3/SSL_CTX_set_security_level/"],
      });
    case "extra-certs":
    case "wrong-order":
      return undefined;
    case "unparseable":
      return finding({
        id: "CERT_MALFORMED",
        severity: "error",
        side: "server",
        title: `Certificate #${p.sentIndex} sent by the server does not parse`,
        detail: p.message,
        evidence: [{ label: "sent index", value: String(p.sentIndex) }],
        fix: "Check the certificate files the server is configured with: openssl x509 -noout -text -in FILE for each.",
        refs: [RFC8446_CERT],
      });
    case "self-signed-leaf":
    case "unknown-issuer":
    case "missing-intermediate":
    case "untrusted-root":
    case "bad-signature":
      return undefined; // trust problems: reported from `trust`
  }
}

function orderFinding(v: StoresVerdict): Finding | undefined {
  const probs = v.primary.problems.filter(
    (p) => p.kind === "extra-certs" || p.kind === "wrong-order",
  );
  if (probs.length === 0) return undefined;
  const ev: Evidence[] = v.sent.map((c, i) => ({ label: `sent #${i}`, value: c.subject }));
  const parts = probs.map((p) =>
    p.kind === "wrong-order"
      ? `the path uses the sent certificates in the order ${p.sentOrder.join(", ")}, not as sent`
      : `certificate(s) ${p.sentIndexes.join(", ")} are not part of the path`,
  );
  return finding({
    id: "CHAIN_ORDER",
    severity: "info",
    side: "server",
    title: "Chain not sent as a clean leaf-to-root sequence",
    detail: `${parts.join("; ")}. TLS 1.3 (RFC 8446 §4.4.2) tolerates this, but TLS 1.2 requires each certificate to certify the one before it, and some clients (older Java, embedded stacks) fail.`,
    evidence: ev,
    fix: "Configure the chain file as: leaf, then its issuer, then that issuer's issuer; drop certificates that are not on the path.",
    refs: [RFC8446_CERT],
  });
}

/** Findings for a verified chain; empty when every check passed. */
export function chainFindings(v: StoresVerdict): Finding[] {
  const out: Finding[] = [...trustFindings(v)];
  const seen = new Set<string>();
  for (const p of v.primary.problems) {
    const f = problemFinding(v, p);
    if (f === undefined) continue;
    const key = `${f.id}:${f.title}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f);
  }
  const order = orderFinding(v);
  if (order) out.push(order);
  return out;
}
