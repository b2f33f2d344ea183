"""headwater corpus: WARC files, saved pages and URL lists traced on dask into Parquet datasets.

The WARC files, folders and URL lists are made here (warcio's writer, the fixture web
server on 127.0.0.1); one local cluster of two workers serves the whole module.
"""

import gzip
import io
import json
import os
import re
import signal
import sqlite3
import threading
import time

import networkx as nx
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from headwater.cli import main as cli
from headwater.corpus import engine, inputs, output, pipeline
from headwater.corpus.tasks import RunConfig
from headwater.evaluation.localweb import FixtureWeb, Response
from headwater.settings import FetchSettings
from headwater.tracing import workers
from tests.helpers import FIXTURES

MAX_BYTES = 50_000  # the size cap of these runs (HEADWATER_MAX_BYTES)
SEED = (FIXTURES / "seed.html").read_text(encoding="utf-8")

ARTICLE = """<html><head><title>{title}</title>
<meta property="article:published_time" content="{published}"></head>
<body><article><h1>{title}</h1><p>{lead}</p>
<p>The negotiations in Vienna have gone on for more than a year, and diplomats say the remaining gaps are
narrow but politically difficult to close.</p>
<p>An official who asked not to be named said the delegations would meet again next week.</p>
</article></body></html>"""


def article(lead: str, published: str = "2024-05-01", title: str = "Talks to continue") -> str:
    return ARTICLE.format(title=title, lead=lead, published=published)


def seed_as(name: str) -> str:
    return SEED.replace("Mitt Romney", name)


# -- WARC files made with warcio's writer -----------------------------------------------------


class Warc:
    def __init__(self, path, gz=True):
        self.path = path
        self.buffer = io.BytesIO()
        self.writer = WARCWriter(self.buffer, gzip=gz)

    def response(self, url, body, content_type="text/html; charset=utf-8", status="200 OK"):
        body = body.encode("utf-8") if isinstance(body, str) else body
        http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        self.writer.write_record(
            self.writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http)
        )
        return self

    def request(self, url):
        http = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.com")], is_http_request=True)
        self.writer.write_record(
            self.writer.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=http)
        )
        return self

    def resource(self, url, body, content_type):
        self.writer.write_record(
            self.writer.create_warc_record(url, "resource", payload=io.BytesIO(body), warc_content_type=content_type)
        )
        return self

    def revisit(self, url):
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        self.writer.write_record(
            self.writer.create_revisit_record(
                url, "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", url, "2024-05-01T00:00:00Z", http_headers=http
            )
        )
        return self

    def save(self, cut: int = 0):
        data = self.buffer.getvalue()
        self.path.write_bytes(data[: len(data) - cut] if cut else data)
        return self.path


@pytest.fixture(scope="module")
def client():
    """The engine's local cluster of two worker processes, one pipeline each, for the whole module."""
    from distributed import Client

    local = engine._local_cluster(2)
    with Client(local) as c:
        c.register_plugin(pipeline.PipelinePlugin())
        yield c


@pytest.fixture(autouse=True)
def _quiet_web(request):
    """A connection dropped by a client (a killed worker, a fetch that stops reading) is no test failure:
    the fixture server does not print its traceback into the output the CLI tests read."""
    if "web" in request.fixturenames:
        request.getfixturevalue("web").server.handle_error = lambda request, address: None


def config(**changes) -> RunConfig:
    return RunConfig(fetch=FetchSettings(max_bytes=MAX_BYTES), allow_private=True, politeness_delay=0.0, **changes)


def rows(out, name):
    return output.dataset(out, name).to_table().to_pylist()


