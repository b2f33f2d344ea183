"""One page's analysis, as every trace and every corpus page has it: extract -> attribute -> graph.

The tracer stores what it returns; corpus mode writes it to Parquet. One code path, so that
a page's rows in a corpus are what `headwater trace --html` gives for it.
"""

from __future__ import annotations

from collections.abc import Callable

from headwater.errors import NoText
from headwater.extract import extract
from headwater.records import Attribution, Extracted
from headwater.tracing import workers
from headwater.tracing.graph import Graph, provenance


def analyse_page(
    attributor,
    html: str | bytes,
    url: str | None,
    *,
    shown_url: str | None = None,
    progress: Callable[[str], None] = None,
) -> tuple[Extracted, list[Attribution], Graph]:
    """The page, its attributions and its provenance graph; NoText for a page without article text.

    `attributor` is an Attributor or an AnalysisPool (tracing.workers: under the time budget);
    `shown_url` is the address the messages name (the one the reader gave), `url` the final one
    (None for a saved page without one: then the page's canonical URL, if it states one)."""
    say = progress or (lambda message: None)
    say("Extracting the article")
    page = extract(html, url)
    if not page.text.strip():
        raise NoText(f"No article text could be extracted from {shown_url or url or 'the page'}")
    url = url or page.canonical_url or ""
    say("Finding sources")
    attributions = workers.attribute(attributor, page, url)  # a pool's, under its budget; or in this process
    page_node = {"name": page.title or page.site or url, "kind": "page", "role": None, "url": page.canonical_url or url}
    return page, attributions, provenance(page_node, attributions)
