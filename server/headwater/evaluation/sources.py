"""Score Headwater's source lists against the hand-written gold in bench/gold/sources.

A gold file (one per page, bench/gold/sources/<sha>.json) lists every source the article
relies on: {"name", "kind": outlet|person|organization|document|social|anonymous,
"form": verb|link|credit|embed, "url", "aliases", "own_site", "also_forms"}.
Headwater's side is the JSON of `headwater trace --html FILE --url URL --json`: each of
its "attributions" has "source": {"name", "kind", ...}, an optional "link", an optional
"form" (absent: "verb") and an optional "own_site".

Distinct sources. Predicted attributions are grouped by normalised name into one source
each: its kind is the kind most of them give, its links are all their links, its form the
strongest of their forms (verb > link > credit > embed), own_site if any says so.

Names are compared after normalisation: Unicode diacritics dropped, lower case, curly
quotes straightened, a parenthesised part dropped ("Centre for Disease Control (CDC)"),
a possessive 's dropped, punctuation turned to spaces, a leading "the"
and a leading "@" dropped, a leading courtesy or office title (Dr, Mr, Rep, Sen, ...)
dropped, spaces collapsed.

A predicted source matches a gold source when
  1. its normalised name equals the gold name or one of the gold aliases, or
  2. one of its links is the gold URL (same_page: equal under headwater.urls.url_key, or
     the same host and path, the query and fragment left out), or
  3. the gold source is a person with a full name and the predicted name is the gold's last
     name (suffixes Jr, Sr, II, III ignored), or has the gold's first and last names with
     middle names or initials left out or added, or
  4. the gold source is an outlet and one of the predicted links is on the gold URL's
     registrable domain (headwater.urls.domain_of), platforms and archives excepted
     (twitter.com, youtube.com, archive.ph, ...: a domain there is not an outlet's).
Matching is one-to-one per page: each predicted distinct source is matched to at most one
gold source and each gold source to at most one prediction (a maximum matching, stronger
rules tried first). Kinds need not agree for a match.

The page's own outlet is no outside source, on either side: gold entries with own_site
true; predicted sources with own_site true, or named as the page's outlet (gold "outlet",
or the trace's "site" unless the gold lists an outside source of that name: a syndicated
page's site name is often the wire's), or an outlet/document/social source whose only links are on the
page's own registrable domain. They are scored apart, in the "own-site" row only.

Categories (counts pooled over all pages, then recall = matched gold / gold, precision =
matched predicted / predicted):
  outlets                          gold kind outlet       / predicted kind outlet
  people+organisations             person, organization   / person, organization
  documents+social                 document, social       / document, social
  form <f>                         recall over gold sources of form f; precision over
                                   predicted sources of form f (absent form: verb)
  all sources                      every distinct outside source of any kind: the
                                   precision here is the noise measure
Anonymous sources count only in the all-sources row (and the form rows leave them out too).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from headwater.urls import domain_of, host_of, url_key

FORMS = ("verb", "link", "credit", "embed")
FORM_RANK = {form: rank for rank, form in enumerate(FORMS)}  # lower is stronger
PEOPLE_ORGS = frozenset({"person", "organization"})
DOCS_SOCIAL = frozenset({"document", "social"})
PLATFORMS = frozenset(
    {
        "twitter.com",
        "x.com",
        "t.co",
        "youtube.com",
        "youtu.be",
        "facebook.com",
        "instagram.com",
        "tiktok.com",
        "reddit.com",
        "bsky.app",
        "mastodon.social",
        "linkedin.com",
        "threads.net",
        "archive.ph",
        "archive.is",
        "archive.today",
        "archive.org",
        "google.com",
        "medium.com",
    }
)
_TITLES = re.compile(r"^(?:dr|mr|mrs|ms|prof|sir|dame|rep|sen|gov|president|rev|lord|lady)\s+")
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def normalize(name: str | None) -> str:
    """A name in its comparable form: 'The Tampa Bay Times’s' -> 'tampa bay times'."""
    return _normalize(name, drop_parenthesis=True) or _normalize(name, drop_parenthesis=False)


def _normalize(name: str | None, drop_parenthesis: bool) -> str:
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("’", "'").replace("‘", "'")
    if drop_parenthesis:
        text = re.sub(r"\([^)]*(?:\)|$)", " ", text)
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"[^\w\s]|_", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"^the\s+", "", text)
    return _TITLES.sub("", text)


def _name_tokens(name: str) -> list[str]:
    tokens = normalize(name).split()
    while tokens and tokens[-1] in _SUFFIXES:
        tokens.pop()
    return tokens


@dataclass
class GoldSource:
    name: str
    kind: str
    form: str
    url: str | None = None
    aliases: list[str] = field(default_factory=list)
    own_site: bool = False
    also_forms: list[str] = field(default_factory=list)


@dataclass
class GoldPage:
    page: str
    url: str
    outlet: str
    genre: str
    sources: list[GoldSource]
    notes: list[str] = field(default_factory=list)


@dataclass
class Predicted:
    """One distinct source in Headwater's output for a page."""

    name: str
    kind: str
    form: str
    links: list[str] = field(default_factory=list)
    own_site: bool = False


