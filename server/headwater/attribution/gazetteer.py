"""The outlet gazetteer: news outlets, wires, broadcasters and other publishers by name, alias and domain.

The list lives in `data/outlets.tsv` (written by hand; see its header for the format).
Every outlet has a canonical name, a type (one of `TYPES`), a country, the hosts it
publishes on and its aliases. Two marks on an alias change how it is matched:

- ``=`` case-sensitive: a word capitalised in the alias must not be all lower case in
  the mention, so "the Economist said" matches The Economist but "the economist said"
  (a person) does not. "THE ECONOMIST" still matches.
- ``~`` context-dependent: "the Journal", "the Times", "the Post", "the Herald" stand
  for an outlet only once the text names it in full. `lookup` resolves them against
  `context` (the whole text) and returns nothing when the text names none of the
  outlets they can belong to.

Matching (`Gazetteer.lookup`) normalises the mention (Unicode compatibility forms,
accents, case, NBSP, curly quotes, dashes, periods, a leading "the", a possessive,
a trailing show name as in "the BBC's Today programme", a descriptor as in "the
Arabic daily X" or "the Fars news agency"), then tries the exact index, then a
tolerant match (rapidfuzz ratio >= 90) over names and aliases of at least
`FUZZY_MIN_LENGTH` characters. Short strings are never matched tolerantly.

All outlets are of kind "outlet" in the attribution contract; `Outlet.type` is the detail.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources

from rapidfuzz import fuzz, process

from headwater.attribution.text import NAME_MARKS, NAME_MARKS_SAME_LENGTH
from headwater.urls import host_of, registrable_domain

TYPES = ("wire", "newspaper", "broadcaster", "magazine", "digital", "government", "social", "press_release")
TYPE_LABELS = {
    "wire": "wire service",
    "newspaper": "newspaper",
    "broadcaster": "broadcaster",
    "magazine": "magazine",
    "digital": "digital outlet",
    "government": "government",
    "social": "social platform",
    "press_release": "press-release service",
}
KIND = "outlet"  # the attribution contract's kind for the gazetteer's entries...
# ...but a government body (White House, Pentagon) speaks for itself: a reader expects
# "organization", and a chain ends there ("speaking for itself", not "an outlet with no
# further attribution").
KIND_OF_TYPE = {"government": "organization"}

# EntityRuler ids of context-dependent aliases start with this; the rest is the alias.
CONTEXT_ID_PREFIX = "ctx:"

FUZZY_MIN_LENGTH = 8  # characters of the normalised mention, leading "the" removed
FUZZY_MIN_SCORE = 90  # rapidfuzz.fuzz.ratio
TRANSPOSITION_MIN_LENGTH = 6  # two swapped neighbours are tolerated from this length on
DATA_FILE = "outlets.tsv"

# Words that may stand before a name without being part of it: "Iran's semi-official Fars news agency".
_FUNCTION_WORDS = frozenset(
    "to of for with by from at on in into about near close closest than and or but as like via per "
    "told said says according".split()
)

# Words that name what kind of outlet follows or precedes a name: "the Arabic daily X", "the Fars news agency".
_DESCRIPTOR = (
    r"daily|newspaper|paper|tabloid|broadsheet|weekly|magazine|news agency|agency|wire service|newswire|wire|"
    r"broadcaster|network|channel|station|outlet|news outlet|website|news site|site|publication|journal|"
    r"news service|service|television|tv|radio"
)
_PREFIX_DESCRIPTOR = re.compile(rf"^(?:.*?\s)?(?:{_DESCRIPTOR})\s+(?P<rest>\S.*)$")
_SUFFIX_DESCRIPTOR = re.compile(
    r"^(?P<rest>.+?)\s+(?:news agency|agency|newspaper|daily|magazine|network|channel|tv|television|radio|"
    r"website|news site|news service|wire service|online|news network)$"
)
# "the BBC's Today programme", "CNN's website": the outlet before a possessive and a show or venue word.
_SHOW = re.compile(
    r"^(?P<base>.+?)'s?\s+(?:[^\s]+\s+){0,5}?(?:programme|program|show|podcast|broadcast|bulletin|newscast|"
    r"newsletter|website|site|web site|app|channel|edition|newsroom|desk|editorial board|editorial page|"
    r"opinion page|op-ed page|column|blog|live blog|feed|account|radio|tv|television|service|documentary|series)$"
)
_POSSESSIVE = re.compile(r"'s?$")


def _clean(text: str) -> str:
    """Unicode compatibility form, straight quotes, plain spaces, accents off; case kept."""
    text = unicodedata.normalize("NFKC", text).translate(NAME_MARKS)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(text.split()).strip(" \t\"'.,;:!?()[]{}<>")


def _words(cleaned: str) -> str:
    """The matching form of a cleaned string, case kept: punctuation out, "&" to "and"."""
    s = cleaned.replace("&", " and ")
    s = s.replace(".", "").replace("'", "")
    s = re.sub(r"[^\w\s]", " ", s)
    return " ".join(s.split())


def _drop_the(key: str) -> str:
    return key[4:] if key[:4].lower() == "the " else key


def lookup_key(text: str) -> str:
    """The lookup key of a name or mention: lower case, no punctuation, no leading "the", no possessive."""
    cleaned = _POSSESSIVE.sub("", _clean(text))
    return _drop_the(_words(cleaned).casefold())


def _case_ok(alias_words: str, mention_words: str) -> bool:
    """A word capitalised in the alias may not be all lower case in the mention."""
    a, m = alias_words.split(), mention_words.split()
    if len(a) != len(m):
        return False
    return all(not (any(c.isupper() for c in aw) and mw.islower()) for aw, mw in zip(a, m))


@dataclass(frozen=True)
class Outlet:
    name: str
    type: str
    domains: tuple[str, ...]
    aliases: tuple[str, ...]
    country: str | None
    context_aliases: tuple[str, ...] = field(default=(), compare=False)

    @property
    def kind(self) -> str:
        return KIND_OF_TYPE.get(self.type, KIND)

    @property
    def type_label(self) -> str:
        return TYPE_LABELS[self.type]


@dataclass(frozen=True)
class _Alias:
    text: str  # as written in the data, marks removed
    outlet: Outlet
    case_sensitive: bool
    contextual: bool
    is_name: bool

    @property
    def needs_article(self) -> bool:
        """ "The Hill", "the Journal": a case-sensitive article and one word; "Hill" alone is a surname."""
        w = _words(_POSSESSIVE.sub("", _clean(self.text)))
        return self.case_sensitive and w[:4].lower() == "the " and len(w.split()) == 2

    @property
    def words(self) -> str:
        """Case-kept matching form, for the case check; the article only where it is needed."""
        w = _words(_POSSESSIVE.sub("", _clean(self.text)))
        return "the " + w[4:] if self.needs_article else _drop_the(w)

    @property
    def key(self) -> str:
        return self.words.casefold()


def _parse_alias(raw: str) -> tuple[str, bool, bool]:
    raw = raw.strip()
    contextual = raw.startswith("~")
    case_sensitive = contextual or raw.startswith("=")
    return raw.lstrip("=~").strip(), case_sensitive, contextual


def parse_tsv(text: str) -> list[tuple[Outlet, list[_Alias]]]:
    """Outlets and their aliases from the TSV text (see the header of data/outlets.tsv)."""
    entries = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 5:
            raise ValueError(f"{DATA_FILE}:{lineno}: expected 5 tab-separated columns, got {len(cols)}")
        raw_name, type_, country, domains, aliases = (c.strip() for c in cols)
        if type_ not in TYPES:
            raise ValueError(f"{DATA_FILE}:{lineno}: unknown type {type_!r}")
        name, name_cs, _ = _parse_alias(raw_name)
        parsed = [_parse_alias(a) for a in aliases.split(";")] if aliases not in ("", "-") else []
        outlet = Outlet(
            name=name,
            type=type_,
            domains=tuple(d.lower() for d in domains.split()) if domains not in ("", "-") else (),
            aliases=tuple(a for a, _, ctx in parsed if not ctx),
            country=None if country in ("", "-") else country,
            context_aliases=tuple(a for a, _, ctx in parsed if ctx),
        )
        records = [_Alias(name, outlet, name_cs, False, True)]
        records += [_Alias(a, outlet, cs, ctx, False) for a, cs, ctx in parsed]
        entries.append((outlet, records))
    return entries


class Gazetteer:
    """Outlets by name, alias and domain. Build once (`Gazetteer.default()`), query many times."""

    def __init__(self, entries: list[tuple[Outlet, list[_Alias]]]):
        self.outlets: tuple[Outlet, ...] = tuple(o for o, _ in entries)
        self._by_name = {o.name: o for o in self.outlets}
        self._records = {o: records for o, records in entries}
        contextual: dict[str, list[_Alias]] = {}
        for _, records in entries:
            for r in records:
                if r.contextual:
                    contextual.setdefault(r.key, []).append(r)
        self._contextual = contextual
        # key -> aliases (several only when outlets share a key, which the tests forbid for plain aliases)
        exact: dict[str, list[_Alias]] = {}
        for _, records in entries:
            for r in records:
                if r.contextual or r.key in contextual or not r.key:
                    continue  # a name equal to a context-dependent alias ("The Times") is context-dependent too
                bucket = exact.setdefault(r.key, [])
                if all(b.outlet is not r.outlet or b.case_sensitive != r.case_sensitive for b in bucket):
                    bucket.append(r)
        self._exact = exact
        self._fuzzy_keys = [
            k for k, rs in exact.items() if len(k) >= FUZZY_MIN_LENGTH and not all(r.case_sensitive for r in rs)
        ]
        self._domains: dict[str, Outlet] = {}
        for outlet in self.outlets:
            for d in outlet.domains:
                self._domains.setdefault(d, outlet)
        # Outlets that own a context-dependent alias, and the plain aliases that name them in a text.
        owners = {r.outlet for rs in contextual.values() for r in rs}
        self._owner_aliases: dict[str, list[_Alias]] = {}
        texts_ci, texts_cs = set(), set()
        for _, records in entries:
            for r in records:
                if r.outlet in owners and not r.contextual and r.key not in contextual:
                    (texts_cs if r.case_sensitive else texts_ci).add(r.text)
        self._owner_ci = _alternation(texts_ci | {d for o in owners for d in o.domains}, re.IGNORECASE)
        self._owner_cs = _alternation(texts_cs, 0)
        self._owner_keys = {
            lookup_key(r.text): r.outlet
            for _, records in entries
            for r in records
            if r.outlet in owners and not r.contextual and r.key not in contextual
        }
        self._owner_keys.update({lookup_key(d): o for o in owners for d in o.domains})
        self._phrases: list[tuple[tuple[str, ...], str, tuple[int, ...]]] | None = None
        self._lookup_plain = functools.lru_cache(maxsize=65536)(self._lookup_plain_uncached)
        self._mentioned = functools.lru_cache(maxsize=16)(self._mentioned_uncached)
        self._naming_counts = functools.lru_cache(maxsize=16)(self._naming_counts_uncached)

    # -- construction ---------------------------------------------------------------

    @classmethod
    def from_text(cls, text: str) -> Gazetteer:
        return cls(parse_tsv(text))

    @classmethod
    @functools.cache
    def default(cls) -> Gazetteer:
        """The packaged list, loaded once per process."""
        text = resources.files("headwater").joinpath("data", DATA_FILE).read_text(encoding="utf-8")
        return cls.from_text(text)

    def __len__(self) -> int:
        return len(self.outlets)

    def __iter__(self):
        return iter(self.outlets)

    def get(self, name: str) -> Outlet | None:
        """The outlet with this canonical name."""
        return self._by_name.get(name)

    # -- names --------------------------------------------------------------------------

    def lookup(self, mention: str, *, context: str | None = None, at: int | None = None) -> Outlet | None:
        """The outlet a mention names, or None.

        `context` is the whole text the mention comes from: a context-dependent alias
        ("the Journal") resolves only to an outlet the context names in full; if it names
        several, the one named last before offset `at` (when given), else the one named most.
        """
        if not mention or not mention.strip():
            return None
        outlet, contextual = self._lookup_plain(mention)
        if outlet is not None or not contextual or not context:
            return outlet
        return self._resolve(contextual, context, at)

    def _candidates(self, mention: str) -> list[str]:
        """Cleaned variants of a mention, most literal first."""
        cleaned = _clean(mention)
        out = [cleaned]
        m = _SHOW.match(cleaned)
        if m:
            out.append(m.group("base"))
        for variant in list(out):
            base = _POSSESSIVE.sub("", variant)
            # "Iran's semi-official Fars news agency", "the Arabic daily Asharq al-Aswat"
            words = base.split()
            for k in range(1, min(len(words), 8)):
                prefix, rest = words[:k], " ".join(words[k:])
                if all(
                    w.lower() in ("the", "a", "an")
                    or w.endswith(("'s", "'"))
                    or (w[:1].islower() and w not in _FUNCTION_WORDS)
                    for w in prefix
                ):
                    out.append(rest)
            lowered = base.lower()
            m = _PREFIX_DESCRIPTOR.match(lowered)
            if m:
                out.append(base[m.start("rest") :])
        for variant in list(out):
            m = _SUFFIX_DESCRIPTOR.match(variant.lower())
            if m:
                out.append(variant[: m.end("rest")])
        seen, unique = set(), []
        for v in out:
            if v and v not in seen:
                seen.add(v)
                unique.append(v)
        return unique

    def _lookup_plain_uncached(self, mention: str) -> tuple[Outlet | None, tuple[_Alias, ...]]:
        """(outlet, ()) on an exact or tolerant match; (None, aliases) when only a context-dependent alias fits."""
        candidates = self._candidates(mention)
        contextual: tuple[_Alias, ...] = ()
        for variant in candidates:
            full = _words(_POSSESSIVE.sub("", variant))
            forms = [_drop_the(full)]
            if full[:4].lower() == "the ":
                forms.append("the " + full[4:])
            for words in forms:
                key = words.casefold()
                for r in self._exact.get(key, ()):
                    if not r.case_sensitive or _case_ok(r.words, words):
                        return r.outlet, ()
                if not contextual:
                    contextual = tuple(r for r in self._contextual.get(key, ()) if _case_ok(r.words, words))
        if contextual:
            return None, contextual
        for variant in candidates:
            outlet = self._fuzzy(variant)
            if outlet is not None:
                return outlet, ()
        return None, ()

    def _fuzzy(self, variant: str) -> Outlet | None:
        words = _drop_the(_words(_POSSESSIVE.sub("", variant)))
        key = words.casefold()
        if len(key) >= TRANSPOSITION_MIN_LENGTH and any(c.isupper() for c in words):
            # Two swapped neighbours ("Rueters") are the commonest typo, and too short a
            # string for the ratio below; the first letter stays put.
            for i in range(1, len(key) - 1):
                if key[i] != key[i + 1]:
                    swapped = key[:i] + key[i + 1] + key[i] + key[i + 2 :]
                    outlets = {r.outlet for r in self._exact.get(swapped, ()) if not r.case_sensitive}
                    if len(outlets) == 1:
                        return outlets.pop()
        if len(key) < FUZZY_MIN_LENGTH or not any(c.isupper() for c in words):
            return None  # never tolerant on short strings, nor on lower-case common words
        hits = process.extract(key, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_SCORE, limit=5)
        # A typo rarely hits the first letter; the same number of words keeps "X Post" off "X Posts Daily".
        hits = [(k, score) for k, score, _ in hits if k[0] == key[0] and abs(len(k.split()) - len(key.split())) <= 0]
        # A misspelt name is capitalised: a lower-case word that differs is another word ("New York man"
        # is no "New York mag").
        hits = [
            (k, score)
            for k, score in hits
            if all(w[:1].isupper() for w, kw in zip(words.split(), k.split()) if w.casefold() != kw)
        ]
        if not hits:
            return None
        best = max(score for _, score in hits)
        outlets = {r.outlet for k, score in hits if score == best for r in self._exact[k] if not r.case_sensitive}
        return outlets.pop() if len(outlets) == 1 else None

    def _mentioned_uncached(self, context: str) -> tuple[tuple[int, Outlet], ...]:
        """(offset, outlet) of every full naming, in the context, of an outlet that owns a context-dependent alias."""
        text = context.translate(NAME_MARKS_SAME_LENGTH)  # offsets stay those of the context
        found = []
        for pattern in (self._owner_ci, self._owner_cs):
            if pattern is None:
                continue
            for m in pattern.finditer(text):
                outlet = self._owner_keys.get(lookup_key(m.group()))
                if outlet is not None:
                    found.append((m.start(), outlet))
        return tuple(sorted(found, key=lambda x: x[0]))

    def _naming_counts_uncached(self, context: str) -> dict[Outlet, tuple[int, int]]:
        """Per outlet `_mentioned` in the context: (times named, index of its first naming)."""
        counts: dict[Outlet, tuple[int, int]] = {}
        for i, (_, o) in enumerate(self._mentioned(context)):
            n, first = counts.get(o, (0, i))
            counts[o] = (n + 1, first)
        return counts

    def _resolve(self, aliases: tuple[_Alias, ...], context: str, at: int | None) -> Outlet | None:
        owners = {r.outlet for r in aliases}
        if at is None:
            # The most named, the earliest named among them: counted once per context, not
            # per lookup (a page naming "the Post" in every paragraph looks it up as often).
            counts = self._naming_counts(context)
            named = [(-counts[o][0], counts[o][1], o) for o in owners if o in counts]
            return min(named, key=lambda x: x[:2])[2] if named else None
        seen = [(pos, o) for pos, o in self._mentioned(context) if o in owners]
        if not seen:
            return None
        if at is not None:
            before = [o for pos, o in seen if pos < at]
            if before:
                return before[-1]
        counts: dict[Outlet, int] = {}
        for _, o in seen:
            counts[o] = counts.get(o, 0) + 1
        top = max(counts.values())
        for _, o in seen:  # the earliest among the most named
            if counts[o] == top:
                return o
        return None

    # -- domains -----------------------------------------------------------------------------

    def by_domain(self, url_or_host: str) -> Outlet | None:
        """The outlet that publishes on this URL or host (subdomains included), or None."""
        host = host_of(url_or_host)
        if not host:
            return None
        registered = registrable_domain(host)
        if not registered:
            return None
        labels = host.split(".")
        stop = len(registered.split("."))
        for i in range(0, len(labels) - stop + 1):
            outlet = self._domains.get(".".join(labels[i:]))
            if outlet is not None:
                return outlet
        return None

    # -- spaCy -----------------------------------------------------------------------------

    def phrases(self) -> list[tuple[tuple[str, ...], str, tuple[int, ...]]]:
        """Every name and alias as spaCy tokens: (tokens, id, positions that must not be lower case).

        The id is the canonical name, or `CONTEXT_ID_PREFIX + alias` for a context-dependent
        alias ("the Journal"): the caller must resolve those with `lookup(text, context=...)`.
        Tokens match case-insensitively; in a case-sensitive alias a token with a capital
        may not be all lower case in the text (its position is in the third item).
        Single-character aliases ("X") are left out: they would tag every letter.
        `nlp.OutletRuler` matches these with a PhraseMatcher; `ruler_patterns` gives the
        same as EntityRuler token patterns.
        """
        if self._phrases is None:
            self._phrases = self._build_phrases()
        return list(self._phrases)

    def ruler_patterns(self) -> list[dict]:
        """The phrases as EntityRuler token patterns (label ORG, id as in `phrases`).

        Token patterns match on LOWER; a case-sensitive alias also requires its capitalised
        words not to be all lower case; a space token (a non-breaking space, a double
        space) may stand between two words.
        """
        patterns = []
        for tokens, ident, upper in self.phrases():
            pattern = []
            for i, tok in enumerate(tokens):
                if i:  # raw text may carry a non-breaking space, which spaCy keeps as a token
                    pattern.append({"IS_SPACE": True, "OP": "?"})
                spec: dict = {"LOWER": tok.lower()}
                if i in upper:
                    spec["IS_LOWER"] = False
                pattern.append(spec)
            patterns.append({"label": "ORG", "pattern": pattern, "id": ident})
        return patterns

    def _build_phrases(self) -> list[tuple[tuple[str, ...], str, tuple[int, ...]]]:
        from spacy.lang.en import English

        tokenizer = English().tokenizer
        phrases, seen = [], set()

        def add(text: str, ident: str, case_sensitive: bool):
            tokens = tuple(t.text for t in tokenizer(text))
            if not tokens or len(text.strip()) < 2:
                return
            upper = tuple(i for i, tok in enumerate(tokens) if case_sensitive and any(c.isupper() for c in tok))
            sig = (ident, tuple(t.lower() for t in tokens), upper)
            if sig not in seen:
                seen.add(sig)
                phrases.append((tokens, ident, upper))

        for outlet in self.outlets:
            for r in self._records[outlet]:
                text = _clean(r.text)
                if r.contextual or r.key in self._contextual:
                    add(text, CONTEXT_ID_PREFIX + text, True)
                    continue
                add(text, outlet.name, r.case_sensitive)
                if text.lower().startswith("the "):
                    rest = text[4:]
                    # "New York Times" without its article, but not "Hill" for "The Hill".
                    if len(rest.split()) > 1 or not r.case_sensitive:
                        add(rest, outlet.name, r.case_sensitive)
        return phrases


def _alternation(texts: set[str], flags: int) -> re.Pattern | None:
    """One regex matching any of the texts as whole words, spaces flexible, a leading "The" optional."""
    parts = set()
    for t in texts:
        t = _clean(t)
        if t.lower().startswith("the ") and len(t.split()) > 2:
            t = t[4:]
        if len(t) < 2:
            continue
        parts.add(r"\s+".join(re.escape(w) for w in t.split()))
    if not parts:
        return None
    body = "|".join(sorted(parts, key=len, reverse=True))
    return re.compile(rf"(?<![\w.])(?:{body})(?!\w)", flags)
