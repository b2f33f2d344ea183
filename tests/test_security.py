"""Who may talk to the backend (issue 6): token, Host header, CORS, response headers, limits, body cap,
and the review surface. Everything runs on the Flask test client or on loopback."""

import asyncio
import os
import socket
import stat
import threading
import time

import pytest
from flask.testing import FlaskClient

from headwater import store
from headwater.cli import main as cli
from headwater.cli import review
from headwater.evaluation.localweb import Response
from headwater.settings import ServerSettings
from headwater.web import auth
from tests.helpers import SEED_URL, TEST_TOKEN
from tests.helpers.serverproc import free_port


def run_async(coroutine):
    """asyncio.run in a thread of its own: Playwright's sync API may hold this thread's event loop."""
    result = {}
    thread = threading.Thread(target=lambda: result.update(value=asyncio.run(coroutine)))
    thread.start()
    thread.join()
    return result["value"]


EXTENSION = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
FIREFOX = "moz-extension://0b6c9f8e-5d1e-4c43-9a55-2f0d6f3b7a11"


def anonymous(app) -> FlaskClient:
    """A client without the token: a web page, or a program that does not have it."""
    return FlaskClient(app, app.response_class, use_cookies=False)


def error_of(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"} and body["error"]["code"] and body["error"]["message"]
    return body["error"]


@pytest.fixture
def make_app(db_path, attributor):
    """An app on the temporary store with some config changed."""
    from headwater.web.app import create_app

    def make(**config):
        return create_app(
            {
                "TESTING": True,
                "DATABASE": db_path,
                "ATTRIBUTOR": attributor,
                "ALLOW_PRIVATE": True,
                "TOKEN": TEST_TOKEN,
                **config,
            }
        )

    return make


# -- the token ---------------------------------------------------------------------------------


def test_the_token_is_made_on_first_run_next_to_the_store_and_readable_by_its_owner_only(tmp_path, attributor):
    from headwater.web.app import create_app

    db = tmp_path / "stores" / "provenance.db"
    app = create_app({"DATABASE": str(db), "ATTRIBUTOR": attributor})
    path = tmp_path / "stores" / "provenance.db.token"
    assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600
    token = path.read_text().strip()
    assert len(token) >= 40 and app.config["TOKEN"] == token
    # the same token on the next start (the extension keeps working), and for `headwater token`
    assert create_app({"DATABASE": str(db), "ATTRIBUTOR": attributor}).config["TOKEN"] == token
    assert auth.load_or_create_token(db) == token


def test_headwater_token_prints_it(tmp_path, capsys):
    db = tmp_path / "provenance.db"
    assert cli.main(["token", "--db", str(db)]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == (tmp_path / "provenance.db.token").read_text().strip()
    assert "extension's options" in err


def test_a_token_file_others_can_read_is_made_private_again(tmp_path):
    db = tmp_path / "provenance.db"
    token = auth.load_or_create_token(db)
    path = auth.token_path(db)
    os.chmod(path, 0o644)
    assert auth.load_or_create_token(db) == token
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "path",
    [
        "/api/traces/1",
        "/api/provenance?url=https://example.com/",
        "/api/log",
        "/api/traces/1/prov",
        "/api/traces/1/events",
    ],
)
def test_every_route_but_health_needs_the_token(app, path):
    error = error_of(anonymous(app).get(path), 401)
    assert error["code"] == "unauthorized" and "`headwater token`" in error["message"]


def test_a_trace_needs_the_token_and_nothing_is_fetched_or_stored_without_it(app, web, seed_html):
    url = web.add("/article", seed_html)
    response = anonymous(app).post("/api/traces", json={"url": url})
    assert error_of(response, 401)["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert web.requests == []
    assert store.open_db(app.config["DATABASE"])["fetches"].count == 0


def test_health_answers_without_the_token(app):
    assert anonymous(app).get("/api/health").get_json()["status"] == "ok"


@pytest.mark.parametrize(
    "header",
    [
        "Bearer wrong-token",
        f"Basic {TEST_TOKEN}",
        f"Bearer {TEST_TOKEN}x",
        f"Bearer {TEST_TOKEN[:-1]}",
        "Bearer",
        "Bearer tökén",
        TEST_TOKEN,
    ],
)
def test_a_wrong_token_is_refused(app, header):
    response = anonymous(app).get("/api/log", headers={"Authorization": header})
    assert "`headwater token`" in error_of(response, 401)["message"]


def test_the_right_token_is_accepted_with_any_case_of_bearer(app):
    for scheme in ("Bearer", "bearer"):
        response = anonymous(app).get("/api/log", headers={"Authorization": f"{scheme} {TEST_TOKEN}"})
        assert response.status_code == 200


def test_the_token_is_compared_in_constant_time(app, monkeypatch):
    compared = []
    real = auth.hmac.compare_digest
    monkeypatch.setattr(auth.hmac, "compare_digest", lambda a, b: compared.append((a, b)) or real(a, b))
    anonymous(app).get("/api/log", headers={"Authorization": "Bearer guess"})
    assert compared == [(b"guess", TEST_TOKEN.encode())]


@pytest.mark.parametrize("query", [f"token={TEST_TOKEN}", f"access_token={TEST_TOKEN}", "api_key=x", "Password=x"])
def test_credentials_in_the_query_string_are_refused_even_with_the_header(client, query):
    error = error_of(client.get(f"/api/log?{query}"), 400)
    assert error["code"] == "credentials_in_url" and "Authorization" in error["message"]


# -- Host header (DNS rebinding) ------------------------------------------------------------------


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8765", "127.0.0.1.nip.io", "192.168.1.5", ""])
def test_a_foreign_host_header_is_refused(client, host):
    error = error_of(client.get("/api/health", headers={"Host": host}), 400)
    assert error["code"] == "host_not_allowed" and "HEADWATER_ALLOWED_HOSTS" in error["message"]


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "localhost:8765", "[::1]:8765", "LOCALHOST:8765"])
def test_loopback_host_headers_on_the_bound_port_are_accepted(make_app, host):
    client = make_app(SERVER_PORT=8765, BIND_HOST="127.0.0.1").test_client()
    assert client.get("/api/log", headers={"Host": host}).status_code == 200


