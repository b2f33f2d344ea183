"""The HTTP API: a thin Flask shell over trace and store (JSON in, JSON out, JSON errors).

Follows Flask's tutorial: `create_app(test_config=None)`, a blueprint, `get_db()`
on `g` closed at teardown.
"""

from __future__ import annotations

import os
import threading

from flask import Blueprint, Flask, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from . import __version__, api_graph, auth, security, store
from .errors import HeadwaterError, NotFound
from .fetch import Fetcher
from .settings import FetchSettings, ServerSettings, default_db_path
from .trace import Tracer

bp = Blueprint("api", __name__, url_prefix="/api")
MAX_BODY_MIB = 12   # a request body: a page's HTML at most, plus room


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(
        DATABASE=default_db_path(),
        MAX_CONTENT_LENGTH=MAX_BODY_MIB * 1024 * 1024,
        ALLOW_PRIVATE=os.environ.get("HEADWATER_ALLOW_PRIVATE") == "1",
        FETCH_SETTINGS=FetchSettings.from_env(),
        ATTRIBUTOR=None,                       # tests may hand in a ready one
        TOKEN=None,                            # None: the store's token file (made on first run)
        SERVER_SETTINGS=ServerSettings.from_env(),
        BIND_HOST=None,                        # set by `headwater serve`: also accepted as Host header
        SERVER_PORT=None,                      # set by `headwater serve`: the Host header must name it
    )
    if test_config:
        app.config.update(test_config)
    db = store.open_db(app.config["DATABASE"])  # create the store from schema.sql if missing
    try:
        interrupted = store.fail_interrupted(db)   # traces left running by a crash or a kill
    finally:
        db.close()
    if interrupted:
        app.logger.warning("Marked %d trace(s) interrupted by the last shutdown as failed.", interrupted)
    if not app.config["TOKEN"]:
        app.config["TOKEN"] = auth.load_or_create_token(app.config["DATABASE"])
    app.extensions["headwater_lock"] = threading.Lock()
    app.url_map.converters["int"] = StoreId
    security.install(app)
    app.register_blueprint(bp)
    app.register_blueprint(api_graph.bp)   # multi-hop tracing: progress events, exports
    _register_errors(app)
    return app


class StoreId(IntegerConverter):
    """<int:...> in a route: an id the store can hold. A larger number is no id of ours (404),
    rather than an overflow in SQLite (500)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(url_map, *args, **kwargs)


def get_db():
    if "db" not in g:
        g.db = store.open_db(current_app.config["DATABASE"])
    return g.db


@bp.teardown_app_request
def close_db(_exc=None):
    db = g.pop("db", None)
    if db is not None:
        db.close()


def _attributor():
    """One NLP pipeline per app, loaded on the first trace (it takes a second)."""
    app = current_app
    if app.config["ATTRIBUTOR"] is None:
        with app.extensions["headwater_lock"]:
            if app.config["ATTRIBUTOR"] is None:
                from .attribute import Attributor

                app.config["ATTRIBUTOR"] = Attributor()
    return app.config["ATTRIBUTOR"]


def _tracer() -> Tracer:
    fetcher = Fetcher(current_app.config["FETCH_SETTINGS"], allow_private=current_app.config["ALLOW_PRIVATE"])
    return Tracer(get_db(), fetcher=fetcher, attributor=_attributor())


# -- routes -------------------------------------------------------------------


@bp.get("/health")
def health():
    return {"status": "ok", "version": __version__}


@bp.post("/traces")
def create_trace():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise HeadwaterError("Send a JSON object such as {\"url\": \"https://...\"}.", code="bad_request")
    url, html, claim = body.get("url"), body.get("html"), body.get("claim")
    if not isinstance(url, str) or not url.strip():
        raise HeadwaterError("The field \"url\" is required and must be a string.", code="bad_request")
    for name, value in (("html", html), ("claim", claim)):
        if value is not None and not isinstance(value, str):
            raise HeadwaterError(f"The field \"{name}\" must be a string.", code="bad_request")
    url, html, claim = (_valid_text(v) for v in (url, html, claim))
    options = api_graph.follow_options(body)
    with security.trace_slot():
        trace = _tracer().trace(url, html=html, claim=claim, **options)
    return jsonify(trace), api_graph.created_status(trace)


def _valid_text(value: str | None) -> str | None:
    """JSON can carry lone surrogates ("\\udcff") that no encoder accepts; read them as U+FFFD, as browsers do."""
    if value is None:
        return None
    return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


@bp.get("/traces/<int:trace_id>")
def get_trace(trace_id: int):
    trace = store.load_trace(get_db(), trace_id)
    if trace is None:
        raise NotFound(f"No trace with id {trace_id}.")
    return trace


@bp.get("/provenance")
def provenance_of_url():
    url = request.args.get("url", "").strip()
    if not url:
        raise HeadwaterError("Give the page as ?url=...", code="bad_request")
    trace_id = store.latest_trace_id(get_db(), url)
    if trace_id is None:
        raise NotFound(f"{url} has not been traced yet.")
    return store.load_trace(get_db(), trace_id)


@bp.get("/log")
def log():
    try:
        limit = int(request.args.get("limit", 50))
    except ValueError:
        raise HeadwaterError("limit must be a whole number.", code="bad_request") from None
    if not 1 <= limit <= 500:
        raise HeadwaterError("limit must be between 1 and 500.", code="bad_request")
    before = request.args.get("before") or None
    entries = store.read_log(get_db(), limit=limit, before=before)
    return {"entries": entries, "next_before": entries[-1]["at"] if len(entries) == limit else None}


# -- errors: JSON everywhere -------------------------------------------------------

HTTP_ERRORS = {   # werkzeug's own errors, in the words of this API
    404: ("not_found", "There is no such address in Headwater's API (see the README's API table)."),
    405: ("method_not_allowed", "This address does not accept that method (see the README's API table)."),
    413: ("too_large", f"The request body is over the {MAX_BODY_MIB} MiB limit."),
}


def _register_errors(app: Flask):
    @app.errorhandler(HeadwaterError)
    def headwater_error(error: HeadwaterError):
        return jsonify(error.to_dict()), error.status, getattr(error, "headers", None) or {}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code, message = HTTP_ERRORS.get(error.code, ((error.name or "error").lower().replace(" ", "_"),
                                                     error.description))
        headers = {"Allow": ", ".join(error.valid_methods)} if getattr(error, "valid_methods", None) else {}
        return jsonify({"error": {"code": code, "message": message}}), error.code, headers

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("Unexpected error")
        return jsonify({"error": {"code": "internal", "message": "Headwater hit an unexpected error; "
                                  "the server log has the details."}}), 500
