"""extract(): article text, links and block quotes with offsets, metadata, and bad input.

The fixture pages (tests/fixtures/*.html) are our own renderings; what each one
should yield is derived from the fixture's own markup (its article paragraphs,
block quotes and body links) so that a fixture and its test cannot drift apart.
"""

import json
import random
import re

import lxml.html
import pytest

from headwater.errors import HeadwaterError, NoText
from headwater.extract import MIN_TEXT_CHARS, extract
from headwater.records import SOURCE_KINDS, Extracted
from tests.helpers import FIXTURES, SHARED

SEED_URL = "https://www.example-blog.com/2014/11/iranian-official-confirms-obama-letter"
WSJ = "https://www.wsj.com/articles/iran-supreme-leader-responds-to-obama-letter-1415577934"

# What each fixture page is, and where its article body sits in the markup.
PAGES = {
    "seed": dict(
        url=SEED_URL,
        body="//div[contains(@class, 'entry-content')]",
        title="Iranian Official Confirms that Obama Sent Letter to Ayatollah Khamenei",
        author="Evan Marsh",
        published="2014-11-09",
        site="Example Blog",
        canonical=SEED_URL,
        quotes=2,
    ),
    "verb_tenses": dict(
        url="https://www.baywater-courier.example/local/2024/03/harbor-expansion-delayed",
        body="//div[@class='story-body']",
        title="Harbor expansion pushed back a year as port seeks more reviews",
        author="Priya Raman",
        published="2024-03-13",
        site="Baywater Courier",
        canonical="https://www.baywater-courier.example/local/2024/03/harbor-expansion-delayed",
        quotes=0,
    ),
    "inverted_cues": dict(
        url="https://ridgepost.example.org/2023/07/18/valley-water-rationing-august/",
        body="//div[@class='post-body']",
        title="Valley water rationing to run through August",
        author="Owen Pryce",
        published="2023-07-18",
        site="The Ridge Post",
        canonical="https://ridgepost.example.org/2023/07/18/valley-water-rationing-august/",
        quotes=1,
    ),
    "medium": dict(
        url="https://meridianwire.example.net/world/grain-corridor-talks-resume",
        body="//article",
        title="Grain corridor talks to resume next week, ministry says",
        author="Leila Mansour",
        published="2022-09-05",
        site="Meridian Wire",
        canonical="https://meridianwire.example.net/world/grain-corridor-talks-resume",
        quotes=0,
    ),
    "coreference": dict(
        url="https://lakesidehealthnotes.example.com/2024/05/heat-stroke-admissions-doubled/",
        body="//div[@class='entry-content']",
        title="Heat stroke admissions doubled last summer, hospital study finds",
        author="Noor Bakri",
        published="2024-05-21",
        site="Lakeside Health Notes",
        canonical="https://lakesidehealthnotes.example.com/2024/05/heat-stroke-admissions-doubled/",
        quotes=0,
    ),
    "anonymous": dict(
        url="https://www.northernledger.example/business/2021/10/pipeline-contract-cancelled",
        body="//div[@class='article-body']",
        title="Pipeline contract set to be cancelled, official says",
        author="Erik Dahl",
        published="2021-10-07",
        site="Northern Ledger",
        canonical="https://www.northernledger.example/business/2021/10/pipeline-contract-cancelled",
        quotes=0,
    ),
    "misspelled": dict(
        url="https://secondlook.example.blog/2020/02/agency-dropped-drone-rules.html",
        body="//div[contains(@class, 'post-body')]",
        title="Agency quietly dropped its drone rules, report says",
        author="Sam Whitaker",
        published="2020-02-11",
        site="Second Look",
        canonical="https://secondlook.example.blog/2020/02/agency-dropped-drone-rules.html",
        quotes=0,
    ),
}

# Page furniture that must never reach the article text.
BOILERPLATE = (
    "//nav | //header[not(ancestor::article)] | //footer | //aside"
    " | //*[@id='comments' or @id='disqus_thread' or contains(@class, 'comments') or contains(@class, 'sidebar')]"
)

ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")


def collapse(value: str) -> str:
    """What extract() does inside a block: ASCII whitespace runs become one space, the rest is kept."""
    return ASCII_SPACE.sub(" ", value).strip()


