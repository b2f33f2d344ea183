"""Corpus mode at scale: `headwater corpus run` over WARC files, 1 and 2 workers, and its overhead.

    .venv/bin/python bench/corpus.py [--quick] [--pages N] [--warcs N] [--repeats N] [--json FILE]

The corpus pages (../shared/corpus, or $HEADWATER_SHARED/corpus: 165 real news pages)
are packed by the benchmark into `--warcs` WARC files (default 8) in a temporary
folder, with warcio's WARCWriter: one `response` record per page, an HTTP/1.1 200
header block with `Content-Type: text/html`, each record gzipped on its own, pages
dealt round-robin so that every file holds a like mix. A WARC file is one partition,
so the partitions spread over the workers. A page without a URL in ground-truth.json
gets `https://corpus.invalid/<file name>` (in both paths below alike).

What is run is the engine as `headwater corpus run WARC... --out DIR --workers N`
runs it (headwater.corpus.engine: `cluster(workers=N)` + `run_corpus`; the CLI adds
only argument checks and the progress line), with the user's default settings: with
HEADWATER_ANALYSIS_SECONDS unset (60 s) each worker's pages are analysed in an
AnalysisPool of one process under that budget (corpus/pipeline.py), so a page's
analysis crosses a pipe. Set HEADWATER_ANALYSIS_SECONDS=0 to measure the workers
analysing in their own process instead.

Each round (`--repeats`, default 2; the order is reversed every other round, so a
burst of load on the shared machine hits all alike):

- in-process: every page through `headwater.corpus.pipeline.analyse` with an
  Attributor in this process (extract -> Attributor.attribute_page -> the
  provenance graph: exactly the analysis a corpus worker does, without the engine),
  each page timed; the sum is the pages' own cost, one process, one core;
- 1 worker: a LocalCluster of one worker process (one thread), a fresh --out: wall
  time of `run_corpus` (scheduling, reading the WARC records, the pipe to the
  analysis process, the Parquet files, the outlet graph): pages / wall = pages/s;
- 2 workers: the same with two workers.

Each cluster is started (and its pipeline loaded, and one small warm-up WARC run)
before any timing; the in-process Attributor likewise analyses the warm-up pages
first. The figures are medians over the rounds; each ratio is the median of its
rounds' own ratios.

Targets (the issue): 2 workers >= 1.7x the pages/s of 1 worker (2 cores); one
worker's time per page <= 1.05x the in-process analysis's (the engine's own cost
under 5% of a page's). Peak memory per worker: VmHWM of each worker process and of
its analysis process, read on the workers at the end (client.run).
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import tempfile
import time
from pathlib import Path

from headwater.evaluation.benchkit import Row, check, corpus_pages, emit, machine, median, peak_rss_mb, ratio, say

BENCH = "corpus"
QUICK_PAGES = 40
WARCS = 8
WARM_PAGES = 3
SCALING_TARGET = ">= 1.7x"
OVERHEAD_TARGET = "<= 1.05x"


# -- the WARC files -----------------------------------------------------------------------


def page_urls(pages: list[tuple[str | None, bytes]]) -> list[tuple[str, bytes]]:
    return [(url or f"https://corpus.invalid/page-{i}", html) for i, (url, html) in enumerate(pages)]


def write_warc(path: Path, pages: list[tuple[str, bytes]]) -> None:
    """One gzipped `response` record per page, with an HTTP 200 header block."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, html in pages:
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(html)))], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(html), http_headers=headers)
            writer.write_record(record)


