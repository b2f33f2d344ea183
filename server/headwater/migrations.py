"""Upgrades for stores created by an older schema.sql.

schema.sql is the source of truth and creates a fresh store completely (new tables
use CREATE TABLE IF NOT EXISTS, so an old store gains them on open too). What
CREATE cannot do, adding a column to an existing table, is a migration here;
each one is idempotent, so it is harmless on a fresh store that already has it.
Applied by store.open_db through sqlite_utils.migrations (sqlite-utils >= 4),
or the small runner below on older sqlite-utils.
"""

from __future__ import annotations

import sqlite_utils

try:
    from sqlite_utils.migrations import Migrations
except ImportError:  # sqlite-utils 3.x: same bookkeeping, by hand
    Migrations = None

_STEPS = []


def _migration(fn):
    _STEPS.append(fn)
    return fn


@_migration
def m001_fetch_validators(db: sqlite_utils.Database):
    """ETag and Last-Modified of each fetch, for conditional GETs (issue 4)."""
    columns = db["fetches"].columns_dict
    for name in ("etag", "last_modified"):
        if name not in columns:
            db["fetches"].add_column(name, str)


def apply(db: sqlite_utils.Database) -> None:
    if Migrations is not None:
        migrations = Migrations("headwater")
        for step in _STEPS:
            migrations(name=step.__name__)(step)
        migrations.apply(db)
        return
    db.execute("CREATE TABLE IF NOT EXISTS _headwater_migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    done = {row[0] for row in db.execute("SELECT name FROM _headwater_migrations").fetchall()}
    for step in _STEPS:
        if step.__name__ not in done:
            with db.atomic():
                step(db)
                db.execute("INSERT INTO _headwater_migrations VALUES (?, datetime('now'))", [step.__name__])
