"""Find who an article relies on: text (+ links, block quotes) in, attributions out.

A pure function over the text: no network, no database. The CLI, the server and
batch jobs all call `attribute()` (or one `Attributor` they keep) so they agree.

How it reads a text, in order:

1. Normalise a same-length copy (NBSP -> space, curly -> straight quotes), so that
   every offset found in the copy is an offset into the caller's text.
2. Parse paragraph by paragraph (spaCy; outlets come from the gazetteer's EntityRuler).
3. Learn the entities of the whole text first: full person names (so "Mr. Khoram"
   and "he" resolve), roles from appositives ("Ali Khoram, an adviser to Mr. Zarif"),
   and anonymous sources named later ("The official is Ali Khoram").
4. Find cues: speech/cognition verbs with their subject (either order), "according
   to X"; take the content from the clausal complement, an adjacent direct quote, or
   the block quote a colon introduces; the medium from "told X" / "in an interview with X".
5. Quotes with no cue of their own inherit the speaker of the quote before them.
6. Nesting: an attribution inside another's content (or inside a block quote that
   another introduces) is relayed by it.
7. A hyperlink in an attribution's sentence is attached to the nearest attribution.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .gazetteer import Gazetteer
from .model import Attribution, Link, Source, Span, Via

# Lemmas of verbs that introduce what someone said, wrote or thinks.
SPEECH_VERBS = frozenset(
    """say tell report confirm explain write add state announce claim insist argue note
    warn deny acknowledge admit reveal disclose assert declare maintain contend
    stress emphasize emphasise caution predict promise vow testify allege comment
    remark recall reply respond answer ask tweet post publish quote cite describe
    believe think estimate conclude suggest indicate agree disagree complain concede
    urge recommend observe point""".split()
)
# Verbs whose direct object can be the content ("confirmed the reception").
OBJECT_CONTENT_VERBS = frozenset("confirm report reveal deny announce disclose acknowledge admit".split())
# Cognition verbs make weak cues without a named subject: only with a clause.
WEAK_VERBS = frozenset("believe think suggest indicate point agree disagree observe".split())

ANONYMOUS_HEADS = frozenset(
    """official officials source sources aide aides diplomat diplomats person people
    insider insiders spokesman spokeswoman spokesperson representative representatives
    lawmaker lawmakers analyst analysts expert experts observer observers witness witnesses
    resident residents adviser advisers advisor advisors officer officers member members
    staffer staffers executive executives investigator investigators critic critics
    supporter supporters colleague colleagues friend friends""".split()
)
DOCUMENT_HEADS = frozenset(
    """report filing document documents memo memorandum study survey poll statement
    letter lawsuit complaint indictment transcript record records data analysis paper
    release ruling order affidavit audit review assessment email emails cable cables
    tweet post bulletin notice""".split()
)
ORGANIZATION_HEADS = frozenset(
    """ministry department government agency company committee police campaign office
    court commission council administration army military embassy party firm union
    university institute foundation group bank board authority authorities parliament
    congress senate house""".split()
)
TITLES = frozenset(
    """mr mrs ms miss dr prof sir dame lord president sen senator rep gov governor gen
    general col adm secretary minister chancellor ayatollah sheikh judge justice mayor
    pope king queen prince princess premier speaker ambassador rev father""".split()
)
PERSONAL_PRONOUNS = {"he": "m", "him": "m", "she": "f", "her": "f"}
MEDIUM_NOUNS = frozenset("interview statement comments remarks op-ed oped column article post appearance conversation".split())

# Same-length replacements, so offsets in the normalised copy are offsets in the text.
_NORMALISE = str.maketrans({
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " ",
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
})


def normalise(text: str) -> str:
    return text.translate(_NORMALISE)


@dataclass
class _Entity:
    name: str
    kind: str
    role: str | None = None
    reporter: str | None = None


@dataclass
class _Found:
    """An attribution while it is being assembled (absolute offsets into the text)."""

    entity: _Entity
    mention: tuple[int, int]
    cue: tuple[int, int]
    content: tuple[int, int] | None
    sentence: tuple[int, int]
    confidence: float
    via: _Entity | None = None
    via_mention: tuple[int, int] | None = None
    relayed_by: int | None = None
    link: str | None = None
    inherited: bool = False


@dataclass
class _Sentence:
    span: object          # spaCy Span
    offset: int           # where its paragraph starts in the text

    @property
    def start(self) -> int:
        return self.offset + self.span.start_char

    @property
    def end(self) -> int:
        return self.offset + self.span.end_char


class Attributor:
    """Holds the NLP pipeline and the gazetteer; `attribute()` is pure given them."""

    def __init__(self, nlp=None, gazetteer: Gazetteer | None = None):
        if nlp is None:
            from .nlp import pipeline

            nlp = pipeline()
        self.nlp = nlp
        self.gazetteer = gazetteer or Gazetteer.default()

    def attribute(self, text: str, links: list[Link] = (), quotes: list[Span] = ()) -> list[Attribution]:
        return _Reading(self, text, list(links), list(quotes)).attributions()


_default: Attributor | None = None


def attribute(text: str, links: list[Link] = (), quotes: list[Span] = ()) -> list[Attribution]:
    """Attribute with the process-wide pipeline (loaded on first call)."""
    global _default
    if _default is None:
        _default = Attributor()
    return _default.attribute(text, links, quotes)


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of the non-blank lines runs: a paragraph is parsed on its own."""
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if m.group().strip()]


