"""Link citations: a hyperlink in the article body that cites a source with no attribution
verb ("The haze closed schools and grounded flights", each phrase linking a different paper).

`classify(href, page_url, gazetteer)` reads one URL by its shape alone, with rules about how
journalism cites rather than about any one site:

- not a source: anything but http(s); the site's home page or a section front ("/", "/news/",
  "/business"); site furniture by its first path word (tag, topic, category, author, search,
  subscribe, newsletter, login, about, contact, privacy, terms, advertise, shop ...); share and
  follow buttons (twitter.com/intent, facebook.com/sharer, wa.me, ...); ad, tracking and
  shopping hosts (doubleclick, amazon, ebay ...); encyclopaedia and dictionary entries
  (wikipedia, merriam-webster ...): a definition is looked up, not cited;
- a social post (kind "social"): a post-shaped URL on X/Twitter, Bluesky, Mastodon (any host,
  /@user/<id>), Threads, TikTok, Facebook, Instagram, YouTube, Reddit, LinkedIn. The source is
  the account the URL names ("@NASA", "r/chicago"); where the URL names none (an Instagram
  /p/<id>, a YouTube watch?v=) the anchor text when it reads as a name, else "<platform> post".
  The platform is the medium: `Via(<platform>, "outlet")`, named as the gazetteer names it
  (Twitter, YouTube, ...), so the chain reads page -> Twitter -> @NASA;
- a document (kind "document"): a file (.pdf, .doc(x), .xls(x), .csv, .ppt(x)); a study
  (doi.org, a DOI in the path, arXiv, bioRxiv, medRxiv, SSRN, PubMed, the big journal hosts);
  a court, government or intergovernmental site (.gov, .gov.xx, .gouv.fr, .gc.ca, .gob.xx,
  .mil, europa.eu, .int, a "court(s)" host label); a document host (documentcloud, scribd,
  Google Docs/Sheets/Drive); a data portal ("data." host). Named by what the anchor says
  ("a report" -> "report") and its publisher ("report (cdc.gov)"), the anchor itself when it
  is a title. A government body the gazetteer knows (White House, Pentagon) speaking on its
  own site is that organization (its statement page), unless the link is a file;
- another site's article (kind "outlet"; "organization" for an unknown .org/.edu host): an
  article-shaped path on another site: a date (/2019/11/19/, /2019/nov/19/, 20191119), a slug
  of three or more words, a numeric or hexadecimal id, an .html/.php page, or /article/,
  /story/, /news/... followed by more. Named by the gazetteer from the host; else by the name
  the sentence (or the anchor) gives it, when that name spells the host ("the Tampa Bay Times"
  for tampabay.com); else by the registrable domain ("tampabay.com");
- the page's own site (same registrable domain as the page, or a host the gazetteer gives the
  same outlet, or an unlisted host whose name spells the outlet's name or an alias, such as a
  parent company's: fingfx.thomsonreuters.com on reuters.com; and a document the text calls
  "our" wherever it is hosted): kept, marked own_site, with the page's outlet as the source;
  its section fronts and furniture are nothing, as elsewhere.

`link_citations(...)` makes one attribution per cited URL: source mention and cue = the anchor,
content = the sentence around the link, link = the URL, form "link". A URL already on an
attribution, or a link in a sentence where a verbal attribution of the same source stands
(it keeps or takes the link, form "verb"), gives none; nor does a second link to the same URL.
A verbal attribution's link to another outlet's story whose outlet is not the speaker ("Heyward
said that [he is focused on the Steelers](post-gazette.com/...)") keeps its link, and the outlet,
through whose story the words came, is listed too (form "link"), unless the page names it already.
"""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import parse_qs, unquote, urlsplit

from headwater.records import Attribution, Link, Source, Span, Via
from headwater.urls import domain_of, host_of, registrable_domain, url_key

CONFIDENCE = 0.6

# -- not sources ---------------------------------------------------------------------------

# First path words of site furniture (lower case, "-" and "_" as they come).
_FURNITURE = frozenset(
    """
tag tags topic topics category categories section sections author authors by byline profile profiles
people contributor contributors writer writers staff search find subscribe subscription subscriptions
subscriber newsletter newsletters signup sign-up signin sign-in login log-in logout register account
accounts my user users membership member members join donate support about about-us aboutus contact
contact-us contactus privacy privacy-policy terms terms-of-service terms-of-use tos cookies cookie-policy
legal advertise advertising ads ad sponsor sponsored shop store cart checkout jobs careers help faq
feed rss amp-stories share sharer print email video-gallery gallery galleries podcasts podcast
newsroom-tools sitemap archive archives page events weather horoscopes games crossword puzzles
coupons deals-hub
""".split()
)

