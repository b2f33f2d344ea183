"""The extension's modules (lib/), run inside the extension in Chromium: the
backend client's error kinds and the trace helpers the popup and overlay use."""

from __future__ import annotations

import pytest


@pytest.fixture
def page(browser):
    return browser.open("options.html")   # any extension page can import lib/


def run(page, body: str, arg=None):
    return page.evaluate(f"async (arg) => {{ {body} }}", arg)


def test_client_tells_not_running_apart_from_errors_and_wrong_tokens(page):
    kinds = run(page, """
        const { Client } = await import("./lib/client.js");
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
        const out = {};
        for (const [name, fetch] of Object.entries(cases)) {
            const client = new Client({ baseUrl: "http://127.0.0.1:9", token: "t", timeoutMs: 200, fetch });
            try {
                out[name] = name === "missing" ? { value: await client.provenance("https://x.example/") }
                                               : { value: await client.health() };
            } catch (e) {
                out[name] = { kind: e.kind, message: e.message, command: e.command ?? null, code: e.code ?? null };
            }
        }
        return out;
    """)
    assert kinds["refused"]["kind"] == "unreachable"
    assert kinds["refused"]["command"] == "make run PORT=9"
    assert kinds["slow"]["kind"] == "timeout"
    assert kinds["token"]["kind"] == "unauthorized" and "headwater token" in kinds["token"]["message"]
    assert kinds["failed"] == {"kind": "backend", "message": "The page answered 503.", "command": None,
                               "code": "fetch_failed"}
    assert kinds["other"]["kind"] == "protocol"
    assert kinds["missing"] == {"value": None}


def test_server_sent_events_are_parsed(page):
    events = run(page, """
        const { parseEvent } = await import("./lib/client.js");
        return [
            parseEvent('event: progress\\ndata: {"stage":"fetch","done":1,"total":4}'),
            parseEvent(': a comment'),
            parseEvent('event: done\\ndata: {"id": 7}'),
        ];
    """)
    assert events == [{"event": "progress", "data": {"stage": "fetch", "done": 1, "total": 4}}, None,
                      {"event": "done", "data": {"id": 7}}]


def test_kinds_badges_and_flags(page):
    out = run(page, """
        const e = await import("./lib/evidence.js");
        return {
            reuters: e.displayKind("outlet", "Reuters"),
            ap: e.displayKind("outlet", "The Associated Press"),
            wsj: e.displayKind("outlet", "The Wall Street Journal"),
            archived: e.badgesFor({ kind: "outlet", name: "WSJ", url: "https://web.archive.org/web/2014/https://wsj.com/x" }),
            unlinkedOutlet: e.isUnlinked({ kind: "outlet", url: null }),
            unlinkedPerson: e.isUnlinked({ kind: "person", url: null }),
            linked: e.isUnlinked({ kind: "document", url: "https://x.example/report.pdf" }),
        };
    """)
    assert out == {"reuters": "wire", "ap": "wire", "wsj": "outlet", "archived": ["outlet", "archived"],
                   "unlinkedOutlet": True, "unlinkedPerson": False, "linked": False}


def test_evidence_is_the_whole_sentence_around_the_cue(page):
    text = ("On Sunday evening the Wall St. Journal reported that an official confirmed it. "
            "Ali Khoram, an adviser to Mr. Zarif, was the first. "
            "Mr. Khoram told the Arabic daily, Asharq al-Aswat, that the U.S. campaign could gain. Next.")
    sentences = run(page, """
        const { sentenceAround } = await import("./lib/evidence.js");
        return ["reported", "was the first", "told"].map((w) => {
            const i = arg.indexOf(w);
            return sentenceAround(arg, i, i + w.length).text;
        });
    """, text)
    assert sentences == [
        "On Sunday evening the Wall St. Journal reported that an official confirmed it.",
        "Ali Khoram, an adviser to Mr. Zarif, was the first.",
        "Mr. Khoram told the Arabic daily, Asharq al-Aswat, that the U.S. campaign could gain.",
    ]


def test_sources_are_grouped_by_kind_with_counts(page):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from fake_backend import seed_trace

    out = run(page, """
        const e = await import("./lib/evidence.js");
        return { groups: e.groupSources(arg), marks: e.overlayMarks(arg) };
    """, seed_trace("http://127.0.0.1/seed"))
    groups = {g["kind"]: (g["count"], sorted(s["name"] for s in g["sources"])) for g in out["groups"]}
    assert groups == {"outlet": (2, ["Asharq al-Awsat", "The Wall Street Journal"]),
                      "person": (2, ["Ali Khoram", "Mitt Romney"])}
    tips = [m["tip"] for m in out["marks"]]
    assert "Source: Ali Khoram (adviser to Javad Zarif), via Asharq al-Awsat" in tips


