"""Walks, observations and issues belong to an area: chosen, inherited, or by point-in-polygon."""

from __future__ import annotations

import pytest
from area_fixtures import (
    COURTYARD,
    ELSEWHERE,
    ESTATE,
    IN_COURTYARD,
    IN_ESTATE_ONLY,
    OUTSIDE,
    area_of,
    make_area,
    make_issue,
    make_obs,
    make_walk,
)

from fieldapp.areas.assign import (
    area_contents,
    area_for_point,
    assign_observation,
    assign_walk,
    reassign_all,
    reassign_in_box,
)
from fieldapp.areas.services import area_box, delete_area
from fieldapp.extensions import db
from fieldapp.meetings.models import Meeting


@pytest.fixture
def areas(app):
    return {
        "estate": make_area("Løvvangen", ESTATE),
        "courtyard": make_area("Gården", COURTYARD),
        "elsewhere": make_area("Midtbyen", ELSEWHERE),
    }


def test_a_point_gets_the_smallest_area_around_it_or_none(areas) -> None:
    assert area_for_point(db.session, *IN_COURTYARD) == areas["courtyard"].id
    assert area_for_point(db.session, *IN_ESTATE_ONLY) == areas["estate"].id
    assert area_for_point(db.session, *OUTSIDE) is None
    assert area_for_point(db.session, None, None) is None
    assert area_for_point(db.session, float("nan"), 9.9) is None


def test_an_observation_takes_its_walks_area_before_its_position(areas) -> None:
    walk = make_walk(IN_ESTATE_ONLY, area_id=areas["elsewhere"].id)
    obs = make_obs(IN_COURTYARD, walk)
    assert assign_observation(db.session, obs) == areas["elsewhere"].id
    assert obs.area_id == areas["elsewhere"].id


def test_without_a_walk_area_an_observation_is_placed_by_its_position(areas) -> None:
    walk = make_walk(None)
    assert assign_observation(db.session, make_obs(IN_COURTYARD, walk)) == areas["courtyard"].id
    assert assign_observation(db.session, make_obs(OUTSIDE, walk)) is None
    assert assign_observation(db.session, make_obs(None, walk)) is None


def test_a_meeting_observation_takes_the_meetings_area(areas) -> None:
    from datetime import UTC, datetime

    from fieldapp.groups.models import LocalGroup

    group = LocalGroup(name="Løvvangens lokalgruppe", area_id=areas["estate"].id)
    db.session.add(group)
    db.session.flush()
    meeting = Meeting(
        group_id=group.id,
        area_id=areas["estate"].id,
        title="Dialogmøde",
        starts_at=datetime(2026, 11, 3, 17, 0, tzinfo=UTC),
    )
    db.session.add(meeting)
    db.session.commit()
    obs = make_obs(IN_COURTYARD, None, meeting_id=meeting.id)
    assert assign_observation(db.session, obs) == areas["estate"].id


def test_a_walk_without_a_chosen_area_is_placed_by_its_meeting_point(areas) -> None:
    walk = make_walk(IN_COURTYARD)
    assert assign_walk(db.session, walk, None) == areas["courtyard"].id
    assert assign_walk(db.session, walk, areas["elsewhere"].id) == areas["elsewhere"].id
    assert assign_walk(db.session, make_walk(None), None) is None


def test_when_a_walks_area_changes_its_observations_and_issues_follow(areas) -> None:
    walk = make_walk(IN_COURTYARD, area_id=areas["courtyard"].id)
    obs = make_obs(OUTSIDE, walk, area_id=areas["courtyard"].id)
    issue = make_issue(OUTSIDE, walk)
    assign_walk(db.session, walk, areas["elsewhere"].id)
    db.session.commit()
    assert area_of(obs) == areas["elsewhere"].id
    assert area_of(issue) == areas["elsewhere"].id


