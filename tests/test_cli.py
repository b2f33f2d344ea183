"""The `headwater` command as a user meets it: output, exit codes, messages."""

import json
import subprocess
import sys

import pytest

from headwater import store
from headwater.cli import main as cli
from headwater.evaluation.localweb import Response
from tests.helpers import FIXTURES, SEED_URL


def run(capsys, *args):
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_trace_shows_progress_and_where_it_was_stored(capsys, db_path):
    code, out, err = run(capsys, "trace", "--html", str(FIXTURES / "seed.html"), "--url", SEED_URL, "--db", db_path)
    assert code == 0
    assert "Extracting the article" in err and "Finding sources" in err
    assert f"Stored as trace 1 in {db_path}" in err
    assert "Chains, from this page to each primary source:" in out


def test_trace_db_from_environment(capsys, tmp_path, monkeypatch):
    path = tmp_path / "elsewhere.db"
    monkeypatch.setenv("HEADWATER_DB", str(path))
    code, _, _ = run(capsys, "trace", "--html", str(FIXTURES / "seed.html"), "--url", SEED_URL)
    assert code == 0
    assert store.open_db(path)["traces"].count == 1


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["trace", "not a url"], 2, "not a valid web address"),
        (["trace", "ftp://example.com/x"], 2, "http"),
        (["trace"], 1, "Give the page's URL"),
        (["trace", "--html", "/no/such/file.html", "--url", SEED_URL], 1, "Cannot read /no/such/file.html"),
    ],
)
def test_trace_bad_input(capsys, db_path, args, code, message):
    got, out, err = run(capsys, *args, "--db", db_path)
    assert got == code
    assert message.lower() in err.lower()
    assert out == ""
    assert store.open_db(db_path)["traces"].count == 0


def test_trace_http_errors_are_reported_and_logged(capsys, db_path, web, allow_private):
    url = web.add("/missing", Response("nope", status=404))
    code, out, err = run(capsys, "trace", url, "--db", db_path)
    assert code == 3 and "404" in err
    code, out, _ = run(capsys, "log", "--db", db_path)
    assert "FAILED http_error" in out and url in out


def test_trace_without_text(capsys, db_path, tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body><nav>Home</nav></body></html>")
    code, _, err = run(capsys, "trace", "--html", str(empty), "--url", SEED_URL, "--db", db_path)
    assert code == 4 and "no article text" in err.lower()


def test_analyze_jsonl_offsets_into_each_file(capsys, tmp_path):
    first = tmp_path / "one.txt"
    first.write_text("Officials said that the bridge would reopen.\n", encoding="utf-8")
    second = tmp_path / "two.txt"
    second.write_text("Nothing here.\n\n\u201cWe will win,\u201d Jana Novak said.\n", encoding="utf-8")
    code, out, _ = run(capsys, "analyze", str(first), str(second), "--jsonl")
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["file"] for line in lines] == [str(first), str(second)]
    for line in lines:
        text = open(line["file"], encoding="utf-8").read()
        for a in line["attributions"]:
            assert text[a["cue"]["start"] : a["cue"]["end"]] == a["cue"]["text"]
    assert lines[1]["attributions"][0]["source"]["name"] == "Jana Novak"


def test_analyze_reports_unreadable_files(capsys, tmp_path):
    code, out, err = run(capsys, "analyze", str(tmp_path / "missing.txt"), "--jsonl")
    assert code == 1 and "skipping" in err


def test_log_of_an_empty_store(capsys, db_path):
    code, out, _ = run(capsys, "log", "--db", db_path)
    assert code == 0 and "empty" in out


