"""Following the chain upstream, across pages, on the local fixture web (tests/followweb.py).

Everything is served on 127.0.0.1; the fake Wayback and news-index endpoints are
pages of the same fixture web, so nothing leaves the machine.
"""

import json
import threading
import time

import pytest

from headwater import store
from headwater.cli import main as cli
from headwater.evaluation.localweb import Response
from headwater.fetch.client import Fetcher
from headwater.fetch.politeness import HostGate
from headwater.settings import FollowSettings
from headwater.tracing.tracer import Tracer
from headwater.urls import url_key
from headwater.web.limits import TraceSlots
from tests.helpers.followweb import Web

SLOW = 6.0  # the slow host answers after this many seconds
BUDGET = 2.5  # the roundup's wall-clock budget: well under SLOW


def settings_for(web: Web, **changes) -> FollowSettings:
    return FollowSettings(politeness_delay=0, wayback_api=web.wayback_api, news_index_api=web.news_index_api, **changes)


@pytest.fixture
def fweb():
    web = Web(slow_delay=SLOW).start()
    yield web
    web.stop()


@pytest.fixture
def tracer(db_path, attributor):
    return Tracer(store.open_db(db_path), fetcher=Fetcher(allow_private=True), attributor=attributor)


def chain_to(follow: dict, name: str) -> list[dict]:
    return next(chain for chain in follow["chains"] if chain[-1]["name"] == name)


def document_text(db, trace_id: int, idx: int) -> str:
    return db.execute(
        """SELECT d.text FROM follow_documents f JOIN documents d ON d.id = f.document_id
                         WHERE f.trace_id = ? AND f.idx = ?""",
        [trace_id, idx],
    ).fetchone()[0]


# -- the founding chain ------------------------------------------------------------------


def test_the_seed_reaches_ali_khoram_through_three_documents(tracer, fweb):
    trace = tracer.trace(fweb.seed, follow=settings_for(fweb)).to_dict()
    follow = trace["follow"]
    assert follow["state"] == "done"

    chain = chain_to(follow, "Ali Khoram")
    assert [hop["name"] for hop in chain[1:]] == ["The Wall Street Journal", "Asharq al-Awsat", "Ali Khoram"]
    journal, asharq, khoram = chain[1:]
    assert journal["url"] == fweb.wsj and asharq["url"] == fweb.asharq
    # The blog block-quotes the Journal word for word; the Journal paraphrases the interview.
    assert journal["match"]["verdict"] == "quoted"
    assert "Mr. Obama reached out directly" in journal["match"]["cited"]["text"]
    assert asharq["match"]["verdict"] in ("quoted", "paraphrase")
    # Khoram speaks first-hand in the third document.
    assert khoram["evidence"]["document"] == asharq["document"]
    asharq_text = khoram["evidence"]["content"]
    assert any(words in asharq_text for words in ("positive impact", "outreach could aid", "received a letter"))
    primaries = {p["name"]: p for p in follow["primary_sources"]}
    assert primaries["Ali Khoram"]["reason"] == "a person speaking first-hand"
    assert "The Wall Street Journal" not in primaries and "Asharq al-Awsat" not in primaries

    # Both offsets of every matched passage point into the texts they come from.
    db = tracer.db
    for hop in follow["hops"]:
        for match in hop["matches"]:
            citing_text = trace["text"] if hop["from"] == 0 else document_text(db, trace["id"], hop["from"])
            assert citing_text[match["citing"]["start"] : match["citing"]["end"]] == match["citing"]["text"]
            if match["cited"]:
                cited_text = document_text(db, trace["id"], hop["to"])
                assert cited_text[match["cited"]["start"] : match["cited"]["end"]] == match["cited"]["text"]


def test_the_single_page_result_is_unchanged_and_the_follow_is_stored(tracer, fweb):
    trace = tracer.trace(fweb.seed, follow=settings_for(fweb)).to_dict()
    plain = Tracer(tracer.db, fetcher=tracer.fetcher, attributor=tracer.attributor).trace(fweb.seed).to_dict()
    assert "follow" not in plain
    assert plain["chains"] == trace["chains"] and plain["attributions"] == trace["attributions"]
    again = store.load_trace(tracer.db, trace["id"]).to_dict()
    assert again["follow"]["chains"] == trace["follow"]["chains"]
    assert again["follow"]["hops"] == trace["follow"]["hops"]
    verdicts = dict(
        tracer.db.execute("SELECT url, verdict FROM follow_hops WHERE trace_id = ?", [trace["id"]]).fetchall()
    )
    assert verdicts[fweb.wsj] == "quoted"


