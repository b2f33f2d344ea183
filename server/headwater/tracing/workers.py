"""Pages analysed in worker processes, under a time budget (issue 20).

The analysis of a page (`Attributor.attribute_page`: spaCy and the rules) is CPU-bound
Python: run in the server's own process it holds the GIL, and under the one pipeline's
lock (`nlp.NLP_LOCK`) a second reader's trace waits until the first is done. A 460 KB
live blog held the server for minutes. `AnalysisPool` runs each analysis in one of a
few worker processes instead, each with its own pipeline loaded once (the Attributor's
own loader), so the server's threads only wait on a pipe while it runs, and a short page
is analysed by another worker while a long one is.

`AnalysisPool` has the interface the Tracer and the Follower call on an Attributor,
`attribute_page(page, url)`; the app factory (web/app.py) makes one from
settings.AnalysisSettings. The CLI keeps analysing in its own process (`attribute`
below), under the same budget by a timer signal.

The budget: a page whose analysis runs longer than `AnalysisSettings.seconds` raises
`TooComplex` (HTTP 422 "too_complex"), and the process analysing it is killed (no
cooperation asked of the analysis code: it may be anywhere in spaCy's C) and a fresh one
started in its place, so the pool keeps its size. The Tracer stores nothing of a page
whose analysis failed (its fetch is marked failed in the log).

Processes: each worker is a fresh interpreter (`python -m headwater.tracing.workers`,
started by subprocess: fork and exec at once, as multiprocessing's "spawn" does), never a
bare fork of the server's process, which runs Granian's threads and the Rust runtime's (a
fork copies locks other threads hold). Not multiprocessing itself: its "spawn" re-imports
the parent's __main__ in the child (the `headwater` script, `python -m headwater.cli`),
which is no business of an analysis worker. Parent and worker talk over a socket pair as
a multiprocessing Connection (pickled messages). Workers start when first needed (loading
the model takes a few seconds, outside the budget) and stop with the pool (`close()`, also
at interpreter exit); should their parent end without closing it (Granian's worker process
exits through os._exit, or is killed outright), each worker notices its parent is gone (a
watcher thread) and exits. Ctrl-C at the terminal reaches the whole process group: workers
ignore it and leave the shutdown to their parent.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection

from headwater.attribution.nlp import NLP_LOCK
from headwater.errors import TooComplex
from headwater.settings import AnalysisSettings

START_SECONDS = 300.0  # a worker's start (loading spaCy) gets this long before it is given up on
STOP_SECONDS = 5.0  # a worker asked to stop gets this long before it is killed
PARENT_CHECK_SECONDS = 0.5
_PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # holds headwater/


class WorkerFailed(RuntimeError):
    """A worker process died or could not start (an internal error, not the page's fault)."""


def attribute(attributor, page, url: str, seconds: float | None = None) -> list:
    """`attributor.attribute_page(page, url)` as the Tracer and the Follower call it.

    A pool runs it in a worker process under its own budget. An Attributor in this process
    runs it under the pipeline's lock (one spaCy pipeline is shared by threads) and, in the
    main thread (the CLI), under the budget `seconds` (None: AnalysisSettings from the
    environment) by a timer signal; other threads have no signal, and so no budget.
    """
    if isinstance(attributor, AnalysisPool):
        return attributor.attribute_page(page, url)
    if seconds is None:
        seconds = AnalysisSettings.from_env().seconds
    with NLP_LOCK, _alarm(seconds):
        return attributor.attribute_page(page, url)


@contextlib.contextmanager
def _alarm(seconds: float):
    """TooComplex raised in this (main) thread once `seconds` have passed, if a timer can be had."""
    usable = (
        seconds
        and seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # nobody else's timer running
        and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.SIG_IGN, None)
    )
    if not usable:
        yield
        return

    def over_budget(signum, frame):
        raise TooComplex(seconds)

    previous = signal.signal(signal.SIGALRM, over_budget)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)  # one shot: at most one TooComplex
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        signal.signal(signal.SIGALRM, previous)


