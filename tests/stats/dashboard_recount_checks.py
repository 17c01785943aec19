"""What the dashboard recount tests share: the stored walk_month and cell_month rows and the
issues' stored resolution times, each recounted by hand from the observations and events; every
dashboard figure computed from the raw rows the way it was before the summaries existed; `check`,
which compares them all; and the `world` they start from (imported by name, as
test_summary_migration does).
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from stats_fixtures import make_admin, make_area, make_issue, make_obs, make_walk, utc

from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.stats import analyses, criteria, issue_times, place_summary
from fieldapp.stats.analyses import HotSpot, Scope
from fieldapp.stats.models import CellMonth, WalkMonth
from fieldapp.triage.models import Issue, IssueEvent
from fieldapp.triage.workflow import CLOSED_STATUSES, OPEN_STATUSES
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


@pytest.fixture(name="world")
def fixture_world(app):
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
