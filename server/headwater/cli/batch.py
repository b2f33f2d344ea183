"""Batch jobs on every core: a pool of worker processes, each loading the pipeline once.

    from headwater.cli.batch import analyze_files
    for result in analyze_files(paths, workers=None, progress=True):   # None: every core
        print(result.file, len(result.attributions or []), result.error)

    for result in trace_urls(urls, "provenance.db", workers=None, progress=True):
        print(result.trace_id, result.url, result.sources, result.error)

Results come back in input order, whatever order the workers finish in. A file
that cannot be read (or whose analysis fails) gives a result with `error` set and
the batch goes on, as `headwater analyze` does; likewise a URL that cannot be
traced (`headwater trace --from`): each worker traces its URLs with one Tracer
(the single-URL code path) into the same SQLite store, which several processes
may write at once (WAL, BEGIN IMMEDIATE, a 30 s busy timeout: store.open_db).
Progress ("analyze 120/800 files, 14.2/s, ~53 s left") goes to stderr, on one
line rewritten in place when stderr is a terminal and every few seconds otherwise;
`Progress.print()` puts a result or an error line above it without garbling it.

`parallel_map(fn, items, init=...)` is the general form: `init` runs once in each
worker (load the pipeline, open the store), and `fn(item)` then runs in that
worker, with what `init` set up kept in module globals of the caller's module.
Both must be importable top-level functions, or functools.partial of one (the
pool starts workers with "spawn", which re-imports them). Workers ignore Ctrl-C:
the parent stops the pool, so an interrupt ends the batch without a traceback
per worker (a transaction cut short is rolled back by SQLite).
With `workers=1` everything runs in this process, without a pool.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TextIO


def default_workers() -> int:
    """Every core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class Progress:
    """`label done/total unit, rate/s, ~N s left` on stderr (nothing with show=False, but print() still prints)."""

    def __init__(self, total: int, label: str = "analyze", unit: str = "files", stream: TextIO | None = None,
                 every: float = 2.0, show: bool = True):
        self.total, self.label, self.unit, self.show = total, label, unit, show
        self.stream = stream or sys.stderr
        self.tty = getattr(self.stream, "isatty", lambda: False)()
        self.every = 0.1 if self.tty else every
        self.started = self.last = time.monotonic()
        self.done = 0
        self.drawn = False   # the line is on the terminal, without its newline yet
        if self.tty and total:
            self._draw()     # "0/N" at once: the workers take a few seconds to load the pipeline

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
            self.stream.write("\r\033[K")   # off the line, then drawn again below what was printed
            self.stream.flush()
        print(text, file=file or sys.stdout, flush=True)
        if self.drawn:
            self._draw()


def parallel_map(fn: Callable[[Any], Any], items: Iterable, *, init: Callable[[], None] | None = None,
                 workers: int | None = None, progress: Progress | None = None, chunksize: int = 1) -> Iterator:
    """fn(item) for every item, in input order, over `workers` processes (default: every core)."""
    items = list(items)
    workers = min(workers or default_workers(), max(1, len(items)))
    if workers == 1:
        if init:
            init()
        results = map(fn, items)
    else:
        context = multiprocessing.get_context("spawn")  # no fork of a process that may hold threads or a model
        pool = context.Pool(workers, initializer=_start_worker, initargs=(init,))
        results = pool.imap(fn, items, chunksize=chunksize)
    try:
        for result in results:
            yield result
            if progress:   # counted once the caller has it: the last line comes after the last result
                progress.step()
    finally:
        if workers > 1:
            pool.terminate()   # done, or interrupted: no worker outlives the batch


def _start_worker(init: Callable[[], None] | None):
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is the parent's to handle
    if init:
        init()


# -- headwater analyze ----------------------------------------------------------------


@dataclass
class FileResult:
    file: str
    attributions: list[dict] | None   # the JSON contract's attribution objects; None on error
    error: str | None = None


_attributor = None


def _load_pipeline():
    global _attributor
    from headwater.attribution.attributor import Attributor

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


