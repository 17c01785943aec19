"""Meeting rules without HTTP: which findings, dot limits, undo, revisions and ETags."""

from __future__ import annotations

from datetime import date

import factories
import pytest
from meeting_fixtures import (
    EAST,
    INSIDE,
    NORTH,
    OUTSIDE,
    SOUTH,
    WEST,
    make_admin,
    make_area,
    make_group,
    make_issue,
    make_meeting,
    meeting_with_findings,
)
from sqlalchemy import select

from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.meetings.findings import area_open_issue_ids, issue_in_area, meeting_findings
from fieldapp.meetings.models import MeetingParticipant
from fieldapp.meetings.services import (
    MeetingError,
    add_meeting_observation,
    cast_vote,
    etag_for,
    join_meeting,
    live_state,
    record_decision,
    set_status,
    undo_vote,
    votes_left,
)
from fieldapp.plans.models import ActionItem
from fieldapp.triage.models import Issue


def _participant(meeting, role="resident", name=None, consent=False) -> MeetingParticipant:
    p = join_meeting(db.session, meeting, role, name, consent)
    db.session.commit()
    return p


def test_area_findings_are_open_issues_routed_positioned_or_reported_there(app):
    area = make_area()
    routed = make_issue("Routed here, no position", position=None, area=area)
    positioned = make_issue("In the polygon, not routed")
    reported = make_issue(
        "Reported here, issue placed elsewhere", position=OUTSIDE, obs_position=INSIDE
    )
    make_issue("Resolved", area=area, status="resolved")
    make_issue("Elsewhere", position=OUTSIDE)
    found = area_open_issue_ids(db.session, area)
    assert found == {routed.id, positioned.id, reported.id}


def test_issues_routed_elsewhere_count_by_where_an_observation_was_made(app):
    """An observation with the area's id (its walk's area, even beyond the outline or without
    a position) or inside the polygon (though another area's) makes the issue a finding; one
    in the box's empty corner, or of a closed issue, does not. As `issue_in_area` decides."""
    triangle = factories.make_area("Trekanten", SOUTH, WEST, NORTH, EAST, triangle=True)
    lat, lon = OUTSIDE
    midtby = factories.make_area("Midtbyen", lat - 0.001, lon - 0.001, lat + 0.001, lon + 0.001)
    in_triangle = (SOUTH + 0.0008, WEST + 0.0010)
    corner = (NORTH - 0.0005, EAST - 0.0005)  # in the box, outside the triangle

    def routed_to_midtby(title, position, obs_area, status="new") -> Issue:
        """Routed to Midtbyen and placed there, plus an observation at `position`."""
        issue = make_issue(title, position=OUTSIDE, area=midtby, status=status)
        olat, olon = position or (None, None)
        db.session.add(
            Observation(
                category="lighting",
                text=title,
                lat=olat,
                lon=olon,
                area_id=obs_area.id if obs_area else None,
                issue_id=issue.id,
                source="walk",
            )
        )
        db.session.commit()
        return issue

    pinned_beyond = routed_to_midtby("Walk's area, beyond its outline", OUTSIDE, triangle)
    pinned_unplaced = routed_to_midtby("Walk's area, no position", None, triangle)
    inside = routed_to_midtby("In the triangle, Midtbyen's observation", in_triangle, midtby)
    routed_to_midtby("In the box's corner", corner, None)
    routed_to_midtby("In the box's corner, Midtbyen's", corner, midtby)
    routed_to_midtby("Closed", in_triangle, triangle, status="resolved")
    make_issue("Midtbyen's own", position=OUTSIDE, area=midtby)

    found = area_open_issue_ids(db.session, triangle)
    assert found == {pinned_beyond.id, pinned_unplaced.id, inside.id}
    open_issues = db.session.scalars(select(Issue).where(Issue.status == "new"))
    assert found == {i.id for i in open_issues if issue_in_area(i, triangle)}


def test_meeting_without_area_has_no_findings(app):
    meeting = make_meeting(make_group(None))
    assert meeting_findings(db.session, meeting).rows == []


