import { test } from "node:test";
import assert from "node:assert/strict";
import { parseTarget } from "./target.js";
import { TlsDoctorError } from "../core/index.js";

test("bare host defaults to direct TLS on 443", () => {
  const t = parseTarget("example.org");
  assert.deepEqual(
    [t.host, t.port, t.starttls, t.serverName],
    ["example.org", 443, undefined, "example.org"],
  );
});

test("schemes pick STARTTLS and the default port", () => {
  assert.deepEqual(
    [parseTarget("smtp://mx.example.org").starttls, parseTarget("smtp://mx").port],
    ["smtp", 25],
  );
  assert.equal(parseTarget("submission://mx").port, 587);
  assert.equal(parseTarget("imaps://mail:1993").port, 1993);
  assert.equal(parseTarget("imaps://mail").starttls, undefined);
  assert.equal(parseTarget("postgres://db/app?sslmode=require").starttls, "postgres");
  assert.equal(parseTarget("mysql://user:pw@db").host, "db");
  assert.equal(parseTarget("xmpp-server://chat").port, 5269);
});

test("--starttls on a bare host takes that protocol's port", () => {
  const t = parseTarget("mail.example.org", { starttls: "imap" });
  assert.deepEqual([t.starttls, t.port], ["imap", 143]);
  assert.equal(parseTarget("mail:2525", { starttls: "smtp" }).port, 2525);
});

test("IPv6 literals, with and without brackets", () => {
  const a = parseTarget("[::1]:8443");
  assert.deepEqual(
    [a.host, a.port, a.serverName, a.display],
    ["::1", 8443, undefined, "[::1]:8443"],
  );
  assert.equal(parseTarget("::1").port, 443);
  assert.equal(parseTarget("smtp://[2001:db8::1]").host, "2001:db8::1");
});

test("bad targets are typed errors that name the problem", () => {
  for (const [input, re] of [
    ["", /empty/],
    ["gopher://x", /unknown scheme/],
    ["host:99999", /outside 1-65535/],
    ["host:abc", /not a number/],
    ["[::1", /missing \]/],
    ["2001:db8::1:443x", /need brackets|not a number|valid host/],
    ["bad_host!", /not a valid host name/],
  ] as const) {
    assert.throws(
      () => parseTarget(input),
      (e: unknown) =>
        e instanceof TlsDoctorError && e.code === "TLSD_BAD_TARGET" && re.test(e.message),
      input,
    );
  }
  assert.throws(() => parseTarget("x", { starttls: "gopher" }), /known protocols/);
});
