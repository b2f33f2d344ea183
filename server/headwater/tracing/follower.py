"""Follow a traced page's sources upstream, page by page (a multi-hop trace).

The Follower crawls from the traced page: each cited page is fetched, extracted
and attributed; the passage the citing page relies on is looked for in it
(passages.py), and what *that* passage rests on is followed in turn (upstream.py).

Fetches run concurrently in a thread pool (the wall time of a trace is about
its longest chain of fetches, not their sum); extraction runs in the workers
too, while attribution (spaCy), the decisions and every write to the store stay
in the calling thread. The limits (settings.FollowSettings): depth, page
budget, wall-clock budget, per-host concurrency and politeness delay,
robots.txt. The same page is never fetched twice in a trace (urls.url_key
on the URL asked, the final URL and rel=canonical); a link back to a page on
the path that led to it is circular sourcing. Dead, blocked or paywalled pages
are read from the Wayback Machine when it has them (archive.py); an outlet
named without a link is looked up in a news index (newsindex.py), as a guess.
"""

from __future__ import annotations

import logging
import queue
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import date

import sqlite_utils

from headwater import store
from headwater.attribution.gazetteer import Gazetteer
from headwater.errors import HeadwaterError, analysis_failed_message
from headwater.extract import extract
from headwater.fetch.archive import Snapshot, Wayback
from headwater.fetch.client import Fetcher, FetchResult
from headwater.fetch.politeness import Manners
from headwater.records import Attribution, Link
from headwater.settings import FollowSettings
from headwater.tracing import passages, upstream, workers
from headwater.tracing.newsindex import NewsIndex
from headwater.urls import host_and_port, url_key

log = logging.getLogger(__name__)

ARCHIVE_ON = ("http_error", "connection_failed", "dns_failure", "timeout", "too_many_redirects", "no_text", "blocked")
DATA_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/json")


@dataclass
class Doc:
    """One page of a multi-hop trace (idx 0: the traced page)."""

    idx: int
    url: str
    depth: int
    parent: int | None
    found_by: str  # root | link | body_link | news_index
    agent: tuple[str, str] | None = None  # the graph node this page stands for
    status: str = "pending"  # pending | traced | failed | blocked | stopped
    final_url: str | None = None
    canonical_url: str | None = None
    title: str | None = None
    site: str | None = None
    author: str | None = None
    outlet: str | None = None
    published: str | None = None
    sha256: str | None = None
    text: str = ""
    links: list[Link] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)
    relevant: set[int] = field(default_factory=set)
    planned: set[int] = field(default_factory=set)
    cited: list[tuple[int, int]] = field(default_factory=list)  # passages citing pages rely on
    error: dict | None = None
    archived: Snapshot | None = None
    from_cache: bool = False
    changed: dict | None = None
    query: str | None = None
    confidence: float = 1.0
    fetch_id: int | None = None
    document_id: int | None = None

    def archived_dict(self) -> dict | None:
        return {"url": self.archived.url, "date": self.archived.date} if self.archived else None

    def to_dict(self) -> dict:
        return {
            "idx": self.idx,
            "parent": self.parent,
            "depth": self.depth,
            "url": self.url,
            "final_url": self.final_url,
            "canonical_url": self.canonical_url,
            "title": self.title,
            "site": self.site,
            "outlet": self.outlet,
            "published": self.published,
            "sha256": self.sha256,
            "status": self.status,
            "found_by": self.found_by,
            "query": self.query,
            "confidence": round(self.confidence, 3),
            "error": self.error,
            "archived": self.archived_dict(),
            "from_cache": self.from_cache,
            "changed": self.changed,
            "attributions": None if self.idx == 0 else [a.to_dict() for a in self.attributions],
        }


