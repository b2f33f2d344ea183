"""Link citations (attribution/links.py): a bare hyperlink in the body cites a source.

Small hand-written pages, read as a reader would: which links are sources, of what kind,
named how; which are furniture; and no citation twice.
"""

import pytest

from headwater.attribution.gazetteer import Gazetteer
from headwater.attribution.links import classify, named_in
from headwater.extract import extract
from headwater.tracing.graph import PRIMARY_REASONS

PAGE_URL = "https://www.dailyexample.com/2024/03/04/haze-over-the-city/"

PAGE = """<!doctype html><html><head><title>Haze over the city</title>
<meta property="og:site_name" content="The Daily Example"></head><body>
<nav><a href="/">Home</a> <a href="/section/world/">World</a> <a href="/tag/haze/">Haze</a></nav>
<article><h1>Haze over the city</h1>
<p class="byline">By <a href="/author/jane-roe/">Jane Roe</a></p>
<p>The haze <a href="https://www.nytimes.com/2024/03/03/world/asia/haze-schools.html">closed schools</a>
and <a href="https://www.theguardian.com/world/2024/mar/03/haze-flights-grounded">grounded flights</a> across
the region on Sunday, the worst week of air in a decade for the city of two million people.</p>
<p>Hospital admissions rose by a third, according to
<a href="https://www.who.int/publications/haze-report-2024.pdf">a report</a> published on Monday.
The smoke <a href="https://doi.org/10.1000/xyz123">can travel hundreds of miles</a> in days, and
<a href="https://www.epa.gov/system/files/documents/2024-01/monitors.xlsx">the agency's spreadsheet</a> lists
every monitor in the region.</p>
<p>The space agency <a href="https://twitter.com/NASA/status/1764000000000000001">posted satellite images</a>
of the plume stretching over three countries on Monday afternoon.</p>
<p>We covered the <a href="https://www.dailyexample.com/2023/09/12/last-years-fires-explained/">fires
that started it</a> last year, when the first blazes were reported in the hills.</p>
<p>The Tampa Bay Times reported that <a href="https://www.tampabay.com/news/2024/03/03/florida-sends-firefighters/">Florida
sent firefighters</a> to help the crews battling the fires.</p>
<p>The smoke is also <a href="https://www.nytimes.com/2024/03/03/world/asia/haze-schools.html">closing schools</a>
in the next province, where officials have not yet said when they will reopen.</p>
<p>RELATED: <a href="https://www.nytimes.com/2024/02/01/world/asia/smog-season-begins.html">Smog season
begins early</a></p>
<p><a href="https://www.dailyexample.com/2024/02/11/masks-sell-out-across-the-city/">Masks sell out across
the city</a></p>
<p>Striker <a href="https://www.sportsdesk.com/football/players/30452/jon-doe">Jon Doe</a> missed training
because of the smoke, and the <a href="https://apple.sjv.io/c/1/2/3?u=https%3A%2F%2Fwww.apple.com%2Fshop">best
purifiers</a> sold out.</p>
<blockquote class="twitter-tweet"><p>The sky is orange today</p>&mdash; Jo Bloggs (@jobloggs)
<a href="https://twitter.com/jobloggs/status/1764000000000000002?ref_src=twsrc%5Etfw">March 3, 2024</a></blockquote>
<p>Share this: <a href="https://twitter.com/intent/tweet?url=x">Twitter</a>
<a href="https://www.facebook.com/sharer/sharer.php?u=x">Facebook</a>
<a href="https://www.dailyexample.com/newsletters/">Sign up for our newsletter</a>
<a href="https://www.dailyexample.com/topic/climate/">More climate coverage</a>
<a href="https://www.amazon.com/dp/B0000000/">Buy an air purifier</a>
<a href="mailto:tips@dailyexample.com">Send us a tip</a></p>
</article></body></html>"""


@pytest.fixture(scope="module")
def found(attributor):
    page = extract(PAGE, PAGE_URL)
    return attributor.attribute_page(page, PAGE_URL)


def by_link(found, fragment):
    hits = [a for a in found if a.link and fragment in a.link]
    assert len(hits) == 1, [(a.source.name, a.link) for a in found]
    return hits[0]


def test_bare_links_to_other_outlets_stories_are_outlet_sources(found):
    times = by_link(found, "nytimes.com")
    assert (times.source.name, times.source.kind, times.form) == ("The New York Times", "outlet", "link")
    assert times.cue.text == "closed schools" and times.source.mention.text == "closed schools"
    assert "grounded flights" in times.content.text and not times.own_site
    guardian = by_link(found, "theguardian.com")
    assert (guardian.source.name, guardian.source.kind, guardian.form) == ("The Guardian", "outlet", "link")


