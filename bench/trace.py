"""Benchmark: does a multi-hop trace fetch concurrently? (`make bench-trace`)

    .venv/bin/python bench/trace.py [--delay 0.5] [--chains 4] [--depth 3] [--runs 3]

Serves a fixture web on 127.0.0.1: a page citing `--chains` outlets, each the start
of a chain of `--depth` pages, every page on its own host (so the per-host limit
and the politeness delay, which are per host, do not serialise anything). Every
response, robots.txt included, waits `--delay` seconds. The critical path is the
sum of the delays along the deepest chain: the traced page, then per level one
robots.txt and one page. A crawler that fetched one page at a time would take
about `chains` times as long; the gate is wall time / critical path <= 1.3, as a
median over `--runs` (after one warm-up run that loads the NLP pipeline).
The rest of the ratio is extraction and attribution, which run on our side.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from headwater import store
from headwater.evaluation.localweb import FixtureWeb, Response
from headwater.fetch.client import Fetcher
from headwater.settings import FollowSettings
from headwater.tracing.tracer import Tracer

ROOT = Path(__file__).resolve().parent.parent

GATE = 1.3
OUTLETS = [
    "The Guardian",
    "BBC",
    "Le Monde",
    "Der Spiegel",
    "Al Jazeera",
    "The Times of India",
    "The Hindu",
    "Reuters",
    "The Independent",
    "The Washington Post",
    "The New York Times",
    "Bloomberg",
    "Associated Press",
    "Agence France-Presse",
    "CNN",
    "NPR",
]
CLAIMS = [
    "the harbour bridge will close for repairs in March",
    "the ferry company has ordered two electric boats",
    "the town library will open on Sundays from next spring",
    "the old cannery will become a museum of the fishing fleet",
    "the lifeboat station has raised money for a new boat",
    "the coastal path will be rebuilt after the winter storms",
]
TEMPLATE = (ROOT / "tests" / "fixtures" / "web" / "_page.html").read_text(encoding="utf-8")


def page(title: str, site: str, body: str) -> str:
    return TEMPLATE.format(
        title=title,
        site=site,
        author="Bench writer",
        published="2014-11-05T09:00:00+00:00",
        published_human=datetime(2014, 11, 5).strftime("%B %d, %Y"),
        body=body,
    )


FILLER = (
    "<p>The council has not yet published the details, and residents who spoke at the last "
    "public meeting asked for a timetable.</p><p>More details are expected at the next meeting "
    "of the harbour committee, which is open to the public.</p>"
)


def paragraph(outlet: str, claim: str, href: str) -> str:
    return f'<p>{outlet} <a href="{href}">reported</a> that {claim}.</p>{FILLER}'


def build(chains: int, depth: int, delay: float) -> tuple[list[FixtureWeb], str]:
    servers: list[FixtureWeb] = []

    def host() -> FixtureWeb:
        server = FixtureWeb().start()
        server.add(
            "/robots.txt", Response("User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"}, delay=delay)
        )
        servers.append(server)
        return server

    root_server = host()
    root_body = []
    outlets = iter(OUTLETS)
    for c in range(chains):
        claim = CLAIMS[c % len(CLAIMS)]
        names = [next(outlets) for _ in range(depth)]
        hosts = [host() for _ in range(depth)]
        urls = [h.url(f"/story/{c}") for h in hosts]
        for level in range(depth):
            cites = (
                paragraph(names[level + 1], claim, urls[level + 1])
                if level + 1 < depth
                else f"<p>Council papers seen by {names[level]} show that {claim}.</p>{FILLER}"
            )
            hosts[level].add(f"/story/{c}", Response(page(f"Story {c}.{level}", names[level], cites), delay=delay))
        root_body.append(paragraph(names[0], claim, urls[0]))
    root_server.add("/", Response(page("Harbour town round-up", "Example Blog", "".join(root_body)), delay=delay))
    return servers, root_server.url("/")


def run(args) -> int:
    from headwater.attribution.attributor import Attributor

    attributor = Attributor()
    settings = FollowSettings(
        depth=args.depth,
        max_pages=1 + args.chains * args.depth,
        time_budget=120,
        politeness_delay=0,
        workers=8,
        wayback_api="http://127.0.0.1:9/none",
        news_index_api="http://127.0.0.1:9/none",
    )
    critical = args.delay * (1 + 2 * args.depth)
    ratios, walls = [], []
    for number in range(args.runs + 1):
        servers, url = build(args.chains, args.depth, args.delay)
        with tempfile.TemporaryDirectory() as tmp:
            db = store.open_db(str(Path(tmp) / "bench.db"))
            tracer = Tracer(db, fetcher=Fetcher(allow_private=True), attributor=attributor)
            started = time.monotonic()
            trace = tracer.trace(url, follow=settings).to_dict()
            wall = time.monotonic() - started
            db.close()
        for server in servers:
            server.stop()
        traced = sum(d["status"] == "traced" for d in trace["follow"]["documents"])
        if traced != 1 + args.chains * args.depth:
            print(
                f"expected {1 + args.chains * args.depth} pages traced, got {traced}: "
                f"{[(d['url'], d['status']) for d in trace['follow']['documents']]}",
                file=sys.stderr,
            )
            return 2
        if number == 0:
            continue  # warm-up: the NLP pipeline's first call, the OS's first connections
        walls.append(wall)
        ratios.append(wall / critical)
        print(
            f"run {number}: {traced} pages, wall {wall:.2f} s, critical path {critical:.2f} s, "
            f"ratio {wall / critical:.2f}"
        )
    ratio = statistics.median(ratios)
    serial = args.delay * (1 + 2 * args.chains * args.depth)
    print(
        f"\nmedian wall {statistics.median(walls):.2f} s over {args.runs} runs; critical path {critical:.2f} s "
        f"(delay {args.delay} s x {1 + 2 * args.depth} responses); one fetch at a time would wait {serial:.1f} s"
    )
    print(f"ratio wall / critical path: {ratio:.2f} (gate <= {GATE}) -> {'PASS' if ratio <= GATE else 'FAIL'}")
    return 0 if ratio <= GATE else 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=0.5, help="seconds added to every response")
    parser.add_argument("--chains", type=int, default=4)
    parser.add_argument("--depth", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
