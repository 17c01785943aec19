"""Success criteria: the actual value of each kind per year, and whether the target is met.

Plain functions on a session (no Flask). A year is a calendar year in local (Copenhagen) time.
`area_id` None means the whole municipality. What each kind counts:

- walks_per_year: walks that started in the year and are no longer "planned" (they happened).
- meetings_per_year: dialogue meetings that started in the year and were held (not "planned").
- initiatives_per_year: action items marked as safety initiatives, done in the year
  (completed_at). Walks and meetings are not added in: record an initiative item for them when
  they count, so each initiative is counted once and on purpose.
- inquiries_per_year: observations created in the year (walks, meetings and Open311 reports).
- share_resolved_within_days: of the issues created in the year that are now resolved, the
  percentage resolved within `days` days of creation (time of the last "resolved" event).
  Issues still open are not in the share; the dashboard shows how many were counted.
- safety_average: the mean safety feeling (1–5) of the year's observations.
- manual: the value entered by hand for the year (CriterionValue), e.g. the police index.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from fieldapp.capture.models import Observation
from fieldapp.meetings.models import Meeting
from fieldapp.plans.models import ActionItem
from fieldapp.stats.models import CriterionValue, SuccessCriterion
from fieldapp.taxonomy import N_
from fieldapp.triage.models import Issue, IssueEvent
from fieldapp.walks.models import Walk

DEFAULT_TZ = "Europe/Copenhagen"

KINDS: tuple[tuple[str, str], ...] = (
    ("initiatives_per_year", N_("Safety initiatives done per year")),
    ("walks_per_year", N_("Safety walks held per year")),
    ("meetings_per_year", N_("Dialogue meetings held per year")),
    ("inquiries_per_year", N_("Observations and inquiries per year")),
    ("share_resolved_within_days", N_("Share of issues resolved within a number of days")),
    ("safety_average", N_("Average safety feeling in observations (1–5)")),
    ("manual", N_("Entered by hand each year (e.g. the police safety index)")),
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

STATUSES: tuple[tuple[str, str], ...] = (
    ("met", N_("Met")),
    ("not_met", N_("Not met")),
    ("in_progress", N_("In progress")),
    ("no_data", N_("No data")),
)
STATUS_LABELS = dict(STATUSES)
DEFAULT_YEARS = 4
MAX_YEARS = 12


def year_bounds(year: int, tz: str = DEFAULT_TZ) -> tuple[datetime, datetime]:
    """[1 January, next 1 January) in local time, as aware datetimes for comparisons."""
    zone = ZoneInfo(tz)
    return (
        datetime.combine(date(year, 1, 1), time.min, zone),
        datetime.combine(date(year + 1, 1, 1), time.min, zone),
    )


def observation_in_area(area_id: int):
    """SQL: the observation belongs to the area — its own area, else its walk's area."""
    # correlate(None): a query that also joins Walk must not turn this into a correlated subquery.
    walks = select(Walk.id).where(Walk.area_id == area_id).correlate(None)
    return or_(
        Observation.area_id == area_id,
        and_(Observation.area_id.is_(None), Observation.walk_id.in_(walks)),
    )


def _count(session: Session, query) -> int:
    return session.scalar(query) or 0


def walks_per_year(session: Session, area_id: int | None, year: int, tz: str = DEFAULT_TZ) -> int:
    start, end = year_bounds(year, tz)
    query = select(func.count(Walk.id)).where(
        Walk.starts_at >= start, Walk.starts_at < end, Walk.status != "planned"
    )
    if area_id is not None:
        query = query.where(Walk.area_id == area_id)
    return _count(session, query)


def meetings_per_year(
    session: Session, area_id: int | None, year: int, tz: str = DEFAULT_TZ
) -> int:
    start, end = year_bounds(year, tz)
    query = select(func.count(Meeting.id)).where(
        Meeting.starts_at >= start, Meeting.starts_at < end, Meeting.status != "planned"
    )
    if area_id is not None:
        query = query.where(Meeting.area_id == area_id)
    return _count(session, query)


def initiatives_per_year(
    session: Session, area_id: int | None, year: int, tz: str = DEFAULT_TZ
) -> int:
    start, end = year_bounds(year, tz)
    query = select(func.count(ActionItem.id)).where(
        ActionItem.is_initiative.is_(True),
        ActionItem.status == "done",
        ActionItem.completed_at >= start,
        ActionItem.completed_at < end,
    )
    if area_id is not None:
        query = query.where(ActionItem.area_id == area_id)
    return _count(session, query)


def _observations_in(area_id: int | None, year: int, tz: str, *columns):
    start, end = year_bounds(year, tz)
    query = select(*columns).where(Observation.created_at >= start, Observation.created_at < end)
    if area_id is not None:
        query = query.where(observation_in_area(area_id))
    return query


