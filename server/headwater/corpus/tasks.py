"""What a worker does with one partition: read or fetch its pages, analyse each, write the rows.

`run_partition(part, config, out)` is the task of `headwater corpus run`; it returns
a few counts, never the rows (they go to the partition's Parquet files).
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field

from headwater.corpus import output
from headwater.corpus.inputs import Page, Partition, Problem, page_id, records
from headwater.corpus.pipeline import Gazetteer, analyse, worker_attributor
from headwater.errors import HeadwaterError, NoText, TooComplex
from headwater.settings import FetchSettings, FollowSettings
from headwater.urls import host_and_port, host_of

FORM = "verb"  # how an attribution cites, when a trace gives no form (one stored before forms)


@dataclass(frozen=True)
class RunConfig:
    """What the client decides for every worker (a real cluster's workers have their own environment)."""

    fetch: FetchSettings = field(default_factory=FetchSettings)
    allow_private: bool = False
    follow: FollowSettings | None = None
    politeness_delay: float = 1.0
    respect_robots: bool = True

    @classmethod
    def from_env(cls, follow: FollowSettings | None = None) -> RunConfig:
        from headwater.fetch.client import private_allowed_by_env

        settings = follow or FollowSettings.from_env()
        return cls(
            FetchSettings.from_env(),
            private_allowed_by_env(),
            follow,
            settings.politeness_delay,
            settings.respect_robots,
        )


REPORT_EVERY = 2.0  # seconds between two progress reports of a running partition


def run_partition(part: Partition, config: RunConfig, out: str, topic: str | None = None) -> dict:
    """Analyse one partition into OUT; the counts of what it wrote. `topic`: the client's progress
    topic, told the pages analysed so far every REPORT_EVERY seconds."""
    started = last = time.monotonic()
    writer = output.PartitionWriter(out, part.id)
    analyser = _Analyser(part, config, writer)
    try:
        where = {"fraction": 0.0}
        items = _fetched(part, config, where) if part.kind == "urls" else records(part, config.fetch.max_bytes, where)
        for item in items:
            analyser.take(item)
            if topic and time.monotonic() - last >= REPORT_EVERY:
                last = time.monotonic()
                _report(topic, part.id, writer.counts["pages"], where["fraction"])
        counts = writer.commit()
    except BaseException:
        writer.abort()
        analyser.close()
        raise
    analyser.close()
    return {
        "partition": part.id,
        "pages": counts["pages"],
        "attributions": counts["attributions"],
        "errors": counts["errors"],
        "seconds": time.monotonic() - started,
        "pid": os.getpid(),
    }


def _report(topic: str, partition: str, pages: int, fraction: float) -> None:
    from distributed import get_worker

    try:
        get_worker().log_event(topic, {"partition": partition, "pages": pages, "fraction": min(1.0, fraction)})
    except ValueError:  # not on a worker
        pass


class _Analyser:
    def __init__(self, part: Partition, config: RunConfig, writer: output.PartitionWriter):
        self.part, self.config, self.writer = part, config, writer
        self.attributor = worker_attributor()
        self.gazetteer = Gazetteer.default()
        self._tracer = None
        self._scratch = None

    def take(self, item: Page | Problem) -> None:
        if isinstance(item, Problem):
            self.writer.add("errors", [self._error(item)])
            return
        try:
            result = analyse(self.attributor, _html(item), item.final_url or item.url)
            upstream = self._follow(item) if self.config.follow else None
        except NoText as error:
            reason = _no_text_reason(error.message)
            self.writer.add(
                "errors",
                [self._error(Problem(self._input(item), self._where(item), reason, error.message, {"url": item.url}))],
            )
            return
        except TooComplex as error:  # over the analysis budget: its worker process was replaced
            self.writer.add(
                "errors",
                [
                    self._error(
                        Problem(self._input(item), self._where(item), error.code, error.message, {"url": item.url})
                    )
                ],
            )
            return
        except Exception as error:  # one bad page must not end a corpus
            self.writer.add(
                "errors",
                [
                    self._error(
                        Problem(
                            self._input(item),
                            self._where(item),
                            "analysis_failed",
                            f"the analysis failed: {type(error).__name__}: {error}",
                            {"url": item.url},
                        )
                    )
                ],
            )
            return
        pages, attributions, citations = page_rows(item, result, self.gazetteer, self.part.id, upstream)
        self.writer.add("pages", pages)
        self.writer.add("attributions", attributions)
        self.writer.add("citations", citations)

    def _follow(self, item: Page) -> dict | None:
        """With --follow: the page traced upstream (trace's own follow, on a scratch store)."""
        if not item.url or not item.url.lower().startswith(("http://", "https://")):
            return None
        tracer = self._follow_tracer()
        trace = tracer.trace(item.final_url or item.url, html=_html(item), follow=self.config.follow).to_dict()
        follow = trace.get("follow") or {}
        return {
            "upstream_pages": sum(d["status"] == "traced" for d in follow.get("documents", [])),
            "primary_sources": [p["name"] for p in follow.get("primary_sources", [])],
        }

    def _follow_tracer(self):
        if self._tracer is None:
            from headwater.fetch.client import Fetcher
            from headwater.fetch.politeness import Manners
            from headwater.store import open_db
            from headwater.tracing.follower import data_fetcher
            from headwater.tracing.tracer import Tracer

            fetcher = Fetcher(self.config.fetch, allow_private=self.config.allow_private)
            self._scratch = tempfile.TemporaryDirectory(prefix="headwater-follow-")
            db = open_db(os.path.join(self._scratch.name, "follow.db"))
            self._tracer = Tracer(
                db,
                fetcher=fetcher,
                attributor=self.attributor,
                manners=Manners.of(self.config.follow, data_fetcher(fetcher)),
            )
        return self._tracer

    def close(self) -> None:
        if self._tracer is not None:
            self._tracer.db.close()
            self._scratch.cleanup()
            self._tracer = self._scratch = None

    def _input(self, item: Page) -> str:
        return self.part.input if item.record_kind != "fetched" else (self.part.input or "URL list")

    @staticmethod
    def _where(item: Page) -> str:
        if item.record_kind == "warc":
            return f"offset {item.record_offset}"
        return item.record_file or item.url or ""

    def _error(self, problem: Problem) -> dict:
        return {
            "input": problem.input,
            "record": problem.record,
            "url": problem.extra.get("url"),
            "reason": problem.reason,
            "message": problem.message,
            "partition": self.part.id,
        }


def _no_text_reason(message: str) -> str:
    if "binary data" in message or "decompress" in message or "cannot be decoded" in message:
        return "undecodable"
    if "not HTML" in message or "not an HTML page" in message:
        return "not_html"
    return "no_text"


def _html(item: Page) -> str | bytes:
    """The page as trace reads it: text by the header's charset when the record names one, else the
    bytes (extract reads <meta charset> and refuses binary data)."""
    if item.content_type and "charset" in item.content_type.lower():
        from headwater.fetch.charset import decode_html

        return decode_html(item.body, item.content_type)
    return item.body


def page_rows(item: Page, result: dict, gazetteer, partition: str, upstream: dict | None = None):
    """The pages, attributions and citations rows of one analysed page."""
    pid = item.page_id
    final_url = result["final_url"]
    outlet = _page_outlet(gazetteer, final_url, result["site"])
    attributions = result["attributions"]
    page = {
        "page_id": pid,
        "url": item.url,
        "final_url": final_url,
        "site": result["site"] or host_of(final_url) or None,
        "outlet": outlet,
        "title": result["title"],
        "published": result["published"],
        "record_kind": item.record_kind,
        "record_file": item.record_file,
        "record_offset": item.record_offset,
        "n_attributions": len(attributions),
        "partition": partition,
        "upstream_pages": upstream["upstream_pages"] if upstream else None,
        "primary_sources": upstream["primary_sources"] if upstream else [p["name"] for p in result["primary_sources"]],
    }
    rows = []
    for idx, a in enumerate(attributions):
        content = a["content"] or {}
        rows.append(
            {
                "page_id": pid,
                "idx": idx,
                "source_name": a["source"]["name"],
                "source_kind": a["source"]["kind"],
                "source_role": a["source"]["role"],
                "source_reporter": a["source"].get("reporter"),
                "cue_text": a["cue"]["text"],
                "cue_start": a["cue"]["start"],
                "cue_end": a["cue"]["end"],
                "content_text": content.get("text"),
                "content_start": content.get("start"),
                "content_end": content.get("end"),
                "via_name": (a["via"] or {}).get("name"),
                "via_kind": (a["via"] or {}).get("kind"),
                "relayed_by": a["relayed_by"],
                "link": a["link"],
                "form": a.get("form") or FORM,
                "own_site": bool(a.get("own_site")),
                "confidence": a["confidence"],
            }
        )
    citations = []
    for edge in result["edges"]:
        if edge["from"] is not None:  # a hop further up (relayed, via a medium): not the page's own citation
            continue
        name, kind = edge["to"]
        a = attributions[edge["attribution"]]
        own = (a["source"]["name"], a["source"]["kind"]) == (name, kind)
        link = a["link"] if own else None
        cited = name if kind == "outlet" else None
        if cited is None and link:
            found = gazetteer.by_domain(link)
            cited = found.name if found else None
        citations.append(
            {
                "page_id": pid,
                "attribution_idx": edge["attribution"],
                "relation": edge["relation"],
                "page_site": page["site"],
                "page_outlet": outlet,
                "published": result["published"],
                "source_name": name,
                "source_kind": kind,
                "source_site": host_of(link) or None if link else None,
                "source_outlet": cited,
                "form": a.get("form") or FORM,
                "own_site": bool(a.get("own_site")),
            }
        )
    return [page], rows, citations


def _page_outlet(gazetteer, final_url: str | None, site: str | None) -> str | None:
    """The page's outlet: the gazetteer's by the page's domain or site name; else its site name or host
    (an outlet missing from the gazetteer is still an outlet)."""
    found = (gazetteer.by_domain(final_url) if final_url else None) or (gazetteer.lookup(site) if site else None)
    if found:
        return found.name
    return site or host_of(final_url) or None


# -- URL lists: fetched politely, one host at a time -------------------------------------


def _fetched(part: Partition, config: RunConfig, where: dict):
    """The partition's URLs fetched in order, each host's requests one at a time and
    `politeness_delay` apart (a host's URLs are all in this partition), robots.txt obeyed."""
    from headwater.fetch.client import Fetcher
    from headwater.fetch.politeness import HostGate, Robots
    from headwater.tracing.follower import data_fetcher

    fetcher = Fetcher(config.fetch, allow_private=config.allow_private)
    gate = HostGate(1, config.politeness_delay)
    robots = Robots(data_fetcher(fetcher), gate) if config.respect_robots else None
    source = part.input or "URL list"
    try:
        for index, url in enumerate(part.items):
            where["fraction"] = (index + 1) / len(part.items)
            try:
                fetcher.validate_url(url)
            except HeadwaterError as error:
                yield Problem(source, url, error.code, f"{url}: {error.message}", {"url": url})
                continue
            if robots is not None and not robots.allowed(url):
                robots.take_fetches()
                yield Problem(
                    source,
                    url,
                    "blocked",
                    f"{url}: robots.txt of {host_and_port(url)} does not allow fetching it",
                    {"url": url},
                )
                continue
            with gate.slot(host_and_port(url)):
                result = fetcher.fetch(url)
            if not result.ok:
                yield Problem(source, url, result.error_code, f"{url}: {result.error}", {"url": url})
                continue
            yield Page(
                page_id(f"url:{url}"),
                url,
                result.body,
                result.content_type,
                "fetched",
                None,
                final_url=result.final_url or url,
            )
    finally:
        fetcher.close()