def test_a_pdf_a_doi_and_a_gov_file_are_documents(found):
    study = by_link(found, "doi.org")
    assert (study.source.kind, study.form) == ("document", "link")
    assert study.source.name == "10.1000/xyz123 (doi.org)"  # the anchor is no title: the address says
    sheet = by_link(found, "epa.gov")
    assert (sheet.source.kind, sheet.form, sheet.source.name) == ("document", "link", "agency's spreadsheet (epa.gov)")
    # "according to a report" is a verbal attribution: the link stays on it, once
    report = by_link(found, "who.int")
    assert (report.source.kind, report.form) == ("document", "verb")


def test_a_tweet_is_a_social_source_named_after_its_account(found):
    tweet = by_link(found, "twitter.com/NASA")
    assert (tweet.source.name, tweet.source.kind, tweet.form) == ("@NASA", "social", "link")
    assert tweet.via is not None and tweet.via.name == "Twitter"


def test_a_link_to_the_sites_own_story_is_kept_as_own_site(found):
    own = by_link(found, "last-years-fires-explained")
    assert own.own_site and own.form == "link" and own.source.kind == "outlet"
    assert [a for a in found if a.own_site and a.form == "link"] == [own]  # no other link is the site's own


def test_furniture_share_shop_and_mail_links_give_nothing(found):
    linked = " ".join(a.link for a in found if a.link)
    for furniture in (
        "/section/",
        "/tag/",
        "/author/",
        "intent/tweet",
        "sharer",
        "/newsletters/",
        "/topic/",
        "amazon.com",
        "mailto:",
        "players/",
        "sjv.io",
    ):
        assert furniture not in linked


def test_a_headline_standing_alone_is_navigation(found):
    linked = " ".join(a.link for a in found if a.link)
    assert "smog-season-begins" not in linked and "masks-sell-out" not in linked


def test_an_embedded_posts_own_link_is_left_to_the_embed(found):
    assert not [a for a in found if a.form == "link" and a.link and "jobloggs" in a.link]


def test_a_link_in_a_reported_sentence_stays_on_the_verbal_attribution(found):
    tampa = [a for a in found if a.link and "tampabay.com" in a.link]
    assert len(tampa) == 1
    assert tampa[0].form == "verb" and tampa[0].source.name == "Tampa Bay Times"


def test_the_same_url_twice_is_one_citation(found):
    assert len([a for a in found if a.link and "haze-schools" in a.link]) == 1


def test_bare_text_has_no_link_citations(attributor):
    page = extract(PAGE, PAGE_URL)
    assert all(a.form == "verb" for a in attributor.attribute(page.text, page.links, page.quotes))


def test_a_link_citation_is_a_hop_from_the_page_and_a_primary_source(found):
    from headwater.tracing.graph import provenance

    graph = provenance({"name": "page", "kind": "page", "role": None, "url": PAGE_URL}, found)
    primaries = {p["name"]: p["reason"] for p in graph.primary_sources}
    assert primaries["The Guardian"] == "an outlet with no further attribution for this claim"
    assert primaries["@NASA"] == PRIMARY_REASONS["social"]  # its own reason, not the catch-all
    assert ["page", "Twitter", "@NASA"] == [
        hop["name"] for hop in next(c for c in graph.chains if c[-1]["name"] == "@NASA")
    ]


@pytest.mark.parametrize(
    "url,kind,name",
    [
        ("https://apnews.com/f2398dd73d3a444eb2257ba245d83af1", "outlet", "Associated Press"),
        (
            "https://www.smalltownpaper.com/news/local/council-votes-to-raise-water-rates",
            "outlet",
            "smalltownpaper.com",
        ),
        ("https://www.ncbi.nlm.nih.gov/pubmed/18344808", "document", None),
        ("https://arxiv.org/abs/2401.00001", "document", None),
        ("https://www.supremecourt.gov/opinions/23pdf/22-451_7m58.pdf", "document", None),
        ("https://www.documentcloud.org/documents/6429034-White-House-memo.html", "document", None),
        (
            "https://www.whitehouse.gov/briefing-room/statements-releases/2024/03/04/statement/",
            "organization",
            "White House",
        ),
        ("https://bsky.app/profile/someone.bsky.social/post/3kx2abc", "social", "@someone.bsky.social"),
        ("https://mastodon.social/@Gargron/109373925145622001", "social", "@Gargron@mastodon.social"),
        ("https://twitter.com/i/web/status/1764000000000000003", "social", None),
        ("https://www.tiktok.com/@scout2015/video/6718335390845095173", "social", "@scout2015"),
        ("https://www.reddit.com/r/chicago/comments/c5xjqs/lyft_uber_quality_decline/", "social", "r/chicago"),
    ],
)
def test_links_are_classified_by_the_shape_of_their_url(url, kind, name):
    found = classify(url, PAGE_URL, Gazetteer.default())
    assert found is not None and found.kind == kind
    if name:
        assert found.name == name or found.publisher == name