def test_the_port_in_the_host_header_must_be_the_bound_one(make_app):
    client = make_app(SERVER_PORT=8765, BIND_HOST="127.0.0.1").test_client()
    assert error_of(client.get("/api/log", headers={"Host": "127.0.0.1:9999"}), 400)["code"] == "host_not_allowed"


def test_the_bound_host_and_configured_names_are_accepted(make_app):
    settings = ServerSettings(allowed_hosts=("headwater.lan",))
    client = make_app(SERVER_PORT=8765, BIND_HOST="10.0.0.7", SERVER_SETTINGS=settings).test_client()
    for host in ("10.0.0.7:8765", "headwater.lan:8765"):
        assert client.get("/api/log", headers={"Host": host}).status_code == 200
    assert client.get("/api/log", headers={"Host": "other.lan:8765"}).status_code == 400


def test_allowed_hosts_and_origins_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("HEADWATER_ALLOWED_HOSTS", "a.lan, b.lan")
    monkeypatch.setenv("HEADWATER_ALLOWED_ORIGINS", EXTENSION)
    monkeypatch.setenv("HEADWATER_MAX_CONCURRENT_TRACES", "2")
    settings = ServerSettings.from_env()
    assert settings.allowed_hosts == ("a.lan", "b.lan") and settings.allowed_origins == (EXTENSION,)
    assert settings.max_concurrent_traces == 2


# -- CORS: the extension only -----------------------------------------------------------------------


@pytest.mark.parametrize("origin", [EXTENSION, FIREFOX])
def test_the_extension_preflight_is_answered_without_the_token(app, origin):
    response = anonymous(app).options(
        "/api/traces",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
            "Access-Control-Request-Private-Network": "true",
        },
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == origin
    assert "Authorization" in response.headers["Access-Control-Allow-Headers"]
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert response.headers["Access-Control-Allow-Private-Network"] == "true"


def test_the_extension_can_read_answers(client):
    response = client.get("/api/log", headers={"Origin": EXTENSION})
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == EXTENSION
    assert "Origin" in response.headers["Vary"]


