"""The benchmark's scorer and brat reader (bench/polnear.py) on small hand-made cases."""

import json

import pytest

from headwater.evaluation import attribution, polnear

TEXT = 'The mayor said on Monday that "the bridge will reopen." Aides agreed.'
#       0123456789012345678901234567890123456789012345678901234567890123456
#       0         1         2         3         4         5         6


def span(s: str, start_at: int = 0) -> tuple[tuple[int, int], ...]:
    start = TEXT.index(s, start_at)
    return ((start, start + len(s)),)


def one(gold, pred, role="source", text=TEXT) -> dict[str, polnear.Counts]:
    score = polnear.score([(text, {role: gold}, {role: pred})])
    return {m: score[role, m] for m in polnear.MATCHINGS}


def figures(c: polnear.Counts) -> tuple[int, int, int]:
    return c.matched, c.gold, c.predicted


def test_perfect_match_scores_one_everywhere():
    s = one([span("The mayor")], [span("The mayor")])
    for c in s.values():
        assert (c.precision, c.recall, c.f1) == (1.0, 1.0, 1.0)


def test_off_by_one_begin_is_overlap_only():
    s = one([span("The mayor")], [span("he mayor")])
    assert figures(s["overlap"]) == (1, 1, 1)
    assert figures(s["begin"]) == (0, 1, 1)
    assert figures(s["exact"]) == (0, 1, 1)


def test_same_begin_different_end_is_begin_not_exact():
    s = one([span("The mayor")], [span("The mayor said")])
    assert [s[m].matched for m in polnear.MATCHINGS] == [1, 1, 0]


def test_overlap_needs_a_shared_non_space_character():
    # "The mayor" [0, 9) and " said" [9, 14) share no character at all;
    # "mayor " and " said" share only the space at 9.
    assert one([span("The mayor")], [span(" said")])["overlap"].matched == 0
    assert one([span("mayor ")], [span(" said")])["overlap"].matched == 0
    assert one([span("mayor s")], [span(" said")])["overlap"].matched == 1


def test_begin_skips_leading_whitespace():
    assert one([span(" said")], [span("said on")], role="cue")["begin"].matched == 1


def test_exact_trims_whitespace_and_edge_punctuation():
    gold = [span('"the bridge will reopen."')]
    assert one(gold, [span("the bridge will reopen")], role="content")["exact"].matched == 1
    assert one(gold, [span(' "the bridge will reopen." ')], role="content")["exact"].matched == 1
    assert one(gold, [span("the bridge will")], role="content")["exact"].matched == 0
    # begin is not trimmed of punctuation: the quotation mark is the first non-space character
    assert one(gold, [span("the bridge will reopen")], role="content")["begin"].matched == 0


def test_a_span_that_is_only_punctuation_still_matches_exactly():
    text = "He said: no."
    colon = ((7, 8),)
    assert polnear.score([(text, {"cue": [colon]}, {"cue": [colon]})])["cue", "exact"].matched == 1
    assert polnear.score([(text, {"cue": [colon]}, {"cue": [((3, 8),)]})])["cue", "exact"].matched == 0
    full_stop = ((11, 12),)
    assert polnear.score([(text, {"cue": [colon]}, {"cue": [full_stop]})])["cue", "exact"].matched == 0


def test_two_predictions_on_one_gold_count_once():
    s = one([span("The mayor")], [span("The mayor"), span("mayor")])
    assert figures(s["overlap"]) == (1, 1, 2)
    assert s["overlap"].precision == 0.5 and s["overlap"].recall == 1.0


def test_matching_is_maximum_not_greedy():
    # Prediction A overlaps both golds, B only the first. A greedy pass that gives the
    # first gold to A leaves B unmatched; the maximum matching pairs A-second, B-first.
    gold = [span("The mayor"), span("said on")]
    pred = [span("mayor said"), span("The")]
    assert one(gold, pred)["overlap"].matched == 2


def test_empty_predictions_and_empty_gold():
    s = one([span("The mayor")], [])
    assert figures(s["overlap"]) == (0, 1, 0)
    assert (s["overlap"].precision, s["overlap"].recall, s["overlap"].f1) == (0.0, 0.0, 0.0)
    s = one([], [span("The mayor")])
    assert figures(s["exact"]) == (0, 0, 1)


def test_counts_pool_over_articles():
    score = polnear.score(
        [
            (TEXT, {"cue": [span("said")]}, {"cue": [span("said")]}),
            (TEXT, {"cue": [span("agreed")]}, {"cue": [span("Aides")]}),
        ]
    )
    c = score["cue", "begin"]
    assert figures(c) == (1, 2, 2)
    assert c.f1 == pytest.approx(0.5)


