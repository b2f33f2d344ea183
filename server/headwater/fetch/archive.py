"""The Wayback Machine as a fallback for dead, blocked or paywalled cited pages.

The availability API (https://archive.org/help/wayback_api.php) answers
{"archived_snapshots": {"closest": {"available": true, "url", "timestamp", "status"}}}
for the snapshot closest to a date. The snapshot is then fetched in its
original form (the "id_" flag: no Wayback toolbar, links as the page had them).
The API's base URL is a setting, so tests point it at a fake endpoint.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from headwater.fetch.client import Fetcher

_SNAPSHOT = re.compile(r"/web/(\d{14})/")


@dataclass
class Snapshot:
    url: str  # the snapshot, in its original form
    timestamp: str  # YYYYMMDDhhmmss, as the archive gives it

    @property
    def date(self) -> str:
        t = self.timestamp
        return f"{t[0:4]}-{t[4:6]}-{t[6:8]}"


class Wayback:
    def __init__(self, fetcher: Fetcher, api: str):
        self.fetcher, self.api = fetcher, api
        self.fetches: list = []  # FetchResults, for the fetch log

    def closest(self, url: str, near: str | None = None) -> Snapshot | None:
        """The snapshot of `url` closest to the date `near` (ISO), or None if there is none."""
        query = {"url": url}
        if near and re.match(r"\d{4}-\d{2}-\d{2}", near):
            query["timestamp"] = near[:10].replace("-", "")
        result = self.fetcher.fetch(f"{self.api}?{urlencode(query)}")
        self.fetches.append(result)
        if not result.ok:
            return None
        try:
            closest = json.loads(result.body)["archived_snapshots"]["closest"]
        except (ValueError, KeyError, TypeError):
            return None
        if not closest or not closest.get("available") or str(closest.get("status", "200")) != "200":
            return None
        snapshot, timestamp = closest.get("url"), str(closest.get("timestamp", ""))
        if not snapshot or not re.fullmatch(r"\d{14}", timestamp):
            return None
        return Snapshot(_SNAPSHOT.sub(lambda m: f"/web/{m.group(1)}id_/", snapshot, count=1), timestamp)
