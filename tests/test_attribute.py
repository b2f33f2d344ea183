"""The attribution core on short texts in our own wording, one construction at a time."""

import pytest

from headwater.attribute import Attributor, normalise
from headwater.model import Link, Span


@pytest.fixture(scope="module")
def attributor():
    return Attributor()


def by_source(attributions):
    return {a.source.name: a for a in attributions}


def test_normalise_keeps_offsets():
    text = "the Journal\u00a0reported \u201cyes\u201d and the Journal\u2018s man"
    assert len(normalise(text)) == len(text)
    assert normalise(text) == "the Journal reported \"yes\" and the Journal's man"


def test_verb_cue_with_clausal_content_and_offsets(attributor):
    text = "The mayor's office was quiet. Dana Whitfield said that the bridge would reopen in March."
    [a] = attributor.attribute(text)
    assert a.source.name == "Dana Whitfield" and a.source.kind == "person"
    assert a.cue.text == "said" and text[a.cue.start:a.cue.end] == "said"
    assert a.content.text == "the bridge would reopen in March"
    assert text[a.source.mention.start:a.source.mention.end] == "Dana Whitfield"


def test_according_to_an_outlet(attributor):
    text = "The plant will close next year, according to Reuters."
    [a] = attributor.attribute(text)
    assert (a.source.name, a.source.kind) == ("Reuters", "outlet")
    assert a.cue.text == "according to"
    assert "plant will close" in a.content.text


def test_inverted_cue_and_pronoun_resolution(attributor):
    text = ("Priya Raman, the city's housing director, toured the site on Monday. "
            "\"We are not going to wait another year,\" said Ms. Raman. "
            "\"The money is there,\" she added, \"and so is the will to spend it on families.\"")
    attributions = attributor.attribute(text)
    assert {a.source.name for a in attributions} == {"Priya Raman"}
    raman = attributions[0]
    assert raman.source.role == "the city's housing director"
    assert raman.content.text.startswith('"We are not going')
    assert any(a.cue.text == "added" for a in attributions)


def test_quote_without_cue_inherits_speaker(attributor):
    text = ("\"The vote was rigged from the start,\" Omar Haddad told supporters on Friday. "
            "\"Nobody believes these numbers, not even the people who counted them.\"")
    attributions = attributor.attribute(text)
    assert len(attributions) == 2
    assert all(a.source.name == "Omar Haddad" for a in attributions)
    assert attributions[1].content.text.startswith('"Nobody believes')


def test_medium_told_an_outlet(attributor):
    text = "Lena Okafor, a spokeswoman for the ministry, told the BBC that talks had stalled."
    [a] = attributor.attribute(text)
    assert a.source.name == "Lena Okafor"
    assert a.source.role == "spokeswoman for the ministry"
    assert a.via is not None and a.via.name == "BBC"


def test_told_a_person_is_no_medium(attributor):
    text = "Karl Weber told reporters that he would not resign."
    [a] = attributor.attribute(text)
    assert a.via is None


def test_nesting_outlet_reports_what_an_official_said(attributor):
    text = "The Guardian reported that a police officer confirmed the arrest of two men."
    attributions = attributor.attribute(text)
    guardian = next(a for a in attributions if a.source.kind == "outlet")
    officer = next(a for a in attributions if a.source.kind == "anonymous")
    assert officer.relayed_by == attributions.index(guardian)
    assert guardian.relayed_by is None


def test_anonymous_source_named_later(attributor):
    text = ("A senior diplomat confirmed that the embassy would reopen. "
            "The diplomat is Ingrid Solberg, Norway's envoy to the region.")
    [a] = attributor.attribute(text)
    assert (a.source.name, a.source.kind) == ("Ingrid Solberg", "person")
    assert a.source.mention.text == "A senior diplomat"


def test_plural_anonymous_sources_stay_anonymous(attributor):
    text = "Officials said that the border would stay closed."
    [a] = attributor.attribute(text)
    assert a.source.kind == "anonymous"


def test_document_source(attributor):
    text = "A court filing shows that the company knew about the defect in 2019. The report said the defect was minor."
    kinds = {a.source.kind for a in attributor.attribute(text)}
    assert kinds == {"document"}


def test_link_in_the_sentence_is_attached(attributor):
    text = "Yesterday the Financial Times reported that the deal was off."
    start = text.index("Financial")
    link = Link(start, start + len("Financial Times reported"), "https://www.ft.com/content/abc", "")
    [a] = attributor.attribute(text, links=[link])
    assert a.link == "https://www.ft.com/content/abc"


def test_block_quote_introduced_by_colon_is_relayed(attributor):
    intro = "Writes the Guardian's Amy Lowe:"
    block = "Farmers said that the drought had halved their harvest."
    text = intro + "\n\n" + block
    start = text.index(block)
    attributions = attributor.attribute(text, quotes=[Span.of(text, start, len(text))])
    guardian = next(a for a in attributions if a.source.kind == "outlet")
    farmers = next(a for a in attributions if a.source.name == "Farmers")
    assert guardian.source.reporter == "Amy Lowe"
    assert guardian.content.start == start
    assert farmers.relayed_by == attributions.index(guardian)


def test_verbs_inside_a_quote_are_not_cues(attributor):
    text = "\"I never said that I would stay,\" Marta Ruiz explained."
    [a] = attributor.attribute(text)
    assert a.source.name == "Marta Ruiz" and a.cue.text == "explained"


def test_no_attribution_in_plain_narration(attributor):
    assert attributor.attribute("The river rose by two metres overnight and the town flooded.") == []