def test_the_backends_progress_events_become_what_the_bar_shows(page):
    out = run(page, """
        const { progressFromEvent } = await import("./lib/client.js");
        const wsj = "http://127.0.0.1:8000/wsj/articles/iran-letter";
        return [
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
    """)
    assert all(p is None or p["from"] == "backend" for p in out)
    assert out[0]["message"] == "Read this page; following the sources it cites (up to 25 pages, 3 steps upstream)…"
    assert out[1] == {"stage": "fetching", "done": 1, "total": 2, "from": "backend",
                      "message": "Reading 127.0.0.1:8000/wsj/articles/iran-letter, cited by this page (1 of 2 pages read)"}
    assert out[2]["message"] == "Read \u201cIran letter\u201d, from the Wayback Machine (2014-11-04) (2 of 2 pages read)"
    assert out[3]["message"].startswith("Could not read 127.0.0.1:8000/wsj/articles/iran-letter: 404")
    assert out[4]["message"].endswith("the passage is quoted word for word") and out[4]["total"] is None
    assert out[5]["message"] == "Looking for the article of Reuters in a news index\u2026"
    assert "50% sure" in out[6]["message"]
    assert (out[7]["message"], out[7]["done"], out[7]["total"]) == ("Followed 3 pages: 4 chains", 3, 3)
    assert out[8] == {"stage": "fetch", "done": 1, "total": 4, "message": "Fetching the page", "from": "backend"}
    assert out[9] is None


def test_a_followed_trace_gives_the_chains_across_documents(page):
    follow = {
        "state": "done",
        "documents": [
            {"idx": 0, "url": "http://x/blog", "status": "traced", "attributions": None},
            {"idx": 1, "url": "http://x/interview", "status": "traced", "outlet": "Asharq al-Awsat",
             "attributions": [{"source": {"name": "Ali Khoram", "kind": "person",
                                          "mention": {"start": 120, "end": 129, "text": "Mr. Khoram"}},
                               "cue": {"start": 130, "end": 134, "text": "said"},
                               "content": {"start": 10, "end": 40, "text": "\u201cThe letter had a positive impact\u201d"}}]},
        ],
        "hops": [{"idx": 0, "from": 0, "to": 1, "status": "followed", "certain": False, "confidence": 0.62,
                  "flags": [], "query": "letter (domain:aawsat.com)"}],
        "chains": [[{"name": "Blog", "kind": "page", "document": 0, "evidence": None, "match": None},
                    {"name": "Asharq al-Awsat", "kind": "outlet", "document": 1, "url": "http://x/interview",
                     "archived": {"url": "http://x/web/1/interview", "date": "2014-11-04"},
                     "evidence": {"document": 0, "attribution": None}, "match": {"verdict": "quoted"}},
                    {"name": "Ali Khoram", "kind": "person", "document": None, "url": None, "match": None,
                     "evidence": {"document": 1, "attribution": 0, "cue": "said", "content": "..."}}]],
        "primary_sources": [{"name": "Ali Khoram", "kind": "person", "reason": "a person speaking first-hand"}],
    }
    trace = {"text": "", "attributions": [], "chains": [[{"name": "Blog", "kind": "page"}]],
             "primary_sources": [], "follow": follow}
    out = run(page, """
        const e = await import("./lib/evidence.js");
        const running = { ...arg, follow: { ...arg.follow, state: "running" } };
        const [, asharq, khoram] = e.chainsOf(arg)[0];
        return {
            names: e.chainsOf(arg)[0].map((n) => n.name),
            whileRunning: e.chainsOf(running).length,
            primary: e.primaryEntry(arg, "Ali Khoram")?.reason ?? null,
            badges: e.badgesFor(asharq),
            sure: e.certaintyOf(e.hopInto(arg, 1)),
            said: e.chainEvidence(arg, khoram),
            archivedSource: e.groupSources(arg).flatMap((g) => g.sources).find((s) => s.name === "Asharq al-Awsat").archived,
        };
    """, trace)
    assert out["names"] == ["Blog", "Asharq al-Awsat", "Ali Khoram"]
    assert out["whileRunning"] == 1, "while following runs, the page's own chains"
    assert out["primary"] == "a person speaking first-hand"
    assert out["badges"] == ["outlet", "archived"]
    assert out["sure"] == 62
    assert out["said"]["where"] == "Asharq al-Awsat"
    assert out["said"]["text"] == "\u201cThe letter had a positive impact\u201d \u2026 Mr. Khoram said"
    assert [h["type"] for h in out["said"]["highlights"]] == ["content", "source", "cue"]
    assert out["archivedSource"] is True
