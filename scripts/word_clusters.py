"""Build the tagger's word clusters (headwater/data/word-clusters.tsv) from PolNeAR train.

    .venv/bin/pip install -e '.[train]'       # brown-clustering (and numba), for training only
    .venv/bin/python scripts/word_clusters.py [--clusters 300] [--min-count 5]

Brown clustering (the brown-clustering package) groups the words of unlabelled text by
the words beside them and gives each a bit-string; words used alike share a prefix
("judged" near "argued", "spokeswoman" near "spokesman"). The CRFs of tagger.py take
prefixes of these strings as features, so a cue or source word seen rarely in training
is read like the common words of its cluster. Only train's texts are used (dev stays
held out), tokenised by spaCy's English tokenizer and lower-cased, as tagger.py looks
words up. Deterministic; about 3 minutes with 300 clusters.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from headwater.attribution import tagger as tg
from headwater.evaluation import polnear
from headwater.evaluation.attribution import polnear_dir

REPO = Path(__file__).resolve().parents[1]

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def sentences(texts):
    """Lower-case token lists, one per sentence (a cheap split: the clusters need only
    neighbouring words)."""
    import spacy

    tokenizer = spacy.blank("en").tokenizer
    for text in texts:
        for line in text.splitlines():
            for sentence in _SENTENCE_END.split(line.strip()):
                words = [t.lower_ for t in tokenizer(sentence) if not t.is_space]
                if words:
                    yield words


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clusters", type=int, default=300, help="Brown clustering's window (clusters kept apart)")
    ap.add_argument("--min-count", type=int, default=5, help="words seen fewer times get no cluster")
    ap.add_argument("--out", type=Path, default=tg.CLUSTERS_FILE)
    args = ap.parse_args(argv)
    try:
        from brown_clustering import BigramCorpus, BrownClustering
    except ImportError:
        print("brown-clustering is not installed: .venv/bin/pip install -e '.[train]'", file=sys.stderr)
        return 2
    texts = [a.text for a in polnear.load_split(polnear_dir() / "train")]
    corpus = list(sentences(texts))
    print(f"{len(texts)} articles, {len(corpus)} sentences, {sum(map(len, corpus))} tokens", flush=True)
    started = time.perf_counter()
    clustering = BrownClustering(BigramCorpus(corpus, alpha=0.5, min_count=args.min_count), m=args.clusters)
    clustering.train()
    codes = clustering.codes()
    # The package's codes for words merged late run to hundreds of bits; the features read
    # no more than tg.CLUSTER_BITS of them.
    args.out.write_text(
        "".join(f"{code[: tg.CLUSTER_BITS]}\t{word}\n" for word, code in sorted(codes.items())), encoding="utf-8"
    )
    print(f"{len(codes)} words in {args.clusters} clusters, {time.perf_counter() - started:.0f} s -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