def loose(value: str) -> str:
    """For comparing annotations with text: every kind of space alike, case ignored."""
    return re.sub(r"\s+", " ", value).strip().casefold()


def page(name: str):
    return lxml.html.fromstring((FIXTURES / f"{name}.html").read_bytes())


def extracted(name: str) -> Extracted:
    return extract((FIXTURES / f"{name}.html").read_bytes(), PAGES[name]["url"])


def article_blocks(name: str) -> list[str]:
    body = page(name).xpath(PAGES[name]["body"])[0]
    return [collapse(p.text_content()) for p in body.iter("p")]


@pytest.fixture(scope="module")
def seed() -> Extracted:
    return extracted("seed")


# -- every fixture ---------------------------------------------------------------------


def test_every_fixture_page_is_covered():
    html = {p.stem for p in FIXTURES.glob("*.html")}
    assert html == set(PAGES)
    expected = {p.name.removesuffix(".expected.json") for p in FIXTURES.glob("*.expected.json")}
    assert expected == html


@pytest.mark.parametrize("name", sorted(PAGES))
def test_text_is_headline_and_article_paragraphs(name):
    result = extracted(name)
    assert result.text == "\n\n".join([PAGES[name]["title"], *article_blocks(name)])


@pytest.mark.parametrize("name", sorted(PAGES))
def test_no_boilerplate_or_comments_in_text(name):
    text = extracted(name).text
    leaked = []
    for element in page(name).xpath(BOILERPLATE):
        for node in element.iter("p", "li", "a", "h2", "h3", "h4", "dd", "dt"):
            snippet = collapse(node.text_content())
            if len(snippet) >= 12 and snippet in text:
                leaked.append(snippet)
    assert leaked == []


@pytest.mark.parametrize("name", sorted(PAGES))
def test_links_point_at_their_anchor_text(name):
    result = extracted(name)
    body = page(name).xpath(PAGES[name]["body"])[0]
    expected = [(collapse(a.text_content()), a.get("href")) for a in body.iter("a")]
    assert [(link.text, link.href) for link in result.links] == expected
    for link in result.links:
        assert result.text[link.start : link.end] == link.text


@pytest.mark.parametrize("name", sorted(PAGES))
def test_quotes_cover_the_blockquote_paragraphs(name):
    result = extracted(name)
    body = page(name).xpath(PAGES[name]["body"])[0]
    expected = ["\n\n".join(collapse(p.text_content()) for p in bq.iter("p")) for bq in body.iter("blockquote")]
    assert len(expected) == PAGES[name]["quotes"]
    assert [q.text for q in result.quotes] == expected
    for quote in result.quotes:
        assert result.text[quote.start : quote.end] == quote.text


@pytest.mark.parametrize("name", sorted(PAGES))
def test_metadata(name):
    result = extracted(name)
    want = PAGES[name]
    assert (result.title, result.author, result.published, result.site, result.canonical_url) == (
        want["title"],
        want["author"],
        want["published"],
        want["site"],
        want["canonical"],
    )


@pytest.mark.parametrize("name", sorted(PAGES))
def test_expected_annotations_match_the_extracted_text(name):
    """The attribution oracle (NAME.expected.json) quotes the text it annotates: keep it honest."""
    expected = json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))
    result = extracted(name)
    text = loose(result.text)
    hrefs = {link.href for link in result.links}
    sources = {a["source"] for a in expected["attributions"]}
    assert expected["url"] == PAGES[name]["url"]
    for a in expected["attributions"]:
        assert a["kind"] in SOURCE_KINDS
        assert loose(a["sentence"]) in text, a["sentence"]
        assert loose(a["cue"]) in loose(a["sentence"]), a
        assert loose(a.get("mention") or a["source"]) in text, a
        for key in ("role", "via_mention"):
            if a.get(key):
                assert loose(a[key]) in text, a[key]
        if a["link"]:
            assert a["link"] in hrefs
        if a["relayed_by_source"]:
            assert a["relayed_by_source"] in sources
    assert set(expected["primary_sources"]) <= sources
    for outlet in expected["not_sources"]:
        assert loose(outlet) not in text
    for a in expected.get("not_attributions", []):
        assert loose(a["sentence"]) in text


