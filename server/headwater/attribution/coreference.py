"""One source, one name: the shorter mentions of a source a page has named in full.

A reader's source list should not show "Montell Figgins" and "Figgins", or "the Inner
Mongolia health commission" and "the health commission", as two sources. Journalism
names a source in full once and shortens it after; `one_name_each` gives the short
mentions the full name, when exactly one source on the page fits:

- a person named by one word ("Figgins", "Liu") is the one person whose full name ends
  (or, for names written family name first, starts) with that word;
- a person called by a role ("China's ambassador to Britain") is the one person the page
  names with that role ("China's ambassador to Britain Liu Xiaoming");
- a person named with a descriptor before the name ("Browns DL Sheldon Richardson",
  "Apple CEO Tim Cook") is named by the name alone;
- a statement or release is who issued it ("a White House statement": the White House);
- an abbreviation ("VW", "CPUC") is the one organisation whose name it abbreviates;
- "the analyst" is the analyst named last before it; "its researchers" speak for the
  organisation named last before them;
- unnamed sources that differ only by a determiner ("His doctor", "the doctor") or by a
  word for the same files ("court documents", "court records") are one, named as first;
- an unnamed group is named without its quantifier ("Some social media users" and "other
  social media users" are "social media users");
- "the company", "the automaker" is the one company the page cites by name;
- a name is the longer name it begins, up to a post-modifier ("the U.S. attorney's office"
  is the "U.S. Attorney's Office for the Western District of New York"), and
  "prosecutors" the one prosecuting office the page names;
- a common noun phrase ("the agency", "the city's police", "prison records") is the one
  organisation, document or group whose name ends with it ("the European Space Agency",
  "Hong Kong police", "federal prison records", "federal prosecutors").

Entities.py already resolves titles and pronouns ("Mr. Khoram", "he") within the parse;
this runs on the page's attributions after it, where the rules and the tagger may each
have named one source differently.
"""

from __future__ import annotations

import re
from dataclasses import replace

from headwater.attribution.entities import strip_titles
from headwater.attribution.lexicon import ANONYMOUS_HEADS, DOCUMENT_HEADS, ORGANIZATION_HEADS, ROLE_HEADS, TITLES
from headwater.records import Attribution

# Determiners, and the possessive of a place the page has named ("the city's police").
_DETERMINER = re.compile(
    r"^(?:the|a|an|its|their|his|her|our|this|that|these|those|"
    r"(?:city|country|nation|state|county|town|region|island|territory|province)['’]s)\s+",
    re.I,
)
_COMMON_HEADS = ANONYMOUS_HEADS | DOCUMENT_HEADS | ORGANIZATION_HEADS | ROLE_HEADS
# What news copy calls a company it has named: "the automaker said".
_BUSINESS_NOUNS = frozenset(
    """company firm automaker carmaker retailer manufacturer maker airline carrier bank lender
    insurer utility startup chipmaker drugmaker brand chain operator developer""".split()
)
_ISSUED = re.compile(r"(?P<issuer>.+?)(?:['’]s?)?\s+(?:press\s+|news\s+)?(?:release|statement)$", re.I)
_QUANTIFIER = re.compile(r"^(?:some|other|many|several|most)\s+", re.I)
_GROUPS = {"organization": "org", "document": "doc", "anonymous": "org"}


def one_name_each(found: list[Attribution]) -> list[Attribution]:
    """`found` with each short mention of a source named in full elsewhere on the page renamed."""
    for step in (_short_names, _abbreviations, _antecedents, _same_unnamed, _without_quantifier, _the_company):
        found = step(found)
    return found


