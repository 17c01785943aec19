"""Accessibility of issue 8's pages (owners, handover, needs attention) with the sweep's checks:
axe with no violations, the language, colour-only badges and maps, on a phone and a desktop."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fieldapp.demo import DEMO_ACCOUNTS
from fieldapp.extensions import db
from fieldapp.orgs.defaults import DEMO_STAFF

from .a11y_checks import check_pages
from .a11y_pages import Demo, load_demo, login
from .test_languages import compiled_catalogues  # noqa: F401  (the fixture, by name)

pytestmark = pytest.mark.usefixtures("compiled_catalogues")


def coordinator_owner_pages(page, live, demo: Demo, lang: str) -> Iterator[tuple[str, bool]]:
    login(page, live, *DEMO_ACCOUNTS[0][:2])
    page.goto(live + "/walks/")
    yield "start page with needs-attention counts", False
    page.goto(live + "/attention/")
    yield "needs attention", False
    page.goto(live + "/attention/?source=unowned_issues")
    yield "needs attention, one source", False
    page.goto(f"{live}/attention/?org={demo.administration_id}")
    yield "needs attention, one organisation", False
    page.goto(live + "/walks/new")
    yield "new walk with organisation and owner", False
    page.goto(f"{live}/walks/{demo.running_walk_id}")
    yield "walk with its owner", False
    page.goto(f"{live}/triage/issues/{demo.issue_id}")
    yield "issue with its owner form", False
    page.goto(f"{live}/plans/{demo.action_item_id}/edit")
    yield "action item with owner", False


def admin_owner_pages(page, live, demo: Demo, lang: str) -> Iterator[tuple[str, bool]]:
    from fieldapp.auth.services import find_user

    coordinator = find_user(db.session, DEMO_ACCOUNTS[0][0])
    login(page, live, *DEMO_ACCOUNTS[1][:2])
    page.goto(live + "/admin/")
    yield "admin start with organisations without members", False
    page.goto(f"{live}/admin/users/{coordinator.id}/deactivate")
    yield "deactivate with handover", False
    page.locator("main form button[type=submit].primary").click()
    page.locator(".field-errors, .error-summary").first.wait_for()
    yield "deactivate with handover, refused", False


def staff_owner_pages(page, live, demo: Demo, lang: str) -> Iterator[tuple[str, bool]]:
    login(page, live, *DEMO_STAFF)
    page.goto(live + "/attention/")
    yield "staff: needs attention", False


@pytest.mark.parametrize(("view", "lang"), [("phone", "da"), ("desktop", "en")])
def test_owner_and_attention_pages(live, runner, new_context, view, lang):
    demo = load_demo(runner)
    tally = check_pages(new_context, live, demo, coordinator_owner_pages, view, lang)
    assert tally.pages == 8
    tally = check_pages(new_context, live, demo, admin_owner_pages, view, lang)
    assert tally.pages == 3
    tally = check_pages(new_context, live, demo, staff_owner_pages, view, lang)
    assert tally.pages == 1


def test_coordinator_hands_over_on_a_phone(live, runner, new_context):
    """Bar 2 in the browser: the admin deactivates the demo coordinator, is refused without a
    successor, names one, and the coordinator's open items belong to the successor."""
    from fieldapp.auth.services import create_user, find_user
    from fieldapp.orgs.ownership import count_open_items_owned_by, open_items_with_inactive_owner

    load_demo(runner)
    coordinator = find_user(db.session, DEMO_ACCOUNTS[0][0])
    owned = count_open_items_owned_by(db.session, coordinator.id)
    assert owned > 0
    heir = create_user(
        db.session, "ny@fieldapp.dk", "Ny Koordinator", "et-langt-kodeord", "coordinator"
    )
    heir.administration_id = coordinator.administration_id
    db.session.commit()

    context = new_context(
        locale="en-GB", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    login(page, live, *DEMO_ACCOUNTS[1][:2])
    page.goto(live + "/admin/users/")
    page.get_by_role("link", name=f"Deactivate {coordinator.name}").click()
    page.get_by_role("button", name="Deactivate").click()
    page.locator(".error-summary").wait_for()
    assert f"still owns {owned} open items" in page.content()
    page.get_by_label("A successor (an active member of the organisation)").check()
    page.get_by_label("Successor", exact=True).select_option(label="Ny Koordinator (Park og Vej)")
    page.get_by_role("button", name="Deactivate").click()
    page.wait_for_load_state()
    assert "/admin/users/" in page.url
    assert f"{owned} open items were moved" in page.content()
    db.session.expire_all()
    assert count_open_items_owned_by(db.session, heir.id) == owned
    assert open_items_with_inactive_owner(db.session) == []
