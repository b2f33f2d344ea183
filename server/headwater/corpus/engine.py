"""The one batch engine: dask.distributed, a local cluster or a real one.

    with cluster(workers=4) as client:            # LocalCluster: 4 worker processes, 1 thread each
        summary = run_corpus(client, ["crawl.warc.gz", "urls.txt"], "out/")

    with cluster(scheduler="tcp://10.0.0.5:8786") as client:   # a running cluster
        ...

Every worker loads the attribution pipeline once (pipeline.PipelinePlugin), before its
first task, and again only if it is restarted. The client submits one task per
partition and keeps only each task's counts: the rows are written by the workers,
partition by partition (output.py). A worker that dies (killed, out of memory) has its
tasks re-run elsewhere by the scheduler; a partition re-run replaces its own files, so
every page is in the output once. `headwater trace --from` (trace_list.py) and
`headwater analyze` run on the same engine.
"""

from __future__ import annotations

import atexit
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from headwater.corpus import output
from headwater.corpus.inputs import Partition, UsageError, partitions
from headwater.corpus.pipeline import PipelinePlugin
from headwater.corpus.progress import CorpusProgress, default_workers
from headwater.corpus.tasks import RunConfig, run_partition

CONNECT_TIMEOUT = "10s"  # to reach a --scheduler
TASK_RETRIES = 1  # a task that raised (not one whose worker died: the scheduler re-runs those) is tried again once


_local_clusters: dict[int, object] = {}  # worker count -> a LocalCluster this process keeps for its next runs


@contextmanager
def cluster(
    workers: int | None = None,
    scheduler: str | None = None,
    *,
    load_pipeline: bool = True,
    say: Callable[[str], None] | None = None,
):
    """A Client: to the scheduler at `scheduler`, else to a LocalCluster of `workers` processes
    (default: one per core). The pipeline is loaded in every worker, once.

    A local cluster is kept for the rest of the process (closed when it exits) and used again by
    the next run that asks for as many workers: a process that runs several batches (a
    notebook, the tests) starts its workers and loads their models once. The tasks get
    their settings from the client (tasks.RunConfig), not from the workers' environment."""
    from distributed import Client

    if scheduler:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as error:
            raise UsageError(f"Cannot reach the dask scheduler at {scheduler}: {error}") from None
    else:
        client = Client(_local_cluster(workers or default_workers()))
    try:
        if say:
            say(f"headwater: dask dashboard at {client.dashboard_link}")
        if load_pipeline:
            client.register_plugin(PipelinePlugin())
        yield client
    finally:
        client.close()


def _local_cluster(workers: int):
    from distributed import LocalCluster

    local = _local_clusters.get(workers)
    if local is not None and local.status.name == "running":
        return local
    # Workers' own logs stay quiet (a worker's failure reaches the client through its task; a worker
    # closing while the scheduler closes logs a traceback that would only alarm a user).
    local = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=logging.CRITICAL
    )
    if not _local_clusters:
        atexit.register(close_local_clusters)
    _local_clusters[workers] = local
    return local


def close_local_clusters() -> None:
    """Close the local clusters this process kept (the CLI does at the end of a command; else at exit)."""
    logging.getLogger("distributed").setLevel(logging.CRITICAL)  # shutting down: no news is good news
    while _local_clusters:
        _, local = _local_clusters.popitem()
        try:
            local.close()
        except Exception:  # at exit: nothing to report to
            pass


def submit(client, fn, part: Partition, *args):
    """One task per partition, named after it (a rerun of the same partition is the same work)."""
    return client.submit(
        fn, part, *args, key=f"headwater-{part.kind}-{part.id}-{time.monotonic_ns()}", pure=False, retries=TASK_RETRIES
    )


def as_done(client, futures: dict) -> Iterator[tuple[object, object, BaseException | None]]:
    """(item, result, None) or (item, None, error) for each future of {future: item}, as they finish;
    a finished future is released at once (the client holds no rows)."""
    from distributed import as_completed

    for future in as_completed(list(futures)):
        item = futures.pop(future)
        try:
            yield item, future.result(), None
        except Exception as error:  # the task failed after its retries
            yield item, None, error
        finally:
            future.release()


@dataclass
class Summary:
    pages: int = 0
    attributions: int = 0
    errors: int = 0
    partitions: int = 0
    skipped: int = 0
    failed: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        return f"{self.pages} pages, {self.attributions} attributions, {self.errors} errors in {self.seconds:.1f} s"


