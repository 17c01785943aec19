"""Phones at a meeting: join by QR without an account, vote within the limit, add observations."""

from __future__ import annotations

import pytest
from meeting_fixtures import INSIDE, join, make_group, make_meeting, meeting_with_findings, vote
from sqlalchemy import func, select

from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.meetings.models import MeetingParticipant, Vote


@pytest.fixture
def phone(client, kit):
    return kit.english(client)


def test_join_then_the_phone_lists_the_findings_without_totals(phone, app):
    meeting, lamp, door = meeting_with_findings()
    page = phone.get(f"/m/{meeting.join_token}")
    assert page.status_code == 200 and 'name="role"' in page.get_data(as_text=True)
    resp = join(phone, meeting, "police")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/findings")
    html = phone.get(resp.headers["Location"]).get_data(as_text=True)
    assert lamp.title in html and door.title in html
    assert "Affald ved containerne" not in html
    assert "You have 3 of 3 votes left." in html
    assert "/photos/" not in html  # no photos on phones
    # Joined once: the join link now leads straight to the findings.
    assert phone.get(f"/m/{meeting.join_token}").status_code == 302


def test_phone_pages_need_the_join_cookie(phone, app):
    meeting, lamp, _door = meeting_with_findings()
    for path in ("findings", "observe"):
        resp = phone.get(f"/m/{meeting.join_token}/{path}")
        assert resp.status_code == 302 and resp.headers["Location"].endswith(meeting.join_token)
    assert vote(phone, meeting, lamp.id, as_json=True).status_code == 403
    assert vote(phone, meeting, lamp.id).status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Vote)) == 0


def test_a_cookie_for_one_meeting_does_not_open_another(phone, app):
    meeting, _lamp, _door = meeting_with_findings()
    other = make_meeting(make_group(None, "Andet"))
    join(phone, meeting)
    resp = phone.get(f"/m/{other.join_token}/findings")
    assert resp.status_code == 302


def test_unknown_token_is_404(phone, app):
    assert phone.get("/m/not-a-token").status_code == 404


def test_voting_beyond_the_limit_is_refused_with_a_message(phone, app):
    meeting, lamp, door = meeting_with_findings(votes=2)
    join(phone, meeting)
    first = vote(phone, meeting, lamp.id, as_json=True)
    assert first.status_code == 200
    assert first.json["left"] == 1 and first.json["mine"] == 1
    assert first.json["message"] == "You have 1 of 2 votes left."
    assert vote(phone, meeting, door.id).status_code == 303  # without JS: redirect back
    too_many = vote(phone, meeting, door.id, as_json=True)
    assert too_many.status_code == 409
    assert "used all your votes" in too_many.json["error"]
    page = vote(phone, meeting, lamp.id)
    assert page.status_code == 409
    assert "used all your votes" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Vote)) == 2


def test_undo_gives_the_vote_back(phone, app):
    meeting, lamp, door = meeting_with_findings(votes=1)
    join(phone, meeting)
    vote(phone, meeting, lamp.id)
    undone = vote(phone, meeting, lamp.id, undo=True, as_json=True)
    assert undone.status_code == 200 and undone.json["left"] == 1 and undone.json["mine"] == 0
    nothing = vote(phone, meeting, door.id, undo=True, as_json=True)
    assert nothing.status_code == 409 and "no vote on this finding" in nothing.json["error"]
    assert vote(phone, meeting, door.id, as_json=True).status_code == 200


def test_vote_on_something_that_is_not_a_finding_is_404(phone, app):
    meeting, _lamp, _door = meeting_with_findings()
    join(phone, meeting)
    assert vote(phone, meeting, 123456, as_json=True).status_code == 404
    assert vote(phone, meeting, 123456).status_code == 404


def test_closed_meeting_refuses_joining_and_voting(phone, app, new_browser):
    meeting, lamp, _door = meeting_with_findings()
    join(phone, meeting)
    meeting.status = "closed"
    db.session.commit()
    refused = vote(phone, meeting, lamp.id, as_json=True)
    assert refused.status_code == 409 and "meeting is closed" in refused.json["error"]
    page = phone.get(f"/m/{meeting.join_token}/findings").get_data(as_text=True)
    assert "meeting is closed" in page and "data-vote-form" not in page
    latecomer = new_browser("en")
    assert "meeting is closed" in latecomer.get(f"/m/{meeting.join_token}").get_data(as_text=True)
    assert join(latecomer, meeting).status_code == 409
    assert (
        latecomer.post(f"/m/{meeting.join_token}/observe", data={"category": "waste"}).status_code
        == 302
    )  # not joined
    assert (
        phone.post(f"/m/{meeting.join_token}/observe", data={"category": "waste"}).status_code
        == 409
    )


def test_join_form_errors(phone, app):
    meeting, _lamp, _door = meeting_with_findings()
    no_role = join(phone, meeting, role="")
    assert no_role.status_code == 400 and "Choose how you take part." in no_role.get_data(
        as_text=True
    )
    consent_no_name = join(phone, meeting, name="", consent=True)
    assert consent_no_name.status_code == 400
    assert "Type your name, or untick the box." in consent_no_name.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(MeetingParticipant)) == 0
    assert join(phone, meeting, name="Birgit", consent=True).status_code == 302
    assert db.session.scalar(select(MeetingParticipant)).name_in_minutes


def test_phone_adds_an_observation_to_the_meeting(phone, app):
    meeting, _lamp, _door = meeting_with_findings()
    join(phone, meeting)
    form = phone.get(f"/m/{meeting.join_token}/observe").get_data(as_text=True)
    assert "data-pin-map" in form
    bad = phone.post(
        f"/m/{meeting.join_token}/observe", data={"text": "Uden kategori", "lat": "57.07"}
    )
    assert bad.status_code == 400
    assert "Uden kategori" in bad.get_data(as_text=True)
    resp = phone.post(
        f"/m/{meeting.join_token}/observe",
        data={
            "category": "waste",
            "text": "Glasskår ved legepladsen",
            "lat": str(INSIDE[0]).replace(".", ","),
            "lon": str(INSIDE[1]),
            "client_key": "k" * 16,
        },
    )
    assert resp.status_code == 303
    obs = db.session.scalar(select(Observation).where(Observation.meeting_id == meeting.id))
    assert (obs.category, obs.walk_id, obs.area_id) == ("waste", None, meeting.area_id)
    assert obs.lat == pytest.approx(INSIDE[0])
    thanks = phone.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Your observation is on the screen now." in thanks