def test_depth_limit(tracer, fweb):
    follow = tracer.trace(fweb.seed, follow=settings_for(fweb, depth=1)).to_dict()["follow"]
    assert not fweb.requested(fweb.asharq)
    assert {"url": fweb.asharq, "reason": "depth limit of 1 reached"} in follow["stopped"]
    asharq = chain_to(follow, "Ali Khoram")[2]
    assert asharq["name"] == "Asharq al-Awsat" and asharq["document"] is None


# -- limits, failures and oddities: one trace of the roundup page -------------------------------


@pytest.fixture(scope="module")
def roundup(tmp_path_factory, attributor):
    web = Web(slow_delay=SLOW).start()
    db = store.open_db(str(tmp_path_factory.mktemp("roundup") / "provenance.db"))
    started = time.monotonic()
    trace = (
        Tracer(db, fetcher=Fetcher(allow_private=True), attributor=attributor)
        .trace(web.roundup, follow=settings_for(web, time_budget=BUDGET))
        .to_dict()
    )
    elapsed = time.monotonic() - started
    yield web, trace, elapsed
    web.stop()


def doc_at(follow: dict, url: str) -> dict:
    return next(d for d in follow["documents"] if d["url"] == url)


def hop_to(follow: dict, url: str) -> dict:
    return next(h for h in follow["hops"] if h["url"] == url)


def test_a_dead_link_is_read_from_the_archive(roundup):
    web, trace, _ = roundup
    gone = doc_at(trace["follow"], web.gone)
    assert gone["status"] == "traced"
    assert gone["archived"] == {"url": web.snapshot, "date": "2014-11-04"}
    guardian = chain_to(trace["follow"], "The Guardian")[-1]
    assert guardian["archived"]["date"] == "2014-11-04"
    assert guardian["match"]["verdict"] in ("quoted", "paraphrase")


def test_a_redirect_loop_fails_that_hop_only(roundup):
    web, trace, _ = roundup
    loop = doc_at(trace["follow"], web.loop)
    assert loop["status"] == "failed" and "loop" in loop["error"]["message"]
    assert hop_to(trace["follow"], web.loop)["status"] == "failed"
    # The BBC's report is where the chain ends for what it says: a primary source, or the carrier
    # of one (the treasurer it quotes) whose page could not be read.
    reasons = {p["name"]: p["reason"] for p in trace["follow"]["primary_sources"]}
    assert reasons.get("BBC", "").startswith("its page could not be read") or "the council treasurer" in reasons


def test_a_slow_host_is_cut_off_by_the_time_budget(roundup):
    web, trace, elapsed = roundup
    assert doc_at(trace["follow"], web.reservoir)["status"] == "stopped"
    assert any("time budget" in s["reason"] for s in trace["follow"]["stopped"])
    assert elapsed < SLOW  # the trace did not wait for it
    assert doc_at(trace["follow"], web.copy)["status"] == "traced"  # nor did the other hosts


def test_robots_txt_is_honoured(roundup):
    web, trace, _ = roundup
    assert not web.requested(web.private)
    assert web.requested(web.strict.url("/robots.txt"))
    assert doc_at(trace["follow"], web.private)["status"] == "blocked"
    assert hop_to(trace["follow"], web.private)["status"] == "blocked"


def test_a_cycle_is_reported_as_circular_sourcing(roundup):
    web, trace, _ = roundup
    cycles = trace["follow"]["cycles"]
    assert [c["urls"] for c in cycles] == [[web.cycle_a, web.cycle_b, web.cycle_a]]
    assert cycles[0]["message"] == "Circular sourcing: Al Jazeera, which cites The Independent, which cites Al Jazeera."
    circular = [chain for chain in trace["follow"]["chains"] if chain[-1].get("circular")]
    assert [hop["name"] for hop in circular[0][1:]] == ["Al Jazeera", "The Independent", "Al Jazeera"]


def test_a_source_published_after_the_page_citing_it_is_flagged(roundup):
    web, trace, _ = roundup
    flags = hop_to(trace["follow"], web.cycle_b)["flags"]
    assert {
        "code": "published_after",
        "message": "the cited page is dated 2014-11-07, after the page citing it (2014-11-05)",
    } in flags
    assert hop_to(trace["follow"], web.copy)["flags"] == []


