"""The store's side of a multi-hop trace: its state, its pages and hops, its progress events,
and the page cache (every fetched version by sha256).

Progress events and fetches are written as they happen (each its own transaction,
so a reader of the store sees a running trace move); the pages, hops and graph
of a follow are written together at the end, in one transaction.
"""

from __future__ import annotations

import json

import sqlite_utils

from headwater.store.database import document_row, now, row_span

DOC_COLUMNS = (
    "idx",
    "parent",
    "depth",
    "url",
    "final_url",
    "canonical_url",
    "title",
    "site",
    "outlet",
    "published",
    "sha256",
    "status",
    "found_by",
    "query",
    "confidence",
)


# -- state and events --------------------------------------------------------------


def start(db: sqlite_utils.Database, trace_id: int, settings, claim_span: tuple[int, int] | None) -> None:
    with db.atomic():
        db["follows"].insert(
            {
                "trace_id": trace_id,
                "state": "running",
                "max_depth": settings.depth,
                "max_pages": settings.max_pages,
                "time_budget": settings.time_budget,
                "started_at": now(),
                "claim_start": claim_span[0] if claim_span else None,
                "claim_end": claim_span[1] if claim_span else None,
            },
            replace=True,
        )


def fail(db: sqlite_utils.Database, trace_id: int, message: str) -> None:
    with db.atomic():
        db["follows"].update(trace_id, {"state": "failed", "finished_at": now(), "error": message})


def add_event(db: sqlite_utils.Database, trace_id: int, kind: str, data: dict) -> dict:
    with db.atomic():
        seq = db.execute(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM trace_events WHERE trace_id = ?", [trace_id]
        ).fetchone()[0]
        event = {"trace_id": trace_id, "seq": seq, "at": now(), "type": kind, "data": json.dumps(data)}
        db["trace_events"].insert(event)
    return {"seq": seq, "at": event["at"], "type": kind, "data": data}


def events(db: sqlite_utils.Database, trace_id: int, after: int = 0) -> list[dict]:
    return [
        {"seq": r["seq"], "at": r["at"], "type": r["type"], "data": json.loads(r["data"])}
        for r in db.query("SELECT * FROM trace_events WHERE trace_id = ? AND seq > ? ORDER BY seq", [trace_id, after])
    ]


def state(db: sqlite_utils.Database, trace_id: int) -> str | None:
    row = db.execute("SELECT state FROM follows WHERE trace_id = ?", [trace_id]).fetchone()
    return row[0] if row else None


# -- the result ---------------------------------------------------------------------------


def save(db: sqlite_utils.Database, trace_id: int, follow: dict, documents: list[dict]) -> None:
    """Write a finished follow: `follow` is the API's "follow" object, `documents` the
    extracted pages to add to the documents table (dicts with their follow idx)."""
    with db.atomic():
        document_ids = {}
        for d in documents:
            document_ids[d["idx"]] = db["documents"].insert(document_row(d, d.get("fetch_id"))).last_pk
        db["follow_documents"].delete_where("trace_id = ?", [trace_id])
        db["follow_hops"].delete_where("trace_id = ?", [trace_id])
        db["follow_documents"].insert_all(
            [
                {
                    "trace_id": trace_id,
                    **{k: d.get(k) for k in DOC_COLUMNS},
                    "document_id": d.get("document_id") or document_ids.get(d["idx"]),
                    "fetch_id": d.get("fetch_id"),
                    "error_code": (d["error"] or {}).get("code"),
                    "error": (d["error"] or {}).get("message"),
                    "archived_url": (d["archived"] or {}).get("url"),
                    "archived_date": (d["archived"] or {}).get("date"),
                    "from_cache": int(d["from_cache"]),
                    "previous_sha256": (d["changed"] or {}).get("previous_sha256"),
                    "attributions": json.dumps(d["attributions"]) if d["attributions"] is not None else None,
                }
                for d in follow["documents"]
            ]
        )
        db["follow_hops"].insert_all([_hop_row(trace_id, h) for h in follow["hops"]])
        db["follows"].update(
            trace_id,
            {
                "state": follow["state"],
                "finished_at": now(),
                "pages_fetched": follow["pages_fetched"],
                "chains": json.dumps(follow["chains"]),
                "primary_sources": json.dumps(follow["primary_sources"]),
                "cycles": json.dumps(follow["cycles"]),
                "stopped": json.dumps(follow["stopped"]),
            },
        )


