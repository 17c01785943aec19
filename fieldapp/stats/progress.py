"""Where a success criterion stands: status, trend and milestones, as of a given day.

Plain functions on a session (no Flask). `as_of` is the day the status is told for: today on
the dashboard, the last day of the half-year in the half-yearly status, 31 December (or today)
in the yearly report.

Status rules (one of achieved / on track / at risk / missed / no data):
- A year after `as_of` or without a value: no data.
- A year that is over (as_of on or after 31 December): achieved when the value meets the
  target, else missed.
- The year in progress:
  - counts per year: "at least" targets are achieved once reached (a count only grows);
    "at most" targets are missed once exceeded. Otherwise the count is taken pro rata —
    count ÷ share of the year gone (days so far incl. as_of ÷ days in the year) — and the
    criterion is on track when that projection meets the target, at risk when not.
  - yearly change: the same projection of this year's count against last year's whole count.
  - share, average, values entered by hand: on track when the value so far meets the target,
    at risk when not (they can still move either way).
- A milestone: achieved when marked achieved by hand (that date) or when its action item is
  done (the item's completion date), on or before `as_of`; otherwise missed once its date has
  passed, at risk when the date is within AT_RISK_DAYS days, on track before that.
Statuses of earlier versions map as: met → achieved (year over) or on track / achieved (year
in progress), not met → missed, in progress → on track or at risk by the projection.

Trend: the value (the projection for a count in the year in progress) against the previous
year's; for values entered by hand, against the previous period entered. Up, down or unchanged,
and whether that is better or worse given the direction of the target.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from fieldapp.stats.criteria import (
    COUNT_KINDS,
    DEFAULT_TZ,
    actual_value,
    category_per_year,
    change_percent,
    criterion_years,
    period_values,
    resolution_share,
    target_met,
)
from fieldapp.stats.models import SuccessCriterion
from fieldapp.taxonomy import N_

STATUSES: tuple[tuple[str, str], ...] = (
    ("achieved", N_("Achieved")),
    ("on_track", N_("On track")),
    ("at_risk", N_("At risk")),
    ("missed", N_("Missed")),
    ("no_data", N_("No data")),
)
STATUS_LABELS = dict(STATUSES)
AT_RISK_DAYS = 60


@dataclass(frozen=True)
class Trend:
    change: str  # up | down | same
    better: bool | None  # None when unchanged
    previous: float
    previous_year: int
    previous_period: str = ""  # values entered by hand: the period of the previous value


@dataclass(frozen=True)
class YearResult:
    year: int
    actual: float | None
    status: str
    # share_resolved_within_days only: issues resolved within the days, and issues counted.
    within: int | None = None
    counted: int | None = None
    # A count (or yearly change) in the year in progress, taken pro rata to the whole year.
    projected: float | None = None
    # yearly_change only: this year's and the previous year's number of observations.
    count: int | None = None
    base: int | None = None
    # manual only: the period the value is for ("" the whole year) and its source.
    period: str = ""
    source: str = ""
    trend: Trend | None = None


@dataclass(frozen=True)
class MilestoneResult:
    status: str
    due: date | None
    achieved_on: date | None
    days_left: int | None  # until the due date, when open and not passed


def year_fraction(year: int, as_of: date) -> float:
    """The share of `year` gone by the end of `as_of` (0 before it starts, 1 after)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    if as_of < start:
        return 0.0
    if as_of >= end:
        return 1.0
    return ((as_of - start).days + 1) / ((end - start).days + 1)


def status_for(
    kind: str,
    value: float | None,
    target: float,
    direction: str,
    complete: bool,
    projected: float | None = None,
) -> str:
    """The status of one year's value (see the module docstring)."""
    if value is None:
        return "no_data"
    met = target_met(value, target, direction)
    if complete:
        return "achieved" if met else "missed"
    if kind in COUNT_KINDS:
        if met and direction == "at_least":
            return "achieved"
        if not met and direction == "at_most":
            return "missed"
    if kind in COUNT_KINDS or kind == "yearly_change":
        value = value if projected is None else projected
        return "on_track" if target_met(value, target, direction) else "at_risk"
    return "on_track" if met else "at_risk"


def trend(
    value: float | None, previous: float | None, direction: str, year: int, period: str = ""
) -> Trend | None:
    if value is None or previous is None:
        return None
    now, before = round(value, 1), round(previous, 1)
    if now == before:
        return Trend("same", None, previous, year, period)
    change = "up" if now > before else "down"
    better = (change == "up") == (direction != "at_most")
    return Trend(change, better, previous, year, period)


