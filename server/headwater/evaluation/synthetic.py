"""Synthetic stores for the lookup and store-growth benchmarks, built fast.

The template is a real trace: the seed page (tests/fixtures/seed.html) traced
by headwater.trace.Tracer into a scratch store (no network). `build_store`
copies its rows N times with bulk `executemany` inside one transaction:

- every copy gets its own fetch, document, trace, attributions, edges, chain hops
  and primary sources, as a real trace would;
- URLs vary: copy i is on domain i % DOMAINS (so a domain's traces grow with the
  store), except one in 1000 which is alone on its own domain (the long tail), as
  asked (`https://DOMAIN/...?utm_source=feed`), final (`https://www.DOMAIN/...`)
  and canonical (= final); `documents.domain` and `.page_key` are set as the store sets them;
- outlets keep their names (The Wall Street Journal is cited by every trace: the
  popular source); people are drawn from a pool of N / 4 names, so a person's
  share of the store stays the same as it grows.

`urls(n, i)` gives back the three URLs of copy i, for the queries.
"""

from __future__ import annotations

import functools
import sqlite3
import time
from pathlib import Path

from headwater.evaluation.benchkit import REPO, say

SEED_HTML = REPO / "tests" / "fixtures" / "seed.html"
SEED_URL = "https://www.example-blog.com/2014/11/iranian-official-confirms-obama-letter"
DOMAINS = 100  # 20+ traces per domain even in a --quick store
TABLES = ("fetches", "documents", "traces", "attributions", "edges", "chain_hops", "primary_sources")


def domain(i: int) -> str:
    """Most traces are on one of DOMAINS popular sites; one in 1000 is alone on its site (the long tail)."""
    if i % 1000 == 500:
        return f"rare{i // 1000:04d}.example"
    return f"news{i % DOMAINS:03d}.example"


def rare_domains(n: int) -> list[str]:
    """The sites holding a single trace in a store of n traces."""
    return [domain(i) for i in range(500, n, 1000)]


def urls(i: int) -> dict[str, str]:
    path = f"/{2010 + i % 15}/{i % 12 + 1:02d}/story-{i:07d}-iranian-official-confirms-letter"
    final = f"https://www.{domain(i)}{path}"
    return {"url": f"https://{domain(i)}{path}?utm_source=feed", "final_url": final, "canonical_url": final}


@functools.cache
def template() -> dict[str, list[dict]]:
    """The seed's trace as rows of every table (ids as in a scratch store)."""
    from headwater import store
    from headwater.tracing.tracer import Tracer

    db = store.open_db(":memory:")
    trace = Tracer(db).trace(SEED_URL, html=SEED_HTML.read_bytes()).to_dict()
    tid = trace["id"]
    rows = {
        "traces": list(db.query("SELECT * FROM traces WHERE id = ?", [tid])),
        "attributions": list(db.query("SELECT * FROM attributions WHERE trace_id = ? ORDER BY idx", [tid])),
        "edges": list(db.query("SELECT * FROM edges WHERE trace_id = ?", [tid])),
        "chain_hops": list(db.query("SELECT * FROM chain_hops WHERE trace_id = ?", [tid])),
        "primary_sources": list(db.query("SELECT * FROM primary_sources WHERE trace_id = ?", [tid])),
        "sources": list(db.query("SELECT * FROM sources")),
    }
    rows["documents"] = list(db.query("SELECT * FROM documents WHERE id = ?", [rows["traces"][0]["document_id"]]))
    rows["fetches"] = list(db.query("SELECT * FROM fetches"))
    if not rows["fetches"]:  # a supplied page may not log a fetch: make one, as a fetched page would have
        rows["fetches"] = [
            {
                "id": 1,
                "url": SEED_URL,
                "final_url": SEED_URL,
                "status": 200,
                "content_type": "text/html",
                "bytes": len(SEED_HTML.read_bytes()),
                "sha256": rows["documents"][0]["sha256"],
                "duration_ms": 180,
                "fetched_at": trace["created_at"],
                "error_code": None,
                "error": None,
                "origin": "network",
            }
        ]
    return rows


