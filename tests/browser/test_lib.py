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