def _hop_row(trace_id: int, h: dict) -> dict:
    match = h["match"] or {}
    citing, cited = match.get("citing") or {}, match.get("cited") or {}
    return {
        "trace_id": trace_id,
        "idx": h["idx"],
        "from_doc": h["from"],
        "to_doc": h["to"],
        "url": h["url"],
        "kind": h["kind"],
        "status": h["status"],
        "source_name": (h["source"] or {}).get("name"),
        "source_kind": (h["source"] or {}).get("kind"),
        "attribution_idx": h["attribution"],
        "verdict": match.get("verdict"),
        "score": match.get("score"),
        "citing_start": citing.get("start"),
        "citing_end": citing.get("end"),
        "citing_text": citing.get("text"),
        "cited_start": cited.get("start"),
        "cited_end": cited.get("end"),
        "cited_text": cited.get("text"),
        "confidence": h["confidence"],
        "certain": int(h["certain"]),
        "query": h["query"],
        "flags": json.dumps(h["flags"]),
        "matches": json.dumps(h["matches"]),
    }


def load(db: sqlite_utils.Database, trace_id: int) -> dict | None:
    """The "follow" object of a trace as the API returns it, or None if the trace did not follow."""
    rows = list(db.query("SELECT * FROM follows WHERE trace_id = ?", [trace_id]))
    if not rows:
        return None
    f = rows[0]
    documents = []
    for d in db.query("SELECT * FROM follow_documents WHERE trace_id = ? ORDER BY idx", [trace_id]):
        doc = {k: d[k] for k in DOC_COLUMNS}
        doc["error"] = {"code": d["error_code"], "message": d["error"]} if d["error_code"] else None
        doc["archived"] = {"url": d["archived_url"], "date": d["archived_date"]} if d["archived_url"] else None
        doc["from_cache"] = bool(d["from_cache"])
        doc["changed"] = {"previous_sha256": d["previous_sha256"]} if d["previous_sha256"] else None
        doc["attributions"] = json.loads(d["attributions"]) if d["attributions"] else None
        documents.append(doc)
    hops = []
    for h in db.query("SELECT * FROM follow_hops WHERE trace_id = ? ORDER BY idx", [trace_id]):
        matches = json.loads(h["matches"] or "[]")
        hops.append(
            {
                "idx": h["idx"],
                "from": h["from_doc"],
                "to": h["to_doc"],
                "url": h["url"],
                "kind": h["kind"],
                "status": h["status"],
                "source": {"name": h["source_name"], "kind": h["source_kind"]} if h["source_name"] else None,
                "attribution": h["attribution_idx"],
                "confidence": h["confidence"],
                "certain": bool(h["certain"]),
                "query": h["query"],
                "flags": json.loads(h["flags"] or "[]"),
                "matches": matches,
                "match": _best_match(h),
            }
        )
    return {
        "state": f["state"],
        "error": f["error"],
        "limits": {"depth": f["max_depth"], "pages": f["max_pages"], "seconds": f["time_budget"]},
        "claim": ({"start": f["claim_start"], "end": f["claim_end"]} if f["claim_start"] is not None else None),
        "pages_fetched": f["pages_fetched"],
        "started_at": f["started_at"],
        "finished_at": f["finished_at"],
        "documents": documents,
        "hops": hops,
        "chains": json.loads(f["chains"] or "[]"),
        "primary_sources": json.loads(f["primary_sources"] or "[]"),
        "cycles": json.loads(f["cycles"] or "[]"),
        "stopped": json.loads(f["stopped"] or "[]"),
    }


def _best_match(h: dict) -> dict | None:
    if h["verdict"] is None:
        return None
    return {
        "verdict": h["verdict"],
        "score": h["score"],
        "citing": row_span(h, "citing"),
        "cited": row_span(h, "cited"),
    }
