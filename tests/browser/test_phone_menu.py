"""The staff header on a 390×844 phone: the links fold behind a "Menu" button (aria-expanded),
so the header is one row; the menu opens by tap and by keyboard, shows a focus ring, has 44 px
targets and closes with Escape. On a desktop, and without JavaScript, every link shows."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .a11y_checks import DESKTOP
from .conftest import screenshot
from .test_languages import compiled_catalogues  # noqa: F401  (the fixture, by name)

pytestmark = pytest.mark.usefixtures("compiled_catalogues")

PHONE_KEYBOARD = {**DESKTOP, "viewport": {"width": 390, "height": 844}}


def log_in(page, live, kit, role: str = "coordinator") -> None:
    page.goto(live + "/login")
    page.locator("input[name=email]").fill(f"{role}@example.dk")
    page.locator("input[name=password]").fill(kit.PASSWORDS[role])
    page.locator("form button[type=submit]").last.click()
    expect(page.locator(".site-header")).to_be_visible()
    assert "/login" not in page.url


def header_height(page) -> float:
    return page.locator(".site-header").bounding_box()["height"]


def test_coordinator_opens_the_phone_menu_by_tap(live, new_context, kit) -> None:
    kit.make_user("admin")  # an admin sees every link: walks … results, needs attention, admin
    page = new_context().new_page()
    log_in(page, live, kit, "admin")
    toggle = page.get_by_role("button", name="Menu")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    walks = page.locator(".site-menu").get_by_role("link", name="Vandringer", exact=True)
    expect(walks).to_be_hidden()
    assert header_height(page) < 60, "the closed header is one row"
    screenshot(page, "phone-menu-closed")

    toggle.tap()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(walks).to_be_visible()
    links = page.locator(".site-menu a, .site-menu button")
    assert links.count() == 9  # 7 coordinator links, admin, log out
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, links.nth(i).inner_text()
    screenshot(page, "phone-menu-open")
    walks.tap()
    expect(page).to_have_url(f"{live}/walks/")


def test_keyboard_user_opens_and_closes_the_menu(live, new_context, kit) -> None:
    kit.make_user("coordinator")
    page = new_context(**PHONE_KEYBOARD).new_page()
    log_in(page, live, kit)
    toggle = page.get_by_role("button", name="Menu")
    toggle.focus()
    ring = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert ring != "none", "the menu button shows where the focus is"
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")  # into the menu, straight after its button
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Vandringer"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    expect(page.locator(".site-menu").get_by_role("link", name="Vandringer")).to_be_hidden()


def test_desktop_header_is_unchanged_and_no_js_shows_every_link(live, new_context, kit) -> None:
    kit.make_user("coordinator")
    page = new_context(**DESKTOP).new_page()
    log_in(page, live, kit)
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.get_by_role("link", name="Kræver opmærksomhed")).to_be_visible()
    # Every link in the header as before (at 1280 px the Danish links take two rows, as they
    # did before the menu existed).
    assert page.locator(".site-nav a:visible").count() == 7
    screenshot(page, "desktop-header")

    page = new_context(java_script_enabled=False).new_page()
    log_in(page, live, kit)
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    for name in ("Vandringer", "Visitering", "Kræver opmærksomhed", "Log ud"):
        expect(page.locator(".site-nav").get_by_text(name, exact=True)).to_be_visible()
