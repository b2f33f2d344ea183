"""Who is who in one text: the people, outlets, organizations, documents and anonymous
sources its mentions name, with what the whole text teaches about them (full names,
roles, gender, who an anonymous source turns out to be, acronyms) and what the reading
has met so far (antecedents for "he" and "they", the documents and outlets cited)."""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from dataclasses import dataclass

from spacy.lang.en.stop_words import STOP_WORDS

from headwater.attribution.lexicon import (
    AFTER_HEAD,
    ANONYMOUS_HEADS,
    DOCUMENT_HEADS,
    FIRST_PERSON_WORDS,
    GENDERED_TITLES,
    ONLY_CAPITALISED,
    ORGANIZATION_HEADS,
    PERSONAL_PRONOUNS,
    PRONOUN_WORDS,
    ROLE_HEADS,
    SOMEONE_PRONOUNS,
    STORY_NOUNS,
    TITLES,
)
from headwater.attribution.spans import Covering, Log
from headwater.attribution.syntax import (
    Sentence,
    Sentences,
    mention_head,
    mention_span,
    np_span,
    person_text,
    right_modifiers_end,
)
from headwater.attribution.text import DATELINE, LABEL_OPENING, Layout
from headwater.records import Source, Span

# The name of the source when the page speaks in its own voice ("I think ...").
AUTHOR = "the author"
IT_REACH = 400  # chars back from "it" to the organization it stands for

# Entity types (and none) that cannot be a speaker, so a proper noun the NER gives them is
# read as a mis-typed name when it speaks.
_NOT_A_SPEAKER_TYPE = frozenset({"", "WORK_OF_ART", "PRODUCT", "EVENT", "LAW", "FAC", "LANGUAGE"})
_ACRONYM = re.compile(r"[A-Z]{2,6}")
# "the World Health Organization (WHO)": capitalised words (and small joining words), then
# the acronym in brackets.
_DEFINED_ACRONYM = re.compile(
    r"((?:[A-Z][\w&'-]*\s+(?:(?:of|for|and|on|the|de)\s+)*)+[A-Z][\w&'-]*)\s+\(([A-Z]{2,6})\)"
)
_TITLE_WORDS = "|".join(sorted(TITLES, key=len, reverse=True))

# Generational suffixes close a name without being the surname: "James Kennedy Jr." is a Kennedy.
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def surname(name: str) -> str:
    """The lower-case last name of a person's name, a suffix ("Jr.", "III") left out."""
    words = [w.lower() for w in name.split()]
    while len(words) > 1 and words[-1].rstrip(".,") in _NAME_SUFFIXES:
        words.pop()
    return words[-1] if words else ""


@dataclass
class Entity:
    name: str
    kind: str
    role: str | None = None
    reporter: str | None = None


SALIENT_REACH = 400  # characters, about two sentences: how far back a salient antecedent wins


