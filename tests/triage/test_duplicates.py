"""Duplicate suggestions by distance and category, and merging that keeps everything."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from triage_factories import (
    LAT,
    LON,
    login,
    make_admin,
    make_coordinator,
    make_issue,
    make_obs,
    offset,
)

from fieldapp.capture.models import Observation, Photo
from fieldapp.extensions import db
from fieldapp.triage.duplicates import MergeError, merge_into, suggest_duplicates
from fieldapp.triage.models import IssueEvent
from fieldapp.triage.workflow import Actor, WorkflowError


@pytest.fixture
def coordinator_actor(app):
    return Actor(user_id=make_coordinator().id, coordinates=True)


def test_suggests_same_category_within_the_radius_only(app) -> None:
    near = make_obs(lat=offset(LAT, LON, north_m=24)[0], lon=LON)
    too_far = make_obs(lat=offset(LAT, LON, north_m=30)[0], lon=LON)
    other_category = make_obs(category="waste", lat=LAT, lon=offset(LAT, LON, east_m=5)[1])
    diag_lat, diag_lon = offset(LAT, LON, north_m=16, east_m=16)  # 22.6 m
    diagonal = make_obs(lat=diag_lat, lon=diag_lon)
    found = suggest_duplicates(db.session, [("lighting", LAT, LON)], 25)
    assert [o.id for o, _d in found.observations] == [diagonal.id, near.id]  # nearest first
    assert round(found.observations[1][1]) == 24
    assert too_far.id and other_category.id
    wider = suggest_duplicates(db.session, [("lighting", LAT, LON)], 31)
    assert too_far.id in {o.id for o, _d in wider.observations}


def test_suggests_open_issues_nearby_but_not_closed_or_itself(app) -> None:
    admin = make_admin()
    open_issue = make_issue([make_obs()], title="Åben")
    open_issue.lat, open_issue.lon = offset(LAT, LON, east_m=10)
    done = make_issue([make_obs()], status="resolved", administration=admin)
    done.lat, done.lon = LAT, LON
    db.session.commit()
    found = suggest_duplicates(db.session, [("lighting", LAT, LON)], 25)
    assert [i.id for i, _d in found.issues] == [open_issue.id]
    found = suggest_duplicates(
        db.session, [("lighting", LAT, LON)], 25, exclude_issue_id=open_issue.id
    )
    assert not found.issues
    assert not suggest_duplicates(db.session, [("lighting", None, None)], 25)


def test_merge_moves_observations_keeps_photos_and_texts_and_records_who(
    app, coordinator_actor
) -> None:
    target = make_issue([make_obs(text="Første", photos=1)])
    loose = make_obs(text="Lampen blinker", photos=2)
    other = make_issue([make_obs(text="Stadig mørkt", photos=1), make_obs(text="Også her")])
    duplicate_of_other = make_issue([make_obs(text="Tredje")])
    duplicate_of_other.status, duplicate_of_other.duplicate_of_id = "duplicate", other.id
    db.session.commit()
    photos_before = db.session.scalar(select(db.func.count()).select_from(Photo))

    event = merge_into(
        db.session, target, coordinator_actor, observation_ids=[loose.id], issue_ids=[other.id]
    )
    db.session.commit()

    texts = set(
        db.session.scalars(select(Observation.text).where(Observation.issue_id == target.id))
    )
    assert texts == {"Første", "Lampen blinker", "Stadig mørkt", "Også her"}
    assert db.session.scalar(select(db.func.count()).select_from(Photo)) == photos_before
    moved = db.session.scalars(select(Observation).where(Observation.issue_id == target.id)).all()
    assert sum(len(o.photos) for o in moved) == 4
    db.session.refresh(other)
    assert (other.status, other.duplicate_of_id) == ("duplicate", target.id)
    db.session.refresh(duplicate_of_other)
    assert duplicate_of_other.duplicate_of_id == target.id
    assert (event.kind, event.user_id) == ("merged", coordinator_actor.user_id)
    assert f"#{loose.id}" in event.internal_note and f"#{other.id}" in event.internal_note
    source_event = db.session.scalars(
        select(IssueEvent).where(
            IssueEvent.issue_id == other.id, IssueEvent.to_status == "duplicate"
        )
    ).one()
    assert source_event.user_id == coordinator_actor.user_id
    assert f"#{target.id}" in source_event.internal_note


def test_merge_refusals(app, coordinator_actor) -> None:
    admin = make_admin()
    target = make_issue()
    in_issue = make_issue()
    with pytest.raises(MergeError, match="nothing_selected"):
        merge_into(db.session, target, coordinator_actor)
    with pytest.raises(MergeError, match="same_issue"):
        merge_into(db.session, target, coordinator_actor, issue_ids=[target.id])
    with pytest.raises(MergeError, match="observation_in_issue"):
        obs_id = db.session.scalar(
            select(Observation.id).where(Observation.issue_id == in_issue.id)
        )
        merge_into(db.session, target, coordinator_actor, observation_ids=[obs_id])
    with pytest.raises(MergeError, match="observation_missing"):
        merge_into(db.session, target, coordinator_actor, observation_ids=[999999])
    with pytest.raises(MergeError, match="not_allowed"):
        merge_into(db.session, target, Actor(None, False, admin.id), issue_ids=[in_issue.id])
    busy = make_issue(status="in_progress", administration=admin)
    with pytest.raises(WorkflowError, match="not_allowed"):
        merge_into(db.session, target, coordinator_actor, issue_ids=[busy.id])
    db.session.rollback()


def test_one_click_merge_over_http(client, app) -> None:
    coordinator = make_coordinator()
    target = make_issue()
    loose = make_obs(text="Samme lampe", photos=1)
    login(client, coordinator)
    page = client.get(f"/triage/issues/{target.id}").get_data(as_text=True)
    assert "Possible duplicates" in page and "Samme lampe" in page
    resp = client.post(f"/triage/issues/{target.id}/merge", data={"observation_id": str(loose.id)})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Observation, loose.id).issue_id == target.id
    page = client.get(f"/triage/issues/{target.id}").get_data(as_text=True)
    assert f"Merged observations #{loose.id} into this issue." in page
    assert "by Karen Koordinator" in page
    # Merging the same observation again: it is in an issue now → 400 with the reason.
    resp = client.post(f"/triage/issues/{target.id}/merge", data={"observation_id": str(loose.id)})
    assert resp.status_code == 400
    assert "already belongs to an issue" in resp.get_data(as_text=True)
    assert (
        client.post(f"/triage/issues/{target.id}/merge", data={"issue_id": "x"}).status_code == 400
    )


def test_duplicate_radius_comes_from_config(client, app) -> None:
    coordinator = make_coordinator()
    target = make_issue()
    make_obs(lat=offset(LAT, LON, north_m=40)[0], lon=LON, text="Fyrre meter væk")
    login(client, coordinator)
    assert "Fyrre meter væk" not in client.get(f"/triage/issues/{target.id}").get_data(as_text=True)
    app.config["TRIAGE_DUPLICATE_RADIUS_M"] = 50
    try:
        assert "Fyrre meter væk" in client.get(f"/triage/issues/{target.id}").get_data(as_text=True)
    finally:
        app.config.pop("TRIAGE_DUPLICATE_RADIUS_M")
