"""The fixture web of multi-hop tracing, mounted on local FixtureWeb servers (see fixtures/web/README.md).

Three hosts, all on 127.0.0.1 (so three politeness units): `main` serves most
pages plus the fake Wayback and news-index endpoints, `slow` answers late, and
`strict` has a robots.txt that disallows /private/. `delay` adds a wait to
every response (the benchmark's injected latency).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from headwater.evaluation.localweb import FixtureWeb, Response

WEB = Path(__file__).parents[1] / "fixtures" / "web"
SEED = Path(__file__).parents[1] / "fixtures" / "seed.html"
WSJ_URL = "https://www.wsj.com/articles/iran-supreme-leader-responds-to-obama-letter-1415577934"
SNAPSHOT_TIME = "20141104093000"


def page(name: str, bases: dict[str, str]) -> str:
    """An article file of fixtures/web rendered as a page."""
    head, body = (WEB / f"{name}.txt").read_text(encoding="utf-8").split("\n\n", 1)
    meta = dict(line.split(": ", 1) for line in head.splitlines())
    published = datetime.fromisoformat(meta["published"])
    template = (WEB / "_page.html").read_text(encoding="utf-8")
    return template.format(body=body.format(**bases), published_human=published.strftime("%B %d, %Y"), **meta)


class Web:
    """The three hosts and the URLs of the pages on them."""

    def __init__(self, *, delay: float = 0.0, slow_delay: float = 5.0):
        self.main, self.slow, self.strict = FixtureWeb(), FixtureWeb(), FixtureWeb()
        self.delay = delay
        bases = {"main": self.main.base, "slow": self.slow.base, "strict": self.strict.base}
        add = self._add
        self.wsj = add(
            self.main, "/wsj/articles/iran-supreme-leader-responds-to-obama-letter-1415577934", page("wsj", bases)
        )
        self.asharq = add(self.main, "/aawsat/2014/11/khoram-interview", page("asharq", bases))
        self.seed = add(
            self.main,
            "/blog/2014/11/iranian-official-confirms-obama-letter",
            SEED.read_text(encoding="utf-8").replace(WSJ_URL, self.wsj),
        )
        self.roundup = add(self.main, "/desk/water-tariffs", page("roundup", bases))
        self.gone = add(self.main, "/gone/tariffs", Response("gone", status=404))
        self.snapshot = add(self.main, f"/web/{SNAPSHOT_TIME}id_/{self.gone}", page("archived", bases))
        self.loop = add(self.main, "/loop/a", Response(status=302, headers={"Location": "/loop/b"}))
        add(self.main, "/loop/b", Response(status=302, headers={"Location": "/loop/a"}))
        self.cycle_a = add(self.main, "/cycle/a", page("cycle_a", bases))
        self.cycle_b = add(self.main, "/cycle/b", page("cycle_b", bases))
        self.copy = add(self.main, "/copy/cost", page("copy", bases))
        self.original = add(self.main, "/original/bills", page("original", bases))
        self.reuters = add(self.main, "/reuters/reservoir-budget", page("reuters", bases))
        self.wayback_api = self.main.add("/wayback/available", self._wayback)
        self.news_index_api = self.main.add("/newsindex", self._news_index)
        self.reservoir = add(self.slow, "/reservoir", Response(page("archived", bases), delay=slow_delay))
        self.strict.add(
            "/robots.txt", Response("User-agent: *\nDisallow: /private/\n", headers={"Content-Type": "text/plain"})
        )
        self.private = add(self.strict, "/private/warning", page("archived", bases))
        self.index_queries: list[dict] = []

    def _add(self, server: FixtureWeb, path: str, response) -> str:
        if isinstance(response, str):
            response = Response(response)
        if self.delay and isinstance(response, Response):
            response.delay = max(response.delay, self.delay)
        return server.add(path, response)

    def _wayback(self, handler) -> Response:
        """The availability API: a snapshot of the dead Guardian page only."""
        asked = parse_qs(urlsplit(handler.path).query).get("url", [""])[0]
        closest = {}
        if asked == self.gone:
            closest = {
                "closest": {
                    "available": True,
                    "status": "200",
                    "timestamp": SNAPSHOT_TIME,
                    "url": f"{self.main.base}/web/{SNAPSHOT_TIME}/{self.gone}",
                }
            }
        return Response(
            json.dumps({"url": asked, "archived_snapshots": closest}),
            headers={"Content-Type": "application/json"},
            delay=self.delay,
        )

    def _news_index(self, handler) -> Response:
        """GDELT DOC API-shaped answers: Reuters' article on the reservoir budget."""
        query = parse_qs(urlsplit(handler.path).query)
        self.index_queries.append(query)
        articles = []
        if "domain:reuters.com" in query.get("query", [""])[0]:
            articles = [
                {
                    "url": self.reuters,
                    "title": "Port Ellery reservoir repair budget doubles",
                    "seendate": "20141104T150000Z",
                    "domain": "reuters.com",
                    "language": "English",
                },
                {
                    "url": f"{self.main.base}/elsewhere",
                    "title": "Reservoir budget doubles",
                    "seendate": "20141104T150000Z",
                    "domain": "example.org",
                    "language": "English",
                },
            ]
        return Response(
            json.dumps({"articles": articles}), headers={"Content-Type": "application/json"}, delay=self.delay
        )

    def start(self) -> Web:
        for server in (self.main, self.slow, self.strict):
            server.start()
        return self

    def stop(self):
        for server in (self.main, self.slow, self.strict):
            server.stop()

    def requested(self, url: str) -> bool:
        parts = urlsplit(url)
        server = next(s for s in (self.main, self.slow, self.strict) if s.base.endswith(parts.netloc))
        return any(path == parts.path for _, path, _ in server.requests)
