"""Crash safety (issue 6): SIGKILL `headwater serve` while traces are in flight, then look at the store.

The store must pass SQLite's integrity check, hold no half-written trace (every
trace complete, with its document and all its rows, or absent), mark a trace that
was still following its sources as failed, and the server must start again and trace.
Everything runs on loopback: the pages come from the tests' fixture web.
"""

import http.client
import socket
import sqlite3
import threading
import time

import pytest

from headwater.evaluation.localweb import FixtureWeb, Response
from tests.helpers import FIXTURES
from tests.helpers.followweb import Web
from tests.helpers.serverproc import Server, read_only

IN_FLIGHT = 12  # traces started at once; the server is killed when the first two are stored


@pytest.fixture
def fweb():
    web = Web().start()
    yield web
    web.stop()


def store_problems(db) -> list[str]:
    """What is wrong with the store, in words; [] when it is consistent."""
    conn = sqlite3.connect(db)  # read-write, as the next server start opens it (recovers the WAL)
    problems = []
    integrity = conn.execute("PRAGMA integrity_check").fetchall()
    if integrity != [("ok",)]:
        problems.append(f"integrity_check: {integrity}")
    for row in conn.execute("PRAGMA foreign_key_check").fetchall():
        problems.append(f"dangling reference: {row}")
    for (trace_id,) in conn.execute("SELECT id FROM traces WHERE document_id NOT IN (SELECT id FROM documents)"):
        problems.append(f"trace {trace_id} has no document")
    for trace_id, count, top in conn.execute("SELECT trace_id, COUNT(*), MAX(idx) FROM attributions GROUP BY trace_id"):
        if top != count - 1:
            problems.append(f"trace {trace_id}: attributions 0..{top} but {count} stored")
    for table in ("attributions", "edges", "chain_hops", "primary_sources", "follows", "trace_events"):
        orphans = conn.execute(f"SELECT COUNT(*) FROM {table} WHERE trace_id NOT IN (SELECT id FROM traces)")
        if orphans.fetchone()[0]:
            problems.append(f"{table} rows without their trace")
    conn.close()
    return problems


def shape_of_traces(db) -> set[tuple]:
    """(attributions, edges, chain hops, primary sources) of each stored trace."""
    conn = sqlite3.connect(db)
    rows = conn.execute("""SELECT (SELECT COUNT(*) FROM attributions a WHERE a.trace_id = t.id),
                                  (SELECT COUNT(*) FROM edges e WHERE e.trace_id = t.id),
                                  (SELECT COUNT(*) FROM chain_hops c WHERE c.trace_id = t.id),
                                  (SELECT COUNT(*) FROM primary_sources p WHERE p.trace_id = t.id)
                           FROM traces t""").fetchall()
    conn.close()
    return set(rows)


def count_traces(db) -> int:
    try:
        conn = read_only(db)
        try:
            return conn.execute("SELECT COUNT(*) FROM traces").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def nothing_listens_on(port: int, within: float = 5) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            return True
        time.sleep(0.1)
    return False


def test_sigkill_during_traces_leaves_a_consistent_store_and_the_server_restarts(tmp_path):
    seed = (FIXTURES / "seed.html").read_text(encoding="utf-8")
    web = FixtureWeb().start()
    # Half the pages are fetched (slowly, so those traces are mid-fetch), half are sent as HTML.
    urls = [web.add(f"/story/{n}", Response(seed, delay=0.3 * n)) for n in range(IN_FLIGHT)]
    server = Server(
        tmp_path / "store.db",
        tmp_path / "server.log",
        env={
            "HEADWATER_MAX_CONCURRENT_TRACES": str(IN_FLIGHT),
            "HEADWATER_RATE_LIMIT": "0",
            "HEADWATER_TRACE_RATE_LIMIT": "0",
        },
    ).start()
    try:
        answers = []

        def trace(n):
            body = {"url": urls[n]} if n % 2 else {"url": urls[n], "html": seed}
            try:
                answers.append(server.request("POST", "/api/traces", body, timeout=60)[0])
            except (OSError, http.client.HTTPException):  # refused, reset, or cut mid-answer
                answers.append("connection lost")

        threads = [threading.Thread(target=trace, args=(n,), daemon=True) for n in range(IN_FLIGHT)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        while count_traces(server.db) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        server.kill()
        for thread in threads:
            thread.join(10)
        assert nothing_listens_on(server.port)  # the HTTP worker went with the killed server

        stored = count_traces(server.db)
        assert 2 <= stored < IN_FLIGHT, f"the kill should come mid-way, but {stored} traces were stored"
        assert "connection lost" in answers  # some readers saw the server die mid-request
        assert store_problems(server.db) == []
        (shape,) = shape_of_traces(server.db)  # every stored trace of the page is complete: the same rows
        assert shape[0] > 0 and shape[2] > 0

        server.start()  # the same store, the same token
        status, trace, _ = server.request("POST", "/api/traces", {"url": urls[0], "html": seed})
        assert status == 201 and trace["chains"]
        assert shape_of_traces(server.db) == {shape}
        assert store_problems(server.db) == []
    finally:
        server.stop()
        web.stop()


def test_a_trace_killed_while_following_its_sources_is_marked_failed_on_restart(tmp_path, fweb):
    fweb.main.routes[fweb.wsj.replace(fweb.main.base, "")].delay = 30  # the upstream page never comes in time
    server = Server(
        tmp_path / "store.db",
        tmp_path / "server.log",
        env={
            "HEADWATER_FOLLOW_DELAY": "0",
            "HEADWATER_WAYBACK_API": fweb.wayback_api,
            "HEADWATER_NEWS_INDEX_API": fweb.news_index_api,
        },
    ).start()
    try:
        status, trace, _ = server.request("POST", "/api/traces", {"url": fweb.seed, "follow": True, "background": True})
        assert status == 202 and trace["follow"]["state"] == "running"
        deadline = time.monotonic() + 30
        while not fweb.requested(fweb.wsj) and time.monotonic() < deadline:  # it is fetching upstream
            time.sleep(0.05)
        server.kill()
        assert store_problems(server.db) == []

        server.start()
        status, again, _ = server.request("GET", f"/api/traces/{trace['id']}")
        assert status == 200
        assert again["follow"]["state"] == "failed"
        assert "Interrupted" in again["follow"]["error"] and "Trace it again" in again["follow"]["error"]
        assert again["chains"] == trace["chains"]  # the page's own trace was complete and stays
        status, body, _ = server.request("GET", f"/api/traces/{trace['id']}/events", timeout=10)
        assert status == 200  # the progress stream ends instead of waiting for a trace that will never finish
    finally:
        server.stop()
