"""The analysis of one page, as `headwater trace --html` does it, and one model per worker.

This is the one place the corpus code imports the attribution step (Attributor,
its lock, the outlet gazetteer): re-point them here if they move.

`analyse(attributor, html, url)` is trace's own analysis (tracer.Tracer._analyse)
without the store: extract -> Attributor.attribute_page -> the provenance graph
(tracing.graph.provenance). `PipelinePlugin` is the dask WorkerPlugin that loads
the pipeline once in each worker process (`worker_attributor()` hands it to a task).

With a time budget (HEADWATER_ANALYSIS_SECONDS, as the server has), a worker's pipeline is
an AnalysisPool of one process: a page over the budget is stopped (its process killed and
started again), lands in `errors` as `too_complex`, and the run goes on. A dask task runs
in a thread, where no timer signal can stop an analysis in the worker's own process.
"""

from __future__ import annotations

import os

from distributed import WorkerPlugin, get_worker

from headwater.attribution.attributor import Attributor

# The attribution step, imported here only (re-point these three lines if it moves):
from headwater.attribution.gazetteer import Gazetteer  # noqa: F401  (the outlets, for tasks.py)
from headwater.settings import AnalysisSettings
from headwater.tracing import workers
from headwater.tracing.analysis import analyse_page

PLUGIN_NAME = "headwater-pipeline"

LOADS: list[int] = []  # pids that loaded the pipeline in this process (tests count them)


def load_attributor() -> Attributor | workers.AnalysisPool:
    """The pipeline: in a process of its own under the time budget, if there is one."""
    seconds = AnalysisSettings.from_env().seconds
    attributor = workers.AnalysisPool(workers=1, seconds=seconds) if seconds else Attributor()
    LOADS.append(os.getpid())
    return attributor


class PipelinePlugin(WorkerPlugin):
    """Load the attribution pipeline once per worker process, before its first task."""

    name = PLUGIN_NAME

    def setup(self, worker):
        if getattr(worker, "headwater_attributor", None) is None:  # registered again by a later run: kept
            worker.headwater_attributor = load_attributor()


def worker_attributor() -> Attributor:
    """This worker's pipeline (loaded by PipelinePlugin; loaded here if the plugin has not run)."""
    try:
        worker = get_worker()
    except ValueError:  # not in a worker: the caller's own process
        worker = None
    if worker is None:
        global _local
        if _local is None:
            _local = load_attributor()
        return _local
    if getattr(worker, "headwater_attributor", None) is None:
        worker.headwater_attributor = load_attributor()
    return worker.headwater_attributor


_local: Attributor | None = None


def text_attributor() -> Attributor:
    """This process's Attributor for bare texts (`headwater analyze`): `attribute(text)` has no
    page to run in a pool's process, so it runs here, loaded once, with no budget."""
    try:
        worker = get_worker()
    except ValueError:
        worker = None
    holder = worker if worker is not None else _TEXTS
    if getattr(holder, "headwater_text_attributor", None) is None:
        holder.headwater_text_attributor = Attributor()
    return holder.headwater_text_attributor


class _Texts:  # holds the texts' Attributor outside a worker
    headwater_text_attributor: Attributor | None = None


_TEXTS = _Texts()


def analyse(attributor: Attributor, html: str | bytes, url: str | None) -> dict:
    """One page's analysis: the keys of a trace (README contract) that the corpus keeps.

    Raises NoText as trace does for a page without article text."""
    page, attributions, graph = analyse_page(attributor, html, url, shown_url=url or "the page")
    final_url = url or page.canonical_url or ""
    return {
        "final_url": final_url or None,
        "canonical_url": page.canonical_url,
        "title": page.title,
        "site": page.site,
        "author": page.author,
        "published": page.published,
        "attributions": [a.to_dict() for a in attributions],
        "edges": [
            {"from": e["from"], "to": e["to"], "attribution": e["attribution"], "relation": e["relation"]}
            for e in graph.edges
        ],
        "primary_sources": graph.primary_sources,
    }
