"""The extension in headless Chromium and in headless Firefox ESR against the real
backend (`headwater serve` on a free loopback port, temporary database): every test
runs once in each browser (`any_browser`, tests/browser/drivers.py). By default the
extension follows the cited sources upstream, so most tests trace the seed article
on the local multi-hop fixture web (tests/helpers/followweb.py); one traces
tests/fixtures/seed.html with following off. Each test asserts what the reader sees."""

from __future__ import annotations

import re

import pytest

from .browserkit import closed_port, progress_seen

SEED_CHAIN = ["This page", "The Wall Street Journal", "Asharq al-Awsat", "Ali Khoram"]
TRACE_TIMEOUT = 120  # seconds; the first trace loads the NLP model
CLAIM = (
    "Mr. Khoram told the Arabic daily, Asharq al-Aswat, that Mr. Obama\u2019s outreach could aid the nuclear diplomacy"
)

# What one step (li.hop) of a chain shows, as data (run in the popup, `H` from drivers.py).
DESCRIBE_HOP = r"""
const describe = (li) => li && ({
  name: H.text(li.querySelector(".name")),
  badges: H.all(".badge", null, li).map(H.text),
  archivedTitle: li.querySelector(".badge-archived")?.getAttribute("title") ?? null,
  doc: H.text(li.querySelector(".doc")),
  match: H.text(li.querySelector(".match")),
  role: H.text(li.querySelector(".role")),
  reason: H.text(li.querySelector(".reason")),
  primaryMark: H.text(li.querySelector(".primary-mark")),
  detail: H.text(li.querySelector(".flag-detail")),
  links: [...li.querySelectorAll("a")].map((a) => ({ text: H.text(a), href: a.getAttribute("href") })),
  flags: Object.fromEntries(["unlinked", "circular", "after", "uncertain", "unread"].map((f) => {
    const el = li.querySelector(`.flag-${f}`);
    return [f, el ? { text: H.text(el), title: el.getAttribute("title") } : null];
  })),
});
"""


def use(browser, backend, **settings):
    browser.set_settings(backendUrl=backend.base, token=backend.token, **settings)


def wait_for_chain(page, timeout=TRACE_TIMEOUT) -> list[str]:
    """Wait until the chain to Ali Khoram is shown; its step names."""
    return page.wait(
        "return H.visible(H.khoram()) && H.all('.hop .name', null, H.khoram()).map(H.text);",
        timeout=timeout,
        message="the chain to Ali Khoram",
    )


def chain_hops(page) -> list[dict]:
    return page.eval(DESCRIBE_HOP + "return [...H.khoram().querySelectorAll('li.hop')].map(describe);")


def hop_named(page, name) -> dict:
    return page.eval(DESCRIBE_HOP + "return describe(H.hop(arg));", name)


def link(hop: dict, name: str) -> str | None:
    """The href of the hop's link whose name contains `name` (as a reader finds it by its words)."""
    return next((a["href"] for a in hop["links"] if name.lower() in a["text"].lower()), None)


def hidden(page, css: str) -> bool:
    return page.eval("return !H.visible(document.querySelector(arg));", css)


def trace_id(page) -> str:
    return page.eval("return document.body.dataset.traceId ?? null;")


def open_evidence(page, hop_index: int) -> None:
    page.click("H.khoram().querySelectorAll('li.hop')[arg].querySelector('details.evidence summary')", hop_index)


def evidence_text(page, hop_index: int, css: str = "") -> str:
    return page.wait(
        "const d = H.khoram().querySelectorAll('li.hop')[arg[0]].querySelector('details.evidence');"
        "const el = arg[1] ? d.querySelector(arg[1]) : d; return H.visible(el) && H.text(el);",
        [hop_index, css],
        message=f"the evidence of step {hop_index}",
    )


