"""Credits, datelines, embeds, outlets by the sentence's shape, and what is no source (issue 17).

Small hand-written texts; each test asserts what a reader would notice on the page."""

from __future__ import annotations

from headwater.attribution.credits import byline_credits, credits, on_page
from headwater.attribution.gazetteer import Gazetteer
from headwater.attribution.noise import for_readers, judge
from headwater.records import Attribution, Extracted, Source, Span

URL = "https://www.example-news.com/2019/11/19/story"


def page(attributor, text: str, url: str = URL, site: str = "Example News", author: str | None = None):
    return attributor.attribute_page(Extracted(text=text, site=site, author=author), url)


def named(found, name):
    return [a for a in found if a.source.name == name]


def test_wire_dateline_is_a_credit(attributor):
    found = page(attributor, "(Reuters) - The company said on Tuesday that profits rose.\n\nShares fell.")
    reuters = named(found, "Reuters")
    assert reuters and reuters[0].form == "credit" and reuters[0].source.kind == "outlet"
    assert not reuters[0].own_site


def test_dateline_with_place_names_the_wire_not_the_place(attributor):
    found = page(
        attributor,
        "HANOI, Vietnam (AP) — U.S. Defense Secretary Mark Esper on Wednesday accused China "
        "of coercion, he said.\n\nHe spoke in Hanoi.",
    )
    ap = named(found, "Associated Press")
    assert ap and ap[0].form == "credit"
    assert not [a for a in found if a.source.mention and a.source.mention.text == "HANOI"]


def test_photo_credit_is_no_source(attributor):
    found = page(
        attributor,
        "Firefighters work near the highway. (AP Photo/Jane Doe)\n\n"
        "Smoke rose over the hills. Photo: Reuters\n\nGetty Images",
    )
    assert not [a for a in found if a.form == "credit"]
    assert not named(found, "Associated Press") and not named(found, "Reuters")


def test_closing_credit_and_contributed_line():
    gazetteer = Gazetteer.default()
    text = "Stocks fell on Monday.\n\nThe Associated Press contributed to this report.\n\n— Bloomberg"
    found = credits(text, [], gazetteer)
    assert [(a.source.name, a.form) for a in found] == [("Associated Press", "credit"), ("Bloomberg", "credit")]


def test_credit_naming_the_pages_own_outlet_is_its_own(attributor):
    found = page(
        attributor,
        "WASHINGTON (AP) — Lawmakers met on Tuesday, officials said.\n\n"
        "Associated Press writers Jane Doe and John Roe contributed to this report.",
        url="https://apnews.com/article/abc123",
        site="AP News",
    )
    ap = named(found, "Associated Press")
    assert ap and all(a.own_site for a in ap)


def test_syndicated_wire_story_credits_the_wire(attributor):
    # A newspaper running an AP story: the site name says "Associated Press", the address is the paper's.
    found = page(
        attributor,
        "SAN FRANCISCO (AP) — The utility began shutting off power on Wednesday, officials said.\n\nWinds rose.",
        url="https://www.timesunion.com/news/us/article/power-shutoff-14848251.php",
        site="Associated Press",
    )
    ap = named(found, "Associated Press")
    assert ap and ap[0].form == "credit" and not ap[0].own_site


def test_site_name_of_a_wire_is_not_the_own_outlet_of_another_address():
    gazetteer = Gazetteer.default()
    text = "LONDON (Reuters) - Prices rose on Monday."
    dateline = credits(text, [], gazetteer)
    assert [a.source.name for a in dateline] == ["Reuters"]
    elsewhere = on_page(dateline, {"Reuters"}, "www.unknown-daily.example", "the author", gazetteer)
    at_home = on_page(dateline, {"Reuters"}, "www.reuters.com", "the author", gazetteer)
    assert not elsewhere[0].own_site and at_home[0].own_site


def test_byline_naming_a_wire_is_a_credit():
    gazetteer = Gazetteer.default()

    def names(byline):
        return [(a.source.name, a.source.kind, a.form) for a in byline_credits(byline, gazetteer)]

    assert names("Detroit News wire services") == [("Detroit News wire services", "outlet", "credit")]
    assert names("By The Associated Press") == [("Associated Press", "outlet", "credit")]
    assert names("Tim Reynolds, AP Basketball Writer") == [("Associated Press", "outlet", "credit")]
    assert names("Janie Har") == [] and names("The Washington Post") == []  # a reporter; a paper's own name


def test_byline_naming_the_pages_own_staff_is_its_own():
    gazetteer = Gazetteer.default()
    staff = byline_credits("Jane Doe, Detroit News Staff Writer", gazetteer)
    [credit] = on_page(staff, {"The Detroit News"}, "www.detroitnews.com", "the author", gazetteer)
    assert credit.source.name == "The Detroit News" and credit.own_site