@pytest.mark.parametrize("origin", ["https://evil.example", "http://127.0.0.1:8765", "null", "file://"])
def test_web_pages_are_refused_and_get_no_cors_headers(client, origin, web, seed_html):
    url = web.add("/article", seed_html)
    for response in (
        client.options("/api/traces", headers={"Origin": origin, "Access-Control-Request-Method": "POST"}),
        client.post("/api/traces", json={"url": url}, headers={"Origin": origin}),
        client.get("/api/health", headers={"Origin": origin}),
    ):
        assert error_of(response, 403)["code"] == "origin_not_allowed"
        assert "Access-Control-Allow-Origin" not in response.headers
    assert web.requests == []


def test_the_allowed_origins_can_be_narrowed_to_one_extension(make_app):
    client = make_app(SERVER_SETTINGS=ServerSettings(allowed_origins=(EXTENSION,))).test_client()
    assert client.get("/api/log", headers={"Origin": EXTENSION}).status_code == 200
    assert client.get("/api/log", headers={"Origin": "chrome-extension://someotherextensionid"}).status_code == 403


# -- headers on every response -----------------------------------------------------------------------


def test_every_response_forbids_sniffing_framing_and_caching(client, app):
    responses = [
        client.get("/api/health"),
        client.get("/api/log"),
        client.get("/api/traces/99"),
        client.get("/api/nowhere"),
        anonymous(app).get("/api/log"),
        client.get("/api/health", headers={"Host": "evil.example"}),
        client.delete("/api/log"),
    ]
    for response in responses:
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["Cache-Control"] == "no-store"
        assert response.is_json


def test_a_wrong_method_is_a_json_405(client):
    assert error_of(client.delete("/api/traces"), 405)["code"] == "method_not_allowed"


# -- limits ---------------------------------------------------------------------------------------------


def test_too_many_requests_from_one_client_get_a_429_with_retry_after(make_app):
    client = make_app(SERVER_SETTINGS=ServerSettings(requests_per_minute=3)).test_client()
    assert [client.get("/api/log").status_code for _ in range(3)] == [200, 200, 200]
    response = client.get("/api/log")
    error = error_of(response, 429)
    assert error["code"] == "rate_limited" and "HEADWATER_RATE_LIMIT" in error["message"]
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    # another client (the extension, by its Origin) has its own allowance
    assert client.get("/api/log", headers={"Origin": EXTENSION}).status_code == 200


def test_traces_have_their_own_lower_rate(make_app, seed_html):
    client = make_app(SERVER_SETTINGS=ServerSettings(traces_per_minute=1)).test_client()
    assert client.post("/api/traces", json={"url": SEED_URL, "html": seed_html}).status_code == 201
    response = client.post("/api/traces", json={"url": SEED_URL, "html": seed_html})
    assert error_of(response, 429)["code"] == "rate_limited" and response.headers["Retry-After"]
    assert client.get("/api/provenance", query_string={"url": SEED_URL}).status_code == 200  # reading goes on


def test_traces_over_the_concurrency_cap_get_a_429_and_the_cap_frees_up(make_app, web, seed_html):
    app = make_app(SERVER_SETTINGS=ServerSettings(max_concurrent_traces=1))
    slow = web.add("/slow", Response(seed_html, delay=1.5))
    first = {}
    worker = threading.Thread(target=lambda: first.update(r=app.test_client().post("/api/traces", json={"url": slow})))
    worker.start()
    deadline = time.monotonic() + 5
    while not web.requests and time.monotonic() < deadline:  # the first trace is fetching
        time.sleep(0.02)
    response = app.test_client().post("/api/traces", json={"url": SEED_URL, "html": seed_html})
    error = error_of(response, 429)
    assert error["code"] == "too_many_traces" and "HEADWATER_MAX_CONCURRENT_TRACES" in error["message"]
    assert int(response.headers["Retry-After"]) > 0
    worker.join(10)
    assert first["r"].status_code == 201
    assert app.test_client().post("/api/traces", json={"url": SEED_URL, "html": seed_html}).status_code == 201


def test_a_body_over_the_cap_is_a_json_413(make_app):
    client = make_app(MAX_CONTENT_LENGTH=1000).test_client()
    response = client.post("/api/traces", json={"url": SEED_URL, "html": "<p>x</p>" * 500})
    error = error_of(response, 413)
    assert error["code"] == "too_large" and "MiB" in error["message"]


