"""Accessibility of the walk request pages (issue 8): axe finds nothing on a phone in Danish and
in English; the public pages have 44 px targets; statuses are words, not colour only; the
queue's map has its list. Reuses the sweep's helpers (a11y_checks, a11y_pages).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from fieldapp.demo import DEMO_ACCOUNTS
from fieldapp.extensions import db
from fieldapp.walkrequests.models import WalkRequest

from .a11y_checks import check_pages
from .a11y_pages import login
from .test_languages import compiled_catalogues  # noqa: F401  (the fixture, by name)

pytestmark = pytest.mark.usefixtures("compiled_catalogues")


@dataclass
class Requests:
    new_id: int
    new_token: str
    accepted_token: str
    walked_token: str
    declined_token: str
    accepted_id: int


def load_requests(runner) -> Requests:
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    rows = {r.place_name.split(",")[0]: r for r in db.session.scalars(select(WalkRequest))}
    return Requests(
        new_id=rows["Karolinelunden"].id,
        new_token=rows["Karolinelunden"].token,
        accepted_token=rows["Bredgade Torv"].token,
        walked_token=rows["Løvvangen"].token,
        declined_token=rows["Jomfru Ane Gade"].token,
        accepted_id=rows["Bredgade Torv"].id,
    )


def public_pages(page, live, r: Requests, lang: str) -> Iterator[tuple[str, bool]]:
    page.goto(live + "/request-walk")
    yield "request form", True
    page.wait_for_load_state()
    page.locator("form.walk-request-form button[type=submit]").click()
    assert page.locator(".error-summary").count() == 1
    yield "request form with errors", True
    for name, token in (
        ("new", r.new_token),
        ("accepted", r.accepted_token),
        ("walked", r.walked_token),
        ("declined", r.declined_token),
    ):
        page.goto(f"{live}/request-walk/t/{token}")
        yield f"tracking page ({name})", True
    page.goto(f"{live}/request-walk/t/{r.new_token}?sent=1")
    yield "receipt", True


def coordinator_pages(page, live, r: Requests, lang: str) -> Iterator[tuple[str, bool]]:
    login(page, live, *DEMO_ACCOUNTS[0][:2])
    page.goto(live + "/walk-requests/")
    yield "request queue", False
    page.goto(live + "/walk-requests/?status=all")
    yield "request queue (all)", False
    page.goto(f"{live}/walk-requests/{r.new_id}")
    yield "request detail (new)", False
    page.locator("button.danger[type=submit]").click()  # decline without a reason
    assert page.locator(".error-summary").count() == 1
    yield "request detail (decline without a reason)", False
    page.goto(f"{live}/walk-requests/{r.accepted_id}")
    yield "request detail (accepted)", False


@pytest.mark.parametrize("lang", ["da", "en"])
def test_walk_request_public_pages_on_a_phone(live, runner, new_context, lang):
    tally = check_pages(new_context, live, load_requests(runner), public_pages, "phone", lang)
    assert tally.pages == 7 and tally.touch_pages == 7
    assert tally.badges >= 5  # every tracking page shows its status in words
    assert tally.maps >= 2  # the form's pin map, also in its error state


@pytest.mark.parametrize("lang", ["da", "en"])
def test_walk_request_coordinator_pages_on_a_phone(live, runner, new_context, lang):
    tally = check_pages(new_context, live, load_requests(runner), coordinator_pages, "phone", lang)
    assert tally.pages == 5
    assert tally.maps >= 2  # the queue's map, with its list
