"""The analyses people ask for: hot spots, time of day × month, safety per place, time to
resolution per administration, issues opened and closed per month.

Plain functions on a session. Counting happens in SQL where it is portable (GROUP BY, and
SUM(CASE …) over month boundaries computed here in local time); only the time-of-day table reads
timestamps, one column streamed in chunks, because local hours across summer time need Python.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, case, cast, func, literal_column, select
from sqlalchemy.orm import Session

from fieldapp.areas.models import Area
from fieldapp.capture.models import Observation
from fieldapp.orgs.models import Administration
from fieldapp.stats import summary
from fieldapp.stats.criteria import observation_in_area
from fieldapp.stats.models import ObservationMonth
from fieldapp.triage.filters import TIMES_OF_DAY, local_day_bounds, local_hours
from fieldapp.triage.models import Issue, IssueEvent
from fieldapp.triage.workflow import CLOSED_STATUSES
from fieldapp.walks.models import Walk

# ~100 m cells: a degree of latitude is 111.3 km; longitude degrees shrink with the latitude,
# taken at Denmark's middle (56° N) so cells stay square to within a few per cent nationwide.
CELL_METRES = 100
LAT_STEP = CELL_METRES / 111_320
LON_STEP = LAT_STEP / math.cos(math.radians(56.0))
MAX_MONTHS = 36
# Dates far outside this overflow when turned into UTC times; nobody means them.
DATE_RANGE = (date(1990, 1, 1), date(2100, 12, 31))
HOUR_BANDS = {hour: code for code, _l, _s, _e in TIMES_OF_DAY for hour in local_hours(code)}


@dataclass(frozen=True)
class Scope:
    """What to analyse: an area (None: everywhere) and local dates (inclusive)."""

    area_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def default_period(today: date) -> tuple[date, date]:
    """The last twelve months, from the first of the month eleven months ago to today."""
    month = today.month - 11
    year = today.year + (month - 1) // 12
    return date(year, (month - 1) % 12 + 1, 1), today


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


def hot_spots(session: Session, scope: Scope, tz: str, limit: int = 15) -> list[HotSpot]:
    """The cells with most observations, each with its count per category."""
    # Inline constants: PostgreSQL only matches GROUP BY to the SELECT expression when the two
    # are identical, and two bound parameters are not.
    lat_cell = cast(func.round(Observation.lat / literal_column(repr(LAT_STEP))), Integer)
    lon_cell = cast(func.round(Observation.lon / literal_column(repr(LON_STEP))), Integer)
    query = (
        observations_query(scope, tz, lat_cell, lon_cell, Observation.category, func.count())
        .where(Observation.lat.is_not(None), Observation.lon.is_not(None))
        .group_by(lat_cell, lon_cell, Observation.category)
    )
    cells: dict[tuple[int, int], HotSpot] = {}
    for la, lo, category, count in session.execute(query):
        spot = cells.setdefault((la, lo), HotSpot(round(la * LAT_STEP, 5), round(lo * LON_STEP, 5)))
        spot.total += count
        spot.categories[category] += count
    ranked = sorted(cells.values(), key=lambda s: (-s.total, s.lat, s.lon))
    return ranked[:limit]


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
    query = (
        observations_query(
            scope,
            tz,
            Walk.id,
            Walk.title,
            Walk.starts_at,
            func.avg(Observation.safety),
            func.count(),
        )
        .join(Walk, Walk.id == Observation.walk_id)
        .where(Observation.safety.is_not(None))
        .group_by(Walk.id, Walk.title, Walk.starts_at)
        .order_by(Walk.starts_at.desc(), Walk.id.desc())
        .limit(limit)
    )
    return [
        PlaceSafety(title, float(avg), count, when=starts, place_id=wid)
        for wid, title, starts, avg, count in session.execute(query)
    ]


# --- Time to resolution ----------------------------------------------------------------------


@dataclass(frozen=True)
class ResolutionRow:
    administration: str  # "" when the issue has no administration (any more)
    short_name: str
    count: int
    median_days: float
    administration_id: int | None = None


def resolution_days(session: Session, scope: Scope, tz: str) -> list[tuple[int | None, float]]:
    """(administration id, days from the last forwarding to the last resolution) per issue
    resolved in the period."""

    def last(to_status: str):
        return (
            select(IssueEvent.issue_id, func.max(IssueEvent.at).label("at"))
            .where(IssueEvent.kind == "status", IssueEvent.to_status == to_status)
            .group_by(IssueEvent.issue_id)
        )

    resolved_q = last("resolved")
    start, end = local_day_bounds(scope.date_from, scope.date_to, tz)
    if start:
        resolved_q = resolved_q.having(func.max(IssueEvent.at) >= start)
    if end:
        resolved_q = resolved_q.having(func.max(IssueEvent.at) < end)
    resolved = resolved_q.subquery()
    forwarded = last("forwarded").subquery()
    query = (
        select(Issue.administration_id, forwarded.c.at, resolved.c.at)
        .join(resolved, resolved.c.issue_id == Issue.id)
        .join(forwarded, forwarded.c.issue_id == Issue.id)
        .where(Issue.status == "resolved")
    )
    if scope.area_id is not None:
        query = query.where(Issue.area_id == scope.area_id)
    result = []
    for admin_id, sent, done in session.execute(query):
        days = (done - sent).total_seconds() / 86400
        if days >= 0:
            result.append((admin_id, days))
    return result


def median_resolution(session: Session, scope: Scope, tz: str) -> list[ResolutionRow]:
    """Median days from forwarding to resolution, per administration (slowest first)."""
    per_admin: dict[int | None, list[float]] = defaultdict(list)
    for admin_id, days in resolution_days(session, scope, tz):
        per_admin[admin_id].append(days)
    names = {
        aid: (name, short or name)
        for aid, name, short in session.execute(
            select(Administration.id, Administration.name, Administration.short_name)
        )
    }
    rows = [
        ResolutionRow(*names.get(aid, ("", "")), len(days), statistics.median(days), aid)
        for aid, days in per_admin.items()
    ]
    return sorted(rows, key=lambda r: (-r.median_days, r.administration.lower()))


# --- Opened and closed per month ---------------------------------------------------------------


def months_between(first: date, last: date) -> list[tuple[int, int]]:
    """(year, month) from `first`'s month to `last`'s, at most the MAX_MONTHS most recent."""
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months[-MAX_MONTHS:]


def _month_sums(column, months: list[tuple[int, int]], tz: str) -> list:
    zone = ZoneInfo(tz)
    bounds = []
    for year, month in months:
        nxt = (year + 1, 1) if month == 12 else (year, month + 1)
        bounds.append(
            (
                datetime.combine(date(year, month, 1), time.min, zone),
                datetime.combine(date(*nxt, 1), time.min, zone),
            )
        )
    return [
        func.sum(case(((column >= start) & (column < end), 1), else_=0)) for start, end in bounds
    ]


@dataclass(frozen=True)
class MonthTrend:
    months: list[tuple[int, int]]
    opened: list[int]
    closed: list[int]


def open_closed_trend(session: Session, scope: Scope, tz: str, today: date) -> MonthTrend:
    """Issues opened (created) and closings (resolved, rejected, duplicate) per local month."""
    first, last = default_period(today)
    months = months_between(scope.date_from or first, scope.date_to or last)
    if not months:
        return MonthTrend([], [], [])
    opened_q = select(*_month_sums(Issue.created_at, months, tz))
    closed_q = (
        select(*_month_sums(IssueEvent.at, months, tz))
        .join(Issue, Issue.id == IssueEvent.issue_id)
        .where(IssueEvent.kind == "status", IssueEvent.to_status.in_(sorted(CLOSED_STATUSES)))
    )
    if scope.area_id is not None:
        opened_q = opened_q.where(Issue.area_id == scope.area_id)
        closed_q = closed_q.where(Issue.area_id == scope.area_id)
    opened = [int(v or 0) for v in session.execute(opened_q).one()]
    closed = [int(v or 0) for v in session.execute(closed_q).one()]
    return MonthTrend(months, opened, closed)