def test_verbatim_copying_is_marked_quoted(roundup):
    web, trace, _ = roundup
    hop = hop_to(trace["follow"], web.original)
    assert hop["match"]["verdict"] == "quoted"
    assert hop["match"]["cited"]["text"].startswith("The tariff rise will cost a typical household")


def test_an_outlet_named_without_a_link_is_looked_up_as_a_guess(roundup):
    web, trace, _ = roundup
    hop = hop_to(trace["follow"], web.reuters)
    assert hop["kind"] == "news_index" and hop["certain"] is False
    assert 0 < hop["confidence"] < 1
    assert "domain:reuters.com" in hop["query"] and "reservoir" in hop["query"]
    assert doc_at(trace["follow"], web.reuters)["found_by"] == "news_index"
    assert not web.requested(web.main.url("/elsewhere"))  # another domain's article is no candidate
    assert web.index_queries[0]["enddatetime"] == ["20141106235959"]  # the window ends at the citing page


def test_no_page_is_fetched_twice(roundup):
    web, trace, _ = roundup
    paths = [path for _, path, _ in web.main.requests if not path.startswith(("/wayback", "/newsindex"))]
    assert len(paths) == len(set(paths))
    keys = [url_key(d["url"]) for d in trace["follow"]["documents"]]
    assert len(keys) == len(set(keys))


def test_page_budget(tracer, fweb):
    follow = tracer.trace(fweb.roundup, follow=settings_for(fweb, max_pages=3, time_budget=BUDGET)).to_dict()["follow"]
    assert len(follow["documents"]) == 3
    assert sum("page budget of 3 pages" in s["reason"] for s in follow["stopped"]) >= 4


def test_the_same_page_under_other_spellings_is_one_page():
    assert url_key("HTTP://Example.com:80/story/?utm_source=x#top") == url_key("http://example.com/story")
    assert url_key("http://example.com/story?id=2") != url_key("http://example.com/story?id=3")


def test_per_host_limit_and_politeness_delay():
    gate, running, most, starts = HostGate(per_host=2, delay=0.05), [0], [0], []
    lock = threading.Lock()

    def visit():
        with gate.slot("example.com"):
            with lock:
                running[0] += 1
                most[0] = max(most[0], running[0])
                starts.append(time.monotonic())
            time.sleep(0.1)
            with lock:
                running[0] -= 1

    threads = [threading.Thread(target=visit) for _ in range(5)]
    launched = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    starts.sort()
    assert most[0] == 2
    # The k-th request starts no sooner than k delays after launch. (Gaps between observed
    # starts are not asserted: a thread woken late on a busy host narrows the next gap.)
    assert all(start >= launched + k * 0.05 for k, start in enumerate(starts))


def test_loopback_is_refused_when_not_allowed(db_path, attributor, fweb, seed_html, monkeypatch):
    monkeypatch.delenv("HEADWATER_ALLOW_PRIVATE", raising=False)
    tracer = Tracer(store.open_db(db_path), attributor=attributor)  # the default fetcher
    html = seed_html.replace(
        "https://www.wsj.com/articles/iran-supreme-leader-responds-to-obama-letter-1415577934", fweb.wsj
    )
    follow = tracer.trace("https://www.example-blog.com/post", html=html, follow=settings_for(fweb)).to_dict()["follow"]
    assert fweb.main.requests == []
    assert doc_at(follow, fweb.wsj)["error"]["code"] in ("invalid_url", "forbidden_address")  # port, then address


# -- claims ------------------------------------------------------------------------------------


def test_a_claim_trace_follows_only_what_the_sentence_rests_on(tracer, fweb):
    romney = "I was frankly stunned that the president of the United States would write a letter of that nature"
    follow = tracer.trace(fweb.seed, claim=romney, follow=settings_for(fweb)).to_dict()["follow"]
    assert len(follow["documents"]) == 1 and not fweb.requested(fweb.wsj)
    assert [[hop["name"] for hop in chain[1:]] for chain in follow["chains"]] == [["Mitt Romney"]]

    khoram = (
        "Mr. Khoram told the Arabic daily, Asharq al-Aswat, that Mr. Obama’s outreach could aid the nuclear diplomacy"
    )
    trace = tracer.trace(fweb.seed, claim=khoram, follow=settings_for(fweb)).to_dict()
    follow = trace["follow"]
    assert trace["text"][follow["claim"]["start"] : follow["claim"]["end"]].startswith("Mr. Khoram told")
    assert [d["url"] for d in follow["documents"][1:]] == [fweb.wsj, fweb.asharq]
    assert "Mitt Romney" not in {p["name"] for p in follow["primary_sources"]}
    assert chain_to(follow, "Ali Khoram")[1]["match"]["verdict"] == "quoted"


