"""A live server on loopback and Debian's Chromium driven by Playwright.

The server is a second app instance on the same test database, with CSRF on as in production.
Browser downloads fail on this machine, so Chromium comes from Debian (/usr/bin/chromium).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import ThreadedWSGIServer

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


class LiveServer(ThreadedWSGIServer):
    """The threaded dev server, counting the requests its threads are still handling.

    A test's browser is closed before the database is emptied and the test's engines disposed,
    but a request the server already received (a photo poll, a service-worker fetch) may still
    be running. Emptying under it would let its rows leak into the next test, and disposing its
    engine would orphan its pooled connection, which the garbage collector closes later with a
    ResourceWarning in whichever test is running then. Threads are counted rather than WSGI
    calls because werkzeug skips a response's close() when the client resets the connection.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.running = 0
        self.changed = threading.Condition()

    def process_request(self, request, client_address):
        with self.changed:
            self.running += 1
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._finished()
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._finished()

    def _finished(self) -> None:
        with self.changed:
            self.running -= 1
            self.changed.notify_all()

    def wait_until_idle(self, timeout: float = 15.0) -> None:
        with self.changed:
            if not self.changed.wait_for(lambda: self.running == 0, timeout=timeout):
                raise AssertionError(f"{self.running} live-server requests still running")


@pytest.fixture(scope="session")
def live_http(live_app):
    server = LiveServer("127.0.0.1", 0, live_app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def live_server(live_http):
    return f"http://127.0.0.1:{live_http.server_port}"


@pytest.fixture
def live(app, live_server, live_http):
    """The live server's URL; depending on `app` empties the database after the test.

    Browser contexts depend on this fixture, so they are closed before it waits for the
    server's last requests, and that happens before `app` empties the tables.
    """
    yield live_server
    live_http.wait_until_idle()


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
def new_context(browser, live):
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
