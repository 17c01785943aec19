"""The dashboards read stored summaries (walk_month, cell_month) and stored resolution times on
the issues; after creates, edits, status changes, reopenings, merges, moved walks, deletes,
GDPR erasure and bulk statements, every stored row equals a recount from the observations and
events, and every figure the dashboards show equals the same figure computed from the raw rows
the way it was computed before the summaries existed (dashboard_recount_checks)."""

from __future__ import annotations

from datetime import timedelta

from dashboard_recount_checks import (  # noqa: F401 (fixtures)
    SPOTS,
    check,
    fixture_world,
    recount_places,
    stored_places,
)
from sqlalchemy import select, update
from stats_fixtures import make_area, make_walk, utc

from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.privacy import gdpr
from fieldapp.stats import analyses
from fieldapp.triage.duplicates import merge_into
from fieldapp.triage.models import Issue, IssueEvent
from fieldapp.triage.workflow import Actor, change_status
from fieldapp.walks.models import Walk


def test_summaries_and_times_follow_every_change(world) -> None:
    areas, admin, walks, obs, issues = world
    check(areas)
    actor = Actor(user_id=None, coordinates=True)

    # Status changes through the workflow: forwarded, resolved, reopened and resolved again.
    change_status(
        db.session,
        issues[4],
        actor,
        "forwarded",
        administration_id=admin.id,
        now=utc(2025, 10, 2, 9),
    )
    change_status(db.session, issues[4], actor, "resolved", now=utc(2025, 10, 20, 9))
    change_status(db.session, issues[1], actor, "in_progress", now=utc(2025, 3, 1, 9))
    db.session.commit()
    check(areas)
    change_status(db.session, issues[1], actor, "resolved", now=utc(2025, 4, 1, 9))
    db.session.commit()
    check(areas)

    # A merge closes the other issue as a duplicate; an issue created from observations.
    merge_into(db.session, issues[2], actor, issue_ids=[issues[6].id], observation_ids=[obs[0].id])
    db.session.commit()
    check(areas)

    # Edits: an event's time, an issue's creation time, observations' position, safety, time.
    event = db.session.scalars(
        select(IssueEvent).where(
            IssueEvent.issue_id == issues[0].id, IssueEvent.to_status == "resolved"
        )
    ).one()
    event.at = utc(2025, 2, 20, 9)
    issues[5].created_at = utc(2025, 5, 1, 9)
    obs[1].lat, obs[1].lon = SPOTS[2]
    obs[2].safety = 1
    obs[3].created_at = utc(2025, 3, 31, 22, 30)
    obs[4].walk_id = walks[0].id
    db.session.commit()
    check(areas)

    # Bulk statements through the session.
    db.session.execute(
        update(IssueEvent)
        .where(IssueEvent.issue_id == issues[5].id, IssueEvent.to_status == "resolved")
        .values(at=utc(2025, 8, 1, 9))
    )
    db.session.execute(
        update(Observation).where(Observation.id == obs[5].id).values(lat=SPOTS[3][0])
    )
    db.session.execute(update(Walk).where(Walk.id == walks[1].id).values(area_id=areas[0].id))
    db.session.commit()
    check(areas)

    # Deletes: an issue (its events go with it), an observation, GDPR erasure, a walk, an area.
    db.session.delete(db.session.get(Issue, issues[0].id))
    db.session.delete(obs[6])
    db.session.commit()
    check(areas)
    data = gdpr.ReporterData(observations=[obs[8], obs[9]])
    gdpr.erase(db.session, data, delete_observations=True)
    db.session.commit()
    check(areas)
    db.session.delete(walks[0])
    db.session.commit()
    db.session.expire_all()
    check(areas)
    db.session.delete(areas[1])
    db.session.commit()
    db.session.expire_all()
    check(areas[:1])


def test_new_observations_are_counted_from_memory_in_the_cells_the_database_rounds_to(
    app,
) -> None:
    """A submission's hot-spot cell is computed in Python (no SELECT): for many positions,
    including ones next to a cell edge, it is the cell the database's round() gives."""
    import random

    north = make_area("Løvvangen")
    walk = make_walk(north, utc(2025, 3, 1, 18))
    assert walk.area_id == north.id  # loaded, as a submission has it: the path without SELECT
    rng = random.Random(6)
    positions = [(rng.uniform(54.5, 57.8), rng.uniform(8.0, 15.2)) for _ in range(300)]
    # Half a cell off a whole number of cells: the rounding's edge.
    positions += [((k + 0.5) * analyses.LAT_STEP, (k + 0.5) * analyses.LON_STEP) for k in (63000,)]
    positions += [(57.0 + i * 1e-7, 9.9 - i * 1e-7) for i in range(50)]
    for i, (lat, lon) in enumerate(positions):
        db.session.add(
            Observation(
                walk=walk,
                category="lighting",
                safety=i % 5 + 1,
                text="x",
                lat=lat,
                lon=lon,
                created_at=utc(2025, 6, 1, 12) + timedelta(minutes=i),
            )
        )
    db.session.commit()
    assert stored_places() == recount_places()