# -- SSRF through the API: the default refuses loopback --------------------------------------------------


def test_by_default_the_api_refuses_to_fetch_this_computer(make_app, web, monkeypatch):
    monkeypatch.delenv("HEADWATER_ALLOW_PRIVATE", raising=False)
    client = make_app(ALLOW_PRIVATE=False).test_client()
    for url in ("http://127.0.0.1/", "http://[::1]/", "http://2130706433/", "http://169.254.169.254/latest/"):
        assert error_of(client.post("/api/traces", json={"url": url}), 400)["code"] == "forbidden_address"
    assert web.requests == []


# -- serving ----------------------------------------------------------------------------------------------


def test_serve_binds_loopback_and_says_how_to_get_the_token(tmp_path, monkeypatch, capsys):
    from headwater.web import serve

    seen = {}
    monkeypatch.setattr(serve, "run", lambda config, host, port: seen.update(config=config, host=host, port=port))
    db = tmp_path / "p.db"
    port = free_port()
    assert cli.main(["serve", "--db", str(db), "--port", str(port)]) == 0
    out = capsys.readouterr().out
    assert f"http://127.0.0.1:{port}/api" in out and f"headwater token --db {db}" in out
    assert seen["host"] == "127.0.0.1" and seen["port"] == port
    assert seen["config"]["SERVER_PORT"] == port and seen["config"]["DATABASE"] == str(db)
    assert db.exists()  # the store is made (and any error shown) before the server starts


def test_serve_on_a_port_in_use_says_so_instead_of_sharing_it(tmp_path, monkeypatch, capsys):
    from headwater.web import serve

    monkeypatch.setattr(serve, "run", lambda *args: pytest.fail("the server must not start"))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert cli.main(["serve", "--db", str(tmp_path / "p.db"), "--port", str(port)]) == 1
    err = capsys.readouterr().err
    assert f"Cannot listen on 127.0.0.1:{port}" in err and "--port" in err


# -- the review surface -------------------------------------------------------------------------------------


def test_review_runs_datasette_on_loopback_without_write_access(tmp_path, monkeypatch):
    seen = {}
    monkeypatch.setattr(review.subprocess, "call", lambda command: seen.setdefault("command", command) and 0)
    review.run_datasette(str(tmp_path / "p.db"), port=8766)
    command = seen["command"]
    assert command[command.index("--host") + 1] == "127.0.0.1"
    assert not {"--root", "--cors", "--load-extension", "--immutable-off"} & set(command)
    assert "0.0.0.0" not in command
    assert command[command.index("--plugins-dir") + 1] == str(review.PLUGINS)  # the Host guard only
    assert sorted(p.name for p in review.PLUGINS.glob("*.py")) == ["__init__.py", "host_guard.py"]


def reviewed(path, host):
    from datasette.app import Datasette

    async def get():
        datasette = Datasette([path], plugins_dir=str(review.PLUGINS))
        name = os.path.splitext(os.path.basename(path))[0]
        return await datasette.client.get(f"/{name}/traces.json", headers={"host": host})

    return run_async(get())


@pytest.mark.parametrize(
    "host, status",
    [
        ("127.0.0.1:8766", 200),
        ("localhost:8766", 200),
        ("[::1]:8766", 200),
        ("evil.example:8766", 400),
        ("evil.example", 400),
    ],
)
def test_the_review_refuses_requests_addressed_to_another_name(client, app, host, status):
    response = reviewed(app.config["DATABASE"], host)
    assert response.status_code == status
    assert response.headers["x-frame-options"] == "DENY"


def test_datasette_refuses_to_change_the_store(client, app, seed_html):
    from datasette.app import Datasette

    client.post("/api/traces", json={"url": SEED_URL, "html": seed_html})
    path = app.config["DATABASE"]

    async def attempt():
        datasette = Datasette([path])
        name = os.path.splitext(os.path.basename(path))[0]
        return await datasette.client.get(f"/{name}.json", params={"sql": "DELETE FROM traces"})

    response = run_async(attempt())
    assert response.status_code == 400 and "SELECT" in response.text
    assert store.open_db(path)["traces"].count == 1