class Entities:
    """What one text says about who is who; `entity_for` names the source a token is."""

    def __init__(self, layout: Layout, sentences: Sentences, gazetteer):
        self.layout = layout
        self.text, self.norm = layout.text, layout.norm
        self.sentences = sentences
        self.gazetteer = gazetteer
        self.full_names: dict[str, str] = {}  # last name (lower) -> full name
        self.roles: dict[str, str] = {}  # full name -> role
        self.named_anonymous: dict[str, str] = {}  # "official" -> "Ali Khoram"
        self.acronyms = acronyms(self.norm)  # "WHO" -> "World Health Organization", as the text defines them
        self.gender: dict[str, str] = {}  # full name -> "m" / "f", from titles and pronouns
        # (offset, full name) of person subjects; (offset, Entity) of plural and collective
        # sources, for "they". Settled sentence by sentence (`settle`).
        # (offset, full name, salient) of person subjects: salient when speaking or the subject
        # of a main clause (`note_subject`).
        self.persons_seen: Log[tuple[int, str, bool]] = Log(key=lambda p: p, offset=lambda p: p[0])
        # (offset, Entity, spoke) of plural and collective sources, for "they": `spoke` when
        # found speaking, else a plural subject (`note_group_subject`).
        self.groups_seen: Log[tuple[int, Entity, bool]] = Log(key=lambda g: g[0], offset=lambda g: g[0])
        self.documents_seen: list[Entity] = []  # documents in text order, for "the report"
        self._document_names: Counter[str] = Counter()
        self.outlets_seen: list[str] = []  # canonical names of the outlets cited so far
        self._learn()

    # -- what the whole text teaches, before any cue ------------------------------

    def _learn(self):
        for sentence in self.sentences:
            for ent in sentence.span.ents:
                if ent.label_ == "PERSON" and not self._outlet_at(sentence, ent.start_char, ent.end_char):
                    name = strip_titles(person_text(ent))
                    parts = name.split()
                    if len(parts) >= 2 and surname(name) not in self.full_names:
                        self.full_names[surname(name)] = name
                    title = ent.doc[ent.start - 1].lower_.rstrip(".") if ent.start else ""
                    if ent.text.split()[0].lower().rstrip(".") in GENDERED_TITLES:
                        title = ent.text.split()[0].lower().rstrip(".")
                    if title in GENDERED_TITLES:
                        self.gender.setdefault(self.full_name(name), "m" if title == "mr" else "f")
        for sentence in self.sentences:
            for token in sentence.span:
                if token.dep_ == "appos" and token.head.ent_type_ == "PERSON" and not token.like_num:
                    name = self.person_name(token.head)  # (not an age: "Elizabeth Burton, 32,")
                    if name and name not in self.roles:
                        self.roles[name] = self._role_text(sentence, token)
                if token.dep_ == "attr" and token.head.lemma_ == "be" and token.ent_type_ == "PERSON":
                    subjects = [c for c in token.head.children if c.dep_ == "nsubj"]
                    if subjects and subjects[0].lemma_.lower() in ANONYMOUS_HEADS and subjects[0].tag_ == "NN":
                        if any(c.lower_ in ("the", "this", "that") for c in subjects[0].children):
                            name = self.person_name(token)
                            if name:
                                self.named_anonymous[subjects[0].lemma_.lower()] = name
        for sentence in self.sentences:
            for token in sentence.span:
                # "Her co-author, Dr. Lin Wei": the role before the name.
                if token.dep_ == "appos" and token.pos_ == "PROPN" and token.head.pos_ == "NOUN":
                    name = self.person_name(token)
                    if name and name not in self.roles:
                        start = sentence.offset + token.head.left_edge.idx
                        end = sentence.offset + token.head.idx + len(token.head.text)
                        end = max(end, right_modifiers_end(sentence, token.head, stop=token.i))
                        self.roles[name] = " ".join(self.text[start:end].split())
                # "Greta Lind, who manages operations for Nordline": the relative clause.
                if token.dep_ == "relcl" and token.head.ent_type_ == "PERSON":
                    name = self.person_name(token.head)
                    who = [c for c in token.children if c.dep_ == "nsubj" and c.lower_ == "who"]
                    if name and who and name not in self.roles:
                        start = sentence.offset + who[0].idx + len(who[0].text)
                        end = sentence.offset + token.right_edge.idx + len(token.right_edge.text)
                        self.roles[name] = " ".join(self.text[start:end].split()).strip(" ,;:")
            for ent in sentence.span.ents:
                # "Foreign Minister Karim Nasser", "Port director Helen Okafor": a title in front.
                if ent.label_ != "PERSON":
                    continue
                name = self.person_name(ent.root)
                if not name or name in self.roles:
                    continue
                words = []
                i = ent.start - 1
                while (
                    i >= 0
                    and ent.doc[i].dep_ == "compound"
                    and (ent.doc[i].head.i in range(ent.start, ent.end) or ent.doc[i].head in words)
                ):
                    words.insert(0, ent.doc[i])
                    i -= 1
                words = [w for w in words if w.lower_.rstrip(".") not in (*GENDERED_TITLES, "dr")]
                if words:  # as the text writes them ("Lt.", not "Lt ." token by token)
                    start, end = sentence.offset + words[0].idx, sentence.offset + words[-1].idx + len(words[-1].text)
                    self.roles[name] = " ".join(self.text[start:end].split())

    def full_name(self, name: str) -> str:
        """The full name the text gives the person of this name ("Kennedy" -> "James Kennedy Jr."), else `name`."""
        return self.full_names.get(surname(name), name)

    def person_name(self, token) -> str | None:
        """The full name of the PERSON entity this token belongs to."""
        for ent in token.doc.ents:
            if ent.start <= token.i < ent.end and ent.label_ == "PERSON":
                name = strip_titles(person_text(ent))
                return self.full_name(name) if name else None
        if token.pos_ == "PROPN" or token.text[:1].isupper():  # a known last name, however the parser tags it
            return self.full_names.get(token.text.lower())
        return None

    def _role_text(self, sentence: Sentence, appos) -> str:
        start = sentence.offset + appos.left_edge.idx
        end = sentence.offset + appos.right_edge.idx + len(appos.right_edge.text)
        role = " ".join(self.text[start:end].split()).strip(" ,;:")
        role = re.sub(r"^(an?)\s+", "", role, flags=re.I)

        # "adviser to Mr. Zarif" -> "adviser to Javad Zarif": name people in full.
        def full(m: re.Match) -> str:
            return self.full_names.get(m.group(2).lower(), m.group(0))

        return re.sub(rf"\b({_TITLE_WORDS})\.?\s+([A-Z][\w'-]+)", full, role, flags=re.I)

    # -- what the reading has met so far --------------------------------------------

    def note(self, entity: Entity, mention_start: int):
        """A source the rules found: an outlet cited, an antecedent for "he" or "they"."""
        if entity.kind == "outlet" and entity.name not in self.outlets_seen:
            self.outlets_seen.append(entity.name)
        if entity.kind == "person":
            self.persons_seen.add((mention_start, entity.name, True))
        elif entity.kind in ("anonymous", "organization") or entity.name.endswith("s"):
            self.groups_seen.add((mention_start, entity, True))

    def note_subject(self, offset: int, name: str, main: bool = True):
        """A person subject, speaking or not ("Mitt Romney ... was critical"): an antecedent;
        `main`: the subject of a main clause, not of one embedded in it (see `resolve_pronoun`)."""
        self.persons_seen.add((offset, name, main))

    def note_group_subject(self, sentence: Sentence, head):
        """A plural subject that can speak, speaking or not ("Protesters believe ..."): an
        antecedent for "they", named by its noun phrase."""
        start, end = mention_span(sentence, head)
        name = without_determiner(" ".join(self.norm[start:end].split()))
        self.groups_seen.add((start, Entity(name, "anonymous", None), False))

    def settle(self):
        """The end of a sentence: what it taught takes its place in text order."""
        self.persons_seen.settle()
        self.groups_seen.settle()

    def document_cited_before(self, name: str) -> bool:
        """Whether a document of this name was cited before the last one."""
        last = 1 if self.documents_seen and self.documents_seen[-1].name == name else 0
        return self._document_names[name] - last > 0

    def _seen_document(self, entity: Entity) -> Entity:
        self.documents_seen.append(entity)
        self._document_names[entity.name] += 1
        return entity

    # -- naming a source -------------------------------------------------------

    def _outlet_at(self, sentence: Sentence, start: int, end: int):
        return self.gazetteer.lookup(self.norm[sentence.offset + start : sentence.offset + end], context=self.norm)

    def resolve_pronoun(self, offset: int, pronoun: str) -> Entity | None:
        gender = PERSONAL_PRONOUNS.get(pronoun)
        if gender is None:
            return None
        # The most recent person whose known gender does not contradict the pronoun.
        fits = lambda p: self.gender.get(p[1], gender) == gender  # noqa: E731
        seen = self.persons_seen.last_before(offset, fits)
        # A salient person (a speaker, a main clause's subject) close before is preferred to one
        # named since inside an embedded clause: in "Figgins declined to address whether Thomas
        # slept the night Epstein died. '...,' he said", "he" is Figgins.
        salient = self.persons_seen.last_before(offset, lambda p: p[2] and fits(p))
        if salient is not None and offset - salient[0] <= SALIENT_REACH:
            seen = salient
        if seen is None:
            return None
        name = seen[1]
        self.gender.setdefault(name, gender)
        return Entity(name, "person", self.roles.get(name))

    def plural_antecedent(self, offset: int) -> Entity | None:
        """ "they": the last plural or collective source before it."""
        # A group that never spoke stands behind "they" only close by: further on, "they" is
        # as often a person ("Kym Lino, a spokesperson, confirmed ... '...,' they said").
        seen = self.groups_seen.last_before(offset, lambda g: g[2] or offset - g[0] <= SALIENT_REACH)
        return seen[1] if seen else None

    def appositive_name(self, head):
        """ "the spokeswoman for the utility, Ines Varga": the name in apposition to a role noun."""
        if head.pos_ != "NOUN":
            return None
        for child in head.children:
            if child.dep_ == "appos" and child.pos_ == "PROPN":
                if child.ent_type_ in ("PERSON", "ORG", "") and not self.gazetteer.lookup(child.text):
                    return child
        # "A spokesman for the agency, Daniel Reyes": the parser hangs the name on "agency".
        for prep in head.children:
            if prep.dep_ == "prep" and prep.i > head.i:
                for obj in prep.children:
                    for child in obj.children:
                        if child.dep_ == "appos" and child.ent_type_ == "PERSON":
                            return child
        return None

    def lookup(self, mention: str):
        """The outlet a mention names; "the Post" also resolves to an outlet already cited
        (when the text misspells its full name, "The Washingtn Post")."""
        outlet = self.gazetteer.lookup(mention, context=self.norm)
        if outlet is None and self.outlets_seen:
            outlet = self.gazetteer.lookup(mention, context=" ; ".join(self.outlets_seen))
        return outlet

    def entity_for(self, sentence: Sentence, head) -> tuple[Entity, float] | None:
        """Who a subject token is: an outlet, a person, an anonymous source, a document..."""
        start, end = mention_span(sentence, head)
        mention = self.norm[start:end]
        lower = head.lower_
        if head.pos_ == "PRON":
            if lower in ("they", "them"):
                entity = self.plural_antecedent(start)
                return (entity, 0.6) if entity else None
            entity = self.resolve_pronoun(start, lower)
            return (entity, 0.75) if entity else None
        # "the Journal's Jay Solomon": a reporter speaking for an outlet; "the Post's story": the outlet.
        for child in head.children:
            if child.dep_ == "poss":
                poss_start, poss_end = np_span(sentence, child)
                outlet = self.lookup(self.norm[poss_start:poss_end])
                if outlet and head.ent_type_ == "PERSON" or (outlet and head.pos_ == "PROPN"):
                    reporter = strip_titles(self.norm[sentence.offset + head.left_edge.idx : end].split("'s", 1)[-1])
                    return Entity(outlet.name, outlet.kind, None, reporter=reporter.strip() or None), 0.9
                if outlet and head.lemma_.lower() in STORY_NOUNS:
                    return Entity(outlet.name, outlet.kind), 0.85
        # "the spokeswoman for the regional utility, Ines Varga": the name is the source.
        named = self.appositive_name(head)
        if named is not None:
            name = self.person_name(named) or strip_titles(
                self.norm[sentence.offset + named.left_edge.idx : sentence.offset + named.idx + len(named.text)]
            )
            outlet = self.lookup(name)
            if outlet:
                return Entity(outlet.name, outlet.kind), 0.85
            role = self.roles.get(name) or " ".join(self.text[start:end].split())
            return Entity(name, "person", role), 0.85
        outlet = self.lookup(mention)
        if outlet is None and head.pos_ == "NOUN":  # "the state news agency IRNA"
            outlet = next(
                (
                    self.lookup(c.text)
                    for c in head.children
                    if c.dep_ in ("appos", "compound", "npadvmod") and c.i > head.i and c.pos_ == "PROPN"
                ),
                None,
            )
        if outlet is None and head.ent_type_ in ("ORG", "PERSON"):
            for ent in head.doc.ents:
                if ent.start <= head.i < ent.end:
                    outlet = self.lookup(ent.text)
        if outlet is None and head.pos_ in ("PROPN", "NOUN") and head.text[:1].isupper():
            outlet = self.lookup(self.norm[start : sentence.offset + head.idx + len(head.text)])
        if outlet:
            return Entity(outlet.name, outlet.kind), 0.9
        if head.ent_type_ == "PERSON" or (head.text[:1].isupper() and head.lower_ in self.full_names):
            name = self.person_name(head)
            if name:
                return Entity(name, "person", self.roles.get(name)), 0.9
        if _ACRONYM.fullmatch(head.text) and (head.pos_ == "PROPN" or head.ent_type_ == "ORG"):
            # "says WHO", "the FBI said": an acronym speaking is an organization, by its full
            # name when the text gives it ("the World Health Organization (WHO)").
            return Entity(self.acronyms.get(head.text, head.text), "organization"), 0.8
        if head.pos_ == "PROPN" and head.ent_type_ in _NOT_A_SPEAKER_TYPE:
            # The small model misses many names ("Marta Ruiz explained"), or types them as a
            # title after a quote ('"...," Tomas Ruiz said': WORK_OF_ART): a proper noun
            # speaking, untyped or so typed, is a person.
            name = strip_titles(
                self.norm[sentence.offset + head.left_edge.idx : sentence.offset + head.idx + len(head.text)]
            )
            if name and name[0].isupper():
                name = self.full_name(name)
                return Entity(name, "person", self.roles.get(name)), 0.7
        lemma = head.lemma_.lower()
        determiners = {c.lower_ for c in head.children if c.dep_ in ("det", "poss")}
        possessed = any(c.dep_ == "poss" for c in head.children)
        if (
            lemma in ROLE_HEADS
            and head.tag_ == "NN"
            and (possessed or "the" in determiners)
            and not any(c.dep_ == "amod" and c.lower_ in ("former", "senior") for c in head.children)
        ):
            # "The agency's administrator": one identifiable person, named by the role.
            name = " ".join(self.text[start:end].split())
            return Entity(name, "person", name), 0.7
        if lemma in ANONYMOUS_HEADS or lower in ANONYMOUS_HEADS:
            named = self.named_anonymous.get(lemma) if head.tag_ == "NN" else None
            if named:
                return Entity(named, "person", self.roles.get(named)), 0.7
            return Entity(without_determiner(mention), "anonymous", None), 0.8
        if lemma in STORY_NOUNS:
            outlet = self._outlet_of_story(sentence, head)
            if outlet is not None:
                return outlet, 0.85
        if lemma in DOCUMENT_HEADS:
            return self._document(sentence, head, mention), 0.8
        if (
            lemma in ORGANIZATION_HEADS
            and head.tag_ == "NNS"
            and not determiners & {"the", "its", "their"}
            and not any(t.pos_ == "PROPN" for t in head.subtree)
        ):
            # "Environmental groups": unnamed, plural, nobody in particular.
            return Entity(" ".join(mention.split()), "anonymous", None), 0.7
        if head.ent_type_ in ("ORG", "GPE", "NORP") or (lemma in ORGANIZATION_HEADS and not _common_noun(head.text)):
            return Entity(without_determiner(mention), "organization"), 0.8
        return None

    def _document(self, sentence: Sentence, head, mention: str) -> Entity:
        """A document source: "An audit by the National Accounts Office" is "the National
        Accounts Office audit"; a bare "the report" is the document named before it."""
        others = [c for c in head.children if c.dep_ not in ("det", "punct")]
        if not others and any(c.lower_ in ("the", "this", "that") for c in head.children) and self.documents_seen:
            return self.documents_seen[-1]
        for child in head.children:
            if child.dep_ == "prep" and child.lower_ in ("by", "from"):
                obj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if obj is not None and (obj.pos_ == "PROPN" or obj.ent_type_ in ("ORG", "GPE")):
                    owner = self.norm[
                        sentence.offset + obj.left_edge.idx : sentence.offset
                        + obj.right_edge.idx
                        + len(obj.right_edge.text)
                    ]
                    return self._seen_document(Entity(f"the {without_determiner(owner)} {head.text}", "document"))
        return self._seen_document(Entity(without_determiner(" ".join(mention.split())), "document"))

    def _outlet_of_story(self, sentence: Sentence, head) -> Entity | None:
        """A news outlet's story, report or analysis is its journalism, so the outlet speaks:
        "analysis from Poynter", "a report by the BBC", "a story in The Times", "a BBC report".
        A government body's report stays a document (the gazetteer's kind "organization")."""
        for child in head.children:
            if child.dep_ == "compound" and child.pos_ == "PROPN" and child.i < head.i:
                first = child
                while (
                    first.i > 0 and first.doc[first.i - 1].dep_ == "compound" and first.doc[first.i - 1].pos_ == "PROPN"
                ):
                    first = first.doc[first.i - 1]
                name = (sentence.offset + first.idx, sentence.offset + child.idx + len(child.text))
            elif child.dep_ == "prep" and child.lower_ in ("by", "from", "in"):
                obj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if obj is None or not (obj.pos_ == "PROPN" or obj.ent_type_ == "ORG"):
                    continue
                name = (sentence.offset + obj.left_edge.idx, sentence.offset + obj.idx + len(obj.text))
            else:
                continue
            outlet = self.lookup(self.norm[name[0] : name[1]])
            if outlet is not None and outlet.kind == "outlet":
                return Entity(outlet.name, outlet.kind)
        return None

    # -- a mention someone else found (the tagger) ----------------------------------

    def source_at(self, start: int, end: int, speakers: Speakers) -> Source | None:
        """The Source the rules make of the mention text[start:end], if it lies in a parsed
        sentence: its head resolved (a pronoun to its person, an alias to its outlet), else
        named by its words, with the kind `guess_kind` reads from them and the parse.
        `speakers`: the rules' attributions, for "I", "we" and "it"."""
        dateline = DATELINE.match(self.norm, start, end)
        if dateline and (self.layout.paragraph_at(start) or (None,))[0] == start:  # "SIOUX FALLS, S.D. – People ..."
            start = dateline.end()
        sentence = self.sentences.at(start)
        if sentence is None:
            return None
        span = sentence.span.doc.char_span(start - sentence.offset, end - sentence.offset, alignment_mode="expand")
        if span is None or not len(span):
            return None
        head = mention_head(span)
        found = self.entity_for(sentence, head)
        if found is None and head.pos_ == "PRON":
            found = self._pronoun_source(start, head.lower_, speakers)
        mention = Span.of(self.text, start, end)
        if found is None:
            # Named by its words; a mention that stopped short of its noun ("the" of "the
            # songwriters") by the noun phrase. The parse says whether the head is a name.
            s, e = (start, end) if head is span.root else mention_span(sentence, head)
            name = without_determiner(self.text[s:e])
            proper = head.pos_ == "PROPN" or bool(head.ent_type_) or head.lower_ in self.full_names
            return Source(name, guess_kind(name, proper=proper), None, mention)
        entity = found[0]
        return Source(entity.name, entity.kind, entity.role, mention, entity.reporter)

    def _pronoun_source(self, offset: int, pronoun: str, speakers: Speakers) -> tuple[Entity, float] | None:
        """Who "I", "we" or "it" is, for a source only the tagger found (`source_at`).

        First person in a quote, or after a speaker's label ("A: I think"), is its speaker,
        the rules' source of the quote (None when they have none); elsewhere, the author
        speaking in the page's own voice ("I think", "we haven't seen"), so the page itself
        is the source (`Attributor.attribute_page` names it after the page). "it" is the
        last organization, outlet or document cited before it, nearby ("VW says ... but it
        didn't say when")."""
        if pronoun in FIRST_PERSON_WORDS:
            paragraph = self.layout.paragraphs.at(offset) or (offset, offset)
            labelled = LABEL_OPENING.match(self.norm, *paragraph) is not None  # "A: I think", "PENCE: We..."
            if not (labelled or self.layout.in_quote(offset) or self.layout.in_block(offset)):
                return Entity(AUTHOR, "person"), 0.6
            speaker = speakers.speaker_at(offset)
            return (speaker, 0.6) if speaker else None
        if pronoun == "it":
            cited = speakers.cited_before(offset)
            return (cited, 0.5) if cited else None
        return None


