"""Issue 5, bar (5): the capture flow works in Danish and in English.

A phone set to Danish or to English joins a walk by its QR link, reads the form in its own
language, sends an observation and is thanked in that language; the language button switches,
and the choice outlives the page and wins over the phone's language; dates are written the way
each language writes them.
"""

from __future__ import annotations

import os
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from fieldapp.demo import DEMO_ACCOUNTS

from .conftest import screenshot

TRANSLATIONS = Path(__file__).resolve().parents[2] / "fieldapp" / "translations"
GPS = {"latitude": 57.04622, "longitude": 9.92845, "accuracy": 12}
DESKTOP = {"viewport": {"width": 1280, "height": 800}, "is_mobile": False, "has_touch": False}

# The strings a participant meets, as fieldapp/translations/da/LC_MESSAGES/messages.po has them.
TEXT = {
    "en": {
        "locale": "en-GB",
        "switch": "English",
        "join": "Join the walk",
        "resident": "Resident",
        "how_safe": "How safe do you feel here?",
        "where": "Where is it?",
        "locate": "Use my position",
        "found": "Position found, accurate to about 12 m.",
        "send": "Send observation",
        "thanks": "Thank you! Your observation is saved.",
        "mine": "My observations",
        "receipt": "Your receipt",
        "category": "Lighting",
        # the join page: "EEEE d MMMM, HH:mm"; a card: "d MMM, HH:mm"
        "walk_day": "Tuesday 1 December, 18:30",
        "walk_day_full": "Tuesday 1 December 2026, 18:30",
        "card_time": re.compile(r"^\d{1,2} [A-Z][a-z]{2,3}, \d\d:\d\d$"),
    },
    "da": {
        "locale": "da-DK",
        "switch": "Dansk",
        "join": "Vær med på vandringen",
        "resident": "Beboer",
        "how_safe": "Hvor tryg føler du dig her?",
        "where": "Hvor er det?",
        "locate": "Brug min placering",
        "found": "Din placering er fundet. Den er præcis inden for cirka 12 m.",
        "send": "Send observation",
        "thanks": "Tak! Din observation er gemt.",
        "mine": "Mine observationer",
        "receipt": "Din kvittering",
        "category": "Belysning",
        # "EEEE 'den' d. MMMM 'kl.' HH:mm"; a card: "d. MMM 'kl.' HH:mm" (e.g. "25. nov. kl. 18:05")
        "walk_day": "tirsdag den 1. december kl. 18:30",
        "walk_day_full": "tirsdag den 1. december 2026 kl. 18:30",
        "card_time": re.compile(r"^\d{1,2}\. [a-zæøå]{3,4}\.? kl\. \d\d:\d\d$"),
    },
}
# 17:30 UTC on Tuesday 1 December 2026 is 18:30 in Copenhagen.
STARTS_AT = datetime(2026, 12, 1, 17, 30, tzinfo=UTC)


@pytest.fixture(scope="session")
def compiled_catalogues():
    """Compile every .po to the .mo next to it (git-ignored), as `make install` does, so the
    live server speaks the catalogue as it is now, never a stale .mo (tests/test_i18n.py's
    approach)."""
    for po_path in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")):
        with po_path.open("rb") as fh:
            catalog = read_po(fh)
        fd, tmp = tempfile.mkstemp(dir=po_path.parent, prefix=".messages-", suffix=".mo")
        try:
            with os.fdopen(fd, "wb") as out:
                write_mo(out, catalog)
            os.replace(tmp, po_path.with_suffix(".mo"))  # atomic for a concurrent reader
        except BaseException:
            os.unlink(tmp)
            raise
    # Flask-Babel keeps the catalogues it loaded in its domain (one for every app of this
    # process, the live server's too); forget them, if it has loaded any yet.
    from fieldapp.extensions import babel

    domain = babel.__dict__.get("domain_instance")  # a cached_property, made on first use
    if domain is not None:
        domain.cache.clear()


@pytest.fixture
def walk(compiled_catalogues, make_walk):
    return make_walk(title="Aftenvandring i Karolinelunden", starts_at=STARTS_AT)


