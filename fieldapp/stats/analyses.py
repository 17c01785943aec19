"""The analyses people ask for: hot spots, time of day × month, safety per place (time to
resolution and issues opened and closed per month: issue_analyses.py).

Plain functions on a session. Whole local months come from the summaries (summary.py,
place_summary.py), the days at a period's edges from the observations; counting happens in SQL
where it is portable. Local hours across summer time are worked out in Python, per UTC hour.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, literal_column, select, union_all
from sqlalchemy.orm import Session

from fieldapp.areas.models import Area
from fieldapp.capture.models import Observation
from fieldapp.stats import summary
from fieldapp.stats.criteria import observation_in_area
from fieldapp.stats.issue_analyses import (  # noqa: F401  (the analyses page's names)
    MAX_MONTHS,
    MonthTrend,
    ResolutionRow,
    median_resolution,
    months_between,
    open_closed_trend,
    resolution_days,
)
from fieldapp.stats.models import CellMonth, ObservationMonth, WalkMonth

# The hot-spot cells (~100 m) are defined in place_summary.py, which keeps their counts.
from fieldapp.stats.place_summary import CELL_METRES, LAT_STEP, LON_STEP, hot_cell  # noqa: F401
from fieldapp.stats.scope import DATE_RANGE, Scope, default_period  # noqa: F401
from fieldapp.stats.sqltime import hour_start, utc_hour_key
from fieldapp.triage.filters import TIMES_OF_DAY, local_day_bounds, local_hours
from fieldapp.walks.models import Walk

HOUR_BANDS = {hour: code for code, _l, _s, _e in TIMES_OF_DAY for hour in local_hours(code)}


def observations_query(scope: Scope, tz: str, *columns):
    """SELECT `columns` of the observations in the scope (area, local dates)."""
    query = select(*columns)
    start, end = local_day_bounds(scope.date_from, scope.date_to, tz)
    if start:
        query = query.where(Observation.created_at >= start)
    if end:
        query = query.where(Observation.created_at < end)
    if scope.area_id is not None:
        query = query.where(observation_in_area(scope.area_id))
    return query


# --- Hot spots ---------------------------------------------------------------------------------


@dataclass
class HotSpot:
    lat: float
    lon: float
    total: int = 0
    categories: Counter = field(default_factory=Counter)

    @property
    def top_categories(self) -> list[tuple[str, int]]:
        return self.categories.most_common()


def _cell_parts(scope: Scope, tz: str, where=()) -> list:
    """(cy, cx, category, n) rows of the scope: whole months from cell_month, the edge days
    from the observations (grouped by the same cell expressions)."""
    months, raw = _split(scope, tz)
    parts = []
    if months:
        m = CellMonth
        query = select(m.cy, m.cx, m.category, m.count.label("n")).where(
            m.month >= months[0], m.month < months[1], m.count != 0
        )
        if scope.area_id is not None:
            query = query.where(m.area_key == scope.area_id)
        parts.append(query.where(*(w(m.cy, m.cx) for w in where)))
    for lo, hi in raw:
        cy, cx = hot_cell()
        query = (
            _raw_scope(
                scope,
                tz,
                lo,
                hi,
                cy.label("cy"),
                cx.label("cx"),
                Observation.category.label("category"),
                func.count().label("n"),
            )
            .where(Observation.lat.is_not(None), Observation.lon.is_not(None))
            .where(*(w(cy, cx) for w in where))
            .group_by(cy, cx, Observation.category)
        )
        parts.append(query)
    return parts


def hot_spots(session: Session, scope: Scope, tz: str, limit: int = 15) -> list[HotSpot]:
    """The cells with most observations, each with its count per category.

    Ranked in SQL (most first, then south to north and west to east: the order of the cells'
    rounded positions), so only the top cells leave the database.
    """
    parts = _cell_parts(scope, tz)
    if not parts:
        return []
    rows = union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    total = func.sum(rows.c.n)
    top = session.execute(
        select(rows.c.cy, rows.c.cx, total)
        .group_by(rows.c.cy, rows.c.cx)
        .having(total > 0)
        .order_by(total.desc(), rows.c.cy, rows.c.cx)
        .limit(limit)
    ).all()
    if not top:
        return []
    ys, xs = sorted({r[0] for r in top}), sorted({r[1] for r in top})
    cells = {
        (la, lo): HotSpot(round(la * LAT_STEP, 5), round(lo * LON_STEP, 5), int(n))
        for la, lo, n in top
    }
    where = (lambda cy, _cx: cy.in_(ys), lambda _cy, cx: cx.in_(xs))
    parts = _cell_parts(scope, tz, where)
    rows = union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    query = select(rows.c.cy, rows.c.cx, rows.c.category, func.sum(rows.c.n)).group_by(
        rows.c.cy, rows.c.cx, rows.c.category
    )
    counts = sorted(session.execute(query).all(), key=lambda r: (r[0], r[1], r[2]))
    for la, lo, category, n in counts:
        spot = cells.get((la, lo))
        if spot is not None and n:
            spot.categories[category] += int(n)
    return list(cells.values())


# --- Time of day × month -----------------------------------------------------------------------


@dataclass
class HeatTable:
    counts: dict[tuple[str, int], int]
    total: int

    def row_total(self, band: str) -> int:
        return sum(v for (b, _m), v in self.counts.items() if b == band)

    def month_total(self, month: int) -> int:
        return sum(v for (_b, m), v in self.counts.items() if m == month)

    @property
    def peak(self) -> int:
        return max(self.counts.values(), default=0)


def _raw_scope(scope: Scope, tz: str, lo: datetime | None, hi: datetime | None, *columns):
    """observations_query for the scope's area, limited to [lo, hi) (None: open) instead of
    the scope's dates: the edges summary.month_split leaves to the observations."""
    query = observations_query(Scope(scope.area_id), tz, *columns)
    if lo is not None:
        query = query.where(Observation.created_at >= lo)
    if hi is not None:
        query = query.where(Observation.created_at < hi)
    return query


