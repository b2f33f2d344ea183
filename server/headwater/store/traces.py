"""Traces in the store: a trace and all its rows (document, sources, attributions, edges,
chains, primary sources) are written together or not at all; read back, forgotten on request,
and failed when Headwater stopped in the middle of one.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlite_utils

from headwater.records import Attribution, Trace
from headwater.store import follows
from headwater.store.database import document_row, now, row_span
from headwater.urls import url_key


def _source_id(db: sqlite_utils.Database, name: str, kind: str) -> int:
    db.execute("INSERT OR IGNORE INTO sources (name, kind) VALUES (?, ?)", [name, kind])
    return db.execute("SELECT id FROM sources WHERE name = ? AND kind = ?", [name, kind]).fetchone()[0]


def save_trace(db: sqlite_utils.Database, record: Trace, *, fetch_id: int | None, edges: list[dict]) -> int:
    """Write a whole trace atomically and return its id (also set on `record.id`)."""
    trace = record.to_dict()  # the rows hold the JSON contract's fields
    with db.atomic():  # one transaction: commit on success, roll back on any error
        document_id = db["documents"].insert(document_row(trace, fetch_id)).last_pk
        trace_id = (
            db["traces"]
            .insert(
                {
                    "url": trace["url"],
                    "document_id": document_id,
                    "created_at": trace["created_at"],
                    "duration_ms": trace.get("duration_ms"),
                    "claim": trace.get("claim"),
                }
            )
            .last_pk
        )
        rows = []
        for idx, a in enumerate(trace["attributions"]):
            source, mention, cue, content = a["source"], a["source"]["mention"] or {}, a["cue"], a["content"] or {}
            rows.append(
                {
                    "trace_id": trace_id,
                    "idx": idx,
                    "source_id": _source_id(db, source["name"], source["kind"]),
                    "role": source["role"],
                    "reporter": source.get("reporter"),
                    "mention_start": mention.get("start"),
                    "mention_end": mention.get("end"),
                    "mention_text": mention.get("text"),
                    "cue_start": cue["start"],
                    "cue_end": cue["end"],
                    "cue_text": cue["text"],
                    "content_start": content.get("start"),
                    "content_end": content.get("end"),
                    "content_text": content.get("text"),
                    "via_source_id": _source_id(db, a["via"]["name"], a["via"]["kind"]) if a["via"] else None,
                    "relayed_by": a["relayed_by"],
                    "link": a["link"],
                    "confidence": a["confidence"],
                    "form": a.get("form", "verb"),
                    "own_site": bool(a.get("own_site")),
                }
            )
        db["attributions"].insert_all(rows)
        db["edges"].insert_all(
            [
                {
                    "trace_id": trace_id,
                    "from_source_id": _source_id(db, *e["from"]) if e["from"] else None,
                    "to_source_id": _source_id(db, *e["to"]),
                    "attribution_idx": e["attribution"],
                    "relation": e["relation"],
                }
                for e in edges
            ]
        )
        db["chain_hops"].insert_all(
            [
                {
                    "trace_id": trace_id,
                    "chain": c,
                    "position": p,
                    "name": hop["name"],
                    "kind": hop["kind"],
                    "role": hop["role"],
                    "url": hop["url"],
                }
                for c, chain in enumerate(trace["chains"])
                for p, hop in enumerate(chain)
            ]
        )
        db["primary_sources"].insert_all(
            [
                {
                    "trace_id": trace_id,
                    "source_id": _source_id(db, p["name"], p["kind"]),
                    "role": p["role"],
                    "reason": p["reason"],
                }
                for p in trace["primary_sources"]
            ]
        )
    record.id = trace_id
    return trace_id


def load_trace(db: sqlite_utils.Database, trace_id: int) -> Trace | None:
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
    keys = [
        "id",
        "url",
        "created_at",
        "claim",
        "duration_ms",
        "final_url",
        "canonical_url",
        "title",
        "site",
        "author",
        "published",
        "sha256",
        "text",
        "fetched_at",
    ]
    trace = dict(zip(keys, row))
    attributions = []
    for a in db.query(
        """SELECT a.*, s.name AS source_name, s.kind AS source_kind, v.name AS via_name, v.kind AS via_kind
           FROM attributions a JOIN sources s ON s.id = a.source_id
           LEFT JOIN sources v ON v.id = a.via_source_id
           WHERE a.trace_id = ? ORDER BY a.idx""",
        [trace_id],
    ):
        attributions.append(
            {
                "source": {
                    "name": a["source_name"],
                    "kind": a["source_kind"],
                    "role": a["role"],
                    "mention": row_span(a, "mention"),
                    "reporter": a["reporter"],
                },
                "cue": row_span(a, "cue"),
                "content": row_span(a, "content"),
                "via": {"name": a["via_name"], "kind": a["via_kind"]} if a["via_name"] else None,
                "relayed_by": a["relayed_by"],
                "link": a["link"],
                "confidence": a["confidence"],
                "form": a["form"],
                "own_site": bool(a["own_site"]),
            }
        )
    trace["attributions"] = attributions
    chains: dict[int, list] = {}
    for hop in db.query(
        "SELECT chain, name, kind, role, url FROM chain_hops WHERE trace_id = ? ORDER BY chain, position",
        [trace_id],
    ):
        chains.setdefault(hop.pop("chain"), []).append(hop)
    trace["chains"] = [chains[c] for c in sorted(chains)]
    trace["primary_sources"] = list(
        db.query(
            """SELECT s.name, s.kind, p.role, p.reason FROM primary_sources p JOIN sources s ON s.id = p.source_id
           WHERE p.trace_id = ? ORDER BY s.name""",
            [trace_id],
        )
    )

    trace["follow"] = follows.load(db, trace_id)
    trace["attributions"] = [Attribution.from_dict(a) for a in trace["attributions"]]
    return Trace(**trace)


def latest_trace_id(db: sqlite_utils.Database, url: str) -> int | None:
    """The newest trace of a page, matched on the URL asked, the final URL or the canonical URL,
    or on the page's key (url_key: "...#top" and "...?utm_source=x" name the page too)."""
    row = db.execute(
        """SELECT max(id) FROM (
               SELECT id FROM traces WHERE url = :url
               UNION SELECT traces.id FROM traces JOIN documents d ON d.id = traces.document_id
                     WHERE d.final_url = :url OR d.canonical_url = :url OR d.page_key = :key)""",
        {"url": url, "key": url_key(url)},
    ).fetchone()
    return row[0] if row else None


