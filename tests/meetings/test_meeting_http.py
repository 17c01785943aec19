"""Coordinator pages of a meeting over HTTP: who may see them, forms, decisions, live.json."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from meeting_fixtures import join, make_admin, make_group, make_meeting, meeting_with_findings, vote
from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.meetings.models import Decision, Meeting
from fieldapp.plans.models import ActionItem

PAGES = (
    "/meetings/",
    "/meetings/new",
    "/meetings/{id}",
    "/meetings/{id}/edit",
    "/meetings/{id}/present",
    "/meetings/{id}/live.json",
    "/meetings/{id}/minutes",
    "/meetings/{id}/minutes.csv",
    "/meetings/{id}/qr.svg",
    "/groups/",
    "/groups/new",
)


@pytest.mark.parametrize("path", PAGES)
def test_management_pages_need_a_login(client, app, path):
    meeting, _lamp, _door = meeting_with_findings()
    resp = client.get(path.format(id=meeting.id))
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


@pytest.mark.parametrize("path", PAGES)
def test_management_pages_are_for_coordinators_only(client, auth, app, path):
    meeting, _lamp, _door = meeting_with_findings()
    auth.login("staff")
    assert client.get(path.format(id=meeting.id)).status_code == 403


def test_coordinator_creates_a_meeting_in_copenhagen_time(coordinator, app):
    group = make_group(None, "Tryghedsgruppen Løvvangen")
    page = coordinator.get(f"/meetings/new?group={group.id}")
    assert f'<option selected value="{group.id}">' in page.get_data(as_text=True)
    resp = coordinator.post(
        "/meetings/new",
        data={
            "group_id": group.id,
            "title": "Dialogmøde",
            "starts_at": "2026-12-01T18:30",
            "place": "Beboerhuset",
            "agenda": "1. Fund",
            "votes_per_participant": "5",
        },
    )
    assert resp.status_code == 302
    meeting = db.session.scalar(select(Meeting))
    assert meeting.starts_at == datetime(2026, 12, 1, 17, 30, tzinfo=UTC)
    assert (meeting.votes_per_participant, meeting.status) == (5, "planned")
    detail = coordinator.get(resp.headers["Location"]).get_data(as_text=True)
    assert f"/m/{meeting.join_token}" in detail and "qr.svg" in detail


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("votes_per_participant", "11", "Enter a number from 1 to 10."),
        ("votes_per_participant", "many", "Enter a number from 1 to 10."),
        ("group_id", "", "Choose the group that meets."),
        ("group_id", "9999", "Not a valid choice"),
        ("starts_at", "next tuesday", "Enter a date and time"),
        ("title", "  ", "Give the meeting a title."),
    ],
)
def test_meeting_form_errors_keep_what_was_typed(coordinator, app, field, value, message):
    group = make_group(None)
    data = {
        "group_id": str(group.id),
        "title": "Dialogmøde om lys",
        "starts_at": "2026-12-01T18:30",
        "votes_per_participant": "3",
        "place": "Salen",
    }
    data[field] = value
    resp = coordinator.post("/meetings/new", data=data)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert message in html
    assert 'value="Salen"' in html
    assert db.session.scalar(select(Meeting)) is None


def _decision_data(issue_id, **fields):
    prefix = f"f{issue_id}-"
    return {prefix + k: v for k, v in fields.items()}


def test_decision_with_action_item_for_an_administration(coordinator, app):
    meeting, lamp, _door = meeting_with_findings()
    admin = make_admin()
    resp = coordinator.post(
        f"/meetings/{meeting.id}/findings/{lamp.id}/decision",
        data=_decision_data(
            lamp.id,
            text="Lys på stien før jul.",
            action_description="To nye lamper",
            action_administration_id=str(admin.id),
            action_deadline="2026-12-20",
            action_initiative="y",
        ),
    )
    assert resp.status_code == 303
    item = db.session.scalar(select(ActionItem))
    assert (item.description, item.administration_id, item.is_initiative) == (
        "To nye lamper",
        admin.id,
        True,
    )
    decision = db.session.get(Decision, item.decision_id)
    assert decision.text == "Lys på stien før jul."
    assert decision.issue_id == item.issue_id == lamp.id
    page = coordinator.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Lys på stien før jul." in page and "To nye lamper" in page
    db.session.refresh(meeting)
    assert meeting.revision >= 1


@pytest.mark.parametrize(
    ("fields", "field_error"),
    [
        ({"text": ""}, "Write what the meeting decided."),
        (
            {"text": "Ok", "action_deadline": "2026-12-20"},
            "Describe the action item, or clear its other fields.",
        ),
        (
            {"text": "Ok", "action_description": "Lamper"},
            "Choose the responsible administration or name a responsible person.",
        ),
        (
            {
                "text": "Ok",
                "action_description": "Lamper",
                "action_person": "Jens",
                "action_deadline": "2026-11-01",
            },
            "The deadline is before the meeting.",
        ),
        (
            {
                "text": "Ok",
                "action_description": "Lamper",
                "action_person": "Jens",
                "action_deadline": "2046-11-01",
            },
            "more than ten years away",
        ),
        (
            {
                "text": "Ok",
                "action_description": "Lamper",
                "action_person": "Jens",
                "action_deadline": "2026-13-45",
            },
            "Enter the deadline as a date",
        ),
        (
            {"text": "Ok", "action_description": "Lamper", "action_administration_id": "abc"},
            "Invalid Choice",
        ),
        (
            {"text": "Ok", "action_description": "Lamper", "action_administration_id": "4242"},
            "Not a valid choice",
        ),
    ],
)
def test_decision_form_refuses_bad_input_and_keeps_it(coordinator, app, fields, field_error):
    meeting, lamp, _door = meeting_with_findings()
    resp = coordinator.post(
        f"/meetings/{meeting.id}/findings/{lamp.id}/decision",
        data=_decision_data(lamp.id, **fields),
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert field_error in html
    assert f'id="f{lamp.id}-text"' in html and '<details class="mtg-decide" open>' in html
    if fields.get("action_description"):
        assert fields["action_description"] in html
    assert db.session.scalar(select(Decision)) is None


def test_person_may_be_responsible_and_a_general_decision_needs_no_finding(coordinator, app):
    meeting, _lamp, _door = meeting_with_findings()
    resp = coordinator.post(
        f"/meetings/{meeting.id}/decisions",
        data={
            "general-text": "Vi holder informationsmøde for nye beboere.",
            "general-action_description": "Informationsmøde",
            "general-action_person": "Jens",
        },
    )
    assert resp.status_code == 303
    item = db.session.scalar(select(ActionItem))
    assert (item.responsible_person, item.administration_id, item.issue_id) == ("Jens", None, None)


def test_decision_on_unknown_issue_is_404(coordinator, app):
    meeting, _lamp, _door = meeting_with_findings()
    resp = coordinator.post(
        f"/meetings/{meeting.id}/findings/987654/decision", data={"f987654-text": "Hmm"}
    )
    assert resp.status_code == 404


def test_live_json_answers_304_until_something_changes(coordinator, app, new_browser):
    meeting, lamp, _door = meeting_with_findings()
    first = coordinator.get(f"/meetings/{meeting.id}/live.json")
    etag = first.headers["ETag"]
    assert first.status_code == 200 and first.json["votes"] == {}
    assert "no-cache" in first.headers["Cache-Control"]
    again = coordinator.get(f"/meetings/{meeting.id}/live.json", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""

    phone = new_browser()
    join(phone, meeting)
    vote(phone, meeting, lamp.id)
    changed = coordinator.get(f"/meetings/{meeting.id}/live.json", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert changed.json["votes"] == {str(lamp.id): 1}


def test_status_change_and_notes(coordinator, app):
    meeting = make_meeting(make_group(None))
    assert (
        coordinator.post(f"/meetings/{meeting.id}/status", data={"status": "closed"}).status_code
        == 303
    )
    coordinator.post(f"/meetings/{meeting.id}/status", data={"status": "exploded"})
    coordinator.post(f"/meetings/{meeting.id}/notes", data={"notes": "Godt møde."})
    db.session.refresh(meeting)
    assert (meeting.status, meeting.notes) == ("closed", "Godt møde.")


def test_presenter_page_lists_findings_with_totals_and_the_qr(coordinator, app):
    meeting, lamp, door = meeting_with_findings()
    html = coordinator.get(f"/meetings/{meeting.id}/present").get_data(as_text=True)
    assert f'data-votes-for="{lamp.id}"' in html and f'data-votes-for="{door.id}"' in html
    assert "Affald ved containerne" not in html  # resolved
    assert "Bænk på Kennedys Plads" not in html  # outside the area
    assert f"/meetings/{meeting.id}/qr.svg" in html
    assert "<script>" not in html  # no inline scripts; data travels in data- attributes


def test_qr_downloads(coordinator, app):
    meeting = make_meeting(make_group(None))
    svg = coordinator.get(f"/meetings/{meeting.id}/qr.svg?download=1")
    png = coordinator.get(f"/meetings/{meeting.id}/qr.png")
    assert svg.mimetype == "image/svg+xml" and "attachment" in svg.headers["Content-Disposition"]
    assert png.data.startswith(b"\x89PNG")