def direct_quotes(text: str, paragraph: tuple[int, int]) -> list[tuple[int, int]]:
    """Spans (marks included) of the double-quoted passages in one paragraph.

    An opening mark left unclosed runs to the end of the paragraph (news style
    leaves a quote open when it continues in the next paragraph).
    """
    start, end = paragraph
    marks = [start + m.start() for m in re.finditer('"', text[start:end])]
    spans = []
    for i in range(0, len(marks), 2):
        if i + 1 < len(marks):
            spans.append((marks[i], marks[i + 1] + 1))
        else:
            spans.append((marks[i], end))
    return spans


class _Reading:
    """One pass over one text. Kept as an object so the steps share what they learn."""

    def __init__(self, attributor: Attributor, text: str, links: list[Link], quotes: list[Span]):
        self.text = text
        self.norm = normalise(text)
        self.gazetteer = attributor.gazetteer
        self.links = links
        self.block_quotes = sorted((q.start, q.end) for q in quotes)
        self.paragraph_spans = paragraphs(self.norm)
        docs = attributor.nlp.pipe(self.norm[s:e] for s, e in self.paragraph_spans)
        self.sentences: list[_Sentence] = []
        self.quotes: list[tuple[int, int]] = []
        for (start, end), doc in zip(self.paragraph_spans, docs):
            self.sentences.extend(_Sentence(sent, start) for sent in doc.sents)
            self.quotes.extend(direct_quotes(self.norm, (start, end)))
        self.full_names: dict[str, str] = {}      # last name (lower) -> full name
        self.roles: dict[str, str] = {}           # full name -> role
        self.named_anonymous: dict[str, str] = {}  # "official" -> "Ali Khoram"
        self.persons_seen: list[tuple[int, str]] = []  # (offset, full name) of person subjects
        self._learn_entities()

    # -- step 3: entities of the whole text ---------------------------------

    def _learn_entities(self):
        for sentence in self.sentences:
            for ent in sentence.span.ents:
                if ent.label_ == "PERSON" and not self._outlet_at(sentence, ent.start_char, ent.end_char):
                    name = self._strip_titles(ent.text)
                    parts = name.split()
                    if len(parts) >= 2 and parts[-1].lower() not in self.full_names:
                        self.full_names[parts[-1].lower()] = name
        for sentence in self.sentences:
            for token in sentence.span:
                if token.dep_ == "appos" and token.head.ent_type_ == "PERSON":
                    name = self._person_name(token.head)
                    if name and name not in self.roles:
                        self.roles[name] = self._role_text(sentence, token)
                if token.dep_ == "attr" and token.head.lemma_ == "be" and token.ent_type_ == "PERSON":
                    subjects = [c for c in token.head.children if c.dep_ == "nsubj"]
                    if subjects and subjects[0].lemma_.lower() in ANONYMOUS_HEADS and subjects[0].tag_ == "NN":
                        if any(c.lower_ in ("the", "this", "that") for c in subjects[0].children):
                            name = self._person_name(token)
                            if name:
                                self.named_anonymous[subjects[0].lemma_.lower()] = name

    @staticmethod
    def _strip_titles(name: str) -> str:
        name = re.sub(r"['\u2019]s$", "", name.strip())
        parts = name.split()
        while len(parts) > 1 and parts[0].lower().rstrip(".") in TITLES:
            parts = parts[1:]
        return " ".join(parts)

    def _person_name(self, token) -> str | None:
        """The full name of the PERSON entity this token belongs to."""
        for ent in token.doc.ents:
            if ent.start <= token.i < ent.end and ent.label_ == "PERSON":
                name = self._strip_titles(ent.text)
                return self.full_names.get(name.split()[-1].lower(), name) if name else None
        if token.pos_ == "PROPN":
            return self.full_names.get(token.text.lower())
        return None

    def _role_text(self, sentence: _Sentence, appos) -> str:
        start = sentence.offset + appos.left_edge.idx
        end = sentence.offset + appos.right_edge.idx + len(appos.right_edge.text)
        role = " ".join(self.norm[start:end].split()).strip(" ,;:")
        role = re.sub(r"^(an?)\s+", "", role, flags=re.I)
        # "adviser to Mr. Zarif" -> "adviser to Javad Zarif": name people in full.
        titles = "|".join(sorted(TITLES, key=len, reverse=True))

        def full(m: re.Match) -> str:
            return self.full_names.get(m.group(2).lower(), m.group(0))

        return re.sub(rf"\b({titles})\.?\s+([A-Z][\w'-]+)", full, role, flags=re.I)

    # -- helpers over spans ------------------------------------------------

    def _outlet_at(self, sentence: _Sentence, start: int, end: int):
        return self.gazetteer.lookup(self.norm[sentence.offset + start: sentence.offset + end], context=self.norm)

    def _np_span(self, sentence: _Sentence, head) -> tuple[int, int]:
        """The mention of a noun phrase: its left edge to its head, plus name parts after it."""
        doc = head.doc
        left = head.left_edge.i
        right = head.i
        while right + 1 < len(doc) and doc[right + 1].dep_ in ("compound", "flat", "nmod") and doc[right + 1].head == head:
            right += 1
        # "the Arabic daily, Asharq al-Aswat": an appositive name belongs to the mention.
        start = sentence.offset + doc[left].idx
        end = sentence.offset + doc[right].idx + len(doc[right].text)
        return start, end

    def _in_quote(self, offset: int) -> bool:
        return any(s <= offset < e for s, e in self.quotes)

    def _resolve_pronoun(self, offset: int, pronoun: str) -> _Entity | None:
        candidates = [name for at, name in self.persons_seen if at < offset]
        if pronoun in PERSONAL_PRONOUNS and candidates:
            name = candidates[-1]
            return _Entity(name, "person", self.roles.get(name))
        return None

    def _entity_for(self, sentence: _Sentence, head) -> tuple[_Entity, float] | None:
        """Who a subject token is: an outlet, a person, an anonymous source, a document..."""
        start, end = self._np_span(sentence, head)
        mention = self.norm[start:end]
        lower = head.lower_
        if head.pos_ == "PRON":
            entity = self._resolve_pronoun(start, lower)
            return (entity, 0.75) if entity else None
        # "the Journal's Jay Solomon": a reporter speaking for an outlet.
        for child in head.children:
            if child.dep_ == "poss":
                poss_start, poss_end = self._np_span(sentence, child)
                outlet = self.gazetteer.lookup(self.norm[poss_start:poss_end], context=self.norm)
                if outlet and head.ent_type_ == "PERSON" or (outlet and head.pos_ == "PROPN"):
                    reporter = self._strip_titles(self.norm[sentence.offset + head.left_edge.idx: end].split("'s", 1)[-1])
                    return _Entity(outlet.name, "outlet", None, reporter=reporter.strip() or None), 0.9
        outlet = self.gazetteer.lookup(mention, context=self.norm)
        if outlet is None and head.ent_type_ in ("ORG", "PERSON"):
            for ent in head.doc.ents:
                if ent.start <= head.i < ent.end:
                    outlet = self.gazetteer.lookup(ent.text, context=self.norm)
        if outlet:
            return _Entity(outlet.name, "outlet"), 0.9
        if head.ent_type_ == "PERSON" or (head.pos_ == "PROPN" and head.lower_ in self.full_names):
            name = self._person_name(head)
            if name:
                return _Entity(name, "person", self.roles.get(name)), 0.9
        if head.pos_ == "PROPN" and not head.ent_type_:
            # The small model misses many names ("Marta Ruiz explained"): an untyped proper noun speaking is a person.
            name = self._strip_titles(self.norm[sentence.offset + head.left_edge.idx: end])
            if name and name[0].isupper():
                name = self.full_names.get(name.split()[-1].lower(), name)
                return _Entity(name, "person", self.roles.get(name)), 0.7
        lemma = head.lemma_.lower()
        if lemma in ANONYMOUS_HEADS or lower in ANONYMOUS_HEADS:
            named = self.named_anonymous.get(lemma) if head.tag_ == "NN" else None
            if named:
                return _Entity(named, "person", self.roles.get(named)), 0.7
            return _Entity(_without_determiner(mention), "anonymous", None), 0.8
        if lemma in DOCUMENT_HEADS:
            return _Entity(_without_determiner(mention), "document"), 0.8
        if head.ent_type_ in ("ORG", "GPE", "NORP") or lemma in ORGANIZATION_HEADS:
            return _Entity(_without_determiner(mention), "organization"), 0.8
        return None

    # -- step 4: cues ----------------------------------------------------------

    def attributions(self) -> list[Attribution]:
        found: list[_Found] = []
        for sentence in self.sentences:
            if _is_headline(sentence.span):
                continue
            for token in sentence.span:
                if self._in_quote(sentence.offset + token.idx):
                    continue
                item = None
                if token.lemma_.lower() in SPEECH_VERBS and token.pos_ == "VERB":
                    item = self._verb_cue(sentence, token)
                elif token.lower_ == "according":
                    item = self._according_to(sentence, token)
                if item:
                    found.append(item)
                    if item.entity.kind == "person":
                        self.persons_seen.append((item.mention[0], item.entity.name))
                # Person subjects also make pronoun antecedents ("Mitt Romney ... was critical").
                if token.dep_ in ("nsubj", "nsubjpass") and token.ent_type_ == "PERSON":
                    name = self._person_name(token)
                    if name:
                        self.persons_seen.append((sentence.offset + token.idx, name))
            self.persons_seen.sort()
        found = self._dedupe(found)
        found.extend(self._uncued_quotes(found))
        found.sort(key=lambda f: (f.cue[0], f.mention[0]))
        self._nest(found)
        self._attach_links(found)
        return [self._to_attribution(f, found) for f in found]

    def _subject(self, verb):
        for child in verb.children:
            if child.dep_ in ("nsubj",):
                return child
        for child in verb.children:
            if child.dep_ == "agent":
                for grandchild in child.children:
                    if grandchild.dep_ == "pobj":
                        return grandchild
        if verb.dep_ == "conj":  # "said X and added Y"
            return self._subject(verb.head)
        return None

    def _verb_cue(self, sentence: _Sentence, verb) -> _Found | None:
        subject = self._subject(verb)
        if subject is None:
            return None
        resolved = self._entity_for(sentence, subject)
        if resolved is None:
            return None
        entity, confidence = resolved
        cue = (sentence.offset + verb.idx, sentence.offset + verb.idx + len(verb.text))
        mention = self._np_span(sentence, subject)
        clause_start = min(mention[0], cue[0])
        clause_end = max(mention[1], cue[1])
        content = self._adjacent_quote(clause_start, clause_end)
        if content is None:
            for child in verb.children:
                if child.dep_ in ("ccomp", "xcomp") and child.pos_ in ("VERB", "AUX", "ADJ"):
                    content = self._clause_span(sentence, child)
                    break
        if content is None and verb.lemma_ in OBJECT_CONTENT_VERBS:
            for child in verb.children:
                if child.dep_ in ("dobj", "nsubjpass") and child.lower_ not in ("which", "that", "it"):
                    content = self._subtree_span(sentence, child)
                    break
        if content is None:
            content = self._introduced_block(clause_end)
        if content is None and (verb.lemma_ in WEAK_VERBS or entity.kind != "person"):
            return None
        via, via_mention = self._medium(sentence, verb)
        return _Found(entity, mention, cue, content, (sentence.start, sentence.end), confidence, via, via_mention)

    def _according_to(self, sentence: _Sentence, according) -> _Found | None:
        to = next((c for c in according.children if c.lower_ == "to"), None)
        obj = next((c for c in (to.children if to else []) if c.dep_ == "pobj"), None)
        if obj is None:
            return None
        resolved = self._entity_for(sentence, obj)
        if resolved is None:
            return None
        entity, confidence = resolved
        cue = (sentence.offset + according.idx, sentence.offset + to.idx + len(to.text))
        phrase = self._subtree_span(sentence, according)
        before = (sentence.start, phrase[0])
        after = (phrase[1], sentence.end)
        side = max(before, after, key=lambda s: len(self.norm[s[0]:s[1]].strip(" ,.")))
        content = _trim(self.norm, side)
        via, via_mention = self._medium(sentence, obj)
        return _Found(entity, self._np_span(sentence, obj), cue, content, (sentence.start, sentence.end),
                      confidence, via, via_mention)

    def _medium(self, sentence: _Sentence, verb) -> tuple[_Entity | None, tuple[int, int] | None]:
        """The outlet someone spoke through: "told the Arabic daily, Asharq al-Aswat", "in an interview with CNN"."""
        candidates = []
        for child in verb.children:
            if child.dep_ in ("dobj", "dative") and verb.lemma_ == "tell":
                candidates.append(child)
                candidates.extend(c for c in child.children if c.dep_ == "appos")
                candidates.extend(g for c in child.children if c.dep_ == "pobj" for g in [c])
            if child.dep_ == "prep" and child.lower_ in ("to", "with", "for", "in", "on"):
                for obj in child.children:
                    if obj.dep_ != "pobj":
                        continue
                    if child.lower_ in ("in", "on") and obj.lemma_.lower() in MEDIUM_NOUNS:
                        for prep in obj.children:
                            if prep.dep_ == "prep" and prep.lower_ in ("with", "to", "for", "on"):
                                candidates.extend(o for o in prep.children if o.dep_ == "pobj")
                    elif child.lower_ in ("to", "with", "for"):
                        candidates.append(obj)
            if child.dep_ == "advcl" and child.lemma_ in ("speak", "talk", "write"):
                via = self._medium(sentence, child)
                if via[0]:
                    return via
        for candidate in candidates:
            span = self._np_span(sentence, candidate)
            outlet = self.gazetteer.lookup(self.norm[span[0]:span[1]], context=self.norm)
            if outlet is None and candidate.ent_type_:
                for ent in candidate.doc.ents:
                    if ent.start <= candidate.i < ent.end:
                        outlet = self.gazetteer.lookup(ent.text, context=self.norm)
            if outlet:
                return _Entity(outlet.name, "outlet"), span
        return None, None

    def _subtree_span(self, sentence: _Sentence, token) -> tuple[int, int]:
        right = token.right_edge
        return (sentence.offset + token.left_edge.idx, sentence.offset + right.idx + len(right.text))

    def _clause_span(self, sentence: _Sentence, token) -> tuple[int, int]:
        """A clausal complement without its "that" and closing punctuation."""
        tokens = [t for t in token.subtree]
        while tokens and (tokens[0].dep_ == "mark" or tokens[0].is_punct):
            tokens = tokens[1:]
        while tokens and tokens[-1].is_punct and tokens[-1].text not in ('"', "'", ")", "]"):
            tokens = tokens[:-1]
        if not tokens:
            return self._subtree_span(sentence, token)
        last = tokens[-1]
        return (sentence.offset + tokens[0].idx, sentence.offset + last.idx + len(last.text))

    def _adjacent_quote(self, start: int, end: int) -> tuple[int, int] | None:
        """A direct quote that ends just before the cue clause (`," he said`) or starts just after it."""
        for q_start, q_end in self.quotes:
            if q_end <= start and self.norm[q_end:start].strip(" ,") == "":
                return q_start, q_end
            if q_start >= end and self.norm[end:q_start].strip(" ,:") == "" and q_start - end <= 3:
                return q_start, q_end
        return None

    def _introduced_block(self, end: int) -> tuple[int, int] | None:
        """"Reports the Journal's Jay Solomon:" introduces the block quote that follows."""
        rest = self.norm[end:]
        if not rest.lstrip(" ").startswith(":"):
            return None
        for q_start, q_end in self.block_quotes:
            if q_start >= end and self.norm[end:q_start].strip(" :\n") == "":
                return q_start, q_end
        # A colon before a quoted passage in the next paragraph works the same way.
        for q_start, q_end in self.quotes:
            if q_start >= end and self.norm[end:q_start].strip(" :\n") == "":
                return q_start, q_end
        return None

    # -- step 5: quotes without a cue --------------------------------------

    def _uncued_quotes(self, found: list[_Found]) -> list[_Found]:
        covered = [f.content for f in found if f.content]
        extra: list[_Found] = []
        speakers = sorted((f for f in found if f.content and self._is_quote(f.content)), key=lambda f: f.content[0])
        for q_start, q_end in self.quotes:
            if any(c[0] <= q_start < c[1] or q_start <= c[0] < q_end for c in covered):
                continue
            if len(self.norm[q_start:q_end].split()) < 4:
                continue  # scare quotes: 'the so-called "deal"'
            before = [f for f in speakers + extra if f.content[1] <= q_start and self._near(f.content[1], q_start)]
            if not before:
                continue
            prev = before[-1]
            extra.append(_Found(prev.entity, prev.mention, prev.cue, (q_start, q_end),
                                self._sentence_of(q_start), 0.6, prev.via, prev.via_mention, inherited=True))
        return extra

    def _is_quote(self, span: tuple[int, int]) -> bool:
        return span in self.quotes

    def _near(self, end: int, start: int) -> bool:
        """No other paragraph and no cue-less prose longer than a sentence between two quotes."""
        gap = self.norm[end:start]
        return gap.count("\n") <= 2 and len(gap.strip()) < 120

    def _sentence_of(self, offset: int) -> tuple[int, int]:
        for s in self.sentences:
            if s.start <= offset < s.end:
                return s.start, s.end
        return offset, offset

    # -- step 6: nesting ---------------------------------------------------

    @staticmethod
    def _dedupe(found: list[_Found]) -> list[_Found]:
        seen, unique = set(), []
        for f in found:
            if f.cue not in seen:
                seen.add(f.cue)
                unique.append(f)
        return unique

    def _nest(self, found: list[_Found]):
        for i, inner in enumerate(found):
            carriers = [
                (j, outer) for j, outer in enumerate(found)
                if j != i and outer.content and outer.content[0] <= inner.cue[0] < outer.content[1]
                and not (inner.content and outer.content == inner.content)
            ]
            if carriers:
                j, outer = min(carriers, key=lambda c: c[1].content[1] - c[1].content[0])
                inner.relayed_by = j
        # A block quote introduced without a cue ("The official is Ali Khoram:")
        # continues the source of the block quote before it.
        introducer = None
        for block in self.block_quotes:
            owner = next((j for j, f in enumerate(found) if f.content == block), None)
            if owner is not None:
                introducer = owner
            if introducer is None:
                continue
            for i, f in enumerate(found):
                if block[0] <= f.cue[0] < block[1] and f.relayed_by is None and i != introducer:
                    f.relayed_by = introducer
        for f in found:  # an outlet quoting itself relays nothing
            if f.relayed_by is not None and found[f.relayed_by].entity.name == f.entity.name:
                f.relayed_by = found[f.relayed_by].relayed_by

    # -- step 7: links -------------------------------------------------------

    def _attach_links(self, found: list[_Found]):
        for link in self.links:
            in_sentence = [f for f in found if f.sentence[0] <= link.start < f.sentence[1] and not f.inherited]
            if not in_sentence:
                continue

            def distance(f: _Found) -> int:
                spans = [f.mention, f.cue]
                return min(0 if s[0] < link.end and link.start < s[1] else min(abs(s[0] - link.end), abs(link.start - s[1]))
                           for s in spans)

            best = min(in_sentence, key=distance)
            if best.link is None:
                best.link = link.href

    def _to_attribution(self, f: _Found, found: list[_Found]) -> Attribution:
        span = lambda s: Span.of(self.text, *s)  # noqa: E731 - original text, not the normalised copy
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


def _is_headline(sentence) -> bool:
    """Title Case Lines ("Iranian Official Confirms that Obama Sent Letter") are headlines, not prose."""
    if sentence.start != 0 or sentence.end != len(sentence.doc) or sentence.text.rstrip()[-1:] in ".:":
        return False  # a headline is a paragraph of its own
    words = [t for t in sentence if t.is_alpha and len(t) > 3]
    return len(words) >= 3 and sum(t.text[0].isupper() for t in words) >= 0.8 * len(words)


def _without_determiner(mention: str) -> str:
    return re.sub(r"^(the|a|an|some|several|two|three|many)\s+", "", mention.strip(), flags=re.I)


def _trim(text: str, span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    while start < end and text[start] in " ,;:":
        start += 1
    while end > start and text[end - 1] in " ,;:.":
        end -= 1
    return start, end
