"""The action plan: every item whatever made it, overdue ones said in words, status rules,
coordinators edit, staff move only their own administration's items."""

from __future__ import annotations

import re
from datetime import date

import pytest
from plan_support import stats_fixtures as f

from fieldapp.extensions import db
from fieldapp.plans.models import ActionItem
from fieldapp.plans.services import PlanError, is_overdue, may_update_status, set_status

TODAY = date(2026, 11, 25)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("fieldapp.plans.views.today", lambda: TODAY)


@pytest.fixture
def plan(app):
    """Løvvangen with items from a meeting decision, an issue and a coordinator."""
    area = f.make_area("Løvvangen")
    parks = f.make_admin()
    housing = f.make_admin("Sundby-Hvorup Boligselskab – driften", "Boligselskabet")
    meeting = f.make_meeting(area, f.utc(2026, 10, 1, 17))
    decision = f.make_decision(meeting, "Der skal mere lys på stien")
    issue = f.make_issue(f.utc(2026, 9, 1, 8), area=area, title="Mørk sti ved blok 4")
    items = {
        "late": f.make_item(
            area,
            "Beskær buskene ved legepladsen",
            status="in_progress",
            deadline=date(2026, 10, 31),
            admin=housing,
        ),
        "meeting": f.make_item(
            area,
            "To nye lamper på stien",
            deadline=date(2026, 12, 15),
            admin=parks,
            meeting_id=meeting.id,
            decision_id=decision.id,
            issue_id=issue.id,
        ),
        "done": f.make_item(
            area,
            "Informationsmøde",
            status="done",
            admin=housing,
            deadline=date(2026, 3, 1),
            completed_at=f.utc(2026, 3, 10, 12),
        ),
        "person": f.make_item(area, "Skilt med kontaktinfo", person="Afdelingsbestyrelsen"),
    }
    return area, parks, housing, items


def test_plan_lists_items_from_meetings_issues_and_coordinators(client, plan) -> None:
    area, _parks, _housing, items = plan
    f.login(client, f.make_user("coordinator", "k@example.dk"))
    resp = client.get(f"/plans/area/{area.id}")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    for item in items.values():
        assert item.description in page
    assert "Meeting: Dialogmøde" in page
    assert "Decision: Der skal mere lys på stien" in page
    assert "Issue #" in page and "Mørk sti ved blok 4" in page
    assert "Afdelingsbestyrelsen" in page
    # Overdue first, then by deadline, then done.
    order = [page.index(items[k].description) for k in ("late", "meeting", "person", "done")]
    assert order == sorted(order)


def test_overdue_items_say_so_in_words(client, plan) -> None:
    area, _parks, _housing, items = plan
    f.login(client, f.make_user("coordinator", "k@example.dk"))
    page = client.get(f"/plans/area/{area.id}").get_data(as_text=True)
    late = re.search(
        rf'<li class="card plan-item is-overdue" id="item-{items["late"].id}">'
        r"(.*?)</li>\s*(?:<li|</ol>)",
        page,
        re.S,
    )
    assert late, "the overdue item is not marked"
    assert "Overdue" in late.group(1) and "October 31, 2026" in late.group(1)
    assert page.count("plan-item is-overdue") == 1  # the done item past its deadline is not
    assert is_overdue(items["late"], TODAY) and not is_overdue(items["done"], TODAY)
    assert not is_overdue(items["late"], date(2026, 10, 31))  # due today is not late yet


def test_filters_by_status_and_administration(client, plan) -> None:
    area, parks, _housing, items = plan
    f.login(client, f.make_user("coordinator", "k@example.dk"))
    page = client.get(f"/plans/area/{area.id}?status=overdue").get_data(as_text=True)
    assert items["late"].description in page and items["meeting"].description not in page
    page = client.get(f"/plans/?administration={parks.id}").get_data(as_text=True)
    assert items["meeting"].description in page and items["late"].description not in page
    page = client.get("/plans/?status=done").get_data(as_text=True)
    assert items["done"].description in page and items["person"].description not in page
    resp = client.get("/plans/?status=someday&administration=x&area=99999")
    assert resp.status_code == 400
    body = resp.get_data(as_text=True)
    assert "Choose a status from the list." in body
    assert "Choose an administration from the list." in body
    assert "Choose an area from the list." in body


