"""The statistical attribution tagger (headwater/tagger.py): what a user would notice.

No PolNeAR needed: a tiny model is trained in tmp_path from hand-made sentences; the
shipped model is used where it is present.
"""

import pytest

from headwater.attribution import tagger as tg
from headwater.records import Attribution, Source, Span

pycrfsuite = pytest.importorskip("pycrfsuite")

# Hand-made training sentences: (text, source, cue, content) as substrings. Stances and
# wishes ("hopes", "wants") that the rules do not read as attributions.
TRAINING = [
    (
        "The mayor hopes that the bridge will reopen in March.",
        "The mayor",
        "hopes",
        "that the bridge will reopen in March",
    ),
    ("Dana Whitfield wants a new budget for the schools.", "Dana Whitfield", "wants", "a new budget for the schools"),
    ("The union hopes the strike will end soon.", "The union", "hopes", "the strike will end soon"),
    ("Residents want the council to fix the roads.", "Residents", "want", "the council to fix the roads"),
    ("Omar Haddad said the plant would close.", "Omar Haddad", "said", "the plant would close"),
    ("The governor hopes voters will approve the plan.", "The governor", "hopes", "voters will approve the plan"),
    ("Farmers want lower prices for seed.", "Farmers", "want", "lower prices for seed"),
    ("The company said profits fell in the spring.", "The company", "said", "profits fell in the spring"),
    ("The river rose overnight and the roads were closed.", None, None, None),
    ("Traffic was heavy on the bridge this morning.", None, None, None),
    ("Lena Ortiz hopes the museum will stay open.", "Lena Ortiz", "hopes", "the museum will stay open"),
    ("The coach wants more time to train the team.", "The coach", "wants", "more time to train the team"),
]
# A sentence the rules miss: "hopes" is not one of their cue verbs.
STANCE = "The senator hopes that the tax will be repealed."


@pytest.fixture(scope="module")
def rules():
    from headwater.attribution.attributor import Attributor

    return Attributor(tagger=False)  # the rules alone: the tests put the tagger beside them


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory, rules):
    """Three CRFs trained on TRAINING (a few hand-made sentences)."""
    return train_tiny(tmp_path_factory.mktemp("tagger"), rules)


def train_tiny(out, rules, training=TRAINING):
    trainers = {role: pycrfsuite.Trainer(verbose=False) for role in tg.ROLES}
    for text, *parts in training:
        sentences = tg.parse_sentences(rules.nlp, text)
        attributions = rules.attribute(text)
        gold = {}
        for role, part in zip(tg.ROLES, parts):
            gold[role] = [(text.index(part), text.index(part) + len(part))] if part else []
        for tokens, _bounds, feats in tg.sequence_features(text, sentences, attributions):
            for role in tg.ROLES:
                trainers[role].append(feats, tg.bio(tokens, gold[role]))
    for role, trainer in trainers.items():
        trainer.set_params({"c1": 0.0, "c2": 0.01, "max_iterations": 60, "feature.possible_transitions": True})
        trainer.train(str(out / f"tagger-{role}.crfsuite"))
    return out


def analyse(rules, tagger, text):
    sentences = tg.parse_sentences(rules.nlp, text)
    attributions = rules.attribute(text)
    spans = tagger.predict(text, sentences, attributions)
    return attributions, spans, tagger.merge(text, attributions, spans)


def test_absent_model_is_unavailable_and_changes_nothing(tmp_path, rules):
    tagger = tg.Tagger(tmp_path / "nowhere")
    assert not tagger.available
    text = "Omar Haddad said the plant would close."
    attributions, spans, merged = analyse(rules, tagger, text)
    assert spans == []
    assert merged == attributions


def test_incomplete_model_is_unavailable(tmp_path, tiny_model):
    (tmp_path / "tagger-cue.crfsuite").write_bytes((tiny_model / "tagger-cue.crfsuite").read_bytes())
    assert not tg.Tagger(tmp_path).available