@pytest.mark.records_progress
def test_popup_follows_the_seed_upstream_to_ali_khoram_with_the_backends_progress(
    any_browser, backend, fweb, followed_seed, artifacts
):
    use(any_browser, backend)
    popup = any_browser.popup(followed_seed, record_progress=True)

    assert wait_for_chain(popup) == SEED_CHAIN
    popup.wait_text(".primary-summary", "Ali Khoram")

    # The bar was fed by the backend's progress events: their messages name the pages it read.
    popup.wait("return !H.visible(document.getElementById('progress'));", message="the progress bar hidden")
    seen = progress_seen(popup)
    from_backend = [p["text"] for p in seen if p["from"] == "backend"]
    assert from_backend, seen
    assert any(
        "/wsj/articles/" in t or "/aawsat/" in t or "Read “" in t or t.startswith("Followed ") for t in from_backend
    ), from_backend
    assert seen[0]["from"] == "client", "the client's own stages until the first event"
    first_backend = next(i for i, p in enumerate(seen) if p["from"] == "backend")
    assert all(p["from"] == "backend" for p in seen[first_backend:-1]), seen
    assert seen[-1]["text"] == "Drawing the chain…", seen
    values = [p["value"] for p in seen]
    assert values == sorted(values) and values[-1] == 100, f"the bar only fills up: {values}"

    # The trace followed three documents, and the popup says so.
    status, trace = backend.get(f"/api/traces/{trace_id(popup)}")
    assert status == 200 and trace["follow"]["state"] == "done"
    assert [d["url"] for d in trace["follow"]["documents"]] == [followed_seed, fweb.wsj, fweb.asharq]
    popup.wait_text(".follow-note", "2 cited pages read")

    # each hop: kind badge, the page it was read from, the matched passage, the primary source marked
    _, journal, asharq, khoram = chain_hops(popup)
    assert journal["badges"] == ["outlet"]
    assert link(journal, "Open the cited page") == fweb.wsj
    assert "Iran’s Supreme Leader Responds to Obama Letter" in journal["doc"]
    assert journal["match"] == "Passage quoted word for word"
    assert link(asharq, "Open the cited page") == fweb.asharq
    assert asharq["flags"]["unlinked"] is None  # the Journal's page links it
    assert khoram["badges"] == ["person"]
    assert khoram["primaryMark"] == "Primary source"
    assert khoram["reason"] == "a person speaking first-hand"
    assert "Javad Zarif" in khoram["role"]
    assert popup.eval("return H.visible(H.one('li.hop.primary .name', 'Mitt Romney'));"), "Romney's chain"

    # the evidence, on demand: where Khoram speaks first-hand (the third document)
    assert popup.eval(
        "return !H.visible(H.khoram().querySelectorAll('li.hop')[3].querySelector('details.evidence blockquote'));"
    ), "evidence folded until asked for"
    open_evidence(popup, 3)
    said = next(chain for chain in trace["follow"]["chains"] if chain[-1]["name"] == "Ali Khoram")[-1]["evidence"]
    assert said["document"] == 2, "Khoram speaks first-hand in the interview"
    assert "Cited in Asharq al-Awsat" in evidence_text(popup, 3)
    assert said["content"][:40] in evidence_text(popup, 3, "blockquote")
    open_evidence(popup, 1)
    assert "Mr. Obama reached out directly" in evidence_text(popup, 1, "blockquote.matched")

    # every source, grouped by kind with counts; anonymous sources flagged
    outlets = popup.eval("""
        const g = H.all('#sources section.group').find((s) => H.text(s.querySelector('h3')).includes('Outlets'));
        return { count: H.text(g.querySelector('.count')), names: H.all('li .name', null, g).map(H.text) };
    """)
    assert outlets["count"] == "2"
    assert sorted(outlets["names"]) == ["Asharq al-Awsat", "The Wall Street Journal"]
    assert popup.eval("return H.visible(document.querySelector('#sources .flag-anonymous'));")

    popup.screenshot(artifacts / f"popup-seed-chain-{any_browser.name}.png")


@pytest.mark.records_progress
def test_with_following_off_the_popup_shows_the_page_alone(any_browser, backend, seed_site):
    use(any_browser, backend, followSources=False)
    popup = any_browser.popup(seed_site, record_progress=True)

    assert wait_for_chain(popup) == SEED_CHAIN
    status, trace = backend.get(f"/api/traces/{trace_id(popup)}")
    assert status == 200 and "follow" not in trace, "one page only: nothing followed"

    # progress from the client's own stages (a one-page trace is answered at once)
    popup.wait("return !H.visible(document.getElementById('progress'));", message="the progress bar hidden")
    shown = [p["text"] for p in progress_seen(popup)]
    assert any("fetching the page" in t for t in shown), shown
    assert shown[-1] == "Drawing the chain…", shown
    assert popup.eval("return H.all('.follow-note').length;") == 0

    hops = chain_hops(popup)
    assert re.match(r"^https://www\.wsj\.com/", link(hops[1], "Open the cited page"))
    assert re.match(r"^https://web\.archive\.org/web/https://www\.wsj\.com/", link(hops[1], "archived copy"))
    assert hops[2]["flags"]["unlinked"]["text"] == "Cited without a link"
    assert hops[3]["primaryMark"] == "Primary source"
    open_evidence(popup, 3)
    assert "Mr. Khoram told the Arabic daily" in evidence_text(popup, 3)


