"""Attribution accuracy on PolNeAR, and medium (via) detection on our own sentences.

    .venv/bin/python bench/attribution.py [--split dev|train|both] [--limit N] [--workers N]
    .venv/bin/python bench/attribution.py --record-baseline     # rewrite bench/baseline.json
    .venv/bin/python bench/attribution.py --predictions FILE    # score saved `analyze --jsonl` output

The articles go through `headwater analyze --jsonl` (the console script beside this
Python), one process per worker, so the pipeline is loaded once per worker. The
spans are scored by bench/polnear.py, whose docstring states the rules. The medium
test set (tests/fixtures/medium_sentences.jsonl) is scored by `score_media` below.

PolNeAR is read from ../shared/polnear (the repo's sibling directory `shared`),
or from $HEADWATER_SHARED/polnear.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from headwater.evaluation import polnear
from headwater.evaluation.benchkit import REPO, shared_dir

BASELINE = REPO / "bench" / "baseline.json"
MEDIA = REPO / "tests" / "fixtures" / "medium_sentences.jsonl"
GATE_SAMPLE = 15  # the gate scores the first 15 dev articles, sorted by name
GATE_METRICS = (("source", "begin"), ("cue", "begin"), ("content", "overlap"))
TARGETS = {("source", "begin"): 0.80, ("cue", "begin"): 0.75, ("content", "overlap"): 0.75}


def polnear_dir() -> Path:
    return shared_dir() / "polnear"


def headwater_command() -> list[str]:
    script = Path(sys.executable).parent / "headwater"
    if not script.exists():
        script = REPO / ".venv" / "bin" / "headwater"
    return [str(script), "analyze", "--jsonl"]


# -- running the attributor ------------------------------------------------


def analyze(paths: list[Path], workers: int = 1) -> tuple[dict[str, list[dict]], float]:
    """Run `headwater analyze --jsonl` over the files; (attributions by file path, wall seconds)."""
    chunks = [paths[i::workers] for i in range(max(1, workers)) if paths[i::workers]]
    with tempfile.TemporaryDirectory() as tmp:
        outs = [Path(tmp) / f"{i}.jsonl" for i in range(len(chunks))]
        started = time.perf_counter()
        procs = []
        for chunk, out in zip(chunks, outs):
            with open(out, "w") as f:
                procs.append(
                    subprocess.Popen(
                        headwater_command() + [str(p) for p in chunk], stdout=f, stderr=subprocess.PIPE, text=True
                    )
                )
        errors = [p.communicate()[1] for p in procs]
        seconds = time.perf_counter() - started
        for proc, err in zip(procs, errors):
            if proc.returncode:
                raise RuntimeError(f"headwater analyze exited with {proc.returncode}:\n{err[-2000:]}")
        return read_predictions(outs), seconds


def read_predictions(files: list[Path]) -> dict[str, list[dict]]:
    found = {}
    for file in files:
        for line in Path(file).read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                found[record["file"]] = record["attributions"]
    return found


def startup_seconds() -> float:
    """Time `headwater analyze` on one empty file: the cost of loading the pipeline."""
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty.txt"
        empty.write_text("")
        return analyze([empty])[1]


# -- scoring ---------------------------------------------------------------


def score_split(articles: list[polnear.Article], predictions: dict[str, list[dict]]) -> polnear.Score:
    score = polnear.Score()
    for a in articles:
        attributions = predictions.get(str(a.text_path))
        if attributions is None:
            raise KeyError(f"no prediction for {a.text_path}")
        score.add(a.text, a.gold, polnear.predicted_spans(attributions))
    return score


def gate_figures(score: polnear.Score) -> dict[str, float]:
    return {f"{role}_{matching}": round(score[role, matching].f1, 4) for role, matching in GATE_METRICS}


def canonical(name: str | None, gazetteer=None) -> str | None:
    """Compare outlet names: the gazetteer's canonical name when it knows the name, else
    the name casefolded without a leading "the"."""
    if not name:
        return None
    if gazetteer is not None:
        outlet = gazetteer.lookup(name)
        if outlet is not None:
            name = getattr(outlet, "name", None) or getattr(outlet, "canonical", name)
    name = " ".join(name.casefold().split())
    return name[4:] if name.startswith("the ") else name


def load_gazetteer():
    try:
        from headwater.attribution.gazetteer import Gazetteer
    except ImportError:
        return None
    return Gazetteer.default()


def score_media(cases: list[dict], predicted: list[list[str]], gazetteer=None) -> polnear.Counts:
    """Precision/recall of predicted via names, sentence by sentence.

    Each distinct via name predicted for a sentence is one prediction; it is correct if it
    names the sentence's expected medium (case-insensitive, or the same gazetteer entry).
    A sentence whose expected via is null expects no via at all.
    """
    counts = polnear.Counts()
    for case, vias in zip(cases, predicted):
        expected = canonical(case["via"], gazetteer)
        names = {canonical(v, gazetteer) for v in vias if v}
        counts.predicted += len(names)
        counts.gold += expected is not None
        counts.matched += expected in names
    return counts


def run_media(workers: int = 1) -> polnear.Counts:
    cases = [json.loads(line) for line in MEDIA.read_text(encoding="utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, case in enumerate(cases):
            paths.append(Path(tmp) / f"{i:03}.txt")
            paths[-1].write_text(case["text"], encoding="utf-8")
        found, _ = analyze(paths, workers)
    predicted = [[(a.get("via") or {}).get("name") for a in found[str(p)]] for p in paths]
    return score_media(cases, predicted, load_gazetteer())


# -- reporting -------------------------------------------------------------


def table(scores: dict[str, polnear.Score]) -> str:
    head = f"{'role':8} {'matching':8}" + "".join(f" | {split:^20}" for split in scores)
    sub = f"{'':17}" + " | {:>6} {:>6} {:>6}".format("P", "R", "F1") * len(scores)
    lines = [head, sub, "-" * len(sub)]
    for role in polnear.ROLES:
        for matching in polnear.MATCHINGS:
            cells = "".join(
                f" | {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f}"
                for c in (s[role, matching] for s in scores.values())
            )
            lines.append(f"{role:8} {matching:8}{cells}")
    counts = " ".join(
        f"{split}: gold {s['source', 'begin'].gold}/{s['cue', 'begin'].gold}/{s['content', 'begin'].gold}"
        f" predicted {s['source', 'begin'].predicted}/{s['cue', 'begin'].predicted}/{s['content', 'begin'].predicted}"
        for split, s in scores.items()
    )
    lines.append(f"(source/cue/content spans; {counts})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=("dev", "train", "both"), default="dev")
    ap.add_argument("--limit", type=int, help="only the first N articles of each split (sorted by name)")
    ap.add_argument("--workers", type=int, default=1, help="parallel `headwater analyze` processes")
    ap.add_argument("--predictions", type=Path, help="score this saved `analyze --jsonl` output instead")
    ap.add_argument("--record-baseline", action="store_true", help=f"write {BASELINE.name} from the gate sample")
    args = ap.parse_args(argv)

    root = polnear_dir()
    if not (root / "dev" / "text").is_dir():
        print(
            f"bench-attribution: PolNeAR not found at {root}. The benchmark needs the shared data "
            "beside the repo (../shared/polnear) or HEADWATER_SHARED pointing at it.",
            file=sys.stderr,
        )
        return 2

    if args.record_baseline:
        articles = polnear.load_split(root / "dev", GATE_SAMPLE)
        found, _ = analyze([a.text_path for a in articles], args.workers)
        figures = gate_figures(score_split(articles, found))
        BASELINE.write_text(
            json.dumps(
                {
                    "sample": f"first {GATE_SAMPLE} PolNeAR dev articles, sorted by name",
                    "articles": [a.name for a in articles],
                    "f1": figures,
                    "tolerance": 0.01,
                },
                indent=2,
            )
            + "\n"
        )
        print(f"wrote {BASELINE}: {figures}")
        return 0

    splits = ["train", "dev"] if args.split == "both" else [args.split]
    scores = {}
    startup = 0.0 if args.predictions else startup_seconds()
    if not args.predictions:
        print(f"pipeline start-up (analyze on one empty file): {startup:.1f} s")
    for split in splits:
        articles = polnear.load_split(root / split, args.limit)
        if args.predictions:
            found = read_predictions([args.predictions])
        else:
            found, seconds = analyze([a.text_path for a in articles], args.workers)
            rate = len(articles) / max(seconds - startup, 1e-9)
            print(
                f"{split}: {len(articles)} articles in {seconds:.1f} s with {args.workers} worker(s): "
                f"{rate:.2f} articles/s, start-up excluded ({len(articles) / seconds:.2f} including it)"
            )
        scores[split] = score_split(articles, found)

    print()
    print(table(scores))
    print()
    dev = scores.get("dev")
    if dev:
        for (role, matching), target in TARGETS.items():
            f1 = dev[role, matching].f1
            print(f"target {role} F1 ({matching}) >= {target:.2f}: {f1:.3f} {'ok' if f1 >= target else 'BELOW'}")
    if not args.predictions:
        media = run_media(args.workers)
        print(
            f"\nmedium (via) test set, {MEDIA.name}: precision {media.precision:.3f} "
            f"({media.matched}/{media.predicted}), recall {media.recall:.3f} ({media.matched}/{media.gold})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