@pytest.fixture
def archive(tmp_path):
    """A WARC with two articles among records that are no pages, a WARC cut mid-record, a folder."""
    good = Warc(tmp_path / "news.warc.gz")
    good.request("https://www.reuters.com/world/talks-1")
    good.response(
        "https://www.reuters.com/world/talks-1",
        article("The Wall Street Journal reported on Monday that the talks would continue.", "2024-05-01"),
    )
    good.response(
        "https://www.wsj.com/articles/talks-2",
        article("Reuters reported on Monday that the talks would continue for another week.", "2024-05-03"),
    )
    good.response("https://www.reuters.com/logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png")
    good.response("https://www.reuters.com/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
    good.resource("https://www.reuters.com/report.pdf", b"%PDF-1.4\n" + b"0" * 100, "application/pdf")
    good.revisit("https://www.reuters.com/world/talks-1")
    good.response("https://www.reuters.com/huge", "<html><body><p>" + "word " * 20_000 + "</p></body></html>")
    good.response("https://www.reuters.com/binary", bytes(range(256)) * 8, "text/html")
    good.response("https://www.reuters.com/moved", "", status="301 Moved Permanently")
    cut = Warc(tmp_path / "cut.warc", gz=False)
    cut.response(
        "https://www.wsj.com/articles/talks-3",
        article("Reuters reported on Tuesday that the talks had been extended.", "2024-05-04"),
    )
    cut.response("https://www.wsj.com/articles/talks-4", article("Reuters reported that a deal was near."))
    folder = tmp_path / "saved"
    (folder / "2024").mkdir(parents=True)
    (folder / "one.html").write_text(seed_as("Maria Lopez"), encoding="utf-8")
    (folder / "2024" / "two.html.gz").write_bytes(gzip.compress(seed_as("Bilal Khan").encode("utf-8")))
    (folder / "broken.html.gz").write_bytes(gzip.compress(seed_as("Chen Yu").encode("utf-8"))[:300])
    (folder / "notes.txt").write_text("not a page, not read")
    return good.save(), cut.save(cut=400), folder


def test_a_mixed_corpus_gives_every_good_page_and_says_why_each_other_record_is_not_one(client, archive, tmp_path):
    warc, cut, folder = archive
    out = tmp_path / "out"
    summary = engine.run_corpus(client, [str(warc), str(cut), str(folder)], out, config=config())
    pages = rows(out, "pages")
    assert sorted(p["final_url"] or p["record_file"] for p in pages) == sorted(
        [
            "https://www.reuters.com/world/talks-1",
            "https://www.wsj.com/articles/talks-2",
            "https://www.wsj.com/articles/talks-3",  # the good record before the cut one
            "https://www.example-blog.com/2014/11/iranian-official-confirms-obama-letter",  # one.html, canonical
            "https://www.example-blog.com/2014/11/iranian-official-confirms-obama-letter",  # 2024/two.html.gz
        ]
    )
    assert len({p["page_id"] for p in pages}) == len(pages) == summary.pages == 5
    errors = {(e["url"] or e["record"]): (e["reason"], e["message"]) for e in rows(out, "errors")}
    reasons = {key: reason for key, (reason, _) in errors.items()}
    assert reasons == {
        "https://www.reuters.com/logo.png": "not_html",
        "https://www.reuters.com/robots.txt": "not_html",
        "https://www.reuters.com/report.pdf": "not_html",
        "https://www.reuters.com/world/talks-1": "revisit",
        "https://www.reuters.com/huge": "too_large",
        "https://www.reuters.com/binary": "undecodable",
        "https://www.reuters.com/moved": "http_status",
        "https://www.wsj.com/articles/talks-4": "truncated",
        str(folder / "broken.html.gz"): "truncated",
    }, errors
    assert "image/png, not HTML" in errors["https://www.reuters.com/logo.png"][1]
    assert "bytes missing" in errors["https://www.wsj.com/articles/talks-4"][1]
    assert str(MAX_BYTES) in errors["https://www.reuters.com/huge"][1]
    assert summary.errors == len(errors) and summary.attributions == len(rows(out, "attributions"))
    by_url = {p["final_url"]: p for p in pages}
    talks = by_url["https://www.reuters.com/world/talks-1"]
    assert talks["outlet"] == "Reuters" and talks["record_kind"] == "warc" and talks["record_file"] == str(warc)
    assert talks["record_offset"] > 0 and talks["published"] == "2024-05-01"
    saved = [p for p in pages if p["record_kind"] == "file"]
    assert sorted(p["record_file"] for p in saved) == sorted(
        [str(folder / "one.html"), str(folder / "2024" / "two.html.gz")]
    )
    assert {a["form"] for a in rows(out, "attributions")} == {"verb"}


def test_a_folder_of_warc_files_and_pages_reads_both(tmp_path):
    folder = tmp_path / "archive"
    (folder / "crawl").mkdir(parents=True)
    Warc(folder / "crawl" / "a.warc.gz").response("https://www.reuters.com/a", article("Reuters said so.")).save()
    (folder / "b.html").write_text(SEED)
    parts, _ = inputs.partitions([str(folder)])
    assert sorted((p.kind, p.input, p.items) for p in parts) == [
        ("files", str(folder), ("b.html",)),
        ("warc", str(folder / "crawl" / "a.warc.gz"), ()),
    ]
    again, _ = inputs.partitions([str(folder), str(folder / "crawl" / "a.warc.gz")])
    assert [p.id for p in again] == [p.id for p in parts]  # a WARC named twice is read once


def test_a_pages_rows_are_what_trace_html_gives_for_it(client, archive, tmp_path, attributor):
    from headwater import store
    from headwater.tracing.tracer import Tracer

    warc, _, _ = archive
    out = tmp_path / "out"
    engine.run_corpus(client, [str(warc)], out, config=config())
    url = "https://www.reuters.com/world/talks-1"
    html = article("The Wall Street Journal reported on Monday that the talks would continue.", "2024-05-01")
    trace = Tracer(store.open_db(":memory:"), attributor=attributor).trace(url, html=html).to_dict()
    page = next(p for p in rows(out, "pages") if p["url"] == url)
    mine = sorted((a for a in rows(out, "attributions") if a["page_id"] == page["page_id"]), key=lambda a: a["idx"])
    expected = [
        (
            a["source"]["name"],
            a["source"]["kind"],
            a["source"]["role"],
            a["cue"]["text"],
            a["cue"]["start"],
            (a["content"] or {}).get("text"),
            (a["content"] or {}).get("start"),
            a["via"] and a["via"]["name"],
            a["relayed_by"],
            a["link"],
            a["confidence"],
        )
        for a in trace["attributions"]
    ]
    assert [
        (
            a["source_name"],
            a["source_kind"],
            a["source_role"],
            a["cue_text"],
            a["cue_start"],
            a["content_text"],
            a["content_start"],
            a["via_name"],
            a["relayed_by"],
            a["link"],
            a["confidence"],
        )
        for a in mine
    ] == expected
    assert page["n_attributions"] == len(expected) and page["title"] == trace["title"]
    assert page["primary_sources"] == [p["name"] for p in trace["primary_sources"]]
    cited = {(c["source_name"], c["source_kind"]) for c in rows(out, "citations") if c["page_id"] == page["page_id"]}
    assert ("The Wall Street Journal", "outlet") in cited and ("official", "anonymous") in cited


def test_the_outlet_graph_counts_pages_citing_each_outlet_with_first_and_last_dates(client, archive, tmp_path):
    warc, cut, _ = archive
    out = tmp_path / "out"
    engine.run_corpus(client, [str(warc), str(cut)], out, config=config())
    graph = {(r["citing_outlet"], r["cited_outlet"]): r for r in _outlet_rows(out)}
    assert graph[("The Wall Street Journal", "Reuters")]["pages"] == 2  # talks-2 and talks-3
    assert graph[("The Wall Street Journal", "Reuters")]["first_published"] == "2024-05-03"
    assert graph[("The Wall Street Journal", "Reuters")]["last_published"] == "2024-05-04"
    assert graph[("Reuters", "The Wall Street Journal")]["pages"] == 1
    read = nx.read_graphml(out / "outlet_graph.graphml")
    assert read.edges["The Wall Street Journal", "Reuters"]["pages"] == 2


def test_a_pages_own_earlier_story_is_marked_own_and_no_edge_of_the_outlet_graph(client, tmp_path):
    warc = Warc(tmp_path / "links.warc.gz")
    lead = (
        'The talks <a href="https://www.reuters.com/world/europe/talks-began-in-vienna-2023-05-01/">began last'
        ' year</a> and <a href="https://www.wsj.com/articles/vienna-talks-stall-over-sanctions-11683000000">stalled'
        " in May over sanctions</a>, and the delegations are due back next week."
    )
    warc.response("https://www.reuters.com/world/talks-5", article(lead, "2024-05-06"))
    out = tmp_path / "out"
    engine.run_corpus(client, [str(warc.save())], out, config=config())
    links = {a["link"]: a for a in rows(out, "attributions") if a["form"] == "link"}
    own = links["https://www.reuters.com/world/europe/talks-began-in-vienna-2023-05-01/"]
    other = links["https://www.wsj.com/articles/vienna-talks-stall-over-sanctions-11683000000"]
    assert own["own_site"] is True and other["own_site"] is False
    assert {c["own_site"] for c in rows(out, "citations") if c["source_outlet"] == "Reuters"} == {True}
    graph = {(r["citing_outlet"], r["cited_outlet"]) for r in _outlet_rows(out)}
    assert ("Reuters", "The Wall Street Journal") in graph and ("Reuters", "Reuters") not in graph


def _outlet_rows(out):
    import pyarrow.parquet as pq

    return pq.read_table(out / "outlet_graph" / "part-0.parquet").to_pylist()


def test_each_worker_loads_the_model_once_whatever_the_number_of_partitions(client, tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(6):
        (folder / f"{n}.html").write_text(seed_as(f"Person Number{n}"), encoding="utf-8")
    old = inputs.FILES_PER_PARTITION
    inputs.FILES_PER_PARTITION = 1  # six partitions for two workers
    try:
        summary = engine.run_corpus(client, [str(folder)], tmp_path / "out", config=config())
    finally:
        inputs.FILES_PER_PARTITION = old
    assert summary.partitions == 6 and summary.pages == 6
    loads = client.run(lambda: list(pipeline.LOADS))
    assert len(loads) == 2 and all(len(pids) == 1 for pids in loads.values()), loads


def test_two_workers_never_fetch_from_one_host_at_the_same_time(client, web, tmp_path, monkeypatch):
    other = FixtureWeb().start()
    try:
        lock = threading.Lock()
        state = {web.base: {"now": 0, "most": 0, "served": 0}, other.base: {"now": 0, "most": 0, "served": 0}}

        def counted(base, body):
            def handler(_):
                with lock:
                    state[base]["now"] += 1
                    state[base]["most"] = max(state[base]["most"], state[base]["now"])
                time.sleep(0.15)  # long enough for a second worker to arrive, were it let in
                with lock:
                    state[base]["now"] -= 1
                    state[base]["served"] += 1
                return Response(body)

            return handler

        urls = []
        for server in (web, other):
            urls += [server.add(f"/news/{n}", counted(server.base, seed_as(f"Person Number{n}"))) for n in range(4)]
        listing = tmp_path / "urls.txt"
        listing.write_text("\n".join(urls) + "\n", encoding="utf-8")
        monkeypatch.setattr(inputs, "URLS_PER_PARTITION", 2)  # a host's 4 URLs would be split, were hosts splittable
        out = tmp_path / "out"
        summary = engine.run_corpus(client, [str(listing)], out, config=config())
    finally:
        other.stop()
    assert summary.pages == 8 and summary.partitions == 2
    assert [state[base]["served"] for base in state] == [4, 4]
    assert [state[base]["most"] for base in state] == [1, 1]  # one request at a time at each host
    pages = rows(out, "pages")
    assert sorted(p["url"] for p in pages) == sorted(urls) and {p["record_kind"] for p in pages} == {"fetched"}
    for base in state:
        assert len({p["partition"] for p in pages if p["url"].startswith(base)}) == 1


def test_a_dead_url_and_a_bad_one_are_errors_and_the_run_goes_on(client, web, allow_private, tmp_path):
    good = web.add("/news/good", seed_as("Maria Lopez"))
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# today\n{good}\n{web.url('/gone')}\nnot a url\nhttp://127.0.0.1:1/closed\n")
    out = tmp_path / "out"
    summary = engine.run_corpus(client, [str(listing)], out, config=config())
    assert [p["url"] for p in rows(out, "pages")] == [good] and summary.pages == 1
    errors = {e["url"]: e for e in rows(out, "errors")}
    assert errors[web.url("/gone")]["reason"] == "http_error" and "404" in errors[web.url("/gone")]["message"]
    assert errors["not a url"]["reason"] == "invalid_url"
    assert errors["http://127.0.0.1:1/closed"]["reason"] not in (None, "", "analysis_failed")
    assert {e["input"] for e in errors.values()} == {str(listing)}


def test_a_worker_killed_mid_run_has_its_partition_run_again_and_every_page_is_written_once(client, web, tmp_path):
    arrived, release, calls = threading.Event(), threading.Event(), []

    def stalls_the_first_time(_):
        calls.append(time.monotonic())
        if len(calls) == 1:
            arrived.set()
            release.wait(60)
        return Response(seed_as("Dana Levi"))

    urls = [
        web.add("/slow", stalls_the_first_time),
        web.add("/quick/1", seed_as("Chen Yu")),
        web.add("/quick/2", seed_as("Bilal Khan")),
    ]
    listing = tmp_path / "urls.txt"
    listing.write_text("\n".join(urls) + "\n")
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "a.html").write_text(seed_as("Maria Lopez"))
    out = tmp_path / "out"
    done = {}
    run = threading.Thread(
        target=lambda: done.update(summary=engine.run_corpus(client, [str(listing), str(folder)], out, config=config()))
    )
    run.start()
    try:
        assert arrived.wait(120), "the slow page was never asked for"
        pids = client.run(os.getpid)
        busy = [
            address
            for address, keys in client.processing().items()
            if any(str(key).startswith("headwater-urls-") for key in keys)
        ]
        assert len(busy) == 1
        os.kill(pids[busy[0]], signal.SIGKILL)
    finally:
        release.set()
        run.join(300)
    summary = done["summary"]
    assert len(calls) == 2  # the partition ran again on a live worker
    assert not summary.failed and summary.pages == 4
    pages = rows(out, "pages")
    assert sorted(p["url"] or p["record_file"] for p in pages) == sorted(urls + [str(folder / "a.html")])
    attributions = rows(out, "attributions")
    assert len({(a["page_id"], a["idx"]) for a in attributions}) == len(attributions)  # no page twice
    assert not [p for p in out.rglob(".*.tmp")]


# -- the command line -------------------------------------------------------------------------------


def run(capsys, *args):
    code = cli.main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def corpus_env(monkeypatch, allow_private):
    monkeypatch.setenv("HEADWATER_MAX_BYTES", str(MAX_BYTES))
    monkeypatch.setenv("HEADWATER_FOLLOW_DELAY", "0")


def test_corpus_run_then_rerun_skips_what_is_written_and_redoes_what_is_not(
    capsys, client, archive, web, corpus_env, tmp_path
):
    warc, cut, folder = archive
    listing = tmp_path / "urls.txt"
    listing.write_text(web.add("/news/a", seed_as("Maria Lopez")) + "\n" + web.url("/gone") + "\n")
    out = tmp_path / "out"
    args = [
        "corpus",
        "run",
        warc,
        cut,
        folder,
        listing,
        "--out",
        out,
        "--scheduler",
        client.scheduler_info()["address"],
    ]
    code, stdout, err = run(capsys, *args)
    assert code == 0, err
    assert re.fullmatch(r"6 pages, \d+ attributions, 10 errors in [\d.]+ s\n", stdout), stdout
    assert "dask dashboard at http" in err and "corpus 4/4 partitions, 6 pages" in err
    assert "Traceback" not in err, err
    first = sorted(p["page_id"] for p in rows(out, "pages"))

    code, stdout, err = run(capsys, *args)
    assert code == 0 and stdout.startswith("0 pages, 0 attributions, 0 errors in ")
    assert "skipping 4 of 4 partitions already written" in err and "nothing to do" in err

    (out / "_done" / next(p.name for p in (out / "_done").iterdir())).unlink()  # as if cut short there
    code, stdout, err = run(capsys, *args)
    assert code == 0 and "skipping 3 of 4 partitions" in err
    assert sorted(p["page_id"] for p in rows(out, "pages")) == first  # each page once


def test_corpus_run_on_its_own_local_cluster_with_a_limit(capsys, archive, corpus_env, tmp_path):
    warc, _, _ = archive
    code, stdout, err = run(capsys, "corpus", "run", warc, "--out", tmp_path / "out", "--workers", "2", "--limit", "3")
    assert code == 0, err
    assert stdout.startswith("2 pages, ") and " 1 errors in " in stdout  # two articles and the image: 3 records
    assert "dask dashboard at http" in err


def test_corpus_stats_and_load(capsys, client, archive, corpus_env, tmp_path):
    warc, cut, folder = archive
    out = tmp_path / "out"
    engine.run_corpus(client, [str(warc), str(cut), str(folder)], out, config=config())
    code, stdout, err = run(capsys, "corpus", "stats", out)
    assert code == 0, err
    assert "5 pages" in stdout
    cited = stdout.split("Most-cited outlets (pages citing them):\n")[1].split("\n\n")[0].splitlines()
    assert cited[0].split() == ["3", "The", "Wall", "Street", "Journal"]  # reuters' page and the two saved ones
    assert "Reuters <-> The Wall Street Journal" in stdout
    anonymous = sum(a["source_kind"] == "anonymous" for a in rows(out, "attributions"))
    assert f"Anonymous sources: {100 * anonymous / len(rows(out, 'attributions')):.1f}% of" in stdout
    reasons = stdout.split("Errors by reason:\n")[1].splitlines()
    assert reasons[0].split() == ["3", "not_html"] and any(r.split() == ["2", "truncated"] for r in reasons)

    db = tmp_path / "corpus.db"
    code, stdout, err = run(capsys, "corpus", "load", out, "--db", db)
    assert code == 0 and f"headwater review --db {db}" in stdout
    conn = sqlite3.connect(db)
    count = lambda table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: E731
    assert count("corpus_pages") == 5 and count("corpus_errors") == len(rows(out, "errors"))
    assert count("corpus_attributions") == len(rows(out, "attributions"))
    primary = conn.execute("SELECT primary_sources FROM corpus_pages WHERE record_file LIKE '%one.html'").fetchone()
    assert "Maria Lopez" in json.loads(primary[0])
    code, _, _ = run(capsys, "corpus", "load", out, "--db", db)  # again: replaced, not doubled
    assert code == 0 and sqlite3.connect(db).execute("SELECT count(*) FROM corpus_pages").fetchone()[0] == 5


@pytest.mark.parametrize(
    "args, message",
    [
        (["corpus", "run", "NOPE", "--out", "OUT"], "No such input: NOPE"),
        (["corpus", "run", "DIR", "--out", "OUT", "--workers", "0"], "--workers takes"),
        (
            ["corpus", "run", "DIR", "--out", "OUT", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"],
            "with --scheduler the cluster has its own workers",
        ),
        (["corpus", "run", "DIR", "--out", "OUT", "--limit", "0"], "--limit takes"),
        (["corpus", "run", "DIR", "--out", "FILE"], "is a file"),
        (["corpus", "run", "EMPTY", "--out", "OUT"], "No URLs in"),
        (["corpus", "run", "EMPTYDIR", "--out", "OUT"], "Nothing to read"),
        (["corpus", "stats", "EMPTYDIR"], "holds no corpus output"),
        (["corpus", "load", "EMPTYDIR", "--db", "DB"], "holds no corpus output"),
    ],
)
def test_corpus_usage_errors_are_one_clear_line(capsys, tmp_path, args, message):
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "a.html").write_text(SEED)
    (tmp_path / "emptydir").mkdir()
    (tmp_path / "file").write_text("x")
    (tmp_path / "empty.txt").write_text("# nothing yet\n")
    names = {
        "DIR": tmp_path / "dir",
        "OUT": tmp_path / "out",
        "FILE": tmp_path / "file",
        "EMPTY": tmp_path / "empty.txt",
        "EMPTYDIR": tmp_path / "emptydir",
        "DB": tmp_path / "c.db",
    }
    code, out, err = run(capsys, *[names.get(a, a) for a in args])
    assert code == 1 and message in err and "Traceback" not in err and out == "", err
    assert not (tmp_path / "out").exists()


def test_an_unreachable_scheduler_is_a_message(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "CONNECT_TIMEOUT", "1s")
    (tmp_path / "a.html").write_text(SEED)
    code, out, err = run(
        capsys, "corpus", "run", tmp_path / "a.html", "--out", tmp_path / "out", "--scheduler", "tcp://127.0.0.1:1"
    )
    assert code == 1 and "Cannot reach the dask scheduler at tcp://127.0.0.1:1" in err and "Traceback" not in err


def test_with_follow_each_page_is_traced_upstream_to_its_primary_sources(client, tmp_path):
    from headwater.settings import FollowSettings
    from tests.helpers.followweb import Web

    fweb = Web(slow_delay=0.1).start()
    try:
        listing = tmp_path / "urls.txt"
        listing.write_text(fweb.seed + "\n")
        follow = FollowSettings(politeness_delay=0, wayback_api=fweb.wayback_api, news_index_api=fweb.news_index_api)
        out = tmp_path / "out"
        summary = engine.run_corpus(client, [str(listing)], out, config=config(follow=follow))
    finally:
        fweb.stop()
    assert summary.pages == 1
    page = rows(out, "pages")[0]
    assert page["upstream_pages"] >= 3  # the blog, the Journal, Asharq al-Awsat
    assert "Ali Khoram" in page["primary_sources"] and "The Wall Street Journal" not in page["primary_sources"]
    assert page["n_attributions"] == len([a for a in rows(out, "attributions") if a["page_id"] == page["page_id"]])


def test_the_progress_line_counts_pages_reported_mid_partition_once():
    from headwater.corpus.progress import CorpusProgress

    stream = io.StringIO()
    progress = CorpusProgress(2, stream=stream, every=0)
    progress.partial("a", 5, 0.5)  # a worker's report while partition a runs: half through it
    assert "corpus 0/2 partitions, 5 pages" in stream.getvalue() and " s left" in stream.getvalue()
    progress.add(7, "a")  # a is done: its final count replaces the report
    progress.partial("a", 3)  # a late report changes nothing
    progress.add(1, "b")
    assert stream.getvalue().splitlines()[-1].startswith("corpus 2/2 partitions, 8 pages, ")


def test_a_record_over_the_analysis_budget_is_an_error_and_the_partition_goes_on(archive, tmp_path, monkeypatch):
    """The server's budget holds in corpus mode: with a budget no analysis can meet, each page is
    an error of reason too_complex (its analysis process replaced), and the records that are no
    pages still say why; the partition is written whole."""
    from headwater.corpus.tasks import run_partition

    monkeypatch.setenv("HEADWATER_ANALYSIS_SECONDS", "0.01")
    monkeypatch.setattr(pipeline, "_local", None)  # this process's pipeline, made under the budget
    parts, _ = inputs.partitions([str(archive[0])])
    out = tmp_path / "out"
    output.prepare(out)
    try:
        for part in parts:
            run_partition(part, config(), str(out))
        assert isinstance(pipeline._local, workers.AnalysisPool)
    finally:
        if pipeline._local is not None:
            pipeline._local.close()
    errors = {(row["url"], row["reason"]) for row in rows(out, "errors")}
    assert ("https://www.reuters.com/world/talks-1", "too_complex") in errors
    assert ("https://www.wsj.com/articles/talks-2", "too_complex") in errors
    assert ("https://www.reuters.com/logo.png", "not_html") in errors
    assert rows(out, "pages") == []
    message = next(row["message"] for row in rows(out, "errors") if row["reason"] == "too_complex")
    assert "0.01 seconds" in message and "HEADWATER_ANALYSIS_SECONDS" in message