# Any path word of a reference page (a player's, a team's, a stock quote, a person's tag page):
# a name is linked to it, no claim rests on it.
_REFERENCE = frozenset(
    """
players player playerpage teams team roster rosters standings schedule schedules stats statistics quote
quotes symbol people person topic topics tag tags author authors profile profiles hashtag
""".split()
)
# A query parameter carrying a whole address: an affiliate or tracking redirect.
_REDIRECT = re.compile(r"(?:^|&)(?:u|url|murl|dest|destination|redirect|target|link)=https?(?:%3A|:)", re.I)

# Hosts (registrable domains) that never cite: ads, trackers, shops, share services, reference works.
_NO_SOURCE_DOMAINS = frozenset(
    """
doubleclick.net googlesyndication.com googleadservices.com adnxs.com taboola.com outbrain.com
amazon.com amazon.co.uk amazon.de amazon.ca amzn.to amzn.com ebay.com walmart.com bestbuy.com target.com
etsy.com aliexpress.com shareasale.com skimlinks.com go.skimresources.com anrdoezrs.net dpbolvw.net
jdoqocy.com kqzyfj.com tkqlhce.com linksynergy.com awin1.com pntrac.com avantlink.com impact.com
addtoany.com sharethis.com pinterest.com wa.me whatsapp.com t.me telegram.me flipboard.com
wikipedia.org wikimedia.org wiktionary.org merriam-webster.com dictionary.com britannica.com
imdb.com goo.gl bit.ly apple.com play.google.com itunes.apple.com spotify.com sjv.io
""".split()
)
# Share, follow and intent paths on the platforms.
_SHARE_PATH = re.compile(
    r"^/(?:intent|share|sharer|sharer\.php|sharearticle|home|hashtag|i/(?!web/status/)|"
    r"explore|dialog|plugins|shareArticle|submit|pin/create|search)",
    re.I,
)

# -- social --------------------------------------------------------------------------------

_PLATFORM_DOMAINS = {  # registrable domain -> the platform's name (the gazetteer's, when it has one)
    "twitter.com": "Twitter",
    "x.com": "Twitter",
    "bsky.app": "Bluesky",
    "threads.net": "Threads",
    "tiktok.com": "TikTok",
    "facebook.com": "Facebook",
    "fb.watch": "Facebook",
    "instagram.com": "Instagram",
    "youtube.com": "YouTube",
    "youtu.be": "YouTube",
    "reddit.com": "Reddit",
    "linkedin.com": "LinkedIn",
    "t.co": "Twitter",
}
_HANDLE = r"[A-Za-z0-9_.-]{1,40}"
_POSTS = [  # (platform domain or None for any host, path pattern, account template)
    ("twitter.com", re.compile(r"^/i/web/status/\d+"), None),
    ("twitter.com", re.compile(rf"^/({_HANDLE})/status(?:es)?/\d+"), "@{0}"),
    ("x.com", re.compile(rf"^/({_HANDLE})/status(?:es)?/\d+"), "@{0}"),
    ("bsky.app", re.compile(r"^/profile/([^/]+)/post/\w+"), "@{0}"),
    ("threads.net", re.compile(rf"^/@({_HANDLE})/post/\w+"), "@{0}"),
    ("tiktok.com", re.compile(rf"^/@({_HANDLE})/(?:video|photo)/\d+"), "@{0}"),
    ("instagram.com", re.compile(rf"^/({_HANDLE})/(?:p|reel)/[\w-]+"), "@{0}"),
    ("instagram.com", re.compile(r"^/(?:p|reel|reels|tv)/[\w-]+"), None),
    ("facebook.com", re.compile(rf"^/({_HANDLE})/(?:posts|videos|photos)/[\w.:-]+"), "{0}"),
    ("facebook.com", re.compile(r"^/(?:permalink\.php|story\.php|watch|photo\.php|photo|reel)\b"), None),
    ("fb.watch", re.compile(r"^/\w+"), None),
    ("youtube.com", re.compile(r"^/(?:watch|shorts/[\w-]+|live/[\w-]+)"), None),
    ("youtu.be", re.compile(r"^/[\w-]{6,}"), None),
    ("reddit.com", re.compile(r"^/(r/[\w]+)/comments/\w+"), "{0}"),
    ("reddit.com", re.compile(rf"^/(?:u|user)/({_HANDLE})/comments/\w+"), "u/{0}"),
    ("linkedin.com", re.compile(r"^/(?:posts|feed/update)/([\w-]+?)(?:_|/|$)"), "{0}"),
    (None, re.compile(rf"^/@({_HANDLE})/\d{{6,}}"), "@{0}@{host}"),  # Mastodon and the fediverse
]

