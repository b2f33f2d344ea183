"""Batch jobs on every core: a pool of worker processes, each loading the pipeline once.

    from headwater.batch import analyze_files
    for result in analyze_files(paths, workers=None, progress=True):   # None: every core
        print(result.file, len(result.attributions or []), result.error)

Results come back in input order, whatever order the workers finish in. A file
that cannot be read (or whose analysis fails) gives a result with `error` set and
the batch goes on, as `headwater analyze` does. Progress ("analyze 120/800 files,
14.2/s, ~53 s left") goes to stderr, on one line rewritten in place when stderr
is a terminal and every few seconds otherwise.

`parallel_map(fn, items, init=...)` is the general form, for the batch trace of
a URL list too: `init` runs once in each worker (load the pipeline, open the
store), and `fn(item)` then runs in that worker, with what `init` set up kept in
module globals of the caller's module. Both must be importable top-level
functions (the pool starts workers with "spawn", which re-imports them).
With `workers=1` everything runs in this process, without a pool.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO


def default_workers() -> int:
    """Every core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class Progress:
    """`label done/total unit, rate/s, ~N s left` on stderr."""

    def __init__(self, total: int, label: str = "analyze", unit: str = "files", stream: TextIO | None = None,
                 every: float = 2.0):
        self.total, self.label, self.unit = total, label, unit
        self.stream = stream or sys.stderr
        self.tty = getattr(self.stream, "isatty", lambda: False)()
        self.every = 0.1 if self.tty else every
        self.started = self.last = time.monotonic()
        self.done = 0

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
            end = "\n" if self.done >= self.total and self.tty else ("" if self.tty else "\n")
            self.stream.write(("\r" if self.tty else "") + self.line() + end)
            self.stream.flush()


def parallel_map(fn: Callable[[Any], Any], items: Iterable, *, init: Callable[[], None] | None = None,
                 workers: int | None = None, progress: Progress | None = None, chunksize: int = 1) -> Iterator:
    """fn(item) for every item, in input order, over `workers` processes (default: every core)."""
    items = list(items)
    workers = min(workers or default_workers(), max(1, len(items)))
    if workers == 1:
        if init:
            init()
        for item in items:
            result = fn(item)
            if progress:
                progress.step()
            yield result
        return
    context = multiprocessing.get_context("spawn")  # no fork of a process that may hold threads or a model
    with context.Pool(workers, initializer=init) as pool:
        for result in pool.imap(fn, items, chunksize=chunksize):
            if progress:
                progress.step()
            yield result


# -- headwater analyze ----------------------------------------------------------------


@dataclass
class FileResult:
    file: str
    attributions: list[dict] | None   # the JSON contract's attribution objects; None on error
    error: str | None = None


_attributor = None


def _load_pipeline():
    global _attributor
    from .attribute import Attributor

    _attributor = Attributor()


def analyze_file(path: str) -> FileResult:
    """Attribute one plain-text file with this process's pipeline (loaded on first use)."""
    if _attributor is None:
        _load_pipeline()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return FileResult(str(path), None, getattr(error, "strerror", None) or str(error))
    try:
        return FileResult(str(path), [a.to_dict() for a in _attributor.attribute(text)])
    except Exception as error:  # one bad file must not end a batch of thousands
        return FileResult(str(path), None, f"analysis failed: {error!r}")


def analyze_files(paths: Iterable[str | Path], *, workers: int | None = None,
                  progress: bool | Progress = False) -> Iterator[FileResult]:
    """`headwater analyze` over many files on every core; results in input order."""
    paths = [str(p) for p in paths]
    if progress is True:
        progress = Progress(len(paths), "analyze", "files")
    yield from parallel_map(analyze_file, paths, init=_load_pipeline, workers=workers,
                            progress=progress or None)
