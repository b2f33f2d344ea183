import pytest
from flask import Flask
from flask.testing import FlaskClient

from headwater.evaluation.localweb import FixtureWeb
from tests.helpers import FIXTURES, TEST_TOKEN


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


@pytest.fixture(scope="session")
def attributor():
    from headwater.attribution.attributor import Attributor

    return Attributor()


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "provenance.db")


class TokenClient(FlaskClient):
    """A test client that sends the app's API token, as the extension does (issue 6: every
    route but /api/health needs it). Tests about the token itself use a plain FlaskClient."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {self.application.config['TOKEN']}"


@pytest.fixture(autouse=True)
def _clients_send_the_token(monkeypatch):
    monkeypatch.setattr(Flask, "test_client_class", TokenClient)


@pytest.fixture
def app(db_path, attributor):
    """The Flask app on a temporary store (the flaskr pattern)."""
    from headwater.web.app import create_app

    return create_app(
        {"TESTING": True, "DATABASE": db_path, "ATTRIBUTOR": attributor, "ALLOW_PRIVATE": True, "TOKEN": TEST_TOKEN}
    )


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def seed_html():
    return (FIXTURES / "seed.html").read_text(encoding="utf-8")
