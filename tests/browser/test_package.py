"""The extension as files: permissions, content security policy, no inline or remote
code, labelled options, and the Chromium + Firefox builds. No browser needed."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from .fake_backend import seed_trace
from .project import build_extension

ROOT = Path(__file__).resolve().parent.parent.parent
EXTENSION = ROOT / "extension"


def manifest() -> dict:
    return json.loads((EXTENSION / "manifest.json").read_text(encoding="utf-8"))


def test_permissions_are_the_minimal_set():
    m = manifest()
    assert m["manifest_version"] == 3
    assert sorted(m["permissions"]) == ["activeTab", "contextMenus", "scripting", "storage"]
    assert m["host_permissions"] == ["http://127.0.0.1/*", "http://localhost/*"]
    assert "content_scripts" not in m, "the overlay is injected on demand, never into every page"
    assert "web_accessible_resources" not in m


def test_content_security_policy_is_strict():
    csp = manifest()["content_security_policy"]["extension_pages"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["default-src"] == "'none'"
    assert set(directives["connect-src"].split()) == {"http://127.0.0.1:*", "http://localhost:*"}
    assert "unsafe" not in csp


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.script_text = ""
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.script_text += data.strip()


@pytest.mark.parametrize("page", ["popup.html", "options.html"])
def test_pages_have_no_inline_or_remote_code(page):
    parser = _Tags()
    parser.feed((EXTENSION / page).read_text(encoding="utf-8"))
    scripts = [attrs for tag, attrs in parser.tags if tag == "script"]
    assert scripts and all(a.get("src") and "//" not in a["src"] for a in scripts)
    assert parser.script_text == ""
    handlers = [(tag, name) for tag, attrs in parser.tags for name in attrs if name.startswith("on")]
    assert handlers == []
    assert not [t for t, a in parser.tags if t == "style" or "style" in a]
    assert not [a for t, a in parser.tags if t == "link" and "//" in a.get("href", "")]


def test_scripts_load_nothing_remote_and_evaluate_no_strings():
    for path in EXTENSION.rglob("*.js"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"\beval\(|new Function\(|importScripts\(", source), path
        assert not re.search(r"""import\s*(\(|.*from\s*)["']https?:""", source), path
        assert ".innerHTML" not in source, f"{path}: build DOM nodes, do not parse strings as HTML"


def test_every_option_has_a_label():
    parser = _Tags()
    parser.feed((EXTENSION / "options.html").read_text(encoding="utf-8"))
    inputs = [a["id"] for t, a in parser.tags if t == "input"]
    labels = {a.get("for") for t, a in parser.tags if t == "label"}
    assert set(inputs) == {"backend-url", "token", "send-html", "follow-sources", "overlay-default"}
    assert set(inputs) <= labels


def test_message_types_are_defined_once():
    """Nobody spells a message type as a literal outside lib/messages.js."""
    for path in EXTENSION.rglob("*.js"):
        if path.name == "messages.js":
            continue
        assert "headwater/" not in path.read_text(encoding="utf-8"), path


def test_build_makes_a_chromium_and_a_firefox_zip(tmp_path):
    results = build_extension.build(tmp_path / "dist", tmp_path / "build")
    assert set(results) == {"chromium", "firefox"}
    with zipfile.ZipFile(results["chromium"]) as z:
        names = set(z.namelist())
        chromium = json.loads(z.read("manifest.json"))
    with zipfile.ZipFile(results["firefox"]) as z:
        assert set(z.namelist()) == names
        firefox = json.loads(z.read("manifest.json"))
    assert {
        "manifest.json",
        "background.js",
        "popup.html",
        "popup.js",
        "options.html",
        "lib/messages.js",
        "lib/client.js",
        "lib/overlay.js",
        "overlay.css",
        "icons/icon-128.png",
    } <= names
    assert "README.md" not in names
    assert not [n for n in names if n.startswith("test/")], "the node tests do not ship"
    assert chromium == manifest()
    assert chromium["background"] == {"service_worker": "background.js", "type": "module"}
    assert firefox["background"] == {"scripts": ["background.js"], "type": "module"}
    assert firefox["browser_specific_settings"]["gecko"]["id"]
    assert "minimum_chrome_version" not in firefox
    assert {k: v for k, v in firefox.items() if k not in ("background", "browser_specific_settings")} == {
        k: v for k, v in chromium.items() if k not in ("background", "minimum_chrome_version")
    }
    # reproducible
    again = build_extension.build(tmp_path / "dist2", tmp_path / "build2")
    assert again["firefox"].read_bytes() == results["firefox"].read_bytes()


def web_ext() -> list[str] | None:
    local = ROOT / "node_modules" / ".bin" / "web-ext"
    if local.exists():
        return [str(local)]
    found = shutil.which("web-ext")
    return [found] if found else None


def test_web_ext_lint_passes_on_the_firefox_build(tmp_path):
    command = web_ext()
    if command is None:
        pytest.skip("web-ext is not installed: `npm install --no-save web-ext` (or `make extension-lint`)")
    build_extension.build(tmp_path / "dist", tmp_path / "build")
    result = subprocess.run(
        [
            *command,
            "lint",
            "--source-dir",
            str(tmp_path / "build" / "firefox"),
            "--warnings-as-errors",
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(result.stdout[result.stdout.index("{") :])
    assert result.returncode == 0, json.dumps(report, indent=2)
    assert report["summary"] == {"errors": 0, "notices": 0, "warnings": 0}


def test_the_node_tests_seed_trace_is_the_fake_backends():
    """extension/test/seed-trace.json (what evidence.test.mjs groups and underlines) is
    fake_backend.seed_trace(), the trace the popup tests draw: one fixture, not two."""
    shipped = json.loads((EXTENSION / "test" / "seed-trace.json").read_text(encoding="utf-8"))
    assert shipped == seed_trace("http://127.0.0.1/seed")
