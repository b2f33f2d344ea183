"""Helpers for the browser tests (kept out of conftest.py so test modules can import them)."""

from __future__ import annotations

import os
import socket

import pytest

REQUIRE = os.environ.get("HEADWATER_REQUIRE_BROWSER") == "1"


def playwright_expect():
    """Playwright's `expect`; without Playwright the test module skips (fails under HEADWATER_REQUIRE_BROWSER=1)."""
    try:
        from playwright.sync_api import expect
    except ImportError:
        if REQUIRE:
            raise
        pytest.skip(
            "Playwright for Python is not installed: `.venv/bin/pip install -e '.[test]'` "
            "(or `.venv/bin/pip install playwright`)",
            allow_module_level=True,
        )
    return expect


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    return free_port()


# Records what the popup's progress section shows while it is visible, as it
# changes, in window.__progress: [{text, value, max, from}] (read back with
# progress_seen()); `from` is "client" or "backend", who measured that progress.
RECORD_PROGRESS = """
window.__progress = [];
new MutationObserver(() => {
  const box = document.getElementById("progress");
  if (!box || box.hidden) return;
  const text = document.getElementById("progress-message").textContent;
  const bar = document.getElementById("progress-bar");
  const from = box.dataset.from || "";
  const last = window.__progress[window.__progress.length - 1];
  if (!last || last.text !== text || last.value !== bar.value || last.from !== from) {
    window.__progress.push({ text, value: bar.value, max: bar.max, from });
  }
}).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
"""


def progress_seen(page) -> list[dict]:
    """What RECORD_PROGRESS recorded, from a Playwright page or a drivers.Page."""
    if hasattr(page, "wait_text"):
        return page.eval("return window.__progress ?? null;")
    return page.evaluate("() => window.__progress")