TRACE_SUMMARY = ("id", "url", "final_url", "canonical_url", "title", "site", "published", "created_at")


def traces_of_domain(
    db: sqlite_utils.Database, domain: str, *, limit: int = 20, before: int | None = None
) -> list[dict]:
    """The newest traces of pages on a site (`domain` as domain_of gives it), newest first;
    `before` (a trace id) pages back. One row each: TRACE_SUMMARY.

    Walks the index documents_domain backwards (a trace's document is written just before
    the trace, so document order is trace order): as fast at 100,000 traces as at 10,000,
    for a site with thousands of traces or with one (bench/store_growth.py).
    """
    where, params = "", {"domain": domain, "limit": limit}
    if before is not None:
        where, params["before"] = "AND t.id < :before", before
    return list(
        db.query(
            f"""SELECT t.id, t.url, d.final_url, d.canonical_url, d.title, d.site, d.published, t.created_at
            FROM documents d JOIN traces t ON t.document_id = d.id
            WHERE d.domain = :domain {where}
            ORDER BY d.id DESC LIMIT :limit""",
            params,
        )
    )


# -- after a crash ---------------------------------------------------------------------------

INTERRUPTED = "Interrupted: Headwater stopped before this trace finished following its sources. Trace it again."


def fail_interrupted(db: sqlite_utils.Database) -> int:
    """Mark as failed every trace still "running" (its process was killed); returns how many.

    Called when the server starts. A trace's own rows are written in one
    transaction, so a kill leaves either all of them or none; only the state of
    a follow (which runs on after the trace is stored) can be left "running".
    If another process (a `headwater trace --follow`) is in fact still at it,
    it sets the final state when it finishes.
    """
    with db.atomic():
        cursor = db.execute(
            "UPDATE follows SET state = 'failed', finished_at = ?, error = ? WHERE state = 'running'",
            [now(), INTERRUPTED],
        )
        return cursor.rowcount


# -- forgetting ------------------------------------------------------------------------------

TRACE_ROWS = (
    "attributions",
    "edges",
    "chain_hops",
    "primary_sources",
    "follow_hops",
    "follow_documents",
    "trace_events",
    "follows",
)


