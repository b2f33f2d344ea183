"""PolNeAR gold spans (brat standoff) and the span scorer of the attribution benchmark.

Reading the corpus
------------------
A split directory holds ``text/NAME.txt`` and ``attributions/NAME_ANNOTATOR.ann``.
Of the annotator files of an article, the first in sorted order is used.
Texts are read as UTF-8 with no newline translation; brat offsets are character
offsets into that text.

In an ``.ann`` file, ``T`` lines are spans, ``Tn<TAB>Type start end[;start end...]<TAB>text``
(the text may run over several lines; only the offsets are used). Types are
``Source``, ``Cue``, ``Content``, ``Attribution`` (the event trigger, a copy of the
cue), ``Attribution-no-source``, ``Discard`` and ``Discuss``. ``E`` lines tie one
attribution together: ``En<TAB>Attribution:T4 Content:T3 Cue:T2 Source:T1``; an
argument role may carry a number (``Content2:T9``). Other lines (``#`` notes) are
ignored.

The gold spans of a role are the ``Source`` / ``Cue`` / ``Content`` spans that some
``E`` line references (about 20 unreferenced ``T`` spans in the corpus are
annotation debris). A span shared by several attributions, e.g. one source with
two quotes, is one gold span. Predicted spans are deduplicated the same way.

Spans and matchings
-------------------
A span is a set of character positions: a discontinuous gold span
(``315 448;463 553``) is the union of its fragments, not their hull. Only its
non-space characters count. Three matchings between a gold span g and a
predicted span p:

- overlap: g and p share a non-space character.
- begin:   the first non-space character of g (in document order, whatever the
  order of the fragments in the file) is the first non-space character of p.
- exact:   after trimming whitespace and punctuation (Unicode category P*,
  quotes included) from both ends of each span, the non-space characters of g
  and p are the same positions. A span that is all punctuation (the cue ``:``
  or ``―`` of a colon- or dash-introduced quote) is not trimmed.

A span with no non-space character matches nothing.

Counting
--------
Per article and role, gold and predicted spans are matched one-to-one by a
maximum bipartite matching (augmenting paths), so two predictions on one gold
span count once and the matching is never worse than a greedy one. Matched
pairs are pooled per role over all articles:
precision = matched / predicted, recall = matched / gold, F1 their harmonic mean
(0 when both are 0).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ROLES = ("source", "cue", "content")
MATCHINGS = ("overlap", "begin", "exact")

Fragments = tuple[tuple[int, int], ...]  # sorted (start, end) pairs, end exclusive

_T_LINE = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)(?:\t|$)")
_E_LINE = re.compile(r"^E\d+\t(.*)$")
_ROLE_OF_TYPE = {"Source": "source", "Cue": "cue", "Content": "content"}


# -- reading ---------------------------------------------------------------


def parse_ann(ann: str) -> dict[str, list[Fragments]]:
    """Gold spans per role from the text of one .ann file (rules in the module docstring)."""
    spans: dict[str, tuple[str, Fragments]] = {}
    referenced: list[str] = []
    for line in ann.splitlines():
        if m := _T_LINE.match(line):
            tid, typ, offsets = m.groups()
            frags = tuple(sorted(tuple(map(int, f.split())) for f in offsets.split(";")))
            spans[tid] = (typ, frags)
        elif m := _E_LINE.match(line):
            for arg in m.group(1).split():
                _, _, tid = arg.partition(":")
                referenced.append(tid)
    gold: dict[str, list[Fragments]] = {role: [] for role in ROLES}
    for tid in dict.fromkeys(referenced):  # first-reference order, no repeats
        typ, frags = spans.get(tid, ("", ()))
        role = _ROLE_OF_TYPE.get(typ)
        if role and frags not in gold[role]:
            gold[role].append(frags)
    return gold


@dataclass
class Article:
    name: str
    text_path: Path
    text: str
    gold: dict[str, list[Fragments]]


def article_files(split_dir: Path) -> list[tuple[str, Path, Path]]:
    """(name, text file, first annotator's .ann file) for each article, sorted by name."""
    texts = {p.stem: p for p in (split_dir / "text").glob("*.txt")}
    anns: dict[str, Path] = {}
    for ann in sorted((split_dir / "attributions").glob("*.ann")):
        name = ann.stem.rsplit("_", 1)[0]
        anns.setdefault(name, ann)
    return [(name, texts[name], anns[name]) for name in sorted(texts) if name in anns]


def load_split(split_dir: Path, limit: int | None = None) -> list[Article]:
    files = article_files(split_dir)[:limit]
    return [Article(name, txt, read_text(txt), parse_ann(ann.read_text(encoding="utf-8"))) for name, txt, ann in files]


def read_text(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def predicted_spans(attributions: list[dict]) -> dict[str, list[Fragments]]:
    """Spans per role from the `attributions` list of one `headwater analyze --jsonl` line."""
    pred: dict[str, list[Fragments]] = {role: [] for role in ROLES}
    for a in attributions:
        for role, span in (
            ("source", (a.get("source") or {}).get("mention")),
            ("cue", a.get("cue")),
            ("content", a.get("content")),
        ):
            if span:
                frags = ((span["start"], span["end"]),)
                if frags not in pred[role]:
                    pred[role].append(frags)
    return pred


# -- matching --------------------------------------------------------------


def _is_trimmable(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch).startswith("P")


@dataclass(frozen=True)
class _Span:
    chars: frozenset[int]  # non-space positions
    first: int | None  # first non-space position
    core: tuple[int, ...]  # non-space positions left after trimming the edges

    @classmethod
    def of(cls, text: str, frags: Fragments) -> _Span:
        positions = sorted({i for s, e in frags for i in range(max(s, 0), min(e, len(text)))})
        nonspace = [i for i in positions if not text[i].isspace()]
        lo, hi = 0, len(positions)
        while lo < hi and _is_trimmable(text[positions[lo]]):
            lo += 1
        while hi > lo and _is_trimmable(text[positions[hi - 1]]):
            hi -= 1
        core = tuple(i for i in positions[lo:hi] if not text[i].isspace()) or tuple(nonspace)
        return cls(frozenset(nonspace), nonspace[0] if nonspace else None, core)


def matches(matching: str, g: _Span, p: _Span) -> bool:
    if not g.chars or not p.chars:
        return False
    if matching == "overlap":
        return not g.chars.isdisjoint(p.chars)
    if matching == "begin":
        return g.first == p.first
    if matching == "exact":
        return g.core == p.core
    raise ValueError(f"unknown matching {matching!r}")


def max_matching(edges: list[list[int]], n_right: int) -> int:
    """Size of a maximum bipartite matching; edges[i] lists the right nodes left node i may take."""
    owner = [-1] * n_right

    def augment(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j not in seen:
                seen.add(j)
                if owner[j] == -1 or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    return sum(augment(i, set()) for i in range(len(edges)))


# -- scoring ---------------------------------------------------------------


@dataclass
class Counts:
    matched: int = 0
    gold: int = 0
    predicted: int = 0

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Score:
    """Pooled counts, keyed by (role, matching)."""

    counts: dict[tuple[str, str], Counts] = field(
        default_factory=lambda: {(r, m): Counts() for r in ROLES for m in MATCHINGS}
    )

    def add(self, text: str, gold: dict[str, list[Fragments]], pred: dict[str, list[Fragments]]) -> None:
        """Score one article and pool its counts."""
        for role in ROLES:
            g = [_Span.of(text, f) for f in gold.get(role, [])]
            p = [_Span.of(text, f) for f in pred.get(role, [])]
            for matching in MATCHINGS:
                edges = [[j for j, pj in enumerate(p) if matches(matching, gi, pj)] for gi in g]
                c = self.counts[role, matching]
                c.matched += max_matching(edges, len(p))
                c.gold += len(g)
                c.predicted += len(p)

    def __getitem__(self, key: tuple[str, str]) -> Counts:
        return self.counts[key]


def score(articles: list[tuple[str, dict, dict]]) -> Score:
    """Score (text, gold, predicted) triples, pooled."""
    s = Score()
    for text, gold, pred in articles:
        s.add(text, gold, pred)
    return s
