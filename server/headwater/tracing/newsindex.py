"""Finding the article an outlet is said to have published, when the page does not link it.

"The Wall St. Journal reported on Sunday that..." names an outlet and a claim but
no URL. We ask a news index (GDELT's DOC 2.0 API, or anything answering in its
shape: {"articles": [{"url", "title", "seendate", "domain"}]}) for articles of
the outlet's domains with the claim's words, in a window of days before the
citing page. Every answer is a candidate with a confidence and the query that
found it: a guess, never a certainty.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from headwater.fetch.client import Fetcher
from headwater.tracing.passages import STOPWORDS, tokens

MAX_QUERY_WORDS = 6
MAX_CONFIDENCE = 0.6  # before the candidate's text is compared with the claim


@dataclass
class Candidate:
    url: str
    title: str
    domain: str
    seen: str | None  # the index's date for it
    query: str  # the query, as sent
    confidence: float


class NewsIndex:
    def __init__(self, fetcher: Fetcher, api: str, days: int = 7):
        self.fetcher, self.api, self.days = fetcher, api, days
        self.fetches: list = []

    def query_for(self, claim: str, domains: tuple[str, ...]) -> str:
        words = []
        for t in tokens(claim):
            word = claim[t.start : t.end]
            if t.norm not in STOPWORDS and len(word) > 3 and word.lower() not in words:
                words.append(word.lower())
        words = sorted(words, key=len, reverse=True)[:MAX_QUERY_WORDS]
        sites = " OR ".join(f"domain:{d}" for d in domains)
        return " ".join(words) + (f" ({sites})" if len(domains) > 1 else f" {sites}")

    def search(self, claim: str, domains: tuple[str, ...], before: str | None) -> list[Candidate]:
        """Candidates for the outlet's article carrying `claim`, best first (empty when the index fails)."""
        if not domains:
            return []
        query = self.query_for(claim, domains)
        params = {"query": query, "mode": "artlist", "format": "json", "maxrecords": 10, "sort": "hybridrel"}
        end = _day(before)
        if end:
            params["startdatetime"] = (end - timedelta(days=self.days)).strftime("%Y%m%d000000")
            params["enddatetime"] = end.strftime("%Y%m%d235959")
        result = self.fetcher.fetch(f"{self.api}?{urlencode(params)}")
        self.fetches.append(result)
        if not result.ok:
            return []
        try:
            articles = json.loads(result.body).get("articles") or []
        except (ValueError, AttributeError):
            return []
        claim_words = {t.norm for t in tokens(claim) if t.norm not in STOPWORDS}
        candidates = []
        for article in articles:
            domain = str(article.get("domain", "")).lower()
            if not article.get("url") or not any(domain == d or domain.endswith("." + d) for d in domains):
                continue
            title = str(article.get("title", ""))
            title_words = {t.norm for t in tokens(title) if t.norm not in STOPWORDS}
            overlap = len(title_words & claim_words) / max(1, len(title_words))
            # Half for being the outlet's article in the window, the rest for a title on the subject.
            confidence = round(min(MAX_CONFIDENCE, 0.3 + 0.4 * overlap), 3)
            candidates.append(Candidate(article["url"], title, domain, article.get("seendate"), query, confidence))
        return sorted(candidates, key=lambda c: -c.confidence)


def _day(iso: str | None) -> date | None:
    try:
        return date.fromisoformat(iso[:10]) if iso else None
    except ValueError:
        return None
