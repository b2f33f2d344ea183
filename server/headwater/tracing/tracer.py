"""Trace one page: fetch -> extract -> attribute -> provenance graph (graph.py) -> store.

`Tracer.trace()` runs the whole pipeline and writes the result in one transaction.

With `follow=` the trace then goes upstream, page by page (follow.py), and the
result gains a "follow" object: the pages read, the hops between them with the
matched passages, and the chains across documents. Without it the result is the
single-page trace of the README's contract, unchanged.
"""

from __future__ import annotations

import hashlib
import threading
import time
from contextlib import nullcontext

import sqlite_utils

from headwater import store
from headwater.attribution.attributor import Attributor
from headwater.attribution.gazetteer import Gazetteer
from headwater.errors import FetchError, HeadwaterError, analysis_failed_message
from headwater.fetch.client import Fetcher, validate_url
from headwater.fetch.politeness import Manners
from headwater.records import Trace
from headwater.settings import FollowSettings
from headwater.store import follows
from headwater.tracing import passages
from headwater.tracing.analysis import analyse_page
from headwater.tracing.follower import Doc, Follower
from headwater.urls import host_and_port


class Tracer:
    """The pipeline with its long-lived parts (HTTP session, NLP pipeline) kept between traces."""

    def __init__(
        self,
        db: sqlite_utils.Database,
        *,
        fetcher: Fetcher | None = None,
        attributor: Attributor | None = None,
        progress=None,
        events=None,
        manners: Manners | None = None,
        polite_root: bool = False,
    ):
        """manners: the politeness.Manners every follow of this Tracer crawls by, shared with
        whoever else holds them (the server's traces, a batch worker's); None: each follow
        keeps its own, from its settings. polite_root: the page itself is part of the crawl
        (a batch's listed pages), so its fetch waits its turn at the host and obeys robots.txt
        too; otherwise it is fetched at once, as a browser would (one reader's click)."""
        self.db = db
        self.manners = manners
        self.polite_root = polite_root and manners is not None
        self.progress = progress or (lambda message: None)  # told each stage as it starts
        self.events = events or (lambda event: None)  # told each progress event of a follow, as a dict
        self.fetcher = fetcher or Fetcher()
        self._attributor = attributor

    @property
    def attributor(self) -> Attributor:  # or anything with its attribute_page(): the server's workers.AnalysisPool
        if self._attributor is None:  # loading spaCy takes a second: only when first needed
            self._attributor = Attributor()
        return self._attributor

    def trace(
        self,
        url: str,
        *,
        html: str | bytes | None = None,
        claim: str | None = None,
        follow: FollowSettings | bool | None = None,
        background: bool = False,
        slot=None,
    ) -> Trace:
        """Trace a page (fetched, or as supplied) and store it; raises HeadwaterError on bad input.

        follow: also follow its sources upstream (True: FollowSettings.from_env()); with
        background=True the following runs in a thread and the result says "running".
        slot: the caller's place under a cap on traces at once (limits.Slot): a follow in
        the background takes it along and releases it when it ends, however it ends.
        """
        started = time.monotonic()
        if html is None:
            self.progress(f"Fetching {url}")
            self._obey_robots(url)
            with self.manners.gate.slot(host_and_port(url)) if self.polite_root else nullcontext():
                result = self.fetcher.fetch(url)  # a refused URL comes back as a failed result, logged below
            fetch_id = store.log_result(self.db, result, body_kept=True)
            result.raise_for_error()
            url = result.url
            page_html, final_url, sha256, fetched_at = result.html(), result.final_url, result.sha256, result.fetched_at
        else:
            # Supplied HTML is not fetched, so only the URL's form matters, not its address or port.
            try:
                url = validate_url(url, allow_private=True)
            except HeadwaterError as error:
                store.log_fetch(
                    self.db,
                    {
                        "url": url,
                        "fetched_at": store.now(),
                        "error_code": error.code,
                        "error": error.message,
                        "origin": "supplied",
                    },
                )
                raise
            body = html.encode("utf-8") if isinstance(html, str) else html
            sha256 = hashlib.sha256(body).hexdigest()
            fetched_at = store.now()
            fetch_id = store.log_fetch(
                self.db,
                {
                    "url": url,
                    "final_url": url,
                    "status": None,
                    "content_type": "text/html",
                    "bytes": len(body),
                    "sha256": sha256,
                    "duration_ms": 0,
                    "fetched_at": fetched_at,
                    "origin": "supplied",
                },
            )
            page_html, final_url = html, url
        try:
            trace, page, attributions = self._analyse(
                url, page_html, final_url, sha256, fetched_at, claim, fetch_id, started
            )
        except HeadwaterError as error:
            store.mark_fetch_failed(self.db, fetch_id, error.code, error.message)
            raise
        except Exception as error:
            # The log must not say "ok" for a page that has no trace: say the analysis failed
            # (the exception's message stays out of the store, as out of the API's answer).
            store.mark_fetch_failed(self.db, fetch_id, "internal", analysis_failed_message(error))
            raise
        if follow:
            settings = follow if isinstance(follow, FollowSettings) else FollowSettings.from_env()
            trace.follow = self._follow(trace, page, attributions, settings, claim, background, slot)
        return trace

    def _obey_robots(self, url: str) -> None:
        """With `polite_root` and robots.txt obeyed: refuse (FetchError "blocked", logged) a
        page its site's robots.txt disallows."""
        robots = self.manners.robots if self.polite_root else None
        if robots is None:
            return
        try:
            self.fetcher.validate_url(url)
        except HeadwaterError:
            return  # the fetch reports a bad URL, as without robots
        allowed = robots.allowed(url)
        for result in robots.take_fetches():  # the robots.txt fetches belong in the log too
            store.log_result(self.db, result, body_kept=False)
        if not allowed:
            error = FetchError(f"robots.txt of {host_and_port(url)} does not allow fetching {url}", code="blocked")
            store.log_fetch(
                self.db, {"url": url, "fetched_at": store.now(), "error_code": error.code, "error": error.message}
            )
            raise error

    def _analyse(self, url, page_html, final_url, sha256, fetched_at, claim, fetch_id, started):
        """Extract, attribute and store one fetched page: (the trace, with its id; the page; its attributions)."""
        page, attributions, graph = analyse_page(
            self.attributor, page_html, final_url, shown_url=url, progress=self.progress
        )
        trace = Trace(
            url=url,
            final_url=final_url,
            canonical_url=page.canonical_url,
            title=page.title,
            site=page.site,
            author=page.author,
            published=page.published,
            fetched_at=fetched_at,
            sha256=sha256,
            text=page.text,
            attributions=attributions,
            chains=graph.chains,
            primary_sources=graph.primary_sources,
            claim=claim,
            created_at=store.now(),
            duration_ms=int((time.monotonic() - started) * 1000),
        )
        self.progress("Recording the provenance")
        store.save_trace(self.db, trace, fetch_id=fetch_id, edges=graph.edges)
        return trace, page, attributions

    # -- following the sources upstream ----------------------------------------------------

    def _follow(self, trace: Trace, page, attributions, settings: FollowSettings, claim, background, slot) -> dict:

        claim_span = None
        if claim:  # where the reader's sentence is in the page (tolerating small differences)
            found = passages.find(claim, 0, len(claim), page.text)
            claim_span = (found.cited.start, found.cited.end) if found.cited else None
        gazetteer = Gazetteer.default()
        outlet = gazetteer.by_domain(trace.final_url) or (gazetteer.lookup(page.site) if page.site else None)
        root = Doc(
            0,
            trace.url,
            0,
            None,
            "root",
            final_url=trace.final_url,
            canonical_url=page.canonical_url,
            title=page.title,
            site=page.site,
            author=page.author,
            published=page.published,
            outlet=outlet.name if outlet else None,
            sha256=trace.sha256,
            text=page.text,
            links=page.links,
            attributions=attributions,
            document_id=self._document_id(trace.id),
        )
        follows.start(self.db, trace.id, settings, claim_span)
        path = self.db.execute("PRAGMA database_list").fetchone()[2]
        if background and path:  # a file store: the thread gets its own connection
            thread = threading.Thread(
                target=self._follow_in_background,
                name=f"headwater-trace-{trace.id}",
                args=(path, trace.id, root, settings, claim_span, bool(claim), slot),
                daemon=True,
            )
            try:
                thread.start()
            except (
                RuntimeError
            ) as error:  # no thread to be had (the system's limit): failed now, not "running" till a restart
                message = f"The follow could not start in the background: {error}"
                follows.fail(self.db, trace.id, message)
                self.events(follows.add_event(self.db, trace.id, "failed", {"error": message}))
                return follows.load(self.db, trace.id)
            if slot:  # only once the thread runs (release() is idempotent, so it may already have)
                slot.hand_over()
            return follows.load(self.db, trace.id)
        return self._run_follow(self.db, trace.id, root, settings, claim_span, bool(claim))

    def _document_id(self, trace_id: int) -> int:
        return self.db.execute("SELECT document_id FROM traces WHERE id = ?", [trace_id]).fetchone()[0]

    def _follow_in_background(self, path, trace_id, root, settings, claim_span, claim_given, slot):
        try:
            db = store.open_db(path)
            try:
                self._run_follow(db, trace_id, root, settings, claim_span, claim_given)
            except Exception:  # recorded as the follow's state; a thread has no caller to raise to
                pass
            finally:
                db.close()
        finally:
            if slot:
                slot.release()

    def _run_follow(self, db, trace_id, root, settings, claim_span, claim_given) -> dict:
        def emit(kind: str, data: dict):
            event = follows.add_event(db, trace_id, kind, data)
            self.events(event)
            message = _progress_message(kind, data)
            if message:
                self.progress(message)

        follower = Follower(
            db, self.fetcher, self.attributor, settings, trace_id=trace_id, emit=emit, manners=self.manners
        )
        try:
            result = follower.run(root, claim_span, claim_given=claim_given)
            follows.save(db, trace_id, result, follower.new_documents())
        except Exception as error:
            follows.fail(db, trace_id, f"{type(error).__name__}: {error}")
            emit("failed", {"error": str(error)})
            raise
        emit(
            "done",
            {
                "pages": len(result["documents"]),
                "chains": len(result["chains"]),
                "primary_sources": [p["name"] for p in result["primary_sources"]],
            },
        )
        return follows.load(db, trace_id)


def _progress_message(kind: str, data: dict) -> str | None:
    """The progress events of a follow, as a sentence for a terminal or a log."""
    count = f" ({data['done']}/{data['total']} pages)" if "total" in data else ""
    if kind == "fetching":
        return f"Following {data['url']} (depth {data['depth']}){count}"
    if kind == "page":
        if data["status"] == "traced":
            archived = f", from the Wayback Machine ({data['archived']['date']})" if data.get("archived") else ""
            return f"Read {data['url']}{archived}{count}"
        return f"Could not read {data['url']}: {(data.get('error') or {}).get('message')}{count}"
    if kind == "cycle":
        return "Circular sourcing: " + " -> ".join(data["urls"])
    if kind == "searching":
        return f"Looking for the article of {data['outlet']} in the news index"
    if kind == "done":
        return f"Followed {data['pages']} pages: {data['chains']} chains"
    return None