def test_votes_are_limited_per_participant_and_stack(app):
    meeting, lamp, door = meeting_with_findings(votes=3)
    p = _participant(meeting)
    assert cast_vote(db.session, meeting, p, lamp.id) == 2
    assert cast_vote(db.session, meeting, p, lamp.id) == 1  # dots stack on one finding
    assert cast_vote(db.session, meeting, p, door.id) == 0
    db.session.commit()
    with pytest.raises(MeetingError) as err:
        cast_vote(db.session, meeting, p, door.id)
    assert err.value.code == "no_votes_left"
    db.session.rollback()
    findings = meeting_findings(db.session, meeting).rows
    assert [(f.issue.id, f.votes) for f in findings] == [(lamp.id, 2), (door.id, 1)]


def test_undo_returns_a_dot_and_refuses_without_one(app):
    meeting, lamp, door = meeting_with_findings(votes=2)
    p = _participant(meeting)
    cast_vote(db.session, meeting, p, lamp.id)
    cast_vote(db.session, meeting, p, lamp.id)
    assert undo_vote(db.session, meeting, p, lamp.id) == 1
    db.session.commit()
    with pytest.raises(MeetingError) as err:
        undo_vote(db.session, meeting, p, door.id)
    assert err.value.code == "no_vote_to_undo"


def test_another_participants_votes_do_not_count_against_mine(app):
    meeting, lamp, _door = meeting_with_findings(votes=1)
    a, b = _participant(meeting), _participant(meeting, "police")
    cast_vote(db.session, meeting, a, lamp.id)
    assert votes_left(db.session, meeting, b) == 1
    with pytest.raises(MeetingError):
        undo_vote(db.session, meeting, b, lamp.id)


def test_votes_only_on_open_findings_of_the_area(app):
    meeting, _lamp, _door = meeting_with_findings()
    far = make_issue("Far away", position=OUTSIDE)
    resolved = make_issue("Fixed", status="resolved")
    p = _participant(meeting)
    for issue_id in (far.id, resolved.id, 999_999):
        with pytest.raises(MeetingError) as err:
            cast_vote(db.session, meeting, p, issue_id)
        assert err.value.code == "not_a_finding"
        db.session.rollback()


def test_closed_meeting_refuses_votes_joins_and_observations(app):
    meeting, lamp, _door = meeting_with_findings()
    p = _participant(meeting)
    set_status(db.session, meeting, "closed")
    db.session.commit()
    for call in (
        lambda: cast_vote(db.session, meeting, p, lamp.id),
        lambda: undo_vote(db.session, meeting, p, lamp.id),
        lambda: join_meeting(db.session, meeting, "resident", None, False),
        lambda: add_meeting_observation(db.session, meeting, {"category": "waste"}),
    ):
        with pytest.raises(MeetingError) as err:
            call()
        assert err.value.code == "closed"
        db.session.rollback()


def test_every_change_bumps_the_revision_and_the_etag(app):
    meeting, lamp, _door = meeting_with_findings()
    seen = {etag_for(meeting)}
    p = _participant(meeting)
    seen.add(etag_for(meeting))
    cast_vote(db.session, meeting, p, lamp.id)
    db.session.commit()
    seen.add(etag_for(meeting))
    undo_vote(db.session, meeting, p, lamp.id)
    db.session.commit()
    seen.add(etag_for(meeting))
    record_decision(db.session, meeting, lamp.id, "Lys på stien.")
    db.session.commit()
    seen.add(etag_for(meeting))
    add_meeting_observation(db.session, meeting, {"category": "waste", "text": "Glas"})
    db.session.commit()
    seen.add(etag_for(meeting))
    assert len(seen) == 6
    assert meeting.revision == 5


def test_a_refused_vote_leaves_the_revision_alone(app):
    meeting, lamp, _door = meeting_with_findings(votes=1)
    p = _participant(meeting)
    cast_vote(db.session, meeting, p, lamp.id)
    db.session.commit()
    before = meeting.revision
    with pytest.raises(MeetingError):
        cast_vote(db.session, meeting, p, lamp.id)
    db.session.rollback()
    db.session.refresh(meeting)
    assert meeting.revision == before


