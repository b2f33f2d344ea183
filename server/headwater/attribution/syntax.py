"""Spans of the parse: the parsed sentences with their offsets into the text, and where a
noun phrase, a mention, a subtree or a clause begins and ends (absolute offsets)."""

from __future__ import annotations

from dataclasses import dataclass

from headwater.attribution.lexicon import RELATIVE_PRONOUNS
from headwater.attribution.text import Spans, trim


@dataclass
class Sentence:
    span: object  # spaCy Span
    offset: int  # where its paragraph starts in the text

    @property
    def start(self) -> int:
        return self.offset + self.span.start_char

    @property
    def end(self) -> int:
        return self.offset + self.span.end_char


class Sentences:
    """The parsed sentences in text order, found by offset (bisection) or by token."""

    def __init__(self, sentences: list[Sentence]):
        self.all = sentences
        self._bounds = Spans((s.start, s.end) for s in sentences)
        self._doc_offset: dict[int, int] = {}
        for s in sentences:
            self._doc_offset.setdefault(id(s.span.doc), s.offset)

    def __iter__(self):
        return iter(self.all)

    def __len__(self):
        return len(self.all)

    def __getitem__(self, i):
        return self.all[i]

    def at(self, offset: int) -> Sentence | None:
        """The sentence holding `offset`."""
        i = self._bounds.index_at(offset)
        return None if i is None else self.all[i]

    def bounds_at(self, offset: int) -> tuple[int, int]:
        """(start, end) of the sentence holding `offset`; (offset, offset) outside every one."""
        return self._bounds.at(offset) or (offset, offset)

    def offset_of(self, token) -> int:
        """A token's offset in the text."""
        return self._doc_offset.get(id(token.doc), 0) + token.idx


def is_headline(sentence) -> bool:
    """Title Case Lines ("Iranian Official Confirms that Obama Sent Letter") are headlines, not prose."""
    if sentence.start != 0 or sentence.end != len(sentence.doc) or sentence.text.rstrip()[-1:] in ".:":
        return False  # a headline is a paragraph of its own
    words = [t for t in sentence if t.is_alpha and len(t) > 3]
    return len(words) >= 3 and sum(t.text[0].isupper() for t in words) >= 0.8 * len(words)


# Dependencies of a clause embedded as an argument or a noun's modifier (spaCy's English
# labels); an adverbial clause ("When Carlineo was approached, he told") is not among them.
_EMBEDDED = frozenset("ccomp xcomp relcl acl pcomp csubj csubjpass".split())


def in_main_clause(token, adverbial: bool = True) -> bool:
    """Whether a token's clause is its sentence's main clause, one conjoined with it or
    (`adverbial`) an adverbial clause of it: no verb on the way up from it to the root is
    embedded in another."""
    while token.head.i != token.i:
        if token.dep_ in _EMBEDDED or (token.dep_ == "advcl" and not adverbial):
            return False
        token = token.head
    return True


def person_text(ent) -> str:
    """The entity's text, with untagged first names the NER left out ("Ana" of "Ana Souza")."""
    doc, start = ent.doc, ent.start
    while (
        start > 0
        and doc[start - 1].dep_ == "compound"
        and doc[start - 1].pos_ == "PROPN"
        and not doc[start - 1].ent_type_
        and doc[start - 1].head.i in range(ent.start, ent.end)
    ):
        start -= 1
    return doc[start : ent.end].text


def edge_without_clauses(token) -> int:
    """The last token of a phrase, leaving out the clauses inside it ("remarks obtained by ...")."""
    skip = {
        t.i for c in token.subtree if c.dep_ in ("acl", "relcl", "advcl", "appos") and c is not token for t in c.subtree
    }
    return max(t.i for t in token.subtree if t.i not in skip)


# Words a reader does not count as part of who spoke: "*Even* China said", "*Both* Mr. King
# and Mr. Schultz say" (PolNeAR's annotators leave them out of the source too).
_FOCUS_WORDS = frozenset({"even", "both", "only", "also", "just"})
_SEPARATORS = frozenset({",", ";", ":", "-", "--", "\u2013", "\u2014", "\u2015"})


def mention_head(span):
    """The word a source mention is about, when the span stops short of it: the noun of a
    determiner or modifier ("the" of "the Senate resolved"), the antecedent of a relative
    pronoun ("who" of "Ryan Suter, who joked"). A possessor that is a name or a compound
    ("Obama's", "White House" of "White House spokesman") is a source of its own and stays;
    a possessive pronoun ("their" of "their lawyers said") does not."""
    root = span.root
    modifier = root.dep_ in ("det", "predet", "amod", "nummod") or (root.dep_ == "poss" and root.pos_ == "PRON")
    if modifier and root.head.i >= span.end and root.head.pos_ in ("NOUN", "PROPN"):
        return root.head
    if root.lower_ in RELATIVE_PRONOUNS and root.head.dep_ == "relcl" and root.head.head.pos_ in ("NOUN", "PROPN"):
        return root.head.head
    return root


