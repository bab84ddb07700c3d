// The oracle parsers of peers.ts on output captured from the tools Debian 12
// ships (sslscan 2.0.7, testssl.sh 3.0.8) against `openssl s_server -www`
// (OpenSSL 3.0), trimmed to a few lines of each kind.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseSslscanXml, parseTestsslJson } from "./peers.js";

// sslscan --xml=- --no-colour 127.0.0.1:PORT, s_server -cipher 'ALL:@SECLEVEL=0'.
const SSLSCAN_XML = `<?xml version="1.0" encoding="UTF-8"?>
<document title="SSLScan Results" version="2.0.7" web="http://github.com/rbsec/sslscan">
 <ssltest host="127.0.0.1" sniname="127.0.0.1" port="44302">
  <protocol type="ssl" version="2" enabled="0" />
  <protocol type="ssl" version="3" enabled="0" />
  <protocol type="tls" version="1.0" enabled="1" />
  <protocol type="tls" version="1.1" enabled="1" />
  <protocol type="tls" version="1.2" enabled="1" />
  <protocol type="tls" version="1.3" enabled="1" />
  <renegotiation supported="1" secure="1" />
  <heartbleed sslversion="TLSv1.3" vulnerable="0" />
  <heartbleed sslversion="TLSv1.0" vulnerable="0" />
  <cipher status="preferred" sslversion="TLSv1.3" bits="128" cipher="TLS_AES_128_GCM_SHA256" id="0x1301" strength="acceptable" curve="25519" ecdhebits="253" />
  <cipher status="accepted" sslversion="TLSv1.3" bits="256" cipher="TLS_AES_256_GCM_SHA384" id="0x1302" strength="acceptable" curve="25519" ecdhebits="253" />
  <cipher status="preferred" sslversion="TLSv1.2" bits="256" cipher="ECDHE-RSA-AES256-GCM-SHA384" id="0xC030" strength="strong" curve="25519" ecdhebits="253" />
  <cipher status="accepted" sslversion="TLSv1.2" bits="256" cipher="DHE-RSA-AES256-GCM-SHA384" id="0x009F" strength="strong" dhebits="2048" />
  <cipher status="accepted" sslversion="TLSv1.2" bits="256" cipher="ADH-AES256-GCM-SHA384" id="0x00A7" strength="anonymous" dhebits="3072" />
  <cipher status="preferred" sslversion="TLSv1.0" bits="256" cipher="ECDHE-RSA-AES256-SHA" id="0xC014" strength="acceptable" curve="25519" ecdhebits="253" />
  <group sslversion="TLSv1.3" bits="128" name="secp256r1 (NIST P-256)" id="0x0017" />
  <group sslversion="TLSv1.3" bits="128" name="x25519" id="0x001d" />
  <group sslversion="TLSv1.2" bits="112" name="ffdhe2048" id="0x0100" />
 <certificates>
  <certificate type="short">
   <signature-algorithm>sha256WithRSAEncryption</signature-algorithm>
   <pk error="false" type="RSA" bits="2048" />
   <subject><![CDATA[localhost]]></subject>
   <altnames><![CDATA[DNS:localhost, IP Address:127.0.0.1, DNS:*.test.invalid]]></altnames>
   <issuer><![CDATA[tlsdoctor Test Intermediate CA]]></issuer>
   <self-signed>false</self-signed>
   <expired>false</expired>
  </certificate>
 </certificates>
 </ssltest>
</document>
`;

// testssl --quiet --warnings off --color 0 -p -E --jsonfile F --ip 127.0.0.1 127.0.0.1:PORT
const TESTSSL_JSON = `[
  {"id": "engine_problem", "ip": "/", "port": "443", "severity": "WARN", "finding": "No engine or GOST support via engine with your /usr/bin/openssl"},
  {"id": "service", "ip": "127.0.0.1/127.0.0.1", "port": "44302", "severity": "INFO", "finding": "HTTP"},
  {"id": "SSLv2", "ip": "127.0.0.1/127.0.0.1", "port": "44302", "severity": "OK", "finding": "not offered"},
  {"id": "SSLv3", "ip": "127.0.0.1/127.0.0.1", "port": "44302", "severity": "OK", "finding": "not offered"},
  {"id": "TLS1", "ip": "127.0.0.1/127.0.0.1", "port": "44302", "severity": "LOW", "finding": "offered (deprecated)"},
  {"id": "TLS1_3", "ip": "127.0.0.1/127.0.0.1", "port": "44302", "severity": "OK", "finding": "offered with final"},
  {"id": "cipher-tls1_xc014", "ip": "127.0.0.1/127.0.0.1", "port": "44302", "severity": "INFO", "finding": "TLS 1   xc014   ECDHE-RSA-AES256-SHA              ECDH 521   AES         256      TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"},
  {"id": "cipher-tls1_2_xc030", "ip": "127.0.0.1/127.0.0.1", "port": "44302", "severity": "INFO", "finding": "TLS 1.2   xc030   ECDHE-RSA-AES256-GCM-SHA384       ECDH 253   AESGCM      256      TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"},
  {"id": "cipher-tls1_2_x9f", "ip": "127.0.0.1/127.0.0.1", "port": "44302", "severity": "INFO", "finding": "TLS 1.2   x9f     DHE-RSA-AES256-GCM-SHA384         DH 2048    AESGCM      256      TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"},
  {"id": "cipher-tls1_3_x1302", "ip": "127.0.0.1/127.0.0.1", "port": "44302", "severity": "INFO", "finding": "TLS 1.3   x1302   TLS_AES_256_GCM_SHA384            ECDH 253   AESGCM      256      TLS_AES_256_GCM_SHA384"},
  {"id": "scanTime", "ip": "127.0.0.1/127.0.0.1", "port": "44302", "severity": "INFO", "finding": "24"}
]`;