def _insert(conn: sqlite3.Connection, table: str, rows: list[dict]):
    if rows:
        cols = list(rows[0])
        conn.executemany(
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            [tuple(r[c] for c in cols) for r in rows],
        )


def build_store(path: str | Path, n: int, batch: int = 10_000) -> dict:
    """A store at `path` holding `n` copies of the seed trace; returns {"seconds", "bytes"}."""
    from headwater import store
    from headwater.urls import domain_of, url_key

    t = template()
    started = time.perf_counter()
    store.open_db(path).close()  # the schema, as the app creates it
    conn = sqlite3.connect(str(path))
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")  # a scratch store: durability does not matter while building

    people = [s for s in t["sources"] if s["kind"] == "person"]
    pool = max(len(people) * 2, n // 4)
    others = [s for s in t["sources"] if s["kind"] != "person"]
    # sources: the template's non-people with their ids, then the pool of people
    source_rows = [{"id": k + 1, "name": s["name"], "kind": s["kind"]} for k, s in enumerate(others)]
    first_person = len(source_rows) + 1
    source_rows += [{"id": first_person + k, "name": f"Person {k:06d}", "kind": "person"} for k in range(pool)]
    name_of = {r["id"]: r["name"] for r in source_rows}
    conn.execute("BEGIN")
    _insert(conn, "sources", source_rows)
    other_id = {s["id"]: k + 1 for k, s in enumerate(others)}
    person_names = {s["name"] for s in people}

    doc, tr = t["documents"][0], t["traces"][0]
    fetch = t["fetches"][0]
    for lo in range(0, n, batch):
        rows: dict[str, list[dict]] = {table: [] for table in TABLES}
        for i in range(lo, min(n, lo + batch)):
            rid = i + 1
            u = urls(i)
            # the template's people become distinct people of the pool for this copy
            sid = dict(other_id)
            for j, p in enumerate(people):
                sid[p["id"]] = first_person + (i * len(people) + j) % pool
            rename = {p["name"]: name_of[sid[p["id"]]] for p in people}
            stamp = f"2024-01-01T00:00:00.{i % 1_000_000:06d}+00:00"
            rows["fetches"].append(
                {**fetch, "id": rid, "url": u["url"], "final_url": u["final_url"], "fetched_at": stamp}
            )
            rows["documents"].append(
                {
                    **doc,
                    "id": rid,
                    "fetch_id": rid,
                    **u,
                    "domain": domain_of(u["final_url"]),
                    "page_key": url_key(u["final_url"]),
                }
            )
            rows["traces"].append({**tr, "id": rid, "url": u["url"], "document_id": rid, "created_at": stamp})
            for a in t["attributions"]:
                rows["attributions"].append(
                    {
                        **{k: v for k, v in a.items() if k != "id"},
                        "trace_id": rid,
                        "source_id": sid[a["source_id"]],
                        "via_source_id": sid.get(a["via_source_id"]),
                    }
                )
            for e in t["edges"]:
                rows["edges"].append(
                    {
                        **{k: v for k, v in e.items() if k != "id"},
                        "trace_id": rid,
                        "from_source_id": sid.get(e["from_source_id"]),
                        "to_source_id": sid[e["to_source_id"]],
                    }
                )
            for h in t["chain_hops"]:
                rows["chain_hops"].append(
                    {
                        **h,
                        "trace_id": rid,
                        "name": rename.get(h["name"], h["name"])
                        if h["kind"] == "person" or h["name"] in person_names
                        else h["name"],
                    }
                )
            for p in t["primary_sources"]:
                rows["primary_sources"].append({**p, "trace_id": rid, "source_id": sid[p["source_id"]]})
        for table in TABLES:
            _insert(conn, table, rows[table])
        if n > batch:
            say(f"store: {min(n, lo + batch):,}/{n:,} traces")
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    # no ANALYZE: a store in use has none either, and the planner must do without statistics
    conn.close()
    return {"seconds": time.perf_counter() - started, "bytes": Path(path).stat().st_size, "people": pool}


def people_per_trace() -> int:
    return sum(1 for s in template()["sources"] if s["kind"] == "person")
