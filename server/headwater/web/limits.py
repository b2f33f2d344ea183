"""How much one client may ask of the backend: requests per minute, and traces running at once.

Both answer 429 with a sentence saying which limit was hit and a Retry-After
header. In memory, per server process (Headwater runs as one process), so a
restart forgets the counts; no dependency needed for something this small.

A "client" is the remote address plus the Origin header: on loopback every
caller has the same address, and the Origin tells the extension apart from a
script (which sends none). This is a guard against runaway loops and floods,
not against someone who already holds the token.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from contextlib import contextmanager

from headwater.errors import HeadwaterError

WINDOW = 60.0  # seconds: the limits are per minute
MAX_CLIENTS = 10_000  # forget idle clients beyond this many, so the table cannot grow without end


class TooManyRequests(HeadwaterError):
    code = "rate_limited"
    status = 429

    def __init__(self, message: str, *, retry_after: int, code: str | None = None):
        super().__init__(message, code=code)
        self.retry_after = max(1, int(retry_after))
        self.headers = {"Retry-After": str(self.retry_after)}


class RateLimiter:
    """A sliding window: at most `limit` requests by one client in any 60 seconds."""

    def __init__(self, limit: int, what: str, setting: str):
        self.limit = limit
        self.what = what  # "requests", "traces": for the message
        self.setting = setting  # the environment variable that raises it
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, client: str) -> None:
        """Count one request by `client`, or raise TooManyRequests if it is over the limit."""
        if self.limit <= 0:  # 0 turns the limit off
            return
        now = time.monotonic()
        with self._lock:
            times = self._seen.setdefault(client, deque())
            while times and times[0] <= now - WINDOW:
                times.popleft()
            if len(times) >= self.limit:
                wait = math.ceil(times[0] + WINDOW - now)
                raise TooManyRequests(
                    f"Too many {self.what}: at most {self.limit} a minute from one client "
                    f"({self.setting}). Try again in {wait} s.",
                    retry_after=wait,
                )
            times.append(now)
            if len(self._seen) > MAX_CLIENTS:
                self._forget_idle(now)

    def _forget_idle(self, now: float) -> None:
        for client in [c for c, t in self._seen.items() if not t or t[-1] <= now - WINDOW]:
            del self._seen[client]


class TraceSlots:
    """At most `size` traces at once (each holds fetches, a parse and the NLP pipeline),
    a trace that goes on following its sources in the background included.

    A trace over the cap is refused at once rather than queued: a queued request
    would hold one of the server's few threads and stall quick lookups behind it.
    """

    RETRY_AFTER = 2  # seconds: a one-page trace takes about a second

    def __init__(self, size: int):
        self.size = size
        self._slots = threading.BoundedSemaphore(size) if size > 0 else None

    @contextmanager
    def slot(self):
        """The slot of one trace, freed when the `with` ends unless its `hand_over()` was called."""
        if self._slots is None:  # 0 turns the cap off
            yield Slot(lambda: None)
            return
        if not self._slots.acquire(blocking=False):
            raise TooManyRequests(
                f"Headwater is already running {self.size} traces, its limit "
                f"(HEADWATER_MAX_CONCURRENT_TRACES). Try again in a few seconds.",
                retry_after=self.RETRY_AFTER,
                code="too_many_traces",
            )
        held = Slot(self._slots.release)
        try:
            yield held
        finally:
            if not held.handed_over:
                held.release()


class Slot:
    """One trace's place under the cap. A trace that outlives its request (a follow in the
    background) takes it along with `hand_over()` and frees it with `release()` when done."""

    def __init__(self, release):
        self._release = release
        self._lock = threading.Lock()
        self.handed_over = False
        self.released = False

    def hand_over(self) -> None:
        self.handed_over = True

    def release(self) -> None:
        with self._lock:  # once only: a BoundedSemaphore released twice raises
            if self.released:
                return
            self.released = True
        self._release()