# -- caching and versions -----------------------------------------------------------------------


def test_a_recent_page_is_reused_from_the_store(tracer, fweb):
    tracer.trace(fweb.seed, follow=settings_for(fweb)).to_dict()
    before = len(fweb.main.requests)
    follow = tracer.trace(fweb.seed, follow=settings_for(fweb)).to_dict()["follow"]
    wsj = doc_at(follow, fweb.wsj)
    assert wsj["from_cache"] is True and wsj["status"] == "traced"
    asked = [path for _, path, _ in fweb.main.requests[before:]]
    assert asked == ["/blog/2014/11/iranian-official-confirms-obama-letter"]  # the traced page only


def test_conditional_get_and_a_changed_page(tracer, fweb):
    version = {
        "body": fweb.main.routes["/wsj/articles/iran-supreme-leader-responds-to-obama-letter-1415577934"].body,
        "etag": '"v1"',
    }
    seen = []

    def wsj(handler):
        seen.append(handler.headers.get("If-None-Match"))
        if handler.headers.get("If-None-Match") == version["etag"]:
            return Response(status=304, headers={"ETag": version["etag"]})
        return Response(version["body"], headers={"Content-Type": "text/html", "ETag": version["etag"]})

    fweb.main.routes["/wsj/articles/iran-supreme-leader-responds-to-obama-letter-1415577934"] = wsj
    settings = settings_for(fweb, cache_ttl=0)
    first = tracer.trace(fweb.seed, follow=settings).to_dict()["follow"]
    second = tracer.trace(fweb.seed, follow=settings).to_dict()["follow"]
    assert seen == [None, '"v1"']
    assert doc_at(second, fweb.wsj)["status"] == "traced" and doc_at(second, fweb.wsj)["changed"] is None
    assert doc_at(second, fweb.wsj)["sha256"] == doc_at(first, fweb.wsj)["sha256"]

    version.update(body=version["body"].replace("declined to discuss", "refused to discuss"), etag='"v2"')
    third = tracer.trace(fweb.seed, follow=settings).to_dict()["follow"]
    changed = doc_at(third, fweb.wsj)
    assert changed["changed"]["previous_sha256"] == doc_at(first, fweb.wsj)["sha256"] != changed["sha256"]
    kept = tracer.db.execute(
        "SELECT COUNT(*) FROM page_versions WHERE sha256 IN (?, ?)",
        [changed["sha256"], changed["changed"]["previous_sha256"]],
    ).fetchone()[0]
    assert kept == 2


# -- the API: following, 202 in the background, progress as Server-Sent Events ----------------------


@pytest.fixture
def follow_app(app, fweb):
    app.config["FOLLOW_SETTINGS"] = settings_for(fweb)
    return app


def sse_events(body: str) -> list[tuple[str, dict]]:
    events = []
    for block in body.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "event" in fields:
            events.append((fields["event"], json.loads(fields["data"])))
    return events


def test_post_follow_and_stream_the_progress(follow_app, fweb):
    client = follow_app.test_client()
    response = client.post("/api/traces", json={"url": fweb.seed, "follow": True})
    assert response.status_code == 201
    trace = response.get_json()
    assert chain_to(trace["follow"], "Ali Khoram")[1]["url"] == fweb.wsj

    stream = client.get(f"/api/traces/{trace['id']}/events")
    assert stream.mimetype == "text/event-stream"
    events = sse_events(stream.get_data(as_text=True))
    kinds = [kind for kind, _ in events]
    assert kinds[0] == "start" and kinds[-1] == "done" and "fetching" in kinds
    assert {data["url"] for kind, data in events if kind == "page"} == {fweb.wsj, fweb.asharq}
    assert events[-1][1]["primary_sources"] and "Ali Khoram" in events[-1][1]["primary_sources"]
    # a client that reconnects gets only what it missed
    last = client.get(f"/api/traces/{trace['id']}/events", headers={"Last-Event-ID": "2"}).get_data(as_text=True)
    assert [kind for kind, _ in sse_events(last)] == kinds[2:]