def test_decision_with_action_item_goes_on_the_area_plan(app):
    meeting, lamp, _door = meeting_with_findings()
    admin = make_admin()
    decision, item = record_decision(
        db.session,
        meeting,
        lamp.id,
        "Park og Vej sætter lys op.",
        None,
        {
            "description": "To nye lamper",
            "administration_id": admin.id,
            "responsible_person": "",
            "deadline": date(2026, 12, 15),
            "is_initiative": False,
        },
    )
    db.session.commit()
    stored = db.session.scalar(select(ActionItem))
    assert stored.id == item.id
    assert (stored.area_id, stored.meeting_id, stored.decision_id, stored.issue_id) == (
        meeting.area_id,
        meeting.id,
        decision.id,
        lamp.id,
    )
    assert (stored.status, stored.administration_id) == ("open", admin.id)
    assert stored.deadline == date(2026, 12, 15)
    first = meeting_findings(db.session, meeting).rows[0]
    assert first.decisions[0].text == "Park og Vej sætter lys op."


def test_general_decision_without_action_item(app):
    meeting, _lamp, _door = meeting_with_findings()
    decision, item = record_decision(db.session, meeting, None, "Næste møde i marts.")
    assert decision.issue_id is None and item is None


def test_meeting_observation_has_no_walk_and_the_meeting_area_and_is_idempotent(app):
    meeting, _lamp, _door = meeting_with_findings()
    data = {
        "category": "waste",
        "text": "Glasskår",
        "lat": INSIDE[0],
        "lon": INSIDE[1],
        "location_source": "map",
        "client_key": "abcdef123456",
    }
    obs, created = add_meeting_observation(db.session, meeting, data)
    db.session.commit()
    again, created_again = add_meeting_observation(db.session, meeting, data)
    assert created and not created_again and again.id == obs.id
    assert (obs.walk_id, obs.meeting_id, obs.area_id, obs.source) == (
        None,
        meeting.id,
        meeting.area_id,
        "meeting",
    )
    assert db.session.scalar(select(Observation).where(Observation.id == obs.id)).text == "Glasskår"
    with pytest.raises(MeetingError):
        add_meeting_observation(db.session, meeting, {"category": "nonsense"})


def test_names_reach_the_minutes_only_with_consent_and_a_name(app):
    meeting, _lamp, _door = meeting_with_findings()
    assert _participant(meeting, name="Birgit", consent=True).name_in_minutes
    assert not _participant(meeting, name="Jens", consent=False).name_in_minutes
    assert not _participant(meeting, name="  ", consent=True).name_in_minutes
    with pytest.raises(MeetingError):
        join_meeting(db.session, meeting, "king", None, False)


def test_live_state_has_totals_decisions_and_new_observations(app):
    meeting, lamp, door = meeting_with_findings()
    p = _participant(meeting)
    cast_vote(db.session, meeting, p, lamp.id)
    cast_vote(db.session, meeting, p, lamp.id)
    cast_vote(db.session, meeting, p, door.id)
    record_decision(db.session, meeting, door.id, "Boligselskabet skifter låsen.")
    add_meeting_observation(db.session, meeting, {"category": "lighting", "text": "Mørkt"})
    db.session.commit()
    state = live_state(db.session, meeting)
    assert state["votes"] == {str(lamp.id): 2, str(door.id): 1}
    assert (state["votes_cast"], state["participants"], state["decided"]) == (3, 1, [door.id])
    assert [o["text"] for o in state["observations"]] == ["Mørkt"]
    assert state["revision"] == meeting.revision


def test_two_phones_spending_the_last_dot_at_once_get_one_vote(app):
    """The revision UPDATE locks the meeting row first, so the count cannot be raced."""
    import threading

    from sqlalchemy.orm import Session

    meeting, lamp, door = meeting_with_findings(votes=1)
    p = _participant(meeting)
    ids = (meeting.id, p.id)
    engine = db.engine  # threads have no app context of their own
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def spend(issue_id: int) -> None:
        with Session(engine) as session:
            m = session.get(type(meeting), ids[0])
            part = session.get(MeetingParticipant, ids[1])
            barrier.wait()
            try:
                cast_vote(session, m, part, issue_id)
                session.commit()
                outcomes.append("ok")
            except MeetingError as exc:
                session.rollback()
                outcomes.append(exc.code)

    threads = [threading.Thread(target=spend, args=(i,)) for i in (lamp.id, door.id)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["no_votes_left", "ok"]
