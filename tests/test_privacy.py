"""Privacy (issue 6): `headwater forget` deletes a page (or a period) with everything that depends on
it, and nothing leaves the machine but the fetches of the pages being traced."""

import socket
import sqlite3
from pathlib import Path

import pytest

from headwater import store
from headwater.cli import main as cli
from headwater.settings import FollowSettings
from tests.helpers import SEED_URL
from tests.helpers.followweb import Web

OTHER_URL = "https://other.example/2015/01/romney-speech"
OTHER_HTML = """<html><head><title>Romney speaks</title></head><body><article>
<h1>Romney speaks</h1><p>Mitt Romney said on Tuesday that the talks had failed, according to the Associated Press.</p>
<p>Reuters reported that a second round was planned by the diplomats in Geneva next month.</p>
</article></body></html>"""


def problems(db_path) -> list:
    conn = sqlite3.connect(db_path)
    found = conn.execute("PRAGMA foreign_key_check").fetchall()
    found += [r for r in conn.execute("PRAGMA integrity_check").fetchall() if r != ("ok",)]
    conn.close()
    return found


def rows_about(db, url: str) -> dict:
    """Every row that still names the page, per table."""
    return {
        "fetches": db.execute("SELECT COUNT(*) FROM fetches WHERE url = ? OR final_url = ?", [url, url]).fetchone()[0],
        "documents": db.execute("SELECT COUNT(*) FROM documents WHERE url = ? OR final_url = ?", [url, url]).fetchone()[
            0
        ],
        "traces": db.execute("SELECT COUNT(*) FROM traces WHERE url = ?", [url]).fetchone()[0],
        "log": db.execute("SELECT COUNT(*) FROM log WHERE url = ? OR final_url = ?", [url, url]).fetchone()[0],
    }


@pytest.fixture
def two_pages(client, app, seed_html):
    """The seed traced twice and another page once, plus a failed fetch of the seed."""
    for url, html in ((SEED_URL, seed_html), (SEED_URL, seed_html), (OTHER_URL, OTHER_HTML)):
        assert client.post("/api/traces", json={"url": url, "html": html}).status_code == 201
    assert client.post("/api/traces", json={"url": SEED_URL, "html": "<p></p>"}).status_code == 422
    return app.config["DATABASE"]


def test_forget_a_page_deletes_its_traces_documents_and_fetches_and_nothing_else(two_pages, client, capsys):
    db_path = two_pages
    other = client.get("/api/provenance", query_string={"url": OTHER_URL}).get_json()

    assert cli.main(["forget", SEED_URL, "--db", db_path]) == 0
    assert capsys.readouterr().out.startswith(f"Forgot {SEED_URL}: 2 traces, 2 documents and 3 fetches")

    db = store.open_db(db_path)
    assert rows_about(db, SEED_URL) == {"fetches": 0, "documents": 0, "traces": 0, "log": 0}
    assert client.get("/api/provenance", query_string={"url": SEED_URL}).status_code == 404
    assert client.get("/api/provenance", query_string={"url": OTHER_URL}).get_json() == other  # untouched
    # sources only the forgotten page cited are gone; those the other page cites stay
    names = {r[0] for r in db.execute("SELECT name FROM sources")}
    assert "Ali Khoram" not in names and "Mitt Romney" in names
    assert db.execute("SELECT COUNT(*) FROM attributions WHERE trace_id NOT IN (SELECT id FROM traces)").fetchone() == (
        0,
    )
    assert problems(db_path) == []


def test_forget_takes_the_page_under_any_spelling_a_lookup_accepts(client, seed_html, db_path):
    tracked = SEED_URL + "?utm_source=newsletter"
    assert client.post("/api/traces", json={"url": tracked, "html": seed_html}).status_code == 201
    assert cli.main(["forget", SEED_URL + "#top", "--db", db_path]) == 0
    db = store.open_db(db_path)
    assert rows_about(db, tracked) == {"fetches": 0, "documents": 0, "traces": 0, "log": 0}
    assert client.get("/api/provenance", query_string={"url": tracked}).status_code == 404


def test_forgotten_text_is_no_longer_in_the_files(two_pages, seed_html):
    db_path = two_pages
    marker = b"Asharq al-Awsat"  # words of the seed page only
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # as SQLite does by itself every 1000 pages
    conn.close()
    assert marker in Path(db_path).read_bytes()
    files = [Path(db_path), Path(db_path + "-wal")]
    cli.main(["forget", SEED_URL, "--db", db_path])
    assert not any(marker in f.read_bytes() for f in files if f.exists())


def test_forget_before_a_date_deletes_what_was_recorded_earlier(two_pages, client, seed_html, capsys):
    db_path = two_pages
    db = store.open_db(db_path)
    cut = store.now()
    assert client.post("/api/traces", json={"url": OTHER_URL, "html": OTHER_HTML}).status_code == 201
    later = db.execute("SELECT MAX(id) FROM traces").fetchone()[0]

    assert cli.main(["forget", "--before", cut, "--db", db_path]) == 0
    assert "3 traces" in capsys.readouterr().out
    assert [r[0] for r in db.execute("SELECT id FROM traces")] == [later]
    assert db.execute("SELECT COUNT(*) FROM fetches WHERE fetched_at < ?", [cut]).fetchone() == (0,)
    assert client.get(f"/api/traces/{later}").status_code == 200
    assert problems(db_path) == []


