"""The fetch log: every fetch attempt, failed ones included, and the page bodies kept once per version.

Each write is its own transaction: a fetch stays in the log even when the trace that made
it fails later.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlite_utils

from headwater.store.database import now


def log_fetch(db: sqlite_utils.Database, row: dict, *, body: bytes | None = None) -> int:
    """Record one fetch attempt; with `body`, keep the page's bytes too (once per sha256)."""
    with db.atomic():
        fetch_id = db["fetches"].insert(row).last_pk
        if body:
            keep_version(db, row["sha256"], body, row.get("content_type"), row.get("fetched_at"))
    return fetch_id


def log_result(db: sqlite_utils.Database, result, *, body_kept: bool) -> int:
    """Record a FetchResult; with `body_kept`, a page read in full is kept as a version too."""
    return log_fetch(db, result.to_log(), body=result.body if body_kept and result.ok else None)


def mark_fetch_failed(db: sqlite_utils.Database, fetch_id: int, code: str, message: str) -> None:
    """A fetch that read fine but whose page could not be traced: the log must not say "ok"."""
    with db.atomic():
        db["fetches"].update(fetch_id, {"error_code": code, "error": message})


def keep_version(
    db: sqlite_utils.Database, sha256: str, body: bytes, content_type: str | None, first_seen: str | None = None
) -> None:
    with db.atomic():
        db.execute(
            "INSERT OR IGNORE INTO page_versions (sha256, body, content_type, first_seen) VALUES (?, ?, ?, ?)",
            [sha256, body, content_type, first_seen or now()],
        )


def cached(db: sqlite_utils.Database, url: str) -> dict | None:
    """The latest kept version of a page: {sha256, body, content_type, final_url, fetched_at, age, etag,
    last_modified}, or None."""
    row = db.execute(
        """SELECT f.sha256, v.body, v.content_type, f.final_url, f.fetched_at, f.etag, f.last_modified
           FROM fetches f JOIN page_versions v ON v.sha256 = f.sha256
           WHERE (f.url = :url OR f.final_url = :url) AND f.error_code IS NULL
           ORDER BY f.id DESC LIMIT 1""",
        {"url": url},
    ).fetchone()
    if row is None:
        return None
    keys = ("sha256", "body", "content_type", "final_url", "fetched_at", "etag", "last_modified")
    found = dict(zip(keys, row))
    fetched = datetime.fromisoformat(found["fetched_at"])
    found["age"] = (datetime.now(UTC) - fetched).total_seconds()
    return found


def read_log(db: sqlite_utils.Database, *, limit: int = 50, before: str | None = None) -> list[dict]:
    """Fetches and traces, newest first; `before` (an `at` value) pages back."""
    where, params = "", {"limit": limit}
    if before:
        where, params["before"] = "WHERE at < :before", before
    return list(db.query(f"SELECT * FROM log {where} ORDER BY at DESC, event DESC, id DESC LIMIT :limit", params))
