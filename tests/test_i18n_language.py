"""The app speaks Danish by default, English on request: the browser's language, the switch,
and the choice remembered; the catalogues compiled afresh, so no stale .mo is tested."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "fieldapp" / "translations"


# --- the app speaks Danish, and English on request ------------------------------------------


@pytest.fixture(scope="session")
def compiled_catalogues():
    """Compile every .po to the .mo next to it (git-ignored), so no stale .mo is tested."""
    for po_path in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")):
        with po_path.open("rb") as fh:
            catalog = read_po(fh)
        mo_path = po_path.with_suffix(".mo")
        fd, tmp = tempfile.mkstemp(dir=po_path.parent, prefix=".messages-", suffix=".mo")
        try:
            with os.fdopen(fd, "wb") as out:
                write_mo(out, catalog)
            os.replace(tmp, mo_path)  # atomic: a concurrent reader never sees half a file
        except BaseException:
            os.unlink(tmp)
            raise


@pytest.fixture
def i18n_client(compiled_catalogues, client):
    """The test client, with Flask-Babel's per-process cache of loaded catalogues emptied."""
    from fieldapp.extensions import babel

    babel.domain_instance.cache.clear()
    yield client
    babel.domain_instance.cache.clear()


def _lang(html: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', html)
    assert match, "no <html lang> on the page"
    return match.group(1)


def _request(client, method: str, path: str, **kwargs):
    """One request as a browser makes it. The `app` fixture keeps one app context (and so one
    `g`) for the whole test, where Flask-Babel caches the locale of the first request; forget
    it, as a new request in production would."""
    import flask_babel

    flask_babel.refresh()
    return client.open(path, method=method, **kwargs)


def _page(client, path: str, accept_language: str | None = None) -> str:
    headers = {"Accept-Language": accept_language} if accept_language else {}
    response = _request(client, "GET", path, headers=headers)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def _choose_language(client, lang: str, next_path: str, accept_language: str):
    return _request(
        client,
        "POST",
        "/language",
        data={"lang": lang, "next": next_path},
        headers={"Accept-Language": accept_language},
    )


def test_front_page_is_danish_by_default(i18n_client):
    html = _page(i18n_client, "/")
    assert _lang(html) == "da"
    assert "Skal du være med på en vandring?" in html
    assert ">Log ind<" in html
    assert "Taking part in a walk?" not in html
    # The switch offers the other language, labelled in that language.
    assert 'lang="en">English<' in html


def test_front_page_is_danish_for_a_danish_browser(i18n_client):
    html = _page(i18n_client, "/", "da-DK,da;q=0.9,en;q=0.5")
    assert _lang(html) == "da"
    assert ">Log ind<" in html


def test_front_page_is_english_for_an_english_browser(i18n_client):
    html = _page(i18n_client, "/", "en-GB,en;q=0.9")
    assert _lang(html) == "en"
    assert "Taking part in a walk?" in html
    assert ">Log in<" in html
    assert "Skal du være med på en vandring?" not in html
    assert 'lang="da">Dansk<' in html


def test_language_switch_wins_over_the_browser_and_is_remembered(i18n_client):
    danish_browser = "da-DK,da;q=0.9"

    response = _choose_language(i18n_client, "en", "/login", danish_browser)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")
    assert "Expires=" in response.headers.get("Set-Cookie", ""), (
        "the choice should outlive the browser session"
    )

    for path in ("/login", "/", "/login"):
        html = _page(i18n_client, path, danish_browser)
        assert _lang(html) == "en", path
    assert ">Password<" in html
    assert "Adgangskode" not in html

    # And back to Danish, even from an English browser.
    _choose_language(i18n_client, "da", "/", "en")
    for path in ("/", "/login"):
        html = _page(i18n_client, path, "en")
        assert _lang(html) == "da", path
    assert ">Adgangskode<" in html


def test_an_unknown_language_is_ignored(i18n_client):
    _choose_language(i18n_client, "xx", "/", "da")
    html = _page(i18n_client, "/")
    assert _lang(html) == "da"