class Speakers:
    """Who the rules found speaking, looked up by offset: the source of the first
    attribution whose content holds an offset, and the organization, outlet or document
    cited last (in the attributions' order) within `IT_REACH` before one."""

    def __init__(self, found):
        self._found = found
        self._contents = Covering((f.content[0], f.content[1], i) for i, f in enumerate(found) if f.content)
        cited = sorted(
            (f.mention[1], i) for i, f in enumerate(found) if f.entity.kind in ("organization", "outlet", "document")
        )
        self._cited_ends = [end for end, _ in cited]
        self._cited = [i for _, i in cited]

    def speaker_at(self, offset: int) -> Entity | None:
        i = self._contents.rank_at(offset)
        return None if i is None else self._found[i].entity

    def cited_before(self, offset: int) -> Entity | None:
        lo = bisect.bisect_left(self._cited_ends, offset - IT_REACH)
        hi = bisect.bisect_right(self._cited_ends, offset)
        return self._found[max(self._cited[lo:hi])].entity if hi > lo else None


def strip_titles(name: str) -> str:
    name = re.sub(r"['\u2019]s$", "", name.strip())
    parts = name.split()
    while len(parts) > 1 and parts[0].lower().rstrip(".") in TITLES:
        parts = parts[1:]
    return " ".join(parts)


