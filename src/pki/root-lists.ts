/**
 * What the trust-store audit works from: where each distribution keeps
 * locally added anchors, and two maintained lists keyed by SHA-256 (colon
 * hex, as CertificateInfo.sha256): the roots most public sites chain to, and
 * roots Mozilla no longer trusts for TLS.
 */
import type { DistroFamily } from "./system-store.js";

/** Where each family keeps locally added anchors (update-ca-certificates(8), update-ca-trust(8), trust(1)). */
export const LOCAL_ANCHOR_DIRS: Readonly<Record<DistroFamily, readonly string[]>> = {
  debian: ["/usr/local/share/ca-certificates"],
  alpine: ["/usr/local/share/ca-certificates"],
  rhel: ["/etc/pki/ca-trust/source/anchors", "/usr/share/pki/ca-trust-source/anchors"],
  suse: ["/etc/pki/trust/anchors", "/usr/share/pki/trust/anchors"],
  arch: ["/etc/ca-certificates/trust-source/anchors"],
  unknown: [],
};
/** Where Debian and Alpine keep the Mozilla roots the package ships. */
export const DISTRO_MOZILLA_DIR = "/usr/share/ca-certificates/mozilla";

/**
 * Roots behind the CAs that issue most certificates in Certificate
 * Transparency logs (Let's Encrypt, Google Trust Services, DigiCert, Sectigo,
 * Amazon, GoDaddy/Starfield, GlobalSign, Microsoft). Missing one of these
 * breaks a large share of public sites. SHA-256 of the reference's copy.
 */
export const WIDELY_USED_ROOTS: ReadonlyMap<string, string> = table(`
96bcec06264976f37460779acf28c5a7cfe8a3c0aae11a8ffcee05c0bddf08c6 ISRG Root X1
69729b8e15a86efc177a57afb7171dfc64add28c2fca8cf1507e34453ccb1470 ISRG Root X2
cb3ccbb76031e5e0138f8dd39a23f9de47ffc35e43c1144cea27d46a5ab1cb5f DigiCert Global Root G2
31ad6648f8104138c738f39ea4320133393e3a18cc02296ef97c2ac9ef6731d0 DigiCert Global Root G3
e793c9b02fd8aa13e21c31228accb08119643b749c898964b1746d46c3d4cbd2 USERTrust RSA Certification Authority
4ff460d54b9c86dabfbcfc5712e0400d2bed3fbc4d4fbdaa86e06adcd2a9ad7a USERTrust ECC Certification Authority
7bb647a62aeeac88bf257aa522d01ffea395e0ab45c73f93f65654ec38f25a06 Sectigo Public Server Authentication Root R46
c90f26f0fb1b4018b22227519b5ca2b53e2ca5b3be5cf18efe1bef47380c5383 Sectigo Public Server Authentication Root E46
d947432abde7b7fa90fc2e6b59101b1280e0e1c7e4e40fa3c6887fff57a7f4cf GTS Root R1
34d8a73ee208d9bcdb0d956520934b4e40e69482596e8b6f73c8426b010a6f48 GTS Root R3
349dfa4058c5e263123b398ae795573c4e1313c83fe68f93556cd5e8031b3c7d GTS Root R4
8ecde6884f3d87b1125ba31ac3fcb13d7016de7f57cc904fe1cb97c6ae98196e Amazon Root CA 1
1ba5b2aa8c65401a82960118f80bec4f62304d83cec4713a19c39c011ea46db4 Amazon Root CA 2
18ce6cfe7bf14e60b2e347b8dfe868cb31d02ebb3ada271569f50343b46db3a4 Amazon Root CA 3
e35d28419ed02025cfa69038cd623962458da5c695fbdea3c22b0bfb25897092 Amazon Root CA 4
45140b3247eb9cc8c5b4f0d7b53091f73292089e6e5a63e2749dd3aca9198eda Go Daddy Root Certificate Authority - G2
2ce1cb0bf9d2f9e102993fbe215152c3b2dd0cabde1c68e5319b839154dbb7f5 Starfield Root Certificate Authority - G2
568d6905a2c88708a4b3025190edcfedb1974a606a13c6e5290fcb2ae63edab5 Starfield Services Root Certificate Authority - G2
cbb522d7b7f127ad6a0113865bdf1cd4102e7d0759af635a7cf4720dc963c53b GlobalSign Root CA - R3
4fa3126d8d3a11d1c4855a4f807cbad6cf919d3a5a88b03bea2c6372d93c40c9 GlobalSign Root R46
cbb9c44d84b8043e1050ea31a69f514955d7bfd2e2c6b49301019ad61d9f5058 GlobalSign Root E46
c741f70f4b2a8d88bf2e71c14122ef53ef10eba0cfa5e64cfa20f418853073e0 Microsoft RSA Root Certificate Authority 2017
358df39d764af9e1b766e9c972df352ee15cfac227af6ad1d70e8e4a6edcba02 Microsoft ECC Root Certificate Authority 2017
`);

