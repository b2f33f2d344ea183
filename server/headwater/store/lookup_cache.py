"""The answers of the read routes, kept in memory and never stale (issue 7).

`GET /api/provenance?url=` and `GET /api/traces/<id>` rebuild a trace from eight
tables and encode it as JSON: about 2 ms of SQL and encoding on a fresh
connection. The extension asks for the same pages again and again, so the API
keeps, per store file:

- the rendered answer (the exact bytes of the JSON body) of a trace, by trace id;
- which trace a URL names (`store.latest_trace_id`), by URL; "none" is kept too.

Never stale: the cache is emptied as soon as anything commits to the store, from
this process or another (a trace saved by `headwater trace`, `headwater forget`,
a follow writing its progress). The authority is SQLite's `PRAGMA data_version`,
which changes on a connection whenever *another* connection has committed since
its last call. The cache asks it on a connection of its own, the watcher, that
never writes: so every commit, this process's own writes included, is another
connection's commit to it.

Asking it on every lookup, though, is a call into SQLite that lets go of the GIL,
and under 32 concurrent clients each such hand-over queues the request behind
the other threads (bench/lookups.py: half the throughput). So a lookup first
compares the WAL-index header, the first 96 bytes of the store's `-shm` file
(mapped read-only; https://sqlite.org/walformat.html), with its bytes at the
last full check: every commit in WAL mode rewrites it (its change counter and
frame count), so while it has not moved nothing has been committed, and the
lookup is a memory comparison. When it moves, or at least every
RECHECK_SECONDS, the full check runs: the file (a store deleted and made again
at the same path is thus noticed within RECHECK_SECONDS), then data_version. The
-shm file is only read while the watcher holds it open (SQLite does not shrink it
then). A store not in WAL mode has no -shm file: every lookup makes the full check.

Every answer computed from the store is tagged with the version read *before*
it was computed, and is kept only if the version has not moved since: a commit
racing with a lookup can make the cache throw away a good answer, never keep
a stale one.

Bounded: answers by total size (`max_bytes`, least recently used go first), URLs by
count. `HEADWATER_ANSWER_CACHE_MIB=0` turns the cache off (ServerSettings).
"""

from __future__ import annotations

import mmap
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

MISSING = object()
HEADER_BYTES = 96  # the WAL-index header: two copies of 48 bytes at the start of the -shm file
RECHECK_SECONDS = 0.25  # the full check at least this often, even when the header has not moved