# -- documents -----------------------------------------------------------------------------

_FILE = re.compile(r"\.(?:pdf|docx?|xlsx?|csv|pptx?|odt|ods|rtf)$", re.I)
_DOI = re.compile(r"/(?:doi/(?:abs/|full/|pdf/)?)?10\.\d{4,9}/\S+")
_STUDY_DOMAINS = frozenset(
    """
doi.org arxiv.org biorxiv.org medrxiv.org ssrn.com nber.org nature.com science.org sciencemag.org
thelancet.com nejm.org jamanetwork.com bmj.com plos.org cell.com sciencedirect.com springer.com
wiley.com tandfonline.com pnas.org oup.com frontiersin.org mdpi.com researchgate.net jstor.org
europepmc.org semanticscholar.org sagepub.com acs.org aps.org iop.org elifesciences.org
annualreviews.org cambridge.org
""".split()
)
_DOCUMENT_DOMAINS = frozenset(
    "documentcloud.org scribd.com courtlistener.com justia.com regulations.gov federalregister.gov".split()
)
_DOCUMENT_HOSTS = frozenset(("docs.google.com", "drive.google.com", "dx.doi.org"))
_GOVERNMENT_SUFFIX = re.compile(
    r"(?:^|\.)(?:gov|mil|int|gov\.[a-z]{2}|gouv\.[a-z]{2}|gob\.[a-z]{2}|gc\.ca|"
    r"govt\.nz|europa\.eu|parliament\.uk|police\.uk|nhs\.uk)$"
)
_COURT_LABEL = re.compile(r"(?:^|\.)(?:[a-z]*courts?|judiciary|supremecourt[a-z]*)\.")

# -- articles ------------------------------------------------------------------------------

_DATE_PATH = re.compile(
    r"/(?:19|20)\d\d/(?:[01]?\d|[a-z]{3,9})/(?:[0-3]?\d/)?|/(?:19|20)\d\d[01]\d[0-3]\d|"
    r"[-_/](?:19|20)\d\d-[01]\d-[0-3]\d",
    re.I,
)
_SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9']+){2,}", re.I)
_ID = re.compile(r"(?:^|[-_./])\d{5,}(?:$|[-_./])|^[0-9a-f]{16,}$", re.I)
_PAGE = re.compile(r"\.(?:s?html?|php|aspx?|cms|ece)$", re.I)
_STORY_WORDS = frozenset(
    "article articles story stories news post posts blog blogs opinion commentisfree "
    "content press-release press-releases news-release news-releases release releases "
    "report reports research features feature analysis".split()
)
_INDEX_STEMS = frozenset("index default home main".split())


def _segments(path: str) -> list[str]:
    return [unquote(s) for s in path.split("/") if s]


def article_like(path: str) -> bool:
    """A path shaped like one story rather than a front, a section or a listing."""
    segments = _segments(path)
    if not segments:
        return False
    last = segments[-1]
    if _PAGE.search(last) and last.rsplit(".", 1)[0].lower() not in _INDEX_STEMS:
        return True
    dated = _DATE_PATH.search(path)
    if dated and path[dated.end() :].strip("/"):
        return True  # a date and then the story ("/2019/11/" alone lists a month's stories)
    if any(_ID.search(s) for s in segments):
        return True
    if any(_SLUG.fullmatch(s) for s in segments):
        return True
    return len(segments) >= 2 and segments[0].lower() in _STORY_WORDS and len(segments[-1]) > 3


def _furniture(path: str, query: str) -> bool:
    segments = [s.lower() for s in _segments(path)]
    if not segments:
        return True  # a home page: it names the site, it is not the cited story
    if segments[0] in _FURNITURE or (
        len(segments) > 1 and segments[0] in ("en", "us", "uk", "intl") and segments[1] in _FURNITURE
    ):
        return True
    if _REFERENCE & set(segments) or _REDIRECT.search(query):
        return True
    if "search" in segments or {"s", "q", "query"} & set(parse_qs(query)) and not article_like(path):
        return True
    return False


