"""Find who an article relies on: text (+ links, block quotes) in, attributions out.

A pure function over the text: no network, no database. The CLI, the server and
batch jobs all call `attribute()` (or one `Attributor` they keep) so they agree.

How it reads a text, in order:

1. Normalise a same-length copy (NBSP -> space, curly -> straight quotes), so that
   every offset found in the copy is an offset into the caller's text.
2. Parse paragraph by paragraph (spaCy; outlets come from the gazetteer's ruler), but only
   the paragraphs that can matter (`Attributor.worth_parsing`): those holding a word that
   could be a cue verb or "according", or naming an anonymous source ("The official is
   ..."); then those that give the full name, title or role of a person the first ones
   name ("Ali Khoram, an adviser to ...", "Mr. Khoram"). A parsed paragraph reads exactly
   as in a full parse. A quote in a paragraph left unparsed still inherits its speaker
   (step 5 works on the text). `Attributor.read(text).sentences` gives the parsed
   sentences with their offsets into the text.
3. Learn the entities of the whole text first: full person names (so "Mr. Khoram"
   and "he" resolve), roles from appositives ("Ali Khoram, an adviser to Mr. Zarif"),
   and anonymous sources named later ("The official is Ali Khoram").
4. Find cues: speech/cognition verbs with their subject (either order), stance verbs
   with a complement ("praised the deal"), "according to X"; the subject may be a
   relative pronoun ("Reuters, which first reported"), the subject of a governing verb
   ("is expected to tell", ", adding that"), or a name in apposition ("the spokeswoman
   for the utility, Ines Varga"). The cue takes in auxiliaries and adverbs ("has also
   said") and "in a statement", as PolNeAR marks cues. The content comes from the
   clausal complement, an adjacent direct quote, the object, the block quote a colon
   introduces, or the clause before a trailing cue ("..., ministry says"). Cited sources
   ("cites three employees", ", citing a filing", "quoted X as saying") are relayed by
   the citer. The medium: "told X", "in an interview with X", "wrote in X", "said on X",
   "X reported" after someone else's words.
5. Quotes with no cue of their own inherit the speaker of the quote before them.
6. Nesting: an attribution inside another's content (or inside a block quote that
   another introduces) is relayed by it.
7. A hyperlink in an attribution's sentence is attached to the nearest attribution.
8. (`attribute_page` only) The body's other links that cite a source by themselves (another
   outlet's story, a document, a social post, the site's own earlier story) are attributions
   of form "link", after the rest (links.py).

With the tagger (tagger.py), its attributions come after the rules', their sources
named by the same resolution (`Reading.source_at`), which also says who a pronoun the
rules never take as a source is: "I"/"we" (a quote's speaker, else "the author"),
"it" (the organization cited just before); a generic "you" is dropped.

Where each step lives: text.py (1), reading.py (2, and the order of the rest),
entities.py (3), cues.py (4), quotes.py (4's adjacent and block quotes, 5, and the
quotes a page's layout signs), assembly.py (6, 7); syntax.py and lexicon.py serve them.
"""

from __future__ import annotations

import os
from dataclasses import replace
from urllib.parse import urlsplit

from headwater.attribution.assembly import RuleContents, nested, no_one_to_trace
from headwater.attribution.coreference import one_name_each
from headwater.attribution.credits import byline_credits, credits, on_page, outlets_by_shape, with_credits
from headwater.attribution.entities import AUTHOR, without_determiner
from headwater.attribution.gazetteer import Gazetteer
from headwater.attribution.links import link_citations
from headwater.attribution.nlp import pipeline
from headwater.attribution.noise import for_readers
from headwater.attribution.reading import CueWords, Reading, worth_parsing
from headwater.attribution.syntax import is_headline
from headwater.attribution.tagger import Tagger
from headwater.records import Attribution, Extracted, Link, Span


