"""At most EVENT_STREAM_LIMIT progress streams at once (GET /api/traces/<id>/events).

Each open stream holds one of the server's threads running the app (serve.BLOCKING_THREADS); past the limit a client
gets a 503 "busy" at once (and polls the trace instead), and a slot comes back
whenever a stream ends: finished, closed by the client, or never read at all.
"""

import http.client
import socket
import time

import pytest
from werkzeug.test import EnvironBuilder

from headwater import store
from headwater.settings import BLOCKING_THREADS, FollowSettings
from headwater.store import follows as follow_store
from headwater.web import graph_routes as api_graph
from tests.helpers import TEST_TOKEN
from tests.helpers.serverproc import Server


@pytest.fixture
def streams_app(app):
    assert api_graph.open_streams() == 0  # no stream left open by an earlier test
    yield app
    leaked = api_graph.open_streams()
    api_graph._open_streams = 0  # so that one leak fails one test, not the ones after it
    assert leaked == 0  # every stream the test opened gave its slot back


@pytest.fixture
def one_stream_app(streams_app):
    streams_app.config["EVENT_STREAM_LIMIT"] = 1
    return streams_app


def one_page_trace(client, seed_html) -> int:
    response = client.post("/api/traces", json={"url": "https://www.example-blog.com/x", "html": seed_html})
    assert response.status_code == 201
    return response.get_json()["id"]


def running_trace(client, seed_html, db_path) -> int:
    """A trace whose following is still "running": its stream polls until it is closed."""
    trace_id = one_page_trace(client, seed_html)
    db = store.open_db(db_path)
    try:
        follow_store.start(db, trace_id, FollowSettings(), None)
    finally:
        db.close()
    return trace_id


def assert_stream_opens(client, url: str):
    """A stream is accepted (200, text/event-stream); it is closed again at once."""
    response = client.get(url, buffered=False)
    try:
        assert response.status_code == 200 and response.mimetype == "text/event-stream"
        assert next(iter(response.response)).startswith(b"retry:")
    finally:
        response.close()


def assert_busy(response, trace_id: int):
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    error = response.get_json()["error"]
    assert error["code"] == "busy"
    assert f"GET /api/traces/{trace_id}" in error["message"]


def test_a_second_stream_is_busy_while_one_is_open_and_welcome_after(one_stream_app, seed_html, db_path):
    client = one_stream_app.test_client()
    trace_id = running_trace(client, seed_html, db_path)
    url = f"/api/traces/{trace_id}/events"

    first = client.get(url, buffered=False)
    assert first.status_code == 200 and first.mimetype == "text/event-stream"
    chunks = iter(first.response)
    assert next(chunks).startswith(b"retry:")  # the stream is open and polling

    assert_busy(client.get(url), trace_id)
    # the rest of the API still answers, and the trace can be polled as the message says
    assert client.get(f"/api/traces/{trace_id}").status_code == 200

    first.close()  # the client goes away: the generator is closed
    assert_stream_opens(client, url)


def test_a_stream_never_read_gives_its_slot_back_when_closed(one_stream_app, seed_html, db_path):
    client = one_stream_app.test_client()
    trace_id = running_trace(client, seed_html, db_path)
    url = f"/api/traces/{trace_id}/events"

    # As a WSGI server does it (the test client always reads a first chunk): call the app,
    # read nothing, close the answer, as when the client is gone before the first write.
    environ = EnvironBuilder(path=url, headers={"Authorization": f"Bearer {TEST_TOKEN}"}).get_environ()
    status = []
    unread = one_stream_app(environ, lambda s, headers, exc_info=None: status.append(s))
    assert status == ["200 OK"]
    assert_busy(client.get(url), trace_id)
    unread.close()
    assert api_graph.open_streams() == 0
    assert_stream_opens(client, url)


def test_a_finished_trace_stream_frees_its_slot(one_stream_app, seed_html):
    client = one_stream_app.test_client()
    trace_id = one_page_trace(client, seed_html)
    for _ in range(2):  # with room for one stream, one after the other both succeed
        response = client.get(f"/api/traces/{trace_id}/events")
        assert response.status_code == 200 and response.mimetype == "text/event-stream"
        assert "event: done" in response.get_data(as_text=True)


def test_the_limit_is_checked_after_the_trace_is_found(one_stream_app, seed_html, db_path):
    client = one_stream_app.test_client()
    trace_id = running_trace(client, seed_html, db_path)
    open_one = client.get(f"/api/traces/{trace_id}/events", buffered=False)
    try:
        assert client.get("/api/traces/999/events").status_code == 404  # not "busy"
    finally:
        open_one.close()


