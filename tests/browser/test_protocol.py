"""The extension against a stand-in backend (fake_backend.py), in Chromium and in
Firefox (`any_browser`): the protocol paths the real backend does not take yet
(202 + progress events, polling), errors and tokens asserted exactly, and what the
extension sends."""

from __future__ import annotations

import re

import pytest

from .browserkit import progress_seen

CLAIM = (
    "Mr. Khoram told the Arabic daily, Asharq al-Aswat, that Mr. Obama\u2019s outreach could aid the nuclear diplomacy"
)
SEED_CHAIN = "return H.visible(H.all('ol.chain').find((ol) => H.text(ol).includes('Ali Khoram')));"


def wait_for_chain(page, timeout=10):
    page.wait(SEED_CHAIN, timeout=timeout, message="the chain to Ali Khoram")


def saved(options, expected="Saved."):
    options.click("H.button('Save')")
    options.wait(
        "return H.text(document.querySelector('[role=status]')) === arg;", expected, message=f"the status {expected!r}"
    )


def posted(fake_backend) -> list[dict]:
    return [body for method, _, _, body in fake_backend.requests if method == "POST"]


@pytest.mark.records_progress
def test_progress_events_from_the_backend_feed_the_bar(any_browser, fake_backend, seed_site):
    fake_backend.mode = "async"
    fake_backend.delay = 0.3
    any_browser.set_settings(backendUrl=fake_backend.base)
    popup = any_browser.popup(seed_site, record_progress=True)

    wait_for_chain(popup)
    popup.wait("return !H.visible(document.getElementById('progress'));", message="the progress bar hidden")

    shown = [p["text"] for p in progress_seen(popup)]
    backend_stages = [
        "Fetching the page",
        "Reading the article",
        "Finding who said what",
        "Following the cited sources",
    ]
    assert [t for t in shown if t in backend_stages] == backend_stages, shown
    assert shown[-1] == "Drawing the chain…", shown
    values = [p["value"] / p["max"] for p in progress_seen(popup)]
    assert values == sorted(values) and values[-1] > values[0], f"the bar fills up: {values}"


@pytest.mark.records_progress
def test_a_trace_without_an_event_stream_is_polled(any_browser, fake_backend, seed_site):
    fake_backend.mode = "poll"
    any_browser.set_settings(backendUrl=fake_backend.base)
    popup = any_browser.popup(seed_site, record_progress=True)
    wait_for_chain(popup, timeout=15)
    assert "Finding who said what" in [p["text"] for p in progress_seen(popup)]
    assert any(path.startswith("/api/traces/1") and method == "GET" for method, path, _, _ in fake_backend.requests)


def test_a_backend_error_shows_its_message(any_browser, fake_backend, seed_site):
    fake_backend.mode = "error"
    any_browser.set_settings(backendUrl=fake_backend.base)
    popup = any_browser.popup(seed_site)
    alert = popup.wait_text("[role=alert]", "The backend could not trace this page")
    assert "The page answered 503 Service Unavailable." in alert
    assert "fetch_failed" in alert
    assert popup.eval("return !H.visible(document.getElementById('result'));")


def test_the_token_from_the_options_is_sent_and_a_wrong_one_is_explained(any_browser, fake_backend, seed_site):
    fake_backend.token = "s3cret-token"
    options = any_browser.open("options.html")
    options.wait("return H.label('Backend address').value !== '';", message="the options loaded")
    options.fill("H.label('Backend address')", fake_backend.base)
    options.fill("H.label('API token')", "not-the-token")
    saved(options)

    popup = any_browser.popup(seed_site)
    popup.wait_text("[role=alert]", "The backend refused the API token")
    assert popup.text("[role=alert] code.command") == "headwater token"

    options.fill("H.label('API token')", "s3cret-token")
    saved(options)
    options.click("H.button('Test connection')")
    options.wait_text("[role=status]", "the token is accepted")

    popup.click("H.button('Try again')")
    wait_for_chain(popup)
    posts = [headers for method, path, headers, _ in fake_backend.requests if method == "POST"]
    assert posts and posts[-1].get("Authorization") == "Bearer s3cret-token"


