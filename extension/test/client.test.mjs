// The backend client's pure parts (lib/client.js): error kinds, Server-Sent Events,
// progress events as the bar shows them, the commands that start the backend.
// Run with `node --test extension/test/` (`make test-extension`).
import assert from "node:assert/strict";
import { test } from "node:test";

import { Client, parseEvent, progressFromEvent, serveCommand, startCommand } from "../lib/client.js";

test("the client tells 'not running' apart from errors and wrong tokens", async () => {
  const answer = (status, body, type = "application/json") => async () =>
    new Response(typeof body === "string" ? body : JSON.stringify(body), { status, headers: { "Content-Type": type } });
  const cases = {
    refused: async () => { throw new TypeError("Failed to fetch"); },
    slow: (url, init) => new Promise((_, reject) =>
      init.signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")))),
    token: answer(401, { error: { code: "unauthorized", message: "Wrong or missing API token." } }),
    failed: answer(422, { error: { code: "fetch_failed", message: "The page answered 503." } }),
    other: answer(200, "<html>a different server</html>", "text/html"),
    missing: answer(404, { error: { code: "not_found", message: "never traced" } }),
  };
  const kinds = {};
  for (const [name, fetch] of Object.entries(cases)) {
    const client = new Client({ baseUrl: "http://127.0.0.1:9", token: "t", timeoutMs: 200, fetch });
    try {
      kinds[name] = name === "missing" ? { value: await client.provenance("https://x.example/") }
                                       : { value: await client.health() };
    } catch (e) {
      kinds[name] = { kind: e.kind, message: e.message, command: e.command ?? null, code: e.code ?? null };
    }
  }
  assert.equal(kinds.refused.kind, "unreachable");
  assert.equal(kinds.refused.command, "make run PORT=9");
  assert.equal(kinds.slow.kind, "timeout");
  assert.equal(kinds.token.kind, "unauthorized");
  assert.ok(kinds.token.message.includes("headwater token"), kinds.token.message);
  assert.deepEqual(kinds.failed, { kind: "backend", message: "The page answered 503.", command: null,
                                   code: "fetch_failed" });
  assert.equal(kinds.other.kind, "protocol");
  assert.deepEqual(kinds.missing, { value: null });
});

test("server-sent events are parsed", () => {
  assert.deepEqual([
    parseEvent('event: progress\ndata: {"stage":"fetch","done":1,"total":4}'),
    parseEvent(": a comment"),
    parseEvent('event: done\ndata: {"id": 7}'),
  ], [{ event: "progress", data: { stage: "fetch", done: 1, total: 4 } }, null, { event: "done", data: { id: 7 } }]);
});

test("the backend's progress events become what the bar shows", () => {
  const wsj = "http://127.0.0.1:8000/wsj/articles/iran-letter";
  const out = [
    progressFromEvent("start", { url: "http://127.0.0.1:8000/blog", limits: { depth: 3, pages: 25, seconds: 60 } }),
    progressFromEvent("fetching", { url: wsj, depth: 1, done: 1, total: 2, budget: 25 }),
    progressFromEvent("page", { url: wsj, status: "traced", title: "Iran letter",
                                archived: { url: "x", date: "2014-11-04" }, done: 2, total: 2 }),
    progressFromEvent("page", { url: wsj, status: "failed", error: { message: "404" }, done: 2, total: 3 }),
    progressFromEvent("hop", { from: "a", to: wsj, verdict: "quoted" }),
    progressFromEvent("searching", { outlet: "Reuters" }),
    progressFromEvent("found", { outlet: "Reuters", url: wsj, confidence: 0.5 }),
    progressFromEvent("done", { pages: 3, chains: 4 }),
    progressFromEvent("progress", { stage: "fetch", done: 1, total: 4, message: "Fetching the page" }),
    progressFromEvent("something-new", {}),
  ];
  assert.ok(out.every((p) => p === null || p.from === "backend"));
  assert.equal(out[0].message, "Read this page; following the sources it cites (up to 25 pages, 3 steps upstream)…");
  assert.deepEqual(out[1], { stage: "fetching", done: 1, total: 2, from: "backend",
    message: "Reading 127.0.0.1:8000/wsj/articles/iran-letter, cited by this page (1 of 2 pages read)" });
  assert.equal(out[2].message, "Read \u201cIran letter\u201d, from the Wayback Machine (2014-11-04) (2 of 2 pages read)");
  assert.ok(out[3].message.startsWith("Could not read 127.0.0.1:8000/wsj/articles/iran-letter: 404"), out[3].message);
  assert.ok(out[4].message.endsWith("the passage is quoted word for word"), out[4].message);
  assert.equal(out[4].total, null);
  assert.equal(out[5].message, "Looking for the article of Reuters in a news index\u2026");
  assert.ok(out[6].message.includes("50% sure"), out[6].message);
  assert.deepEqual([out[7].message, out[7].done, out[7].total], ["Followed 3 pages: 4 chains", 3, 3]);
  assert.deepEqual(out[8], { stage: "fetch", done: 1, total: 4, message: "Fetching the page", from: "backend" });
  assert.equal(out[9], null);
});

test("on the default address the popup shows the plain commands", () => {
  assert.deepEqual([startCommand("http://127.0.0.1:8765"), serveCommand("http://127.0.0.1:8765")],
                   ["make run", "headwater serve"]);
  assert.deepEqual([startCommand("http://127.0.0.1:9000"), serveCommand("http://127.0.0.1:9000")],
                   ["make run PORT=9000", "headwater serve --port 9000"]);
});
