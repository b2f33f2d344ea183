"""The extension in headless Chromium against the real backend (`headwater serve`
on a free loopback port, temporary database). By default the extension follows
the cited sources upstream, so most tests trace the seed article on the local
multi-hop fixture web (tests/followweb.py); one traces tests/fixtures/seed.html
with following off. Each test asserts what the reader sees."""

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


def test_popup_follows_the_seed_upstream_to_ali_khoram_with_the_backends_progress(
        browser, backend, fweb, followed_seed, artifacts):
    use(browser, backend)
    popup = browser.popup(followed_seed, record_progress=True)

    chain = khoram_chain(popup)
    expect(chain).to_be_visible(timeout=TRACE_TIMEOUT)
    assert chain.locator(".hop .name").all_inner_texts() == SEED_CHAIN
    expect(popup.locator(".primary-summary")).to_contain_text("Ali Khoram")

    # The bar was fed by the backend's progress events: their messages name the pages it read.
    seen = progress_seen(popup)
    from_backend = [p["text"] for p in seen if p["from"] == "backend"]
    assert from_backend, seen
    assert any("/wsj/articles/" in t or "/aawsat/" in t or "Read “" in t or t.startswith("Followed ")
               for t in from_backend), from_backend
    assert seen[0]["from"] == "client", "the client's own stages until the first event"
    first_backend = next(i for i, p in enumerate(seen) if p["from"] == "backend")
    assert all(p["from"] == "backend" for p in seen[first_backend:-1]), seen
    assert seen[-1]["text"] == "Drawing the chain…", seen
    values = [p["value"] for p in seen]
    assert values == sorted(values) and values[-1] == 100, f"the bar only fills up: {values}"
    expect(popup.locator("#progress")).to_be_hidden()

    # The trace followed three documents, and the popup says so.
    status, trace = backend.get(f"/api/traces/{popup.locator('body').get_attribute('data-trace-id')}")
    assert status == 200 and trace["follow"]["state"] == "done"
    assert [d["url"] for d in trace["follow"]["documents"]] == [followed_seed, fweb.wsj, fweb.asharq]
    expect(popup.locator(".follow-note").first).to_contain_text("2 cited pages read")

    # each hop: kind badge, the page it was read from, the matched passage, the primary source marked
    hops = chain.locator("li.hop")
    journal, asharq, khoram = hops.nth(1), hops.nth(2), hops.nth(3)
    expect(journal.locator(".badge")).to_have_text("outlet")
    expect(journal.get_by_role("link", name="Open the cited page")).to_have_attribute("href", fweb.wsj)
    expect(journal.locator(".doc")).to_contain_text("Iran’s Supreme Leader Responds to Obama Letter")
    expect(journal.locator(".match")).to_have_text("Passage quoted word for word")
    expect(asharq.get_by_role("link", name="Open the cited page")).to_have_attribute("href", fweb.asharq)
    expect(asharq.locator(".flag-unlinked")).to_have_count(0)   # the Journal's page links it
    expect(khoram.locator(".badge")).to_have_text("person")
    expect(khoram.locator(".primary-mark")).to_have_text("Primary source")
    expect(khoram.locator(".reason")).to_have_text("a person speaking first-hand")
    expect(khoram.locator(".role")).to_contain_text("Javad Zarif")
    expect(popup.locator("li.hop.primary .name", has_text="Mitt Romney")).to_be_visible()

    # the evidence, on demand: where Khoram speaks first-hand (the third document)
    evidence = khoram.locator("details.evidence")
    expect(evidence.locator("blockquote").first).to_be_hidden()
    evidence.locator("summary").click()
    said = next(chain for chain in trace["follow"]["chains"] if chain[-1]["name"] == "Ali Khoram")[-1]["evidence"]
    assert said["document"] == 2, "Khoram speaks first-hand in the interview"
    expect(evidence).to_contain_text("Cited in Asharq al-Awsat")
    expect(evidence.locator("blockquote").first).to_contain_text(said["content"][:40])
    journal.locator("details.evidence summary").click()
    expect(journal.locator("blockquote.matched")).to_contain_text("Mr. Obama reached out directly")

    # every source, grouped by kind with counts; anonymous sources flagged
    outlets = popup.locator("#sources section.group", has=popup.locator("h3", has_text="Outlets"))
    expect(outlets.locator(".count")).to_have_text("2")
    assert sorted(outlets.locator("li .name").all_inner_texts()) == ["Asharq al-Awsat", "The Wall Street Journal"]
    expect(popup.locator("#sources .flag-anonymous").first).to_be_visible()

    popup.screenshot(path=str(artifacts / "popup-seed-chain.png"), full_page=True)


