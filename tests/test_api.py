"""The HTTP API: routes, JSON errors for bad input, and what the store holds afterwards."""

import gzip

import pytest

from headwater import store
from headwater.evaluation.localweb import Response
from headwater.store import traces
from tests.helpers import SEED_URL


def error_of(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"} and body["error"]["message"]
    return body["error"]


def counts(app):
    db = store.open_db(app.config["DATABASE"])
    return {t: db[t].count for t in ("fetches", "documents", "traces", "attributions", "chain_hops")}


def test_health(client):
    assert client.get("/api/health").get_json()["status"] == "ok"


def test_trace_a_page_served_over_http(client, web, seed_html):
    url = web.add("/2014/11/letter", seed_html)
    response = client.post("/api/traces", json={"url": url})
    assert response.status_code == 201
    trace = response.get_json()
    assert trace["final_url"] == url
    assert trace["sha256"] and trace["fetched_at"]
    assert any(chain[-1]["name"] == "Ali Khoram" for chain in trace["chains"])


def test_final_url_after_a_redirect(client, web, seed_html):
    target = web.add("/article", seed_html)
    start = web.add("/short", Response(status=301, headers={"Location": target}))
    trace = client.post("/api/traces", json={"url": start}).get_json()
    assert trace["url"] == start and trace["final_url"] == target
    # the page can be found again by either address
    assert client.get("/api/provenance", query_string={"url": target}).status_code == 200
    assert client.get("/api/provenance", query_string={"url": start}).status_code == 200


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({"url": "not a url"}, 400, "invalid_url"),
        ({"url": "ftp://example.com/file"}, 400, "invalid_url"),
        ({"url": "javascript:alert(1)"}, 400, "invalid_url"),
        ({}, 400, "bad_request"),
        ({"url": 42}, 400, "bad_request"),
        ({"url": SEED_URL, "html": ["not", "text"]}, 400, "bad_request"),
    ],
)
def test_bad_requests_get_a_json_400(client, app, body, status, code):
    assert error_of(client.post("/api/traces", json=body), status)["code"] == code
    assert counts(app)["traces"] == 0
    if code == "invalid_url":  # the refused attempt is in the log, with its reason
        entry = client.get("/api/log").get_json()["entries"][0]
        assert (entry["url"], entry["outcome"]) == (body["url"], "invalid_url") and entry["detail"]


def test_a_body_that_is_not_json(client):
    response = client.post("/api/traces", data="url=https://x", content_type="application/x-www-form-urlencoded")
    assert error_of(response, 400)["code"] == "bad_request"


@pytest.mark.parametrize(
    "route, status, code",
    [
        (Response("gone", status=404, headers={"Content-Type": "text/html"}), 422, "http_error"),
        (Response(b"%PDF-1.4 binary", headers={"Content-Type": "application/pdf"}), 415, "not_html"),
        (Response(b"\x89PNG\r\n\x1a\n\x00\x00\x00binary", headers={"Content-Type": "text/html"}), 415, "not_html"),
        (Response("<html><body><nav><a href='/'>Home</a></nav></body></html>"), 422, "no_text"),
    ],
)
def test_unusable_pages_are_logged_as_failed_fetches(client, app, web, route, status, code):
    url = web.add("/page", route)
    assert error_of(client.post("/api/traces", json={"url": url}), status)["code"] == code
    assert counts(app)["traces"] == 0 and counts(app)["documents"] == 0
    entries = client.get("/api/log").get_json()["entries"]
    assert entries[0]["event"] == "fetch" and entries[0]["url"] == url and entries[0]["outcome"] == code


def test_a_page_over_the_size_cap(app, web, db_path, attributor):
    from headwater.settings import FetchSettings
    from headwater.web.app import create_app

    small = create_app(
        {
            "DATABASE": db_path,
            "ATTRIBUTOR": attributor,
            "ALLOW_PRIVATE": True,
            "FETCH_SETTINGS": FetchSettings(max_bytes=10_000),
        }
    )
    url = web.add("/big", "<html><body>" + "<p>word </p>" * 5000 + "</body></html>")
    assert error_of(small.test_client().post("/api/traces", json={"url": url}), 413)["code"] == "too_large"
    url = web.add(
        "/bomb",
        Response(
            gzip.compress(b"<p>" + b"a" * 5_000_000), headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}
        ),
    )
    assert error_of(small.test_client().post("/api/traces", json={"url": url}), 413)["code"] == "too_large"


def test_a_timeout(app, web, db_path, attributor):
    from headwater.settings import FetchSettings
    from headwater.web.app import create_app

    impatient = create_app(
        {
            "DATABASE": db_path,
            "ATTRIBUTOR": attributor,
            "ALLOW_PRIVATE": True,
            "FETCH_SETTINGS": FetchSettings(read_timeout=0.2, total_timeout=1),
        }
    )
    url = web.add("/slow", Response("<p>late</p>", delay=1.0))
    assert error_of(impatient.test_client().post("/api/traces", json={"url": url}), 422)["code"] == "timeout"


