"""The extension against a stand-in backend (fake_backend.py): the protocol paths
the real backend does not take yet (202 + progress events, polling), errors and
tokens asserted exactly, and what the extension sends."""

from __future__ import annotations

import re

from browserkit import playwright_expect, progress_seen

expect = playwright_expect()

CLAIM = "Mr. Khoram told the Arabic daily, Asharq al-Aswat, that Mr. Obama\u2019s outreach could aid the nuclear diplomacy"


def seed_chain(page):
    return page.locator("ol.chain").filter(has_text="Ali Khoram")


def test_progress_events_from_the_backend_feed_the_bar(browser, fake_backend, seed_site):
    fake_backend.mode = "async"
    fake_backend.delay = 0.3
    browser.set_settings(backendUrl=fake_backend.base)
    popup = browser.popup(seed_site, record_progress=True)

    expect(seed_chain(popup)).to_be_visible(timeout=10000)
    expect(popup.locator("#progress")).to_be_hidden()

    shown = [p["text"] for p in progress_seen(popup)]
    backend_stages = ["Fetching the page", "Reading the article", "Finding who said what",
                      "Following the cited sources"]
    assert [t for t in shown if t in backend_stages] == backend_stages, shown
    assert shown[-1] == "Drawing the chain…", shown
    values = [p["value"] / p["max"] for p in progress_seen(popup)]
    assert values == sorted(values) and values[-1] > values[0], f"the bar fills up: {values}"


def test_a_trace_without_an_event_stream_is_polled(browser, fake_backend, seed_site):
    fake_backend.mode = "poll"
    browser.set_settings(backendUrl=fake_backend.base)
    popup = browser.popup(seed_site, record_progress=True)
    expect(seed_chain(popup)).to_be_visible(timeout=15000)
    assert "Finding who said what" in [p["text"] for p in progress_seen(popup)]
    assert any(path.startswith("/api/traces/1") and method == "GET"
               for method, path, _, _ in fake_backend.requests)


def test_a_backend_error_shows_its_message(browser, fake_backend, seed_site):
    fake_backend.mode = "error"
    browser.set_settings(backendUrl=fake_backend.base)
    popup = browser.popup(seed_site)
    alert = popup.get_by_role("alert")
    expect(alert).to_contain_text("The backend could not trace this page", timeout=10000)
    expect(alert).to_contain_text("The page answered 503 Service Unavailable.")
    expect(alert).to_contain_text("fetch_failed")
    expect(popup.locator("#result")).to_be_hidden()


def test_the_token_from_the_options_is_sent_and_a_wrong_one_is_explained(browser, fake_backend, seed_site):
    fake_backend.token = "s3cret-token"
    options = browser.open("options.html")
    options.get_by_label("Backend address").fill(fake_backend.base)
    options.get_by_label("API token").fill("not-the-token")
    options.get_by_role("button", name="Save").click()
    expect(options.get_by_role("status")).to_have_text("Saved.")

    popup = browser.popup(seed_site)
    alert = popup.get_by_role("alert")
    expect(alert).to_contain_text("The backend refused the API token", timeout=10000)
    expect(alert.locator("code.command")).to_have_text("headwater token")

    options.get_by_label("API token").fill("s3cret-token")
    options.get_by_role("button", name="Save").click()
    expect(options.get_by_role("status")).to_have_text("Saved.")
    options.get_by_role("button", name="Test connection").click()
    expect(options.get_by_role("status")).to_contain_text("the token is accepted")

    popup.get_by_role("button", name="Try again").click()
    expect(seed_chain(popup)).to_be_visible(timeout=10000)
    posts = [headers for method, path, headers, _ in fake_backend.requests if method == "POST"]
    assert posts and posts[-1].get("Authorization") == "Bearer s3cret-token"


def test_the_page_html_is_sent_only_when_the_reader_allows_it(browser, fake_backend, seed_site):
    browser.set_settings(backendUrl=fake_backend.base)
    site = browser.context.new_page()
    site.goto(seed_site)

    popup = browser.popup(seed_site)
    expect(seed_chain(popup)).to_be_visible(timeout=10000)
    body = [b for m, _, _, b in fake_backend.requests if m == "POST"][-1]
    assert body == {"url": seed_site, "follow": True, "background": True}, \
        "by default only the address leaves the browser (and the wish to follow its sources)"

    options = browser.open("options.html")
    options.get_by_label("Send the page as my browser shows it").check()
    options.get_by_role("button", name="Save").click()
    expect(options.get_by_role("status")).to_have_text("Saved.")
    popup.get_by_role("button", name="Trace again").click()
    expect(popup.locator("#trace-meta")).not_to_contain_text("store", timeout=10000)
    expect(seed_chain(popup)).to_be_visible()
    body = [b for m, _, _, b in fake_backend.requests if m == "POST"][-1]
    assert body["url"] == seed_site
    assert "Asharq al-Aswat" in body["html"] and body["html"].lstrip().lower().startswith("<html")