def _short_names(found: list[Attribution]) -> list[Attribution]:
    """People by their full names, organisations, documents and groups by their whole names."""
    kind_of = {}  # a full name's kind: person, or the organisation the parse typed it as
    for a in found:
        if a.source.kind == "person" or _reads_as_person(a):
            name = strip_titles(a.source.name)
            if kind_of.get(name) != "person":
                kind_of[name] = a.source.kind
    full_people = [p for p in kind_of if len(p.split()) >= 2]
    named = {
        (a.source.name, a.source.kind)
        for a in found
        if a.source.kind in _GROUPS and len(_bare(a.source.name).split()) >= 2
    }
    renamed: dict[tuple[str, str], tuple[str, str]] = {}
    # longer names first, so that a shorter one meets them already resolved
    for a in sorted(found, key=lambda a: -len(a.source.name)):
        key = (a.source.name, a.source.kind)
        if key in renamed or a.form not in ("verb", "credit"):
            continue
        person = a.source.kind == "person" or _reads_as_person(a) or _one_word_name(a)
        target = _full_person(a.source.name, full_people) if person else None
        if target:
            renamed[key] = (target, kind_of[target])
        elif a.source.kind == "person" and _named_by_role(a, found):
            renamed[key] = (_named_by_role(a, found), "person")
        elif a.source.kind == "person" and _after_descriptor(a.source.name):
            renamed[key] = (_after_descriptor(a.source.name), "person")
        elif a.source.kind in _GROUPS:
            resolved = {renamed.get(n, n) for n in named}
            whole = _issuer(a.source.name, a.source.kind, resolved) or _whole_name(
                a.source.name, a.source.kind, resolved
            )
            if whole:
                renamed[key] = whole
    return _renamed(found, renamed)


def _abbreviations(found: list[Attribution]) -> list[Attribution]:
    renamed = {}
    for a in found:
        if a.source.kind in ("organization", "outlet"):
            whole = _spelled_out(a.source.name, found)
            if whole:
                renamed[(a.source.name, a.source.kind)] = whole
    return _renamed(found, renamed)


def _antecedents(found: list[Attribution]) -> list[Attribution]:
    """Each "the analyst", "its researchers" by what it points back to (mention by mention)."""
    out = []
    for a in found:
        target = _antecedent(a, found)
        out.append(replace(a, source=replace(a.source, name=target[0], kind=target[1])) if target else a)
    return out


def _without_quantifier(found: list[Attribution]) -> list[Attribution]:
    """ "Some social media users", "other social media users": one group, "social media users"."""
    return _renamed(
        found,
        {
            (a.source.name, "anonymous"): (_QUANTIFIER.sub("", a.source.name), "anonymous")
            for a in found
            if a.source.kind == "anonymous" and _QUANTIFIER.match(a.source.name) and len(a.source.name.split()) > 2
        },
    )


def _the_company(found: list[Attribution]) -> list[Attribution]:
    """ "the automaker" is the one company the page cites by name."""
    companies = {a.source.name for a in found if a.source.kind == "organization" and _proper(a.source.name)}
    if len(companies) != 1:
        return found
    company = next(iter(companies))
    business = {
        (a.source.name, a.source.kind): (company, "organization")
        for a in found
        if a.source.kind in ("organization", "anonymous") and _bare(a.source.name).lower() in _BUSINESS_NOUNS
    }
    return _renamed(found, business)


def _antecedent(a: Attribution, found: list[Attribution]) -> tuple[str, str] | None:
    """Who a definite description points back to: "the analyst" is the analyst named last
    before it ("Wells Fargo analyst Zachary Fadem"), "its researchers" speak for the
    organisation named last before them ("The agency said that its researchers ...")."""
    m = a.source.mention
    if a.source.kind != "anonymous" or m is None:
        return None
    words = m.text.lower().split()
    if len(words) != 2 or words[0] not in ("the", "its"):
        return None
    noun = words[1]
    before = []
    for b in found:
        if b.source.mention is None or b.source.mention.start >= m.start or b is a:
            continue
        if words[0] == "the" and b.source.kind == "person" and noun in (b.source.role or "").lower().split():
            before.append((b.source.mention.start, (b.source.name, "person")))
        elif words[0] == "its" and b.source.kind in ("organization", "outlet") and _proper(b.source.name):
            before.append((b.source.mention.start, (b.source.name, b.source.kind)))
    return max(before)[1] if before else None


