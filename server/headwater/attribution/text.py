"""The text before any parse: its typographic marks, paragraphs and direct quotes.

The attributor reads a same-length copy of the text (`normalise_keeping_offsets`), so every
offset found in the copy is an offset into the caller's text. The quotation marks and the
other typographic characters are listed here once; the gazetteer's matching (which may
change lengths) and the export's test for a quoted passage read the same lists.
"""

from __future__ import annotations

import re

from headwater.attribution.spans import Covering, Spans

# -- typographic marks -----------------------------------------------------------

DOUBLE_QUOTES = '"\u201c\u201d\u201e\u201f\u00ab\u00bb'  # " “ ” „ ‟ « »
SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b"  # ' ‘ ’ ‚ ‛
QUOTE_MARKS = DOUBLE_QUOTES + SINGLE_QUOTES
# Primes, typed for quotation marks: ″ for ", ′ for '.
DOUBLE_PRIME, PRIME = "\u2033", "\u2032"
# Spaces a page may use for a plain one: no-break, thin, narrow no-break, figure.
ODD_SPACES = "\u00a0\u2009\u202f\u2007"

# What the reading straightens, one character for one (offsets stay the text's).
_PLAIN_MARKS = str.maketrans(
    {
        **{c: " " for c in ODD_SPACES},
        **{c: "'" for c in SINGLE_QUOTES[1:] + PRIME},
        **{c: '"' for c in DOUBLE_QUOTES[1:] + DOUBLE_PRIME},
    }
)

# What a name is matched without (the gazetteer): also the other apostrophes, dashes and
# spaces; invisible characters go, so this one may shorten the text.
NAME_MARKS = str.maketrans(
    {
        **{c: "'" for c in SINGLE_QUOTES[1:] + PRIME + "\u02bc\u00b4`"},
        **{c: '"' for c in DOUBLE_QUOTES[1:5] + DOUBLE_PRIME},  # guillemets are kept in names
        **{c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2212"},
        **{c: " " for c in ODD_SPACES + "\u200a\u2002\u2003"},
        "\u200b": "",
        "\u00ad": "",
    }
)
# `NAME_MARKS` less what it deletes: offsets stay those of the text.
NAME_MARKS_SAME_LENGTH = {k: v for k, v in NAME_MARKS.items() if isinstance(v, str) and len(v) == 1}

# Two apostrophes as a quotation mark (the New York Times' style: ''That makes me smart''):
# a space and a mark, the mark against the quoted word, so the length stays the same.
_OPENING_APOSTROPHES = re.compile(r"(?:(?<=^)|(?<=[\s(\[\-]))''(?=\S)", re.M)
_CLOSING_APOSTROPHES = re.compile(r"(?<=\S)''")


def normalise_keeping_offsets(text: str) -> str:
    """Plain spaces and straight quotes, the text's length and offsets unchanged."""
    text = text.translate(_PLAIN_MARKS)
    if "''" in text:
        text = _OPENING_APOSTROPHES.sub(' "', text)
        text = _CLOSING_APOSTROPHES.sub('" ', text)
    return text


# -- layout patterns (on the normalised text) -----------------------------------

WORD = re.compile(r"[a-z]+")
# A closing quotation mark, a dash, a name: a signed quote.
SIGNED_QUOTE = re.compile(
    r'"[ \t]*(?P<dash>\u2015|\u2014|\u2013|--)[ \t]*(?P<name>[A-Z][\w.\'-]*(?:[ \t]+[A-Z][\w.\'-]*){0,4})'
)
# A paragraph opening with a label and a colon: capitalised words, then ":".
_LABEL = r'[ \t]*["(]?(?P<name>[A-Z][\w.\'-]{rest}(?:[ \t]+[A-Z][\w.\'-]+){{0,3}})(?P<colon>:)[ \t]'
# A speaker's label, its first word two letters or more: "PENCE: Well, look, ...",
# "Pat Caddell: Democrat Voters Worried ..." (a headline).
SPEAKER_LABEL = re.compile(_LABEL.format(rest="+"))
# Any label, one letter included ("A:", "Q:" of an interview).
LABEL_OPENING = re.compile(_LABEL.format(rest="*"))
# A dateline opening a news story: "WASHINGTON (AP) — ", "SIOUX FALLS, S.D. – ".
DATELINE = re.compile(
    r"[A-Z][A-Z.'-]+(?:[ \t]+[A-Z][A-Z.'-]+)*(?:,[ \t]*[A-Z][\w.]*(?:[ \t]+[A-Z][\w.]*)*)?"
    r"[ \t]*(?:\([^)\n]{1,40}\)[ \t]*)?[\u2013\u2014-]+[ \t]+"
)


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


def trim(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """The span without the separators at its ends (and a full stop at its end)."""
    start, end = span
    while start < end and text[start] in " ,;:":
        start += 1
    while end > start and text[end - 1] in " ,;:.":
        end -= 1
    return start, end


class Layout:
    """The normalised text and where its paragraphs, direct quotes and block quotes are."""

    def __init__(self, text: str, block_quotes):
        self.text = text
        self.norm = normalise_keeping_offsets(text)
        self.paragraphs = Spans(paragraphs(self.norm))
        quotes = []
        for span in self.paragraphs:
            quotes.extend(direct_quotes(self.norm, span))
        self.quotes = Spans(quotes)
        self.quote_ends = [e for _, e in quotes]  # in order too: the quotes do not overlap
        self.block_quotes = sorted(block_quotes)
        self._blocks = Covering((s, e, i) for i, (s, e) in enumerate(self.block_quotes))
        self._quote_by_end = {q[1]: q for q in quotes}
        self._quote_set = set(quotes)

    def paragraph_at(self, offset: int) -> tuple[int, int] | None:
        return self.paragraphs.at(offset)

    def in_quote(self, offset: int) -> bool:
        return self.quotes.at(offset) is not None

    def is_quote(self, span: tuple[int, int]) -> bool:
        return span in self._quote_set

    def quote_ending_at(self, end: int) -> tuple[int, int] | None:
        return self._quote_by_end.get(end)

    def in_block(self, offset: int) -> bool:
        return self._blocks.rank_at(offset) is not None
