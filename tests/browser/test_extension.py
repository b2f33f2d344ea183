"""The extension in headless Chromium against the real backend (`headwater serve`
on a free loopback port, temporary database), tracing the seed article served
on 127.0.0.1. Each test asserts what the reader sees."""

from __future__ import annotations

import re

from browserkit import closed_port, playwright_expect, progress_seen

expect = playwright_expect()

SEED_CHAIN = ["This page", "The Wall Street Journal", "Asharq al-Awsat", "Ali Khoram"]
TRACE_TIMEOUT = 120_000   # the first trace loads the NLP model
CLAIM = "Mr. Khoram told the Arabic daily, Asharq al-Aswat, that Mr. Obama\u2019s outreach could aid the nuclear diplomacy"


def use(browser, backend, **settings):
    browser.set_settings(backendUrl=backend.base, token=backend.token, **settings)


def khoram_chain(page):
    return page.locator("ol.chain").filter(has=page.locator(".hop.primary .name", has_text="Ali Khoram"))


def test_popup_shows_the_chain_from_the_seed_page_to_ali_khoram(browser, backend, seed_site, artifacts):
    use(browser, backend)
    popup = browser.popup(seed_site, record_progress=True)

    chain = khoram_chain(popup)
    expect(chain).to_be_visible(timeout=TRACE_TIMEOUT)
    assert chain.locator(".hop .name").all_inner_texts() == SEED_CHAIN

    # progress was shown while the backend worked, and is gone now
    shown = [p["text"] for p in progress_seen(popup)]
    assert any("fetching the page" in t for t in shown), shown
    assert shown[-1] == "Drawing the chain…", shown
    expect(popup.locator("#progress")).to_be_hidden()

    # each hop: kind badge, the primary source marked, the unlinked citation flagged, a link to the cited page
    hops = chain.locator("li.hop")
    expect(hops.nth(1).locator(".badge")).to_have_text("outlet")
    expect(hops.nth(1).get_by_role("link", name="Open the cited page")).to_have_attribute(
        "href", re.compile(r"^https://www\.wsj\.com/"))
    expect(hops.nth(1).get_by_role("link", name="archived copy")).to_have_attribute(
        "href", re.compile(r"^https://web\.archive\.org/web/https://www\.wsj\.com/"))
    expect(hops.nth(2).locator(".flag-unlinked")).to_have_text("Cited without a link")
    khoram = hops.nth(3)
    expect(khoram.locator(".badge")).to_have_text("person")
    expect(khoram.locator(".primary-mark")).to_have_text("Primary source")
    expect(khoram.locator(".role")).to_contain_text("Javad Zarif")
    expect(popup.locator("li.hop.primary .name", has_text="Mitt Romney")).to_be_visible()

    # the evidence sentence, on demand
    evidence = khoram.locator("details.evidence")
    expect(evidence.locator("blockquote").first).to_be_hidden()
    evidence.locator("summary").click()
    expect(evidence).to_contain_text("Mr. Khoram told the Arabic daily")

    # every source, grouped by kind with counts; anonymous sources flagged
    outlets = popup.locator("#sources section.group", has=popup.locator("h3", has_text="Outlets"))
    expect(outlets.locator(".count")).to_have_text("2")
    assert sorted(outlets.locator("li .name").all_inner_texts()) == ["Asharq al-Awsat", "The Wall Street Journal"]
    expect(popup.locator("#sources .flag-anonymous").first).to_be_visible()

    popup.screenshot(path=str(artifacts / "popup-seed-chain.png"), full_page=True)


def test_a_traced_page_opens_from_the_store_and_can_be_traced_again(browser, backend, seed_site):
    use(browser, backend)
    first = browser.popup(seed_site)
    expect(khoram_chain(first)).to_be_visible(timeout=TRACE_TIMEOUT)
    first.close()

    again = browser.popup(seed_site, record_progress=True)
    expect(khoram_chain(again)).to_be_visible(timeout=10_000)
    expect(again.locator("#trace-meta")).to_contain_text("from Headwater's store")
    assert progress_seen(again) == [], "a stored trace shows at once, with no trace run"

    again.get_by_role("button", name="Trace again").click()
    expect(again.locator("#trace-meta")).not_to_contain_text("store", timeout=TRACE_TIMEOUT)
    expect(khoram_chain(again)).to_be_visible()
    assert progress_seen(again), "tracing again shows progress"


def test_popup_says_the_backend_is_not_running_and_how_to_start_it(browser, seed_site):
    port = closed_port()
    browser.set_settings(backendUrl=f"http://127.0.0.1:{port}")
    popup = browser.popup(seed_site)
    alert = popup.get_by_role("alert")
    expect(alert).to_contain_text("Headwater's backend is not running", timeout=10_000)
    expect(alert).to_contain_text(f"Nothing answered at http://127.0.0.1:{port}")
    expect(alert.locator("code.command")).to_have_text(f"make run PORT={port}")
    expect(alert).to_contain_text(f"headwater serve --port {port}")
    # on the default address, the plain commands
    commands = popup.evaluate("""async () => {
        const m = await import("./lib/client.js");
        return [m.startCommand("http://127.0.0.1:8765"), m.serveCommand("http://127.0.0.1:8765")];
    }""")
    assert commands == ["make run", "headwater serve"]


