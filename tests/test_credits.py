"""Credits, datelines, embeds, outlets by the sentence's shape, and what is no source (issue 17).

Small hand-written texts; each test asserts what a reader would notice on the page."""

from __future__ import annotations

from dataclasses import replace

from headwater.attribution.coreference import one_name_each
from headwater.attribution.credits import byline_credits, credits, on_page
from headwater.attribution.gazetteer import Gazetteer
from headwater.attribution.noise import for_readers, judge, says_something
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
    found = page(attributor, "The UK has urged an end to the violence in Hong Kong.")
    assert "the UK government" in [a.source.name for a in found]  # an abbreviation keeps its letters


def test_bare_job_title_is_unnamed_not_an_organisation(attributor):
    found = page(attributor, "CEO said the company would keep growing next year.")
    assert found and all(a.source.kind != "organization" for a in found)
    assert [a.source.name for a in found] == ["a CEO"]


SAID, WHAT = Span(0, 4, "said"), Span(5, 7, "so")  # a cue and a content, not read from the text


def _said(name: str, kind: str, text: str) -> Attribution:
    start = text.index(name)
    return Attribution(Source(name, kind, None, Span.of(text, start, start + len(name))), SAID, WHAT)


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
    a1 = Attribution(Source("The Wall Street Journal", "outlet"), SAID, WHAT, relayed_by=0)
    a2 = Attribution(Source("Ali Khoram", "person"), SAID, WHAT, relayed_by=1)
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


def test_a_verb_that_says_nothing_was_said_is_no_citation(attributor):
    text = (
        "Anthony Beauvillier added a goal and Connor Clifton added two assists for the Islanders. "
        "Amazon offers the speaker for $29 this week. "
        'Coach Barry Trotz said the team "found a way" late in the game.'
    )
    names = {a.source.name for a in page(attributor, text)}
    assert "Barry Trotz" in {n.removeprefix("Coach ") for n in names}
    assert not names & {"Anthony Beauvillier", "Connor Clifton", "Amazon"}
    # what PolNeAR scores is left as it was: analyze still reads "added" as a cue
    assert "Anthony Beauvillier" in {a.source.name for a in attributor.attribute(text)}


def test_acts_and_figures_are_no_citations(attributor):
    # What a reader would not call a source: an act or an attitude with none of the source's
    # words, a figure "posted", a request for a thing, what something is made to do.
    text = (
        "Over the weekend, Trump assailed Williams as part of the Never Trumpers who oppose his presidency.\n\n"
        "Apple continues to offer free repairs to affected customers.\n\n"
        "He posted an elite 93.2 defensive grade and 91.4 coverage grade.\n\n"
        "Since 2016, customers have been asking for noise cancellation and a better fit.\n\n"
        "The new lights, Audi says, allow the e-tron Sportback to highlight markings on the road.\n\n"
        'The senators opposed the bill, calling it "a disgrace to the chamber."\n\n'
        "A study by the National Accounts Office shows that costs rose by a third."
    )
    names = {a.source.name for a in page(attributor, text)}
    assert not names & {"Never Trumpers", "Apple", "customers", "e-tron Sportback"}
    assert any("National Accounts Office" in n for n in names)  # a document "shows": its finding
    allowed = page(attributor, "Dropping likes allowed Adam Mosseri to claim that the app feels less pressured.")
    assert "Adam Mosseri" in {a.source.name for a in allowed}  # a person allowed to claim does claim
    # the words themselves are a citation, whatever the verb
    quoted = Attribution(
        Source("senators", "anonymous"), Span(0, 7, "opposed"), Span(8, 40, '"a disgrace to the chamber."')
    )
    assert says_something(quoted)
    assert not says_something(replace(quoted, content=Span(8, 16, "the bill")))


