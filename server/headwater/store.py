"""The SQLite store: schema.sql applied through sqlite-utils, one transaction per trace.

Fetches are logged on their own (a failed fetch stays in the log); a trace and all
its rows (document, sources, attributions, edges, chains, primary sources) are
written together or not at all.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from . import migrations

SCHEMA = Path(__file__).resolve().parent / "schema.sql"


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if missing) a store at `path`; ":memory:" works for tests."""
    if str(path) == ":memory:":
        db = sqlite_utils.Database(memory=True)
    else:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        # check_same_thread off: the threaded server hands a connection per request, never shares one.
        import sqlite3

        db = sqlite_utils.Database(sqlite3.connect(str(path), check_same_thread=False, timeout=30))
        db.enable_wal()
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 30000")
    db.conn.executescript(SCHEMA.read_text(encoding="utf-8"))
    migrations.apply(db)  # what schema.sql cannot do to an existing store (new columns)
    return db


# -- fetch log ------------------------------------------------------------------


def log_fetch(db: sqlite_utils.Database, row: dict) -> int:
    """Record one fetch attempt (its own transaction: it must survive a failed trace)."""
    with db.atomic():
        return db["fetches"].insert(row).last_pk


def mark_fetch_failed(db: sqlite_utils.Database, fetch_id: int, code: str, message: str):
    with db.atomic():
        db["fetches"].update(fetch_id, {"error_code": code, "error": message})


# -- traces -----------------------------------------------------------------------


def _source_id(db: sqlite_utils.Database, name: str, kind: str) -> int:
    db.execute("INSERT OR IGNORE INTO sources (name, kind) VALUES (?, ?)", [name, kind])
    return db.execute("SELECT id FROM sources WHERE name = ? AND kind = ?", [name, kind]).fetchone()[0]


def save_trace(db: sqlite_utils.Database, trace: dict, *, fetch_id: int | None, edges: list[dict]) -> int:
    """Write a whole trace atomically and return its id (also set on `trace["id"]`)."""
    with db.atomic():  # one transaction: commit on success, roll back on any error
        document_id = db["documents"].insert({
            "url": trace["url"], "final_url": trace["final_url"], "canonical_url": trace["canonical_url"],
            "title": trace["title"], "site": trace["site"], "author": trace.get("author"),
            "published": trace["published"], "sha256": trace["sha256"], "text": trace["text"],
            "fetch_id": fetch_id,
        }).last_pk
        trace_id = db["traces"].insert({
            "url": trace["url"], "document_id": document_id, "created_at": trace["created_at"],
            "duration_ms": trace.get("duration_ms"), "claim": trace.get("claim"),
        }).last_pk
        rows = []
        for idx, a in enumerate(trace["attributions"]):
            source, mention, cue, content = a["source"], a["source"]["mention"] or {}, a["cue"], a["content"] or {}
            rows.append({
                "trace_id": trace_id, "idx": idx,
                "source_id": _source_id(db, source["name"], source["kind"]),
                "role": source["role"], "reporter": source.get("reporter"),
                "mention_start": mention.get("start"), "mention_end": mention.get("end"),
                "mention_text": mention.get("text"),
                "cue_start": cue["start"], "cue_end": cue["end"], "cue_text": cue["text"],
                "content_start": content.get("start"), "content_end": content.get("end"),
                "content_text": content.get("text"),
                "via_source_id": _source_id(db, a["via"]["name"], a["via"]["kind"]) if a["via"] else None,
                "relayed_by": a["relayed_by"], "link": a["link"], "confidence": a["confidence"],
            })
        db["attributions"].insert_all(rows)
        db["edges"].insert_all([
            {
                "trace_id": trace_id,
                "from_source_id": _source_id(db, *e["from"]) if e["from"] else None,
                "to_source_id": _source_id(db, *e["to"]),
                "attribution_idx": e["attribution"], "relation": e["relation"],
            }
            for e in edges
        ])
        db["chain_hops"].insert_all([
            {"trace_id": trace_id, "chain": c, "position": p, "name": hop["name"], "kind": hop["kind"],
             "role": hop["role"], "url": hop["url"]}
            for c, chain in enumerate(trace["chains"]) for p, hop in enumerate(chain)
        ])
        db["primary_sources"].insert_all([
            {"trace_id": trace_id, "source_id": _source_id(db, p["name"], p["kind"]), "role": p["role"],
             "reason": p["reason"]}
            for p in trace["primary_sources"]
        ])
    trace["id"] = trace_id
    return trace_id


