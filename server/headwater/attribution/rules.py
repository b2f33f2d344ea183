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

With the tagger (tagger.py), its attributions come after the rules', their sources
named by the same resolution (`_Reading.source_at`), which also says who a pronoun the
rules never take as a source is: "I"/"we" (a quote's speaker, else "the author"),
"it" (the organization cited just before); a generic "you" is dropped.
"""

from __future__ import annotations

import itertools
import os
import re
from collections import Counter
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from spacy.lang.en.stop_words import STOP_WORDS

from headwater.attribution.gazetteer import Gazetteer
from headwater.records import Attribution, Extracted, Link, Source, Span, Via

# Lemmas of verbs that introduce what someone said, wrote or thinks.
SPEECH_VERBS = frozenset(
    """say tell report confirm explain write add state announce claim insist argue note
    warn deny acknowledge admit reveal disclose assert declare maintain contend
    stress emphasize emphasise caution predict promise vow testify allege comment
    remark recall reply respond answer ask tweet post publish quote cite describe
    believe think estimate conclude suggest indicate agree disagree complain concede
    urge recommend observe point reiterate imply mention joke boast plead yell
    lament concur""".split()
)
# Verbs that voice a stance on something rather than report speech ("praised the
# deal", "called for a recount"): cues only with a complement. Chosen from how often
# each lemma, with a subject, heads a cue in PolNeAR train (at least about half the time).
STANCE_VERBS = frozenset(
    """praise criticize criticise denounce thank tout congratulate blast accuse defend
    dismiss mock slam blame endorse call refer propose prefer compare question
    highlight discuss threaten applaud advocate charge echo remind decline refuse
    show find continue consider learn recognize recognise worry fear express
    reject attack oppose pledge back support demand reaffirm hail condemn decry
    welcome rule deem apologize apologise signal""".split()
)
# Verbs whose direct object can be the content ("confirmed the reception").
OBJECT_CONTENT_VERBS = frozenset(
    "confirm report reveal deny announce disclose acknowledge admit find show mention quote".split()
) | STANCE_VERBS
# Cognition verbs make weak cues without a named subject: only with a clause.
WEAK_VERBS = frozenset("believe think suggest indicate point agree disagree observe".split())
# Adverbs that PolNeAR's cues take in with the verb ("also said", "later confirmed").
CUE_ADVERBS = frozenset(
    """also first later previously then still never not n't repeatedly recently again already
    just quickly often once publicly privately reportedly initially subsequently
    separately further explicitly specifically openly flatly""".split()
)
# Noun cues that take the place of a verb phrase: "said in a statement".
STATEMENT_NOUNS = frozenset("statement release email letter post tweet".split())
RELATIVE_PRONOUNS = frozenset("who which that".split())
# Participles that carry the subject of the verb before them: "..., adding that", "..., saying".
PARTICIPLE_CUES = frozenset("say add tell note explain argue claim insist warn write ask suggest accuse call describe cite".split())
# "declined to comment": a refusal, not an attribution.
NON_COMMENT = frozenset("comment elaborate speak say discuss respond specify".split())

ANONYMOUS_HEADS = frozenset(
    """official officials source sources aide aides diplomat diplomats person people
    insider insiders spokesman spokeswoman spokesperson representative representatives
    lawmaker lawmakers analyst analysts expert experts observer observers witness witnesses
    resident residents adviser advisers advisor advisors officer officers member members
    staffer staffers executive executives investigator investigators critic critics
    supporter supporters colleague colleagues friend friends employee employees worker
    workers commander commanders negotiator negotiators envoy envoys strategist strategists operative operatives activist activists economist
    economists scientist scientists researcher researchers voter voters banker bankers lawyer
    lawyers trader traders investor investors doctor doctors participant participants
    organizer organizers donor donors diplomat diplomats consultant consultants""".split()
)
DOCUMENT_HEADS = frozenset(
    """report filing document documents memo memorandum study survey poll statement
    letter lawsuit complaint indictment transcript record records data analysis paper
    release ruling order affidavit audit review assessment email emails cable cables
    tweet post bulletin notice draft drafts testimony minutes guidance findings""".split()
)
ORGANIZATION_HEADS = frozenset(
    """ministry department government agency company committee police campaign office
    court commission council administration army military embassy party firm union
    university institute foundation group bank board authority authorities parliament
    congress senate house""".split()
)
# A definite role noun names one identifiable person ("the agency's administrator").
ROLE_HEADS = frozenset(
    """administrator director chairman chairwoman chair ceo chief head president secretary
    minister governor mayor commissioner superintendent prosecutor attorney judge senator
    ambassador founder owner manager editor coach captain commander sheriff chancellor
    premier principal dean treasurer""".split()
)
# Nouns for what an outlet published: "The Post's story" speaks for the Post.
STORY_NOUNS = frozenset("story report article piece investigation account analysis editorial".split())
TITLES = frozenset(
    """mr mrs ms miss dr prof sir dame lord president sen senator rep gov governor gen
    general col adm secretary minister chancellor ayatollah sheikh judge justice mayor
    pope king queen prince princess premier speaker ambassador rev father
    administrator director commissioner chairman chairwoman ceo superintendent prosecutor
    attorney sheriff treasurer spokesman spokeswoman spokesperson leader lt lieutenant sgt sergeant
    capt cpl corporal det detective trooper deputy""".split()
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


# Two apostrophes as a quotation mark (the New York Times' style: ''That makes me smart''):
# a space and a mark, the mark against the quoted word, so the length stays the same.
_OPENING_APOSTROPHES = re.compile(r"(?:(?<=^)|(?<=[\s(\[\-]))''(?=\S)", re.M)
_CLOSING_APOSTROPHES = re.compile(r"(?<=\S)''")


def normalise(text: str) -> str:
    text = text.translate(_NORMALISE)
    if "''" in text:
        text = _OPENING_APOSTROPHES.sub(' "', text)
        text = _CLOSING_APOSTROPHES.sub('" ', text)
    return text


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
    carrier: str | None = None    # "The Post's story cites X": X is relayed by the Post's attribution


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

    def __init__(self, nlp=None, gazetteer: Gazetteer | None = None, tagger=None):
        """`tagger`: the trained second opinion (tagger.py); None takes the shipped model
        unless HEADWATER_RULES_ONLY=1, False means rules only."""
        if nlp is None:
            from headwater.attribution.nlp import pipeline

            nlp = pipeline()
        if tagger is None and os.environ.get("HEADWATER_RULES_ONLY") != "1":
            from headwater.attribution.tagger import Tagger  # imported here: tagger.py reads this module's lexicons

            tagger = Tagger.default()
        self.tagger = tagger if tagger and tagger.available else None
        self.nlp = nlp
        self.gazetteer = gazetteer or Gazetteer.default()
        self.cue_words = _CueWords(nlp)

    def attribute(self, text: str, links: list[Link] = (), quotes: list[Span] = ()) -> list[Attribution]:
        reading = self.read(text, links, quotes)
        found = reading.attributions()
        if self.tagger is None:
            return found
        # The rules first; the CRFs add what they missed (stances, noun cues, "we"), their
        # sources named by the rules' own resolution where it can.
        spans = self.tagger.predict(text, [(s.span, s.start) for s in reading.sentences], found)
        headlines = {(s.start, s.end) for s in reading.sentences if _is_headline(s.span)}
        spans = [s for s in spans if s.sentence not in headlines]     # as the rules skip them
        found = self.tagger.confirmed(found, spans)       # a rule cue the CRFs reject is dropped
        merged = self.tagger.merge(text, found, spans, resolve=reading.source_at)
        added = (_nested(a, found) for a in merged[len(found):])
        return merged[:len(found)] + [a for a in added if a is not None and not _no_one_to_trace(a)]

    def attribute_page(self, page: Extracted, url: str) -> list[Attribution]:
        """`attribute` on a page extracted from `url`, where the page speaking in its own
        voice ("I think", "we found") is named after it: "the author of The Wall Street
        Journal" (its outlet, else its site name, else its host), the byline as role. So the
        authors of two pages in one multi-hop trace stay two sources."""
        found = self.attribute(page.text, page.links, page.quotes)
        outlet = self.gazetteer.by_domain(url) or (self.gazetteer.lookup(page.site) if page.site else None)
        publisher = outlet.name if outlet else (page.site or urlsplit(url).hostname)
        byline = " ".join(page.author.split()) if page.author else None
        if byline and any(a.source.kind == "person" and a.source.name == byline for a in found):
            author, role = byline, AUTHOR      # the author is also cited by name: one person, one name
        else:
            author, role = (f"{AUTHOR} of {publisher}" if publisher else AUTHOR), byline
        return [_signed(a, author, role, page.site) for a in found]

    def read(self, text: str, links: list[Link] = (), quotes: list[Span] = ()) -> "_Reading":
        """The text as read: `.sentences` lists, in text order, every sentence the pipeline
        parsed (the paragraphs `worth_parsing` and those naming a person they name; other
        paragraphs are not parsed), each a `_Sentence` with the spaCy Span (`.span`, its
        Doc `.span.doc` is the paragraph) and its absolute offsets into `text` (`.start`,
        `.end`); `.attributions()` finishes the analysis, as `attribute` does."""
        return _Reading(self, text, list(links), list(quotes))

    def worth_parsing(self, paragraph: str) -> bool:
        """Whether a paragraph (normalised text) can hold a cue or teach a name: only those
        are parsed. Recall first: any word the lemmatizer could turn into a cue verb."""
        return any(w in self.cue_words for w in _WORD.findall(paragraph.lower())) \
            or _NAMES_ANONYMOUS.search(paragraph) is not None


_default: Attributor | None = None


def attribute(text: str, links: list[Link] = (), quotes: list[Span] = ()) -> list[Attribution]:
    """Attribute with the process-wide pipeline (loaded on first call)."""
    global _default
    if _default is None:
        _default = Attributor()
    return _default.attribute(text, links, quotes)


_WORD = re.compile(r"[a-z]+")
# "The official is Ali Khoram": step 3 learns who an anonymous source is.
_NAMES_ANONYMOUS = re.compile(
    rf"\b(?:the|this|that)\s+(?:[\w-]+\s+){{0,3}}?(?:{'|'.join(sorted(ANONYMOUS_HEADS))})\s+(?:is|was)\b", re.I)


class _CueWords:
    """Lower-case words that can be a cue token: "according", or a form that the pipeline's
    lemmatizer could map to a speech or stance verb ("said", "citing", "denies"). A superset
    of the forms the lemmatizer produces these lemmas from: every suffix rule and exception
    for verbs is tried, whatever the part of speech turns out to be."""

    def __init__(self, nlp):
        self.lemmas = SPEECH_VERBS | STANCE_VERBS
        try:
            lookups = nlp.get_pipe("lemmatizer").lookups
            self.rules = [tuple(r) for r in lookups.get_table("lemma_rules").get("verb", [])]
            self.exceptions = lookups.get_table("lemma_exc").get("verb", {})
            self.known = True
        except (KeyError, AttributeError):   # a pipeline without the rule lemmatizer: parse everything
            self.rules, self.exceptions, self.known = [], {}, False
        self._cache: dict[str, bool] = {}

    def __contains__(self, word: str) -> bool:
        hit = self._cache.get(word)
        if hit is None:
            hit = self._cache[word] = not self.known or word == "according" or word in self.lemmas or any(
                f in self.lemmas for f in self.exceptions.get(word, ())) or any(
                word.endswith(old) and word[:len(word) - len(old)] + new in self.lemmas for old, new in self.rules)
        return hit


def _name_words(docs) -> set[str]:
    """Lower-case last names of the PERSON entities and the proper nouns in parsed paragraphs."""
    words = set()
    for doc in docs:
        for ent in doc.ents:
            if ent.label_ == "PERSON":
                words.add(ent[-1].lower_)
        words.update(t.lower_ for t in doc if t.pos_ == "PROPN")
    return words


_NAME_IN_FULL = re.compile(r"(?<=[A-Za-z.] )[A-Z][\w'-]*|[A-Z][\w'-]*(?=,)")


def _introduces(paragraph: str, names: set[str]) -> bool:
    """Whether a paragraph may give the full name, title or role of a person named elsewhere:
    one of the names after another word ("Ali Khoram", "Mr. Khoram") or before a comma."""
    return any(re.sub(r"'s?$", "", m.group()).lower() in names for m in _NAME_IN_FULL.finditer(paragraph))


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
        self.quotes: list[tuple[int, int]] = []
        for span in self.paragraph_spans:
            self.quotes.extend(direct_quotes(self.norm, span))
        # Only paragraphs that can hold a cue or teach a name are parsed (see worth_parsing),
        # each on its own as before, so a parsed paragraph reads exactly as in a full parse.
        parsed, skipped = [], []
        for s, e in self.paragraph_spans:
            (parsed if attributor.worth_parsing(self.norm[s:e]) else skipped).append((s, e))
        docs = list(zip(parsed, attributor.nlp.pipe(self.norm[s:e] for s, e in parsed)))
        # Then the paragraphs that introduce a person the parsed ones name ("Ali Khoram, an
        # adviser to ...", "Mr. Khoram"), for step 3: full names, roles, gender, antecedents.
        names = _name_words(doc for _, doc in docs)
        more = [(s, e) for s, e in skipped if _introduces(self.norm[s:e], names)]
        docs += zip(more, attributor.nlp.pipe(self.norm[s:e] for s, e in more))
        docs.sort(key=lambda d: d[0])
        # The parsed sentences in text order, with absolute offsets (`_Sentence.start`, `.end`).
        self.sentences: list[_Sentence] = []
        for (start, _), doc in docs:
            self.sentences.extend(_Sentence(sent, start) for sent in doc.sents)
        self.full_names: dict[str, str] = {}      # last name (lower) -> full name
        self.roles: dict[str, str] = {}           # full name -> role
        self.named_anonymous: dict[str, str] = {}  # "official" -> "Ali Khoram"
        self.acronyms = _acronyms(self.norm)       # "WHO" -> "World Health Organization", as the text defines them
        self.persons_seen: list[tuple[int, str]] = []  # (offset, full name) of person subjects
        self.groups_seen: list[tuple[int, _Entity]] = []  # plural and collective sources, for "they"
        self.gender: dict[str, str] = {}          # full name -> "m" / "f", from titles and pronouns
        self.documents_seen: list[_Entity] = []    # documents in text order, for "the report"
        self.outlets_seen: list[str] = []          # canonical names of the outlets cited so far
        self.found: list[_Found] = []              # the rules' attributions, once `attributions()` ran
        self._learn_entities()

    # -- step 3: entities of the whole text ---------------------------------

    def _learn_entities(self):
        for sentence in self.sentences:
            for ent in sentence.span.ents:
                if ent.label_ == "PERSON" and not self._outlet_at(sentence, ent.start_char, ent.end_char):
                    name = self._strip_titles(_person_text(ent))
                    parts = name.split()
                    if len(parts) >= 2 and parts[-1].lower() not in self.full_names:
                        self.full_names[parts[-1].lower()] = name
                    title = ent.doc[ent.start - 1].lower_.rstrip(".") if ent.start else ""
                    if ent.text.split()[0].lower().rstrip(".") in ("mr", "mrs", "ms", "miss") :
                        title = ent.text.split()[0].lower().rstrip(".")
                    if title in ("mr", "mrs", "ms", "miss"):
                        self.gender.setdefault(self.full_names.get(parts[-1].lower(), name), "m" if title == "mr" else "f")
        for sentence in self.sentences:
            for token in sentence.span:
                if token.dep_ == "appos" and token.head.ent_type_ == "PERSON" and not token.like_num:
                    name = self._person_name(token.head)   # (not an age: "Elizabeth Burton, 32,")
                    if name and name not in self.roles:
                        self.roles[name] = self._role_text(sentence, token)
                if token.dep_ == "attr" and token.head.lemma_ == "be" and token.ent_type_ == "PERSON":
                    subjects = [c for c in token.head.children if c.dep_ == "nsubj"]
                    if subjects and subjects[0].lemma_.lower() in ANONYMOUS_HEADS and subjects[0].tag_ == "NN":
                        if any(c.lower_ in ("the", "this", "that") for c in subjects[0].children):
                            name = self._person_name(token)
                            if name:
                                self.named_anonymous[subjects[0].lemma_.lower()] = name
        for sentence in self.sentences:
            for token in sentence.span:
                # "Her co-author, Dr. Lin Wei": the role before the name.
                if token.dep_ == "appos" and token.pos_ == "PROPN" and token.head.pos_ == "NOUN":
                    name = self._person_name(token)
                    if name and name not in self.roles:
                        start = sentence.offset + token.head.left_edge.idx
                        end = sentence.offset + token.head.idx + len(token.head.text)
                        end = max(end, self._right_modifiers_end(sentence, token.head, stop=token.i))
                        self.roles[name] = " ".join(self.text[start:end].split())
                # "Greta Lind, who manages operations for Nordline": the relative clause.
                if token.dep_ == "relcl" and token.head.ent_type_ == "PERSON":
                    name = self._person_name(token.head)
                    who = [c for c in token.children if c.dep_ == "nsubj" and c.lower_ == "who"]
                    if name and who and name not in self.roles:
                        start = sentence.offset + who[0].idx + len(who[0].text)
                        end = sentence.offset + token.right_edge.idx + len(token.right_edge.text)
                        self.roles[name] = " ".join(self.text[start:end].split()).strip(" ,;:")
            for ent in sentence.span.ents:
                # "Foreign Minister Karim Nasser", "Port director Helen Okafor": a title in front.
                if ent.label_ != "PERSON":
                    continue
                name = self._person_name(ent.root)
                if not name or name in self.roles:
                    continue
                words = []
                i = ent.start - 1
                while i >= 0 and ent.doc[i].dep_ == "compound" and (
                        ent.doc[i].head.i in range(ent.start, ent.end) or ent.doc[i].head in words):
                    words.insert(0, ent.doc[i])
                    i -= 1
                words = [w for w in words if w.lower_.rstrip(".") not in ("mr", "mrs", "ms", "miss", "dr")]
                if words:   # as the text writes them ("Lt.", not "Lt ." token by token)
                    start, end = sentence.offset + words[0].idx, sentence.offset + words[-1].idx + len(words[-1].text)
                    self.roles[name] = " ".join(self.text[start:end].split())

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
                name = self._strip_titles(_person_text(ent))
                return self.full_names.get(name.split()[-1].lower(), name) if name else None
        if token.pos_ == "PROPN" or token.text[:1].isupper():   # a known last name, however the parser tags it
            return self.full_names.get(token.text.lower())
        return None

    def _role_text(self, sentence: _Sentence, appos) -> str:
        start = sentence.offset + appos.left_edge.idx
        end = sentence.offset + appos.right_edge.idx + len(appos.right_edge.text)
        role = " ".join(self.text[start:end].split()).strip(" ,;:")
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
        while left >= 2 and doc[left - 1].text == "-" and not doc[left - 2].whitespace_ and not doc[left - 1].whitespace_:
            left = doc[left - 2].left_edge.i  # "co-author" parsed as three tokens
        left = _mention_start(doc, left, head.i)
        right = head.i
        while right + 1 < len(doc) and doc[right + 1].dep_ in ("compound", "flat", "nmod") and doc[right + 1].head == head:
            right += 1
        # "the Arabic daily, Asharq al-Aswat": an appositive name belongs to the mention.
        start = sentence.offset + doc[left].idx
        end = sentence.offset + doc[right].idx + len(doc[right].text)
        return start, end

    def _right_modifiers_end(self, sentence: _Sentence, head, stop: int | None = None) -> int:
        """Where "people familiar with the talks", "a member of the team" end: the head's
        adjective and prepositional modifiers after it, up to a comma."""
        doc = head.doc
        end = head.i
        for child in head.children:
            if child.i <= head.i or (stop is not None and child.i >= stop):
                continue
            if child.dep_ in ("amod", "prep", "compound", "flat", "nmod", "nummod") and \
                    not any(t.is_punct and t.text in ",;:(" for t in doc[head.i + 1: child.i]):
                if child.dep_ == "prep" and child.lower_ not in ("of", "for", "with", "at", "in", "from", "on", "to", "by"):
                    continue
                end = max(end, _edge_without_clauses(child))
        while end > head.i and (doc[end].is_punct or doc[end].is_space):
            end -= 1
        return sentence.offset + doc[end].idx + len(doc[end].text)

    def _mention_span(self, sentence: _Sentence, head) -> tuple[int, int]:
        """A source's mention: the noun phrase with its modifiers ("Two people familiar with
        the negotiations"), without relative clauses or appositives."""
        start, end = self._np_span(sentence, head)
        if head.pos_ in ("NOUN", "PROPN"):
            end = max(end, self._right_modifiers_end(sentence, head))
        return start, end

    def _in_quote(self, offset: int) -> bool:
        return any(s <= offset < e for s, e in self.quotes)

    def _resolve_pronoun(self, offset: int, pronoun: str) -> _Entity | None:
        gender = PERSONAL_PRONOUNS.get(pronoun)
        if gender is None:
            return None
        candidates = [name for at, name in self.persons_seen if at < offset]
        # The most recent person whose known gender does not contradict the pronoun.
        for name in reversed(candidates):
            if self.gender.get(name, gender) == gender:
                self.gender.setdefault(name, gender)
                return _Entity(name, "person", self.roles.get(name))
        return None

    def _plural_antecedent(self, offset: int) -> _Entity | None:
        """"they": the last plural or collective source before it."""
        for at, entity in reversed(self.groups_seen):
            if at < offset:
                return entity
        return None

    def _appositive_name(self, head):
        """"the spokeswoman for the utility, Ines Varga": the name in apposition to a role noun."""
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

    def _lookup(self, mention: str):
        """The outlet a mention names; "the Post" also resolves to an outlet already cited
        (when the text misspells its full name, "The Washingtn Post")."""
        outlet = self.gazetteer.lookup(mention, context=self.norm)
        if outlet is None and self.outlets_seen:
            outlet = self.gazetteer.lookup(mention, context=" ; ".join(self.outlets_seen))
        return outlet

    def _entity_for(self, sentence: _Sentence, head) -> tuple[_Entity, float] | None:
        """Who a subject token is: an outlet, a person, an anonymous source, a document..."""
        start, end = self._mention_span(sentence, head)
        mention = self.norm[start:end]
        lower = head.lower_
        if head.pos_ == "PRON":
            if lower in ("they", "them"):
                entity = self._plural_antecedent(start)
                return (entity, 0.6) if entity else None
            entity = self._resolve_pronoun(start, lower)
            return (entity, 0.75) if entity else None
        # "the Journal's Jay Solomon": a reporter speaking for an outlet; "the Post's story": the outlet.
        for child in head.children:
            if child.dep_ == "poss":
                poss_start, poss_end = self._np_span(sentence, child)
                outlet = self._lookup(self.norm[poss_start:poss_end])
                if outlet and head.ent_type_ == "PERSON" or (outlet and head.pos_ == "PROPN"):
                    reporter = self._strip_titles(self.norm[sentence.offset + head.left_edge.idx: end].split("'s", 1)[-1])
                    return _Entity(outlet.name, outlet.kind, None, reporter=reporter.strip() or None), 0.9
                if outlet and head.lemma_.lower() in STORY_NOUNS:
                    return _Entity(outlet.name, outlet.kind), 0.85
        # "the spokeswoman for the regional utility, Ines Varga": the name is the source.
        named = self._appositive_name(head)
        if named is not None:
            name = self._person_name(named) or self._strip_titles(
                self.norm[sentence.offset + named.left_edge.idx: sentence.offset + named.idx + len(named.text)])
            outlet = self._lookup(name)
            if outlet:
                return _Entity(outlet.name, outlet.kind), 0.85
            role = self.roles.get(name) or " ".join(self.text[start:end].split())
            return _Entity(name, "person", role), 0.85
        outlet = self._lookup(mention)
        if outlet is None and head.pos_ == "NOUN":  # "the state news agency IRNA"
            outlet = next((self._lookup(c.text) for c in head.children
                           if c.dep_ in ("appos", "compound", "npadvmod") and c.i > head.i and c.pos_ == "PROPN"), None)
        if outlet is None and head.ent_type_ in ("ORG", "PERSON"):
            for ent in head.doc.ents:
                if ent.start <= head.i < ent.end:
                    outlet = self._lookup(ent.text)
        if outlet is None and head.pos_ in ("PROPN", "NOUN") and head.text[:1].isupper():
            outlet = self._lookup(self.norm[start:sentence.offset + head.idx + len(head.text)])
        if outlet:
            return _Entity(outlet.name, outlet.kind), 0.9
        if head.ent_type_ == "PERSON" or (head.text[:1].isupper() and head.lower_ in self.full_names):
            name = self._person_name(head)
            if name:
                return _Entity(name, "person", self.roles.get(name)), 0.9
        if _ACRONYM.fullmatch(head.text) and (head.pos_ == "PROPN" or head.ent_type_ == "ORG"):
            # "says WHO", "the FBI said": an acronym speaking is an organization, by its full
            # name when the text gives it ("the World Health Organization (WHO)").
            return _Entity(self.acronyms.get(head.text, head.text), "organization"), 0.8
        if head.pos_ == "PROPN" and head.ent_type_ in _NOT_A_SPEAKER_TYPE:
            # The small model misses many names ("Marta Ruiz explained"), or types them as a
            # title after a quote ('"...," Tomas Ruiz said': WORK_OF_ART): a proper noun
            # speaking, untyped or so typed, is a person.
            name = self._strip_titles(self.norm[sentence.offset + head.left_edge.idx: sentence.offset + head.idx + len(head.text)])
            if name and name[0].isupper():
                name = self.full_names.get(name.split()[-1].lower(), name)
                return _Entity(name, "person", self.roles.get(name)), 0.7
        lemma = head.lemma_.lower()
        determiners = {c.lower_ for c in head.children if c.dep_ in ("det", "poss")}
        possessed = any(c.dep_ == "poss" for c in head.children)
        if (lemma in ROLE_HEADS and head.tag_ == "NN" and (possessed or "the" in determiners)
                and not any(c.dep_ == "amod" and c.lower_ in ("former", "senior") for c in head.children)):
            # "The agency's administrator": one identifiable person, named by the role.
            name = " ".join(self.text[start:end].split())
            return _Entity(name, "person", name), 0.7
        if lemma in ANONYMOUS_HEADS or lower in ANONYMOUS_HEADS:
            named = self.named_anonymous.get(lemma) if head.tag_ == "NN" else None
            if named:
                return _Entity(named, "person", self.roles.get(named)), 0.7
            return _Entity(without_determiner(mention), "anonymous", None), 0.8
        if lemma in DOCUMENT_HEADS:
            return self._document(sentence, head, mention), 0.8
        if lemma in ORGANIZATION_HEADS and head.tag_ == "NNS" and not determiners & {"the", "its", "their"} \
                and not any(t.pos_ == "PROPN" for t in head.subtree):
            # "Environmental groups": unnamed, plural, nobody in particular.
            return _Entity(" ".join(mention.split()), "anonymous", None), 0.7
        if head.ent_type_ in ("ORG", "GPE", "NORP") or (lemma in ORGANIZATION_HEADS and not _common_noun(head.text)):
            return _Entity(without_determiner(mention), "organization"), 0.8
        return None

    def _document(self, sentence: _Sentence, head, mention: str) -> _Entity:
        """A document source: "An audit by the National Accounts Office" is "the National
        Accounts Office audit"; a bare "the report" is the document named before it."""
        others = [c for c in head.children if c.dep_ not in ("det", "punct")]
        if not others and any(c.lower_ in ("the", "this", "that") for c in head.children) and self.documents_seen:
            return self.documents_seen[-1]
        for child in head.children:
            if child.dep_ == "prep" and child.lower_ in ("by", "from"):
                obj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if obj is not None and (obj.pos_ == "PROPN" or obj.ent_type_ in ("ORG", "GPE")):
                    owner = self.norm[sentence.offset + obj.left_edge.idx: sentence.offset + obj.right_edge.idx + len(obj.right_edge.text)]
                    entity = _Entity(f"the {without_determiner(owner)} {head.text}", "document")
                    self.documents_seen.append(entity)
                    return entity
        entity = _Entity(without_determiner(" ".join(mention.split())), "document")
        self.documents_seen.append(entity)
        return entity

    # -- step 4: cues ----------------------------------------------------------

    def source_at(self, start: int, end: int) -> Source | None:
        """The Source the rules make of the mention text[start:end], if it lies in a parsed
        sentence: its head resolved (a pronoun to its person, an alias to its outlet), else
        named by its words, with the kind `guess_kind` reads from them and the parse."""
        dateline = _DATELINE.match(self.norm, start, end)
        if dateline and any(s == start for s, _ in self.paragraph_spans):   # "SIOUX FALLS, S.D. – People ..."
            start = dateline.end()
        sentence = next((s for s in self.sentences if s.start <= start < s.end), None)
        if sentence is None:
            return None
        span = sentence.span.doc.char_span(start - sentence.offset, end - sentence.offset, alignment_mode="expand")
        if span is None or not len(span):
            return None
        head = _mention_head(span)
        found = self._entity_for(sentence, head)
        if found is None and head.pos_ == "PRON":
            found = self._pronoun_source(start, head.lower_)
        mention = Span.of(self.text, start, end)
        if found is None:
            # Named by its words; a mention that stopped short of its noun ("the" of "the
            # songwriters") by the noun phrase. The parse says whether the head is a name.
            s, e = (start, end) if head is span.root else self._mention_span(sentence, head)
            name = without_determiner(self.text[s:e])
            proper = head.pos_ == "PROPN" or bool(head.ent_type_) or head.lower_ in self.full_names
            return Source(name, guess_kind(name, proper=proper), None, mention)
        entity = found[0]
        return Source(entity.name, entity.kind, entity.role, mention, entity.reporter)

    def _pronoun_source(self, offset: int, pronoun: str) -> tuple[_Entity, float] | None:
        """Who "I", "we" or "it" is, for a source only the tagger found (`source_at`).

        First person in a quote, or after a speaker's label ("A: I think"), is its speaker,
        the rules' source of the quote (None when they have none); elsewhere, the author
        speaking in the page's own voice ("I think", "we haven't seen"), so the page itself
        is the source (`Attributor.attribute_page` names it after the page). "it" is the
        last organization, outlet or document cited before it, nearby ("VW says ... but it
        didn't say when")."""
        if pronoun in FIRST_PERSON_WORDS:
            paragraph = next(((s, e) for s, e in self.paragraph_spans if s <= offset < e), (offset, offset))
            labelled = _LABEL_OPENING.match(self.norm, *paragraph) is not None   # "A: I think", "PENCE: We..."
            if not (labelled or self._in_quote(offset) or self._in_block(offset)):
                return _Entity(AUTHOR, "person"), 0.6
            speaker = next((f.entity for f in self.found if f.content and f.content[0] <= offset < f.content[1]), None)
            return (speaker, 0.6) if speaker else None
        if pronoun == "it":
            cited = [f for f in self.found if f.entity.kind in ("organization", "outlet", "document")
                     and offset - IT_REACH <= f.mention[1] <= offset]
            return (cited[-1].entity, 0.5) if cited else None
        return None

    def attributions(self) -> list[Attribution]:
        found: list[_Found] = []
        for sentence in self.sentences:
            if _is_headline(sentence.span):
                continue
            for token in sentence.span:
                if self._in_quote(sentence.offset + token.idx):
                    continue
                items = []
                lemma = token.lemma_.lower()
                if lemma in SPEECH_VERBS and token.pos_ == "VERB" or lemma in STANCE_VERBS and token.pos_ == "VERB":
                    items = self._verb_cue(sentence, token)
                elif token.lower_ == "according":
                    items = [self._according_to(sentence, token)]
                for item in items:
                    if item is None:
                        continue
                    found.append(item)
                    if item.entity.kind == "outlet" and item.entity.name not in self.outlets_seen:
                        self.outlets_seen.append(item.entity.name)
                    if item.entity.kind == "person":
                        self.persons_seen.append((item.mention[0], item.entity.name))
                    elif item.entity.kind in ("anonymous", "organization") or item.entity.name.endswith("s"):
                        self.groups_seen.append((item.mention[0], item.entity))
                # Person subjects also make pronoun antecedents ("Mitt Romney ... was critical").
                if token.dep_ in ("nsubj", "nsubjpass") and token.ent_type_ == "PERSON":
                    name = self._person_name(token)
                    if name:
                        self.persons_seen.append((sentence.offset + token.idx, name))
            self.persons_seen.sort()
            self.groups_seen.sort(key=lambda g: g[0])
        found = self._dedupe(found)
        self._trailing_outlets(found)
        found.extend(self._signed_quotes(found))
        found.extend(self._uncued_quotes(found))
        found.sort(key=lambda f: (f.cue[0], f.mention[0]))
        self._nest(found)
        self._attach_links(found)
        self.found = found
        return [self._to_attribution(f, found) for f in found]

    def _trailing_outlets(self, found: list[_Found]):
        """"X said ..., The Wall Street Journal reported": the outlet is X's medium."""
        for outer in found:
            if outer.entity.kind != "outlet" or not outer.content:
                continue
            for inner in found:
                if inner is outer or inner.via or inner.entity.kind == "outlet" or inner.sentence != outer.sentence:
                    continue
                if outer.content[0] <= inner.cue[0] < outer.content[1] and inner.cue[0] < outer.cue[0]:
                    inner.via, inner.via_mention = outer.entity, outer.mention

    def _subject(self, verb):
        """(subject token, the verb whose auxiliaries open the cue) or (None, verb)."""
        subjects = [c for c in verb.children if c.dep_ == "nsubj"]
        if len(subjects) > 1:  # a quote parsed as a subject: take the one outside quotes, nearest the verb
            outside = [c for c in subjects if not self._in_quote(self._abs(c))]
            subjects = sorted(outside or subjects, key=lambda c: abs(c.i - verb.i))
        if subjects:
            return subjects[0], verb
        for child in verb.children:
            if child.dep_ == "agent":
                for grandchild in child.children:
                    if grandchild.dep_ == "pobj":
                        return grandchild, verb
        if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):  # "said X and added Y"
            return self._subject(verb.head)[0], verb
        if verb.dep_ == "advcl" and verb.tag_ == "VBG" and verb.head.pos_ in ("VERB", "AUX") and verb.i > verb.head.i \
                and verb.lemma_ in PARTICIPLE_CUES:
            # "..., adding that", "..., saying": the subject of the main verb.
            return self._subject(verb.head)[0], verb
        if verb.dep_ == "xcomp" and verb.head.pos_ in ("VERB", "AUX"):
            # "is expected to tell", "refused to say": the subject of the governing verb.
            for child in verb.head.children:
                if child.dep_ in ("nsubj", "nsubjpass"):
                    return child, verb.head
        if verb.dep_ in ("relcl", "acl") and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
            # "the first Iranian official to confirm": the official, or who the official is.
            noun = verb.head
            if noun.dep_ == "attr" and noun.head.lemma_ == "be":
                subject = next((c for c in noun.head.children if c.dep_ == "nsubj"), None)
                if subject is not None:
                    return subject, verb
            return noun, verb
        # "..., a senior official, who spoke on condition of anonymity, said on Tuesday.":
        # the parser hangs the speaker on the reported clause; take the noun phrase ending
        # just before the verb.
        if any(c.dep_ == "ccomp" and c.i < verb.i for c in verb.children):
            doc = verb.doc
            for token in doc[max(0, verb.i - 40): verb.i]:
                if token.dep_ == "appos" and token.pos_ in ("NOUN", "PROPN") \
                        and all(t.is_punct for t in doc[token.right_edge.i + 1: verb.i]) \
                        and doc[token.left_edge.i - 1].text == ",":
                    return token, verb
        return None, verb

    def _abs(self, token) -> int:
        for s in self.sentences:
            if s.span.doc is token.doc:
                return s.offset + token.idx
        return token.idx

    def _cue_span(self, sentence: _Sentence, verb, top) -> tuple[int, int]:
        """The cue as PolNeAR marks it: auxiliaries, negation and adverbs before the verb
        belong to it ("has said", "also said", "is expected to tell"); so does a particle
        ("pointed out") and a statement ("said in a statement")."""
        doc = verb.doc
        first = top.i
        while first - 1 >= 0:
            prev = doc[first - 1]
            if prev.head.i in (top.i, verb.i) and (prev.dep_ in ("aux", "auxpass", "neg")
                                                   or prev.dep_ == "advmod" and prev.lower_ in CUE_ADVERBS):
                first -= 1
            else:
                break
        if first < top.i and doc[first].lower_ == "to" and top is verb:
            first += 1  # "the first official to confirm": the verb is the cue
        last = verb.i
        if last + 1 < len(doc) and doc[last + 1].dep_ == "prt" and doc[last + 1].head == verb:
            last += 1
        for child in verb.children:
            if child.dep_ == "prep" and child.lower_ == "in" and child.i == last + 1:
                obj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if obj is not None and obj.lemma_.lower() in STATEMENT_NOUNS and obj.i - child.i <= 3:
                    last = obj.i
        return sentence.offset + doc[first].idx, sentence.offset + doc[last].idx + len(doc[last].text)

    def _verb_cue(self, sentence: _Sentence, verb) -> list[_Found]:
        subject, top = self._subject(verb)
        if subject is None or self._in_quote(sentence.offset + subject.idx):
            return []
        lemma = verb.lemma_.lower()
        if lemma == "ask" and any(c.dep_ == "xcomp" and any(g.dep_ == "auxpass" for g in c.children) for c in verb.children):
            return []  # "who asked not to be named"
        if lemma in ("decline", "refuse") and any(c.dep_ == "xcomp" and c.lemma_ in NON_COMMENT for c in verb.children):
            return []
        if verb.dep_ == "xcomp" and top.lemma_ in ("decline", "refuse") and lemma in NON_COMMENT:
            return []
        relative = subject.lower_ in RELATIVE_PRONOUNS and subject.tag_ in ("WP", "WDT")
        if relative:
            # "Reuters, which first reported the decision": the pronoun is the mention, the noun the source.
            if verb.dep_ != "relcl" and not (top.dep_ == "relcl"):
                return []
            noun = (verb if verb.dep_ == "relcl" else top).head
            resolved = self._entity_for(sentence, noun)
            mention = (sentence.offset + subject.idx, sentence.offset + subject.idx + len(subject.text))
        else:
            resolved = self._entity_for(sentence, subject)
            mention = self._mention_span(sentence, subject)
            named = self._appositive_name(subject)
            if named is not None:
                mention = (mention[0], max(mention[1], sentence.offset + named.idx + len(named.text)))
        if resolved is None:
            return []
        entity, confidence = resolved
        if entity.kind == "document" and entity.name in [d.name for d in self.documents_seen[:-1]] and mention[1] - mention[0] < 15:
            confidence = 0.7
        cue = self._cue_span(sentence, verb, top)
        clause_start = min(mention[0], cue[0])
        clause_end = max(mention[1], cue[1])
        content = self._adjacent_quote(clause_start, clause_end)
        if content is None:
            for child in verb.children:
                if child.dep_ in ("ccomp", "xcomp") and child.pos_ in ("VERB", "AUX", "ADJ"):
                    content = self._clause_span(sentence, child)
                    break
        if content is None and lemma in OBJECT_CONTENT_VERBS:
            for child in verb.children:
                if child.dep_ in ("dobj", "nsubjpass") and child.lower_ not in ("which", "that", "it"):
                    content = self._object_span(sentence, child)
                    break
        if content and content[0] < mention[0] < content[1]:
            content = _trim(self.norm, (content[0], mention[0]))  # the speaker parsed inside the clause
        if content is None and verb.dep_ == "relcl" and any(
                c.dep_ == "nsubjpass" and c.lower_ in RELATIVE_PRONOUNS for c in verb.children):
            content = self._np_span(sentence, verb.head)  # "the letter, which was revealed by the Journal"
        if content is None and lemma in STANCE_VERBS:
            for child in verb.children:  # "called for a recount", "referred to the deal"
                if child.dep_ == "prep" and child.i > verb.i:
                    content = self._subtree_span(sentence, child)
                    break
        if content is None:
            content = self._introduced_block(clause_end)
        if content is None:
            content = self._preceding_clause(sentence, clause_start, clause_end)
        if content is None and (lemma in WEAK_VERBS or lemma in STANCE_VERBS or entity.kind != "person"):
            cited = self._cited(sentence, verb, entity, None)
            return cited if lemma == "cite" else []
        via, via_mention = self._medium(sentence, verb)
        found = [_Found(entity, mention, cue, content, (sentence.start, sentence.end), confidence, via, via_mention)]
        cited = self._cited(sentence, verb, entity, found[0])
        if lemma == "cite" and any(c.cue == cue for c in cited):
            return cited  # "The Post's story cites three employees": the employees, relayed by the Post
        return found + cited

    def _preceding_clause(self, sentence: _Sentence, clause_start: int, clause_end: int) -> tuple[int, int] | None:
        """"Talks will resume next week, ministry says": the clause before the comma, when
        the cue clause ends the sentence."""
        before = self.norm[sentence.start:clause_start].rstrip()
        after = self.norm[clause_end:sentence.end]
        if not before.endswith(",") or len(before) < 15:
            return None
        if after.strip(" .\"'") and not re.match(r"^\s*(on|in|at|last|this|yesterday|today|\w+day)\b[^,]*[.\"']*\s*$", after):
            return None
        return _trim(self.norm, (sentence.start, sentence.start + len(before) - 1))

    def _cited(self, sentence: _Sentence, verb, carrier_entity: _Entity, carrier: _Found) -> list[_Found]:
        """Sources a speaker passes on: "cites three employees", ", citing an agency email",
        "quoted a lobbyist, Karen Holt, as saying ..."."""
        out = []
        for child in verb.children:
            cite = None
            if verb.lemma_ in ("cite", "quote") and child.dep_ == "dobj":
                cite, obj = verb, child
            elif child.dep_ == "advcl" and child.lemma_ == "cite":
                obj = next((c for c in child.children if c.dep_ == "dobj"), None)
                cite = child if obj is not None else None
            if cite is None:
                continue
            resolved = self._entity_for(sentence, obj)
            if resolved is None:
                continue
            entity, confidence = resolved
            mention = self._mention_span(sentence, obj)
            named = self._appositive_name(obj)
            if named is not None:
                mention = (mention[0], max(mention[1], sentence.offset + named.idx + len(named.text)))
            cue = (sentence.offset + cite.idx, sentence.offset + cite.idx + len(cite.text))
            content = None
            # "as saying the decision ...": the cue of the quoted source.
            doc = verb.doc
            for prep in doc[obj.right_edge.i + 1: min(len(doc) - 1, obj.right_edge.i + 4)]:
                if prep.lower_ == "as" and doc[prep.i + 1].lemma_ == "say":
                    saying = doc[prep.i + 1]
                    if saying is not None:
                        cue = (sentence.offset + prep.idx, sentence.offset + saying.idx + len(saying.text))
                        right = prep.right_edge
                        for sibling in verb.children:  # the parser often hangs the said clause on the verb
                            if sibling.dep_ in ("advcl", "ccomp") and sibling.i > saying.i:
                                right = max(right, sibling.right_edge, key=lambda t: t.i)
                        content = _trim(self.norm, (sentence.offset + saying.idx + len(saying.text),
                                                    sentence.offset + right.idx + len(right.text)))
            out.append(_Found(entity, mention, cue, content, (sentence.start, sentence.end), confidence * 0.9,
                              carrier=carrier_entity.name))
            if cite is verb and content is None and carrier is not None:
                carrier.content = carrier.content or mention
        return out

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
        return _Found(entity, self._mention_span(sentence, obj), cue, content, (sentence.start, sentence.end),
                      confidence, via, via_mention)

    def _medium(self, sentence: _Sentence, verb, depth: int = 0) -> tuple[_Entity | None, tuple[int, int] | None]:
        """The outlet someone spoke through: "told the Arabic daily, Asharq al-Aswat", "in an
        interview with CNN", "in comments to the FT", "wrote in The Atlantic", "said on Fox News
        Sunday", "in an interview published by Der Spiegel", "Appearing on MSNBC's Morning Joe";
        for a source noun, the outlet that cited it: "(according to) sources quoted by Reuters"."""
        candidates = []

        def objects_of(prep):
            return [o for o in prep.children if o.dep_ == "pobj"]

        for child in verb.children:
            if child.dep_ == "acl" and child.lemma_ in ("cite", "quote"):
                candidates.extend(o for agent in child.children if agent.dep_ == "agent" for o in objects_of(agent))
            if child.dep_ in ("dobj", "dative") and verb.lemma_ == "tell":
                candidates.append(child)
                candidates.extend(c for c in child.children if c.dep_ in ("appos", "poss"))
                candidates.extend(g for c in child.children if c.dep_ == "pobj" for g in [c])
            if child.dep_ == "prep" and child.lower_ in ("to", "with", "for", "in", "on"):
                for obj in objects_of(child):
                    candidates.append(obj)
                    candidates.extend(c for c in obj.children if c.dep_ == "poss")
                    for sub in obj.children:  # "in an interview with CNN", "in comments to the FT"
                        if sub.dep_ == "prep" and sub.lower_ in ("with", "to", "for", "on"):
                            candidates.extend(objects_of(sub))
                        if sub.dep_ == "acl":   # "in an interview published by Der Spiegel"
                            for agent in sub.children:
                                if agent.dep_ == "agent":
                                    candidates.extend(objects_of(agent))
                        if sub.dep_ == "punct" and sub.text == "-":  # "op-ed" in three tokens
                            continue
                    if obj.text == "ed" or obj.lower_ in ("op", "oped"):
                        for t in obj.doc[obj.i: obj.i + 6]:
                            if t.dep_ == "pobj":
                                candidates.append(t)
            if child.dep_ == "advcl" and child.lemma_ in ("speak", "talk", "write", "appear", "comment") and depth < 2:
                via = self._medium(sentence, child, depth + 1)
                if via[0]:
                    return via
        for candidate in candidates:
            span = self._np_span(sentence, candidate)
            outlet = self.gazetteer.lookup(self.norm[span[0]:span[1]], context=self.norm)
            if outlet is None and candidate.ent_type_:
                for ent in candidate.doc.ents:
                    if ent.start <= candidate.i < ent.end:
                        outlet = self.gazetteer.lookup(ent.text, context=self.norm)
            if outlet is None and candidate.dep_ == "poss":
                outlet = self.gazetteer.lookup(candidate.text, context=self.norm)
            if outlet:
                return _Entity(outlet.name, outlet.kind), span
        return None, None

    def _object_span(self, sentence: _Sentence, token) -> tuple[int, int]:
        """An object as content, without a relative clause set off by a comma
        ("the reception of the letter, which was revealed by the Journal")."""
        start, end = self._subtree_span(sentence, token)
        for t in token.subtree:
            if t.dep_ in ("relcl", "appos") and t.i > token.i and t.left_edge.i > 0 and t.doc[t.left_edge.i - 1].text == ",":
                end = min(end, sentence.offset + t.doc[t.left_edge.i - 1].idx)
        return _trim(self.norm, (start, end))

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

    def _signed_quotes(self, found: list[_Found]) -> list[_Found]:
        """Attributions the layout makes, with no verb to parse: a quote signed with a dash
        ('"He represents our greatest shame." ― Sonya Herridge') and a transcript's speaker
        label ('WALLACE: Governor, ...', or a headline's 'Pat Caddell: Democrat Voters ...').
        A label must name someone the text names in full ("Chris Wallace") or an outlet, so
        that "UPDATE:" or "The Latest:" is not read as a speaker, and be followed by a
        sentence's worth of words."""
        cued = {f.cue for f in found}
        signed: list[_Found] = []
        for m in _SIGNED_QUOTE.finditer(self.norm):
            quote = next((q for q in self.quotes if q[1] == m.start() + 1), None)
            if quote is None or m.span("dash") in cued:
                continue
            name = m.group("name")
            outlet = self._lookup(name)
            if outlet:
                entity = _Entity(outlet.name, outlet.kind)
            else:
                name = self.full_names.get(name.split()[-1].lower(), name)
                entity = _Entity(name, "person", self.roles.get(name))
            signed.append(_Found(entity, m.span("name"), m.span("dash"), quote, self._sentence_of(quote[0]), 0.8))
        labels = [(m, end) for start, end in self.paragraph_spans if (m := _SPEAKER_LABEL.match(self.norm, start, end))]
        # A transcript: upper-case labels, each opening two paragraphs or more, two of them
        # at least ("WALLACE:", "PENCE:"): its speakers, even one the text never names in full.
        counts = Counter(m.group("name") for m, _ in labels if m.group("name").isupper())
        repeated = {label for label, n in counts.items() if n >= 2}
        transcript = repeated if len(repeated) >= 2 else set()
        for m, end in labels:
            if m.span("colon") in cued:
                continue
            entity = self._labelled(m.group("name"), m.group("name") in transcript)
            content = _trim(self.norm, (m.end(), end))
            # something said, not a tally or a list item ("Clinton: 1,769", "Sanders: Win in a walk")
            if entity and len(_WORD.findall(self.norm[content[0]:content[1]].lower())) >= 5:
                signed.append(_Found(entity, m.span("name"), m.span("colon"), content,
                                     self._sentence_of(m.start("name")), 0.8))
        return signed

    def _labelled(self, label: str, in_transcript: bool = False) -> _Entity | None:
        """Who a paragraph's label ("PENCE:", "Pat Caddell:", "Politifact:") names: a person
        the text names in full, every word of the label in that name, or an outlet; in a
        transcript, the label's own words ("WALLACE" -> "Wallace") when nothing else."""
        words = label.lower().split()
        name = self.full_names.get(words[-1])
        if name and set(words) <= set(name.lower().split()):
            return _Entity(name, "person", self.roles.get(name))
        if in_transcript:
            return _Entity(label.title(), "person")
        outlet = self.gazetteer.lookup(label)
        # "Twitter: @handle" is where, not who
        return _Entity(outlet.name, outlet.kind) if outlet and outlet.type != "social" else None

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
        # "The Post's story cites three employees": the employees are relayed by the Post's
        # attribution (the latest one at or before this sentence).
        for i, f in enumerate(found):
            if f.carrier is None:
                continue
            earlier = [j for j, g in enumerate(found) if g.entity.name == f.carrier and g.cue[0] <= f.cue[0] and j != i]
            if earlier:
                f.relayed_by = earlier[-1]
        for f in found:  # an outlet quoting itself on the page relays nothing
            if f.relayed_by is not None and found[f.relayed_by].entity.name == f.entity.name \
                    and found[f.relayed_by].relayed_by is None and not self._in_block(f.cue[0]):
                f.relayed_by = None

    # -- step 7: links -------------------------------------------------------

    def _in_block(self, offset: int) -> bool:
        return any(s <= offset < e for s, e in self.block_quotes)

    def _attach_links(self, found: list[_Found]):
        for link in self.links:
            if not _is_article_link(link.href):
                continue  # a home page names the outlet; it is not the cited story
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
            # The linked outlet's other citations in the same paragraph ("the Times reported")
            # point at the same story; so does what its story is said to cite.
            outlet = self.gazetteer.by_domain(link.href)
            if outlet is None:
                continue
            paragraph = next(((s, e) for s, e in self.paragraph_spans if s <= link.start < e), None)
            linked = [i for i, f in enumerate(found) if f.entity.name == outlet.name and f.relayed_by is None
                      and paragraph and paragraph[0] <= f.cue[0] < paragraph[1] and not self._in_block(f.cue[0])]
            for i in linked:
                found[i].link = found[i].link or link.href
            for f in found:
                if f.carrier == outlet.name and f.relayed_by in linked:
                    f.link = f.link or link.href

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