def test_says_something_reads_inflected_cues():
    said = Attribution(Source("Ann Lee", "person"), Span(0, 4, "has admitted"), Span(5, 7, "it"))
    assert says_something(said)
    assert not says_something(replace(said, content=None))  # nothing said
    published = Attribution(Source("Walikali", "outlet"), Span(0, 4, "published on"))
    assert says_something(published)  # publishing is itself the citation
    assert not says_something(replace(said, cue=Span(0, 4, "offers")))
    assert says_something(replace(said, cue=Span(0, 4, "according to")))
    assert not says_something(replace(said, cue=Span(0, 4, "was considered")))  # passive: not the speaker
    scored = Attribution(Source("Brad Marchand", "person"), Span(14, 19, "added"), Span(34, 48, "to lead Boston"))
    assert not says_something(scored)  # "Brad Marchand added three assists to lead Boston"
    assert says_something(replace(scored, content=Span(26, 40, "it was a win")))  # 'added that "it was a win
    assert says_something(replace(said, cue=Span(0, 4, "was quoted as saying")))
    assert not says_something(replace(said, cue=Span(0, 4, "would agree to")))  # hypothetical
    assert says_something(replace(said, cue=Span(0, 4, "will testify")))
    text = "the letter, which was revealed by The Wall Street Journal on Thursday"
    agent = Attribution(
        Source("The Wall Street Journal", "outlet", None, Span.of(text, 34, 57)),
        Span.of(text, 18, 30),
        Span.of(text, 0, 10),
    )
    assert agent.cue.text == "was revealed" and says_something(agent)  # a passive's agent speaks


def test_a_source_shortened_after_its_full_name_is_one_source(attributor):
    text = (
        "Montell Figgins, a union official, said the guards were overworked. "
        '"Sometimes employees don\'t follow the rules," Figgins said on Tuesday. '
        "The Inner Mongolia health commission said a man had contracted the plague. "
        "The health commission said in a statement that 28 contacts showed no symptoms."
    )
    names = [a.source.name for a in page(attributor, text)]
    assert "Figgins" not in names and names.count("Montell Figgins") >= 2
    assert "health commission" not in [n.lower().removeprefix("the ") for n in names]


def test_one_name_each_needs_exactly_one_full_name():
    def said(name, kind="person"):
        return Attribution(Source(name, kind), SAID, WHAT)

    found = one_name_each([said("Ann Smith"), said("Bob Smith"), said("Smith"), said("Liu Xiaoming"), said("Liu")])
    assert [a.source.name for a in found] == ["Ann Smith", "Bob Smith", "Smith", "Liu Xiaoming", "Liu Xiaoming"]
    found = one_name_each([said("Browns DL Sheldon Richardson"), said("Sheldon Richardson")])
    assert {a.source.name for a in found} == {"Sheldon Richardson"}
    found = one_name_each([said("European Space Agency", "organization"), said("the agency", "organization")])
    assert {a.source.name for a in found} == {"European Space Agency"}
    found = one_name_each([said("Federal prosecutors", "anonymous"), said("Prosecutors", "anonymous")])
    assert {a.source.name for a in found} == {"Federal prosecutors"}
    assert [a.source.name for a in one_name_each([said("Apple CEO Tim Cook")])] == ["Tim Cook"]
    assert [a.source.name for a in one_name_each([said("Reuters", "outlet")])] == ["Reuters"]
    found = one_name_each(
        [said("Volkswagen", "organization"), said("VW", "organization"), said("automaker", "anonymous")]
    )
    assert {a.source.name for a in found} == {"Volkswagen"}
    groups = [said("Some social media users", "anonymous"), said("other social media users", "anonymous")]
    assert {a.source.name for a in one_name_each(groups)} == {"social media users"}
    assert [a.source.name for a in one_name_each([said("Some analysts", "anonymous")])] == ["Some analysts"]
    office = "U.S. Attorney's Office for the Western District of New York"
    shortened = [said(office, "organization"), said("U.S. attorney's office", "organization")]
    shortened += [said("prosecutor's office", "organization"), said("prosecutors", "anonymous")]
    assert {a.source.name for a in one_name_each(shortened)} == {office}
    release = [said(office, "organization"), said("office release", "document")]
    assert {a.source.name for a in one_name_each(release)} == {office}  # a release speaks for its issuer
    assert [a.source.name for a in one_name_each([said("a White House statement", "document")])] == ["White House"]
    two_firms = [said("Audi", "organization"), said("Porsche", "organization"), said("the automaker", "anonymous")]
    assert "the automaker" in {a.source.name for a in one_name_each(two_firms)}  # which one? leave it
    assert [
        a.source.name
        for a in one_name_each([said("CPUC", "organization"), said("Office of Emergency Services", "organization")])
    ] == ["CPUC", "Office of Emergency Services"]
    text = "China's ambassador to Britain accused the UK. China's ambassador to Britain Liu Xiaoming said so."
    by_role = Attribution(
        Source("China's ambassador to Britain", "person", "China's ambassador to Britain", Span.of(text, 0, 29)),
        SAID,
        WHAT,
    )
    named_later = Attribution(Source("Liu Xiaoming", "person", None, Span.of(text, 46, 88)), SAID, WHAT)
    assert [a.source.name for a in one_name_each([by_role, named_later])] == ["Liu Xiaoming"] * 2


