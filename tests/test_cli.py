"""The `headwater` command as a user meets it: output, exit codes, messages."""

import json
import subprocess
import sys

import pytest

from conftest import FIXTURES, SEED_URL
from headwater import cli, store
from webserver import Response


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


@pytest.mark.parametrize("args, code, message", [
    (["trace", "not a url"], 2, "not a valid web address"),
    (["trace", "ftp://example.com/x"], 2, "http"),
    (["trace"], 1, "Give the page's URL"),
    (["trace", "--html", "/no/such/file.html", "--url", SEED_URL], 1, "Cannot read /no/such/file.html"),
])
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
            assert text[a["cue"]["start"]:a["cue"]["end"]] == a["cue"]["text"]
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
