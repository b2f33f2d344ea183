"""The SQLite store (sqlite-utils over schema.sql): its public API, from one place.

- database.py: opening a store (schema, migrations, WAL), `now()`;
- fetch_log.py: every fetch attempt and the page versions kept;
- traces.py: a trace and its rows, written atomically, read back, forgotten;
- follows.py: the pages a trace followed upstream, its events and state;
- lookup_cache.py: the server's cache of recent lookups.
"""

from headwater.store.database import now, open_db
from headwater.store.fetch_log import cached, keep_version, log_fetch, log_result, mark_fetch_failed, read_log
from headwater.store.traces import (
    INTERRUPTED,
    TRACE_ROWS,
    TRACE_SUMMARY,
    fail_interrupted,
    forget,
    latest_trace_id,
    load_trace,
    parse_before,
    save_trace,
    traces_of_domain,
)

__all__ = [
    "INTERRUPTED",
    "TRACE_ROWS",
    "TRACE_SUMMARY",
    "cached",
    "fail_interrupted",
    "forget",
    "keep_version",
    "latest_trace_id",
    "load_trace",
    "log_fetch",
    "log_result",
    "mark_fetch_failed",
    "now",
    "open_db",
    "parse_before",
    "read_log",
    "save_trace",
    "traces_of_domain",
]