def _nested(added: Attribution, rules: list[Attribution]) -> Attribution | None:
    """A tagger-found attribution nested as step 6 nests the rules' own: relayed by the rule
    attribution whose content holds its cue most tightly; its content kept clear of its own
    cue and source (the tagger can run a content over both). None when it would be relayed
    by its own source ("X said the letter emphasized..." read as X emphasizing)."""
    cue = (added.cue.start, added.cue.end)
    holders = [(a.content.end - a.content.start, i) for i, a in enumerate(rules)
               if a.content and a.content.start <= cue[0] and cue[1] <= a.content.end]
    relayed_by = min(holders)[1] if holders else added.relayed_by
    if relayed_by is not None and added.source.mention is not None \
            and rules[relayed_by].source.mention == added.source.mention:
        return None
    if added.source.mention is not None and added.content is not None and any(
            a.source.mention == added.source.mention and a.content == added.content for a in rules):
        return None   # who and what a rule attribution already says ("according to officials quoted by...")
    content = added.content
    own = sorted([cue] + ([(added.source.mention.start, added.source.mention.end)] if added.source.mention else []))
    if content and any(content.start < end and start < content.end for start, end in own):
        # the longest stretch of the content outside its own cue and source
        pieces, at = [], content.start
        for start, end in own:
            pieces.append((at, min(start, content.end)))
            at = max(at, end)
        pieces.append((at, content.end))
        start, end = max(pieces, key=lambda p: p[1] - p[0])
        text = content.text[start - content.start:end - content.start] if end > start else ""
        lead = len(text) - len(text.lstrip(" ,:;\n"))
        text = text.strip(" ,:;\n")
        content = Span(start + lead, start + lead + len(text), text) if len(text.split()) > 1 else None
    return replace(added, relayed_by=relayed_by, content=content)