def join_and_capture(page, live, walk, t) -> None:
    """From the QR link to the confirmation, asserting every step speaks `t`'s language."""
    page.goto(f"{live}/j/{walk.join_token}")
    page.get_by_text(t["walk_day"]).wait_for()
    page.get_by_label(t["resident"]).check()
    page.get_by_role("button", name=t["join"]).click()

    page.get_by_role("group", name=t["how_safe"]).wait_for()
    page.get_by_role("group", name=t["where"]).wait_for()
    page.locator("input[name=category][value=lighting]").check()
    page.locator("input[name=safety][value='2']").check()
    page.locator("textarea[name=text]").fill("Stien er helt mørk, to lamper er gået.")
    page.wait_for_load_state()  # deferred scripts attach the button's handler
    page.get_by_role("button", name=t["locate"]).click()
    page.locator("[data-position-status]").get_by_text(t["found"]).wait_for()
    page.get_by_role("button", name=t["send"], exact=True).click()

    page.get_by_text(t["thanks"]).wait_for()
    page.get_by_role("heading", name=t["mine"]).wait_for()
    page.get_by_role("heading", name=t["receipt"]).wait_for()
    card = page.locator(".obs-card").first
    assert card.get_by_role("heading").inner_text() == t["category"]
    assert t["card_time"].match(card.locator("header .muted").inner_text().strip())


def catalogue_text(lang: str, msgid: str) -> str:
    """What the catalogue says for `msgid` in `lang` (the msgid while it is untranslated)."""
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        entry = read_po(fh).get(msgid)
    return entry.string if entry is not None and entry.string else msgid


@pytest.mark.parametrize("lang", ["en", "da"])
def test_capture_flow_in_the_phones_language(live, new_context, walk, lang):
    t = TEXT[lang]
    page = new_context(locale=t["locale"], geolocation=GPS, permissions=["geolocation"]).new_page()
    join_and_capture(page, live, walk, t)
    # The map's own buttons are named in the page's language too, not in Leaflet's English.
    zoom_in = page.locator("[data-obs-map] .leaflet-control-zoom-in")
    assert zoom_in.get_attribute("aria-label") == catalogue_text(lang, "Zoom in")
    page.locator("[data-obs-map] .leaflet-marker-icon").first.click()
    close = page.locator("[data-obs-map] .leaflet-popup-close-button")
    assert close.get_attribute("aria-label") == catalogue_text(lang, "Close")  # not "Close popup"
    assert page.locator("html").get_attribute("lang") == lang
    other = TEXT["da" if lang == "en" else "en"]
    body = page.locator("body").inner_text()
    assert other["thanks"] not in body and other["mine"] not in body
    screenshot(page, f"capture-done-{lang}")


@pytest.mark.parametrize(("phone", "chosen"), [("da", "en"), ("en", "da")])
def test_language_button_switches_and_is_remembered(live, new_context, walk, phone, chosen):
    t = TEXT[chosen]
    page = new_context(
        locale=TEXT[phone]["locale"], geolocation=GPS, permissions=["geolocation"]
    ).new_page()
    page.goto(f"{live}/j/{walk.join_token}")
    assert page.locator("html").get_attribute("lang") == phone

    # The switch names the other language in that language, and reloads the same page.
    switch = page.get_by_role("button", name=t["switch"])
    assert switch.get_attribute("lang") == chosen
    switch.click()
    page.get_by_role("button", name=t["join"]).wait_for()
    assert page.url == f"{live}/j/{walk.join_token}"
    assert page.locator("html").get_attribute("lang") == chosen

    # Every following page, and a fresh visit, stays in the chosen language.
    join_and_capture(page, live, walk, t)
    page.goto(live + "/")
    assert page.locator("html").get_attribute("lang") == chosen
    page.goto(f"{live}/w/{walk.join_token}/new")
    page.get_by_role("group", name=t["how_safe"]).wait_for()


@pytest.mark.parametrize("lang", ["en", "da"])
def test_walk_dates_are_written_in_the_language(live, runner, new_context, walk, lang):
    t = TEXT[lang]
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    page = new_context(locale=t["locale"], **DESKTOP).new_page()
    page.goto(f"{live}/j/{walk.join_token}")
    assert page.locator(".meta").first.inner_text().startswith(t["walk_day"] + " · ")

    email, password, _role = DEMO_ACCOUNTS[0]
    page.goto(live + "/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").last.click()
    page.goto(f"{live}/walks/{walk.id}")
    page.locator(".page-head .meta").get_by_text(t["walk_day_full"], exact=True).wait_for()
    page.goto(f"{live}/walks/")
    page.get_by_text(
        "1. dec. 2026, 18:30" if lang == "da" else "1 Dec 2026, 18:30", exact=True
    ).wait_for()