def test_forget_before_a_plain_date_means_midnight_utc():
    assert store.parse_before("2024-05-01") == "2024-05-01T00:00:00.000000+00:00"
    assert store.parse_before("2024-05-01T02:00:00+02:00") == "2024-05-01T00:00:00.000000+00:00"
    with pytest.raises(ValueError, match="not a date"):
        store.parse_before("last tuesday")


def test_forget_says_so_when_there_is_nothing_and_explains_bad_input(tmp_path, capsys):
    db = str(tmp_path / "p.db")
    assert cli.main(["forget", "https://never.example/", "--db", db]) == 0
    assert "Nothing stored for https://never.example/" in capsys.readouterr().out
    assert cli.main(["forget", "--db", db]) == 1
    assert "headwater forget URL" in capsys.readouterr().err
    assert cli.main(["forget", "--before", "yesterday", "--db", db]) == 1
    assert "not a date" in capsys.readouterr().err


def test_forget_a_followed_trace_takes_the_pages_it_followed_along(app, client, db_path):
    web = Web().start()
    try:
        app.config["FOLLOW_SETTINGS"] = FollowSettings(
            politeness_delay=0, wayback_api=web.wayback_api, news_index_api=web.news_index_api
        )
        trace = client.post("/api/traces", json={"url": web.seed, "follow": True}).get_json()
        assert len(trace["follow"]["documents"]) >= 3  # the seed, the Journal, Asharq al-Awsat
        assert client.post("/api/traces", json={"url": OTHER_URL, "html": OTHER_HTML}).status_code == 201
        cli.main(["forget", web.seed, "--db", db_path])
    finally:
        web.stop()
    db = store.open_db(db_path)
    for table in ("follows", "follow_documents", "follow_hops", "trace_events"):
        assert db[table].count == 0, table
    assert rows_about(db, web.wsj)["documents"] == 0 and rows_about(db, web.wsj)["fetches"] == 0
    assert db["page_versions"].count == 0  # the kept bodies of the followed pages
    assert [r[0] for r in db.execute("SELECT url FROM traces")] == [OTHER_URL]
    assert problems(db_path) == []


def test_forget_a_page_another_trace_followed_keeps_that_trace(app, client, db_path):
    web = Web().start()
    try:
        app.config["FOLLOW_SETTINGS"] = FollowSettings(
            politeness_delay=0, wayback_api=web.wayback_api, news_index_api=web.news_index_api
        )
        trace = client.post("/api/traces", json={"url": web.seed, "follow": True}).get_json()
        cli.main(["forget", web.wsj, "--db", db_path])
    finally:
        web.stop()
    db = store.open_db(db_path)
    assert rows_about(db, web.wsj)["documents"] == 0 and rows_about(db, web.wsj)["fetches"] == 0
    kept = client.get(f"/api/traces/{trace['id']}").get_json()
    assert kept["chains"] == trace["chains"] and kept["follow"]["state"] == "done"
    assert problems(db_path) == []


def test_forget_finds_a_followed_page_under_any_spelling(app, client, db_path):
    web = Web().start()
    try:
        app.config["FOLLOW_SETTINGS"] = FollowSettings(
            politeness_delay=0, wayback_api=web.wayback_api, news_index_api=web.news_index_api
        )
        client.post("/api/traces", json={"url": web.seed, "follow": True}).get_json()
        assert rows_about(store.open_db(db_path), web.wsj)["documents"] > 0
        cli.main(["forget", web.wsj + "#comments", "--db", db_path])  # as a lookup accepts it
    finally:
        web.stop()
    db = store.open_db(db_path)
    assert rows_about(db, web.wsj)["documents"] == 0 and rows_about(db, web.wsj)["fetches"] == 0
    assert problems(db_path) == []


# -- no telemetry ---------------------------------------------------------------------------


def test_a_trace_of_supplied_html_opens_no_connection_at_all(client, seed_html, monkeypatch):
    """Nothing leaves the machine except the fetches of the pages traced: with the page supplied,
    there is nothing to fetch, and no socket may connect (no telemetry, no model or list downloads)."""
    attempts = []
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda *a, **k: attempts.append(a) or (_ for _ in ()).throw(socket.gaierror("no network")),
    )
    monkeypatch.setattr(
        socket.socket,
        "connect",
        lambda s, addr: attempts.append(addr) or (_ for _ in ()).throw(ConnectionRefusedError()),
    )
    response = client.post("/api/traces", json={"url": SEED_URL, "html": seed_html})
    assert response.status_code == 201 and response.get_json()["chains"]
    assert client.get("/api/provenance", query_string={"url": SEED_URL}).status_code == 200
    assert attempts == []