# -- the founding example ------------------------------------------------------------------


def test_seed_keeps_nbsp_curly_quotes_and_typos(seed):
    assert "the\u00a0Wall St. Journal\u00a0reported" in seed.text
    assert "Ali Khamanei\u00a0urging" in seed.text
    assert "Reports the Journal\u2018s Jay Solomon:" in seed.text
    assert "Asharq al-Aswat" in seed.text
    assert "October 25, 2021" not in seed.text


def test_seed_wsj_link(seed):
    (link,) = seed.links
    assert link.href == WSJ
    assert link.text == "Wall St. Journal\u00a0reported"
    assert seed.text[link.start : link.end] == link.text
    sentence_start = seed.text.rindex("\n\n", 0, link.start) + 2
    assert seed.text[sentence_start : link.start] == "On Sunday evening the\u00a0"


def test_seed_quotes_are_the_two_passages(seed):
    first, second = seed.quotes
    assert first.text.startswith("Iranian officials confirmed")
    assert first.text.endswith("U.S. sanctions.")
    assert first.text.count("\n\n") == 1
    assert second.text.startswith("Ali Khoram, an adviser to Mr. Zarif,")
    assert second.text.endswith("Mr. Khoram said.")
    assert second.text.count("\n\n") == 2
    assert "Mitt Romney" not in first.text + second.text


def test_seed_leaves_out_reader_comments_and_sidebar(seed):
    for phrase in (
        "According to Reuters",
        "Reuters reported it yesterday",
        "letter was a fake",
        "Associated Press",
        "Most read",
        "top stories",
        "Leave a Reply",
    ):
        assert phrase not in seed.text


@pytest.mark.skipif(not (SHARED / "seed").exists(), reason="needs ../shared/seed (research data, not in the repo)")
def test_seed_text_is_the_founding_example_minus_the_scrape_date(seed):
    original = (SHARED / "seed" / "000_6c393cb820724d76.txt").read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in original.split("\n\n") if p.strip()]
    assert paragraphs[0] == "October 25, 2021"
    assert seed.text == "\n\n".join(paragraphs[1:])


def test_str_and_bytes_give_the_same_result(seed):
    as_str = extract((FIXTURES / "seed.html").read_text(encoding="utf-8"), SEED_URL)
    assert as_str == seed


def test_canonical_url_found_without_a_page_url():
    result = extract((FIXTURES / "seed.html").read_bytes())
    assert result.canonical_url == SEED_URL
    assert [link.href for link in result.links] == [WSJ]


# -- links, quotes, whitespace ------------------------------------------------------------------

ARTICLE = """<html><head><title>Probe</title></head><body>
<nav><a href="/">Home</a> <a href="/world/">World</a></nav>
<article><h1>Probe headline for the link test</h1>
<p>The mayor said so, according to <a href="story-2">a second story</a>, not to <a href="javascript:void(0)">a script</a>,
   <a href="mailto:desk@example.org">the desk</a>, <a href="#fn1">a footnote</a> or <a href="tel:+15550100">a phone</a>.</p>
<p>Line one<br>line two, with an <q>inline quotation</q> in it and <a href="/abs/path">an absolute path</a>.</p>
<blockquote>A bare quotation, with no paragraph inside it, long enough to be kept.</blockquote>
<p>A closing paragraph that makes the article long enough for the extractor to keep it.</p>
</article><footer>© Probe</footer></body></html>"""


def test_relative_links_resolved_against_the_page_and_non_web_links_dropped():
    result = extract(ARTICLE, "https://news.example.com/city/story-1?ref=home")
    assert [(link.text, link.href) for link in result.links] == [
        ("a second story", "https://news.example.com/city/story-2"),
        ("an absolute path", "https://news.example.com/abs/path"),
    ]
    for link in result.links:
        assert result.text[link.start : link.end] == link.text
    assert "not to a script, the desk, a footnote or a phone." in result.text


def test_line_breaks_and_inline_quotations_stay_inside_their_paragraph():
    text = extract(ARTICLE, "https://news.example.com/city/story-1").text
    assert "\n\nLine one line two, with an inline quotation in it and an absolute path.\n\n" in text


