// "Every source in the article", the "Primary sources" line, the chain's hop tags and the
// overlay's marks for the attribution forms (verb, link, credit, embed) and own-site links
// (lib/evidence.js). The link-heavy fixture is tests/browser/link-heavy-trace.json, the
// trace the browser tests draw (tests/browser/test_sources_list.py).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import * as e from "../lib/evidence.js";

const read = (path) => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf-8"));
const LINKY = read("../../tests/browser/link-heavy-trace.json");
const SEED = read("./seed-trace.json");

const group = (trace, kind) => e.groupSources(trace).find((g) => g.kind === kind);
const names = (g) => g.sources.map((s) => s.name);

test("the fixture's spans are the words of its text", () => {
  for (const a of LINKY.attributions) {
    for (const span of [a.source.mention, a.cue, a.content].filter(Boolean)) {
      assert.equal(LINKY.text.slice(span.start, span.end), span.text);
    }
  }
});

test("every outside source, grouped by kind in a fixed order, with counts", () => {
  const groups = e.groupSources(LINKY);
  assert.deepEqual(groups.map((g) => [g.kind, g.count]), [
    ["person", 2], ["organization", 1], ["outlet", 15], ["wire", 1], ["document", 3], ["social", 1], ["anonymous", 2],
  ]);
  const all = groups.flatMap(names);
  assert.ok(!all.includes("The Daily Explainer"), "the page's own outlet is no outside source");
  assert.ok(!all.includes("X"), "a platform is where an account spoke, not a source");
  assert.equal(group(LINKY, "social").sources[0].platform, "X");
  assert.equal(e.kindHeading("social"), "Social media accounts");
});

test("most cited first within a group, then by name", () => {
  const outlets = group(LINKY, "outlet").sources;
  assert.deepEqual(outlets.slice(0, 5).map((s) => [s.name, s.citations]), [
    ["The Hindu", 3], ["BBC News", 2], ["The Times of India", 2], ["Al Jazeera", 1], ["Deccan Herald", 1],
  ]);
  assert.deepEqual(names(group(LINKY, "person")), ["Roxy Mathew Koll", "S. Janakarajan"]);
});

test("sources cited only by a link are marked; one also cited in words is not", () => {
  const outlets = group(LINKY, "outlet").sources;
  const linkOnly = outlets.filter((s) => s.linkOnly).map((s) => s.name);
  assert.equal(linkOnly.length, 14);
  assert.ok(!linkOnly.includes("BBC News"), "BBC News is linked and also told something");
  assert.ok(group(LINKY, "document").sources.every((s) => s.linkOnly));
  assert.ok(!group(LINKY, "person").sources.some((s) => s.linkOnly));
  assert.deepEqual(group(LINKY, "wire").sources.map((s) => [s.name, s.forms, s.linkOnly, s.unlinked]),
                   [["Reuters", ["credit"], false, true]]);
  assert.equal(group(LINKY, "social").sources[0].unlinked, false, "an embedded post is on the page");
  assert.equal(group(LINKY, "outlet").sources.some((s) => s.unlinked), false);
});

test("own-site links are counted apart, in the line above the list", () => {
  assert.deepEqual(e.ownSiteLinks(LINKY), { count: 2, site: "The Daily Explainer" });
  assert.equal(e.sourcesSummary(LINKY),
               "25 sources, 29 citations, and 2 links to The Daily Explainer's own reporting (not counted).");
  assert.equal(e.sourcesSummary(SEED), "4 sources, 3 citations.");
  const noSite = { url: "https://news.example/a", attributions: [{ own_site: true, link: "https://news.example/b",
                                                                  source: { name: "", kind: "outlet" } }] };
  assert.equal(e.sourcesSummary(noSite), "0 sources, 0 citations, and 1 link to news.example's own reporting (not counted).");
});

test("long groups collapse: more than 7 sources show the first 5", () => {
  const make = (n) => ({ kind: "outlet", sources: Array.from({ length: n }, (_, i) => ({ name: `Outlet ${i}` })) });
  assert.equal(e.collapseGroup(make(7)).collapsible, false);
  assert.equal(e.collapseGroup(make(7)).shown.length, 7);
  assert.equal(e.collapseLabel(make(7), false), null);
  const eight = e.collapseGroup(make(8));
  assert.deepEqual([eight.collapsible, eight.shown.length, eight.hidden.length], [true, 5, 3]);
  assert.equal(e.collapseLabel(make(8), false), "Show 3 more");
  assert.equal(e.collapseGroup(make(8), true).shown.length, 8);
  assert.equal(e.collapseLabel(make(8), true), "Show fewer");
  assert.equal(e.collapseLabel(group(LINKY, "outlet"), false), "Show 10 more");
});

test("with 40 sources and more, each group still leads with its most cited", () => {
  const attributions = [];
  for (let i = 0; i < 45; i++) {
    for (let k = 0; k <= i % 4; k++) {
      attributions.push({ source: { name: `Outlet ${String(i).padStart(2, "0")}`, kind: "outlet" },
                          form: "link", link: `https://o${i}.example/${k}` });
    }
  }
  const [outlets] = e.groupSources({ attributions, chains: [], primary_sources: [] });
  assert.equal(outlets.count, 45);
  const { shown, hidden } = e.collapseGroup(outlets);
  assert.deepEqual(shown.map((s) => [s.name, s.citations]),
                   [["Outlet 03", 4], ["Outlet 07", 4], ["Outlet 11", 4], ["Outlet 15", 4], ["Outlet 19", 4]]);
  assert.equal(hidden.length, 40);
  assert.equal(e.collapseLabel(outlets, false), "Show 40 more");
  const counts = outlets.sources.map((s) => s.citations);
  assert.deepEqual(counts, [...counts].sort((a, b) => b - a));
});

