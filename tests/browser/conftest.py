"""Fixtures for the extension's tests in a real browser.

Headless Chromium (Debian's `chromium` package) driven by Playwright for
Python, with the unpacked extension from extension/ loaded (`browser`), and
headless Firefox (Debian's `firefox-esr`) driven by Marionette
(`marionette-driver`), with the Firefox build installed as a temporary add-on;
`any_browser` runs a test in each (tests/browser/drivers.py). They talk to a
real Headwater backend started on a free loopback port with a temporary database.

Traces that follow their sources upstream (the extension's default) run on the
multi-hop fixture web of tests/helpers/followweb.py, whose pages, Wayback and news-index
endpoints are all on 127.0.0.1; after each test the backend's fetch log is
checked to hold loopback addresses only.

Without Chromium and Playwright (or Firefox and marionette-driver) these tests
skip, saying how to install them; with HEADWATER_REQUIRE_BROWSER=1 (CI) they
fail instead. `pytest tests/browser -m firefox` runs the Firefox ones alone.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .browserkit import RECORD_PROGRESS, free_port
from .drivers import ChromiumBrowser, FirefoxBrowser
from .fake_backend import FakeBackend, seed_page_html
from .project import build_extension, followweb

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
EXTENSION = ROOT / "extension"
FIXTURES = ROOT / "tests" / "fixtures"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("HEADWATER_CHROMIUM", "/usr/lib/chromium/chromium")
REQUIRE = os.environ.get("HEADWATER_REQUIRE_BROWSER") == "1"
SEED_PATH = "/2014/11/iranian-official-confirms-obama-letter"

FIREFOX = os.environ.get("HEADWATER_FIREFOX", "/usr/bin/firefox-esr")
# The add-on's internal UUID, fixed through the profile (extensions.webextensions.uuids),
# so that its pages are at moz-extension://<uuid>/.
FIREFOX_UUID = "5e1d2b6a-8f0c-4c3e-9a7d-7e57ed0ca11e"

INSTALL_HINT = (
    "install it with `sudo apt-get install chromium` (Debian/Ubuntu; the tests use /usr/lib/chromium/chromium) "
    "or point HEADWATER_CHROMIUM at a Chromium binary"
)


def unavailable(reason: str):
    if REQUIRE:
        pytest.fail(f"{reason} (HEADWATER_REQUIRE_BROWSER=1 forbids skipping)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable(
            "Playwright for Python is not installed: `.venv/bin/pip install -e '.[test]'` "
            "(or `.venv/bin/pip install playwright`)"
        )
    if not Path(CHROMIUM).exists():
        unavailable(f"Chromium is not installed at {CHROMIUM}: {INSTALL_HINT}")
    with sync_playwright() as p:
        yield p


@dataclass
class ExtensionBrowser:
    """A Chromium with the unpacked extension loaded."""

    context: object
    extension_id: str
    worker: object

    def url(self, path: str) -> str:
        return f"chrome-extension://{self.extension_id}/{path}"

    def open(self, path: str, record_progress: bool = False):
        page = self.context.new_page()
        if record_progress:
            page.add_init_script(RECORD_PROGRESS)
        page.goto(self.url(path))
        return page

    def popup(self, page_url: str, record_progress: bool = False, **params):
        """The popup for `page_url` (popup.html?url=…, as activeTab needs a real click)."""
        from urllib.parse import urlencode

        query = urlencode({"url": page_url, **params})
        return self.open(f"popup.html?{query}", record_progress=record_progress)

    def tab_id(self, url: str) -> int:
        return self.worker.evaluate(
            "async (url) => (await chrome.tabs.query({})).find((t) => t.url === url)?.id ?? -1", url
        )

    def set_settings(self, **settings):
        self.worker.evaluate("(s) => chrome.storage.local.set(s)", settings)

    def settings(self) -> dict:
        return self.worker.evaluate("() => chrome.storage.local.get(null)")


@pytest.fixture
def browser(playwright, tmp_path):
    args = [
        "--headless=new",
        f"--disable-extensions-except={EXTENSION}",
        f"--load-extension={EXTENSION}",
        "--no-sandbox",
        # the network is closed: keep Chromium from trying to reach Google
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--no-default-browser-check",
    ]
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        headless=True,
        args=args,
        viewport={"width": 440, "height": 760},
    )
    try:
        workers = context.service_workers
        worker = workers[0] if workers else context.wait_for_event("serviceworker", timeout=15000)
        extension_id = worker.url.split("/")[2]
        yield ExtensionBrowser(context, extension_id, worker)
    finally:
        context.close()


def pytest_configure(config):
    config.addinivalue_line("markers", "chromium: runs the extension in headless Chromium (Playwright)")
    config.addinivalue_line("markers", "firefox: runs the extension in headless Firefox ESR (Marionette)")
    config.addinivalue_line(
        "markers", "records_progress: the popup records what its progress bar shows (browserkit.RECORD_PROGRESS)"
    )
    # marionette-driver's dependencies (mozinfo, mozrunner) use deprecated stdlib parts; not ours to fix
    config.addinivalue_line("filterwarnings", "ignore::DeprecationWarning:mozinfo")
    config.addinivalue_line("filterwarnings", "ignore::DeprecationWarning:mozrunner")


def pytest_collection_modifyitems(items):
    """`-m firefox` / `-m chromium`: the tests that run in that browser."""
    for item in items:
        spec = getattr(item, "callspec", None)
        name = spec.params.get("any_browser") if spec else None
        if name in ("chromium", "firefox"):
            item.add_marker(getattr(pytest.mark, name))
        elif "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.chromium)


@pytest.fixture(scope="session")
def firefox_addons(tmp_path_factory) -> dict[str, Path]:
    """The Firefox zip as `make extension` builds it; and, for the tests that record the
    popup's progress, the same with popup.html loading the recorder (browserkit.RECORD_PROGRESS)
    before its own script, since Marionette has no init scripts to run it first."""
    root = tmp_path_factory.mktemp("firefox-build")
    zips = build_extension.build(root / "dist", root / "build")
    tree = root / "build" / "firefox"
    (tree / "test-record-progress.js").write_text(RECORD_PROGRESS, encoding="utf-8")
    popup = tree / "popup.html"
    html = popup.read_text(encoding="utf-8")
    at = html.index("<script")
    popup.write_text(html[:at] + '<script src="test-record-progress.js"></script>\n  ' + html[at:], encoding="utf-8")
    recording = root / "dist" / "headwater-firefox-recording.zip"
    build_extension.write_zip(tree, recording)
    return {"plain": zips["firefox"], "recording": recording}


def records_progress(request) -> bool:
    return request.node.get_closest_marker("records_progress") is not None


@pytest.fixture
def firefox(request, tmp_path, firefox_addons):
    try:
        from marionette_driver.addons import Addons
        from marionette_driver.marionette import Marionette
    except ImportError:
        unavailable(
            "marionette-driver is not installed: `.venv/bin/pip install -e '.[test]'` "
            "(or `.venv/bin/pip install marionette-driver`)"
        )
    if not Path(FIREFOX).exists():
        unavailable(
            f"Firefox is not installed at {FIREFOX}: install it with `sudo apt-get install firefox-esr` "
            "(Debian/Ubuntu) or point HEADWATER_FIREFOX at a Firefox binary"
        )
    profile = tmp_path / "firefox-profile"
    profile.mkdir()
    uuids = json.dumps({build_extension.GECKO_ID: FIREFOX_UUID})
    (profile / "user.js").write_text(
        f'user_pref("extensions.webextensions.uuids", {json.dumps(uuids)});\n'
        # the network is closed: keep Firefox from trying to reach Mozilla
        'user_pref("app.update.enabled", false);\n'
        'user_pref("browser.shell.checkDefaultBrowser", false);\n'
        'user_pref("datareporting.policy.dataSubmissionEnabled", false);\n'
        'user_pref("toolkit.telemetry.enabled", false);\n',
        encoding="utf-8",
    )
    # a port of its own: never a Firefox left over on Marionette's default 2828
    # its log beside the profile, not in the working directory
    marionette = Marionette(
        bin=FIREFOX, headless=True, profile=str(profile), port=free_port(), gecko_log=str(profile.parent / "gecko.log")
    )
    try:
        marionette.start_session()
        marionette.switch_to_window(marionette.window_handles[0])
        marionette.set_window_rect(width=440, height=760)
        zip_path = firefox_addons["recording" if records_progress(request) else "plain"]
        Addons(marionette).install(str(zip_path), temp=True)
        yield FirefoxBrowser(marionette, FIREFOX_UUID)
    finally:
        try:
            marionette.delete_session()
        except Exception:  # noqa: BLE001 - already gone
            pass
        marionette.cleanup()


@pytest.fixture(params=["chromium", "firefox"])
def any_browser(request):
    """The extension in Chromium, then in Firefox: the same test, through drivers.py."""
    if request.param == "chromium":
        yield ChromiumBrowser(request.getfixturevalue("browser"))
    else:
        yield request.getfixturevalue("firefox")


@pytest.fixture
def fake_backend():
    """A stand-in backend (tests/browser/fake_backend.py) for protocol paths the real one does not take."""
    server = FakeBackend().start()
    yield server
    server.stop()


@pytest.fixture
def fweb():
    """The multi-hop fixture web (tests/helpers/followweb.py): the seed blog post linking a WSJ-like page,
    which links an Asharq al-Awsat-like interview of Ali Khoram; the roundup page and its oddities."""
    web = followweb.Web(slow_delay=1.0).start()
    yield web
    web.stop()


@pytest.fixture
def followed_seed(fweb):
    """The seed article on the fixture web: its Wall Street Journal link points at the local WSJ-like page."""
    return fweb.seed


@pytest.fixture
def seed_site(web):
    """The seed article served on 127.0.0.1 (tests/fixtures/seed.html), with its real www.wsj.com link:
    trace it only with following off (or against the fake backend), or the backend would go to the web."""
    seed = FIXTURES / "seed.html"
    html = seed.read_text(encoding="utf-8") if seed.exists() else seed_page_html()
    return web.add(SEED_PATH, html)


# -- the real backend -----------------------------------------------------------------


@dataclass
class Backend:
    base: str
    db: Path
    token: str
    process: subprocess.Popen
    log: Path

    def get(self, path: str) -> tuple[int, dict]:
        request = urllib.request.Request(self.base + path)
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")


def headwater_command() -> list[str]:
    """`headwater` of the package this Python imports (not whichever copy the venv's console
    script was installed from, which may be another checkout)."""
    return [sys.executable, "-m", "headwater.cli"]


def backend_token(db: Path, env: dict) -> str:
    """The API token the backend expects (`headwater token`), or "" when it has none."""
    result = subprocess.run(
        [*headwater_command(), "token", "--db", str(db)], env=env, capture_output=True, text=True, timeout=60
    )
    if result.returncode != 0:
        return ""
    lines = [line.strip() for line in result.stdout.splitlines() if line.strip()]
    return lines[-1].split()[-1] if lines else ""


LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def fetched_hosts(db: Path) -> set[str]:
    """Every host the backend fetched from (or tried to), from its fetch log."""
    if not db.exists():
        return set()
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT url, final_url FROM fetches").fetchall()
    except sqlite3.Error:
        return set()
    finally:
        conn.close()
    return {urlsplit(url).hostname or url for row in rows for url in row if url}


@pytest.fixture
def backend(tmp_path, fweb):
    """`headwater serve` on a free loopback port with a temporary database; following
    uses the fixture web's Wayback and news-index endpoints, never the real ones."""
    try:
        import headwater.web.app  # noqa: F401
    except ImportError as error:
        if REQUIRE:
            pytest.fail(f"the backend does not import: {error}")
        pytest.skip(f"the backend (headwater.api) does not import yet: {error}")
    port = free_port()
    db = tmp_path / "headwater.db"
    log = tmp_path / "backend.log"
    env = {
        **os.environ,
        "HEADWATER_ALLOW_PRIVATE": "1",
        "PYTHONUNBUFFERED": "1",
        "HEADWATER_WAYBACK_API": fweb.wayback_api,
        "HEADWATER_NEWS_INDEX_API": fweb.news_index_api,
        "HEADWATER_FOLLOW_DELAY": "0.2",
    }
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [*headwater_command(), "serve", "--host", "127.0.0.1", "--port", str(port), "--db", str(db)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            pytest.fail(f"`headwater serve` exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(base + "/api/health", timeout=2) as response:
                if response.status == 200:
                    break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"`headwater serve` did not answer within 60 s:\n{log.read_text(errors='replace')}")
        time.sleep(0.2)
    try:
        yield Backend(base, db, backend_token(db, env), process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
    outside = fetched_hosts(db) - LOOPBACK
    assert not outside, f"the backend fetched from outside this machine: {sorted(outside)}"


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
