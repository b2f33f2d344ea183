"""A statistical second opinion on attributions: CRF taggers trained on PolNeAR.

The rule-based `Attributor` is precise but misses much of what PolNeAR marks
(stances and opinions, noun cues, "I" / "we" as sources). Three linear-chain CRFs
(python-crfsuite), one per role (source, cue, content: roles nest, so each has its
own BIO layer), tag the tokens of each paragraph. Their features are the spaCy parse
(word, lemma, POS, dependency, head, entity, shape, quotes, cue lexicons, neighbours)
and the rules' own answer for the token (stacking), so the CRFs learn when to trust
the rules and what they miss.

    tagger = Tagger.default()                 # the shipped model, loaded once
    if tagger.available:
        spans = tagger.predict(text, sentences, rule_attributions)
        kept = tagger.confirmed(rule_attributions, spans)     # the rules' answers it vetoes go
        attributions = tagger.merge(text, kept, spans, sources=reading)   # reading.source_at names sources

`sentences` are the parsed sentences of the text as ``(span, start)`` pairs: a spaCy
``Span`` and the absolute character offset in `text` of its first character. The
sentences of one paragraph form one sequence (content runs over sentences; a new
sequence starts when the sentences come from different docs or a newline separates
them). `confirmed` drops the rule attributions the CRFs reject and no chain needs.
`merge` keeps every rule attribution it is given (completing its cue and content where the
tagger sees more) and adds the tagger cues the rules did not find, each linked to the
nearest source in its sentence and content in its paragraph (see `merge`).

A `Tagger` is safe to share between threads (crfsuite's taggers are stateful; a lock
serialises them). Its cost is small next to the parse: see scripts/train_tagger.py.

The model files live in ``headwater/data/tagger-{role}.crfsuite`` and are built by
``scripts/train_tagger.py`` (``make train``). Without them (or without
python-crfsuite) the tagger is unavailable: `predict` finds nothing, `confirmed`
keeps every rule attribution and `merge` returns them unchanged.
"""

from __future__ import annotations

import bisect
import functools
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple, Protocol

from headwater.attribution.entities import guess_kind, without_determiner
from headwater.attribution.lexicon import (
    ANONYMOUS_HEADS,
    DOCUMENT_HEADS,
    MEDIUM_NOUNS,
    ORGANIZATION_HEADS,
    PRONOUN_WORDS,
    ROLE_HEADS,
    SPEECH_VERBS,
    STANCE_VERBS,
    STATEMENT_NOUNS,
)
from headwater.attribution.spans import Covering, Taken
from headwater.attribution.text import DOUBLE_QUOTES, normalise_keeping_offsets, paragraphs
from headwater.records import Attribution, Source, Span

ROLES = ("source", "cue", "content")


class SourceNames(Protocol):
    """What `merge` asks of the rules: the Source they make of the mention text[start:end]
    (a pronoun resolved to its person, an alias to its outlet), or None when they cannot
    read it (`reading.Reading` is one)."""

    def source_at(self, start: int, end: int) -> Source | None: ...


MODEL_DIR = Path(__file__).resolve().parent.parent / "data"
# Spans whose mean marginal probability is below this are dropped. All 0: on held-out
# train, raising them traded recall for precision at no gain in F1.
THRESHOLDS = {"source": 0.0, "cue": 0.0, "content": 0.0}
# Beyond the Viterbi path, a token the path leaves outside every span opens one when
# its marginal probability of "B" reaches this. Chosen on held-out train (--holdout 140,
# rules + tagger, source / cue / content F1): source 0.25 alone (the earlier choice)
# 0.789 / 0.757 / 0.772; source 0.15 alone 0.789 / 0.764 / 0.773; with cue 0.3, 0.4, 0.5
# beside source 0.15: 0.788 / 0.768, 0.793 / 0.773 / 0.774, 0.792 / 0.767.
EXTRA_BEGIN = {"source": 0.15, "cue": 0.4}
ORPHAN_REACH = 1000  # chars back to the last cue, for a content in a paragraph without one
# Brown clusters of PolNeAR train's words (scripts/word_clusters.py): "bit-string<TAB>word".
CLUSTERS_FILE = MODEL_DIR / "word-clusters.tsv"
CLUSTER_BITS = 24  # the longest cluster prefix a feature reads