def test_the_page_itself_and_pleas_are_no_sources():
    text = "This post will discuss the grant. Smith pleaded guilty to the charge. Jones referred him to a clinic."
    assert judge(_said("This post", "document", text), text) is None
    plea = replace(_said("Smith", "person", text), cue=Span(0, 14, "pleaded guilty"))
    assert judge(plea, text) is None
    assert judge(replace(plea, cue=Span(0, 36, "pleaded guilty Monday to threatening")), text) is None
    referral = replace(_said("Jones", "person", text), cue=Span(0, 8, "referred"))
    assert judge(referral, text) is None


def _cited(name: str, kind: str, text: str, cue: str = "said", form: str = "verb", role: str | None = None):
    """An attribution of `name` (as written in `text`) with the cue `cue` after it."""
    start = text.index(name)
    return Attribution(
        Source(name, kind, role, Span.of(text, start, start + len(name))),
        Span.of(text, text.index(cue, start), text.index(cue, start) + len(cue)),
        form=form,
    )


def _signed(shown: str, text: str) -> Attribution:
    """The embed signed "— `shown` ... " in `text`."""
    start = text.index(shown)
    return Attribution(
        Source(shown, "social", None, Span.of(text, start, start + len(shown))),
        Span.of(text, start - 2, start + len(shown)),
        form="embed",
    )


def test_an_embed_by_an_organisation_the_page_cites_is_that_organisation():
    # One source, under the prose's name and kind: the club's statement and the club's own post.
    text = (
        "Tottenham said in a statement that the coach had left.\n\nWelcome, boss.\n\n"
        "— Tottenham Hotspur (@SpursOfficial) November 20, 2019\n\n"
        "Take a look at what PFF said about the defence.\n\nSnap counts for week 11.\n\n"
        "— PFF CLE Browns (@PFF_Browns) November 15, 2019"
    )
    found = [
        _cited("Tottenham", "organization", text),
        _signed("Tottenham Hotspur (@SpursOfficial)", text),
        _cited("PFF", "outlet", text),
        _signed("PFF CLE Browns (@PFF_Browns)", text),
    ]
    out = on_page(found, {"Example News"}, "www.example-news.com", "the author")
    assert [(a.source.name, a.source.kind, a.form) for a in out] == [
        ("Tottenham", "organization", "verb"),
        ("Tottenham", "organization", "embed"),
        ("PFF", "outlet", "verb"),
        ("PFF", "outlet", "embed"),
    ]


def test_an_embed_stays_its_own_account_unless_exactly_one_cited_name_fits():
    text = (
        "Spurs said the coach had left. Tottenham said so too. Dele said he was sad.\n\n"
        "Thank you, boss.\n\n— Spurs Fans (@SpursFansHQ) November 20, 2019\n\n"
        "Goodbye.\n\n— Dele Alli (@dele_official) November 19, 2019\n\n"
        "Welcome.\n\n— Tottenham Hotspur (@Spurs_Tottenham) November 20, 2019"
    )
    found = [
        _cited("Spurs", "organization", text),
        _cited("Tottenham", "organization", text),
        _cited("Dele", "person", text),
        _signed("Spurs Fans (@SpursFansHQ)", text),  # a fan account named after the club
        _signed("Dele Alli (@dele_official)", text),  # a first name alone is no person
        _signed("Tottenham Hotspur (@Spurs_Tottenham)", text),  # two cited names fit
    ]
    out = on_page(found, {"Example News"}, "www.example-news.com", "the author")
    assert [a.source.name for a in out[3:]] == [
        "Spurs Fans (@SpursFansHQ)",
        "Dele Alli (@dele_official)",
        "Tottenham Hotspur (@Spurs_Tottenham)",
    ]


