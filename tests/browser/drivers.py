"""One small API over two browsers, so that a test of the extension runs in both:

- Chromium (Debian's `chromium`) through Playwright, with the unpacked extension/;
- Firefox (Debian's `firefox-esr`) through Mozilla's Marionette (`marionette-driver`),
  with the Firefox zip of scripts/build_extension.py installed as a temporary add-on.

A test reads the page through JavaScript run in it (`page.eval`, `page.wait`, with the
helpers `H` below in scope) and acts on it through elements found the same way
(`page.click`, `page.fill`, `page.check`), by the words a user sees: a label's text,
a button's name. `page.wait` polls until the page shows what is expected (or fails
with what it showed last): it waits for something to appear, it does not time anything.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

# Helpers every script run in a page can use (as `H`). Text is compared as a reader
# sees it: whitespace collapsed, trimmed.
HELPERS = r"""
const H = {
  norm: (s) => String(s ?? "").replace(/\s+/g, " ").trim(),
  text: (el) => (el ? H.norm(el.textContent) : null),
  // as Playwright judges it: rendered (not inside a closed <details>, not display: none), a box, not visibility: hidden
  visible: (el) => !!el && el.getClientRects().length > 0 && el.checkVisibility({ visibilityProperty: true }),
  all: (css, text = null, root = document) =>
    [...(root ?? document).querySelectorAll(css)].filter((e) => text === null || H.norm(e.textContent).includes(text)),
  one: (css, text = null, root = document) => H.all(css, text, root)[0] ?? null,
  /** The form control a <label> with exactly this text names. */
  label: (name) => [...document.querySelectorAll("label")].find((l) => H.norm(l.textContent) === name)?.control ?? null,
  /** The button whose visible name is exactly this. */
  button: (name) => [...document.querySelectorAll("button")].find((b) => H.norm(b.textContent) === name) ?? null,
  /** The link whose visible name is exactly this (or matches the RegExp). */
  link: (name, root = document) => [...(root ?? document).querySelectorAll("a")].find((a) =>
    name instanceof RegExp ? name.test(H.norm(a.textContent)) : H.norm(a.textContent) === name) ?? null,
  /** The chain whose primary source is Ali Khoram (the seed's). */
  khoram: () => [...document.querySelectorAll("ol.chain")].find((ol) =>
    H.all(".hop.primary .name", "Ali Khoram", ol).length > 0) ?? null,
  /** The first hop whose source is called exactly `name`. */
  hop: (name) => [...document.querySelectorAll("li.hop")].find((li) =>
    [...li.querySelectorAll(".name")].some((n) => H.norm(n.textContent) === name)) ?? null,
};
"""


class PageTimeout(AssertionError):
    pass


class Page:
    """A page of the extension (or a web page) in one of the two browsers."""

    def _run(self, body: str, arg):  # pragma: no cover - per driver
        raise NotImplementedError

    def _element(self, expr: str, arg):  # pragma: no cover - per driver
        raise NotImplementedError

    def eval(self, body: str, arg=None):
        """Run `body` (an async function body; `arg` and `H` in scope) in the page; its value, as JSON."""
        return self._run(body, arg)

    def wait(self, body: str, arg=None, timeout: float = 10.0, message: str = ""):
        """Poll `body` until it gives a truthy value (returned); fail after `timeout` s with the last one."""
        deadline = time.monotonic() + timeout
        last = None
        while True:
            last = self._run(body, arg)
            if last:
                return last
            if time.monotonic() > deadline:
                shown = self._run("return [location.href, H.norm(document.body?.innerText ?? '').slice(0, 600)];", None)
                raise PageTimeout(
                    f"{message or body.strip()}: still {last!r} after {timeout} s; "
                    f"the page ({shown[0]}) shows: {shown[1]}"
                )
            time.sleep(0.1)

    def wait_text(self, css: str, text: str, timeout: float = 10.0) -> str:
        """Wait until the first element matching `css` contains `text`; its text."""
        return self.wait(
            "const t = H.text(document.querySelector(arg[0])); return t && t.includes(arg[1]) ? t : null;",
            [css, text],
            timeout,
            f"{css} containing {text!r}",
        )

    def text(self, css: str):
        return self.eval("return H.text(document.querySelector(arg));", css)

    def click(self, expr: str, arg=None):
        """Click the element `expr` (a JS expression, `H` and `arg` in scope) finds."""
        self._element(expr, arg).click()

    def fill(self, expr: str, value: str, arg=None):
        element = self._element(expr, arg)
        element.clear()
        element.send_keys(value)

    def set_checked(self, expr: str, checked: bool, arg=None):
        if bool(self.eval(f"return ({expr}).checked;", arg)) != checked:
            self.click(expr, arg)

    def value(self, expr: str, arg=None):
        return self.eval(f"const e = {expr}; return e.type === 'checkbox' ? e.checked : e.value;", arg)


# --- Chromium, through Playwright ---------------------------------------------------------


class _PlaywrightElement:
    def __init__(self, handle):
        self.handle = handle

    def click(self):
        self.handle.click()

    def clear(self):
        self.handle.fill("")

    def send_keys(self, value: str):
        self.handle.fill(value)


class ChromiumPage(Page):
    def __init__(self, page):
        self.page = page

    def _run(self, body, arg):
        return self.page.evaluate(f"async (arg) => {{ {HELPERS}\n{body} }}", arg)

    def _element(self, expr, arg):
        handle = self.page.evaluate_handle(f"(arg) => {{ {HELPERS}\n return {expr}; }}", arg).as_element()
        assert handle is not None, f"nothing found by {expr}"
        return _PlaywrightElement(handle)

    def focus(self, expr, arg=None):
        self._element(expr, arg).handle.focus()

    def press(self, key: str):
        self.page.keyboard.press(key)

    def reload(self):
        self.page.reload()

    def close(self):
        self.page.close()

    def screenshot(self, path):
        self.page.screenshot(path=str(path), full_page=True)


@dataclass
class ChromiumBrowser:
    """The unpacked extension in headless Chromium (Playwright's persistent context)."""

    name = "chromium"
    ext: object  # conftest.ExtensionBrowser
    dark: bool = False

    def open(self, path: str, record_progress: bool = False) -> ChromiumPage:
        from .browserkit import RECORD_PROGRESS

        page = self.ext.context.new_page()
        if record_progress:
            page.add_init_script(RECORD_PROGRESS)
        if self.dark:
            page.emulate_media(color_scheme="dark")
        page.goto(self.ext.url(path))
        return ChromiumPage(page)

    def popup(self, page_url: str, record_progress: bool = False, **params) -> ChromiumPage:
        return self.open(f"popup.html?{urlencode({'url': page_url, **params})}", record_progress)

    def prefer_dark(self):
        """Pages opened from now on see `prefers-color-scheme: dark` (Playwright's media emulation)."""
        self.dark = True

    def menu_entry_exists(self, menu_id: str):
        """contextMenus.update() rejects an unknown id."""
        self.ext.worker.evaluate("(id) => chrome.contextMenus.update(id, {})", menu_id)

    def visit(self, url: str) -> ChromiumPage:
        page = self.ext.context.new_page()
        page.goto(url)
        return ChromiumPage(page)

    def set_settings(self, **settings):
        self.ext.set_settings(**settings)

    def tab_id(self, url: str) -> int:
        return self.ext.tab_id(url)

    def menu_click(self, info: dict, tab: dict) -> ChromiumPage:
        """What contextMenus.onClicked calls on "Trace this claim"; the popup window it opens."""
        with self.ext.context.expect_page() as opened:
            self.ext.worker.evaluate("([info, tab]) => headwater.onMenuClick(info, tab)", [info, tab])
        return ChromiumPage(opened.value)


# --- Firefox, through Marionette ----------------------------------------------------------


class FirefoxPage(Page):
    def __init__(self, browser: FirefoxBrowser, handle: str):
        self.browser = browser
        self.handle = handle

    @property
    def m(self):
        self.browser.marionette.switch_to_window(self.handle)
        return self.browser.marionette

    def _run(self, body, arg):
        # Unsandboxed: the page's own globals (`browser`, dynamic import) are in scope.
        script = (
            "const done = arguments[arguments.length - 1];\n"
            f"(async (arg) => {{ {HELPERS}\n{body} }})(arguments[0]).then("
            "(value) => done(JSON.stringify({ value: value === undefined ? null : value })),"
            "(error) => done(JSON.stringify({ error: String(error && error.stack || error) })));"
        )
        out = json.loads(self.m.execute_async_script(script, script_args=[arg], sandbox=None, script_timeout=30000))
        if "error" in out:
            raise AssertionError(f"script failed in Firefox: {out['error']}")
        return out["value"]

    def _element(self, expr, arg):
        element = self.m.execute_script(
            f"{HELPERS}\nconst arg = arguments[0]; return {expr};", script_args=[arg], sandbox=None
        )
        assert element is not None, f"nothing found by {expr}"
        return element

    def focus(self, expr, arg=None):
        self.eval(f"({expr}).focus();", arg)

    KEYS = {"Tab": "\ue004", "Enter": "\ue007"}  # WebDriver's key codes

    def press(self, key: str):
        value = self.KEYS.get(key, key)
        self.m.actions.sequence("key", "keyboard").key_down(value).key_up(value).perform()

    def reload(self):
        self.m.refresh()

    def close(self):
        self.m.close()
        handles = self.browser.marionette.window_handles
        if handles:
            self.browser.marionette.switch_to_window(handles[0])

    def screenshot(self, path):
        import base64

        data = self.m.screenshot(format="base64", full=True)
        with open(path, "wb") as out:
            out.write(base64.b64decode(data))


@dataclass
class FirefoxBrowser:
    """The Firefox build of the extension, installed as a temporary add-on, in headless firefox-esr."""

    name = "firefox"
    marionette: object
    uuid: str
    _console: FirefoxPage | None = field(default=None, repr=False)

    def url(self, path: str) -> str:
        return f"moz-extension://{self.uuid}/{path}"

    def visit(self, url: str) -> FirefoxPage:
        from marionette_driver.errors import NoSuchWindowException

        m = self.marionette
        for attempt in range(5):
            try:
                # From a window that is still there: installing the add-on (or closing a tab)
                # can discard the browsing context Marionette was on.
                m.switch_to_window(m.window_handles[0])
                handle = m.open(type="tab", focus=True)["handle"]
                break
            except NoSuchWindowException:
                if attempt == 4:
                    raise
                time.sleep(0.2)
        m.switch_to_window(handle)
        m.navigate(url)
        return FirefoxPage(self, handle)

    def open(self, path: str, record_progress: bool = False) -> FirefoxPage:
        # Marionette has no init scripts: a test that records progress runs an add-on whose
        # popup.html loads the recorder first (see conftest.firefox_addon).
        return self.visit(self.url(path))

    def popup(self, page_url: str, record_progress: bool = False, **params) -> FirefoxPage:
        return self.open(f"popup.html?{urlencode({'url': page_url, **params})}", record_progress)

    @property
    def console(self) -> FirefoxPage:
        """An extension page kept open to call the WebExtension APIs from (the options page, untouched)."""
        if self._console is None:
            self._console = self.open("options.html")
        return self._console

    def set_settings(self, **settings):
        self.console.eval("await browser.storage.local.set(arg);", settings)

    def prefer_dark(self):
        """Pages see `prefers-color-scheme: dark`: the system theme Firefox reads, set dark."""
        self.marionette.set_pref("ui.systemUsesDarkTheme", 1)

    def menu_entry_exists(self, menu_id: str):
        """contextMenus.update() rejects an unknown id."""
        self.console.eval("await browser.contextMenus.update(arg, {});", menu_id)

    def tab_id(self, url: str) -> int:
        return self.console.eval("return (await browser.tabs.query({})).find((t) => t.url === arg)?.id ?? -1;", url)

    def menu_click(self, info: dict, tab: dict) -> FirefoxPage:
        """What contextMenus.onClicked calls on "Trace this claim" (in the background page); the popup window."""
        m = self.marionette
        before = set(m.window_handles)
        self.console.eval(
            "const bg = await browser.runtime.getBackgroundPage(); await bg.headwater.onMenuClick(arg[0], arg[1]);",
            [info, tab],
        )
        deadline = time.monotonic() + 10
        while not (set(m.window_handles) - before):
            assert time.monotonic() < deadline, "no window opened for the claim"
            time.sleep(0.1)
        handle = (set(m.window_handles) - before).pop()
        page = FirefoxPage(self, handle)
        page.wait("return document.readyState === 'complete' && location.href.includes('popup.html');")
        return page