@dataclass
class Hop:
    """A citing page relies on a cited one."""

    idx: int
    from_doc: int
    url: str
    kind: str  # link | body_link | news_index
    source: tuple[str, str] | None
    attribution: int | None
    passages: list[tuple[int, int]]  # in the citing page's text
    agent: tuple[str, str] | None
    to_doc: int | None = None
    status: str = "pending"  # followed | failed | blocked | stopped | circular
    matches: list[passages.Match] = field(default_factory=list)
    confidence: float = 1.0
    certain: bool = True
    query: str | None = None
    flags: list[dict] = field(default_factory=list)
    cycle: list[str] | None = None

    @property
    def best(self) -> passages.Match | None:
        return passages.best(self.matches)

    def to_dict(self) -> dict:
        best = self.best
        return {
            "idx": self.idx,
            "from": self.from_doc,
            "to": self.to_doc,
            "url": self.url,
            "kind": self.kind,
            "status": self.status,
            "source": {"name": self.source[0], "kind": self.source[1]} if self.source else None,
            "attribution": self.attribution,
            "confidence": round(self.confidence, 3),
            "certain": self.certain,
            "query": self.query,
            "flags": self.flags,
            "match": best.to_dict() if best else None,
            "matches": [m.to_dict() for m in self.matches],
        }


@dataclass
class _Page:
    """What a worker brings back for one page."""

    results: list[FetchResult]
    page: object = None  # model.Extracted
    body: bytes | None = None
    content_type: str | None = None
    final_url: str | None = None
    sha256: str | None = None
    error: dict | None = None
    blocked: bool = False
    archived: Snapshot | None = None
    from_cache: bool = False
    previous: dict | None = None  # the version kept before, if any


class _Recorder:
    """A fetcher that remembers every result, for the fetch log written by the main thread."""

    def __init__(self, fetcher: Fetcher, log: queue.SimpleQueue, kind: str):
        self.fetcher, self.log, self.kind = fetcher, log, kind
        self.settings = fetcher.settings

    def fetch(self, url: str, **kwargs) -> FetchResult:
        result = self.fetcher.fetch(url, **kwargs)
        self.log.put((self.kind, result))
        return result


def data_fetcher(fetcher: Fetcher) -> Fetcher:
    """`fetcher`'s rules for robots.txt, the archive and the news index: text or JSON, not HTML."""
    return Fetcher(
        replace(fetcher.settings, accepted_types=DATA_TYPES),
        allow_private=fetcher.allow_private,
        resolver=fetcher.resolver,
    )