class LookupCache:
    def __init__(self, path: str, *, max_bytes: int = 32 * 1024 * 1024, max_urls: int = 50_000):
        self.path = str(path)
        self.max_bytes, self.max_urls = max_bytes, max_urls
        # off for an in-memory store (each connection is a store of its own) or when asked to
        self.enabled = max_bytes > 0 and max_urls > 0 and self.path != ":memory:"
        self._lock = threading.Lock()
        self._watcher: sqlite3.Connection | None = None
        self._file: tuple | None = None  # (st_dev, st_ino) of the file the watcher has open
        self._shm: mmap.mmap | None = None  # the first bytes of its -shm file, read-only
        self._shm_file: tuple | None = None
        self._header: bytes | None = None  # the WAL-index header at the last full check
        self._recheck_at = 0.0
        self._version: tuple | None = None  # (file, data_version) the cached answers belong to
        self._answers: OrderedDict[int, bytes] = OrderedDict()
        self._bytes = 0
        self._urls: OrderedDict[str, int | None] = OrderedDict()
        self.hits = self.misses = self.clears = 0

    # -- the version ---------------------------------------------------------------------

    def version(self) -> tuple | None:
        """The store's version now, emptying the cache if it moved; None: nothing can be cached now."""
        if not self.enabled:
            return None
        shm = self._shm
        if shm is not None and time.monotonic() < self._recheck_at:
            try:
                if shm[:HEADER_BYTES] == self._header:  # nothing committed since the last full check
                    return self._version
            except ValueError:  # unmapped by another thread meanwhile
                pass
        return self._check()

    def _check(self) -> tuple | None:
        """The full check: the file, then PRAGMA data_version on the watcher."""
        with self._lock:
            try:
                stat = os.stat(self.path)
                file = (stat.st_dev, stat.st_ino)
                if file != self._file or self._watcher is None:
                    self._open_watcher(file)
                header = self._shm_header()  # read before the version it stands for
                # fetchall(): run the statement to its end, so that no read transaction stays open
                current = (file, self._watcher.execute("PRAGMA data_version").fetchall()[0][0])
            except (OSError, sqlite3.Error, ValueError):
                self._close_watcher()
                self._clear(None)
                return None
            if current != self._version:
                self._clear(current)
            self._header = header  # last: the fast path trusts _version once it matches
            self._recheck_at = time.monotonic() + RECHECK_SECONDS
            return current

    def _shm_header(self) -> bytes | None:
        """The WAL-index header now, mapping the -shm file first if it is not yet (or is another file)."""
        shm_path = self.path + "-shm"
        try:
            stat = os.stat(shm_path)
        except OSError:  # not in WAL mode: every lookup makes the full check
            self._unmap()
            return None
        if self._shm is None or self._shm_file != (stat.st_dev, stat.st_ino):
            self._unmap()
            with open(shm_path, "rb") as f:
                self._shm = mmap.mmap(f.fileno(), HEADER_BYTES, access=mmap.ACCESS_READ)
                self._shm_file = (stat.st_dev, stat.st_ino)
        return self._shm[:HEADER_BYTES]

    def _unmap(self) -> None:
        if self._shm is not None:
            shm, self._shm, self._header = self._shm, None, None
            shm.close()

    def _open_watcher(self, file: tuple) -> None:
        self._close_watcher()
        # Only ever used for PRAGMA data_version: it must never write (see the module's docstring).
        self._watcher = sqlite3.connect(self.path, check_same_thread=False, timeout=30, isolation_level=None)
        self._watcher.execute("PRAGMA data_version").fetchall()  # opens the WAL and its -shm
        self._file = file

    def _close_watcher(self) -> None:
        self._unmap()  # first: the -shm may only be read while the watcher holds it open
        if self._watcher is not None:
            self._watcher.close()
        self._watcher, self._file = None, None

    def close(self) -> None:
        with self._lock:
            self._close_watcher()
            self._clear(None)

    def _clear_all(self, version) -> None:
        with self._lock:
            self._clear(version)

    def _clear(self, version) -> None:  # under the lock
        if self._answers or self._urls:
            self.clears += 1
        self._answers.clear()
        self._urls.clear()
        self._bytes = 0
        self._version = version

    # -- lookups -------------------------------------------------------------------------

    def trace_id(self, url: str, find: Callable[[], int | None], version=MISSING) -> int | None:
        """The id of the newest trace of `url` (None if never traced); `find()` asks the store."""
        if version is MISSING:
            version = self.version()
        with self._lock:
            found = self._urls.get(url, MISSING)
            if found is not MISSING:
                self._urls.move_to_end(url)
                return found
        found = find()
        with self._lock:
            if version is not None and version == self._version:
                self._urls[url] = found
                if len(self._urls) > self.max_urls:
                    self._urls.popitem(last=False)
        return found

    def answer(self, trace_id: int, render: Callable[[], bytes | None], version=MISSING) -> bytes | None:
        """The JSON body of trace `trace_id` (None if there is none); `render()` builds it from the store."""
        if version is MISSING:
            version = self.version()
        with self._lock:
            body = self._answers.get(trace_id)
            if body is not None:
                self._answers.move_to_end(trace_id)
                self.hits += 1
                return body
            self.misses += 1
        body = render()
        if body is None or len(body) > self.max_bytes:
            return body
        with self._lock:
            if version is not None and version == self._version and trace_id not in self._answers:
                self._answers[trace_id] = body
                self._bytes += len(body)
                while self._bytes > self.max_bytes:
                    _, dropped = self._answers.popitem(last=False)
                    self._bytes -= len(dropped)
        return body

    def stats(self) -> dict:
        with self._lock:
            return {
                "answers": len(self._answers),
                "bytes": self._bytes,
                "urls": len(self._urls),
                "hits": self.hits,
                "misses": self.misses,
                "clears": self.clears,
            }