def pack(pages: list[tuple[str, bytes]], folder: Path, files: int) -> list[str]:
    """The pages dealt round-robin into `files` WARC files under `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    files = max(1, min(files, len(pages)))
    paths = []
    for n in range(files):
        path = folder / f"corpus-{n:02d}.warc.gz"
        write_warc(path, pages[n::files])
        paths.append(str(path))
    return paths


# -- memory on the workers ----------------------------------------------------------------


def worker_memory() -> dict:
    """Run on a worker (client.run): VmHWM of the worker process and of its child processes
    (the analysis process of its AnalysisPool), in MiB."""

    def hwm(pid) -> float:
        try:
            for line in open(f"/proc/{pid}/status"):
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    children = []
    try:
        import psutil

        children = [p.pid for p in psutil.Process().children(recursive=True)]
    except ImportError:  # /proc's children lists, one level
        for task in os.listdir(f"/proc/{os.getpid()}/task"):
            try:
                children += [int(c) for c in open(f"/proc/{os.getpid()}/task/{task}/children").read().split()]
            except OSError:
                pass
    return {"worker": hwm(os.getpid()), "children": [hwm(c) for c in children]}


def warm_worker(pages: list[tuple[str, bytes]], dask_worker=None) -> int:
    """Run on every worker (client.run): its pipeline (the plugin's, an AnalysisPool whose process
    starts on first use) analyses a few pages, so no timed run pays for a model's loading."""
    from headwater.corpus.pipeline import analyse, load_attributor

    if getattr(dask_worker, "headwater_attributor", None) is None:  # the plugin sets it; in case it has not
        dask_worker.headwater_attributor = load_attributor()
    attributor = dask_worker.headwater_attributor
    for url, html in pages:
        analyse(attributor, html, url)
    return len(pages)


# -- the runs -------------------------------------------------------------------------------


def engine_run(workers: int, inputs: list[str], out: Path) -> tuple[float, object, dict]:
    """Wall seconds of one run, its Summary, and the seconds of partition tasks each worker ran."""
    from distributed import get_task_stream

    from headwater.corpus.engine import cluster, run_corpus

    if out.exists():
        shutil.rmtree(out)
    with cluster(workers=workers) as client:
        with get_task_stream(client) as stream:
            started = time.perf_counter()
            summary = run_corpus(client, inputs, out)
            seconds = time.perf_counter() - started
        busy: dict[str, list[float]] = {}
        for task in stream.data:
            if "headwater-" in str(task.get("key")):
                spans = [s["stop"] - s["start"] for s in task.get("startstops", ()) if s.get("action") == "compute"]
                busy.setdefault(task.get("worker"), []).append(sum(spans))
    if summary.failed:
        raise RuntimeError(f"{workers} worker(s): partitions failed: {summary.failed}")
    return seconds, summary, busy


def in_process(attributor, pages: list[tuple[str, bytes]]) -> list[float]:
    from headwater.corpus.pipeline import analyse
    from headwater.errors import NoText

    times = []
    for url, html in pages:
        started = time.perf_counter()
        try:
            analyse(attributor, html, url)
        except NoText:
            pass
        times.append(time.perf_counter() - started)
    return times