# On the normalised text (straight quotes): a closing quotation mark, a dash, a name.
_SIGNED_QUOTE = re.compile(
    r'"[ \t]*(?P<dash>\u2015|\u2014|\u2013|--)[ \t]*(?P<name>[A-Z][\w.\'-]*(?:[ \t]+[A-Z][\w.\'-]*){0,4})')
# A paragraph opening with a label and a colon: capitalised words, then ":".
_LABEL = r'[ \t]*["(]?(?P<name>[A-Z][\w.\'-]{rest}(?:[ \t]+[A-Z][\w.\'-]+){{0,3}})(?P<colon>:)[ \t]'
# A speaker's label, its first word two letters or more: "PENCE: Well, look, ...",
# "Pat Caddell: Democrat Voters Worried ..." (a headline).
_SPEAKER_LABEL = re.compile(_LABEL.format(rest="+"))
# Any label, one letter included ("A:", "Q:" of an interview).
_LABEL_OPENING = re.compile(_LABEL.format(rest="*"))
# A dateline opening a news story: "WASHINGTON (AP) — ", "SIOUX FALLS, S.D. – ".
_DATELINE = re.compile(r"[A-Z][A-Z.'-]+(?:[ \t]+[A-Z][A-Z.'-]+)*(?:,[ \t]*[A-Z][\w.]*(?:[ \t]+[A-Z][\w.]*)*)?"
                       r"[ \t]*(?:\([^)\n]{1,40}\)[ \t]*)?[\u2013\u2014-]+[ \t]+")