def test_reassign_all_fills_what_has_no_area_and_leaves_the_rest(areas) -> None:
    walk = make_walk(IN_ESTATE_ONLY)  # no area yet: found from the meeting point
    on_walk = make_obs(OUTSIDE, walk)  # follows the walk once it has one
    loose = make_obs(IN_COURTYARD)
    kept = make_obs(IN_COURTYARD, area_id=areas["elsewhere"].id)
    nowhere = make_obs(OUTSIDE)
    issue = make_issue(IN_COURTYARD)
    issue_on_walk = make_issue(None, walk)
    seen = []

    counts = reassign_all(db.session, progress=lambda *args: seen.append(args))
    db.session.commit()

    # The issue on the walk has its area already: triage/issue_spans.py gave it the walk's
    # as the walk got one, so only the issue found by position is left to change.
    assert counts == {"walks": 1, "observations": 2, "issues": 1}
    assert area_of(walk) == areas["estate"].id
    assert area_of(on_walk) == areas["estate"].id
    assert area_of(loose) == areas["courtyard"].id
    assert area_of(kept) == areas["elsewhere"].id
    assert area_of(nowhere) is None
    assert area_of(issue) == areas["courtyard"].id
    assert area_of(issue_on_walk) == areas["estate"].id
    assert ("walks", 1, 1) in seen and ("observations", 3, 2) in seen


def test_reassign_all_with_everything_recomputes_rows_that_have_an_area(areas) -> None:
    chosen = make_walk(IN_COURTYARD, area_id=areas["elsewhere"].id)
    far = make_walk(OUTSIDE, area_id=areas["elsewhere"].id)
    wrong = make_obs(IN_COURTYARD, area_id=areas["elsewhere"].id)
    counts = reassign_all(db.session, everything=True)
    db.session.commit()
    assert area_of(chosen) == areas["courtyard"].id  # the meeting point wins with --all
    assert area_of(far) == areas["elsewhere"].id  # in no area: kept
    assert area_of(wrong) == areas["courtyard"].id
    assert counts == {"walks": 1, "observations": 1, "issues": 0}
    assert reassign_all(db.session, everything=True) == dict.fromkeys(counts, 0)


def test_a_new_area_takes_in_what_lies_inside_it(app) -> None:
    estate = make_area("Løvvangen", ESTATE)
    obs = make_obs(IN_COURTYARD, area_id=estate.id)
    walk = make_walk(IN_COURTYARD)
    walk_with_area = make_walk(IN_COURTYARD, area_id=estate.id)
    far = make_obs(OUTSIDE)
    courtyard = make_area("Gården", COURTYARD)

    counts = reassign_in_box(db.session, area_box(courtyard), courtyard.id)
    db.session.commit()

    assert area_of(obs) == courtyard.id  # the smaller area wins
    assert area_of(walk) == courtyard.id
    assert area_of(walk_with_area) == estate.id  # a walk's area may be chosen: kept
    assert area_of(far) is None
    assert counts == {"walks": 1, "observations": 1, "issues": 0}
    assert area_contents(db.session, courtyard.id) == {"walks": 1, "observations": 1, "issues": 0}


def test_deleting_an_area_unlinks_its_rows_and_a_larger_area_takes_them(areas) -> None:
    obs = make_obs(IN_COURTYARD, area_id=areas["courtyard"].id)
    courtyard = areas["courtyard"]
    box = area_box(courtyard)
    delete_area(db.session, courtyard)
    db.session.flush()
    assert area_of(obs) is None
    reassign_in_box(db.session, box)
    db.session.commit()
    assert area_of(obs) == areas["estate"].id


def test_cli_assign_areas_prints_progress_and_counts(areas, runner) -> None:
    make_obs(IN_COURTYARD)
    make_obs(IN_ESTATE_ONLY)
    make_issue(IN_COURTYARD)
    make_walk(IN_COURTYARD)
    result = runner.invoke(args=["assign-areas"])
    assert result.exit_code == 0, result.output
    assert "observations: 2 checked, 2 changed" in result.output
    assert "assign-areas: 1 walks, 2 observations and 1 issues changed area." in result.output
    again = runner.invoke(args=["assign-areas"])
    assert "assign-areas: 0 walks, 0 observations and 0 issues changed area." in again.output
    everything = runner.invoke(args=["assign-areas", "--all"])
    assert "observations: 2 checked, 0 changed" in everything.output
