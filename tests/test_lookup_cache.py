"""The API's answer cache (headwater.lookup_cache): the same answers as without it, and never stale.

What a user would notice: a page forgotten (`headwater forget`, from another
process) is a 404 at once; a newer trace saved by another process is the one
served; a cached answer is byte for byte the answer the store gives.
"""

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from headwater import store
from headwater.records import Trace
from headwater.settings import ServerSettings
from headwater.store import lookup_cache
from headwater.web.app import create_app
from tests.helpers import SEED_URL, TEST_TOKEN
from tests.helpers.serverproc import Server, headwater_command

OTHER = "https://news.example.org/2014/11/another-story"


@pytest.fixture
def traced(client, seed_html):
    """A store holding the seed page, traced through the API; (client, trace)."""
    response = client.post("/api/traces", json={"url": SEED_URL, "html": seed_html})
    assert response.status_code == 201
    return client, response.get_json()


def provenance(client, url=SEED_URL):
    return client.get("/api/provenance", query_string={"url": url})


def save_copy(db_path, trace, **changes) -> int:
    """Save a copy of `trace` (with `changes`) through a connection of its own, as another program would."""
    db = store.open_db(db_path)
    try:
        return store.save_trace(db, Trace.from_dict({**copy.deepcopy(trace), **changes}), fetch_id=None, edges=[])
    finally:
        db.close()


def in_another_process(db_path, code: str):
    subprocess.run(
        [sys.executable, "-c", f"from headwater import store\ndb = store.open_db({str(db_path)!r})\n{code}"],
        check=True,
        timeout=120,
    )


def test_a_cached_answer_is_the_answer_the_store_gives(traced, app, db_path, attributor):
    client, trace = traced
    uncached = create_app(
        {
            "TESTING": True,
            "DATABASE": db_path,
            "ATTRIBUTOR": attributor,
            "TOKEN": TEST_TOKEN,
            "SERVER_SETTINGS": ServerSettings(answer_cache_mib=0),
        }
    ).test_client()
    first, second = provenance(client), provenance(client)  # the second comes from the cache
    by_id = client.get(f"/api/traces/{trace['id']}")
    assert app.extensions["headwater_cache"].stats()["hits"] >= 2
    expected = provenance(uncached)
    assert uncached.application.extensions["headwater_cache"].stats()["answers"] == 0
    for response in (first, second, by_id, uncached.get(f"/api/traces/{trace['id']}")):
        assert response.status_code == 200
        assert response.mimetype == "application/json"
        assert response.get_data() == expected.get_data()
    db = store.open_db(db_path)
    assert first.get_json() == json.loads(json.dumps(store.load_trace(db, trace["id"]).to_dict()))
    db.close()
    # the headers every answer carries are there on a cached one too
    assert second.headers["Cache-Control"] == "no-store" and second.headers["X-Frame-Options"] == "DENY"


def test_every_form_of_the_url_finds_the_cached_trace(traced):
    client, trace = traced
    for url in (SEED_URL, trace["final_url"], trace["canonical_url"], SEED_URL):
        assert provenance(client, url).get_json()["id"] == trace["id"]
    assert provenance(client, OTHER).status_code == 404
    assert provenance(client, OTHER).status_code == 404  # "never traced" may be cached too...
    assert (
        client.post(
            "/api/traces",
            json={
                "url": OTHER,
                "html": "<html><body><article><h1>Another story"
                "</h1><p>The minister said on Monday that talks would resume.</p>"
                "</article></body></html>",
            },
        ).status_code
        == 201
    )
    assert provenance(client, OTHER).status_code == 200  # ...but not once it has been


def test_forget_from_another_process_is_a_404_at_once(traced, db_path):
    client, trace = traced
    assert provenance(client).status_code == 200
    assert client.get(f"/api/traces/{trace['id']}").status_code == 200
    subprocess.run(
        [*headwater_command(), "forget", SEED_URL, "--db", db_path], check=True, timeout=120, capture_output=True
    )
    response = provenance(client)
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert client.get(f"/api/traces/{trace['id']}").status_code == 404


def test_forget_through_another_connection_of_this_process_is_seen_at_once(traced, db_path):
    client, trace = traced
    assert provenance(client).status_code == 200
    db = store.open_db(db_path)
    store.forget(db, url=SEED_URL)
    db.close()
    assert provenance(client).status_code == 404


