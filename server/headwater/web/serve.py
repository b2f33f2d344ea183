"""`headwater serve`: the API under Granian, the production server.

Granian (a Rust HTTP server) reads and writes the sockets; the Flask app runs in
BLOCKING_THREADS Python threads of one worker process, which Granian's main process
starts and supervises. Why Granian and not waitress (issue 7, bench/lookups.py, 32
keep-alive clients on a 2-core machine): waitress does its HTTP parsing and socket
work in Python, under the same GIL as the app, and served cached lookups at about
1,100-1,700 req/s with p99 60-150 ms; under Granian the same app served them at
about 2,800-3,000 req/s with p99 18-20 ms (README, "Performance").

One worker process, not several: the API keeps state per process that must be one
(the limit on progress streams and on concurrent traces, the rate limiter, the
background follows). Request bodies are not buffered by Granian: Flask's
MAX_CONTENT_LENGTH refuses an oversized one (413) as it reads it.
"""

from __future__ import annotations

import ctypes
import functools
import os
import signal
import socket
import sys

from headwater.errors import HeadwaterError
from headwater.settings import BLOCKING_THREADS

# The GIL is handed between the app's threads every SWITCH_INTERVAL seconds at most
# (Python's default is 0.005). A lookup takes about 0.1 ms of Python: with the default,
# one waits up to 5 ms per thread ahead of it, which set the p99 latency under load.
SWITCH_INTERVAL = 0.0005
SHUTDOWN_SECONDS = 5  # on Ctrl-C, requests still running (a trace, a progress stream) get this long
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def run(config: dict, host: str, port: int) -> None:
    """Serve the app made by `create_app(config)` on host:port until interrupted (check_port_free first)."""
    from granian.constants import Interfaces
    from granian.log import LogLevels
    from granian.server import Server

    server = Server(
        "headwater.web.serve:worker_app",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=1,
        blocking_threads=BLOCKING_THREADS,
        log_level=LogLevels.error,
        workers_kill_timeout=SHUTDOWN_SECONDS,
    )
    server.serve(target_loader=functools.partial(worker_app, config, os.getpid()), wrap_loader=False)


def check_port_free(host: str, port: int) -> None:
    """Granian binds with SO_REUSEPORT, so a second server on a port in use would start and
    silently share it. Bind it once here without that option: in use is an error."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.bind((host, port))
    except OSError as error:
        raise HeadwaterError(
            f"Cannot listen on {host}:{port}: {error.strerror or error}. "
            "Is another server running there? Choose another with --port."
        ) from None


def worker_app(config: dict, parent_pid: int):
    """The app, made in Granian's worker process (a module-level function: it may be pickled)."""
    _exit_with_parent(parent_pid)
    sys.setswitchinterval(SWITCH_INTERVAL)
    from headwater.web.app import create_app

    return create_app(config)


def _exit_with_parent(parent_pid: int) -> None:
    """Let the kernel kill this worker when Granian's main process dies. Without it, a main
    process killed outright (SIGKILL, the OOM killer) leaves the worker serving the port on
    its own, and a restarted server could not bind it. Linux only; elsewhere a no-op."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent_pid:  # the parent died before the line above
        os._exit(1)