def mention_start(doc, left: int, head: int) -> int:
    """The first token of a mention whose parse reaches too far left: past a quotation mark
    or separator the parser hung on the name ('military," Flynn'; "predictable - Donald J.
    Trump"; "FLINT, Mich. (UPI) -- Former President Bill Clinton"; "until the election,
    Minyon Moore") and past focus words ("Even China")."""
    for i in range(head - 1, left - 1, -1):
        t = doc[i]
        # a spaced separator or any quotation mark; "co-author" keeps its unspaced hyphen
        if t.is_quote or (
            t.text in _SEPARATORS and (t.text == "," or t.whitespace_ or (i > 0 and doc[i - 1].whitespace_))
        ):
            left = i + 1
            break
    while left < head and (doc[left].lower_ in _FOCUS_WORDS or doc[left].is_punct):
        left += 1
    return left


def np_span(sentence: Sentence, head) -> tuple[int, int]:
    """The mention of a noun phrase: its left edge to its head, plus name parts after it."""
    doc = head.doc
    left = head.left_edge.i
    while left >= 2 and doc[left - 1].text == "-" and not doc[left - 2].whitespace_ and not doc[left - 1].whitespace_:
        left = doc[left - 2].left_edge.i  # "co-author" parsed as three tokens
    left = mention_start(doc, left, head.i)
    right = head.i
    while right + 1 < len(doc) and doc[right + 1].dep_ in ("compound", "flat", "nmod") and doc[right + 1].head == head:
        right += 1
    start = sentence.offset + doc[left].idx
    end = sentence.offset + doc[right].idx + len(doc[right].text)
    return start, end


def right_modifiers_end(sentence: Sentence, head, stop: int | None = None) -> int:
    """Where "people familiar with the talks", "a member of the team" end: the head's
    adjective and prepositional modifiers after it, up to a comma."""
    doc = head.doc
    end = head.i
    for child in head.children:
        if child.i <= head.i or (stop is not None and child.i >= stop):
            continue
        if child.dep_ in ("amod", "prep", "compound", "flat", "nmod", "nummod") and not any(
            t.is_punct and t.text in ",;:(" for t in doc[head.i + 1 : child.i]
        ):
            if child.dep_ == "prep" and child.lower_ not in ("of", "for", "with", "at", "in", "from", "on", "to", "by"):
                continue
            end = max(end, edge_without_clauses(child))
    while end > head.i and (doc[end].is_punct or doc[end].is_space):
        end -= 1
    return sentence.offset + doc[end].idx + len(doc[end].text)


def mention_span(sentence: Sentence, head) -> tuple[int, int]:
    """A source's mention: the noun phrase with its modifiers ("Two people familiar with
    the negotiations"), without relative clauses or appositives."""
    start, end = np_span(sentence, head)
    if head.pos_ in ("NOUN", "PROPN"):
        end = max(end, right_modifiers_end(sentence, head))
    return start, end


def subtree_span(sentence: Sentence, token) -> tuple[int, int]:
    right = token.right_edge
    return (sentence.offset + token.left_edge.idx, sentence.offset + right.idx + len(right.text))


def clause_span(sentence: Sentence, token) -> tuple[int, int]:
    """A clausal complement without its "that" and closing punctuation."""
    tokens = [t for t in token.subtree]
    while tokens and (tokens[0].dep_ == "mark" or tokens[0].is_punct):
        tokens = tokens[1:]
    while tokens and tokens[-1].is_punct and tokens[-1].text not in ('"', "'", ")", "]"):
        tokens = tokens[:-1]
    if not tokens:
        return subtree_span(sentence, token)
    last = tokens[-1]
    return (sentence.offset + tokens[0].idx, sentence.offset + last.idx + len(last.text))


def object_span(norm: str, sentence: Sentence, token) -> tuple[int, int]:
    """An object as content, without a relative clause set off by a comma
    ("the reception of the letter, which was revealed by the Journal")."""
    start, end = subtree_span(sentence, token)
    for t in token.subtree:
        if (
            t.dep_ in ("relcl", "appos")
            and t.i > token.i
            and t.left_edge.i > 0
            and t.doc[t.left_edge.i - 1].text == ","
        ):
            end = min(end, sentence.offset + t.doc[t.left_edge.i - 1].idx)
    return trim(norm, (start, end))
