"""The accuracy gate: the attributor on a fixed PolNeAR dev sample must not fall below
the recorded baseline (bench/baseline.json, written by
`.venv/bin/python bench/attribution.py --record-baseline`) by more than its tolerance.

The sample is the first 15 dev articles in sorted order; the figures are F1 for
source (begin), cue (begin) and content (overlap), scored as bench/polnear.py says.
"""

import json

import pytest

from headwater.evaluation import attribution, polnear

POLNEAR = attribution.polnear_dir()

pytestmark = pytest.mark.skipif(
    not (POLNEAR / "dev" / "text").is_dir(),
    reason="../shared/polnear not found: the accuracy gate needs the PolNeAR corpus beside the repo",
)


def test_gate_sample_is_not_below_the_baseline():
    baseline = json.loads(attribution.BASELINE.read_text())
    if not all(isinstance(v, float) for v in baseline["f1"].values()):
        pytest.fail("bench/baseline.json has no figures: run `.venv/bin/python bench/attribution.py --record-baseline`")

    articles = polnear.load_split(POLNEAR / "dev", attribution.GATE_SAMPLE)
    assert [a.name for a in articles] == baseline["articles"], "the gate sample changed; re-record the baseline"
    found, _ = attribution.analyze([a.text_path for a in articles])
    figures = attribution.gate_figures(attribution.score_split(articles, found))

    below = {
        metric: f"{figures[metric]:.3f} < baseline {recorded:.3f}"
        for metric, recorded in baseline["f1"].items()
        if figures[metric] < recorded - baseline["tolerance"]
    }
    assert not below, f"attribution F1 fell below the baseline on the gate sample: {below}"