def test_a_followed_trace_shows_archived_circular_late_and_uncertain_hops(any_browser, backend, fweb, artifacts):
    use(any_browser, backend)
    popup = any_browser.popup(fweb.roundup)
    popup.wait_text(".follow-note", "cited pages read", timeout=TRACE_TIMEOUT)

    # a dead page read from the Wayback Machine: the archived badge, the snapshot's date, its link
    guardian = hop_named(popup, "The Guardian")
    assert re.search("2014-11-04", guardian["archivedTitle"])
    assert "read from the Wayback Machine's copy of 2014-11-04" in guardian["doc"]
    archived = [a["href"] for a in guardian["links"] if re.search(r"archived copy \(2014-11-04\)", a["text"])]
    assert archived == [fweb.snapshot]

    # circular sourcing: the chain that comes back, and the cycle spelled out
    circular = popup.eval(
        "return H.all('ol.chain').filter((ol) => ol.querySelector('.flag-circular'))"
        ".map((ol) => H.all('.flag-circular', null, ol).map(H.text));"
    )
    assert circular == [["Circular sourcing"]]
    assert popup.eval("return H.all('.follow-note.warn').map(H.text);") == [
        "Circular sourcing: Al Jazeera, which cites The Independent, which cites Al Jazeera."
    ]
    # a source dated after the page citing it
    assert re.search(
        "dated 2014-11-07, after the page citing it", hop_named(popup, "The Independent")["flags"]["after"]["title"]
    )
    # an outlet named without a link, found in the news index: a guess, shown as one
    reuters = hop_named(popup, "Reuters")
    assert re.search(r"Uncertain match: \d+% sure", reuters["flags"]["uncertain"]["text"])
    assert "domain:reuters.com" in reuters["flags"]["uncertain"]["title"]
    assert "found in a news index" in reuters["doc"]
    assert "A guess, not a certainty" in reuters["detail"]
    # pages that could not be read, and why
    bbc = hop_named(popup, "BBC")
    assert bbc["flags"]["unread"]["text"] == "Could not be read"
    assert "redirects in a loop" in bbc["flags"]["unread"]["title"]
    assert hop_named(popup, "Der Spiegel")["flags"]["unread"]["text"] == "Not allowed to read"
    # verbatim copying, two pages deep
    assert hop_named(popup, "The Hindu")["match"] == "Passage quoted word for word"

    popup.screenshot(artifacts / f"popup-followed-roundup-{any_browser.name}.png")


@pytest.mark.records_progress
def test_a_traced_page_opens_from_the_store_and_can_be_traced_again(any_browser, backend, followed_seed):
    use(any_browser, backend)
    first = any_browser.popup(followed_seed)
    wait_for_chain(first)
    first.close()

    again = any_browser.popup(followed_seed, record_progress=True)
    wait_for_chain(again, timeout=10)
    again.wait_text("#trace-meta", "from Headwater's store")
    assert progress_seen(again) == [], "a stored trace shows at once, with no trace run"

    again.click("H.button('Trace again')")
    again.wait(
        "return !H.text(document.getElementById('trace-meta')).includes('store');",
        timeout=TRACE_TIMEOUT,
        message="a new trace, not the stored one",
    )
    wait_for_chain(again)
    assert progress_seen(again), "tracing again shows progress"


def test_popup_says_the_backend_is_not_running_and_how_to_start_it(any_browser, seed_site):
    port = closed_port()
    any_browser.set_settings(backendUrl=f"http://127.0.0.1:{port}")
    popup = any_browser.popup(seed_site)
    alert = popup.wait_text("[role=alert]", "Headwater's backend is not running")
    assert f"Nothing answered at http://127.0.0.1:{port}" in alert
    assert popup.text("[role=alert] code.command") == f"make run PORT={port}"
    assert f"headwater serve --port {port}" in alert