def gold_page(data: dict) -> GoldPage:
    sources = [
        GoldSource(
            name=s["name"],
            kind=s["kind"],
            form=s.get("form") or "verb",
            url=s.get("url"),
            aliases=list(s.get("aliases") or []),
            own_site=bool(s.get("own_site")),
            also_forms=list(s.get("also_forms") or []),
        )
        for s in data.get("sources", [])
    ]
    return GoldPage(
        page=data["page"],
        url=data["url"],
        outlet=data.get("outlet", ""),
        genre=data.get("genre", ""),
        sources=sources,
        notes=list(data.get("notes") or []),
    )


def load_gold(directory: str | Path) -> dict[str, GoldPage]:
    """Every gold file in a folder, by page sha."""
    pages = {}
    for path in sorted(Path(directory).glob("*.json")):
        page = gold_page(json.loads(path.read_text(encoding="utf-8")))
        pages[page.page] = page
    return pages


def distinct_predicted(trace: dict) -> list[Predicted]:
    """Headwater's attributions, one entry per distinct (normalised) source name."""
    groups: dict[str, list[dict]] = {}
    for attribution in trace.get("attributions") or []:
        source = attribution.get("source") or {}
        key = normalize(source.get("name"))
        if key:
            groups.setdefault(key, []).append(attribution)
    predicted = []
    for items in groups.values():
        kinds = Counter((a.get("source") or {}).get("kind") or "unknown" for a in items)
        forms = [a.get("form") or "verb" for a in items]
        links = []
        for a in items:
            if a.get("link") and a["link"] not in links:
                links.append(a["link"])
        predicted.append(
            Predicted(
                name=items[0]["source"]["name"],
                kind=kinds.most_common(1)[0][0],
                form=min(forms, key=lambda f: FORM_RANK.get(f, len(FORMS))),
                links=links,
                own_site=any(a.get("own_site") for a in items),
            )
        )
    return predicted


def same_page(a: str, b: str) -> bool:
    """Two URLs of one page: equal under headwater.urls.url_key, or the same host and path
    with the query and fragment left out (https://twitter.com/x/status/1?ref_src=twsrc)."""
    if url_key(a) == url_key(b):
        return True
    sa, sb = urlsplit(a.strip()), urlsplit(b.strip())
    return bool(sa.hostname) and (host_of(a).removeprefix("www."), sa.path.rstrip("/")) == (
        host_of(b).removeprefix("www."),
        sb.path.rstrip("/"),
    )


