"""Quotes and who said them when no verb says so: the direct quote beside a cue, the block
quote a colon introduces, a quote that inherits the speaker of the quote before it, and
the attributions a page's layout makes ('" ― Name', "NAME: ...")."""

from __future__ import annotations

import bisect
import re
from collections import Counter

from headwater.attribution.assembly import Found
from headwater.attribution.entities import Entities, Entity
from headwater.attribution.spans import Covering
from headwater.attribution.syntax import Sentences
from headwater.attribution.text import SIGNED_QUOTE, SPEAKER_LABEL, WORD, Layout, trim

_COLON_AHEAD = re.compile(" *:")


def adjacent_quote(layout: Layout, start: int, end: int) -> tuple[int, int] | None:
    """A direct quote that ends just before the cue clause (`," he said`) or starts just after it.

    Only the last quote ending before the clause and the first starting after it can be
    adjacent: any other has a quotation mark between it and the clause."""
    norm, quotes = layout.norm, layout.quotes.spans
    i = bisect.bisect_right(layout.quote_ends, start) - 1
    if i >= 0:
        q_start, q_end = quotes[i]
        # `“... him.” She says it underscores that ...`: a quote closing its sentence, and a
        # new sentence after it, is not the new cue's (`“...,” she says`, `“...!” she says` are).
        closed = norm[q_start:q_end].rstrip("\"'“”‘’ ").endswith(".") and norm[start : start + 1].isupper()
        if norm[q_end:start].strip(" ,") == "" and not closed:
            return q_start, q_end
    i = layout.quotes.first_from(end)
    if i < len(quotes):
        q_start, q_end = quotes[i]
        if q_start - end <= 3 and norm[end:q_start].strip(" ,:") == "":
            return q_start, q_end
    return None


def introduced_block(layout: Layout, end: int) -> tuple[int, int] | None:
    """ "Reports the Journal's Jay Solomon:" introduces the block quote that follows."""
    norm = layout.norm
    if not _COLON_AHEAD.match(norm, end):
        return None
    for q_start, q_end in layout.block_quotes:
        if q_start >= end and norm[end:q_start].strip(" :\n") == "":
            return q_start, q_end
    # A colon before a quoted passage in the next paragraph works the same way (only the
    # first quote after the colon can follow it with nothing between).
    i = layout.quotes.first_from(end)
    if i < len(layout.quotes):
        q_start, q_end = layout.quotes.spans[i]
        if norm[end:q_start].strip(" :\n") == "":
            return q_start, q_end
    return None


def uncued_quotes(layout: Layout, sentences: Sentences, found: list[Found]) -> list[Found]:
    """Quotes with no cue of their own, of four words or more, inherit the speaker of the
    quote before them when nothing much stands between."""
    contents = [f.content for f in found if f.content]
    covering = Covering((s, e, i) for i, (s, e) in enumerate(contents))
    content_starts = sorted(s for s, _ in contents)
    extra: list[Found] = []
    # Their contents are direct quotes, which do not overlap: in the order of their ends too.
    speakers = sorted((f for f in found if f.content and layout.is_quote(f.content)), key=lambda f: f.content[0])
    speaker_ends = [f.content[1] for f in speakers]
    for q_start, q_end in layout.quotes:
        k = bisect.bisect_left(content_starts, q_start)
        if covering.rank_at(q_start) is not None or (k < len(content_starts) and content_starts[k] < q_end):
            continue
        if len(layout.norm[q_start:q_end].split()) < 4:
            continue  # scare quotes: 'the so-called "deal"'
        # The last speaker (the inherited ones last) whose quote ends before this one, if
        # near: a speaker further back is never nearer.
        prev = extra[-1] if extra and _near(layout.norm, extra[-1].content[1], q_start) else None
        if prev is None:
            i = bisect.bisect_right(speaker_ends, q_start) - 1
            if i >= 0 and _near(layout.norm, speaker_ends[i], q_start):
                prev = speakers[i]
        if prev is None:
            continue
        extra.append(
            Found(
                prev.entity,
                prev.mention,
                prev.cue,
                (q_start, q_end),
                sentences.bounds_at(q_start),
                0.6,
                prev.via,
                prev.via_mention,
                inherited=True,
            )
        )
    return extra


def _near(norm: str, end: int, start: int) -> bool:
    """No other paragraph and no cue-less prose longer than a sentence between two quotes."""
    if norm.count("\n", end, start) > 2:
        return False
    # len(norm[end:start].strip()) < 120, without copying a long gap
    first, last = end, start
    while first < last and norm[first].isspace():
        first += 1
    while last > first and norm[last - 1].isspace():
        last -= 1
    return last - first < 120


def signed_quotes(layout: Layout, entities: Entities, sentences: Sentences, found: list[Found]) -> list[Found]:
    """Attributions the layout makes, with no verb to parse: a quote signed with a dash
    ('"He represents our greatest shame." ― Sonya Herridge') and a transcript's speaker
    label ('WALLACE: Governor, ...', or a headline's 'Pat Caddell: Democrat Voters ...').
    A label must name someone the text names in full ("Chris Wallace") or an outlet, so
    that "UPDATE:" or "The Latest:" is not read as a speaker, and be followed by a
    sentence's worth of words."""
    norm = layout.norm
    cued = {f.cue for f in found}
    signed: list[Found] = []
    for m in SIGNED_QUOTE.finditer(norm):
        quote = layout.quote_ending_at(m.start() + 1)
        if quote is None or m.span("dash") in cued:
            continue
        name = m.group("name")
        outlet = entities.lookup(name)
        if outlet:
            entity = Entity(outlet.name, outlet.kind)
        else:
            name = entities.full_name(name)
            entity = Entity(name, "person", entities.roles.get(name))
        signed.append(Found(entity, m.span("name"), m.span("dash"), quote, sentences.bounds_at(quote[0]), 0.8))
    labels = [(m, end) for start, end in layout.paragraphs if (m := SPEAKER_LABEL.match(norm, start, end))]
    # A transcript: upper-case labels, each opening two paragraphs or more, two of them
    # at least ("WALLACE:", "PENCE:"): its speakers, even one the text never names in full.
    counts = Counter(m.group("name") for m, _ in labels if m.group("name").isupper())
    repeated = {label for label, n in counts.items() if n >= 2}
    transcript = repeated if len(repeated) >= 2 else set()
    for m, end in labels:
        if m.span("colon") in cued:
            continue
        entity = _labelled(entities, m.group("name"), m.group("name") in transcript)
        content = trim(norm, (m.end(), end))
        # something said, not a tally or a list item ("Clinton: 1,769", "Sanders: Win in a walk")
        if entity and len(WORD.findall(norm[content[0] : content[1]].lower())) >= 5:
            signed.append(
                Found(entity, m.span("name"), m.span("colon"), content, sentences.bounds_at(m.start("name")), 0.8)
            )
    return signed


def _labelled(entities: Entities, label: str, in_transcript: bool = False) -> Entity | None:
    """Who a paragraph's label ("PENCE:", "Pat Caddell:", "Politifact:") names: a person
    the text names in full, every word of the label in that name, or an outlet; in a
    transcript, the label's own words ("WALLACE" -> "Wallace") when nothing else."""
    words = label.lower().split()
    name = entities.full_names.get(words[-1])
    if name and set(words) <= set(name.lower().split()):
        return Entity(name, "person", entities.roles.get(name))
    if in_transcript:
        return Entity(label.title(), "person")
    outlet = entities.gazetteer.lookup(label)
    # "Twitter: @handle" is where, not who
    return Entity(outlet.name, outlet.kind) if outlet and outlet.type != "social" else None
