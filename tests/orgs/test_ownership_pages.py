"""Issue 8: walks, issues and action items show and change their organisation and owner."""

from __future__ import annotations

from conftest import english
from owner_fixtures import *  # noqa: F403  (its pytest fixtures)
from owner_fixtures import PASSWORD
from sqlalchemy import select

from fieldapp.audit.models import AuditEntry
from fieldapp.extensions import db
from fieldapp.plans.models import ActionItem
from fieldapp.triage.models import IssueEvent
from fieldapp.walks.models import Walk

WALK = {
    "title": "Aftenvandring i Karolinelunden",
    "place_name": "Karolinelunden",
    "starts_at": "2026-12-03T18:30",
    "status": "planned",
}


def login(client, email: str):
    english(client)
    resp = client.post("/login", data={"email": email, "password": PASSWORD})
    assert resp.status_code == 302, resp.status_code
    return client


def audit(kind: str, object_id: int) -> list[AuditEntry]:
    """Changes only: page views are logged too (privacy), but are not what these tests check."""
    return list(
        db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.object_type == kind,
                AuditEntry.object_id == object_id,
                AuditEntry.action.not_like("%.viewed"),
            )
        )
    )


def test_walk_form_sets_organisation_and_owner_and_the_page_shows_them(client, world) -> None:
    login(client, "anna@example.dk")
    form = client.get("/walks/new").get_data(as_text=True)
    # The coordinator's own organisation is preselected; owners are labelled with theirs.
    assert f'<option selected value="{world.parks.id}">' in form
    assert "Bo Efterfølger (Park og Vej)" in form
    data = WALK | {"administration_id": str(world.parks.id), "owner_id": str(world.bo.id)}
    resp = client.post("/walks/new", data=data)
    assert resp.status_code == 302
    walk = db.session.scalar(select(Walk).where(Walk.title == WALK["title"]))
    assert (walk.administration_id, walk.owner_id) == (world.parks.id, world.bo.id)
    page = client.get(f"/walks/{walk.id}").get_data(as_text=True)
    assert "By- og Landskabsforvaltningen" in page and "Bo Efterfølger" in page
    assert [e.action for e in audit("walk", walk.id)] == ["owner.changed"]


def test_a_walk_needs_an_organisation_and_an_owner_from_it(client, world) -> None:
    login(client, "anna@example.dk")
    resp = client.post("/walks/new", data=WALK | {"administration_id": ""})
    assert resp.status_code == 400
    assert "Choose the organisation that organises the walk." in resp.get_data(as_text=True)
    data = WALK | {"administration_id": str(world.parks.id), "owner_id": str(world.politi.id)}
    resp = client.post("/walks/new", data=data)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "Per Politi is not a member of By- og Landskabsforvaltningen" in page
    assert 'value="Aftenvandring i Karolinelunden"' in page  # what was typed is kept
    assert db.session.scalar(select(Walk).where(Walk.title == WALK["title"])) is None


def test_issue_owner_choices_are_the_organisations_active_members(client, world) -> None:
    login(client, "anna@example.dk")
    issue = world.issues[0]
    page = client.get(f"/triage/issues/{issue.id}").get_data(as_text=True)
    assert "Organisation and owner" in page
    assert ">Bo Efterfølger</option>" in page
    assert "Per Politi" not in page  # another organisation's staff is not offered

    resp = client.post(f"/triage/issues/{issue.id}/owner", data={"owner_id": str(world.bo.id)})
    assert resp.status_code == 302
    db.session.refresh(issue)
    assert issue.owner_id == world.bo.id
    event = db.session.scalars(
        select(IssueEvent).where(IssueEvent.issue_id == issue.id, IssueEvent.kind == "owner")
    ).one()
    assert event.internal_note == "Anna Koordinator → Bo Efterfølger"
    history = client.get(f"/triage/issues/{issue.id}").get_data(as_text=True)
    assert "Owner changed" in history and "Anna Koordinator → Bo Efterfølger" in history

    resp = client.post(f"/triage/issues/{issue.id}/owner", data={"owner_id": str(world.politi.id)})
    assert resp.status_code == 400
    assert "Choose an option from the list." in resp.get_data(as_text=True)


def test_staff_take_an_issue_of_their_own_organisation_only(client, world) -> None:
    from fieldapp.auth.services import create_user

    staff = create_user(db.session, "drift@example.dk", "Dorte Drift", PASSWORD, "staff")
    staff.administration_id = world.parks.id
    db.session.commit()
    login(client, "drift@example.dk")
    issue = world.issues[0]
    resp = client.post(f"/triage/issues/{issue.id}/owner", data={"owner_id": str(staff.id)})
    assert resp.status_code == 302
    db.session.refresh(issue)
    assert issue.owner_id == staff.id
    police_issue = world.issues[1]
    police_issue.administration_id = world.police.id
    police_issue.owner_id = None
    db.session.commit()
    resp = client.post(f"/triage/issues/{police_issue.id}/owner", data={"owner_id": ""})
    assert resp.status_code == 404


def test_forwarding_elsewhere_returns_the_issue_to_the_new_organisations_queue(
    client, world
) -> None:
    login(client, "anna@example.dk")
    issue = world.issues[2]  # new, owned by Anna in Park og Vej
    resp = client.post(
        f"/triage/issues/{issue.id}/status",
        data={"to_status": "forwarded", "administration_id": str(world.police.id)},
    )
    assert resp.status_code == 302
    db.session.refresh(issue)
    assert (issue.administration_id, issue.owner_id) == (world.police.id, None)


def test_action_item_owner_is_edited_and_shown(client, world) -> None:
    login(client, "anna@example.dk")
    item = world.item
    data = {
        "description": item.description,
        "area_id": "",
        "administration_id": str(world.parks.id),
        "owner_id": str(world.bo.id),
        "responsible_person": "",
        "deadline": "2026-01-31",
        "status": "in_progress",
    }
    assert client.post(f"/plans/{item.id}/edit", data=data).status_code == 302
    db.session.refresh(item)
    assert item.owner_id == world.bo.id
    assert "owner: Bo Efterfølger" in client.get("/plans/").get_data(as_text=True)
    # Moving the item to the police with Bo as owner is refused: he is not a member there.
    resp = client.post(
        f"/plans/{item.id}/edit", data=data | {"administration_id": str(world.police.id)}
    )
    assert resp.status_code == 400
    assert "Bo Efterfølger is not a member of Nordjyllands Politi" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ActionItem, item.id).administration_id == world.parks.id
    entries = audit("action_item", item.id)
    assert [e.action for e in entries] == ["owner.changed"]