# Words for the files of one case or one body: "court records" are its "court documents".
_FILE_WORDS = {"documents": "records", "papers": "records", "filings": "records", "files": "records"}


def _same_unnamed(found: list[Attribution]) -> list[Attribution]:
    """Unnamed sources and documents that differ only by a determiner or a possessive ("His
    doctor", "the doctor") or by a word for the same files ("court documents", "court
    records"): the first one named."""
    first: dict[tuple[str, str], tuple[str, str]] = {}
    renamed = {}
    for a in sorted(found, key=lambda a: a.source.mention.start if a.source.mention else 0):
        if a.source.kind not in ("anonymous", "document") or a.form != "verb":
            continue
        words = re.sub(r"^(?:his|her|their)\s+", "", _bare(a.source.name), flags=re.I).lower().split()
        if not words or not _common_phrase(" ".join(words)):
            continue
        key = (" ".join(words[:-1] + [_FILE_WORDS.get(words[-1], words[-1])]), a.source.kind)
        this = (a.source.name, a.source.kind)
        if key in first and first[key] != this:
            renamed[this] = first[key]
        first.setdefault(key, this)
    return _renamed(found, renamed)


def _renamed(found: list[Attribution], renamed: dict[tuple[str, str], tuple[str, str]]) -> list[Attribution]:
    if not renamed:
        return found
    out = []
    for a in found:
        new = renamed.get((a.source.name, a.source.kind))
        out.append(replace(a, source=replace(a.source, name=new[0], kind=new[1])) if new else a)
    return out


def _proper(name: str) -> bool:
    return any(w[:1].isupper() for w in _bare(name).split())


def _spelled_out(name: str, found: list[Attribution]) -> tuple[str, str] | None:
    """The one organisation or outlet whose name an abbreviation stands for: its letters,
    the first one first, in order in that name ("VW" -> "Volkswagen", "CPUC" ->
    "California Public Utilities Commission")."""
    if not re.fullmatch(r"[A-Z][A-Z&]{1,5}", name):
        return None
    letters = name.replace("&", "").lower()
    fits = set()
    for b in found:
        whole = b.source.name
        if b.source.kind not in ("organization", "outlet") or len(whole) <= len(name) + 2:
            continue
        squashed = re.sub(r"[^a-z]", "", whole.lower())
        if squashed[:1] == letters[0] and _in_order(letters[1:], squashed[1:]):
            fits.add((whole, b.source.kind))
    return next(iter(fits)) if len(fits) == 1 else None


def _in_order(letters: str, word: str) -> bool:
    rest = iter(word)
    return all(letter in rest for letter in letters)


def _one_word_name(a: Attribution) -> bool:
    """A capitalised word alone typed as an organisation ("Figgins declined"): a person's
    short name when a full name on the page ends with it."""
    return a.source.kind == "organization" and bool(re.fullmatch(r"[A-Z][a-z'’-]+", a.source.name))


def _reads_as_person(a: Attribution) -> bool:
    """An "organisation" named like a person ("Montell Figgins"): two or three capitalised
    words, none an organisation's head word. The parse sometimes types a rare name so."""
    words = a.source.name.split()
    return (
        a.source.kind == "organization"
        and 2 <= len(words) <= 3
        and all(re.fullmatch(r"[A-Z][a-z'’-]+", w) for w in words)
        and not any(w.lower() in ORGANIZATION_HEADS for w in words)
    )


def _full_person(name: str, full_people: list[str]) -> str | None:
    words = strip_titles(name).split()
    if len(words) == 1:
        word = words[0].lower()
        ends = {p for p in full_people if p.split()[-1].lower() == word}
        starts = {p for p in full_people if p.split()[0].lower() == word}
        fits = ends or starts
        return next(iter(fits)) if len(fits) == 1 else None
    if len(words) >= 3:
        # the longest full name this one ends with: "Browns DL Sheldon Richardson" -> "Sheldon Richardson"
        tails = [p for p in full_people if len(p.split()) < len(words) and " ".join(words).endswith(" " + p)]
        if tails:
            return max(tails, key=len)
    return None


