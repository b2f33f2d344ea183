"""The HTTP API: a thin Flask shell over trace and store (JSON in, JSON out, JSON errors).

Follows Flask's tutorial: `create_app(test_config=None)`, a blueprint, `get_db()`
on `g` closed at teardown.
"""

from __future__ import annotations

import os
import threading

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from headwater import __version__, store
from headwater.errors import HeadwaterError, NotFound
from headwater.fetch.client import Fetcher
from headwater.fetch.politeness import Manners
from headwater.settings import AnalysisSettings, FetchSettings, ServerSettings, default_db_path
from headwater.store.lookup_cache import LookupCache
from headwater.tracing.follower import data_fetcher
from headwater.tracing.tracer import Tracer
from headwater.tracing.workers import AnalysisPool
from headwater.urls import valid_domain
from headwater.web import auth, graph_routes, security
from headwater.web.db import close_db, get_db

bp = Blueprint("api", __name__, url_prefix="/api")
MAX_BODY_MIB = 12  # a request body: a page's HTML at most, plus room


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(
        DATABASE=default_db_path(),
        MAX_CONTENT_LENGTH=MAX_BODY_MIB * 1024 * 1024,
        ALLOW_PRIVATE=os.environ.get("HEADWATER_ALLOW_PRIVATE") == "1",
        FETCH_SETTINGS=FetchSettings.from_env(),
        ATTRIBUTOR=None,  # tests may hand in a ready one (analysis in this process)
        ANALYSIS_SETTINGS=AnalysisSettings.from_env(),  # the pool of analysis processes, its time budget
        TOKEN=None,  # None: the store's token file (made on first run)
        SERVER_SETTINGS=ServerSettings.from_env(),
        BIND_HOST=None,  # set by `headwater serve`: also accepted as Host header
        SERVER_PORT=None,  # set by `headwater serve`: the Host header must name it
    )
    if test_config:
        app.config.update(test_config)
    db = store.open_db(app.config["DATABASE"])  # create the store from schema.sql if missing
    try:
        interrupted = store.fail_interrupted(db)  # traces left running by a crash or a kill
    finally:
        db.close()
    if interrupted:
        app.logger.warning("Marked %d trace(s) interrupted by the last shutdown as failed.", interrupted)
    if not app.config["TOKEN"]:
        app.config["TOKEN"] = auth.load_or_create_token(app.config["DATABASE"])
    app.extensions["headwater_lock"] = threading.Lock()
    app.extensions["headwater_cache"] = LookupCache(
        app.config["DATABASE"], max_bytes=app.config["SERVER_SETTINGS"].answer_cache_mib * 1024 * 1024
    )
    if app.config["ATTRIBUTOR"] is None and app.config["ANALYSIS_SETTINGS"].workers > 0:
        # Pages are analysed in worker processes (tracing/workers.py), started on first need
        # and stopped with this process (or by app.extensions["headwater_analysis"].close()).
        app.config["ATTRIBUTOR"] = app.extensions["headwater_analysis"] = AnalysisPool.from_settings(
            app.config["ANALYSIS_SETTINGS"]
        )
    app.url_map.converters["int"] = StoreId
    security.install(app)
    app.register_blueprint(bp)
    app.register_blueprint(graph_routes.bp)  # multi-hop tracing: progress events, exports
    _register_errors(app)
    return app


