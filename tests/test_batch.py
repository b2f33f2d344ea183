"""headwater.batch: many files over a pool of workers, results in input order, progress on stderr."""

import io
import time

import pytest

from headwater import batch

TEXTS = [
    "Ali Khoram told the Arabic daily Asharq al-Awsat that the letter had arrived.",
    "Nothing in this sentence is attributed to anyone at all.",
    '"We will not give up," Mitt Romney said at the event in Ohio.',
    "According to Reuters, the talks were extended by a week.",
]


def _slow_identity(x):
    time.sleep(0.05 * (3 - x % 4))  # early items finish last
    return x


@pytest.fixture
def files(tmp_path):
    paths = []
    for i, text in enumerate(TEXTS):
        path = tmp_path / f"{i}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def test_parallel_map_keeps_input_order_when_workers_finish_out_of_order():
    assert list(batch.parallel_map(_slow_identity, range(8), workers=2)) == list(range(8))


def test_analyze_files_on_two_workers_matches_one_pipeline_in_order(files, attributor):
    expected = [[a.to_dict() for a in attributor.attribute(p.read_text(encoding="utf-8"))] for p in files]
    results = list(batch.analyze_files(files, workers=2))
    assert [r.file for r in results] == [str(p) for p in files]
    assert [r.attributions for r in results] == expected
    assert any(expected), "the sample texts must hold attributions, or the comparison shows nothing"


def test_an_unreadable_file_is_reported_and_the_batch_goes_on(files, tmp_path):
    missing = tmp_path / "missing.txt"
    results = list(batch.analyze_files([missing, files[0]], workers=1))
    assert results[0].attributions is None and "No such file" in results[0].error
    assert results[1].error is None and results[1].attributions


def test_progress_reports_counts_on_its_stream():
    stream = io.StringIO()
    progress = batch.Progress(3, "analyze", "files", stream=stream, every=0)
    assert list(batch.parallel_map(str, [1, 2, 3], workers=1, progress=progress)) == ["1", "2", "3"]
    lines = stream.getvalue().splitlines()
    assert lines[-1].startswith("analyze 3/3 files")
    assert "1/3" in lines[0] and "s left" in lines[0]


def test_default_workers_is_every_usable_core():
    assert batch.default_workers() >= 1