def parse_before(value: str) -> str:
    """An ISO date or time as the store writes times (UTC, microseconds), to compare with them.

    "2024-05-01" means midnight UTC; a time without a zone is taken as UTC.
    """
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"“{value}” is not a date; write it as 2024-05-01 or 2024-05-01T12:00:00+02:00.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def forget(db: sqlite_utils.Database, *, url: str | None = None, before: str | None = None) -> dict:
    """Delete a page's traces, documents and fetches (`url`), or everything recorded before a time
    (`before`, from parse_before), with every row that depends on them, in one transaction.

    A page is matched as GET /api/provenance matches it: the URL asked, the final
    URL, the canonical URL or its key (url_key). With its traces go their attributions, graph, chains
    and the pages they followed upstream, unless a trace that stays still uses
    them. Sources nobody cites any more and page bodies no fetch refers to go too.
    Deleted content is overwritten in the file (secure_delete) and the write-ahead
    log emptied, so the page does not linger on disk. Returns counts per table.
    """
    if (url is None) == (before is None):
        raise ValueError("forget() takes a URL or a time, not both")
    db.execute("PRAGMA secure_delete = ON")
    counts: dict[str, int] = {}
    with db.atomic():
        # Three lists of ids to delete; `named` = 1 for what the user asked for, 0 for what came along.
        for name in ("forget_traces", "forget_documents", "forget_fetches"):
            db.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} (id INTEGER PRIMARY KEY, named INTEGER)")
            db.execute(f"DELETE FROM temp.{name}")
        if url is not None:  # the page as a lookup finds it: its URLs, or its key
            named = {"u": url, "k": url_key(url)}
            db.execute(
                """INSERT OR IGNORE INTO forget_traces SELECT t.id, 1 FROM traces t
                          JOIN documents d ON d.id = t.document_id
                          WHERE t.url = :u OR d.final_url = :u OR d.canonical_url = :u OR d.page_key = :k""",
                named,
            )
            db.execute(
                """INSERT OR IGNORE INTO forget_documents SELECT id, 1 FROM documents
                          WHERE url = :u OR final_url = :u OR canonical_url = :u OR page_key = :k""",
                named,
            )
            db.execute(
                """INSERT OR IGNORE INTO forget_fetches SELECT id, 1 FROM fetches WHERE url = :u OR final_url = :u
                          UNION SELECT fetch_id, 1 FROM documents WHERE page_key = :k AND fetch_id IS NOT NULL""",
                named,
            )
        else:
            db.execute("INSERT OR IGNORE INTO forget_traces SELECT id, 1 FROM traces WHERE created_at < ?", [before])
            db.execute("INSERT OR IGNORE INTO forget_fetches SELECT id, 1 FROM fetches WHERE fetched_at < ?", [before])
            db.execute("""INSERT OR IGNORE INTO forget_documents SELECT id, 1 FROM documents
                          WHERE fetch_id IN (SELECT id FROM forget_fetches)""")
        # Along with the traces: their documents, the pages they followed, and those pages' fetches.
        doomed = "trace_id IN (SELECT id FROM forget_traces)"
        db.execute(f"""INSERT OR IGNORE INTO forget_documents
                       SELECT document_id, 0 FROM traces WHERE id IN (SELECT id FROM forget_traces)
                       UNION SELECT document_id, 0 FROM follow_documents WHERE {doomed} AND document_id IS NOT NULL""")
        db.execute(f"""INSERT OR IGNORE INTO forget_fetches
                       SELECT fetch_id, 0 FROM documents
                       WHERE id IN (SELECT id FROM forget_documents) AND fetch_id IS NOT NULL
                       UNION SELECT fetch_id, 0 FROM follow_documents WHERE {doomed} AND fetch_id IS NOT NULL""")

        for table in TRACE_ROWS:
            counts[table] = db.execute(f"DELETE FROM {table} WHERE {doomed}").rowcount
        counts["traces"] = db.execute("DELETE FROM traces WHERE id IN (SELECT id FROM forget_traces)").rowcount

        # Rows that stay may still point at a document or fetch on the lists. A kept trace keeps its
        # own document. Otherwise: a pointer to what the user named is cut (set NULL); a row that
        # only came along is kept instead.
        db.execute("DELETE FROM forget_documents WHERE id IN (SELECT document_id FROM traces)")
        _cut_or_keep(db, "forget_documents", "follow_documents", "document_id")
        _cut_or_keep(db, "forget_fetches", "documents", "fetch_id", kept="id NOT IN (SELECT id FROM forget_documents)")
        _cut_or_keep(db, "forget_fetches", "follow_documents", "fetch_id")

        counts["documents"] = db.execute("DELETE FROM documents WHERE id IN (SELECT id FROM forget_documents)").rowcount
        counts["fetches"] = db.execute("DELETE FROM fetches WHERE id IN (SELECT id FROM forget_fetches)").rowcount
        counts["page_versions"] = db.execute(
            "DELETE FROM page_versions WHERE sha256 NOT IN (SELECT sha256 FROM fetches WHERE sha256 IS NOT NULL)"
        ).rowcount
        counts["sources"] = db.execute(
            """DELETE FROM sources WHERE id NOT IN (SELECT source_id FROM attributions)
               AND id NOT IN (SELECT via_source_id FROM attributions WHERE via_source_id IS NOT NULL)
               AND id NOT IN (SELECT to_source_id FROM edges)
               AND id NOT IN (SELECT from_source_id FROM edges WHERE from_source_id IS NOT NULL)
               AND id NOT IN (SELECT source_id FROM primary_sources)"""
        ).rowcount
        for name in ("forget_traces", "forget_documents", "forget_fetches"):
            db.execute(f"DROP TABLE temp.{name}")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # old pages also sit in the -wal file until a checkpoint
    return counts


def _cut_or_keep(db: sqlite_utils.Database, listed: str, table: str, column: str, kept: str = "1") -> None:
    """Rows of `table` that stay (`kept`) and point through `column` at an id on the list `listed`:
    cut the pointer when the user named that id, else take the id off the list."""
    pointing = f"SELECT {column} FROM {table} WHERE {kept} AND {column} IS NOT NULL"
    db.execute(f"""UPDATE {table} SET {column} = NULL WHERE {kept}
                   AND {column} IN (SELECT id FROM {listed} WHERE named = 1)""")
    db.execute(f"DELETE FROM {listed} WHERE named = 0 AND id IN ({pointing})")