def measure(pages: list[tuple[str, bytes]], warcs: int, repeats: int, tmp: Path) -> dict:
    from headwater.attribution.attributor import Attributor
    from headwater.corpus.engine import cluster
    from headwater.corpus.pipeline import load_attributor
    from headwater.settings import AnalysisSettings

    inputs = pack(pages, tmp / "warc", warcs)
    warm = pack(pages[:WARM_PAGES], tmp / "warm", 1)
    say(
        f"corpus: {len(pages)} pages in {len(inputs)} WARC files "
        f"({sum(os.path.getsize(p) for p in inputs) / 2**20:.1f} MiB); {repeats} rounds"
    )
    started = time.perf_counter()
    attributor = Attributor()
    load = time.perf_counter() - started
    in_process(attributor, pages[:WARM_PAGES])
    budget = AnalysisSettings.from_env().seconds
    pool = load_attributor() if budget else None  # the worker's own pipeline: an AnalysisPool of one process
    if pool is not None:
        in_process(pool, pages[:WARM_PAGES])
    for workers in (1, 2):  # start each cluster, warm every worker's pipeline, run the warm-up WARC: untimed
        started = time.perf_counter()
        with cluster(workers=workers) as client:
            client.run(warm_worker, pages[:WARM_PAGES])
        engine_run(workers, warm, tmp / f"warm-out-{workers}")
        say(f"corpus: {workers} worker(s) started and warmed up in {time.perf_counter() - started:.1f} s")
    result = {"base": [], "pool": [], 1: [], 2: [], "pages": len(pages), "warcs": len(inputs), "load": load}
    steps = ("base", "pool", 1, 2) if pool is not None else ("base", 1, 2)
    for rnd in range(repeats):
        order = steps if rnd % 2 == 0 else tuple(reversed(steps))
        for step in order:
            if step in ("base", "pool"):
                times = in_process(attributor if step == "base" else pool, pages)
                result[step].append(sum(times))
                say(
                    f"corpus: round {rnd + 1}/{repeats}, in-process{' via a pool' if step == 'pool' else ''}: "
                    f"{sum(times):.1f} s, {len(pages) / sum(times):.2f} pages/s"
                )
            else:
                seconds, summary, busy = engine_run(step, inputs, tmp / f"out-{step}")
                result[step].append(seconds)
                result.setdefault(f"summary{step}", summary)
                tasks = "; ".join(f"{len(v)} tasks, {sum(v):.1f} s" for v in busy.values())
                result.setdefault(f"busy{step}", []).append(tasks)
                result.setdefault(f"tasks{step}", []).append(sum(sum(v) for v in busy.values()))
                say(
                    f"corpus: round {rnd + 1}/{repeats}, {step} worker(s): {summary.line()} "
                    f"(wall {seconds:.1f} s, {len(pages) / seconds:.2f} pages/s; per worker: {tasks})"
                )
    if pool is not None:
        pool.close()
    memory = {}
    for workers in (1, 2):
        with cluster(workers=workers, load_pipeline=False) as client:
            memory[workers] = client.run(worker_memory)
    result["memory"] = memory
    result["client_rss"] = peak_rss_mb()
    result["budget"] = budget
    return result