@pytest.mark.parametrize(
    "url",
    [
        "https://www.nytimes.com/",
        "https://www.nytimes.com/section/world",
        "https://www.bbc.co.uk/news",
        "https://twitter.com/NASA",
        "https://www.youtube.com/channel/UC123",
        "https://www.facebook.com/nasa",
        "https://en.wikipedia.org/wiki/Haze",
        "https://www.example.com/search?q=haze",
        "https://www.example.com/tag/haze/",
        "https://www.example.com/authors/jane-roe",
        "https://www.linkedin.com/shareArticle?url=x",
        "https://www.dailyexample.com/",
        "https://www.nytimes.com/2024/03/",
        "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fa.com",
    ],
)
def test_furniture_is_not_a_source(url):
    assert classify(url, PAGE_URL, Gazetteer.default()) is None


def test_a_name_in_the_sentence_that_spells_the_host_names_the_outlet():
    assert named_in("as the Tampa Bay Times first reported", "tampabay.com") == "Tampa Bay Times"
    assert named_in("NPR found", "npr.org") == "NPR"
    assert named_in("officials said on Tuesday", "tampabay.com") is None


def test_another_host_of_the_pages_own_outlet_is_its_own_site():
    found = classify(
        "https://apnews.com/f2398dd73d3a444eb2257ba245d83af1",
        "https://hosted.ap.org/paper/article/6486944b076b4df99a583a3a7c85574d/story",
        Gazetteer.default(),
    )
    assert found is not None and found.kind == "own"


def test_a_player_page_on_a_name_is_not_the_link_of_its_verbal_attribution(attributor):
    """ "Striker Jon Doe said ..." with Jon Doe linked to his profile: the profile is no source,
    so the verbal attribution carries no link and nothing follows it."""
    html = (
        "<html><body><article><p>Striker <a href='https://www.sportsdesk.com/football/players/30452/jon-doe'>Jon "
        "Doe</a> said the smoke made training impossible this week.</p></article></body></html>"
    )
    page = extract(html, PAGE_URL)
    found = attributor.attribute_page(page, PAGE_URL)
    assert found and all(a.link is None for a in found)


MEDIUM_URL = "https://www.dailyexample.com/2024/03/05/port-strike-talks/"
MEDIUM_PAGE = """<html><head><title>Port strike talks stall</title></head><body><article>
<h1>Port strike talks stall</h1>
<p>The union's lawyer, Maria Lopez, said in an email
<a href="https://apnews.com/7adc2ae1aefe45bea5d6cba15fc04443">to The Associated Press</a> that the talks had
stalled over pensions and would not resume this week.</p>
<p>Dock worker Sam Reyes said that he is <a href="https://www.post-gazette.com/business/2024/03/04/port-strike-pay/stories/202403040134">more
worried about his rent</a> than about the talks, which have now run for nine days.</p>
<p>The Tampa Bay Times reported that <a href="https://www.tampabay.com/news/2024/03/03/port-strike-spreads/">the
strike spread</a> to two more ports on Sunday.</p>
<p>Union leader Ann Kim said the members would vote on
<a href="https://www.documentcloud.org/documents/6543210-port-offer.html">the port's latest offer</a> by Friday.</p>
<p>Port officials said on Monday that <a href="https://www.example-port.gov/notices/2024/strike-notice.pdf">a
notice</a> had gone out to all shipping lines.</p>
</article></body></html>"""


@pytest.fixture(scope="module")
def medium_found(attributor):
    page = extract(MEDIUM_PAGE, MEDIUM_URL)
    return attributor.attribute_page(page, MEDIUM_URL)


def test_an_outlet_whose_story_a_speaker_is_quoted_from_is_a_source_too(medium_found):
    ap = [a for a in medium_found if a.source.name in ("Associated Press", "The Associated Press")]
    assert len(ap) == 1 and ap[0].form == "link" and "apnews.com" in ap[0].link
    gazette = [a for a in medium_found if a.form == "link" and a.link and "post-gazette.com" in a.link]
    assert len(gazette) == 1 and gazette[0].source.kind == "outlet"
    # the link stays on the speaker's own attribution as well
    speakers = {a.source.name for a in medium_found if a.form == "verb" and a.link}
    assert {"Maria Lopez", "Sam Reyes"} <= speakers


def test_a_document_linked_beside_a_persons_words_is_a_source_too(medium_found):
    offer = [a for a in medium_found if a.link and "documentcloud.org" in a.link]
    assert {(a.source.kind, a.form) for a in offer} == {("person", "verb"), ("document", "link")}