def _match_strength(gold: GoldSource, pred: Predicted) -> int:
    """How a prediction matches a gold source: 4 name/alias, 3 URL, 2 person name, 1 domain, 0 none."""
    name = normalize(pred.name)
    if name and name in {normalize(n) for n in [gold.name, *gold.aliases]}:
        return 4
    if gold.url and any(same_page(link, gold.url) for link in pred.links):
        return 3
    if gold.kind == "person" and name:
        pred_tokens = _name_tokens(pred.name)
        for full in [gold.name, *gold.aliases]:
            tokens = _name_tokens(full)
            if len(tokens) >= 2 and (
                pred_tokens == tokens[-1:]
                or (len(pred_tokens) >= 2 and pred_tokens[0] == tokens[0] and pred_tokens[-1] == tokens[-1])
            ):
                return 2
    if gold.kind == "outlet" and gold.url:
        domain = domain_of(gold.url)
        if domain and domain not in PLATFORMS and any(domain_of(link) == domain for link in pred.links):
            return 1
    return 0


def match(gold: list[GoldSource], predicted: list[Predicted]) -> dict[int, int]:
    """A one-to-one matching {predicted index: gold index}, as large as possible, stronger edges tried first."""
    edges = {
        p: sorted(((s, g) for g, gs in enumerate(gold) if (s := _match_strength(gs, ps))), reverse=True)
        for p, ps in enumerate(predicted)
    }
    gold_to_pred: dict[int, int] = {}

    def augment(p: int, seen: set[int]) -> bool:
        for _, g in edges[p]:
            if g in seen:
                continue
            seen.add(g)
            if g not in gold_to_pred or augment(gold_to_pred[g], seen):
                gold_to_pred[g] = p
                return True
        return False

    # strongest candidates first, so that a name match is not taken by a weaker rival
    for p in sorted(edges, key=lambda p: -(edges[p][0][0] if edges[p] else 0)):
        augment(p, set())
    return {p: g for g, p in gold_to_pred.items()}


def is_own(pred: Predicted, page: GoldPage, site: str | None = None) -> bool:
    """Whether a predicted source is the page's own outlet (left out of the outside sources)."""
    if pred.own_site:
        return True
    # A syndicated page's site name is often the wire's ("Associated Press" on timesunion.com):
    # the site name counts as the page's own only when the gold lists no outside source so named.
    outside = {normalize(n) for s in page.sources if not s.own_site for n in [s.name, *s.aliases]}
    own_names = {normalize(page.outlet)} | ({normalize(site)} - outside) - {""}
    if normalize(pred.name) in own_names:
        return True
    domain = domain_of(page.url)
    if pred.kind in ("outlet", "document", "social", "unknown") and pred.links and domain:
        return all(domain_of(link) == domain for link in pred.links)
    return False


@dataclass
class Cell:
    gold: int = 0
    gold_hit: int = 0
    pred: int = 0
    pred_hit: int = 0

    def add(self, other: Cell) -> None:
        self.gold += other.gold
        self.gold_hit += other.gold_hit
        self.pred += other.pred
        self.pred_hit += other.pred_hit

    @property
    def recall(self) -> float | None:
        return self.gold_hit / self.gold if self.gold else None

    @property
    def precision(self) -> float | None:
        return self.pred_hit / self.pred if self.pred else None


CATEGORIES = (
    "outlets",
    "people+organisations",
    "documents+social",
    *(f"form {f}" for f in FORMS),
    "all sources",
    "own-site",
)


def _gold_in(category: str, s: GoldSource) -> bool:
    if category == "own-site":
        return s.own_site
    if s.own_site:
        return False
    if category == "all sources":
        return True
    if s.kind == "anonymous":
        return False
    if category == "outlets":
        return s.kind == "outlet"
    if category == "people+organisations":
        return s.kind in PEOPLE_ORGS
    if category == "documents+social":
        return s.kind in DOCS_SOCIAL
    return category == f"form {s.form}"


