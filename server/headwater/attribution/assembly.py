"""From the cues and quotes found to the attributions returned: one per cue, nested (an
attribution inside another's content is relayed by it), links attached, offsets into the
caller's text."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace

from headwater.attribution.entities import Entity
from headwater.attribution.links import furniture
from headwater.attribution.spans import Covering, Spans
from headwater.attribution.text import Layout
from headwater.records import Attribution, Link, Source, Span, Via


@dataclass
class Found:
    """An attribution while it is being assembled (absolute offsets into the text)."""

    entity: Entity
    mention: tuple[int, int]
    cue: tuple[int, int]
    content: tuple[int, int] | None
    sentence: tuple[int, int]
    confidence: float
    via: Entity | None = None
    via_mention: tuple[int, int] | None = None
    relayed_by: int | None = None
    link: str | None = None
    inherited: bool = False
    carrier: str | None = None  # "The Post's story cites X": X is relayed by the Post's attribution
    conjunct: bool = False  # "A and B said": B shares A's cue


def dedupe(found: list[Found]) -> list[Found]:
    """One attribution per cue: the first found, and the people coordinated with its subject."""
    seen, unique = set(), []
    for f in found:
        if f.cue not in seen:
            seen.add(f.cue)
            unique.append(f)
        elif f.conjunct and unique and unique[-1].cue == f.cue and f.mention != unique[-1].mention:
            unique.append(f)
    return unique


def trailing_outlets(found: list[Found]):
    """ "X said ..., The Wall Street Journal reported": the outlet is X's medium."""
    by_sentence: dict[tuple[int, int], list[Found]] = {}
    for f in found:
        by_sentence.setdefault(f.sentence, []).append(f)
    for outer in found:
        if outer.entity.kind != "outlet" or not outer.content:
            continue
        for inner in by_sentence[outer.sentence]:
            if inner is outer or inner.via or inner.entity.kind == "outlet":
                continue
            if outer.content[0] <= inner.cue[0] < outer.content[1] and inner.cue[0] < outer.cue[0]:
                inner.via, inner.via_mention = outer.entity, outer.mention


def nest(found: list[Found], layout: Layout):
    """Who relays whom: the attribution whose content holds a cue most tightly relays it.
    `found` is in the order of the cues (the reading sorts it so)."""
    # The tightest content holding a cue, not the cue's own content (nor a copy of it).
    contents = Covering(
        (f.content[0], f.content[1], (f.content[1] - f.content[0], j)) for j, f in enumerate(found) if f.content
    )
    for i, inner in enumerate(found):
        for _, j in contents.ranks_at(inner.cue[0]):
            if j != i and not (inner.content and found[j].content == inner.content):
                inner.relayed_by = j
                break
    cue_starts = [f.cue[0] for f in found]
    # A block quote introduced without a cue ("The official is Ali Khoram:")
    # continues the source of the block quote before it.
    owners: dict[tuple[int, int], int] = {}
    for j, f in enumerate(found):
        if f.content is not None:
            owners.setdefault(f.content, j)
    introducer = None
    for block in layout.block_quotes:
        owner = owners.get(block)
        if owner is not None:
            introducer = owner
        if introducer is None:
            continue
        for i in range(bisect.bisect_left(cue_starts, block[0]), bisect.bisect_left(cue_starts, block[1])):
            if found[i].relayed_by is None and i != introducer:
                found[i].relayed_by = introducer
    # "The Post's story cites three employees": the employees are relayed by the Post's
    # attribution (the latest one at or before this sentence).
    by_name: dict[str, list[int]] = {}
    for j, g in enumerate(found):
        by_name.setdefault(g.entity.name, []).append(j)
    for i, f in enumerate(found):
        if f.carrier is None:
            continue
        named = by_name.get(f.carrier, [])
        k = bisect.bisect_right(named, f.cue[0], key=lambda j: found[j].cue[0])
        earlier = [j for j in named[max(0, k - 2) : k] if j != i]
        if earlier:
            f.relayed_by = earlier[-1]
    for f in found:  # an outlet quoting itself on the page relays nothing
        if (
            f.relayed_by is not None
            and found[f.relayed_by].entity.name == f.entity.name
            and found[f.relayed_by].relayed_by is None
            and not layout.in_block(f.cue[0])
        ):
            f.relayed_by = None


