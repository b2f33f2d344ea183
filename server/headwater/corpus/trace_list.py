"""`headwater trace --from FILE` on the corpus engine: every URL traced into one SQLite store.

    for result in trace_urls(urls, "provenance.db", workers=None, progress=True):
        print(result.trace_id, result.url, result.sources, result.error)

The URLs are partitioned by host, as a corpus run's are (inputs.url_partitions): one
task traces a host's URLs one after the other, each with the single-URL code path
(Tracer.trace, with its robots.txt check and politeness pause for the page itself), into
the same store, which several worker processes may write at once (WAL, BEGIN IMMEDIATE,
a 30 s busy timeout: store.open_db). A host is never fetched by two workers at once,
and no lock files are shared. Results come back in input order; a URL that cannot be
traced gives a result with `error` set, and the batch goes on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from headwater.corpus.engine import as_done, cluster, ordered, submit
from headwater.corpus.inputs import Partition, url_partitions
from headwater.corpus.pipeline import worker_attributor
from headwater.corpus.progress import Progress
from headwater.corpus.tasks import RunConfig


@dataclass
class TraceResult:
    url: str  # as listed
    trace_id: int | None = None  # None on error
    final_url: str | None = None
    title: str | None = None
    sources: int = 0  # distinct sources the page attributes to
    primary_sources: list[str] = field(default_factory=list)
    pages: int | None = None  # with follow: the pages read, this one included
    error_code: str | None = None  # errors.py's codes ("http_error", "invalid_url"...); "error" for a bug
    error: str | None = None

    def to_dict(self) -> dict:
        """One JSON line of `headwater trace --from FILE --json`."""
        if self.error:
            return {"url": self.url, "id": None, "error": {"code": self.error_code, "message": self.error}}
        line = {
            "url": self.url,
            "id": self.trace_id,
            "final_url": self.final_url,
            "title": self.title,
            "sources": self.sources,
            "primary_sources": self.primary_sources,
        }
        if self.pages is not None:
            line["pages"] = self.pages
        return line | {"error": None}


def trace_partition(part: Partition, db_path: str, config: RunConfig) -> list[tuple[str, TraceResult]]:
    """Trace a partition's URLs in order with one Tracer into the store at `db_path`."""
    from headwater.fetch.client import Fetcher
    from headwater.fetch.politeness import HostGate, Manners
    from headwater.settings import FollowSettings
    from headwater.store import open_db
    from headwater.tracing.follower import data_fetcher
    from headwater.tracing.tracer import Tracer

    settings = config.follow or FollowSettings(
        politeness_delay=config.politeness_delay, respect_robots=config.respect_robots
    )
    fetcher = Fetcher(config.fetch, allow_private=config.allow_private)
    manners = Manners.of(settings, data_fetcher(fetcher), gate=HostGate(settings.per_host, settings.politeness_delay))
    db = open_db(db_path)
    tracer = Tracer(db, fetcher=fetcher, attributor=worker_attributor(), manners=manners, polite_root=True)
    try:
        return [(url, trace_url(tracer, url, config.follow)) for url in part.items]
    finally:
        db.close()
        fetcher.close()


def trace_url(tracer, url: str, follow) -> TraceResult:
    """Trace one URL; a failure is the result's error."""
    from headwater.errors import HeadwaterError

    try:
        trace = tracer.trace(url, follow=follow).to_dict()
    except HeadwaterError as error:  # bad URL, fetch failed, no text: logged as a failed fetch, no trace rows
        return TraceResult(url, error_code=error.code, error=error.message)
    except Exception as error:  # one bad page must not end a batch of thousands
        return TraceResult(url, error_code="error", error=f"trace failed: {error!r}")
    sources = {(a["source"]["name"], a["source"]["kind"]) for a in trace["attributions"]}
    followed = trace.get("follow")
    pages = sum(d["status"] == "traced" for d in followed["documents"]) if followed else None
    return TraceResult(
        url,
        trace["id"],
        trace["final_url"],
        trace["title"],
        len(sources),
        [p["name"] for p in trace["primary_sources"]],
        pages,
    )


def trace_urls(
    urls: Iterable[str],
    db_path: str | Path,
    *,
    follow=None,
    workers: int | None = None,
    progress: bool | Progress = False,
    client=None,
    say=None,
) -> Iterator[TraceResult]:
    """Trace many URLs into one store on a local cluster of `workers` processes (default: one per
    core; `client`: an engine client to use instead); results in input order.

    A host's listed pages are fetched one at a time, `politeness_delay` seconds apart
    (`follow`'s settings, else HEADWATER_FOLLOW_DELAY), and a page its site's robots.txt
    disallows is an error ("blocked"), not fetched."""
    from headwater.store import open_db

    urls = list(urls)
    open_db(db_path).close()  # schema, migrations and WAL here, once, before the workers open the store
    if progress is True:
        progress = Progress(len(urls), "trace", "URLs")
    unique = list(dict.fromkeys(urls))
    parts = url_partitions(unique, "URL list")
    config = RunConfig.from_env(follow)
    positions: dict[str, list[int]] = {}
    for index, url in enumerate(urls):
        positions.setdefault(url, []).append(index)

    def run(client) -> Iterator[TraceResult]:
        futures = {submit(client, trace_partition, part, str(db_path), config): part for part in parts}

        def arrived():
            for part, results, error in as_done(client, futures):
                if error is not None:  # the task itself failed: each of its URLs says so
                    results = [
                        (url, TraceResult(url, error_code="error", error=f"trace failed: {error!r}"))
                        for url in part.items
                    ]
                for url, result in results:
                    for index in positions[url]:
                        yield index, result

        for result in ordered(arrived(), len(urls)):
            yield result
            if progress:
                progress.step()

    if client is not None:
        yield from run(client)
        return
    with cluster(workers=min(workers or _cores(), max(1, len(parts))), say=say) as own:
        yield from run(own)


def _cores() -> int:
    from headwater.corpus.progress import default_workers

    return default_workers()