def test_a_stream_at_its_time_limit_gives_its_slot_back(one_stream_app, seed_html, db_path, monkeypatch):
    monkeypatch.setattr(api_graph, "STREAM_LIMIT_SECONDS", 0)
    client = one_stream_app.test_client()
    trace_id = running_trace(client, seed_html, db_path)
    for _ in range(2):  # each ends on the time limit while the trace still runs
        response = client.get(f"/api/traces/{trace_id}/events")
        assert response.status_code == 200 and response.mimetype == "text/event-stream"
        assert "event: done" not in response.get_data(as_text=True)


def test_a_stream_that_fails_gives_its_slot_back(one_stream_app, seed_html, db_path, monkeypatch):
    client = one_stream_app.test_client()
    trace_id = running_trace(client, seed_html, db_path)

    def broken(conn, trace_id):
        raise RuntimeError("the store went away")

    monkeypatch.setattr(follow_store, "state", broken)
    failing = client.get(f"/api/traces/{trace_id}/events", buffered=False)
    with pytest.raises(RuntimeError):
        list(failing.response)
    failing.close()
    assert api_graph.open_streams() == 0
    monkeypatch.undo()
    assert_stream_opens(client, f"/api/traces/{trace_id}/events")


def test_a_head_request_takes_no_stream_slot(one_stream_app, seed_html, db_path):
    client = one_stream_app.test_client()
    trace_id = running_trace(client, seed_html, db_path)
    url = f"/api/traces/{trace_id}/events"
    for _ in range(3):  # answered without a body, and never closed: they must not hold the one slot
        head = client.head(url)
        assert head.status_code == 200 and head.mimetype == "text/event-stream"
    assert_stream_opens(client, url)


def test_the_default_limit_is_half_of_the_servers_threads(streams_app, seed_html, db_path):
    assert api_graph.EVENT_STREAM_LIMIT == BLOCKING_THREADS // 2 == 4
    client = streams_app.test_client()
    trace_id = running_trace(client, seed_html, db_path)
    url = f"/api/traces/{trace_id}/events"
    streams = [client.get(url, buffered=False) for _ in range(4)]
    try:
        assert [s.status_code for s in streams] == [200] * 4
        assert_busy(client.get(url), trace_id)
    finally:
        for s in reversed(streams):  # one thread holds them all here: Flask's contexts end last-in first-out
            s.close()
    assert api_graph.open_streams() == 0


def test_a_quiet_stream_sends_a_heartbeat_that_the_client_ignores(one_stream_app, seed_html, db_path, monkeypatch):
    """With no event to send, the stream still writes now and then (an SSE comment), so a
    client that has gone is noticed by the failed write and its slot freed."""
    monkeypatch.setattr(api_graph, "HEARTBEAT_SECONDS", 0.3)
    monkeypatch.setattr(api_graph, "POLL_SECONDS", 0.05)
    monkeypatch.setattr(api_graph, "STREAM_LIMIT_SECONDS", 3)  # without a heartbeat: ends, and fails fast
    client = one_stream_app.test_client()
    trace_id = running_trace(client, seed_html, db_path)
    response = client.get(f"/api/traces/{trace_id}/events", buffered=False)
    try:
        chunks = iter(response.response)
        assert next(chunks).startswith(b"retry:")
        following = [next(chunks) for _ in range(2)]
        assert any(c.startswith(b":") and c.endswith(b"\n\n") for c in following)
    finally:
        response.close()


def test_under_the_production_server_a_client_that_left_frees_its_slot(tmp_path, seed_html):
    """Under `headwater serve` (Granian): four clients that open a stream and go away give
    their slots back at the next heartbeat (HEARTBEAT_SECONDS), not at the stream's time limit."""
    server = Server(tmp_path / "s.db", tmp_path / "server.log").start()
    try:
        status, trace, _ = server.request(
            "POST", "/api/traces", {"url": "https://www.example-blog.com/x", "html": seed_html}
        )
        assert status == 201
        db = store.open_db(server.db)
        try:
            follow_store.start(db, trace["id"], FollowSettings(), None)
        finally:
            db.close()

        def open_stream():
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            conn.request(
                "GET", f"/api/traces/{trace['id']}/events", headers={"Authorization": f"Bearer {server.token}"}
            )
            response = conn.getresponse()
            if response.status == 200:
                assert response.read1(100).startswith(b"retry:")
            return conn, response.status

        streams = [open_stream() for _ in range(api_graph.EVENT_STREAM_LIMIT + 1)]
        assert [status for _, status in streams] == [200] * api_graph.EVENT_STREAM_LIMIT + [503]
        for conn, _ in streams:
            conn.sock.shutdown(socket.SHUT_RDWR)
            conn.close()
        time.sleep(api_graph.HEARTBEAT_SECONDS + 2)
        streams = [open_stream() for _ in range(api_graph.EVENT_STREAM_LIMIT)]
        for conn, _ in streams:
            conn.close()
        assert [status for _, status in streams] == [200] * api_graph.EVENT_STREAM_LIMIT
    finally:
        server.stop()
