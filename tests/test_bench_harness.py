"""The benchmark harness's arithmetic (headwater.evaluation.benchkit) and the synthetic store it builds."""

import math

import pytest

from headwater.evaluation import benchkit


def test_percentile_interpolates_between_ranks_like_numpy():
    values = [10, 20, 30, 40]
    assert benchkit.percentile(values, 0) == 10
    assert benchkit.percentile(values, 100) == 40
    assert benchkit.percentile(values, 50) == 25
    assert benchkit.percentile(list(range(1, 101)), 99) == pytest.approx(99.01)
    assert benchkit.percentile([5], 99) == 5


def test_percentile_ignores_input_order_and_refuses_nonsense():
    assert benchkit.percentile([3, 1, 2], 50) == 2
    with pytest.raises(ValueError):
        benchkit.percentile([], 50)
    with pytest.raises(ValueError):
        benchkit.percentile([1, 2], 101)


def test_ratio_and_target_checks():
    assert benchkit.ratio(30, 10) == 3
    assert benchkit.ratio(0, 0) == 0
    assert math.isinf(benchkit.ratio(1, 0))
    assert benchkit.check(3.0, "<= 3x") and not benchkit.check(3.01, "<= 3x")
    assert benchkit.check(0.5, ">= 0.5x") and not benchkit.check(0.49, ">= 0.5x")
    assert benchkit.check(19.9, "<= 20 ms")
    with pytest.raises(ValueError):
        benchkit.check(1, "== 1")


def test_table_marks_missed_targets_and_round_trips_through_json(tmp_path, capsys):
    rows = [
        benchkit.Row("lookups", "p99", 25.0, "ms", "health 5 ms", 5.0, "<= 20 ms", False),
        benchkit.Row("store", "size", 10.5, "KiB", "", 1.0, "<= 2x", True),
        benchkit.Row("trace", "skipped: bench/trace.py not present", None),
    ]
    benchkit.emit(rows, str(tmp_path / "rows.json"), ["a note"])
    printed = capsys.readouterr().out
    assert "MISSED" in printed.splitlines()[2] and printed.splitlines()[3].endswith("ok")
    assert "a note" in printed
    assert benchkit.load_rows(tmp_path / "rows.json") == (rows, ["a note"])


def test_synthetic_store_answers_provenance_lookups_for_every_url_form(tmp_path):
    from headwater import store
    from headwater.evaluation import synthetic

    path = tmp_path / "s.db"
    built = synthetic.build_store(path, 30)
    db = store.open_db(path)
    assert db.execute("SELECT COUNT(*) FROM traces").fetchone()[0] == 30
    for i in (0, 17, 29):
        for form in synthetic.urls(i).values():
            assert store.latest_trace_id(db, form) == i + 1
    trace = store.load_trace(db, 18).to_dict()
    assert trace["attributions"] and trace["chains"]
    assert built["bytes"] > 30 * len(trace["text"])


def test_lookups_refuses_figures_from_a_server_that_left_clients_waiting():
    fair = {"health": [{"in_flight": 31.2}], "provenance": [{"in_flight": 29.0}, {"in_flight": 30.5}]}
    benchkit.check_all_clients_served(fair, 32)
    starved = {"health": [{"in_flight": 31.2}], "provenance": [{"in_flight": 30.0}, {"in_flight": 3.6}]}
    with pytest.raises(RuntimeError, match="only 3.6 of 32 clients"):
        benchkit.check_all_clients_served(starved, 32)