class Attributor:
    """Holds the NLP pipeline and the gazetteer; `attribute()` is pure given them."""

    def __init__(
        self,
        nlp=None,
        gazetteer: Gazetteer | None = None,
        tagger=None,
        hide_non_sources: bool = True,
        credits_in_analyze: bool = False,
    ):
        """`tagger`: the trained second opinion (tagger.py); None takes the shipped model
        unless HEADWATER_RULES_ONLY=1, False means rules only.

        Where what a reader is shown and what PolNeAR scores differ (README, Accuracy):
        `hide_non_sources`: whether `attribute_page` (what the product shows: trace, API,
        corpus pages) leaves out the mentions that cannot say or publish (noise.py);
        `attribute` (what `headwater analyze` and the PolNeAR benchmark score) never does, as
        PolNeAR counts many of them as sources. `credits_in_analyze`: whether `attribute`
        also returns the credits and embeds (credits.py) that `attribute_page` always
        returns; off by default, as PolNeAR annotates no dateline or credit line."""
        self.hide_non_sources = hide_non_sources
        self.credits_in_analyze = credits_in_analyze
        if nlp is None:
            nlp = pipeline()
        if tagger is None and os.environ.get("HEADWATER_RULES_ONLY") != "1":
            tagger = Tagger.default()
        self.tagger = tagger if tagger and tagger.available else None
        self.nlp = nlp
        self.gazetteer = gazetteer or Gazetteer.default()
        self.cue_words = CueWords(nlp)

    def attribute(
        self, text: str, links: list[Link] = (), quotes: list[Span] = (), for_reader: bool = False
    ) -> list[Attribution]:
        """`for_reader`: read for a reader's source list (`attribute_page`), not for PolNeAR's
        spans (`headwater analyze`); see `Reading.attributions`."""
        reading = self.read(text, links, quotes)
        found = self._rules_and_tagger(text, reading, for_reader)
        # -- issue 17: outlets by the sentence's shape; credits, datelines and embeds (credits.py) --
        found = outlets_by_shape(found, text, self.gazetteer)
        return self._with_credits(found, text, links, quotes) if self.credits_in_analyze else found

    def _with_credits(self, found: list[Attribution], text: str, links, quotes) -> list[Attribution]:
        return with_credits(found, credits(text, list(links), self.gazetteer), [(q.start, q.end) for q in quotes])

    def _rules_and_tagger(self, text: str, reading: Reading, for_reader: bool = False) -> list[Attribution]:
        found = reading.attributions(for_reader)
        if self.tagger is None:
            return found
        # The rules first; the CRFs add what they missed (stances, noun cues, "we"), their
        # sources named by the rules' own resolution where it can.
        spans = self.tagger.predict(text, [(s.span, s.start) for s in reading.sentences], found)
        headlines = {(s.start, s.end) for s in reading.sentences if is_headline(s.span)}
        spans = [s for s in spans if s.sentence not in headlines]  # as the rules skip them
        found = self.tagger.confirmed(found, spans)  # a rule cue the CRFs reject is dropped
        merged = self.tagger.merge(text, found, spans, sources=reading)
        rule_contents = RuleContents(found)
        added = (nested(a, found, rule_contents) for a in merged[len(found) :])
        return merged[: len(found)] + [a for a in added if a is not None and not no_one_to_trace(a)]

    def attribute_page(self, page: Extracted, url: str) -> list[Attribution]:
        """`attribute` on a page extracted from `url`, where the page speaking in its own
        voice ("I think", "we found") is named after it: "the author of The Wall Street
        Journal" (its outlet, else its site name, else its host), the byline as role. So the
        authors of two pages in one multi-hop trace stay two sources."""
        found = self.attribute(page.text, page.links, page.quotes, for_reader=True)
        if not self.credits_in_analyze:  # -- issue 17: a page's credits and embeds --
            found = self._with_credits(found, page.text, page.links, page.quotes)
        found += byline_credits(page.author, self.gazetteer)  # "AP Sports Writer", "... wire services"
        outlet = self.gazetteer.by_domain(url) or (self.gazetteer.lookup(page.site) if page.site else None)
        publisher = outlet.name if outlet else (page.site or urlsplit(url).hostname)
        # -- issue 17: a reader's sources (noise.py); a credit naming the page's own outlet is its own --
        if self.hide_non_sources:
            found = for_readers(found, page.text, page.links)
        found = one_name_each(found)  # "Figgins" is the "Montell Figgins" named before
        # The page's own outlet is the one its address names; the site name only when the address
        # names none (a syndicated story's site name is often the wire's: "Associated Press" on timesunion.com).
        by_address = self.gazetteer.by_domain(url)
        found = on_page(
            found,
            {by_address.name} if by_address else {publisher, page.site},
            urlsplit(url).hostname,
            AUTHOR,
            gazetteer=self.gazetteer,
            text=page.text,
        )
        # -- end issue 17 --
        byline = " ".join(page.author.split()) if page.author else None
        if byline and any(a.source.kind == "person" and a.source.name == byline for a in found):
            author, role = byline, AUTHOR  # the author is also cited by name: one person, one name
        else:
            author, role = (f"{AUTHOR} of {publisher}" if publisher else AUTHOR), byline
        found = [_signed(a, author, role, page.site) for a in found]
        # -- link citations (links.py): the body's bare links to sources, after the verbal ones
        return found + link_citations(page.text, page.links, url, found, self.gazetteer, publisher, page.quotes)

    def read(self, text: str, links: list[Link] = (), quotes: list[Span] = ()) -> Reading:
        """The text as read: `.sentences` lists, in text order, every sentence the pipeline
        parsed (the paragraphs `worth_parsing` and those naming a person they name; other
        paragraphs are not parsed), each a `Sentence` with the spaCy Span (`.span`, its
        Doc `.span.doc` is the paragraph) and its absolute offsets into `text` (`.start`,
        `.end`); `.attributions()` finishes the analysis, as `attribute` does."""
        return Reading(self.nlp, self.gazetteer, self.worth_parsing, text, list(links), list(quotes))

    def worth_parsing(self, paragraph: str) -> bool:
        """Whether a paragraph (normalised text) can hold a cue or teach a name: only those are parsed."""
        return worth_parsing(paragraph, self.cue_words)


_default: Attributor | None = None


def attribute(text: str, links: list[Link] = (), quotes: list[Span] = ()) -> list[Attribution]:
    """Attribute with the process-wide pipeline (loaded on first call)."""
    global _default
    if _default is None:
        _default = Attributor()
    return _default.attribute(text, links, quotes)


def _signed(a: Attribution, author: str, role: str | None, site: str | None) -> Attribution:
    """`a` with "the author" named `author` (role `role`); and a source named as the page's
    own site ("News Nation says") that outlet, whatever the gazetteer knows of it."""
    if (
        site
        and a.source.kind != "outlet"
        and without_determiner(a.source.name).casefold() == without_determiner(site).casefold()
    ):
        return replace(a, source=replace(a.source, kind="outlet"))
    if a.source.name != AUTHOR or a.source.kind != "person":
        return a
    return replace(a, source=replace(a.source, name=author, role=role or a.source.role))