def furniture(href: str) -> bool:
    """Whether a link is surely no citation whatever the page: not http(s), a home page, site
    furniture, a reference page, a share button, a shop or ad host, an affiliate redirect.
    (`assembly.attach_links` keeps these off verbal attributions too.) Unlike `classify`, a path
    of no known shape is not furniture."""
    try:
        parts = urlsplit(href)
    except ValueError:
        return True
    host = host_of(href)
    if parts.scheme.lower() not in ("http", "https") or not host:
        return True
    domain = domain_of(host) or host
    if domain in _PLATFORM_DOMAINS:
        return bool(_SHARE_PATH.match(parts.path or "/"))
    return domain in _NO_SOURCE_DOMAINS or _furniture(parts.path or "/", parts.query)


# -- classification ------------------------------------------------------------------------


class Kind:
    """What one link is: `kind` one of outlet, organization, document, social, own (the page's
    own site); `name` the source's name where the URL alone says it; `platform` for social."""

    __slots__ = ("kind", "name", "platform", "publisher", "outlet")

    def __init__(
        self, kind: str, name: str | None = None, platform: str | None = None, publisher: str | None = None, outlet=None
    ):
        self.kind, self.name, self.platform, self.publisher, self.outlet = kind, name, platform, publisher, outlet

    def __repr__(self):
        return f"Kind({self.kind!r}, {self.name!r}, platform={self.platform!r}, publisher={self.publisher!r})"


def _social(domain: str, host: str, path: str, query: str) -> Kind | None:
    for platform_domain, pattern, template in _POSTS:
        if platform_domain is not None and platform_domain != domain:
            continue
        m = pattern.match(path)
        if not m:
            continue
        if platform_domain is None:  # any host: the fediverse
            return Kind("social", template.format(m.group(1), host=host), platform=host)
        if "watch" in path and "v" not in parse_qs(query):
            return None
        name = template.format(m.group(1)) if template else None
        return Kind("social", name, platform=_PLATFORM_DOMAINS[domain])
    return None


def classify(href: str, page_url: str | None, gazetteer=None) -> Kind | None:
    """What a body link cites, by the shape of its URL (see the module docstring); None for
    a link that cites nothing (furniture, shares, shops, home pages, section fronts)."""
    try:
        parts = urlsplit(href)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    host = host_of(href)
    if not host:
        return None
    if host in ("web.archive.org", "archive.org") and "/web/" in parts.path:  # the archived page is the cited one
        inner = re.search(r"/web/[^/]*/(https?://.+)$", href)
        return classify(inner.group(1), page_url, gazetteer) if inner else None
    domain = domain_of(host) or host
    path, query = parts.path or "/", parts.query
    if domain in _PLATFORM_DOMAINS or re.match(rf"^/@{_HANDLE}/\d{{6,}}", path):
        if _SHARE_PATH.match(path):
            return None
        social = _social(domain, host, path, query)
        if social is not None:
            return social
        if domain in _PLATFORM_DOMAINS:
            return None  # a profile, a channel, a hashtag: it names someone, it cites nothing
    if domain in _NO_SOURCE_DOMAINS or registrable_domain(host) in _NO_SOURCE_DOMAINS:
        return None
    outlet = gazetteer.by_domain(href) if gazetteer is not None else None
    # The page's own site: its registrable domain, or another host of the same outlet (apnews.com
    # from hosted.ap.org, markets.businessinsider.com from businessinsider.com).
    page_outlet = gazetteer.by_domain(page_url) if gazetteer is not None and page_url else None
    own = page_url is not None and (
        domain == domain_of(page_url)
        or (outlet is not None and outlet == page_outlet)
        or (outlet is None and _spells_outlet(domain, page_outlet))
    )
    document = _document(host, domain, path)
    if own:
        if document or (not _furniture(path, query) and article_like(path)):
            return Kind("own")
        return None
    if document and outlet is not None and outlet.kind == "organization" and not _FILE.search(path):
        return Kind("organization", outlet.name, outlet=outlet)  # the White House on whitehouse.gov
    if document:
        publisher = outlet.name if outlet is not None else (host if host in _DOCUMENT_HOSTS else domain)
        return Kind("document", publisher=publisher, outlet=outlet)
    if _furniture(path, query) or not article_like(path):
        return None
    if outlet is not None:
        return Kind(outlet.kind, outlet.name, outlet=outlet)
    kind = "organization" if re.search(r"\.(?:org|edu|ac\.[a-z]{2}|edu\.[a-z]{2})$", domain) else "outlet"
    return Kind(kind, None, publisher=domain)