# Entity types (and none) that cannot be a speaker, so a proper noun the NER gives them is
# read as a mis-typed name when it speaks.
_NOT_A_SPEAKER_TYPE = frozenset({"", "WORK_OF_ART", "PRODUCT", "EVENT", "LAW", "FAC", "LANGUAGE"})


_ACRONYM = re.compile(r"[A-Z]{2,6}")
# "the World Health Organization (WHO)": capitalised words (and small joining words), then
# the acronym in brackets.
_DEFINED_ACRONYM = re.compile(r"((?:[A-Z][\w&'-]*\s+(?:(?:of|for|and|on|the|de)\s+)*)+[A-Z][\w&'-]*)\s+\(([A-Z]{2,6})\)")


def _acronyms(text: str) -> dict[str, str]:
    """The acronyms a text defines, each to its full name, when the initials agree."""
    found = {}
    for m in _DEFINED_ACRONYM.finditer(text):
        words, acronym = m.group(1).split(), m.group(2)
        # The initials of the last capitalised words spell it: the name starts at the first of them.
        capitals = [i for i, w in enumerate(words) if w[0].isupper()][-len(acronym):]
        if "".join(words[i][0] for i in capitals) == acronym:
            found.setdefault(acronym, " ".join(words[capitals[0]:]))
    return found