def attach_links(found: list[Found], links: list[Link], layout: Layout, gazetteer):
    """A hyperlink in an attribution's sentence goes to the nearest attribution there.
    `found` is in the order of the cues."""
    by_sentence: dict[tuple[int, int], list[Found]] = {}
    for f in found:
        if not f.inherited and f.sentence[0] < f.sentence[1]:
            by_sentence.setdefault(f.sentence, []).append(f)
    sentences = Spans(sorted(by_sentence))  # parsed sentences: they do not overlap
    cue_starts = [f.cue[0] for f in found]
    by_carrier: dict[str, list[Found]] = {}
    for f in found:
        if f.carrier is not None:
            by_carrier.setdefault(f.carrier, []).append(f)
    for link in links:
        if not is_article_link(link.href) or furniture(link.href):
            continue  # a home page names the outlet; it is not the cited story (nor a tag page, a share button...)
        sentence = sentences.at(link.start)
        if sentence is None:
            continue
        in_sentence = by_sentence[sentence]

        def distance(f: Found, link=link) -> int:
            spans = [f.mention, f.cue]
            return min(
                0 if s[0] < link.end and link.start < s[1] else min(abs(s[0] - link.end), abs(link.start - s[1]))
                for s in spans
            )

        best = min(in_sentence, key=distance)
        if best.link is None:
            best.link = link.href
        # The linked outlet's other citations in the same paragraph ("the Times reported")
        # point at the same story; so does what its story is said to cite.
        outlet = gazetteer.by_domain(link.href)
        if outlet is None:
            continue
        paragraph = layout.paragraph_at(link.start)
        if paragraph is None:
            continue
        linked = [
            i
            for i in range(bisect.bisect_left(cue_starts, paragraph[0]), bisect.bisect_left(cue_starts, paragraph[1]))
            if found[i].entity.name == outlet.name
            and found[i].relayed_by is None
            and not layout.in_block(found[i].cue[0])
        ]
        for i in linked:
            found[i].link = found[i].link or link.href
        linked_set = set(linked)
        for f in by_carrier.get(outlet.name, []):
            if f.relayed_by in linked_set:
                f.link = f.link or link.href


def to_attribution(f: Found, text: str) -> Attribution:
    span = lambda s: Span.of(text, *s)  # noqa: E731 - original text, not the normalised copy
    source = Source(f.entity.name, f.entity.kind, f.entity.role, span(f.mention), f.entity.reporter)
    via = Via(f.via.name, f.via.kind, span(f.via_mention) if f.via_mention else None) if f.via else None
    return Attribution(
        source=source,
        cue=span(f.cue),
        content=span(f.content) if f.content else None,
        via=via,
        relayed_by=f.relayed_by,
        link=f.link,
        confidence=f.confidence,
    )


class RuleContents:
    """The rule attributions' contents, to nest the tagger's among them: which contents
    hold a cue (tightest first), and which (source mention, content) pairs they say."""

    def __init__(self, rules: list[Attribution]):
        self._contents = Covering(
            (a.content.start, a.content.end, (a.content.end - a.content.start, i, a.content.end))
            for i, a in enumerate(rules)
            if a.content
        )
        self.said = {
            (a.source.mention, a.content) for a in rules if a.source.mention is not None and a.content is not None
        }

    def holders(self, start: int, end: int) -> list[int]:
        """The rule attributions whose content holds start..end, tightest first."""
        return [i for _, i, content_end in self._contents.ranks_at(start) if end <= content_end]


def nested(added: Attribution, rules: list[Attribution], rules_index: RuleContents | None = None) -> Attribution | None:
    """A tagger-found attribution nested as `nest` nests the rules' own: relayed by the rule
    attribution whose content holds its cue most tightly; its content kept clear of its own
    cue and source (the tagger can run a content over both). None when it would be relayed
    by its own source ("X said the letter emphasized..." read as X emphasizing).
    `rules_index`: `RuleContents(rules)`, built once for many calls."""
    rules_index = rules_index or RuleContents(rules)
    holders = rules_index.holders(added.cue.start, added.cue.end)
    relayed_by = holders[0] if holders else added.relayed_by
    if (
        relayed_by is not None
        and added.source.mention is not None
        and rules[relayed_by].source.mention == added.source.mention
    ):
        return None
    if (
        added.source.mention is not None
        and added.content is not None
        and (added.source.mention, added.content) in rules_index.said
    ):
        return None  # who and what a rule attribution already says ("according to officials quoted by...")
    return replace(added, relayed_by=relayed_by, content=_clear_of_own(added))


def _clear_of_own(added: Attribution) -> Span | None:
    """The content, less its own cue and source: the longest stretch outside them."""
    cue = (added.cue.start, added.cue.end)
    content = added.content
    own = sorted([cue] + ([(added.source.mention.start, added.source.mention.end)] if added.source.mention else []))
    if content and any(content.start < end and start < content.end for start, end in own):
        pieces, at = [], content.start
        for start, end in own:
            pieces.append((at, min(start, content.end)))
            at = max(at, end)
        pieces.append((at, content.end))
        start, end = max(pieces, key=lambda p: p[1] - p[0])
        text = content.text[start - content.start : end - content.start] if end > start else ""
        lead = len(text) - len(text.lstrip(" ,:;\n"))
        text = text.strip(" ,:;\n")
        content = Span(start + lead, start + lead + len(text), text) if len(text.split()) > 1 else None
    return content


def no_one_to_trace(a: Attribution) -> bool:
    """A tagger source nobody can trace: generic "you" ("If you just want Disney+", "when
    you think of Colorado": whoever reads), or a mention without a word (a stray quote mark)."""
    if a.source.mention is None:
        return False
    mention = a.source.mention.text
    return mention.lower() in ("you", "your") or not any(ch.isalnum() for ch in mention)


def is_article_link(href: str) -> bool:
    """A link to a story, not to a site's home page."""
    path = re.sub(r"^[a-z]+://[^/]+", "", href or "", flags=re.I)
    return path.strip("/") != ""
