import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { makeTempTestPki } from "../test/harness/test-pki.js";
import type { TestPki } from "../test/harness/test-pki.js";
import {
  chooseSystemStore,
  distroFamily,
  findSystemStore,
  parseOsRelease,
} from "./system-store.js";
import { referenceStore } from "./reference-store.js";

let pki: TestPki;
let cleanup: () => void;
let roots: string;
before(async () => {
  ({ pki, cleanup } = await makeTempTestPki());
  roots = mkdtempSync(join(tmpdir(), "tlsdoctor-roots-"));
});
after(() => {
  cleanup();
  rmSync(roots, { recursive: true, force: true });
});

/** A fake host tree: os-release plus files. */
function host(name: string, osRelease: string, files: Record<string, string>): string {
  const root = join(roots, name);
  for (const [p, content] of Object.entries({ "/etc/os-release": osRelease, ...files })) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), content);
  }
  return root;
}

describe("os-release", () => {
  test("parses quoted values and ID_LIKE", () => {
    const os = parseOsRelease(
      'PRETTY_NAME="Rocky Linux 9.3 (Blue Onyx)"\nID="rocky"\nID_LIKE="rhel centos fedora"\n',
    );
    assert.deepEqual(os, {
      id: "rocky",
      idLike: ["rhel", "centos", "fedora"],
      prettyName: "Rocky Linux 9.3 (Blue Onyx)",
    });
    assert.equal(distroFamily(os), "rhel");
    assert.equal(distroFamily(parseOsRelease("ID=ubuntu\nID_LIKE=debian\n")), "debian");
    assert.equal(distroFamily(parseOsRelease('ID="opensuse-leap"\n')), "suse");
    assert.equal(distroFamily(parseOsRelease("ID=alpine\n")), "alpine");
    assert.equal(distroFamily(parseOsRelease("ID=arch\n")), "arch");
    assert.equal(distroFamily(parseOsRelease("")), "unknown");
  });
});

describe("findSystemStore", () => {
  test("Debian: the bundle and /etc/ssl/certs, with a reason", () => {
    const bundle = readFileSync(pki.fullStore, "utf8");
    const root = host("debian", 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n', {
      "/etc/ssl/certs/ca-certificates.crt": bundle,
    });
    const s = findSystemStore({ root, env: {} });
    assert.equal(s.name, "system");
    assert.equal(s.origin, "system");
    assert.deepEqual(s.source, {
      files: ["/etc/ssl/certs/ca-certificates.crt"],
      dirs: ["/etc/ssl/certs"],
    });
    assert.equal(
      s.reason,
      "Debian family (Debian GNU/Linux 12 (bookworm)): /etc/ssl/certs/ca-certificates.crt; Debian family (Debian GNU/Linux 12 (bookworm)): /etc/ssl/certs",
    );
    assert.equal(s.anchors.length, 2);
    assert.deepEqual(s.problems, []);
  });

  test("RHEL: the second candidate when the first is missing; absolute symlinks stay inside the root", () => {
    const root = host("rhel", "ID=fedora\n", {
      "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem": readFileSync(pki.root.cert, "utf8"),
    });
    mkdirSync(join(root, "etc/pki/tls/certs"), { recursive: true });
    const c = chooseSystemStore({ root, env: {} });
    assert.deepEqual(c.files, ["/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem"]);
    assert.equal(c.family, "rhel");
    // ca-bundle.crt -> absolute link into the extracted tree, as on Fedora
    symlinkSync(
      "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
      join(root, "etc/pki/tls/certs/ca-bundle.crt"),
    );
    const s = findSystemStore({ root, env: {} });
    assert.deepEqual(s.source.files, ["/etc/pki/tls/certs/ca-bundle.crt"]);
    assert.deepEqual(
      s.anchors.map((a) => a.info.subjectCN),
      ["tlsdoctor Test Root CA"],
    );
  });

  test("SUSE and the OpenSSL default fallback", () => {
    const suse = host("suse", "ID=sles\n", {
      "/var/lib/ca-certificates/ca-bundle.pem": readFileSync(pki.root.cert, "utf8"),
    });
    assert.deepEqual(chooseSystemStore({ root: suse, env: {} }).files, [
      "/var/lib/ca-certificates/ca-bundle.pem",
    ]);
    const other = host("other", "ID=gentoo\n", {
      "/usr/local/ssl/cert.pem": readFileSync(pki.root.cert, "utf8"),
    });
    const c = chooseSystemStore({ root: other, env: {} });
    assert.deepEqual(c.files, ["/usr/local/ssl/cert.pem"]);
    assert.equal(c.reason, "OpenSSL default paths: /usr/local/ssl/cert.pem");
  });

  test("SSL_CERT_FILE and SSL_CERT_DIR win", () => {
    const root = host("env", "ID=debian\n", {
      "/etc/ssl/certs/ca-certificates.crt": readFileSync(pki.root.cert, "utf8"),
    });
    const c = chooseSystemStore({
      root,
      env: { SSL_CERT_FILE: "/opt/ca.pem", SSL_CERT_DIR: "/opt/a:/opt/b" },
    });
    assert.deepEqual(c.files, ["/opt/ca.pem"]);
    assert.deepEqual(c.dirs, ["/opt/a", "/opt/b"]);
    assert.equal(c.reason, "SSL_CERT_FILE=/opt/ca.pem is set; SSL_CERT_DIR=/opt/a:/opt/b is set");
  });

  test("nothing found: an empty store that says so", () => {
    const root = host("bare", "ID=debian\n", {});
    const s = findSystemStore({ root, env: {} });
    assert.equal(s.anchors.length, 0);
    assert.match(
      s.problems.at(-1) ?? "",
      /^Cannot find a system trust store: no trust store found/,
    );
  });
});

describe("referenceStore", () => {
  test("Node's Mozilla roots, named after the Node version, all parse", () => {
    const s = referenceStore();
    assert.equal(s.name, `mozilla (node ${process.versions.node})`);
    assert.equal(s.origin, "reference");
    assert.ok(s.anchors.length > 100, String(s.anchors.length));
    assert.deepEqual(s.problems, []);
    assert.ok(s.anchors.every((a) => a.info.isCA && a.info.selfIssued));
    assert.equal(referenceStore(), s);
  });
});
