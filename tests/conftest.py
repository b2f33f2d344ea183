import os
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
FIXTURES = TESTS / "fixtures"
SHARED = TESTS.parent.parent / "shared"
sys.path.insert(0, str(TESTS))

from webserver import FixtureWeb, Response  # noqa: E402


@pytest.fixture
def web():
    """A local web server on 127.0.0.1 serving whatever the test adds to it."""
    server = FixtureWeb().start()
    yield server
    server.stop()


@pytest.fixture
def allow_private(monkeypatch):
    """The fixture web lives on loopback, which the fetcher refuses by default."""
    monkeypatch.setenv("HEADWATER_ALLOW_PRIVATE", "1")


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")
