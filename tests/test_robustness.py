"""Bad input (issue 6): arbitrary JSON bodies, URLs, query strings and methods, thrown at every route.

Whatever comes in, the API answers without a 500 and without a traceback, and every
error is a JSON object {"error": {"code", "message"}}. Nothing reaches the network:
name resolution and socket connections are replaced for the whole module, so a
random URL fails (refused, or as a DNS failure) before any connection is tried.
"""

import socket
import string
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from headwater.settings import FollowSettings, ServerSettings
from tests.helpers import TEST_TOKEN

EXTENSION = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]
FIELDS = ["url", "html", "claim", "follow", "depth", "budget", "seconds", "background"]
PARAMS = ["url", "limit", "before", "format", "after", "token"]
TRICKY_URLS = [
    "http://127.0.0.1/",
    "http://2130706433/",
    "http://0x7f.1/",
    "http://[::ffff:127.0.0.1]/",
    "http://0.0.0.0/",
    "http://169.254.169.254/latest/meta-data/",
    "https://example.com:22/",
    "http://user:pw@example.com/",
    "javascript:alert(1)",
    "file:///etc/passwd",
    "http://",
    "https://example.com/" + "a" * 5000,
    "http://xn--/",
    "http://ex ample.com/",
    "http://[::1",
    "http://example.com:99999/",
    "\x00",
    "",
    "https://www.example-blog.com/2014/11/story",
]
HOSTILE_PAGES = [
    "<html><body><p>Reuters reported that the talks failed, officials said.</p></body></html>",
    "<div>" * 3000 + "<p>Deep down, the AP reported a deal.</p>" + "</div>" * 3000,  # deep nesting
    "<p title='" + "x" * 200_000 + "'>A huge attribute, the AP said.</p>",
    "<html><body><p>Bad bytes \udcff\ufffe and binary \x00\x01\x02 served as html</p></body></html>",
    "<meta charset='utf-16'><p>The Journal reported it.</p>",
    "<p>" + "<a href='http://" + "a" * 300 + ".example/'>link</a>" * 200 + "</p>",
    "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "",
]
HTML = st.one_of(st.text(max_size=300), st.sampled_from(HOSTILE_PAGES))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
urls = st.one_of(
    st.sampled_from(TRICKY_URLS),
    st.text(max_size=80),
    st.from_regex(r"\Ahttps?://[a-z0-9.\-\[\]:@%]{1,40}(/[ -~]{0,40})?\Z"),
)
OPTIONAL_FIELDS = {
    "html": HTML | json_values,
    "claim": st.text(max_size=60) | json_values,
    "follow": st.booleans() | json_values,
    "depth": st.integers(-2, 8) | json_values,
    "budget": st.integers(-1, 300) | st.floats(allow_nan=False),
    "seconds": st.floats(-1, 2) | json_values,
    "background": st.booleans() | json_values,
}
trace_bodies = st.one_of(
    # well-formed: a public URL and the page's HTML, so traces do run (and follow, which fails as DNS)
    st.fixed_dictionaries(
        {
            "url": st.sampled_from(["https://www.example-blog.com/2014/11/story", "http://news.example.org/a?b=c"]),
            "html": st.sampled_from(HOSTILE_PAGES) | st.text(max_size=300),
        },
        optional={
            "claim": st.text(max_size=60),
            "follow": st.booleans(),
            "depth": st.integers(0, 2),
            "budget": st.integers(0, 3),
            "seconds": st.floats(0, 2),
        },
    ),
    st.fixed_dictionaries({"url": urls}, optional=OPTIONAL_FIELDS),
    st.fixed_dictionaries({}, optional={"url": urls | json_values, **OPTIONAL_FIELDS}),
)
bodies = st.one_of(
    st.builds(lambda v: ("json", v), trace_bodies),
    st.builds(lambda v: ("json", v), json_values),
    st.builds(
        lambda b, t: ("raw", (b, t)),
        st.binary(max_size=200),
        st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded", ""]),
    ),
    st.just(("none", None)),
)
queries = st.dictionaries(
    st.sampled_from(PARAMS) | st.text(string.ascii_letters, min_size=1, max_size=8),
    urls | st.text(max_size=30) | st.integers().map(str),
    max_size=3,
)
ids = st.one_of(st.integers(0, 5), st.integers(0, 2**70), st.text(string.printable, max_size=12))


@pytest.fixture(scope="module")
def no_network():
    """No name resolves and no socket connects: a random URL cannot reach anything."""
    attempts = []

    def refuse_lookup(host, *args, **kwargs):
        attempts.append(("lookup", host))
        raise socket.gaierror(socket.EAI_NONAME, "no network in this test")

    def refuse_connect(sock, address):
        attempts.append(("connect", address))
        raise ConnectionRefusedError("no network in this test")

    patch = pytest.MonkeyPatch()
    patch.setattr(socket, "getaddrinfo", refuse_lookup)
    patch.setattr(socket.socket, "connect", refuse_connect)
    patch.delenv("HEADWATER_ALLOW_PRIVATE", raising=False)
    yield attempts
    patch.undo()