def test_damaged_model_is_unavailable(tmp_path, tiny_model, rules):
    for role in tg.ROLES:
        (tmp_path / f"tagger-{role}.crfsuite").write_bytes((tiny_model / f"tagger-{role}.crfsuite").read_bytes())
    (tmp_path / "tagger-content.crfsuite").write_bytes(b"not a model")
    tagger = tg.Tagger(tmp_path)
    assert not tagger.available
    assert analyse(rules, tagger, STANCE)[1] == []


def test_a_stance_the_rules_miss_is_found(rules, tiny_model):
    tagger = tg.Tagger(tiny_model)
    assert tagger.available
    attributions, spans, merged = analyse(rules, tagger, STANCE)
    assert not any(a.cue.text == "hopes" for a in attributions)  # the rules miss it
    [added] = [a for a in merged if a.cue.text == "hopes"]
    assert added.source.mention.text in ("The senator", "senator")
    assert added.content is not None and "tax will be repealed" in added.content.text
    assert 0 < added.confidence <= 0.5
    for s in spans:
        assert STANCE[s.start : s.end].strip() == STANCE[s.start : s.end] != ""
        assert 0 <= s.probability <= 1


def kept(rule, merged):
    """The merged attribution is the rule's: same source and via, its cue within, its content kept."""
    return (
        merged.source == rule.source
        and merged.via == rule.via
        and merged.relayed_by == rule.relayed_by
        and merged.cue.start <= rule.cue.start
        and rule.cue.end <= merged.cue.end
        and (rule.content is None or merged.content == rule.content)
    )


def test_rule_attributions_are_kept_first(rules, tiny_model):
    tagger = tg.Tagger(tiny_model)
    text = "Omar Haddad said the plant would close. " + STANCE
    attributions, spans, merged = analyse(rules, tagger, text)
    assert attributions and len(merged) > len(attributions)
    assert all(kept(r, m) for r, m in zip(attributions, merged))
    assert any(a.cue.text == "said" and a.source.name == "Omar Haddad" for a in merged)


def test_merge_adds_no_duplicates(rules, tiny_model):
    tagger = tg.Tagger(tiny_model)
    text = "Omar Haddad said the plant would close. The company said profits fell in the spring."
    attributions, spans, merged = analyse(rules, tagger, text)
    keys = [
        (
            a.source.mention and (a.source.mention.start, a.source.mention.end),
            (a.cue.start, a.cue.end),
            a.content and (a.content.start, a.content.end),
        )
        for a in merged
    ]
    assert len(keys) == len(set(keys))
    assert len({k[1] for k in keys}) == len(attributions)  # the tagger's "said" cues are the rules' own


def test_merge_by_hand():
    """merge() on hand-made spans: a cue overlapping a rule cue is not added; a new one
    takes the nearest source in its sentence and content in its paragraph."""
    text = "Ana Souza said the deal is done. Critics are opposed to the deal."
    said = text.index("said")
    rule = Attribution(
        Source("Ana Souza", "person", mention=Span.of(text, 0, 9)),
        Span.of(text, said, said + 4),
        Span.of(text, said + 5, text.index(".")),
    )
    s1, s2 = (0, text.index(".") + 1), (text.index("Critics"), len(text))
    para = (0, len(text))
    critics, opposed, deal = text.index("Critics"), text.index("are opposed to"), text.index("the deal.")
    spans = [
        tg.RoleSpan("cue", said, said + 4, 0.9, s1, para),  # the rules' cue again
        tg.RoleSpan("source", critics, critics + 7, 0.8, s2, para),
        tg.RoleSpan("cue", opposed, opposed + len("are opposed to"), 0.7, s2, para),
        tg.RoleSpan("content", deal, deal + len("the deal"), 0.6, s2, para),
        tg.RoleSpan("cue", 0, 3, 0.9, s1, para),  # overlaps the rule source, no other source
    ]
    merged = tg.merge(text, [rule], spans)
    assert merged[0] is rule
    added = merged[1:]
    assert [a.cue.text for a in added] == ["are opposed to"]
    assert added[0].source.mention.text == "Critics" and added[0].content.text == "the deal"
    assert added[0].to_dict()["source"]["mention"]["text"] == "Critics"