def _signed(a: Attribution, author: str, role: str | None, site: str | None) -> Attribution:
    """`a` with "the author" named `author` (role `role`); and a source named as the page's
    own site ("News Nation says") that outlet, whatever the gazetteer knows of it."""
    if site and a.source.kind != "outlet" and \
            without_determiner(a.source.name).casefold() == without_determiner(site).casefold():
        return replace(a, source=replace(a.source, kind="outlet"))
    if a.source.name != AUTHOR or a.source.kind != "person":
        return a
    return replace(a, source=replace(a.source, name=author, role=role or a.source.role))


def _no_one_to_trace(a: Attribution) -> bool:
    """A tagger source nobody can trace: generic "you" ("If you just want Disney+", "when
    you think of Colorado": whoever reads), or a mention without a word (a stray quote mark)."""
    if a.source.mention is None:
        return False
    mention = a.source.mention.text
    return mention.lower() in ("you", "your") or not any(ch.isalnum() for ch in mention)


def _person_text(ent) -> str:
    """The entity's text, with untagged first names the NER left out ("Ana" of "Ana Souza")."""
    doc, start = ent.doc, ent.start
    while start > 0 and doc[start - 1].dep_ == "compound" and doc[start - 1].pos_ == "PROPN" \
            and not doc[start - 1].ent_type_ and doc[start - 1].head.i in range(ent.start, ent.end):
        start -= 1
    return doc[start:ent.end].text


