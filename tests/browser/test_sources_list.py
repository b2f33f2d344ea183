"""The popup's list of every source and its chains for a link-heavy page, in Chromium and
in Firefox (`any_browser`), against the stand-in backend answering with
tests/browser/link-heavy-trace.json: an explainer that cites 15 outlets, two studies and a
government report by hyperlinks alone, a few people and an organization in words, anonymous
officials, an embedded post, a photo credit, and links twice to its own site's earlier
reporting. extension/test/sources.test.mjs checks the logic on the same trace; these tests
check what a reader sees and does (the outlets' group expanded from the keyboard, the
"linked" tags, the chain's "linked" hop, the primary-sources line, the page's underlines)."""

from __future__ import annotations

import pytest

from .fake_backend import LINK_HEAVY, fixture_page_html

PATH = "/2026/11/why-chennai-floods"

# Every group of the list as a reader sees it: heading, count, the names shown, and per name its tags.
GROUPS = r"""
return H.all('#sources section.group').map((g) => ({
  heading: H.text(g.querySelector('h3')).replace(/\s*\d+$/, '').replace(/^\S+\s/, ''),
  count: H.text(g.querySelector('.count')),
  shown: H.all('li.source', null, g).filter(H.visible).map((li) => H.text(li.querySelector('.name'))),
  linked: H.all('li.source', null, g).filter(H.visible)
    .filter((li) => H.visible(li.querySelector('.tag-linked'))).map((li) => H.text(li.querySelector('.name'))),
  cited: Object.fromEntries(H.all('li.source', null, g).filter(H.visible)
    .map((li) => [H.text(li.querySelector('.name')), H.text(li.querySelector('.citations'))])),
  button: g.querySelector('button') && { text: H.text(g.querySelector('button')),
                                          expanded: g.querySelector('button').getAttribute('aria-expanded') },
}));
"""

FIRST_OUTLETS = ["The Hindu", "BBC News", "The Times of India", "Al Jazeera", "Deccan Herald"]
ALL_OUTLETS = FIRST_OUTLETS + [
    "Down To Earth",
    "Hindustan Times",
    "Mongabay India",
    "NDTV",
    "Scroll.in",
    "The Guardian",
    "The Indian Express",
    "The New York Times",
    "The News Minute",
    "ThePrint",
]
PRIMARY_LINE = (
    "Primary sources: Roxy Mathew Koll, S. Janakarajan, India Meteorological Department, "
    "Nature Climate Change study on extreme rainfall in Chennai, IIT Madras study of the Adyar basin, "
    "CAG report on flood preparedness in Tamil Nadu, The Hindu, The Times of India, "
    "14 other named sources and 2 unnamed sources"
)


@pytest.fixture
def explainer(web, fake_backend):
    """The explainer served on 127.0.0.1, and the stand-in backend answering with its trace."""
    fake_backend.fixture = LINK_HEAVY
    return web.add(PATH, fixture_page_html(LINK_HEAVY))


def groups(popup) -> dict[str, dict]:
    return {g["heading"]: g for g in popup.eval(GROUPS)}