def test_trace_this_claim_sends_url_and_claim_through_the_worker(browser, fake_backend, seed_site):
    browser.set_settings(backendUrl=fake_backend.base)
    site = browser.context.new_page()
    site.goto(seed_site)
    tab = browser.tab_id(seed_site)
    # The menu entry exists (update() rejects an unknown id).
    browser.worker.evaluate("() => chrome.contextMenus.update('headwater-trace-claim', {})")
    with browser.context.expect_page() as opened:
        browser.worker.evaluate(
            "([info, tab]) => headwater.onMenuClick(info, tab)",
            [{"menuItemId": "headwater-trace-claim", "selectionText": CLAIM, "pageUrl": seed_site},
             {"id": tab, "url": seed_site}],
        )
    popup = opened.value
    expect(popup.locator("#claim")).to_contain_text("Mr. Khoram told the Arabic daily")
    expect(seed_chain(popup)).to_be_visible(timeout=10000)
    body = [b for m, _, _, b in fake_backend.requests if m == "POST"][-1]
    assert body == {"url": seed_site, "claim": CLAIM, "follow": True, "background": True}


def test_following_off_sends_a_one_page_trace(browser, fake_backend, seed_site):
    browser.set_settings(backendUrl=fake_backend.base, followSources=False)
    popup = browser.popup(seed_site)
    expect(seed_chain(popup)).to_be_visible(timeout=10000)
    body = [b for m, _, _, b in fake_backend.requests if m == "POST"][-1]
    assert body == {"url": seed_site}


def test_evidence_opens_from_the_keyboard(browser, fake_backend, seed_site):
    browser.set_settings(backendUrl=fake_backend.base)
    popup = browser.popup(seed_site)
    expect(seed_chain(popup)).to_be_visible(timeout=10000)
    focused = []
    for _ in range(12):
        popup.keyboard.press("Tab")
        focused.append(popup.evaluate("() => document.activeElement.textContent.trim() || document.activeElement.id"))
    assert "Options" in focused and "Trace again" in focused and "overlay-toggle" in focused, focused
    assert "Evidence" in focused, focused

    wsj = popup.locator("li.hop", has_text="The Wall Street Journal").first
    evidence = wsj.locator("details.evidence")
    expect(evidence.locator("blockquote")).to_be_hidden()
    evidence.locator("summary").focus()
    popup.keyboard.press("Enter")
    expect(evidence.locator("blockquote")).to_contain_text("Journal reported that an Iranian official confirmed")
    expect(evidence.locator("strong.ev-cue")).to_have_text("reported")


def test_popup_is_readable_in_dark_mode(browser, fake_backend, seed_site, artifacts):
    browser.set_settings(backendUrl=fake_backend.base)
    popup = browser.context.new_page()
    popup.emulate_media(color_scheme="dark")
    popup.goto(browser.url(f"popup.html?url={seed_site}"))
    expect(seed_chain(popup)).to_be_visible(timeout=10000)
    background = popup.evaluate("() => getComputedStyle(document.body).backgroundColor")
    colour = popup.evaluate("() => getComputedStyle(document.body).color")
    dark = [int(x) for x in re.findall(r"\d+", background)[:3]]
    light = [int(x) for x in re.findall(r"\d+", colour)[:3]]
    assert sum(dark) < 150 and sum(light) > 600, (background, colour)
    popup.screenshot(path=str(artifacts / "popup-seed-chain-dark.png"), full_page=True)


def test_popup_on_a_page_that_is_not_a_web_page(browser, fake_backend):
    browser.set_settings(backendUrl=fake_backend.base)
    popup = browser.open("popup.html")   # the active tab is the extension page itself
    expect(popup.get_by_role("alert")).to_contain_text("Nothing to trace here")
    assert not [r for r in fake_backend.requests if r[0] == "POST"]