def test_the_pages_own_journalist_is_its_own_voice():
    text = (
        "CBS Sports NFL Insider Jason La Canfora has reported that the fine is steep. "
        "CBS Sports' Pete Prisco reported the same. Jane Roe of CBS Sports reported it first. "
        "Sam Poe, a columnist for CBS Sports, said it was fair. ESPN's Adam Lane reported otherwise. "
        "CBS Sports' chief executive Ann Lee said the network was proud."
    )
    found = [
        _cited("Jason La Canfora", "person", text, "has reported", role="CBS Sports NFL Insider"),
        _cited("Pete Prisco", "person", text, "reported"),
        _cited("Jane Roe of CBS Sports", "person", text, "reported"),
        _cited("Sam Poe", "person", text, role="a columnist for CBS Sports"),
        _cited("Adam Lane", "person", text, "reported"),
        _cited("Ann Lee", "person", text, role="CBS Sports' chief executive"),
    ]
    out = on_page(found, {"CBSSports.com"}, "www.cbssports.com", "the author", text=text)
    assert [a.own_site for a in out] == [True, True, True, True, False, False]


def test_a_companys_officer_on_its_own_site_is_a_source():
    # A press release quotes the company's officers: sources, not the newsroom's voice.
    text = "Ivan Braiker, my6sense's new Chief Strategy Officer, said the deal closed."
    found = [_cited("Ivan Braiker", "person", text, role="my6sense's new Chief Strategy Officer")]
    [a] = on_page(found, {"my6sense"}, "my6sense.com", "the author", text=text)
    assert not a.own_site


def test_an_unnamed_source_is_named_by_its_whole_description(attributor):
    text = (
        "The staff member who reported the call recalled that he was angry. "
        "More than 450,000 people lost service, according to a group representing rural counties in California. "
    )
    names = {(a.source.name, a.source.kind) for a in page(attributor, text)}
    assert ("staff member who reported the call", "anonymous") in names
    assert ("a group representing rural counties in California", "anonymous") in names
    assert "staff member" not in {name for name, _ in names}  # the head alone is the same source
    text = "Banks care about health, as one neo-bank CEO told me."
    at, cue = text.index("one neo-bank CEO"), text.index("told")
    ceo = Attribution(
        Source("CEO", "organization", None, Span.of(text, at, at + 16)), Span.of(text, cue, cue + 4), WHAT
    )
    assert judge(ceo, text).source.name == "one neo-bank CEO"
    # a time or an auxiliary after the head is no part of who it is
    plain = {a.source.name for a in page(attributor, "Officials on Monday said the road would reopen.")}
    assert "Officials on Monday" not in plain
    text = "An official who asked not to be named said the talks had failed."
    assert "official" in {a.source.name for a in page(attributor, text)}  # why unnamed is not who


def test_a_definite_description_is_who_it_points_back_to():
    text = "Jefferies analyst Jon Matt said so. Wells Fargo analyst Zach Fadem agreed. The analyst said more."

    def at(name, kind, mention, role=None):
        start = text.index(mention)
        return Attribution(Source(name, kind, role, Span.of(text, start, start + len(mention))), SAID, WHAT)

    found = [
        at("Jon Matt", "person", "Jefferies analyst Jon Matt", "Jefferies analyst"),
        at("Zach Fadem", "person", "Wells Fargo analyst Zach Fadem", "Wells Fargo analyst"),
        at("analyst", "anonymous", "The analyst"),
    ]
    assert [a.source.name for a in one_name_each(found)][-1] == "Zach Fadem"  # the analyst named last before
    text = "The European Space Agency said that its researchers concluded it could work."
    found = [
        at("European Space Agency", "organization", "The European Space Agency"),
        at("its researchers", "anonymous", "its researchers"),
    ]
    assert {a.source.name for a in one_name_each(found)} == {"European Space Agency"}


def test_a_thing_and_second_mentions_of_one_unnamed_source(attributor):
    text = "A CT of his chest showed a pattern in both lungs. Court records show he slept. Court documents say he lied."
    found = page(attributor, text)
    assert "CT" not in {a.source.name for a in found}
    files = {a.source.name for a in found if a.source.kind == "document"}
    assert len(files) <= 1  # one case file, whatever the text calls it

    def said(name, kind, start):
        return Attribution(Source(name, kind, None, Span(start, start + len(name), name)), SAID, WHAT)

    merged = one_name_each([said("His doctor", "anonymous", 0), said("doctor", "anonymous", 50)])
    assert {a.source.name for a in merged} == {"His doctor"}
