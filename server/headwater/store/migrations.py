"""Upgrades for stores created by an older schema.sql.

schema.sql is the source of truth and creates a fresh store completely (new tables
use CREATE TABLE IF NOT EXISTS, so an old store gains them on open too). What
CREATE cannot do, adding a column to an existing table, is a migration here;
each one is idempotent, so it is harmless on a fresh store that already has it.

store.open_db applies the migrations *before* schema.sql, so that schema.sql's
indexes may name the columns they add. A migration therefore skips a table that
does not exist yet: schema.sql then creates it with every column. Applied through
sqlite_utils.migrations (sqlite-utils >= 4), or the small runner below on older
sqlite-utils.
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
    if not db["fetches"].exists():
        return
    columns = db["fetches"].columns_dict
    for name in ("etag", "last_modified"):
        if name not in columns:
            db["fetches"].add_column(name, str)


@_migration
def m002_document_domain(db: sqlite_utils.Database):
    """documents.domain, the site of each page (urls.domain_of), filled in for the pages
    already stored; schema.sql indexes it (the newest traces of a site, issue 7)."""
    from headwater.urls import domain_of

    if not db["documents"].exists():
        return
    if "domain" not in db["documents"].columns_dict:
        db.execute("ALTER TABLE documents ADD COLUMN domain TEXT")
    rows = db.execute("SELECT id, COALESCE(final_url, url) FROM documents WHERE domain IS NULL").fetchall()
    db.conn.executemany(
        "UPDATE documents SET domain = ? WHERE id = ?",
        [(domain_of(url), doc_id) for doc_id, url in rows if domain_of(url)],
    )


@_migration
def m003_document_page_key(db: sqlite_utils.Database):
    """documents.page_key (urls.url_key of the final URL), filled in for the traced pages
    already stored, so that they are found under any spelling of their address."""
    from headwater.urls import url_key

    if not db["documents"].exists():
        return
    if "page_key" not in db["documents"].columns_dict:
        db.execute("ALTER TABLE documents ADD COLUMN page_key TEXT")
    rows = db.execute(
        "SELECT id, COALESCE(final_url, url) FROM documents WHERE page_key IS NULL "
        "AND id IN (SELECT document_id FROM traces)"
    ).fetchall()
    db.conn.executemany("UPDATE documents SET page_key = ? WHERE id = ?", [(url_key(url), i) for i, url in rows])


@_migration
def m004_attribution_form(db: sqlite_utils.Database):
    """attributions.form and own_site (issue 17): how each source is cited. Older rows were all
    found by a verb, none by a link alone."""
    if not db["attributions"].exists():
        return
    columns = db["attributions"].columns_dict
    if "form" not in columns:
        db.execute("ALTER TABLE attributions ADD COLUMN form TEXT NOT NULL DEFAULT 'verb'")
    if "own_site" not in columns:
        db.execute("ALTER TABLE attributions ADD COLUMN own_site INTEGER NOT NULL DEFAULT 0")


@_migration
def m005_social_sources(db: sqlite_utils.Database):
    """sources.kind may be "social" (issue 17: a post linked or embedded is the account's).
    Only the CHECK widens, which changes no row: the table's definition is edited in place (the
    procedure SQLite documents for CHECK constraints), so ids and every reference stay as they are."""
    if not db["sources"].exists():
        return
    sql = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'sources'").fetchone()[0]
    if "'social'" in sql:
        return
    widened = sql.replace("'document')", "'document', 'social')")
    version = db.execute("PRAGMA schema_version").fetchone()[0]
    db.execute("PRAGMA writable_schema = ON")
    db.execute("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'sources'", [widened])
    db.execute(f"PRAGMA schema_version = {version + 1}")
    db.execute("PRAGMA writable_schema = OFF")


@_migration
def m006_followed_documents_page_key(db: sqlite_utils.Database):
    """documents.page_key for the followed pages too (m003 filled it for traced pages only), so
    that `headwater forget` finds a followed page under any spelling of its address."""
    from headwater.urls import url_key

    if not db["documents"].exists() or "page_key" not in db["documents"].columns_dict:
        return
    rows = db.execute("SELECT id, COALESCE(final_url, url) FROM documents WHERE page_key IS NULL").fetchall()
    db.conn.executemany("UPDATE documents SET page_key = ? WHERE id = ?", [(url_key(url), i) for i, url in rows])


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