describe("parseSslscanXml (sslscan 2.0.7)", () => {
  const r = parseSslscanXml(SSLSCAN_XML, 12);

  it("reads every protocol line, enabled or not, under tlsdoctor's names", () => {
    assert.deepEqual(r.protocols, {
      SSLv2: false,
      SSLv3: false,
      TLSv1: true,
      "TLSv1.1": true,
      "TLSv1.2": true,
      "TLSv1.3": true,
    });
  });

  it("lists accepted and preferred ciphers with their code from id=, in sslscan's order", () => {
    assert.deepEqual(
      r.accepted.map((s) => [s.protocol, s.code, s.name]),
      [
        ["TLSv1.3", 0x1301, "TLS_AES_128_GCM_SHA256"],
        ["TLSv1.3", 0x1302, "TLS_AES_256_GCM_SHA384"],
        ["TLSv1.2", 0xc030, "ECDHE-RSA-AES256-GCM-SHA384"],
        ["TLSv1.2", 0x009f, "DHE-RSA-AES256-GCM-SHA384"],
        ["TLSv1.2", 0x00a7, "ADH-AES256-GCM-SHA384"],
        ["TLSv1", 0xc014, "ECDHE-RSA-AES256-SHA"],
      ],
    );
  });

  it("reads key-exchange groups per protocol and keeps the timing and raw text", () => {
    assert.deepEqual(r.groups, [
      { protocol: "TLSv1.3", code: 0x17 },
      { protocol: "TLSv1.3", code: 0x1d },
      { protocol: "TLSv1.2", code: 0x100 },
    ]);
    assert.equal(r.ms, 12);
    assert.equal(r.raw, SSLSCAN_XML);
  });

  it("ignores what is not a protocol, cipher or group line", () => {
    const none = parseSslscanXml('<?xml version="1.0"?><document><ssltest></ssltest></document>');
    assert.deepEqual(none.protocols, {});
    assert.deepEqual(none.accepted, []);
    assert.deepEqual(none.groups, []);
    const odd = parseSslscanXml(
      '<cipher status="accepted" sslversion="DTLSv1.2" bits="1" cipher="X" id="0x0001" />' +
        '<cipher status="accepted" sslversion="TLSv1.2" bits="1" cipher="NOID" />',
    );
    assert.deepEqual(odd.accepted, []);
  });
});

describe("parseTestsslJson (testssl.sh 3.0.8)", () => {
  const r = parseTestsslJson(TESTSSL_JSON, 34);

  it("takes the cipher-<proto>_x<hex> entries, with the IANA name (last column)", () => {
    assert.deepEqual(
      r.accepted.map((s) => [s.protocol, s.code, s.name]),
      [
        ["TLSv1", 0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"],
        ["TLSv1.2", 0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"],
        ["TLSv1.2", 0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"],
        ["TLSv1.3", 0x1302, "TLS_AES_256_GCM_SHA384"],
      ],
    );
  });

  it("marks a protocol only when a cipher of it was accepted (the -p lines are not read)", () => {
    assert.deepEqual(r.protocols, { TLSv1: true, "TLSv1.2": true, "TLSv1.3": true });
    assert.deepEqual(r.groups, []);
    assert.equal(r.ms, 34);
  });

  it("reads an empty run as nothing accepted and rejects what is not JSON", () => {
    assert.deepEqual(parseTestsslJson("[]").accepted, []);
    assert.throws(() => parseTestsslJson("Fatal error: no JSON"), SyntaxError);
  });
});
