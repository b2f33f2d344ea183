"""The HTTP side of multi-hop tracing: following options, progress as Server-Sent Events, exports.

    POST /api/traces  {"url", "follow": true, "depth", "budget", "seconds", "background"}
        (parsed by follow_options(); api.create_trace passes them to Tracer.trace)
    GET /api/traces/<id>/events              text/event-stream: the trace's progress
    GET /api/traces/<id>/prov[?format=...]   PROV-JSON (default), graphml or dot

Registered by api.create_app; `get_db` and the JSON errors are api.py's.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace

from flask import Blueprint, Response, current_app, request, stream_with_context

from headwater import export, store
from headwater.errors import Busy, HeadwaterError, NotFound
from headwater.settings import BLOCKING_THREADS, FollowSettings
from headwater.store import follows
from headwater.web.db import get_db

bp = Blueprint("api_graph", __name__, url_prefix="/api")

POLL_SECONDS = 0.25  # how often a running trace's events are looked for
STREAM_LIMIT_SECONDS = 600  # an event stream ends after this long even if the trace still runs
MAX_DEPTH, MAX_PAGES, MAX_SECONDS = 6, 200, 600
# Each open stream holds one of the server's threads running the app (settings.BLOCKING_THREADS) for
# up to STREAM_LIMIT_SECONDS: at most half of them may stream, so the rest of the API always answers.
EVENT_STREAM_LIMIT = BLOCKING_THREADS // 2  # app config "EVENT_STREAM_LIMIT" overrides it
STREAM_RETRY_AFTER = 2  # seconds, in the 503's Retry-After
# A comment line this often when no event came: the server only learns that a client has
# gone when a write fails, and the stream's slot is freed then, not at the time limit.
HEARTBEAT_SECONDS = 15

_open_streams = 0  # event streams open in this process, guarded by _streams_lock
_streams_lock = threading.Lock()


def follow_settings() -> FollowSettings:
    """The app's follow settings: Flask config FOLLOW_SETTINGS, else the environment's."""
    return current_app.config.get("FOLLOW_SETTINGS") or FollowSettings.from_env()


def follow_options(body: dict) -> dict:
    """Tracer.trace() keywords from a POST /api/traces body; {} when it asks for one page only."""
    wants = body.get("follow")
    numbers = {k: body.get(k) for k in ("depth", "budget", "seconds") if body.get(k) is not None}
    if wants is None and not numbers and not body.get("background"):
        return {}
    if wants is not None and not isinstance(wants, bool):
        raise HeadwaterError('The field "follow" must be true or false.', code="bad_request")
    if wants is False:
        return {}
    limits = {
        "depth": ("depth", MAX_DEPTH),
        "budget": ("max_pages", MAX_PAGES),
        "seconds": ("time_budget", MAX_SECONDS),
    }
    settings = follow_settings()
    changes = {}
    for name, value in numbers.items():
        field, most = limits[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= most:
            raise HeadwaterError(f'The field "{name}" must be a number from 0 to {most}.', code="bad_request")
        changes[field] = value
    if changes.get("depth") == 0:
        return {}
    background = body.get("background", False)
    if not isinstance(background, bool):
        raise HeadwaterError('The field "background" must be true or false.', code="bad_request")
    return {"follow": replace(settings, **changes), "background": background}


def created_status(trace: dict) -> int:
    """202 while the trace still follows its sources in the background, else 201."""
    return 202 if (trace.get("follow") or {}).get("state") == "running" else 201


@bp.get("/traces/<int:trace_id>/events")
def events(trace_id: int):
    db = get_db()
    if store.load_trace(db, trace_id) is None:
        raise NotFound(f"No trace with id {trace_id}.")
    try:
        after = int(request.headers.get("Last-Event-ID") or request.args.get("after") or 0)
    except ValueError:
        after = 0
    after = min(max(after, 0), 2**63 - 1)  # SQLite's integers: a larger one would fail mid-stream
    path = current_app.config["DATABASE"]
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    if request.method == "HEAD":  # no body is sent, so no stream and no slot
        return Response(mimetype="text/event-stream", headers=headers)
    release = _take_stream_slot(current_app.config.get("EVENT_STREAM_LIMIT", EVENT_STREAM_LIMIT), trace_id)

    def stream():
        conn = None
        seen, stop_at = after, time.monotonic() + STREAM_LIMIT_SECONDS
        quiet_since = time.monotonic()
        try:
            # Its own connection: the request's is closed at teardown, before the stream ends.
            conn = store.open_db(path)
            yield "retry: 2000\n\n"
            while True:
                state = follows.state(conn, trace_id)
                for event in follows.events(conn, trace_id, seen):
                    seen, quiet_since = event["seq"], time.monotonic()
                    yield _sse(event["seq"], event["type"], {**event["data"], "at": event["at"]})
                if state != "running":
                    if state is None:  # a one-page trace: it was done when it was stored
                        yield _sse(seen + 1, "done", {"pages": 1})
                    return
                if time.monotonic() > stop_at:
                    return
                if time.monotonic() - quiet_since >= HEARTBEAT_SECONDS:
                    quiet_since = time.monotonic()
                    yield ": still working\n\n"
                time.sleep(POLL_SECONDS)
        finally:
            if conn is not None:
                conn.close()
            release()  # the end, the time limit, an exception, or the client gone (generator closed)

    response = Response(stream_with_context(stream()), mimetype="text/event-stream", headers=headers)
    # A generator never started runs no `finally`: the server's close() of the response frees the slot.
    response.call_on_close(release)
    return response


def _take_stream_slot(limit: int, trace_id: int):
    """Count one more open event stream, or raise Busy (503) when `limit` are open already.

    Returns the function that gives the slot back; calling it again does nothing.
    """
    global _open_streams
    with _streams_lock:
        if _open_streams >= limit:
            raise Busy(
                f"Too many progress streams are open (at most {limit}); poll GET /api/traces/{trace_id} instead.",
                retry_after=STREAM_RETRY_AFTER,
            )
        _open_streams += 1
    released = False

    def release() -> None:
        global _open_streams
        nonlocal released
        with _streams_lock:
            if not released:
                released = True
                _open_streams -= 1

    return release


def open_streams() -> int:
    """How many event streams are open in this process now."""
    with _streams_lock:
        return _open_streams


def _sse(seq: int, kind: str, data: dict) -> str:
    return f"id: {seq}\nevent: {kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@bp.get("/traces/<int:trace_id>/prov")
def prov(trace_id: int):
    trace = store.load_trace(get_db(), trace_id)
    if trace is None:
        raise NotFound(f"No trace with id {trace_id}.")
    fmt = request.args.get("format", "prov").lower()
    if fmt in ("json", "prov-json"):
        fmt = "prov"
    if fmt not in export.FORMATS:
        raise HeadwaterError(f"format must be one of {', '.join(export.FORMATS)}.", code="bad_request")
    body, mimetype = export.export(trace.to_dict(), fmt)
    extension = {"prov": "prov.json", "graphml": "graphml", "dot": "dot"}[fmt]
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'inline; filename="trace-{trace_id}.{extension}"'}
    )