def test_dns_failure(client, app, monkeypatch):
    import socket

    def no_such_host(host, *args, **kwargs):  # no real DNS query leaves the test
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    response = client.post("/api/traces", json={"url": "http://no-such-host.invalid/story"})
    assert error_of(response, 422)["code"] == "dns_failure"
    assert counts(app)["traces"] == 0


def test_loopback_is_refused_by_default(web, db_path, attributor, monkeypatch):
    from headwater.web.app import create_app

    monkeypatch.delenv("HEADWATER_ALLOW_PRIVATE", raising=False)
    default = create_app({"DATABASE": db_path, "ATTRIBUTOR": attributor})
    url = web.add("/page", "<p>hello</p>")
    response = default.test_client().post("/api/traces", json={"url": url})
    assert response.status_code == 400
    assert web.requests == []  # refused before any connection


@pytest.mark.parametrize(
    "asked",
    [
        SEED_URL + "#comments",
        SEED_URL + "?utm_source=newsletter&utm_medium=email",
        SEED_URL + "?fbclid=IwAR0abc#top",
    ],
)
def test_a_traced_page_is_found_under_its_address_with_a_fragment_or_tracking_parameters(client, seed_html, asked):
    """The extension asks with the tab's address, as the reader arrived at it."""
    trace = client.post("/api/traces", json={"url": SEED_URL, "html": seed_html}).get_json()
    assert client.get("/api/provenance", query_string={"url": asked}).get_json()["id"] == trace["id"]


def test_a_page_traced_from_a_tracking_link_is_found_under_its_plain_address(client, seed_html):
    trace = client.post("/api/traces", json={"url": SEED_URL + "?utm_campaign=x", "html": seed_html}).get_json()
    assert client.get("/api/provenance", query_string={"url": SEED_URL}).get_json()["id"] == trace["id"]
    other = SEED_URL + "-part-2"
    assert error_of(client.get("/api/provenance", query_string={"url": other}), 404)  # another page is not


def test_unknown_trace_and_unknown_page(client):
    assert error_of(client.get("/api/traces/999"), 404)["code"] == "not_found"
    assert error_of(client.get("/api/provenance", query_string={"url": "https://never.example/x"}), 404)
    assert error_of(client.get("/api/provenance"), 400)
    assert error_of(client.get("/api/nothing-here"), 404)
    assert error_of(client.delete("/api/traces/1"), 405)


def test_log_is_newest_first_and_paged(client, seed_html):
    for n in range(3):
        client.post("/api/traces", json={"url": f"{SEED_URL}?v={n}", "html": seed_html})
    first = client.get("/api/log", query_string={"limit": 4}).get_json()
    assert len(first["entries"]) == 4
    times = [e["at"] for e in first["entries"]]
    assert times == sorted(times, reverse=True)
    rest = client.get("/api/log", query_string={"limit": 4, "before": first["next_before"]}).get_json()
    assert len(rest["entries"]) == 2 and rest["next_before"] is None
    assert all(e["at"] < times[-1] for e in rest["entries"])
    assert error_of(client.get("/api/log", query_string={"limit": "many"}), 400)
    assert error_of(client.get("/api/log", query_string={"limit": 0}), 400)


def test_a_failed_write_leaves_no_partial_trace(client, app, seed_html, monkeypatch):
    """A crash in the middle of writing a trace rolls the whole trace back."""
    original = traces._source_id
    calls = {"n": 0}

    def failing(db, name, kind):
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("disk on fire")
        return original(db, name, kind)

    monkeypatch.setattr(traces, "_source_id", failing)
    response = client.post("/api/traces", json={"url": SEED_URL, "html": seed_html})
    assert error_of(response, 500)["code"] == "internal"
    assert "disk on fire" not in response.get_data(as_text=True)
    after = counts(app)
    assert after["traces"] == after["documents"] == after["attributions"] == after["chain_hops"] == 0
    assert after["fetches"] == 1  # the attempt is still in the log


def test_an_analysis_that_crashes_after_the_fetch_says_so_in_the_log(client, app, seed_html, monkeypatch):
    """The fetch log never shows "ok" for a page that got no trace."""
    from headwater.attribution.attributor import Attributor

    def crash(self, text, links=(), quotes=()):
        raise RuntimeError("model file truncated")

    monkeypatch.setattr(Attributor, "attribute", crash)
    response = client.post("/api/traces", json={"url": SEED_URL, "html": seed_html})
    assert error_of(response, 500)["code"] == "internal"
    assert counts(app)["traces"] == 0
    entry = client.get("/api/log", query_string={"limit": 1}).get_json()["entries"][0]
    assert entry["url"] == SEED_URL
    assert entry["outcome"] != "ok"
    assert "analysis failed" in entry["detail"] and "truncated" not in entry["detail"]
