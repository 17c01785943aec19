"""The dashboards' observation summary stays equal to a recount of the raw observations after
creates, edits, merges, status changes, moved walks and deletes; and the dashboard figures
read from it equal the same figures computed from the observations themselves."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, select, update
from stats_fixtures import make_area, make_obs, make_walk, utc
from summary_checks import recount, stored_summary

from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.stats import analyses, counts, criteria, summary
from fieldapp.stats.analyses import HOUR_BANDS, Scope
from fieldapp.stats.models import ObservationMonth
from fieldapp.triage.duplicates import merge_into
from fieldapp.triage.services import create_issue
from fieldapp.triage.workflow import Actor, change_status
from fieldapp.walks.models import Walk

TZ = "Europe/Copenhagen"
ZONE = ZoneInfo(TZ)


def raw_figures(area_id, first: date, last: date) -> dict:
    """Dashboard figures for local days first..last straight from the observations."""
    walks = dict(db.session.execute(select(Walk.id, Walk.area_id)).all())
    start, end = counts.day_bounds(first, last, TZ)
    made, by_cat, heat = 0, Counter(), Counter()
    safety: dict = defaultdict(lambda: [0, 0])
    for o in db.session.scalars(select(Observation)):
        area = o.area_id or walks.get(o.walk_id)
        if not (start <= o.created_at < end) or (area_id is not None and area != area_id):
            continue
        made += 1
        by_cat[o.category] += 1
        local = o.created_at.astimezone(ZONE)
        heat[(HOUR_BANDS[local.hour], local.month)] += 1
        if o.safety is not None:
            safety[area][0] += o.safety
            safety[area][1] += 1
    return {
        "made": made,
        "vandalism": by_cat["vandalism"],
        "heat": dict(heat),
        "safety": {a: (round(s / n, 9), n) for a, (s, n) in safety.items()},
    }


def app_figures(area_id, first: date, last: date) -> dict:
    start, end = counts.day_bounds(first, last, TZ)
    scope = Scope(area_id, first, last)
    return {
        "made": counts.observations_made(db.session, area_id, start, end),
        "vandalism": counts.observations_made(db.session, area_id, start, end, "vandalism"),
        "heat": analyses.time_of_day_by_month(db.session, scope, TZ).counts,
        "safety": {
            p.place_id: (round(p.average, 9), p.count)
            for p in analyses.safety_by_area(db.session, scope, TZ)
        },
    }


# Whole years, a range with ragged edges on both sides, and one inside a single month.
PERIODS = [
    (date(2025, 1, 1), date(2025, 12, 31)),
    (date(2024, 11, 17), date(2025, 3, 2)),
    (date(2025, 3, 5), date(2025, 3, 28)),
]


def check(areas) -> None:
    assert stored_summary() == recount()
    for area_id in (None, *(a.id for a in areas)):
        for first, last in PERIODS:
            assert app_figures(area_id, first, last) == raw_figures(area_id, first, last), (
                area_id,
                first,
                last,
            )


@pytest.fixture
def areas(app):
    return make_area("Løvvangen"), make_area("Midtbyen")


def test_summary_follows_creates_edits_merges_walks_and_deletes(areas) -> None:
    north, middle = areas
    walk = make_walk(north, utc(2025, 3, 1, 18))
    # Around the edges: New Year's Eve 23:30 local is still 2024; the first of March 00:30
    # local is the last of February in UTC; summer time in between.
    obs = [
        make_obs(utc(2024, 12, 31, 22, 30), walk=walk, safety=2),
        make_obs(utc(2024, 12, 31, 23, 30), area=middle, safety=4, category="vandalism"),
        make_obs(utc(2025, 2, 28, 23, 30), walk=walk, safety=5),
        make_obs(utc(2025, 3, 10, 19, 0), walk=walk, category="vandalism"),
        make_obs(utc(2025, 7, 1, 6, 0), safety=1),
        make_obs(utc(2025, 3, 20, 8, 0), area=north, safety=3),
    ]
    check(areas)

    # Edits: category, time, safety, own area.
    obs[0].category = "vandalism"
    obs[2].created_at = utc(2025, 3, 1, 12, 0)
    obs[4].safety = 5
    obs[4].area_id = middle.id
    db.session.commit()
    check(areas)

    # Triage: an issue, a merge, status changes: none of them moves a count.
    actor = Actor(user_id=None, coordinates=True)
    issue = create_issue(
        db.session,
        [obs[0]],
        actor,
        title="Mørk sti",
        description="",
        category="lighting",
        priority="normal",
    )
    other = create_issue(
        db.session,
        [obs[1]],
        actor,
        title="Hærværk",
        description="",
        category="vandalism",
        priority="normal",
    )
    merge_into(db.session, issue, actor, observation_ids=[obs[3].id], issue_ids=[other.id])
    change_status(db.session, issue, actor, "triaged", internal_note="set")
    db.session.commit()
    check(areas)

    # The walk moves to the other area: its observations without their own area follow.
    walk.area_id = middle.id
    db.session.commit()
    check(areas)

    # Deletes: one observation, then the walk (the database deletes its observations).
    db.session.delete(obs[5])
    db.session.commit()
    check(areas)
    db.session.delete(walk)
    db.session.commit()
    db.session.expire_all()
    check(areas)

    # An area goes: its observations fall back to no area (the database sets NULL).
    db.session.delete(middle)
    db.session.commit()
    db.session.expire_all()
    assert stored_summary() == recount()


def test_a_failed_flush_leaves_no_deltas_behind(areas) -> None:
    north, _middle = areas
    make_obs(utc(2025, 5, 5, 10), area=north, safety=3)
    broken = Observation(category=None, created_at=utc(2025, 5, 6, 10), text="x")
    db.session.add(broken)
    with pytest.raises(Exception):  # noqa: B017,PT011  (either engine's NOT NULL error)
        db.session.commit()
    db.session.rollback()
    make_obs(utc(2025, 5, 7, 10), area=north)
    assert stored_summary() == recount()


def test_rebuild_recounts_what_bulk_sql_changed(areas) -> None:
    north, _middle = areas
    make_obs(utc(2025, 5, 5, 10), area=north, safety=3)
    # Bulk SQL bypasses the flush listeners; the command's rebuild() puts it right.
    db.session.execute(delete(ObservationMonth))
    db.session.commit()
    assert stored_summary() != recount()
    summary.rebuild(db.session)
    db.session.commit()
    assert stored_summary() == recount()


def test_criteria_read_the_summary_like_the_observations(areas) -> None:
    north, _middle = areas
    for month, safety in ((1, 2), (6, 4), (12, 5)):
        make_obs(utc(2025, month, 15, 12), area=north, safety=safety)
    make_obs(utc(2025, 6, 20, 12), area=north)
    assert criteria.inquiries_per_year(db.session, north.id, 2025) == 4
    assert criteria.inquiries_per_year(db.session, None, 2025, until=date(2025, 6, 15)) == 2
    assert criteria.safety_average(db.session, north.id, 2025) == pytest.approx(11 / 3)
    assert criteria.safety_average(db.session, None, 2025, until=date(2025, 6, 15)) == 3
    assert criteria.safety_average(db.session, None, 2024) is None


def test_stats_summary_command_recounts(areas, runner) -> None:
    north, _middle = areas
    make_obs(utc(2025, 5, 5, 10), area=north, safety=3)
    db.session.execute(delete(ObservationMonth))
    db.session.commit()
    result = runner.invoke(args=["stats-summary"])
    assert result.exit_code == 0 and "1 rows" in result.output
    db.session.expire_all()
    assert stored_summary() == recount()


def test_bulk_update_and_delete_statements_keep_the_summary(areas) -> None:
    north, middle = areas
    walk = make_walk(north, utc(2025, 3, 1, 18))
    loose = [make_obs(utc(2025, 4, d, 12), safety=d % 5 + 1) for d in range(1, 6)]
    make_obs(utc(2025, 4, 9, 12), walk=walk, safety=2)
    # areas.assign moves findings into a new area with UPDATE statements like these.
    ids = [o.id for o in loose[:3]]
    db.session.execute(update(Observation).where(Observation.id.in_(ids)).values(area_id=middle.id))
    db.session.execute(update(Walk).where(Walk.id == walk.id).values(area_id=middle.id))
    db.session.commit()
    check(areas)
    db.session.execute(delete(Observation).where(Observation.id == loose[4].id))
    db.session.commit()
    check(areas)


def test_remembered_month_totals_follow_unflushed_and_committed_changes(areas) -> None:
    north, _middle = areas
    make_obs(utc(2025, 5, 5, 10), area=north, safety=3)
    assert criteria.inquiries_per_year(db.session, None, 2025) == 1
    # Added but not flushed: the count flushes it, as the query always did.
    db.session.add(
        Observation(
            area_id=north.id,
            category="lighting",
            text="x",
            safety=5,
            created_at=utc(2025, 6, 5, 10),
        )
    )
    assert criteria.inquiries_per_year(db.session, None, 2025) == 2
    assert criteria.safety_average(db.session, None, 2025) == 4
    db.session.commit()
    make_obs(utc(2025, 7, 5, 10), area=north, safety=1)
    assert criteria.inquiries_per_year(db.session, None, 2025) == 3
    assert criteria.safety_average(db.session, None, 2025) == 3
