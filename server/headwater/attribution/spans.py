"""Offset lookups over spans of the text that cost a bisection, not a scan of the page:
`Spans` for disjoint spans in text order (paragraphs, sentences, direct quotes), `Covering`
for spans that may overlap (the contents of attributions), `Log` for things seen at an
offset as the reading goes (the antecedents of pronouns)."""

from __future__ import annotations

import bisect
import heapq
from typing import Callable, Generic, Iterable, TypeVar

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
    """For spans that may overlap or nest, each with a rank: the lowest-ranked span holding
    an offset. Built by one sweep over the span bounds (a heap of the open spans), so a
    lookup is a bisection over the pieces the bounds cut the text into."""

    def __init__(self, spans: Iterable[tuple[int, int, int]]):
        """`spans`: (start, end, rank); an empty span holds nothing."""
        spans = sorted((s, e, r) for s, e, r in spans if s < e)
        bounds = sorted({b for s, e, _ in spans for b in (s, e)})
        self._starts: list[int] = []
        self._ranks: list[int | None] = []
        heap: list[tuple[int, int]] = []     # (rank, end) of the spans open at the sweep
        k = 0
        for at in bounds:
            while k < len(spans) and spans[k][0] <= at:
                heapq.heappush(heap, (spans[k][2], spans[k][1]))
                k += 1
            while heap and heap[0][1] <= at:
                heapq.heappop(heap)     # a span that ended (ranks below it are checked as they surface)
            self._starts.append(at)
            self._ranks.append(heap[0][0] if heap else None)

    def rank_at(self, offset: int) -> int | None:
        i = bisect.bisect_right(self._starts, offset) - 1
        return self._ranks[i] if i >= 0 else None


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
