"""documents.domain: set on every save, backfilled on older stores, and the newest traces of a site
(`store.traces_of_domain`, GET /api/traces?domain=)."""

import copy
import sqlite3

import pytest
from flask.testing import FlaskClient

from headwater import store
from headwater.records import Trace
from headwater.urls import domain_of, url_key
from tests.helpers import SEED_URL


@pytest.fixture
def seeded(client, seed_html, db_path):
    """The seed page traced through the API, then copies of it on other sites saved as the store saves
    a trace, oldest first. Returns (client, {final_url: trace id})."""
    trace = client.post("/api/traces", json={"url": SEED_URL, "html": seed_html}).get_json()
    ids = {SEED_URL: trace["id"]}
    db = store.open_db(db_path)
    for url in (
        "https://news.bbc.co.uk/1",
        "https://www.example-blog.com/2",
        "http://127.0.0.1:8080/3",
        "https://www.bbc.co.uk/4",
        "https://someone.github.io/5",
        "https://EXAMPLE-BLOG.com/6",
    ):
        copied = {**copy.deepcopy(trace), "url": url, "final_url": url, "canonical_url": None}
        ids[url] = store.save_trace(db, Trace.from_dict(copied), fetch_id=None, edges=[])
    db.close()
    return client, ids


@pytest.mark.parametrize(
    "given, domain",
    [
        ("https://www.example-blog.com/2014/11/story", "example-blog.com"),
        ("https://WWW.Example-Blog.COM./a", "example-blog.com"),
        ("https://news.bbc.co.uk/news/world", "bbc.co.uk"),
        ("https://someone.github.io/post", "someone.github.io"),  # a private suffix: each blog is its own site
        ("http://127.0.0.1:8080/page", "127.0.0.1"),
        ("http://localhost/x", "localhost"),
        ("https://www.news001.example/story", "news001.example"),  # no public suffix: the host without www.
        ("example.com", "example.com"),
        ("", None),
        (None, None),
        ("https://", None),
    ],
)
def test_domain_of(given, domain):
    assert domain_of(given) == domain


def test_every_saved_document_gets_its_domain(seeded, db_path):
    db = store.open_db(db_path)
    rows = dict(db.execute("SELECT COALESCE(final_url, url), domain FROM documents").fetchall())
    assert rows[SEED_URL] == "example-blog.com"
    assert rows["https://news.bbc.co.uk/1"] == "bbc.co.uk"
    assert rows["http://127.0.0.1:8080/3"] == "127.0.0.1"
    assert None not in rows.values()


def test_the_newest_traces_of_a_site_come_first(seeded, db_path):
    client, ids = seeded
    db = store.open_db(db_path)
    blog = [t["id"] for t in store.traces_of_domain(db, "example-blog.com")]
    assert blog == [ids["https://EXAMPLE-BLOG.com/6"], ids["https://www.example-blog.com/2"], ids[SEED_URL]]
    assert [t["id"] for t in store.traces_of_domain(db, "example-blog.com", limit=1, before=blog[0])] == [blog[1]]
    assert store.traces_of_domain(db, "nowhere.example") == []
    plan = " ".join(
        r[3]
        for r in db.execute(
            "EXPLAIN QUERY PLAN SELECT t.id FROM documents d JOIN traces t ON t.document_id = d.id "
            "WHERE d.domain = 'x' ORDER BY d.id DESC LIMIT 20"
        ).fetchall()
    )
    assert "documents_domain" in plan and "SCAN" not in plan


def test_the_route_answers_newest_first_and_pages_back(seeded):
    client, ids = seeded
    answer = client.get("/api/traces", query_string={"domain": "www.bbc.co.uk"}).get_json()
    assert answer["domain"] == "bbc.co.uk"
    assert [t["id"] for t in answer["traces"]] == [ids["https://www.bbc.co.uk/4"], ids["https://news.bbc.co.uk/1"]]
    assert answer["next_before"] is None
    assert set(answer["traces"][0]) == set(store.TRACE_SUMMARY)
    page = client.get("/api/traces?domain=example-blog.com&limit=2").get_json()
    assert len(page["traces"]) == 2 and page["next_before"] == page["traces"][-1]["id"]
    rest = client.get(f"/api/traces?domain=example-blog.com&limit=2&before={page['next_before']}").get_json()
    assert [t["id"] for t in rest["traces"]] == [ids[SEED_URL]] and rest["next_before"] is None
    assert client.get("/api/traces?domain=news.bbc.co.uk").get_json()["domain"] == "bbc.co.uk"
    assert client.get("/api/traces?domain=nowhere.example").get_json() == {
        "domain": "nowhere.example",
        "traces": [],
        "next_before": None,
    }


@pytest.mark.parametrize(
    "query",
    [
        "",
        "domain=",
        "domain=%20",
        "domain=https://example.com",
        "domain=example.com/news",
        "domain=exa%20mple.com",
        "domain=a..b",
        "domain=.",
        "domain=user@example.com",
        "domain=" + "a" * 300,
        "domain=example.com:8080",
        "domain=example.com&limit=0",
        "domain=example.com&limit=501",
        "domain=example.com&limit=ten",
        "domain=example.com&before=0",
        "domain=example.com&before=x",
        "domain=example.com&before=99999999999999999999",
    ],
)
def test_a_bad_query_is_a_json_400(client, query):
    response = client.get(f"/api/traces?{query}")
    assert response.status_code == 400, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == "bad_request" and error["message"]


def test_the_route_needs_the_token(app):
    anonymous = FlaskClient(app, app.response_class, use_cookies=False)
    response = anonymous.get("/api/traces?domain=example.com")
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"