def test_the_page_html_is_sent_only_when_the_reader_allows_it(any_browser, fake_backend, seed_site):
    any_browser.set_settings(backendUrl=fake_backend.base)
    any_browser.visit(seed_site)

    popup = any_browser.popup(seed_site)
    wait_for_chain(popup)
    assert posted(fake_backend)[-1] == {"url": seed_site, "follow": True, "background": True}, (
        "by default only the address leaves the browser (and the wish to follow its sources)"
    )

    options = any_browser.open("options.html")
    options.wait("return H.label('Backend address').value !== '';", message="the options loaded")
    options.set_checked("H.label('Send the page as my browser shows it')", True)
    saved(options)
    popup.click("H.button('Trace again')")
    popup.wait(
        "return !H.text(document.getElementById('trace-meta')).includes('store');",
        message="a new trace, not the stored one",
    )
    wait_for_chain(popup)
    body = posted(fake_backend)[-1]
    assert body["url"] == seed_site
    assert "Asharq al-Aswat" in body["html"] and body["html"].lstrip().lower().startswith("<html")


def test_trace_this_claim_sends_url_and_claim_through_the_worker(any_browser, fake_backend, seed_site):
    any_browser.set_settings(backendUrl=fake_backend.base)
    any_browser.visit(seed_site)
    tab = any_browser.tab_id(seed_site)
    # The menu entry exists (update() rejects an unknown id).
    any_browser.menu_entry_exists("headwater-trace-claim")
    popup = any_browser.menu_click(
        {"menuItemId": "headwater-trace-claim", "selectionText": CLAIM, "pageUrl": seed_site},
        {"id": tab, "url": seed_site},
    )
    popup.wait_text("#claim", "Mr. Khoram told the Arabic daily")
    wait_for_chain(popup)
    assert posted(fake_backend)[-1] == {"url": seed_site, "claim": CLAIM, "follow": True, "background": True}


def test_following_off_sends_a_one_page_trace(any_browser, fake_backend, seed_site):
    any_browser.set_settings(backendUrl=fake_backend.base, followSources=False)
    popup = any_browser.popup(seed_site)
    wait_for_chain(popup)
    assert posted(fake_backend)[-1] == {"url": seed_site}


def test_evidence_opens_from_the_keyboard(any_browser, fake_backend, seed_site):
    any_browser.set_settings(backendUrl=fake_backend.base)
    popup = any_browser.popup(seed_site)
    wait_for_chain(popup)
    focused = []
    for _ in range(12):
        popup.press("Tab")
        focused.append(popup.eval("return document.activeElement.textContent.trim() || document.activeElement.id;"))
    assert "Options" in focused and "Trace again" in focused and "overlay-toggle" in focused, focused
    assert "Evidence" in focused, focused

    wsj = "H.one('li.hop', 'The Wall Street Journal').querySelector('details.evidence')"
    assert popup.eval(f"return !H.visible(({wsj}).querySelector('blockquote'));")
    popup.focus(f"({wsj}).querySelector('summary')")
    popup.press("Enter")
    shown = popup.wait(
        f"const b = ({wsj}).querySelector('blockquote'); return H.visible(b) && H.text(b);",
        message="the evidence opened",
    )
    assert "Journal reported that an Iranian official confirmed" in shown
    assert popup.eval(f"return H.text(({wsj}).querySelector('strong.ev-cue'));") == "reported"


def test_popup_is_readable_in_dark_mode(any_browser, fake_backend, seed_site, artifacts):
    any_browser.set_settings(backendUrl=fake_backend.base)
    any_browser.prefer_dark()
    popup = any_browser.popup(seed_site)
    wait_for_chain(popup)
    background = popup.eval("return getComputedStyle(document.body).backgroundColor;")
    colour = popup.eval("return getComputedStyle(document.body).color;")
    dark = [int(x) for x in re.findall(r"\d+", background)[:3]]
    light = [int(x) for x in re.findall(r"\d+", colour)[:3]]
    assert sum(dark) < 150 and sum(light) > 600, (background, colour)
    popup.screenshot(artifacts / f"popup-seed-chain-dark-{any_browser.name}.png")


def test_popup_on_a_page_that_is_not_a_web_page(any_browser, fake_backend):
    any_browser.set_settings(backendUrl=fake_backend.base)
    popup = any_browser.open("popup.html")  # the active tab is the extension page itself
    popup.wait_text("[role=alert]", "Nothing to trace here")
    assert not [r for r in fake_backend.requests if r[0] == "POST"]
