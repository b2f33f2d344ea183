"""One text read by the rules, step by step (see attributor.py for the steps): which
paragraphs to parse, then entities, cues, quotes and their assembly, in that order."""

from __future__ import annotations

import re

from headwater.attribution import assembly
from headwater.attribution.cues import Cues
from headwater.attribution.entities import Entities, Speakers
from headwater.attribution.lexicon import ANONYMOUS_HEADS, SPEECH_VERBS, STANCE_VERBS
from headwater.attribution.noise import can_speak
from headwater.attribution.quotes import signed_quotes, uncued_quotes
from headwater.attribution.syntax import Sentence, Sentences, in_main_clause, is_headline
from headwater.attribution.text import WORD, Layout
from headwater.records import Attribution, Link, Source, Span

# "The official is Ali Khoram": step 3 learns who an anonymous source is.
_NAMES_ANONYMOUS = re.compile(
    rf"\b(?:the|this|that)\s+(?:[\w-]+\s+){{0,3}}?(?:{'|'.join(sorted(ANONYMOUS_HEADS))})\s+(?:is|was)\b", re.I
)
_NAME_IN_FULL = re.compile(r"(?<=[A-Za-z.] )[A-Z][\w'-]*|[A-Z][\w'-]*(?=,)")


class CueWords:
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
        except (KeyError, AttributeError):  # a pipeline without the rule lemmatizer: parse everything
            self.rules, self.exceptions, self.known = [], {}, False
        self._cache: dict[str, bool] = {}

    def __contains__(self, word: str) -> bool:
        hit = self._cache.get(word)
        if hit is None:
            hit = self._cache[word] = (
                not self.known
                or word == "according"
                or word in self.lemmas
                or any(f in self.lemmas for f in self.exceptions.get(word, ()))
                or any(
                    word.endswith(old) and word[: len(word) - len(old)] + new in self.lemmas for old, new in self.rules
                )
            )
        return hit


def worth_parsing(paragraph: str, cue_words: CueWords) -> bool:
    """Whether a paragraph (normalised text) can hold a cue or teach a name: only those
    are parsed. Recall first: any word the lemmatizer could turn into a cue verb."""
    return (
        any(w in cue_words for w in WORD.findall(paragraph.lower())) or _NAMES_ANONYMOUS.search(paragraph) is not None
    )


def _name_words(docs) -> set[str]:
    """Lower-case last names of the PERSON entities and the proper nouns in parsed paragraphs."""
    words = set()
    for doc in docs:
        for ent in doc.ents:
            if ent.label_ == "PERSON":
                words.add(ent[-1].lower_)
        words.update(t.lower_ for t in doc if t.pos_ == "PROPN")
    return words


def _introduces(paragraph: str, names: set[str]) -> bool:
    """Whether a paragraph may give the full name, title or role of a person named elsewhere:
    one of the names after another word ("Ali Khoram", "Mr. Khoram") or before a comma."""
    return any(re.sub(r"'s?$", "", m.group()).lower() in names for m in _NAME_IN_FULL.finditer(paragraph))


class Reading:
    """One text as the rules read it. `sentences` lists, in text order, every parsed
    sentence (a `Sentence`: the spaCy Span and its offsets into the text); `attributions()`
    finds the rules' attributions; `source_at(start, end)` names the source a mention there
    would be (the tagger's way into the rules' resolution)."""

    def __init__(self, nlp, gazetteer, worth_parsing, text: str, links: list[Link], quotes: list[Span]):
        self.text = text
        self.links = links
        self.gazetteer = gazetteer
        self.layout = layout = Layout(text, [(q.start, q.end) for q in quotes])
        norm = layout.norm
        # Only paragraphs that can hold a cue or teach a name are parsed (see worth_parsing),
        # each on its own as before, so a parsed paragraph reads exactly as in a full parse.
        parsed, skipped = [], []
        for s, e in layout.paragraphs:
            (parsed if worth_parsing(norm[s:e]) else skipped).append((s, e))
        docs = list(zip(parsed, nlp.pipe(norm[s:e] for s, e in parsed)))
        # Then the paragraphs that introduce a person the parsed ones name ("Ali Khoram, an
        # adviser to ...", "Mr. Khoram"), for the entities: full names, roles, gender, antecedents.
        names = _name_words(doc for _, doc in docs)
        more = [(s, e) for s, e in skipped if _introduces(norm[s:e], names)]
        docs += zip(more, nlp.pipe(norm[s:e] for s, e in more))
        docs.sort(key=lambda d: d[0])
        self.sentences = Sentences([Sentence(sent, start) for (start, _), doc in docs for sent in doc.sents])
        self.entities = Entities(layout, self.sentences, gazetteer)
        self.found: list[assembly.Found] = []  # the rules' attributions, once `attributions()` ran
        self._speakers: Speakers | None = None

    def attributions(self, for_reader: bool = False) -> list[Attribution]:
        """`for_reader`: read for a reader's source list, where two readings differ from
        PolNeAR's annotation: "A and B said" gives B an attribution of its own too (a reader's
        list names both; PolNeAR marks "A and B" as one source), and a plural subject that
        does not speak ("Protesters believe ...", "Many residents fled") still stands behind a
        later "they" (a reader needs the name; on PolNeAR dev the tagger's content for such a
        cue scores better than the rules' would)."""
        cues = Cues(self.layout, self.sentences, self.entities, coordinated_speakers=for_reader)
        entities, layout = self.entities, self.layout
        found: list[assembly.Found] = []
        for sentence in self.sentences:
            if is_headline(sentence.span):
                continue
            for token in sentence.span:
                if layout.in_quote(sentence.offset + token.idx):
                    continue
                for item in cues.at(sentence, token):
                    found.append(item)
                    entities.note(item.entity, item.mention[0])
                # Subjects also make pronoun antecedents, speaking or not: a person ("Mitt
                # Romney ... was critical") for "he"/"she", the subject of a main (or adverbial)
                # clause preferred (`Entities.resolve_pronoun`); for a reader, a group that can
                # speak ("Protesters believe ...") for "they", in a main clause only, as a group
                # has more rivals ("in some cases after people threw petrol bombs").
                if token.dep_ in ("nsubj", "nsubjpass"):
                    if token.ent_type_ == "PERSON":
                        name = entities.person_name(token)
                        if name:
                            entities.note_subject(sentence.offset + token.idx, name, in_main_clause(token))
                    elif (
                        for_reader
                        and token.tag_ in ("NNS", "NNPS")
                        and can_speak(token.lower_)
                        and in_main_clause(token, False)
                    ):
                        entities.note_group_subject(sentence, token)
            entities.settle()
        found = assembly.dedupe(found)
        assembly.trailing_outlets(found)
        found.extend(signed_quotes(layout, entities, self.sentences, found))
        found.extend(uncued_quotes(layout, self.sentences, found))
        found.sort(key=lambda f: (f.cue[0], f.mention[0]))
        assembly.nest(found, layout)
        assembly.attach_links(found, self.links, layout, self.gazetteer)
        self.found = found
        self._speakers = None
        return [assembly.to_attribution(f, self.text) for f in found]

    def source_at(self, start: int, end: int) -> Source | None:
        """The Source the rules make of the mention text[start:end] (see `Entities.source_at`)."""
        if self._speakers is None:
            self._speakers = Speakers(self.found)
        return self.entities.source_at(start, end, self._speakers)
