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
repeats. The scales take turns within a repeat (noise hits all alike).

Target: ms/KB at 16x <= 1.3x ms/KB at 1x (linear growth, with room for noise). For
information, the same scales of a synthetic live blog whose every paragraph is a short
quote ("Update 7: ...," said Li Wei.), the page of issue 20, cut the same way. The
pipeline is loaded once, and the 1x documents analysed once untimed, before any timing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from analysis import corpus_pages  # noqa: E402
from benchkit import Row, check, emit, median, ratio, say  # noqa: E402

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


def documents(texts: list[str], size: int, total: int) -> list[str]:
    """total // size documents, each of consecutive texts joined until it holds at least
    `size` characters (the run of texts wraps round if the corpus is shorter)."""
    docs, current, length, i = [], [], 0, 0
    while len(docs) < max(1, total // size):
        text = texts[i % len(texts)]
        i += 1
        current.append(text)
        length += len(text) + 2
        if length >= size:
            docs.append("\n\n".join(current))
            current, length = [], 0
    return docs


def measure(groups: int, repeats: int) -> dict:
    from headwater.attribution.rules import Attributor

    say("growth: extracting the corpus articles")
    texts = article_texts()
    middle = int(median(len(t) for t in texts))
    total = groups * SCALES[-1] * middle
    by_scale = {s: documents(texts, s * middle, total) for s in SCALES}
    started = time.perf_counter()
    attributor = Attributor()
    load = time.perf_counter() - started
    for doc in by_scale[1]:   # warm-up, untimed: lazy imports, and the memos (lemmas, rules) of this text
        attributor.attribute(doc)
    live = {s: documents(live_blog(total), s * middle, total) for s in SCALES}
    say(f"growth: {len(texts)} articles, median {middle} characters; "
        f"{total // 1000} KB of text per scale, {repeats} repeats")
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
                say(f"growth: repeat {rep + 1}/{repeats}, {kind} {s}x: {len(docs[s])} documents, "
                    f"{seconds:.1f} s, {per_kb[kind, s][-1]:.2f} ms/KB")
    return {"per_kb": {key: median(v) for key, v in per_kb.items()}, "middle": middle, "articles": len(texts),
            "docs": {s: len(d) for s, d in by_scale.items()},
            "doc_kb": {s: median(len(x.encode("utf-8")) / 1024 for x in d) for s, d in by_scale.items()},
            "load": load}


def run(quick: bool = False, groups: int | None = None, repeats: int | None = None) -> tuple[list[Row], list[str]]:
    groups = groups or (1 if quick else 2)
    repeats = repeats or (1 if quick else 2)
    m = measure(groups, repeats)
    rows = []
    for kind in ("corpus", "live"):
        base = m["per_kb"][kind, 1]
        for s in SCALES:
            value = m["per_kb"][kind, s]
            r = ratio(value, base)
            if kind == "corpus":
                label = f"analysis per KB, corpus articles joined, {s}x the median ({m['doc_kb'][s]:.0f} KB)"
            else:
                label = f"  live blog of short quotes (synthetic), {s}x"
            baseline = f"1x {base:.2f} ms/KB" if s != 1 else ""
            if kind == "corpus" and s == SCALES[-1]:
                rows.append(Row(BENCH, label, value, "ms/KB", baseline, r, TARGET, check(r, TARGET)))
            else:
                rows.append(Row(BENCH, label, value, "ms/KB", baseline, r if s != 1 else None))
    notes = [f"growth: {m['articles']} corpus articles, median text {m['middle']} characters; documents per scale "
             + ", ".join(f"{s}x: {m['docs'][s]}" for s in SCALES)
             + f"; {repeats} repeats; pipeline load {m['load']:.1f} s (not in the times)."]
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
