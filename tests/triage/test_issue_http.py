"""Creating issues and moving them through the workflow over HTTP, as coordinators do."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from triage_factories import (
    LAT,
    LON,
    login,
    make_admin,
    make_area,
    make_coordinator,
    make_issue,
    make_obs,
    make_rule,
)

from fieldapp.capture.models import Observation
from fieldapp.db import utcnow
from fieldapp.extensions import db
from fieldapp.notify.models import OutboxMessage
from fieldapp.triage.models import Issue, IssueEvent


@pytest.fixture
def coordinator(client, app):
    login(client, make_coordinator())
    return client


def selected(html: str, name: str) -> str | None:
    select_html = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    match = re.search(
        r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', select_html
    )
    return (match.group(1) or match.group(2)) if match else None


def test_create_form_is_prefilled_and_the_rule_preselects_the_administration(
    coordinator, make_walk
) -> None:
    parks, police = make_admin(), make_admin("Nordjyllands Politi", "politi@example.dk")
    area = make_area("Karolinelunden", LAT - 0.01, LON - 0.01, LAT + 0.01, LON + 0.01)
    make_rule("lighting", parks)
    make_rule("lighting", police, area)  # the area's rule beats the default
    walk = make_walk(place_name="Midtbyen")
    a = make_obs(walk=walk, text="Stien er mørk.", severity=3)
    b = make_obs(walk=walk, text="To lamper er gået.", lat=LAT + 0.0001, lon=LON + 0.0001)
    resp = coordinator.get(f"/triage/issues/new?obs={a.id}&obs={b.id}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert 'value="Lighting – Karolinelunden"' in html
    assert "Stien er mørk.\n\nTo lamper er gået." in html
    assert selected(html, "category") == "lighting"
    assert selected(html, "priority") == "high"  # from severity 3
    assert selected(html, "administration_id") == str(police.id)
    assert 'value="57.04645"' in html  # centroid latitude


def test_create_only_records_the_event_and_links_the_observations(coordinator) -> None:
    a, b = make_obs(photos=1), make_obs(text="Også mørkt her")
    resp = coordinator.post(
        "/triage/issues/new",
        data={
            "obs": [a.id, b.id],
            "title": "Mørk sti",
            "description": "Lys mangler",
            "category": "lighting",
            "priority": "normal",
            "administration_id": "",
            "action": "create",
        },
    )
    assert resp.status_code == 302
    issue = db.session.scalars(select(Issue)).one()
    assert (issue.status, issue.administration_id, issue.title) == ("new", None, "Mørk sti")
    assert set(db.session.scalars(select(Observation.issue_id))) == {issue.id}
    assert [(e.kind, e.user_id) for e in issue.events] == [("created", issue.created_by_id)]
    # Creating again from the same observations: they are taken → 400, not a second issue.
    again = coordinator.post(
        "/triage/issues/new",
        data={
            "obs": [a.id],
            "title": "x",
            "category": "lighting",
            "priority": "normal",
            "action": "create",
        },
    )
    assert again.status_code == 400
    assert "already belongs to an issue" in again.get_data(as_text=True)


def test_create_and_forward_needs_an_administration_and_keeps_the_input(coordinator) -> None:
    obs = make_obs()
    data = {
        "obs": [obs.id],
        "title": "Mørk sti ved blok 4",
        "description": "Lys",
        "category": "lighting",
        "priority": "high",
        "administration_id": "",
        "action": "forward",
    }
    resp = coordinator.post("/triage/issues/new", data=data)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "Choose the administration to forward the issue to." in html
    assert 'value="Mørk sti ved blok 4"' in html
    assert db.session.scalar(select(db.func.count()).select_from(Issue)) == 0
    assert db.session.get(Observation, obs.id).issue_id is None

    admin = make_admin()
    resp = coordinator.post("/triage/issues/new", data={**data, "administration_id": str(admin.id)})
    assert resp.status_code == 302
    issue = db.session.scalars(select(Issue)).one()
    assert (issue.status, issue.administration_id) == ("forwarded", admin.id)
    assert issue.due_at is not None
    assert [e.kind for e in issue.events] == ["created", "status"]
    # The notifier wrote the administration's e-mail in the same transaction.
    assert db.session.scalar(select(OutboxMessage.to_addr)) == "bl@aalborg.dk"


def test_create_rejects_bad_selection_and_fields(coordinator) -> None:
    obs = make_obs()
    assert coordinator.get("/triage/issues/new?obs=abc").status_code == 400
    assert coordinator.get("/triage/issues/new?obs=999999").status_code == 400
    assert (
        coordinator.get("/triage/issues/new").status_code == 302
    )  # nothing selected: back to the list
    resp = coordinator.post(
        "/triage/issues/new",
        data={
            "obs": [obs.id],
            "title": "",
            "category": "nope",
            "priority": "normal",
            "action": "create",
        },
    )
    assert resp.status_code == 400
    assert "Give the issue a title." in resp.get_data(as_text=True)


def test_rejecting_needs_a_reason(coordinator) -> None:
    issue = make_issue()
    resp = coordinator.post(
        f"/triage/issues/{issue.id}/status", data={"to_status": "rejected", "public_comment": ""}
    )
    assert resp.status_code == 400
    assert "Give a reason" in resp.get_data(as_text=True)
    resp = coordinator.post(
        f"/triage/issues/{issue.id}/status",
        data={
            "to_status": "rejected",
            "public_comment": "Det er privat grund.",
            "internal_note": "Ejer kontaktet",
        },
    )
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Issue, issue.id).status == "rejected"


def test_forwarding_without_administration_is_a_400_that_keeps_the_comment(coordinator) -> None:
    issue = make_issue()
    resp = coordinator.post(
        f"/triage/issues/{issue.id}/status",
        data={"to_status": "forwarded", "administration_id": "", "public_comment": "Sendt videre"},
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "Choose the administration to forward the issue to." in html
    assert "Sendt videre</textarea>" in html


def test_status_change_that_the_workflow_forbids_is_a_400(coordinator) -> None:
    issue = make_issue()
    for data in ({"to_status": "resolved"}, {"to_status": "bogus"}, {"to_status": ""}):
        assert coordinator.post(f"/triage/issues/{issue.id}/status", data=data).status_code == 400


def test_forward_with_the_preselected_rule_and_see_the_audit_trail(coordinator) -> None:
    admin = make_admin()
    make_rule("lighting", admin)
    issue = make_issue()
    html = coordinator.get(f"/triage/issues/{issue.id}").get_data(as_text=True)
    assert selected(html, "administration_id") == str(admin.id)
    coordinator.post(
        f"/triage/issues/{issue.id}/status",
        data={
            "to_status": "forwarded",
            "administration_id": str(admin.id),
            "public_comment": "Kommunen er orienteret.",
            "internal_note": "Ring til Jens",
        },
    )
    html = coordinator.get(f"/triage/issues/{issue.id}").get_data(as_text=True)
    trail = html[html.index('id="audit-heading"') :]
    assert "Status changed" in trail and "New" in trail and "Forwarded" in trail
    assert "by Karen Koordinator" in trail
    assert "Kommunen er orienteret." in trail
    note = re.search(
        r'tri-internal"><span class="tri-tag">([^<]*)</span><p class="prewrap">([^<]*)<', trail
    )
    assert note.groups() == ("Internal note – not shown to reporters", "Ring til Jens")
    assert "Issue created" in trail


def test_edit_records_the_changed_fields(coordinator) -> None:
    admin = make_admin()
    issue = make_issue(status="forwarded", administration=admin)
    due_before = issue.due_at
    resp = coordinator.post(
        f"/triage/issues/{issue.id}/edit",
        data={"title": "Ny titel", "description": "", "category": "lighting", "priority": "urgent"},
    )
    assert resp.status_code == 302
    db.session.expire_all()
    issue = db.session.get(Issue, issue.id)
    assert issue.title == "Ny titel" and issue.due_at < due_before
    event = db.session.scalars(select(IssueEvent).where(IssueEvent.kind == "edited")).one()
    assert event.internal_note == "Changed: Title, Priority"
    assert (
        coordinator.post(
            f"/triage/issues/{issue.id}/edit",
            data={"title": "", "category": "x", "priority": "normal"},
        ).status_code
        == 400
    )


def test_overdue_issue_is_marked_in_words(coordinator) -> None:
    admin = make_admin()
    late = make_issue(status="forwarded", administration=admin, title="Forsinket")
    late.due_at = utcnow() - timedelta(days=2)
    on_time = make_issue(status="forwarded", administration=admin, title="I tide")
    db.session.commit()
    html = coordinator.get(f"/triage/issues/{late.id}").get_data(as_text=True)
    assert "Overdue since" in html and "tri-head is-overdue" in html
    html = coordinator.get(f"/triage/issues/{on_time.id}").get_data(as_text=True)
    assert "Overdue since" not in html and "Due " in html
    html = coordinator.get("/triage/?kind=issues&sort=due").get_data(as_text=True)
    row = re.search(rf'<tr id="issue-row-{late.id}" class="([^"]*)">(.*?)</tr>', html, re.S)
    assert row.group(1) == "is-overdue" and "Overdue since" in row.group(2)
    assert html.index(f"issue-row-{late.id}") < html.index(f"issue-row-{on_time.id}")