_LEXICONS = (
    ("speech", SPEECH_VERBS),
    ("stance", STANCE_VERBS),
    ("stmt", STATEMENT_NOUNS | MEDIUM_NOUNS),
    ("anon", ANONYMOUS_HEADS),
    ("doc", DOCUMENT_HEADS),
    ("org", ORGANIZATION_HEADS),
    ("role", ROLE_HEADS),
)
_QUOTES = frozenset(DOUBLE_QUOTES)
_SAY_FORMS = frozenset("say says said saying tell tells told telling".split())


@functools.cache
def word_clusters() -> dict[str, str]:
    """Lower-case word -> its Brown cluster bit-string; words used alike share a prefix, so
    a cue or source word rare in training reads like the common words of its cluster
    ("judged" like "argued"). Empty without the file: the features are then left out."""
    try:
        lines = CLUSTERS_FILE.read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    return dict(reversed(line.split("\t", 1)) for line in lines if "\t" in line)


def _cluster_features(
    prefix: str, word: str, clusters: dict[str, str], lengths=(4, 8, 12, 16, CLUSTER_BITS)
) -> list[str]:
    path = clusters.get(word)
    return [f"{prefix}{n}={path[:n]}" for n in lengths] if path else []


def _lexicon(lemma: str) -> str:
    for name, words in _LEXICONS:
        if lemma in words:
            return name
    return ""


class Tok(NamedTuple):
    """The parse of one token, as the features need it (picklable, offsets absolute)."""

    start: int
    end: int
    lower: str
    lemma: str
    pos: str
    tag: str
    dep: str
    head: int  # index of the head in the sequence (itself for a root)
    ent: str  # "B-PERSON", "I-ORG", "" ...
    shape: str
    sent_start: bool
    sent_end: bool
    sent: int  # index of the sentence in the sequence


@dataclass(frozen=True)
class RoleSpan:
    role: str
    start: int
    end: int
    probability: float
    sentence: tuple[int, int]  # the sentence the span starts in (absolute offsets)
    paragraph: tuple[int, int]  # its sequence (paragraph)


# -- sequences -----------------------------------------------------------------


def _short_shape(shape: str) -> str:
    return re.sub(r"(.)\1+", r"\1", shape)[:4]


def sequences(text: str, sentences: Iterable) -> list[tuple[list[Tok], list[tuple[int, int]]]]:
    """The parsed sentences grouped into paragraph sequences: (tokens, sentence bounds) each."""
    out: list[tuple[list[Tok], list[tuple[int, int]]]] = []
    tokens: list[Tok] = []
    bounds: list[tuple[int, int]] = []
    last_doc, last_end = None, None
    for span, start in sentences:
        shift = start - span.start_char
        end = shift + span.end_char
        if tokens and (span.doc is not last_doc or "\n" in text[last_end:start]):
            out.append((tokens, bounds))
            tokens, bounds = [], []
        base = len(tokens) - span.start
        n = len(bounds)
        last = span.end - 1
        for t in span:
            head = t.head.i if span.start <= t.head.i <= last else t.i
            tokens.append(
                Tok(
                    shift + t.idx,
                    shift + t.idx + len(t.text),
                    t.lower_,
                    t.lemma_.lower(),
                    t.pos_,
                    t.tag_,
                    t.dep_,
                    base + head,
                    f"{t.ent_iob_}-{t.ent_type_}" if t.ent_type_ else "",
                    _short_shape(t.shape_),
                    t.i == span.start,
                    t.i == last,
                    n,
                )
            )
        bounds.append((start, end))
        last_doc, last_end = span.doc, end
    if tokens:
        out.append((tokens, bounds))
    return out


def parse_sentences(nlp, text: str) -> list:
    """Parse `text` as the Attributor does (its normalised copy, paragraph by paragraph) and
    return the sentences as (span, start) pairs: for callers that do not have the parse."""
    norm = normalise_keeping_offsets(text)
    spans = paragraphs(norm)
    out = []
    for (start, _), doc in zip(spans, nlp.pipe(norm[s:e] for s, e in spans)):
        out.extend((sent, start + sent.start_char) for sent in doc.sents)
    return out