def test_coordinator_creates_and_edits_an_item(client, plan) -> None:
    area, parks, _housing, _items = plan
    f.login(client, f.make_user("coordinator", "k@example.dk"))
    data = {
        "description": "Ryd op i kælderskakten",
        "area_id": str(area.id),
        "administration_id": "",
        "responsible_person": "",
        "deadline": "31-12-2026",
        "status": "open",
    }
    resp = client.post("/plans/new", data=data)
    assert resp.status_code == 400
    body = resp.get_data(as_text=True)
    assert "Choose the responsible administration or name a person or group." in body
    assert "Enter the date as YYYY-MM-DD" in body
    assert "Ryd op i kælderskakten" in body  # kept
    data.update(administration_id=str(parks.id), deadline="2026-12-31", is_initiative="y")
    resp = client.post("/plans/new", data=data)
    assert resp.status_code == 302
    item = db.session.query(ActionItem).filter_by(description="Ryd op i kælderskakten").one()
    assert (item.area_id, item.administration_id, item.deadline, item.is_initiative) == (
        area.id,
        parks.id,
        date(2026, 12, 31),
        True,
    )
    resp = client.post(f"/plans/{item.id}/edit", data={**data, "status": "done"})
    assert resp.status_code == 302
    db.session.refresh(item)
    assert item.status == "done" and item.completed_at is not None
    assert client.get(f"/plans/new?area={area.id}").status_code == 200
    assert (
        client.post("/plans/new", data={**data, "administration_id": "987654"}).status_code == 400
    )
    resp = client.post("/plans/new", data={**data, "deadline": "0001-01-01"})
    assert "Choose a deadline between 2000 and 2100." in resp.get_data(as_text=True)


def test_done_stamps_completed_at_and_reopening_clears_it(client, plan) -> None:
    area, _parks, _housing, items = plan
    f.login(client, f.make_user("coordinator", "k@example.dk"))
    item = items["meeting"]
    back = f"/plans/area/{area.id}?status=pending"
    resp = client.post(f"/plans/{item.id}/status", data={"status": "done", "back": back})
    assert resp.status_code == 302
    assert resp.location.endswith(f"{back}#item-{item.id}")
    db.session.refresh(item)
    assert item.status == "done" and item.completed_at is not None
    client.post(f"/plans/{item.id}/status", data={"status": "in_progress"})
    db.session.refresh(item)
    assert item.status == "in_progress" and item.completed_at is None
    assert client.post(f"/plans/{item.id}/status", data={"status": "finished"}).status_code == 400
    resp = client.post(
        f"/plans/{item.id}/status", data={"status": "open", "back": "https://evil.example"}
    )
    assert resp.location.endswith(f"/plans/area/{area.id}#item-{item.id}")


def test_staff_see_and_move_only_their_administrations_items(client, plan) -> None:
    area, parks, housing, items = plan
    f.login(client, f.make_user("staff", "drift@example.dk", housing))
    page = client.get("/plans/").get_data(as_text=True)
    assert items["late"].description in page and items["done"].description in page
    assert items["meeting"].description not in page  # Park og Vej's
    page = client.get(f"/plans/area/{area.id}?administration={parks.id}").get_data(as_text=True)
    assert items["meeting"].description not in page  # asking for another's does not help
    assert "New action item" not in page

    resp = client.post(f"/plans/{items['late'].id}/status", data={"status": "done"})
    assert resp.status_code == 302
    db.session.refresh(items["late"])
    assert items["late"].status == "done"
    assert (
        client.post(f"/plans/{items['meeting'].id}/status", data={"status": "done"}).status_code
        == 404
    )
    assert client.get("/plans/new").status_code == 403
    assert client.get(f"/plans/{items['late'].id}/edit").status_code == 403


def test_guests_log_in_and_staff_without_administration_are_refused(client, app) -> None:
    assert "/login" in client.get("/plans/").location
    f.login(client, f.make_user("staff", "lost@example.dk"))
    assert client.get("/plans/").status_code == 403


def test_status_rules_without_http(app) -> None:
    item = ActionItem(description="x", status="open")
    assert set_status(item, "done", now=f.utc(2026, 5, 1, 12))
    assert item.completed_at == f.utc(2026, 5, 1, 12)
    assert not set_status(item, "done")  # unchanged, keeps its date
    assert item.completed_at == f.utc(2026, 5, 1, 12)
    assert set_status(item, "cancelled") and item.completed_at is None
    with pytest.raises(PlanError):
        set_status(item, "later")
    item.administration_id = 7
    assert may_update_status(item, coordinates=True, administration_id=None)
    assert may_update_status(item, coordinates=False, administration_id=7)
    assert not may_update_status(item, coordinates=False, administration_id=8)
    assert not may_update_status(item, coordinates=False, administration_id=None)
