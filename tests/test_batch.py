"""cli.batch: analyze and trace --from on the corpus engine (dask), results in input order, progress on stderr."""

import io
import time

import pytest

from headwater.cli import batch
from headwater.evaluation.localweb import Response

TEXTS = [
    "Ali Khoram told the Arabic daily Asharq al-Awsat that the letter had arrived.",
    "Nothing in this sentence is attributed to anyone at all.",
    '"We will not give up," Mitt Romney said at the event in Ohio.',
    "According to Reuters, the talks were extended by a week.",
]


@pytest.fixture
def files(tmp_path):
    paths = []
    for i, text in enumerate(TEXTS):
        path = tmp_path / f"{i}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def test_analyze_files_on_two_workers_matches_one_pipeline_in_order(files, attributor):
    expected = [[a.to_dict() for a in attributor.attribute(p.read_text(encoding="utf-8"))] for p in files]
    results = list(batch.analyze_files(files, workers=2))
    assert [r.file for r in results] == [str(p) for p in files]
    assert [r.attributions for r in results] == expected
    assert any(expected), "the sample texts must hold attributions, or the comparison shows nothing"


def test_an_unreadable_file_is_reported_and_the_batch_goes_on(files, tmp_path):
    missing = tmp_path / "missing.txt"
    results = list(batch.analyze_files([missing, files[0]], workers=1))
    assert results[0].attributions is None and "No such file" in results[0].error
    assert results[1].error is None and results[1].attributions


def test_progress_reports_counts_on_its_stream():
    stream = io.StringIO()
    progress = batch.Progress(3, "analyze", "files", stream=stream, every=0)
    for _ in range(3):
        progress.step()
    lines = stream.getvalue().splitlines()
    assert lines[-1].startswith("analyze 3/3 files")
    assert "1/3" in lines[0] and "s left" in lines[0]


def test_default_workers_is_every_usable_core():
    assert batch.default_workers() >= 1


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_print_puts_a_line_above_the_line_drawn_in_place(capsys):
    stream = _Terminal()
    progress = batch.Progress(2, "trace", "URLs", stream=stream)
    progress.step()
    progress.print("#1  https://example.com/a  3 sources")
    progress.step()
    assert capsys.readouterr().out == "#1  https://example.com/a  3 sources\n"
    drawn = stream.getvalue()
    assert drawn.startswith("\r\033[Ktrace 0/2 URLs")  # at once: the workers take a while to start
    assert "\r\033[K\r\033[Ktrace 1/2 URLs" in drawn  # cleared for the printed line, then drawn again
    assert "\r\033[Ktrace 2/2 URLs" in drawn and drawn.endswith("/s\n")


def test_nothing_is_drawn_when_not_shown_but_print_still_prints(capsys):
    stream = _Terminal()
    progress = batch.Progress(1, stream=stream, show=False)
    progress.print("result")
    progress.step()
    assert stream.getvalue() == "" and capsys.readouterr().out == "result\n"


# -- the batch trace of a URL list -----------------------------------------------------------

NAMES = ["Maria Lopez", "Bilal Khan", "Chen Yu", "Dana Levi"]


@pytest.fixture
def url_list(web, allow_private):
    """Four fixture pages, each quoting another person, with a malformed URL and a 404 among them."""
    from tests.helpers import FIXTURES

    seed = (FIXTURES / "seed.html").read_text(encoding="utf-8")
    urls = [web.add(f"/news/{n}", seed.replace("Mitt Romney", name)) for n, name in enumerate(NAMES)]
    return urls[:2] + ["not a url", web.url("/gone")] + urls[2:]


def _stored(db_path):
    from headwater import store

    db = store.open_db(db_path)
    traces = {row["url"]: store.load_trace(db, row["id"]).to_dict() for row in db.query("SELECT id, url FROM traces")}
    failed = [row["url"] for row in db.query("SELECT url FROM fetches WHERE error_code IS NOT NULL ORDER BY id")]
    return db, traces, failed