def _pred_in(category: str, p: Predicted, own: bool) -> bool:
    if category == "own-site":
        return own
    if own:
        return False
    if category == "all sources":
        return True
    if p.kind == "anonymous":
        return False
    if category == "outlets":
        return p.kind == "outlet"
    if category == "people+organisations":
        return p.kind in PEOPLE_ORGS
    if category == "documents+social":
        return p.kind in DOCS_SOCIAL
    return category == f"form {p.form}"


@dataclass
class PageScore:
    page: str
    cells: dict[str, Cell]
    matched: list[tuple[str, str]]  # (predicted name, gold name)
    missed: list[GoldSource]  # outside gold sources with no match
    extra: list[Predicted]  # outside predictions with no match


def score_page(page: GoldPage, trace: dict) -> PageScore:
    """Compare one page's gold with Headwater's trace JSON for it."""
    predicted = distinct_predicted(trace)
    own = [is_own(p, page, trace.get("site")) for p in predicted]
    # outside against outside, own-site against own-site: each side matched on its own
    outside_gold = [i for i, s in enumerate(page.sources) if not s.own_site]
    own_gold = [i for i, s in enumerate(page.sources) if s.own_site]
    pairs: dict[int, int] = {}
    for gold_idx, pred_idx in (
        (outside_gold, [i for i, o in enumerate(own) if not o]),
        (own_gold, [i for i, o in enumerate(own) if o]),
    ):
        sub = match([page.sources[i] for i in gold_idx], [predicted[i] for i in pred_idx])
        pairs.update({pred_idx[p]: gold_idx[g] for p, g in sub.items()})
    gold_hit = set(pairs.values())
    cells = {}
    for category in CATEGORIES:
        cell = Cell()
        for g, s in enumerate(page.sources):
            if _gold_in(category, s):
                cell.gold += 1
                cell.gold_hit += g in gold_hit
        for p, ps in enumerate(predicted):
            if _pred_in(category, ps, own[p]):
                cell.pred += 1
                cell.pred_hit += p in pairs
        cells[category] = cell
    return PageScore(
        page=page.page,
        cells=cells,
        matched=[(predicted[p].name, page.sources[g].name) for p, g in sorted(pairs.items())],
        missed=[s for g, s in enumerate(page.sources) if g not in gold_hit and not s.own_site],
        extra=[p for i, p in enumerate(predicted) if i not in pairs and not own[i]],
    )


def total(scores: list[PageScore]) -> dict[str, Cell]:
    """The cells of all pages pooled."""
    cells = {category: Cell() for category in CATEGORIES}
    for score in scores:
        for category, cell in score.cells.items():
            cells[category].add(cell)
    return cells


# (category, which measure, at least)
TARGETS = (
    ("outlets", "recall", 0.90),
    ("outlets", "precision", 0.90),
    ("people+organisations", "recall", 0.85),
    ("people+organisations", "precision", 0.85),
    ("form link", "recall", 0.95),
    ("all sources", "precision", 0.90),
)


def _fmt(value: float | None) -> str:
    return "   -" if value is None else f"{value:.2f}"


def table(cells: dict[str, Cell]) -> str:
    """The pooled figures as a text table, then the targets with ok / MISSED."""
    lines = [f"{'category':<22} {'gold n':>6} {'pred n':>6} {'recall':>6} {'precision':>9}"]
    for category in CATEGORIES:
        c = cells[category]
        lines.append(f"{category:<22} {c.gold:>6} {c.pred:>6} {_fmt(c.recall):>6} {_fmt(c.precision):>9}")
    lines.append("")
    lines.append("targets:")
    for category, measure, target in TARGETS:
        value = getattr(cells[category], measure)
        ok = value is not None and value >= target
        lines.append(f"  {category:<22} {measure:<9} >= {target:.2f}: {_fmt(value)}  {'ok' if ok else 'MISSED'}")
    return "\n".join(lines)