def inquiries_per_year(
    session: Session, area_id: int | None, year: int, tz: str = DEFAULT_TZ
) -> int:
    return _count(session, _observations_in(area_id, year, tz, func.count(Observation.id)))


def safety_average(
    session: Session, area_id: int | None, year: int, tz: str = DEFAULT_TZ
) -> float | None:
    query = _observations_in(area_id, year, tz, func.avg(Observation.safety)).where(
        Observation.safety.is_not(None)
    )
    value = session.scalar(query)
    return float(value) if value is not None else None


@dataclass(frozen=True)
class ShareResult:
    percent: float | None
    within: int
    counted: int


def resolution_share(
    session: Session, area_id: int | None, year: int, days: int, tz: str = DEFAULT_TZ
) -> ShareResult:
    """Issues created in the year and resolved now; how many within `days` of creation.

    One row per resolved issue (creation and last resolution time), compared in Python so the
    day arithmetic needs no engine-specific SQL.
    """
    start, end = year_bounds(year, tz)
    resolved_at = (
        select(IssueEvent.issue_id, func.max(IssueEvent.at).label("at"))
        .where(IssueEvent.kind == "status", IssueEvent.to_status == "resolved")
        .group_by(IssueEvent.issue_id)
        .subquery()
    )
    query = (
        select(Issue.created_at, resolved_at.c.at)
        .join(resolved_at, resolved_at.c.issue_id == Issue.id)
        .where(Issue.status == "resolved", Issue.created_at >= start, Issue.created_at < end)
    )
    if area_id is not None:
        query = query.where(Issue.area_id == area_id)
    counted = within = 0
    for created, resolved in session.execute(query):
        counted += 1
        if (resolved - created).total_seconds() <= days * 86400:
            within += 1
    percent = 100.0 * within / counted if counted else None
    return ShareResult(percent, within, counted)


def share_resolved_within_days(
    session: Session, area_id: int | None, year: int, days: int, tz: str = DEFAULT_TZ
) -> float | None:
    return resolution_share(session, area_id, year, days, tz).percent


def manual_value(session: Session, criterion_id: int, year: int) -> float | None:
    return session.scalar(
        select(CriterionValue.value).where(
            CriterionValue.criterion_id == criterion_id, CriterionValue.year == year
        )
    )


def actual_value(
    session: Session, criterion: SuccessCriterion, year: int, tz: str = DEFAULT_TZ
) -> float | None:
    """The criterion's actual value for `year`; None when there is nothing to measure."""
    kind = criterion.kind
    if kind == "manual":
        return manual_value(session, criterion.id, year)
    if kind == "share_resolved_within_days":
        return share_resolved_within_days(session, criterion.area_id, year, criterion.days or 0, tz)
    if kind == "safety_average":
        return safety_average(session, criterion.area_id, year, tz)
    counters = {
        "walks_per_year": walks_per_year,
        "meetings_per_year": meetings_per_year,
        "initiatives_per_year": initiatives_per_year,
        "inquiries_per_year": inquiries_per_year,
    }
    if kind in counters:
        return float(counters[kind](session, criterion.area_id, year, tz))
    return None


def target_met(value: float, target: float, direction: str) -> bool:
    # Rounded as shown (one decimal) so 79.96 % does not read "80 %, not met".
    value = round(value, 1)
    return value <= target if direction == "at_most" else value >= target


def year_status(
    value: float | None, target: float, direction: str, year: int, current_year: int
) -> str:
    """met / not_met / in_progress (the current year, not met yet) / no_data."""
    if year > current_year or value is None:
        return "no_data"
    if target_met(value, target, direction):
        return "met"
    return "in_progress" if year == current_year else "not_met"


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


@dataclass(frozen=True)
class YearResult:
    year: int
    actual: float | None
    status: str
    # share_resolved_within_days only: issues resolved within the days, and issues counted.
    within: int | None = None
    counted: int | None = None


def year_result(
    session: Session, criterion: SuccessCriterion, year: int, today: date, tz: str = DEFAULT_TZ
) -> YearResult:
    """The actual value and status for one year; a future year has no data yet."""
    within = counted = None
    if year > today.year:
        value = None
    elif criterion.kind == "share_resolved_within_days":
        share = resolution_share(session, criterion.area_id, year, criterion.days or 0, tz)
        value, within, counted = share.percent, share.within, share.counted
    else:
        value = actual_value(session, criterion, year, tz)
    status = year_status(value, criterion.target, criterion.direction, year, today.year)
    return YearResult(year, value, status, within, counted)


def criterion_results(
    session: Session, criterion: SuccessCriterion, today: date, tz: str = DEFAULT_TZ
) -> list[YearResult]:
    """One result per year of the criterion's period."""
    return [
        year_result(session, criterion, year, today, tz)
        for year in criterion_years(criterion, today.year)
    ]