def acronyms(text: str) -> dict[str, str]:
    """The acronyms a text defines, each to its full name, when the initials agree."""
    found = {}
    for m in _DEFINED_ACRONYM.finditer(text):
        words, acronym = m.group(1).split(), m.group(2)
        # The initials of the last capitalised words spell it: the name starts at the first of them.
        capitals = [i for i, w in enumerate(words) if w[0].isupper()][-len(acronym) :]
        if "".join(words[i][0] for i in capitals) == acronym:
            found.setdefault(acronym, " ".join(words[capitals[0] :]))
    return found


def guess_kind(mention: str, proper: bool | None = None) -> str:
    """A source's kind from its words alone, for a mention the rules cannot resolve. The
    head is the last word before a preposition or a relative pronoun ("responses from
    Tehran"). A pronoun or a capitalised head is someone; a common noun the lists do not
    know ("responses", "delegations", "both") or a function word is an unnamed source."""
    words = [w.strip(",.;:'\"()") for w in mention.split()]
    head_words = list(itertools.takewhile(lambda w: w.lower() not in AFTER_HEAD, words)) or words
    word = head_words[-1] if head_words else ""
    head = word.lower()
    for kind, heads in (
        ("person", SOMEONE_PRONOUNS),
        ("anonymous", PRONOUN_WORDS),
        ("anonymous", ANONYMOUS_HEADS),
        ("document", DOCUMENT_HEADS),
        ("organization", ORGANIZATION_HEADS),
        ("person", ROLE_HEADS),
    ):
        if head in heads and not (kind == "organization" and _common_noun(word)):
            return kind
    # Capitalised: a name, unless a function word opening the sentence ("So", "A"), or a
    # common noun by the parse (`proper` False: "Video shows").
    return "person" if word[:1].isupper() and head not in STOP_WORDS and proper is not False else "anonymous"


def _common_noun(word: str) -> bool:
    return word.lower() in ONLY_CAPITALISED and word.islower()


def without_determiner(mention: str) -> str:
    return re.sub(r"^(the|a|an)\s+", "", " ".join(mention.split()), flags=re.I)