test("the primary-sources line names the named first and counts the unnamed", () => {
  assert.equal(e.primarySummary(LINKY).text,
               "Primary sources: Roxy Mathew Koll, S. Janakarajan, India Meteorological Department, " +
               "Nature Climate Change study on extreme rainfall in Chennai, IIT Madras study of the Adyar basin, " +
               "CAG report on flood preparedness in Tamil Nadu, The Hindu, The Times of India, " +
               "14 other named sources and 2 unnamed sources");
  assert.deepEqual(e.primarySummary(LINKY).parts.filter((p) => p.name).length, 8);
  const line = (...ps) => e.primarySummary({ primary_sources: ps })?.text ?? null;
  const p = (name, kind = "person") => ({ name, kind });
  assert.equal(line(), null);
  assert.equal(line(p("Ali Khoram")), "Primary source: Ali Khoram");
  assert.equal(line(p("an official", "anonymous")), "Primary source: an unnamed source");
  assert.equal(line(p("Reuters", "outlet"), p("Ali Khoram")), "Primary sources: Ali Khoram and Reuters");
  assert.equal(line(p("a diplomat", "anonymous"), p("Ali Khoram"), p("@x", "social"), p("WHO", "organization")),
               "Primary sources: Ali Khoram, WHO, @x and an unnamed source");
  assert.equal(line(p("officials", "anonymous"), p("officials", "anonymous"), p("a source", "anonymous")),
               "Primary sources: 3 unnamed sources");
  assert.equal(line(p("Ali Khoram"), p("ali khoram")), "Primary source: Ali Khoram", "one person named twice");
  const nine = Array.from({ length: 9 }, (_, i) => p(`Person ${i + 1}`));
  assert.match(line(...nine), /Person 8 and one other named source$/);
});

test("a chain hop cited by a bare link is tagged 'linked'", () => {
  const chain = (name) => LINKY.chains.find((c) => c.at(-1).name === name);
  const [, hindu] = chain("The Hindu");
  const [, bbc, janakarajan] = chain("S. Janakarajan");
  assert.equal(e.hopLabel(LINKY, hindu), "linked");
  assert.equal(e.hopLabel(LINKY, chain("CAG report on flood preparedness in Tamil Nadu")[1]), "linked");
  assert.equal(e.hopLabel(LINKY, chain("India Meteorological Department")[1]), null);
  assert.equal(e.hopLabel(LINKY, bbc), null, "linked and told: not a link alone");
  assert.equal(e.hopLabel(LINKY, janakarajan), null);
  assert.equal(e.hopLabel(LINKY, chain("@ChennaiRains")[2]), "embedded");
  assert.equal(e.hopLabel(LINKY, chain("Reuters")[1]), "credited");
  assert.equal(e.hopLabel(LINKY, LINKY.chains[0][0]), null, "this page");
  // the backend's own form on a node wins; a followed node's form is its evidence's
  assert.equal(e.hopLabel(SEED, { name: "Mitt Romney", kind: "person", form: "link" }), "linked");
  const followed = { attributions: [{ source: { name: "The Hindu" }, form: "link" }] };
  assert.equal(e.hopLabel(followed, { name: "Hindu", kind: "outlet", evidence: { document: 0, attribution: 0 } }),
               "linked");
});

test("the overlay marks linked citations, and not the page's links to itself", () => {
  const marks = e.overlayMarks(LINKY);
  const mark = (words) => marks.find((m) => m.text.includes(words));
  assert.deepEqual([mark("not seen in a century").tip, mark("not seen in a century").form],
                   ["Source: BBC News, linked", "link"]);
  assert.equal(mark("The Indian Express").tip, "Source: The Indian Express, linked; Hindustan Times, linked");
  assert.equal(mark("told BBC News").form, "verb");
  assert.equal(mark("told BBC News").tip, "Source: S. Janakarajan (hydrologist), via BBC News");
  assert.equal(mark("@ChennaiRains").tip, "Source: @ChennaiRains on X, embedded");
  assert.equal(mark("storm drains work"), undefined, "own-site links are not underlined");
  assert.equal(marks.length, 23, "one per sentence citing an outside source");
});

test("a backend without forms: every citation is 'verb', none is own-site", () => {
  assert.equal(e.formOf({}), "verb");
  assert.equal(e.formOf({ form: null }), "verb");
  assert.equal(e.formOf({ form: "whisper" }), "verb");
  assert.equal(e.formOf({ form: "link" }), "link");
  assert.equal(e.isOwnSite({}), false);
  assert.equal(e.isOwnSite({ own_site: "yes" }), false);
  assert.equal(e.isOwnSite({ own_site: true }), true);
  assert.ok(e.groupSources(SEED).every((g) => g.sources.every((s) => !s.linkOnly)));
  assert.ok(e.chainsOf(SEED).flat().every((node) => e.hopLabel(SEED, node) === null));
  assert.ok(e.overlayMarks(SEED).every((m) => m.form === "verb" && !m.tip.includes("linked")));
  assert.deepEqual(e.ownSiteLinks(SEED).count, 0);
  assert.equal(e.primarySummary(SEED).text, "Primary sources: Ali Khoram and Mitt Romney");
});
