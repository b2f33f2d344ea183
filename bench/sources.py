"""Benchmark: does Headwater list the sources a real page relies on? (`make bench-sources`)

    .venv/bin/python bench/sources.py [--gold DIR] [--page SHA ...] [--details] [--traces DIR]

For each hand-annotated page in bench/gold/sources (<sha>.json, written by reading the
page), takes the page's HTML from ../shared/corpus/html/<sha>.html.gz (or
$HEADWATER_SHARED/corpus), runs `headwater trace --html FILE --url URL --json` in this one
process (the pipeline loads once), and scores the distinct sources it lists against the
gold with headwater.evaluation.sources (its docstring has the matching rules). Prints
per category the gold count, the predicted count, recall and precision, pooled over the
pages, and the targets. `--details` prints each page's missed and extra sources;
`--traces DIR` keeps each page's trace JSON there (and reuses it when present).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import io
import json
import sys
import tempfile
from pathlib import Path

from headwater.evaluation.benchkit import shared_dir
from headwater.evaluation.sources import load_gold, score_page, table, total

ROOT = Path(__file__).resolve().parent.parent


def trace_page(html: bytes, url: str, work: Path, name: str) -> dict:
    """Headwater's `trace --json` output for one page, run in this process."""
    from headwater.cli.main import main

    page = work / f"{name}.html"
    page.write_bytes(html)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = main(["trace", "--html", str(page), "--url", url, "--json", "--db", str(work / f"{name}.db")])
    if rc:
        raise RuntimeError(f"headwater trace exited {rc} on {name}")
    return json.loads(out.getvalue())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=ROOT / "bench" / "gold" / "sources")
    parser.add_argument("--page", nargs="*", help="only these page shas (or prefixes)")
    parser.add_argument("--details", action="store_true", help="each page's missed and extra sources")
    parser.add_argument("--traces", type=Path, help="keep (and reuse) each page's trace JSON here")
    args = parser.parse_args(argv)

    corpus = shared_dir() / "corpus"
    gold = load_gold(args.gold)
    if args.page:
        gold = {sha: page for sha, page in gold.items() if any(sha.startswith(p) for p in args.page)}
    if not gold:
        print(f"no gold pages in {args.gold}", file=sys.stderr)
        return 1
    if args.traces:
        args.traces.mkdir(parents=True, exist_ok=True)
    scores = []
    with tempfile.TemporaryDirectory(prefix="bench-sources-") as tmp:
        for sha, page in sorted(gold.items()):
            saved = args.traces / f"{sha}.json" if args.traces else None
            if saved and saved.exists():
                trace = json.loads(saved.read_text())
            else:
                html = gzip.decompress((corpus / "html" / f"{sha}.html.gz").read_bytes())
                trace = trace_page(html, page.url, Path(tmp), sha[:16])
                if saved:
                    saved.write_text(json.dumps(trace))
            score = score_page(page, trace)
            scores.append(score)
            if args.details:
                print(f"== {sha[:12]} {page.outlet} ({page.genre}) {page.url}")
                for pred, gold_name in score.matched:
                    print(f"   ok     {pred!r} = {gold_name!r}")
                for s in score.missed:
                    print(f"   missed {s.name!r} ({s.kind}, {s.form})")
                for p in score.extra:
                    print(f"   extra  {p.name!r} ({p.kind}, {p.form}) {p.links[:1]}")
    genres = sorted({page.genre for page in gold.values()})
    print(f"\n{len(scores)} pages ({', '.join(genres)}), gold from {args.gold}")
    print(table(total(scores)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
