"""Every limit and default in one place (the trafilatura habit).

Values can be overridden by environment variables (HEADWATER_*) or, in the app,
by Flask config keys of the same name without the prefix.
"""

import os
from dataclasses import dataclass

from headwater import __version__

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
DEFAULT_DB = "provenance.db"
BLOCKING_THREADS = 8  # Python threads running the app (web/serve.py): requests served at once


def default_db_path() -> str:
    return os.environ.get("HEADWATER_DB", DEFAULT_DB)


@dataclass(frozen=True)
class FetchSettings:
    connect_timeout: float = 5.0  # seconds to open the connection
    read_timeout: float = 15.0  # seconds between bytes
    total_timeout: float = 30.0  # seconds for the whole download
    max_bytes: int = 5 * 1024 * 1024  # size cap, counted while streaming
    max_redirects: int = 5
    user_agent: str = f"Headwater/{__version__} (+https://github.com/headwater; provenance tracer)"
    accepted_types: tuple[str, ...] = ("text/html", "application/xhtml+xml")
    allowed_ports: tuple[int, ...] = (80, 443)  # other ports only with HEADWATER_ALLOW_PRIVATE=1

    @classmethod
    def from_env(cls) -> "FetchSettings":
        return _from_env(
            cls,
            {
                "connect_timeout": "HEADWATER_CONNECT_TIMEOUT",
                "read_timeout": "HEADWATER_READ_TIMEOUT",
                "total_timeout": "HEADWATER_TOTAL_TIMEOUT",
                "max_bytes": "HEADWATER_MAX_BYTES",
                "max_redirects": "HEADWATER_MAX_REDIRECTS",
                "allowed_ports": "HEADWATER_ALLOWED_PORTS",
            },
            allowed_ports=_ports,
        )


def _from_env(cls, variables: dict[str, str], **readers):
    """cls() with each field that has its environment variable set read from it.

    A value is read as its default's type (int, float, str) unless a reader for
    that field is given: reader(value, default).
    """
    defaults, values = cls(), {}
    for name, variable in variables.items():
        raw = os.environ.get(variable)
        if raw is None:
            continue
        default = getattr(defaults, name)
        values[name] = readers[name](raw, default) if name in readers else type(default)(raw)
    return cls(**values)


def _ports(value: str | None, default: tuple[int, ...]) -> tuple[int, ...]:
    """Read "80,443,8080" as (80, 443, 8080)."""
    if not value:
        return default
    return tuple(int(port) for port in value.replace(" ", "").split(",") if port)


@dataclass(frozen=True)
class FollowSettings:
    """Limits of a multi-hop trace (following cited pages upstream); see follow.py.

    Environment: HEADWATER_FOLLOW_DEPTH, _PAGES, _SECONDS, _WORKERS, _PER_HOST,
    _DELAY, HEADWATER_CACHE_TTL, HEADWATER_WAYBACK_API, HEADWATER_NEWS_INDEX_API.
    """

    depth: int = 3  # hops away from the traced page
    max_pages: int = 25  # pages fetched in one trace, the traced page included
    time_budget: float = 60.0  # seconds of wall clock for the whole follow
    workers: int = 8  # fetches in flight at once
    per_host: int = 2  # of which at most this many to one host
    politeness_delay: float = 1.0  # seconds between two requests to one host
    cache_ttl: float = 3600.0  # a page fetched this recently is reused from the store
    respect_robots: bool = True
    wayback_api: str = "https://archive.org/wayback/available"
    news_index_api: str = "https://api.gdeltproject.org/api/v2/doc/doc"  # GDELT DOC 2.0 API
    news_index_days: int = 7  # search this many days before the citing page's date

    @classmethod
    def from_env(cls) -> "FollowSettings":
        return _from_env(
            cls,
            {
                "depth": "HEADWATER_FOLLOW_DEPTH",
                "max_pages": "HEADWATER_FOLLOW_PAGES",
                "time_budget": "HEADWATER_FOLLOW_SECONDS",
                "workers": "HEADWATER_FOLLOW_WORKERS",
                "per_host": "HEADWATER_FOLLOW_PER_HOST",
                "politeness_delay": "HEADWATER_FOLLOW_DELAY",
                "cache_ttl": "HEADWATER_CACHE_TTL",
                "wayback_api": "HEADWATER_WAYBACK_API",
                "news_index_api": "HEADWATER_NEWS_INDEX_API",
            },
        )