def test_options_are_saved_and_used(any_browser, backend, followed_seed):
    """The must-have in Firefox too: the options page filled by its labels, then the popup
    shows the seed chain (the Journal, Asharq al-Awsat, Ali Khoram) from the real backend."""
    options = any_browser.open("options.html")
    address = "H.label('Backend address')"
    options.wait(
        "return H.label('Backend address').value === 'http://127.0.0.1:8765';", message="the default backend address"
    )
    assert options.value("H.label('Send the page as my browser shows it')") is False
    assert options.value("H.label('Underline attributed sentences on the page after a trace')") is False
    assert "only its address" in options.text("#send-html-hint")
    assert options.value("H.label('Follow cited sources upstream')") is True
    assert "up to the primary source" in options.text("#follow-sources-hint")

    def saved(expected):
        options.click("H.button('Save')")
        options.wait(
            "return H.text(document.querySelector('[role=status]')) === arg;",
            expected,
            message=f"the status {expected!r}",
        )

    options.fill(address, "http://example.org:8765")
    saved("Not saved: fix the backend address.")

    token = backend.token or "any-token"
    options.fill(address, backend.base)
    options.fill("H.label('API token')", token)
    saved("Saved.")
    options.reload()
    options.wait("return H.label('Backend address').value === arg;", backend.base, message="the saved address")
    assert options.value("H.label('API token')") == token
    options.click("H.button('Test connection')")
    options.wait_text("[role=status]", "Connected to Headwater 0.1.0")

    popup = any_browser.popup(followed_seed)  # the popup uses the saved address (and token)
    assert wait_for_chain(popup) == SEED_CHAIN

    if backend.token:  # a wrong token is refused, and the popup says how to fix it
        options.fill("H.label('API token')", "wrong-token")
        saved("Saved.")
        popup.click("H.button('Trace again')")
        popup.wait_text("[role=alert]", "The backend refused the API token")


def test_trace_this_claim_from_the_context_menu(any_browser, backend, fweb, followed_seed):
    use(any_browser, backend)
    any_browser.visit(followed_seed)
    tab = any_browser.tab_id(followed_seed)
    assert tab >= 0
    # what contextMenus.onClicked calls on "Trace this claim" (a menu cannot be clicked headless)
    popup = any_browser.menu_click(
        {"menuItemId": "headwater-trace-claim", "selectionText": CLAIM, "pageUrl": followed_seed},
        {"id": tab, "url": followed_seed},
    )
    popup.wait_text("#claim", "Mr. Khoram told the Arabic daily")
    wait_for_chain(popup)
    # the backend recorded the claim with the trace
    status, trace = backend.get(f"/api/traces/{trace_id(popup)}")
    assert status == 200 and trace["claim"] == CLAIM
    # followed upstream, only what the claim rests on
    assert [d["url"] for d in trace["follow"]["documents"]] == [followed_seed, fweb.wsj, fweb.asharq]
    assert link(chain_hops(popup)[2], "Open the cited page") == fweb.asharq


KHORAM_MARK = "H.one('mark.headwater-mark', 'Mr. Khoram told the Arabic daily')"


def test_overlay_underlines_the_attributed_sentences(any_browser, backend, followed_seed):
    use(any_browser, backend)
    site = any_browser.visit(followed_seed)
    popup = any_browser.popup(followed_seed)
    wait_for_chain(popup)

    def marks():
        return site.eval("return H.all('mark.headwater-mark').length;")

    toggle = "H.label('Underline sources on the page')"
    assert popup.value(toggle) is False  # off by default
    assert marks() == 0

    popup.set_checked(toggle, True)
    popup.wait_text("#overlay-status", "Underlined")
    khoram = site.wait(
        f"const m = {KHORAM_MARK}; return H.visible(m) && "
        "{ title: m.getAttribute('title'), line: getComputedStyle(m).textDecorationLine };",
        message="Khoram's sentence underlined",
    )
    assert re.search(r"Source: Ali Khoram.*via Asharq al-Awsat", khoram["title"])
    assert "underline" in khoram["line"]
    assert "The Wall Street Journal" in site.eval(
        "return H.one('mark.headwater-mark', 'Wall St. Journal').getAttribute('title');"
    )
    # not in the reader comments
    assert site.eval("return H.all('#comments mark.headwater-mark').length;") == 0
    # the tooltip, from the keyboard
    site.focus(KHORAM_MARK)
    # Chromium computes attr() in `content`; Firefox gives `attr(name)` back: read that attribute then
    assert "Ali Khoram" in site.eval(f"""
        const m = {KHORAM_MARK}, content = getComputedStyle(m, '::after').content;
        const attr = /^attr\\(([^)]+)\\)$/.exec(content);
        return attr ? m.getAttribute(attr[1].trim()) : content;""")

    popup.set_checked(toggle, False)
    site.wait("return H.all('mark.headwater-mark').length === 0;", message="the underlines removed")
    assert "Asharq al-Aswat" in site.eval("return document.body.innerText;"), "the page text is left as it was"

    # the overlay default from the options: on for the next popup
    any_browser.set_settings(overlayDefault=True)
    popup2 = any_browser.popup(followed_seed)
    popup2.wait(f"return {toggle}?.checked;", message="the toggle on")
    site.wait(f"return H.visible({KHORAM_MARK});", message="Khoram's sentence underlined again")