def test_trace_urls_on_two_workers_stores_each_good_page_and_reports_the_rest(url_list, tmp_path, monkeypatch):
    monkeypatch.setenv("HEADWATER_FOLLOW_DELAY", "0")  # one host: the politeness pause would only slow this down
    two = list(batch.trace_urls(url_list, tmp_path / "two.db", workers=2))
    assert [r.url for r in two] == url_list
    assert [r.error_code for r in two] == [None, None, "invalid_url", "http_error", None, None]
    assert "404" in two[3].error and two[3].trace_id is None
    good = [r for r in two if not r.error]
    assert [name in r.primary_sources for r, name in zip(good, NAMES)] == [True] * 4  # each its own page
    db, traces, failed = _stored(tmp_path / "two.db")
    assert sorted(traces) == sorted(r.url for r in good)
    assert {traces[r.url]["id"] for r in good} == {r.trace_id for r in good}
    assert db["documents"].count == 4  # nothing written for the failures but their failed fetches
    pages_failed = [url for url in failed if not url.endswith("/robots.txt")]  # the fixture site has none: a 404
    assert sorted(pages_failed) == sorted(["not a url", url_list[3]])

    one = list(batch.trace_urls(url_list, tmp_path / "one.db", workers=1))
    _, single, _ = _stored(tmp_path / "one.db")
    strip = lambda r: {**r.__dict__, "trace_id": None}  # noqa: E731  ids follow the order traces finish in
    assert [strip(r) for r in one] == [strip(r) for r in two]
    assert {u: t["attributions"] for u, t in single.items()} == {u: t["attributions"] for u, t in traces.items()}


def test_a_batch_on_two_workers_fetches_from_one_host_one_page_at_a_time_a_pause_apart(
    web, allow_private, tmp_path, monkeypatch
):
    """The workers share the politeness limits: per host at most HEADWATER_FOLLOW_PER_HOST requests
    at once, HEADWATER_FOLLOW_DELAY seconds apart, counted over the whole batch."""
    from tests.helpers import FIXTURES

    monkeypatch.setenv("HEADWATER_FOLLOW_PER_HOST", "1")
    monkeypatch.setenv("HEADWATER_FOLLOW_DELAY", "1.0")  # longer than one worker's fetch and analysis of a page
    seed = (FIXTURES / "seed.html").read_text(encoding="utf-8")
    arrivals = []

    def page(handler):
        arrivals.append(time.time())
        return Response(seed, delay=0.2)

    urls = [web.add(f"/news/{n}", page) for n in range(4)]
    results = list(batch.trace_urls(urls, tmp_path / "polite.db", workers=2))
    assert [r.error for r in results] == [None] * 4
    gaps = [b - a for a, b in zip(sorted(arrivals), sorted(arrivals)[1:])]
    assert len(arrivals) == 4 and min(gaps) >= 0.95, gaps


def test_a_batch_obeys_robots_txt_and_says_which_pages_it_refused(web, allow_private, tmp_path, monkeypatch):
    from tests.helpers import FIXTURES

    monkeypatch.setenv("HEADWATER_FOLLOW_DELAY", "0")
    seed = (FIXTURES / "seed.html").read_text(encoding="utf-8")
    web.add("/robots.txt", Response("User-agent: *\nDisallow: /private/\n", headers={"Content-Type": "text/plain"}))
    urls = [web.add("/news/open", seed), web.add("/private/closed", seed)]
    results = list(batch.trace_urls(urls, tmp_path / "robots.db", workers=1))
    assert results[0].error is None and results[0].trace_id
    assert results[1].error_code == "blocked" and "robots.txt" in results[1].error
    assert not [r for r in web.requests if r[1] == "/private/closed"]  # never fetched
    db, traces, failed = _stored(tmp_path / "robots.db")
    assert list(traces) == [urls[0]] and failed == [urls[1]]
    assert db.execute("SELECT count(*) FROM fetches WHERE url LIKE '%/robots.txt'").fetchone()[0] == 1  # once a site