def run_corpus(
    client,
    inputs: list[str],
    out: str | Path,
    *,
    config: RunConfig | None = None,
    limit: int | None = None,
    say: Callable[[str], None] | None = None,
    progress: CorpusProgress | bool = False,
    parts: list[Partition] | None = None,
) -> Summary:
    """Analyse every page of `inputs` into OUT's datasets; partitions already in OUT are skipped.
    `parts`: the partitions of `inputs`, when the caller has them already."""
    started = time.monotonic()
    say = say or (lambda message: None)
    config = config or RunConfig.from_env()
    if parts is None:
        parts, _ = partitions(inputs, limit=limit)
    out = Path(out)
    output.prepare(out)
    done = output.done_partitions(out)
    todo = [p for p in parts if p.id not in done]
    summary = Summary(partitions=len(todo), skipped=len(parts) - len(todo))
    if summary.skipped:
        say(f"headwater: skipping {summary.skipped} of {len(parts)} partitions already written in {out}.")
    if progress is True:
        progress = CorpusProgress(len(todo))
    topic = None
    if progress:
        topic = f"headwater-progress-{uuid.uuid4().hex[:12]}"
        client.subscribe_topic(
            topic,
            lambda event: progress.partial(event[1]["partition"], event[1]["pages"], event[1].get("fraction", 0.0)),
        )
    try:
        _run(client, todo, config, out, topic, summary, progress, say)
    finally:
        if topic:
            client.unsubscribe_topic(topic)
    output.prepare(out)  # what a killed worker left half-written (its task was run again elsewhere)
    write_outlet_graph(out)
    summary.seconds = time.monotonic() - started
    return summary


def _run(client, todo, config, out, topic, summary, progress, say) -> None:
    futures = {submit(client, run_partition, part, config, str(out), topic): part for part in todo}
    for part, counts, error in as_done(client, futures):
        if error is not None:
            summary.failed.append(part.id)
            summary.errors += 1
            _record_failure(out, part, error)
            say(f"headwater: partition {part.label} failed: {type(error).__name__}: {error}")
            if progress:
                progress.add(0, part.id)
            continue
        summary.pages += counts["pages"]
        summary.attributions += counts["attributions"]
        summary.errors += counts["errors"]
        if progress:
            progress.add(counts["pages"], part.id)


def _record_failure(out: Path, part: Partition, error: BaseException) -> None:
    """A partition whose task failed is one row in `errors` (no `_done` marker: a rerun tries it again)."""
    writer = output.PartitionWriter(out, part.id)
    writer.add(
        "errors",
        [
            {
                "input": part.input,
                "record": part.label,
                "url": None,
                "reason": "partition_failed",
                "message": f"{type(error).__name__}: {error}",
                "partition": part.id,
            }
        ],
    )
    writer.commit(mark_done=False)


def write_outlet_graph(out: str | Path) -> int:
    """OUT/outlet_graph (Parquet) and OUT/outlet_graph.graphml from every citations partition in OUT:
    citing outlet -> cited outlet (its own earlier stories left out), the pages that cite so, first and
    last published. Read in batches; the client holds one entry per pair of outlets."""
    import networkx as nx

    pairs: dict[tuple[str, str], list] = {}
    data = output.dataset(out, "citations")
    for batch in data.to_batches(
        columns=["page_id", "page_outlet", "source_outlet", "published", "own_site"],
        filter=_not_null("page_outlet") & _not_null("source_outlet"),
    ):
        for page, citing, cited, published, own in zip(*(batch.column(i).to_pylist() for i in range(5))):
            if own:
                continue  # an outlet citing its own earlier story is no edge between outlets
            entry = pairs.setdefault((citing, cited), [set(), None, None])
            entry[0].add(page)
            if published:
                entry[1] = min(entry[1] or published, published)
                entry[2] = max(entry[2] or published, published)
    rows = [
        {"citing_outlet": a, "cited_outlet": b, "pages": len(e[0]), "first_published": e[1], "last_published": e[2]}
        for (a, b), e in sorted(pairs.items())
    ]
    output.write_table(out, "outlet_graph", rows)
    graph = nx.DiGraph()
    for row in rows:
        graph.add_edge(
            row["citing_outlet"],
            row["cited_outlet"],
            pages=row["pages"],
            first_published=row["first_published"] or "",
            last_published=row["last_published"] or "",
        )
    temp = Path(out) / ".outlet_graph.graphml.tmp"
    nx.write_graphml(graph, temp)
    temp.replace(Path(out) / "outlet_graph.graphml")
    return len(rows)


def _not_null(column: str):
    import pyarrow.dataset as ds

    return ds.field(column).is_valid()


# -- ordered maps: analyze, trace --from ------------------------------------------------


def ordered(results: Iterable[tuple[int, object]], total: int) -> Iterator:
    """Results keyed by input position, yielded in input order as soon as each is next."""
    waiting, next_index = {}, 0
    for index, result in results:
        waiting[index] = result
        while next_index in waiting:
            yield waiting.pop(next_index)
            next_index += 1
    while next_index < total and next_index in waiting:  # pragma: no cover (all arrive)
        yield waiting.pop(next_index)
        next_index += 1