def test_blockquote_without_paragraphs_is_one_quote():
    result = extract(ARTICLE, "https://news.example.com/city/story-1")
    assert [q.text for q in result.quotes] == ["A bare quotation, with no paragraph inside it, long enough to be kept."]


def test_headline_not_repeated_when_trafilatura_keeps_the_h1():
    text = extract(ARTICLE, "https://news.example.com/city/story-1").text
    assert text.startswith("Probe headline for the link test\n\nThe mayor said so")
    assert text.count("Probe headline for the link test") == 1


def test_unicode_spaces_and_ascii_whitespace():
    html = (
        "<html><body><article><h1>Spaces</h1><p>Thin\u2009space, narrow\u202fno-break, "
        "no&#160;break &amp;   tabs\tand\nnewlines collapse, but the others stay.</p></article></body></html>"
    )
    text = extract(html).text
    assert "Thin\u2009space, narrow\u202fno-break, no\u00a0break & tabs and newlines collapse" in text


def test_whitespace_between_adjacent_links_and_inline_elements_separates_words():
    # Snopes: "other <a>social</a> <a>media</a> <a>users</a>" came out as "other socialmediausers".
    html = (
        "<html><body><article><h1>Net worth claims</h1>"
        "<p>While the tweet claimed a net worth of $17 million, other"
        ' <a href="https://x.example/1">social</a> <a href="https://x.example/2">media</a>'
        ' <a href="https://x.example/3">users</a> have offered differing estimates of her net worth.</p>'
        '<p>Posts by <span><a href="https://x.example/4">@first</a></span>\n  <span><a href="https://x.example/5">'
        '@second</a></span> repeated the figure, and the city of <a href="https://x.example/6">Wash</a><b>ington</b>'
        " did not comment on it.</p></article></body></html>"
    )
    extracted = extract(html, "https://news.example/fact-check/net-worth")
    assert "other social media users have offered differing estimates" in extracted.text
    assert "Posts by @first @second repeated the figure" in extracted.text
    assert "the city of Washington did not comment" in extracted.text  # no space where the page has none
    assert [link.text for link in extracted.links] == ["social", "media", "users", "@first", "@second", "Wash"]
    for link in extracted.links:
        assert extracted.text[link.start : link.end] == link.text


# -- bad input ---------------------------------------------------------------------------------


def no_text(html, url="https://bad.example/page") -> NoText:
    with pytest.raises(NoText) as caught:
        extract(html, url)
    assert caught.value.message.startswith("No article text could be extracted from https://bad.example/page")
    return caught.value


def test_no_text_is_a_user_error_with_a_stable_code():
    error = no_text("")
    assert isinstance(error, HeadwaterError)
    assert error.code == "no_text" and error.status == 422


@pytest.mark.parametrize("html", ["", b"", "   \n\t ", b"\n\n"])
def test_empty_input(html):
    assert "empty" in no_text(html).message


def test_png_bytes():
    png = b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(20_000)
    assert "PNG image" in no_text(png).message


def test_random_binary_bytes():
    assert "not HTML" in no_text(random.Random(2).randbytes(50_000)).message


def test_invalid_utf8_garbage():
    garbage = bytes(random.Random(3).choice(range(0x80, 0x100)) for _ in range(10_000))
    no_text(garbage)


def test_plain_text_is_not_html():
    assert "not HTML" in no_text("The minister said on Monday that talks would resume. " * 5).message


def test_utf8_page_with_a_stray_bad_byte_is_still_utf8():
    raw = (FIXTURES / "medium.html").read_bytes().replace(b"Istanbul", b"Istanbul\xff")
    text = extract(raw).text
    assert "Istanbul\ufffd next week" in text
    assert "had \u201cno objection in principle\u201d" in text


def test_legacy_charset_page():
    html = (
        "<html><body><article><h1>Caf\xe9</h1><p>Le caf\xe9 est ferm\xe9, a d\xe9clar\xe9 le ministre "
        "\u201cau journal\u201d local hier soir.</p></article></body></html>"
    )
    assert (
        "Le caf\xe9 est ferm\xe9, a d\xe9clar\xe9 le ministre \u201cau journal\u201d"
        in extract(html.encode("cp1252")).text
    )


