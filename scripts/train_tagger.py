"""Train the attribution tagger (headwater/tagger.py) on PolNeAR train; score it on dev.

    .venv/bin/python scripts/train_tagger.py                  # parse, train, write the model, evaluate
    .venv/bin/python scripts/train_tagger.py --eval-only      # evaluate the model in --out
    .venv/bin/python scripts/train_tagger.py --holdout 140    # train on train minus its last 140 articles,
                                                              # also score those (for tuning)

PolNeAR is read from ../shared/polnear (or $HEADWATER_SHARED/polnear) with
bench/polnear.py's reader, and scored with its scorer (source begin, cue begin,
content overlap), rules only vs rules + tagger, for train and dev side by side.
Parsing the corpus (spaCy + the rule Attributor) takes minutes; the parses are
cached in --cache (default /tmp/headwater-tagger-cache), keyed by split and by a hash
of what they depend on (the attribution modules, the outlet list, the spaCy
model), so re-runs only train, and a change to the rules parses again. Training is deterministic (L-BFGS, fixed parameters, corpus order).
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from multiprocessing import Pool
from pathlib import Path

from headwater.attribution import tagger as tg
from headwater.evaluation import polnear
from headwater.evaluation.attribution import polnear_dir

REPO = Path(__file__).resolve().parents[1]

# c1 and c2 chosen on held-out train (--holdout 140; rules + tagger, source / cue F1):
# without tagger.confirmed's veto, c1 0.1, c2 0.01 -> 0.765 / 0.733; 0.3, 0.05 -> 0.773 / 0.747;
# 1.0, 0.05 -> 0.777 / 0.750; with it, 1.0, 0.05 -> 0.790 / 0.760; 1.0, 0.5 -> 0.786 / 0.758;
# 3.0, 0.05 -> 0.781 / 0.759.
PARAMS = {
    "c1": 1.0,  # L1: drops most features: a small model that over-fits less
    "c2": 0.05,
    "max_iterations": 150,
    "feature.minfreq": 3,
    "feature.possible_transitions": True,
}
METRICS = (("source", "begin"), ("cue", "begin"), ("content", "overlap"))


# -- parsing (cached) ----------------------------------------------------------

_attributor = None


def _parse(args):
    """One article: the rule attributions and the tagger's token sequences."""
    name, text = args
    global _attributor
    from headwater.attribution.attributor import Attributor

    if _attributor is None:
        _attributor = Attributor(tagger=False)  # the rules alone: their answer is a feature
    sentences, attributions = parsed(_attributor, text)
    return name, [(tokens, bounds) for tokens, bounds in tg.sequences(text, sentences)], attributions


def parsed(attributor, text: str):
    """(sentences as (span, start) pairs, rule attributions) of a text, parsed once."""
    reading = attributor.read(text)
    return [(s.span, s.start) for s in reading.sentences], reading.attributions()


def parse_key() -> str:
    """What the cached parses depend on: the rules, the pipeline, the gazetteer, spaCy's model."""
    import hashlib

    import spacy

    import headwater
    from headwater.attribution import nlp

    root = Path(headwater.__file__).parent
    digest = hashlib.sha1(f"{CACHE_VERSION} {spacy.__version__}".encode())
    # every rule module but the tagger itself (whose features do not change a parse), and the records
    depends = sorted(p for p in (root / "attribution").glob("*.py") if p.name != "tagger.py")
    for path in [*depends, root / "records.py", root / "data" / "outlets.tsv"]:
        digest.update(path.read_bytes())
    for name in nlp.MODEL_NAMES:
        try:
            from importlib.metadata import version

            digest.update(f"{name} {version(name)}".encode())
        except Exception:
            pass
    return digest.hexdigest()[:12]


CACHE_VERSION = 1  # bump when tagger.Tok or tagger.sequences change


def load(split: str, cache: Path, workers: int):
    articles = polnear.load_split(polnear_dir() / split)
    path = cache / f"{split}-{parse_key()}.pickle"
    if path.exists():
        with open(path, "rb") as f:
            parses = pickle.load(f)
        if [p[0] for p in parses] == [a.name for a in articles]:
            return articles, parses
    started = time.perf_counter()
    jobs = [(a.name, a.text) for a in articles]
    if workers > 1:
        with Pool(workers) as pool:
            parses = pool.map(_parse, jobs, chunksize=4)
    else:
        parses = [_parse(j) for j in jobs]
    print(f"parsed {split}: {len(articles)} articles in {time.perf_counter() - started:.0f} s", flush=True)
    cache.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        pickle.dump(parses, f)
    return articles, parses


# -- training -------------------------------------------------------------------


def hull(frags) -> tuple[int, int]:
    return frags[0][0], max(e for _, e in frags)


def examples(articles, parses):
    """(features, {role: labels}) per paragraph sequence, one at a time: as Python lists,
    every token's features at once take gigabytes, and each training process would hold
    (or be sent) its own copy."""
    for article, (_, seqs, attributions) in zip(articles, parses):
        gold = {role: [hull(f) for f in article.gold[role]] for role in tg.ROLES}
        for tokens, _, feats in tg.with_features(article.text, seqs, attributions):
            yield feats, {role: tg.bio(tokens, gold[role]) for role in tg.ROLES}


_corpus = None  # (articles, parses) to train on: set before the pool forks, not pickled


