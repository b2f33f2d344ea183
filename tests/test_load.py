"""Load (issue 6): 50 clients at once against `headwater serve` (Granian), on loopback only.

Each client asks for one trace of a page on the local fixture web and looks pages
up meanwhile (GET /api/provenance, GET /api/traces/<id>): a fixed number of
requests under a time cap. The server must answer every request without a 5xx
or a "database is locked", and every trace it accepted must be in the store.
Traces over the concurrency cap (4, the default) get 429 + Retry-After; the
clients wait as told and ask again, as the extension would.

The per-client rate limits are off here: all 50 clients share 127.0.0.1, so with
them on this would test the limiter (tests/test_security.py does), not the load.
"""

import random
import threading
import time

from headwater.evaluation.localweb import FixtureWeb, Response
from tests.helpers import FIXTURES
from tests.helpers.serverproc import Server, read_only

CLIENTS = 50
PAGES = 10
LOOKUPS = 3  # per client, besides its trace and one read of that trace
TIME_CAP = 120.0  # seconds for the whole run; it takes ~15-30 s on two cores


def test_fifty_clients_tracing_and_looking_up_at_once(tmp_path):
    seed = (FIXTURES / "seed.html").read_text(encoding="utf-8")
    web = FixtureWeb().start()
    pages = [
        web.add(f"/news/{n}", Response(seed.replace("<title>", f"<title>Page {n}: "), delay=0.05)) for n in range(PAGES)
    ]
    server = Server(
        tmp_path / "store.db",
        tmp_path / "server.log",
        env={"HEADWATER_RATE_LIMIT": "0", "HEADWATER_TRACE_RATE_LIMIT": "0"},
    ).start()
    results = []  # (kind, status, body)
    accepted = []  # trace ids answered with 201
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS)
    deadline = time.monotonic() + TIME_CAP

    def record(kind, status, body):
        with lock:
            results.append((kind, status, body))

    def client(n):
        rng = random.Random(n)
        start.wait()
        while time.monotonic() < deadline:
            status, body, headers = server.request("POST", "/api/traces", {"url": pages[n % PAGES]})
            record("trace", status, body)
            if status != 429:
                break
            time.sleep(int(headers["Retry-After"]) * rng.uniform(0.5, 1.0))
        if status == 201:
            with lock:
                accepted.append(body["id"])
            record("read", *server.request("GET", f"/api/traces/{body['id']}")[:2])
        for _ in range(LOOKUPS):
            record("lookup", *server.request("GET", f"/api/provenance?url={rng.choice(pages)}")[:2])

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
    began = time.monotonic()
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(max(1.0, deadline - time.monotonic()))
        elapsed = time.monotonic() - began
        assert not any(thread.is_alive() for thread in threads), f"clients still running after {TIME_CAP} s"
    finally:
        server.stop()
        web.stop()

    statuses = [status for _, status, _ in results]
    assert [r for r in results if r[1] >= 500] == []
    assert not [r for r in results if "locked" in str(r[2])], "a client saw 'database is locked'"
    assert "database is locked" not in server.output() and "Traceback" not in server.output()
    assert set(statuses) <= {200, 201, 404, 429}, sorted(set(statuses))
    for _kind, status, body in results:
        if status == 429:
            assert body["error"]["code"] == "too_many_traces"
    assert len(accepted) == CLIENTS, f"{len(accepted)} of {CLIENTS} traces accepted within {elapsed:.0f} s"
    assert sum(1 for kind, _, _ in results if kind == "lookup") == CLIENTS * LOOKUPS

    conn = read_only(tmp_path / "store.db")
    stored = {row[0] for row in conn.execute("SELECT id FROM traces")}
    complete = {
        row[0]
        for row in conn.execute("SELECT DISTINCT trace_id FROM attributions WHERE trace_id IN (SELECT id FROM traces)")
    }
    conn.close()
    assert set(accepted) <= stored and set(accepted) <= complete
    print(
        f"\n{CLIENTS} clients, {len(results)} requests in {elapsed:.1f} s: "
        f"{statuses.count(201)} traces, {statuses.count(429)} told to wait (429), "
        f"{statuses.count(200)} reads, {statuses.count(404)} lookups of pages not traced yet"
    )
