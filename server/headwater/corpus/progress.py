"""Progress on stderr for batch and corpus runs, and the default number of workers.

`Progress` counts items ("trace 3/5 URLs, 1.2/s, ~2 s left"): one line rewritten in
place on a terminal, a line every few seconds otherwise; `print()` puts a result
line above it without garbling it. `CorpusProgress` counts pages of a corpus run,
partition by partition ("corpus 3/10 partitions, 1234 pages, 41.2 pages/s, ~12 s left").
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import TextIO


def default_workers() -> int:
    """Every core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class Progress:
    """`label done/total unit, rate/s, ~N s left` on stderr (nothing with show=False, but print() still prints)."""

    def __init__(
        self,
        total: int,
        label: str = "analyze",
        unit: str = "files",
        stream: TextIO | None = None,
        every: float = 2.0,
        show: bool = True,
    ):
        self.total, self.label, self.unit, self.show = total, label, unit, show
        self.stream = stream or sys.stderr
        self.tty = getattr(self.stream, "isatty", lambda: False)()
        self.every = 0.1 if self.tty else every
        self.started = self.last = time.monotonic()
        self.done = 0
        self.drawn = False  # the line is on the terminal, without its newline yet
        if self.tty and total:
            self._draw()  # "0/N" at once: the workers take a few seconds to load the pipeline

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = self.done / elapsed
        text = f"{self.label} {self.done}/{self.total} {self.unit}, {rate:.1f}/s"
        if 0 < self.done < self.total and rate > 0:
            text += f", ~{(self.total - self.done) / rate:.0f} s left"
        return text

    def step(self, n: int = 1):
        self.done += n
        now = time.monotonic()
        if self.done >= self.total or now - self.last >= self.every:
            self.last = now
            self._draw()

    def _draw(self):
        if not self.show:
            return
        finished = self.done >= self.total
        self.stream.write(("\r\033[K" if self.tty else "") + self.line() + ("\n" if finished or not self.tty else ""))
        self.stream.flush()
        self.drawn = self.tty and not finished

    def print(self, text: str, file: TextIO | None = None):
        """Print a line (to stdout by default) above the progress line drawn in place."""
        if self.drawn:
            self.stream.write("\r\033[K")  # off the line, then drawn again below what was printed
            self.stream.flush()
        print(text, file=file or sys.stdout, flush=True)
        if self.drawn:
            self._draw()


class CorpusProgress(Progress):
    """Partitions done out of the total, the pages analysed so far (the workers report them while a
    partition runs: `partial`), pages/s and the time left."""

    def __init__(self, total: int, stream: TextIO | None = None, every: float = 2.0, show: bool = True):
        self.partitions: dict[str, int] = {}  # partition -> pages so far (final once it is done)
        self.finished: set[str] = set()
        self.fractions: dict[str, float] = {}  # partition still running -> how far through it (0..1)
        self.lock = threading.Lock()
        super().__init__(total, "corpus", "partitions", stream=stream, every=every, show=show)

    @property
    def pages(self) -> int:
        return sum(self.partitions.values())

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        text = (
            f"{self.label} {self.done}/{self.total} {self.unit}, {self.pages} pages, {self.pages / elapsed:.1f} pages/s"
        )
        through = self.done + sum(self.fractions.values())  # partitions' worth of work done
        if 0 < through and self.done < self.total:
            text += f", ~{(self.total - through) * elapsed / through:.0f} s left"
        return text

    def partial(self, partition: str, pages: int, fraction: float = 0.0):
        """A worker's report from a partition still running (called from the client's event thread)."""
        with self.lock:
            if partition in self.finished:  # a late report: the final count is in
                return
            self.partitions[partition] = pages
            self.fractions[partition] = fraction
            now = time.monotonic()
            if now - self.last >= self.every and self.done < self.total:
                self.last = now
                self._draw()

    def add(self, pages: int, partition: str | None = None):
        """A partition done, with its pages (replacing what its reports said)."""
        with self.lock:
            partition = partition or f"#{len(self.partitions)}"
            self.finished.add(partition)
            self.fractions.pop(partition, None)
            self.partitions[partition] = pages
            self.step()
