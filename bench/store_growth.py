"""Store growth: database size per traced page, and the common queries at 10k and 100k traces.

    .venv/bin/python bench/store_growth.py [--quick] [--sizes 10000,100000] [--json FILE]

Two synthetic stores (bench/synthetic.py: the seed's trace copied N times with
varied URLs, people and domains) are built in a temporary folder. Each is opened
as the app opens it (`headwater.store.open_db`), and these queries are timed,
the two stores taking turns round after round (so noise hits both alike):

- by URL: `store.latest_trace_id(db, url)`, the provenance lookup, on the asked,
  final or canonical URL of a random trace;
- by source (outlet): the newest 50 attributions of The Wall Street Journal,
  which every trace cites: `... JOIN sources s ... WHERE s.name = ? ORDER BY a.id DESC LIMIT 50`;
- by source (person): the same for a random person;
- by domain: `store.traces_of_domain(db, domain)`, the newest 20 traces of a site
  (GET /api/traces?domain=), through `documents.domain` and its index; on a
  popular domain, and on one that holds a single trace (the long tail, where the
  former `final_url LIKE 'https://www.DOMAIN/%'` scanned the whole store: 10x
  slower at 100k than at 10k).

A query's time is the median over its calls (random parameters, the same for
both stores). Target (issue 7): time at the large store <= 2x the small one.
Size per trace should not grow either.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from headwater.evaluation import synthetic
from headwater.evaluation.benchkit import Row, check, emit, median, ratio, say

BENCH = "store"
TARGET = "<= 2x"

BY_SOURCE = """SELECT a.trace_id, a.idx, a.cue_text, a.content_text FROM attributions a
    JOIN sources s ON s.id = a.source_id WHERE s.name = :name ORDER BY a.id DESC LIMIT 50"""


def queries(n: int, rng: random.Random):
    """name -> a function (db, parameter) and the parameters to call it with."""
    from headwater import store

    picks = [rng.randrange(n) for _ in range(60)]
    kinds = ("url", "final_url", "canonical_url")
    people = synthetic.people_per_trace()
    pool = max(people * 2, n // 4)
    rare = synthetic.rare_domains(n)

    def sql(text):
        return lambda db, params: db.execute(text, params).fetchall()

    out = {
        "by URL (latest_trace_id)": (
            lambda db, url: store.latest_trace_id(db, url),
            [synthetic.urls(i)[kinds[k % 3]] for k, i in enumerate(picks)],
        ),
        "by source, outlet (newest 50)": (sql(BY_SOURCE), [{"name": "The Wall Street Journal"}] * 20),
        "by source, person (newest 50)": (
            sql(BY_SOURCE),
            [{"name": f"Person {rng.randrange(pool):06d}"} for _ in range(40)],
        ),
        "by domain, popular (newest 20)": (by_domain, [synthetic.domain(i) for i in picks[:40]]),
        "by domain, one trace (newest 20)": (by_domain, rare[:40]),
    }
    return out


def by_domain(db, domain: str):
    from headwater import store

    return store.traces_of_domain(db, domain, limit=20)


def time_queries(dbs: dict[int, object], rounds: int) -> dict[tuple[str, int], list[float]]:
    small = min(dbs)
    rng = random.Random(7)
    plan = queries(small, rng)  # parameters valid in both stores (the small one's traces)
    samples: dict[tuple[str, int], list[float]] = {}
    for fn, params in plan.values():  # warm-up: the pages each query needs, in the cache
        for db in dbs.values():
            for p in params[:3]:
                fn(db, p)
    for r in range(rounds):
        order = sorted(dbs) if r % 2 == 0 else sorted(dbs, reverse=True)
        for name, (fn, params) in plan.items():
            for size in order:
                db = dbs[size]
                for p in params:
                    started = time.perf_counter()
                    fn(db, p)
                    samples.setdefault((name, size), []).append(time.perf_counter() - started)
    return samples


def plans(db) -> dict[str, list[str]]:
    """EXPLAIN QUERY PLAN of the SQL queries: a SCAN of a big table is what grows."""
    out = {}
    by_domain_sql = (
        "SELECT t.id FROM documents d JOIN traces t ON t.document_id = d.id "
        "WHERE d.domain = :domain ORDER BY d.id DESC LIMIT 20"
    )  # as store.traces_of_domain
    for name, text, params in (("by source", BY_SOURCE, {"name": "x"}), ("by domain", by_domain_sql, {"domain": "x"})):
        out[name] = [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + text, params).fetchall()]
    return out


def run(quick: bool = False, sizes: tuple[int, int] | None = None):
    from headwater import store

    small, large = sizes or ((2_000, 20_000) if quick else (10_000, 100_000))
    rounds = 3 if quick else 5
    with tempfile.TemporaryDirectory(prefix="headwater-bench-") as tmp:
        built = {}
        for n in (small, large):
            say(f"store: building {n:,} traces")
            built[n] = synthetic.build_store(Path(tmp) / f"{n}.db", n)
            say(f"store: {n:,} traces in {built[n]['seconds']:.1f} s, {built[n]['bytes'] / 1e6:.0f} MB")
        dbs = {n: store.open_db(Path(tmp) / f"{n}.db") for n in (small, large)}
        samples = time_queries(dbs, rounds)
        query_plans = plans(dbs[large])
        rows = []
        per_trace = {n: built[n]["bytes"] / n for n in built}
        text_bytes = len(synthetic.template()["documents"][0]["text"].encode())
        rows.append(
            Row(
                BENCH,
                f"size per trace at {large:,}",
                per_trace[large] / 1024,
                "KiB",
                f"at {small:,}: {per_trace[small] / 1024:.1f} KiB",
                ratio(per_trace[large], per_trace[small]),
                TARGET,
                check(ratio(per_trace[large], per_trace[small]), TARGET),
            )
        )
        rows.append(
            Row(
                BENCH,
                "  size per trace / its article text",
                per_trace[large] / 1024,
                "KiB",
                f"article text {text_bytes / 1024:.1f} KiB",
                ratio(per_trace[large], text_bytes),
            )
        )
        missed = []
        for name in dict.fromkeys(q for q, _ in samples):
            t_small, t_large = median(samples[(name, small)]), median(samples[(name, large)])
            r = ratio(t_large, t_small)
            ok = check(r, TARGET)
            if not ok:
                missed.append(name)
            rows.append(
                Row(
                    BENCH,
                    f"{name} at {large // 1000}k",
                    t_large * 1000,
                    "ms",
                    f"at {small // 1000}k: {t_small * 1000:.3f} ms",
                    r,
                    TARGET,
                    ok,
                )
            )
        notes = [
            f"store: {small:,} and {large:,} synthetic traces (built in {built[small]['seconds']:.0f} s and "
            f"{built[large]['seconds']:.0f} s), {rounds} rounds; query plans at {large:,}: "
            + "; ".join(f"{k}: {' / '.join(v)}" for k, v in query_plans.items())
        ]
        for db in dbs.values():
            db.close()
    return rows, notes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2,000 and 20,000 traces, 3 rounds")
    parser.add_argument("--sizes", help="the two store sizes, e.g. 10000,100000")
    parser.add_argument("--json", help="also write the rows to this file (for perf.py)")
    args = parser.parse_args(argv)
    sizes = tuple(int(s) for s in args.sizes.split(",")) if args.sizes else None
    rows, notes = run(args.quick, sizes)
    emit(rows, args.json, notes)


if __name__ == "__main__":
    main()