class Follower:
    def __init__(
        self,
        db: sqlite_utils.Database,
        fetcher: Fetcher,
        attributor,
        settings: FollowSettings,
        *,
        trace_id: int,
        emit=None,
        gazetteer: Gazetteer | None = None,
        manners: Manners | None = None,
    ):
        """manners: the per-host limits and robots.txt rules to crawl by, shared with other crawls
        (the server's, a batch worker's); by default this follow's own, from `settings`."""
        self.db, self.attributor, self.settings, self.trace_id = db, attributor, settings, trace_id
        self.emit = emit or (lambda kind, data: None)
        self.gazetteer = gazetteer or Gazetteer.default()
        self.log: queue.SimpleQueue = queue.SimpleQueue()
        self.pages = _Recorder(fetcher, self.log, "page")
        data = data_fetcher(fetcher)  # one, for the recorded data fetches and robots.txt alike
        self.data = _Recorder(data, self.log, "data")
        manners = manners or Manners.of(settings, data)  # (robots.txt fetches are logged in _drain_log)
        self.gate = manners.gate
        self.robots = manners.robots if settings.respect_robots else None  # their fetches: _drain_log
        self.wayback = Wayback(self.data, settings.wayback_api)
        self.index = NewsIndex(self.data, settings.news_index_api, settings.news_index_days)
        self.docs: list[Doc] = []
        self.hops: list[Hop] = []
        self.seen: dict[str, int] = {}  # url_key -> doc idx
        self.stopped: list[dict] = []
        self.searches: list[dict] = []
        self.futures: dict[Future, tuple] = {}
        self.fetch_ids: dict[int, int] = {}  # id(FetchResult) -> fetches.id
        self.claim_span: tuple[int, int] | None = None

    # -- the crawl -------------------------------------------------------------------

    def run(self, root: Doc, claim_span: tuple[int, int] | None = None, *, claim_given: bool = False) -> dict:
        """Follow from `root` (traced and attributed already); in a claim trace, only from the
        claim's passage (`claim_span`; None when the claim is not in the page: nothing to follow)."""
        started = time.monotonic()
        deadline = started + self.settings.time_budget
        self.claim_span = claim_span
        root.status, root.agent = "traced", root.agent or ("<page>", "page")
        self.docs.append(root)
        for url in (root.url, root.final_url, root.canonical_url):
            if url:
                self.seen.setdefault(url_key(url), 0)
        if claim_span:
            root.relevant = upstream.relevant(root.attributions, [claim_span])
        elif not claim_given:
            root.relevant = set(range(len(root.attributions)))
        self.emit("start", {"url": root.url, "limits": self.limits()})
        pool = ThreadPoolExecutor(max_workers=max(1, self.settings.workers), thread_name_prefix="headwater-follow")
        self.pool = pool
        timed_out = False
        try:
            self._plan(root)
            while True:
                self._drain_log()
                # Outlets named without a link are looked up once the links are followed (a linked
                # page often links the outlet's article), or at half time, so a slow host cannot starve them.
                halftime = time.monotonic() > started + self.settings.time_budget / 2
                if self.searches and (not self.futures or halftime):
                    self._search_unresolved()
                if not self.futures:
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    timed_out = True
                    break
                wake = (
                    remaining
                    if halftime or not self.searches
                    else started + self.settings.time_budget / 2 - time.monotonic()
                )
                done, _ = wait(list(self.futures), timeout=max(0.01, wake), return_when=FIRST_COMPLETED)
                for future in done:
                    what = self.futures.pop(future)
                    self._finished(what, future.result())
        finally:
            pool.shutdown(wait=False, cancel_futures=True)  # a slow host must not hold the trace
        self._drain_log()
        if timed_out:
            seconds = f"{self.settings.time_budget:g}"
            for what in self.futures.values():
                if what[0] == "page":
                    doc = self.docs[what[1]]
                    doc.status, doc.error = (
                        "stopped",
                        {"code": "time_budget", "message": f"not read within the {seconds} s budget"},
                    )
                    self.stopped.append({"url": doc.url, "reason": f"time budget of {seconds} s used up"})
                    for hop in self.hops:
                        if hop.to_doc == doc.idx and hop.status == "pending":
                            hop.status = "stopped"
            self.futures.clear()
        return self.result()

    def limits(self) -> dict:
        s = self.settings
        return {"depth": s.depth, "pages": s.max_pages, "seconds": s.time_budget}

    def _plan(self, doc: Doc):
        """Queue what `doc` relies on (its relevant attributions not planned yet)."""
        new = doc.relevant - doc.planned
        if not new or doc.status != "traced":
            return
        doc.planned |= new
        view = _View(doc, new)
        links, searches = upstream.targets(view, self.gazetteer, self.claim_span if doc.idx == 0 else None)
        for target in links:
            self._follow(doc, target)
        for search in searches:
            self.searches.append({"doc": doc.idx, **search})

    def _follow(self, citing: Doc, target: dict, *, kind: str | None = None, query=None, confidence=1.0):
        hop = Hop(
            len(self.hops),
            citing.idx,
            target["url"],
            kind or target["kind"],
            target["source"],
            target["attribution"],
            target["passages"],
            target["agent"],
            query=query,
            confidence=confidence,
            certain=kind != "news_index",
        )
        if any(h.from_doc == citing.idx and url_key(h.url) == url_key(hop.url) for h in self.hops):
            return
        self.hops.append(hop)
        key = url_key(hop.url)
        if key in self.seen:
            self._link(hop, self.seen[key])
            return
        if citing.depth >= self.settings.depth:
            hop.status = "stopped"
            self.stopped.append({"url": hop.url, "reason": f"depth limit of {self.settings.depth} reached"})
            return
        if len(self.docs) >= self.settings.max_pages:
            hop.status = "stopped"
            self.stopped.append({"url": hop.url, "reason": f"page budget of {self.settings.max_pages} pages reached"})
            return
        doc = Doc(
            len(self.docs),
            hop.url,
            citing.depth + 1,
            citing.idx,
            hop.kind,
            agent=hop.agent,
            query=query,
            confidence=confidence,
        )
        self.docs.append(doc)
        self.seen[key] = doc.idx
        hop.to_doc = doc.idx
        previous = store.cached(self.db, hop.url)
        self.emit("fetching", {"url": hop.url, "depth": doc.depth, **self._counts()})
        future = self.pool.submit(self._read, hop.url, previous, citing.published)
        self.futures[future] = ("page", doc.idx)

    def _link(self, hop: Hop, idx: int):
        """A hop to a page already in the trace: circular if that page led here, else shared."""
        hop.to_doc = idx
        path, at = [], hop.from_doc
        while at is not None:
            path.append(at)
            if at == idx:
                break
            at = self.docs[at].parent
        if idx in path:
            hop.status = "circular"
            hop.cycle = [self.docs[i].final_url or self.docs[i].url for i in reversed(path)] + [
                self.docs[idx].final_url or self.docs[idx].url
            ]
            hop.flags.append(
                {"code": "circular", "message": "circular sourcing: this page is cited by a page it leads to"}
            )
            self.emit("cycle", {"urls": hop.cycle})
            return
        if self.docs[idx].status != "pending":
            self._matched(hop)

    # -- in a worker thread: fetch (or reuse), fall back to the archive, extract --------

    def _read(self, url: str, previous: dict | None, near: str | None) -> _Page:
        out = _Page(results=[], previous=previous)
        if previous and previous["age"] < self.settings.cache_ttl:
            out.body, out.content_type, out.final_url = (
                previous["body"],
                previous["content_type"],
                previous["final_url"],
            )
            out.sha256, out.from_cache = previous["sha256"], True
        elif self.robots is not None and not self.robots.allowed(url):
            out.blocked = True
            out.error = {
                "code": "blocked",
                "message": f"robots.txt of {host_and_port(url)} does not allow fetching {url}",
            }
        else:
            headers = {}
            if previous and previous.get("etag"):
                headers["If-None-Match"] = previous["etag"]
            if previous and previous.get("last_modified"):
                headers["If-Modified-Since"] = previous["last_modified"]
            with self.gate.slot(host_and_port(url)):
                result = self.pages.fetch(url, headers=headers) if headers else self.pages.fetch(url)
            out.results.append(result)
            if result.ok and result.status == 304:  # unchanged since the copy we hold
                out.body, out.content_type, out.sha256 = previous["body"], previous["content_type"], previous["sha256"]
                out.final_url = result.final_url or url
            elif result.ok:
                out.body, out.content_type, out.final_url, out.sha256 = (
                    result.body,
                    result.content_type,
                    result.final_url,
                    result.sha256,
                )
            else:
                out.error = {"code": result.error_code, "message": result.error}
        if out.body is not None:
            self._extract(out, url)
        if out.page is None and out.error and out.error["code"] in ARCHIVE_ON:
            self._from_archive(out, url, near)
        return out

    def _extract(self, out: _Page, url: str):
        html = FetchResult(url=url, body=out.body, content_type=out.content_type).html()
        try:
            out.page = extract(html, out.final_url or url)
            out.error = None
        except HeadwaterError as error:
            out.page, out.error = None, {"code": error.code, "message": error.message}

    def _from_archive(self, out: _Page, url: str, near: str | None):
        snapshot = self.wayback.closest(url, near)
        if snapshot is None:
            return
        with self.gate.slot(host_and_port(snapshot.url)):
            result = self.pages.fetch(snapshot.url)
        out.results.append(result)
        if not result.ok:
            return
        first_error = out.error
        out.body, out.content_type, out.sha256 = result.body, result.content_type, result.sha256
        out.final_url, out.from_cache = url, False  # the page it stands for, not the archive's address
        self._extract(out, url)
        if out.page is not None:
            out.archived = snapshot
            out.error = None
        else:
            out.error = first_error

    # -- back in the calling thread ------------------------------------------------------

    def _drain_log(self):
        for result in self.robots.take_fetches() if self.robots is not None else ():
            store.log_result(self.db, result, body_kept=False)
        while True:
            try:
                kind, result = self.log.get_nowait()
            except queue.Empty:
                return
            self.fetch_ids[id(result)] = store.log_result(self.db, result, body_kept=kind == "page")

    def _finished(self, what: tuple, outcome):
        self._drain_log()
        if what[0] == "search":
            self._found(what[1], outcome)
            return
        doc = self.docs[what[1]]
        page: _Page = outcome
        if page.results:
            doc.fetch_id = self.fetch_ids.get(id(page.results[-1]))
        doc.from_cache = page.from_cache
        doc.archived = page.archived
        if page.previous and page.sha256 and page.previous["sha256"] != page.sha256:
            doc.changed = {
                "previous_sha256": page.previous["sha256"],
                "previous_fetched_at": page.previous["fetched_at"],
            }
        if page.page is None:
            self._not_read(doc, "blocked" if page.blocked else "failed", page.error)
            return
        extracted = page.page
        doc.final_url = page.final_url or doc.url
        doc.canonical_url, doc.title, doc.site = extracted.canonical_url, extracted.title, extracted.site
        doc.author, doc.published, doc.text, doc.links = (
            extracted.author,
            extracted.published,
            extracted.text,
            extracted.links,
        )
        doc.sha256 = page.sha256
        outlet = self.gazetteer.by_domain(doc.url) or (self.gazetteer.lookup(doc.site) if doc.site else None)
        doc.outlet = outlet.name if outlet else None
        if doc.agent is None:
            doc.agent = (outlet.name, outlet.kind) if outlet else (doc.title or doc.url, "document")
        # The same page under another address (its canonical URL): one page, read once.
        for url in (doc.final_url, doc.canonical_url):
            if url and url_key(url) in self.seen and self.seen[url_key(url)] != doc.idx:
                other = self.seen[url_key(url)]
                doc.status = "failed"
                doc.error = {"code": "duplicate", "message": f"the same page as {self.docs[other].url}"}
                for hop in self._hops_into(doc.idx):
                    self._link(hop, other)
                return
            if url:
                self.seen[url_key(url)] = doc.idx
        try:
            doc.attributions = workers.attribute(self.attributor, extracted, doc.final_url)
        except HeadwaterError as error:  # over the analysis budget ("too_complex"): this page only
            if doc.fetch_id is not None:
                store.mark_fetch_failed(self.db, doc.fetch_id, error.code, error.message)
            self._not_read(doc, "failed", {"code": error.code, "message": error.message})
            return
        except Exception as error:  # one page the analysis fails on must not end the whole follow
            log.exception("Analysis failed on %s", doc.url)
            message = analysis_failed_message(error)
            if doc.fetch_id is not None:
                store.mark_fetch_failed(self.db, doc.fetch_id, "internal", message)  # the log must not say "ok"
            self._not_read(doc, "failed", {"code": "internal", "message": message})
            return
        doc.status = "traced"
        self.emit(
            "page",
            {"url": doc.url, "status": "traced", "title": doc.title, "archived": doc.archived_dict(), **self._counts()},
        )
        for hop in self._hops_into(doc.idx):
            self._matched(hop)

    def _not_read(self, doc: Doc, status: str, error: dict | None):
        doc.status, doc.error = status, error
        for hop in self._hops_into(doc.idx):
            hop.status = status
        self.emit("page", {"url": doc.url, "status": status, "error": error, **self._counts()})

    def _hops_into(self, idx: int) -> list[Hop]:
        return [h for h in self.hops if h.to_doc == idx and h.status in ("pending", "followed")]

    def _matched(self, hop: Hop):
        """Compare the citing passages with the cited page; follow what the matched passage rests on."""
        cited, citing = self.docs[hop.to_doc], self.docs[hop.from_doc]
        if cited.status != "traced":
            hop.status = cited.status
            return
        hop.status = "followed"
        hop.matches = [passages.find(citing.text, s, e, cited.text) for s, e in hop.passages]
        best = hop.best
        if hop.kind == "news_index":  # a guess, weighed by how well the page carries the claim
            hop.confidence = (
                round(min(0.95, 0.4 * hop.confidence + 0.6 * best.score), 3)
                if best and best.verdict != "not_found"
                else round(hop.confidence * 0.5, 3)
            )
            cited.confidence = hop.confidence
        later = _day(cited.published)
        if later and _day(citing.published) and later > _day(citing.published):
            hop.flags.append(
                {
                    "code": "published_after",
                    "message": f"the cited page is dated {later}, after the page citing it ({_day(citing.published)})",
                }
            )
        for m in hop.matches:
            if m.cited:
                cited.cited.append(passages.sentence_at(cited.text, m.cited.start, m.cited.end))
        self.emit("hop", {"from": citing.url, "to": cited.url, "verdict": best.verdict if best else None})
        cited.relevant |= upstream.relevant(cited.attributions, cited.cited)
        self._plan(cited)

    # -- outlets named without a link ---------------------------------------------------------

    def _search_unresolved(self) -> bool:
        """Once no link is left to follow: look up outlets still without a page. True if any was sent."""
        resolved = {d.agent for d in self.docs if d.status == "traced"} | {("<page>", "page")}
        sent = False
        pending, self.searches = self.searches, []
        for search in pending:
            citing = self.docs[search["doc"]]
            outlet = self.gazetteer.get(search["outlet"][0])
            if search["outlet"] in resolved or outlet is None or not outlet.domains:
                continue
            if citing.depth >= self.settings.depth or len(self.docs) >= self.settings.max_pages:
                continue
            s, e = search["passages"][0]
            claim = citing.text[s:e]
            self.emit("searching", {"outlet": outlet.name})
            future = self.pool.submit(self._search, claim, outlet.domains, citing.published)
            self.futures[future] = ("search", {**search, "outlet_obj": outlet})
            resolved.add(search["outlet"])
            sent = True
        return sent

    def _search(self, claim: str, domains: tuple[str, ...], before: str | None):
        with self.gate.slot(host_and_port(self.settings.news_index_api)):
            return self.index.search(claim, domains, before)

    def _found(self, search: dict, candidates: list):
        citing = self.docs[search["doc"]]
        outlet = search["outlet_obj"]
        if not candidates:
            self.stopped.append({"url": None, "reason": f"no article of {outlet.name} found in the news index"})
            return
        best = candidates[0]
        self.emit("found", {"outlet": outlet.name, "url": best.url, "confidence": best.confidence})
        target = {
            "url": best.url,
            "kind": "news_index",
            "source": search["outlet"],
            "attribution": search["attribution"],
            "passages": search["passages"],
            "agent": search["outlet"],
        }
        self._follow(citing, target, kind="news_index", query=best.query, confidence=best.confidence)

    # -- the result -------------------------------------------------------------------------------

    def _counts(self) -> dict:
        done = sum(1 for d in self.docs if d.status != "pending")
        return {"done": done, "total": len(self.docs), "budget": self.settings.max_pages}

    def result(self) -> dict:
        graph = upstream.assemble(self.docs, self.hops)
        return {
            "state": "done",
            "error": None,
            "limits": self.limits(),
            "claim": {"start": self.claim_span[0], "end": self.claim_span[1]} if self.claim_span else None,
            "pages_fetched": sum(1 for d in self.docs if d.idx and d.status != "pending" and not d.from_cache),
            "documents": [d.to_dict() for d in self.docs],
            "hops": [h.to_dict() for h in self.hops],
            **graph,
            "stopped": self.stopped,
        }

    def new_documents(self) -> list[dict]:
        """The pages read in this follow, for the documents table (the traced page is stored already)."""
        return [
            {
                "idx": d.idx,
                "url": d.url,
                "final_url": d.final_url,
                "canonical_url": d.canonical_url,
                "title": d.title,
                "site": d.site,
                "author": d.author,
                "published": d.published,
                "sha256": d.sha256,
                "text": d.text,
                "fetch_id": d.fetch_id,
            }
            for d in self.docs
            if d.idx and d.status == "traced"
        ]


class _View:
    """A page seen through one batch of its attributions (what upstream.targets reads)."""

    def __init__(self, doc: Doc, relevant: set[int]):
        self._doc, self.relevant = doc, relevant

    def __getattr__(self, name):
        return getattr(self._doc, name)


def _day(iso: str | None) -> date | None:
    try:
        return date.fromisoformat(iso[:10]) if iso else None
    except (TypeError, ValueError):
        return None