def test_background_trace_answers_202_and_shows_its_state(follow_app, fweb):
    client = follow_app.test_client()
    fweb.main.routes[fweb.wsj.replace(fweb.main.base, "")].delay = 0.5  # still running when POST returns
    response = client.post("/api/traces", json={"url": fweb.seed, "follow": True, "background": True})
    assert response.status_code == 202
    trace = response.get_json()
    assert trace["follow"]["state"] == "running"
    assert [a["source"]["name"] for a in trace["attributions"]]  # the first page is there at once
    events = sse_events(client.get(f"/api/traces/{trace['id']}/events").get_data(as_text=True))
    assert events[-1][0] == "done"  # the stream waited for the end
    done = client.get(f"/api/traces/{trace['id']}").get_json()
    assert done["follow"]["state"] == "done"
    assert chain_to(done["follow"], "Ali Khoram")[2]["url"] == fweb.asharq


def test_a_follow_in_the_background_holds_its_trace_slot_until_it_ends(follow_app, fweb, seed_html):
    """The cap on traces at once counts a trace still following its sources after its POST answered."""
    follow_app.extensions["headwater_slots"] = TraceSlots(1)
    client = follow_app.test_client()
    fweb.main.routes[fweb.wsj.replace(fweb.main.base, "")].delay = 1.0
    following = client.post("/api/traces", json={"url": fweb.seed, "follow": True, "background": True})
    assert following.status_code == 202
    one_page = {"url": "https://www.example-blog.com/x", "html": seed_html}
    refused = client.post("/api/traces", json=one_page)
    assert refused.status_code == 429 and refused.get_json()["error"]["code"] == "too_many_traces"
    events = sse_events(client.get(f"/api/traces/{following.get_json()['id']}/events").get_data(as_text=True))
    assert events[-1][0] == "done"
    for thread in threading.enumerate():  # it frees the slot just after its last event
        if thread.name.startswith("headwater-trace-"):
            thread.join(5)
    assert client.post("/api/traces", json=one_page).status_code == 201


def test_a_one_page_trace_has_a_finished_event_stream(client, seed_html):
    trace = client.post("/api/traces", json={"url": "https://www.example-blog.com/x", "html": seed_html}).get_json()
    assert "follow" not in trace
    assert [kind for kind, _ in sse_events(client.get(f"/api/traces/{trace['id']}/events").get_data(as_text=True))] == [
        "done"
    ]
    assert client.get("/api/traces/999/events").status_code == 404


@pytest.mark.parametrize(
    "body", [{"follow": "yes"}, {"depth": -1}, {"depth": 99}, {"budget": "many"}, {"follow": True, "background": "now"}]
)
def test_bad_follow_options_are_a_400(client, body):
    response = client.post("/api/traces", json={"url": "https://www.example-blog.com/x", **body})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request"


# -- the CLI -------------------------------------------------------------------------------------


def test_cli_follows_with_a_progress_bar(fweb, db_path, capsys, monkeypatch):
    monkeypatch.setenv("HEADWATER_ALLOW_PRIVATE", "1")
    monkeypatch.setenv("HEADWATER_WAYBACK_API", fweb.wayback_api)
    monkeypatch.setenv("HEADWATER_NEWS_INDEX_API", fweb.news_index_api)
    monkeypatch.setenv("HEADWATER_FOLLOW_DELAY", "0")
    assert cli.main(["trace", fweb.seed, "--depth", "3", "--budget", "10", "--db", db_path]) == 0
    out, err = capsys.readouterr()
    assert "] 3/3 pages  Followed 3 pages" in err
    assert f"-> The Wall Street Journal (outlet)  <{fweb.wsj}>" in out
    assert 'quoted from: "' in out
    assert "primary: Ali Khoram (person): a person speaking first-hand" in out