def _split(scope: Scope, tz: str):
    """(whole summary months, raw edge ranges) for the scope; everything raw in another zone."""
    start, end = local_day_bounds(scope.date_from, scope.date_to, tz)
    if tz != summary.SUMMARY_TZ:
        return None, [(start, end)]
    return summary.month_split(start, end)


def time_of_day_by_month(session: Session, scope: Scope, tz: str) -> HeatTable:
    """Observations per local time of day (TIMES_OF_DAY bands) and calendar month."""
    zone = ZoneInfo(tz)
    counts: Counter = Counter()
    months, raw = _split(scope, tz)
    if months:
        m = ObservationMonth
        query = summary.summary_query(
            [m.band, m.month, func.sum(m.count)], scope.area_id, months
        ).group_by(m.band, m.month)
        for band, month, n in session.execute(query):
            counts[(band, month % 100)] += int(n)
    for lo, hi in raw:
        if tz == summary.SUMMARY_TZ:
            # Whole-hour offsets changing on the hour: count per UTC hour in SQL.
            key = utc_hour_key(Observation.created_at)
            query = _raw_scope(scope, tz, lo, hi, key, func.count()).group_by(key)
            for hour, n in session.execute(query):
                local = hour_start(int(hour)).astimezone(zone)
                counts[(HOUR_BANDS[local.hour], local.month)] += int(n)
            continue
        query = _raw_scope(scope, tz, lo, hi, Observation.created_at)
        for (created,) in session.execute(query.execution_options(yield_per=2000)):
            local = created.astimezone(zone)
            counts[(HOUR_BANDS[local.hour], local.month)] += 1
    counts = Counter({k: v for k, v in counts.items() if v})
    return HeatTable(dict(counts), sum(counts.values()))


# --- Safety feeling per place ----------------------------------------------------------------


@dataclass(frozen=True)
class PlaceSafety:
    name: str
    average: float
    count: int
    when: datetime | None = None
    place_id: int | None = None


def safety_by_area(session: Session, scope: Scope, tz: str) -> list[PlaceSafety]:
    sums: dict[int | None, list[int]] = defaultdict(lambda: [0, 0])
    months, raw = _split(scope, tz)
    if months:
        m = ObservationMonth
        query = summary.summary_query(
            [m.area_key, func.sum(m.safety_sum), func.sum(m.safety_count)], scope.area_id, months
        ).group_by(m.area_key)
        for key, total, n in session.execute(query):
            sums[key or None][0] += int(total or 0)
            sums[key or None][1] += int(n or 0)
    area_id = func.coalesce(Observation.area_id, Walk.area_id)
    for lo, hi in raw:
        columns = [area_id, func.sum(Observation.safety), func.count(Observation.safety)]
        query = (
            _raw_scope(scope, tz, lo, hi, *columns)
            .outerjoin(Walk, Walk.id == Observation.walk_id)
            .group_by(area_id)
        )
        for key, total, n in session.execute(query):
            sums[key][0] += int(total or 0)
            sums[key][1] += int(n or 0)
    names = dict(session.execute(select(Area.id, Area.name)).all())
    result = [
        PlaceSafety(names.get(aid, ""), total / n, n, place_id=aid)
        for aid, (total, n) in sums.items()
        if n
    ]
    return sorted(result, key=lambda p: (p.place_id is None, p.name.lower()))


def safety_by_walk(session: Session, scope: Scope, tz: str, limit: int = 50) -> list[PlaceSafety]:
    """Average safety feeling per walk (the latest walks first): whole months from
    walk_month, the edge days from the observations."""
    months, raw = _split(scope, tz)
    parts = []
    if months:
        m = WalkMonth
        query = select(m.walk_id, m.safety_sum.label("s"), m.safety_count.label("n")).where(
            m.month >= months[0], m.month < months[1]
        )
        if scope.area_id is not None:
            query = query.where(m.area_key == scope.area_id)
        parts.append(query)
    for lo, hi in raw:
        # One row per observation, added up with the summary rows below: grouped here, SQLite
        # chose the walk index to group by (one probe per walk) over the period's range.
        columns = [
            Observation.walk_id,
            Observation.safety.label("s"),
            literal_column("1").label("n"),
        ]
        query = _raw_scope(scope, tz, lo, hi, *columns).where(
            Observation.walk_id.is_not(None), Observation.safety.is_not(None)
        )
        parts.append(query)
    rows = union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    # Added up per walk first, then joined to the walks (one lookup per walk).
    n = func.sum(rows.c[2])
    per_walk = (
        select(rows.c[0].label("walk_id"), func.sum(rows.c[1]).label("s"), n.label("n"))
        .group_by(rows.c[0])
        .having(n > 0)
        .subquery()
    )
    query = (
        select(Walk.id, Walk.title, Walk.starts_at, per_walk.c.s, per_walk.c.n)
        .join(per_walk, per_walk.c.walk_id == Walk.id)
        .order_by(Walk.starts_at.desc(), Walk.id.desc())
        .limit(limit)
    )
    return [
        PlaceSafety(title, int(s) / int(count), int(count), when=starts, place_id=wid)
        for wid, title, starts, s, count in session.execute(query)
    ]