/**
 * Formerly Mozilla roots (SHA-256, then "[distrusted: WHO, YEAR]" or "-", then
 * the name). How the list was made: every self-signed certificate of the
 * Mozilla-derived bundles at hand (certifi 2018.08.24 … 2024.08.30, httplib2's
 * cacerts.txt, Debian ca-certificates 20250419's /usr/share/ca-certificates/mozilla)
 * that is in neither Node 20.20's tls.rootCertificates nor certifi 2026.05.20,
 * matched by subject and key so re-issued copies of current roots drop out.
 * Roots that expired before 2026 are left out (the expiry check names them)
 * except the three that broke real chains: DST Root CA X3 (Let's Encrypt's old
 * cross-sign, 2021), AddTrust External CA Root (Sectigo, 2020), Baltimore
 * CyberTrust Root (2025). "distrusted" marks removals after an incident
 * (Mozilla's CA incident and distrust announcements); the rest retired for age,
 * key size or at the CA's request.
 */
export const REMOVED_ROOTS: ReadonlyMap<string, string> = table(`
d7a7a0fb5d7e2731d771e9484ebcdef71d5f0c3e0a2948782bc83ee0ea699ef4 - AAA Certificate Services
687fa451382278fff0c8b11f8d43d576671c6eb2bceab413fb83d965d06d2ff2 - AddTrust External CA Root
77407312c63a153d5bc00b4e51759cdfdac237dc2a33b67946e98e9bfa680ae3 - America Online Root Certification Authority 1
7d3b465a6014e526c0affcee2127d2311727ad811c26842d006af37306cc80bd - America Online Root Certification Authority 2
16af57a9f676b0ab126095aa5ebadef22ab31119d644ac95cd4b93dbf3f26aeb - Baltimore CyberTrust Root
2a99f5bc1174b73cbb1d620884e01c34e51ccb3978da125f0e33268883bf4158 Certinomis,2019 Certinomis - Root CA
152a402bfcdf2cd548054d2275b39c7fca3ec0978078b0f0ea76e561a6c7433e - Certplus Root CA G1
6cc05041e6445e74696c4cfbc9f80f543b7eabbb44b4ce6f787c6a9971c42f17 - Certplus Root CA G2
063e4afac491dfd332f3089b8542e94617d893d7fe944e10a7937ee29d9693c0 Camerfirma,2021 Chambers of Commerce Root - 2008
11437cda7bb45e41365f45b39a38986b0de00def348e0c7bb0873633800bc38b - CommScope Public Trust ECC Root-01
2ffb7f813bbbb3c89ab4e8162d0f16d71509a830cc9d73c262e5140875d1ad4a - CommScope Public Trust ECC Root-02
02bdf96e2a45dd9bf18fc7e1dbdf21a0379ba3c9c2610344cfd8d606fec1ed81 - CommScope Public Trust RSA Root-01
ffe943d793424b4f7c440c1c3d648d5363f34b82dc87aa7a9f118fc5dee101f1 - CommScope Public Trust RSA Root-02
0687260331a72403d909f105e69bcf0d32e1bd2493ffc6d9206d11bcd6770739 - DST Root CA X3
b0bfd52bb0d7d9bd92bf5d4dc13da255c02c542f378365ea893911f55e55f23c E-Tugra,2023 E-Tugra Certification Authority
873f4685fa7f563625252e6d36bcd7f16fc24951f264e47e1b954f4908cdca13 E-Tugra,2023 E-Tugra Global Root CA ECC v3
ef66b0b10a3cdb9f2e3648c76bd2af18ead2bfe6f117655e28c4060da1a3f4c2 E-Tugra,2023 E-Tugra Global Root CA RSA v3
88497f01602f3154246ae28c4d5aef10f1d87ebb76626f4ae0b7f95ba7968799 - EC-ACC
3e84ba4342908516e77573c0992f0979ca084e4685681ff195ccba8a229b8a76 - EE Certification Centre Root CA
db3517d1f6732a2d5ab97c533ec70779ee3270a62fb4ac4238372460e6f01e88 - Entrust Root Certification Authority - G4
6dc47172e01cbcb0bf62580d895fe2b8ac9ad4f873801e0c10b9c837d21eb177 - Entrust.net Certification Authority (2048)
ff856a2d251dcd88d36656f450126798cfabaade40799c722de4d2b5db36a73a Symantec,2018 GeoTrust Global CA
ca2d82a08677072f8ab6764ff035676cfe3e5e325e012172df3f92096db79b85 Symantec,2018 GeoTrust Global CA 2
37d51006c512eaab626421f1ec8c92013fc5f82ae98ee533eb4619b8deb4d06c Symantec,2018 GeoTrust Primary Certification Authority
5edb7ac43b82a06a8761e8d7be4979ebf2611f7dd79bf91c1c6b566a219ed766 Symantec,2018 GeoTrust Primary Certification Authority - G2
b478b812250df878635c2aa7ec7d155eaa625ee82916e2cd294361886cd1fbd4 Symantec,2018 GeoTrust Primary Certification Authority - G3
a0459b9f63b22559f5fa5d4c6db3f9f72ff19342033578f073bf1d1b46cbb912 Symantec,2018 GeoTrust Universal CA
a0234f3bc8527ca5628eec81ad5d69895da5680dc91d1cb8477f33f878b95b0b Symantec,2018 GeoTrust Universal CA 2
136335439334a7698016a0d324de72284e079d7b5220bb8fbd747816eebebaca Camerfirma,2021 Global Chambersign Root - 2008
ebd41040e4bb3ec742c9e381d31ef2a41a48b6685c96e7cef3c1df6cd4331c99 - GlobalSign Root CA
c3846bf24b9e93ca64274c0ec67c1ecc5e024ffcacd2d74019350e81fe546ae4 - Go Daddy Class 2 Certification Authority
7600295eefe85b9e1fd624db76062aaaae59818a54d2774cd4c0b2c01131e1b3 - Government Root Certification Authority
bc104f15a48be709dca542a7e1d4b9df6f054527e802eaa92d595444258afe71 - Hellenic Academic and Research Institutions RootCA 2011
54455f7129c20b1447c418f997168f24c58fc5023bf5da5be2eb6e1dd8902ed5 - LuxTrust Global Root 2
15f0ba00a3ac7af3ac884c072b1011a077bd77c097f40164b2f8598abd83860c - Network Solutions Certificate Authority
41c923866ab4cad6b7ad578081582e020797a6cbdf4fff78ce8396b38937d7f5 - OISTE WISeKey Global Root GA CA
56c77128d98c18d91b4cfdffbc25ee9103d4758ea2abad826a90f3457d460eb4 - OpenTrust Root CA G1
27995829fe6a7515c1bfe848f9c4761db16c225929257bf40d0894f29ea8baf2 - OpenTrust Root CA G2
b7c36231706e81078c367cb896198f1e3208dd926949dd8f5709a410f75b6292 - OpenTrust Root CA G3
bd81ce3b4f6591d11a67b5fc7a47fdef25521bf9aa4e18b9e3df2e34a7803be8 - Secure Certificate Services
bf0feefb9e3a581ad5f9e9db7589985743d261085c4d314f6f5d7259aa421612 - SecureSign RootCA11
24a55c2ab051442d0617766541239a4ad032d7c55175aa34ffde2fbc4f5c5294 - Security Communication RootCA3
3c4fb0b95ab8b30032f432b86f535fe172c185d0fd39865837cf36187fa6f428 - Staat der Nederlanden Root CA - G3
1465fa205397b876faa6f0a9958e5590e40fcc7faa4fb7c2c8677521fb5fb658 - Starfield Class 2 Certification Authority
c766a9bef2d4071c863a31aa4920e813b2d198608cb7b7cfe21143b836df09ea WoSign/StartCom,2016 StartCom Certification Authority
e17890ee09a3fbf4f48b9c414a17d637b7a50647e9bc752322727fcc1742a911 WoSign/StartCom,2016 StartCom Certification Authority
c7ba6567de93a798ae1faa791e712d378fae1f93c4397fea441bb7cbe6fd5995 WoSign/StartCom,2016 StartCom Certification Authority G2
be6c4da2bbb9ba59b6f3939768374246c3c005993fa98f020d1dedbed48a81d5 - SwissSign Silver CA - G2
309b4a87f6ca56c93169aaa99c6d988854d7892bd5437e2d07b29cbeda55d35d - TC TrustCenter Universal CA III
8d722f81a9c113c0791df136a2966db26c950a971db46b4199f4ea54b78bfb9f Symantec,2018 thawte Primary Root CA
a4310d50af18a6447190372a86afaf8b951ffb431d837f1e5688b45971ed1557 Symantec,2018 thawte Primary Root CA - G2
4b03f45807ad70f21bfc2cae71c9fde4604c064cf5ffb686bae5dbaad7fdd34c Symantec,2018 thawte Primary Root CA - G3
5a885db19c01d912c5759388938cafbbdf031ab2d48e91ee15589b42971d039c TrustCor,2022 TrustCor ECA-1
d40e9c86cd8fe468c1776959f49ea774fa548684b6c406f3909261f4dce2575c TrustCor,2022 TrustCor RootCert CA-1
0753e940378c1bd5e3836e395daea5cb839e5046f1bd0eae1951cf10fec7c965 TrustCor,2022 TrustCor RootCert CA-2
3f06e55681d496f5be169eb5389f9f2b8ff61e1708df6881724849cd5d27cb69 - Trusted Certificate Services
83ce3c1229688a593d485f81973c0f9195431eda37cc5e36430e79c7a888638b - VeriSign Class 3 Public Primary Certification Authority - G2
eb04cf5eb1f39afa762f2bb120f296cba520c1b97db1589565b81cb9a17b7244 Symantec,2018 VeriSign Class 3 Public Primary Certification Authority - G3
69ddd7ea90bb57c93e135dc85ea6fcd5480b603239bdc454fc758b2a26cf7f79 Symantec,2018 VeriSign Class 3 Public Primary Certification Authority - G4
9acfab7e43c8d880d06b262a94deeee4b4659989c3d0caf19baf6405e41ab7df Symantec,2018 VeriSign Class 3 Public Primary Certification Authority - G5
e389360d0fdbaeb3d250584b4730314e222f39c156a020144e8d960561791506 Symantec,2018 VeriSign Class 4 Public Primary Certification Authority - G3
2399561127a57125de8cefea610ddf2fa078b5c8067f4e828290bfb860e84b3c Symantec,2018 VeriSign Universal Root Certification Authority
cecddc905099d8dadfc5b1d209b737cbe2c18cfb2c10c0ff0bcf0d3286fc1aa2 - XRamp Global Certification Authority
`);

/** "HEX rest of line" lines to a map from colon hex (as CertificateInfo.sha256) to the rest. */
function table(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.trim().split("\n")) {
    const sp = line.indexOf(" ");
    const hex = line.slice(0, sp).toUpperCase().match(/../g) ?? [];
    out.set(hex.join(":"), line.slice(sp + 1));
  }
  return out;
}
