"""Analysis throughput: extraction + attribution per page of ../shared/corpus.

    .venv/bin/python bench/analysis.py [--quick] [--pages N] [--repeats N] [--json FILE]

One process, the pipeline loaded once (load time shown apart). Every page is
decompressed into memory first; then, for each repeat, each page goes through,
in the same loop (so that noise hits all of them alike):

- (a) trafilatura alone: `trafilatura.extract(html, url, **TRAFILATURA_OPTIONS)`,
  the same settings headwater's extractor uses (the floor: we must at least extract);
- ours: `headwater.extract.extract(html, url)`, then `Attributor.attribute(text,
  links, quotes)`;
- the parse alone, `Attributor.read` (spaCy over the paragraphs the attribution
  reads, and the entities step 3 learns from them), timed apart: against the
  budget the 3x target leaves for all of attribution (3x trafilatura - extraction);
- (b) the naive approach: spaCy's stock English pipeline, every component,
  `nlp(text)` over the whole extracted text (no gazetteer ruler). A page's naive
  time is its extraction time plus that call, since the naive approach extracts too.

A page's time is its median over the repeats; ms/page is the median over pages,
pages/s is pages over the summed per-page times. Peak memory is the peak RSS of a
separate child process that loads the pipeline and analyses every page once,
against a child that runs trafilatura alone over the same pages.

Targets (issue 7): ours <= 3x trafilatura alone (median ms/page), and >= 3x the
naive approach's pages/s.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from headwater.evaluation.benchkit import Row, check, corpus_pages, emit, median, peak_rss_mb, ratio, say

BENCH = "analysis"
QUICK_PAGES = 30


def _clock(fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


def measure(pages, repeats: int) -> dict:
    import trafilatura

    from headwater.attribution.attributor import Attributor
    from headwater.attribution.nlp import load_model
    from headwater.errors import NoText
    from headwater.extract import TRAFILATURA_OPTIONS, extract

    load_seconds, attributor = _clock(Attributor)
    naive_load_seconds, naive = _clock(load_model)  # the stock pipeline, every component enabled
    say(
        f"analysis: pipeline loaded in {load_seconds:.1f} s (stock pipeline {naive_load_seconds:.1f} s); "
        f"{len(pages)} pages x {repeats} repeats"
    )

    times: dict[str, list[list[float]]] = {
        k: [[] for _ in pages] for k in ("traf", "extract", "attribute", "naive", "read")
    }
    skipped = set()
    attributions = 0
    # warm-up on the first page: first calls pay for lazy imports and caches
    for url, html in pages[:1]:
        trafilatura.extract(html, url=url, **TRAFILATURA_OPTIONS)
        try:
            ex = extract(html, url)
            attributor.attribute(ex.text, ex.links, ex.quotes)
            naive(ex.text)
        except NoText:
            pass
    for rep in range(repeats):
        for i, (url, html) in enumerate(pages):
            if i in skipped:
                continue
            t_traf, _ = _clock(trafilatura.extract, html, url=url, **TRAFILATURA_OPTIONS)
            try:
                t_extract, ex = _clock(extract, html, url)
            except NoText:
                skipped.add(i)
                continue
            # alternate which NLP runs first, so neither always finds the caches warm
            if (rep + i) % 2:
                t_attr, found = _clock(attributor.attribute, ex.text, ex.links, ex.quotes)
                t_naive, _ = _clock(naive, ex.text)
            else:
                t_naive, _ = _clock(naive, ex.text)
                t_attr, found = _clock(attributor.attribute, ex.text, ex.links, ex.quotes)
            # the parse alone (spaCy over the paragraphs read, and what step 3 learns from it)
            t_read, _ = _clock(attributor.read, ex.text, ex.links, ex.quotes)
            if rep == 0:
                attributions += len(found)
            for key, t in (
                ("traf", t_traf),
                ("extract", t_extract),
                ("attribute", t_attr),
                ("naive", t_naive),
                ("read", t_read),
            ):
                times[key][i].append(t)
        say(f"analysis: repeat {rep + 1}/{repeats} done")
    kept = [i for i in range(len(pages)) if i not in skipped]
    per_page = {k: [median(v[i]) for i in kept] for k, v in times.items()}
    return {
        "per_page": per_page,
        "kept": len(kept),
        "skipped": len(skipped),
        "attributions": attributions,
        "load_seconds": load_seconds,
    }


def memory_child(mode: str, limit: int | None) -> float:
    """Run one mode over the pages in a fresh process and return its peak RSS (MiB)."""
    out = subprocess.run(
        [sys.executable, __file__, "--memory-child", mode] + (["--pages", str(limit)] if limit else []),
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def _memory_child_main(mode: str, limit: int | None):
    pages = corpus_pages(limit)
    if mode == "traf":
        import trafilatura

        from headwater.extract import TRAFILATURA_OPTIONS

        for url, html in pages:
            trafilatura.extract(html, url=url, **TRAFILATURA_OPTIONS)
    else:
        from headwater.attribution.attributor import Attributor
        from headwater.errors import NoText
        from headwater.extract import extract

        attributor = Attributor()
        for url, html in pages:
            try:
                ex = extract(html, url)
            except NoText:
                continue
            attributor.attribute(ex.text, ex.links, ex.quotes)
    print(peak_rss_mb())


def run(quick: bool = False, pages: int | None = None, repeats: int | None = None) -> tuple[list[Row], list[str]]:
    limit = pages or (QUICK_PAGES if quick else None)
    repeats = repeats or 2
    corpus = corpus_pages(limit)
    m = measure(corpus, repeats)
    p = m["per_page"]
    ours = [e + a for e, a in zip(p["extract"], p["attribute"])]
    naive = [e + n for e, n in zip(p["extract"], p["naive"])]
    ms = lambda xs: median(xs) * 1000  # noqa: E731
    rate = lambda xs: len(xs) / sum(xs)  # noqa: E731
    vs_traf = ratio(median(ours), median(p["traf"]))
    vs_naive = ratio(rate(ours), rate(naive))
    say("analysis: measuring peak memory in child processes")
    rss_ours, rss_traf = memory_child("ours", limit), memory_child("traf", limit)
    rows = [
        Row(
            BENCH,
            "extract+attribute, median per page",
            ms(ours),
            "ms",
            f"(a) trafilatura alone {ms(p['traf']):.1f} ms",
            vs_traf,
            "<= 3x",
            check(vs_traf, "<= 3x"),
        ),
        Row(
            BENCH,
            "throughput",
            rate(ours),
            "pages/s",
            f"(b) naive nlp(text) {rate(naive):.2f} pages/s",
            vs_naive,
            ">= 3x",
            check(vs_naive, ">= 3x"),
        ),
        Row(
            BENCH,
            "  of which extract, median",
            ms(p["extract"]),
            "ms",
            f"(a) {ms(p['traf']):.1f} ms",
            ratio(median(p["extract"]), median(p["traf"])),
        ),
        Row(
            BENCH,
            "  of which attribute, median",
            ms(p["attribute"]),
            "ms",
            f"naive nlp(text) {ms(p['naive']):.1f} ms",
            ratio(median(p["attribute"]), median(p["naive"])),
        ),
        Row(
            BENCH,
            "    of which the parse (Attributor.read), median",
            ms(p["read"]),
            "ms",
            f"budget for 3x: {3 * ms(p['traf']) - ms(p['extract']):.1f} ms",
            ratio(median(p["read"]), median(p["traf"])),
        ),
        Row(
            BENCH,
            "peak memory (RSS)",
            rss_ours,
            "MiB",
            f"trafilatura alone {rss_traf:.0f} MiB",
            ratio(rss_ours, rss_traf),
        ),
    ]
    notes = [
        f"analysis: {m['kept']} pages ({m['skipped']} without article text skipped), {repeats} repeats, "
        f"{m['attributions']} attributions found; pipeline load {m['load_seconds']:.1f} s (not in the times)."
    ]
    return rows, notes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"only the first {QUICK_PAGES} pages")
    parser.add_argument("--pages", type=int, help="only the first N pages (sorted by file name)")
    parser.add_argument("--repeats", type=int, help="passes over the pages (default 2)")
    parser.add_argument("--json", help="also write the rows to this file (for perf.py)")
    parser.add_argument("--memory-child", choices=("ours", "traf"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        return _memory_child_main(args.memory_child, args.pages or None)
    rows, notes = run(args.quick, args.pages, args.repeats)
    emit(rows, args.json, notes)


if __name__ == "__main__":
    main()