def _named_by_role(a: Attribution, found: list[Attribution]) -> str | None:
    """A person the page calls by a role ("China's ambassador to Britain accused ...") and
    names with that role elsewhere ("China's ambassador to Britain Liu Xiaoming has said"):
    that name, when exactly one named person is introduced so."""
    role = " ".join(a.source.name.split()).lower()
    if a.source.role is None or " ".join(a.source.role.split()).lower() != role or len(role.split()) < 2:
        return None
    names = {
        b.source.name
        for b in found
        if b.source.kind == "person"
        and b.source.name != a.source.name
        and len(b.source.name.split()) >= 2
        and b.source.mention is not None
        and role in " ".join(b.source.mention.text.split()).lower()
    }
    return next(iter(names)) if len(names) == 1 else None


def _after_descriptor(name: str) -> str | None:
    """A person's name with the team, firm or position before it left out: "Browns DL
    Sheldon Richardson" -> "Sheldon Richardson", "Apple CEO Tim Cook" -> "Tim Cook". The
    descriptor ends at an abbreviation in capitals or a title word, two words or more
    before the end."""
    words = name.split()
    cut = None
    for i, word in enumerate(words[:-2]):
        if re.fullmatch(r"[A-Z]{2,4}", word) or word.lower().rstrip(".") in TITLES:
            cut = i + 1
    rest = words[cut:] if cut else []
    return " ".join(rest) if len(rest) >= 2 and all(w[:1].isupper() for w in rest) else None


def _whole_name(name: str, kind: str, named: set[tuple[str, str]]) -> tuple[str, str] | None:
    bare = _bare(name)
    group = _GROUPS[kind]
    longer = {(n, k) for n, k in named if _GROUPS.get(k) == group and len(_bare(n).split()) > len(bare.split())}
    # the name before its post-modifier: "the U.S. attorney's office" of "U.S. Attorney's
    # Office for the Western District of New York"
    head = {(n, k) for n, k in longer if _before_modifier(_bare(n)).lower() == bare.lower()}
    if len(head) == 1:
        return next(iter(head))
    if not _common_phrase(bare):
        return None  # otherwise only a common noun phrase stands for a name given before
    tail = " " + bare.lower()
    fits = {(n, k) for n, k in longer if any((" " + m.lower()).endswith(tail) for m in (n, _before_modifier(n)))}
    if not fits and re.fullmatch(r"(?:federal |state )?prosecutors|prosecutor['’]s office", bare.lower()):
        # "prosecutors said": the prosecuting office the page names
        fits = {
            (n, k)
            for n, k in longer
            if _proper(n) and re.search(r"\b(?:attorney|prosecutor)['’]?s?\b.*\boffice\b", n, re.I)
        }
    return next(iter(fits)) if len(fits) == 1 else None


def _issuer(name: str, kind: str, named: set[tuple[str, str]]) -> tuple[str, str] | None:
    """A statement or release speaks for who issued it: "a White House statement" is the White
    House, "the office release" the office the page names ("U.S. Attorney's Office ...")."""
    m = _ISSUED.match(_bare(name))
    if kind != "document" or not m:
        return None
    issuer = m.group("issuer")
    if _proper(issuer):
        return (issuer, "organization")
    return _whole_name(issuer, "organization", named)


def _before_modifier(name: str) -> str:
    return re.split(r"\s+(?:for|of|in|at|on|who|that|which|\w+ing)\s+", name, maxsplit=1)[0]


def _bare(name: str) -> str:
    bare = " ".join(name.split())
    while _DETERMINER.match(bare):
        bare = _DETERMINER.sub("", bare, count=1)
    return bare


def _common_phrase(bare: str) -> bool:
    """No name in it: lower case, but for a first word capitalised as a sentence starts
    ("Prosecutors alleged") when it is a common head word."""
    words = bare.split()
    if not words or any(w[:1].isupper() for w in words[1:]):
        return False
    first = words[0].lower()
    return words[0].islower() or first in _COMMON_HEADS or first.removesuffix("s") in _COMMON_HEADS