def _is_headline(sentence) -> bool:
    """Title Case Lines ("Iranian Official Confirms that Obama Sent Letter") are headlines, not prose."""
    if sentence.start != 0 or sentence.end != len(sentence.doc) or sentence.text.rstrip()[-1:] in ".:":
        return False  # a headline is a paragraph of its own
    words = [t for t in sentence if t.is_alpha and len(t) > 3]
    return len(words) >= 3 and sum(t.text[0].isupper() for t in words) >= 0.8 * len(words)


def _edge_without_clauses(token) -> int:
    """The last token of a phrase, leaving out the clauses inside it ("remarks obtained by ...")."""
    skip = {t.i for c in token.subtree if c.dep_ in ("acl", "relcl", "advcl", "appos") and c is not token for t in c.subtree}
    return max(t.i for t in token.subtree if t.i not in skip)


# Words a reader does not count as part of who spoke: "*Even* China said", "*Both* Mr. King
# and Mr. Schultz say" (PolNeAR's annotators leave them out of the source too).
_FOCUS_WORDS = frozenset({"even", "both", "only", "also", "just"})
_SEPARATORS = frozenset({",", ";", ":", "-", "--", "\u2013", "\u2014", "\u2015"})


def _mention_head(span):
    """The word a source mention is about, when the span stops short of it: the noun of a
    determiner or modifier ("the" of "the Senate resolved"), the antecedent of a relative
    pronoun ("who" of "Ryan Suter, who joked"). A possessor that is a name or a compound
    ("Obama's", "White House" of "White House spokesman") is a source of its own and stays;
    a possessive pronoun ("their" of "their lawyers said") does not."""
    root = span.root
    modifier = root.dep_ in ("det", "predet", "amod", "nummod") or (root.dep_ == "poss" and root.pos_ == "PRON")
    if modifier and root.head.i >= span.end \
            and root.head.pos_ in ("NOUN", "PROPN"):
        return root.head
    if root.lower_ in RELATIVE_PRONOUNS and root.head.dep_ == "relcl" and root.head.head.pos_ in ("NOUN", "PROPN"):
        return root.head.head
    return root


