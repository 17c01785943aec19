"""Accessibility of the privacy and audit log admin pages, in their real states (search result,
the erase form's error, a filtered and a refused log filter), with the sweep's own checks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fieldapp.demo import DEMO_ACCOUNTS

from .a11y_checks import check_pages
from .a11y_pages import Demo, load_demo, login
from .test_languages import compiled_catalogues  # noqa: F401  (the fixture, by name)

pytestmark = pytest.mark.usefixtures("compiled_catalogues")


def privacy_pages(page, live, demo: Demo, lang: str) -> Iterator[tuple[str, bool]]:
    email, password, _role = DEMO_ACCOUNTS[1]
    login(page, live, email, password)
    page.goto(live + "/admin/privacy/")
    yield "privacy", False
    page.locator("main form button[type=submit].primary").click()
    page.locator(".field-errors, .error-summary").first.wait_for()
    yield "privacy, empty search", False
    page.locator("input[name=query]").fill(demo.tracked_code)
    page.locator("main form button[type=submit].primary").click()
    page.locator("#erase-title").wait_for()
    yield "reporter data", False
    page.locator("main form button.danger").click()
    page.locator(".field-errors, .error-summary").first.wait_for()
    yield "reporter data, erase not confirmed", False
    page.goto(live + "/admin/audit/")
    yield "audit log", False
    page.goto(live + "/admin/audit/?action=gdpr.viewed")
    yield "audit log, filtered", False
    page.goto(live + "/admin/audit/?since=2026-11-05&until=2026-11-01")
    yield "audit log, bad filter", False


@pytest.mark.parametrize(("view", "lang"), [("phone", "da"), ("desktop", "en")])
def test_privacy_and_audit_pages(live, runner, new_context, view, lang):
    tally = check_pages(new_context, live, load_demo(runner), privacy_pages, view, lang)
    assert tally.pages == 7
