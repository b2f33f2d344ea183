"""Crawling manners for a multi-hop trace: robots.txt and per-host limits.

A reader's own page is fetched like a browser would (see trace.py); the pages
Headwater then follows on its own are a crawl, so they obey the site's
robots.txt (parsed by protego), at most `per_host` requests to one host at a
time, and a pause of `delay` seconds between two requests to the same host.

`Manners` holds both, and is shared by every crawl that should share them: the
server's traces all follow through one (so four traces following into the same
site still send it at most `per_host` requests at a time, and its robots.txt is
read once a day, not once a trace). A batch (`headwater trace --from`, corpus mode)
gives each host's URLs to one worker (headwater.corpus), so one gate per worker holds
the limits without a lock shared between machines.
"""

from __future__ import annotations

import queue
import threading
import time
from contextlib import contextmanager
from urllib.parse import urlsplit

from protego import Protego

from headwater.fetch.client import Fetcher
from headwater.urls import host_and_port


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
            with self._lock:  # book the next start time for this host, then wait for ours outside the lock
                start = max(time.monotonic(), self._next_start.get(host, 0.0))
                self._next_start[host] = start + self.delay
            pause = start - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            yield
        finally:
            semaphore.release()


USER_AGENT = "Headwater"  # the name robots.txt rules are read for
ROBOTS_TTL = 24 * 3600  # seconds a robots.txt is trusted: RFC 9309 asks for no more than 24 hours
RETRY_SECONDS = 300  # a robots.txt that failed (5xx) or did not answer is asked for again after this


class Robots:
    """robots.txt of each site, fetched when a site is first asked about and again once
    `ttl` has passed (the first request to a site waits for it)."""

    def __init__(
        self,
        fetcher: Fetcher,
        gate: HostGate,
        user_agent: str = USER_AGENT,
        *,
        ttl: float = ROBOTS_TTL,
        clock=time.monotonic,
    ):
        self.fetcher, self.gate, self.user_agent = fetcher, gate, user_agent
        self.ttl, self.clock = ttl, clock
        self._lock = threading.Lock()
        self._site_locks: dict[str, threading.Lock] = {}
        # site -> (when to read it again, rules); rules None: no usable robots.txt, everything allowed
        self._rules: dict[str, tuple[float, Protego | None]] = {}
        self._fetches: queue.SimpleQueue = queue.SimpleQueue()  # robots.txt FetchResults not yet logged

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            site_lock = self._site_locks.setdefault(site, threading.Lock())
        with site_lock:
            known = self._rules.get(site)
            if known is None or self.clock() >= known[0]:
                rules, keep = self._load(site)
                self._rules[site] = known = (self.clock() + keep, rules)
        rules = known[1]
        return rules is None or rules.can_fetch(url, self.user_agent)

    def take_fetches(self) -> list:
        """The robots.txt fetches made since the last call, for the caller's fetch log (whichever
        crawl sharing these rules asks first writes them)."""
        taken = []
        while True:
            try:
                taken.append(self._fetches.get_nowait())
            except queue.Empty:
                return taken

    def _load(self, site: str) -> tuple[Protego | None, float]:
        """The site's rules, and for how many seconds to keep them."""
        with self.gate.slot(host_and_port(site)):
            result = self.fetcher.fetch(site + "/robots.txt")
        self._fetches.put(result)
        # RFC 9309: a missing robots.txt (4xx) allows everything, a failing one (5xx) disallows
        # everything. A site that does not answer at all is left to the page fetch, whose
        # error ("could not connect") is the one to report. Those two are passing states:
        # asked again after RETRY_SECONDS, not after a day.
        if result.ok:
            return Protego.parse(result.body.decode("utf-8", "replace")), self.ttl
        retry = min(self.ttl, RETRY_SECONDS)
        if result.status and result.status >= 500:
            return Protego.parse("User-agent: *\nDisallow: /\n"), retry
        return None, (self.ttl if result.status else retry)


class Manners:
    """A crawl's manners toward the sites it reads: the per-host limits (`gate`: a HostGate,
    or a batch's SharedHostGate) and, when robots.txt is obeyed, its rules (`robots`, None
    when not). One object for every crawl that should share them (see the module's doc)."""

    def __init__(self, gate: HostGate, robots: Robots | None):
        self.gate, self.robots = gate, robots

    @classmethod
    def of(cls, settings, robots_fetcher: Fetcher, gate: HostGate | None = None) -> Manners:
        """The manners `settings` (a FollowSettings) ask for; robots.txt is read with `robots_fetcher`."""
        gate = gate or HostGate(settings.per_host, settings.politeness_delay)
        return cls(gate, Robots(robots_fetcher, gate) if settings.respect_robots else None)
