"""Reports for a chosen period: quarterly counts, the half-yearly status, and the figures of
each as flat rows for CSV.

The seeds' agreements report quarterly deliveries, a twice-yearly status to the board and a
yearly evaluation. Counts come from stats/counts.py (the same counters as the criteria); the
criteria's status from stats/progress.py, told as of the period's last day (or today, when the
period is not over) with only the data recorded by then. No Flask here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.areas.models import Area
from fieldapp.stats import counts
from fieldapp.stats.models import SuccessCriterion
from fieldapp.stats.progress import Standing, report_day, standing
from fieldapp.taxonomy import N_

# The earliest year any report (yearly area report, quarter, half-year) may be asked for.
FIRST_REPORT_YEAR = 2000
PERIOD_MONTHS = {
    "Q1": (1, 3),
    "Q2": (4, 6),
    "Q3": (7, 9),
    "Q4": (10, 12),
    "H1": (1, 6),
    "H2": (7, 12),
    "year": (1, 12),
}
QUARTERS = ("Q1", "Q2", "Q3", "Q4")
HALF_QUARTERS = {"H1": ("Q1", "Q2"), "H2": ("Q3", "Q4")}
# What is counted per period, in the order the tables and the CSV show it.
COUNT_LABELS: tuple[tuple[str, str], ...] = (
    ("observations", N_("Observations")),
    ("issues_opened", N_("Issues opened")),
    ("issues_resolved", N_("Issues resolved")),
    ("walks", N_("Safety walks held")),
    ("meetings", N_("Dialogue meetings held")),
    ("initiatives", N_("Safety initiatives done")),
)
COUNT_FIELDS = tuple(name for name, _label in COUNT_LABELS)


def period_dates(year: int, period: str) -> tuple[date, date]:
    """The first and last day of a quarter, half-year or ("year") the year."""
    first_month, last_month = PERIOD_MONTHS[period]
    last = date(year + 1, 1, 1) if last_month == 12 else date(year, last_month + 1, 1)
    return date(year, first_month, 1), date.fromordinal(last.toordinal() - 1)


@dataclass(frozen=True)
class PeriodCounts:
    period: str
    first: date
    last: date
    observations: int
    issues_opened: int
    issues_resolved: int
    walks: int
    meetings: int
    initiatives: int
    complete: bool  # the period is over (else: so far)


def period_counts(
    session: Session, area_id: int | None, year: int, period: str, today: date, tz: str
) -> PeriodCounts:
    first, last = period_dates(year, period)
    start, end = counts.day_bounds(first, last, tz)
    return PeriodCounts(
        period,
        first,
        last,
        observations=counts.observations_made(session, area_id, start, end),
        issues_opened=counts.issues_opened(session, area_id, start, end),
        issues_resolved=counts.issues_resolved(session, area_id, start, end),
        walks=counts.walks_held(session, area_id, start, end),
        meetings=counts.meetings_held(session, area_id, start, end),
        initiatives=counts.initiatives_done(session, area_id, start, end),
        complete=today > last,
    )


def started(year: int, period: str, today: date) -> bool:
    return period_dates(year, period)[0] <= today


def quarters(
    session: Session, area_id: int | None, year: int, today: date, tz: str, upto: str = "Q4"
) -> list[PeriodCounts]:
    """The year's quarters up to `upto` that have begun by `today`."""
    wanted = QUARTERS[: QUARTERS.index(upto) + 1]
    return [
        period_counts(session, area_id, year, q, today, tz)
        for q in wanted
        if started(year, q, today)
    ]


def total(rows: list[PeriodCounts], period: str, first: date, last: date) -> PeriodCounts:
    sums = {name: sum(getattr(r, name) for r in rows) for name in COUNT_FIELDS}
    return PeriodCounts(period, first, last, complete=all(r.complete for r in rows), **sums)


@dataclass
class QuarterReport:
    area: Area | None  # None: the whole municipality, findings outside every area included
    year: int
    quarter: str
    this: PeriodCounts  # the chosen quarter
    rows: list[PeriodCounts]  # the year's quarters up to the chosen one
    year_to_date: PeriodCounts
    generated_at: datetime


def area_id_of(area: Area | None) -> int | None:
    return area.id if area is not None else None


def criteria_of(session: Session, area: Area | None) -> list[SuccessCriterion]:
    """The area's criteria; for the whole municipality those set for the whole municipality."""
    where = (
        SuccessCriterion.area_id == area.id
        if area is not None
        else SuccessCriterion.area_id.is_(None)
    )
    return list(
        session.scalars(
            select(SuccessCriterion)
            .where(where)
            .order_by(SuccessCriterion.title, SuccessCriterion.id)
        )
    )


def quarter_report(
    session: Session,
    area: Area | None,
    year: int,
    quarter: str,
    today: date,
    tz: str,
    now: datetime,
) -> QuarterReport:
    rows = quarters(session, area_id_of(area), year, today, tz, quarter)
    first, _last = period_dates(year, "Q1")
    _first, last = period_dates(year, quarter)
    return QuarterReport(area, year, quarter, rows[-1], rows, total(rows, "ytd", first, last), now)


@dataclass
class HalfYearReport:
    area: Area | None  # None: the whole municipality
    year: int
    half: str
    as_of: date
    counts: PeriodCounts
    rows: list[PeriodCounts]  # the half's quarters (begun so far)
    criteria: list[Standing]
    generated_at: datetime


def half_year_report(
    session: Session,
    area: Area | None,
    year: int,
    half: str,
    today: date,
    tz: str,
    now: datetime,
) -> HalfYearReport:
    """The criteria's status at the half-year (31 December for H2): counted with only the data
    recorded by then, so a report made later tells what the board would have seen."""
    first, last = period_dates(year, half)
    as_of = report_day(first, last, today)
    area_id = area_id_of(area)
    criteria = criteria_of(session, area)
    rows = [
        period_counts(session, area_id, year, q, today, tz)
        for q in HALF_QUARTERS[half]
        if started(year, q, today)
    ]
    return HalfYearReport(
        area,
        year,
        half,
        as_of,
        period_counts(session, area_id, year, half, today, tz),
        rows,
        [standing(session, c, year, as_of, tz, cut=True) for c in criteria],
        now,
    )