def test_a_link_heavy_page_lists_its_linked_sources_by_kind(any_browser, fake_backend, explainer, artifacts):
    any_browser.set_settings(backendUrl=fake_backend.base)
    popup = any_browser.popup(explainer)
    popup.wait_text("#sources", "Outlets", timeout=15)

    # the count of outside sources, and the page's links to its own reporting apart
    assert popup.text("#sources .sources-summary") == (
        "25 sources, 29 citations, and 2 links to The Daily Explainer's own reporting (not counted)."
    )
    shown = groups(popup)
    assert [(name, g["count"]) for name, g in shown.items()] == [
        ("People", "2"),
        ("Organizations", "1"),
        ("Outlets", "15"),
        ("Wire services", "1"),
        ("Documents", "3"),
        ("Social media accounts", "1"),
        ("Anonymous sources", "2"),
    ]
    listed = [name for g in shown.values() for name in g["shown"]]
    assert "The Daily Explainer" not in listed and "X" not in listed

    # 15 outlets: the five most cited first, the rest behind a button
    outlets = shown["Outlets"]
    assert outlets["shown"] == FIRST_OUTLETS
    assert outlets["cited"]["The Hindu"] == "· cited 3×"
    assert outlets["linked"] == ["The Hindu", "The Times of India", "Al Jazeera", "Deccan Herald"], (
        "BBC News is also cited in words: no 'linked' tag"
    )
    assert outlets["button"] == {"text": "Show 10 more", "expanded": "false"}

    # expanded from the keyboard
    popup.focus("H.button('Show 10 more')")
    popup.press("Enter")
    popup.wait(
        "return H.button('Show fewer')?.getAttribute('aria-expanded') === 'true';", message="the outlets expanded"
    )
    outlets = groups(popup)["Outlets"]
    assert outlets["shown"] == ALL_OUTLETS
    assert len(outlets["linked"]) == 14 and "BBC News" not in outlets["linked"]
    popup.screenshot(artifacts / f"popup-link-heavy-sources-{any_browser.name}.png")
    popup.press("Enter")  # the button kept the focus: folded again
    popup.wait(
        "return H.button('Show 10 more')?.getAttribute('aria-expanded') === 'false';",
        message="the outlets folded again",
    )
    assert groups(popup)["Outlets"]["shown"] == FIRST_OUTLETS

    # short groups are shown whole; documents cited by links, people in words
    shown = groups(popup)
    assert shown["Documents"]["linked"] == shown["Documents"]["shown"] and len(shown["Documents"]["shown"]) == 3
    assert shown["Documents"]["button"] is None
    assert shown["People"]["linked"] == []
    assert popup.text("#sources .platform") == "on X"


def test_the_chain_shows_a_linked_hop_and_the_primary_line_counts_the_unnamed(any_browser, fake_backend, explainer):
    any_browser.set_settings(backendUrl=fake_backend.base)
    popup = any_browser.popup(explainer)
    popup.wait_text(".primary-summary", "Primary sources", timeout=15)

    assert popup.text(".primary-summary") == PRIMARY_LINE
    assert popup.eval("return H.all('.primary-summary strong').map(H.text).length;") == 8

    def chain_to(name):
        return popup.eval(
            """
            const ol = H.all('ol.chain').find((o) => H.text([...o.querySelectorAll('li.hop')].at(-1)
                .querySelector('.name')) === arg);
            return ol && [...ol.querySelectorAll('li.hop')].map((li) => [H.text(li.querySelector('.name')),
                H.text(li.querySelector('.hop-form'))]);""",
            name,
        )

    assert chain_to("The Hindu") == [["This page", None], ["The Hindu", "linked"]]
    assert chain_to("CAG report on flood preparedness in Tamil Nadu")[1] == [
        "CAG report on flood preparedness in Tamil Nadu",
        "linked",
    ]
    assert chain_to("India Meteorological Department")[1] == ["India Meteorological Department", None]
    assert chain_to("S. Janakarajan") == [["This page", None], ["BBC News", None], ["S. Janakarajan", None]]
    hindu = popup.eval(
        "const li = H.hop('The Hindu'); return { visible: H.visible(li.querySelector('.hop-form')),"
        " link: li.querySelector('a.open-link')?.getAttribute('href') };"
    )
    assert hindu == {
        "visible": True,
        "link": "https://www.thehindu.com/news/cities/chennai/chennai-floods-2015/article1.ece",
    }


def test_the_overlay_underlines_linked_citations_dashed(any_browser, fake_backend, explainer):
    any_browser.set_settings(backendUrl=fake_backend.base)
    site = any_browser.visit(explainer)
    popup = any_browser.popup(explainer)
    popup.wait_text("#sources", "Outlets", timeout=15)

    popup.set_checked("H.label('Underline sources on the page')", True)
    assert "Underlined 23 attributed sentences" in popup.wait_text("#overlay-status", "Underlined")

    def mark(words):
        return site.wait(
            "const m = H.one('mark.headwater-mark', arg); return H.visible(m) && "
            "{ title: m.getAttribute('title'), style: getComputedStyle(m).textDecorationStyle };",
            words,
            message=f"the sentence with {words!r} underlined",
        )

    assert mark("not seen in a century") == {"title": "Source: BBC News, linked", "style": "dashed"}
    assert (
        mark("reports in The Indian Express")["title"] == "Source: The Indian Express, linked; Hindustan Times, linked"
    )
    told = mark("told BBC News")
    assert told["style"] == "solid" and told["title"] == "Source: S. Janakarajan (hydrologist), via BBC News"
    assert site.eval("return H.all('mark.headwater-mark', 'storm drains work').length;") == 0, (
        "the page's links to its own reporting cite no outside source"
    )