def _mention_start(doc, left: int, head: int) -> int:
    """The first token of a mention whose parse reaches too far left: past a quotation mark
    or separator the parser hung on the name ('military," Flynn'; "predictable - Donald J.
    Trump"; "FLINT, Mich. (UPI) -- Former President Bill Clinton"; "until the election,
    Minyon Moore") and past focus words ("Even China")."""
    for i in range(head - 1, left - 1, -1):
        t = doc[i]
        # a spaced separator or any quotation mark; "co-author" keeps its unspaced hyphen
        if t.is_quote or (t.text in _SEPARATORS and (t.text == "," or t.whitespace_ or (i > 0 and doc[i - 1].whitespace_))):
            left = i + 1
            break
    while left < head and (doc[left].lower_ in _FOCUS_WORDS or doc[left].is_punct):
        left += 1
    return left


# Words after a noun phrase's head: "responses from Tehran", "officials who asked".
_AFTER_HEAD = frozenset("of from in at for with on by to who whom which that".split())
# Personal pronouns: someone, whoever they stand for (the tagger reads them as a feature too).
PRONOUN_WORDS = frozenset("i we you he she they it me us him her them".split())
FIRST_PERSON_WORDS = frozenset("i me we us".split())
_SOMEONE_PRONOUNS = frozenset({"i", "me", *PERSONAL_PRONOUNS})   # one person; "they", "we", "it" are not
# The name of the source when the page speaks in its own voice ("I think ...").
AUTHOR = "the author"
IT_REACH = 400      # chars back from "it" to the organization it stands for


