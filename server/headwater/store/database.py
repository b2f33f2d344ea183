"""The SQLite database: schema.sql and the migrations applied through sqlite-utils, once per file."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from headwater.store import migrations
from headwater.urls import domain_of, url_key

SCHEMA = Path(__file__).resolve().parent.parent / "schema.sql"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class _WriterConnection(sqlite3.Connection):
    """A connection whose transactions take the write lock when they begin (BEGIN IMMEDIATE).

    sqlite-utils' atomic() says plain BEGIN, a deferred transaction: it reads first
    (insert() looks at the table's columns) and asks for the write lock later. In
    WAL mode, if another connection committed in between, SQLite cannot upgrade
    that stale read and answers "database is locked" at once, without waiting
    for busy_timeout; concurrent traces hit it (tests/test_load.py). Taken at
    BEGIN, the lock is waited for, up to the 30 s busy timeout; readers never wait.
    """

    def execute(self, sql, *args):
        if sql.strip().rstrip(";").upper() == "BEGIN":
            sql = "BEGIN IMMEDIATE"
        return super().execute(sql, *args)


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if missing) a store at `path`; ":memory:" works for tests."""
    if str(path) == ":memory:":
        db = sqlite_utils.Database(memory=True)
    else:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        # check_same_thread off: the threaded server hands a connection per request, never shares one.
        db = sqlite_utils.Database(
            sqlite3.connect(
                str(path), check_same_thread=False, timeout=30, factory=_WriterConnection, isolation_level="IMMEDIATE"
            )
        )
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 30000")
    key = _file_key(path)
    if key is None or key not in _prepared:
        # Schema, migrations and WAL once per file and process: the API opens a store per request,
        # and running schema.sql every time was 38% of a cached lookup (bench/lookups.py).
        if key is not None:
            db.enable_wal()
        migrations.apply(db)  # first what schema.sql cannot do to an existing store (new columns),
        db.conn.executescript(SCHEMA.read_text(encoding="utf-8"))  # then tables and indexes
        if key is not None:
            _prepared.add(_file_key(path))
    return db


_prepared: set[tuple] = set()


def _file_key(path) -> tuple | None:
    """Which file a path is now (a store deleted and made again is prepared again)."""
    if str(path) == ":memory:":
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (os.path.realpath(path), stat.st_dev, stat.st_ino)


def row_span(row: dict, part: str) -> dict | None:
    """A span stored as three columns (`part`_start, _end, _text) as the JSON contract has it."""
    if row[f"{part}_start"] is None:
        return None
    return {"start": row[f"{part}_start"], "end": row[f"{part}_end"], "text": row[f"{part}_text"]}


DOCUMENT_FIELDS = ("url", "final_url", "canonical_url", "title", "site", "author", "published", "sha256", "text")


def document_row(page: dict, fetch_id: int | None) -> dict:
    """The `documents` row of a page (a trace's, or a followed one's): its fields, the fetch it
    came from, the registrable domain of its final URL and its page key (so that a lookup or
    `forget` finds it under any spelling of its address)."""
    address = page.get("final_url") or page.get("url")
    return {
        **{k: page.get(k) for k in DOCUMENT_FIELDS},
        "fetch_id": fetch_id,
        "domain": domain_of(address),
        "page_key": url_key(address),
    }
