"""Who may talk to the backend, checked on every request before it reaches a route.

In order (the first that fails answers, as a JSON error):
  1. Host header: only the names this server is reached by (127.0.0.1, localhost,
     [::1], the bound host, HEADWATER_ALLOWED_HOSTS). A web page that points its
     own domain at 127.0.0.1 (DNS rebinding) sends its own domain here: 400.
  2. Origin: a browser says which page or extension is calling. Only allowed
     origins (the extension's by default) get in, and only they get CORS headers:
     403 otherwise. Requests without an Origin (scripts, curl) go on to the token.
  3. CORS preflight (OPTIONS): answered here, without the token, since browsers
     never send one with a preflight.
  4. No credentials in the query string (addresses end up in logs and history): 400.
  5. Rate limit per client: 429 (limits.py).
  6. The token, `Authorization: Bearer ...`, on every route but /api/health: 401 (auth.py).
Every response also says: do not sniff types, never frame me, do not cache.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from flask import Flask, current_app, request

from headwater.errors import HeadwaterError
from headwater.settings import ServerSettings
from headwater.web.auth import HOW_TO_GET_IT, bearer_token, token_matches
from headwater.web.limits import RateLimiter, TraceSlots

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
WILDCARD_HOSTS = ("", "0.0.0.0", "::")
OPEN_PATHS = ("/api/health",)  # answers "is Headwater running?" for the extension, tells nothing else
CREDENTIAL_PARAMS = {
    "token",
    "access_token",
    "api_key",
    "apikey",
    "auth",
    "authorization",
    "bearer",
    "password",
    "passwd",
    "secret",
    "session",
}
ALLOWED_HEADERS = "Authorization, Content-Type, Last-Event-ID"
ALLOWED_METHODS = "GET, POST, OPTIONS"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def install(app: Flask) -> None:
    """Hook the checks into `app`. Config: TOKEN, SERVER_SETTINGS, BIND_HOST, SERVER_PORT."""
    settings: ServerSettings = app.config["SERVER_SETTINGS"]
    app.extensions["headwater_rate"] = RateLimiter(settings.requests_per_minute, "requests", "HEADWATER_RATE_LIMIT")
    app.extensions["headwater_trace_rate"] = RateLimiter(
        settings.traces_per_minute, "traces", "HEADWATER_TRACE_RATE_LIMIT"
    )
    app.extensions["headwater_slots"] = TraceSlots(settings.max_concurrent_traces)
    app.before_request(_check_request)
    app.after_request(_add_headers)


def trace_slot():
    """The context a trace runs in: counts it against the per-client trace rate and the concurrency cap."""
    current_app.extensions["headwater_trace_rate"].hit(client_key())
    return current_app.extensions["headwater_slots"].slot()


def client_key(req=None) -> str:
    req = req or request
    return f"{req.remote_addr or '-'} {req.environ.get('HTTP_ORIGIN', '-')}"


# -- the checks -------------------------------------------------------------------------


def _check_request():
    # Every request passes here, health included: keep it lean (bench/lookups.py measures it).
    # The proxies `request` and `current_app` are looked up once: each use costs a context lookup.
    app, req = current_app._get_current_object(), request._get_current_object()
    environ = req.environ
    _check_host(app, req)
    origin = environ.get("HTTP_ORIGIN")
    if origin is not None and not origin_allowed(origin, app):
        raise HeadwaterError(
            f"Requests from {origin[:100]} are not allowed. Only the Headwater extension "
            "may call this backend from a browser (HEADWATER_ALLOWED_ORIGINS).",
            code="origin_not_allowed",
            status=403,
        )
    if req.method == "OPTIONS":
        return app.response_class(status=204, headers={"Allow": ALLOWED_METHODS})
    if environ.get("QUERY_STRING"):
        named = sorted(k for k in req.args if k.lower() in CREDENTIAL_PARAMS)
        if named:
            raise HeadwaterError(
                f"Do not put credentials in the address (the query string had “{named[0]}”): "
                "addresses end up in logs and browser history. Send the token as an "
                "`Authorization: Bearer <token>` header.",
                code="credentials_in_url",
            )
    app.extensions["headwater_rate"].hit(client_key(req))
    if req.path not in OPEN_PATHS:
        _check_token(app, req)
    return None


def _host_rule(app: Flask) -> tuple[frozenset, int | None]:
    """The Host names and port accepted, worked out once per configuration (not per request)."""
    config = app.config
    settings: ServerSettings = config["SERVER_SETTINGS"]
    key = (settings, config.get("BIND_HOST"), config.get("SERVER_PORT"))
    cached = app.extensions.get("headwater_host_rule")
    if cached is not None and cached[0] == key:
        return cached[1]
    names = set(LOOPBACK_NAMES) | {h.lower().strip("[]") for h in settings.allowed_hosts}
    bound = (config.get("BIND_HOST") or "").lower().strip("[]")
    if bound not in WILDCARD_HOSTS:
        names.add(bound)
    expected_port = config.get("SERVER_PORT")
    rule = (frozenset(names), None if expected_port is None else int(expected_port))
    app.extensions["headwater_host_rule"] = (key, rule)
    return rule


def _check_host(app: Flask, req) -> None:
    names, expected_port = _host_rule(app)
    host, port = split_host(req.host)
    port_ok = expected_port is None or (port or 80) == expected_port
    if host not in names or not port_ok:
        shown = req.host[:100] or "nothing"
        raise HeadwaterError(
            f"This backend answers only to its own address (127.0.0.1, localhost or [::1]"
            f"{', port ' + str(expected_port) if expected_port else ''}); the request's Host header said "
            f"{shown}. To reach it by another name, add the name to HEADWATER_ALLOWED_HOSTS.",
            code="host_not_allowed",
            status=400,
        )


def split_host(value: str) -> tuple[str, int | None]:
    """("127.0.0.1", 8765) from "127.0.0.1:8765", ("::1", None) from "[::1]"; lower case, no final dot."""
    value = (value or "").strip().lower()
    port = None
    if value.startswith("["):
        name, _, rest = value[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else ""
    elif value.count(":") == 1:
        name, _, port_text = value.partition(":")
    else:
        name, port_text = value, ""
    if port_text:
        port = int(port_text) if port_text.isdigit() and len(port_text) <= 5 else -1
    return name.rstrip("."), port


def origin_allowed(origin: str, app: Flask | None = None) -> bool:
    origin = origin.strip().lower()
    if origin in ("", "null"):
        return False
    patterns = (app or current_app).config["SERVER_SETTINGS"].allowed_origins
    return any(fnmatchcase(origin, pattern.lower()) for pattern in patterns)


def _check_token(app: Flask, req) -> None:
    given = bearer_token(req.environ.get("HTTP_AUTHORIZATION"))
    if given is None:
        raise HeadwaterError(
            f"This request needs Headwater's API token as an `Authorization: Bearer <token>` header; {HOW_TO_GET_IT}.",
            code="unauthorized",
            status=401,
        )
    if not token_matches(given, app.config["TOKEN"]):
        raise HeadwaterError(f"The API token is wrong; {HOW_TO_GET_IT}.", code="unauthorized", status=401)


# -- every response -------------------------------------------------------------------------


def _add_headers(response):
    headers = response.headers
    present = {name.lower() for name in headers.keys()}
    for name, value in SECURITY_HEADERS.items():
        if name.lower() not in present:
            headers.add(name, value)
    # The store is the reader's browsing history: no copy in any cache.
    if "no-cache" not in headers.get("Cache-Control", ""):
        headers["Cache-Control"] = "no-store"
    if response.status_code == 401 and "www-authenticate" not in present:
        headers.add("WWW-Authenticate", 'Bearer realm="headwater"')
    vary = headers.get("Vary")
    if not vary:
        headers["Vary"] = "Origin"
    elif "origin" not in {v.strip().lower() for v in vary.split(",")}:
        headers["Vary"] = f"{vary}, Origin"
    req = request._get_current_object()
    origin = req.environ.get("HTTP_ORIGIN")
    if origin is not None and origin_allowed(origin):
        headers["Access-Control-Allow-Origin"] = origin
        headers["Access-Control-Expose-Headers"] = "Retry-After"
        if req.method == "OPTIONS":
            headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            headers["Access-Control-Max-Age"] = "600"
            # Chrome's Private Network Access asks before a page reaches loopback.
            if req.headers.get("Access-Control-Request-Private-Network") == "true":
                headers["Access-Control-Allow-Private-Network"] = "true"
    return response