def test_discontinuous_gold_is_its_set_of_positions():
    # Gold content: the two quoted halves around "the mayor said", fragments listed out of order.
    text = '"The bridge," the mayor said, "will reopen."'
    assert (text[0:12], text[30:44]) == ('"The bridge,', '"will reopen."')
    gold = [((30, 44), (0, 12))]
    both = lambda pred: polnear.score([(text, {"content": gold}, {"content": [pred]})])  # noqa: E731
    # the hull is not the span: a prediction over "the mayor said" alone does not overlap
    assert text[14:28] == "the mayor said"
    assert both(((14, 28),))["content", "overlap"].matched == 0
    # begin is the first non-space character in document order
    assert both(((0, 44),))["content", "begin"].matched == 1
    assert both(((30, 44),))["content", "begin"].matched == 0
    assert both(((30, 44),))["content", "overlap"].matched == 1
    # exact: a contiguous prediction over the whole sentence has extra words
    assert both(((0, 44),))["content", "exact"].matched == 0


ANN = (
    "T1\tSource 0 9\tThe mayor\n"
    "T2\tCue 10 14\tsaid\n"
    'T3\tContent 30 44;0 12\t"will reopen." "The bridge,"\n'
    "T4\tAttribution 10 14\tsaid\n"
    "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1 \n"
    "T5\tCue 50 55\tadded\n"
    "T6\tContent 60 70;71 80\ta quote\nthat runs over two lines\n"
    "T7\tAttribution-no-source 50 55\tadded\n"
    "E2\tAttribution-no-source:T7 Cue:T5 Content:T6 Content2:T8 Source:T1\n"
    "T8\tContent 90 95\tmore\n"
    "T9\tSource 100 105\tstray\n"
    "T10\tDiscard 110 120\tRead more\n"
    "#1\tAnnotatorNotes T5\tunsure\n"
)


def test_brat_reader_keeps_referenced_spans_per_role():
    gold = polnear.parse_ann(ANN)
    assert gold["source"] == [((0, 9),)]  # shared by E1 and E2: once; T9 unreferenced
    assert gold["cue"] == [((10, 14),), ((50, 55),)]
    assert gold["content"] == [((0, 12), (30, 44)), ((60, 70), (71, 80)), ((90, 95),)]


def test_split_reader_takes_the_first_annotator_file(tmp_path):
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "site_2016_a-story.txt").write_text("Aides said so.")
    (tmp_path / "attributions" / "site_2016_a-story_bbbb.ann").write_text(
        "T1\tSource 0 5\tAides\nT2\tCue 6 10\tsaid\nE1\tCue:T2 Source:T1\n"
    )
    (tmp_path / "attributions" / "site_2016_a-story_aaaa.ann").write_text(
        "T1\tSource 0 4\tAide\nT2\tCue 6 10\tsaid\nE1\tCue:T2 Source:T1\n"
    )
    [article] = polnear.load_split(tmp_path)
    assert article.name == "site_2016_a-story"
    assert article.gold["source"] == [((0, 4),)]


def test_predicted_spans_from_analyze_jsonl():
    line = json.loads(
        json.dumps(
            {
                "file": "x.txt",
                "attributions": [
                    {
                        "source": {
                            "name": "Mayor",
                            "kind": "person",
                            "role": None,
                            "mention": {"start": 0, "end": 9, "text": "The mayor"},
                        },
                        "cue": {"start": 10, "end": 14, "text": "said"},
                        "content": None,
                        "via": None,
                        "relayed_by": None,
                        "link": None,
                        "confidence": 0.9,
                    },
                    {
                        "source": {
                            "name": "Mayor",
                            "kind": "person",
                            "role": None,
                            "mention": {"start": 0, "end": 9, "text": "The mayor"},
                        },
                        "cue": {"start": 56, "end": 62, "text": "agreed"},
                        "content": {"start": 29, "end": 54, "text": "..."},
                        "via": None,
                        "relayed_by": None,
                        "link": None,
                        "confidence": 0.5,
                    },
                ],
            }
        )
    )
    pred = polnear.predicted_spans(line["attributions"])
    assert pred == {"source": [((0, 9),)], "cue": [((10, 14),), ((56, 62),)], "content": [((29, 54),)]}


def test_medium_scorer():
    cases = [{"via": "Reuters"}, {"via": "The Guardian"}, {"via": None}, {"via": "CNN"}]
    predicted = [["reuters"], ["Guardian", "BBC"], ["Reuters"], []]
    c = attribution.score_media(cases, predicted)
    assert figures(c) == (2, 3, 4)  # Reuters and Guardian right; BBC and the negative's Reuters wrong


def test_medium_fixture_is_well_formed():
    cases = [json.loads(line) for line in attribution.MEDIA.read_text(encoding="utf-8").splitlines()]
    assert len(cases) >= 40
    assert all(set(c) == {"text", "source", "via"} for c in cases)
    assert sum(c["via"] is None for c in cases) >= 10  # negatives: the outlet is the source, or no outlet
