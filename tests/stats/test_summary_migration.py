"""Migration 0016 fills observation_month with its own SQL (no app code): the rows it writes
equal a recount of the observations with zoneinfo, around summer-time changes, before the EU
rule of 1996, and for observations with an area, a walk's area or neither."""

from __future__ import annotations

from collections import defaultdict
from zoneinfo import ZoneInfo

from dashboard_recount_checks import (  # noqa: F401 (fixtures)
    fixture_world,
    recount_places,
    recount_times,
    stored_places,
    stored_times,
)
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text
from stats_fixtures import make_area, make_obs, make_walk, utc

from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.stats.analyses import HOUR_BANDS
from fieldapp.walks.models import Walk

ZONE = ZoneInfo("Europe/Copenhagen")


def recount() -> dict:
    walks = dict(db.session.execute(select(Walk.id, Walk.area_id)).all())
    table: dict = defaultdict(lambda: [0, 0, 0])
    for o in db.session.scalars(select(Observation)):
        local = o.created_at.astimezone(ZONE)
        key = (
            o.area_id or walks.get(o.walk_id) or 0,
            o.category,
            local.year * 100 + local.month,
            HOUR_BANDS[local.hour],
        )
        table[key][0] += 1
        if o.safety is not None:
            table[key][1] += o.safety
            table[key][2] += 1
    return {k: tuple(v) for k, v in table.items()}


def test_migration_0016_counts_like_zoneinfo(app) -> None:
    north, middle = make_area("Løvvangen"), make_area("Midtbyen")
    walk = make_walk(north, utc(2025, 3, 1, 18))
    moments = [
        # Summer time 2025: 30 March 01:00 UTC to 26 October 01:00 UTC.
        utc(2025, 3, 30, 0, 59, 59),
        utc(2025, 3, 30, 1, 0),
        utc(2025, 10, 26, 0, 59, 59),
        utc(2025, 10, 26, 1, 0),
        # Month and year edges in local time; the 25th of March and October on a Sunday.
        utc(2024, 12, 31, 23, 30),
        utc(2025, 5, 31, 22, 30),
        utc(2026, 3, 29, 1, 0),
        utc(2026, 10, 25, 0, 30),
        # Band edges in winter and summer.
        utc(2025, 1, 10, 4, 59),
        utc(2025, 1, 10, 5, 0),
        utc(2025, 7, 10, 3, 59),
        utc(2025, 7, 10, 4, 0),
        utc(2025, 7, 10, 19, 59),
        utc(2025, 7, 10, 20, 0),
        # Before 1996 summer time ended in September.
        utc(1995, 9, 30, 12, 0),
        utc(1995, 10, 20, 21, 30),
        utc(1980, 6, 1, 21, 30),
    ]
    for i, moment in enumerate(moments):
        kind = i % 3
        make_obs(
            moment,
            area=middle if kind == 0 else None,
            walk=walk if kind == 1 else None,
            safety=None if i % 4 == 0 else i % 5 + 1,
            category="vandalism" if i % 2 else "lighting",
        )
    expected = recount()
    assert len(expected) > 10
    db.session.remove()
    try:
        downgrade(revision="0015")
        upgrade(revision="0016")
        with db.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT area_key, category, month, band, count, safety_sum, safety_count "
                    "FROM observation_month"
                )
            ).all()
    finally:
        upgrade()
    assert {tuple(r[:4]): tuple(r[4:]) for r in rows} == expected


def test_migration_0020_fills_summaries_and_times_like_the_app(world) -> None:  # noqa: F811
    """0020's own SQL (and Python for the durations) gives what the app keeps."""
    expected_places, expected_times = recount_places(), recount_times()
    assert expected_places[0] and expected_places[1]
    assert any(t["handling_us"] for t in expected_times.values())
    db.session.remove()
    try:
        downgrade(revision="0017")
        upgrade(revision="0020")
    finally:
        upgrade()
    assert stored_places() == expected_places
    assert stored_times() == expected_times