def _spells_outlet(domain: str, outlet) -> bool:
    """A host the gazetteer does not list whose name spells the outlet's name or an alias: the
    parent company's or a service's site ("thomsonreuters.com" for Reuters, "Thomson Reuters")."""
    if outlet is None:
        return False
    label = _squash(domain.split(".")[0])
    names = (outlet.name, *outlet.aliases)
    return len(label) >= 6 and any(_squash(re.sub(r"^the\s+", "", n, flags=re.I)) == label for n in names)


def _document(host: str, domain: str, path: str) -> bool:
    if _FILE.search(path):
        return True
    if domain in _STUDY_DOMAINS or domain in _DOCUMENT_DOMAINS or host in _DOCUMENT_HOSTS:
        return True
    if host.startswith(("pubmed.", "www.ncbi.", "ncbi.", "data.")) or _DOI.search(path):
        return True
    return bool(_GOVERNMENT_SUFFIX.search(host)) or bool(_COURT_LABEL.search(host + "."))


# -- naming --------------------------------------------------------------------------------

_DETERMINER = re.compile(r"^(?:the|a|an|this|that|these|those|its|their|his|her|our|one|new|recent|latest)\s+", re.I)
_NAME_RUN = re.compile(r"(?:[A-Z][\w&'’.-]*|of|the|and|&)(?:\s+(?:[A-Z][\w&'’.-]*|of|the|and|&))*")
_STOP = frozenset("the of and &".split())


def _squash(words: str) -> str:
    return re.sub(r"[^a-z0-9]", "", words.lower())


def named_in(text: str, domain: str) -> str | None:
    """A name in `text` that spells the site's domain: "the Tampa Bay Times" for tampabay.com
    (its letters start with the domain's first label, at least four of them), "NPR" for npr.org."""
    label = _squash(domain.split(".")[0])  # "post-gazette" is spelt "Post-Gazette" or "PostGazette"
    if len(label) < 3:
        return None
    for m in _NAME_RUN.finditer(text):
        words = [w for w in m.group().split()]
        while words and words[0].lower() in _STOP:
            words.pop(0)
        while words and words[-1].lower() in _STOP:
            words.pop()
        words = [w.rstrip(".,'’") for w in words]
        if words and words[-1].endswith(("'s", "’s")):
            words[-1] = words[-1][:-2]
        for start in range(len(words)):
            run = words[start:]
            if not run or run[0].lower() in _STOP:
                continue
            letters = _squash("".join(w for w in run if w.lower() not in _STOP))
            full = _squash("".join(run))
            if len(label) >= 4 and (letters.startswith(label) or full.startswith(label)) or letters == label:
                # the shortest run from here that still spells the label
                for stop in range(1, len(run) + 1):
                    part = run[:stop]
                    if _squash("".join(w for w in part if w.lower() not in _STOP)).startswith(label) or _squash(
                        "".join(part)
                    ).startswith(label):
                        extra = run[stop:]
                        # keep a trailing head noun of the name ("Times", "Post", "News")
                        while extra and extra[0][:1].isupper():
                            part.append(extra.pop(0))
                        return " ".join(part)
    return None


def _anchor_label(anchor: str) -> str:
    label = " ".join(anchor.split()).strip(" .,;:\"'“”‘’()")
    while True:
        shorter = _DETERMINER.sub("", label)
        if shorter == label:
            return label
        label = shorter


_DOCUMENT_WORD = re.compile(
    r"\b(?:report|study|studies|paper|research|survey|poll|data|dataset|analysis|review|filing|complaint|lawsuit|"
    r"suit|ruling|judgment|opinion|order|indictment|affidavit|motion|brief|memo|letter|document|documents|"
    r"statement|release|transcript|testimony|bill|law|regulation|rule|guidance|notice|spreadsheet|figures|"
    r"statistics|estimates?|census|records?|minutes|budget|audit|plan|proposal|findings|trial|journal)\b",
    re.I,
)