def _train_role(args):
    role, out_dir = args
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    tokens = 0
    # Each role's process computes the features again (about a minute) rather than be sent them.
    for feats, labels in examples(*_corpus):
        trainer.append(feats, labels[role])  # crfsuite keeps its own compact copy
        tokens += len(feats)
    trainer.set_params(PARAMS)
    path = Path(out_dir) / f"tagger-{role}.crfsuite"
    started = time.perf_counter()
    trainer.train(str(path))
    return role, tokens, time.perf_counter() - started, path.stat().st_size


def train(articles, parses, out_dir: Path, workers: int, roles=tg.ROLES):
    global _corpus
    _corpus = (articles, parses)
    out_dir.mkdir(parents=True, exist_ok=True)
    jobs = [(role, out_dir) for role in roles]
    started = time.perf_counter()
    print(f"training {', '.join(roles)}; params {PARAMS}", flush=True)
    if workers > 1:
        with Pool(min(workers, len(jobs))) as pool:
            results = pool.map(_train_role, jobs, chunksize=1)
    else:
        results = [_train_role(j) for j in jobs]
    for role, tokens, seconds, size in results:
        print(f"  {role}: {tokens} tokens, {seconds:.0f} s, {size / 1e6:.2f} MB")
    print(
        f"trained in {time.perf_counter() - started:.0f} s (wall), "
        f"model {sum(r[3] for r in results) / 1e6:.2f} MB in {out_dir}",
        flush=True,
    )


# -- evaluation ---------------------------------------------------------------


def evaluate(articles, parses, tagger: tg.Tagger):
    """Scores per column (rules only, rules + tagger, the same keeping source-less cues,
    the tagger's spans alone) and the tagger's cost in ms per article."""
    scores = {name: polnear.Score() for name in COLUMNS}
    spent = 0.0
    for article, (_, seqs, attributions) in zip(articles, parses):

        def add(name, pred, article=article):
            scores[name].add(article.text, article.gold, pred)

        add("rules only", polnear.predicted_spans([a.to_dict() for a in attributions]))
        started = time.perf_counter()
        found = tagger.predict_features(tg.with_features(article.text, seqs, attributions))
        kept = tagger.confirmed(attributions, found)
        merged = tagger.merge(article.text, kept, found)
        spent += time.perf_counter() - started
        add("rules + tagger", polnear.predicted_spans([a.to_dict() for a in merged]))
        sourceless = tg.merge(article.text, kept, found, require_source=False)
        add("+ source-less cues", polnear.predicted_spans([a.to_dict() for a in sourceless]))
        add("tagger spans alone", {role: [((s.start, s.end),) for s in found if s.role == role] for role in tg.ROLES})
    return scores, 1000 * spent / max(1, len(articles))


COLUMNS = ("rules only", "rules + tagger", "+ source-less cues", "tagger spans alone")


def report(name: str, result) -> None:
    scores, ms = result
    print(f"\n{name}: F1 (precision / recall)")
    print(f"  {'':<18} " + "   ".join(f"{c:<20}" for c in COLUMNS))
    for role, matching in METRICS:
        cells = []
        for column in COLUMNS:
            c = scores[column][role, matching]
            cells.append(f"{c.f1:.3f} ({c.precision:.2f} / {c.recall:.2f})")
        print(f"  {role + ' ' + matching:<18} " + "   ".join(f"{x:<20}" for x in cells))
    print(f"  tagger (features + CRF + merge): {ms:.1f} ms per article", flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=tg.MODEL_DIR, help="model directory (default: the package's)")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/headwater-tagger-cache"))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--holdout", type=int, default=0, help="leave the last N train articles out, and score them")
    ap.add_argument("--eval-only", action="store_true")
    ap.add_argument(
        "--roles",
        nargs="+",
        choices=tg.ROLES,
        default=tg.ROLES,
        help="train only these (the others' files in --out are kept)",
    )
    ap.add_argument("--no-train-eval", action="store_true", help="skip scoring train (slow)")
    ap.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a training parameter (crfsuite's names, e.g. c1=0.2)",
    )
    args = ap.parse_args(argv)
    for override in args.param:
        name, _, value = override.partition("=")
        kind = type(PARAMS.get(name, 0.0))
        PARAMS[name] = value.lower() in ("1", "true", "yes") if kind is bool else kind(value)

    train_articles, train_parses = load("train", args.cache, args.workers)
    dev_articles, dev_parses = load("dev", args.cache, args.workers)
    held = None
    if args.holdout:
        held = (train_articles[-args.holdout :], train_parses[-args.holdout :])
        train_articles, train_parses = train_articles[: -args.holdout], train_parses[: -args.holdout]
    if not args.eval_only:
        train(train_articles, train_parses, args.out, args.workers, args.roles)
    tagger = tg.Tagger(args.out)
    if not tagger.available:
        print(f"no model in {args.out}")
        return 1
    if held:
        report(f"train held out ({len(held[0])} articles)", evaluate(*held, tagger))
    report(f"dev ({len(dev_articles)} articles)", evaluate(dev_articles, dev_parses, tagger))
    if not args.no_train_eval:
        report(f"train ({len(train_articles)} articles)", evaluate(train_articles, train_parses, tagger))
    return 0


if __name__ == "__main__":
    sys.exit(main())