# -- headwater trace --from ---------------------------------------------------------------


@dataclass
class TraceResult:
    url: str                             # as listed
    trace_id: int | None = None          # None on error
    final_url: str | None = None
    title: str | None = None
    sources: int = 0                     # distinct sources the page attributes to
    primary_sources: list[str] = field(default_factory=list)
    pages: int | None = None             # with follow: the pages read, this one included
    error_code: str | None = None        # errors.py's codes ("http_error", "invalid_url"...); "error" for a bug
    error: str | None = None

    def to_dict(self) -> dict:
        """One JSON line of `headwater trace --from FILE --json`."""
        if self.error:
            return {"url": self.url, "id": None, "error": {"code": self.error_code, "message": self.error}}
        line = {"url": self.url, "id": self.trace_id, "final_url": self.final_url, "title": self.title,
                "sources": self.sources, "primary_sources": self.primary_sources}
        if self.pages is not None:
            line["pages"] = self.pages
        return line | {"error": None}


_tracer = None
_follow = None


def _open_tracer(db_path: str, follow=None, hosts_folder: str | None = None):
    global _tracer, _follow
    from headwater.attribution.attributor import Attributor
    from headwater.fetch.client import Fetcher
    from headwater.tracing.follower import data_fetcher
    from headwater.fetch.politeness import Manners, SharedHostGate
    from headwater.settings import FollowSettings
    from headwater.store import open_db
    from headwater.tracing.tracer import Tracer

    settings = follow or FollowSettings.from_env()
    fetcher = Fetcher()
    manners = None
    if hosts_folder:   # the batch's crawl: one gate for all workers, robots.txt read once per worker
        gate = SharedHostGate(hosts_folder, settings.per_host, settings.politeness_delay)
        manners = Manners.of(settings, data_fetcher(fetcher), gate=gate)
    _tracer = Tracer(open_db(db_path), fetcher=fetcher, attributor=Attributor(), manners=manners, polite_root=True)
    _follow = follow


def trace_url(url: str) -> TraceResult:
    """Trace one URL with this process's Tracer into its store; a failure is the result's error."""
    from headwater.errors import HeadwaterError

    try:
        trace = _tracer.trace(url, follow=_follow)
    except HeadwaterError as error:   # bad URL, fetch failed, no text: logged as a failed fetch, no trace rows
        return TraceResult(url, error_code=error.code, error=error.message)
    except Exception as error:  # one bad page must not end a batch of thousands
        return TraceResult(url, error_code="error", error=f"trace failed: {error!r}")
    sources = {(a["source"]["name"], a["source"]["kind"]) for a in trace["attributions"]}
    follow = trace.get("follow")
    pages = sum(d["status"] == "traced" for d in follow["documents"]) if follow else None
    return TraceResult(url, trace["id"], trace["final_url"], trace["title"], len(sources),
                       [p["name"] for p in trace["primary_sources"]], pages)


def trace_urls(urls: Iterable[str], db_path: str | Path, *, follow=None, workers: int | None = None,
               progress: bool | Progress = False) -> Iterator[TraceResult]:
    """Trace many URLs into one store on every core (`follow`: FollowSettings); results in input order.

    A batch is a crawl: the workers fetch through one SharedHostGate, at most `per_host`
    requests to a host at a time, `politeness_delay` seconds apart (`follow`'s settings,
    else FollowSettings.from_env(): HEADWATER_FOLLOW_PER_HOST, HEADWATER_FOLLOW_DELAY),
    and a listed page its site's robots.txt disallows is an error ("blocked"), not fetched."""
    from headwater.store import open_db

    urls = list(urls)
    open_db(db_path).close()   # schema, migrations and WAL here, once, before the workers open the store
    if progress is True:
        progress = Progress(len(urls), "trace", "URLs")
    with tempfile.TemporaryDirectory(prefix="headwater-hosts-") as hosts_folder:
        yield from parallel_map(trace_url, urls, init=partial(_open_tracer, str(db_path), follow, hosts_folder),
                                workers=workers, progress=progress or None)