def test_lone_surrogates_in_a_string():
    html = "<html><body><article><p>A broken \ud800 character in an otherwise ordinary paragraph.</p></article></body></html>"
    assert "A broken \ufffd character" in extract(html).text


@pytest.mark.parametrize(
    "html",
    [
        "<html><body><div><p>Unclosed paragraph about the council vote, which went ahead <b>despite <i>protests"
        "<p>Another paragraph that never closes and goes on about the vote and its aftermath</div></span></body",
        "<<<>>><html<body>>>&&&;;<p<p<p>>> text </table></tr><td>",
        "<html><body><p>" + "<span>" * 300 + "x" * 50,
        "<html><head><title>Only a title</title></head></html>",
        "<html><body><script>" + "var x = 1;" * 1000 + "</script></body></html>",
    ],
)
def test_broken_html_gives_text_or_no_text(html):
    try:
        result = extract(html, "https://bad.example/page")
    except NoText:
        return
    assert len(result.text) >= MIN_TEXT_CHARS


def test_broken_html_keeps_what_it_can():
    html = (
        "<html><body><div><p>Unclosed paragraph about the council vote, which went ahead <b>despite <i>protests"
        "<p>Another paragraph that never closes and goes on about the vote and its aftermath</div></span></body"
    )
    text = extract(html).text
    assert "Unclosed paragraph about the council vote" in text
    assert "Another paragraph that never closes" in text


def test_navigation_only_page():
    html = """<html><head><title>Example News</title></head><body>
    <header><nav><ul><li><a href="/">Home</a></li><li><a href="/world/">World</a></li>
    <li><a href="/politics/">Politics</a></li><li><a href="/business/">Business</a></li></ul></nav></header>
    <footer><a href="/privacy">Privacy</a> <a href="/terms">Terms</a> © Example News</footer></body></html>"""
    no_text(html)


def test_too_short_text():
    no_text("<html><body><article><p>Photo: Reuters.</p></article></body></html>")


def test_deeply_nested_divs():
    html = (
        "<html><body>"
        + "<div>" * 5000
        + "<p>Text at the bottom of five thousand nested divs, long enough to count.</p>"
        + "</div>" * 5000
        + "</body></html>"
    )
    assert "nested too deeply" in no_text(html).message


def test_ten_megabyte_attribute():
    html = (
        '<html><body><article><p data-blob="' + "a" * 10_000_000 + '">The council approved the budget on'
        " Tuesday after a long debate.</p><p>The mayor said the vote was a relief.</p></article></body></html>"
    )
    result = extract(html)
    assert "The council approved the budget on Tuesday after a long debate." in result.text
    assert "aaaa" not in result.text


def test_not_str_or_bytes_is_a_programming_error():
    with pytest.raises(TypeError):
        extract(None)


def test_unicode_spaces_in_the_title_and_characters_like_the_placeholders_survive():
    # Spaces are swapped for placeholders only when the page has some; a page that itself
    # uses the first placeholder characters keeps them and gets others.
    body = "Linear B \U00010000 and \U00010001 stay; a\u00a0no-break space stays too. " * 3
    html = (
        f"<html><head><title>Top\u00a0story</title></head><body><article><h1>Top\u00a0story</h1>"
        f"<p>{body}</p></article></body></html>"
    )
    extracted = extract(html, "https://example.com/news/story")
    assert extracted.title == "Top\u00a0story"
    assert "Linear B \U00010000 and \U00010001 stay; a\u00a0no-break space stays too." in extracted.text


def _chunk(paragraphs: str) -> str:
    return f'<div class="grid"><div class="body article__body">{paragraphs}</div><div class="aside"></div></div>'