def test_via_and_hat_tip():
    gazetteer = Gazetteer.default()
    text = '"We will not back down," the minister said, via Reuters.\n\nThe clip circulated widely (h/t @newsfan).'
    found = credits(text, [], gazetteer)
    assert ("Reuters", "outlet") in [(a.source.name, a.source.kind) for a in found]
    assert ("@newsfan", "social") in [(a.source.name, a.source.kind) for a in found]


def test_signed_embed_is_the_account(attributor):
    text = (
        "The striker thanked the fans on Monday.\n\n"
        "What a night. Thank you all for the support pic.twitter.com/abc123\n\n"
        "— Kai Musa (@kaimusa10) November 19, 2019\n\nThe club did not comment."
    )
    found = page(attributor, text)
    embeds = [a for a in found if a.form == "embed"]
    assert len(embeds) == 1
    assert embeds[0].source.kind == "social" and "@kaimusa10" in embeds[0].source.name
    assert embeds[0].via is not None and embeds[0].via.name == "Twitter"
    assert "Thank you all" in embeds[0].content.text


def test_pages_own_account_posting_is_its_own(attributor):
    text = (
        "Get the bundle today.\n\nBig savings on apps this week pic.twitter.com/xyz\n\n"
        "— Example News (@examplenews) November 18, 2019"
    )
    embeds = [a for a in page(attributor, text) if a.form == "embed"]
    assert embeds and embeds[0].own_site


def test_told_the_nairobi_daily_the_standard(attributor):
    found = page(attributor, "The minister told the Nairobi daily The Standard that the talks had failed.")
    vias = [a.via for a in found if a.via]
    assert vias and vias[0].kind == "outlet" and vias[0].name.startswith("The Standard")
    assert "Evening Standard" not in [v.name for v in vias]


def test_outlet_by_appositive_unknown_to_the_gazetteer(attributor):
    found = page(attributor, "Walikali, a celebrity gossip site, reported that the envoy was rich.")
    assert [(a.source.name, a.source.kind) for a in found] == [("Walikali", "outlet")]


def test_country_speaking_is_its_government(attributor):
    found = page(attributor, "Sweden said on Monday that it would expel the diplomat.")
    assert ("the Swedish government", "organization") in [(a.source.name, a.source.kind) for a in found]


def test_bare_job_title_is_unnamed_not_an_organisation(attributor):
    found = page(attributor, "CEO said the company would keep growing next year.")
    assert found and all(a.source.kind != "organization" for a in found)
    assert [a.source.name for a in found] == ["a CEO"]


def _said(name: str, kind: str, text: str) -> Attribution:
    start = text.index(name)
    return Attribution(Source(name, kind, None, Span.of(text, start, start + len(name))), Span(0, 0, ""))


def test_headings_things_and_pronouns_are_no_source():
    text = "06.10 Update. Blood tests showed it. It said so. Stock rose. Two people familiar with the talks said."
    assert judge(_said("06.10 Update", "person", text), text) is None
    assert judge(_said("Blood tests", "anonymous", text), text) is None
    assert judge(_said("It", "anonymous", text), text) is None
    assert judge(_said("Stock", "anonymous", text), text) is None
    kept = judge(_said("Two people familiar with the talks", "anonymous", text), text)
    assert kept is not None


def test_dropping_keeps_the_relay_chain():
    text = "It said the Journal reported that Ali said so."
    a0 = _said("It", "anonymous", text)
    a1 = Attribution(Source("The Wall Street Journal", "outlet"), Span(0, 0, ""), relayed_by=0)
    a2 = Attribution(Source("Ali Khoram", "person"), Span(0, 0, ""), relayed_by=1)
    out = for_readers([a0, a1, a2], text)
    assert [a.source.name for a in out] == ["The Wall Street Journal", "Ali Khoram"]
    assert out[0].relayed_by is None and out[1].relayed_by == 0


def test_analyze_keeps_what_the_product_hides(attributor):
    text = "It said nothing new on Tuesday."
    assert attributor.attribute(text)  # PolNeAR counts "It" as a source
    assert not [a for a in page(attributor, text) if a.source.name == "It"]


def test_analyze_leaves_credits_out_unless_asked(attributor):
    text = "WASHINGTON (AP) — Lawmakers met on Tuesday, officials said."
    assert not [a for a in attributor.attribute(text) if a.form == "credit"]  # PolNeAR annotates no dateline
    attributor.credits_in_analyze = True
    try:
        assert [a.source.name for a in attributor.attribute(text) if a.form == "credit"] == ["Associated Press"]
    finally:
        attributor.credits_in_analyze = False


def test_block_quote_signed_by_its_author_is_an_embed(attributor):
    text = (
        'The coach wrote a note to the fans.\n\n"We will be back stronger next season, I promise you all."'
        " ― Kai Musa\n\nThe club did not comment."
    )
    block = Span.of(text, text.index('"We'), text.index("\n\nThe club"))
    found = attributor.attribute_page(Extracted(text=text, quotes=[block]), URL)
    assert [(a.source.name, a.form) for a in found if a.form == "embed"] == [("Kai Musa", "embed")]