def test_with_following_off_the_popup_shows_the_page_alone(browser, backend, seed_site):
    use(browser, backend, followSources=False)
    popup = browser.popup(seed_site, record_progress=True)

    chain = khoram_chain(popup)
    expect(chain).to_be_visible(timeout=TRACE_TIMEOUT)
    assert chain.locator(".hop .name").all_inner_texts() == SEED_CHAIN
    status, trace = backend.get(f"/api/traces/{popup.locator('body').get_attribute('data-trace-id')}")
    assert status == 200 and "follow" not in trace, "one page only: nothing followed"

    # progress from the client's own stages (a one-page trace is answered at once)
    shown = [p["text"] for p in progress_seen(popup)]
    assert any("fetching the page" in t for t in shown), shown
    assert shown[-1] == "Drawing the chain…", shown
    expect(popup.locator("#progress")).to_be_hidden()
    expect(popup.locator(".follow-note")).to_have_count(0)

    hops = chain.locator("li.hop")
    expect(hops.nth(1).get_by_role("link", name="Open the cited page")).to_have_attribute(
        "href", re.compile(r"^https://www\.wsj\.com/"))
    expect(hops.nth(1).get_by_role("link", name="archived copy")).to_have_attribute(
        "href", re.compile(r"^https://web\.archive\.org/web/https://www\.wsj\.com/"))
    expect(hops.nth(2).locator(".flag-unlinked")).to_have_text("Cited without a link")
    khoram = hops.nth(3)
    expect(khoram.locator(".primary-mark")).to_have_text("Primary source")
    evidence = khoram.locator("details.evidence")
    evidence.locator("summary").click()
    expect(evidence).to_contain_text("Mr. Khoram told the Arabic daily")


def test_a_followed_trace_shows_archived_circular_late_and_uncertain_hops(browser, backend, fweb, artifacts):
    use(browser, backend)
    popup = browser.popup(fweb.roundup)
    chains = popup.locator("ol.chain")
    expect(popup.locator(".follow-note").first).to_contain_text("cited pages read", timeout=TRACE_TIMEOUT)

    def hop(name):
        return popup.locator("li.hop", has=popup.locator(".name", has_text=re.compile(f"^{name}$"))).first

    # a dead page read from the Wayback Machine: the archived badge, the snapshot's date, its link
    guardian = hop("The Guardian")
    expect(guardian.locator(".badge-archived")).to_have_attribute("title", re.compile("2014-11-04"))
    expect(guardian.locator(".doc")).to_contain_text("read from the Wayback Machine's copy of 2014-11-04")
    expect(guardian.get_by_role("link", name=re.compile(r"archived copy \(2014-11-04\)"))).to_have_attribute(
        "href", fweb.snapshot)

    # circular sourcing: the chain that comes back, and the cycle spelled out
    circular = chains.filter(has=popup.locator(".flag-circular"))
    expect(circular).to_have_count(1)
    expect(circular.locator(".flag-circular")).to_have_text("Circular sourcing")
    expect(popup.locator(".follow-note.warn")).to_have_text(
        "Circular sourcing: Al Jazeera, which cites The Independent, which cites Al Jazeera.")
    # a source dated after the page citing it
    expect(hop("The Independent").locator(".flag-after")).to_have_attribute(
        "title", re.compile("dated 2014-11-07, after the page citing it"))
    # an outlet named without a link, found in the news index: a guess, shown as one
    reuters = hop("Reuters")
    expect(reuters.locator(".flag-uncertain")).to_contain_text(re.compile(r"Uncertain match: \d+% sure"))
    expect(reuters.locator(".flag-uncertain")).to_have_attribute("title", re.compile("domain:reuters.com"))
    expect(reuters.locator(".doc")).to_contain_text("found in a news index")
    expect(reuters.locator(".flag-detail")).to_contain_text("A guess, not a certainty")
    # pages that could not be read, and why
    expect(hop("BBC").locator(".flag-unread")).to_have_text("Could not be read")
    expect(hop("BBC").locator(".flag-unread")).to_have_attribute("title", re.compile("redirects in a loop"))
    expect(hop("Der Spiegel").locator(".flag-unread")).to_have_text("Not allowed to read")
    # verbatim copying, two pages deep
    expect(hop("The Hindu").locator(".match")).to_have_text("Passage quoted word for word")

    popup.screenshot(path=str(artifacts / "popup-followed-roundup.png"), full_page=True)


def test_a_traced_page_opens_from_the_store_and_can_be_traced_again(browser, backend, followed_seed):
    seed_site = followed_seed
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


def test_options_are_saved_and_used(browser, backend, followed_seed):
    seed_site = followed_seed
    options = browser.open("options.html")
    address = options.get_by_label("Backend address")
    expect(address).to_have_value("http://127.0.0.1:8765")
    expect(options.get_by_label("Send the page as my browser shows it")).not_to_be_checked()
    expect(options.get_by_label("Underline attributed sentences on the page after a trace")).not_to_be_checked()
    expect(options.locator("#send-html-hint")).to_contain_text("only its address")
    expect(options.get_by_label("Follow cited sources upstream")).to_be_checked()
    expect(options.locator("#follow-sources-hint")).to_contain_text("up to the primary source")

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


def test_trace_this_claim_from_the_context_menu(browser, backend, fweb, followed_seed):
    seed_site = followed_seed
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
    # followed upstream, only what the claim rests on
    assert [d["url"] for d in trace["follow"]["documents"]] == [seed_site, fweb.wsj, fweb.asharq]
    expect(khoram_chain(popup).locator("li.hop").nth(2).get_by_role("link", name="Open the cited page")
           ).to_have_attribute("href", fweb.asharq)


def test_overlay_underlines_the_attributed_sentences(browser, backend, followed_seed):
    seed_site = followed_seed
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