def test_an_older_store_is_upgraded_in_place(tmp_path):
    import sqlite3

    old = tmp_path / "old.db"
    conn = sqlite3.connect(old)
    conn.execute(
        "CREATE TABLE fetches (id INTEGER PRIMARY KEY, url TEXT NOT NULL, final_url TEXT, status INTEGER,"
        " content_type TEXT, bytes INTEGER, sha256 TEXT, duration_ms INTEGER, fetched_at TEXT NOT NULL,"
        " error_code TEXT, error TEXT, origin TEXT NOT NULL DEFAULT 'network')"
    )
    conn.execute("INSERT INTO fetches (url, fetched_at) VALUES ('https://example.com/', '2014-11-09')")
    conn.commit()
    conn.close()
    db = store.open_db(old)
    assert {"etag", "last_modified"} <= set(db["fetches"].columns_dict)
    assert {"follows", "follow_hops", "page_versions"} <= set(db.table_names())
    assert db["fetches"].count == 1
    db.close()
    store.open_db(old).close()  # and opening it again changes nothing


def test_a_body_link_to_a_government_site_stands_for_an_organization():
    """A link to whitehouse.gov is followed as the White House speaking for itself, the
    kind its attributions get, so the chain has one node for it, not an outlet beside it."""
    from headwater.attribution.gazetteer import Gazetteer
    from headwater.attribution.links import link_citations
    from headwater.records import Link
    from headwater.tracing import upstream
    from headwater.tracing.follower import Doc

    text = "The statement is online. So is the wire story."
    links = [
        Link(4, 13, "https://www.whitehouse.gov/briefing-room/statement", "statement"),
        Link(37, 47, "https://www.reuters.com/world/statement-put-online-2014-11-09/", "wire story"),
    ]
    url = "https://blog.example/post"
    attributions = link_citations(text, links, url, [], Gazetteer.default(), "Blog")
    doc = Doc(0, url, 0, None, "root", text=text, links=links, attributions=attributions)
    doc.relevant = set(range(len(attributions)))
    found, _ = upstream.targets(doc, Gazetteer.default())
    assert {t["url"].split("/")[2]: t["agent"] for t in found} == {
        "www.whitehouse.gov": ("White House", "organization"),
        "www.reuters.com": ("Reuters", "outlet"),
    }
    assert {t["kind"] for t in found} == {"body_link"}


def test_every_followed_body_link_is_one_of_the_pages_sources(attributor):
    """A followed body link and a link citation are the same thing: what the follow takes
    from a page is exactly the links its attributions carry, own-site links and furniture left
    out, so the graph and the list of sources agree."""
    from headwater.attribution.gazetteer import Gazetteer
    from headwater.extract import extract
    from headwater.tracing import upstream
    from headwater.tracing.follower import Doc
    from tests.test_links import PAGE, PAGE_URL

    page = extract(PAGE, PAGE_URL)
    attributions = attributor.attribute_page(page, PAGE_URL)
    doc = Doc(0, PAGE_URL, 0, None, "root", text=page.text, links=page.links, attributions=attributions)
    doc.relevant = set(range(len(attributions)))
    found, _ = upstream.targets(doc, Gazetteer.default())
    followed = {t["url"] for t in found}
    cited = {a.link for a in attributions if a.link and not a.own_site}
    assert followed == cited
    assert any("theguardian.com" in u for u in followed) and any("twitter.com/NASA" in u for u in followed)
    assert not any(own in u for u in followed for own in ("dailyexample.com", "/tag/", "sharer", "amazon"))
    for t in found:
        a = attributions[t["attribution"]]
        assert t["kind"] == ("body_link" if a.form == "link" else "link")
        assert t["agent"] == upstream.agent_of(a)
    tweet = next(t for t in found if "twitter.com/NASA" in t["url"])
    assert tweet["agent"] == ("@NASA", "social")


class FailsOnText:
    """The test attributor, except that it raises on a text holding `marker`."""

    def __init__(self, inner, marker: str):
        self.inner, self.marker = inner, marker

    def attribute_page(self, page, url):
        if self.marker in page.text:
            raise RuntimeError("analysis bug")
        return self.inner.attribute_page(page, url)


