"""A live server on loopback and Debian's Chromium driven by Playwright.

The server is a second app instance on the same test database, with CSRF on as in production.
Browser downloads fail on this machine, so Chromium comes from Debian (/usr/bin/chromium).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from fieldapp import create_app

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_app(db_url, _migrated_app, tmp_path_factory):
    """The live server's app; photos inline like the test app, a test may switch to the queue."""
    return create_app(
        {
            "SECRET_KEY": "browser-test-secret",
            "SQLALCHEMY_DATABASE_URI": db_url,
            "UPLOAD_DIR": str(tmp_path_factory.mktemp("live-uploads")),
            "RATELIMIT_ENABLED": False,
            "PHOTO_PROCESSING": "inline",
            "PASSWORD_HASH_METHOD": _migrated_app.config["PASSWORD_HASH_METHOD"],
        }
    )


@pytest.fixture(scope="session")
def live_server(live_app):
    app = live_app
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def live(app, live_server):
    """The live server's URL; depending on `app` empties the database after the test."""
    return live_server


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _no_tiles(context):
    # No internet here: refuse map tiles at once instead of letting each request time out.
    context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    return context


@pytest.fixture
def new_context(browser):
    """Factory for browser contexts (a phone by default); all are closed after the test."""
    contexts = []

    def factory(**kwargs):
        options = {**PHONE, "locale": "da-DK", **kwargs}
        context = _no_tiles(browser.new_context(**options))
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield factory
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> None:
    """Keep a picture of each journey's key screens for people reviewing a run."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