class AnalysisPool:
    """`attribute_page(page, url)` run in one of `workers` processes, within `seconds`.

    Thread-safe: each call has a worker to itself; with all of them busy, a call waits for
    one (that wait is not part of the budget, which counts the analysis alone).
    """

    def __init__(self, workers: int = 2, seconds: float = 60.0, *, start_seconds: float = START_SECONDS):
        if workers < 1:
            raise ValueError("an AnalysisPool needs at least one worker")
        self.size, self.seconds, self.start_seconds = workers, seconds, start_seconds
        self._cond = threading.Condition()
        self._idle: list[_Worker] = []
        self._all: set[_Worker] = set()
        self._starting = 0  # workers being started by a caller (counted against the size)
        self._closed = False
        self._atexit = False

    @classmethod
    def from_settings(cls, settings: AnalysisSettings) -> AnalysisPool:
        return cls(settings.workers, settings.seconds)

    # -- the Attributor's interface ----------------------------------------------------------

    def attribute_page(self, page, url: str) -> list:
        worker = self._checkout()
        healthy = False
        try:
            worker.wait_ready(self.start_seconds)
            try:
                worker.conn.send((page, url))
                if self.seconds and self.seconds > 0 and not worker.conn.poll(self.seconds):
                    raise TooComplex(self.seconds)
                kind, value = worker.conn.recv()
            except (EOFError, OSError):
                raise WorkerFailed(f"The analysis worker process stopped (exit code {worker.exitcode()}).") from None
            healthy = True
        finally:
            if healthy:
                self._checkin(worker)
            else:
                self._replace(worker)
        if kind == "error":
            raise value
        return value

    # -- the pool ------------------------------------------------------------------------------

    def pids(self) -> list[int]:
        """The worker processes' ids, started or starting (for tests and the curious)."""
        with self._cond:
            return [w.process.pid for w in self._all]

    def close(self) -> None:
        """Stop every worker: the idle ones asked to, the busy ones killed (their callers
        get WorkerFailed). Later calls raise WorkerFailed."""
        with self._cond:
            self._closed = True
            workers, self._idle, self._all = list(self._all), [], set()
            self._cond.notify_all()
        for worker in workers:
            worker.stop()

    def _checkout(self) -> _Worker:
        with self._cond:
            while True:
                if self._closed:
                    raise WorkerFailed("The analysis pool is closed.")
                for worker in [w for w in self._idle if w.process.poll() is not None]:
                    self._idle.remove(worker)  # died idle (killed from outside, out of memory): replaced
                    self._all.discard(worker)
                    worker.kill()
                if self._idle:
                    ready = [w for w in self._idle if w.is_ready()]
                    worker = (ready or self._idle)[-1]
                    self._idle.remove(worker)
                    return worker
                if len(self._all) + self._starting < self.size:
                    self._starting += 1
                    break
                self._cond.wait()
        return self._start(busy=True)

    def _start(self, *, busy: bool) -> _Worker:
        """A new worker (its slot already counted in _starting): handed to the caller if busy, else idle."""
        try:
            worker = _Worker()
        except BaseException:
            with self._cond:
                self._starting -= 1
                self._cond.notify()
            raise
        with self._cond:
            self._starting -= 1
            self._all.add(worker)
            if not self._atexit:
                atexit.register(self.close)
                self._atexit = True
            closed = self._closed
            if not busy and not closed:
                self._idle.append(worker)
                self._cond.notify()
        if closed:
            worker.stop()
            raise WorkerFailed("The analysis pool is closed.")
        return worker

    def _checkin(self, worker: _Worker) -> None:
        with self._cond:
            if not self._closed:
                self._idle.append(worker)
                self._cond.notify()
                return
        worker.stop()

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker that overran its budget or failed, and start another in its place."""
        worker.kill()
        with self._cond:
            self._all.discard(worker)
            if self._closed:
                return
            self._starting += 1
        try:
            self._start(busy=False)
        except Exception:
            pass  # the next caller starts one (or fails with the reason)


class _Worker:
    """One worker process (a fresh interpreter running this module) and the parent's end of
    its socket, a multiprocessing Connection (pickled messages)."""

    def __init__(self):
        ours, theirs = socket.socketpair()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_ROOT, env.get("PYTHONPATH")) if p)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "headwater.tracing.workers", str(theirs.fileno()), str(os.getpid())],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                env=env,
                close_fds=True,
            )
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        self.conn = Connection(ours.detach())
        self.ready = False

    def is_ready(self) -> bool:
        return self.ready or self.conn.poll(0)

    def wait_ready(self, seconds: float) -> None:
        if self.ready:
            return
        try:
            if not self.conn.poll(seconds):
                raise WorkerFailed(f"The analysis worker process did not start within {seconds:g} seconds.")
            kind, detail = self.conn.recv()
        except (EOFError, OSError):
            raise WorkerFailed(
                f"The analysis worker process stopped as it started (exit code {self.exitcode()})."
            ) from None
        if kind != "ready":
            raise WorkerFailed(f"The analysis worker process could not start: {detail}")
        self.ready = True

    def exitcode(self):
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(1)
        return self.process.returncode

    def stop(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.conn.send(None)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(STOP_SECONDS)
        self.kill()

    def kill(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(OSError):
                self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(STOP_SECONDS)
        with contextlib.suppress(OSError):
            self.conn.close()


# -- in the worker process ---------------------------------------------------------------------


def serve(conn, parent_pid: int) -> None:
    """A worker's life: load the pipeline (the Attributor's loader), say "ready", then
    answer (page, url) with ("ok", attributions) or ("error", exception) until told None."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the parent stops us
    _exit_with(parent_pid)
    try:
        from headwater.attribution.attributor import Attributor

        attributor = Attributor()
    except BaseException as error:  # a missing model: the parent reports it
        conn.send(("failed", f"{type(error).__name__}: {error}"))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        page, url = job
        try:
            answer = ("ok", attributor.attribute_page(page, url))
        except Exception as error:
            answer = ("error", error)
        try:
            conn.send(answer)
        except (EOFError, OSError):
            return
        except Exception:  # an exception that does not pickle: its class's name goes instead
            conn.send(("error", RuntimeError(type(answer[1]).__name__)))


def _exit_with(parent_pid: int) -> None:
    """Exit when the parent is gone (killed outright: no chance for it to stop us)."""

    def watch():
        while os.getppid() == parent_pid:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="headwater-parent-watch", daemon=True).start()


def _main(argv: list[str]) -> None:
    """`python -m headwater.tracing.workers FD PARENT_PID`: a worker, on the socket FD."""
    fd, parent_pid = int(argv[0]), int(argv[1])
    serve(Connection(fd), parent_pid)


if __name__ == "__main__":
    _main(sys.argv[1:])