def test_a_page_the_analysis_fails_on_fails_alone_and_says_so_in_the_log(db_path, attributor, fweb):
    db = store.open_db(db_path)
    # Fail on the Asharq interview only, by wording no other page of the fixture web has.
    tracer = Tracer(
        db, fetcher=Fetcher(allow_private=True), attributor=FailsOnText(attributor, "intended to reply in writing")
    )
    trace = tracer.trace(fweb.seed, follow=settings_for(fweb)).to_dict()
    follow = trace["follow"]
    assert follow["state"] == "done"  # the follow went on past the failed page
    # The chain still reaches Khoram, as the Journal reports him, but not through the interview's text.
    chain = chain_to(follow, "Ali Khoram")
    assert [hop["name"] for hop in chain[1:]] == ["The Wall Street Journal", "Asharq al-Awsat", "Ali Khoram"]
    assert chain[2].get("url") != fweb.asharq
    asharq = next(d for d in follow["documents"] if d["url"] == fweb.asharq)
    assert asharq["status"] == "failed"
    assert asharq["error"] == {
        "code": "internal",
        "message": "The page was fetched but its analysis failed (RuntimeError).",
    }
    logged = db.execute("SELECT error_code, error FROM fetches WHERE url = ?", [fweb.asharq]).fetchall()
    assert logged == [("internal", "The page was fetched but its analysis failed (RuntimeError).")]


def test_a_follow_whose_thread_cannot_start_fails_at_once_and_frees_its_slot(follow_app, fweb, monkeypatch):
    follow_app.extensions["headwater_slots"] = TraceSlots(1)
    client = follow_app.test_client()

    real_start = threading.Thread.start

    def no_thread(self):  # the system's thread limit, for the follow's thread only (the fixture web has its own)
        if self.name.startswith("headwater-trace-"):
            raise RuntimeError("can't start new thread")
        return real_start(self)

    with monkeypatch.context() as patch:
        patch.setattr(threading.Thread, "start", no_thread)
        response = client.post("/api/traces", json={"url": fweb.seed, "follow": True, "background": True})
    assert response.status_code == 201  # finished (failed), not 202 "running" for ever
    follow = response.get_json()["follow"]
    assert follow["state"] == "failed" and "could not start" in follow["error"]
    events = sse_events(client.get(f"/api/traces/{response.get_json()['id']}/events").get_data(as_text=True))
    assert events[-1][0] == "failed"  # a progress stream ends instead of waiting
    assert client.post("/api/traces", json={"url": fweb.seed}).status_code == 201  # the slot was freed


def test_the_servers_traces_crawl_by_one_set_of_manners(follow_app, fweb, db_path):
    """All traces of a server share its per-host limits and robots.txt rules: a site's
    robots.txt is read once, not once a trace, and the read is in the fetch log."""
    client = follow_app.test_client()
    for page in (fweb.seed, fweb.cycle_a):  # both follow into pages on the main host
        assert client.post("/api/traces", json={"url": page, "follow": True}).status_code == 201
    assert fweb.requested(fweb.cycle_b) and fweb.requested(fweb.wsj)
    assert [path for _, path, _ in fweb.main.requests].count("/robots.txt") == 1
    logged = store.open_db(db_path).execute("SELECT count(*) FROM fetches WHERE url LIKE '%/robots.txt'")
    assert logged.fetchone()[0] == 1


def test_robots_txt_is_read_again_once_its_day_is_over(fweb):
    from headwater.fetch.politeness import Robots
    from headwater.tracing.follower import data_fetcher

    now = [0.0]
    robots = Robots(data_fetcher(Fetcher(allow_private=True)), HostGate(2, 0), ttl=100, clock=lambda: now[0])
    private = fweb.strict.url("/private/warning")
    assert not robots.allowed(private) and not robots.allowed(private)
    now[0] = 99.0
    assert not robots.allowed(private)
    assert len(robots.take_fetches()) == 1 and robots.take_fetches() == []
    fweb.strict.add("/robots.txt", Response("User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"}))
    now[0] = 100.0
    assert robots.allowed(private)
    assert len(robots.take_fetches()) == 1


def test_a_failing_robots_txt_blocks_the_site_for_minutes_not_a_day(fweb):
    from headwater.fetch.politeness import RETRY_SECONDS, Robots
    from headwater.tracing.follower import data_fetcher

    now = [0.0]
    robots = Robots(data_fetcher(Fetcher(allow_private=True)), HostGate(2, 0), clock=lambda: now[0])
    page = fweb.strict.url("/news/story")
    fweb.strict.add("/robots.txt", Response("down for maintenance", status=503, headers={"Content-Type": "text/plain"}))
    assert not robots.allowed(page)  # RFC 9309: a server error disallows everything
    fweb.strict.add("/robots.txt", Response("User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"}))
    now[0] = RETRY_SECONDS - 1
    assert not robots.allowed(page)
    now[0] = RETRY_SECONDS
    assert robots.allowed(page)  # asked again, and the site is back
    assert len(robots.take_fetches()) == 2