@pytest.mark.parametrize(
    "source, kind",
    [
        ("responses from Tehran", "anonymous"),  # a common noun speaking is nobody named, not a person
        ("both", "anonymous"),
        ("So", "anonymous"),  # a sentence's first word, capitalised, is not a name
        ("Mitt Romney", "person"),
        ("the former president", "person"),
        ("residents of the town", "anonymous"),
        ("the audit by the city", "document"),
        ("the committee", "organization"),
        ("your house", "anonymous"),  # "the House" is Congress; a house is not an organization
    ],
)
def test_a_source_the_rules_cannot_resolve_gets_its_kind_from_its_head_word(source, kind):
    text = f"But {source} suggested continued divisions."
    start, cue = text.index(source), text.index("suggested")
    sentence = (0, len(text))
    spans = [
        tg.RoleSpan("source", start, start + len(source), 0.8, sentence, sentence),
        tg.RoleSpan("cue", cue, cue + len("suggested"), 0.8, sentence, sentence),
        tg.RoleSpan("content", cue + 10, len(text) - 1, 0.8, sentence, sentence),
    ]
    [added] = tg.merge(text, [], spans)
    assert (added.source.mention.text, added.source.kind) == (source, kind)


def test_merge_widens_a_rule_cue_fills_content_and_claims_a_running_quote():
    text = 'Ana Souza has also said it. "The deal is done.\n"We signed it on Monday."'
    said = text.index("said")
    rule = Attribution(Source("Ana Souza", "person", mention=Span.of(text, 0, 9)), Span.of(text, said, said + 4))
    p1, p2 = (0, text.index("\n")), (text.index("\n") + 1, len(text))
    has, quote1, quote2 = text.index("has"), text.index('"The'), text.index('"We')
    spans = [
        tg.RoleSpan("cue", has, said + 4, 0.9, p1, p1),
        tg.RoleSpan("content", quote1, p1[1], 0.8, (quote1, p1[1]), p1),
        tg.RoleSpan("content", quote2, len(text), 0.7, p2, p2),
    ]
    merged = tg.merge(text, [rule], spans)
    assert [a.cue.text for a in merged] == ["has also said", "has also said"]
    assert merged[0].content.text == '"The deal is done.'
    assert merged[1].content.text == '"We signed it on Monday."' and merged[1].source == rule.source
    assert tg.merge(text, [rule], []) == [rule]


def test_an_unclaimed_content_of_one_word_or_of_a_refusal_is_not_claimed():
    text = "Ana Souza, who asked not to be named, said the deal is done, which worried him."
    said = text.index("said")
    rule = Attribution(
        Source("Ana Souza", "person", mention=Span.of(text, 0, 9)),
        Span.of(text, said, said + 4),
        Span.of(text, said + 5, text.index(", which")),
    )
    para = (0, len(text))
    named, which, worried = text.index("not to be named"), text.index("which"), text.index("worried him")
    spans = [
        tg.RoleSpan("content", named, named + len("not to be named"), 0.9, para, para),
        tg.RoleSpan("content", which, which + len("which"), 0.9, para, para),
        tg.RoleSpan("content", worried, worried + len("worried him"), 0.9, para, para),
    ]
    merged = tg.merge(text, [rule], spans)
    assert [a.content.text for a in merged] == ["the deal is done", "worried him"]


def test_decode_runs():
    assert tg.decode(["O", "B", "I", "O", "I", "I", "B", "B"]) == [(1, 3), (4, 6), (6, 7), (7, 8)]


SHIPPED = all((tg.MODEL_DIR / f"tagger-{role}.crfsuite").is_file() for role in tg.ROLES)


@pytest.mark.skipif(not SHIPPED, reason="no shipped tagger model (make train)")
def test_shipped_model_finds_stances_the_rules_miss(rules):
    tagger = tg.Tagger.default()
    assert tagger.available
    text = "The mayor hopes that the bridge will reopen in March. Critics see the plan as a giveaway to banks."
    attributions, spans, merged = analyse(rules, tagger, text)
    assert all(kept(r, m) for r, m in zip(attributions, merged))
    found = {(a.source.mention.text, a.cue.text) for a in merged[len(attributions) :]}
    assert ("The mayor", "hopes") in found and ("Critics", "see") in found


