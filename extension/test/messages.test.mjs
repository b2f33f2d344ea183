// The typed messages between the popup, the worker and the overlay (lib/messages.js),
// and the backend address the options accept (lib/settings.js's checkBackendUrl).
// Run with `node --test extension/test/` (`make test-extension`).
import assert from "node:assert/strict";
import { test } from "node:test";

import * as m from "../lib/messages.js";
import { DEFAULTS, checkBackendUrl } from "../lib/settings.js";

test("each message is built with its type and recognised by it alone", () => {
  const claim = m.traceClaim("https://x.example/a", "a claim", 4);
  assert.deepEqual(claim, { type: m.MSG.TRACE_CLAIM, url: "https://x.example/a", claim: "a claim", tabId: 4 });
  assert.ok(m.isMessage(claim, m.MSG.TRACE_CLAIM));
  assert.ok(!m.isMessage(claim, m.MSG.TRACE_RESULT));
  assert.ok(!m.isMessage(null, m.MSG.TRACE_CLAIM) && !m.isMessage("x", m.MSG.TRACE_CLAIM));
  assert.deepEqual(m.traceResult(true, { id: 1 }), { type: m.MSG.TRACE_RESULT, ok: true, trace: { id: 1 } });
  assert.deepEqual(m.traceResult(false, { kind: "timeout" }),
                   { type: m.MSG.TRACE_RESULT, ok: false, error: { kind: "timeout" } });
  assert.deepEqual(m.overlayShow("u", 2, []), { type: m.MSG.OVERLAY_SHOW, url: "u", tabId: 2, marks: [] });
  const types = Object.values(m.MSG);
  assert.equal(new Set(types).size, types.length, "no two message types alike");
  assert.throws(() => { m.MSG.TRACE_CLAIM = "other"; }, TypeError);
});

test("only a backend on this computer is accepted, as its origin", () => {
  assert.equal(DEFAULTS.backendUrl, "http://127.0.0.1:8765");
  assert.deepEqual(checkBackendUrl(" http://localhost:9000/api/ "), { ok: true, value: "http://localhost:9000" });
  assert.deepEqual(checkBackendUrl("http://127.0.0.1:8765"), { ok: true, value: "http://127.0.0.1:8765" });
  for (const bad of ["http://example.org:8765", "https://127.0.0.1:8765", "not a url"]) {
    assert.equal(checkBackendUrl(bad).ok, false, bad);
  }
  assert.match(checkBackendUrl("http://example.org:8765").message, /on this computer/);
});