def test_a_linked_outlet_the_sentence_already_names_is_listed_once(medium_found):
    tampa = [a for a in medium_found if "Tampa" in a.source.name]
    assert len(tampa) == 1 and tampa[0].form == "verb"
    # a document is no outlet: it stays with whoever cites it, once
    assert len([a for a in medium_found if a.link and "strike-notice.pdf" in a.link]) == 1


def test_a_hyphenated_domain_is_spelt_by_its_name():
    assert named_in("via Brian Batko of the Post-Gazette", "post-gazette.com") == "Post-Gazette"


def test_a_graphics_link_on_the_parent_companys_host_is_the_pages_own():
    reuters = "https://www.reuters.com/article/us-global-markets/asian-shares-soft-idUSKBN1XT00W"
    graphic = "http://fingfx.thomsonreuters.com/gfx/rngs/GLOBAL-CURRENCIES-PERFORMANCE/0100301V041/index.html"
    assert classify(graphic, reuters, Gazetteer.default()).kind == "own"
    # a host no list knows is the page's own when its name spells the outlet's name or an alias
    gaz = Gazetteer.from_text("Harbour Post\tnewspaper\tGB\tharbourpost.co.uk\tHarbour Media Group\n")
    page = "https://harbourpost.co.uk/news/2024/03/04/port-strike/"
    assert classify("https://charts.harbourmediagroup.com/2024/port-volumes-by-month", page, gaz).kind == "own"
    assert classify("https://charts.harbourpolice.com/2024/port-volumes-by-month", page, gaz).kind == "outlet"


HEADLINES_URL = "https://www.dailyexample.com/news/science/1205992/plague-cases-confirmed"
HEADLINES_PAGE = """<html><head><title>Plague cases confirmed</title></head><body><article>
<h1>Plague cases confirmed</h1>
<p>Two people were treated for pneumonic plague in the capital this week, health officials said on Tuesday.</p>
<p>DON'T MISS <a href="https://www.dailyexample.com/news/world/1125953/plague-influenza-cdc-names-eight-diseases">Plague
warning: CDC names EIGHT deadly diseases</a> [WARNING] <a href="https://www.dailyexample.com/news/world/1125954/marmot-eaters-die">Hunters
say marmot meat killed two</a> [INSIGHT]</p>
<p>The hospital said both patients were in a stable condition and that their families had been checked.</p>
<p><a href="https://www.othertoys.com/2019/11/13/amazon-best-seller-espresso-machine-review/">Amazon Bestseller: Manual
Espresso Machine Review</a> [Video]</p>
</article></body></html>"""


def test_what_a_line_of_linked_headlines_says_is_no_source(attributor):
    page = extract(HEADLINES_PAGE, HEADLINES_URL)
    found = attributor.attribute_page(page, HEADLINES_URL)
    names = {a.source.name for a in found}
    assert "CDC" not in names and "Hunters" not in names and "Amazon Bestseller" not in names
    assert not [a for a in found if a.link]  # the headlines are navigation, not citations
    assert any("health officials" in name for name in names)  # the story's own sentences still count


def test_our_own_document_hosted_elsewhere_is_the_sites_own(attributor):
    url = "https://blog.example-charity.org/2018/10/09/a-grant-to-scale-promising-programs/"
    html = """<html><head><title>A grant to scale promising programs</title></head><body><article>
    <h1>A grant to scale promising programs</h1>
    <p>We incorporated our forecasts in our <a href="https://docs.google.com/spreadsheets/d/1MJA3Gb/edit#gid=39">cost-effectiveness
    estimate for the grant</a>, which could change substantially with additional research.</p>
    <p>The figures build on <a href="https://docs.google.com/spreadsheets/d/9XYZ123/edit">the ministry's cost spreadsheet</a>
    for the three provinces where the programme runs.</p></article></body></html>"""
    found = attributor.attribute_page(extract(html, url), url)
    ours = by_link(found, "1MJA3Gb")
    assert ours.own_site and ours.form == "link"
    theirs = by_link(found, "9XYZ123")
    assert theirs.source.kind == "document" and not theirs.own_site


def test_a_link_on_a_trailing_reporting_verb_goes_to_its_speaker(attributor):
    """ "[content], [speaker] [linked verb] [time].": the link is the speaker's (a verbal
    attribution), however the parser hung the speaker, and no link-only source is added."""
    html = (
        "<html><body><article><p>The suspect was arrested at his home in the Bronx, Maryland State Police "
        "<a href='https://mdsp.maryland.gov/Pages/News/2024/arrest-in-bronx.aspx'>said</a> Monday. "
        "He is due in court on Friday.</p></article></body></html>"
    )
    found = attributor.attribute_page(extract(html, PAGE_URL), PAGE_URL)
    linked = by_link(found, "mdsp.maryland.gov")
    assert (linked.form, linked.source.name) == ("verb", "Maryland State Police")
    assert not [a for a in found if a.form == "link"]