def load_trace(db: sqlite_utils.Database, trace_id: int) -> dict | None:
    """A stored trace in the JSON contract's shape, rebuilt from its tables."""
    row = db.execute(
        """SELECT traces.id, traces.url, traces.created_at, traces.claim, traces.duration_ms,
                  documents.final_url, documents.canonical_url, documents.title, documents.site,
                  documents.author, documents.published, documents.sha256, documents.text,
                  fetches.fetched_at
           FROM traces JOIN documents ON documents.id = traces.document_id
           LEFT JOIN fetches ON fetches.id = documents.fetch_id
           WHERE traces.id = ?""",
        [trace_id],
    ).fetchone()
    if row is None:
        return None
    keys = ["id", "url", "created_at", "claim", "duration_ms", "final_url", "canonical_url", "title", "site",
            "author", "published", "sha256", "text", "fetched_at"]
    trace = dict(zip(keys, row))
    attributions = []
    for a in db.query(
        """SELECT a.*, s.name AS source_name, s.kind AS source_kind, v.name AS via_name, v.kind AS via_kind
           FROM attributions a JOIN sources s ON s.id = a.source_id
           LEFT JOIN sources v ON v.id = a.via_source_id
           WHERE a.trace_id = ? ORDER BY a.idx""",
        [trace_id],
    ):
        span = lambda p: (  # noqa: E731
            {"start": a[f"{p}_start"], "end": a[f"{p}_end"], "text": a[f"{p}_text"]}
            if a[f"{p}_start"] is not None else None
        )
        attributions.append({
            "source": {"name": a["source_name"], "kind": a["source_kind"], "role": a["role"],
                       "mention": span("mention"), "reporter": a["reporter"]},
            "cue": span("cue"),
            "content": span("content"),
            "via": {"name": a["via_name"], "kind": a["via_kind"]} if a["via_name"] else None,
            "relayed_by": a["relayed_by"], "link": a["link"], "confidence": a["confidence"],
        })
    trace["attributions"] = attributions
    chains: dict[int, list] = {}
    for hop in db.query(
        "SELECT chain, name, kind, role, url FROM chain_hops WHERE trace_id = ? ORDER BY chain, position",
        [trace_id],
    ):
        chains.setdefault(hop.pop("chain"), []).append(hop)
    trace["chains"] = [chains[c] for c in sorted(chains)]
    trace["primary_sources"] = list(db.query(
        """SELECT s.name, s.kind, p.role, p.reason FROM primary_sources p JOIN sources s ON s.id = p.source_id
           WHERE p.trace_id = ? ORDER BY s.name""",
        [trace_id],
    ))
    from . import follow_store  # the pages followed upstream, when the trace followed its sources

    follow = follow_store.load(db, trace_id)
    if follow is not None:
        trace["follow"] = follow
    return trace


def latest_trace_id(db: sqlite_utils.Database, url: str) -> int | None:
    """The newest trace of a page, matched on the URL asked, the final URL or the canonical URL."""
    row = db.execute(
        """SELECT traces.id FROM traces JOIN documents ON documents.id = traces.document_id
           WHERE traces.id IN (
               SELECT id FROM traces WHERE url = :url
               UNION SELECT traces.id FROM traces JOIN documents d ON d.id = traces.document_id
                     WHERE d.final_url = :url OR d.canonical_url = :url)
           ORDER BY traces.id DESC LIMIT 1""",
        {"url": url},
    ).fetchone()
    return row[0] if row else None


def read_log(db: sqlite_utils.Database, *, limit: int = 50, before: str | None = None) -> list[dict]:
    """Fetches and traces, newest first; `before` (an `at` value) pages back."""
    where, params = "", {"limit": limit}
    if before:
        where, params["before"] = "WHERE at < :before", before
    return list(db.query(f"SELECT * FROM log {where} ORDER BY at DESC, event DESC, id DESC LIMIT :limit", params))
