import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { finding, makeReport, exitStatusFor } from "../core/index.js";
import { colorEnabled } from "./color.js";
import { renderJson } from "./json.js";
import { renderText } from "./text.js";

const report = makeReport({
  version: "9.9.9",
  command: "probe",
  target: "smtp://mx.test.invalid",
  startedAt: new Date("2026-01-01T00:00:00Z"),
  verdict: { ok: false, summary: "Failed at TLS handshake", side: "server" },
  findings: [
    finding({
      id: "TLS_LEGACY_VERSION",
      severity: "warning",
      side: "server",
      title: "old",
      detail: "d1",
      evidence: { protocol: "TLSv1" },
      fix: "f1",
    }),
    finding({
      id: "TLS_ALERT_RECEIVED",
      severity: "error",
      side: "server",
      title: "alert 80",
      detail: "d2",
      evidence: [{ label: "alert", value: "80 internal_error" }],
      fix: "read the log",
    }),
  ],
  sections: [
    {
      kind: "fields",
      title: "TLS",
      fields: [{ label: "protocol", value: "TLSv1.3", tone: "good" }],
    },
    {
      kind: "transcript",
      title: "Transcript",
      lines: [
        { dir: "send", tls: false, text: "EHLO x", atMs: 1 },
        { dir: "recv", tls: true, text: "250 ok", atMs: 2 },
      ],
    },
    { kind: "table", title: "Outcomes", columns: ["outcome", "count"], rows: [["ok", "3"]] },
  ],
  data: { bytes: Uint8Array.of(1, 2, 3) },
});

describe("report renderers", () => {
  it("text: sections, findings most severe first, fix, verdict; swaks-style transcript prefixes", () => {
    const t = renderText(report, { color: false });
    assert.ok(t.includes("TLS\n  protocol  TLSv1.3\n"), t);
    assert.match(t, /^ -> EHLO x$/m);
    assert.ok(t.includes("\n<~  250 ok\n"), t);
    assert.ok(
      t.indexOf("TLS_ALERT_RECEIVED") < t.indexOf("TLS_LEGACY_VERSION"),
      "errors before warnings",
    );
    assert.match(t, /fix: read the log/);
    assert.match(t, /✘ Failed at TLS handshake \(look at: server\)\n$/);
    assert.equal(t.includes("\u001b["), false);
    assert.equal(renderText(report, { color: true }).includes("\u001b["), true);
    assert.doesNotMatch(renderText(report, { color: false, quiet: true }), /Transcript/);
  });

  it("JSON: byte arrays as base64, the schema version, stable order of findings", () => {
    const j = JSON.parse(renderJson(report)) as {
      schemaVersion: number;
      data: { bytes: string };
      findings: { id: string }[];
    };
    assert.equal(j.schemaVersion, 1);
    assert.equal(j.data.bytes, "AQID");
    assert.deepEqual(
      j.findings.map((f) => f.id),
      ["TLS_ALERT_RECEIVED", "TLS_LEGACY_VERSION"],
    );
  });

  it("exit status follows --fail-on", () => {
    assert.equal(exitStatusFor(report, "error"), 1);
    assert.equal(exitStatusFor(report, "critical"), 0);
    assert.equal(exitStatusFor(report, "warning"), 1);
  });

  it("colour: only on a terminal, never with NO_COLOR, forced by FORCE_COLOR", () => {
    assert.equal(colorEnabled({ isTTY: true, env: {} }), true);
    assert.equal(colorEnabled({ isTTY: false, env: {} }), false);
    assert.equal(colorEnabled({ isTTY: true, env: { NO_COLOR: "1" } }), false);
    assert.equal(
      colorEnabled({ isTTY: true, env: { NO_COLOR: "" } }),
      true,
      "an empty NO_COLOR does not count (no-color.org)",
    );
    assert.equal(colorEnabled({ isTTY: false, env: { FORCE_COLOR: "1" } }), true);
    assert.equal(colorEnabled({ isTTY: true, env: { TERM: "dumb" } }), false);
  });

  it("finding ids must be SCREAMING_SNAKE", () => {
    assert.throws(
      () => finding({ id: "notSnake", severity: "info", title: "", detail: "", fix: "" }),
      /SCREAMING_SNAKE/,
    );
  });
});
