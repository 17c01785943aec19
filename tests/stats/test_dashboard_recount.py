"""The dashboards read stored summaries (walk_month, cell_month) and stored resolution times on
the issues; after creates, edits, status changes, reopenings, merges, moved walks, deletes,
GDPR erasure and bulk statements, every stored row equals a recount from the observations and
events, and every figure the dashboards show equals the same figure computed from the raw rows
the way it was computed before the summaries existed."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update
from stats_fixtures import make_admin, make_area, make_issue, make_obs, make_walk, utc

from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.privacy import gdpr
from fieldapp.stats import analyses, criteria, issue_times, place_summary
from fieldapp.stats.analyses import HotSpot, Scope
from fieldapp.stats.models import CellMonth, WalkMonth
from fieldapp.triage.duplicates import merge_into
from fieldapp.triage.models import Issue, IssueEvent
from fieldapp.triage.workflow import CLOSED_STATUSES, OPEN_STATUSES, Actor, change_status
from fieldapp.walks.models import Walk

TZ = "Europe/Copenhagen"
ZONE = ZoneInfo(TZ)
TODAY = date(2025, 11, 20)
# Whole years, ragged edges on both sides, inside one month, everything.
SCOPES = [
    (date(2025, 1, 1), date(2025, 12, 31)),
    (date(2024, 11, 17), date(2025, 3, 2)),
    (date(2025, 3, 5), date(2025, 3, 28)),
    (None, None),
]
# Two streets ~300 m apart (different hot-spot cells), one spot in Midtbyen.
SPOTS = [(57.0690, 9.9100), (57.0693, 9.9103), (57.0720, 9.9150), (57.0450, 9.9250)]


# --- Recounts ---------------------------------------------------------------------------------


def _month(moment) -> int:
    local = moment.astimezone(ZONE)
    return local.year * 100 + local.month


def _observations():
    """(observation, area key, hot cell) for every observation, the cell as the database
    rounds it."""
    cy, cx = place_summary.hot_cell()
    cells = dict(
        (oid, (y, x)) for oid, y, x in db.session.execute(select(Observation.id, cy, cx)).all()
    )
    walks = dict(db.session.execute(select(Walk.id, Walk.area_id)).all())
    for o in db.session.scalars(select(Observation)):
        yield o, o.area_id or walks.get(o.walk_id) or 0, cells[o.id]


def recount_places() -> tuple[dict, dict]:
    walks: dict = defaultdict(lambda: [0, 0])
    cells: Counter = Counter()
    for o, area, (y, x) in _observations():
        if o.walk_id is not None and o.safety is not None:
            walks[(o.walk_id, area, _month(o.created_at))][0] += o.safety
            walks[(o.walk_id, area, _month(o.created_at))][1] += 1
        if y is not None and x is not None:
            cells[(_month(o.created_at), area, y, x, o.category)] += 1
    return {k: tuple(v) for k, v in walks.items()}, dict(cells)


def stored_places() -> tuple[dict, dict]:
    walks = {
        (r.walk_id, r.area_key, r.month): (r.safety_sum, r.safety_count)
        for r in db.session.scalars(select(WalkMonth))
        if r.safety_sum or r.safety_count
    }
    cells = {
        (r.month, r.area_key, r.cy, r.cx, r.category): r.count
        for r in db.session.scalars(select(CellMonth))
        if r.count
    }
    return walks, cells


def recount_times() -> dict:
    last: dict = {}
    for e in db.session.scalars(select(IssueEvent).where(IssueEvent.kind == "status")):
        key = (e.issue_id, e.to_status)
        last[key] = max(last.get(key, e.at), e.at)
    result = {}
    for issue in db.session.scalars(select(Issue)):
        result[issue.id] = issue_times.times(
            issue.created_at, last.get((issue.id, "resolved")), last.get((issue.id, "forwarded"))
        )
    return result


def stored_times() -> dict:
    db.session.expire_all()
    return {
        i.id: {n: getattr(i, n) for n in issue_times.STORED}
        for i in db.session.scalars(select(Issue))
    }


# --- The figures as computed before the summaries (raw rows) ------------------------------------


def raw_hot_spots(scope: Scope, limit: int = 15) -> list[HotSpot]:
    cy, cx = place_summary.hot_cell()
    query = (
        analyses.observations_query(scope, TZ, cy, cx, Observation.category, func.count())
        .where(Observation.lat.is_not(None), Observation.lon.is_not(None))
        .group_by(cy, cx, Observation.category)
    )
    cells: dict = {}
    for la, lo, category, count in db.session.execute(query):
        spot = cells.setdefault(
            (la, lo),
            HotSpot(round(la * analyses.LAT_STEP, 5), round(lo * analyses.LON_STEP, 5)),
        )
        spot.total += count
        spot.categories[category] += count
    return sorted(cells.values(), key=lambda s: (-s.total, s.lat, s.lon))[:limit]


def raw_by_walk(scope: Scope) -> list[tuple]:
    query = (
        analyses.observations_query(
            scope, TZ, Walk.id, Walk.title, func.sum(Observation.safety), func.count()
        )
        .join(Walk, Walk.id == Observation.walk_id)
        .where(Observation.safety.is_not(None))
        .group_by(Walk.id, Walk.title, Walk.starts_at)
        .order_by(Walk.starts_at.desc(), Walk.id.desc())
    )
    return [
        (wid, title, round(total / n, 9), n) for wid, title, total, n in db.session.execute(query)
    ]


def raw_medians(scope: Scope) -> dict:
    start, end = analyses.local_day_bounds(scope.date_from, scope.date_to, TZ)
    last: dict = {}
    for e in db.session.scalars(select(IssueEvent).where(IssueEvent.kind == "status")):
        key = (e.issue_id, e.to_status)
        last[key] = max(last.get(key, e.at), e.at)
    days: dict = defaultdict(list)
    for issue in db.session.scalars(select(Issue).where(Issue.status == "resolved")):
        done, sent = last.get((issue.id, "resolved")), last.get((issue.id, "forwarded"))
        if done is None or sent is None or (start and done < start) or (end and done >= end):
            continue
        if scope.area_id is not None and issue.area_id != scope.area_id:
            continue
        value = (done - sent).total_seconds() / 86400
        if value >= 0:
            days[issue.administration_id].append(value)
    return {aid: (len(v), round(statistics.median(v), 9)) for aid, v in days.items()}


def raw_trend(scope: Scope) -> tuple[list, list]:
    first, last = analyses.default_period(TODAY)
    months = analyses.months_between(scope.date_from or first, scope.date_to or last)
    ranges = []
    for y, m in months:
        nxt = (y + 1, 1) if m == 12 else (y, m + 1)
        ranges.append(
            (
                analyses.local_day_bounds(date(y, m, 1), None, TZ)[0],
                analyses.local_day_bounds(date(*nxt, 1), None, TZ)[0],
            )
        )
    opened = [0] * len(ranges)
    closed = [0] * len(ranges)
    for issue in db.session.scalars(select(Issue)):
        if scope.area_id is not None and issue.area_id != scope.area_id:
            continue
        for i, (lo, hi) in enumerate(ranges):
            opened[i] += lo <= issue.created_at < hi
        for e in issue.events:
            if e.kind == "status" and e.to_status in CLOSED_STATUSES:
                for i, (lo, hi) in enumerate(ranges):
                    closed[i] += lo <= e.at < hi
    return opened, closed


def raw_share(area_id, year: int, days: int, as_of: date | None) -> tuple:
    start, end = criteria.year_bounds(year, TZ)
    reference = criteria.counts.day_bounds(as_of, as_of, TZ)[1] if as_of else None
    last: dict = {}
    for e in db.session.scalars(select(IssueEvent).where(IssueEvent.to_status == "resolved")):
        if e.kind == "status":
            last[e.issue_id] = max(last.get(e.issue_id, e.at), e.at)
    counted = within = 0
    for issue in db.session.scalars(select(Issue)):
        if not (start <= issue.created_at < end):
            continue
        if area_id is not None and issue.area_id != area_id:
            continue
        if issue.status == "resolved" and issue.id in last:
            counted += 1
            within += (last[issue.id] - issue.created_at).total_seconds() <= days * 86400
        elif issue.status in OPEN_STATUSES and reference is not None:
            counted += (reference - issue.created_at).total_seconds() > days * 86400
    return counted, within


# --- The comparison ---------------------------------------------------------------------------


def check(areas) -> None:
    assert stored_places() == recount_places()
    assert stored_times() == recount_times()
    for area_id in (None, *(a.id for a in areas)):
        for first, last in SCOPES:
            scope = Scope(area_id, first, last)
            assert analyses.hot_spots(db.session, scope, TZ) == raw_hot_spots(scope), scope
            got = [
                (p.place_id, p.name, round(p.average, 9), p.count)
                for p in analyses.safety_by_walk(db.session, scope, TZ)
            ]
            assert got == raw_by_walk(scope), scope
            medians = {
                r.administration_id: (r.count, round(r.median_days, 9))
                for r in analyses.median_resolution(db.session, scope, TZ)
            }
            assert medians == raw_medians(scope), scope
            trend = analyses.open_closed_trend(db.session, scope, TZ, TODAY)
            assert (trend.opened, trend.closed) == raw_trend(scope), scope
        for year in (2024, 2025):
            for days in (0, 7, 30, 400):
                share = criteria.resolution_share(db.session, area_id, year, days, TZ, None, TODAY)
                assert (share.counted, share.within) == raw_share(area_id, year, days, TODAY)


@pytest.fixture
def world(app):
    north, middle = make_area("Løvvangen"), make_area("Midtbyen")
    admin = make_admin()
    walks = [make_walk(north, utc(2025, 3, 1, 18)), make_walk(middle, utc(2024, 12, 1, 18))]
    obs = []
    moments = [utc(2024, 12, 31, 23, 30), utc(2025, 2, 28, 23, 30), utc(2025, 3, 10, 19)]
    moments += [utc(2025, 3, 20, 8), utc(2025, 7, 1, 6), utc(2025, 11, 18, 12)]
    for i, moment in enumerate(moments * 2):
        lat, lon = SPOTS[i % len(SPOTS)]
        obs.append(
            make_obs(
                moment + timedelta(hours=i),
                walk=walks[i % 2] if i % 3 else None,
                area=north if i % 3 == 0 and i % 2 else None,
                safety=None if i % 5 == 0 else i % 5 + 1,
                category=("lighting", "vandalism", "vegetation")[i % 3],
                lat=None if i == 7 else lat,
                lon=None if i == 7 else lon,
            )
        )
    issues = [
        make_issue(
            utc(2024, 12, 20, 9), area=north, admin=admin, forwarded_after=1, resolved_after=5
        ),
        make_issue(
            utc(2025, 1, 5, 9), area=north, admin=admin, forwarded_after=2, resolved_after=40
        ),
        make_issue(utc(2025, 2, 1, 9), area=middle, admin=admin, forwarded_after=0.5),
        make_issue(utc(2025, 3, 1, 9), area=middle, resolved_after=7),
        make_issue(utc(2025, 10, 1, 9), area=north),
        make_issue(
            utc(2025, 6, 1, 9), area=None, admin=admin, forwarded_after=3, resolved_after=30
        ),
        make_issue(utc(2025, 9, 1, 9), area=middle),
    ]
    return (north, middle), admin, walks, obs, issues


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


def test_rebuild_recounts_what_sql_past_the_app_changed(world) -> None:
    areas, _admin, _walks, obs, issues = world
    connection = db.session.connection()
    connection.execute(CellMonth.__table__.delete())
    connection.execute(WalkMonth.__table__.delete())
    connection.execute(Issue.__table__.update().values(resolved_at=None, resolve_us=None))
    db.session.commit()
    assert stored_places() != recount_places()
    assert stored_times() != recount_times()
    place_summary.rebuild(db.session.connection())
    issue_times.rebuild(db.session.connection())
    db.session.commit()
    check(areas)


def test_stats_summary_command_recounts_the_new_summaries(world, runner) -> None:
    areas = world[0]
    db.session.execute(CellMonth.__table__.delete())
    db.session.execute(Issue.__table__.update().values(handling_us=None))
    db.session.commit()
    result = runner.invoke(args=["stats-summary"])
    assert result.exit_code == 0, result.output
    assert "resolution times of" in result.output
    # A long pass at a municipality's scale: each step says when it is done.
    steps = [line.split("...")[0] for line in result.output.splitlines() if " done (" in line]
    assert steps == [
        "Observation summary",
        "Map cells",
        "Walk and hot-spot summaries",
        "Resolution times",
        "Observed times and areas",
    ]
    check(areas)


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