@pytest.fixture(scope="module")
def api(tmp_path_factory, attributor, no_network):
    from headwater.web.app import create_app

    app = create_app(
        {
            "TESTING": True,
            "DATABASE": str(tmp_path_factory.mktemp("robust") / "provenance.db"),
            "ATTRIBUTOR": attributor,
            "ALLOW_PRIVATE": False,
            "TOKEN": TEST_TOKEN,
            "SERVER_SETTINGS": ServerSettings(requests_per_minute=0, traces_per_minute=0),
            "FOLLOW_SETTINGS": FollowSettings(politeness_delay=0, time_budget=2, max_pages=3, depth=1),
        }
    )
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a bug must show as the 500 a user would get
    return app


def routes(app) -> list[str]:
    return sorted({rule.rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"})


def check(response, attempts: list, method: str = "POST") -> None:
    assert [a for a in attempts if a[0] == "connect"] == [], "a connection was attempted"
    text = response.get_data(as_text=True)
    assert response.status_code < 500, text
    if method == "HEAD":  # the GET's status and headers, without a body
        return
    assert "Traceback" not in text and 'File "' not in text
    if response.status_code >= 400:
        body = response.get_json(silent=True)
        assert isinstance(body, dict) and set(body) == {"error"}, text
        assert isinstance(body["error"]["code"], str) and body["error"]["code"]
        assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    elif response.is_json and response.status_code != 204:
        assert isinstance(response.get_json(), dict)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=trace_bodies)
def test_any_trace_request_is_answered_with_a_trace_or_a_reason(api, no_network, body):
    response = api.test_client().post("/api/traces", json=body, headers={"Authorization": f"Bearer {TEST_TOKEN}"})
    event(f"{response.status_code} {(response.get_json() or {}).get('error', {}).get('code', '')}")
    check(response, no_network)
    if response.status_code in (201, 202):
        trace = response.get_json()
        assert trace["id"] and isinstance(trace["attributions"], list)


@pytest.mark.parametrize("html", HOSTILE_PAGES, ids=lambda h: h[:20])
def test_hostile_pages_get_a_trace_or_a_clear_error(api, no_network, html):
    response = api.test_client().post(
        "/api/traces",
        json={"url": "https://example.com/story", "html": html},
        headers={"Authorization": f"Bearer {TEST_TOKEN}"},
    )
    check(response, no_network)
    assert response.status_code == 201 or response.get_json()["error"]["code"] in ("no_text", "not_html")


def test_numbers_too_large_for_the_store_are_not_a_500(api, no_network):
    """Found by the property test below: ids and event numbers beyond SQLite's 64-bit integers."""
    client = api.test_client()
    auth = {"Authorization": f"Bearer {TEST_TOKEN}"}
    trace = client.post("/api/traces", json={"url": "https://example.com/n", "html": HOSTILE_PAGES[0]}, headers=auth)
    assert trace.status_code == 201
    huge = str(2**64)
    for path, headers in (
        (f"/api/traces/{huge}", {}),
        (f"/api/traces/{huge}/prov", {}),
        (f"/api/traces/{trace.get_json()['id']}/events?after={huge}", {}),
        (f"/api/traces/{trace.get_json()['id']}/events", {"Last-Event-ID": "-" + huge}),
    ):
        response = client.get(path, headers={**auth, **headers})
        check(response, no_network, "GET")
        assert response.status_code in (200, 404)


def test_a_random_public_url_fails_as_dns_before_any_connection(api, no_network):
    response = api.test_client().post(
        "/api/traces", json={"url": "https://news.example.org/story"}, headers={"Authorization": f"Bearer {TEST_TOKEN}"}
    )
    check(response, no_network)
    assert response.get_json()["error"]["code"] == "dns_failure"
    assert ("lookup", "news.example.org") in no_network


# Last in the module, so that traces made by the tests above exist for the routes that show one.
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=st.data())
def test_any_request_to_any_route_gets_a_json_answer_and_never_a_500(api, no_network, data):
    rule = data.draw(st.sampled_from(routes(api)), label="route")
    path = rule
    for name in ("<int:trace_id>",):
        path = path.replace(name, quote(str(data.draw(ids, label="id")), safe=""))
    allowed = sorted(next(r.methods for r in api.url_map.iter_rules() if r.rule == rule))
    method = data.draw(st.sampled_from(allowed) | st.sampled_from(METHODS), label="method")
    headers = {"Authorization": f"Bearer {TEST_TOKEN}"}
    if data.draw(st.booleans(), label="resuming events"):
        headers["Last-Event-ID"] = data.draw(
            st.integers().map(str) | st.text(string.ascii_letters + string.digits + " -.", max_size=10)
        )
    if data.draw(st.booleans(), label="from the extension"):
        headers["Origin"] = EXTENSION
    kind, body = data.draw(bodies, label="body")
    kwargs = {"query_string": data.draw(queries, label="query"), "headers": headers}
    if kind == "json":
        kwargs["json"] = body
    elif kind == "raw":
        kwargs["data"], kwargs["content_type"] = body
    response = api.test_client().open(path, method=method, **kwargs)
    event(f"{method} {rule} -> {response.status_code}")
    check(response, no_network, method)