def guess_kind(mention: str, proper: bool | None = None) -> str:
    """A source's kind from its words alone, for a mention the rules cannot resolve. The
    head is the last word before a preposition or a relative pronoun ("responses from
    Tehran"). A pronoun or a capitalised head is someone; a common noun the lists do not
    know ("responses", "delegations", "both") or a function word is an unnamed source."""
    words = [w.strip(",.;:'\"()") for w in mention.split()]
    head_words = list(itertools.takewhile(lambda w: w.lower() not in _AFTER_HEAD, words)) or words
    word = head_words[-1] if head_words else ""
    head = word.lower()
    for kind, heads in (("person", _SOMEONE_PRONOUNS), ("anonymous", PRONOUN_WORDS), ("anonymous", ANONYMOUS_HEADS), ("document", DOCUMENT_HEADS),
                        ("organization", ORGANIZATION_HEADS), ("person", ROLE_HEADS)):
        if head in heads and not (kind == "organization" and _common_noun(word)):
            return kind
    # Capitalised: a name, unless a function word opening the sentence ("So", "A"), or a
    # common noun by the parse (`proper` False: "Video shows").
    return "person" if word[:1].isupper() and head not in STOP_WORDS and proper is not False else "anonymous"


# Organization heads that name one only when capitalised: "the House", not "your house".
_ONLY_CAPITALISED = frozenset("house congress senate parliament".split())


def _common_noun(word: str) -> bool:
    return word.lower() in _ONLY_CAPITALISED and word.islower()


def without_determiner(mention: str) -> str:
    return re.sub(r"^(the|a|an)\s+", "", " ".join(mention.split()), flags=re.I)


def _is_article_link(href: str) -> bool:
    """A link to a story, not to a site's home page."""
    path = re.sub(r"^[a-z]+://[^/]+", "", href or "", flags=re.I)
    return path.strip("/") != ""


def _trim(text: str, span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    while start < end and text[start] in " ,;:":
        start += 1
    while end > start and text[end - 1] in " ,;:.":
        end -= 1
    return start, end