def _address(href: str) -> str:
    """A document's address without the host: its DOI, else its last path word ("monitors.xlsx")."""
    path = unquote(urlsplit(href).path)
    doi = re.search(r"10\.\d{4,9}/\S+", path)
    if doi:
        return doi.group().rstrip("/")
    segments = _segments(path)
    return segments[-1] if segments else host_of(href)


def _reads_as_name(anchor: str) -> bool:
    words = anchor.split()
    return 0 < len(words) <= 5 and all(w[:1].isupper() or w.lower() in _STOP or w.startswith("@") for w in words)


def source_of(kind: Kind, link: Link, sentence: str, page_outlet: str | None) -> Source:
    """The source a classified link cites, its mention the anchor."""
    mention = Span(link.start, link.end, link.text)
    anchor = _anchor_label(link.text)
    if kind.kind == "social":
        name = kind.name
        if name is None:
            name = anchor if _reads_as_name(anchor) else f"{kind.platform} post"
        return Source(name, "social", mention=mention)
    if kind.kind == "document":
        title = anchor if _DOCUMENT_WORD.search(anchor) or _reads_as_name(anchor) else _address(link.href)
        if len(title.split()) > 12:
            title = " ".join(title.split()[:12]) + "…"
        if kind.publisher and _squash(kind.publisher) not in _squash(title):
            title = f"{title} ({kind.publisher})"
        return Source(title, "document", mention=mention)
    if kind.kind == "own":
        return Source(page_outlet or "", "outlet", mention=mention)
    if kind.name is not None:
        return Source(kind.name, kind.kind, mention=mention)
    named = named_in(link.text, kind.publisher) or named_in(sentence, kind.publisher)
    return Source(named or kind.publisher, kind.kind, mention=mention)


# -- sentences -----------------------------------------------------------------------------

_BOUNDARY = re.compile(r"\n|(?<=[.!?])[\"'”’)\]]?\s+(?=[\"“‘(\[]?[A-Z0-9])")


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (between line breaks and sentence ends) holding text[start:end]."""
    lo = max(text.rfind("\n", 0, start) + 1, 0)
    hi = text.find("\n", end)
    hi = len(text) if hi < 0 else hi
    s, e = lo, hi
    for m in _BOUNDARY.finditer(text, lo, hi):
        if m.end() <= start:
            s = m.end()
        elif m.start() >= end:
            e = m.start()
            break
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


_OUR_BEFORE = re.compile(r"\bour\s+(?:[\w-]+\s+){0,2}$", re.I)  # "in our [estimate]", "our latest [report]"
_EMBED_MARK = "ref_src=twsrc"  # the link an embedded tweet carries to itself
_TEASER_LABEL = re.compile(
    r"^\W*(?:(?:read|see|watch|listen|click)(?: \w+){0,2}|related(?: \w+){0,2}|more|also|"
    r"recommended|trending|previously|up next|next|latest|top stories|don[’']?t miss|must read|most read)?\W*$",
    re.I,
)
# A section or format tag beside a linked headline: "[Video]", "[INSIGHT]", "(PHOTOS)".
_HEADLINE_TAG = re.compile(r"[\[(][A-Za-z][A-Za-z ]{0,18}[\])]")


def teaser(text: str, link: Link, links: list[Link]) -> bool:
    """A linked headline standing alone ("RELATED: Storm closes port", a list of trending
    stories): its line holds nothing but links and a label. Navigation, not a citation."""
    lo = text.rfind("\n", 0, link.start) + 1
    hi = text.find("\n", link.end)
    hi = len(text) if hi < 0 else hi
    rest, at = [], lo
    for other in links:
        if lo <= other.start and other.end <= hi and other.start >= at:
            rest.append(text[at : other.start])
            at = other.end
    rest.append(text[at:hi])
    return bool(_TEASER_LABEL.match(" ".join(_HEADLINE_TAG.sub(" ", "".join(rest)).split())))


def in_linked_headline(text: str, position: int, links: list[Link]) -> bool:
    """Whether `position` is on a line of linked headlines (see `teaser`): a verb there is a
    headline's ("CDC names eight deadly diseases"), no claim the page makes."""
    lo = text.rfind("\n", 0, position) + 1
    hi = text.find("\n", position)
    hi = len(text) if hi < 0 else hi
    first = next((link for link in links if lo <= link.start and link.end <= hi), None)
    return first is not None and teaser(text, first, links)


# -- the citations -------------------------------------------------------------------------