@dataclass(frozen=True)
class AnalysisSettings:
    """Where and for how long a page's analysis (attribution: spaCy and the rules) runs;
    see tracing/workers.py.

    The server analyses pages in a pool of `workers` processes, so a long page cannot hold
    up another reader's short one; `headwater trace` analyses in its own process. A page
    whose analysis takes longer than `seconds` is stopped (its worker process killed and
    replaced) and refused: error "too_complex" (HTTP 422). 0 seconds: no budget. The CLI
    keeps it by a timer signal, in its main thread; a server with 0 workers analyses in its
    request threads, which no signal reaches: it has no budget.

    Environment: HEADWATER_ANALYSIS_SECONDS, HEADWATER_ANALYSIS_WORKERS.
    In the app, the Flask config key ANALYSIS_SETTINGS replaces the whole object.
    """

    seconds: float = 60.0  # budget of one page's analysis, in seconds of wall clock
    workers: int = 2  # analysis processes of the server; 0: in the server's own process

    @classmethod
    def from_env(cls) -> "AnalysisSettings":
        return _from_env(cls, {"seconds": "HEADWATER_ANALYSIS_SECONDS", "workers": "HEADWATER_ANALYSIS_WORKERS"})


@dataclass(frozen=True)
class ServerSettings:
    """Who may talk to the HTTP API, and how much (see auth.py, security.py, limits.py).

    Environment: HEADWATER_ALLOWED_ORIGINS, HEADWATER_ALLOWED_HOSTS,
    HEADWATER_RATE_LIMIT, HEADWATER_TRACE_RATE_LIMIT, HEADWATER_MAX_CONCURRENT_TRACES,
    HEADWATER_ANSWER_CACHE_MIB.
    In the app, the Flask config key SERVER_SETTINGS replaces the whole object.
    """

    # Browser origins allowed to call the API. Extension ids differ per install
    # (and Firefox makes a random one per profile), so any extension is allowed
    # by default; a web page (https://...) never is. A "*" matches any id.
    allowed_origins: tuple[str, ...] = ("chrome-extension://*", "moz-extension://*")
    # Host header names accepted besides loopback's (127.0.0.1, localhost, [::1]) and the bound host.
    allowed_hosts: tuple[str, ...] = ()
    requests_per_minute: int = 600  # every route, per client
    traces_per_minute: int = 60  # POST /api/traces, per client
    max_concurrent_traces: int = 4  # traces running at once, all clients together
    answer_cache_mib: int = 32  # rendered answers kept in memory (lookup_cache.py); 0: none

    @classmethod
    def from_env(cls) -> "ServerSettings":
        return _from_env(
            cls,
            {
                "allowed_origins": "HEADWATER_ALLOWED_ORIGINS",
                "allowed_hosts": "HEADWATER_ALLOWED_HOSTS",
                "requests_per_minute": "HEADWATER_RATE_LIMIT",
                "traces_per_minute": "HEADWATER_TRACE_RATE_LIMIT",
                "max_concurrent_traces": "HEADWATER_MAX_CONCURRENT_TRACES",
                "answer_cache_mib": "HEADWATER_ANSWER_CACHE_MIB",
            },
            allowed_origins=_words,
            allowed_hosts=_words,
        )


def _words(value: str | None, default: tuple[str, ...]) -> tuple[str, ...]:
    """Read "a, b c" as ("a", "b", "c"); unset means the default, an empty string means none."""
    if value is None:
        return default
    return tuple(word for word in value.replace(",", " ").split() if word)