class StoreId(IntegerConverter):
    """<int:...> in a route: an id the store can hold. A larger number is no id of ours (404),
    rather than an overflow in SQLite (500)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(url_map, *args, **kwargs)


bp.teardown_app_request(close_db)


def _attributor():
    """The app's analysis: its pool of worker processes (made by create_app), or with
    ANALYSIS_SETTINGS.workers == 0 one NLP pipeline in this process, loaded on the first
    trace (it takes a second)."""
    app = current_app
    if app.config["ATTRIBUTOR"] is None:
        with app.extensions["headwater_lock"]:
            if app.config["ATTRIBUTOR"] is None:
                from headwater.attribution.attributor import Attributor

                app.config["ATTRIBUTOR"] = Attributor()
    return app.config["ATTRIBUTOR"]


def _tracer() -> Tracer:
    fetcher = Fetcher(current_app.config["FETCH_SETTINGS"], allow_private=current_app.config["ALLOW_PRIVATE"])
    return Tracer(get_db(), fetcher=fetcher, attributor=_attributor(), manners=_manners(fetcher))


def _manners(fetcher: Fetcher) -> Manners:
    """The crawl manners every trace of this app follows by (politeness.Manners): one per-host
    gate and one robots.txt cache for all, made again only if the follow settings change."""
    app = current_app
    settings = graph_routes.follow_settings()
    key = (
        settings.per_host,
        settings.politeness_delay,
        settings.respect_robots,
        id(app.config["FETCH_SETTINGS"]),
        app.config["ALLOW_PRIVATE"],
    )
    with app.extensions["headwater_lock"]:
        made = app.extensions.get("headwater_manners")
        if made is None or made[0] != key:
            made = app.extensions["headwater_manners"] = (key, Manners.of(settings, data_fetcher(fetcher)))
    return made[1]


# -- routes -------------------------------------------------------------------


@bp.get("/health")
def health():
    return {"status": "ok", "version": __version__}


@bp.post("/traces")
def create_trace():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise HeadwaterError('Send a JSON object such as {"url": "https://..."}.', code="bad_request")
    url, html, claim = body.get("url"), body.get("html"), body.get("claim")
    if not isinstance(url, str) or not url.strip():
        raise HeadwaterError('The field "url" is required and must be a string.', code="bad_request")
    for name, value in (("html", html), ("claim", claim)):
        if value is not None and not isinstance(value, str):
            raise HeadwaterError(f'The field "{name}" must be a string.', code="bad_request")
    url, html, claim = (_valid_text(v) for v in (url, html, claim))
    options = graph_routes.follow_options(body)
    with security.trace_slot() as slot:  # a follow in the background keeps the slot until it ends
        trace = _tracer().trace(url, html=html, claim=claim, **options, slot=slot).to_dict()
    return jsonify(trace), graph_routes.created_status(trace)


@bp.get("/traces")
def traces_of_domain():
    """The newest traces of a site: ?domain=example.com[&limit=20&before=<trace id>]."""
    given = request.args.get("domain", "")
    if not given.strip():
        raise HeadwaterError("Give the site as ?domain=example.com.", code="bad_request")
    domain = valid_domain(given)
    if domain is None:
        raise HeadwaterError(
            f"“{given[:100]}” is not a site name; write it as example.com (no https://, no path).", code="bad_request"
        )
    limit = _whole_number("limit", request.args.get("limit", "20"), 1, 500)
    before = request.args.get("before")
    before = None if before in (None, "") else _whole_number("before", before, 1, 2**63 - 1)
    traces = store.traces_of_domain(get_db(), domain, limit=limit, before=before)
    return {"domain": domain, "traces": traces, "next_before": traces[-1]["id"] if len(traces) == limit else None}


def _whole_number(name: str, value: str, lowest: int, highest: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise HeadwaterError(f"{name} must be a whole number.", code="bad_request") from None
    if not lowest <= number <= highest:
        raise HeadwaterError(f"{name} must be between {lowest} and {highest}.", code="bad_request")
    return number


def _valid_text(value: str | None) -> str | None:
    """JSON can carry lone surrogates ("\\udcff") that no encoder accepts; read them as U+FFFD, as browsers do."""
    if value is None:
        return None
    return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


@bp.get("/traces/<int:trace_id>")
def get_trace(trace_id: int):
    body = _cache().answer(trace_id, lambda: _render_trace(trace_id))
    if body is None:
        raise NotFound(f"No trace with id {trace_id}.")
    return _json_body(body)


@bp.get("/provenance")
def provenance_of_url():
    url = request.args.get("url", "").strip()
    if not url:
        raise HeadwaterError("Give the page as ?url=...", code="bad_request")
    cache = _cache()
    version = cache.version()  # once: both answers below belong to the same state of the store
    trace_id = cache.trace_id(url, lambda: store.latest_trace_id(get_db(), url), version)
    body = None if trace_id is None else cache.answer(trace_id, lambda: _render_trace(trace_id), version)
    if body is None:
        raise NotFound(f"{url} has not been traced yet.")
    return _json_body(body)


# The read routes answer from lookup_cache.py: a trace's JSON is rendered once (exactly as
# Flask would render the dict) and its bytes are kept until the store changes.


def _cache() -> LookupCache:
    return current_app.extensions["headwater_cache"]


def _render_trace(trace_id: int) -> bytes | None:
    trace = store.load_trace(get_db(), trace_id)
    return None if trace is None else current_app.json.response(trace.to_dict()).get_data()


def _json_body(body: bytes) -> Response:
    return current_app.response_class(body, mimetype=current_app.json.mimetype)


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

HTTP_ERRORS = {  # werkzeug's own errors, in the words of this API
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
        code, message = HTTP_ERRORS.get(
            error.code, ((error.name or "error").lower().replace(" ", "_"), error.description)
        )
        headers = {"Allow": ", ".join(error.valid_methods)} if getattr(error, "valid_methods", None) else {}
        return jsonify({"error": {"code": code, "message": message}}), error.code, headers

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("Unexpected error")
        return jsonify(
            {
                "error": {
                    "code": "internal",
                    "message": "Headwater hit an unexpected error; the server log has the details.",
                }
            }
        ), 500