def _manual_result(session, c, year, complete, until) -> YearResult:
    values = period_values(session, c.id, until)
    of_year = [i for i, v in enumerate(values) if v.year == year]
    if not of_year:
        return YearResult(year, None, "no_data")
    index = of_year[-1]
    entry = values[index]
    before = values[index - 1] if index else None
    status = status_for("manual", entry.value, c.target, c.direction, complete)
    return YearResult(
        year,
        entry.value,
        status,
        period=entry.period,
        source=entry.source,
        trend=trend(entry.value, before.value, c.direction, before.year, before.period)
        if before
        else None,
    )


def year_result(
    session: Session,
    criterion: SuccessCriterion,
    year: int,
    as_of: date,
    tz: str = DEFAULT_TZ,
    *,
    cut: bool = False,
) -> YearResult:
    """The value, status and trend for one year as of `as_of`; a later year has no data yet.

    `cut`: count only what had happened by the end of `as_of` (the half-yearly status);
    otherwise everything recorded for the year counts (the live dashboard).
    """
    c = criterion
    if year > as_of.year:
        return YearResult(year, None, "no_data")
    complete = as_of >= date(year, 12, 31)
    until = as_of if cut else None
    if c.kind == "manual":
        return _manual_result(session, c, year, complete, until)
    fraction = year_fraction(year, as_of)
    within = counted = count = base = projected = None
    if c.kind == "share_resolved_within_days":
        share = resolution_share(session, c.area_id, year, c.days or 0, tz, until, as_of)
        value, within, counted = share.percent, share.within, share.counted
    elif c.kind == "yearly_change":
        count = category_per_year(session, c.area_id, year, c.category, tz, until)
        base = category_per_year(session, c.area_id, year - 1, c.category, tz)
        value = change_percent(count, base)
        if not complete and fraction:
            projected = change_percent(count / fraction, base)
    else:
        value = actual_value(session, c, year, tz, until)
        if c.kind in COUNT_KINDS and value is not None and not complete and fraction:
            projected = value / fraction
    status = status_for(c.kind, value, c.target, c.direction, complete, projected)
    previous = actual_value(session, c, year - 1, tz)
    shown = projected if projected is not None and c.kind in COUNT_KINDS else value
    return YearResult(
        year,
        value,
        status,
        within,
        counted,
        projected,
        count,
        base,
        trend=trend(shown, previous, c.direction, year - 1),
    )


def criterion_results(
    session: Session, criterion: SuccessCriterion, as_of: date, tz: str = DEFAULT_TZ
) -> list[YearResult]:
    """One result per year of the criterion's period (none for a milestone)."""
    if criterion.kind == "milestone":
        return []
    return [
        year_result(session, criterion, year, as_of, tz)
        for year in criterion_years(criterion, as_of.year)
    ]


def achieved_on(criterion: SuccessCriterion, tz: str = DEFAULT_TZ) -> date | None:
    """The hand-marked date, else the local date its action item was done."""
    if criterion.achieved_on:
        return criterion.achieved_on
    item = criterion.action_item
    if item is not None and item.status == "done" and item.completed_at:
        return item.completed_at.astimezone(ZoneInfo(tz)).date()
    return None


def milestone_result(
    criterion: SuccessCriterion, as_of: date, tz: str = DEFAULT_TZ
) -> MilestoneResult:
    due = criterion.due_date
    done = achieved_on(criterion, tz)
    if done is not None and done <= as_of:
        return MilestoneResult("achieved", due, done, None)
    if due is None:
        return MilestoneResult("on_track", None, None, None)
    days_left = (due - as_of).days
    if days_left < 0:
        return MilestoneResult("missed", due, None, None)
    status = "at_risk" if days_left <= AT_RISK_DAYS else "on_track"
    return MilestoneResult(status, due, None, days_left)


def current_status(
    session: Session, criterion: SuccessCriterion, as_of: date, tz: str = DEFAULT_TZ
) -> str:
    """The headline status: the milestone's, or the year of `as_of`'s."""
    if criterion.kind == "milestone":
        return milestone_result(criterion, as_of, tz).status
    return year_result(session, criterion, as_of.year, as_of, tz).status


@dataclass(frozen=True)
class Standing:
    """One criterion in a report: its year's result, or its milestone, and the status."""

    criterion: SuccessCriterion
    result: YearResult | None
    milestone: MilestoneResult | None

    @property
    def status(self) -> str:
        return (self.milestone or self.result).status


def standing(
    session: Session,
    criterion: SuccessCriterion,
    year: int,
    as_of: date,
    tz: str = DEFAULT_TZ,
    *,
    cut: bool = False,
) -> Standing:
    """Where the criterion stood in `year` as of `as_of` (a report's period end, or today)."""
    if criterion.kind == "milestone":
        return Standing(criterion, None, milestone_result(criterion, as_of, tz))
    return Standing(criterion, year_result(session, criterion, year, as_of, tz, cut=cut), None)


def report_day(first: date, last: date, today: date) -> date:
    """The day a report for [first, last] is told as of: its last day, or today if earlier."""
    return max(first, min(last, today))
