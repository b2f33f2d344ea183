"""Crawling manners for a multi-hop trace: robots.txt and per-host limits.

A reader's own page is fetched like a browser would (see trace.py); the pages
Headwater then follows on its own are a crawl, so they obey the site's
robots.txt (parsed by protego), at most `per_host` requests to one host at a
time, and a pause of `delay` seconds between two requests to the same host.
A batch (`headwater trace --from`) is a crawl from its first page: its worker
processes share one `SharedHostGate`, so the limits hold for the batch as a whole,
and the listed pages obey robots.txt too.
"""

from __future__ import annotations

import hashlib
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from filelock import FileLock, Timeout
from protego import Protego

from .fetch import Fetcher


def host_of(url: str) -> str:
    """The politeness unit: host and port ("127.0.0.1:8001" and "127.0.0.1:8002" are two sites)."""
    return urlsplit(url).netloc.lower()


class HostGate:
    """At most `per_host` requests in flight to one host, `delay` seconds apart."""

    def __init__(self, per_host: int, delay: float):
        self.per_host, self.delay = max(1, per_host), max(0.0, delay)
        self._lock = threading.Lock()
        self._slots: dict[str, threading.Semaphore] = {}
        self._next_start: dict[str, float] = {}

    @contextmanager
    def slot(self, host: str):
        with self._lock:
            semaphore = self._slots.setdefault(host, threading.Semaphore(self.per_host))
        semaphore.acquire()
        try:
            with self._lock:   # book the next start time for this host, then wait for ours outside the lock
                start = max(time.monotonic(), self._next_start.get(host, 0.0))
                self._next_start[host] = start + self.delay
            pause = start - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            yield
        finally:
            semaphore.release()


class SharedHostGate:
    """HostGate's rules for several processes at once (the workers of one batch), kept in
    lock files in `folder`, which they share.

    A request to a host holds one of `per_host` lock files of that host while it runs;
    the next start time of the host is booked in a small file under a lock of its own.
    Lock files (filelock: flock on Unix) are let go by the system when a process dies,
    so a worker killed mid-fetch cannot block a host for the others.
    """

    POLL = 0.02   # seconds between two tries when every place at a host is taken

    def __init__(self, folder: str | Path, per_host: int, delay: float):
        self.folder = Path(folder)
        self.per_host, self.delay = max(1, per_host), max(0.0, delay)

    @contextmanager
    def slot(self, host: str):
        key = hashlib.sha256(host.encode()).hexdigest()[:24]   # a file name whatever the host's characters
        with self._place(key):
            with FileLock(self.folder / f"{key}.clock.lock"):   # wall-clock time: the same in every process
                booked = self.folder / f"{key}.next"
                try:
                    next_start = float(booked.read_text() or 0)
                except (OSError, ValueError):
                    next_start = 0.0
                start = max(time.time(), next_start)
                booked.write_text(repr(start + self.delay))
            # At most per_host bookings wait at once: a longer pause is a clock set back, not a queue.
            pause = min(start - time.time(), self.per_host * self.delay)
            if pause > 0:
                time.sleep(pause)
            yield

    @contextmanager
    def _place(self, key: str):
        """Hold one of the host's `per_host` lock files, waiting for one to be free."""
        places = [FileLock(self.folder / f"{key}.{i}.lock") for i in range(self.per_host)]
        while True:
            for place in places:
                try:
                    place.acquire(timeout=0)
                except Timeout:
                    continue
                try:
                    yield
                finally:
                    place.release()
                return
            time.sleep(self.POLL)


class Robots:
    """robots.txt of each site, fetched once per trace, or once per worker of a batch (the first
    request to a site waits for it)."""

    def __init__(self, fetcher: Fetcher, gate: HostGate, user_agent: str):
        self.fetcher, self.gate, self.user_agent = fetcher, gate, user_agent
        self._lock = threading.Lock()
        self._site_locks: dict[str, threading.Lock] = {}
        self._rules: dict[str, Protego | None] = {}   # None: no usable robots.txt, everything allowed
        self.fetches: list = []                        # FetchResults, for the fetch log

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            site_lock = self._site_locks.setdefault(site, threading.Lock())
        with site_lock:
            if site not in self._rules:
                self._rules[site] = self._load(site)
        rules = self._rules[site]
        return rules is None or rules.can_fetch(url, self.user_agent)

    def _load(self, site: str) -> Protego | None:
        with self.gate.slot(host_of(site)):
            result = self.fetcher.fetch(site + "/robots.txt")
        self.fetches.append(result)
        # RFC 9309: a missing robots.txt (4xx) allows everything, a failing one (5xx) disallows
        # everything. A site that does not answer at all is left to the page fetch, whose
        # error ("could not connect") is the one to report.
        if result.ok:
            return Protego.parse(result.body.decode("utf-8", "replace"))
        if result.status and result.status >= 500:
            return Protego.parse("User-agent: *\nDisallow: /\n")
        return None
