// The trace helpers the popup and the overlay use (lib/evidence.js): kinds and badges,
// evidence sentences, sources grouped by kind, chains across followed documents.
// Run with `node --test extension/test/` (`make test-extension`).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import * as e from "../lib/evidence.js";

// tests/browser/fake_backend.py's seed_trace("http://127.0.0.1/seed"), as JSON
// (tests/browser/test_package.py checks that the two agree).
const SEED_TRACE = JSON.parse(readFileSync(new URL("./seed-trace.json", import.meta.url), "utf-8"));

test("kinds, badges and flags", () => {
  assert.deepEqual({
    reuters: e.displayKind("outlet", "Reuters"),
    ap: e.displayKind("outlet", "The Associated Press"),
    wsj: e.displayKind("outlet", "The Wall Street Journal"),
    archived: e.badgesFor({ kind: "outlet", name: "WSJ", url: "https://web.archive.org/web/2014/https://wsj.com/x" }),
    unlinkedOutlet: e.isUnlinked({ kind: "outlet", url: null }),
    unlinkedPerson: e.isUnlinked({ kind: "person", url: null }),
    linked: e.isUnlinked({ kind: "document", url: "https://x.example/report.pdf" }),
  }, { reuters: "wire", ap: "wire", wsj: "outlet", archived: ["outlet", "archived"],
       unlinkedOutlet: true, unlinkedPerson: false, linked: false });
});

test("the evidence is the whole sentence around the cue", () => {
  const text = "On Sunday evening the Wall St. Journal reported that an official confirmed it. " +
    "Ali Khoram, an adviser to Mr. Zarif, was the first. " +
    "Mr. Khoram told the Arabic daily, Asharq al-Aswat, that the U.S. campaign could gain. Next.";
  const sentences = ["reported", "was the first", "told"].map((w) => {
    const i = text.indexOf(w);
    return e.sentenceAround(text, i, i + w.length).text;
  });
  assert.deepEqual(sentences, [
    "On Sunday evening the Wall St. Journal reported that an official confirmed it.",
    "Ali Khoram, an adviser to Mr. Zarif, was the first.",
    "Mr. Khoram told the Arabic daily, Asharq al-Aswat, that the U.S. campaign could gain.",
  ]);
});

test("sources are grouped by kind with counts", () => {
  const groups = Object.fromEntries(e.groupSources(SEED_TRACE).map((g) =>
    [g.kind, [g.count, g.sources.map((s) => s.name).sort()]]));
  assert.deepEqual(groups, { outlet: [2, ["Asharq al-Awsat", "The Wall Street Journal"]],
                             person: [2, ["Ali Khoram", "Mitt Romney"]] });
  const tips = e.overlayMarks(SEED_TRACE).map((m) => m.tip);
  assert.ok(tips.includes("Source: Ali Khoram (adviser to Javad Zarif), via Asharq al-Awsat"), tips);
});

test("a followed trace gives the chains across documents", () => {
  const follow = {
    state: "done",
    documents: [
      { idx: 0, url: "http://x/blog", status: "traced", attributions: null },
      { idx: 1, url: "http://x/interview", status: "traced", outlet: "Asharq al-Awsat",
        attributions: [{ source: { name: "Ali Khoram", kind: "person",
                                   mention: { start: 120, end: 129, text: "Mr. Khoram" } },
                         cue: { start: 130, end: 134, text: "said" },
                         content: { start: 10, end: 40, text: "\u201cThe letter had a positive impact\u201d" } }] },
    ],
    hops: [{ idx: 0, from: 0, to: 1, status: "followed", certain: false, confidence: 0.62,
             flags: [], query: "letter (domain:aawsat.com)" }],
    chains: [[{ name: "Blog", kind: "page", document: 0, evidence: null, match: null },
              { name: "Asharq al-Awsat", kind: "outlet", document: 1, url: "http://x/interview",
                archived: { url: "http://x/web/1/interview", date: "2014-11-04" },
                evidence: { document: 0, attribution: null }, match: { verdict: "quoted" } },
              { name: "Ali Khoram", kind: "person", document: null, url: null, match: null,
                evidence: { document: 1, attribution: 0, cue: "said", content: "..." } }]],
    primary_sources: [{ name: "Ali Khoram", kind: "person", reason: "a person speaking first-hand" }],
  };
  const trace = { text: "", attributions: [], chains: [[{ name: "Blog", kind: "page" }]],
                  primary_sources: [], follow };
  const running = { ...trace, follow: { ...trace.follow, state: "running" } };
  const [, asharq, khoram] = e.chainsOf(trace)[0];

  assert.deepEqual(e.chainsOf(trace)[0].map((n) => n.name), ["Blog", "Asharq al-Awsat", "Ali Khoram"]);
  assert.equal(e.chainsOf(running).length, 1, "while following runs, the page's own chains");
  assert.equal(e.primaryEntry(trace, "Ali Khoram")?.reason, "a person speaking first-hand");
  assert.deepEqual(e.badgesFor(asharq), ["outlet", "archived"]);
  assert.equal(e.certaintyOf(e.hopInto(trace, 1)), 62);
  const said = e.chainEvidence(trace, khoram);
  assert.equal(said.where, "Asharq al-Awsat");
  assert.equal(said.text, "\u201cThe letter had a positive impact\u201d \u2026 Mr. Khoram said");
  assert.deepEqual(said.highlights.map((h) => h.type), ["content", "source", "cue"]);
  assert.equal(e.groupSources(trace).flatMap((g) => g.sources).find((s) => s.name === "Asharq al-Awsat").archived,
               true);
});