def bio(tokens: list[Tok], spans: Iterable[tuple[int, int]]) -> list[str]:
    """B/I/O labels of the tokens for character spans (a token is in a span if it overlaps it)."""
    labels = ["O"] * len(tokens)
    for s, e in sorted(set(spans)):
        first = True
        for i, t in enumerate(tokens):
            if t.end <= s:
                continue
            if t.start >= e:
                break
            if first:
                labels[i] = "B"
                first = False
            elif labels[i] == "O":
                labels[i] = "I"
    return labels


def rule_spans(attributions: Iterable[Attribution]) -> dict[str, list[tuple[int, int]]]:
    out: dict[str, list[tuple[int, int]]] = {role: [] for role in ROLES}
    seen: dict[str, set[tuple[int, int]]] = {role: set() for role in ROLES}
    for a in attributions:
        for role, span in (("source", a.source.mention if a.source else None), ("cue", a.cue), ("content", a.content)):
            if span is not None and (span.start, span.end) not in seen[role]:
                seen[role].add((span.start, span.end))
                out[role].append((span.start, span.end))
    return out


def spans_by_sequence(seqs, spans: Iterable[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """For each sequence (in text order, not overlapping), the spans that reach into it, in
    `bio`'s order: so that labelling a paragraph reads its own spans, not the page's."""
    ends = [tokens[-1].end for tokens, _ in seqs]
    out: list[list[tuple[int, int]]] = [[] for _ in seqs]
    for s, e in sorted(set(spans)):
        k = bisect.bisect_right(ends, s)  # the first sequence ending after s
        while k < len(seqs) and seqs[k][0][0].start < e:
            out[k].append((s, e))
            k += 1
    return out


# -- features ------------------------------------------------------------------


def features(text: str, tokens: list[Tok], rules: dict[str, list[str]]) -> list[list[str]]:
    """One list of string features per token (crfsuite's attribute form)."""
    n = len(tokens)
    lex = [_lexicon(t.lemma) for t in tokens]
    # quote state: inside "...", on an opening / closing mark
    quote = []
    inside = False
    for t in tokens:
        if t.lower in _QUOTES or t.lower in ("``", "''"):
            quote.append("close" if inside else "open")
            inside = not inside
        else:
            quote.append("in" if inside else "out")
    # the nearest ancestor in a cue lexicon, and the dependency that leads to it
    anc = []
    for i, t in enumerate(tokens):
        j, dep, found = i, t.dep, ""
        for _ in range(8):
            h = tokens[j].head
            if h == j:
                break
            dep = tokens[j].dep
            j = h
            if lex[j] in ("speech", "stance"):
                found = f"{lex[j]}|{dep}|{tokens[j].pos}"
                break
        anc.append(found)
    # the first clausal / object edge above the token: which word governs it, how
    edge = []
    for i in range(len(tokens)):
        j, found = i, ""
        for _ in range(8):
            h = tokens[j].head
            if h == j:
                break
            if tokens[j].dep in ("ccomp", "xcomp", "dobj", "advcl", "parataxis", "pobj", "nsubj", "conj"):
                found = tokens[j].dep + "|" + tokens[h].lemma
                break
            j = h
        edge.append(found)
    children: list[set[str]] = [set() for _ in range(n)]
    for i, t in enumerate(tokens):
        if t.head != i:
            children[t.head].add(t.dep)
    clusters = word_clusters()
    rs, rc, rn = rules["source"], rules["cue"], rules["content"]
    sent_has_cue = {}
    for i, t in enumerate(tokens):
        if rc[i] != "O":
            sent_has_cue[t.sent] = True
    feats = []
    for i, t in enumerate(tokens):
        h = tokens[t.head]
        f = [
            "w=" + t.lower,
            "l=" + t.lemma,
            "p=" + t.pos,
            "t=" + t.tag,
            "d=" + t.dep,
            "sh=" + t.shape,
            "e=" + t.ent,
            "hl=" + h.lemma,
            "hp=" + h.pos,
            "hd=" + h.dep,
            "dh=" + t.dep + "|" + h.lemma,
            "dhp=" + t.dep + "|" + h.pos,
            "lx=" + lex[i],
            "hlx=" + lex[t.head],
            "q=" + quote[i],
            "anc=" + anc[i],
            "rs=" + rs[i],
            "rc=" + rc[i],
            "rn=" + rn[i],
            "r=" + rs[i] + rc[i] + rn[i],
            "sc=" + str(sent_has_cue.get(t.sent, False)),
        ]
        if t.sent_start:
            f.append("SS")
        if t.sent_end:
            f.append("SE")
        if i == 0:
            f.append("BOS")
        if i == n - 1:
            f.append("EOS")
        if t.lower in PRONOUN_WORDS:
            f.append("pron=" + t.lower)
        if t.pos in ("VERB", "AUX", "NOUN"):
            f.extend(
                "c=" + c for c in children[i] if c in ("ccomp", "nsubj", "nsubjpass", "dobj", "xcomp", "prep", "agent")
            )
        if h is not t and t.head < i:
            f.append("hleft")
        f.append("ae=" + edge[i])
        f.append("p2=" + t.dep + ">" + h.dep + ">" + tokens[h.head].dep)
        f.extend("hc=" + c for c in children[t.head] if c in ("ccomp", "xcomp", "dobj", "nsubj", "prep"))
        if t.dep in ("nsubj", "nsubjpass"):
            f.append("sj=" + h.lemma + "|" + str("ccomp" in children[t.head]))
        f.append("ps=" + str(min(t.sent, 3)))
        for k in (-2, -1, 1, 2):
            j = i + k
            if 0 <= j < n:
                u = tokens[j]
                f.extend(
                    (
                        f"{k}w={u.lower}",
                        f"{k}p={u.pos}",
                        f"{k}d={u.dep}",
                        f"{k}q={quote[j]}",
                        f"{k}r={rs[j]}{rc[j]}{rn[j]}",
                        f"{k}lx={lex[j]}",
                    )
                )
            else:
                f.append(f"{k}PAD")
        if i > 0:
            f.append(f"bw={tokens[i - 1].lower}|{t.lower}")
        if clusters:
            f.extend(_cluster_features("bc", t.lower, clusters))
            f.extend(_cluster_features("hbc", h.lower, clusters, (8, 16)))
            for k in (-1, 1):
                if 0 <= i + k < n:
                    f.extend(_cluster_features(f"{k}bc", tokens[i + k].lower, clusters, (8,)))
        feats.append(f)
    return feats


def sequence_features(text: str, sentences: Iterable, rule_attributions: Iterable[Attribution]):
    """(tokens, sentence bounds, features) per paragraph sequence."""
    return with_features(text, sequences(text, sentences), rule_attributions)


def with_features(text: str, seqs, rule_attributions: Iterable[Attribution]):
    """`sequences`' (tokens, bounds) pairs, each with its features: (tokens, bounds, features)."""
    seqs = list(seqs)
    spans = rule_spans(rule_attributions)
    by_sequence = {role: spans_by_sequence(seqs, spans[role]) for role in ROLES}
    return [
        (tokens, bounds, features(text, tokens, {role: bio(tokens, by_sequence[role][k]) for role in ROLES}))
        for k, (tokens, bounds) in enumerate(seqs)
    ]


# -- decoding ------------------------------------------------------------------


def decode(labels: list[str]) -> list[tuple[int, int]]:
    """Token ranges [i, j) of the B/I runs (an I with no B before it opens a span)."""
    out, start = [], None
    for i, label in enumerate(labels + ["O"]):
        if label == "B" or label == "O" or start is None and label == "I":
            if start is not None:
                out.append((start, i))
                start = None
            if label in ("B", "I"):
                start = i
    return out


def _add_begins(tagger, labels: list[str], threshold: float) -> list[str]:
    """Open a span at each "O" token whose marginal P(B) >= threshold; extend it over the
    following "O" tokens while "I" is their likeliest label."""
    labels = list(labels)
    n = len(labels)
    for k in range(n):
        if labels[k] == "O" and tagger.marginal("B", k) >= threshold:
            labels[k] = "B"
            j = k + 1
            while j < n and labels[j] == "O":
                pi = tagger.marginal("I", j)
                if pi < tagger.marginal("B", j) or pi < tagger.marginal("O", j):
                    break
                labels[j] = "I"
                j += 1
    return labels


class Tagger:
    """The three role taggers; `available` is False when the model files or crfsuite are missing."""

    def __init__(self, model_dir: Path | str | None = None, thresholds: dict[str, float] | None = None):
        self.model_dir = Path(model_dir) if model_dir else MODEL_DIR
        self.thresholds = dict(THRESHOLDS, **(thresholds or {}))
        self.extra_begin = dict(EXTRA_BEGIN)
        self._taggers = {}
        self._lock = threading.Lock()
        try:
            import pycrfsuite
        except ImportError:
            return
        taggers = {}
        for role in ROLES:
            path = self.model_dir / f"tagger-{role}.crfsuite"
            if not path.is_file():
                return
            try:
                taggers[role] = pycrfsuite.Tagger()
                taggers[role].open(str(path))
            except (OSError, ValueError, RuntimeError):  # a damaged file: no tagger, no crash
                return
        self._taggers = taggers

    @classmethod
    @functools.cache
    def default(cls) -> Tagger:
        return cls()

    @property
    def available(self) -> bool:
        return len(self._taggers) == len(ROLES)

    def predict(self, text: str, sentences: Iterable, rule_attributions: Iterable[Attribution]) -> list[RoleSpan]:
        """The role spans the CRFs find, with their mean marginal probability."""
        if not self.available:
            return []
        return self.predict_features(sequence_features(text, sentences, list(rule_attributions)))

    def predict_features(self, seqs) -> list[RoleSpan]:
        """`predict` on the output of `sequence_features`."""
        with self._lock:
            return self._predict(seqs)

    def _predict(self, seqs) -> list[RoleSpan]:
        from pycrfsuite import ItemSequence

        out = []
        for tokens, bounds, feats in seqs:
            paragraph = (bounds[0][0], bounds[-1][1])
            items = ItemSequence(feats)  # converted once for the three taggers
            for role in ROLES:
                tagger = self._taggers[role]
                labels = tagger.tag(items)
                extra = self.extra_begin.get(role)
                if extra is not None:
                    labels = _add_begins(tagger, labels, extra)
                for i, j in decode(labels):
                    p = sum(tagger.marginal(labels[k], k) for k in range(i, j)) / (j - i)
                    if p < self.thresholds[role]:
                        continue
                    out.append(RoleSpan(role, tokens[i].start, tokens[j - 1].end, p, bounds[tokens[i].sent], paragraph))
        return out

    def merge(
        self, text: str, rule_attributions: list[Attribution], spans: list[RoleSpan], sources: SourceNames | None = None
    ) -> list[Attribution]:
        return merge(text, rule_attributions, spans, sources=sources)

    def confirmed(self, rule_attributions: list[Attribution], spans: list[RoleSpan]) -> list[Attribution]:
        return confirmed(rule_attributions, spans) if self.available else list(rule_attributions)


# -- merging -------------------------------------------------------------------


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


class _ByStart:
    """Items by an offset of theirs: those with lo <= offset < hi, in the items' own order
    (so a `min` over them breaks ties as a pass over the list would)."""

    def __init__(self, items: list, start):
        order = sorted(range(len(items)), key=lambda i: start(items[i]))
        self._items = items
        self._order = order
        self._starts = [start(items[i]) for i in order]

    def between(self, lo: int, hi: int) -> list:
        found = self._order[bisect.bisect_left(self._starts, lo) : bisect.bisect_left(self._starts, hi)]
        return [self._items[i] for i in sorted(found)]


def _gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, b[0] - a[1], a[0] - b[1])


def confirmed(rule_attributions: list[Attribution], spans: list[RoleSpan]) -> list[Attribution]:
    """The rule attributions, less those whose cue the tagger leaves out (none of its cue
    spans overlaps it) and that no chain depends on.

    The CRFs see the rules' answer among their features, so leaving a rule cue out is a
    considered "no". On PolNeAR dev, most of the rule attributions it drops are not
    attributions there: a belief inside someone's words ("said she thinks"), a stance
    read into an act ("failed to show up", "did not respond"); dropping them raised F1 by
    about 0.013 for sources and cues, on held-out train as on dev. Kept whatever the
    tagger says, because provenance hangs on them (the seed's chain does): an attribution
    that relays others, one with a medium, one whose source is an outlet or that an
    outlet relays, one whose content is a direct quote, one whose cue is "said" or
    "told" (the rules' most certain reading; keeping them costs 0.001 F1), and one the
    page's layout makes ('" ― Name', "NAME:"), whose cue has no word for the CRFs to weigh.
    """
    cues = Taken((s.start, s.end) for s in spans if s.role == "cue")
    relays = {a.relayed_by for a in rule_attributions}

    def needed(i: int, a: Attribution) -> bool:
        carrier = rule_attributions[a.relayed_by] if a.relayed_by is not None else None
        return (
            i in relays
            or a.via is not None
            or a.source.kind == "outlet"
            or (carrier is not None and carrier.source.kind == "outlet")
            or (a.content is not None and a.content.text[:1] in _QUOTES)
            or (a.cue.text.lower().split() or [""])[-1] in _SAY_FORMS
            or not any(ch.isalpha() for ch in a.cue.text)  # signed by the layout: '" ― Name', 'NAME:'
            or cues.overlaps((a.cue.start, a.cue.end))
        )

    keep = [needed(i, a) for i, a in enumerate(rule_attributions)]
    # A carrier relays, so it is kept: only the indices move.
    index = {old: new for new, old in enumerate(i for i, k in enumerate(keep) if k)}
    return [replace(a, relayed_by=index.get(a.relayed_by)) for a, k in zip(rule_attributions, keep) if k]


# PolNeAR marks these as cues; to a reader they are refusals, not sources speaking.
_NOT_AN_ATTRIBUTION = re.compile(
    r"(?:asked|requested|spoke|speaking|declined|refused|would\s+not|did\s+not|could\s+not)\b[^.]{0,25}?"
    r"(?:not\s+to\s+be\s+(?:named|identified)|anonymity|to\s+(?:comment|elaborate|respond|say\s+more))",
    re.I,
)


def _worth_claiming(text: str, content: RoleSpan) -> bool:
    """Whether an unclaimed tagger content may become a further attribution: more than one
    word ("which" is not something said), and not what a source refused ("who asked not
    to be named")."""
    if len(text[content.start : content.end].split()) < 2:
        return False
    refusal = _NOT_AN_ATTRIBUTION.search(text, max(0, content.start - 60), content.end)
    return refusal is None or refusal.end() <= content.start


def merge(
    text: str,
    rule_attributions: list[Attribution],
    spans: list[RoleSpan],
    require_source: bool = True,
    sources: SourceNames | None = None,
) -> list[Attribution]:
    """The rule attributions (first, in their order, so `relayed_by` indices hold), completed
    by the tagger's spans:

    - a rule cue inside a longer tagger cue takes the longer span ("has also said");
    - a rule attribution with no content takes the tagger content touching its cue;
    - each tagger cue the rules did not find (overlapping no rule cue) becomes an
      attribution: the nearest source in its sentence (a tagger source, else a rule
      attribution's mention there) and the nearest tagger content in its paragraph.
      Without a source it is dropped when `require_source`, else its source is
      unnamed (kind "anonymous", no mention);
    - `sources.source_at(start, end)`, when given, names the source of a tagger cue the way the rules
      name theirs ("he" -> the person, "the Journal" -> the outlet); without it, or when it
      returns None, the source is the mention's text and a guessed kind;
    - a tagger content still unclaimed ("..." he said. "More ...") becomes a further
      attribution of the nearest cue in its paragraph, with that cue's source.
    """
    cues = [s for s in spans if s.role == "cue"]
    source_spans = [s for s in spans if s.role == "source"]
    contents = [s for s in spans if s.role == "content"]
    # Indexes, so that each lookup below costs a bisection, not a pass over the page.
    cues_holding = Covering((s.start, s.end, i) for i, s in enumerate(cues))
    contents_by_paragraph: dict[tuple[int, int], list[int]] = {}
    for i, s in enumerate(contents):
        contents_by_paragraph.setdefault(s.paragraph, []).append(i)
    paragraphs = Covering((p[0], p[1], p) for p in contents_by_paragraph)
    out: list[Attribution] = []
    for a in rule_attributions:
        c = (a.cue.start, a.cue.end)
        # ...but not over the medium ("said in an interview with CNN"): the medium has its own field.
        taken = [(x.start, x.end) for x in (a.via.mention if a.via else None, a.source.mention, a.content) if x]
        wider = next(
            (
                s
                for s in (cues[i] for i in cues_holding.ranks_at(c[0]))
                if c[1] <= s.end and (s.start, s.end) != c and not any(_overlaps((s.start, s.end), t) for t in taken)
            ),
            None,
        )
        # The rules leave an infinitive's "to" out on purpose ("the first official to
        # confirm": cues.Cues._cue_span), so a wider cue that only adds it is not taken.
        if wider is not None and wider.start < c[0] and text[wider.start : c[0]].strip().lower() != "to":
            # Only leftwards ("has also said"): what follows the verb ("at a
            # board meeting on Wednesday") is circumstance, not cue, to a reader.
            c = (wider.start, c[1])
            a = replace(a, cue=Span.of(text, *c))
        if a.content is None:
            in_paragraph = sorted(i for p in paragraphs.ranks_at(c[0]) for i in contents_by_paragraph[p])
            near = [s for s in (contents[i] for i in in_paragraph) if _gap(c, (s.start, s.end)) <= 50]
            best = min(near, key=lambda s: _gap(c, (s.start, s.end)), default=None)
            if best is not None:
                a = replace(a, content=Span.of(text, best.start, best.end))
        out.append(a)
    rule_cues = Taken((a.cue.start, a.cue.end) for a in out)
    rule_sources = _ByStart(
        [(a.source.mention.start, a.source.mention.end) for a in out if a.source and a.source.mention],
        start=lambda s: s[0],
    )
    tagger_sources = _ByStart(source_spans, start=lambda s: s.start)
    contents_by_start = _ByStart(contents, start=lambda s: s.start)
    for cue in sorted(cues, key=lambda s: s.start):
        c = (cue.start, cue.end)
        if rule_cues.overlaps(c) or _NOT_AN_ATTRIBUTION.match(text, cue.start):
            continue
        in_sentence = [
            (s.start, s.end, s.probability)
            for s in tagger_sources.between(*cue.sentence)
            if not _overlaps((s.start, s.end), c)
        ]
        in_sentence += [(s, e, 0.5) for s, e in rule_sources.between(*cue.sentence) if not _overlaps((s, e), c)]
        source = min(in_sentence, key=lambda s: (_gap(c, s[:2]), s[0] > c[0]), default=None)
        if source is None and require_source:
            continue
        near = [s for s in contents_by_start.between(*cue.paragraph) if (s.start, s.end) != c]
        content = min(near, key=lambda s: (_gap(c, (s.start, s.end)), s.start < c[0]), default=None)
        if content is not None and _gap(c, (content.start, content.end)) > 200:
            content = None
        if source is not None:
            mention = Span.of(text, source[0], source[1])
            src = (sources.source_at(source[0], source[1]) if sources is not None else None) or Source(
                without_determiner(mention.text), guess_kind(mention.text), mention=mention
            )
        else:
            src = Source("", "anonymous")
        probs = [cue.probability] + ([source[2]] if source else []) + ([content.probability] if content else [])
        out.append(
            Attribution(
                source=src,
                cue=Span.of(text, *c),
                content=Span.of(text, content.start, content.end) if content else None,
                confidence=0.5 * min(probs),
            )
        )
        rule_cues.add(c)
    claimed = Taken((a.content.start, a.content.end) for a in out if a.content)
    # The owners a content may go to: the attributions so far. Those added below copy one
    # of them, cue and all, and come after it, so the earlier one is always the nearest.
    owners_by_cue = _ByStart(list(out), start=lambda a: a.cue.start)
    owners_by_cue_end = _ByStart(list(out), start=lambda a: a.cue.end)
    for s in contents:
        if claimed.overlaps((s.start, s.end)) or not _worth_claiming(text, s):
            continue
        owners = owners_by_cue.between(*s.paragraph)
        if not owners and ORPHAN_REACH:
            # a quote running on from an earlier paragraph: the last cue before it
            owners = owners_by_cue_end.between(s.start - ORPHAN_REACH, s.start + 1)
        owner = min(owners, key=lambda a: _gap((a.cue.start, a.cue.end), (s.start, s.end)), default=None)
        if owner is None:
            continue
        out.append(
            replace(
                owner,
                content=Span.of(text, s.start, s.end),
                link=None,
                confidence=min(owner.confidence, 0.5 * s.probability),
            )
        )
        claimed.add((s.start, s.end))
    return out