OLD_DOCUMENTS = """CREATE TABLE documents (id INTEGER PRIMARY KEY, url TEXT NOT NULL, final_url TEXT,
    canonical_url TEXT, title TEXT, site TEXT, author TEXT, published TEXT, sha256 TEXT, text TEXT NOT NULL,
    fetch_id INTEGER REFERENCES fetches (id))"""
OLD_TRACES = """CREATE TABLE traces (id INTEGER PRIMARY KEY, url TEXT NOT NULL,
    document_id INTEGER NOT NULL REFERENCES documents (id), created_at TEXT NOT NULL, duration_ms INTEGER,
    claim TEXT)"""


def test_an_older_store_gets_the_column_filled_in_and_indexed(tmp_path):
    old = tmp_path / "old.db"
    conn = sqlite3.connect(old)
    conn.execute(OLD_DOCUMENTS)
    conn.execute(OLD_TRACES)
    pages = [
        ("https://a.example/x", "https://www.Example-Blog.com/1"),
        ("https://b.example/y", None),
        ("https://news.bbc.co.uk/z", "https://news.bbc.co.uk/z"),
    ]
    for n, (url, final) in enumerate(pages, 1):
        conn.execute("INSERT INTO documents (id, url, final_url, text) VALUES (?, ?, ?, 'text')", [n, url, final])
        conn.execute(
            "INSERT INTO traces (id, url, document_id, created_at) VALUES (?, ?, ?, '2024-01-01')", [n, url, n]
        )
    conn.commit()
    conn.close()

    db = store.open_db(old)
    assert dict(db.execute("SELECT id, domain FROM documents").fetchall()) == {
        1: "example-blog.com",
        2: "b.example",
        3: "bbc.co.uk",
    }
    assert "documents_domain" in {i.name for i in db["documents"].indexes}
    assert [t["id"] for t in store.traces_of_domain(db, "example-blog.com")] == [1]
    assert store.latest_trace_id(db, "https://www.example-blog.com/1/?utm_source=feed#top") == 1  # page_key too
    assert "documents_page_key" in {i.name for i in db["documents"].indexes}
    assert {"follows", "page_versions", "fetches"} <= set(db.table_names())  # and the rest of the schema
    db.close()
    store.open_db(old).close()  # opening it again changes nothing
    assert (
        sqlite3.connect(old)
        .execute("SELECT COUNT(*) FROM documents WHERE domain IS NULL OR page_key IS NULL")
        .fetchone()[0]
        == 0
    )


def _as_older_store(first, migration: str, *statements: str):
    """A copy of the store `first` as it was before `migration`: `statements` undo its change,
    and the copy is another file, which the store prepares as new when it opens it."""
    import shutil

    conn = sqlite3.connect(first)
    for statement in statements:
        conn.execute(statement)
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = ?", [migration])
    conn.commit()
    conn.close()
    old = first.with_name("old.db")
    shutil.copy(first, old)
    return old


def test_an_older_store_gains_the_form_of_its_attributions(tmp_path, seed_html):
    """A store written before attributions had a form: opened again, its attributions read back
    as found by a verb and not of the page's own site, and new traces store their form."""
    from headwater.tracing.tracer import Tracer

    first = tmp_path / "first.db"
    db = store.open_db(first)
    trace_id = Tracer(db).trace(SEED_URL, html=seed_html).to_dict()["id"]
    db.close()
    old = _as_older_store(
        first,
        "m004_attribution_form",
        "ALTER TABLE attributions DROP COLUMN form",
        "ALTER TABLE attributions DROP COLUMN own_site",
    )

    db = store.open_db(old)
    attributions = store.load_trace(db, trace_id).to_dict()["attributions"]
    assert attributions and {(a["form"], a["own_site"]) for a in attributions} == {("verb", False)}
    assert {"form", "own_site"} <= set(db["attributions"].columns_dict)


def test_an_older_store_takes_social_sources(tmp_path, seed_html):
    """A store whose sources table predates the social kind: opened again, its sources keep their
    ids (the attributions still point at them) and a social-media account can be stored."""
    from headwater.tracing.tracer import Tracer

    first = tmp_path / "first.db"
    db = store.open_db(first)
    trace_id = Tracer(db).trace(SEED_URL, html=seed_html).id
    before = store.load_trace(db, trace_id).to_dict()["attributions"]
    db.close()
    old = _as_older_store(
        first,
        "m005_social_sources",
        "PRAGMA writable_schema = ON",  # the CHECK of the older schema.sql
        "UPDATE sqlite_master SET sql = replace(sql, ', ''social''', '') WHERE name = 'sources'",
    )
    assert (
        "'social'"
        not in sqlite3.connect(old).execute("SELECT sql FROM sqlite_master WHERE name = 'sources'").fetchone()[0]
    )

    db = store.open_db(old)
    assert store.load_trace(db, trace_id).to_dict()["attributions"] == before
    db.execute("INSERT INTO sources (name, kind) VALUES ('@NASA', 'social')")
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    db.close()
    store.open_db(old).close()  # opening it again changes nothing


def test_an_older_stores_followed_pages_get_their_page_key(tmp_path):
    """Followed pages stored before they had a page key: opened again, each has it, so that a
    lookup or `forget` finds them under any spelling of their address."""
    first = tmp_path / "first.db"
    db = store.open_db(first)
    db["documents"].insert(
        {"url": "https://www.wsj.com/articles/talks-1?utm_source=twitter", "text": "Talks.", "page_key": None}
    )
    db.close()
    old = _as_older_store(first, "m006_followed_documents_page_key")

    db = store.open_db(old)
    [key] = [r[0] for r in db.execute("SELECT page_key FROM documents")]
    assert key == url_key("https://www.wsj.com/articles/talks-1#comments")