def test_console_script_is_installed():
    result = subprocess.run([sys.executable, "-m", "headwater.cli", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("headwater ")


def test_analyze_with_several_workers_keeps_input_order(capsys, tmp_path):
    files = []
    for n, name in enumerate(["Ana Souza", "Bilal Khan", "Chen Yu"]):
        path = tmp_path / f"{n}.txt"
        path.write_text(f"{name} said that the vote would be close.\n", encoding="utf-8")
        files.append(str(path))
    code, out, _ = run(capsys, "analyze", *files, "--jsonl", "--workers", "2")
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["file"] for line in lines] == files
    assert all(line["attributions"] for line in lines)
    code, single, _ = run(capsys, "analyze", *files, "--jsonl")
    assert single == out  # the same answer as one process


# -- trace --from: a list of URLs on several workers ---------------------------------------------


@pytest.fixture
def url_list(web, allow_private, tmp_path):
    """Three fixture pages, a malformed URL and a 404, in a list file with a comment and a blank line."""
    seed = (FIXTURES / "seed.html").read_text(encoding="utf-8")
    good = [
        web.add(f"/news/{n}", seed.replace("Mitt Romney", name))
        for n, name in enumerate(["Maria Lopez", "Bilal Khan", "Chen Yu"])
    ]
    urls = good[:2] + ["http://exa mple.com/x", web.url("/gone")] + good[2:]
    path = tmp_path / "urls.txt"
    path.write_text("# to trace\n\n" + "\n".join(f"  {url}" for url in urls) + "\n", encoding="utf-8")
    return path, urls, good


def test_trace_from_a_list_on_two_workers(capsys, db_path, url_list):
    path, urls, good = url_list
    code, out, err = run(capsys, "trace", "--from", str(path), "--workers", "2", "--db", db_path)
    assert code == cli.SOME_FAILED == 6
    lines = [line.split("  ") for line in out.splitlines()]  # "#ID  URL  N sources"
    assert [url for _, url, _ in lines] == good  # a line per traced URL, in the list's order
    assert "headwater: http://exa mple.com/x: " in err and "not a valid web address" in err
    assert f"headwater: {urls[3]}: " in err and "404" in err
    assert "trace 5/5 URLs" in err  # the progress line
    assert f"Traced 3 of 5 URLs into {db_path}; 2 failed." in err
    db = store.open_db(db_path)
    stored = {row["url"]: row["id"] for row in db.query("SELECT id, url FROM traces")}
    assert stored == {url: int(number.lstrip("#")) for number, url, _ in lines}
    for number, _, sources in lines:
        attributions = store.load_trace(db, int(number.lstrip("#"))).to_dict()["attributions"]
        assert sources == f"{len({(a['source']['name'], a['source']['kind']) for a in attributions})} sources"
    assert db["documents"].count == 3


def test_trace_from_stdin_as_json_lines_is_the_same_on_one_worker_as_on_two(
    capsys, db_path, tmp_path, url_list, monkeypatch
):
    import io

    path, urls, good = url_list
    monkeypatch.setattr(sys, "stdin", io.StringIO(path.read_text(encoding="utf-8")))
    code, out, err = run(capsys, "trace", "--from", "-", "--json", "--workers", "1", "--db", db_path)
    assert code == 6
    one = [json.loads(line) for line in out.splitlines()]
    assert [line["url"] for line in one] == urls  # failures too, with their error
    assert [line["error"] and line["error"]["code"] for line in one] == [None, None, "invalid_url", "http_error", None]
    assert "Maria Lopez" in one[0]["primary_sources"] and one[0]["sources"] >= len(one[0]["primary_sources"])
    other = str(tmp_path / "other.db")
    code, out, _ = run(capsys, "trace", "--from", str(path), "--json", "--workers", "2", "--db", other)
    two = [json.loads(line) for line in out.splitlines()]
    assert [{**line, "id": None} for line in two] == [{**line, "id": None} for line in one]


def test_trace_from_a_list_where_every_url_is_traced_exits_0(capsys, db_path, tmp_path, web, allow_private):
    path = tmp_path / "one.txt"
    path.write_text(web.add("/a", (FIXTURES / "seed.html").read_text(encoding="utf-8")) + "\n")
    code, out, err = run(capsys, "trace", "--from", str(path), "--db", db_path)  # default: every core
    assert code == 0 and out.startswith("#1  ") and "Traced 1 of 1 URL into" in err


@pytest.mark.parametrize(
    "args, message",
    [
        (["trace", "--from", "/no/such/list.txt"], "Cannot read /no/such/list.txt"),
        (["trace", "--from", "LIST", "https://example.com/a"], "give no URL or --html"),
        (["trace", "--from", "EMPTY"], "No URLs in"),
        (["trace", "--from", "LIST", "--workers", "-1"], "--workers takes"),
        (["trace", "https://example.com/a", "--workers", "2"], "--workers goes with --from"),
    ],
)
def test_trace_from_usage_errors(capsys, db_path, tmp_path, args, message):
    (tmp_path / "list.txt").write_text("https://example.com/a\n")
    (tmp_path / "empty.txt").write_text("# nothing yet\n\n")
    args = [{"LIST": str(tmp_path / "list.txt"), "EMPTY": str(tmp_path / "empty.txt")}.get(a, a) for a in args]
    code, out, err = run(capsys, *args, "--db", db_path)
    assert code == 1 and message in err and out == ""


def test_analyze_with_a_negative_worker_count_is_a_usage_error(capsys, tmp_path):
    text = tmp_path / "story.txt"
    text.write_text('"The deal is done," Ana Lopez said.\n', encoding="utf-8")
    code, out, err = run(capsys, "analyze", str(text), "--jsonl", "--workers", "-1")
    assert code == 1 and "--workers takes" in err and out == ""


def test_trace_from_a_list_traces_a_repeated_url_once(capsys, db_path, tmp_path, web, allow_private):
    url = web.add("/twice", (FIXTURES / "seed.html").read_text(encoding="utf-8"))
    path = tmp_path / "twice.txt"
    path.write_text(f"{url}\n{url}\n", encoding="utf-8")
    code, out, err = run(capsys, "trace", "--from", str(path), "--workers", "2", "--db", db_path)
    assert code == 0 and len(out.splitlines()) == 1
    assert "1 repeated URL in the list, traced once." in err and "Traced 1 of 1 URL" in err
    assert store.open_db(db_path)["traces"].count == 1