def link_citations(
    text: str,
    links: list[Link],
    page_url: str | None,
    found: list[Attribution],
    gazetteer,
    page_outlet: str | None,
    quotes: list[Span] = (),
) -> list[Attribution]:
    """The attributions the page's bare links add to `found` (the verbal ones, which may gain a
    link here: a link to the outlet a sentence's verbal attribution names is that one's)."""
    held = {url_key(a.link): i for i, a in enumerate(found) if a.link}  # URL -> the attribution holding it
    seen = set(held)
    if page_url:
        seen.add(url_key(page_url))
    added: list[Attribution] = []
    for link in links:
        key = url_key(link.href.split("#")[0])
        if key in held:
            holder = held.pop(key)  # a later link to the same URL is a repeat
            medium = _medium(text, link, holder, found + added, page_url, gazetteer, page_outlet)
            if medium is not None:
                added.append(medium)
            continue
        if key in seen:
            continue
        kind = classify(link.href, page_url, gazetteer)
        if kind is None or teaser(text, link, links):
            continue
        if kind.kind == "social" and (_EMBED_MARK in link.href or any(q.start <= link.start < q.end for q in quotes)):
            continue  # an embedded post's own link: the embed is the citation (credits.py)
        if kind.kind == "document" and _ours(text, link):
            kind = Kind("own")  # "our cost-effectiveness estimate": the page's own material, wherever it is hosted
        seen.add(key)
        sentence = sentence_around(text, link.start, link.end)
        source = source_of(kind, link, text[sentence[0] : sentence[1]], page_outlet)
        if not source.name:
            continue
        verbal = [i for i, a in enumerate(found) if a.form == "verb" and sentence[0] <= a.cue.start < sentence[1]]
        same = [
            i
            for i in verbal
            if _same_source(found[i].source.name, source.name)
            or (found[i].via is not None and _same_source(found[i].via.name, source.name))
        ]
        if same:
            i = same[0]
            if found[i].link is None:
                found[i] = replace(found[i], link=link.href)
            continue
        via = Via(kind.platform, "outlet") if kind.kind == "social" else None
        added.append(
            Attribution(
                source=source,
                cue=Span(link.start, link.end, link.text),
                content=Span.of(text, *sentence),
                via=via,
                link=link.href,
                confidence=CONFIDENCE,
                form="link",
                own_site=kind.kind == "own",
            )
        )
    return added


def _medium(
    text: str, link: Link, holder: int, found: list[Attribution], page_url, gazetteer, page_outlet
) -> Attribution | None:
    """The outlet whose story a verbal attribution's link goes to, when that outlet is not the
    speaker: "Heyward said [he is focused on the Steelers](post-gazette.com/...)", "she said in
    an email [to The Associated Press](apnews.com/...)". The words reached the page through
    that story, so the outlet is a source of its own (the link stays on the speaker's
    attribution too). So is a document linked beside a person's words ("the envoy faces
    questions about [Trump's July 25 call](documentcloud.org/...)"): a named person is not a
    document, while "the study said", "the agency said" or "officials said" with their own
    report linked is one source.
    Nothing when the page already lists the source, or the link is a post, the speaker's own
    site or the page's own site."""
    holder_kind = found[holder].source.kind
    if found[holder].form != "verb":
        return None
    kind = classify(link.href, page_url, gazetteer)
    if kind is None or teaser(text, link, [link]):
        return None
    if not (kind.kind == "outlet" or kind.kind == "document" and holder_kind == "person"):
        return None
    sentence = sentence_around(text, link.start, link.end)
    source = source_of(kind, link, text[sentence[0] : sentence[1]], page_outlet)
    if not source.name or any(_same_source(a.source.name, source.name) for a in found):
        return None
    return Attribution(
        source=source,
        cue=Span(link.start, link.end, link.text),
        content=Span.of(text, *sentence),
        link=link.href,
        confidence=CONFIDENCE,
        form="link",
    )


def _ours(text: str, link: Link) -> bool:
    """The anchor is introduced by "our": the publisher's own document ("our estimate")."""
    return bool(
        _OUR_BEFORE.search(text[max(0, link.start - 40) : link.start]) or re.match(r"\W*our\b", link.text, re.I)
    )


def _same_source(a: str, b: str) -> bool:
    strip = lambda n: _squash(re.sub(r"^the\s+", "", n, flags=re.I))  # noqa: E731
    return bool(a) and bool(b) and strip(a) == strip(b)
