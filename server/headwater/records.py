"""The data that flows between pipeline steps, and its JSON form (the README's contract).

Offsets are character offsets into the text the step was given.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

SOURCE_KINDS = ("person", "outlet", "organization", "anonymous", "document", "social")
# How an article cites a source: said/told/according to; a hyperlink alone; a wire credit or
# dateline ("(Reuters) —", "via X", "h/t X"); an embedded post or a block quote signed by its author.
FORMS = ("verb", "link", "credit", "embed")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str

    @classmethod
    def of(cls, text: str, start: int, end: int) -> Span:
        return cls(start, end, text[start:end])


@dataclass(frozen=True)
class Link:
    """A hyperlink in the article body: where its anchor text sits in the text."""

    start: int
    end: int
    href: str
    text: str


@dataclass
class Source:
    name: str  # canonical name: "Ali Khoram", "The Wall Street Journal"
    kind: str  # one of SOURCE_KINDS
    role: str | None = None  # "adviser to Mr. Zarif"
    mention: Span | None = None
    reporter: str | None = None  # an outlet's named journalist: "Jay Solomon"


@dataclass
class Via:
    """The medium a source spoke through: "told the Arabic daily, Asharq al-Aswat"."""

    name: str
    kind: str
    mention: Span | None = None


@dataclass
class Attribution:
    source: Source
    cue: Span
    content: Span | None = None
    via: Via | None = None
    relayed_by: int | None = None  # index of the attribution that carries this one
    link: str | None = None
    confidence: float = 0.5
    form: str = "verb"  # one of FORMS
    own_site: bool = False  # a link to earlier reporting of the page's own outlet

    def to_dict(self) -> dict:
        source = {
            "name": self.source.name,
            "kind": self.source.kind,
            "role": self.source.role,
            "mention": asdict(self.source.mention) if self.source.mention else None,
            "reporter": self.source.reporter,
        }
        via = None
        if self.via:
            via = {"name": self.via.name, "kind": self.via.kind}
        return {
            "source": source,
            "cue": asdict(self.cue),
            "content": asdict(self.content) if self.content else None,
            "via": via,
            "relayed_by": self.relayed_by,
            "link": self.link,
            "confidence": round(self.confidence, 3),
            "form": self.form,
            "own_site": self.own_site,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Attribution:
        """The attribution of a stored trace (to_dict's output, read back)."""
        s = d["source"]
        return cls(
            source=Source(s["name"], s["kind"], s.get("role"), _span(s.get("mention")), s.get("reporter")),
            cue=_span(d["cue"]),
            content=_span(d.get("content")),
            via=Via(d["via"]["name"], d["via"]["kind"]) if d.get("via") else None,
            relayed_by=d.get("relayed_by"),
            link=d.get("link"),
            confidence=d.get("confidence", 0.5),
            form=d.get("form") or "verb",
            own_site=bool(d.get("own_site")),
        )


def _span(d: dict | None) -> Span | None:
    return Span(d["start"], d["end"], d["text"]) if d else None


@dataclass
class Trace:
    """One traced page and its provenance: what the tracer makes, the store keeps, and the
    shells give as JSON (`to_dict`, the README's contract)."""

    url: str
    final_url: str | None
    canonical_url: str | None
    title: str | None
    site: str | None
    author: str | None
    published: str | None
    fetched_at: str | None
    sha256: str | None
    text: str
    attributions: list[Attribution]
    chains: list[list[dict]]  # page first, primary source last: {"name", "kind", "role", "url"}
    primary_sources: list[dict]  # {"name", "kind", "role", "reason"}
    claim: str | None = None
    created_at: str | None = None
    duration_ms: int | None = None
    id: int | None = None  # set when the store has it
    follow: dict | None = None  # the pages followed upstream (tracing.follower), when it went upstream

    @classmethod
    def from_dict(cls, d: dict) -> Trace:
        """A trace from its JSON (to_dict's output, or an answer of the API)."""
        fields = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        fields["attributions"] = [Attribution.from_dict(a) for a in d.get("attributions") or []]
        return cls(**fields)

    def to_dict(self) -> dict:
        trace = {
            "id": self.id,
            "url": self.url,
            "final_url": self.final_url,
            "canonical_url": self.canonical_url,
            "title": self.title,
            "site": self.site,
            "author": self.author,
            "published": self.published,
            "fetched_at": self.fetched_at,
            "sha256": self.sha256,
            "text": self.text,
            "attributions": [a.to_dict() for a in self.attributions],
            "chains": self.chains,
            "primary_sources": self.primary_sources,
            "claim": self.claim,
            "created_at": self.created_at,
            "duration_ms": self.duration_ms,
        }
        if self.follow is not None:
            trace["follow"] = self.follow
        return trace


@dataclass
class Extracted:
    """What extract() makes of a page: the article text and where things sit in it."""

    text: str
    title: str | None = None
    author: str | None = None
    published: str | None = None  # ISO date as the page states it
    site: str | None = None
    canonical_url: str | None = None
    links: list[Link] = field(default_factory=list)
    quotes: list[Span] = field(default_factory=list)  # block quotes, one span per <blockquote>