def test_a_newer_trace_saved_by_another_process_is_served(traced, db_path):
    client, trace = traced
    assert provenance(client).get_json()["id"] == trace["id"]
    in_another_process(
        db_path,
        f"""
import json
trace = store.load_trace(db, {trace["id"]})
trace.title = "Updated elsewhere"
print(store.save_trace(db, trace, fetch_id=None, edges=[]))
""",
    )
    answer = provenance(client).get_json()
    assert answer["id"] == trace["id"] + 1 and answer["title"] == "Updated elsewhere"


def test_a_trace_changed_in_place_is_not_served_from_the_cache(traced, db_path):
    client, trace = traced
    assert client.get(f"/api/traces/{trace['id']}").get_json()["claim"] is None
    in_another_process(
        db_path,
        f"""
with db.atomic():
    db.execute("UPDATE traces SET claim = 'changed' WHERE id = {trace["id"]}")
""",
    )
    assert client.get(f"/api/traces/{trace['id']}").get_json()["claim"] == "changed"


def test_against_the_production_server(tmp_path, db_path, traced):
    """`headwater serve` (the production server) caches; `headwater forget` and a save from other processes show at once."""
    client, trace = traced
    server = Server(db=tmp_path / "provenance.db", log=tmp_path / "serve.log").start()
    try:
        ask = f"/api/provenance?url={SEED_URL}"
        for _ in range(3):
            status, body, _ = server.request("GET", ask)
            assert status == 200 and body["id"] == trace["id"]
        newer = save_copy(db_path, trace, title="Newer")  # this test's process: another process
        status, body, _ = server.request("GET", ask)
        assert status == 200 and body["id"] == newer and body["title"] == "Newer"
        subprocess.run(
            [*headwater_command(), "forget", SEED_URL, "--db", db_path], check=True, timeout=120, capture_output=True
        )
        status, body, _ = server.request("GET", ask)
        assert status == 404, body
        assert server.request("GET", f"/api/traces/{newer}")[0] == 404
    finally:
        server.stop()


def test_the_cache_is_bounded_and_still_right_when_it_drops_answers(tmp_path, traced, db_path):
    client, trace = traced
    ids = [trace["id"]] + [
        save_copy(
            db_path,
            trace,
            url=f"https://example.org/{n}",
            final_url=f"https://example.org/{n}",
            canonical_url=None,
            title=f"Copy {n}",
        )
        for n in range(5)
    ]
    cache = lookup_cache.LookupCache(db_path, max_bytes=2 * len(json.dumps(trace)) + 100, max_urls=3)
    db = store.open_db(db_path)

    def render(i):
        return json.dumps(store.load_trace(db, i).to_dict()).encode()

    for _ in range(2):
        for i in ids:
            assert json.loads(cache.answer(i, lambda i=i: render(i)))["id"] == i
            url = store.load_trace(db, i).to_dict()["url"]
            assert cache.trace_id(url, lambda url=url: store.latest_trace_id(db, url)) == i
    stats = cache.stats()
    assert stats["answers"] <= 2 and stats["bytes"] <= cache.max_bytes and stats["urls"] <= 3
    db.close()
    cache.close()


def test_no_cache_for_an_in_memory_store_or_when_turned_off(db_path):
    assert not lookup_cache.LookupCache(":memory:").enabled
    off = lookup_cache.LookupCache(db_path, max_bytes=0)
    assert not off.enabled and off.version() is None
    assert off.answer(1, lambda: b"{}") == b"{}" and off.stats()["answers"] == 0


def test_a_store_made_again_at_the_same_path_is_not_answered_from_the_old_one(traced, db_path, monkeypatch):
    client, trace = traced
    monkeypatch.setattr(lookup_cache, "RECHECK_SECONDS", 0)  # a replaced file is noticed at the next full check
    assert provenance(client).status_code == 200
    for suffix in ("", "-wal", "-shm"):
        Path(db_path + suffix).unlink(missing_ok=True)
    store.open_db(db_path).close()
    assert provenance(client).status_code == 404


def test_the_token_is_still_required_for_cached_answers(traced, app):
    client, trace = traced
    assert provenance(client).status_code == 200  # cached now
    anonymous = FlaskClient(app, app.response_class, use_cookies=False)  # no token
    response = anonymous.get("/api/provenance", query_string={"url": SEED_URL})
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"
