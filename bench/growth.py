"""Growth: does the analysis cost grow with the page, or with its square? (issue 20)

    .venv/bin/python bench/growth.py [--quick] [--groups N] [--repeats N] [--json FILE]

Long pages (live blogs, transcripts) are corpus articles joined together: the
articles of ../shared/corpus (sorted by file name, those with article text), their
extracted texts (headwater.extract) joined by a blank line, a paragraph break. At each
scale s of 1x, 4x and 16x the corpus's median article text, the same run of articles,
about `groups` x 16 x the median in all, is cut into documents of consecutive articles
of at least s x the median each; so every scale analyses the same text, only in pieces
of a different length. Each document goes through `Attributor.attribute(text)` (the
rules, spaCy and the tagger: the analysis a worker process runs), timed; a scale's
figure is its total time over its total KB of text (ms per KB), the median over the
repeats; the ratio to 1x is the median of each repeat's own ratio. The scales take
turns within a repeat, in alternating order (noise hits all alike).

Target: ms/KB at 16x <= 1.3x ms/KB at 1x (linear growth, with room for noise). For
information, the same scales of a synthetic live blog whose every paragraph is a short
quote ("Update 7: ...," said Li Wei.), the page of issue 20, cut the same way. The
pipeline is loaded once, and the 1x documents analysed once untimed, before any timing.
"""

from __future__ import annotations

import argparse
import time

from headwater.evaluation.benchkit import Row, check, corpus_pages, emit, median, say

BENCH = "growth"
SCALES = (1, 4, 16)
TARGET = "<= 1.3x"


def article_texts() -> list[str]:
    """The extracted text of every corpus article that has some, in file-name order."""
    from headwater.errors import NoText
    from headwater.extract import extract

    texts = []
    for url, html in corpus_pages():
        try:
            text = extract(html, url).text.strip()
        except NoText:
            continue
        if text:
            texts.append(text)
    return texts


def live_blog(size: int) -> list[str]:
    """A live blog's updates, each a short quote (the page of issue 20), `size` characters in all."""
    names = ("Maria Lopez", "John Smith", "Ahmed Khan", "Li Wei", "Olga Petrova")
    updates, used, i = [], 0, 0
    while used < size:
        updates.append(f'"Update {i}: the water is rising near bridge {i}," said {names[i % len(names)]}.')
        used += len(updates[-1]) + 2
        i += 1
    return updates


def run_of(texts: list[str], total: int) -> list[str]:
    """Consecutive texts (wrapping round if the corpus is shorter) until `total` characters."""
    run, used = [], 0
    while used < total:
        run.append(texts[len(run) % len(texts)])
        used += len(run[-1]) + 2
    return run


def documents(run: list[str], size: int) -> list[str]:
    """The run cut into documents of consecutive texts, each of at least `size` characters
    (what is left at the end joins the last one): every scale holds the same text."""
    docs, current, length = [], [], 0
    for text in run:
        current.append(text)
        length += len(text) + 2
        if length >= size:
            docs.append(current)
            current, length = [], 0
    if current:
        if docs:
            docs[-1] += current
        else:
            docs.append(current)
    return ["\n\n".join(d) for d in docs]


def measure(groups: int, repeats: int) -> dict:
    from headwater.attribution.attributor import Attributor

    say("growth: extracting the corpus articles")
    texts = article_texts()
    middle = int(median(len(t) for t in texts))
    total = groups * SCALES[-1] * middle
    corpus_run, live_run = run_of(texts, total), live_blog(total)
    by_scale = {s: documents(corpus_run, s * middle) for s in SCALES}
    started = time.perf_counter()
    attributor = Attributor()
    load = time.perf_counter() - started
    for doc in by_scale[1]:  # warm-up, untimed: lazy imports, and the memos (lemmas, rules) of this text
        attributor.attribute(doc)
    live = {s: documents(live_run, s * middle) for s in SCALES}
    say(
        f"growth: {len(texts)} articles, median {middle} characters; "
        f"{total // 1000} KB of text per scale, {repeats} repeats"
    )
    per_kb: dict[tuple[str, int], list[float]] = {(k, s): [] for k in ("corpus", "live") for s in SCALES}
    for rep in range(repeats):
        order = SCALES if rep % 2 == 0 else tuple(reversed(SCALES))
        for kind, docs in (("corpus", by_scale), ("live", live)):
            for s in order:
                seconds = 0.0
                for doc in docs[s]:
                    started = time.perf_counter()
                    attributor.attribute(doc)
                    seconds += time.perf_counter() - started
                kb = sum(len(d.encode("utf-8")) for d in docs[s]) / 1024
                per_kb[kind, s].append(seconds * 1000 / kb)
                say(
                    f"growth: repeat {rep + 1}/{repeats}, {kind} {s}x: {len(docs[s])} documents, "
                    f"{seconds:.1f} s, {per_kb[kind, s][-1]:.2f} ms/KB"
                )
    # The ratio to 1x of each repeat, then their median: the scales of one repeat ran close
    # together in time, so a shared machine's slower minutes hit them alike.
    ratios = {(k, s): median(v / b for v, b in zip(per_kb[k, s], per_kb[k, 1])) for k, s in per_kb}
    return {
        "per_kb": {key: median(v) for key, v in per_kb.items()},
        "ratios": ratios,
        "middle": middle,
        "articles": len(texts),
        "run_articles": len(corpus_run),
        "docs": {s: len(d) for s, d in by_scale.items()},
        "doc_kb": {s: median(len(x.encode("utf-8")) / 1024 for x in d) for s, d in by_scale.items()},
        "live_kb": {s: median(len(x.encode("utf-8")) / 1024 for x in d) for s, d in live.items()},
        "load": load,
    }


def run(quick: bool = False, groups: int | None = None, repeats: int | None = None) -> tuple[list[Row], list[str]]:
    groups = groups or (1 if quick else 2)
    repeats = repeats or (1 if quick else 2)
    m = measure(groups, repeats)
    rows = []
    for kind in ("corpus", "live"):
        base = m["per_kb"][kind, 1]
        for s in SCALES:
            value = m["per_kb"][kind, s]
            r = m["ratios"][kind, s]
            if kind == "corpus":
                label = f"analysis per KB, corpus articles joined, {s}x the median ({m['doc_kb'][s]:.0f} KB)"
            else:
                label = f"  live blog of short quotes (synthetic), {s}x ({m['live_kb'][s]:.0f} KB)"
            baseline = f"1x {base:.2f} ms/KB" if s != 1 else ""
            if kind == "corpus" and s == SCALES[-1]:
                rows.append(Row(BENCH, label, value, "ms/KB", baseline, r, TARGET, check(r, TARGET)))
            else:
                rows.append(Row(BENCH, label, value, "ms/KB", baseline, r if s != 1 else None))
    notes = [
        f"growth: {m['articles']} corpus articles, median text {m['middle']} characters; a run of "
        f"{m['run_articles']} of them joined; documents per scale "
        + ", ".join(f"{s}x: {m['docs'][s]}" for s in SCALES)
        + f"; {repeats} repeats; pipeline load {m['load']:.1f} s (not in the times)."
    ]
    return rows, notes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one 16x document's worth of text, one repeat")
    parser.add_argument("--groups", type=int, help="text per scale, in 16x documents (default 2)")
    parser.add_argument("--repeats", type=int, help="passes over the scales (default 2)")
    parser.add_argument("--json", help="also write the rows to this file (for perf.py)")
    args = parser.parse_args(argv)
    rows, notes = run(args.quick, args.groups, args.repeats)
    emit(rows, args.json, notes)


if __name__ == "__main__":
    main()
