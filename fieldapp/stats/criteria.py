"""Success criteria: the actual value of each kind per year.

Plain functions on a session (no Flask). A year is a calendar year in local (Copenhagen) time.
`area_id` None means the whole municipality. `until` (a date) stops counting after that day:
the half-yearly status counts the data as it stood at the half-year. What each kind counts:

- walks_per_year: walks that started in the year and are no longer "planned" (they happened).
- meetings_per_year: dialogue meetings that started in the year and were held (not "planned").
- initiatives_per_year: action items marked as safety initiatives, done in the year
  (completed_at). Walks and meetings are not added in: record an initiative item for them when
  they count, so each initiative is counted once and on purpose.
- inquiries_per_year: observations created in the year (walks, meetings and Open311 reports).
- share_resolved_within_days: of the issues created in the year, the percentage resolved
  within `days` days of creation (time of the last "resolved" event). Counted: the resolved
  issues, and the issues still open that are older than `days` (they can no longer make it);
  issues open for less than `days` are not decided yet and not counted, nor are rejected or
  duplicate ones. The dashboard shows how many were counted.
- safety_average: the mean safety feeling (1–5) of the year's observations.
- yearly_change: the change in per cent of the observations in one taxonomy category (e.g.
  vandalism) against the whole previous year: (this year − last year) / last year × 100.
  "Fall 10 % a year" is a target of −10 that the value must stay at or under (at_most).
  No value when the previous year has no observations (a change from nothing is undefined).
- manual: entered by hand per period (CriterionValue: the year, a half-year or a quarter), e.g.
  the police's safety index. The year's value is the whole-year value, else the latest period.
- milestone: done or not by a date (see progress.py); it has no yearly value.

Statuses, trends and milestones: progress.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from fieldapp.db import utcnow
from fieldapp.stats import counts
from fieldapp.stats.counts import observation_in_area  # noqa: F401  (analyses imports it here)
from fieldapp.stats.models import CriterionValue, SuccessCriterion
from fieldapp.taxonomy import N_
from fieldapp.triage.models import Issue, IssueEvent
from fieldapp.triage.workflow import OPEN_STATUSES

DEFAULT_TZ = "Europe/Copenhagen"

KINDS: tuple[tuple[str, str], ...] = (
    ("initiatives_per_year", N_("Safety initiatives done per year")),
    ("walks_per_year", N_("Safety walks held per year")),
    ("meetings_per_year", N_("Dialogue meetings held per year")),
    ("inquiries_per_year", N_("Observations and inquiries per year")),
    ("share_resolved_within_days", N_("Share of issues resolved within a number of days")),
    ("safety_average", N_("Average safety feeling in observations (1–5)")),
    ("yearly_change", N_("Yearly change in observations of a category, in per cent")),
    ("manual", N_("Entered by hand per period (e.g. the police safety index)")),
    ("milestone", N_("Milestone reached by a date")),
)
KIND_LABELS = dict(KINDS)
COUNT_KINDS = frozenset(
    {"initiatives_per_year", "walks_per_year", "meetings_per_year", "inquiries_per_year"}
)
DIRECTIONS: tuple[tuple[str, str], ...] = (
    ("at_least", N_("At least the target")),
    ("at_most", N_("At most the target")),
)
DIRECTION_LABELS = dict(DIRECTIONS)

# Periods a hand-entered value can cover: "" is the whole year. Month and day of the end.
PERIODS: tuple[tuple[str, str], ...] = (
    ("", N_("The whole year")),
    ("H1", N_("First half-year")),
    ("H2", N_("Second half-year")),
    ("Q1", N_("1st quarter")),
    ("Q2", N_("2nd quarter")),
    ("Q3", N_("3rd quarter")),
    ("Q4", N_("4th quarter")),
)
PERIOD_LABELS = dict(PERIODS)
PERIOD_END = {
    "Q1": (3, 31),
    "H1": (6, 30),
    "Q2": (6, 30),
    "Q3": (9, 30),
    "H2": (12, 31),
    "Q4": (12, 31),
    "": (12, 31),
}
# Of two values ending on the same day the longer period wins: the year over H2 over Q4.
PERIOD_RANK = {"Q1": 0, "Q2": 1, "H1": 2, "Q3": 3, "Q4": 4, "H2": 5, "": 6}

DEFAULT_YEARS = 4
MAX_YEARS = 12


def year_bounds(
    year: int, tz: str = DEFAULT_TZ, until: date | None = None
) -> tuple[datetime, datetime]:
    """[1 January, next 1 January) in local time; ends after `until` when that is earlier."""
    last = date(year, 12, 31) if until is None else min(date(year, 12, 31), until)
    return counts.day_bounds(date(year, 1, 1), last, tz)


def walks_per_year(
    session: Session, area_id: int | None, year: int, tz: str = DEFAULT_TZ, until=None
) -> int:
    return counts.walks_held(session, area_id, *year_bounds(year, tz, until))


def meetings_per_year(
    session: Session, area_id: int | None, year: int, tz: str = DEFAULT_TZ, until=None
) -> int:
    return counts.meetings_held(session, area_id, *year_bounds(year, tz, until))


def initiatives_per_year(
    session: Session, area_id: int | None, year: int, tz: str = DEFAULT_TZ, until=None
) -> int:
    return counts.initiatives_done(session, area_id, *year_bounds(year, tz, until))


def inquiries_per_year(
    session: Session, area_id: int | None, year: int, tz: str = DEFAULT_TZ, until=None
) -> int:
    return counts.observations_made(session, area_id, *year_bounds(year, tz, until))


def category_per_year(
    session: Session,
    area_id: int | None,
    year: int,
    category: str | None,
    tz: str = DEFAULT_TZ,
    until=None,
) -> int:
    return counts.observations_made(session, area_id, *year_bounds(year, tz, until), category)


COUNTERS = {
    "walks_per_year": walks_per_year,
    "meetings_per_year": meetings_per_year,
    "initiatives_per_year": initiatives_per_year,
    "inquiries_per_year": inquiries_per_year,
}


def safety_average(
    session: Session, area_id: int | None, year: int, tz: str = DEFAULT_TZ, until=None
) -> float | None:
    total, n = counts.safety_sum_count(session, area_id, *year_bounds(year, tz, until))
    return total / n if n else None


@dataclass(frozen=True)
class ShareResult:
    percent: float | None
    within: int
    counted: int


def resolution_share(
    session: Session,
    area_id: int | None,
    year: int,
    days: int,
    tz: str = DEFAULT_TZ,
    until: date | None = None,
    as_of: date | None = None,
) -> ShareResult:
    """Of the year's issues, how many were resolved within `days` of creation (see above).

    With `until`: created and resolved by the end of that day. Open issues are aged at the end
    of `as_of` (default: now). Without `until` the resolution times stored on the issues are
    counted in SQL; with it the events are read and compared in Python.
    """
    start, end = year_bounds(year, tz, until)
    reference = counts.day_bounds(as_of, as_of, tz)[1] if as_of else utcnow()
    if until is None:
        counted, within = _resolved_stored(session, area_id, start, end, days)
    else:
        counted, within = _resolved_by(session, area_id, start, end, days)
    # Past the days and not resolved: it cannot count as within. Older than `days` at the
    # reference: created before reference − days (what the age in seconds said, exactly).
    try:
        cutoff = min(end, reference - timedelta(days=days))
    except OverflowError:
        cutoff = None
    if cutoff is not None and start < cutoff:
        still_open = select(func.count()).where(
            Issue.status.in_(sorted(OPEN_STATUSES)),
            Issue.created_at >= start,
            Issue.created_at < cutoff,
        )
        if area_id is not None:
            still_open = still_open.where(Issue.area_id == area_id)
        counted += session.scalar(still_open) or 0
    percent = 100.0 * within / counted if counted else None
    return ShareResult(percent, within, counted)


def _resolved_stored(
    session: Session, area_id: int | None, start: datetime, end: datetime, days: int
) -> tuple[int, int]:
    """(resolved issues created in [start, end), those resolved within `days`) from the times
    stored on each issue (issue_times.py): one index range, no events."""
    # Capped so the bound fits a BIGINT (27,000 years: longer than any issue has been open).
    within = case((Issue.resolve_us <= min(days, 10**7) * 86_400 * 10**6, 1), else_=0)
    query = select(func.count(), func.sum(within)).where(
        Issue.status == "resolved",
        Issue.resolve_us.is_not(None),
        Issue.created_at >= start,
        Issue.created_at < end,
    )
    if area_id is not None:
        query = query.where(Issue.area_id == area_id)
    counted, inside = session.execute(query).one()
    return int(counted or 0), int(inside or 0)


def _resolved_by(
    session: Session, area_id: int | None, start: datetime, end: datetime, days: int
) -> tuple[int, int]:
    """The same as it stood at `end` (the half-yearly status): the last "resolved" event
    before `end` counts, read from the events."""
    events = (
        select(IssueEvent.issue_id, func.max(IssueEvent.at).label("at"))
        .where(IssueEvent.kind == "status", IssueEvent.to_status == "resolved", IssueEvent.at < end)
        .group_by(IssueEvent.issue_id)
        .subquery()
    )
    query = (
        select(Issue.created_at, events.c.at)
        .join(events, events.c.issue_id == Issue.id)
        .where(Issue.status == "resolved", Issue.created_at >= start, Issue.created_at < end)
    )
    if area_id is not None:
        query = query.where(Issue.area_id == area_id)
    counted = within = 0
    for created, resolved in session.execute(query):
        counted += 1
        if (resolved - created).total_seconds() <= days * 86400:
            within += 1
    return counted, within


def share_resolved_within_days(
    session: Session, area_id: int | None, year: int, days: int, tz: str = DEFAULT_TZ
) -> float | None:
    return resolution_share(session, area_id, year, days, tz).percent


def change_percent(count: int, base: int) -> float | None:
    """The change from `base` to `count` in per cent; None from nothing."""
    return 100.0 * (count - base) / base if base else None


def period_end(year: int, period: str) -> date:
    month, day = PERIOD_END[period]
    return date(year, month, day)


def period_values(
    session: Session, criterion_id: int, until: date | None = None
) -> list[CriterionValue]:
    """The hand-entered values in time order (by the end of their period); with `until`, only
    the periods that had ended by that day."""
    values = session.scalars(
        select(CriterionValue).where(CriterionValue.criterion_id == criterion_id)
    ).all()
    values = [v for v in values if until is None or period_end(v.year, v.period) <= until]
    return sorted(values, key=lambda v: (period_end(v.year, v.period), PERIOD_RANK[v.period]))


def manual_entry(
    session: Session, criterion_id: int, year: int, until: date | None = None
) -> CriterionValue | None:
    """The year's value: the whole-year value, else the year's latest period."""
    of_year = [v for v in period_values(session, criterion_id, until) if v.year == year]
    return of_year[-1] if of_year else None


def manual_value(session: Session, criterion_id: int, year: int) -> float | None:
    entry = manual_entry(session, criterion_id, year)
    return entry.value if entry else None


def actual_value(
    session: Session,
    criterion: SuccessCriterion,
    year: int,
    tz: str = DEFAULT_TZ,
    until: date | None = None,
) -> float | None:
    """The criterion's actual value for `year`; None when there is nothing to measure."""
    kind, area_id = criterion.kind, criterion.area_id
    if kind == "manual":
        entry = manual_entry(session, criterion.id, year, until)
        return entry.value if entry else None
    if kind == "share_resolved_within_days":
        days = criterion.days or 0
        return resolution_share(session, area_id, year, days, tz, until, until).percent
    if kind == "safety_average":
        return safety_average(session, area_id, year, tz, until)
    if kind == "yearly_change":
        count = category_per_year(session, area_id, year, criterion.category, tz, until)
        base = category_per_year(session, area_id, year - 1, criterion.category, tz)
        return change_percent(count, base)
    if kind in COUNTERS:
        return float(COUNTERS[kind](session, area_id, year, tz, until))
    return None


def target_met(value: float, target: float, direction: str) -> bool:
    # Rounded as shown (one decimal) so 79.96 % does not read "80 %, not met".
    value = round(value, 1)
    return value <= target if direction == "at_most" else value >= target


def criterion_years(criterion: SuccessCriterion, current_year: int) -> list[int]:
    """first_year..last_year; the last DEFAULT_YEARS years when unset; at most MAX_YEARS."""
    first, last = criterion.first_year, criterion.last_year
    if first is None and last is None:
        last = current_year
    if last is None:
        last = max(first + DEFAULT_YEARS - 1, min(current_year, first + MAX_YEARS - 1))
    if first is None:
        first = last - DEFAULT_YEARS + 1
    first = max(first, last - MAX_YEARS + 1)
    return list(range(first, last + 1))
