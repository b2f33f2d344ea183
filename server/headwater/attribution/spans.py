"""Offset lookups over spans of the text that cost a bisection, not a scan of the page:
`Spans` for disjoint spans in text order (paragraphs, sentences, direct quotes), `Covering`
for spans that may overlap (the contents of attributions), `Taken` for whether a span
overlaps any taken so far, `Log` for things seen at an offset as the reading goes (the
antecedents of pronouns)."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

T = TypeVar("T")


class Spans:
    """Disjoint (start, end) spans in text order, looked up by offset with a bisection."""

    def __init__(self, spans: Iterable[tuple[int, int]]):
        self.spans = list(spans)
        self._starts = [s for s, _ in self.spans]

    def __iter__(self):
        return iter(self.spans)

    def __len__(self):
        return len(self.spans)

    def index_at(self, offset: int) -> int | None:
        """The index of the span holding `offset`, if any."""
        i = bisect.bisect_right(self._starts, offset) - 1
        return i if i >= 0 and offset < self.spans[i][1] else None

    def at(self, offset: int) -> tuple[int, int] | None:
        """The span holding `offset`, if any."""
        i = self.index_at(offset)
        return None if i is None else self.spans[i]

    def first_from(self, offset: int) -> int:
        """The index of the first span starting at or after `offset`."""
        return bisect.bisect_left(self._starts, offset)


class Covering:
    """Spans that may overlap or nest, each with a rank: the spans holding an offset, best
    (lowest) rank first. One sweep over the span bounds cuts the text into pieces, each
    with the spans open over it, so a lookup is a bisection. Sized by the pieces times
    how deeply the spans nest (a few: contents inside contents), not by the page squared."""

    def __init__(self, spans: Iterable[tuple[int, int, object]]):
        """`spans`: (start, end, rank), the ranks comparable; an empty span holds nothing."""
        spans = sorted(((s, e, r) for s, e, r in spans if s < e), key=lambda x: x[0])
        bounds = sorted({b for s, e, _ in spans for b in (s, e)})
        self._starts: list[int] = []
        self._open: list[tuple] = []
        open_spans: list[tuple[object, int]] = []  # (rank, end), sorted by rank
        k = 0
        for at in bounds:
            if any(end <= at for _, end in open_spans):
                open_spans = [o for o in open_spans if o[1] > at]
            while k < len(spans) and spans[k][0] <= at:
                bisect.insort(open_spans, (spans[k][2], spans[k][1]), key=lambda o: o[0])
                k += 1
            self._starts.append(at)
            self._open.append(tuple(rank for rank, _ in open_spans))

    def ranks_at(self, offset: int) -> tuple:
        """The ranks of the spans holding `offset`, best first."""
        i = bisect.bisect_right(self._starts, offset) - 1
        return self._open[i] if i >= 0 else ()

    def rank_at(self, offset: int):
        """The best rank holding `offset`, or None."""
        ranks = self.ranks_at(offset)
        return ranks[0] if ranks else None


class Log(Generic[T]):
    """Things seen at an offset, in the order a reader meets them: kept sorted by `key`
    (stably, a settled group after the ones before it), except those added since the last
    `settle()`, which stay in the order they came, after the rest. `last_before(offset,
    accept)` walks them backwards, the unsettled first, as a scan of that list from its end
    would, but starts from a bisection."""

    def __init__(self, key: Callable[[T], object], offset: Callable[[T], int]):
        self._key, self._offset = key, offset
        self._settled: list[T] = []
        self._pending: list[T] = []

    def add(self, item: T):
        self._pending.append(item)

    def settle(self):
        for item in sorted(self._pending, key=self._key):
            if not self._settled or self._key(self._settled[-1]) <= self._key(item):
                self._settled.append(item)
            else:
                bisect.insort_right(self._settled, item, key=self._key)
        self._pending = []

    def last_before(self, offset: int, accept: Callable[[T], bool] = lambda item: True) -> T | None:
        for item in reversed(self._pending):
            if self._offset(item) < offset and accept(item):
                return item
        i = bisect.bisect_left(self._settled, offset, key=self._offset)
        for j in range(i - 1, -1, -1):
            if accept(self._settled[j]):
                return self._settled[j]
        return None


class Taken:
    """Spans taken so far: does a span overlap any of them? Two sorted lists, of starts and
    of ends: of n spans, those overlapping (a, b) are those starting before b less those
    ending at or before a (which all start before b too)."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()):
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._empty: dict[int, int] = {}  # empty spans by offset: the count misses them for an empty (a, a)
        for span in spans:
            self.add(span)

    def add(self, span: tuple[int, int]):
        start, end = span
        for values, value in ((self._starts, start), (self._ends, end)):
            if not values or values[-1] <= value:
                values.append(value)  # spans mostly come in text order
            else:
                bisect.insort(values, value)
        if start == end:
            self._empty[start] = self._empty.get(start, 0) + 1

    def overlaps(self, span: tuple[int, int]) -> bool:
        """Whether a taken span (s, e) overlaps it: s < b and a < e."""
        a, b = span
        count = bisect.bisect_left(self._starts, b) - bisect.bisect_right(self._ends, a)
        if a == b:
            count += self._empty.get(a, 0)
        return count > 0