def test_a_story_split_around_ad_slots_is_read_to_the_end():
    # Many CMSes cut the body into same-class chunks between ads; all of it is the story.
    first = _chunk(
        "<p>Neo-banks promise to fix money for a generation that has little of it, and they say so loudly.</p>"
        '<p>One start-up <a href="https://www.nytimes.com/2018/11/20/technology/neo-banks.html">raised millions</a>'
        " last year on that promise alone, to the surprise of its older rivals.</p>"
        + "<p>Their apps are slick, their fees are low and their customers are mostly young and broke.</p>"
        * 3
    )
    second = _chunk(
        '<p>The same pitch came from Uber, which <a href="https://www.forbes.com/sites/x/2019/11/04/'
        'ubers-fintech-strategy/">told Forbes</a> that its drivers want their pay sooner than a bank gives it.</p>'
        "<p>Later chunks of the story hold its links just as the first one does, and they are not ads.</p>"
    )
    ad = '<div class="row full-bleed-ad"><div class="ad">Advertisement</div></div>'
    html = f"<html><body><article><div class='chunks'>{first}{ad}{second}</div></article></body></html>"
    extracted = extract(html, "https://www.wired.example/story/banking/")
    assert "Later chunks of the story hold its links" in extracted.text
    assert "Advertisement" not in extracted.text
    assert [link.text for link in extracted.links] == ["raised millions", "told Forbes"]


def test_teaser_cards_sharing_the_body_class_are_not_joined_to_the_story():
    story = "<p>" + "The council voted on the harbour plan on Tuesday after a long and heated debate. " * 3 + "</p>"
    cards = "".join(
        f'<a href="/news/2019/11/story-{i}"><div class="post-body"><h3>Another headline number {i}</h3></div></a>'
        for i in range(3)
    )
    html = f'<html><body><div class="post-body">{story}</div><aside>{cards}</aside></body></html>'
    extracted = extract(html, "https://news.example/2019/11/harbour")
    assert "The council voted" in extracted.text
    assert "Another headline" not in extracted.text


def test_an_embedded_post_in_a_widget_wrapper_is_kept_in_its_place():
    # trafilatura drops "widget"/"embed" blocks whole; the post inside is one the story cites.
    para = "<p>{} The club confirmed the appointment on Wednesday after a long night of talks in London.</p>"
    tweet = (
        '<div class="article-widget article-tweet"><div class="tweet-inner">'
        '<blockquote class="twitter-tweet"><p lang="en">Thank you for everything, boss.</p>'
        "&mdash; Dele (@dele_official) "
        '<a href="https://twitter.com/dele_official/status/1196909601389785089?ref_src=twsrc%5Etfw">'
        "November 19, 2019</a></blockquote></div></div>"
    )
    ad = '<div class="ad-widget"><p>Advertisement: buy a season ticket today and save on the away kit.</p></div>'
    html = (
        "<html><body><article><div class='story-body'>"
        + para.format("First.")
        + tweet
        + para.format("Second.")
        + ad
        + para.format("Third.")
        + "</div></article></body></html>"
    )
    extracted = extract(html, "https://news.example/story/manager-appointed-11865382")
    text = extracted.text
    assert re.search(r"— Dele \(@dele_official\) ?November 19, 2019", text)  # the signature credits.py reads
    assert text.index("First.") < text.index("Thank you for everything") < text.index("Second.")
    assert "Advertisement" not in text  # the wrappers themselves still go
    assert any("dele_official/status" in link.href for link in extracted.links)


def test_a_hover_card_repeating_a_linked_name_is_left_out():
    # The CMS's hidden card after a linked name repeats it, with the person's latest stories.
    card = (
        '<span class="rollover-people"><a class="rollover-people-link" href="/people/jane-roe">Jane Roe</a>'
        '<span class="rollover-people-block"><span class="rollover-block"><a class="name" href="/people/jane-roe">'
        'Jane Roe</a><a href="/policy/471180-budget">Budget talks stall again</a> '
        '<a class="more" href="/people/jane-roe">MORE</a></span></span></span>'
    )
    glossary = '<a href="/glossary/quorum">quorum</a><span class="tooltip">the members needed for a vote</span>'
    html = (
        "<html><body><article><h1>Council vote</h1>"
        f"<p>Rep. {card} (D-N.Y.) said the council would vote again after the holiday recess ended next week.</p>"
        f"<p>The council lacked a {glossary} on Monday, so the measure on the harbor expansion was postponed.</p>"
        "</article></body></html>"
    )
    extracted = extract(html, "https://news.example/policy/council-vote")
    assert "Rep. Jane Roe (D-N.Y.) said the council would vote again" in extracted.text
    assert "MORE" not in extracted.text and "Budget talks stall" not in extracted.text
    assert [link.text for link in extracted.links].count("Jane Roe") == 1
    assert "quorum" in extracted.text  # a tooltip with other words than the link's is not a name card