def test_options_are_saved_and_used(browser, backend, seed_site):
    options = browser.open("options.html")
    address = options.get_by_label("Backend address")
    expect(address).to_have_value("http://127.0.0.1:8765")
    expect(options.get_by_label("Send the page as my browser shows it")).not_to_be_checked()
    expect(options.get_by_label("Underline attributed sentences on the page after a trace")).not_to_be_checked()
    expect(options.locator("#send-html-hint")).to_contain_text("only its address")

    address.fill("http://example.org:8765")
    options.get_by_role("button", name="Save").click()
    expect(options.get_by_role("status")).to_have_text("Not saved: fix the backend address.")

    address.fill(backend.base)
    options.get_by_label("API token").fill(backend.token or "any-token")
    options.get_by_role("button", name="Save").click()
    expect(options.get_by_role("status")).to_have_text("Saved.")
    options.reload()
    expect(options.get_by_label("Backend address")).to_have_value(backend.base)
    expect(options.get_by_label("API token")).to_have_value(backend.token or "any-token")
    options.get_by_role("button", name="Test connection").click()
    expect(options.get_by_role("status")).to_contain_text("Connected to Headwater 0.1.0")

    popup = browser.popup(seed_site)   # the popup uses the saved address (and token)
    expect(khoram_chain(popup)).to_be_visible(timeout=TRACE_TIMEOUT)

    if backend.token:   # a wrong token is refused, and the popup says how to fix it
        options.get_by_label("API token").fill("wrong-token")
        options.get_by_role("button", name="Save").click()
        popup.get_by_role("button", name="Trace again").click()
        expect(popup.get_by_role("alert")).to_contain_text("The backend refused the API token")


def test_trace_this_claim_from_the_context_menu(browser, backend, seed_site):
    use(browser, backend)
    site = browser.context.new_page()
    site.goto(seed_site)
    tab = browser.tab_id(seed_site)
    with browser.context.expect_page() as opened:
        # what chrome.contextMenus.onClicked calls on "Trace this claim"
        browser.worker.evaluate(
            "([info, tab]) => headwater.onMenuClick(info, tab)",
            [{"menuItemId": "headwater-trace-claim", "selectionText": CLAIM, "pageUrl": seed_site},
             {"id": tab, "url": seed_site}],
        )
    popup = opened.value
    expect(popup.locator("#claim")).to_contain_text("Mr. Khoram told the Arabic daily")
    expect(khoram_chain(popup)).to_be_visible(timeout=TRACE_TIMEOUT)
    # the backend recorded the claim with the trace
    status, trace = backend.get(f"/api/traces/{popup.locator('body').get_attribute('data-trace-id')}")
    assert status == 200 and trace["claim"] == CLAIM


def test_overlay_underlines_the_attributed_sentences(browser, backend, seed_site):
    use(browser, backend)
    site = browser.context.new_page()
    site.goto(seed_site)
    popup = browser.popup(seed_site)
    expect(khoram_chain(popup)).to_be_visible(timeout=TRACE_TIMEOUT)

    marks = site.locator("mark.headwater-mark")
    toggle = popup.get_by_label("Underline sources on the page")
    expect(toggle).not_to_be_checked()   # off by default
    expect(marks).to_have_count(0)

    toggle.check()
    expect(popup.locator("#overlay-status")).to_contain_text("Underlined")
    khoram = site.locator("mark.headwater-mark", has_text="Mr. Khoram told the Arabic daily")
    expect(khoram.first).to_be_visible()
    expect(khoram.first).to_have_attribute("title", re.compile(r"Source: Ali Khoram.*via Asharq al-Awsat"))
    assert "underline" in khoram.first.evaluate("(e) => getComputedStyle(e).textDecorationLine")
    expect(site.locator("mark.headwater-mark", has_text="Wall St. Journal").first).to_have_attribute(
        "title", re.compile("The Wall Street Journal"))
    # not in the reader comments
    expect(site.locator("#comments mark.headwater-mark")).to_have_count(0)
    # the tooltip, from the keyboard
    khoram.first.focus()
    tip = khoram.first.evaluate("(e) => getComputedStyle(e, '::after').content")
    assert "Ali Khoram" in tip

    toggle.uncheck()
    expect(marks).to_have_count(0)
    assert "Asharq al-Aswat" in site.locator("body").inner_text(), "the page text is left as it was"

    # the overlay default from the options: on for the next popup
    browser.set_settings(overlayDefault=True)
    popup2 = browser.popup(seed_site)
    expect(popup2.get_by_label("Underline sources on the page")).to_be_checked(timeout=10_000)
    expect(khoram.first).to_be_visible()