# -- the tagger's veto over rule attributions (tagger.confirmed) ------------------------------

VETO_TEXT = (
    "Reuters reported that Omar Haddad thinks the plant will close. Lena Ortiz believes it will not. "
    "Dana Whitfield argued “it is over.” The mayor said it is fine."
)


def rule_at(cue: str, source: str, kind: str = "person", content: str | None = None, **more) -> Attribution:
    t = VETO_TEXT
    c = t.index(cue)
    s = t.index(source)
    body = Span.of(t, t.index(content), t.index(content) + len(content)) if content else None
    return Attribution(
        Source(source, kind, mention=Span.of(t, s, s + len(source))), Span.of(t, c, c + len(cue)), content=body, **more
    )


def cue_span(cue: str) -> tg.RoleSpan:
    c = VETO_TEXT.index(cue)
    return tg.RoleSpan("cue", c, c + len(cue), 0.9, (0, len(VETO_TEXT)), (0, len(VETO_TEXT)))


def test_a_rule_attribution_the_tagger_leaves_out_is_dropped_and_its_relays_move_up():
    rules = [
        rule_at("reported", "Reuters", "outlet", "that Omar Haddad thinks the plant will close"),  # an outlet
        rule_at("thinks", "Omar Haddad", relayed_by=0),  # not confirmed, but an outlet relays it
        rule_at("believes", "Lena Ortiz"),  # not confirmed: dropped
        rule_at("argued", "Dana Whitfield", content="“it is over.”"),  # a direct quote: kept
        rule_at("said", "The mayor"),  # "said": kept
    ]
    kept = tg.confirmed(rules, [])
    assert [a.source.name for a in kept] == ["Reuters", "Omar Haddad", "Dana Whitfield", "The mayor"]
    assert kept[1].relayed_by == 0

    confirmed_by_tagger = tg.confirmed(rules, [cue_span("believes")])
    assert "Lena Ortiz" in [a.source.name for a in confirmed_by_tagger]


def test_relays_point_at_the_same_attributions_after_a_veto():
    rules = [
        rule_at("believes", "Lena Ortiz"),  # dropped
        rule_at("reported", "Reuters", "outlet"),
        rule_at("thinks", "Omar Haddad", relayed_by=1),  # relayed by Reuters
        rule_at("argued", "Dana Whitfield", content="“it is over.”", relayed_by=2),  # relayed by Omar Haddad
    ]
    kept = tg.confirmed(rules, [])
    assert [a.source.name for a in kept] == ["Reuters", "Omar Haddad", "Dana Whitfield"]
    assert [kept[a.relayed_by].source.name if a.relayed_by is not None else None for a in kept] == [
        None,
        "Reuters",
        "Omar Haddad",
    ]


def test_an_unavailable_tagger_vetoes_nothing(tmp_path):
    rules = [rule_at("believes", "Lena Ortiz")]
    assert tg.Tagger(tmp_path / "nowhere").confirmed(rules, []) == rules


# -- word clusters -------------------------------------------------------------------


@pytest.fixture
def clusters_file(tmp_path, monkeypatch):
    """A word-clusters file of the test's own in place of the shipped one."""
    path = tmp_path / "word-clusters.tsv"
    monkeypatch.setattr(tg, "CLUSTERS_FILE", path)
    tg.word_clusters.cache_clear()
    yield path
    tg.word_clusters.cache_clear()


def test_a_word_s_cluster_is_among_its_features_when_the_clusters_file_is_there(clusters_file, rules):
    """Without the file (a checkout that lacks it) the tagger still runs, on its other features."""
    text = "Omar Haddad said the plant would close."
    sentences = tg.parse_sentences(rules.nlp, text)
    [(_, _, feats)] = tg.sequence_features(text, sentences, rules.attribute(text))
    assert not any(f.startswith("bc") for token in feats for f in token)
    clusters_file.write_text("0110\tsaid\n")
    tg.word_clusters.cache_clear()
    [(_, _, feats)] = tg.sequence_features(text, sentences, rules.attribute(text))
    said = feats[2]
    assert "bc4=0110" in said
