import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { HostView } from "../core/index.js";
import { analyseCryptoPolicies, cryptoPolicyName, parsePolicyConfig } from "./crypto-policies.js";

let root: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), "tlsd-cp-"));
});
after(() => rmSync(root, { recursive: true, force: true }));

function put(path: string, text: string, mtime?: number): void {
  const p = join(root, path);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, text);
  if (mtime !== undefined) utimesSync(p, mtime, mtime);
}
function link(path: string, target: string): void {
  const p = join(root, path);
  mkdirSync(dirname(p), { recursive: true });
  try {
    unlinkSync(p);
  } catch {
    // not there yet
  }
  symlinkSync(target, p);
}

/** A RHEL 9-like layout as update-crypto-policies leaves it after `--set DEFAULT`. */
function rhelLayout(policy = "DEFAULT"): void {
  put(
    "etc/crypto-policies/config",
    "# set by update-crypto-policies\n" + policy + "\n",
    1_700_000_000,
  );
  put("etc/crypto-policies/state/current", policy + "\n", 1_700_000_100);
  for (const b of [
    "opensslcnf",
    "openssl",
    "gnutls",
    "nss",
    "java",
    "openssh",
    "opensshserver",
    "libssh",
    "krb5",
  ]) {
    put(`usr/share/crypto-policies/${policy}/${b}.txt`, `# ${b}\n`);
    link(
      `etc/crypto-policies/back-ends/${b}.config`,
      `/usr/share/crypto-policies/${policy}/${b}.txt`,
    );
  }
  mkdirSync(join(root, "etc/crypto-policies/local.d"), { recursive: true });
}

describe("crypto-policies", () => {
  test("parsePolicyConfig: policy, subpolicies, comments and extra lines", () => {
    assert.deepEqual(parsePolicyConfig("# x\n\ndefault:sha1 # why\nno-camellia\n"), {
      policy: "DEFAULT",
      subpolicies: ["SHA1", "NO-CAMELLIA"],
      line: 3,
    });
    assert.equal(parsePolicyConfig("# only comments\n"), undefined);
  });

  test("a host without /etc/crypto-policies", () => {
    const a = analyseCryptoPolicies(new HostView(root));
    assert.deepEqual([a.present, a.configSource, a.backends.length], [false, "none", 0]);
  });

  test("a RHEL-like DEFAULT layout is applied; back-ends point at the policy", () => {
    rhelLayout();
    const a = analyseCryptoPolicies(new HostView(root));
    assert.equal(a.present, true);
    assert.equal(cryptoPolicyName(a), "DEFAULT");
    assert.equal(a.config?.line, 2);
    assert.equal(a.applied, true, a.appliedReason);
    const ossl = a.backends.find((b) => b.name === "opensslcnf");
    assert.deepEqual([ossl?.kind, ossl?.policyDir], ["symlink", "DEFAULT"]);
  });

  test("not applied: config changed after the last run, or a back-end of another policy", () => {
    rhelLayout();
    put("etc/crypto-policies/config", "LEGACY\n", 1_700_000_500);
    const a = analyseCryptoPolicies(new HostView(root));
    assert.equal(a.applied, false);
    assert.match(a.appliedReason ?? "", /state\/current says DEFAULT but config asks for LEGACY/);

    rhelLayout();
    put("etc/crypto-policies/config", "DEFAULT\n", 1_700_000_500);
    const b = analyseCryptoPolicies(new HostView(root));
    assert.equal(b.applied, false);
    assert.match(b.appliedReason ?? "", /config is newer than state\/current/);

    rhelLayout();
    put("usr/share/crypto-policies/LEGACY/gnutls.txt", "# legacy\n");
    link(
      "etc/crypto-policies/back-ends/gnutls.config",
      "/usr/share/crypto-policies/LEGACY/gnutls.txt",
    );
    const c = analyseCryptoPolicies(new HostView(root));
    assert.equal(c.applied, false);
    assert.match(c.appliedReason ?? "", /gnutls\.config points at the LEGACY policy/);
  });

  test("subpolicies make generated back-ends; no config falls back to default-config or FIPS mode", () => {
    rhelLayout();
    put("etc/crypto-policies/config", "DEFAULT:SHA1\n", 1_700_000_000);
    put("etc/crypto-policies/state/current", "DEFAULT:SHA1\n", 1_700_000_100);
    // With a subpolicy update-crypto-policies writes every back-end as a file.
    for (const b of [
      "opensslcnf",
      "openssl",
      "gnutls",
      "nss",
      "java",
      "openssh",
      "opensshserver",
      "libssh",
      "krb5",
    ]) {
      unlinkSync(join(root, `etc/crypto-policies/back-ends/${b}.config`));
      put(`etc/crypto-policies/back-ends/${b}.config`, `# ${b} for DEFAULT:SHA1\n`);
    }
    put("etc/crypto-policies/local.d/opensslcnf-10-site.config", "# site\n");
    let a = analyseCryptoPolicies(new HostView(root));
    assert.equal(a.applied, true, a.appliedReason);
    assert.equal(a.backends.find((b) => b.name === "opensslcnf")?.kind, "file");
    // One stale symlink to the base policy left behind means a back-end lacks the subpolicy.
    link(
      "etc/crypto-policies/back-ends/java.config",
      "/usr/share/crypto-policies/DEFAULT/java.txt",
    );
    a = analyseCryptoPolicies(new HostView(root));
    assert.equal(a.applied, false);
    assert.deepEqual(a.localD, ["/etc/crypto-policies/local.d/opensslcnf-10-site.config"]);

    unlinkSync(join(root, "etc/crypto-policies/config"));
    put("usr/share/crypto-policies/default-config", "DEFAULT\n");
    const b = analyseCryptoPolicies(new HostView(root));
    assert.deepEqual([b.configSource, cryptoPolicyName(b)], ["default-config", "DEFAULT"]);
    const f = analyseCryptoPolicies(new HostView(root), { fipsEnabled: true });
    assert.deepEqual([f.configSource, cryptoPolicyName(f)], ["fips-mode", "FIPS"]);
  });
});