def run(
    quick: bool = False, pages: int | None = None, warcs: int | None = None, repeats: int | None = None
) -> tuple[list[Row], list[str]]:
    from headwater.corpus.engine import close_local_clusters

    limit = pages or (QUICK_PAGES if quick else None)
    repeats = repeats or (1 if quick else 2)
    corpus = page_urls(corpus_pages(limit))
    with tempfile.TemporaryDirectory(prefix="headwater-bench-corpus-") as tmp:
        try:
            m = measure(corpus, warcs or WARCS, repeats, Path(tmp))
        finally:
            close_local_clusters()
    n = m["pages"]
    rate = {w: median(n / s for s in m[w]) for w in (1, 2)}
    base_rate = median(n / s for s in m["base"])
    scaling = median(a / b for a, b in zip(m[1], m[2], strict=True))  # 2 workers' pages/s over 1 worker's
    overhead = median(ratio(w, b) for w, b in zip(m[1], m["base"], strict=True))  # 1 worker over in-process
    per_page = lambda seconds: median(seconds) * 1000 / n  # noqa: E731
    summary = m["summary1"]
    rows = [
        Row(
            BENCH,
            "2 workers, pages/s",
            rate[2],
            "pages/s",
            f"1 worker {rate[1]:.2f} pages/s",
            scaling,
            SCALING_TARGET,
            check(scaling, SCALING_TARGET),
        ),
        Row(
            BENCH,
            "1 worker, time per page",
            per_page(m[1]),
            "ms",
            f"in-process analyse {per_page(m['base']):.1f} ms",
            overhead,
            OVERHEAD_TARGET,
            check(overhead, OVERHEAD_TARGET),
        ),
        Row(BENCH, "  in-process analyse (extract + attribute_page + graph)", base_rate, "pages/s"),
    ]
    if m["pool"]:
        via_pool = median(ratio(w, b) for w, b in zip(m[1], m["pool"], strict=True))
        hop = median(ratio(p, b) for p, b in zip(m["pool"], m["base"], strict=True))
        rows += [
            Row(
                BENCH,
                "  in-process, attribute_page in an AnalysisPool of one process",
                per_page(m["pool"]),
                "ms",
                f"in-process analyse {per_page(m['base']):.1f} ms",
                hop,
            ),
            Row(
                BENCH,
                "  1 worker, time per page, against that",
                per_page(m[1]),
                "ms",
                f"via a pool {per_page(m['pool']):.1f} ms",
                via_pool,
            ),
        ]
    rows += [
        Row(
            BENCH,
            "  1 worker, partition tasks' own time (reading, analysis, Parquet)",
            per_page(m["tasks1"]),
            "ms",
            f"wall {per_page(m[1]):.1f} ms",
            median(ratio(t, w) for t, w in zip(m["tasks1"], m[1], strict=True)),
        ),
        Row(
            BENCH,
            "  pages/s per core at 2 workers",
            rate[2] / 2,
            "pages/s",
            f"1 worker {rate[1]:.2f} pages/s",
            ratio(rate[2] / 2, rate[1]),
        ),
    ]
    notes = []
    for workers in (1, 2):
        for i, mem in enumerate(sorted(m["memory"][workers].values(), key=lambda v: -v["worker"])):
            children = mem["children"]
            total = mem["worker"] + sum(children)
            rows.append(
                Row(
                    BENCH,
                    f"peak RSS, {workers}-worker cluster, worker {i + 1} (+ analysis process)",
                    total,
                    "MiB",
                    f"worker {mem['worker']:.0f} + analysis {'+'.join(f'{c:.0f}' for c in children) or '0'} MiB",
                )
            )
    rows.append(Row(BENCH, "peak RSS, client + scheduler + in-process baseline", m["client_rss"], "MiB"))
    budget = (
        f"HEADWATER_ANALYSIS_SECONDS={m['budget']:g} (each worker analyses in an AnalysisPool of one process)"
        if m["budget"]
        else "HEADWATER_ANALYSIS_SECONDS=0 (workers analyse in their own process)"
    )
    notes.append(
        f"corpus: {n} pages in {m['warcs']} WARC files (one partition each), {len(m[1])} rounds; "
        f"a run: {summary.line()}; {budget}; {machine()}; load average now "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}."
    )
    notes.append(
        "corpus: wall seconds per round: in-process "
        + ", ".join(f"{s:.1f}" for s in m["base"])
        + ("; in-process via a pool " + ", ".join(f"{s:.1f}" for s in m["pool"]) if m["pool"] else "")
        + "; 1 worker "
        + ", ".join(f"{s:.1f}" for s in m[1])
        + "; 2 workers "
        + ", ".join(f"{s:.1f}" for s in m[2])
        + f"; in-process pipeline load {m['load']:.1f} s (not timed)."
    )
    for workers in (1, 2):
        notes.append(
            f"corpus: partition tasks per worker, {workers} worker(s), each round: " + " | ".join(m[f"busy{workers}"])
        )
    return rows, notes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"the first {QUICK_PAGES} pages, one round")
    parser.add_argument("--pages", type=int, help="only the first N pages (sorted by file name)")
    parser.add_argument("--warcs", type=int, help=f"WARC files to pack the pages into (default {WARCS})")
    parser.add_argument("--repeats", type=int, help="rounds (default 2; 1 with --quick)")
    parser.add_argument("--json", help="also write the rows to this file (for perf.py)")
    args = parser.parse_args(argv)
    rows, notes = run(args.quick, args.pages, args.warcs, args.repeats)
    emit(rows, args.json, notes)


if __name__ == "__main__":
    main()
