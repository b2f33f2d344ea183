"""Text reuse: find, in a cited page, the passage a citing page relies on.

`find(citing_text, start, end, cited_text)` looks for citing_text[start:end] in
cited_text and says how it was reused:

- "quoted": most of the passage's word 3-grams (shingles) occur, in one region
  of the cited page: copied word for word, give or take a few words;
- "paraphrase": fewer shingles, but most of the passage's content words occur
  close together (one to a few sentences): light rewording, the same claim;
- "not_found": neither; the cited page does not carry the claim.

Words are compared folded (case, accents, curly quotes, a plural "s"), so
"Iran’s officials" and "Iran's official" agree; the offsets returned point
into the texts as given.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from headwater.records import Span

SHINGLE = 3
QUOTED = 0.8  # share of the passage's shingles found in one region of the cited text
PARAPHRASE_SHINGLES = 0.3
PARAPHRASE_WORDS = 0.55  # share of the passage's content words found in one window of sentences
MIN_CONTENT_WORDS = 3  # a shorter passage cannot be told apart from chance

_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’')\]]*\s+|\n\n+")
# Function words and reporting verbs: they say nothing about which claim this is.
STOPWORDS = frozenset(
    """
a about above after again against all also am an and any are as at be because been before being below between
both but by can could did do does doing down during each few for from further had has have having he her here
hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off
on once only or other our ours out over own same she should so some such than that the their theirs them then
there these they this those through to too under until up very was we were what when where which while who whom
why will with would you your yours said say says told tell tells according reported report reports mr mrs ms
dr s t u us
""".split()
)


@dataclass(frozen=True)
class Token:
    norm: str
    start: int
    end: int


@dataclass
class Match:
    verdict: str  # "quoted" | "paraphrase" | "not_found"
    score: float  # 0..1: how much of the passage the cited span carries
    citing: Span  # the passage, in the citing text
    cited: Span | None  # where it is in the cited text; None when not found

    def to_dict(self) -> dict:
        return {
            "verdict": self.verdict,
            "score": round(self.score, 3),
            "citing": vars(self.citing).copy(),
            "cited": vars(self.cited).copy() if self.cited else None,
        }


RANK = {"quoted": 2, "paraphrase": 1, "not_found": 0}


def best(matches: list[Match]) -> Match | None:
    """The strongest of several matches: a verbatim copy beats a paraphrase beats nothing."""
    return max(matches, key=lambda m: (RANK[m.verdict], m.score), default=None)


def fold(word: str) -> str:
    word = unicodedata.normalize("NFKD", word.casefold())
    word = "".join(ch for ch in word if not unicodedata.combining(ch))
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]  # "officials" and "official" are the same word here
    return word


def tokens(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    end = len(text) if end is None else end
    return [Token(fold(m.group()), m.start(), m.end()) for m in _WORD.finditer(text, start, end)]


def sentences(text: str) -> list[tuple[int, int]]:
    """[start, end) of each sentence (and each paragraph) of text."""
    spans, at = [], 0
    for m in _SENTENCE_END.finditer(text):
        if text[at : m.start()].strip():
            spans.append((at, m.start()))
        at = m.end()
    if text[at:].strip():
        spans.append((at, len(text)))
    return spans


def sentence_at(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence(s) holding text[start:end]."""
    spans = [s for s in sentences(text) if s[0] < max(end, start + 1) and s[1] > start]
    return (spans[0][0], spans[-1][1]) if spans else (start, end)


def find(citing_text: str, start: int, end: int, cited_text: str) -> Match:
    passage = tokens(citing_text, start, end)
    citing = Span.of(citing_text, start, end)
    content = {t.norm for t in passage if t.norm not in STOPWORDS and not t.norm.isdigit()}
    if len(content) < MIN_CONTENT_WORDS:
        return Match("not_found", 0.0, citing, None)
    cited = tokens(cited_text)

    share, region = _shingle_region(passage, cited)
    if share >= QUOTED:
        return Match("quoted", share, citing, Span.of(cited_text, *region))
    words, window = _word_window(content, len(passage), cited_text)
    if share >= PARAPHRASE_SHINGLES and region:
        return Match("paraphrase", max(share, words), citing, Span.of(cited_text, *region))
    if words >= PARAPHRASE_WORDS and window:
        return Match("paraphrase", words, citing, Span.of(cited_text, *window))
    return Match("not_found", max(share, words), citing, None)


def _shingles(toks: list[Token]) -> list[tuple[str, ...]]:
    return [tuple(t.norm for t in toks[i : i + SHINGLE]) for i in range(len(toks) - SHINGLE + 1)]


def _shingle_region(passage: list[Token], cited: list[Token]) -> tuple[float, tuple[int, int] | None]:
    """The share of the passage's shingles found in the densest region of the cited text, and that region."""
    wanted = _shingles(passage)
    if not wanted:
        return 0.0, None
    where: dict[tuple, list[int]] = {}
    for j, shingle in enumerate(_shingles(cited)):
        where.setdefault(shingle, []).append(j)
    hits = sorted((j, i) for i, shingle in enumerate(wanted) for j in where.get(shingle, ()))
    if not hits:
        return 0.0, None
    # Slide a window about as long as the passage (plus slack for inserted words) over the hits.
    span = int(len(passage) * 1.5) + SHINGLE
    best_count, best_range, lo = 0, None, 0
    for hi in range(len(hits)):
        while hits[hi][0] - hits[lo][0] > span:
            lo += 1
        count = len({i for _, i in hits[lo : hi + 1]})
        if count > best_count:
            best_count, best_range = count, (hits[lo][0], hits[hi][0] + SHINGLE - 1)
    # Keep the hits on the main diagonal (cited position - passage position) of that region:
    # a stray shingle ("Iran's leadership") a paragraph earlier must not stretch the span.
    inside = [(j, i) for j, i in hits if best_range[0] <= j <= best_range[1] - SHINGLE + 1]
    offsets = sorted(j - i for j, i in inside)
    middle = offsets[len(offsets) // 2]
    slack = len(passage) // 10 + SHINGLE
    kept = [(j, i) for j, i in inside if abs(j - i - middle) <= slack]
    first, last = min(j for j, _ in kept), max(j for j, _ in kept) + SHINGLE - 1
    return len({i for _, i in kept}) / len(wanted), (cited[first].start, cited[last].end)


def _word_window(content: set[str], length: int, cited_text: str) -> tuple[float, tuple[int, int] | None]:
    """The best run of consecutive sentences (no longer than twice the passage) by content words shared."""
    spans = sentences(cited_text)
    words = [{t.norm for t in tokens(cited_text, s, e)} for s, e in spans]
    sizes = [len(tokens(cited_text, s, e)) for s, e in spans]
    best_share, best_span = 0.0, None
    for i in range(len(spans)):
        seen: set[str] = set()
        size = 0
        for k in range(i, len(spans)):
            size += sizes[k]
            if k > i and size > 2 * length + 10:
                break
            seen |= words[k]
            share = len(content & seen) / len(content)
            if share > best_share + 1e-9:
                best_share, best_span = share, (spans[i][0], spans[k][1])
    return best_share, best_span
